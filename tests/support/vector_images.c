#include "vector_images.h"

#include <stdio.h>

#include "test_files.h"

size_t tf_each_tool_image(tf_image_fn fn)
{
    static char names[64][128];
    size_t n = tf_list_vectors(names, 64), images = 0;
    for (size_t v = 0; v < n; v++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, names[v]);
        mj_node_t *exp = mj_parse_file(path);
        const mj_node_t *outputs = mj_get(exp, "outputs");
        for (const mj_node_t *o = outputs ? outputs->child : NULL; o != NULL; o = o->next) {
            if (mj_len(mj_get(o, "tlvs")) == 0) {
                continue; /* key files, legacy formats */
            }
            snprintf(path, sizeof(path), "%s/%s/outputs/%s", ESC_VECTORS_DIR, names[v], o->key);
            fn(path, o);
            images++;
        }
        mj_free(exp);
    }
    return images;
}

size_t tf_each_reference_image(tf_image_fn fn)
{
    mj_node_t *dump = mj_parse_file(ESC_VECTORS_DIR "/reference_tlvdump.json");
    size_t images = 0;
    for (const mj_node_t *o = dump ? dump->child : NULL; o != NULL; o = o->next) {
        char path[512];
        snprintf(path, sizeof(path), "%s/reference/%s", ESC_VECTORS_DIR, o->key);
        fn(path, o);
        images++;
    }
    mj_free(dump);
    return images;
}

long tf_valid_end(const mj_node_t *dump)
{
    const mj_node_t *tlvs = mj_get(dump, "tlvs");
    for (const mj_node_t *t = tlvs ? tlvs->child : NULL; t != NULL; t = t->next) {
        const mj_node_t *ok = mj_get(t, "crc_ok");
        if (ok != NULL && !ok->boolean) {
            return mj_int(t, "offset", -1);
        }
    }
    return mj_int(dump, "tlv_end_offset", -1);
}
