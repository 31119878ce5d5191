/*
 * esp_secure_cert_verify_partition_signature and the image check behind it.
 *
 * Trust follows the original component, which hands the signature to ESP-IDF's
 * Secure Boot V2 verifier: a signature counts only if the SHA-256 digest of
 * its public key is one the device already trusts (eFuse SECURE_BOOT_DIGESTn,
 * or the keys that signed the running app when secure boot is off). A
 * signature by any other key, however valid, proves nothing: whoever can
 * rewrite the partition can also re-sign it with a key of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_sig_verify.h"
#include "esc_tlv.h"
#include "esc_verify.h"
#include "esc_log.h"
#include "esp_secure_cert_signature_verify.h"
#include "esp_secure_cert_tlv_config.h"

static const char *TAG = "esp_secure_cert_sig";

#define SBV2_TRUSTED_MAX 3 /* eFuse SECURE_BOOT_DIGEST0..2 */
#define RSA3072_BYTES 384u
#define ECC_MAX_BYTES 48u

/* One SIGNATURE_BLOCK entry's data, checked for shape. */
typedef struct {
    const uint8_t *data;
    size_t len;
    uint8_t alg;
    uint32_t offset_field;
    uint32_t length_field;
    size_t coord_len; /* ECDSA: bytes per coordinate */
} sig_entry_t;

const char *esc_sig_result_str(esc_sig_result_t r)
{
    switch (r) {
    case ESC_SIG_OK:
        return "signature verified";
    case ESC_SIG_ERR_ARG:
        return "invalid argument";
    case ESC_SIG_ERR_NO_SIGNATURE:
        return "no signature block in the partition";
    case ESC_SIG_ERR_LIST:
        return "the TLV list is truncated";
    case ESC_SIG_ERR_MALFORMED:
        return "a signature block is malformed";
    case ESC_SIG_ERR_UNCOVERED:
        return "entries other than INTEGRITY follow the signature blocks (not covered)";
    case ESC_SIG_ERR_UNTRUSTED:
        return "no signature is made with a trusted key";
    case ESC_SIG_ERR_BAD_SIGNATURE:
        return "signature does not match the partition contents";
    case ESC_SIG_ERR_BACKEND:
        return "crypto backend failure or unsupported curve";
    default:
        return "unknown result";
    }
}

static size_t ecdsa_coord_len(uint8_t alg)
{
    switch (alg) {
    case ESC_SIG_ALG_ECDSA192:
        return 24;
    case ESC_SIG_ALG_ECDSA256:
        return 32;
    case ESC_SIG_ALG_ECDSA384:
        return 48;
    default:
        return 0;
    }
}

/* zlib's crc32 (init 0, final xor), as espsecure seals its blocks. The TLV
 * CRC starts from ~0 instead, so the same table walk gives it from ~0 here. */
