/*
 * HMAC_UP-protected entries for image generation (gen_internal.h).
 *
 * A chip has one HMAC_UP key: the reader uses the first eFuse block with that
 * purpose for every protected entry. So all hmac_encrypted and
 * hmac_derived_ecdsa rows of an image share one key and one block, and the
 * key is settled once: the --efuse state's own HMAC_UP key (it never leaves
 * the emulation), a key file (efuse_key column / --efuse-key-file), or a
 * fresh draw written to hmac_key.bin with its burn command.
 *
 * A derived key is PBKDF2(HMAC_UP key, salt): no key is stored, so a key
 * file in the row can only be compared (a warning if it is another key: it
 * is simply not used), while a device certificate that does not hold the
 * derived public key makes the image unusable (an error: TLS would fail on
 * the device). The derived public key is written as derived_pub_key.pem so
 * that a certificate can be issued for it.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "esc_crypto.h"
#include "gen_internal.h"

#define SALT_MIN_LEN 16u  /* the library writer's minimum (NIST SP 800-132) */
#define SALT_DRAW_LEN 32u /* as the original's own provisioning */

static bool is_hmac_row(const gen_entry_t *e)
{
    return e->pk_type == GEN_PK_HMAC_ENCRYPTED || e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA;
}

int gen_hmac_plan(const gen_entries_t *list, const gen_options_t *opt, gen_hmac_t *h, char *err, size_t err_len)
{
    memset(h, 0, sizeof(*h));
    h->block = -1;
    const gen_entry_t *first = NULL, *key_from = NULL;
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (!is_hmac_row(e)) {
            continue;
        }
        h->needed = true;
        first = first ? first : e;
        h->n_derived += e->pk_type == GEN_PK_HMAC_DERIVED_ECDSA;
        if (e->efuse_id >= 0) {
            if (h->block >= 0 && h->block != e->efuse_id) {
                snprintf(err, err_len,
                         "%s: efuse_id %d, but %s says %d: every HMAC-protected entry uses the chip's one HMAC_UP "
                         "key",
                         e->where, e->efuse_id, h->block_from, h->block);
                return -1;
            }
            h->block = e->efuse_id;
            snprintf(h->block_from, sizeof(h->block_from), "%s", e->where);
        }
        if (e->efuse_key_file != NULL) {
            uint8_t k[32];
            char path[GEN_WHERE_LEN];
            if (gen_read_key32(e, e->efuse_key_file, k, path, sizeof(path), err, err_len) != 0) {
                return -1;
            }
            bool differs = h->have_key && esc_ct_memcmp(k, h->key, sizeof(k)) != 0;
            if (!h->have_key) {
                memcpy(h->key, k, sizeof(k));
                snprintf(h->key_file, sizeof(h->key_file), "%s", path);
                h->have_key = true;
                key_from = e;
            }
            esc_zeroize(k, sizeof(k));
            if (differs) {
                snprintf(err, err_len,
                         "%s: efuse_key '%s' differs from %s's '%s': every HMAC-protected entry uses the chip's one "
                         "HMAC_UP key",
                         e->where, path, key_from->where, h->key_file);
                gen_hmac_free(h);
                return -1;
            }
        }
    }
    if (!h->needed) {
        return 0;
    }
    if (h->block < 0) {
        if (!opt->hmac_efuse_id_set) {
            snprintf(err, err_len,
                     "%s: %s needs the eFuse key block of the HMAC_UP key (efuse_id column or --efuse-key-id 0-5)",
                     first->where, gen_pk_type_name(first->pk_type));
            return -1;
        }
        h->block = opt->hmac_efuse_id;
        snprintf(h->block_from, sizeof(h->block_from), "--efuse-key-id");
    }
    if (opt->hmac_key_file != NULL) {
        if (h->have_key) {
            cli_warn("--efuse-key-file ignored for the HMAC_UP key: %s gives efuse_key", key_from->where);
        } else {
            gen_entry_t flag = *first;
            snprintf(flag.where, sizeof(flag.where), "--efuse-key-file");
            flag.fallback_dir = NULL; /* a flag's path is relative to the current directory only */
            if (gen_read_key32(&flag, opt->hmac_key_file, h->key, h->key_file, sizeof(h->key_file), err, err_len) !=
                0) {
                return -1;
            }
            h->have_key = true;
        }
    }
    return 0;
}

