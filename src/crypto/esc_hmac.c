/* HMAC-SHA256 with the key in memory. */
#include "esc_crypto_psa.h"

int esc_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t out[ESC_SHA256_LEN])
{
    if (out == NULL || (key == NULL && key_len > 0) || (msg == NULL && msg_len > 0)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    psa_key_id_t id = 0;
    int rc = esc_psa_import_hmac_sha256(key, key_len, &id);
    if (rc != ESC_CRYPTO_OK) {
        return rc == ESC_CRYPTO_ERR_KEY ? ESC_CRYPTO_ERR_ARG : rc;
    }
    size_t out_len = 0;
    psa_status_t st = psa_mac_compute(id, PSA_ALG_HMAC(PSA_ALG_SHA_256), (const uint8_t *)msg, msg_len, out,
                                      ESC_SHA256_LEN, &out_len);
    psa_destroy_key(id);
    if (st != PSA_SUCCESS || out_len != ESC_SHA256_LEN) {
        esc_zeroize(out, ESC_SHA256_LEN);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}
