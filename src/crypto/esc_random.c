/* Random bytes from the PSA RNG (the hardware RNG on the device). */
#include "esc_crypto_psa.h"

int esc_random(void *buf, size_t len)
{
    if (len == 0) {
        return ESC_CRYPTO_OK;
    }
    if (buf == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    int rc = esc_crypto_init();
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    if (psa_generate_random((uint8_t *)buf, len) != PSA_SUCCESS) {
        esc_zeroize(buf, len);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}
