/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Key-derivation helpers behind the HMAC-derived ECDSA key scheme
 * (PBKDF2-HMAC-SHA256 with an eFuse HMAC key, P-256 key validation).
 * Only meaningful on chips with an HMAC peripheral; the host simulates one.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "esp_err.h"
#include "soc/soc_caps.h"
#include "esp_secure_cert_platform.h"

#if defined(ESP_SECURE_CERT_HOST) || defined(SOC_HMAC_SUPPORTED)
#include "esp_hmac.h" /* hmac_key_id_t */
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ESP_SECURE_CERT_HOST) || defined(SOC_HMAC_SUPPORTED)

/*
 * PBKDF2-HMAC-SHA256 whose PRF is the HMAC peripheral keyed by eFuse block
 * hmac_key_id, so the password never reaches software.
 * Returns 0 on success, -1 on failure.
 */
int esp_pbkdf2_hmac_sha256(hmac_key_id_t hmac_key_id, const unsigned char *salt, size_t salt_len,
                           size_t iteration_count, size_t key_length, unsigned char *output);

/* ESP_OK if the big-endian scalar satisfies 1 < d < n (P-256 order),
 * ESP_FAIL if not, ESP_ERR_INVALID_ARG for a bad buffer. */
esp_err_t esp_secure_cert_validate_ecdsa_key(const uint8_t *key_buf, size_t key_len);

/* Software PBKDF2-HMAC-SHA256, used while provisioning before the HMAC key
 * is burned into eFuse. */
esp_err_t esp_secure_cert_sw_pbkdf2_hmac_sha256(const uint8_t *hmac_key, size_t hmac_key_len,
                                                const uint8_t *salt, size_t salt_len,
                                                uint32_t iterations,
                                                uint8_t *output, size_t output_len);

/* Uncompressed P-256 public key (0x04 || X || Y, 65 bytes) of a raw private
 * key; *pub_key_len is the buffer size in, the written size out. */
esp_err_t esp_secure_cert_calc_public_key(const uint8_t *priv_key_buf, size_t priv_key_len,
                                          uint8_t *pub_key_buf, size_t *pub_key_len);
#endif

#ifdef __cplusplus
}
#endif
