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

/* Flash access through esp_partition: read, mmap, encryption state, and with
 * the write API program/erase (esc_idf_flash.c). */
void esc_idf_flash_install(esc_port_t *p);

/* Drop the mapping, if any (esc_idf_flash.c). */
void esc_idf_flash_unmap(esc_idf_state_t *st);

/* eFuse key purposes and, with the write API, key burning (esc_idf_efuse.c).
 * Leaves the callbacks NULL on chips without key purpose fields. */
void esc_idf_efuse_install(esc_port_t *p);

/* HMAC and DS peripherals and the RNG (esc_idf_crypto.c). */
void esc_idf_crypto_install(esc_port_t *p);

/* Write lock (esc_idf_lock.c); only with the write API. */
void esc_idf_lock_install(esc_port_t *p);

/* Trusted Secure Boot key digests (esc_idf_secure_boot.c); only with
 * CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION. */
void esc_idf_secure_boot_install(esc_port_t *p);

#ifdef __cplusplus
}
#endif
