/*
 * Buffer mode: the same encoder as flash mode, writing into the caller's
 * image. The host CLI builds partitions this way, so an image made here is
 * byte for byte what the device would have in flash after the same appends.
 */
#include <string.h>

#include "esc_tlv.h"
#include "esc_log.h"
#include "write_internal.h"

#define TAG esc_write_tag

esp_err_t esc_buffer_append(uint8_t *buf, size_t size, size_t *bytes_written, const esc_write_item_t *items,
                            size_t n)
{
    if (buf == NULL || size == 0) {
        return ESP_ERR_SECURE_CERT_BUFFER_CONFIG_INVALID; /* API misuse: the code says it */
    }
    size_t off;
    if (bytes_written == NULL) {
        off = esc_write_list_end(buf, size);
    } else {
        /* The original trusted *bytes_written blindly; an offset inside an
         * entry or after garbage would make an image no reader can walk.
         * Entries are multiples of 16 bytes, so an offset where the walk
         * ends is 16-aligned too. */
        off = *bytes_written;
        if (off > size || esc_write_list_end(buf, off) != off) {
            ESC_LOGE(TAG, "bytes_written %u != end of entries", (unsigned)off);
            return ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID;
        }
    }
    esp_err_t err = esc_write_check_absent(buf, off, items, n);
    size_t need = esc_write_encode(items, n, NULL);
    if (err == ESP_OK) {
        err = esc_write_room(need, size - off, ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW);
    }
    if (err == ESP_OK && need == 0) {
        err = ESP_ERR_SECURE_CERT_TLV_INVALID_DATA; /* see esc_write_encode */
    }
    if (err != ESP_OK) {
        return err;
    }
    esc_write_encode(items, n, buf + off);
    if (bytes_written != NULL) {
        *bytes_written = off + need;
    }
    return ESP_OK;
}
