/*
 * Helpers shared by the write and power-loss tests: an emulated flash opened
 * through the host port, deterministic entry contents, and two independent
 * models of a reader over a raw partition image:
 *   - wc_model_*: the reader rules the writer is designed for
 *     (docs/power-loss.md): walk from 0, stop at a missing magic, an entry
 *     that does not fit or a CRC mismatch; skip fillers (type 0xFF);
 *   - wc_orig_find: the original component's esp_secure_cert_find_tlv (walks
 *     past entries whose CRC fails, checks the CRC of the match only).
 * Everything is static inline so each test takes what it needs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_tlv_read.h"
#include "esp_secure_cert_write.h"

#define WC_FILLER_TYPE 0xFFu

/* ---- flash through the host port ---- */

static inline esp_err_t wc_open(uint8_t *flash, size_t size, uint32_t prog_align)
{
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    cfg.prog_align = prog_align;
    cfg.partition_offset = 0;
    cfg.partition_size = (uint32_t)size;
    return esp_secure_cert_host_open_buffer(flash, size, &cfg);
}

static inline esp_err_t wc_open_blank(uint8_t *flash, size_t size, uint32_t prog_align)
{
    memset(flash, 0xFF, size);
    return wc_open(flash, size, prog_align);
}

/* ---- entry contents ---- */

typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint8_t flags;
    uint16_t len;
    uint32_t seed; /* data = wc_fill(seed, len) */
} wc_entry_t;

static inline void wc_fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 0x9E3779B9u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

/* Data of an entry, malloc'd (at least 1 byte so a zero length is not NULL). */
static inline uint8_t *wc_data(const wc_entry_t *e)
{
    uint8_t *d = malloc(e->len > 0 ? e->len : 1);
    if (d != NULL) {
        wc_fill(d, e->len, e->seed);
    }
    return d;
}

static inline esp_err_t wc_append_batch(const wc_entry_t *es, size_t n, const esp_secure_cert_write_config_t *cfg)
{
    esp_secure_cert_tlv_info_t *infos = calloc(n, sizeof(*infos));
    if (infos == NULL) {
        return ESP_ERR_NO_MEM;
    }
    for (size_t i = 0; i < n; i++) {
        infos[i].type = (esp_secure_cert_tlv_type_t)es[i].type;
        infos[i].subtype = (esp_secure_cert_tlv_subtype_t)es[i].subtype;
        infos[i].flags = es[i].flags;
        infos[i].length = es[i].len;
        infos[i].data = (char *)wc_data(&es[i]);
    }
    esp_err_t err = n == 1 ? esp_secure_cert_append_tlv(&infos[0], cfg)
                           : esp_secure_cert_append_tlv_batch(infos, n, cfg);
    for (size_t i = 0; i < n; i++) {
        free(infos[i].data);
    }
    free(infos);
    return err;
}

static inline esp_err_t wc_append(const wc_entry_t *e, const esp_secure_cert_write_config_t *cfg)
{
    return wc_append_batch(e, 1, cfg);
}

/* ---- the reader model the writer is designed for ---- */

typedef struct {
    uint32_t offset;
    uint8_t type, subtype, flags;
    uint16_t len;
    const uint8_t *data;
} wc_seen_t;

/* Accepted non-filler entries of img, in order; returns the count (<= max). */
static inline size_t wc_model_list(const uint8_t *img, size_t size, wc_seen_t *out, size_t max,
                                   uint32_t *end_out, uint32_t *fillers_out)
{
    size_t n = 0;
    size_t off = 0;
    uint32_t fillers = 0;
    esc_tlv_entry_t e;
    while (off < size && esc_tlv_decode(img, size, off, &e) == ESC_TLV_OK && e.crc_ok) {
        if (e.type == WC_FILLER_TYPE) {
            fillers++;
        } else if (n < max) {
            out[n].offset = e.offset;
            out[n].type = e.type;
            out[n].subtype = e.subtype;
            out[n].flags = e.flags;
            out[n].len = e.length;
            out[n].data = img + e.data_offset;
            n++;
        }
        off += e.total_len;
    }
    if (end_out != NULL) {
        *end_out = (uint32_t)off;
    }
    if (fillers_out != NULL) {
        *fillers_out = fillers;
    }
    return n;
}

/* 1: entry e is accepted with exactly its contents; 0: absent; -1: present
 * with other contents or flags (a torn or foreign entry). */
static inline int wc_model_has(const wc_seen_t *seen, size_t n, const wc_entry_t *e)
{
    for (size_t i = 0; i < n; i++) {
        if (seen[i].type == e->type && seen[i].subtype == e->subtype) {
            uint8_t *d = wc_data(e);
            int same = d != NULL && seen[i].len == e->len && seen[i].flags == e->flags &&
                       memcmp(seen[i].data, d, e->len) == 0;
            free(d);
            return same ? 1 : -1;
        }
    }
    return 0;
}

/* ---- the original component's lookup ---- */

typedef enum { WC_ORIG_ABSENT, WC_ORIG_VALID, WC_ORIG_CRC_FAIL } wc_orig_t;

/* esp_secure_cert_find_tlv for an exact subtype, but bounded by the image
 * (the original reads on past the partition). */
static inline wc_orig_t wc_orig_find(const uint8_t *img, size_t size, uint8_t type, uint8_t subtype,
                                     const uint8_t **data, uint16_t *len)
{
    uint32_t off = 0;
    for (;;) {
        if (off + ESC_TLV_HEADER_SIZE > size || esc_le32(img + off) != ESC_TLV_MAGIC) {
            return WC_ORIG_ABSENT;
        }
        uint16_t l = esc_le16(img + off + 10);
        uint32_t total = esc_tlv_total_len(l);
        if (img[off + 8] == type && img[off + 9] == subtype) {
            if (off + total > size) {
                return WC_ORIG_CRC_FAIL;
            }
            uint32_t crc = esc_crc32(img + off, total - 4);
            if (crc != esc_le32(img + off + total - 4)) {
                return WC_ORIG_CRC_FAIL;
            }
            *data = img + off + 12;
            *len = l;
            return WC_ORIG_VALID;
        }
        off += total;
    }
}

/* 1 valid with e's contents, 0 absent or CRC failure (rejected), -1 valid
 * with other contents. */
static inline int wc_orig_has(const uint8_t *img, size_t size, const wc_entry_t *e)
{
    const uint8_t *d = NULL;
    uint16_t len = 0;
    wc_orig_t r = wc_orig_find(img, size, e->type, e->subtype, &d, &len);
    if (r != WC_ORIG_VALID) {
        return 0;
    }
    uint8_t *want = wc_data(e);
    int same = want != NULL && len == e->len && memcmp(d, want, len) == 0;
    free(want);
    return same ? 1 : -1;
}

/* Through the public read API: 1 intact, 0 not found/refused, -1 other contents. */
static inline int wc_api_has(const wc_entry_t *e)
{
    esp_secure_cert_tlv_config_t cfg = {.type = (esp_secure_cert_tlv_type_t)e->type,
                                        .subtype = (esp_secure_cert_tlv_subtype_t)e->subtype};
    esp_secure_cert_tlv_info_t info;
    if (esp_secure_cert_get_tlv_info(&cfg, &info) != ESP_OK) {
        return 0;
    }
    uint8_t *want = wc_data(e);
    int same = want != NULL && info.length == e->len && info.flags == e->flags &&
               memcmp(info.data, want, e->len) == 0;
    free(want);
    esp_secure_cert_free_tlv_info(&info);
    return same ? 1 : -1;
}
