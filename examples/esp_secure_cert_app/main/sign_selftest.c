/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Load the device key the way the partition holds it and prove it matches
 * the device certificate: sign a fresh SHA-256 digest with the key and check
 * the signature with the certificate's public key.
 *
 * Key sources, by build and partition contents:
 *  - CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL: the RSA key only exists inside the
 *    DS peripheral; mbedTLS reaches it through an RSA-alt context.
 *  - an ECDSA key in an eFuse block (chips with the ECDSA peripheral): loaded
 *    as a hardware key reference.
 *  - otherwise the key the API returns: plaintext, or decrypted / derived
 *    with the eFuse HMAC key when the partition stores it protected.
 */
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "esp_random.h"
#include "mbedtls/platform_util.h"
#include "psa/crypto.h"
#include "soc/soc_caps.h"

#include "app_credentials.h"

#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
#include "rsa_sign_alt.h"
#endif
#if SOC_ECDSA_SUPPORTED && defined(CONFIG_MBEDTLS_HARDWARE_ECDSA_SIGN)
#include "ecdsa/ecdsa_alt.h"
#define APP_ECDSA_PERIPHERAL 1
#endif

static const char *TAG = "key";

void app_print_key_type(void)
{
#if !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
    esp_secure_cert_key_type_t type = ESP_SECURE_CERT_INVALID_KEY;
    esp_err_t err = esp_secure_cert_get_priv_key_type(&type);
    const char *name = "unknown";
    switch (type) {
    case ESP_SECURE_CERT_DEFAULT_FORMAT_KEY: name = "plain key in the partition"; break;
    case ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY: name = "AES-GCM encrypted with a key from the eFuse HMAC key"; break;
    case ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY: name = "ECDSA key derived from the eFuse HMAC key"; break;
    case ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY: name = "ECDSA key in an eFuse block (ECDSA peripheral)"; break;
    case ESP_SECURE_CERT_INVALID_KEY: break;
    }
    if (err == ESP_OK) {
        ESP_LOGI(TAG, "private key type: %d (%s)", (int)type, name);
    } else {
        ESP_LOGI(TAG, "private key type: none (%s)", esp_err_to_name(err));
    }
#else
    /* The original component offers this query only for the TLV format. */
    ESP_LOGI(TAG, "private key type: not reported with legacy format support on");
#endif
}

#if MBEDTLS_VERSION_MAJOR < 4

#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
static esp_err_t load_ds_key(app_credentials_t *cred)
{
    cred->ds_ctx = esp_secure_cert_get_ds_ctx();
    if (cred->ds_ctx == NULL) {
        ESP_LOGE(TAG, "no DS data in the partition (DS_DATA/DS_CONTEXT entries)");
        return ESP_ERR_NOT_FOUND;
    }
    esp_err_t err = esp_ds_init_data_ctx(cred->ds_ctx);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ds_init_data_ctx: %s", esp_err_to_name(err));
        return err;
    }
    /* No decrypt function: a TLS client never decrypts with its own key. */
    int rc = mbedtls_pk_setup_rsa_alt(&cred->key, NULL, NULL, esp_ds_rsa_sign, esp_ds_get_keylen);
    if (rc != 0) {
        ESP_LOGE(TAG, "mbedtls_pk_setup_rsa_alt: -0x%04x", (unsigned)-rc);
        return ESP_FAIL;
    }
    ESP_LOGI(TAG, "RSA-%u key in the DS peripheral, HMAC key in eFuse key block %u",
             (unsigned)cred->ds_ctx->rsa_length_bits, (unsigned)cred->ds_ctx->efuse_key_id);
    cred->key_kind = "DS peripheral";
    return ESP_OK;
}
#else /* !CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL */

#if defined(APP_ECDSA_PERIPHERAL) && !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
static esp_err_t load_ecdsa_peripheral_key(app_credentials_t *cred)
{
    uint8_t block = 0;
    esp_err_t err = esp_secure_cert_get_priv_key_efuse_id(&block);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "eFuse block of the ECDSA key: %s", esp_err_to_name(err));
        return err;
    }
    int rc = esp_ecdsa_privkey_load_pk_context(&cred->key, block);
    if (rc != 0) {
        ESP_LOGE(TAG, "esp_ecdsa_privkey_load_pk_context(block %u): -0x%04x", (unsigned)block, (unsigned)-rc);
        return ESP_FAIL;
    }
    ESP_LOGI(TAG, "ECDSA key in eFuse block %u", (unsigned)block);
    cred->key_kind = "ECDSA peripheral";
    return ESP_OK;
}
#endif

