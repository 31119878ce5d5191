/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A TLS client configuration with the partition's credentials: the device
 * certificate and key authenticate the device, the CA certificate is the
 * trust anchor for the server. An SSL context is set up on it to show that
 * mbedTLS accepts it; connecting is left to the application (with esp-tls,
 * pass the same certificates, and for DS the esp_ds_data_ctx_t as ds_data).
 */
#include <stdlib.h>

#include "esp_log.h"
#include "mbedtls/ssl.h"

#include "app_credentials.h"

static const char *TAG = "tls";

#if MBEDTLS_VERSION_MAJOR < 4
esp_err_t app_tls_client_config(app_credentials_t *cred)
{
    mbedtls_ssl_config *conf = calloc(1, sizeof(*conf));
    mbedtls_ssl_context *ssl = calloc(1, sizeof(*ssl));
    esp_err_t result = ESP_FAIL;
    if (conf == NULL || ssl == NULL) {
        free(conf);
        free(ssl);
        return ESP_ERR_NO_MEM;
    }
    mbedtls_ssl_config_init(conf);
    mbedtls_ssl_init(ssl);

    int rc = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        ESP_LOGE(TAG, "mbedtls_ssl_config_defaults: -0x%04x", (unsigned)-rc);
        goto out;
    }
    /* Never skip server verification, even in an example. */
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_rng(conf, app_rng, NULL);
    if (cred->have_ca) {
        mbedtls_ssl_conf_ca_chain(conf, &cred->ca_cert, NULL);
    } else {
        ESP_LOGW(TAG, "no CA certificate in the partition: add a trust anchor (e.g. the certificate bundle) "
                      "before connecting");
    }
    rc = mbedtls_ssl_conf_own_cert(conf, &cred->device_cert, &cred->key);
    if (rc != 0) {
        ESP_LOGE(TAG, "mbedtls_ssl_conf_own_cert: -0x%04x", (unsigned)-rc);
        goto out;
    }
    rc = mbedtls_ssl_setup(ssl, conf);
    if (rc != 0) {
        ESP_LOGE(TAG, "mbedtls_ssl_setup: -0x%04x", (unsigned)-rc);
        goto out;
    }
    ESP_LOGI(TAG, "TLS client configuration ready: client certificate + %s%s", cred->key_kind,
             cred->have_ca ? ", server checked against the partition's CA" : "");
    result = ESP_OK;
out:
    mbedtls_ssl_free(ssl);
    mbedtls_ssl_config_free(conf);
    free(ssl);
    free(conf);
    return result;
}
#else
esp_err_t app_tls_client_config(app_credentials_t *cred)
{
    (void)cred;
    ESP_LOGW(TAG, "TLS configuration not written for mbedTLS %d yet", MBEDTLS_VERSION_MAJOR);
    return ESP_ERR_NOT_SUPPORTED;
}
#endif
