/*
 * Image generation; see gen_core.h for the layout and draw order, and
 * gen_internal.h for how the work is split.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ds_gen.h"
#include "esc_ds_layout.h"
#include "gen_append.h"
#include "gen_core.h"
#include "gen_internal.h"
#include "tlv_names.h"

#define DEFAULT_PARTITION_SIZE 0x2000u

/* The chips the original tool takes for --target_chip, in its order; the
 * list doubles as the text of messages. */
static const char k_chips[] =
    "esp32, esp32s2, esp32c3, esp32s3, esp32c6, esp32h2, esp32p4, esp32c5, esp32c61, esp32s31";

bool gen_chip_known(const char *chip)
{
    size_t n = chip != NULL ? strlen(chip) : 0;
    for (const char *p = k_chips; n > 0 && *p != 0;) {
        size_t len = strcspn(p, ",");
        if (len == n && memcmp(p, chip, n) == 0) {
            return true;
        }
        p += len;
        p += strspn(p, ", ");
    }
    return false;
}

const char *gen_chip_list(void)
{
    return k_chips;
}

/* An hmac_encrypted / hmac_derived_ecdsa row, before any file is read. */
static int validate_hmac_row(const gen_entry_t *e, const gen_options_t *opt, char *err, size_t err_len)
{
    char tb[TLV_NAME_LEN];
    const char *kind = gen_pk_type_name(e->pk_type);
    const esc_ds_chip_t *chip = esc_ds_chip_find(opt->target_chip);
    /* The HMAC peripheral comes with the DS peripheral (DS is built on it);
     * the chips without DS have no HMAC either. */
    if (chip == NULL || chip->rsa_max_bits == 0) {
        char have[160];
        esc_ds_chip_names(have, sizeof(have), true);
        snprintf(err, err_len, "%s: %s needs the HMAC peripheral, which %s does not have (%s have it)", e->where,
                 kind, opt->target_chip, have);
        return -1;
    }
    if (e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA) {
        if (e->type != ESP_SECURE_CERT_PRIV_KEY_TLV) {
            snprintf(err, err_len, "%s: hmac_derived_ecdsa is a kind of private key; this row is a %s entry",
                     e->where, tlv_type_label(e->type, tb, sizeof(tb)));
            return -1;
        }
        if ((e->algorithm[0] != 0 && strcmp(e->algorithm, "ECDSA") != 0) || (e->key_size != 0 && e->key_size != 256)) {
            snprintf(err, err_len, "%s: hmac_derived_ecdsa keys are ECDSA P-256 (algorithm ECDSA, key_size 256)",
                     e->where);
            return -1;
        }
        return 0;
    }
    switch (e->type) {
    case ESP_SECURE_CERT_DS_DATA_TLV:
    case ESP_SECURE_CERT_DS_CONTEXT_TLV:
    case ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT:
    case ESP_SECURE_CERT_TLV_SEC_CFG:
    case ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV:
    case ESP_SECURE_CERT_TLV_END:
        snprintf(err, err_len,
                 "%s: a %s entry cannot be hmac_encrypted: the device reads it without decrypting", e->where,
                 tlv_type_label(e->type, tb, sizeof(tb)));
        return -1;
    default:
        return 0;
    }
}

/* One purpose per eFuse key block among the keys of the image, and one key
 * per block: two rows may share a block only with the same purpose and a
 * key file each (a drawn key would differ). */
