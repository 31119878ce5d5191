/*
 * Internals of the write API, shared by the write_*.c files and by code that
 * builds on the append path (write_hmac.c, the CLI, tests, benchmarks).
 *
 * Layering: the public functions (write_api.c) validate arguments and turn
 * them into esc_write_item_t; esc_write_items() then encodes every item with
 * the format core and hands the image to either the buffer writer
 * (write_buffer.c) or the flash writer (write_flash.c). The flash writer
 * takes the port as a parameter so that tests and benchmarks can drive it on
 * any port; docs/power-loss.md explains its order of operations.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esc_port.h"
#include "esp_err.h"
#include "esp_secure_cert_write.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Filler entry: written only by the flash writer's recovery, to cover bytes a
 * power cut left half-programmed after the last entry. Readers walk past it
 * by its length like any entry (its CRC is valid), but never return it: the
 * getters report it as not found and the iterator skips it. The type is
 * ESP_SECURE_CERT_TLV_INVALID, which no writer accepts from an application.
 */
/* Log tag of the writer's messages (one copy for all write_*.c files). */
extern const char esc_write_tag[];

#define ESC_WRITE_FILLER_TYPE    0xFFu
#define ESC_WRITE_FILLER_SUBTYPE 0x00u
#define ESC_WRITE_FILLER_FLAGS   0x00u

/* One entry to append, already validated. `data` may be NULL when length is 0. */
typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint8_t flags;
    uint16_t length;
    const uint8_t *data;
} esc_write_item_t;

/* ---- validation (write_validate.c) ---- */

/* Check an application's entry and convert it. Errors, in this order:
 * ESP_ERR_INVALID_ARG (NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_DATA (NULL data
 * with a non-zero length), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE (type
 * TLV_END, TLV_MAX, TLV_INVALID or out of range; subtype above SUBTYPE_MAX),
 * ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH (length above 0xFFFF). */
esp_err_t esc_write_item_from_info(const esp_secure_cert_tlv_info_t *info, esc_write_item_t *out);

/* Items of one call must not repeat a (type, subtype):
 * ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS. */
esp_err_t esc_write_items_unique(const esc_write_item_t *items, size_t n);

/* NULL -> flash mode with check_erase on; otherwise check the mode
 * (ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE) and that reserved[] is zero
 * (ESP_ERR_INVALID_ARG). */
esp_err_t esc_write_resolve_config(const esp_secure_cert_write_config_t *in, esp_secure_cert_write_config_t *out);

/* ---- encoding (write_encode.c) ---- */

/* Encode the items back to back into dst (sized by a first call with dst
 * NULL, which only counts). Returns the image size (each entry a multiple of
 * 16), 0 if an item has NULL data with a non-zero length, or SIZE_MAX if
 * the total overflows size_t (callers then report that it does not fit). */
size_t esc_write_encode(const esc_write_item_t *items, size_t n, uint8_t *dst);

/* `err` (and a message with both sizes) if need > avail, else ESP_OK. */
esp_err_t esc_write_room(size_t need, size_t avail, esp_err_t err);

/* ---- reading a partition image the way readers do (write_scan.c) ---- */

/*
 * The entries readers accept, in order: walking from offset 0, the list ends
 * at the first offset without the magic, at an entry that does not fit, or at
 * the first entry whose CRC fails. Returns the offset after the last accepted
 * entry (where an append goes).
 */
uint32_t esc_write_list_end(const uint8_t *img, size_t size);

/* ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS (and a message naming it) if an
 * accepted non-filler entry of `img` (up to the list's end) has the
 * (type, subtype) of one of the items. */
esp_err_t esc_write_check_absent(const uint8_t *img, size_t size, const esc_write_item_t *items, size_t n);

/* ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS (and a message naming it) if one
 * of the n items has this (type, subtype). */
esp_err_t esc_write_not_in(const esc_write_item_t *items, size_t n, unsigned type, unsigned subtype);

/* ---- buffer mode (write_buffer.c) ---- */

/*
 * Append the items to a caller's image. The append offset is *bytes_written
 * when given (it must be where the entries in the buffer end:
 * ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID otherwise), else the end of the
 * entries found in the buffer. On success *bytes_written becomes the new end.
 * ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW if the items do not fit; nothing is
 * changed on any error.
 */
esp_err_t esc_buffer_append(uint8_t *buf, size_t size, size_t *bytes_written, const esc_write_item_t *items,
                            size_t n);

/* ---- flash mode (write_flash.c), caller holds the write lock ---- */

typedef struct {
    bool check_erase; /* re-read the target range and refuse to program it unless it is 0xFF */
    bool auto_erase;  /* allow an erase (with rebuild of the sector's entries) when nothing else works */
} esc_flash_opts_t;

/* What the last esc_flash_append did to the tail, for tests and benchmarks. */
typedef struct {
    uint32_t fillers_written;
    uint32_t rolled_forward;
    uint32_t sectors_erased;   /* harmless erases of sectors without committed bytes */
    uint32_t sectors_rebuilt;  /* auto_erase: sectors erased and their entries re-programmed */
} esc_flash_report_t;

/*
 * Append the items to the partition behind `port`, power-loss safe (see
 * docs/power-loss.md). `report` may be NULL. Errors:
 * ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS, ESP_ERR_INVALID_SIZE (the entries
 * do not fit in the free space), ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED (the
 * tail after the last entry cannot be reused without erasing a sector that
 * holds entries, and auto_erase is off), ESP_ERR_SECURE_CERT_FLASH_READ_FAILED,
 * ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED, ESP_ERR_SECURE_CERT_ERASE_FAILED,
 * ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY.
 */
esp_err_t esc_flash_append(const esc_port_t *port, const esc_write_item_t *items, size_t n,
                           const esc_flash_opts_t *opts, esc_flash_report_t *report);

/* Erase the whole partition. ESP_ERR_SECURE_CERT_ERASE_FAILED on failure. */
esp_err_t esc_flash_erase_all(const esc_port_t *port);

/* Whether [off, off+len) reads as 0xFF (port and erased not NULL).
 * ESP_ERR_INVALID_SIZE out of range,
 * ESP_ERR_SECURE_CERT_FLASH_READ_FAILED if a read fails. */
esp_err_t esc_flash_is_erased(const esc_port_t *port, size_t off, size_t len, bool *erased);

/* ---- the common path of every append (write_api.c) ---- */

/*
 * Append already validated items, with `cfg` (NULL = flash defaults): buffer
 * mode, or flash mode under the port's write lock
 * (ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS if another writer holds it). The
 * items are written all or nothing. For the HMAC writers: give them the
 * stored form (ciphertext, flags with the protection bit).
 */
esp_err_t esc_write_items(const esc_write_item_t *items, size_t n, const esp_secure_cert_write_config_t *cfg);

#ifdef __cplusplus
}
#endif
