/*
 * DS end-of-line self-test for `esp-secure-cert simulate`: does the RSA key
 * inside the DS ciphertext match the device certificate?
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * With the host port already opened on the image and the eFuse file loaded,
 * emulate target_chip's DS peripheral (NULL: esp32c3), get the DS context
 * through the public API (esp_secure_cert_get_ds_ctx), sign a SHA-256 test
 * digest PKCS#1 v1.5-padded as ESP-IDF's esp_rsa_ds does, through the port's
 * ds_sign, and verify the signature with OpenSSL against the public key of
 * esp_secure_cert_get_device_cert. efuse_path only names the eFuse file in
 * messages (may be NULL).
 * Returns 0 if the signature verifies, else 1 with the reason in err.
 */
int esc_ds_self_test(const char *target_chip, const char *efuse_path, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
