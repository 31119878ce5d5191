/*
 * Generic TLV access: get_tlv_info, the iterator and list_tlv_entries, with
 * the original's semantics on top of the bounds-checked format core.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_protected.h"
#include "esc_tlv.h"
#include "esc_log.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"

#define TAG esc_api_tag

esp_err_t esc_entry_value(const esc_view_t *view, uint8_t type, uint8_t subtype, char **buffer, uint32_t *len,
                          uint8_t *flags_out, uint8_t *subtype_out)
{
    esc_tlv_entry_t e;
    esc_tlv_result_t r = esc_tlv_find(view->base, view->size, type, subtype, &e);
    if (r != ESC_TLV_OK) {
        if (r == ESC_TLV_ERR_CRC || r == ESC_TLV_ERR_TRUNCATED) {
            ESC_LOGE(TAG, r == ESC_TLV_ERR_CRC ? "TLV %u/%u: bad CRC" : "TLV %u/%u: list truncated", type,
                     subtype);
        }
        /* The original knows only ESP_OK and ESP_FAIL for lookups. */
        return ESP_FAIL;
    }
    esp_err_t err = ESP_OK;
    /* Protection bits 11 are neither scheme: the value is handed out as stored. */
    if (esc_tlv_flag_is_hmac_encrypted(e.flags) || esc_tlv_flag_is_hmac_ecdsa_derived(e.flags)) {
        err = esc_protected_value(view, &e, buffer, len);
    } else {
        *buffer = (char *)view->base + e.data_offset;
        *len = e.length;
    }
    /* Outputs change only on success (get_tlv_info relies on it). */
    if (err == ESP_OK) {
        if (flags_out != NULL) {
            *flags_out = e.flags;
        }
        if (subtype_out != NULL) {
            *subtype_out = e.subtype;
        }
    }
    return err;
}

esp_err_t esp_secure_cert_get_tlv_info(esp_secure_cert_tlv_config_t *tlv_config, esp_secure_cert_tlv_info_t *tlv_info)
{
    if (tlv_config == NULL || tlv_info == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    memset(tlv_info, 0, sizeof(*tlv_info));
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    esp_secure_cert_tlv_type_t type = tlv_config->type;
    if (((unsigned)type | (unsigned)tlv_config->subtype) > 0xFF) {
        return ESP_ERR_INVALID_ARG;
    }
    unsigned subtype = ESP_SECURE_CERT_SUBTYPE_INVALID;
    if (type == ESP_SECURE_CERT_TLV_END) {
        /* The end of the list and the bytes used, as the original reports it. */
        size_t end;
        if (esc_tlv_end_offset(view.base, view.size, &end) != ESC_TLV_OK) {
            return ESP_FAIL;
        }
        tlv_info->data = (char *)view.base + end;
        tlv_info->length = (uint32_t)end;
    } else {
        /* esc_entry_value writes the outputs only on success: a failed
         * lookup or decryption leaves tlv_info zeroed. */
        uint8_t st;
        esp_err_t err = esc_entry_value(&view, (uint8_t)type, (uint8_t)tlv_config->subtype, &tlv_info->data,
                                        &tlv_info->length, &tlv_info->flags, &st);
        if (err != ESP_OK) {
            return err;
        }
        subtype = st;
    }
    tlv_info->type = type;
    tlv_info->subtype = (esp_secure_cert_tlv_subtype_t)subtype;
    return ESP_OK;
}

esp_err_t esp_secure_cert_free_tlv_info(esp_secure_cert_tlv_info_t *tlv_info)
{
    if (tlv_info != NULL) {
        /* Decrypted or derived values are secrets on the heap. TLV_END's
         * pointer marks the end of the list, one past the mapping when the
         * entries fill the partition: it is never ours to free. */
        if (tlv_info->type != ESP_SECURE_CERT_TLV_END) {
            esc_value_free(tlv_info->data);
        }
        tlv_info->data = NULL;
    }
    return ESP_OK;
}

/* Decode the entry at `offset` with a good CRC. An offset past the view
 * (as a stale or forged iterator gives) decodes as the end of the list. */
static bool entry_at(const esc_view_t *view, size_t offset, esc_tlv_entry_t *e)
{
    return esc_tlv_decode(view->base, view->size, offset, e) == ESC_TLV_OK && e->crc_ok;
}

/* The iterator stores the entry's offset + 1, so that a zeroed iterator means
 * "before the first entry" and no raw pointer into flash is kept. */
static size_t iterator_offset(const esp_secure_cert_tlv_iterator_t *it)
{
    return (uintptr_t)it->iterator - 1u;
}

esp_err_t esp_secure_cert_iterate_to_next_tlv(esp_secure_cert_tlv_iterator_t *tlv_iterator)
{
    if (tlv_iterator == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    esc_tlv_entry_t e;
    size_t next = 0;
    if (tlv_iterator->iterator != NULL) {
        if (!entry_at(&view, iterator_offset(tlv_iterator), &e)) {
            ESC_API_LOGE("bad iterator");
            return ESP_FAIL;
        }
        next = (size_t)e.offset + e.total_len;
    }
    /* As in the original, iteration stops at the first entry whose CRC
     * fails; fillers left by the power-loss repair are stepped over. */
    do {
        if (!entry_at(&view, next, &e)) {
            return ESP_FAIL;
        }
        next += e.total_len;
    } while (e.type == ESC_TLV_TYPE_FILLER);
    tlv_iterator->iterator = (void *)(uintptr_t)(e.offset + 1u);
    return ESP_OK;
}

esp_err_t esp_secure_cert_get_tlv_info_from_iterator(esp_secure_cert_tlv_iterator_t *tlv_iterator,
                                                     esp_secure_cert_tlv_info_t *tlv_info)
{
    if (tlv_iterator == NULL || tlv_info == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    esc_tlv_entry_t e;
    if (!entry_at(&view, iterator_offset(tlv_iterator), &e)) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_secure_cert_tlv_config_t cfg = {
        .type = (esp_secure_cert_tlv_type_t)e.type,
        .subtype = (esp_secure_cert_tlv_subtype_t)e.subtype,
    };
    return esp_secure_cert_get_tlv_info(&cfg, tlv_info);
}

void esp_secure_cert_list_tlv_entries(void)
{
    esp_secure_cert_tlv_iterator_t it = {0};
    unsigned count = 0;
    while (esp_secure_cert_iterate_to_next_tlv(&it) == ESP_OK) {
        esp_secure_cert_tlv_info_t info;
        if (esp_secure_cert_get_tlv_info_from_iterator(&it, &info) != ESP_OK) {
            continue;
        }
        count++;
        ESC_LOGI(TAG, "TLV Entry No: %u", count);
        ESC_LOGI(TAG, "Type: %d, Subtype: %d, Data length: %" PRIu32, (int)info.type, (int)info.subtype, info.length);
        ESC_LOGI(TAG, "Flags: %X", (unsigned)info.flags);
        esp_secure_cert_free_tlv_info(&info);
    }
}
