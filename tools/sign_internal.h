/*
 * Private to tools/sign_*.c: the signing key and the two signers that build
 * the algorithm-specific tail of a SIGNATURE_BLOCK entry.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "cli.h"
#include "rng.h"
#include "sign_block.h"

#ifdef __cplusplus
extern "C" {
#endif

struct esc_signing_key {
    EVP_PKEY *pkey;
    esc_sign_alg_t alg;
    char name[128]; /* for messages */
};

/* SIGNATURE_BLOCK data sizes: 16-byte header, then the tail. */
#define ESC_SIGN_HEADER_LEN 16u
#define ESC_SIGN_SBV2_LEN 1216u
#define ESC_SIGN_MAX_TAIL ESC_SIGN_SBV2_LEN

/* Bytes per coordinate of an ECDSA algorithm (24/32/48), 0 for RSA. */
size_t esc_sign_coord_len(esc_sign_alg_t alg);

/* Length of the tail for `alg`: 1216 for RSA, 1 + 4 * coord_len for ECDSA. */
size_t esc_sign_tail_len(esc_sign_alg_t alg);

/* The SBv2 public key of an RSA-3072 key: n (LE, 384) || e (u32) ||
 * rinv = 2^6144 mod n (LE, 384) || m' = -n^-1 mod 2^32 (u32). */
#define ESC_SIGN_SBV2_KEY_LEN 776u
int esc_sign_rsa_sbv2_key(const esc_signing_key_t *key, uint8_t out[ESC_SIGN_SBV2_KEY_LEN], char *err,
                          size_t err_len);

/* curve_id || X || Y (little-endian), 1 + 2 * coord_len bytes. */
int esc_sign_ecdsa_public(const esc_signing_key_t *key, uint8_t *out, size_t out_len, char *err, size_t err_len);

/*
 * RSA-3072: EMSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt drawn from rng)
 * over SHA-256(data), raw private-key operation, checked with OpenSSL, wrapped
 * in the 1216-byte espsecure SBv2 block written to tail.
 */
int esc_sign_rsa_sbv2(const esc_signing_key_t *key, const uint8_t *data, size_t len, esc_rng_t *rng,
                      uint8_t tail[ESC_SIGN_SBV2_LEN], char *err, size_t err_len);

/*
 * ECDSA: digest SHA-256 (P-192, P-256) or SHA-384 (P-384) of data; nonce
 * drawn from rng with the reference's reject loop; tail = curve_id || X || Y
 * || r || s, each little-endian. Checked with OpenSSL.
 */
int esc_sign_ecdsa(const esc_signing_key_t *key, const uint8_t *data, size_t len, esc_rng_t *rng, uint8_t *tail,
                   size_t tail_len, char *err, size_t err_len);


#ifdef __cplusplus
}
#endif
