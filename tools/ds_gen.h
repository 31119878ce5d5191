/*
 * DS parameter generation for `esp-secure-cert generate --configure-ds`:
 * from an RSA private key, an eFuse HMAC key and an IV, the DS_DATA and
 * DS_CONTEXT entry values for one chip (layouts in src/format/esc_ds_layout.h,
 * docs/ds.md). The caller draws the HMAC key and IV and writes the entries.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Build the DS_DATA value (20 + c_len bytes: 1220 on 3072-bit chips, 1604 on
 * 4096-bit chips) into ds_data (capacity ds_data_cap, length to
 * *ds_data_len) and the 8-byte DS_CONTEXT value.
 * Returns 0, or 1 with a message in err for bad input: unknown chip or one
 * without an RSA DS peripheral, a key that is not an RSA private key, a key
 * size the chip does not support, efuse_key_id outside 0..5, a too small
 * ds_data buffer. Secrets (the plaintext parameters, the AES key) are wiped.
 */
int esc_ds_build_entries(const char *target_chip, EVP_PKEY *rsa_key, int efuse_key_id, const uint8_t hmac_key[32],
                         const uint8_t iv[16], uint8_t *ds_data, size_t ds_data_cap, size_t *ds_data_len,
                         uint8_t ds_context[8], char *err, size_t err_len);

/*
 * 0 if target_chip has an RSA DS peripheral that takes rsa_bits keys; else 1
 * with a message naming the supported sizes (or the chips with RSA DS).
 */
int esc_ds_chip_supports(const char *target_chip, unsigned rsa_bits, char *err, size_t err_len);

/* "esp32s2, esp32s3, ..." (truncated to cap): the chips with an RSA DS
 * peripheral (want_rsa) or with an ECDSA key peripheral. */
void esc_ds_chip_names(char *buf, size_t cap, bool want_rsa);

/*
 * The same for the ECDSA key peripheral (curve_bits 192/256/384): 0 if the
 * chip has it for that curve, else 1 with the supported curves or chips.
 */
int esc_ds_chip_supports_ecdsa(const char *target_chip, unsigned curve_bits, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
