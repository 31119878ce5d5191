/*
 * eFuse emulation for the host port: the six key blocks KEY0..KEY5 (32 bytes
 * each), their key purposes and read/write protection, with eFuse rules: a
 * block can be burned once (only while its key is zero, its purpose USER and
 * it is not protected), bits only go from 0 to 1, and no call returns a key.
 *
 * State is global (one chip). It is loaded from, and burns are saved to:
 *  - a text file (docs/efuse-file.md): `KEY<n> <PURPOSE> <64 hex> [flags]`;
 *  - the 1024-byte eFuse image Espressif's QEMU uses for esp32c3/esp32s3.
 * The format is detected from the content and kept when saving.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esc_port.h"
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_HOST_EFUSE_KEY_LEN 32
#define ESC_HOST_EFUSE_QEMU_IMAGE_LEN 1024

typedef enum {
    ESC_HOST_EFUSE_FORMAT_TEXT = 0,
    ESC_HOST_EFUSE_FORMAT_QEMU = 1,
} esc_host_efuse_format_t;

/* Blank all key blocks (purpose USER, zero key, unprotected); forget the file. */
void esc_host_efuse_reset(void);

/*
 * Load the state from a file (format detected). persist: write every later
 * burn back to that file. A missing file is a blank eFuse when persist is
 * true (the file is created, as text, on the first burn) and
 * ESP_ERR_NOT_FOUND otherwise. Malformed content: ESP_ERR_INVALID_ARG with
 * the reason (and line) on stderr; the state is then blank.
 */
esp_err_t esc_host_efuse_load_file(const char *path, bool persist);

/* Load from memory: a QEMU image (exactly 1024 bytes, not text) or text. */
esp_err_t esc_host_efuse_load_buffer(const void *data, size_t len);

/* Write the state to `path` in `fmt`. For QEMU format the bytes outside the
 * key blocks, purposes and protection bits come from the loaded image (zero
 * if none was loaded). */
esp_err_t esc_host_efuse_save_file(const char *path, esc_host_efuse_format_t fmt);
/* Text form into buf (NUL-terminated); ESP_ERR_INVALID_SIZE if too small. */
esp_err_t esc_host_efuse_save_text(char *buf, size_t cap, size_t *out_len);
/* QEMU image into out. */
void esc_host_efuse_save_qemu(uint8_t out[ESC_HOST_EFUSE_QEMU_IMAGE_LEN]);

/* key_block is 0..5 (KEY0..KEY5); ESP_ERR_INVALID_ARG otherwise. */
esp_err_t esc_host_efuse_get_purpose(int key_block, esc_key_purpose_t *purpose);
bool esc_host_efuse_is_read_protected(int key_block);
/* Value of a block that is not read-protected (secure boot digests are
 * public); ESP_ERR_NOT_ALLOWED for a protected one. */
esp_err_t esc_host_efuse_read_public_key(int key_block, uint8_t out[32]);
/* True if the block can still be burned. */
bool esc_host_efuse_block_unused(int key_block);

/*
 * Burn key and purpose into an unused block and write-protect it (as
 * esp_efuse_write_key does); read_protect also sets its read protection.
 * ESP_ERR_INVALID_ARG: bad block, NULL key, purpose not in 0..15.
 * ESP_ERR_INVALID_STATE: the block is already used or protected.
 * ESP_FAIL: saving to the eFuse file failed (the burn stays in memory).
 */
esp_err_t esc_host_efuse_write_key(int key_block, esc_key_purpose_t purpose, const uint8_t key[32],
                                   bool read_protect);

/*
 * HMAC-SHA256 over msg with the key in key_block, if the block's purpose is
 * required_purpose (a block with HMAC_DOWN_ALL also serves a request for
 * HMAC_DOWN_DIGITAL_SIGNATURE or HMAC_DOWN_JTAG, as the hardware allows).
 * Wrong purpose: ESP_FAIL. Bad block or NULL pointers: ESP_ERR_INVALID_ARG.
 * For the HMAC and DS emulations only; the key never leaves this file.
 */
esp_err_t esc_host_efuse_hmac_any(int key_block, esc_key_purpose_t required_purpose, const void *msg,
                                  size_t len, uint8_t out[32]);

/* Name of a purpose as the text format writes it ("HMAC_UP"), or NULL for a
 * value without a name. */
const char *esc_host_efuse_purpose_name(esc_key_purpose_t purpose);

#ifdef __cplusplus
}
#endif
