/*
 * esp_secure_cert_verify_partition_integrity: the INTEGRITY entry with the
 * highest subtype holds the SHA-256 of every byte before it.
 */
#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_log.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"

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
    /* One log call for the three ways the check fails. */
    const char *why = "integrity entry corrupt";
    if (r == ESC_TLV_OK) {
        why = "integrity entry not 32 bytes";
        if (e.length == ESC_SHA256_LEN) {
            uint8_t digest[ESC_SHA256_LEN];
            if (esc_sha256(view.base, e.offset, digest) != ESC_CRYPTO_OK) {
                return ESP_FAIL;
            }
            why = "partition SHA-256 mismatch";
            if (esc_ct_memcmp(digest, view.base + e.data_offset, ESC_SHA256_LEN) == 0) {
                return ESP_OK;
            }
        }
    }
    ESC_API_LOGE(why);
    return ESP_FAIL;
}
