/*
 * Step 1 of the image layout (gen_internal.h): the entries of keys that live
 * in a peripheral. rsa_ds: DS_DATA + DS_CONTEXT, with the DS HMAC key (drawn
 * or from a file) and the IV; ecdsa_peripheral: SEC_CFG naming the eFuse
 * block. Each key's block is checked against the --efuse state, and the key
 * files and burn commands are collected.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "ds_gen.h"
#include "gen_append.h"
#include "gen_internal.h"

int gen_add_side(gen_result_t *res, const char *name, const uint8_t *data, size_t len, bool is_public, char *err,
                 size_t err_len)
{
    if (res->n_side == GEN_MAX_SIDE_FILES) {
        snprintf(err, err_len, "too many key files");
        return -1;
    }
    gen_side_file_t *s = &res->side[res->n_side];
    s->data = malloc(len);
    if (s->data == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    memcpy(s->data, data, len);
    s->len = len;
    s->is_public = is_public;
    snprintf(s->name, sizeof(s->name), "%s", name);
    return (int)res->n_side++;
}

int gen_add_burn(gen_result_t *res, int efuse_id, const char *purpose, int side_index, const char *key_file,
                 bool present)
{
    if (res->n_burns == GEN_MAX_BURNS) {
        return -1;
    }
    gen_burn_t *b = &res->burns[res->n_burns++];
    b->efuse_id = efuse_id;
    b->purpose = purpose;
    b->side_index = side_index;
    b->present = present;
    snprintf(b->key_file, sizeof(b->key_file), "%s", key_file ? key_file : "");
    return 0;
}

/* Name of the n-th (of `count`) key file of a kind: one keeps the original
 * tool's name; several get the entry's subtype so none is overwritten. */
void gen_side_name(char *buf, size_t cap, const char *stem, const char *ext, size_t count, uint8_t subtype)
{
    if (count <= 1) {
        snprintf(buf, cap, "%s.%s", stem, ext);
    } else {
        snprintf(buf, cap, "%s_%u.%s", stem, subtype, ext);
    }
}

/* The key block of an rsa_ds / ecdsa_peripheral key against the --efuse
 * state: blank (burn) or already holding this key (nothing to burn). */
static int check_block(const gen_efuse_t *fx, const gen_entry_t *e, esc_key_purpose_t purpose, const uint8_t *key,
                       bool key_le, bool *present, char *err, size_t err_len)
{
    *present = false;
    if (fx == NULL || !fx->open || fx->path == NULL) {
        return 0;
    }
    char why[512];
    if (gen_efuse_check_block(fx, e->efuse_id, purpose, key, key_le, present, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "%s: %s", e->where, why);
        return -1;
    }
    return 0;
}

static const char *ecdsa_purpose(int bits)
{
    switch (bits) {
    case 192: return "ECDSA_KEY_P192";
    case 384: return "ECDSA_KEY_P384";
    default: return "ECDSA_KEY";
    }
}