static int check_block_conflicts(const gen_entries_t *list, const gen_options_t *opt, char *err, size_t err_len)
{
    int hmac_block = -1;
    const char *hmac_where = NULL;
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if ((e->pk_type == GEN_PK_HMAC_ENCRYPTED || e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA) && e->efuse_id >= 0) {
            hmac_block = e->efuse_id;
            hmac_where = e->where;
            break;
        }
    }
    if (hmac_block < 0 && opt->hmac_efuse_id_set) {
        hmac_block = opt->hmac_efuse_id;
        hmac_where = "--efuse-key-id";
    }
    bool hmac_rows = false;
    for (size_t k = 0; k < list->n; k++) {
        hmac_rows |= list->items[k].pk_type == GEN_PK_HMAC_ENCRYPTED ||
                     list->items[k].pk_type == GEN_PK_HMAC_DERIVED_ECDSA;
    }
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        bool ds = e->type == ESP_SECURE_CERT_PRIV_KEY_TLV && e->pk_type == GEN_PK_RSA_DS;
        bool ecdsa = e->type == ESP_SECURE_CERT_PRIV_KEY_TLV && e->pk_type == GEN_PK_ECDSA_PERIPHERAL;
        if ((!ds && !ecdsa) || e->efuse_id < 0) {
            continue;
        }
        const char *purpose = ds ? "HMAC_DOWN_DIGITAL_SIGNATURE" : "ECDSA_KEY";
        if (hmac_rows && e->efuse_id == hmac_block) {
            snprintf(err, err_len, "%s: eFuse block KEY%d is needed for %s, but %s puts the HMAC_UP key there",
                     e->where, e->efuse_id, purpose, hmac_where);
            return -1;
        }
        for (size_t k = 0; k < i; k++) {
            const gen_entry_t *o = &list->items[k];
            bool ods = o->type == ESP_SECURE_CERT_PRIV_KEY_TLV && o->pk_type == GEN_PK_RSA_DS;
            bool oecdsa = o->type == ESP_SECURE_CERT_PRIV_KEY_TLV && o->pk_type == GEN_PK_ECDSA_PERIPHERAL;
            if ((!ods && !oecdsa) || o->efuse_id != e->efuse_id) {
                continue;
            }
            if (ods != ds) {
                snprintf(err, err_len, "%s: eFuse block KEY%d is needed for %s, but %s uses it for %s", e->where,
                         e->efuse_id, purpose, o->where, ods ? "HMAC_DOWN_DIGITAL_SIGNATURE" : "ECDSA_KEY");
                return -1;
            }
            if (ecdsa || e->efuse_key_file == NULL || o->efuse_key_file == NULL) {
                snprintf(err, err_len,
                         "%s: eFuse block KEY%d is already used by %s; one block holds one key (give each key its "
                         "own block%s)",
                         e->where, e->efuse_id, o->where, ds ? ", or the same efuse_key file to both" : "");
                return -1;
            }
        }
    }
    return 0;
}

