/*
 * esc_verify: public-key signature checks for the partition signature block
 * (SIGNATURE_BLOCK TLV), over the same PSA backend as esc_crypto.h.
 *
 * Only verification lives here: the device never signs. Every function takes
 * a digest the caller computed, returns ESC_CRYPTO_OK when the signature is
 * valid, ESC_CRYPTO_ERR_AUTH when it is well-formed but does not match, and
 * another negative ESC_CRYPTO_ERR_* value for malformed keys or arguments.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esc_crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_SHA384_LEN 48
#define ESC_HASH_MAX_LEN ESC_SHA384_LEN

typedef enum {
    ESC_HASH_SHA256 = 0,
    ESC_HASH_SHA384 = 1,
} esc_hash_alg_t;

/* Digest length of `alg` (32 or 48), 0 for an unknown value. */
size_t esc_hash_len(esc_hash_alg_t alg);

/* One-shot digest; out must hold esc_hash_len(alg) bytes. */
int esc_hash(esc_hash_alg_t alg, const void *data, size_t len, uint8_t *out);

/*
 * ECDSA over NIST prime curve secp192r1, secp256r1 or secp384r1 (curve_bits
 * 192/256/384). The public point (x, y) and the signature (r, s) are
 * big-endian, curve_bits/8 bytes each. The digest is used as ECDSA's e
 * (truncated to the order's bit length, so SHA-256 with P-192 works).
 * ESC_CRYPTO_ERR_KEY if the point is not on the curve;
 * ESC_CRYPTO_ERR_BACKEND if the backend lacks the curve.
 */
int esc_ecdsa_verify_digest(unsigned curve_bits, const uint8_t *x, const uint8_t *y, const uint8_t *digest,
                            size_t digest_len, const uint8_t *r, const uint8_t *s);

/*
 * RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (the Secure Boot
 * V2 parameters). Modulus n and signature are big-endian; n_len is 128..512
 * bytes and sig_len must equal n_len.
 */
int esc_rsa_pss_sha256_verify_digest(const uint8_t *n, size_t n_len, uint32_t e,
                                     const uint8_t digest[ESC_SHA256_LEN], const uint8_t *sig, size_t sig_len);

#ifdef __cplusplus
}
#endif
