/*
 * Read side of the HMAC-based key protection: values that are decrypted or
 * derived with the eFuse HMAC_UP key through the port's HMAC peripheral.
 */
#pragma once

#include <stdint.h>

#include "esc_api_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_HMAC_MESSAGE_LEN 32u
#define ESC_HMAC_IV_LEN 16u
#define ESC_HMAC_TAG_LEN 16u
#define ESC_HMAC_AES_KEY_LEN 32u
#define ESC_HMAC_ECDSA_ITERATIONS 2048u

/* Key block (0..5) whose purpose is HMAC_UP, or ESP_ERR_NOT_FOUND. */
esp_err_t esc_protected_find_hmac_key(const esc_port_t *port, int *key_block);

/* AES-256 key and 16-byte IV of the HMAC-based encryption scheme. */
esp_err_t esc_protected_gcm_key_iv(const esc_port_t *port, int key_block, uint8_t key[32], uint8_t iv[16]);

/* Decrypt ciphertext||tag into a new heap buffer (len - 16 bytes). The tag is
 * verified before any plaintext is returned. */
esp_err_t esc_protected_decrypt(const esc_port_t *port, const uint8_t *data, uint32_t len, char **out,
                                uint32_t *out_len);

/* Derive the P-256 key for `subtype` from its salt entry: a new heap buffer
 * with the 121-byte SEC1 DER. */
esp_err_t esc_protected_derive(const esc_view_t *view, uint8_t subtype, char **out, uint32_t *out_len);

/* An eFuse key block used through the port's HMAC peripheral. */
typedef struct {
    const esc_port_t *port;
    int key_block;
} esc_hmac_prf_t;

/* PBKDF2-HMAC-SHA256 keyed by that block (logs an HMAC failure); the
 * esc_pbkdf2_hmac_sha256_prf result. */
int esc_protected_pbkdf2(const esc_hmac_prf_t *key, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                         uint8_t *out, size_t out_len);

/* Raw 32-byte scalar of the derivation (for the write side). */
esp_err_t esc_protected_derive_scalar(const esc_port_t *port, int key_block, const uint8_t *salt, size_t salt_len,
                                      uint8_t scalar[32]);

/* Heap buffers for secrets remember their size so that they can be wiped
 * when freed through APIs that only pass the pointer. */
void *esc_secret_alloc(size_t len);
void esc_protected_free(void *buf);

/* Release a value the API handed out: flash data stays, heap secrets are
 * wiped and freed. NULL is ignored. Always ESP_OK (what the free APIs return). */
esp_err_t esc_value_free(void *value);

#ifdef __cplusplus
}
#endif