/* Checks that need no file: duplicates, kinds of key, required fields. */
static int validate_entries(const gen_entries_t *list, const gen_options_t *opt, char *err, size_t err_len)
{
    char tb[TLV_NAME_LEN];
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        for (size_t k = 0; k < i; k++) {
            const gen_entry_t *o = &list->items[k];
            if (o->type == e->type && o->subtype == e->subtype) {
                snprintf(err, err_len, "%s: duplicate entry %s subtype %u (first given at %s)", e->where,
                         tlv_type_label(e->type, tb, sizeof(tb)), e->subtype, o->where);
                return -1;
            }
        }
        if (e->type == ESP_SECURE_CERT_INTEGRITY_TLV) {
            snprintf(err, err_len, "%s: INTEGRITY entries are added by the generator, not given", e->where);
            return -1;
        }
        if (e->type >= 254) {
            snprintf(err, err_len, "%s: type %u is reserved", e->where, e->type);
            return -1;
        }
        if (e->pk_type == GEN_PK_HMAC_ENCRYPTED || e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA) {
            if (validate_hmac_row(e, opt, err, err_len) != 0) {
                return -1;
            }
        }
        if (e->type != ESP_SECURE_CERT_PRIV_KEY_TLV) {
            if (e->pk_type != GEN_PK_NONE && e->pk_type != GEN_PK_HMAC_ENCRYPTED) {
                cli_warn("%s: priv_key_type '%s' ignored on a %s entry", e->where, gen_pk_type_name(e->pk_type),
                         tlv_type_label(e->type, tb, sizeof(tb)));
            }
            continue;
        }
        switch (e->pk_type) {
        case GEN_PK_PLAINTEXT:
            break;
        case GEN_PK_NONE:
        case GEN_PK_INVALID:
            snprintf(err, err_len,
                     "%s: a PRIV_KEY entry needs priv_key_type plaintext, rsa_ds, ecdsa_peripheral, hmac_encrypted "
                     "or hmac_derived_ecdsa",
                     e->where);
            return -1;
        case GEN_PK_HMAC_ENCRYPTED:
        case GEN_PK_HMAC_DERIVED_ECDSA:
            break; /* validate_hmac_row */
        case GEN_PK_RSA_DS:
        case GEN_PK_ECDSA_PERIPHERAL: {
            bool rsa = e->pk_type == GEN_PK_RSA_DS;
            const char *want = rsa ? "RSA" : "ECDSA";
            if (strcmp(e->algorithm, want) != 0) {
                snprintf(err, err_len, "%s: %s needs algorithm %s (got '%s')", e->where, gen_pk_type_name(e->pk_type),
                         want, e->algorithm);
                return -1;
            }
            if (e->efuse_id < 0) {
                snprintf(err, err_len, "%s: %s needs the eFuse key block (efuse_id / --efuse-key-id 0-5)", e->where,
                         gen_pk_type_name(e->pk_type));
                return -1;
            }
            if (e->key_size <= 0) {
                snprintf(err, err_len, "%s: %s needs the key size (key_size / --priv-key-algo %s BITS)", e->where,
                         gen_pk_type_name(e->pk_type), want);
                return -1;
            }
            char why[256];
            int rc = rsa ? esc_ds_chip_supports(opt->target_chip, (unsigned)e->key_size, why, sizeof(why))
                         : esc_ds_chip_supports_ecdsa(opt->target_chip, (unsigned)e->key_size, why, sizeof(why));
            if (rc != 0) {
                snprintf(err, err_len, "%s: %s", e->where, why);
                return -1;
            }
            if (rsa && e->key_size == 1024) {
                cli_warn("%s: RSA-1024 is deprecated; use 2048 bits or more", e->where);
            }
            if (!rsa && e->key_size == 192) {
                cli_warn("%s: ECDSA P-192 is deprecated; use P-256 or more", e->where);
            }
            break;
        }
        }
    }
    return check_block_conflicts(list, opt, err, err_len);
}

/* Step 2 of the layout for one entry: plain, encrypted, or (at the earlier
 * of a derived key's row and its salt row) the salt + marker pair. */
static int emit_entry(const gen_entries_t *list, const gen_prepared_t *prep, size_t i, uint8_t *img, size_t cap,
                      size_t *end, char *err, size_t err_len)
{
    const gen_entry_t *e = &list->items[i];
    const gen_prepared_t *p = &prep[i];
    size_t key_row = p->derived ? i : p->derived_row >= 0 ? (size_t)p->derived_row : list->n;
    int rc;
    if (key_row < list->n) {
        const gen_prepared_t *k = &prep[key_row];
        size_t first = k->salt_row >= 0 && (size_t)k->salt_row < key_row ? (size_t)k->salt_row : key_row;
        if (i != first) {
            return 0;
        }
        rc = gen_append_hmac_derived(img, cap, end, list->items[key_row].subtype, k->salt, k->salt_len, err,
                                     err_len);
        e = &list->items[key_row];
    } else if (!p->store) {
        return 0;
    } else {
        static const uint8_t k_empty[1];
        const uint8_t *data = p->data != NULL ? p->data : k_empty; /* a zero-length entry */
        rc = p->encrypt ? gen_append_hmac_encrypted(img, cap, end, e->type, e->subtype, p->flags, data, p->len, err,
                                                    err_len)
                        : gen_append(img, cap, end, e->type, e->subtype, p->flags, data, p->len, err, err_len);
    }
    if (rc != 0) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, err_len, "%s: %s", e->where, tmp);
    }
    return rc;
}

