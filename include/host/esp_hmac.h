/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_hmac.h: HMAC-SHA256 keyed by an eFuse key
 * block the software cannot read. The host port backs it with simulated eFuses.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the eFuse key block (KEY0 = BLOCK4) used as HMAC key. */
typedef enum {
    HMAC_KEY0 = 0,
    HMAC_KEY1,
    HMAC_KEY2,
    HMAC_KEY3,
    HMAC_KEY4,
    HMAC_KEY5,
    HMAC_KEY_MAX = 8, /* IDF's value (7 is reserved for the key manager) */
} hmac_key_id_t;

/* hmac (32 bytes) = HMAC-SHA256(key in eFuse block key_id, message).
 * The block must have purpose HMAC_UP. */
esp_err_t esp_hmac_calculate(hmac_key_id_t key_id, const void *message, size_t message_len, uint8_t *hmac);

#ifdef __cplusplus
}
#endif
