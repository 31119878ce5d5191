/*
 * Partition signing for the host CLI: SIGNATURE_BLOCK entries (RSA-3072 PSS
 * in an espsecure Secure Boot V2 block, or ECDSA P-192/P-256/P-384), the
 * INTEGRITY entry after them and the end marker, byte-identical to the
 * reference tool when the random draws are pinned (tests/vectors v12-v19).
 * docs/signing.md describes the format, the draws and the differences.
 *
 * Every function returns 0 on success, or -1 with a message in err.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Partition size the reference tool assumes (limits and end marker). */
#define ESC_SIGN_DEFAULT_PARTITION_SIZE 0x2000u

/* Algorithm byte of a SIGNATURE_BLOCK entry. */
typedef enum {
    ESC_SIGN_RSA3072 = 0,
    ESC_SIGN_ECDSA192 = 1,
    ESC_SIGN_ECDSA256 = 2,
    ESC_SIGN_ECDSA384 = 3,
} esc_sign_alg_t;

typedef struct esc_signing_key esc_signing_key_t;

/* Load a private signing key, PEM or DER (PKCS#8, PKCS#1, SEC1; not
 * encrypted): RSA of exactly 3072 bits or EC on P-192/P-256/P-384. */
int esc_signing_key_load(const char *path, esc_signing_key_t **out, char *err, size_t err_len);
void esc_signing_key_free(esc_signing_key_t *key);
esc_sign_alg_t esc_signing_key_alg(const esc_signing_key_t *key);
/* SHA-256 of the public key as Secure Boot V2 digests it (what
 * `espsecure digest_sbv2_public_key` prints and eFuse SECURE_BOOT_DIGESTn
 * holds); the device trusts a signature only if its key has this digest. */
int esc_signing_key_digest(const esc_signing_key_t *key, uint8_t out[32], char *err, size_t err_len);

/* "rsa3072", "ecdsa192", "ecdsa256", "ecdsa384" -> algorithm; -1 if unknown.
 * The reference tool takes --signing-scheme but derives the algorithm from
 * each key (v16 signs with an RSA key under "ecdsa256"). */
int esc_sign_scheme_from_name(const char *name);
const char *esc_sign_alg_name(esc_sign_alg_t alg);

/* A signed image: input || signature entries || INTEGRITY || ff ff 00 00. */
typedef struct {
    uint8_t *bin;
    size_t len;
    size_t signed_len;   /* bytes covered = offset of the first signature entry */
    size_t sig_tlvs_len; /* the signature entries, at bin + signed_len */
} esc_signed_image_t;

/*
 * Sign `unsigned_bin` (a TLV list; trailing erased 0xFF bytes or an end marker
 * after the last entry are dropped, anything else there is refused) with each
 * key in order: SIGNATURE_BLOCK subtype i for keys[i], each signature drawing
 * from rng (RSA: 32-byte PSS salt; ECDSA: nonce with rejection), then the
 * INTEGRITY entry (subtype one above the highest present, else 0) and the end
 * marker when it fits in partition_size (0 = 8 KiB). Each signature is
 * checked with OpenSSL before it is used. An input that already holds a
 * signature block, has a bad entry CRC, or would not fit, is refused.
 * Free out with esc_signed_image_free.
 */
int esc_sign_partition(const uint8_t *unsigned_bin, size_t len, esc_signing_key_t *const *keys, size_t nkeys,
                       esc_rng_t *rng, size_t partition_size, esc_signed_image_t *out, char *err, size_t err_len);
void esc_signed_image_free(esc_signed_image_t *img);

/*
 * --append-integrity: after the last entry of `in`, write INTEGRITY (SHA-256
 * of every byte before it; subtype one above the highest present, else 0)
 * and, when it fits in partition_size (0 = 8 KiB), the end marker. Like the
 * reference, the write is in place: bytes of `in` beyond what is written are
 * kept (a file padded to the partition size keeps its size). *out is
 * malloc'ed. Refused: no entry, a bad CRC, subtype above 16, no room.
 */
int esc_append_integrity(const uint8_t *in, size_t in_len, size_t partition_size, uint8_t **out, size_t *out_len,
                         char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