static uint32_t sbv2_crc32(const uint8_t *buf, size_t len)
{
    return esc_crc32_final(esc_crc32_update(esc_crc32_final(0), buf, len));
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

/* Every byte of a signature entry has one allowed value, so that none of
 * them can change without the check noticing: reserved and padding bytes
 * must be zero, as the tool writes them. */
static esc_sig_result_t parse_entry(const uint8_t *data, size_t len, sig_entry_t *out)
{
    memset(out, 0, sizeof(*out));
    if (len < ESC_SIG_HEADER_LEN || data[0] != ESC_SIG_VERSION_1 || !all_zero(data + 1, 3) ||
        !all_zero(data + 13, 3)) {
        return ESC_SIG_ERR_MALFORMED;
    }
    out->data = data;
    out->len = len;
    out->offset_field = esc_le32(data + 4);
    out->length_field = esc_le32(data + 8);
    out->alg = data[12];
    if (out->alg == ESC_SIG_ALG_RSA3072) {
        if (len != ESC_SIG_HEADER_LEN + ESC_SBV2_BLOCK_LEN) {
            return ESC_SIG_ERR_MALFORMED;
        }
        const uint8_t *blk = data + ESC_SIG_HEADER_LEN;
        if (blk[0] != ESC_SBV2_MAGIC || blk[1] != ESC_SBV2_VERSION_RSA || !all_zero(blk + 2, 2) ||
            !all_zero(blk + ESC_SBV2_CRC_OFFSET + 4, ESC_SBV2_BLOCK_LEN - ESC_SBV2_CRC_OFFSET - 4) ||
            sbv2_crc32(blk, ESC_SBV2_CRC_COVERED) != esc_le32(blk + ESC_SBV2_CRC_OFFSET)) {
            return ESC_SIG_ERR_MALFORMED;
        }
        return ESC_SIG_OK;
    }
    out->coord_len = ecdsa_coord_len(out->alg);
    /* curve_id || X || Y || r || s; the curve id repeats the algorithm. */
    if (out->coord_len == 0 || len != ESC_SIG_HEADER_LEN + 1 + 4 * out->coord_len ||
        data[ESC_SIG_HEADER_LEN] != out->alg) {
        return ESC_SIG_ERR_MALFORMED;
    }
    return ESC_SIG_OK;
}

esc_sig_result_t esc_sig_key_digest(const uint8_t *data, size_t len, uint8_t out[ESC_SIG_KEY_DIGEST_LEN])
{
    if (data == NULL || out == NULL) {
        return ESC_SIG_ERR_ARG;
    }
    sig_entry_t e;
    esc_sig_result_t r = parse_entry(data, len, &e);
    if (r != ESC_SIG_OK) {
        return r;
    }
    int rc;
    if (e.alg == ESC_SIG_ALG_RSA3072) {
        rc = esc_sha256(data + ESC_SIG_HEADER_LEN + ESC_SBV2_RSA_KEY_OFFSET, ESC_SBV2_RSA_KEY_LEN, out);
    } else {
        /* espsecure pads the point to the 64-byte field of the P-192/P-256
         * signature block before digesting it. */
        uint8_t key[1 + 2 * ECC_MAX_BYTES];
        size_t key_len = e.alg == ESC_SIG_ALG_ECDSA384 ? 1 + 96 : 1 + 64;
        memset(key, 0, sizeof(key));
        memcpy(key, data + ESC_SIG_HEADER_LEN, 1 + 2 * e.coord_len);
        rc = esc_sha256(key, key_len, out);
    }
    return rc == ESC_CRYPTO_OK ? ESC_SIG_OK : ESC_SIG_ERR_BACKEND;
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[n - 1 - i];
    }
}

/* Digests of the signed range, computed once each when first needed. */
typedef struct {
    const uint8_t *img;
    size_t len;
    bool have256, have384;
    uint8_t sha256[ESC_SHA256_LEN];
    uint8_t sha384[ESC_SHA384_LEN];
} range_digests_t;

static const uint8_t *range_digest(range_digests_t *d, esc_hash_alg_t alg)
{
    if (alg == ESC_HASH_SHA384) {
        if (!d->have384) {
            if (esc_hash(ESC_HASH_SHA384, d->img, d->len, d->sha384) != ESC_CRYPTO_OK) {
                return NULL;
            }
            d->have384 = true;
        }
        return d->sha384;
    }
    if (!d->have256) {
        if (esc_hash(ESC_HASH_SHA256, d->img, d->len, d->sha256) != ESC_CRYPTO_OK) {
            return NULL;
        }
        d->have256 = true;
    }
    return d->sha256;
}

static esc_sig_result_t from_crypto(int rc)
{
    switch (rc) {
    case ESC_CRYPTO_OK:
        return ESC_SIG_OK;
    case ESC_CRYPTO_ERR_AUTH:
        return ESC_SIG_ERR_BAD_SIGNATURE;
    case ESC_CRYPTO_ERR_KEY:
    case ESC_CRYPTO_ERR_ARG:
        return ESC_SIG_ERR_MALFORMED;
    default:
        return ESC_SIG_ERR_BACKEND;
    }
}

