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

/* Log tag of the API layer ("esp_secure_cert"), one copy for all objects. */
extern const char esc_api_tag[];

/* An error message without arguments under that tag: each site passes only
 * the text instead of a tag, a level and a format. Like ESC_LOGE it
 * compiles to nothing on a device built below the error level. */
void esc_api_log_error(const char *msg);
#if defined(ESP_PLATFORM)
#define ESC_API_LOGE(msg) do {                          \
        if (LOG_LOCAL_LEVEL >= ESP_LOG_ERROR) {         \
            esc_api_log_error(msg);                     \
        }                                               \
    } while (0)
#else
#define ESC_API_LOGE(msg) esc_api_log_error(msg)
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

/* Is `p` inside the current view? */
int esc_view_contains(const void *p);

/* Does `p` point at flash data rather than a heap copy: inside the current
 * view, or wherever the port maps flash, so that a value from a mapping
 * since dropped (unmap, another partition) is still told apart. The free
 * functions release only what this says no to. */
static inline int esc_value_in_flash(const void *p)
{
#if defined(ESP_SECURE_CERT_HOST)
    /* Only a host port without mmap gives a view outside the port's flash. */
    if (esc_view_contains(p)) {
        return 1;
    }
#endif
    return esc_port_ptr_in_flash_map(p);
}

/*
 * Value of an entry as an application sees it: plain entries point into the
 * view; HMAC-encrypted entries are decrypted and HMAC-ECDSA markers derived
 * into a heap buffer the caller frees (esc_value_in_flash tells which).
 */
esp_err_t esc_entry_value(const esc_view_t *view, uint8_t type, uint8_t subtype, char **buffer, uint32_t *len,
                          uint8_t *flags_out, uint8_t *subtype_out);

#ifdef __cplusplus
}
#endif
