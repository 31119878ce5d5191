/*
 * Encoding of a whole call's entries into one image: flash mode programs it,
 * buffer mode builds it in place, so both produce the same bytes.
 */
#include <stdint.h>

#include "esc_tlv.h"
#include "esc_log.h"
#include "write_internal.h"

size_t esc_write_encode(const esc_write_item_t *items, size_t n, uint8_t *dst)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const esc_write_item_t *it = &items[i];
        size_t len = esc_tlv_total_len(it->length);
        /* Validated items never have this (esc_write_item_from_info); it is
         * the one input esc_tlv_encode would refuse, as the capacity is
         * exactly the entry's size. */
        if (it->data == NULL && it->length != 0) {
            return 0;
        }
        if (off > SIZE_MAX - len) {
            return SIZE_MAX; /* a 32-bit size_t with ~65k huge items: "does not fit" */
        }
        if (dst != NULL) {
            (void)esc_tlv_encode(dst + off, len, it->flags, it->type, it->subtype, it->data, it->length, &len);
        }
        off += len;
    }
    return off;
}

esp_err_t esc_write_room(size_t need, size_t avail, esp_err_t err)
{
    if (need > avail) {
        ESC_LOGE(esc_write_tag, "full: need %u, free %u", (unsigned)need, (unsigned)avail);
        return err;
    }
    return ESP_OK;
}
