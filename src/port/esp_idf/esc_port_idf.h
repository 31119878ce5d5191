/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Private to the ESP-IDF port: the state behind esc_port_t.context and the
 * functions that fill in each group of callbacks. Each group lives in its own
 * file so that a chip without a peripheral (or a read-only build) simply does
 * not compile that group in.
 */
#pragma once

#include "sdkconfig.h"
#include "esp_idf_version.h"
#include "esp_partition.h"
#include "soc/soc_caps.h"

#include "esc_port.h"
#include "esp_secure_cert_platform.h"

#if ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 0, 0)
#error "esp_secure_cert needs ESP-IDF 5.0 or newer (esp_partition_mmap_handle_t, partition erase_size)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What the port keeps about the partition it serves. */
typedef struct {
    const esp_partition_t *part;
    const void *map_addr; /* NULL while not mapped */
    esp_partition_mmap_handle_t map_handle;
} esc_idf_state_t;

static inline const esp_partition_t *esc_idf_part(const esc_port_t *p)
{
    return ((const esc_idf_state_t *)p->context)->part;
}

/* The callbacks, one group per file, each compiled only where the chip has
 * the peripheral (or with the write API); esc_port_idf.c puts them into
 * constant tables. */

/* Flash access through esp_partition (esc_idf_flash.c); program and erase
 * only with the write API. */
esp_err_t esc_idf_flash_read(const esc_port_t *p, uint32_t off, void *dst, size_t len);
esp_err_t esc_idf_flash_mmap(const esc_port_t *p, const void **addr);
void esc_idf_flash_munmap(const esc_port_t *p);
bool esc_idf_flash_encrypted(const esc_port_t *p);
esp_err_t esc_idf_flash_program(const esc_port_t *p, uint32_t off, const void *src, size_t len);
esp_err_t esc_idf_flash_erase(const esc_port_t *p, uint32_t off, size_t len);

/* Drop the mapping, if any (esc_idf_flash.c). */
void esc_idf_flash_unmap(esc_idf_state_t *st);

/* eFuse key purposes and, with the write API, key burning (esc_idf_efuse.c);
 * only on chips with key purpose fields. */
esp_err_t esc_idf_get_purpose(const esc_port_t *p, int key_block, esc_key_purpose_t *purpose);
esp_err_t esc_idf_write_key(const esc_port_t *p, int key_block, esc_key_purpose_t purpose, const uint8_t key[32],
                            bool read_protect);

/* HMAC peripheral (chips with one) and, with the write API, the RNG
 * (esc_idf_crypto.c). */
esp_err_t esc_idf_hmac(const esc_port_t *p, int key_block, const void *msg, size_t len, uint8_t out[32]);
esp_err_t esc_idf_random(const esc_port_t *p, void *buf, size_t len);

/* Write lock (esc_idf_lock.c); only with the write API. */
bool esc_idf_try_lock(const esc_port_t *p);
void esc_idf_unlock(const esc_port_t *p);

/* Trusted Secure Boot key digests (esc_idf_secure_boot.c); only with
 * CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION. */
esp_err_t esc_idf_sb_digests(const esc_port_t *p, uint8_t (*digests)[32], size_t max, size_t *count);

#ifdef __cplusplus
}
#endif
