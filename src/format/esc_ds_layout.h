/*
 * esc_ds_layout: byte layouts of the Digital Signature (DS) peripheral data,
 * per chip. Pure: no I/O, no allocation, no mutable state.
 *
 * Three layouts live here (docs/ds.md has them in prose):
 *
 *  - DS_DATA entry (TLV type 3), the esp_ds_data_t a chip's esp_ds_sign reads:
 *      i32 rsa_length (bits/32 - 1) || iv[16] || c[c_len]
 *    c_len depends on the chip's largest RSA size: 1200 bytes for 3072-bit
 *    chips (esp32c3/c6/h2), 1584 for 4096-bit ones (esp32s2/s3/p4/c5/s31).
 *
 *  - DS_CONTEXT entry (TLV type 4), 8 bytes: the esp_ds_data_ctx_t of a
 *    32-bit device with a zero pointer:
 *      u32 0 || u8 efuse_key_id || u8 0 || u16 rsa_bits      (little-endian)
 *
 *  - The plaintext of c (AES-256-CBC with the IV above and the key
 *    HMAC-SHA256(eFuse key, 32 x 0xFF)), each operand little-endian and
 *    zero-extended to the chip's largest RSA size (B = max_bits / 8 bytes):
 *      Y[B] || M[B] || Rb[B] || MD[32] || M'[4] || L[4] || 0x08 x 8
 *    Y = d, M = n, Rb = 2^(2*bits) mod n, M' = -n^-1 mod 2^32,
 *    L = bits/32 - 1, and MD = SHA-256(Y || M || Rb || M' || L || IV) (note
 *    the order: MD is placed before M' and L but hashes them, and the IV).
 *
 * The chip table follows Espressif's generator (configure_ds.py): which
 * chips have an RSA DS peripheral and up to which size, and which have an
 * ECDSA key peripheral and which curves.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_DS_IV_LEN           16u
#define ESC_DS_DATA_HEADER_LEN  20u  /* rsa_length (4) + iv (16) */
#define ESC_DS_CONTEXT_LEN      8u
#define ESC_DS_MD_LEN           32u
#define ESC_DS_PAD_LEN          8u
#define ESC_DS_PAD_BYTE         0x08u
#define ESC_DS_MIN_BITS         1024u
#define ESC_DS_MAX_BITS         4096u
#define ESC_DS_EFUSE_KEY_ID_MAX 5u   /* KEY0..KEY5 */

/* Ciphertext length for a chip whose largest RSA key has max_bits. */
#define ESC_DS_C_LEN(max_bits) ((size_t)(max_bits) / 8u * 3u + ESC_DS_MD_LEN + 8u + ESC_DS_PAD_LEN)
#define ESC_DS_C_LEN_MAX        ESC_DS_C_LEN(ESC_DS_MAX_BITS)              /* 1584 */
#define ESC_DS_DATA_LEN_MAX     (ESC_DS_DATA_HEADER_LEN + ESC_DS_C_LEN_MAX) /* 1604 */

/* ECDSA curves of the key peripheral, as a bit set. */
#define ESC_DS_ECDSA_P192 0x1u
#define ESC_DS_ECDSA_P256 0x2u
#define ESC_DS_ECDSA_P384 0x4u

typedef struct {
    const char *name;       /* "esp32c3" */
    uint16_t rsa_max_bits;  /* largest RSA DS key; 0: no RSA DS peripheral */
    uint8_t ecdsa_curves;   /* ESC_DS_ECDSA_* bits; 0: no ECDSA key peripheral */
} esc_ds_chip_t;

/* Result codes of this layer. */
typedef enum {
    ESC_DS_OK = 0,
    ESC_DS_ERR_ARG = -1,        /* NULL pointer or value out of range */
    ESC_DS_ERR_LENGTH = -2,     /* entry shorter/longer than any chip's layout */
    ESC_DS_ERR_RSA_LENGTH = -3, /* rsa_length is not 1024/2048/3072/4096 bits or exceeds the ciphertext */
    ESC_DS_ERR_CONTEXT = -4,    /* DS_CONTEXT bytes that a generator never writes */
} esc_ds_result_t;

/* Chips known to the table (RSA DS or ECDSA peripheral), in a fixed order. */
size_t esc_ds_chip_count(void);
const esc_ds_chip_t *esc_ds_chip_at(size_t index);
/* Look a chip up by its ESP-IDF target name; NULL if unknown. */
const esc_ds_chip_t *esc_ds_chip_find(const char *name);

/* RSA DS sizes are 1024, 2048, 3072 and (on 4096-bit chips) 4096 bits. */
bool esc_ds_chip_rsa_supports(const esc_ds_chip_t *chip, unsigned rsa_bits);
bool esc_ds_chip_ecdsa_supports(const esc_ds_chip_t *chip, unsigned curve_bits);

/* c length of a chip (0 without RSA DS). */
size_t esc_ds_chip_c_len(const esc_ds_chip_t *chip);

/* Is rsa_bits one of the sizes the peripheral has (1024..4096 by 1024)?
 * This and esc_ds_c_len_valid are built on the host only (generator and
 * tools); firmware checks through esc_ds_data_parse/esc_ds_context_decode. */
bool esc_ds_rsa_bits_valid(unsigned rsa_bits);

/* Is c_len the ciphertext length of some chip (1200 or 1584)? If so, the
 * largest RSA size it can carry goes to *max_bits (may be NULL). */
bool esc_ds_c_len_valid(size_t c_len, unsigned *max_bits);

/* Offsets inside the plaintext of c for a chip with max_bits. */
typedef struct {
    size_t operand_len; /* B = max_bits / 8 */
    size_t y, m, rb, md, mprime, length, pad;
    size_t total;       /* == ESC_DS_C_LEN(max_bits) */
} esc_ds_plain_layout_t;

esc_ds_result_t esc_ds_plain_layout(unsigned max_bits, esc_ds_plain_layout_t *out);

/* A DS_DATA entry, checked and split (pointers into the caller's bytes). */
typedef struct {
    uint32_t rsa_length;   /* the stored word count minus one */
    unsigned rsa_bits;     /* (rsa_length + 1) * 32 */
    unsigned max_bits;     /* largest RSA size the ciphertext length carries */
    const uint8_t *iv;     /* 16 bytes */
    const uint8_t *c;
    size_t c_len;
} esc_ds_data_view_t;

/*
 * Split a DS_DATA entry: len must be 20 + a chip's c length, rsa_length a
 * valid size that fits that chip class. ESC_DS_ERR_LENGTH / _RSA_LENGTH.
 */
esc_ds_result_t esc_ds_data_parse(const uint8_t *data, size_t len, esc_ds_data_view_t *out);

/* Write the 20-byte DS_DATA header. */
void esc_ds_data_header_encode(uint8_t out[ESC_DS_DATA_HEADER_LEN], unsigned rsa_bits,
                               const uint8_t iv[ESC_DS_IV_LEN]);

/* DS_CONTEXT. decode: len must be 8 (else ESC_DS_ERR_LENGTH), efuse_key_id
 * 0..5 and rsa_bits a valid size (else ESC_DS_ERR_CONTEXT). */
void esc_ds_context_encode(uint8_t out[ESC_DS_CONTEXT_LEN], uint8_t efuse_key_id, uint16_t rsa_bits);
esc_ds_result_t esc_ds_context_decode(const uint8_t *data, size_t len, uint8_t *efuse_key_id,
                                      uint16_t *rsa_bits);

#ifdef __cplusplus
}
#endif
