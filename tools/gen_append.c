/*
 * See gen_append.h: one entry through esp_secure_cert_append_tlv in buffer
 * mode. The writer checks the offset it is given against the entries in the
 * buffer, refuses duplicates and reports overflow; errors are turned into
 * messages here.
 */
#include <stdio.h>
#include <string.h>

#include "esc_tlv.h"
#include "esp_secure_cert_write.h"
#include "gen_append.h"

int gen_append(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
               const uint8_t *data, size_t len, char *err, size_t err_len)
{
    if (len > ESC_TLV_MAX_DATA_LEN) {
        snprintf(err, err_len, "entry type %u/%u: %zu bytes is more than a TLV can hold (65535)", type, subtype,
                 len);
        return -1;
    }
    esp_secure_cert_tlv_info_t info;
    memset(&info, 0, sizeof(info));
    info.type = (esp_secure_cert_tlv_type_t)type;
    info.subtype = (esp_secure_cert_tlv_subtype_t)subtype;
    info.data = (char *)data; /* the writer only reads it */
    info.length = (uint32_t)len;
    info.flags = flags;

    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    size_t offset = *end;
    cfg.buffer.buffer = buf;
    cfg.buffer.buffer_size = cap;
    cfg.buffer.bytes_written = &offset;

    esp_err_t e = esp_secure_cert_append_tlv(&info, &cfg);
    switch (e) {
    case ESP_OK:
        break;
    case ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW:
        snprintf(err, err_len, "the image does not fit in the partition: %zu bytes needed, %zu available",
                 *end + esc_tlv_total_len((uint32_t)len), cap);
        return -1;
    case ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS:
        snprintf(err, err_len, "entry type %u subtype %u is already in the image", type, subtype);
        return -1;
    default:
        snprintf(err, err_len, "the writer refused entry type %u subtype %u: %s", type, subtype, esp_err_to_name(e));
        return -1;
    }
    if (offset != *end + esc_tlv_total_len((uint32_t)len)) {
        snprintf(err, err_len, "the writer reported an unexpected end offset %zu", offset);
        return -1;
    }
    *end = offset;
    return 0;
}
