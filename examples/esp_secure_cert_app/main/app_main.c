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
#include "esp_secure_cert_signature_verify.h"
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

/* With secure verification, nothing is read from the partition before its
 * signature by a key Secure Boot trusts has been checked. */
static bool partition_trusted(void)
{
#if defined(CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION)
    if (esp_secure_cert_verify_partition_signature(NULL) != ESP_OK) {
        ESP_LOGE(TAG, "the esp_secure_cert partition's signature does not verify: not using it");
        return false;
    }
    ESP_LOGI(TAG, "partition signature verified");
#endif
    return true;
}

/* Print the credentials, test the key, build the TLS configuration. */
static bool run_checks(app_credentials_t *cred)
{
    esp_secure_cert_list_tlv_entries(); /* one line per entry: type, subtype, length, flags */
    if (app_read_certs(cred) != ESP_OK) {
        ESP_LOGE(TAG, "no usable device certificate: generate and flash a partition first (see README.md)");
        return false;
    }
    app_print_key_type();
    return app_load_key(cred) == ESP_OK && app_sign_selftest(cred) == ESP_OK && app_tls_client_config(cred) == ESP_OK;
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

    bool ok = partition_trusted() && run_checks(cred);
    app_credentials_free(cred);
    free(cred);
    ESP_LOGI(TAG, "%s", ok ? "all checks passed" : "FAILED (see the errors above)");
}
