/*
 * Names of TLV types as the CLI shows and reads them.
 *
 * The short names ("CA_CERT", "ECDSA_KEY_SALT") are those of the vectors'
 * expected.json; the CSV names are the original tool's enum names
 * ("ESP_SECURE_CERT_CA_CERT_TLV"), which its CSV files use. The C header
 * names (ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, ESP_SECURE_CERT_USER_DATA_1, ...)
 * are accepted on input as well.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NULL for a type without a name. */
const char *tlv_short_name(uint8_t type);
const char *tlv_csv_name(uint8_t type);
/* 0 and *type on success, -1 if the name is unknown. */
int tlv_type_from_name(const char *name, uint8_t *type);

#ifdef __cplusplus
}
#endif
