/* Backend start-up and key import shared by the other esc_*.c files. */
#include "esc_crypto_psa.h"

int esc_crypto_init(void)
{
    /* psa_crypto_init is idempotent: after the first call it only reports
     * success. */
    return psa_crypto_init() == PSA_SUCCESS ? ESC_CRYPTO_OK : ESC_CRYPTO_ERR_BACKEND;
}

int esc_psa_import(psa_key_type_t type, psa_algorithm_t alg, psa_key_usage_t usage, const uint8_t *key,
                   size_t key_len, psa_key_id_t *id)
{
    *id = 0;
    /* The attributes first (plain setters, usable before psa_crypto_init),
     * so that type, alg and usage need not be kept across the init call. */
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, type);
    psa_set_key_algorithm(&attr, alg);
    psa_set_key_usage_flags(&attr, usage);
    int rc = esc_crypto_init();
    if (rc == ESC_CRYPTO_OK) {
        psa_status_t st = psa_import_key(&attr, key, key_len, id);
        if (st != PSA_SUCCESS) {
            *id = 0;
            /* Only a malformed key value is the caller's fault. */
            rc = st == PSA_ERROR_INVALID_ARGUMENT ? ESC_CRYPTO_ERR_KEY : ESC_CRYPTO_ERR_BACKEND;
        }
    }
    psa_reset_key_attributes(&attr);
    return rc;
}

int esc_psa_import_hmac_sha256(const uint8_t *key, size_t key_len, psa_key_id_t *id)
{
    /* HMAC pads the key with zeros to the 64-byte block, so an empty key and
     * a single zero byte give the same MAC; PSA accepts only the latter. */
    static const uint8_t zero_key[1] = {0};
    if (key_len == 0) {
        key = zero_key;
        key_len = sizeof(zero_key);
    }
    return esc_psa_import(PSA_KEY_TYPE_HMAC, PSA_ALG_HMAC(PSA_ALG_SHA_256), PSA_KEY_USAGE_SIGN_MESSAGE, key,
                          key_len, id);
}
