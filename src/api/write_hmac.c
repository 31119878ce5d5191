/*
 * HMAC-protected writes: placeholders until the HMAC writer lands (it will
 * replace this file). It is meant to build the stored form of the entries
 * (AES-GCM ciphertext with ESC_TLV_FLAG_HMAC_ENCRYPTION, or the salt plus a
 * zero-length PRIV_KEY marker with ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION)
 * and hand them to esc_write_items(), which writes them all or nothing.
 */
#include "esp_log.h"
#include "write_internal.h"

#if defined(ESP_SECURE_CERT_HOST) || SOC_HMAC_SUPPORTED

static const char *TAG = "esp_secure_cert_write";

esp_err_t esp_secure_cert_append_tlv_with_hmac_encryption(esp_secure_cert_tlv_info_t *tlv_info,
                                                          const esp_secure_cert_write_config_t *write_config)
{
    (void)tlv_info;
    (void)write_config;
    ESP_LOGE(TAG, "HMAC-encrypted writes are not supported yet");
    return ESP_ERR_NOT_SUPPORTED;
}

esp_err_t esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(const uint8_t *salt, size_t salt_len,
                                                                esp_secure_cert_tlv_subtype_t subtype,
                                                                const esp_secure_cert_write_config_t *write_config)
{
    (void)salt;
    (void)salt_len;
    (void)subtype;
    (void)write_config;
    ESP_LOGE(TAG, "HMAC-ECDSA derivation writes are not supported yet");
    return ESP_ERR_NOT_SUPPORTED;
}

esp_err_t esp_secure_cert_derive_hmac_ecdsa_key(uint8_t *pub_key_buf, size_t *pub_key_len,
                                                esp_secure_cert_tlv_subtype_t subtype,
                                                const esp_secure_cert_write_config_t *write_config)
{
    (void)pub_key_buf;
    (void)pub_key_len;
    (void)subtype;
    (void)write_config;
    ESP_LOGE(TAG, "HMAC-ECDSA key provisioning is not supported yet");
    return ESP_ERR_NOT_SUPPORTED;
}

#endif