int gen_emit_ds_entries(const gen_entries_t *list, gen_prepared_t *prep, const gen_options_t *opt,
                        const gen_efuse_t *fx, gen_result_t *res, uint8_t *img, size_t cap, size_t *end, char *err,
                        size_t err_len)
{
    size_t n_auto_hmac = 0, n_ecdsa = 0;
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (e->type == ESP_SECURE_CERT_PRIV_KEY_TLV && e->pk_type == GEN_PK_RSA_DS && e->efuse_key_file == NULL) {
            n_auto_hmac++;
        }
        if (e->type == ESP_SECURE_CERT_PRIV_KEY_TLV && e->pk_type == GEN_PK_ECDSA_PERIPHERAL) {
            n_ecdsa++;
        }
    }

    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (e->type != ESP_SECURE_CERT_PRIV_KEY_TLV) {
            continue;
        }
        char name[64];
        if (e->pk_type == GEN_PK_RSA_DS) {
            uint8_t hmac[32], iv[16];
            char key_path[GEN_WHERE_LEN] = "";
            int side = -1;
            if (e->efuse_key_file != NULL) {
                if (gen_read_key32(e, e->efuse_key_file, hmac, key_path, sizeof(key_path), err, err_len) != 0) {
                    return -1;
                }
            } else {
                if (esc_rng_draw(opt->rng, hmac, sizeof(hmac)) != 0) {
                    snprintf(err, err_len, "%s: the random source failed", e->where);
                    return -1;
                }
                gen_side_name(name, sizeof(name), "hmac_key", "bin", n_auto_hmac, e->subtype);
                side = gen_add_side(res, name, hmac, sizeof(hmac), false, err, err_len);
                if (side < 0) {
                    OPENSSL_cleanse(hmac, sizeof(hmac));
                    return -1;
                }
            }
            bool present = false;
            if (check_block(fx, e, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac, false, &present, err, err_len) !=
                0) {
                OPENSSL_cleanse(hmac, sizeof(hmac));
                return -1;
            }
            if (esc_rng_draw(opt->rng, iv, sizeof(iv)) != 0) {
                OPENSSL_cleanse(hmac, sizeof(hmac));
                snprintf(err, err_len, "%s: the random source failed", e->where);
                return -1;
            }
            uint8_t ds_data[2048];
            uint8_t ds_ctx[8];
            size_t ds_len = 0;
            char why[384];
            int rc = esc_ds_build_entries(opt->target_chip, prep[i].key.pkey, e->efuse_id, hmac, iv, ds_data,
                                          sizeof(ds_data), &ds_len, ds_ctx, why, sizeof(why));
            OPENSSL_cleanse(hmac, sizeof(hmac));
            if (rc != 0) {
                snprintf(err, err_len, "%s: %s", e->where, why);
                return -1;
            }
            if (gen_append(img, cap, end, ESP_SECURE_CERT_DS_DATA_TLV, e->subtype, 0, ds_data, ds_len, why,
                           sizeof(why)) != 0 ||
                gen_append(img, cap, end, ESP_SECURE_CERT_DS_CONTEXT_TLV, e->subtype, 0, ds_ctx, sizeof(ds_ctx), why,
                           sizeof(why)) != 0) {
                return cli_fail(err, err_len, "%s: %s", e->where, why);
            }
            if (gen_add_burn(res, e->efuse_id, "HMAC_DOWN_DIGITAL_SIGNATURE", side, key_path, present) != 0) {
                return cli_fail(err, err_len, "%s: too many keys to burn", e->where);
            }
        } else if (e->pk_type == GEN_PK_ECDSA_PERIPHERAL) {
            uint8_t scalar[66];
            size_t nbytes = ((size_t)e->key_size + 7) / 8;
            if (nbytes > sizeof(scalar) || ki_ec_private_scalar(prep[i].key.pkey, scalar, nbytes) != 0) {
                snprintf(err, err_len, "%s: cannot read the EC private key", e->where);
                return -1;
            }
            gen_side_name(name, sizeof(name), "ecdsa_key", "bin", n_ecdsa, e->subtype);
            /* espefuse stores the scalar little-endian; only P-256 keys fill
             * exactly one block, so only they can be compared. */
            bool present = false;
            int rc = gen_add_side(res, name, scalar, nbytes, false, err, err_len) < 0 ? -1 : 0;
            if (rc == 0) {
                rc = check_block(fx, e, ESC_PURPOSE_ECDSA_KEY, nbytes == 32 ? scalar : NULL, true, &present, err,
                                 err_len);
            }
            OPENSSL_cleanse(scalar, sizeof(scalar));
            if (rc != 0) {
                return -1;
            }
            /* A SEC_CFG row of the same subtype (as `parse` writes) is stored
             * where it stands instead of a generated one. */
            size_t given = list->n;
            for (size_t k = 0; k < list->n; k++) {
                if (list->items[k].type == ESP_SECURE_CERT_TLV_SEC_CFG && list->items[k].subtype == e->subtype) {
                    given = k;
                }
            }
            if (given < list->n) {
                if (prep[given].len < 1 || prep[given].data[0] != (uint8_t)(e->efuse_id + GEN_EFUSE_BLOCK_KEY0)) {
                    snprintf(err, err_len, "%s: its SEC_CFG entry (%s) does not name eFuse key block %d",
                             e->where, list->items[given].where, e->efuse_id);
                    return -1;
                }
            } else {
                uint8_t sec_cfg[GEN_SEC_CFG_LEN] = {0};
                char why[256];
                sec_cfg[0] = (uint8_t)(e->efuse_id + GEN_EFUSE_BLOCK_KEY0);
                if (gen_append(img, cap, end, ESP_SECURE_CERT_TLV_SEC_CFG, e->subtype, 0, sec_cfg, sizeof(sec_cfg),
                               why, sizeof(why)) != 0) {
                    return cli_fail(err, err_len, "%s: %s", e->where, why);
                }
            }
            /* espefuse burns ECDSA keys from a PEM file: name the user's. */
            const char *pem = (e->data_type == GEN_DATA_FILE && prep[i].key.encoding == KI_PEM) ? prep[i].source
                                                                                                 : "<key.pem>";
            if (gen_add_burn(res, e->efuse_id, ecdsa_purpose(e->key_size), -1, pem, present) != 0) {
                return cli_fail(err, err_len, "%s: too many keys to burn", e->where);
            }
        }
    }
    return 0;
}
