/*
 * Read side of the HMAC-based key protection: values that are decrypted or
 * derived with the eFuse HMAC_UP key through the port's HMAC peripheral.
 */
#pragma once

#include <stdint.h>

#include "esc_api_internal.h"
#include "esc_tlv.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_HMAC_MESSAGE_LEN 32u
#define ESC_HMAC_IV_LEN 16u
#define ESC_HMAC_TAG_LEN 16u
#define ESC_HMAC_AES_KEY_LEN 32u
#define ESC_HMAC_ECDSA_ITERATIONS 2048u

/* Key block (0..5) whose purpose is HMAC_UP: ESP_OK, ESP_FAIL if there is
 * none, ESP_ERR_NOT_SUPPORTED without eFuse/HMAC support. */
esp_err_t esc_protected_find_hmac_key(const esc_port_t *port, int *key_block);

/* AES-256 key and 16-byte IV of the HMAC-based encryption scheme. `key` also
 * holds an intermediate HMAC output: the caller wipes it on every path. */
esp_err_t esc_protected_gcm_key_iv(const esc_port_t *port, int key_block, uint8_t key[32], uint8_t iv[16]);

/* Value of the entry `e` of `view`, whose flags say HMAC-encrypted (0x80) or
 * HMAC-ECDSA-derived (0x40), as a new heap secret: the plaintext (len - 16
 * bytes; the tag is verified before any plaintext is returned), or the
 * 121-byte SEC1 DER of the P-256 key derived from the salt entry of the
 * same subtype. Freed with esc_value_free. */
esp_err_t esc_protected_value(const esc_view_t *view, const esc_tlv_entry_t *e, char **out, uint32_t *out_len);

/* An eFuse key block used through the port's HMAC peripheral (port NULL:
 * esc_port_chip(), whose HMAC peripheral needs no partition). */
typedef struct {
    const esc_port_t *port;
    int key_block;
} esc_hmac_prf_t;

/* The esc_prf_fn of PBKDF2-HMAC-SHA256 keyed by such a block (ctx: an
 * esc_hmac_prf_t); logs an HMAC failure. */
int esc_protected_hmac_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[32]);

/* Raw 32-byte scalar of the derivation (for the write side). */
esp_err_t esc_protected_derive_scalar(const esc_port_t *port, int key_block, const uint8_t *salt, size_t salt_len,
                                      uint8_t scalar[32]);

/* Release a value the API handed out: flash data stays, heap secrets (which
 * remember their size) are wiped and freed. NULL is ignored. Always ESP_OK
 * (what the free APIs return). */
esp_err_t esc_value_free(void *value);

#ifdef __cplusplus
}
#endif
