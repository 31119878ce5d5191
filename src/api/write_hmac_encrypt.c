/*
 * esp_secure_cert_append_tlv_with_hmac_encryption: an entry stored as
 * AES-256-GCM ciphertext || tag under the key and IV that the eFuse HMAC_UP
 * key yields (esc_protected_gcm_key_iv, shared with the reader so both sides
 * cannot drift apart), with ESC_TLV_FLAG_HMAC_ENCRYPTION set.
 *
 * The IV is a function of the eFuse key alone, exactly as in the original
 * component: the same plaintext under the same key always gives the same
 * bytes. That makes the output reproducible (vector v28), but it also means
 * every entry encrypted on one chip shares one (key, IV) pair, so GCM's
 * keystream repeats across them. We keep it because readers in the field
 * compute the IV the same way (it is not stored); docs/hmac-write.md shows
 * the consequence and we warn when it happens.
 *
 * The stored entry goes through esc_write_items(), the same path as a plain
 * append: flash and buffer mode, duplicate check, power-loss safety.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_log.h"
#include "esc_protected.h"
#include "esc_tlv.h"
#include "write_hmac_internal.h"
#include "write_internal.h"

#if defined(ESP_SECURE_CERT_HOST) || SOC_HMAC_SUPPORTED

#define TAG esc_write_tag

#define ESC_HMAC_MSG_TEXT_(name, text) text "\0"
static const char messages[] = ESC_HMAC_MESSAGES(ESC_HMAC_MSG_TEXT_);

esp_err_t esc_hmac_fail(esp_err_t err, esc_hmac_msg_t msg, unsigned arg)
{
    const char *text = messages;
    unsigned skip = msg;
    while (skip != 0) {
        if (*text++ == '\0') {
            skip--;
        }
    }
    ESC_LOGE(TAG, text, arg);
    return err;
}

esp_err_t esc_write_hmac_key_block(const esc_port_t *port, int *key_block)
{
    esp_err_t err = esc_protected_find_hmac_key(port, key_block);
    if (err == ESP_ERR_NOT_SUPPORTED) {
        return esc_hmac_fail(err, ESC_HMAC_MSG_NO_HW, 0);
    }
    if (err != ESP_OK) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND, ESC_HMAC_MSG_NO_KEY, 0);
    }
    return ESP_OK;
}

/* Whether the image already holds an HMAC-encrypted entry (for a warning). */
static bool holds_encrypted_entry(const uint8_t *img, size_t size)
{
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, img, size, &e) == ESC_TLV_OK) {
        if (e.crc_ok && e.type != ESC_TLV_TYPE_FILLER && esc_tlv_flag_is_hmac_encrypted(e.flags)) {
            return true;
        }
    }
    return false;
}

/* Every entry of a chip is encrypted with the same key and IV: a second one
 * reveals the XOR of the two plaintexts to whoever reads the flash. */
static void warn_on_keystream_reuse(const esp_secure_cert_write_config_t *cfg)
{
#ifdef ESP_PLATFORM
    if (LOG_LOCAL_LEVEL < ESP_LOG_WARN) {
        return; /* the warning is compiled out: so is the scan it needs */
    }
#endif
    bool again = false;
    if (cfg->mode == ESP_SECURE_CERT_WRITE_MODE_BUFFER) {
        again = cfg->buffer.buffer != NULL && holds_encrypted_entry(cfg->buffer.buffer, cfg->buffer.buffer_size);
    } else {
        esc_view_t view;
        again = esc_view_get(&view) == ESP_OK && holds_encrypted_entry(view.base, view.size);
    }
    if (again) {
        ESC_LOGW(TAG, "another HMAC-encrypted entry exists: same AES-GCM key and IV, so the flash reveals "
                      "the XOR of both plaintexts");
    }
}

/* The item's data as ciphertext || tag into `stored`. Out of line so that
 * the key is wiped at one place for every outcome. */
__attribute__((noinline)) static esp_err_t encrypt_entry(const esc_port_t *port, int key_block,
                                                         const esc_write_item_t *item, uint8_t *stored)
{
    uint8_t key_iv[ESC_HMAC_AES_KEY_LEN + ESC_HMAC_IV_LEN]; /* one buffer: one wipe */
    uint8_t *iv = key_iv + ESC_HMAC_AES_KEY_LEN;
    /* The original derives the IV first, so an HMAC peripheral failure
     * surfaces as an IV failure. */
    esp_err_t err = ESP_ERR_SECURE_CERT_HMAC_IV_GENERATION_FAILED;
    if (esc_protected_gcm_key_iv(port, key_block, key_iv, iv) == ESP_OK) {
        int rc = esc_aes256_gcm_encrypt(key_iv, iv, ESC_HMAC_IV_LEN, item->data, item->length, stored,
                                        stored + item->length);
        err = rc == ESC_CRYPTO_OK      ? ESP_OK
              : rc == ESC_CRYPTO_ERR_SPACE ? ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY
                                           : ESP_ERR_SECURE_CERT_HMAC_ENCRYPTION_FAILED;
    }
    esc_zeroize(key_iv, sizeof(key_iv));
    return err;
}

esp_err_t esp_secure_cert_append_tlv_with_hmac_encryption(esp_secure_cert_tlv_info_t *tlv_info,
                                                          const esp_secure_cert_write_config_t *write_config)
{
    esc_write_item_t item;
    esp_err_t err = esc_write_item_from_info(tlv_info, &item);
    if (err != ESP_OK) {
        return err;
    }
    if ((size_t)item.length + ESC_HMAC_TAG_LEN > ESC_TLV_MAX_DATA_LEN) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH, ESC_HMAC_MSG_ENC_LEN,
                             item.length);
    }
    /* With 0x40 as well, the protection bits would read as neither scheme
     * and the reader would hand out the ciphertext (the original wrote it). */
    if ((item.flags & ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION) != 0) {
        return esc_hmac_fail(ESP_ERR_INVALID_ARG, ESC_HMAC_MSG_ENC_FLAGS,
                             item.flags);
    }
    esp_secure_cert_write_config_t cfg;
    err = esc_write_resolve_config(write_config, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    /* The eFuse key and the HMAC peripheral are the chip's: buffer mode
     * needs no partition (flash mode finds it when writing). */
    const esc_port_t *port = esc_port_chip();
    int key_block;
    err = esc_write_hmac_key_block(port, &key_block);
    if (err != ESP_OK) {
        return err;
    }
    /* ciphertext || tag */
    uint8_t *stored = malloc((size_t)item.length + ESC_HMAC_TAG_LEN);
    if (stored == NULL) {
        return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    }
    err = encrypt_entry(port, key_block, &item, stored);
    if (err == ESP_OK) {
        warn_on_keystream_reuse(&cfg);
        item.flags = (uint8_t)(item.flags | ESC_TLV_FLAG_HMAC_ENCRYPTION);
        item.length = (uint16_t)(item.length + ESC_HMAC_TAG_LEN);
        item.data = stored;
        err = esc_write_items(&item, 1, &cfg);
    }
    free(stored);
    /* The code tells which step failed: IV_GENERATION (HMAC peripheral),
     * ENCRYPTION, or what the plain append returns. */
    return err == ESP_OK ? ESP_OK : esc_hmac_fail(err, ESC_HMAC_MSG_WRITE, (unsigned)err);
}

#endif /* ESP_SECURE_CERT_HOST || SOC_HMAC_SUPPORTED */
