/*
 * The chip's eFuses as image generation sees them.
 *
 * Keys that the image needs are checked against an existing eFuse state
 * (`generate --efuse FILE`, docs/efuse-file.md) before anything is written,
 * and HMAC-protected entries are written by the library's own HMAC writers
 * (esp_secure_cert_append_tlv_with_hmac_encryption / _with_hmac_ecdsa_
 * derivation, buffer mode). Those reach the HMAC_UP key only through the
 * host port's emulated eFuse and HMAC peripheral, exactly as on a chip, so
 * generation runs against an emulated chip: a scratch partition opened
 * read-only through esp_secure_cert_host_open_buffer (the writers need an
 * open port even in buffer mode; nothing is ever written to it), the eFuse
 * file loaded into it (never saved back), and the HMAC_UP key "burned" there
 * in memory when the file does not hold it yet. The key therefore never
 * passes through a separate code path of the library, and the library stays
 * free of any tool-only API.
 *
 * One emulated chip exists per process (the host port is global): open,
 * use, close, with no other esp_secure_cert_host_open* in between.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esc_port.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    bool open;
    const char *path;   /* the --efuse file, or NULL (all blocks blank) */
    uint8_t *scratch;   /* the emulated partition (unused by buffer-mode writes) */
} gen_efuse_t;

/* Open the emulated chip with the eFuse state of `path` (NULL: blank). 0, or
 * -1 with a message naming the file. */
int gen_efuse_open(gen_efuse_t *fx, const char *path, char *err, size_t err_len);
/* Close it and forget every key (safe on a closed or zeroed handle). */
void gen_efuse_close(gen_efuse_t *fx);

/*
 * Can key block `block` (0..5) serve `purpose` with `key` (32 bytes; NULL =
 * a key not known here)? On 0, *present tells whether the block already
 * holds exactly this key with this purpose (nothing to burn) or is blank
 * (burn it). -1 with a message naming the block, its current purpose and the
 * eFuse file when the block is taken: another purpose, another key, or data
 * in a USER block. With `key_le` the key may also be stored byte-reversed
 * (espefuse stores ECDSA scalars little-endian).
 */
int gen_efuse_check_block(const gen_efuse_t *fx, int block, esc_key_purpose_t purpose, const uint8_t *key,
                          bool key_le, bool *present, char *err, size_t err_len);

/* Lowest key block with `purpose`, or -1. */
int gen_efuse_first_with_purpose(const gen_efuse_t *fx, esc_key_purpose_t purpose);

/* Burn `key` with `purpose` into the emulated chip (memory only), read-
 * protected as espefuse does for HMAC keys. */
int gen_efuse_burn(gen_efuse_t *fx, int block, esc_key_purpose_t purpose, const uint8_t key[32], char *err,
                   size_t err_len);

/*
 * The HMAC-derived ECDSA key of `salt`, computed as the device does it:
 * PBKDF2-HMAC-SHA256 with the emulated HMAC peripheral over the HMAC_UP key
 * in `block` (2048 iterations), the result taken as a P-256 scalar. Only the
 * public key (0x04 || X || Y) comes out. -1 with a message when the scalar
 * is not a valid P-256 key (about one salt in 2^32) or the block does not
 * hold an HMAC_UP key.
 */
int gen_efuse_derived_public(const gen_efuse_t *fx, int block, const uint8_t *salt, size_t salt_len,
                             uint8_t pub[65], char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
