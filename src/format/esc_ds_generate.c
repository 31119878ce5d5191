/*
 * DS layouts, the generating side (see esc_ds_layout.h): the per-chip table,
 * the plaintext layout of c and the entry encoders. The generator (CLI) and
 * the host simulator use these; the ESP-IDF build leaves this file out, as
 * firmware only reads DS entries (esc_ds_layout.c).
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
