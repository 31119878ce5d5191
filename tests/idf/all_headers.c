/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Compile check against real ESP-IDF headers (idf-kit/check.sh): every public
 * header together, in both Kconfig variants the component supports
 * (default, and DS peripheral + write API).
 */
#include "esp_secure_cert_platform.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"
#include "esp_secure_cert_write.h"
#include "esp_secure_cert_write_errors.h"
#include "esp_secure_cert_crypto.h"
#include "esp_secure_cert_signature_verify.h"

#ifdef ESP_SECURE_CERT_HOST
#error "ESP_SECURE_CERT_HOST must not be set in an ESP-IDF build"
#endif

_Static_assert(ESP_SECURE_CERT_USER_DATA_1 == 51, "TLV type values");
_Static_assert(ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS == 0x7032, "write error values");

#ifdef CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL
/* DS builds expose the DS context instead of the raw key. */
void *all_headers_ds_ctx(void);
void *all_headers_ds_ctx(void)
{
    return (void *)esp_secure_cert_get_ds_ctx;
}
#else
void *all_headers_priv_key(void);
void *all_headers_priv_key(void)
{
    return (void *)esp_secure_cert_get_priv_key;
}
#endif

#ifdef CONFIG_ESP_SECURE_CERT_ENABLE_WRITE
#ifndef ESP_SECURE_CERT_WRITE_API
#error "write API must be declared when CONFIG_ESP_SECURE_CERT_ENABLE_WRITE is set"
#endif
size_t all_headers_write_cfg_size(void);
size_t all_headers_write_cfg_size(void)
{
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
#if SOC_HMAC_SUPPORTED
    return sizeof(cfg) + (size_t)(void *)esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation;
#else
    return sizeof(cfg);
#endif
}
#else
#ifdef ESP_SECURE_CERT_WRITE_API
#error "write API must stay hidden without CONFIG_ESP_SECURE_CERT_ENABLE_WRITE"
#endif
#endif
