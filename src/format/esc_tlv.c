/*
 * TLV walk and encoding. Every read is preceded by a bounds check against
 * the view's size; sizes are computed in size_t from 16-bit lengths, so no
 * sum here can wrap.
 */
#include <string.h>

#include "esc_tlv.h"

uint32_t esc_tlv_padding(uint32_t length)
{
    return (ESC_TLV_ALIGN - (length % ESC_TLV_ALIGN)) % ESC_TLV_ALIGN;
}

uint32_t esc_tlv_total_len(uint32_t length)
{
    return ESC_TLV_HEADER_SIZE + length + esc_tlv_padding(length) + ESC_TLV_FOOTER_SIZE;
}

esc_tlv_result_t esc_tlv_decode(const uint8_t *view, size_t size, size_t offset, esc_tlv_entry_t *out)
{
    if (view == NULL || out == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    memset(out, 0, sizeof(*out));
    if (offset > size || size - offset < 4 || esc_le32(view + offset) != ESC_TLV_MAGIC) {
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
    out->total_len = esc_tlv_total_len(out->length);
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
    if (cur == NULL || view == NULL || out == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    if (cur->done) {
        memset(out, 0, sizeof(*out));
        return ESC_TLV_END;
    }
    esc_tlv_result_t r = esc_tlv_decode(view, size, cur->next_offset, out);
    if (r != ESC_TLV_OK) {
        cur->done = true;
        return r;
    }
    /* total_len >= 16, so the walk strictly advances and must end. */
    cur->next_offset += out->total_len;
    return ESC_TLV_OK;
}

esc_tlv_result_t esc_tlv_find(const uint8_t *view, size_t size, uint8_t type, uint8_t subtype, esc_tlv_entry_t *out)
{
    if (view == NULL || out == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    bool want_latest = subtype == ESC_TLV_SUBTYPE_LATEST;
    bool have_latest = false;
    esc_tlv_entry_t latest;
    esc_tlv_entry_t e;
    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    memset(&latest, 0, sizeof(latest));

    for (;;) {
        esc_tlv_result_t r = esc_tlv_cursor_next(&cur, view, size, &e);
        if (r == ESC_TLV_ERR_TRUNCATED && !have_latest) {
            memset(out, 0, sizeof(*out));
            return r;
        }
        if (r != ESC_TLV_OK) {
            break;
        }
        bool match = e.type == type && type != ESC_TLV_TYPE_FILLER && (want_latest || e.subtype == subtype);
        if (!e.crc_ok) {
            if (match) {
                *out = e;
                return ESC_TLV_ERR_CRC;
            }
            break;
        }
        if (!match) {
            continue;
        }
        if (!want_latest) {
            *out = e;
            return ESC_TLV_OK;
        }
        latest = e;
        have_latest = true;
    }
    if (have_latest) {
        *out = latest;
        return ESC_TLV_OK;
    }
    memset(out, 0, sizeof(*out));
    return ESC_TLV_NOT_FOUND;
}

esc_tlv_result_t esc_tlv_end_offset(const uint8_t *view, size_t size, size_t *end)
{
    if (view == NULL || end == NULL) {
        return ESC_TLV_ERR_ARG;
    }
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    esc_tlv_result_t r;
    size_t last_end = 0;
    while ((r = esc_tlv_cursor_next(&cur, view, size, &e)) == ESC_TLV_OK && e.crc_ok) {
        last_end = cur.next_offset;
    }
    *end = last_end;
    return (r == ESC_TLV_END || r == ESC_TLV_OK) ? ESC_TLV_OK : r;
}

esc_tlv_result_t esc_tlv_encode(uint8_t *dst, size_t cap, uint8_t flags, uint8_t type, uint8_t subtype,
                                const uint8_t *data, uint16_t length, size_t *written)
{
    if (dst == NULL || written == NULL || (data == NULL && length != 0)) {
        return ESC_TLV_ERR_ARG;
    }
    *written = 0;
    uint32_t total = esc_tlv_total_len(length);
    if (cap < total) {
        return ESC_TLV_ERR_SPACE;
    }
    esc_put_le32(dst, ESC_TLV_MAGIC);
    dst[4] = flags;
    dst[5] = dst[6] = dst[7] = 0;
    dst[8] = type;
    dst[9] = subtype;
    esc_put_le16(dst + 10, length);
    if (length != 0) {
        memmove(dst + ESC_TLV_HEADER_SIZE, data, length);
    }
    uint32_t covered = total - ESC_TLV_FOOTER_SIZE;
    memset(dst + ESC_TLV_HEADER_SIZE + length, 0, covered - ESC_TLV_HEADER_SIZE - length);
    esc_put_le32(dst + covered, esc_crc32(dst, covered));
    *written = total;
    return ESC_TLV_OK;
}
