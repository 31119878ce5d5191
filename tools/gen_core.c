/*
 * Image generation; see gen_core.h for the layout and draw order.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "ds_gen.h"
#include "gen_append.h"
#include "gen_core.h"
#include "key_input.h"
#include "out_file.h"
#include "tlv_names.h"

#define TYPE_CA_CERT 0
#define TYPE_DEV_CERT 1
#define TYPE_PRIV_KEY 2
#define TYPE_DS_DATA 3
#define TYPE_DS_CONTEXT 4
#define TYPE_SEC_CFG 6
#define TYPE_INTEGRITY 9
#define FLAG_ECDSA_PERIPHERAL 0x08
#define SEC_CFG_LEN 40
#define EFUSE_BLOCK_KEY0 4
#define DEFAULT_PARTITION_SIZE 0x2000u

static const char *const k_chips[] = {"esp32",   "esp32s2", "esp32c3", "esp32s3",  "esp32c6",
                                      "esp32h2", "esp32p4", "esp32c5", "esp32c61", "esp32s31"};

bool gen_chip_known(const char *chip)
{
    for (size_t i = 0; i < sizeof(k_chips) / sizeof(k_chips[0]); i++) {
        if (chip != NULL && strcmp(chip, k_chips[i]) == 0) {
            return true;
        }
    }
    return false;
}

const char *gen_chip_list(void)
{
    return "esp32, esp32s2, esp32c3, esp32s3, esp32c6, esp32h2, esp32p4, esp32c5, esp32c61, esp32s31";
}

/* Per entry: the bytes to store and what was learned loading them. */
typedef struct {
    uint8_t *data;
    size_t len;
    bool secret;
    uint8_t flags;
    bool store;          /* false for an rsa_ds key: it becomes DS_DATA */
    ki_key_t key;        /* PRIV_KEY entries */
    char source[GEN_WHERE_LEN]; /* resolved path, or "" for inline data */
} prepared_t;

static void free_prepared(prepared_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].data != NULL) {
            if (p[i].secret) {
                OPENSSL_cleanse(p[i].data, p[i].len);
            }
            free(p[i].data);
        }
        ki_key_free(&p[i].key);
    }
    free(p);
}

/* "what" for messages: the value's position, and the file if any. */
static void describe_input(const gen_entry_t *e, const char *path, char *buf, size_t cap)
{
    if (path != NULL && path[0] != 0 && e->where_value[0] != 0 && e->where_value[0] != '-') {
        snprintf(buf, cap, "%s: '%s'", e->where_value, path);
    } else if (path != NULL && path[0] != 0) {
        snprintf(buf, cap, "%s '%s'", e->where_value, path);
    } else {
        snprintf(buf, cap, "%s", e->where_value);
    }
}

/* Relative paths: the current directory first (as the original does), then
 * the CSV's folder. */
static int resolve_path(const gen_entry_t *e, const char *path, char *out, size_t cap, char *err, size_t err_len)
{
    if (cli_path_exists(path)) {
        snprintf(out, cap, "%s", path);
        return 0;
    }
    if (path[0] != '/' && e->fallback_dir != NULL && strcmp(e->fallback_dir, ".") != 0) {
        if (out_file_join(out, cap, e->fallback_dir, path) == 0 && cli_path_exists(out)) {
            return 0;
        }
        snprintf(err, err_len, "%s: file '%s' not found (looked in the current directory and in '%s')",
                 e->where_value, path, e->fallback_dir);
        return -1;
    }
    snprintf(err, err_len, "%s: file '%s' not found", e->where_value, path);
    return -1;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* bytes.fromhex after removing spaces: whitespace between pairs allowed. */
static int decode_hex(const char *s, uint8_t **out, size_t *out_len, char *why, size_t why_len)
{
    size_t n = strlen(s);
    uint8_t *buf = malloc(n / 2 + 1);
    if (buf == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)s[i])) {
            continue;
        }
        int d = hex_digit((unsigned char)s[i]);
        if (d < 0) {
            snprintf(why, why_len, "'%c' at position %zu is not a hex digit", s[i], i + 1);
            free(buf);
            return -1;
        }
        if (hi < 0) {
            hi = d;
        } else {
            buf[k++] = (uint8_t)(hi << 4 | d);
            hi = -1;
        }
    }
    if (hi >= 0) {
        snprintf(why, why_len, "odd number of hex digits");
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = k;
    return 0;
}

