/*
 * Shared by the HMAC writers (write_hmac_encrypt.c, write_hmac_derive.c).
 * docs/hmac-write.md describes what they write and in which order.
 */
#pragma once

#include "esc_port.h"
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shortest salt the HMAC-ECDSA writers accept (bytes): 128 bits, the
 * minimum of NIST SP 800-132. The original took any non-empty salt; its own
 * provisioning draws 32 bytes. */
#define ESC_HMAC_ECDSA_SALT_MIN_LEN 16u

/*
 * The eFuse key block with purpose HMAC_UP, as the writers report it, through
 * `port` (the chip port: no partition needed): ESP_ERR_NOT_SUPPORTED (the
 * chip has no HMAC peripheral or key purposes),
 * ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND.
 */
esp_err_t esc_write_hmac_key_block(const esc_port_t *port, int *key_block);

/*
 * Log `format` as an error and return `err`. One out-of-line call instead of
 * a log call at every failure site keeps the writers small; the format takes
 * at most one conversion, for `arg` (%u or %x).
 */
esp_err_t esc_hmac_fail(esp_err_t err, const char *format, unsigned arg);

#ifdef __cplusplus
}
#endif
