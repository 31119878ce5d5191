/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * eFuse key blocks for the ESP-IDF port. Chips without per-block key purposes
 * (ESP32, ESP32-C2) get no eFuse callbacks: the API then reports
 * ESP_ERR_NOT_SUPPORTED for everything that needs an HMAC or DS key.
 */
#include "esc_port_idf.h"

#if SOC_EFUSE_KEY_PURPOSE_FIELD
#include "esp_efuse.h"

/* esc_port.h mirrors IDF's numbering so that purposes pass through as they
 * are; a chip whose headers disagree must fail to build, not misread keys. */
_Static_assert(ESC_EFUSE_BLK_KEY0 == EFUSE_BLK_KEY0, "eFuse KEY0 block number");
_Static_assert(EFUSE_BLK_KEY_MAX - EFUSE_BLK_KEY0 <= ESC_EFUSE_KEY_BLOCKS, "more key blocks than esc_port.h knows");
_Static_assert((int)ESC_PURPOSE_USER == (int)ESP_EFUSE_KEY_PURPOSE_USER, "purpose USER");
_Static_assert((int)ESC_PURPOSE_XTS_AES_128_KEY == (int)ESP_EFUSE_KEY_PURPOSE_XTS_AES_128_KEY, "purpose XTS");
_Static_assert((int)ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE == (int)ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
               "purpose DS");
_Static_assert((int)ESC_PURPOSE_HMAC_UP == (int)ESP_EFUSE_KEY_PURPOSE_HMAC_UP, "purpose HMAC_UP");
_Static_assert((int)ESC_PURPOSE_SECURE_BOOT_DIGEST0 == (int)ESP_EFUSE_KEY_PURPOSE_SECURE_BOOT_DIGEST0,
               "purpose SB digest");

static bool block_ok(int key_block)
{
    return key_block >= 0 && key_block < (int)(EFUSE_BLK_KEY_MAX - EFUSE_BLK_KEY0);
}

esp_err_t esc_idf_get_purpose(const esc_port_t *p, int key_block, esc_key_purpose_t *purpose)
{
    (void)p;
    if (!block_ok(key_block) || purpose == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_efuse_purpose_t got = esp_efuse_get_key_purpose((esp_efuse_block_t)(EFUSE_BLK_KEY0 + key_block));
    if (got >= ESP_EFUSE_KEY_PURPOSE_MAX) {
        return ESP_FAIL;
    }
    *purpose = (esc_key_purpose_t)got;
    return ESP_OK;
}

#if defined(ESP_SECURE_CERT_WRITE_API)
esp_err_t esc_idf_write_key(const esc_port_t *p, int key_block, esc_key_purpose_t purpose, const uint8_t key[32],
                            bool read_protect)
{
    (void)p;
    if (!block_ok(key_block) || key == NULL || (int)purpose < 0 || (int)purpose >= (int)ESP_EFUSE_KEY_PURPOSE_MAX) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_efuse_block_t blk = (esp_efuse_block_t)(EFUSE_BLK_KEY0 + key_block);
    /* eFuses are write-once: refuse rather than OR new bits into a key. */
    if (!esp_efuse_key_block_unused(blk)) {
        return ESP_ERR_INVALID_STATE;
    }
    esp_err_t err = esp_efuse_write_key(blk, (esp_efuse_purpose_t)purpose, key, 32);
    /* IDF read-protects HMAC/DS/XTS keys by itself; only a USER key asked to
     * be protected still needs the bit. */
    if (err == ESP_OK && read_protect && !esp_efuse_get_key_dis_read(blk)) {
        err = esp_efuse_set_key_dis_read(blk);
    }
    return err;
}
#endif

#endif /* SOC_EFUSE_KEY_PURPOSE_FIELD */
