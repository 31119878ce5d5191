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

/*
 * Both directions in one body: PSA's one-shot encrypt and decrypt take the
 * same arguments, and both need ct || tag in one buffer where ours are
 * separate, so the tag and the ciphertext are staged on the heap.
 */
static int gcm(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len, uint8_t *out,
               uint8_t *tag, bool decrypt)
{
    if (key == NULL || iv == NULL || tag == NULL || (iv_len != 12 && iv_len != 16) ||
        (len > 0 && (in == NULL || out == NULL)) || len > SIZE_MAX - ESC_GCM_TAG_LEN) {
        return ESC_CRYPTO_ERR_ARG;
    }
    size_t staged_len = len + ESC_GCM_TAG_LEN;
    uint8_t *staged = malloc(staged_len);
    int rc = ESC_CRYPTO_ERR_SPACE;
    if (staged != NULL) {
        if (decrypt) {
            if (len > 0) {
                memcpy(staged, in, len);
            }
            memcpy(staged + len, tag, ESC_GCM_TAG_LEN);
        }
        psa_key_id_t id = 0;
        rc = esc_psa_import(PSA_KEY_TYPE_AES, PSA_ALG_GCM, decrypt ? PSA_KEY_USAGE_DECRYPT : PSA_KEY_USAGE_ENCRYPT,
                            key, 32, &id);
        if (rc == ESC_CRYPTO_OK) {
            /* Decrypt: staged -> out (PSA compares the tag in constant time
             * and wipes its output when it is wrong; we wipe again below in
             * case a driver does not). Encrypt: in -> staged. */
            uint8_t empty_out[1];
            uint8_t *dst = decrypt ? (len > 0 ? out : empty_out) : staged;
            size_t dst_len = decrypt ? len : staged_len;
            size_t out_len = 0;
            psa_status_t st = (decrypt ? psa_aead_decrypt : psa_aead_encrypt)(
                id, PSA_ALG_GCM, iv, iv_len, NULL, 0, decrypt ? staged : in, decrypt ? staged_len : len, dst, dst_len,
                &out_len);
            if (decrypt && st == PSA_ERROR_INVALID_SIGNATURE) {
                rc = ESC_CRYPTO_ERR_AUTH;
            } else if (st != PSA_SUCCESS || out_len != dst_len) {
                rc = ESC_CRYPTO_ERR_BACKEND;
            } else if (!decrypt) {
                if (len > 0) {
                    memcpy(out, staged, len);
                }
                memcpy(tag, staged + len, ESC_GCM_TAG_LEN);
            }
        }
        psa_destroy_key(id);
        esc_zeroize(staged, staged_len);
        free(staged);
    }
    if (decrypt && rc != ESC_CRYPTO_OK) {
        esc_zeroize(out, len);
    }
    return rc;
}

int esc_aes256_gcm_encrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, uint8_t *out, uint8_t tag[ESC_GCM_TAG_LEN])
{
    return gcm(key, iv, iv_len, in, len, out, tag, false);
}

int esc_aes256_gcm_decrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, const uint8_t tag[ESC_GCM_TAG_LEN], uint8_t *out)
{
    /* tag is only read when decrypting. */
    return gcm(key, iv, iv_len, in, len, out, (uint8_t *)(uintptr_t)tag, true);
}
