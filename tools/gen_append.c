/*
 * See gen_append.h: entries through the library's writers in buffer mode
 * (esp_secure_cert_append_tlv and its two HMAC variants). The writer checks
 * the offset it is given against the entries in the buffer, refuses
 * duplicates and reports overflow; errors are turned into messages here.
 */
#include <stdio.h>
#include <string.h>

#include "esc_crypto.h"
#include "esc_tlv.h"
#include "esp_secure_cert_write.h"
#include "gen_append.h"

static void buffer_config(esp_secure_cert_write_config_t *cfg, uint8_t *buf, size_t cap, size_t *offset)
{
    esp_secure_cert_write_config_init(cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    cfg->buffer.buffer = buf;
    cfg->buffer.buffer_size = cap;
    cfg->buffer.bytes_written = offset;
}

/* Turn the writer's answer into a message; on success check that exactly
 * `added` bytes were appended and advance *end. */
static int finish(esp_err_t e, const char *what, uint8_t type, uint8_t subtype, size_t *end, size_t offset,
                  size_t added, size_t cap, char *err, size_t err_len)
{
    switch (e) {
    case ESP_OK:
        break;
    case ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW:
        snprintf(err, err_len, "the image does not fit in the partition: %zu bytes needed, %zu available",
                 *end + added, cap);
        return -1;
    case ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS:
        snprintf(err, err_len, "entry type %u subtype %u is already in the image", type, subtype);
        return -1;
    default:
        snprintf(err, err_len, "the %s refused entry type %u subtype %u: %s", what, type, subtype,
                 esp_err_to_name(e));
        return -1;
    }
    if (offset != *end + added) {
        snprintf(err, err_len, "the writer reported an unexpected end offset %zu", offset);
        return -1;
    }
    *end = offset;
    return 0;
}

static int check_len(size_t len, size_t extra, uint8_t type, uint8_t subtype, char *err, size_t err_len)
{
    if (len + extra > ESC_TLV_MAX_DATA_LEN) {
        snprintf(err, err_len, "entry type %u/%u: %zu bytes is more than a TLV can hold (%u)", type, subtype,
                 len + extra, (unsigned)ESC_TLV_MAX_DATA_LEN);
        return -1;
    }
    return 0;
}

static void fill_info(esp_secure_cert_tlv_info_t *info, uint8_t type, uint8_t subtype, uint8_t flags,
                      const uint8_t *data, size_t len)
{
    memset(info, 0, sizeof(*info));
    info->type = (esp_secure_cert_tlv_type_t)type;
    info->subtype = (esp_secure_cert_tlv_subtype_t)subtype;
    info->data = (char *)data; /* the writer only reads it */
    info->length = (uint32_t)len;
    info->flags = flags;
}

typedef esp_err_t (*append_fn_t)(esp_secure_cert_tlv_info_t *info, const esp_secure_cert_write_config_t *cfg);

/* One entry through `append` (named `what` in messages), which stores
 * `extra` bytes beyond the data. */
static int append_one(append_fn_t append, const char *what, size_t extra, uint8_t *buf, size_t cap, size_t *end,
                      uint8_t type, uint8_t subtype, uint8_t flags, const uint8_t *data, size_t len, char *err,
                      size_t err_len)
{
    if (check_len(len, extra, type, subtype, err, err_len) != 0) {
        return -1;
    }
    esp_secure_cert_tlv_info_t info;
    fill_info(&info, type, subtype, flags, data, len);
    esp_secure_cert_write_config_t cfg;
    size_t offset = *end;
    buffer_config(&cfg, buf, cap, &offset);
    esp_err_t e = append(&info, &cfg);
    return finish(e, what, type, subtype, end, offset, esc_tlv_total_len((uint32_t)(len + extra)), cap, err, err_len);
}

int gen_append(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
               const uint8_t *data, size_t len, char *err, size_t err_len)
{
    return append_one(esp_secure_cert_append_tlv, "writer", 0, buf, cap, end, type, subtype, flags, data, len, err,
                      err_len);
}

int gen_append_hmac_encrypted(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
                              const uint8_t *data, size_t len, char *err, size_t err_len)
{
    return append_one(esp_secure_cert_append_tlv_with_hmac_encryption, "HMAC encryption writer", ESC_GCM_TAG_LEN,
                      buf, cap, end, type, subtype, flags, data, len, err, err_len);
}

int gen_append_hmac_derived(uint8_t *buf, size_t cap, size_t *end, uint8_t subtype, const uint8_t *salt,
                            size_t salt_len, char *err, size_t err_len)
{
    if (check_len(salt_len, 0, ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, subtype, err, err_len) != 0) {
        return -1;
    }
    esp_secure_cert_write_config_t cfg;
    size_t offset = *end;
    buffer_config(&cfg, buf, cap, &offset);
    esp_err_t e = esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, salt_len,
                                                                       (esp_secure_cert_tlv_subtype_t)subtype, &cfg);
    return finish(e, "HMAC-ECDSA derivation writer", ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, subtype, end, offset,
                  esc_tlv_total_len((uint32_t)salt_len) + esc_tlv_total_len(0), cap, err, err_len);
}
