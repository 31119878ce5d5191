/*
 * AES-256-GCM (the CBC half, which only DS parameter generation and
 * emulation on the host use, is in esc_aes_cbc.c).
 *
 * GCM goes through PSA's one-shot AEAD calls. Both PSA 2.28 (host) and 3.6
 * (device) accept the 16-byte nonces the format uses (they derive J0 with
 * GHASH as SP 800-38D says; tests cross-check against OpenSSL). The
 * multi-part AEAD API would avoid the staging buffer below, but Debian's
 * libmbedcrypto 2.28 does not implement it, and the one-shot calls exist in
 * every PSA version including mbedTLS 4.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_crypto_psa.h"

static int gcm_args_ok(const uint8_t *key, const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len,
                       const uint8_t *out, const uint8_t *tag)
{
    if (key == NULL || iv == NULL || tag == NULL || (iv_len != 12 && iv_len != 16)) {
        return 0;
    }
    if (len > 0 && (in == NULL || out == NULL)) {
        return 0;
    }
    return len <= SIZE_MAX - ESC_GCM_TAG_LEN;
}

int esc_aes256_gcm_encrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, uint8_t *out, uint8_t tag[ESC_GCM_TAG_LEN])
{
    if (!gcm_args_ok(key, iv, iv_len, in, len, out, tag)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    /* PSA writes ciphertext || tag in one buffer; ours are separate. */
    uint8_t *staged = malloc(len + ESC_GCM_TAG_LEN);
    if (staged == NULL) {
        return ESC_CRYPTO_ERR_SPACE;
    }
    psa_key_id_t id = 0;
    int rc = esc_psa_import(PSA_KEY_TYPE_AES, PSA_ALG_GCM, PSA_KEY_USAGE_ENCRYPT, key, 32, &id);
    if (rc == ESC_CRYPTO_OK) {
        size_t out_len = 0;
        psa_status_t st = psa_aead_encrypt(id, PSA_ALG_GCM, iv, iv_len, NULL, 0, in, len, staged,
                                           len + ESC_GCM_TAG_LEN, &out_len);
        if (st == PSA_SUCCESS && out_len == len + ESC_GCM_TAG_LEN) {
            if (len > 0) {
                memcpy(out, staged, len);
            }
            memcpy(tag, staged + len, ESC_GCM_TAG_LEN);
        } else {
            rc = ESC_CRYPTO_ERR_BACKEND;
        }
    }
    psa_destroy_key(id);
    esc_zeroize(staged, len + ESC_GCM_TAG_LEN);
    free(staged);
    return rc;
}

int esc_aes256_gcm_decrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, const uint8_t tag[ESC_GCM_TAG_LEN], uint8_t *out)
{
    if (!gcm_args_ok(key, iv, iv_len, in, len, out, tag)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    /* PSA reads ciphertext || tag from one buffer; ours are separate. */
    uint8_t *staged = malloc(len + ESC_GCM_TAG_LEN);
    if (staged == NULL) {
        esc_zeroize(out, len);
        return ESC_CRYPTO_ERR_SPACE;
    }
    if (len > 0) {
        memcpy(staged, in, len);
    }
    memcpy(staged + len, tag, ESC_GCM_TAG_LEN);

    uint8_t empty_out[1];
    psa_key_id_t id = 0;
    int rc = esc_psa_import(PSA_KEY_TYPE_AES, PSA_ALG_GCM, PSA_KEY_USAGE_DECRYPT, key, 32, &id);
    if (rc == ESC_CRYPTO_OK) {
        size_t out_len = 0;
        /* PSA compares the tag in constant time and wipes its output when the
         * tag is wrong; we wipe again below in case a driver does not. */
        psa_status_t st = psa_aead_decrypt(id, PSA_ALG_GCM, iv, iv_len, NULL, 0, staged, len + ESC_GCM_TAG_LEN,
                                           len > 0 ? out : empty_out, len, &out_len);
        if (st == PSA_ERROR_INVALID_SIGNATURE) {
            rc = ESC_CRYPTO_ERR_AUTH;
        } else if (st != PSA_SUCCESS || out_len != len) {
            rc = ESC_CRYPTO_ERR_BACKEND;
        }
    }
    psa_destroy_key(id);
    free(staged);
    if (rc != ESC_CRYPTO_OK) {
        esc_zeroize(out, len);
    }
    return rc;
}