/* Kept out of esc_sig_verify_image's frame (noinline), and the 3072-bit
 * operands, reversed to big-endian for PSA, on the heap: with the RSA
 * verifier's own frame below, the stack stays far from a small task's. */
static __attribute__((noinline)) esc_sig_result_t check_rsa(const sig_entry_t *e, range_digests_t *d)
{
    const uint8_t *blk = e->data + ESC_SIG_HEADER_LEN;
    const uint8_t *digest = range_digest(d, ESC_HASH_SHA256);
    if (digest == NULL) {
        return ESC_SIG_ERR_BACKEND;
    }
    /* The block repeats the digest it was made for; a different one means
     * it was made over other bytes. */
    if (memcmp(blk + 4, digest, ESC_SHA256_LEN) != 0) {
        return ESC_SIG_ERR_BAD_SIGNATURE;
    }
    uint8_t *n_be = malloc(2 * RSA3072_BYTES);
    if (n_be == NULL) {
        return ESC_SIG_ERR_BACKEND;
    }
    uint8_t *sig_be = n_be + RSA3072_BYTES;
    reverse_copy(n_be, blk + ESC_SBV2_RSA_KEY_OFFSET, RSA3072_BYTES);
    uint32_t exp = esc_le32(blk + ESC_SBV2_RSA_KEY_OFFSET + RSA3072_BYTES);
    reverse_copy(sig_be, blk + ESC_SBV2_RSA_SIG_OFFSET, RSA3072_BYTES);
    esc_sig_result_t r = ESC_SIG_ERR_MALFORMED; /* not a 3072-bit modulus */
    if (n_be[0] >= 0x80) {
        r = from_crypto(esc_rsa_pss_sha256_verify_digest(n_be, RSA3072_BYTES, exp, digest, sig_be, RSA3072_BYTES));
    }
    free(n_be);
    return r;
}

/* noinline: its operand copies stay out of esc_sig_verify_image's frame. */
static __attribute__((noinline)) esc_sig_result_t check_ecdsa(const sig_entry_t *e, range_digests_t *d)
{
    const size_t nb = e->coord_len;
    const esc_hash_alg_t h = e->alg == ESC_SIG_ALG_ECDSA384 ? ESC_HASH_SHA384 : ESC_HASH_SHA256;
    const uint8_t *digest = range_digest(d, h);
    if (digest == NULL) {
        return ESC_SIG_ERR_BACKEND;
    }
    const uint8_t *p = e->data + ESC_SIG_HEADER_LEN + 1;
    uint8_t x[ECC_MAX_BYTES], y[ECC_MAX_BYTES], r[ECC_MAX_BYTES], s[ECC_MAX_BYTES];
    reverse_copy(x, p, nb);
    reverse_copy(y, p + nb, nb);
    reverse_copy(r, p + 2 * nb, nb);
    reverse_copy(s, p + 3 * nb, nb);
    return from_crypto(esc_ecdsa_verify_digest((unsigned)(nb * 8), x, y, digest, esc_hash_len(h), r, s));
}

static bool digest_trusted(const uint8_t digest[ESC_SIG_KEY_DIGEST_LEN],
                           const uint8_t (*trusted)[ESC_SIG_KEY_DIGEST_LEN], size_t ntrusted)
{
    bool found = false;
    for (size_t i = 0; i < ntrusted; i++) {
        found |= esc_ct_memcmp(digest, trusted[i], ESC_SIG_KEY_DIGEST_LEN) == 0;
    }
    return found;
}

/* The last run of adjacent SIGNATURE_BLOCK entries, parsed as they are met,
 * and whether only INTEGRITY entries come after it. */