static int b64v(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* base64.b64decode without validation: characters outside the alphabet are
 * skipped; the padding must be right. */
static int decode_base64(const char *s, uint8_t **out, size_t *out_len, char *why, size_t why_len)
{
    size_t n = strlen(s);
    uint8_t *buf = malloc(n / 4 * 3 + 3);
    if (buf == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    size_t k = 0, chars = 0, pad = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=') {
            pad++;
            continue;
        }
        int v = b64v((unsigned char)s[i]);
        if (v < 0) {
            continue;
        }
        if (pad > 0) {
            snprintf(why, why_len, "data after '=' padding");
            free(buf);
            return -1;
        }
        chars++;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[k++] = (uint8_t)(acc >> bits);
        }
    }
    if (chars % 4 == 1 || (chars + pad) % 4 != 0 || chars == 0) {
        snprintf(why, why_len, "incorrect base64 length or padding");
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = k;
    return 0;
}

/* The entry's raw input bytes (file contents or decoded inline value). */
static int load_input(const gen_entry_t *e, prepared_t *p, uint8_t **data, size_t *len, char *err, size_t err_len)
{
    char why[160];
    switch (e->data_type) {
    case GEN_DATA_FILE:
        if (resolve_path(e, e->data_value, p->source, sizeof(p->source), err, err_len) != 0) {
            return -1;
        }
        if (cli_read_file(p->source, data, len, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: %s", e->where_value, why);
            return -1;
        }
        return 0;
    case GEN_DATA_STRING:
        *len = strlen(e->data_value);
        *data = malloc(*len + 1);
        if (*data == NULL) {
            snprintf(err, err_len, "out of memory");
            return -1;
        }
        memcpy(*data, e->data_value, *len + 1);
        return 0;
    case GEN_DATA_HEX:
        if (decode_hex(e->data_value, data, len, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: invalid hex data_value: %s", e->where_value, why);
            return -1;
        }
        return 0;
    case GEN_DATA_BASE64:
        if (decode_base64(e->data_value, data, len, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: invalid base64 data_value: %s", e->where_value, why);
            return -1;
        }
        return 0;
    }
    snprintf(err, err_len, "%s: unknown data_type", e->where_value);
    return -1;
}

static const char *type_label(uint8_t type, char *buf, size_t cap)
{
    const char *n = tlv_short_name(type);
    if (n != NULL) {
        return n;
    }
    snprintf(buf, cap, "type %u", type);
    return buf;
}

/* Checks that need no file: duplicates, kinds of key, required fields. */
static int validate_entries(const gen_entries_t *list, const gen_options_t *opt, char *err, size_t err_len)
{
    char tb[32];
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        for (size_t k = 0; k < i; k++) {
            const gen_entry_t *o = &list->items[k];
            if (o->type == e->type && o->subtype == e->subtype) {
                snprintf(err, err_len, "%s: duplicate entry %s subtype %u (first given at %s)", e->where,
                         type_label(e->type, tb, sizeof(tb)), e->subtype, o->where);
                return -1;
            }
        }
        if (e->type == TYPE_INTEGRITY) {
            snprintf(err, err_len, "%s: INTEGRITY entries are added by the generator, not given", e->where);
            return -1;
        }
        if (e->type >= 254) {
            snprintf(err, err_len, "%s: type %u is reserved", e->where, e->type);
            return -1;
        }
        if (e->type != TYPE_PRIV_KEY) {
            if (e->pk_type != GEN_PK_NONE) {
                cli_warn("%s: priv_key_type '%s' ignored on a %s entry", e->where, gen_pk_type_name(e->pk_type),
                         type_label(e->type, tb, sizeof(tb)));
            }
            continue;
        }
        switch (e->pk_type) {
        case GEN_PK_PLAINTEXT:
            break;
        case GEN_PK_NONE:
        case GEN_PK_INVALID:
            snprintf(err, err_len,
                     "%s: a PRIV_KEY entry needs priv_key_type plaintext, rsa_ds or ecdsa_peripheral", e->where);
            return -1;
        case GEN_PK_HMAC_ENCRYPTED:
        case GEN_PK_HMAC_DERIVED_ECDSA:
            snprintf(err, err_len,
                     "%s: priv_key_type %s is not supported yet (needs the library's HMAC writer and an eFuse "
                     "file); the reference tool refuses it too",
                     e->where, gen_pk_type_name(e->pk_type));
            return -1;
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
    return 0;
}

static int prepare_entry(const gen_entry_t *e, const gen_options_t *opt, prepared_t *p, char *err, size_t err_len)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (load_input(e, p, &raw, &raw_len, err, err_len) != 0) {
        return -1;
    }
    char what[GEN_WHERE_LEN + 64];
    describe_input(e, p->source, what, sizeof(what));
    p->store = true;
    int rc = 0;

    if (e->type == TYPE_CA_CERT || e->type == TYPE_DEV_CERT) {
        ki_cert_t c;
        rc = ki_load_cert(raw, raw_len, what, &c, err, err_len);
        if (rc == 0) {
            if (c.extra_certs > 0) {
                cli_warn("%s holds %u more certificate(s) after the first; only the first is stored", what,
                         c.extra_certs);
            }
            p->data = c.stored;
            p->len = c.stored_len;
        }
    } else if (e->type == TYPE_PRIV_KEY) {
        bool unused = false;
        rc = ki_load_key(raw, raw_len, opt->password, what, &p->key, &unused, err, err_len);
        if (rc == 0 && unused) {
            cli_warn("%s: the key is not encrypted; --password ignored", what);
        }
        if (rc == 0) {
            const char *alg = ki_key_algorithm(p->key.pkey);
            int bits = ki_key_bits(p->key.pkey);
            if (e->pk_type == GEN_PK_RSA_DS && (strcmp(alg, "RSA") != 0 || bits != e->key_size)) {
                snprintf(err, err_len, "%s: rsa_ds needs an RSA-%d key, this is %s-%d", what, e->key_size, alg, bits);
                rc = -1;
            } else if (e->pk_type == GEN_PK_ECDSA_PERIPHERAL && (strcmp(alg, "EC") != 0 || bits != e->key_size)) {
                snprintf(err, err_len, "%s: ecdsa_peripheral needs an EC P-%d key, this is %s-%d", what,
                         e->key_size, alg, bits);
                rc = -1;
            }
        }
        if (rc == 0) {
            /* The key bytes move to the prepared entry (and are wiped there). */
            p->data = p->key.stored;
            p->len = p->key.stored_len;
            p->key.stored = NULL;
            p->key.stored_len = 0;
            p->secret = true;
            p->store = e->pk_type != GEN_PK_RSA_DS;
            p->flags = e->pk_type == GEN_PK_ECDSA_PERIPHERAL ? FLAG_ECDSA_PERIPHERAL : 0;
        }
    } else {
        p->data = raw;
        p->len = raw_len;
        raw = NULL;
    }
    if (raw != NULL) {
        OPENSSL_cleanse(raw, raw_len);
        free(raw);
    }
    if (rc == 0 && p->len > 0xFFFF) {
        snprintf(err, err_len, "%s: %zu bytes is more than one entry can hold (65535)", what, p->len);
        rc = -1;
    }
    return rc;
}

static int add_side(gen_result_t *res, const char *name, const uint8_t *data, size_t len, char *err, size_t err_len)
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
    snprintf(s->name, sizeof(s->name), "%s", name);
    return (int)res->n_side++;
}

static int add_burn(gen_result_t *res, int efuse_id, const char *purpose, int side_index, const char *key_file)
{
    if (res->n_burns == GEN_MAX_BURNS) {
        return -1;
    }
    gen_burn_t *b = &res->burns[res->n_burns++];
    b->efuse_id = efuse_id;
    b->purpose = purpose;
    b->side_index = side_index;
    snprintf(b->key_file, sizeof(b->key_file), "%s", key_file ? key_file : "");
    return 0;
}

/* Name of the n-th (of `count`) key file of a kind: one keeps the original
 * tool's name; several get the entry's subtype so none is overwritten. */
static void side_name(char *buf, size_t cap, const char *stem, size_t count, uint8_t subtype)
{
    if (count <= 1) {
        snprintf(buf, cap, "%s.bin", stem);
    } else {
        snprintf(buf, cap, "%s_%u.bin", stem, subtype);
    }
}

static int read_hmac_key_file(const gen_entry_t *e, uint8_t key[32], char *path_out, size_t path_cap, char *err,
                              size_t err_len)
{
    gen_entry_t probe = *e;
    snprintf(probe.where_value, sizeof(probe.where_value), "%.300s (efuse_key)", e->where);
    if (resolve_path(&probe, e->efuse_key_file, path_out, path_cap, err, err_len) != 0) {
        return -1;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    char why[256];
    if (cli_read_file(path_out, &data, &len, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "%s: %s", e->where, why);
        return -1;
    }
    int rc = 0;
    if (len != 32) {
        snprintf(err, err_len, "%s: eFuse HMAC key file '%s' holds %zu bytes, expected 32", e->where, path_out, len);
        rc = -1;
    } else {
        memcpy(key, data, 32);
    }
    OPENSSL_cleanse(data, len);
    free(data);
    return rc;
}

static const char *ecdsa_purpose(int bits)
{
    switch (bits) {
    case 192: return "ECDSA_KEY_P192";
    case 384: return "ECDSA_KEY_P384";
    default: return "ECDSA_KEY";
    }
}

/* Step 1 of the layout: DS_DATA + DS_CONTEXT / SEC_CFG per DS key. */
static int emit_ds_entries(const gen_entries_t *list, prepared_t *prep, const gen_options_t *opt, gen_result_t *res,
                           uint8_t *img, size_t cap, size_t *end, char *err, size_t err_len)
{
    size_t n_auto_hmac = 0, n_ecdsa = 0;
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (e->type == TYPE_PRIV_KEY && e->pk_type == GEN_PK_RSA_DS && e->efuse_key_file == NULL) {
            n_auto_hmac++;
        }
        if (e->type == TYPE_PRIV_KEY && e->pk_type == GEN_PK_ECDSA_PERIPHERAL) {
            n_ecdsa++;
        }
    }

    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (e->type != TYPE_PRIV_KEY) {
            continue;
        }
        char name[64];
        if (e->pk_type == GEN_PK_RSA_DS) {
            uint8_t hmac[32], iv[16];
            char key_path[GEN_WHERE_LEN] = "";
            int side = -1;
            if (e->efuse_key_file != NULL) {
                if (read_hmac_key_file(e, hmac, key_path, sizeof(key_path), err, err_len) != 0) {
                    return -1;
                }
            } else {
                if (esc_rng_draw(opt->rng, hmac, sizeof(hmac)) != 0) {
                    snprintf(err, err_len, "%s: the random source failed", e->where);
                    return -1;
                }
                side_name(name, sizeof(name), "hmac_key", n_auto_hmac, e->subtype);
                side = add_side(res, name, hmac, sizeof(hmac), err, err_len);
                if (side < 0) {
                    OPENSSL_cleanse(hmac, sizeof(hmac));
                    return -1;
                }
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
            if (gen_append(img, cap, end, TYPE_DS_DATA, e->subtype, 0, ds_data, ds_len, err, err_len) != 0 ||
                gen_append(img, cap, end, TYPE_DS_CONTEXT, e->subtype, 0, ds_ctx, sizeof(ds_ctx), err, err_len) !=
                    0) {
                return -1;
            }
            add_burn(res, e->efuse_id, "HMAC_DOWN_DIGITAL_SIGNATURE", side, key_path);
        } else if (e->pk_type == GEN_PK_ECDSA_PERIPHERAL) {
            uint8_t scalar[66];
            size_t nbytes = ((size_t)e->key_size + 7) / 8;
            if (nbytes > sizeof(scalar) || ki_ec_private_scalar(prep[i].key.pkey, scalar, nbytes) != 0) {
                snprintf(err, err_len, "%s: cannot read the EC private key", e->where);
                return -1;
            }
            side_name(name, sizeof(name), "ecdsa_key", n_ecdsa, e->subtype);
            int side = add_side(res, name, scalar, nbytes, err, err_len);
            OPENSSL_cleanse(scalar, sizeof(scalar));
            if (side < 0) {
                return -1;
            }
            /* A SEC_CFG row of the same subtype (as `parse` writes) is stored
             * where it stands instead of a generated one. */
            size_t given = list->n;
            for (size_t k = 0; k < list->n; k++) {
                if (list->items[k].type == TYPE_SEC_CFG && list->items[k].subtype == e->subtype) {
                    given = k;
                }
            }
            if (given < list->n) {
                if (prep[given].len < 1 || prep[given].data[0] != (uint8_t)(e->efuse_id + EFUSE_BLOCK_KEY0)) {
                    snprintf(err, err_len, "%s: its SEC_CFG entry (%s) does not name eFuse key block %d",
                             e->where, list->items[given].where, e->efuse_id);
                    return -1;
                }
            } else {
                uint8_t sec_cfg[SEC_CFG_LEN] = {0};
                sec_cfg[0] = (uint8_t)(e->efuse_id + EFUSE_BLOCK_KEY0);
                if (gen_append(img, cap, end, TYPE_SEC_CFG, e->subtype, 0, sec_cfg, sizeof(sec_cfg), err, err_len) !=
                    0) {
                    return -1;
                }
            }
            /* espefuse burns ECDSA keys from a PEM file: name the user's. */
            const char *pem = (e->data_type == GEN_DATA_FILE && prep[i].key.encoding == KI_PEM) ? prep[i].source
                                                                                                 : "<key.pem>";
            add_burn(res, e->efuse_id, ecdsa_purpose(e->key_size), -1, pem);
        }
    }
    return 0;
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
    prepared_t *prep = calloc(list->n, sizeof(*prep));
    size_t cap = opt->max_image_size ? opt->max_image_size : DEFAULT_PARTITION_SIZE;
    uint8_t *img = malloc(cap);
    if (prep == NULL || img == NULL) {
        free(prep);
        free(img);
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
        rc = prepare_entry(&list->items[i], opt, &prep[i], err, err_len);
    }
    if (rc == 0) {
        rc = emit_ds_entries(list, prep, opt, res, img, cap, &end, err, err_len);
    }
    for (size_t i = 0; i < list->n && rc == 0; i++) {
        const gen_entry_t *e = &list->items[i];
        if (!prep[i].store) {
            continue;
        }
        rc = gen_append(img, cap, &end, e->type, e->subtype, prep[i].flags, prep[i].data, prep[i].len, err, err_len);
        if (rc != 0) {
            char tmp[512];
            snprintf(tmp, sizeof(tmp), "%s", err);
            snprintf(err, err_len, "%s: %s", e->where, tmp);
        }
    }
    if (rc == 0 && !opt->no_integrity) {
        uint8_t digest[32];
        rc = cli_sha256(img, end, digest);
        if (rc != 0) {
            snprintf(err, err_len, "SHA-256 failed");
        } else {
            rc = gen_append(img, cap, &end, TYPE_INTEGRITY, 0, 0, digest, sizeof(digest), err, err_len);
        }
    }
    free_prepared(prep, list->n);
    if (rc != 0) {
        OPENSSL_cleanse(img, cap);
        free(img);
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
    if (res->image != NULL) {
        /* A plaintext key may be in the image. */
        OPENSSL_cleanse(res->image, res->image_len);
        free(res->image);
    }
    for (size_t i = 0; i < res->n_side; i++) {
        OPENSSL_cleanse(res->side[i].data, res->side[i].len);
        free(res->side[i].data);
    }
    memset(res, 0, sizeof(*res));
}
