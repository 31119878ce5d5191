/*
 * Encoding of a whole call's entries into one image: flash mode programs it,
 * buffer mode builds it in place, so both produce the same bytes.
 */
#include "esc_tlv.h"
#include "write_internal.h"

size_t esc_write_image_size(const esc_write_item_t *items, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += esc_tlv_total_len(items[i].length);
    }
    return total;
}

esp_err_t esc_write_encode(const esc_write_item_t *items, size_t n, uint8_t *dst, size_t cap)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t written = 0;
        esc_tlv_result_t r = esc_tlv_encode(dst + off, cap - off, items[i].flags, items[i].type, items[i].subtype,
                                            items[i].data, items[i].length, &written);
        if (r == ESC_TLV_ERR_SPACE) {
            return ESP_ERR_SECURE_CERT_TLV_BUFFER_TOO_SMALL;
        }
        if (r != ESC_TLV_OK) {
            return ESP_ERR_SECURE_CERT_TLV_INVALID_DATA;
        }
        off += written;
    }
    return ESP_OK;
}
