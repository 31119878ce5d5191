/*
 * Signature checks of `verify` (see verify_sig.h). The verdicts come from
 * esc_sig_verify_image(); this file only finds the entries, reads the key
 * each one carries (to match it against the user's trusted keys) and builds
 * the trust list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "text_codec.h"
#include "verify_sig.h"

const char *vs_alg_name(uint8_t algorithm)
{
    switch (algorithm) {
    case ESC_SIG_ALG_RSA3072: return "RSA-3072";
    case ESC_SIG_ALG_ECDSA192: return "ECDSA P-192";
    case ESC_SIG_ALG_ECDSA256: return "ECDSA P-256";
    case ESC_SIG_ALG_ECDSA384: return "ECDSA P-384";
    default: return "unknown algorithm";
    }
}

/* Any key-bearing encoding: PEM public/private key or certificate, then the
 * same in DER. */
static EVP_PKEY *parse_any_key(const uint8_t *data, size_t len)
{
    EVP_PKEY *k = NULL;
    for (int pass = 0; pass < 3 && k == NULL; pass++) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio == NULL) {
            break;
        }
        if (pass == 0) {
            k = PEM_read_bio_PUBKEY(bio, NULL, cli_no_password, NULL);
        } else if (pass == 1) {
            k = PEM_read_bio_PrivateKey(bio, NULL, cli_no_password, NULL);
        } else {
            X509 *x = PEM_read_bio_X509(bio, NULL, cli_no_password, NULL);
            k = x ? X509_get_pubkey(x) : NULL;
            X509_free(x);
        }
        BIO_free(bio);
    }
    if (k == NULL) {
        const unsigned char *p = data;
        k = d2i_PUBKEY(NULL, &p, (long)len);
    }
    if (k == NULL) {
        const unsigned char *p = data;
        k = d2i_AutoPrivateKey(NULL, &p, (long)len);
    }
    if (k == NULL) {
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        k = x ? X509_get_pubkey(x) : NULL;
        X509_free(x);
    }
    ERR_clear_error();
    return k;
}

int vs_load_trusted_key(const char *path, EVP_PKEY **out, char *err, size_t err_len)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char why[256];
    *out = NULL;
    if (cli_read_file(path, &data, &len, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "--trusted-key: %s", why);
        return -1;
    }
    EVP_PKEY *k = parse_any_key(data, len);
    cli_free_secret(data, len); /* it may be a private key */
    if (k == NULL) {
        snprintf(err, err_len,
                 "--trusted-key '%s': not a key (PEM or DER public key, private key or certificate expected)", path);
        return -1;
    }
    int base = EVP_PKEY_get_base_id(k);
    if (base != EVP_PKEY_RSA && base != EVP_PKEY_EC) {
        EVP_PKEY_free(k);
        snprintf(err, err_len, "--trusted-key '%s': not an RSA or EC key", path);
        return -1;
    }
    *out = k;
    return 0;
}

int vs_parse_digest(const char *hex, uint8_t out[ESC_SIG_KEY_DIGEST_LEN])
{
    size_t n = 0;
    char why[64];
    if (text_hex_decode(hex, false, out, ESC_SIG_KEY_DIGEST_LEN, &n, why, sizeof(why)) != 0 ||
        n != ESC_SIG_KEY_DIGEST_LEN) {
        return -1;
    }
    return 0;
}

/* Little-endian bytes -> BIGNUM. */
static BIGNUM *bn_le(const uint8_t *p, size_t n)
{
    return BN_lebin2bn(p, (int)n, NULL);
}

/* Is the key carried by a SIGNATURE_BLOCK entry (data, len) this one?
 * ECDSA: curve_id || X || Y after the 16-byte header; RSA: n and e in the
 * Secure Boot V2 block after it. */
