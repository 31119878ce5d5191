/*
 * DS byte layouts, the reading side (see esc_ds_layout.h): what firmware
 * needs to check the DS entries. The chip table and the encoders, which only
 * the generator and the host simulator use, are in esc_ds_generate.c.
 */
#include <string.h>

#include "esc_ds_layout.h"
#include "esc_tlv.h"

/* The largest RSA size of the chip class whose ciphertext is c_len bytes,
 * or 0. Only two classes exist; derive rather than list their lengths so
 * that a new 3072- or 4096-bit chip needs no change here. */
static unsigned c_len_class(size_t c_len)
{
    return c_len == ESC_DS_C_LEN(3072) ? 3072u : c_len == ESC_DS_C_LEN(4096) ? 4096u : 0u;
}

/* 1024, 2048, 3072 or 4096 (below 1024 the subtraction wraps high). */
#define RSA_BITS_VALID(bits) ((bits) % 1024u == 0 && (bits) - ESC_DS_MIN_BITS <= ESC_DS_MAX_BITS - ESC_DS_MIN_BITS)

#ifndef ESP_PLATFORM
/* Only the host (generator, tools) asks these two; firmware checks through
 * esc_ds_data_parse and esc_ds_context_decode. */
bool esc_ds_rsa_bits_valid(unsigned rsa_bits)
{
    return RSA_BITS_VALID(rsa_bits);
}

bool esc_ds_c_len_valid(size_t c_len, unsigned *max_bits)
{
    unsigned bits = c_len_class(c_len);
    if (bits != 0 && max_bits != NULL) {
        *max_bits = bits;
    }
    return bits != 0;
}
#endif

esc_ds_result_t esc_ds_data_parse(const uint8_t *data, size_t len, esc_ds_data_view_t *out)
{
    if (data == NULL || out == NULL) {
        return ESC_DS_ERR_ARG;
    }
    memset(out, 0, sizeof(*out));
    if (len < ESC_DS_DATA_HEADER_LEN) {
        return ESC_DS_ERR_LENGTH;
    }
    size_t c_len = len - ESC_DS_DATA_HEADER_LEN;
    unsigned max_bits = c_len_class(c_len);
    if (max_bits == 0) {
        return ESC_DS_ERR_LENGTH;
    }
    uint32_t rsa_length = esc_le32(data);
    /* The key is rsa_length + 1 32-bit words: a non-zero multiple of 32
     * (1024..4096 bits) and at most what the ciphertext carries. Counting
     * words, not bits, keeps a huge stored value from wrapping (a stored
     * 0xFFFFFFFF gives 0 words and is refused). */
    uint32_t words = rsa_length + 1u;
    if (words == 0 || words % 32u != 0 || words > max_bits / 32u) {
        return ESC_DS_ERR_RSA_LENGTH;
    }
    out->rsa_length = rsa_length;
    out->rsa_bits = (unsigned)words * 32u;
    out->max_bits = max_bits;
    out->iv = data + 4;
    out->c = data + ESC_DS_DATA_HEADER_LEN;
    out->c_len = c_len;
    return ESC_DS_OK;
}

esc_ds_result_t esc_ds_context_decode(const uint8_t *data, size_t len, uint8_t *efuse_key_id,
                                      uint16_t *rsa_bits)
{
    if (data == NULL || efuse_key_id == NULL || rsa_bits == NULL) {
        return ESC_DS_ERR_ARG;
    }
    if (len != ESC_DS_CONTEXT_LEN) {
        return ESC_DS_ERR_LENGTH;
    }
    uint16_t bits = (uint16_t)(data[6] | (data[7] << 8));
    /* The pointer slot (bytes 0..3) and the pad byte are not checked: the
     * original reader overwrote/ignored them, so images with junk there work. */
    if (data[4] > ESC_DS_EFUSE_KEY_ID_MAX || !RSA_BITS_VALID((unsigned)bits)) {
        return ESC_DS_ERR_CONTEXT;
    }
    *efuse_key_id = data[4];
    *rsa_bits = bits;
    return ESC_DS_OK;
}
