/*
 * What the writer produces:
 *   - every storable type with subtypes across the range reads back (format
 *     core lookup on a buffer-mode image, public read API on flash);
 *   - data sizes from 1 byte up to what fills the partition, on byte and
 *     16-byte programmable flash;
 *   - buffer mode and flash mode give the same bytes for the same calls;
 *   - appending the entries of every partition in tests/vectors (made by the
 *     reference Python tool), in order, gives that partition byte for byte.
 *     The entry list comes from expected.json (an independent dumper), the
 *     data from the .bin, checked against the dumper's SHA-256.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "mini_json.h"
#include "test_files.h"
#include "test_write_common.h"

#define PART 8192u

static uint8_t s_flash[PART];

static esp_secure_cert_write_config_t buffer_cfg(uint8_t *buf, size_t size, size_t *used)
{
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    cfg.buffer.buffer = buf;
    cfg.buffer.buffer_size = size;
    cfg.buffer.bytes_written = used;
    return cfg;
}

static bool storable(unsigned type)
{
    return type < 254 && type != 50;
}

static void test_every_type_and_subtype(void **state)
{
    (void)state;
    static const uint8_t subtypes[] = {0, 1, 2, 16, 17, 100, 253, 254};
    size_t cap = 256 * sizeof(subtypes) * 64;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t used = 0;
    esp_secure_cert_write_config_t cfg = buffer_cfg(buf, cap, &used);
    size_t count = 0;
    for (unsigned t = 0; t < 256; t++) {
        for (size_t s = 0; s < sizeof(subtypes); s++) {
            wc_entry_t e = {.type = (uint8_t)t, .subtype = subtypes[s], .flags = (uint8_t)(s * 8),
                            .len = (uint16_t)((t + s) % 40), .seed = t * 1000 + s};
            esp_err_t want = storable(t) ? ESP_OK : ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE;
            assert_int_equal(wc_append(&e, &cfg), want);
            count += want == ESP_OK;
        }
    }
    /* Read everything back with the format core's lookup. */
    for (unsigned t = 0; t < 256; t++) {
        for (size_t s = 0; s < sizeof(subtypes); s++) {
            esc_tlv_entry_t got;
            esc_tlv_result_t r = esc_tlv_find(buf, used, (uint8_t)t, subtypes[s], &got);
            if (!storable(t)) {
                assert_int_equal(r, ESC_TLV_NOT_FOUND);
                continue;
            }
            wc_entry_t e = {.type = (uint8_t)t, .subtype = subtypes[s], .flags = (uint8_t)(s * 8),
                            .len = (uint16_t)((t + s) % 40), .seed = t * 1000 + s};
            assert_int_equal(r, ESC_TLV_OK);
            assert_int_equal(got.subtype, subtypes[s]);
            assert_int_equal(got.flags, e.flags);
            assert_int_equal(got.length, e.len);
            uint8_t *d = wc_data(&e);
            assert_memory_equal(buf + got.data_offset, d, e.len);
            free(d);
        }
    }
    wc_seen_t *seen = calloc(count + 1, sizeof(*seen));
    uint32_t end = 0;
    assert_int_equal(wc_model_list(buf, used, seen, count + 1, &end, NULL), count);
    assert_int_equal(end, used);
    free(seen);
    free(buf);
}

static void test_types_on_flash(void **state)
{
    (void)state;
    static const uint8_t types[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 49, 51, 52, 53, 54, 55, 201, 202, 253};
    assert_int_equal(wc_open_blank(s_flash, PART, 1), ESP_OK);
    for (size_t i = 0; i < sizeof(types); i++) {
        for (uint8_t s = 0; s < 3; s++) {
            wc_entry_t e = {.type = types[i], .subtype = (uint8_t)(s * 60), .len = (uint16_t)(9 * i + s),
                            .seed = 77 + i * 3 + s};
            assert_int_equal(wc_append(&e, NULL), ESP_OK);
        }
    }
    for (size_t i = 0; i < sizeof(types); i++) {
        for (uint8_t s = 0; s < 3; s++) {
            wc_entry_t e = {.type = types[i], .subtype = (uint8_t)(s * 60), .len = (uint16_t)(9 * i + s),
                            .seed = 77 + i * 3 + s};
            assert_int_equal(wc_api_has(&e), 1);
        }
    }
    esp_secure_cert_host_close();
}

