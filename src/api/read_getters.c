/*
 * The named getters of esp_secure_cert_read.h: certificates, private key,
 * key type and eFuse key id. Getters read subtype 0, as the original does
 * when legacy formats are off.
 */
#include <stdlib.h>

#include "esc_api_internal.h"
#include "esc_protected.h"
#include "esc_tlv.h"
#include "esc_log.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"

/* The device build defines what the header declares for its options (the
 * original hides these behind Kconfig); the host defines everything. */
#if defined(ESP_SECURE_CERT_HOST) || !defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
#define ESC_HAS_PRIV_KEY_GETTER 1
#endif
#if defined(ESP_SECURE_CERT_HOST) || !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
#define ESC_HAS_KEY_INFO_GETTERS 1
#endif

#if defined(ESC_HAS_PRIV_KEY_GETTER) || defined(ESC_HAS_KEY_INFO_GETTERS)
#define TAG esc_api_tag
#endif

static esp_err_t get_value(uint8_t type, char **buffer, uint32_t *len, uint8_t *flags)
{
    if (buffer == NULL || len == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    return esc_entry_value(&view, type, ESP_SECURE_CERT_SUBTYPE_0, buffer, len, flags, NULL);
}

/* Free a value: mapped data stays, decrypted/derived secrets are wiped. */
static esp_err_t free_value(char *buffer)
{
    return esc_value_free(buffer);
}

esp_err_t esp_secure_cert_get_device_cert(char **buffer, uint32_t *len)
{
    return get_value(ESP_SECURE_CERT_DEV_CERT_TLV, buffer, len, NULL);
}

esp_err_t esp_secure_cert_free_device_cert(char *buffer)
{
    return free_value(buffer);
}

esp_err_t esp_secure_cert_get_ca_cert(char **buffer, uint32_t *len)
{
    return get_value(ESP_SECURE_CERT_CA_CERT_TLV, buffer, len, NULL);
}

esp_err_t esp_secure_cert_free_ca_cert(char *buffer)
{
    return free_value(buffer);
}

#ifdef ESC_HAS_PRIV_KEY_GETTER
static void warn_plaintext_key_once(void)
{
    static int warned;
    const esc_port_t *port = esc_current_port();
    if (warned || port == NULL || port->flash_encrypted == NULL || port->flash_encrypted(port)) {
        return;
    }
    warned = 1;
    ESC_LOGW(TAG, "Plaintext private key with flash encryption off: anyone with the flash can read it; enable "
                  "flash encryption or protect the key (HMAC, DS, ECDSA)");
}

esp_err_t esp_secure_cert_get_priv_key(char **buffer, uint32_t *len)
{
    uint8_t flags = 0;
    esp_err_t err = get_value(ESP_SECURE_CERT_PRIV_KEY_TLV, buffer, len, &flags);
    if (err == ESP_OK && (flags & (ESC_TLV_FLAG_PROTECTION_MASK | ESC_TLV_FLAG_KEY_MASK)) == 0) {
        warn_plaintext_key_once();
    }
    return err;
}

esp_err_t esp_secure_cert_free_priv_key(char *buffer)
{
    return free_value(buffer);
}

#endif /* ESC_HAS_PRIV_KEY_GETTER */

#ifdef ESC_HAS_KEY_INFO_GETTERS
/* The entry `type` of subtype 0: ESP_OK with *value, ESP_ERR_NOT_FOUND if
 * there is no valid one, ESP_FAIL if the partition cannot be read. */
static esp_err_t find_entry(uint8_t type, esc_tlv_entry_t *e, const uint8_t **value)
{
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        return ESP_FAIL;
    }
    if (esc_tlv_find(view.base, view.size, type, 0, e) != ESC_TLV_OK) {
        return ESP_ERR_NOT_FOUND;
    }
    *value = view.base + e->data_offset;
    return ESP_OK;
}

esp_err_t esp_secure_cert_get_priv_key_type(esp_secure_cert_key_type_t *priv_key_type)
{
    if (priv_key_type == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    *priv_key_type = ESP_SECURE_CERT_INVALID_KEY;
    esc_tlv_entry_t e;
    const uint8_t *value;
    if (find_entry(ESP_SECURE_CERT_PRIV_KEY_TLV, &e, &value) != ESP_OK) {
        ESC_LOGD(TAG, "Could not find a valid private key entry");
        return ESP_FAIL;
    }
    /* Same precedence as the original: derivation, peripheral, encryption. */
    if (esc_tlv_flag_is_hmac_ecdsa_derived(e.flags)) {
        *priv_key_type = ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY;
    } else if (esc_tlv_flag_is_ecdsa_peripheral(e.flags)) {
        *priv_key_type = ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY;
    } else if (esc_tlv_flag_is_hmac_encrypted(e.flags)) {
        *priv_key_type = ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY;
    } else {
        *priv_key_type = ESP_SECURE_CERT_DEFAULT_FORMAT_KEY;
    }
    return ESP_OK;
}

esp_err_t esp_secure_cert_get_priv_key_efuse_id(uint8_t *efuse_block_id)
{
    if (efuse_block_id == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_tlv_entry_t e;
    const uint8_t *value;
    esp_err_t err = find_entry(ESP_SECURE_CERT_TLV_SEC_CFG, &e, &value);
    if (err == ESP_FAIL) {
        return ESP_FAIL;
    }
    if (err == ESP_OK) {
        if (e.length < 1) {
            ESC_API_LOGE("SEC_CFG entry empty");
            return ESP_FAIL;
        }
        *efuse_block_id = value[0];
        return ESP_OK;
    }
    /* A DS key lives behind an HMAC key block: report that block, as ESP-IDF
     * numbers it (EFUSE_BLK_KEY0 + id), like the security configuration does. */
    if (find_entry(ESP_SECURE_CERT_DS_CONTEXT_TLV, &e, &value) == ESP_OK && e.length >= 8) {
        uint8_t key_id = value[4];
        if (key_id >= ESC_EFUSE_KEY_BLOCKS) {
            return ESP_FAIL; /* not a key block: a damaged or hostile DS context */
        }
        *efuse_block_id = (uint8_t)(key_id + ESC_EFUSE_BLK_KEY0);
        return ESP_OK;
    }
    ESC_LOGD(TAG, "No security configuration entry: the key is not in an eFuse block");
    return ESP_ERR_NOT_SUPPORTED;
}

#endif /* ESC_HAS_KEY_INFO_GETTERS */

esp_err_t esp_secure_cert_init_nvs_partition(void)
{
    /* Legacy NVS formats are not implemented yet (see README). */
    return ESP_ERR_NOT_SUPPORTED;
}
