/*
 * DS byte layouts and the per-chip table (see esc_ds_layout.h).
 */
#include <string.h>

#include "esc_ds_layout.h"

/* From Espressif's configure_ds.py (supported_key_size_rsa / _ecdsa). */
static const esc_ds_chip_t chips[] = {
    {"esp32s2", 4096, 0},
    {"esp32s3", 4096, 0},
    {"esp32c3", 3072, 0},
    {"esp32c6", 3072, 0},
    {"esp32h2", 3072, ESC_DS_ECDSA_P256},
    {"esp32p4", 4096, ESC_DS_ECDSA_P256},
    {"esp32c5", 4096, ESC_DS_ECDSA_P256 | ESC_DS_ECDSA_P384},
    {"esp32c61", 0, ESC_DS_ECDSA_P192 | ESC_DS_ECDSA_P256},
    {"esp32s31", 4096, ESC_DS_ECDSA_P256 | ESC_DS_ECDSA_P384},
};

static uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

size_t esc_ds_chip_count(void)
{
    return sizeof(chips) / sizeof(chips[0]);
}

const esc_ds_chip_t *esc_ds_chip_at(size_t index)
{
    return index < esc_ds_chip_count() ? &chips[index] : NULL;
}

const esc_ds_chip_t *esc_ds_chip_find(const char *name)
{
    if (name == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < esc_ds_chip_count(); i++) {
        if (strcmp(chips[i].name, name) == 0) {
            return &chips[i];
        }
    }
    return NULL;
}

bool esc_ds_rsa_bits_valid(unsigned rsa_bits)
{
    return rsa_bits >= ESC_DS_MIN_BITS && rsa_bits <= ESC_DS_MAX_BITS && rsa_bits % 1024u == 0;
}

bool esc_ds_chip_rsa_supports(const esc_ds_chip_t *chip, unsigned rsa_bits)
{
    return chip != NULL && esc_ds_rsa_bits_valid(rsa_bits) && rsa_bits <= chip->rsa_max_bits;
}

bool esc_ds_chip_ecdsa_supports(const esc_ds_chip_t *chip, unsigned curve_bits)
{
    if (chip == NULL) {
        return false;
    }
    switch (curve_bits) {
    case 192: return (chip->ecdsa_curves & ESC_DS_ECDSA_P192) != 0;
    case 256: return (chip->ecdsa_curves & ESC_DS_ECDSA_P256) != 0;
    case 384: return (chip->ecdsa_curves & ESC_DS_ECDSA_P384) != 0;
    default: return false;
    }
}

size_t esc_ds_chip_c_len(const esc_ds_chip_t *chip)
{
    if (chip == NULL || chip->rsa_max_bits == 0) {
        return 0;
    }
    return ESC_DS_C_LEN(chip->rsa_max_bits);
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

esc_ds_result_t esc_ds_plain_layout(unsigned max_bits, esc_ds_plain_layout_t *out)
{
    if (out == NULL || !esc_ds_rsa_bits_valid(max_bits)) {
        return ESC_DS_ERR_ARG;
    }
    size_t b = max_bits / 8u;
    out->operand_len = b;
    out->y = 0;
    out->m = b;
    out->rb = 2 * b;
    out->md = 3 * b;
    out->mprime = out->md + ESC_DS_MD_LEN;
    out->length = out->mprime + 4;
    out->pad = out->length + 4;
    out->total = out->pad + ESC_DS_PAD_LEN;
    return ESC_DS_OK;
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

void esc_ds_data_header_encode(uint8_t out[ESC_DS_DATA_HEADER_LEN], unsigned rsa_bits,
                               const uint8_t iv[ESC_DS_IV_LEN])
{
    uint32_t l = rsa_bits / 32u - 1u;
    out[0] = (uint8_t)l;
    out[1] = (uint8_t)(l >> 8);
    out[2] = (uint8_t)(l >> 16);
    out[3] = (uint8_t)(l >> 24);
    memcpy(out + 4, iv, ESC_DS_IV_LEN);
}

void esc_ds_context_encode(uint8_t out[ESC_DS_CONTEXT_LEN], uint8_t efuse_key_id, uint16_t rsa_bits)
{
    memset(out, 0, ESC_DS_CONTEXT_LEN);
    out[4] = efuse_key_id;
    out[6] = (uint8_t)rsa_bits;
    out[7] = (uint8_t)(rsa_bits >> 8);
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
