/*
 * Checking the partition signature (SIGNATURE_BLOCK entries) over an image in
 * memory. esp_secure_cert_verify_partition_signature() runs this over the
 * mapped partition with the trusted key digests the port reports; the host
 * CLI and the tests call it directly. docs/signing.md describes the format
 * and the trust rule.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SIGNATURE_BLOCK data: u8 version, 3 reserved, u32 offset, u32 length,
 * u8 algorithm, 3 reserved, then the algorithm's key and signature. */
#define ESC_SIG_HEADER_LEN 16u
#define ESC_SIG_VERSION_1 1u
#define ESC_SIG_ALG_RSA3072 0u
#define ESC_SIG_ALG_ECDSA192 1u
#define ESC_SIG_ALG_ECDSA256 2u
#define ESC_SIG_ALG_ECDSA384 3u
/* Secure Boot V2 (espsecure) RSA signature block carried whole for RSA. */
#define ESC_SBV2_BLOCK_LEN 1216u
#define ESC_SBV2_CRC_COVERED 1196u
#define ESC_SBV2_MAGIC 0xE7u
#define ESC_SBV2_VERSION_RSA 0x02u
#define ESC_SBV2_RSA_KEY_OFFSET 36u   /* n[384] e u32 rinv[384] mdash u32 */
#define ESC_SBV2_RSA_KEY_LEN 776u
#define ESC_SBV2_RSA_SIG_OFFSET 812u  /* signature[384], little-endian */
#define ESC_SBV2_CRC_OFFSET 1196u
/* Key digests are SHA-256, as burned into eFuse SECURE_BOOT_DIGESTn. */
#define ESC_SIG_KEY_DIGEST_LEN 32u
/* Signature entries one image may carry next to each other. */
#define ESC_SIG_MAX_BLOCKS 8u

typedef enum {
    ESC_SIG_OK = 0,
    ESC_SIG_ERR_ARG,           /* NULL image, trust list missing */
    ESC_SIG_ERR_NO_SIGNATURE,  /* no SIGNATURE_BLOCK entry */
    ESC_SIG_ERR_LIST,          /* the TLV list is truncated */
    ESC_SIG_ERR_MALFORMED,     /* a signature entry fails its CRC or layout checks */
    ESC_SIG_ERR_UNCOVERED,     /* an entry other than INTEGRITY follows the signatures */
    ESC_SIG_ERR_UNTRUSTED,     /* no signature is by a trusted key */
    ESC_SIG_ERR_BAD_SIGNATURE, /* the trusted key(s) did not sign these bytes */
    ESC_SIG_ERR_BACKEND,       /* the crypto backend failed or lacks the curve */
} esc_sig_result_t;

/* What the check found, for diagnostics (all fields set on any result). */
typedef struct {
    size_t signed_len;                 /* bytes covered (offset of the first signature entry) */
    size_t nblocks;                    /* signature entries found */
    uint8_t algorithm[ESC_SIG_MAX_BLOCKS];
    bool verified[ESC_SIG_MAX_BLOCKS]; /* this entry's signature checked out */
    bool trusted[ESC_SIG_MAX_BLOCKS];  /* its key digest is in the trust list */
} esc_sig_report_t;

/*
 * Check the signatures of the image `img` (size bytes: a partition or file;
 * bytes after the TLV list are ignored).
 *
 * The signature entries are the last run of consecutive SIGNATURE_BLOCK
 * entries; they cover every byte before the first of them, and only
 * INTEGRITY entries may follow them. With trust_embedded_keys false (the
 * device rule, as Secure Boot V2 applies it), ESC_SIG_OK needs at least one
 * entry whose key digest is in `trusted` (ntrusted digests of
 * ESC_SIG_KEY_DIGEST_LEN bytes) and whose signature verifies. With
 * trust_embedded_keys true (host diagnostics only: proves integrity, not
 * origin) every entry must verify with the key it carries.
 * A malformed signature entry always fails the whole check.
 */
esc_sig_result_t esc_sig_verify_image(const uint8_t *img, size_t size, const uint8_t (*trusted)[ESC_SIG_KEY_DIGEST_LEN],
                                      size_t ntrusted, bool trust_embedded_keys, esc_sig_report_t *report);

/*
 * Digest of the public key carried by one SIGNATURE_BLOCK entry's data, as
 * espsecure digest_sbv2_public_key computes it for the key file: SHA-256 of
 * the SBv2 RSA key (n, e, rinv, m', 776 bytes) or of curve_id || X || Y
 * (little-endian, the point zero-padded to 64 bytes for P-192/P-256, 96 for
 * P-384). ESC_SIG_ERR_MALFORMED if the data is not a valid signature entry.
 */
esc_sig_result_t esc_sig_key_digest(const uint8_t *data, size_t len, uint8_t out[ESC_SIG_KEY_DIGEST_LEN]);

/* Short English description of a result. */
const char *esc_sig_result_str(esc_sig_result_t r);

#ifdef __cplusplus
}
#endif
