/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's mbedTLS port header esp_ds/esp_ds_rsa.h:
 * the DS context handed to esp-tls. Defined only here; rsa_sign_alt.h
 * includes this file, so both may be included together.
 */
#pragma once

#include <stdint.h>
#include "esp_ds.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ESP_DS_DATA_CTX_T_DEFINED
#define ESP_DS_DATA_CTX_T_DEFINED 1
typedef struct esp_ds_data_ctx {
    esp_ds_data_t *esp_ds_data;
    uint8_t efuse_key_id;     /* key block index of the DS key (0 = KEY0) */
    uint16_t rsa_length_bits; /* e.g. 2048 */
} esp_ds_data_ctx_t;
#endif

#ifdef __cplusplus
}
#endif
