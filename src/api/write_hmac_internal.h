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
 * The writers' error messages, by name. They are stored back to back in one
 * string (no per-string alignment), and a failure site passes a small index
 * instead of a pointer: both save flash on the device. Each takes at most
 * one conversion, for the `arg` of esc_hmac_fail (%u or %x).
 */
#define ESC_HMAC_MESSAGES(X)                                   \
    X(NO_HW, "no HMAC/eFuse keys")                             \
    X(NO_KEY, "no HMAC_UP key")                                \
    X(ENC_LEN, "%u + 16 tag bytes > 65535")                    \
    X(ENC_FLAGS, "flags 0x%x: 0x40 not allowed")               \
    X(WRITE, "HMAC entry write failed (0x%x)")                 \
    X(SALT_LEN, "salt NULL or %u bytes (16..65535)")           \
    X(RNG, "RNG failed")                                       \
    X(BURN, "eFuse burn failed (0x%x)")                        \
    X(NO_BLOCK, "no free eFuse block")                         \
    X(USED, "subtype %u already used")                         \
    X(SW_PBKDF2, "SW PBKDF2 failed")                           \
    X(PUB, "public key calc failed")                           \
    X(TRIES, "no valid key in 30 tries")                       \
    X(KEY_EXISTS, "HMAC_UP key already in KEY%u")              \
    X(HW_PBKDF2, "HMAC PBKDF2 failed")                         \
    X(MISMATCH, "HMAC/SW PBKDF2 differ")                       \
    X(NO_PART, "partition not found")                          \
    X(PART_READ, "partition read failed")                      \
    X(BUSY, "write in progress")

#define ESC_HMAC_MSG_ID_(name, text) ESC_HMAC_MSG_##name,
typedef enum { ESC_HMAC_MESSAGES(ESC_HMAC_MSG_ID_) } esc_hmac_msg_t;
#undef ESC_HMAC_MSG_ID_

/*
 * Log message `msg` as an error and return `err`. One out-of-line call
 * instead of a log call at every failure site keeps the writers small.
 */
esp_err_t esc_hmac_fail(esp_err_t err, esc_hmac_msg_t msg, unsigned arg);

#ifdef __cplusplus
}
#endif
