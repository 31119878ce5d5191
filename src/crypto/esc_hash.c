/* SHA-256, one-shot (the incremental form is in esc_sha256_stream.c). */
#include "esc_crypto_psa.h"

int esc_sha256(const void *data, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    if (out == NULL || (data == NULL && len > 0)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    int rc = esc_crypto_init();
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    size_t out_len = 0;
    psa_status_t st = psa_hash_compute(PSA_ALG_SHA_256, (const uint8_t *)data, len, out, ESC_SHA256_LEN, &out_len);
    if (st != PSA_SUCCESS || out_len != ESC_SHA256_LEN) {
        esc_zeroize(out, ESC_SHA256_LEN);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}