void gen_hmac_free(gen_hmac_t *h)
{
    if (h != NULL) {
        esc_zeroize(h->key, sizeof(h->key));
        h->have_key = false;
    }
}

/* The key: from the eFuse state, the key file, or drawn; into the emulation. */
static int settle_key(gen_hmac_t *h, const gen_options_t *opt, gen_efuse_t *fx, gen_result_t *res, char *err,
                      size_t err_len)
{
    char why[512];
    int first = gen_efuse_first_with_purpose(fx, ESC_PURPOSE_HMAC_UP);
    if (first >= 0 && first != h->block) {
        snprintf(err, err_len,
                 "%s: eFuse block KEY%d in %s already holds an HMAC_UP key, and the device uses the first HMAC_UP "
                 "block, so a key in KEY%d would never be used; set efuse_id %d (its key is then used)",
                 h->block_from, first, fx->path ? fx->path : "the eFuse state", h->block, first);
        return -1;
    }
    if (first == h->block && !h->have_key) {
        h->present = true; /* the eFuse file's own key; it stays in the emulation */
        return gen_add_burn(res, h->block, "HMAC_UP", -1, "", true) == 0 ? 0 : -1;
    }
    if (!h->have_key) {
        if (esc_rng_draw(opt->rng, h->key, sizeof(h->key)) != 0) {
            snprintf(err, err_len, "%s: drawing the HMAC_UP key: the random source failed", h->block_from);
            return -1;
        }
        h->have_key = h->drawn = true;
    }
    bool present = false;
    if (gen_efuse_check_block(fx, h->block, ESC_PURPOSE_HMAC_UP, h->key, false, &present, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "%s: %s", h->block_from, why);
        return -1;
    }
    h->present = present;
    if (!present && gen_efuse_burn(fx, h->block, ESC_PURPOSE_HMAC_UP, h->key, err, err_len) != 0) {
        return -1;
    }
    int side = -1;
    if (h->drawn) {
        /* hmac_key.bin as asked, unless a DS key already has that name. */
        const char *name = "hmac_key.bin";
        for (size_t i = 0; i < res->n_side; i++) {
            if (strcmp(res->side[i].name, name) == 0) {
                name = "hmac_up_key.bin";
            }
        }
        side = gen_add_side(res, name, h->key, sizeof(h->key), false, err, err_len);
        if (side < 0) {
            return -1;
        }
    }
    if (gen_add_burn(res, h->block, "HMAC_UP", side, h->drawn ? "" : h->key_file, present) != 0) {
        snprintf(err, err_len, "too many keys to burn");
        return -1;
    }
    return 0;
}

/* Salt of each derived key: its salt row (used, not stored by itself), or drawn. */
static int settle_salts(const gen_entries_t *list, gen_prepared_t *prep, const gen_options_t *opt, char *err,
                        size_t err_len)
{
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (!prep[i].derived) {
            continue;
        }
        for (size_t k = 0; k < list->n; k++) {
            if (list->items[k].type == ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT && list->items[k].subtype == e->subtype) {
                prep[i].salt_row = (int)k;
            }
        }
        if (prep[i].salt_row >= 0) {
            gen_prepared_t *s = &prep[prep[i].salt_row];
            if (s->len < SALT_MIN_LEN) {
                snprintf(err, err_len,
                         "%s: the salt of this derived key (%s) has %zu bytes; at least %u are needed (NIST SP "
                         "800-132)",
                         e->where, list->items[prep[i].salt_row].where, s->len, SALT_MIN_LEN);
                return -1;
            }
            s->store = false;
            s->derived_row = (int)i;
            prep[i].salt = s->data;
            prep[i].salt_len = s->len;
        } else {
            prep[i].salt_owned = malloc(SALT_DRAW_LEN);
            if (prep[i].salt_owned == NULL) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            if (esc_rng_draw(opt->rng, prep[i].salt_owned, SALT_DRAW_LEN) != 0) {
                snprintf(err, err_len, "%s: drawing the salt: the random source failed", e->where);
                return -1;
            }
            prep[i].salt = prep[i].salt_owned;
            prep[i].salt_len = SALT_DRAW_LEN;
        }
    }
    return 0;
}

/* Is `pkey` the P-256 public key 0x04 || X || Y? */
static bool same_public_key(EVP_PKEY *pkey, const uint8_t pub[65])
{
    BIGNUM *x = NULL, *y = NULL;
    uint8_t xy[64];
    char group[32] = "";
    size_t glen = 0;
    bool same = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
                EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) &&
                strcmp(group, "prime256v1") == 0 && EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
                EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) && BN_bn2binpad(x, xy, 32) == 32 &&
                BN_bn2binpad(y, xy + 32, 32) == 32 && memcmp(xy, pub + 1, 64) == 0;
    BN_free(x);
    BN_free(y);
    return same;
}

