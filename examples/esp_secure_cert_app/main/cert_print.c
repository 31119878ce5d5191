/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Read the device and CA certificates through the public API, parse them
 * with mbedTLS and print what they say.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"

#include "app_credentials.h"

static const char *TAG = "cert";

static bool is_pem(const char *buf, uint32_t len)
{
    return len >= 10 && memcmp(buf, "-----BEGIN", 10) == 0;
}

/* mbedTLS parses PEM only with its terminating NUL counted in the length.
 * The generator stores one, but a partition written by other means may not. */
static int parse_cert(mbedtls_x509_crt *crt, const char *buf, uint32_t len)
{
    if (is_pem(buf, len) && buf[len - 1] != '\0') {
        unsigned char *z = malloc((size_t)len + 1);
        if (z == NULL) {
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        }
        memcpy(z, buf, len);
        z[len] = '\0';
        int rc = mbedtls_x509_crt_parse(crt, z, (size_t)len + 1);
        free(z);
        return rc;
    }
    return mbedtls_x509_crt_parse(crt, (const unsigned char *)buf, len);
}

static void print_cert(const char *what, const char *buf, uint32_t len, const mbedtls_x509_crt *crt)
{
    char text[128];
    ESP_LOGI(TAG, "%s: %" PRIu32 " bytes (%s)", what, len, is_pem(buf, len) ? "PEM" : "DER");
    if (mbedtls_x509_dn_gets(text, sizeof(text), &crt->subject) > 0) {
        ESP_LOGI(TAG, "  subject: %s", text);
    }
    if (mbedtls_x509_dn_gets(text, sizeof(text), &crt->issuer) > 0) {
        ESP_LOGI(TAG, "  issuer:  %s", text);
    }
    ESP_LOGI(TAG, "  valid:   %04d-%02d-%02d .. %04d-%02d-%02d", crt->valid_from.year, crt->valid_from.mon,
             crt->valid_from.day, crt->valid_to.year, crt->valid_to.mon, crt->valid_to.day);
    ESP_LOGI(TAG, "  key:     %s, %u bits", mbedtls_pk_get_name(&crt->pk), (unsigned)mbedtls_pk_get_bitlen(&crt->pk));
    if (is_pem(buf, len)) {
        /* The text may or may not end in NUL; print exactly len bytes. */
        printf("%.*s\n", (int)(buf[len - 1] == '\0' ? len - 1 : len), buf);
    }
}

/* One certificate: get it, parse it, print it, give the buffer back. */
static esp_err_t read_one(const char *what, esp_err_t (*get)(char **, uint32_t *), esp_err_t (*release)(char *),
                          mbedtls_x509_crt *crt)
{
    char *buf = NULL;
    uint32_t len = 0;
    esp_err_t err = get(&buf, &len);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "%s: not available (%s)", what, esp_err_to_name(err));
        return err;
    }
    int rc = len > 0 ? parse_cert(crt, buf, len) : MBEDTLS_ERR_X509_INVALID_FORMAT;
    if (rc != 0) {
        ESP_LOGE(TAG, "%s: %" PRIu32 " bytes that mbedTLS cannot parse (-0x%04x)", what, len, (unsigned)-rc);
        err = ESP_ERR_INVALID_RESPONSE;
    } else {
        print_cert(what, buf, len, crt);
    }
    release(buf);
    return err;
}

esp_err_t app_read_certs(app_credentials_t *cred)
{
    esp_err_t err = read_one("device certificate", esp_secure_cert_get_device_cert, esp_secure_cert_free_device_cert,
                             &cred->device_cert);
    cred->have_ca = read_one("CA certificate", esp_secure_cert_get_ca_cert, esp_secure_cert_free_ca_cert,
                             &cred->ca_cert) == ESP_OK;
    return err;
}
