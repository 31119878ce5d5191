/*
 * See gen_append.h.
 * TEMPORARY: until the library's buffer-mode writer (src/api/write_*.c)
 * lands, entries are laid out with the format core's esc_tlv_encode (the
 * encoder the writer itself uses). Switch to esp_secure_cert_append_tlv
 * with ESP_SECURE_CERT_WRITE_MODE_BUFFER as soon as it exists.
 */
#include <stdio.h>

#include "esc_tlv.h"
#include "gen_append.h"

int gen_append(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
               const uint8_t *data, size_t len, char *err, size_t err_len)
{
    if (len > ESC_TLV_MAX_DATA_LEN) {
        snprintf(err, err_len, "entry type %u/%u: %zu bytes is more than a TLV can hold (65535)", type, subtype,
                 len);
        return -1;
    }
    size_t need = esc_tlv_total_len((uint32_t)len);
    if (*end > cap || cap - *end < need) {
        snprintf(err, err_len, "the image does not fit in the partition: %zu bytes needed, %zu available",
                 *end + need, cap);
        return -1;
    }
    size_t written = 0;
    esc_tlv_result_t r = esc_tlv_encode(buf + *end, cap - *end, flags, type, subtype, data, (uint16_t)len, &written);
    if (r != ESC_TLV_OK || written != need) {
        snprintf(err, err_len, "cannot encode entry type %u/%u (%d)", type, subtype, (int)r);
        return -1;
    }
    *end += written;
    return 0;
}
