/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hardware crypto of the ESP-IDF port: the HMAC peripheral (upstream mode)
 * and, for the write API, the RNG. A chip without HMAC leaves hmac_calculate
 * NULL (the API reports ESP_ERR_NOT_SUPPORTED).
 */
#include <stddef.h>
#include <stdint.h>

#include "esp_random.h"

#include "esc_port_idf.h"

#if SOC_HMAC_SUPPORTED
#include "esp_hmac.h"
#endif

/* The port's ds_sign callback stays NULL on the device: firmware signs with
 * the DS peripheral through esp_ds / esp-tls, given the context that
 * esp_secure_cert_get_ds_ctx() builds, never through the port (only the host
 * simulator's DS emulation implements ds_sign, for tests and tools). What the
 * device does rely on is that the DS_DATA entry is the bytes of this chip's
 * esp_ds_data_t, with no padding. */
#if SOC_DIG_SIGN_SUPPORTED && CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL
#include "esp_ds.h"

_Static_assert(offsetof(esp_ds_data_t, iv) == 4, "esp_ds_data_t.iv offset");
_Static_assert(offsetof(esp_ds_data_t, c) == 4 + ESP_DS_IV_LEN, "esp_ds_data_t.c offset");
_Static_assert(sizeof(esp_ds_data_t) == 4 + ESP_DS_IV_LEN + ESP_DS_C_LEN, "esp_ds_data_t size");
#endif

#if SOC_HMAC_SUPPORTED
static bool hmac_block_ok(int key_block)
{
    return key_block >= 0 && key_block <= (int)(HMAC_KEY5 - HMAC_KEY0);
}

esp_err_t esc_idf_hmac(const esc_port_t *p, int key_block, const void *msg, size_t len, uint8_t out[32])
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

#if defined(ESP_SECURE_CERT_WRITE_API)
esp_err_t esc_idf_random(const esc_port_t *p, void *buf, size_t len)
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
#endif
