/*
 * TLV walk and encoding. Every read is preceded by a bounds check against
 * the view's size; sizes are computed in size_t from 16-bit lengths, so no
 * sum here can wrap.
 */
#include <string.h>

#include "esc_tlv.h"

uint32_t esc_tlv_padding(uint32_t length)
{
    return (0u - length) % ESC_TLV_ALIGN;
}

/* Header and footer (16 bytes) plus the data rounded up to the alignment. */
#define TOTAL_LEN(length) \
    (ESC_TLV_HEADER_SIZE + ESC_TLV_FOOTER_SIZE + (((uint32_t)(length) + ESC_TLV_ALIGN - 1u) & ~(ESC_TLV_ALIGN - 1u)))

uint32_t esc_tlv_total_len(uint32_t length)
{
    return TOTAL_LEN(length);
}

/* ESC_TLV_MAGIC as stored (little-endian). */
static const uint8_t k_magic[4] = {0x11, 0xBA, 0x5E, 0xBA};
_Static_assert(ESC_TLV_MAGIC == 0xBA5EBA11u, "k_magic spells ESC_TLV_MAGIC");

esc_tlv_result_t esc_tlv_decode(const uint8_t *view, size_t size, size_t offset, esc_tlv_entry_t *out)
{
    if (view == NULL || out == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    memset(out, 0, sizeof(*out));
    if (offset > size || size - offset < 4 || memcmp(view + offset, k_magic, 4) != 0) {
        return ESC_TLV_END;
    }
    if (offset > UINT32_MAX - ESC_TLV_MAX_TOTAL_LEN) {
        return ESC_TLV_ERR_TRUNCATED; /* offsets are reported as u32 */
    }
    out->offset = (uint32_t)offset;
    if (size - offset < ESC_TLV_HEADER_SIZE) {
        return ESC_TLV_ERR_TRUNCATED;
    }
    const uint8_t *h = view + offset;
    out->flags = h[4];
    memcpy(out->reserved, h + 5, 3);
    out->type = h[8];
    out->subtype = h[9];
    out->length = esc_le16(h + 10);
    out->data_offset = out->offset + ESC_TLV_HEADER_SIZE;
    out->total_len = TOTAL_LEN(out->length);
    if (size - offset < out->total_len) {
        return ESC_TLV_ERR_TRUNCATED;
    }
    size_t covered = out->total_len - ESC_TLV_FOOTER_SIZE;
    out->crc_stored = esc_le32(h + covered);
    out->crc_computed = esc_crc32(h, covered);
    out->crc_ok = out->crc_stored == out->crc_computed;
    return ESC_TLV_OK;
}

void esc_tlv_cursor_init(esc_tlv_cursor_t *cur)
{
    if (cur != NULL) {
        cur->next_offset = 0;
        cur->done = false;
    }
}

esc_tlv_result_t esc_tlv_cursor_next(esc_tlv_cursor_t *cur, const uint8_t *view, size_t size, esc_tlv_entry_t *out)
{
    if (cur == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    /* A finished walk decodes past the view: out zeroed, ESC_TLV_END. */
    esc_tlv_result_t r = esc_tlv_decode(view, size, cur->done ? SIZE_MAX : cur->next_offset, out);
    if (r != ESC_TLV_OK) {
        if (r != ESC_TLV_ERR_ARG) {
            cur->done = true;
        }
        return r;
    }
    /* total_len >= 16, so the walk strictly advances and must end. */
    cur->next_offset += out->total_len;
    return ESC_TLV_OK;
}

/*
 * The walk of esc_tlv_find and esc_tlv_end_offset: entries chained by their
 * length from offset 0, ending at the first entry whose CRC fails, at an
 * offset without the magic, or with ESC_TLV_ERR_TRUNCATED at an entry that
 * runs past the view. Entries are decoded straight into *out; for the latest
 * only the offset is kept and the entry decoded again (decoding is pure).
 * want_type 0x100 matches no entry. When nothing is found, out->offset is
 * where the walk stopped (just past the last entry with a good CRC) and the
 * rest of *out is not meaningful.
 */
static esc_tlv_result_t walk(const uint8_t *view, size_t size, unsigned want_type, uint8_t subtype,
                             esc_tlv_entry_t *out)
{
    bool want_latest = subtype == ESC_TLV_SUBTYPE_LATEST;
    size_t latest = SIZE_MAX;
    size_t off = 0;
    esc_tlv_result_t r;
    for (;;) {
        r = esc_tlv_decode(view, size, off, out);
        if (r != ESC_TLV_OK) {
            break;
        }
        bool match = out->type == want_type && (want_latest || out->subtype == subtype);
        if (!out->crc_ok) {
            if (match) {
                return ESC_TLV_ERR_CRC;
            }
            r = ESC_TLV_END;
            break;
        }
        if (match) {
            if (!want_latest) {
                return ESC_TLV_OK;
            }
            latest = off;
        }
        /* total_len >= 16, so the walk strictly advances and must end. */
        off += out->total_len;
    }
    if (latest != SIZE_MAX) {
        return esc_tlv_decode(view, size, latest, out);
    }
    /* off fits: decode refuses offsets within ESC_TLV_MAX_TOTAL_LEN of 2^32. */
    out->offset = (uint32_t)off;
    return r == ESC_TLV_ERR_TRUNCATED ? r : ESC_TLV_NOT_FOUND;
}

esc_tlv_result_t esc_tlv_find(const uint8_t *view, size_t size, uint8_t type, uint8_t subtype, esc_tlv_entry_t *out)
{
    if (view == NULL || out == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    /* Fillers are never returned. */
    esc_tlv_result_t r = walk(view, size, type == ESC_TLV_TYPE_FILLER ? 0x100u : type, subtype, out);
    if (r == ESC_TLV_NOT_FOUND || r == ESC_TLV_ERR_TRUNCATED) {
        memset(out, 0, sizeof(*out));
    }
    return r;
}

esc_tlv_result_t esc_tlv_end_offset(const uint8_t *view, size_t size, size_t *end)
{
    esc_tlv_entry_t e;
    if (view == NULL || end == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    esc_tlv_result_t r = walk(view, size, 0x100u, 0, &e);
    *end = e.offset;
    return r == ESC_TLV_ERR_TRUNCATED ? r : ESC_TLV_OK;
}

esc_tlv_result_t esc_tlv_encode(uint8_t *dst, size_t cap, uint8_t flags, uint8_t type, uint8_t subtype,
                                const uint8_t *data, uint16_t length, size_t *written)
{
    if (dst == NULL || written == NULL || (data == NULL && length != 0)) {
        return ESC_TLV_ERR_ARG;
    }
    *written = 0;
    uint32_t total = TOTAL_LEN(length);
    if (cap < total) {
        return ESC_TLV_ERR_SPACE;
    }
    /* data may overlap dst past the header (memmove), never the header:
     * the header is written first, as it always was. */
    esc_put_le32(dst, ESC_TLV_MAGIC);
    dst[4] = flags;
    dst[5] = dst[6] = dst[7] = 0;
    dst[8] = type;
    dst[9] = subtype;
    esc_put_le16(dst + 10, length);
    uint8_t *p = dst + ESC_TLV_HEADER_SIZE;
    if (length != 0) {
        memmove(p, data, length);
    }
    uint32_t covered = total - ESC_TLV_FOOTER_SIZE;
    memset(p + length, 0, (size_t)(dst + covered - (p + length)));
    esc_put_le32(dst + covered, esc_crc32(dst, covered));
    *written = total;
    return ESC_TLV_OK;
}
