/*
 * Appending one entry to the image being generated. This is the only place
 * the generator lays out bytes, and it does so through the library's writer
 * in buffer mode, so generated images and device-written partitions share one
 * encoder.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * buf (capacity cap, initialised to 0xFF) holds a TLV list ending at *end.
 * Append (type, subtype, flags, data[len]) and advance *end. 0 on success,
 * -1 with a message in err (e.g. when the image would not fit in cap).
 */
int gen_append(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
               const uint8_t *data, size_t len, char *err, size_t err_len);

/*
 * The same through esp_secure_cert_append_tlv_with_hmac_encryption: data is
 * stored as AES-GCM ciphertext || tag (len + 16 bytes), flags | 0x80. Needs
 * the emulated chip open with an HMAC_UP key (gen_efuse.h).
 */
int gen_append_hmac_encrypted(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
                              const uint8_t *data, size_t len, char *err, size_t err_len);

/*
 * HMAC_ECDSA_KEY_SALT (type 5) holding `salt` and the PRIV_KEY marker
 * (length 0, flags 0x40) of `subtype`, as one batch, through
 * esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation. Same requirement.
 */
int gen_append_hmac_derived(uint8_t *buf, size_t cap, size_t *end, uint8_t subtype, const uint8_t *salt,
                            size_t salt_len, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