/* Public key of a stored certificate, or NULL. */
static EVP_PKEY *cert_public_key(const uint8_t *data, size_t len)
{
    X509 *x = ki_stored_cert(data, len);
    EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    return k;
}

/* 0x04 || X || Y as a PEM SubjectPublicKeyInfo (malloc'ed). */
static int public_key_pem(const uint8_t pub[65], uint8_t **out, size_t *out_len)
{
    int rc = -1;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    BIO *bio = BIO_new(BIO_s_mem());
    char *mem = NULL;
    long n;
    if (bld != NULL && ctx != NULL && bio != NULL &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1 && PEM_write_bio_PUBKEY(bio, pkey) == 1 &&
        (n = BIO_get_mem_data(bio, &mem)) > 0 && (*out = malloc((size_t)n)) != NULL) {
        memcpy(*out, mem, (size_t)n);
        *out_len = (size_t)n;
        rc = 0;
    }
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return rc;
}

/* Per derived key: its public key, compared and written out. */
static int check_derived_keys(const gen_hmac_t *h, const gen_entries_t *list, const gen_prepared_t *prep,
                              const gen_efuse_t *fx, gen_result_t *res, char *err, size_t err_len)
{
    for (size_t i = 0; i < list->n; i++) {
        const gen_entry_t *e = &list->items[i];
        if (!prep[i].derived) {
            continue;
        }
        uint8_t pub[65];
        char why[256], name[64];
        if (gen_efuse_derived_public(fx, h->block, prep[i].salt, prep[i].salt_len, pub, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: %s", e->where, why);
            return -1;
        }
        gen_side_name(name, sizeof(name), "derived_pub_key", "pem", h->n_derived, e->subtype);
        if (prep[i].have_key && !same_public_key(prep[i].key.pkey, pub)) {
            cli_warn("%s: the key in %s%s%s is not stored and not used: with hmac_derived_ecdsa the device derives "
                     "its key from the eFuse HMAC key and the salt, and that key is another one (its public key "
                     "goes to %s)",
                     e->where, prep[i].source[0] ? "'" : "", prep[i].source[0] ? prep[i].source : "data_value",
                     prep[i].source[0] ? "'" : "", name);
        }
        for (size_t k = 0; k < list->n; k++) {
            const gen_entry_t *c = &list->items[k];
            if (c->type != ESP_SECURE_CERT_DEV_CERT_TLV || c->subtype != e->subtype) {
                continue;
            }
            EVP_PKEY *cert_key = cert_public_key(prep[k].data, prep[k].len);
            bool same = cert_key != NULL && same_public_key(cert_key, pub);
            EVP_PKEY_free(cert_key);
            if (!same) {
                snprintf(err, err_len,
                         "%s: the device certificate (%s) does not hold the public key of the derived key, so the "
                         "device could not use it. Generate without the DEV_CERT row, have %s certified, then "
                         "add the certificate and generate again with the same HMAC key (efuse_key) and salt "
                         "(a %s row)",
                         e->where, c->where, name, "ESP_SECURE_CERT_ECDSA_KEY_SALT_TLV");
                return -1;
            }
        }
        uint8_t *pem = NULL;
        size_t pem_len = 0;
        if (public_key_pem(pub, &pem, &pem_len) != 0) {
            snprintf(err, err_len, "%s: cannot encode the derived public key", e->where);
            return -1;
        }
        int side = gen_add_side(res, name, pem, pem_len, true, err, err_len);
        free(pem);
        if (side < 0) {
            return -1;
        }
    }
    return 0;
}

int gen_hmac_setup(gen_hmac_t *h, const gen_entries_t *list, gen_prepared_t *prep, const gen_options_t *opt,
                   gen_efuse_t *fx, gen_result_t *res, char *err, size_t err_len)
{
    if (settle_key(h, opt, fx, res, err, err_len) != 0 || settle_salts(list, prep, opt, err, err_len) != 0) {
        return -1;
    }
    esc_zeroize(h->key, sizeof(h->key)); /* from here on only the emulated eFuse holds it */
    return check_derived_keys(h, list, prep, fx, res, err, err_len);
}
