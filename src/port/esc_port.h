/*
 * esc_port: everything the library needs from the hardware, as one struct of
 * callbacks (in the manner of littlefs's lfs_config). The API layer calls only
 * these; two implementations exist: src/port/host (file-backed simulator) and
 * src/port/esp_idf. docs/port.md is the contract in prose.
 *
 * All offsets are relative to the start of the esp_secure_cert partition.
 * Every callback returns ESP_OK or an esp_err_t error; optional callbacks may
 * be NULL, and the API then reports ESP_ERR_NOT_SUPPORTED.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* eFuse key purposes, numbered as ESP-IDF's esp_efuse_purpose_t on the
 * chips with key blocks (esp32c3/s3/c6/h2...). */
typedef enum {
    ESC_PURPOSE_USER = 0,
    ESC_PURPOSE_RESERVED = 1,
    ESC_PURPOSE_XTS_AES_256_KEY_1 = 2,
    ESC_PURPOSE_XTS_AES_256_KEY_2 = 3,
    ESC_PURPOSE_XTS_AES_128_KEY = 4,
    ESC_PURPOSE_HMAC_DOWN_ALL = 5,
    ESC_PURPOSE_HMAC_DOWN_JTAG = 6,
    ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE = 7,
    ESC_PURPOSE_HMAC_UP = 8,
    ESC_PURPOSE_SECURE_BOOT_DIGEST0 = 9,
    ESC_PURPOSE_SECURE_BOOT_DIGEST1 = 10,
    ESC_PURPOSE_SECURE_BOOT_DIGEST2 = 11,
    ESC_PURPOSE_ECDSA_KEY = 12,
    ESC_PURPOSE_MAX = 16,
} esc_key_purpose_t;

#define ESC_EFUSE_KEY_BLOCKS 6 /* KEY0..KEY5 */
/* ESP-IDF numbers KEY0 as eFuse block 4 (EFUSE_BLK_KEY0). */
#define ESC_EFUSE_BLK_KEY0 4

typedef struct esc_port esc_port_t;

/* The struct has the secure_boot_key_digests callback (code that predates
 * it checks this). */
#define ESC_PORT_HAS_SECURE_BOOT_DIGESTS 1

struct esc_port {
    /* Opaque state of the implementation. */
    void *context;

    /* The esp_partition_t that describes the partition (for
     * esp_secure_cert_partition_ctx_t.partition), or NULL. */
    const void *partition;
    /* Changes whenever the implementation is reconfigured (the host opens
     * another image): the API drops its mapping when it sees a new value. */
    uint32_t generation;

    /* Geometry of the partition. */
    uint32_t partition_size; /* bytes */
    uint32_t erase_size;     /* sector size, 4096 on ESP flash */
    uint32_t prog_align;     /* 1, or 16 when flash encryption writes 16-byte blocks */

    /* Flash. read/program/erase are required; mmap is optional (the API then
     * reads into a heap copy). program may only clear bits; erase sets a
     * whole sector range to 0xFF and takes sector-aligned offset and size. */
    esp_err_t (*flash_read)(const esc_port_t *p, uint32_t off, void *dst, size_t len);
    esp_err_t (*flash_program)(const esc_port_t *p, uint32_t off, const void *src, size_t len);
    esp_err_t (*flash_erase)(const esc_port_t *p, uint32_t off, size_t len);
    esp_err_t (*flash_mmap)(const esc_port_t *p, const void **addr);
    void (*flash_munmap)(const esc_port_t *p);
    /* True if flash encryption is on (a plaintext key on flash is then not
     * readable from outside the chip). Optional. */
    bool (*flash_encrypted)(const esc_port_t *p);

    /* eFuse key blocks, numbered 0..5 (KEY0..KEY5). Optional. */
    esp_err_t (*efuse_get_purpose)(const esc_port_t *p, int key_block, esc_key_purpose_t *purpose);
    /* Burn a 32-byte key with a purpose into an unused block (write-once). */
    esp_err_t (*efuse_write_key)(const esc_port_t *p, int key_block, esc_key_purpose_t purpose,
                                 const uint8_t key[32], bool read_protect);

    /* HMAC peripheral, upstream mode: HMAC-SHA256 with the key in key_block,
     * which must have purpose HMAC_UP. The key itself is never exposed. */
    esp_err_t (*hmac_calculate)(const esc_port_t *p, int key_block, const void *msg, size_t len,
                                uint8_t out[32]);

    /* Digital Signature peripheral: RSA sign of `message` (rsa_bits/8 bytes,
     * little-endian words as esp_ds_sign takes) with the parameters in
     * `ds_data` (esp_ds_data_t layout: i32 rsa_length, iv[16], c[]), using the
     * HMAC key in key_block (purpose HMAC_DOWN_DIGITAL_SIGNATURE). Optional. */
    esp_err_t (*ds_sign)(const esc_port_t *p, int key_block, const uint8_t *ds_data, size_t ds_data_len,
                         const uint8_t *message, uint8_t *signature);

    /* Secure boot public-key digests the chip trusts (eFuse
     * SECURE_BOOT_DIGEST0..2 when secure boot is on), for partition signature
     * verification. Fills up to `max` SHA-256 digests. Optional. */
    esp_err_t (*secure_boot_key_digests)(const esc_port_t *p, uint8_t (*digests)[32], size_t max, size_t *count);

    /* Random bytes. Required for writes that draw an IV or salt. */
    esp_err_t (*random)(const esc_port_t *p, void *buf, size_t len);

    /* Write lock: try_lock returns false at once if another writer holds it. */
    bool (*write_try_lock)(const esc_port_t *p);
    void (*write_unlock)(const esc_port_t *p);
};

/*
 * The port the API uses. Each implementation provides this: the host port
 * configures itself from its C calls or the environment on first use, the
 * ESP-IDF port finds the partition. `selected` is the partition the
 * application chose with esp_secure_cert_tlv_set_partition (NULL for the
 * default lookup); it is an esp_partition_t pointer, opaque here.
 * Returns NULL if no partition can be found.
 */
const esc_port_t *esc_port_get(const void *selected);

/* Drop whatever esc_port_get set up (mapping, file handles). */
void esc_port_release(void);

/*
 * The chip-wide services alone, for callers that need no partition (the
 * eFuse key blocks, the HMAC peripheral and the write lock belong to the
 * chip): a port whose eFuse, HMAC, DS, random and write-lock callbacks are
 * those of esc_port_get's ports (NULL where the chip or build lacks them) and
 * whose flash fields are all zero/NULL. Never NULL.
 */
const esc_port_t *esc_port_chip(void);

/*
 * Whether p lies where this port maps flash for reading (the device's DROM
 * window; on the host, the memory of the open image). Values the API hands
 * out from a mapping stay flash data after the mapping is gone, so the free
 * functions use this, as the original uses esp_ptr_in_drom, to leave them
 * alone.
 */
bool esc_port_ptr_in_flash_map(const void *p);

/*
 * Zeroed heap memory for a secret the API hands out (a decrypted or derived
 * key), released with free(). On the device it is internal RAM, as the
 * original allocates it: external PSRAM lies outside the chip, and on some
 * chips shares the DROM address window, where esc_port_ptr_in_flash_map
 * would take it for flash and it would never be wiped and freed.
 */
void *esc_port_secret_calloc(size_t len);

#ifdef __cplusplus
}
#endif
