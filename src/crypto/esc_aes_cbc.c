/*
 * AES-256-CBC without padding, for DS parameters: the generator encrypts
 * them and the host simulator decrypts them. On the device the DS peripheral
 * decrypts its parameters itself, so the ESP-IDF build leaves this file out.
 */
#include "esc_crypto_psa.h"

static int cbc_crypt(int encrypt, const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t len,
                     uint8_t *out)
{
    if (key == NULL || iv == NULL || len % 16 != 0 || (len > 0 && (in == NULL || out == NULL))) {
        return ESC_CRYPTO_ERR_ARG;
    }
    if (len == 0) {
        return ESC_CRYPTO_OK;
    }
    psa_key_usage_t usage = encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT;
    psa_key_id_t id = 0;
    int rc = esc_psa_import(PSA_KEY_TYPE_AES, PSA_ALG_CBC_NO_PADDING, usage, key, 32, &id);
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    /* Multi-part because the one-shot psa_cipher_encrypt draws its own IV,
     * and the DS format fixes the IV. */
    psa_cipher_operation_t op = PSA_CIPHER_OPERATION_INIT;
    psa_status_t st = encrypt ? psa_cipher_encrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING)
                              : psa_cipher_decrypt_setup(&op, id, PSA_ALG_CBC_NO_PADDING);
    size_t done = 0;
    size_t tail = 0;
    if (st == PSA_SUCCESS) {
        st = psa_cipher_set_iv(&op, iv, 16);
    }
    if (st == PSA_SUCCESS) {
        st = psa_cipher_update(&op, in, len, out, len, &done);
    }
    if (st == PSA_SUCCESS) {
        st = psa_cipher_finish(&op, out + done, len - done, &tail);
    }
    psa_cipher_abort(&op);
    psa_destroy_key(id);
    if (st != PSA_SUCCESS || done + tail != len) {
        esc_zeroize(out, len);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

int esc_aes256_cbc_encrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    return cbc_crypt(1, key, iv, in, len, out);
}

int esc_aes256_cbc_decrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    return cbc_crypt(0, key, iv, in, len, out);
}