static esp_err_t load_flash_key(app_credentials_t *cred)
{
#if defined(APP_ECDSA_PERIPHERAL) && !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
    esp_secure_cert_key_type_t type = ESP_SECURE_CERT_INVALID_KEY;
    if (esp_secure_cert_get_priv_key_type(&type) == ESP_OK && type == ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY) {
        return load_ecdsa_peripheral_key(cred);
    }
#endif
    char *buf = NULL;
    uint32_t len = 0;
    esp_err_t err = esp_secure_cert_get_priv_key(&buf, &len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_secure_cert_get_priv_key: %s", esp_err_to_name(err));
        return err;
    }
    /* A PEM key must be parsed with its NUL; add one if it was stored
     * without (and wipe that copy afterwards: it is the private key). */
    const unsigned char *key = (const unsigned char *)buf;
    size_t key_len = len;
    unsigned char *copy = NULL;
    if (len >= 10 && memcmp(buf, "-----BEGIN", 10) == 0 && buf[len - 1] != '\0') {
        copy = malloc((size_t)len + 1);
        if (copy == NULL) {
            esp_secure_cert_free_priv_key(buf);
            return ESP_ERR_NO_MEM;
        }
        memcpy(copy, buf, len);
        copy[len] = '\0';
        key = copy;
        key_len = (size_t)len + 1;
    }
    int rc = mbedtls_pk_parse_key(&cred->key, key, key_len, NULL, 0, app_rng, NULL);
    if (copy != NULL) {
        mbedtls_platform_zeroize(copy, key_len);
        free(copy);
    }
    esp_secure_cert_free_priv_key(buf);
    if (rc != 0) {
        ESP_LOGE(TAG, "the private key (%u bytes) does not parse: -0x%04x", (unsigned)len, (unsigned)-rc);
        return ESP_ERR_INVALID_RESPONSE;
    }
    ESP_LOGI(TAG, "%s key, %u bits, read through the API", mbedtls_pk_get_name(&cred->key),
             (unsigned)mbedtls_pk_get_bitlen(&cred->key));
    cred->key_kind = "key read from the partition";
    return ESP_OK;
}
#endif /* CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL */

esp_err_t app_load_key(app_credentials_t *cred)
{
#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
    esp_err_t err = load_ds_key(cred);
#else
    esp_err_t err = load_flash_key(cred);
#endif
    cred->have_key = err == ESP_OK;
    return err;
}

/* Sign SHA-256(label || 16 random bytes) and verify with the certificate. A
 * verification of a changed digest must then fail, or the check proves
 * nothing. */
esp_err_t app_sign_selftest(app_credentials_t *cred)
{
    static const char label[] = "esp_secure_cert self-test";
    uint8_t msg[sizeof(label) - 1 + 16];
    uint8_t hash[32];
    size_t hash_len = 0;
    memcpy(msg, label, sizeof(label) - 1);
    esp_fill_random(msg + sizeof(label) - 1, 16);
    if (psa_hash_compute(PSA_ALG_SHA_256, msg, sizeof(msg), hash, sizeof(hash), &hash_len) != PSA_SUCCESS) {
        ESP_LOGE(TAG, "SHA-256 failed");
        return ESP_FAIL;
    }
    unsigned char *sig = malloc(MBEDTLS_PK_SIGNATURE_MAX_SIZE);
    if (sig == NULL) {
        return ESP_ERR_NO_MEM;
    }
    size_t sig_len = 0;
    esp_err_t result = ESP_FAIL;
    int rc = mbedtls_pk_sign(&cred->key, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, MBEDTLS_PK_SIGNATURE_MAX_SIZE,
                             &sig_len, app_rng, NULL);
    if (rc != 0) {
        ESP_LOGE(TAG, "self-test: signing with the %s failed: -0x%04x", cred->key_kind, (unsigned)-rc);
        goto out;
    }
    rc = mbedtls_pk_verify(&cred->device_cert.pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sig_len);
    if (rc != 0) {
        ESP_LOGE(TAG, "self-test: the device certificate does not verify the %s's signature: -0x%04x",
                 cred->key_kind, (unsigned)-rc);
        goto out;
    }
    hash[0] ^= 0x01;
    if (mbedtls_pk_verify(&cred->device_cert.pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sig_len) == 0) {
        ESP_LOGE(TAG, "self-test: a signature verified for the wrong digest");
        goto out;
    }
    ESP_LOGI(TAG, "self-test passed: %u-byte signature by the %s verifies with the device certificate",
             (unsigned)sig_len, cred->key_kind);
    result = ESP_OK;
out:
    free(sig);
    return result;
}

#else /* MBEDTLS_VERSION_MAJOR >= 4 */

/* mbedTLS 4 (ESP-IDF 6) drops RSA-alt contexts and the RNG arguments; the
 * DS and eFuse-key paths there go through PSA drivers instead. */
esp_err_t app_load_key(app_credentials_t *cred)
{
    (void)cred;
    ESP_LOGW(TAG, "key self-test not written for mbedTLS %d yet", MBEDTLS_VERSION_MAJOR);
    return ESP_ERR_NOT_SUPPORTED;
}

esp_err_t app_sign_selftest(app_credentials_t *cred)
{
    (void)cred;
    return ESP_ERR_NOT_SUPPORTED;
}

#endif /* MBEDTLS_VERSION_MAJOR */
