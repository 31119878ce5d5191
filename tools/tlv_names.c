/*
 * TLV type name tables; see tlv_names.h.
 */
#include <stddef.h>
#include <string.h>

#include "tlv_names.h"

typedef struct {
    uint8_t type;
    const char *short_name;
    const char *csv_name; /* the original tool's enum name */
    const char *c_name;   /* the C header's enum name */
} tlv_name_t;

static const tlv_name_t k_names[] = {
    {0, "CA_CERT", "ESP_SECURE_CERT_CA_CERT_TLV", "ESP_SECURE_CERT_CA_CERT_TLV"},
    {1, "DEV_CERT", "ESP_SECURE_CERT_DEV_CERT_TLV", "ESP_SECURE_CERT_DEV_CERT_TLV"},
    {2, "PRIV_KEY", "ESP_SECURE_CERT_PRIV_KEY_TLV", "ESP_SECURE_CERT_PRIV_KEY_TLV"},
    {3, "DS_DATA", "ESP_SECURE_CERT_DS_DATA_TLV", "ESP_SECURE_CERT_DS_DATA_TLV"},
    {4, "DS_CONTEXT", "ESP_SECURE_CERT_DS_CONTEXT_TLV", "ESP_SECURE_CERT_DS_CONTEXT_TLV"},
    {5, "ECDSA_KEY_SALT", "ESP_SECURE_CERT_ECDSA_KEY_SALT_TLV", "ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT"},
    {6, "SEC_CFG", "ESP_SECURE_CERT_SEC_CFG_TLV", "ESP_SECURE_CERT_TLV_SEC_CFG"},
    {7, "TEE_SEC_STORAGE_KEY", "ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV", "ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV"},
    {8, "SIGNATURE_BLOCK", "ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV", "ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV"},
    {9, "INTEGRITY", "ESP_SECURE_CERT_INTEGRITY_TLV", "ESP_SECURE_CERT_INTEGRITY_TLV"},
    {50, "TLV_END", "TLV_END", "ESP_SECURE_CERT_TLV_END"},
    {51, "USER_DATA_1", "ESP_SECURE_CERT_USER_DATA_1_TLV", "ESP_SECURE_CERT_USER_DATA_1"},
    {52, "USER_DATA_2", "ESP_SECURE_CERT_USER_DATA_2_TLV", "ESP_SECURE_CERT_USER_DATA_2"},
    {53, "USER_DATA_3", "ESP_SECURE_CERT_USER_DATA_3_TLV", "ESP_SECURE_CERT_USER_DATA_3"},
    {54, "USER_DATA_4", "ESP_SECURE_CERT_USER_DATA_4_TLV", "ESP_SECURE_CERT_USER_DATA_4"},
    {55, "USER_DATA_5", "ESP_SECURE_CERT_USER_DATA_5_TLV", "ESP_SECURE_CERT_USER_DATA_5"},
    {201, "MATTER_TLV_1", NULL, "ESP_SECURE_CERT_MATTER_TLV_1"},
    {202, "MATTER_TLV_2", NULL, "ESP_SECURE_CERT_MATTER_TLV_2"},
};

static const tlv_name_t *lookup(uint8_t type)
{
    for (size_t i = 0; i < sizeof(k_names) / sizeof(k_names[0]); i++) {
        if (k_names[i].type == type) {
            return &k_names[i];
        }
    }
    return NULL;
}

const char *tlv_short_name(uint8_t type)
{
    const tlv_name_t *n = lookup(type);
    return n ? n->short_name : NULL;
}

const char *tlv_csv_name(uint8_t type)
{
    const tlv_name_t *n = lookup(type);
    return n ? n->csv_name : NULL;
}

int tlv_type_from_name(const char *name, uint8_t *type)
{
    for (size_t i = 0; i < sizeof(k_names) / sizeof(k_names[0]); i++) {
        const tlv_name_t *n = &k_names[i];
        if ((n->csv_name && strcmp(name, n->csv_name) == 0) || strcmp(name, n->c_name) == 0) {
            *type = n->type;
            return 0;
        }
    }
    return -1;
}
