/*
 * The generator's entry list and the names of private key kinds.
 */
#include <stdlib.h>
#include <string.h>

#include "gen_core.h"

gen_entry_t *gen_entries_add(gen_entries_t *list)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        gen_entry_t *p = realloc(list->items, cap * sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        list->items = p;
        list->cap = cap;
    }
    gen_entry_t *e = &list->items[list->n++];
    memset(e, 0, sizeof(*e));
    e->efuse_id = -1;
    return e;
}

void gen_entries_free(gen_entries_t *list)
{
    if (list == NULL) {
        return;
    }
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].data_value);
        free(list->items[i].efuse_key_file);
        free(list->items[i].fallback_dir);
    }
    free(list->items);
    memset(list, 0, sizeof(*list));
}

static const struct {
    gen_pk_type_t type;
    const char *name;
} k_pk_names[] = {
    {GEN_PK_PLAINTEXT, "plaintext"},
    {GEN_PK_RSA_DS, "rsa_ds"},
    {GEN_PK_ECDSA_PERIPHERAL, "ecdsa_peripheral"},
    {GEN_PK_HMAC_ENCRYPTED, "hmac_encrypted"},
    {GEN_PK_HMAC_DERIVED_ECDSA, "hmac_derived_ecdsa"},
};

int gen_pk_type_from_name(const char *name, gen_pk_type_t *out)
{
    for (size_t i = 0; i < sizeof(k_pk_names) / sizeof(k_pk_names[0]); i++) {
        if (strcmp(name, k_pk_names[i].name) == 0) {
            *out = k_pk_names[i].type;
            return 0;
        }
    }
    return -1;
}

const char *gen_pk_type_name(gen_pk_type_t t)
{
    for (size_t i = 0; i < sizeof(k_pk_names) / sizeof(k_pk_names[0]); i++) {
        if (k_pk_names[i].type == t) {
            return k_pk_names[i].name;
        }
    }
    return "";
}
