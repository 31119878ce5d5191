/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Flash callbacks of the ESP-IDF port, all through esp_partition so that an
 * encrypted partition is decrypted on read and encrypted on write by IDF.
 */
#include <stddef.h>

#include "esc_port_idf.h"

/* Overflow-safe "[off, off+len) lies inside the partition". esp_partition
 * checks too, but with an addition that can wrap. */
static esp_err_t check_range(const esc_port_t *p, uint32_t off, size_t len)
{
    if (len > p->partition_size || off > p->partition_size - len) {
        return ESP_ERR_INVALID_SIZE;
    }
    return ESP_OK;
}

static esp_err_t idf_read(const esc_port_t *p, uint32_t off, void *dst, size_t len)
{
    if (dst == NULL && len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = check_range(p, off, len);
    if (err != ESP_OK || len == 0) {
        return err;
    }
    return esp_partition_read(esc_idf_part(p), off, dst, len);
}

static esp_err_t idf_mmap(const esc_port_t *p, const void **addr)
{
    esc_idf_state_t *st = p->context;
    if (addr == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (st->map_addr == NULL) {
        /* One mapping of the whole partition, kept until unmap. IDF flushes
         * the cache of mapped pages after esp_partition_write/erase, so the
         * mapping shows later writes too. */
        const void *addr_out = NULL;
        esp_err_t err = esp_partition_mmap(st->part, 0, st->part->size, ESP_PARTITION_MMAP_DATA, &addr_out,
                                           &st->map_handle);
        if (err != ESP_OK) {
            return err;
        }
        st->map_addr = addr_out;
    }
    *addr = st->map_addr;
    return ESP_OK;
}

void esc_idf_flash_unmap(esc_idf_state_t *st)
{
    if (st->map_addr != NULL) {
        esp_partition_munmap(st->map_handle);
        st->map_addr = NULL;
        st->map_handle = 0;
    }
}

static void idf_munmap(const esc_port_t *p)
{
    esc_idf_flash_unmap(p->context);
}

/* IDF sets the flag only for partitions that are encrypted on this device
 * (flash encryption on and the partition marked so), which is exactly when a
 * plaintext key in it cannot be read out of the flash chip. */
static bool idf_encrypted(const esc_port_t *p)
{
    return esc_idf_part(p)->encrypted;
}

#if defined(ESP_SECURE_CERT_WRITE_API)
static esp_err_t idf_program(const esc_port_t *p, uint32_t off, const void *src, size_t len)
{
    if (src == NULL && len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (off % p->prog_align != 0 || len % p->prog_align != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = check_range(p, off, len);
    if (err != ESP_OK || len == 0) {
        return err;
    }
    return esp_partition_write(esc_idf_part(p), off, src, len);
}

static esp_err_t idf_erase(const esc_port_t *p, uint32_t off, size_t len)
{
    if (off % p->erase_size != 0 || len % p->erase_size != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = check_range(p, off, len);
    if (err != ESP_OK || len == 0) {
        return err;
    }
    return esp_partition_erase_range(esc_idf_part(p), off, len);
}
#endif

void esc_idf_flash_install(esc_port_t *p)
{
    p->flash_read = idf_read;
    p->flash_mmap = idf_mmap;
    p->flash_munmap = idf_munmap;
    p->flash_encrypted = idf_encrypted;
#if defined(ESP_SECURE_CERT_WRITE_API)
    p->flash_program = idf_program;
    p->flash_erase = idf_erase;
#endif
}
