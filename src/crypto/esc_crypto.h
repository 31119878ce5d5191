/*
 * esc_crypto: the one internal crypto interface, over the PSA Crypto API
 * (Debian's libmbedcrypto on the host, ESP-IDF's mbedTLS on the device).
 * PBKDF2 and the SEC1 DER encoding are written here on top of it.
 *
 * All functions return 0 on success and a negative ESC_CRYPTO_ERR_* value on
 * failure. Secret intermediates are wiped before return.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_CRYPTO_OK            0
#define ESC_CRYPTO_ERR_ARG      -1  /* bad pointer or length */
#define ESC_CRYPTO_ERR_BACKEND  -2  /* the PSA call failed */
#define ESC_CRYPTO_ERR_AUTH     -3  /* AEAD tag mismatch: no plaintext returned */
#define ESC_CRYPTO_ERR_KEY      -4  /* not a valid key (e.g. scalar out of range) */
#define ESC_CRYPTO_ERR_SPACE    -5  /* output buffer too small */

#define ESC_SHA256_LEN 32
#define ESC_P256_PRIV_LEN 32
#define ESC_P256_PUB_LEN 65           /* 0x04 || X || Y */
#define ESC_P256_SEC1_DER_LEN 121     /* ECPrivateKey with curve OID and public key */
#define ESC_GCM_TAG_LEN 16

/* Initialise the backend once (psa_crypto_init); safe to call repeatedly. */
int esc_crypto_init(void);

int esc_sha256(const void *data, size_t len, uint8_t out[ESC_SHA256_LEN]);

/* Incremental SHA-256 for data that arrives in pieces (flash reads). */
typedef struct {
    uint8_t opaque[256] __attribute__((aligned(8)));
} esc_sha256_ctx_t;
int esc_sha256_start(esc_sha256_ctx_t *ctx);
int esc_sha256_update(esc_sha256_ctx_t *ctx, const void *data, size_t len);
int esc_sha256_finish(esc_sha256_ctx_t *ctx, uint8_t out[ESC_SHA256_LEN]);

int esc_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t out[ESC_SHA256_LEN]);

/* PBKDF2-HMAC-SHA256 with a PRF callback, so the password may live in a
 * hardware key (the HMAC peripheral) rather than in memory. The callback
 * returns 0 on success (msg and out never overlap); iterations and out_len
 * must be >= 1. */
typedef int (*esc_prf_fn)(void *prf_ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN]);
int esc_pbkdf2_hmac_sha256_prf(esc_prf_fn prf, void *prf_ctx, const uint8_t *salt, size_t salt_len,
                               uint32_t iterations, uint8_t *out, size_t out_len);
/* The same with the password in memory. */
int esc_pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len, const uint8_t *salt,
                           size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);

/* AES-256-GCM, no AAD, tag of 16 bytes. Decrypt returns plaintext only if
 * the tag verifies (compared in constant time): on any failure out is zeroed
 * and ESC_CRYPTO_ERR_AUTH means a wrong tag. iv_len 12 or 16. Decrypt may
 * work in place (in == out). Both stage ct||tag in a heap buffer of len + 16
 * (PSA's one-shot AEAD layout); ESC_CRYPTO_ERR_SPACE if that fails. */
int esc_aes256_gcm_encrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, uint8_t *out, uint8_t tag[ESC_GCM_TAG_LEN]);
int esc_aes256_gcm_decrypt(const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *in,
                           size_t len, const uint8_t tag[ESC_GCM_TAG_LEN], uint8_t *out);

/* AES-256-CBC without padding (len a multiple of 16), for DS parameters. */
int esc_aes256_cbc_encrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t len,
                           uint8_t *out);
int esc_aes256_cbc_decrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t len,
                           uint8_t *out);

/* P-256: 1 <= d < n check of a 32-byte big-endian scalar (ESC_CRYPTO_ERR_KEY
 * if out of range), public key from private key. */
int esc_p256_validate_private(const uint8_t *d, size_t len);
int esc_p256_public_from_private(const uint8_t d[ESC_P256_PRIV_LEN], uint8_t pub[ESC_P256_PUB_LEN]);
/* RFC 5915 ECPrivateKey DER (121 bytes) with the prime256v1 OID and public key. */
int esc_p256_sec1_der(const uint8_t d[ESC_P256_PRIV_LEN], uint8_t *out, size_t out_cap, size_t *out_len);

int esc_random(void *buf, size_t len);

/* Constant-time comparison: 0 if equal. */
int esc_ct_memcmp(const void *a, const void *b, size_t len);
/* Wipe that the compiler may not remove. */
void esc_zeroize(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