static bool carries_key(const uint8_t *data, size_t len, EVP_PKEY *key)
{
    if (len < ESC_SIG_HEADER_LEN + 1) {
        return false;
    }
    uint8_t alg = data[12];
    const uint8_t *tail = data + ESC_SIG_HEADER_LEN;
    size_t tail_len = len - ESC_SIG_HEADER_LEN;
    bool same = false;
    if (alg == ESC_SIG_ALG_RSA3072) {
        BIGNUM *n = NULL, *e = NULL;
        if (tail_len >= ESC_SBV2_BLOCK_LEN && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) &&
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e)) {
            BIGNUM *bn = bn_le(tail + ESC_SBV2_RSA_KEY_OFFSET, 384);
            BIGNUM *be = bn_le(tail + ESC_SBV2_RSA_KEY_OFFSET + 384, 4);
            same = bn != NULL && be != NULL && BN_cmp(bn, n) == 0 && BN_cmp(be, e) == 0;
            BN_free(bn);
            BN_free(be);
        }
        BN_free(n);
        BN_free(e);
        return same;
    }
    size_t cl = alg == ESC_SIG_ALG_ECDSA192   ? 24
                : alg == ESC_SIG_ALG_ECDSA256 ? 32
                : alg == ESC_SIG_ALG_ECDSA384 ? 48
                                              : 0;
    BIGNUM *x = NULL, *y = NULL;
    if (cl != 0 && tail_len >= 1 + 2 * cl && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y)) {
        BIGNUM *bx = bn_le(tail + 1, cl);
        BIGNUM *by = bn_le(tail + 1 + cl, cl);
        same = bx != NULL && by != NULL && BN_cmp(bx, x) == 0 && BN_cmp(by, y) == 0 &&
               EVP_PKEY_get_bits(key) == (int)(alg == ESC_SIG_ALG_ECDSA192 ? 192 : 8 * cl);
        BN_free(bx);
        BN_free(by);
    }
    BN_free(x);
    BN_free(y);
    return same;
}

void vs_check(const uint8_t *img, size_t len, EVP_PKEY *const *keys, size_t nkeys,
              const uint8_t (*digests)[ESC_SIG_KEY_DIGEST_LEN], size_t ndigests, vs_result_t *r)
{
    memset(r, 0, sizeof(*r));
    r->trust_given = nkeys > 0 || ndigests > 0;
    /* Every SIGNATURE_BLOCK entry, with its key digest and trust. */
    uint8_t trust[VS_MAX_ENTRIES + 8][ESC_SIG_KEY_DIGEST_LEN];
    size_t ntrust = 0;
    for (size_t i = 0; i < ndigests && ntrust < VS_MAX_ENTRIES; i++) {
        memcpy(trust[ntrust++], digests[i], ESC_SIG_KEY_DIGEST_LEN);
    }
    uint8_t block_digest[VS_MAX_ENTRIES][ESC_SIG_KEY_DIGEST_LEN];
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, img, len, &e) == ESC_TLV_OK) {
        if (e.type != ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV || r->nentries == VS_MAX_ENTRIES) {
            continue;
        }
        vs_block_t *b = &r->blocks[r->nentries];
        const uint8_t *data = img + e.data_offset;
        b->offset = e.offset;
        b->subtype = e.subtype;
        b->algorithm = e.length > 12 ? data[12] : 0xFF;
        if (esc_sig_key_digest(data, e.length, block_digest[r->nentries]) == ESC_SIG_OK) {
            b->digest_ok = true;
            text_hex_encode(block_digest[r->nentries], ESC_SIG_KEY_DIGEST_LEN, false, b->digest_hex);
            for (size_t k = 0; k < ndigests; k++) {
                b->trusted |= memcmp(digests[k], block_digest[r->nentries], ESC_SIG_KEY_DIGEST_LEN) == 0;
            }
            for (size_t k = 0; k < nkeys && !b->trusted; k++) {
                if (carries_key(data, e.length, keys[k])) {
                    b->trusted = true;
                    if (ntrust < sizeof(trust) / sizeof(trust[0])) {
                        memcpy(trust[ntrust++], block_digest[r->nentries], ESC_SIG_KEY_DIGEST_LEN);
                    }
                }
            }
        }
        r->nentries++;
    }
    if (r->nentries == 0) {
        r->structure = ESC_SIG_ERR_NO_SIGNATURE;
        return;
    }
    /* The verifier with every embedded key trusted: layout and integrity. */
    esc_sig_report_t rep;
    r->structure = esc_sig_verify_image(img, len, NULL, 0, true, &rep);
    r->signed_len = rep.signed_len;
    /* Each entry of the checked run on its own: is its signature valid? */
    for (size_t i = 0; i < r->nentries; i++) {
        vs_block_t *b = &r->blocks[i];
        b->in_run = rep.nblocks > 0 && b->offset >= rep.signed_len;
        if (b->in_run && b->digest_ok) {
            const uint8_t(*one)[ESC_SIG_KEY_DIGEST_LEN] = &block_digest[i];
            b->valid = esc_sig_verify_image(img, len, one, 1, false, NULL) == ESC_SIG_OK;
        }
    }
    if (r->trust_given) {
        r->trusted = ntrust > 0 ? esc_sig_verify_image(img, len, (const uint8_t(*)[ESC_SIG_KEY_DIGEST_LEN])trust,
                                                       ntrust, false, NULL)
                                : ESC_SIG_ERR_UNTRUSTED;
    }
}
