/*
 * Optional pieces of `simulate` that live in other modules.
 *
 * They are weak symbols: when the module that defines one is linked (a file
 * in tools/), simulate calls it; otherwise simulate reports the check as not
 * available. This keeps simulate free of a build-time dependency on work that
 * lands separately.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * DS self-test (helper H7, tools/ds_*.c): sign a fixed message through the
 * public DS path (esp_secure_cert_get_ds_ctx + the host port's DS peripheral,
 * with the eFuse state already loaded by simulate) and check the signature
 * with the RSA public key of the device certificate (dev_cert, as returned
 * by esp_secure_cert_get_device_cert).
 * Returns 0 = pass, 1 = fail (reason in err), -1 = not applicable (no DS
 * entries, or no eFuse key; reason in err).
 */
int esc_sim_ds_self_test(const uint8_t *dev_cert, size_t dev_cert_len, char *err, size_t err_len)
    __attribute__((weak));

#ifdef __cplusplus
}
#endif