typedef struct {
    sig_entry_t entries[ESC_SIG_MAX_BLOCKS];
    size_t count;
    size_t start;   /* offset of the run's first entry: the signed length */
    bool too_many;
    bool malformed; /* an entry of the run fails its TLV or layout checks */
    bool tail_clean;
} sig_run_t;

/* Every entry of the run must be well-formed and describe exactly the range
 * the run follows, before any of them is trusted. */
static bool entry_ok(const uint8_t *img, const esc_tlv_entry_t *t, size_t signed_len, sig_entry_t *out)
{
    const uint8_t *pad = img + t->data_offset + t->length;
    return t->crc_ok && t->flags == 0 && all_zero(t->reserved, sizeof(t->reserved)) &&
           all_zero(pad, esc_tlv_padding(t->length)) &&
           parse_entry(img + t->data_offset, t->length, out) == ESC_SIG_OK && out->offset_field == 0 &&
           out->length_field == signed_len;
}

static esc_sig_result_t find_last_run(const uint8_t *img, size_t size, sig_run_t *run)
{
    memset(run, 0, sizeof(*run));
    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_entry_t e;
    bool in_run = false;
    for (;;) {
        esc_tlv_result_t tr = esc_tlv_cursor_next(&cur, img, size, &e);
        if (tr == ESC_TLV_END) {
            break;
        }
        if (tr != ESC_TLV_OK) {
            return ESC_SIG_ERR_LIST;
        }
        if (e.type == ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV) {
            if (!in_run) {
                /* A later run supersedes an earlier one, which it covers. */
                run->count = 0;
                run->start = e.offset;
                run->too_many = false;
                run->malformed = false;
                run->tail_clean = true;
                in_run = true;
            }
            if (run->count < ESC_SIG_MAX_BLOCKS) {
                run->malformed |= !entry_ok(img, &e, run->start, &run->entries[run->count++]);
            } else {
                run->too_many = true;
            }
            continue;
        }
        in_run = false;
        if (e.type != ESP_SECURE_CERT_INTEGRITY_TLV) {
            run->tail_clean = false;
        }
    }
    return run->count == 0 ? ESC_SIG_ERR_NO_SIGNATURE : ESC_SIG_OK;
}

static esc_sig_result_t verify_image(const uint8_t *img, size_t size, const uint8_t (*trusted)[ESC_SIG_KEY_DIGEST_LEN],
                                     size_t ntrusted, bool trust_embedded_keys, esc_sig_report_t *rep, sig_run_t *run)
{
    esc_sig_result_t r = find_last_run(img, size, run);
    if (r != ESC_SIG_OK) {
        return r;
    }
    rep->nblocks = run->count;
    rep->signed_len = run->start;
    if (run->too_many) {
        return ESC_SIG_ERR_MALFORMED;
    }
    if (!run->tail_clean) {
        return ESC_SIG_ERR_UNCOVERED;
    }
    const sig_entry_t *parsed = run->entries;
    for (size_t i = 0; i < run->count; i++) {
        rep->algorithm[i] = parsed[i].alg;
    }
    if (rep->signed_len == 0 || run->malformed) {
        return ESC_SIG_ERR_MALFORMED; /* a signature over nothing, or a bad entry */
    }

    range_digests_t digests;
    memset(&digests, 0, sizeof(digests));
    digests.img = img;
    digests.len = rep->signed_len;

    bool any_trusted = false;
    bool any_good = false;
    esc_sig_result_t failure = ESC_SIG_ERR_BAD_SIGNATURE;
    for (size_t i = 0; i < run->count; i++) {
        uint8_t kd[ESC_SIG_KEY_DIGEST_LEN];
        if (esc_sig_key_digest(parsed[i].data, parsed[i].len, kd) != ESC_SIG_OK) {
            return ESC_SIG_ERR_BACKEND;
        }
        rep->trusted[i] = digest_trusted(kd, trusted, trust_embedded_keys ? 0 : ntrusted);
        if (!trust_embedded_keys && !rep->trusted[i]) {
            continue; /* as Secure Boot V2: an unknown key is skipped */
        }
        any_trusted = true;
        r = parsed[i].alg == ESC_SIG_ALG_RSA3072 ? check_rsa(&parsed[i], &digests) : check_ecdsa(&parsed[i], &digests);
        rep->verified[i] = r == ESC_SIG_OK;
        if (r == ESC_SIG_OK) {
            any_good = true;
        } else {
            failure = r;
            if (trust_embedded_keys) {
                break;
            }
        }
    }
    esc_zeroize(&digests, sizeof(digests));
    if (!any_trusted) {
        return ESC_SIG_ERR_UNTRUSTED;
    }
    if (trust_embedded_keys) {
        for (size_t i = 0; i < run->count; i++) {
            if (!rep->verified[i]) {
                return failure;
            }
        }
        return ESC_SIG_OK;
    }
    return any_good ? ESC_SIG_OK : failure;
}