static void sizes_on(uint32_t align)
{
    static const uint16_t sizes[] = {1,   2,   3,    4,    11,   12,   13,   15,   16,   17,   31,   32,
                                     33,  100, 255,  256,  257,  1000, 4079, 4080, 4081, 4095, 4096, 4097,
                                     6000, PART - 32, PART - 17, PART - 16};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        assert_int_equal(wc_open_blank(s_flash, PART, align), ESP_OK);
        wc_entry_t e = {.type = ESP_SECURE_CERT_USER_DATA_1, .subtype = 5, .len = sizes[i], .seed = sizes[i]};
        assert_int_equal(wc_append(&e, NULL), ESP_OK);
        assert_int_equal(wc_api_has(&e), 1);
        /* Layout: header, data, zero padding, CRC, then erased flash. */
        esc_tlv_entry_t got;
        assert_int_equal(esc_tlv_decode(s_flash, PART, 0, &got), ESC_TLV_OK);
        assert_true(got.crc_ok);
        assert_int_equal(got.total_len % 16, 0);
        for (uint32_t p = 12 + e.len; p < got.total_len - 4; p++) {
            assert_int_equal(s_flash[p], 0);
        }
        for (uint32_t p = got.total_len; p < PART; p++) {
            assert_int_equal(s_flash[p], 0xFF);
        }
        /* Whatever is left is exactly what still fits. */
        uint32_t left = PART - got.total_len;
        if (left >= 16) {
            wc_entry_t fill = {.type = ESP_SECURE_CERT_USER_DATA_2, .len = (uint16_t)(left - 16), .seed = 1};
            wc_entry_t over = fill;
            over.len++;
            assert_int_equal(wc_append(&over, NULL), ESP_ERR_INVALID_SIZE);
            assert_int_equal(wc_append(&fill, NULL), ESP_OK);
            assert_int_equal(wc_api_has(&fill), 1);
        }
        wc_entry_t none = {.type = ESP_SECURE_CERT_USER_DATA_3, .len = 0};
        assert_int_equal(wc_append(&none, NULL), ESP_ERR_INVALID_SIZE);
        assert_int_equal(wc_api_has(&e), 1);
        esp_secure_cert_host_close();
    }
}

static void test_sizes_byte_programmable(void **state)
{
    (void)state;
    sizes_on(1);
}

static void test_sizes_flash_encryption(void **state)
{
    (void)state;
    sizes_on(16);
}

/* The same calls in buffer mode and in flash mode. */
static const wc_entry_t s_seq[] = {
    {0, 0, 0, 1217, 1}, {1, 0, 0, 1108, 2}, {2, 0, 0, 0, 3}, {3, 0, 0, 1204, 4},
    {4, 0, 0, 8, 5},    {51, 7, 0x80, 45, 6}, {9, 0, 0, 32, 7}, {52, 254, 0x08, 1, 8},
};

static void identical_on(uint32_t align)
{
    static uint8_t buf[PART];
    memset(buf, 0xFF, sizeof(buf));
    size_t used = 0;
    esp_secure_cert_write_config_t cfg = buffer_cfg(buf, sizeof(buf), &used);
    assert_int_equal(wc_append(&s_seq[0], &cfg), ESP_OK);
    assert_int_equal(wc_append_batch(&s_seq[1], 3, &cfg), ESP_OK);
    assert_int_equal(wc_append(&s_seq[4], &cfg), ESP_OK);
    assert_int_equal(wc_append_batch(&s_seq[5], 3, &cfg), ESP_OK);

    assert_int_equal(wc_open_blank(s_flash, PART, align), ESP_OK);
    assert_int_equal(wc_append(&s_seq[0], NULL), ESP_OK);
    assert_int_equal(wc_append_batch(&s_seq[1], 3, NULL), ESP_OK);
    assert_int_equal(wc_append(&s_seq[4], NULL), ESP_OK);
    assert_int_equal(wc_append_batch(&s_seq[5], 3, NULL), ESP_OK);
    assert_memory_equal(s_flash, buf, PART);
    uint32_t end = 0;
    wc_seen_t seen[16];
    assert_int_equal(wc_model_list(s_flash, PART, seen, 16, &end, NULL), 8);
    assert_int_equal(end, used);
    esp_secure_cert_host_close();
}

