/*
 * The writer's view of a partition image: which entries a reader accepts and
 * where the next one goes. The rule is stricter than the original's lookup,
 * which walks past an entry whose CRC fails: a bad CRC means the length field
 * that links to the next entry cannot be trusted either, so the list ends
 * there. This is what makes a half-written batch invisible (docs/power-loss.md).
 */
#include "esc_log.h"
#include "esc_tlv.h"
#include "write_internal.h"

#define TAG esc_write_tag

uint32_t esc_write_list_end(const uint8_t *img, size_t size)
{
    /* esc_tlv_end_offset applies the same rule; an entry that runs past the
     * image ends the list as a missing magic does, so its status is not
     * needed here. */
    size_t end = 0;
    (void)esc_tlv_end_offset(img, size, &end);
    return (uint32_t)end;
}

esp_err_t esc_write_not_in(const esc_write_item_t *items, size_t n, unsigned type, unsigned subtype)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].type == type && items[i].subtype == subtype) {
            ESC_LOGE(TAG, "type %u subtype %u: duplicate", type, subtype);
            return ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS;
        }
    }
    return ESP_OK;
}

esp_err_t esc_write_check_absent(const uint8_t *img, size_t size, const esc_write_item_t *items, size_t n)
{
    size_t off = 0;
    esc_tlv_entry_t e;
    esp_err_t err = ESP_OK;
    /* esc_tlv_decode reports ESC_TLV_END at or past the end of the image. */
    while (err == ESP_OK && esc_tlv_decode(img, size, off, &e) == ESC_TLV_OK && e.crc_ok) {
        if (e.type != ESC_WRITE_FILLER_TYPE) {
            err = esc_write_not_in(items, n, e.type, e.subtype);
        }
        off += e.total_len;
    }
    return err;
}
