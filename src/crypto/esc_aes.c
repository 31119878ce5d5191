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
#include <stdbool.h>
#include <stdint.h>
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

/* Both directions in one body. PSA's one-shot AEAD calls take ciphertext ||
 * tag as one buffer and ours are separate, so that buffer is staged on the
 * heap (and wiped: when encrypting it briefly holds the plaintext's image). */
static int gcm_crypt(bool encrypt, const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                     size_t len, uint8_t *out, uint8_t *tag)
{
    if (!gcm_args_ok(key, iv, iv_len, in, len, out, tag)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    const size_t staged_len = len + ESC_GCM_TAG_LEN;
    uint8_t *staged = malloc(staged_len);
    psa_key_id_t id = 0;
    int rc = ESC_CRYPTO_ERR_SPACE;
    if (staged != NULL) {
        if (!encrypt) {
            if (len > 0) {
                memcpy(staged, in, len);
            }
            memcpy(staged + len, tag, ESC_GCM_TAG_LEN);
        }
        rc = esc_psa_import(PSA_KEY_TYPE_AES, PSA_ALG_GCM, encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT,
                            key, 32, &id);
    }
    if (rc == ESC_CRYPTO_OK) {
        size_t got = 0;
        if (encrypt) {
            psa_status_t st = psa_aead_encrypt(id, PSA_ALG_GCM, iv, iv_len, NULL, 0, in, len, staged, staged_len, &got);
            if (st == PSA_SUCCESS && got == staged_len) {
                if (len > 0) {
                    memcpy(out, staged, len);
                }
                memcpy(tag, staged + len, ESC_GCM_TAG_LEN);
            } else {
                rc = ESC_CRYPTO_ERR_BACKEND;
            }
        } else {
            /* PSA compares the tag in constant time and wipes its output when
             * the tag is wrong; we wipe again below in case a driver does not. */
            uint8_t empty_out[1];
            psa_status_t st = psa_aead_decrypt(id, PSA_ALG_GCM, iv, iv_len, NULL, 0, staged, staged_len,
                                               len > 0 ? out : empty_out, len, &got);
            if (st == PSA_ERROR_INVALID_SIGNATURE) {
                rc = ESC_CRYPTO_ERR_AUTH;
            } else if (st != PSA_SUCCESS || got != len) {
                rc = ESC_CRYPTO_ERR_BACKEND;
            }
        }
    }
    psa_destroy_key(id);
    if (staged != NULL) {
        esc_zeroize(staged, staged_len);
        free(staged);
    }
    if (rc != ESC_CRYPTO_OK && !encrypt) {
        esc_zeroize(out, len);
    }
    return rc;
}

int esc_aes256_gcm_encrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, uint8_t *out, uint8_t tag[ESC_GCM_TAG_LEN])
{
    return gcm_crypt(true, key, iv, iv_len, in, len, out, tag);
}

int esc_aes256_gcm_decrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, const uint8_t tag[ESC_GCM_TAG_LEN], uint8_t *out)
{
    /* The tag is only read in this direction. */
    return gcm_crypt(false, key, iv, iv_len, in, len, out, (uint8_t *)(uintptr_t)tag);
}
