/*
 * DS byte layouts, the reading side (see esc_ds_layout.h): what firmware
 * needs to check the DS entries. The chip table and the encoders, which only
 * the generator and the host simulator use, are in esc_ds_generate.c.
 */
#include <string.h>

#include "esc_ds_layout.h"

static uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

bool esc_ds_rsa_bits_valid(unsigned rsa_bits)
{
    return rsa_bits >= ESC_DS_MIN_BITS && rsa_bits <= ESC_DS_MAX_BITS && rsa_bits % 1024u == 0;
}

bool esc_ds_c_len_valid(size_t c_len, unsigned *max_bits)
{
    /* Only two chip classes exist; derive rather than list them so that a
     * new 3072- or 4096-bit chip needs no change here. */
    static const unsigned classes[] = {3072, 4096};
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (c_len == ESC_DS_C_LEN(classes[i])) {
            if (max_bits != NULL) {
                *max_bits = classes[i];
            }
            return true;
        }
    }
    return false;
}

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
    unsigned max_bits = 0;
    if (!esc_ds_c_len_valid(c_len, &max_bits)) {
        return ESC_DS_ERR_LENGTH;
    }
    uint32_t rsa_length = rd_le32(data);
    /* Compare before multiplying so that a huge stored value cannot wrap. */
    if (rsa_length >= ESC_DS_MAX_BITS / 32u) {
        return ESC_DS_ERR_RSA_LENGTH;
    }
    unsigned bits = (unsigned)(rsa_length + 1u) * 32u;
    if (!esc_ds_rsa_bits_valid(bits) || bits > max_bits) {
        return ESC_DS_ERR_RSA_LENGTH;
    }
    out->rsa_length = rsa_length;
    out->rsa_bits = bits;
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
    if (data[4] > ESC_DS_EFUSE_KEY_ID_MAX || !esc_ds_rsa_bits_valid(bits)) {
        return ESC_DS_ERR_CONTEXT;
    }
    *efuse_key_id = data[4];
    *rsa_bits = bits;
    return ESC_DS_OK;
}
