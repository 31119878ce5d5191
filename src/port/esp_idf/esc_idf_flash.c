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

/* With flash encryption an erased 16-byte block decrypts to noise, not
 * 0xFF: the writer would take free space for a torn write. Report such
 * blocks as erased by looking at the raw (still encrypted) flash, where an
 * erased block is all 0xFF and a programmed one practically never is. */
#if defined(ESP_SECURE_CERT_WRITE_API)
static esp_err_t mark_erased_blocks(const esp_partition_t *part, uint32_t off, uint8_t *dst, size_t len)
{
    uint8_t raw[64];
    for (uint32_t chunk = off & ~15u; chunk < off + len; chunk += sizeof(raw)) {
        uint32_t n = part->size - chunk < sizeof(raw) ? part->size - chunk : (uint32_t)sizeof(raw);
        esp_err_t err = esp_partition_read_raw(part, chunk, raw, n);
        if (err != ESP_OK) {
            return err;
        }
        for (uint32_t b = 0; b + 16 <= n; b += 16) {
            uint8_t all = 0xFF;
            for (int i = 0; i < 16; i++) {
                all &= raw[b + i];
            }
            for (uint32_t i = 0; all == 0xFF && i < 16; i++) {
                /* Index into dst; bytes before off wrap to >= len. */
                uint32_t at = chunk + b + i - off;
                if (at < len) {
                    dst[at] = 0xFF;
                }
            }
        }
    }
    return ESP_OK;
}
#endif

esp_err_t esc_idf_flash_read(const esc_port_t *p, uint32_t off, void *dst, size_t len)
{
    if (dst == NULL && len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = check_range(p, off, len);
    if (err != ESP_OK || len == 0) {
        return err;
    }
    const esp_partition_t *part = esc_idf_part(p);
    err = esp_partition_read(part, off, dst, len);
#if defined(ESP_SECURE_CERT_WRITE_API)
    /* Only writers read flash this way and care what is erased; readers walk
     * the mapping, where an erased block simply has no magic. */
    if (err == ESP_OK && part->encrypted) {
        err = mark_erased_blocks(part, off, dst, len);
    }
#endif
    return err;
}

esp_err_t esc_idf_flash_mmap(const esc_port_t *p, const void **addr)
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

void esc_idf_flash_munmap(const esc_port_t *p)
{
    esc_idf_flash_unmap(p->context);
}

/* IDF sets the flag only for partitions that are encrypted on this device
 * (flash encryption on and the partition marked so), which is exactly when a
 * plaintext key in it cannot be read out of the flash chip. */
bool esc_idf_flash_encrypted(const esc_port_t *p)
{
    return esc_idf_part(p)->encrypted;
}

#if defined(ESP_SECURE_CERT_WRITE_API)
/* Program (src != NULL) or erase (src == NULL): the same checks, with
 * program's or erase's alignment. */
static esp_err_t modify(const esc_port_t *p, uint32_t off, const void *src, size_t len, uint32_t align)
{
    if (off % align != 0 || len % align != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = check_range(p, off, len);
    if (err != ESP_OK || len == 0) {
        return err;
    }
    const esp_partition_t *part = esc_idf_part(p);
    return src != NULL ? esp_partition_write(part, off, src, len) : esp_partition_erase_range(part, off, len);
}

esp_err_t esc_idf_flash_program(const esc_port_t *p, uint32_t off, const void *src, size_t len)
{
    if (src == NULL && len != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    /* src is NULL here only with len 0, which modify() returns on before
     * it could take it for an erase. */
    return modify(p, off, src, len, p->prog_align);
}

esp_err_t esc_idf_flash_erase(const esc_port_t *p, uint32_t off, size_t len)
{
    return modify(p, off, NULL, len, p->erase_size);
}
#endif
