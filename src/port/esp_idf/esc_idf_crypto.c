/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hardware crypto of the ESP-IDF port: the HMAC peripheral (upstream mode),
 * the Digital Signature peripheral and the RNG. A chip without HMAC or DS
 * leaves those callbacks NULL (the API reports ESP_ERR_NOT_SUPPORTED).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp_random.h"

#include "esc_port_idf.h"

#if SOC_HMAC_SUPPORTED
#include "esp_hmac.h"
#endif

/* DS signing is only wanted when the application stores DS keys. */
#if SOC_DIG_SIGN_SUPPORTED && CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL
#define ESC_IDF_DS 1
#include "esp_ds.h"
#include "esp_heap_caps.h"

/* The port takes DS data as the bytes of an esp_ds_data_t (that is also the
 * layout of the DS_DATA entry); make sure this chip's struct has no padding. */
_Static_assert(offsetof(esp_ds_data_t, iv) == 4, "esp_ds_data_t.iv offset");
_Static_assert(offsetof(esp_ds_data_t, c) == 4 + ESP_DS_IV_LEN, "esp_ds_data_t.c offset");
_Static_assert(sizeof(esp_ds_data_t) == 4 + ESP_DS_IV_LEN + ESP_DS_C_LEN, "esp_ds_data_t size");
#endif

#if SOC_HMAC_SUPPORTED || defined(ESC_IDF_DS)
static bool hmac_block_ok(int key_block)
{
    return key_block >= 0 && key_block <= (int)(HMAC_KEY5 - HMAC_KEY0);
}
#endif

#if SOC_HMAC_SUPPORTED
static esp_err_t idf_hmac(const esc_port_t *p, int key_block, const void *msg, size_t len, uint8_t out[32])
{
    (void)p;
    static const uint8_t empty[1];
    if (!hmac_block_ok(key_block) || out == NULL || (msg == NULL && len != 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    /* IDF rejects a NULL message even when it is empty. */
    return esp_hmac_calculate((hmac_key_id_t)(HMAC_KEY0 + key_block), msg != NULL ? msg : empty, len, out);
}
#endif

#if defined(ESC_IDF_DS)
static esp_err_t idf_ds_sign(const esc_port_t *p, int key_block, const uint8_t *ds_data, size_t ds_data_len,
                             const uint8_t *message, uint8_t *signature)
{
    (void)p;
    if (!hmac_block_ok(key_block) || ds_data == NULL || message == NULL || signature == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    /* The ciphertext length is fixed per chip family (1200 bytes on
     * C3/C6/H2, 1584 on S2/S3/P4/C5): data made for another family cannot
     * be used here. */
    if (ds_data_len != sizeof(esp_ds_data_t)) {
        return ESP_ERR_INVALID_SIZE;
    }
    /* Entries in the mapped partition are word aligned, so the struct can
     * usually be used in place; only an odd caller buffer is copied. */
    const esp_ds_data_t *data = (const esp_ds_data_t *)(const void *)ds_data;
    esp_ds_data_t *copy = NULL;
    if (((uintptr_t)ds_data & (_Alignof(esp_ds_data_t) - 1)) != 0) {
        copy = heap_caps_malloc(sizeof(*copy), MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
        if (copy == NULL) {
            return ESP_ERR_NO_MEM;
        }
        memcpy(copy, ds_data, sizeof(*copy));
        data = copy;
    }
    esp_err_t err = esp_ds_sign(message, data, (hmac_key_id_t)(HMAC_KEY0 + key_block), signature);
    free(copy);
    return err;
}
#endif

static esp_err_t idf_random(const esc_port_t *p, void *buf, size_t len)
{
    (void)p;
    if (buf == NULL && len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    /* True random only while RF (Wi-Fi/BT) or the bootloader entropy source
     * is on; IDF documents the same caveat for every esp_fill_random user. */
    esp_fill_random(buf, len);
    return ESP_OK;
}

void esc_idf_crypto_install(esc_port_t *p)
{
#if SOC_HMAC_SUPPORTED
    p->hmac_calculate = idf_hmac;
#endif
#if defined(ESC_IDF_DS)
    p->ds_sign = idf_ds_sign;
#endif
    p->random = idf_random;
}
