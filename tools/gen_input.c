/*
 * Reading each entry's input for image generation (see gen_internal.h):
 * files (looked up as the original tool does), inline string/hex/base64
 * values, and certificates/keys re-encoded as the reference stores them.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen_internal.h"
#include "out_file.h"
#include "text_codec.h"

void gen_free_prepared(gen_prepared_t *p, size_t n)
{
    if (p == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        cli_free_secret(p[i].data, p[i].len); /* keys, and values stored encrypted */
        free(p[i].salt_owned);
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
int gen_resolve_path(const gen_entry_t *e, const char *path, char *out, size_t cap, char *err, size_t err_len)
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

/* An inline value's bytes (data_type hex or base64), decoded into a new
 * buffer. */
static int decode_inline(const char *s, bool base64, uint8_t **out, size_t *out_len, char *why, size_t why_len)
{
    size_t n = strlen(s);
    size_t cap = base64 ? TEXT_BASE64_DECODED_MAX(n) : n / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    int rc = base64 ? text_base64_decode(s, n, TEXT_BASE64_LENIENT, buf, out_len, why, why_len)
                    : text_hex_decode(s, true, buf, cap, out_len, why, why_len);
    if (rc != 0) {
        cli_free_secret(buf, cap); /* the value may be an hmac_encrypted secret */
        return -1;
    }
    *out = buf;
    return 0;
}

/* The entry's raw input bytes (file contents or decoded inline value). */
static int load_input(const gen_entry_t *e, gen_prepared_t *p, uint8_t **data, size_t *len, char *err, size_t err_len)
{
    char why[160];
    switch (e->data_type) {
    case GEN_DATA_FILE:
        if (gen_resolve_path(e, e->data_value, p->source, sizeof(p->source), err, err_len) != 0) {
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
        if (decode_inline(e->data_value, false, data, len, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: invalid hex data_value: %s", e->where_value, why);
            return -1;
        }
        return 0;
    case GEN_DATA_BASE64:
        if (decode_inline(e->data_value, true, data, len, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: invalid base64 data_value: %s", e->where_value, why);
            return -1;
        }
        return 0;
    }
    snprintf(err, err_len, "%s: unknown data_type", e->where_value);
    return -1;
}

/* An hmac_encrypted key's algorithm and size, when the row gives them. */
static int check_encrypted_key(const gen_entry_t *e, const EVP_PKEY *pkey, const char *what, char *err,
                               size_t err_len)
{
    const char *alg = ki_key_algorithm(pkey);
    int bits = ki_key_bits(pkey);
    const char *want = strcmp(e->algorithm, "RSA") == 0 ? "RSA" : strcmp(e->algorithm, "ECDSA") == 0 ? "EC" : NULL;
    if (e->algorithm[0] != 0 && want == NULL) {
        snprintf(err, err_len, "%s: algorithm '%s' is not RSA or ECDSA", e->where, e->algorithm);
        return -1;
    }
    if ((want != NULL && strcmp(alg, want) != 0) || (e->key_size > 0 && bits != e->key_size)) {
        snprintf(err, err_len, "%s: the row says %s-%d, the key is %s-%d", what,
                 e->algorithm[0] ? e->algorithm : alg, e->key_size > 0 ? e->key_size : bits, alg, bits);
        return -1;
    }
    return 0;
}

int gen_prepare_entry(const gen_entry_t *e, const gen_options_t *opt, gen_prepared_t *p, char *err, size_t err_len)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    p->salt_row = -1;
    p->derived_row = -1;
    p->derived = e->type == ESP_SECURE_CERT_PRIV_KEY_TLV && e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA;
    p->encrypt = e->pk_type == GEN_PK_HMAC_ENCRYPTED;
    if (p->derived && e->data_value[0] == 0) {
        /* No key given: the device derives it; nothing to load. */
        p->store = false;
        return 0;
    }
    if (load_input(e, p, &raw, &raw_len, err, err_len) != 0) {
        return -1;
    }
    char what[2 * GEN_WHERE_LEN + 16];
    describe_input(e, p->source, what, sizeof(what));
    p->store = true;
    int rc = 0;

    if (raw_len == 0 && e->data_type == GEN_DATA_HEX && !p->derived) {
        /* An empty hex value: a zero-length entry, stored as is. */
        free(raw);
        if (e->type == ESP_SECURE_CERT_PRIV_KEY_TLV &&
            (e->pk_type == GEN_PK_RSA_DS || e->pk_type == GEN_PK_ECDSA_PERIPHERAL)) {
            snprintf(err, err_len, "%s: %s needs a key, the value is empty", what, gen_pk_type_name(e->pk_type));
            return -1;
        }
        p->data = NULL;
        p->len = 0;
        return 0;
    }

    if (e->type == ESP_SECURE_CERT_CA_CERT_TLV || e->type == ESP_SECURE_CERT_DEV_CERT_TLV) {
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
    } else if (e->type == ESP_SECURE_CERT_PRIV_KEY_TLV) {
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
            } else if (p->encrypt) {
                rc = check_encrypted_key(e, p->key.pkey, what, err, err_len);
            } else if (p->derived && (strcmp(alg, "EC") != 0 || bits != 256)) {
                snprintf(err, err_len,
                         "%s: hmac_derived_ecdsa keys are P-256; this is %s-%d (and it is not stored anyway: the "
                         "device derives its key)",
                         what, alg, bits);
                rc = -1;
            }
        }
        if (rc == 0) {
            /* The key bytes move to the prepared entry (and are wiped there). */
            p->data = p->key.stored;
            p->len = p->key.stored_len;
            p->key.stored = NULL;
            p->key.stored_len = 0;
            p->store = e->pk_type != GEN_PK_RSA_DS && !p->derived;
            p->have_key = true;
            p->flags = e->pk_type == GEN_PK_ECDSA_PERIPHERAL ? ESC_TLV_FLAG_KEY_ECDSA_PERIPHERAL : 0;
        }
    } else {
        p->data = raw;
        p->len = raw_len;
        raw = NULL;
    }
    cli_free_secret(raw, raw_len);
    size_t limit = p->encrypt ? 0xFFFFu - 16u : 0xFFFFu; /* room for the GCM tag */
    if (rc == 0 && p->len > limit) {
        snprintf(err, err_len, "%s: %zu bytes is more than one entry can hold (%zu%s)", what, p->len, limit,
                 p->encrypt ? " with the 16-byte tag" : "");
        rc = -1;
    }
    return rc;
}

int gen_read_key32(const gen_entry_t *e, const char *file, uint8_t key[32], char *path_out, size_t path_cap,
                   char *err, size_t err_len)
{
    gen_entry_t probe = *e;
    snprintf(probe.where_value, sizeof(probe.where_value), "%.300s%s", e->where,
             strncmp(e->where, "--", 2) == 0 ? "" : " (efuse_key)");
    if (gen_resolve_path(&probe, file, path_out, path_cap, err, err_len) != 0) {
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
    cli_free_secret(data, len);
    return rc;
}
