/*
 * esc_tlv: the esp_secure_cert TLV layout, as pure functions over a byte view.
 *
 * No I/O, no allocation, no globals. Every function takes the partition (or
 * any prefix of it) as (pointer, size) and never reads outside it, whatever
 * the bytes say. docs/format.md describes the layout in prose.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_TLV_MAGIC        0xBA5EBA11u
#define ESC_TLV_HEADER_SIZE  12u
#define ESC_TLV_FOOTER_SIZE  4u
#define ESC_TLV_ALIGN        16u
#define ESC_TLV_MAX_DATA_LEN 0xFFFFu
/* Largest entry the 16-bit length field can describe, header to footer. */
#define ESC_TLV_MAX_TOTAL_LEN (ESC_TLV_HEADER_SIZE + 0xFFF0u + ESC_TLV_FOOTER_SIZE + 16u)

/* Flag bits, as the original component defines them (bits 7..6 exclusive). */
#define ESC_TLV_FLAG_HMAC_ENCRYPTION           0x80u
#define ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION 0x40u
#define ESC_TLV_FLAG_KEY_ECDSA_PERIPHERAL      0x08u
#define ESC_TLV_FLAG_PROTECTION_MASK           0xC0u
#define ESC_TLV_FLAG_KEY_MASK                  0x38u

/* Result codes of this layer. Negative values are errors. */
typedef enum {
    ESC_TLV_OK = 0,
    ESC_TLV_NOT_FOUND = 1,        /* no entry with that (type, subtype) before the end */
    ESC_TLV_END = 2,              /* no magic at this offset: the list ends here */
    ESC_TLV_ERR_ARG = -1,         /* NULL pointer, offset not 16-aligned, ... */
    ESC_TLV_ERR_TRUNCATED = -2,   /* the entry's header or extent runs past the view */
    ESC_TLV_ERR_CRC = -3,         /* the entry's CRC footer does not match */
    ESC_TLV_ERR_SPACE = -4,       /* encode: destination too small */
} esc_tlv_result_t;

/* One decoded entry. Offsets are relative to the start of the view. */
typedef struct {
    uint32_t offset;       /* of the header */
    uint8_t flags;
    uint8_t reserved[3];
    uint8_t type;
    uint8_t subtype;
    uint16_t length;       /* data bytes, without padding */
    uint32_t data_offset;  /* offset + ESC_TLV_HEADER_SIZE */
    uint32_t total_len;    /* header + data + padding + footer, a multiple of 16 */
    uint32_t crc_stored;
    uint32_t crc_computed;
    bool crc_ok;
} esc_tlv_entry_t;

/* CRC-32 as the format uses it: reflected 0xEDB88320, init 0, final xor ~0
 * (esp_crc32_le(UINT32_MAX, ...)). crc("123456789") == 0xD202D277. */
uint32_t esc_crc32(const uint8_t *buf, size_t len);
/* Incremental form: start with state 0, finish with esc_crc32_final. */
uint32_t esc_crc32_update(uint32_t state, const uint8_t *buf, size_t len);
uint32_t esc_crc32_final(uint32_t state);

/* Padding after `length` data bytes, and the whole entry's size. */
uint32_t esc_tlv_padding(uint32_t length);
uint32_t esc_tlv_total_len(uint32_t length);

/*
 * Decode the entry at `offset`. ESC_TLV_END if there is no magic there (or
 * fewer than 4 bytes left), ESC_TLV_ERR_TRUNCATED if the header or the extent
 * its length implies does not fit in the view, else ESC_TLV_OK with crc_ok set
 * (a CRC mismatch is reported in the entry, not as an error).
 */
esc_tlv_result_t esc_tlv_decode(const uint8_t *view, size_t size, size_t offset, esc_tlv_entry_t *out);

