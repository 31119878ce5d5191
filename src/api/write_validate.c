/*
 * Argument checks of the write API: every rejected input gets the error code
 * the public header documents, before anything is encoded or written.
 */
#include <string.h>

#include "esc_tlv.h"
#include "esc_log.h"
#include "write_internal.h"

#define TAG esc_write_tag

static bool type_is_storable(unsigned type)
{
    /* TLV_END is the list terminator of the read API, TLV_MAX a bound and
     * TLV_INVALID the filler; none can be an application's entry. The
     * original accepted TLV_END, which made the entry unreachable. */
    return type < ESP_SECURE_CERT_TLV_MAX && type != ESP_SECURE_CERT_TLV_END;
}

esp_err_t esc_write_item_from_info(const esp_secure_cert_tlv_info_t *info, esc_write_item_t *out)
{
    /* A NULL argument: the error code says it, no message. Every caller
     * passes its own `out`. */
    if (info == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (info->data == NULL && info->length > 0) {
        return ESP_ERR_SECURE_CERT_TLV_INVALID_DATA;
    }
    /* Enums may be signed or wider than a byte: compare as unsigned. */
    unsigned type = (unsigned)info->type;
    unsigned subtype = (unsigned)info->subtype;
    if (!type_is_storable(type) || subtype > ESP_SECURE_CERT_SUBTYPE_MAX) {
        ESC_LOGE(TAG, "cannot write type %u subtype %u", type, subtype);
        return ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE;
    }
    if (info->length > ESC_TLV_MAX_DATA_LEN) {
        ESC_LOGE(TAG, "TLV length %u > 65535", (unsigned)info->length);
        return ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH;
    }
    out->type = (uint8_t)type;
    out->subtype = (uint8_t)subtype;
    out->flags = info->flags;
    out->length = (uint16_t)info->length;
    out->data = info->length > 0 ? (const uint8_t *)info->data : NULL;
    return ESP_OK;
}

esp_err_t esc_write_items_unique(const esc_write_item_t *items, size_t n)
{
    /* Batches are a handful of entries: quadratic is fine and needs no memory. */
    esp_err_t err = ESP_OK;
    for (size_t i = 1; i < n && err == ESP_OK; i++) {
        err = esc_write_not_in(items, i, items[i].type, items[i].subtype);
    }
    return err;
}

esp_err_t esc_write_resolve_config(const esp_secure_cert_write_config_t *in, esp_secure_cert_write_config_t *out)
{
    if (in == NULL) {
        esp_secure_cert_write_config_init(out, ESP_SECURE_CERT_WRITE_MODE_FLASH);
        return ESP_OK;
    }
    if (in->mode != ESP_SECURE_CERT_WRITE_MODE_FLASH && in->mode != ESP_SECURE_CERT_WRITE_MODE_BUFFER) {
        ESC_LOGE(TAG, "bad write mode %d", (int)in->mode);
        return ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE;
    }
    uint32_t any = 0;
    for (size_t i = 0; i < sizeof(in->reserved) / sizeof(in->reserved[0]); i++) {
        any |= in->reserved[i];
    }
    if (any != 0) {
        ESC_LOGE(TAG, "config reserved not 0");
        return ESP_ERR_INVALID_ARG;
    }
    *out = *in;
    return ESP_OK;
}
