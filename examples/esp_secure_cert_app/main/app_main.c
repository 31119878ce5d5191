/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * esp_secure_cert example: print the credentials provisioned in the
 * esp_secure_cert partition, check that the device key matches the device
 * certificate, and build a TLS client configuration from them. Every step
 * uses only the component's public API (esp_secure_cert_read.h,
 * esp_secure_cert_tlv_read.h) and mbedTLS.
 */
#include <stdlib.h>

#include "esp_log.h"
#include "esp_random.h"
#include "psa/crypto.h"

#include "app_credentials.h"
#include "esp_secure_cert_tlv_read.h"

#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
#include "rsa_sign_alt.h"
#endif

static const char *TAG = "app";

int app_rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    esp_fill_random(buf, len);
    return 0;
}

void app_credentials_free(app_credentials_t *cred)
{
    mbedtls_pk_free(&cred->key);
    mbedtls_x509_crt_free(&cred->ca_cert);
    mbedtls_x509_crt_free(&cred->device_cert);
#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
    if (cred->ds_ctx != NULL) {
        esp_ds_release_ds_lock();
        esp_ds_deinit_data_ctx();
        esp_secure_cert_free_ds_ctx(cred->ds_ctx);
        cred->ds_ctx = NULL;
    }
#endif
}

void app_main(void);

void app_main(void)
{
    ESP_LOGI(TAG, "esp_secure_cert example");
    if (psa_crypto_init() != PSA_SUCCESS) {
        ESP_LOGE(TAG, "psa_crypto_init failed");
        return;
    }
    app_credentials_t *cred = calloc(1, sizeof(*cred));
    if (cred == NULL) {
        ESP_LOGE(TAG, "out of memory");
        return;
    }
    mbedtls_x509_crt_init(&cred->device_cert);
    mbedtls_x509_crt_init(&cred->ca_cert);
    mbedtls_pk_init(&cred->key);

    /* One line per entry: type, subtype, length, flags. */
    esp_secure_cert_list_tlv_entries();

    int failed = 0;
    if (app_read_certs(cred) != ESP_OK) {
        ESP_LOGE(TAG, "no usable device certificate: generate and flash a partition first (see README.md)");
        failed = 1;
    } else {
        app_print_key_type();
        if (app_load_key(cred) != ESP_OK || app_sign_selftest(cred) != ESP_OK) {
            failed = 1;
        } else if (app_tls_client_config(cred) != ESP_OK) {
            failed = 1;
        }
    }
    app_credentials_free(cred);
    free(cred);
    ESP_LOGI(TAG, "%s", failed ? "FAILED (see the errors above)" : "all checks passed");
}
