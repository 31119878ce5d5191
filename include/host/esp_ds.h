/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_ds.h: the encrypted RSA key blob of the
 * Digital Signature peripheral as stored in the esp_secure_cert partition.
 */
#pragma once

#include <stdint.h>
#include "esp_err.h"
#include "soc/soc_caps.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_DS_IV_BIT_LEN 128
#define ESP_DS_IV_LEN (ESP_DS_IV_BIT_LEN / 8)
#define ESP_DS_SIGNATURE_MAX_BIT_LEN SOC_RSA_MAX_BIT_LEN

/*
 * Size of the ciphertext: Y, M and Rb at the maximum RSA size, plus the
 * 256-bit digest, M', L (32 bits each) and 64 bits of padding.
 * On a device it depends on the chip (esp32c3: 3072-bit RSA -> 1200 bytes);
 * the host uses the largest (4096-bit -> 1584 bytes) so it can hold the blob
 * of every chip.
 */
#define ESP_DS_C_LEN ((ESP_DS_SIGNATURE_MAX_BIT_LEN * 3 + 256 + 32 + 32 + 64) / 8)

/* RSA key length in 32-bit words minus one, as the peripheral expects it. */
typedef enum {
    ESP_DS_RSA_1024 = (1024 / 32) - 1,
    ESP_DS_RSA_2048 = (2048 / 32) - 1,
    ESP_DS_RSA_3072 = (3072 / 32) - 1,
    ESP_DS_RSA_4096 = (4096 / 32) - 1,
} esp_digital_signature_length_t;

typedef struct esp_digital_signature_data {
    uint32_t rsa_length;  /* an esp_digital_signature_length_t value */
    uint32_t iv[ESP_DS_IV_BIT_LEN / 32];
    uint8_t c[ESP_DS_C_LEN];
} esp_ds_data_t;

#ifdef __cplusplus
}
#endif
