/*
 * esp_secure_cert_verify_partition_integrity: the INTEGRITY entry with the
 * highest subtype holds the SHA-256 of every byte before it.
 */
#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_tlv.h"
#include "esc_log.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"

#define TAG esc_api_tag

esp_err_t esp_secure_cert_verify_partition_integrity(void)
{
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    esc_tlv_entry_t e;
    esc_tlv_result_t r = esc_tlv_find(view.base, view.size, ESP_SECURE_CERT_INTEGRITY_TLV, ESC_TLV_SUBTYPE_LATEST, &e);
    if (r == ESC_TLV_NOT_FOUND) {
        return ESP_ERR_NOT_FOUND;
    }
    if (r != ESC_TLV_OK) {
        ESC_API_LOGE("integrity entry corrupt");
        return ESP_FAIL;
    }
    if (e.length != ESC_SHA256_LEN) {
        ESC_LOGE(TAG, "integrity entry is %u bytes, not 32", (unsigned)e.length);
        return ESP_FAIL;
    }
    uint8_t digest[ESC_SHA256_LEN];
    if (esc_sha256(view.base, e.offset, digest) != ESC_CRYPTO_OK) {
        return ESP_FAIL;
    }
    if (esc_ct_memcmp(digest, view.base + e.data_offset, ESC_SHA256_LEN) != 0) {
        ESC_LOGE(TAG, "partition SHA-256 mismatch (integrity subtype %u)", (unsigned)e.subtype);
        return ESP_FAIL;
    }
    return ESP_OK;
}
