/*
 * The public helpers of esp_secure_cert_crypto.h: PBKDF2 keyed by the HMAC
 * peripheral (through the chip port), software PBKDF2, and P-256 key checks.
 * The arithmetic lives in src/crypto; this file maps it to the original's
 * return codes.
 */
#include <string.h>

#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_log.h"
#include "esc_protected.h"
#include "esp_secure_cert_crypto.h"

#if defined(ESP_SECURE_CERT_HOST) || defined(SOC_HMAC_SUPPORTED)

#define TAG esc_api_tag

int esp_pbkdf2_hmac_sha256(hmac_key_id_t hmac_key_id, const unsigned char *salt, size_t salt_len,
                           size_t iteration_count, size_t key_length, unsigned char *output)
{
    if (key_length == 0) {
        return 0; /* nothing asked, as the original */
    }
    const char *bad = NULL;
    if (output == NULL || (salt == NULL && salt_len > 0)) {
        bad = "NULL salt or output";
    } else if ((unsigned)hmac_key_id >= ESC_EFUSE_KEY_BLOCKS) {
        bad = "key id not 0..5";
    } else if (iteration_count - 1u >= UINT32_MAX) {
        /* 0 wraps around; above 2^32-1 only where size_t is wider. */
        bad = "iterations not 1..2^32-1";
    }
    if (bad != NULL) {
        ESC_LOGE(TAG, "PBKDF2: %s", bad);
        return -1;
    }
    /* The HMAC peripheral is the chip's: no partition is needed. The chip
     * port has hmac_calculate wherever this file is built (HMAC chips, the
     * host), and a failing HMAC call is logged by esc_protected_hmac_prf. */
    esc_hmac_prf_t key = {.port = NULL /* the chip's */, .key_block = (int)hmac_key_id};
    return esc_pbkdf2_hmac_sha256_prf(esc_protected_hmac_prf, &key, salt, salt_len, (uint32_t)iteration_count,
                                      output, key_length) == ESC_CRYPTO_OK
               ? 0
               : -1;
}

esp_err_t esp_secure_cert_sw_pbkdf2_hmac_sha256(const uint8_t *hmac_key, size_t hmac_key_len,
                                                const uint8_t *salt, size_t salt_len,
                                                uint32_t iterations,
                                                uint8_t *output, size_t output_len)
{
    if (hmac_key == NULL || salt == NULL || output == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (output_len == 0) {
        return ESP_OK;
    }
    if (iterations == 0) {
        ESC_LOGE(TAG, "PBKDF2: %s", "iterations not 1..2^32-1");
        return ESP_ERR_INVALID_ARG;
    }
    int rc = esc_pbkdf2_hmac_sha256(hmac_key, hmac_key_len, salt, salt_len, iterations, output, output_len);
    if (rc == ESC_CRYPTO_ERR_ARG) {
        return ESP_ERR_INVALID_ARG;
    }
    if (rc != ESC_CRYPTO_OK) {
        ESC_LOGE(TAG, "PBKDF2 failed (%d)", rc);
        return ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t esp_secure_cert_validate_ecdsa_key(const uint8_t *key_buf, size_t key_len)
{
    if (key_buf == NULL || key_len != ESC_P256_PRIV_LEN) {
        return ESP_ERR_INVALID_ARG;
    }
    /* esc_p256_validate_private admits d = 1; the original rejects it too. */
    unsigned is_one = (unsigned)(key_buf[ESC_P256_PRIV_LEN - 1] ^ 1u);
    for (size_t i = 0; i + 1 < ESC_P256_PRIV_LEN; i++) {
        is_one |= key_buf[i];
    }
    if (esc_p256_validate_private(key_buf, key_len) != ESC_CRYPTO_OK || is_one == 0) {
        ESC_LOGD(TAG, "ECDSA key is not in 1 < d < n");
        return ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t esp_secure_cert_calc_public_key(const uint8_t *priv_key_buf, size_t priv_key_len,
                                          uint8_t *pub_key_buf, size_t *pub_key_len)
{
    if (priv_key_buf == NULL || pub_key_buf == NULL || pub_key_len == NULL ||
        priv_key_len != ESC_P256_PRIV_LEN) {
        return ESP_ERR_INVALID_ARG;
    }
    if (*pub_key_len < ESC_P256_PUB_LEN) {
        return ESP_ERR_INVALID_SIZE;
    }
    int rc = esc_p256_public_from_private(priv_key_buf, pub_key_buf);
    if (rc != ESC_CRYPTO_OK) {
        ESC_LOGE(TAG, "pubkey calc failed (%d)", rc);
        return ESP_FAIL;
    }
    *pub_key_len = ESC_P256_PUB_LEN;
    return ESP_OK;
}

#endif /* ESP_SECURE_CERT_HOST || SOC_HMAC_SUPPORTED */
