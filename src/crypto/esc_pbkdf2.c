/*
 * PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2). The PRF is a callback so the
 * same loop serves a key in memory and a key locked in the HMAC peripheral.
 * PSA 2.28 has no PBKDF2, and the peripheral case needs our own loop anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_crypto_psa.h"

/* Salts in this format are 16 or 32 bytes; longer ones go to the heap. */
#define SALT_ON_STACK_MAX 64

int esc_pbkdf2_hmac_sha256_prf(esc_prf_fn prf, void *prf_ctx, const uint8_t *salt, size_t salt_len,
                               uint32_t iterations, uint8_t *out, size_t out_len)
{
    if (prf == NULL || out == NULL || out_len == 0 || (salt == NULL && salt_len > 0) || iterations == 0) {
        return ESC_CRYPTO_ERR_ARG;
    }
    /* The block index is a 32-bit counter (dkLen <= (2^32 - 1) * hLen). */
    if ((out_len - 1) / ESC_SHA256_LEN >= UINT32_MAX || salt_len > SIZE_MAX - 4) {
        return ESC_CRYPTO_ERR_ARG;
    }

    uint8_t stack_msg[SALT_ON_STACK_MAX + 4];
    uint8_t *msg = stack_msg;
    if (salt_len > SALT_ON_STACK_MAX) {
        msg = malloc(salt_len + 4);
        if (msg == NULL) {
            return ESC_CRYPTO_ERR_SPACE;
        }
    }
    if (salt_len > 0) {
        memcpy(msg, salt, salt_len);
    }

    /* u[0], u[1]: U_j alternates between them, so the callback never sees
     * its input and output overlap; u[2] is T, the xor of all U_j. One array
     * so that one wipe covers every secret; words, so that the xor takes
     * eight steps, not 32. */
    uint32_t u[3][ESC_SHA256_LEN / 4];
    uint32_t *t = u[2];
    int rc = ESC_CRYPTO_OK;
    size_t done = 0;
    for (uint32_t block = 1; done < out_len; block++) {
        /* U1 = PRF(salt || INT_32_BE(block)), Uj = PRF(Uj-1) */
        msg[salt_len + 0] = (uint8_t)(block >> 24);
        msg[salt_len + 1] = (uint8_t)(block >> 16);
        msg[salt_len + 2] = (uint8_t)(block >> 8);
        msg[salt_len + 3] = (uint8_t)block;
        const uint8_t *in = msg;
        size_t in_len = salt_len + 4;
        memset(t, 0, ESC_SHA256_LEN);
        for (uint32_t i = 0; i < iterations; i++) {
            uint32_t *uj = u[i & 1u];
            if (prf(prf_ctx, in, in_len, (uint8_t *)uj) != 0) {
                rc = ESC_CRYPTO_ERR_BACKEND;
                goto out;
            }
            for (size_t k = 0; k < ESC_SHA256_LEN / 4; k++) {
                t[k] ^= uj[k];
            }
            in = (const uint8_t *)uj;
            in_len = ESC_SHA256_LEN;
        }
        size_t take = out_len - done < ESC_SHA256_LEN ? out_len - done : ESC_SHA256_LEN;
        memcpy(out + done, t, take);
        done += take;
    }

out:
    esc_zeroize(u, sizeof(u));
    esc_zeroize(msg, salt_len + 4);
    if (msg != stack_msg) {
        free(msg);
    }
    if (rc != ESC_CRYPTO_OK) {
        esc_zeroize(out, out_len);
    }
    return rc;
}

/* PRF over a PSA key imported once for the whole derivation, rather than once
 * per HMAC as esc_hmac_sha256 would. */
static int psa_hmac_prf(void *prf_ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    const psa_key_id_t *id = (const psa_key_id_t *)prf_ctx;
    size_t out_len = 0;
    psa_status_t st = psa_mac_compute(*id, PSA_ALG_HMAC(PSA_ALG_SHA_256), msg, len, out, ESC_SHA256_LEN, &out_len);
    return (st == PSA_SUCCESS && out_len == ESC_SHA256_LEN) ? 0 : -1;
}

int esc_pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len, const uint8_t *salt,
                           size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len)
{
    if (password == NULL && password_len > 0) {
        return ESC_CRYPTO_ERR_ARG;
    }
    if (out == NULL || out_len == 0 || (salt == NULL && salt_len > 0) || iterations == 0) {
        return ESC_CRYPTO_ERR_ARG;
    }
    psa_key_id_t id = 0;
    int rc = esc_psa_import_hmac_sha256(password, password_len, &id);
    if (rc != ESC_CRYPTO_OK) {
        return rc == ESC_CRYPTO_ERR_KEY ? ESC_CRYPTO_ERR_ARG : rc;
    }
    rc = esc_pbkdf2_hmac_sha256_prf(psa_hmac_prf, &id, salt, salt_len, iterations, out, out_len);
    psa_destroy_key(id);
    return rc;
}
