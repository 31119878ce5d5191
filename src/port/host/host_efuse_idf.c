/*
 * Host versions of the ESP-IDF eFuse, HMAC and random calls
 * (include/host/esp_efuse.h, esp_hmac.h, esp_random.h) over the eFuse
 * emulation, so applications written for the device link on Linux.
 */
#include <stdio.h>
#include <stdlib.h>

#include "esp_efuse.h"
#include "esp_hmac.h"
#include "esp_random.h"
#include "host_efuse.h"
#include "host_port.h"

bool esp_efuse_find_purpose(esp_efuse_purpose_t purpose, esp_efuse_block_t *block)
{
    esc_host_port_autoconfigure();
    for (int n = 0; n < ESC_EFUSE_KEY_BLOCKS; n++) {
        esc_key_purpose_t p;
        if (esc_host_efuse_get_purpose(n, &p) == ESP_OK && (int)p == (int)purpose) {
            if (block != NULL) {
                *block = (esp_efuse_block_t)(EFUSE_BLK_KEY0 + n);
            }
            return true;
        }
    }
    return false;
}

esp_efuse_purpose_t esp_efuse_get_key_purpose(esp_efuse_block_t block)
{
    esc_host_port_autoconfigure();
    esc_key_purpose_t p;
    if (block < EFUSE_BLK_KEY0 || block >= EFUSE_BLK_KEY_MAX ||
        esc_host_efuse_get_purpose((int)block - EFUSE_BLK_KEY0, &p) != ESP_OK) {
        return ESP_EFUSE_KEY_PURPOSE_MAX;
    }
    return (esp_efuse_purpose_t)p;
}

esp_err_t esp_hmac_calculate(hmac_key_id_t key_id, const void *message, size_t message_len, uint8_t *hmac)
{
    esc_host_port_autoconfigure();
    if ((int)key_id < 0 || (int)key_id >= ESC_EFUSE_KEY_BLOCKS || hmac == NULL ||
        (message == NULL && message_len > 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    return esc_host_efuse_hmac_any((int)key_id, ESC_PURPOSE_HMAC_UP, message, message_len, hmac);
}

void esp_fill_random(void *buf, size_t len)
{
    /* The device call cannot fail; a host without entropy must not go on
     * with predictable bytes. */
    if (esc_host_port_random(buf, len) != ESP_OK) {
        fprintf(stderr, "esp_secure_cert host: no random bytes available\n");
        abort();
    }
}

uint32_t esp_random(void)
{
    uint32_t v;
    esp_fill_random(&v, sizeof(v));
    return v;
}
