/*
 * Signed and integrity-sealed images, laid out as the reference tool does:
 *   signed range || SIGNATURE_BLOCK sub 0..n-1 || INTEGRITY sub m || ff ff 00 00
 * where the INTEGRITY subtype m is one above the highest already present (0
 * if none) and the end marker is written only if it fits in the partition.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "gen_append.h"
#include "sign_internal.h"

#define INTEGRITY_LEN 32u
#define INTEGRITY_MAX_SUBTYPE 16 /* the reference stops there */
static const uint8_t END_MARKER[4] = {0xFF, 0xFF, 0x00, 0x00};

/* What a walk over an image's TLV list found. */
typedef struct {
    size_t end;             /* offset just past the last entry */
    size_t entries;
    int max_integrity;      /* highest INTEGRITY subtype, -1 if none */
    bool has_signature;
} list_info_t;

static int scan_list(const uint8_t *img, size_t len, list_info_t *info, char *err, size_t err_len)
{
    memset(info, 0, sizeof(*info));
    info->max_integrity = -1;
    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_entry_t e;
    for (;;) {
        esc_tlv_result_t r = esc_tlv_cursor_next(&cur, img, len, &e);
        if (r == ESC_TLV_END) {
            break;
        }
        if (r != ESC_TLV_OK) {
            return cli_fail(err, err_len, "entry at offset %zu runs past the end of the image (%zu bytes)",
                            info->end, len);
        }
        if (!e.crc_ok) {
            return cli_fail(err, err_len, "entry at offset %u (type %u, subtype %u) has a bad CRC", e.offset,
                            e.type, e.subtype);
        }
        info->entries++;
        info->end = (size_t)e.offset + e.total_len;
        if (e.type == ESP_SECURE_CERT_INTEGRITY_TLV && (int)e.subtype > info->max_integrity) {
            info->max_integrity = e.subtype;
        }
        if (e.type == ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV) {
            info->has_signature = true;
        }
    }
    if (info->entries == 0) {
        return cli_fail(err, err_len, "no TLV entry found (not an esp_secure_cert image)");
    }
    return 0;
}

static size_t effective_partition_size(size_t partition_size)
{
    return partition_size == 0 ? ESC_SIGN_DEFAULT_PARTITION_SIZE : partition_size;
}

/* Append INTEGRITY (SHA-256 of buf[0, *pos)) at *pos, then the end marker
 * if it fits in part_size. buf (capacity cap, 0xFF from *pos on) has room
 * for both; *pos ends after what was written. */
static int put_integrity(uint8_t *buf, size_t cap, size_t *pos, int subtype, size_t part_size, char *err,
                         size_t err_len)
{
    const size_t at = *pos;
    const size_t tlv_len = esc_tlv_total_len(INTEGRITY_LEN);
    if (subtype > INTEGRITY_MAX_SUBTYPE) {
        return cli_fail(err, err_len, "cannot add an integrity entry: subtype %d would exceed %d", subtype,
                        INTEGRITY_MAX_SUBTYPE);
    }
    if (at + tlv_len > part_size) {
        return cli_fail(err, err_len,
                        "no room for the integrity entry: %zu + %zu bytes exceed the %zu-byte partition", at,
                        tlv_len, part_size);
    }
    uint8_t digest[INTEGRITY_LEN];
    unsigned int dlen = 0;
    if (!EVP_Digest(buf, at, digest, &dlen, EVP_sha256(), NULL) || dlen != INTEGRITY_LEN) {
        return cli_fail(err, err_len, "SHA-256 failed");
    }
    if (gen_append(buf, cap, pos, ESP_SECURE_CERT_INTEGRITY_TLV, (uint8_t)subtype, 0, digest, INTEGRITY_LEN, err,
                   err_len) != 0) {
        return -1;
    }
    if (*pos + sizeof(END_MARKER) <= part_size && *pos + sizeof(END_MARKER) <= cap) {
        memcpy(buf + *pos, END_MARKER, sizeof(END_MARKER));
        *pos += sizeof(END_MARKER);
    }
    return 0;
}

/* After the list only erased flash (0xFF) or an end marker then 0xFF. */
static bool tail_is_blank(const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (n >= sizeof(END_MARKER) && memcmp(p, END_MARKER, sizeof(END_MARKER)) == 0) {
        i = sizeof(END_MARKER);
    }
    for (; i < n; i++) {
        if (p[i] != 0xFF) {
            return false;
        }
    }
    return true;
}

void esc_signed_image_free(esc_signed_image_t *img)
{
    if (img != NULL) {
        cli_free_secret(img->bin, img->len); /* a plaintext private key may be in it */
        memset(img, 0, sizeof(*img));
    }
}

