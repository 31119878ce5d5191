/*
 * Shared state of the API layer: which partition is in use and the bytes of
 * it that readers walk. Read and write paths both go through this so that a
 * write is seen by the next read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esc_port.h"
#include "esp_secure_cert_tlv_read.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A readable view of the whole partition: mapped flash, or a heap copy when
 * the port cannot map. Valid until esc_view_invalidate() or unmap. */
typedef struct {
    const esc_port_t *port;
    const uint8_t *base;
    size_t size;
} esc_view_t;

/* Map (or reuse the mapping of) the selected partition. ESP_FAIL if no
 * partition can be found or mapped. */
esp_err_t esc_view_get(esc_view_t *view);

/* The port of the selected partition without mapping it (writers). */
const esc_port_t *esc_current_port(void);

/* Forget the mapping so the next esc_view_get sees flash as it is now.
 * Writers call this after every program/erase. */
void esc_view_invalidate(void);

/* Is `p` inside the current view? (free functions: mapped data is not
 * freed, heap results are). */
int esc_view_contains(const void *p);

/*
 * Value of an entry as an application sees it: plain entries point into the
 * view; HMAC-encrypted entries are decrypted and HMAC-ECDSA markers derived
 * into a heap buffer the caller frees (esc_view_contains tells which).
 */
esp_err_t esc_entry_value(const esc_view_t *view, uint8_t type, uint8_t subtype, char **buffer, uint32_t *len,
                          uint8_t *flags_out, uint8_t *subtype_out);

#ifdef __cplusplus
}
#endif
