/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's spi_flash_mmap.h (only the types the
 * esp_secure_cert partition context uses).
 */
#pragma once

#include <stdint.h>

typedef enum {
    SPI_FLASH_MMAP_DATA, /* byte-addressable data mapping */
    SPI_FLASH_MMAP_INST, /* instruction mapping, 4-byte aligned access only */
} spi_flash_mmap_memory_t;

typedef uint32_t spi_flash_mmap_handle_t;