int esc_sign_partition(const uint8_t *unsigned_bin, size_t len, esc_signing_key_t *const *keys, size_t nkeys,
                       esc_rng_t *rng, size_t partition_size, esc_signed_image_t *out, char *err, size_t err_len)
{
    if (out == NULL) {
        return cli_fail(err, err_len, "no output");
    }
    memset(out, 0, sizeof(*out));
    if (unsigned_bin == NULL || len == 0) {
        return cli_fail(err, err_len, "nothing to sign: the image is empty");
    }
    if (keys == NULL || nkeys == 0) {
        return cli_fail(err, err_len, "no signing key given");
    }
    if (nkeys > 255) {
        return cli_fail(err, err_len, "too many signing keys (%zu)", nkeys);
    }
    if (rng == NULL) {
        return cli_fail(err, err_len, "no random source");
    }
    const size_t part_size = effective_partition_size(partition_size);
    list_info_t info;
    if (scan_list(unsigned_bin, len, &info, err, err_len) != 0) {
        return -1;
    }
    if (info.has_signature) {
        return cli_fail(err, err_len, "the image already holds a signature block; sign the unsigned image");
    }
    if (!tail_is_blank(unsigned_bin + info.end, len - info.end)) {
        return cli_fail(err, err_len, "unexpected data after the last entry (offset %zu of %zu)", info.end, len);
    }
    if (info.end > UINT32_MAX) {
        return cli_fail(err, err_len, "image too large to sign");
    }
    const size_t signed_len = info.end;

    size_t cap = signed_len + esc_tlv_total_len(INTEGRITY_LEN) + sizeof(END_MARKER);
    for (size_t i = 0; i < nkeys; i++) {
        if (keys[i] == NULL) {
            return cli_fail(err, err_len, "signing key %zu is missing", i);
        }
        cap += esc_tlv_total_len((uint32_t)(ESC_SIGN_HEADER_LEN + esc_sign_tail_len(keys[i]->alg)));
    }
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        return cli_fail(err, err_len, "out of memory");
    }
    /* The writer appends after the list, into erased (0xFF) space. */
    memset(buf, 0xFF, cap);
    memcpy(buf, unsigned_bin, signed_len);
    size_t pos = signed_len;

    uint8_t data[ESC_SIGN_HEADER_LEN + ESC_SIGN_MAX_TAIL];
    for (size_t i = 0; i < nkeys; i++) {
        const esc_signing_key_t *key = keys[i];
        const size_t tail_len = esc_sign_tail_len(key->alg);
        memset(data, 0, ESC_SIGN_HEADER_LEN);
        data[0] = 1; /* version */
        esc_put_le32(data + 4, 0);  /* offset of the signed range */
        esc_put_le32(data + 8, (uint32_t)signed_len);
        data[12] = (uint8_t)key->alg;
        int rc = key->alg == ESC_SIGN_RSA3072
                     ? esc_sign_rsa_sbv2(key, buf, signed_len, rng, data + ESC_SIGN_HEADER_LEN, err, err_len)
                     : esc_sign_ecdsa(key, buf, signed_len, rng, data + ESC_SIGN_HEADER_LEN, tail_len, err, err_len);
        if (rc != 0 || gen_append(buf, cap, &pos, ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV, (uint8_t)i, 0, data,
                                  ESC_SIGN_HEADER_LEN + tail_len, err, err_len) != 0) {
            cli_free_secret(buf, cap);
            return -1;
        }
    }
    const size_t sig_end = pos;
    if (put_integrity(buf, cap, &pos, info.max_integrity + 1, part_size, err, err_len) != 0) {
        cli_free_secret(buf, cap);
        return -1;
    }
    out->bin = buf;
    out->len = pos;
    out->signed_len = signed_len;
    out->sig_tlvs_len = sig_end - signed_len;
    return 0;
}

int esc_append_integrity(const uint8_t *in, size_t in_len, size_t partition_size, uint8_t **out, size_t *out_len,
                         char *err, size_t err_len)
{
    if (out == NULL || out_len == NULL) {
        return cli_fail(err, err_len, "no output");
    }
    *out = NULL;
    *out_len = 0;
    if (in == NULL || in_len == 0) {
        return cli_fail(err, err_len, "the image is empty");
    }
    const size_t part_size = effective_partition_size(partition_size);
    list_info_t info;
    if (scan_list(in, in_len, &info, err, err_len) != 0) {
        return -1;
    }
    const size_t need = info.end + esc_tlv_total_len(INTEGRITY_LEN) + sizeof(END_MARKER);
    const size_t cap = need > in_len ? need : in_len;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        return cli_fail(err, err_len, "out of memory");
    }
    memset(buf, 0xFF, cap);
    memcpy(buf, in, info.end);
    size_t pos = info.end;
    if (put_integrity(buf, cap, &pos, info.max_integrity + 1, part_size, err, err_len) != 0) {
        cli_free_secret(buf, cap);
        return -1;
    }
    /* In place, as the reference: whatever the input had beyond the new
     * entry and marker stays, so the result is never shorter than it. */
    size_t len = pos;
    if (in_len > pos) {
        memcpy(buf + pos, in + pos, in_len - pos);
        len = in_len;
    }
    *out = buf;
    *out_len = len;
    return 0;
}
