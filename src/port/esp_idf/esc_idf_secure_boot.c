/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Trusted Secure Boot V2 key digests for partition signature verification
 * (only built with CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION). The same
 * keys IDF itself trusts for an app update: the non-revoked digests in the
 * SECURE_BOOT_DIGEST0..2 eFuse key blocks once secure boot is on, otherwise
 * the keys that signed the running app (signed apps without secure boot).
 */
#include "esc_port_idf.h"

#if CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION
#include <string.h>

#include "esp_efuse.h"
#include "esp_secure_boot.h"

#define ESC_IDF_SB_DIGESTS 3

esp_err_t esc_idf_sb_digests(const esc_port_t *p, uint8_t (*digests)[32], size_t max, size_t *count)
{
    (void)p;
    if (count == NULL || (digests == NULL && max != 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    *count = 0;
    if (esp_secure_boot_enabled()) {
#if SOC_EFUSE_KEY_PURPOSE_FIELD
        for (unsigned i = 0; i < ESC_IDF_SB_DIGESTS && *count < max; i++) {
            esp_efuse_block_t blk;
            if (!esp_efuse_find_purpose((esp_efuse_purpose_t)(ESP_EFUSE_KEY_PURPOSE_SECURE_BOOT_DIGEST0 + i), &blk)) {
                continue;
            }
#if SOC_SUPPORT_SECURE_BOOT_REVOKE_KEY
            if (esp_efuse_get_digest_revoke(i)) {
                continue;
            }
#endif
            esp_err_t err = esp_efuse_read_block(blk, digests[*count], 0, 32 * 8);
            if (err != ESP_OK) {
                return err;
            }
            (*count)++;
        }
#endif
        return ESP_OK;
    }
#if CONFIG_SECURE_SIGNED_APPS_RSA_SCHEME || CONFIG_SECURE_SIGNED_APPS_ECDSA_V2_SCHEME
    esp_image_sig_public_key_digests_t app;
    esp_err_t err = esp_secure_boot_get_signature_blocks_for_running_app(true, &app);
    if (err == ESP_ERR_NOT_FOUND) {
        return ESP_OK; /* an unsigned app trusts no key */
    }
    if (err != ESP_OK) {
        return err;
    }
    for (unsigned i = 0; i < app.num_digests && i < ESC_IDF_SB_DIGESTS && *count < max; i++) {
        memcpy(digests[*count], app.key_digests[i], 32);
        (*count)++;
    }
#endif
    return ESP_OK;
}

#endif /* CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION */
