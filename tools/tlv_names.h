/*
 * Names of TLV types as the CLI shows and reads them, all derived from the
 * library's names (esc_tlv_type_name) so that a new type needs no second
 * table here.
 *
 * The short names ("CA_CERT") are the library's, except that the salt is
 * "ECDSA_KEY_SALT" as in the vectors' expected.json. The CSV names are the
 * original tool's enum names ("ESP_SECURE_CERT_CA_CERT_TLV"), which its CSV
 * files use. The C header's enum names (ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT,
 * ESP_SECURE_CERT_USER_DATA_1, ...) are accepted on input as well.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esc_tlv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any name built here. */
#define TLV_NAME_LEN 64

/* NULL for a type without a name (and for the markers 254 and 255). */
const char *tlv_short_name(uint8_t type);
/* The CSV name, built in buf (TLV_NAME_LEN bytes); NULL for a type the
 * original tool did not know. */
const char *tlv_csv_name(uint8_t type, char *buf, size_t cap);
/* CSV or C header name -> type: 0 and *type, or -1 if the name is unknown. */
int tlv_type_from_name(const char *name, uint8_t *type);

/* For messages: the short name, or "type 77" (buf: TLV_NAME_LEN bytes). */
const char *tlv_type_label(uint8_t type, char *buf, size_t cap);
/* For messages: "CA_CERT/0 at 0x0040" (buf: TLV_NAME_LEN bytes). */
const char *tlv_entry_label(const esc_tlv_entry_t *e, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
