/*
 * TLV type names; see tlv_names.h.
 */
#include <stdio.h>
#include <string.h>

#include "esp_secure_cert_tlv_config.h"
#include "tlv_names.h"

const char *tlv_short_name(uint8_t type)
{
    if (type >= ESP_SECURE_CERT_TLV_MAX) {
        return NULL; /* bounds of the type space, never an entry's type */
    }
    if (type == ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT) {
        return "ECDSA_KEY_SALT";
    }
    return esc_tlv_type_name(type);
}

/* The original tool's enum held the system types up to INTEGRITY, the end
 * marker and the five user data types; Matter came later. */
static bool in_original_tool(uint8_t type)
{
    return type <= ESP_SECURE_CERT_INTEGRITY_TLV || type == ESP_SECURE_CERT_TLV_END ||
           (type >= ESP_SECURE_CERT_USER_DATA_1 && type <= ESP_SECURE_CERT_USER_DATA_5);
}

const char *tlv_csv_name(uint8_t type, char *buf, size_t cap)
{
    const char *name = tlv_short_name(type);
    if (name == NULL || !in_original_tool(type)) {
        return NULL;
    }
    if (type == ESP_SECURE_CERT_TLV_END) {
        return "TLV_END";
    }
    snprintf(buf, cap, "ESP_SECURE_CERT_%s_TLV", name);
    return buf;
}

/* The C header's spelling: the system types before the salt and after it
 * keep the _TLV suffix, except SEC_CFG (ESP_SECURE_CERT_TLV_SEC_CFG); the
 * salt, the end marker, user data and Matter types have none. */
static const char *header_name(uint8_t type, char *buf, size_t cap)
{
    const char *name = esc_tlv_type_name(type);
    if (type == ESP_SECURE_CERT_TLV_SEC_CFG) {
        return "ESP_SECURE_CERT_TLV_SEC_CFG";
    }
    bool suffix = type <= ESP_SECURE_CERT_INTEGRITY_TLV && type != ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT;
    snprintf(buf, cap, "ESP_SECURE_CERT_%s%s", name, suffix ? "_TLV" : "");
    return buf;
}

int tlv_type_from_name(const char *name, uint8_t *type)
{
    for (unsigned t = 0; t < ESP_SECURE_CERT_TLV_MAX; t++) {
        char buf[TLV_NAME_LEN];
        if (tlv_short_name((uint8_t)t) == NULL) {
            continue;
        }
        const char *csv = tlv_csv_name((uint8_t)t, buf, sizeof(buf));
        if ((csv != NULL && strcmp(name, csv) == 0) || strcmp(name, header_name((uint8_t)t, buf, sizeof(buf))) == 0) {
            *type = (uint8_t)t;
            return 0;
        }
    }
    return -1;
}

const char *tlv_type_label(uint8_t type, char *buf, size_t cap)
{
    const char *name = tlv_short_name(type);
    if (name != NULL) {
        return name;
    }
    snprintf(buf, cap, "type %u", type);
    return buf;
}

const char *tlv_entry_label(const esc_tlv_entry_t *e, char *buf, size_t cap)
{
    char tb[TLV_NAME_LEN];
    snprintf(buf, cap, "%s/%u at 0x%04x", tlv_type_label(e->type, tb, sizeof(tb)), e->subtype, (unsigned)e->offset);
    return buf;
}
