/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_err.h: same names and values, so code
 * written for the device compiles on Linux and error codes compare equal.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int esp_err_t;

#define ESP_OK                      0
#define ESP_FAIL                    -1

#define ESP_ERR_NO_MEM              0x101
#define ESP_ERR_INVALID_ARG         0x102
#define ESP_ERR_INVALID_STATE       0x103
#define ESP_ERR_INVALID_SIZE        0x104
#define ESP_ERR_NOT_FOUND           0x105
#define ESP_ERR_NOT_SUPPORTED       0x106
#define ESP_ERR_TIMEOUT             0x107
#define ESP_ERR_INVALID_RESPONSE    0x108
#define ESP_ERR_INVALID_CRC         0x109
#define ESP_ERR_INVALID_VERSION     0x10A
#define ESP_ERR_INVALID_MAC         0x10B
#define ESP_ERR_NOT_FINISHED        0x10C
#define ESP_ERR_NOT_ALLOWED         0x10D

#define ESP_ERR_FLASH_BASE          0x6000
#define ESP_ERR_HW_CRYPTO_BASE      0xc000

/* Digital Signature peripheral results (IDF keeps them in esp_ds_err.h). */
#define ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL       (ESP_ERR_HW_CRYPTO_BASE + 0x1)
#define ESP_ERR_HW_CRYPTO_DS_INVALID_KEY     (ESP_ERR_HW_CRYPTO_BASE + 0x2)
#define ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST  (ESP_ERR_HW_CRYPTO_BASE + 0x4)
#define ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING (ESP_ERR_HW_CRYPTO_BASE + 0x5)

/* Symbolic name of a code ("UNKNOWN ERROR" if not known); never NULL. */
const char *esp_err_to_name(esp_err_t code);

/* Abort with the failing expression and code, as on the device. */
#define ESP_ERROR_CHECK(x) do {                                               \
        esp_err_t esp_err_check_rc_ = (x);                                    \
        if (esp_err_check_rc_ != ESP_OK) {                                    \
            fprintf(stderr, "ESP_ERROR_CHECK failed: esp_err_t 0x%x (%s) at %s:%d: %s\n", \
                    (unsigned)esp_err_check_rc_, esp_err_to_name(esp_err_check_rc_), \
                    __FILE__, __LINE__, #x);                                  \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Report but keep going; evaluates to the code. GNU statement expression, as in IDF. */
#define ESP_ERROR_CHECK_WITHOUT_ABORT(x) __extension__({                      \
        esp_err_t esp_err_check_rc_ = (x);                                    \
        if (esp_err_check_rc_ != ESP_OK) {                                    \
            fprintf(stderr, "ESP_ERROR_CHECK_WITHOUT_ABORT failed: esp_err_t 0x%x (%s) at %s:%d: %s\n", \
                    (unsigned)esp_err_check_rc_, esp_err_to_name(esp_err_check_rc_), \
                    __FILE__, __LINE__, #x);                                  \
        }                                                                     \
        esp_err_check_rc_;                                                    \
    })

#ifdef __cplusplus
}
#endif