int gen_build(const gen_entries_t *list, const gen_options_t *opt, gen_result_t *res, char *err, size_t err_len)
{
    memset(res, 0, sizeof(*res));
    if (!gen_chip_known(opt->target_chip)) {
        snprintf(err, err_len, "unknown target chip '%s' (one of: %s)", opt->target_chip ? opt->target_chip : "",
                 gen_chip_list());
        return -1;
    }
    if (list->n == 0) {
        snprintf(err, err_len, "nothing to store: give --ca-cert/--device-cert/--private-key or --csv");
        return -1;
    }
    if (validate_entries(list, opt, err, err_len) != 0) {
        return -1;
    }
    gen_hmac_t hmac;
    if (gen_hmac_plan(list, opt, &hmac, err, err_len) != 0) {
        gen_hmac_free(&hmac);
        return -1;
    }
    gen_prepared_t *prep = calloc(list->n, sizeof(*prep));
    size_t cap = opt->max_image_size ? opt->max_image_size : DEFAULT_PARTITION_SIZE;
    uint8_t *img = malloc(cap);
    if (prep == NULL || img == NULL) {
        free(prep);
        free(img);
        gen_hmac_free(&hmac);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    memset(img, 0xFF, cap); /* erased flash: the writer appends at the TLV end */
    size_t end = 0;
    int rc = 0;
    if (opt->prefix_len > 0) {
        if (opt->prefix_len > cap) {
            snprintf(err, err_len, "the image does not fit in the partition (%zu bytes)", cap);
            rc = -1;
        } else {
            memcpy(img, opt->prefix, opt->prefix_len);
            end = opt->prefix_len;
        }
    }

    for (size_t i = 0; i < list->n && rc == 0; i++) {
        rc = gen_prepare_entry(&list->items[i], opt, &prep[i], err, err_len);
    }
    /* The emulated chip: for the --efuse checks and the HMAC writers. */
    gen_efuse_t fx;
    memset(&fx, 0, sizeof(fx));
    if (rc == 0 && (opt->efuse_path != NULL || hmac.needed)) {
        rc = gen_efuse_open(&fx, opt->efuse_path, err, err_len);
    }
    if (rc == 0) {
        rc = gen_emit_ds_entries(list, prep, opt, &fx, res, img, cap, &end, err, err_len);
    }
    if (rc == 0 && hmac.needed) {
        rc = gen_hmac_setup(&hmac, list, prep, opt, &fx, res, err, err_len);
    }
    for (size_t i = 0; i < list->n && rc == 0; i++) {
        rc = emit_entry(list, prep, i, img, cap, &end, err, err_len);
    }
    gen_efuse_close(&fx);
    gen_hmac_free(&hmac);
    if (rc == 0 && !opt->no_integrity) {
        uint8_t digest[32];
        rc = cli_sha256(img, end, digest);
        if (rc != 0) {
            snprintf(err, err_len, "SHA-256 failed");
        } else {
            rc = gen_append(img, cap, &end, ESP_SECURE_CERT_INTEGRITY_TLV, 0, 0, digest, sizeof(digest), err, err_len);
        }
    }
    gen_free_prepared(prep, list->n);
    if (rc != 0) {
        cli_free_secret(img, cap);
        gen_result_free(res);
        return -1;
    }
    res->image = img;
    res->image_len = end;
    return 0;
}

void gen_result_free(gen_result_t *res)
{
    if (res == NULL) {
        return;
    }
    cli_free_secret(res->image, res->image_len); /* a plaintext key may be in it */
    for (size_t i = 0; i < res->n_side; i++) {
        cli_free_secret(res->side[i].data, res->side[i].len);
    }
    memset(res, 0, sizeof(*res));
}