esc_sig_result_t esc_sig_verify_image(const uint8_t *img, size_t size, const uint8_t (*trusted)[ESC_SIG_KEY_DIGEST_LEN],
                                      size_t ntrusted, bool trust_embedded_keys, esc_sig_report_t *report)
{
    esc_sig_report_t local;
    esc_sig_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof(*rep));
    if (img == NULL || (!trust_embedded_keys && ntrusted > 0 && trusted == NULL)) {
        return ESC_SIG_ERR_ARG;
    }
    /* The parsed run (up to eight entries) lives on the heap: on the stack
     * it put verify_partition_signature's call chain over 1 KiB. */
    sig_run_t *run = malloc(sizeof(*run));
    if (run == NULL) {
        return ESC_SIG_ERR_BACKEND;
    }
    esc_sig_result_t r = verify_image(img, size, trusted, ntrusted, trust_embedded_keys, rep, run);
    free(run);
    return r;
}

/* Trusted key digests from the port (eFuse or the running app's keys). */
static size_t port_trusted_digests(const esc_port_t *port, uint8_t (*out)[ESC_SIG_KEY_DIGEST_LEN], size_t max)
{
    size_t n = 0;
#if defined(ESC_PORT_HAS_SECURE_BOOT_DIGESTS)
    if (port != NULL && port->secure_boot_key_digests != NULL &&
        port->secure_boot_key_digests(port, out, max, &n) != ESP_OK) {
        n = 0;
    }
#else
    (void)port;
    (void)out;
#endif
    return n > max ? max : n;
}

esp_err_t esp_secure_cert_verify_partition_signature(esp_sign_verify_ctx_t *ctx)
{
    (void)ctx; /* no options yet; NULL is fine */
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        ESC_LOGE(TAG, "Failed to map the esp_secure_cert partition");
        return ESP_FAIL;
    }
    uint8_t trusted[SBV2_TRUSTED_MAX][ESC_SIG_KEY_DIGEST_LEN];
    size_t ntrusted = port_trusted_digests(view.port, trusted, SBV2_TRUSTED_MAX);
    esc_sig_report_t rep;
    esc_sig_result_t r = esc_sig_verify_image(view.base, view.size, (const uint8_t (*)[ESC_SIG_KEY_DIGEST_LEN])trusted,
                                              ntrusted, false, &rep);
    if (r == ESC_SIG_OK) {
        ESC_LOGI(TAG, "Partition signature verified (%u bytes signed)", (unsigned)rep.signed_len);
        return ESP_OK;
    }
    if (r == ESC_SIG_ERR_UNTRUSTED && ntrusted == 0) {
        ESC_LOGE(TAG, "No trusted secure boot key digest is available; cannot verify the partition signature");
    } else {
        ESC_LOGE(TAG, "Partition signature check failed: %s", esc_sig_result_str(r));
    }
    return ESP_FAIL;
}
