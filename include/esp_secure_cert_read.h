/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Convenience read API of esp_secure_cert: the first (subtype 0) device
 * certificate, CA certificate and private key / DS context.
 * Drop-in compatible with esp_secure_cert_mgr's header of the same name.
 */
#pragma once

#include <stdint.h>
#include "esp_err.h"
#include "soc/soc_caps.h"
#include "esp_secure_cert_platform.h"

#if defined(ESP_SECURE_CERT_HOST)
#include "rsa_sign_alt.h" /* host compat: esp_ds_data_ctx_t */
#elif defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
/* esp_ds_data_ctx_t lives in a different mbedTLS port header per major version. */
#if CONFIG_MBEDTLS_VER_4_X_SUPPORT
#include "psa_crypto_driver_esp_rsa_ds.h"
#else
#include "rsa_sign_alt.h"
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* How the private key of a TLV entry is stored; values are part of the ABI. */
typedef enum key_type {
    ESP_SECURE_CERT_INVALID_KEY = -1,
    ESP_SECURE_CERT_DEFAULT_FORMAT_KEY = 0,     /* plain DER/PEM key in the entry */
    ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY = 1,     /* AES-GCM, key derived from eFuse HMAC */
    ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY = 2, /* key re-derived with PBKDF2(eFuse HMAC, salt) */
    ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY = 3,   /* key never leaves the eFuse ECDSA block */
} esp_secure_cert_key_type_t;

/*
 * Legacy NVS-format initialisation. Kept so that old applications still link;
 * the TLV format needs no initialisation.
 */
esp_err_t esp_secure_cert_init_nvs_partition(void);

/*
 * Device certificate (type ESP_SECURE_CERT_DEV_CERT_TLV, subtype 0).
 * *buffer may point straight into mapped flash or to heap memory (encrypted
 * entries, legacy NVS); always release it with esp_secure_cert_free_device_cert()
 * (which tells the two apart by address, so it is safe after
 * esp_secure_cert_unmap_partition(); the flash bytes themselves are then no
 * longer mapped). For other subtypes use esp_secure_cert_get_tlv_info().
 */
esp_err_t esp_secure_cert_get_device_cert(char **buffer, uint32_t *len);
esp_err_t esp_secure_cert_free_device_cert(char *buffer);

/* CA certificate (ESP_SECURE_CERT_CA_CERT_TLV, subtype 0); same ownership rules. */
esp_err_t esp_secure_cert_get_ca_cert(char **buffer, uint32_t *len);
esp_err_t esp_secure_cert_free_ca_cert(char *buffer);

#if defined(ESP_SECURE_CERT_HOST) || !defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
/*
 * Private key (ESP_SECURE_CERT_PRIV_KEY_TLV, subtype 0). Encrypted or derived
 * keys are returned decrypted in heap memory; esp_secure_cert_free_priv_key()
 * wipes and frees it. Errors: ESP_FAIL (no partition, or no valid entry),
 * ESP_ERR_INVALID_MAC (an HMAC-encrypted entry fails its GCM tag; the
 * original reports ESP_FAIL; no plaintext is returned), ESP_ERR_INVALID_SIZE
 * (an encrypted entry shorter than its tag), ESP_ERR_NOT_SUPPORTED (no HMAC
 * peripheral), ESP_ERR_NO_MEM.
 */
esp_err_t esp_secure_cert_get_priv_key(char **buffer, uint32_t *len);
esp_err_t esp_secure_cert_free_priv_key(char *buffer);
#endif

#if defined(ESP_SECURE_CERT_HOST) || defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
/*
 * Context for the Digital Signature peripheral, built from the DS data and DS
 * context entries of subtype 0; hand it to esp-tls. NULL on any failure.
 * Free with esp_secure_cert_free_ds_ctx().
 */
esp_ds_data_ctx_t *esp_secure_cert_get_ds_ctx(void);
void esp_secure_cert_free_ds_ctx(esp_ds_data_ctx_t *ds_ctx);
#endif

#if defined(ESP_SECURE_CERT_HOST) || !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
/* Storage kind of the subtype-0 private key (TLV format only). */
esp_err_t esp_secure_cert_get_priv_key_type(esp_secure_cert_key_type_t *priv_key_type);

/* eFuse key block holding the subtype-0 private key (ECDSA peripheral keys). */
esp_err_t esp_secure_cert_get_priv_key_efuse_id(uint8_t *efuse_block_id);
#endif

#ifdef __cplusplus
}
#endif
