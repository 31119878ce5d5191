/*
 * Digital Signature peripheral emulation for the host port.
 *
 * Behaves as esp_ds_sign() on the selected chip: the AES key is computed
 * from the eFuse key block by the eFuse/HMAC emulation (the key itself never
 * reaches this file), the parameters are decrypted and checked, and the RSA
 * private operation runs as a Montgomery exponentiation with the decrypted
 * Y, M, Rb and M' operands, as the peripheral does. docs/ds.md lists where
 * it fails and with which error.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esc_port.h"
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Chip whose DS peripheral is emulated (ESP-IDF target name, e.g. "esp32s3").
 * NULL selects the default, esp32c3. An unknown name, or a chip without an
 * RSA DS peripheral, is remembered and makes esc_host_ds_sign return
 * ESP_ERR_NOT_SUPPORTED. Global, like the eFuse emulation. */
void esc_host_ds_set_chip(const char *chip);

/* Name of the selected chip, or NULL if the selection is not an RSA DS chip. */
const char *esc_host_ds_get_chip(void);

/*
 * The port's ds_sign callback. ds_data is an esp_ds_data_t image
 * (i32 rsa_length, iv[16], c[]) of ds_data_len bytes, at least 20 + the
 * chip's ciphertext length (1200 or 1584); message and signature are
 * (rsa_length + 1) * 4 bytes, little-endian as esp_ds_sign takes them.
 * Results, as the ESP-IDF driver reports them:
 *   ESP_OK                              signature written
 *   ESP_ERR_INVALID_ARG                 NULL pointer, key_block not 0..5,
 *                                       rsa_length not a size this chip has;
 *                                       also an authentic plaintext whose L
 *                                       exceeds the chip (the hardware's
 *                                       result is undefined; we refuse)
 *   ESP_ERR_INVALID_SIZE                ds_data_len below the chip's layout
 *   ESP_ERR_NOT_SUPPORTED               the selected chip has no RSA DS
 *   ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL      key block purpose is not
 *                                       HMAC_DOWN_DIGITAL_SIGNATURE/_ALL
 *   ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST the decrypted digest does not match
 *                                       (wrong eFuse key, wrong chip,
 *                                       corrupted data); signature untouched
 *   ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING the padding check failed; the
 *                                       signature is written anyway
 */
esp_err_t esc_host_ds_sign(const esc_port_t *p, int key_block, const uint8_t *ds_data, size_t ds_data_len,
                           const uint8_t *message, uint8_t *signature);

#ifdef __cplusplus
}
#endif
