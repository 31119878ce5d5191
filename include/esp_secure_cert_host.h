/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host (Linux) only: choose the flash image and eFuse state the library runs
 * against. Without any of these calls the library configures itself from the
 * environment on first use (see docs/port.md):
 *   ESP_SECURE_CERT_FLASH             image path (flash dump or bare partition)
 *   ESP_SECURE_CERT_PARTITION_OFFSET  offset of esp_secure_cert in it (hex or decimal)
 *   ESP_SECURE_CERT_PARTITION_SIZE    its size, when there is no partition table
 *   ESP_SECURE_CERT_EFUSE             eFuse file (text, or QEMU esp32c3 image)
 *   ESP_SECURE_CERT_READONLY=1        never write the image or eFuse file
 *   ESP_SECURE_CERT_FLASH_ENCRYPTION=1  emulate flash encryption (16-byte writes)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    /* Offset of the esp_secure_cert partition in the image, or -1 to find it
     * (partition table at 0x8000 if there is one, else the image is the
     * partition). */
    int64_t partition_offset;
    /* Partition size when no table gives it; 0 = the rest of the image,
     * rounded up to 4 KiB (the missing bytes read as erased 0xFF). */
    uint32_t partition_size;
    /* false: read-only, nothing ever changes the image or eFuse file and
     * every write fails. true: the file is the flash and is updated on every
     * program/erase; eFuse burns are saved to the eFuse file. */
    bool writable;
    /* 1 (or 0): byte writes. 16: flash encryption is on, programs must be
     * 16-byte aligned in offset and length. */
    uint32_t prog_align;
    /* eFuse file (text format of docs/efuse-file.md or a QEMU eFuse image),
     * or NULL for blank eFuses. */
    const char *efuse_path;
} esp_secure_cert_host_config_t;

#define ESP_SECURE_CERT_HOST_CONFIG_DEFAULT() \
    { .partition_offset = -1, .partition_size = 0, .writable = false, .prog_align = 1, .efuse_path = NULL }

/*
 * Use the image file at image_path (cfg NULL = defaults: auto layout,
 * read-only, no eFuse file). Closes whatever was open. Errors:
 * ESP_ERR_NOT_FOUND (file or partition missing), ESP_ERR_INVALID_ARG (bad
 * config, unaligned partition, bad eFuse file), ESP_ERR_INVALID_SIZE,
 * ESP_ERR_INVALID_CRC (partition table MD5), ESP_ERR_NO_MEM. The reason is
 * printed on stderr.
 */
esp_err_t esp_secure_cert_host_open(const char *image_path, const esp_secure_cert_host_config_t *cfg);

/*
 * Use an image in memory. Writable: buf itself is the flash (keep it alive
 * until close; len must be a multiple of 4096 and hold the partition);
 * re-opening the same buffer after a power cut is a reboot. Read-only: the
 * bytes are copied.
 */
esp_err_t esp_secure_cert_host_open_buffer(void *buf, size_t len, const esp_secure_cert_host_config_t *cfg);

/* Forget the image and the eFuse state. Safe to call when nothing is open.
 * Values the read API returned from this image must be released before:
 * after the close their memory is gone and the free functions can no longer
 * tell flash data from a heap copy. */
void esp_secure_cert_host_close(void);

/* Replace the random source (esp_fill_random, and the port's random for IVs
 * and salts) for deterministic tests; NULL restores getrandom(). fn fills
 * buf with len bytes and returns ESP_OK. */
typedef esp_err_t (*esp_secure_cert_host_rng_fn)(void *ctx, void *buf, size_t len);
void esp_secure_cert_host_set_rng(esp_secure_cert_host_rng_fn fn, void *ctx);

/* Load eFuse state from a file after open (text or QEMU image); burns are
 * saved back to it if the image was opened writable. */
esp_err_t esp_secure_cert_host_load_efuse(const char *efuse_path);

/* Burn a key into a simulated eFuse block (0..5 = KEY0..KEY5) for test setup;
 * purpose is an esp_efuse_purpose_t value. Same rules as a real burn. */
esp_err_t esp_secure_cert_host_burn_key(int key_block, int purpose, const uint8_t key[32], bool read_protect);

/* ---- power-loss emulation (tests) ---- */

typedef void (*esp_secure_cert_host_powercut_cb)(void *ctx);
/* Cut power at the k-th flash program/erase from now (0 disarms); partial
 * leaves that operation torn (seeded by seed); then cb(ctx) runs (tests
 * longjmp). Every flash operation fails with ESP_FAIL afterwards until the
 * image is opened again. */
void esp_secure_cert_host_set_powercut(uint32_t k, bool partial, uint64_t seed,
                                       esp_secure_cert_host_powercut_cb cb, void *ctx);
/* Program/erase operations since the image was opened. */
uint32_t esp_secure_cert_host_flash_op_count(void);

#ifdef __cplusplus
}
#endif