/*
 * Walk cursor. Zero-initialise (or esc_tlv_cursor_init) and call
 * esc_tlv_cursor_next until it returns something other than ESC_TLV_OK.
 * The walk follows the original reader: entries are chained by their length
 * field, whether or not their CRC matches. It stops at the first offset
 * without the magic (ESC_TLV_END) or at an entry that does not fit
 * (ESC_TLV_ERR_TRUNCATED); it always terminates because each step advances by
 * at least 16 bytes.
 */
typedef struct {
    size_t next_offset;
    bool done;
} esc_tlv_cursor_t;

void esc_tlv_cursor_init(esc_tlv_cursor_t *cur);
esc_tlv_result_t esc_tlv_cursor_next(esc_tlv_cursor_t *cur, const uint8_t *view, size_t size, esc_tlv_entry_t *out);

/*
 * Filler entries (type 0xFF, ESP_SECURE_CERT_TLV_INVALID) are written only by
 * the power-loss repair to cover a torn region: lookups and the API's
 * iterator walk past them and never return them (docs/power-loss.md).
 */
#define ESC_TLV_TYPE_FILLER 0xFFu

/*
 * Find an entry as the application sees it: the first entry of `type` and
 * `subtype`, or with subtype 254 (SUBTYPE_MAX) the last entry of `type`.
 * Stricter than the original's walk in one way: the list ends at the first
 * entry whose CRC fails, because its length field (the link to the next
 * entry) cannot be trusted; entries behind it are not returned. If that
 * entry is the one asked for (or, for the latest, of the asked type) the
 * result is ESC_TLV_ERR_CRC; otherwise the search ends there.
 * ESC_TLV_NOT_FOUND at the end of the list; ESC_TLV_ERR_TRUNCATED if the walk
 * meets an entry that runs past the view before finding it.
 */
#define ESC_TLV_SUBTYPE_LATEST 254u
esc_tlv_result_t esc_tlv_find(const uint8_t *view, size_t size, uint8_t type, uint8_t subtype, esc_tlv_entry_t *out);

/*
 * Offset just past the last valid entry of the list, by the same rule as
 * esc_tlv_find (the list ends at the first entry whose CRC fails; fillers
 * count). ESC_TLV_ERR_TRUNCATED if an entry runs past the view.
 */
esc_tlv_result_t esc_tlv_end_offset(const uint8_t *view, size_t size, size_t *end);

/*
 * Lay out one entry in `dst` (capacity `cap`): header, data, zero padding,
 * CRC. `data` may be NULL only when length is 0. Returns ESC_TLV_OK and the
 * number of bytes in *written, or ESC_TLV_ERR_SPACE / ESC_TLV_ERR_ARG.
 */
esc_tlv_result_t esc_tlv_encode(uint8_t *dst, size_t cap, uint8_t flags, uint8_t type, uint8_t subtype,
                                const uint8_t *data, uint16_t length, size_t *written);

/* Flag decoding, mutually exclusive as in the original. */
static inline bool esc_tlv_flag_is_hmac_encrypted(uint8_t flags)
{
    return (flags & ESC_TLV_FLAG_PROTECTION_MASK) == ESC_TLV_FLAG_HMAC_ENCRYPTION;
}
static inline bool esc_tlv_flag_is_hmac_ecdsa_derived(uint8_t flags)
{
    return (flags & ESC_TLV_FLAG_PROTECTION_MASK) == ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION;
}
static inline bool esc_tlv_flag_is_ecdsa_peripheral(uint8_t flags)
{
    return (flags & ESC_TLV_FLAG_KEY_MASK) == ESC_TLV_FLAG_KEY_ECDSA_PERIPHERAL;
}

/* Printable name of a type (the public enum's name without the prefix), or NULL. */
const char *esc_tlv_type_name(uint8_t type);

/* Little-endian field access that never assumes alignment. */
static inline uint32_t esc_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint16_t esc_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline void esc_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void esc_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

#ifdef __cplusplus
}
#endif
