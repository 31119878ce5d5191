/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device's credentials as mbedTLS objects, shared by the example's steps:
 * printing (cert_print.c), the signing self-test (sign_selftest.c) and the
 * TLS client configuration (tls_client_config.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "esp_err.h"
#include "mbedtls/build_info.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "esp_secure_cert_read.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    mbedtls_x509_crt device_cert;
    mbedtls_x509_crt ca_cert;
    bool have_ca;
    /* The device key: a DS-backed RSA key, an eFuse ECDSA key, or a key read
     * (and, if protected, decrypted or derived) through the API. */
    mbedtls_pk_context key;
    bool have_key;
    const char *key_kind; /* how the key is held, for messages */
#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
    esp_ds_data_ctx_t *ds_ctx;
#endif
} app_credentials_t;

/* RNG for mbedTLS calls, on the hardware RNG. */
int app_rng(void *ctx, unsigned char *buf, size_t len);

/* Read the device and CA certificates and print them. ESP_OK if at least
 * the device certificate was read and parsed. */
esp_err_t app_read_certs(app_credentials_t *cred);

/* Print the key storage type of the partition's private key. */
void app_print_key_type(void);

/* Load the device key into cred->key, then sign a fresh digest with it and
 * verify the signature with the device certificate's public key. */
esp_err_t app_load_key(app_credentials_t *cred);
esp_err_t app_sign_selftest(app_credentials_t *cred);

/* Build a TLS client configuration with the device certificate and key as
 * client credentials and the CA certificate as trust anchor. */
esp_err_t app_tls_client_config(app_credentials_t *cred);

void app_credentials_free(app_credentials_t *cred);

#ifdef __cplusplus
}
#endif
