/*
 * ESP partition table parsing and the partition registry of the host port.
 *
 * Image layouts the host port accepts:
 *  - a whole flash dump (esptool read_flash): partition table at 0x8000;
 *  - a bare partition image (what the generators write): the file is the
 *    esp_secure_cert partition.
 * The registry backs the host esp_partition_* functions (include/host/
 * esp_partition.h) and the esc_port of each partition.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_partition.h"
#include "host_flash.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_HOST_PTABLE_OFFSET 0x8000u
#define ESC_HOST_PTABLE_MAX_LEN 0xC00u
#define ESC_HOST_PTABLE_ENTRY_LEN 32u
#define ESC_HOST_PTABLE_MAX_ENTRIES (ESC_HOST_PTABLE_MAX_LEN / ESC_HOST_PTABLE_ENTRY_LEN)
#define ESC_HOST_PTABLE_MAGIC 0x50AAu
#define ESC_HOST_PTABLE_MD5_MAGIC 0xEBEBu
#define ESC_HOST_PTABLE_FLAG_ENCRYPTED 0x1u
#define ESC_HOST_PTABLE_FLAG_READONLY 0x2u

#define ESC_SECURE_CERT_PARTITION_TYPE 0x3Fu
#define ESC_SECURE_CERT_PARTITION_LABEL "esp_secure_cert"
/* Address reported for a bare partition image: the usual place of
 * esp_secure_cert in the reference partition tables. */
#define ESC_HOST_BARE_PARTITION_ADDRESS 0xD000u

typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint32_t address;   /* as the table says (reported in esp_partition_t) */
    uint32_t size;
    uint32_t flags;
    char label[17];
    uint32_t flash_off; /* where the partition starts in the emulated flash (the file) */
} esc_host_ptable_entry_t;

/*
 * Parse a partition table (buf = the bytes at 0x8000, up to 0xC00 used).
 * Entries until the 0xFFFF end marker; an MD5 entry (0xEBEB) is checked
 * against the entries before it. ESP_ERR_NOT_FOUND: no entry magic at the
 * start (not a table). ESP_ERR_INVALID_STATE: malformed (bad magic inside,
 * no end marker). ESP_ERR_INVALID_CRC: MD5 mismatch. flash_off = address.
 */
esp_err_t esc_host_ptable_parse(const uint8_t *buf, size_t len, esc_host_ptable_entry_t *out, size_t cap,
                                size_t *count);

/* Index of the esp_secure_cert partition: type 0x3F with that label, else
 * that label, else the first type 0x3F; -1 if none. */
int esc_host_ptable_pick(const esc_host_ptable_entry_t *e, size_t n);

typedef struct {
    esc_host_ptable_entry_t entries[ESC_HOST_PTABLE_MAX_ENTRIES];
    size_t count;
    int secure;     /* index of the esp_secure_cert partition */
    bool is_dump;   /* a partition table was found */
} esc_host_layout_t;

/*
 * Work out the layout of an image of img_len bytes.
 * want_offset < 0: auto (dump if a table starts at 0x8000, else bare);
 * >= 0: the esp_secure_cert partition starts there (in a dump it must be a
 * table entry). want_size 0: from the table, or the rest of the image
 * rounded up to 4 KiB. Errors name the problem on stderr:
 * ESP_ERR_NOT_FOUND (no such partition), ESP_ERR_INVALID_ARG (unaligned
 * offset/size), ESP_ERR_INVALID_SIZE (offset beyond the image), and the
 * table errors of esc_host_ptable_parse.
 */
esp_err_t esc_host_layout_detect(const uint8_t *img, size_t img_len, int64_t want_offset, uint32_t want_size,
                                 esc_host_layout_t *out);

/* ---- registry (the partitions of the open image) ---- */

/* Publish the layout's partitions over `flash`. */
void esc_host_partitions_install(esc_host_flash_t *flash, const esc_host_layout_t *layout);
void esc_host_partitions_clear(void);
size_t esc_host_partition_count(void);
const esp_partition_t *esc_host_partition_get(size_t index);
/* Index of a partition returned by this registry; -1 for any other pointer. */
int esc_host_partition_index(const esp_partition_t *part);
uint32_t esc_host_partition_flash_off(size_t index);
esc_host_flash_t *esc_host_partitions_flash(void);

#ifdef __cplusplus
}
#endif
