/* Signing keys: loading, algorithm, Secure Boot V2 key digest, scheme names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sign_internal.h"

/* A key file is a few KiB; refuse anything far larger before parsing. */
#define SIGN_KEY_MAX_FILE (1024u * 1024u)

size_t esc_sign_coord_len(esc_sign_alg_t alg)
{
    switch (alg) {
    case ESC_SIGN_ECDSA192:
        return 24;
    case ESC_SIGN_ECDSA256:
        return 32;
    case ESC_SIGN_ECDSA384:
        return 48;
    default:
        return 0;
    }
}

size_t esc_sign_tail_len(esc_sign_alg_t alg)
{
    return alg == ESC_SIGN_RSA3072 ? ESC_SIGN_SBV2_LEN : 1 + 4 * esc_sign_coord_len(alg);
}

int esc_sign_scheme_from_name(const char *name)
{
    static const char *const names[] = {"rsa3072", "ecdsa192", "ecdsa256", "ecdsa384"};
    if (name == NULL) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *esc_sign_alg_name(esc_sign_alg_t alg)
{
    switch (alg) {
    case ESC_SIGN_RSA3072:
        return "rsa3072";
    case ESC_SIGN_ECDSA192:
        return "ecdsa192";
    case ESC_SIGN_ECDSA256:
        return "ecdsa256";
    case ESC_SIGN_ECDSA384:
        return "ecdsa384";
    default:
        return "unknown";
    }
}

static EVP_PKEY *parse_private_key(const uint8_t *data, size_t len)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL) {
        return NULL;
    }
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, cli_no_password, NULL);
    BIO_free(bio);
    if (pkey == NULL) {
        /* Not PEM: try DER (PKCS#8 or the traditional RSA/EC forms). */
        const unsigned char *p = data;
        pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
    }
    ERR_clear_error();
    return pkey;
}

static int classify(EVP_PKEY *pkey, esc_sign_alg_t *alg, const char *name, char *err, size_t err_len)
{
    int base = EVP_PKEY_get_base_id(pkey);
    if (base == EVP_PKEY_RSA) {
        int bits = EVP_PKEY_get_bits(pkey);
        if (bits != 3072) {
            return cli_fail(err, err_len, "%s: RSA signing keys must be 3072 bits (Secure Boot V2), this one has %d",
                            name, bits);
        }
        *alg = ESC_SIGN_RSA3072;
        return 0;
    }
    if (base == EVP_PKEY_EC) {
        char group[64];
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen)) {
            return cli_fail(err, err_len, "%s: EC key without a named curve", name);
        }
        int nid = OBJ_txt2nid(group);
        if (nid == NID_X9_62_prime192v1) {
            *alg = ESC_SIGN_ECDSA192;
        } else if (nid == NID_X9_62_prime256v1) {
            *alg = ESC_SIGN_ECDSA256;
        } else if (nid == NID_secp384r1) {
            *alg = ESC_SIGN_ECDSA384;
        } else {
            return cli_fail(err, err_len, "%s: curve %s is not supported (P-192, P-256 or P-384)", name, group);
        }
        return 0;
    }
    return cli_fail(err, err_len, "%s: not an RSA-3072 or ECDSA (P-192/P-256/P-384) private key", name);
}

/* `name` (the file) only appears in messages. */
static int parse_signing_key(const uint8_t *data, size_t len, const char *name, esc_signing_key_t **out, char *err,
                             size_t err_len)
{
    if (out == NULL) {
        return cli_fail(err, err_len, "no output for the signing key");
    }
    *out = NULL;
    if (len == 0) {
        return cli_fail(err, err_len, "%s: empty key", name);
    }
    EVP_PKEY *pkey = parse_private_key(data, len);
    if (pkey == NULL) {
        return cli_fail(err, err_len,
                        "%s: not a readable private key (PEM or DER, unencrypted RSA or EC expected)", name);
    }
    esc_sign_alg_t alg = ESC_SIGN_RSA3072; /* set by classify; initialised for -Wmaybe-uninitialized */
    if (classify(pkey, &alg, name, err, err_len) != 0) {
        EVP_PKEY_free(pkey);
        return -1;
    }
    esc_signing_key_t *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        EVP_PKEY_free(pkey);
        return cli_fail(err, err_len, "out of memory");
    }
    k->pkey = pkey;
    k->alg = alg;
    snprintf(k->name, sizeof(k->name), "%s", name);
    *out = k;
    return 0;
}

int esc_signing_key_load(const char *path, esc_signing_key_t **out, char *err, size_t err_len)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (path == NULL) {
        return cli_fail(err, err_len, "no signing key file given");
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[512];
    if (cli_read_file(path, &buf, &len, why, sizeof(why)) != 0) {
        return cli_fail(err, err_len, "signing key: %s", why);
    }
    int rc = len > SIGN_KEY_MAX_FILE
                 ? cli_fail(err, err_len, "%s: larger than %u bytes, not a key file", path, SIGN_KEY_MAX_FILE)
                 : parse_signing_key(buf, len, path, out, err, err_len);
    cli_free_secret(buf, len);
    return rc;
}

void esc_signing_key_free(esc_signing_key_t *key)
{
    if (key != NULL) {
        EVP_PKEY_free(key->pkey);
        free(key);
    }
}

esc_sign_alg_t esc_signing_key_alg(const esc_signing_key_t *key)
{
    return key->alg;
}

int esc_signing_key_digest(const esc_signing_key_t *key, uint8_t out[32], char *err, size_t err_len)
{
    if (key == NULL || out == NULL) {
        return cli_fail(err, err_len, "no key");
    }
    /* Largest input: the RSA key (776 bytes); ECDSA digests curve_id and the
     * point padded to 64 bytes (P-192/P-256) or 96 (P-384), as espsecure. */
    uint8_t buf[ESC_SIGN_SBV2_KEY_LEN];
    size_t n;
    if (key->alg == ESC_SIGN_RSA3072) {
        if (esc_sign_rsa_sbv2_key(key, buf, err, err_len) != 0) {
            return -1;
        }
        n = ESC_SIGN_SBV2_KEY_LEN;
    } else {
        size_t cl = esc_sign_coord_len(key->alg);
        memset(buf, 0, sizeof(buf));
        if (esc_sign_ecdsa_public(key, buf, 1 + 2 * cl, err, err_len) != 0) {
            return -1;
        }
        n = key->alg == ESC_SIGN_ECDSA384 ? 97 : 65;
    }
    unsigned int olen = 0;
    if (!EVP_Digest(buf, n, out, &olen, EVP_sha256(), NULL) || olen != 32) {
        return cli_fail(err, err_len, "SHA-256 failed");
    }
    return 0;
}