static void test_buffer_equals_flash(void **state)
{
    (void)state;
    identical_on(1);
    identical_on(16);
}

/* ---- tests/vectors ---- */

static unsigned s_images;

static void replay_image(const char *bin_path, const mj_node_t *dump)
{
    size_t len = 0;
    uint8_t *img = tf_read_file(bin_path, &len);
    if (img == NULL) {
        fail_msg("cannot read %s", bin_path);
    }
    long end = mj_int(dump, "tlv_end_offset", -1);
    const mj_node_t *tlvs = mj_get(dump, "tlvs");
    assert_true(end > 0 && (size_t)end <= len);
    size_t n = mj_len(tlvs);
    esp_secure_cert_tlv_info_t *infos = calloc(n, sizeof(*infos));
    assert_non_null(infos);
    for (size_t i = 0; i < n; i++) {
        const mj_node_t *t = mj_at(tlvs, i);
        long off = mj_int(t, "offset", -1), l = mj_int(t, "length", -1);
        assert_true(off >= 0 && l >= 0 && (size_t)(off + 12 + l) <= len);
        char sha[65];
        tf_sha256_hex(img + off + 12, (size_t)l, sha);
        assert_string_equal(sha, mj_str(t, "data_sha256"));
        infos[i].type = (esp_secure_cert_tlv_type_t)mj_int(t, "type", -1);
        infos[i].subtype = (esp_secure_cert_tlv_subtype_t)mj_int(t, "subtype", -1);
        infos[i].flags = (uint8_t)mj_int(t, "flags", -1);
        infos[i].data = (char *)img + off + 12;
        infos[i].length = (uint32_t)l;
    }
    /* Buffer mode, one call per entry, into a buffer of the image's size. */
    uint8_t *out = malloc((size_t)end);
    assert_non_null(out);
    memset(out, 0xFF, (size_t)end);
    size_t used = 0;
    esp_secure_cert_write_config_t cfg = buffer_cfg(out, (size_t)end, &used);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(esp_secure_cert_append_tlv(&infos[i], &cfg), ESP_OK);
    }
    assert_int_equal(used, (size_t)end);
    if (memcmp(out, img, (size_t)end) != 0) {
        fail_msg("%s: buffer-mode image differs from the reference", bin_path);
    }
    /* Flash mode, as one batch, when it fits the 8 KiB partition. */
    if ((size_t)end <= PART) {
        assert_int_equal(wc_open_blank(s_flash, PART, 16), ESP_OK);
        assert_int_equal(esp_secure_cert_append_tlv_batch(infos, n, NULL), ESP_OK);
        if (memcmp(s_flash, img, (size_t)end) != 0) {
            fail_msg("%s: flash image differs from the reference", bin_path);
        }
        for (size_t p = (size_t)end; p < PART; p++) {
            assert_int_equal(s_flash[p], 0xFF);
        }
        esp_secure_cert_host_close();
    }
    s_images++;
    free(out);
    free(infos);
    free(img);
}

static void test_vectors_byte_identical(void **state)
{
    (void)state;
    static char names[64][128];
    size_t nv = tf_list_vectors(names, 64);
    assert_true(nv > 0);
    for (size_t v = 0; v < nv; v++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, names[v]);
        mj_node_t *root = mj_parse_file(path);
        if (root == NULL) {
            continue;
        }
        const mj_node_t *outputs = mj_get(root, "outputs");
        for (const mj_node_t *o = outputs != NULL ? outputs->child : NULL; o != NULL; o = o->next) {
            if (o->kind != MJ_OBJECT || mj_get(o, "tlvs") == NULL || mj_int(o, "tlv_end_offset", -1) <= 0) {
                continue;
            }
            char bin[640];
            snprintf(bin, sizeof(bin), "%s/%s/outputs/%s", ESC_VECTORS_DIR, names[v], o->key);
            replay_image(bin, o);
        }
        mj_free(root);
    }
    printf("write: %u vector images rebuilt byte for byte\n", s_images);
    assert_true(s_images >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_type_and_subtype),
        cmocka_unit_test(test_types_on_flash),
        cmocka_unit_test(test_sizes_byte_programmable),
        cmocka_unit_test(test_sizes_flash_encryption),
        cmocka_unit_test(test_buffer_equals_flash),
        cmocka_unit_test(test_vectors_byte_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
