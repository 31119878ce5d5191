/*
 * HMAC-based protection of entries, read side (flags 0x80 and 0x40).
 *
 * Encryption: AES-256-GCM with key = HMAC(K, 32 x 0xFF) and IV = the first 16
 * bytes of HMAC(K, eight little-endian words 0xABCDABCD), where K is the
 * eFuse key with purpose HMAC_UP, used only through the HMAC peripheral.
 * Derivation: PBKDF2-HMAC-SHA256(K, salt, 2048) as a P-256 scalar.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_crypto.h"
#include "esc_protected.h"
#include "esc_tlv.h"
#include "esc_log.h"

#define TAG esc_api_tag

/* Header in front of every secret buffer: its size, padded to keep the
 * user area aligned. */
typedef union {
    size_t len;
    max_align_t align;
} secret_header_t;

void *esc_secret_alloc(size_t len)
{
    if (len > SIZE_MAX - sizeof(secret_header_t)) {
        return NULL;
    }
    secret_header_t *h = esc_port_secret_calloc(sizeof(*h) + len);
    if (h == NULL) {
        return NULL;
    }
    h->len = len;
    return h + 1;
}

void esc_protected_free(void *buf)
{
    if (buf == NULL) {
        return;
    }
    secret_header_t *h = (secret_header_t *)buf - 1;
    esc_zeroize(buf, h->len);
    free(h);
}

esp_err_t esc_value_free(void *value)
{
    if (!esc_value_in_flash(value)) {
        esc_protected_free(value);
    }
    return ESP_OK;
}

esp_err_t esc_protected_find_hmac_key(const esc_port_t *port, int *key_block)
{
    if (port == NULL || port->efuse_get_purpose == NULL || port->hmac_calculate == NULL) {
        return ESP_ERR_NOT_SUPPORTED;
    }
    for (int blk = 0; blk < ESC_EFUSE_KEY_BLOCKS; blk++) {
        esc_key_purpose_t purpose;
        if (port->efuse_get_purpose(port, blk, &purpose) == ESP_OK && purpose == ESC_PURPOSE_HMAC_UP) {
            *key_block = blk;
            return ESP_OK;
        }
    }
    return ESP_ERR_NOT_FOUND;
}

esp_err_t esc_protected_gcm_key_iv(const esc_port_t *port, int key_block, uint8_t key[32], uint8_t iv[16])
{
    uint8_t msg[ESC_HMAC_MESSAGE_LEN];
    memset(msg, 0xFF, sizeof(msg));
    esp_err_t err = port->hmac_calculate(port, key_block, msg, sizeof(msg), key);
    if (err == ESP_OK) {
        uint8_t mac[32];
        for (size_t i = 0; i < sizeof(msg); i += 4) {
            esc_put_le32(msg + i, 0xABCDABCDu);
        }
        err = port->hmac_calculate(port, key_block, msg, sizeof(msg), mac);
        memcpy(iv, mac, ESC_HMAC_IV_LEN);
        esc_zeroize(mac, sizeof(mac));
    }
    if (err != ESP_OK) {
        esc_zeroize(key, 32);
    }
    return err;
}

/*
 * The two ways a reader turns an entry into a heap secret with the HMAC_UP
 * key: derive (in = salt, out = SEC1 DER of the PBKDF2 scalar) or decrypt
 * (in = ciphertext||tag, out = plaintext, the tag checked first). They share
 * the key lookup, the allocation and the wiping.
 */
static esp_err_t hmac_secret(const esc_port_t *port, const uint8_t *in, uint32_t in_len, bool derive, char **out,
                             uint32_t *out_len)
{
    int blk;
    esp_err_t err = esc_protected_find_hmac_key(port, &blk);
    if (err != ESP_OK) {
        ESC_API_LOGE("no HMAC_UP eFuse key");
        return err == ESP_ERR_NOT_SUPPORTED ? err : ESP_FAIL;
    }
    size_t n = derive ? ESC_P256_SEC1_DER_LEN : in_len - ESC_HMAC_TAG_LEN;
    /* One spare byte so a zero-length plaintext still gets a distinct buffer. */
    uint8_t *buf = esc_secret_alloc(n + 1);
    if (buf == NULL) {
        return ESP_ERR_NO_MEM;
    }
    /* The P-256 scalar, or the AES key then the IV: HMAC outputs of the
     * eFuse key, wiped below on every path. */
    uint8_t k[ESC_HMAC_AES_KEY_LEN + ESC_HMAC_IV_LEN];
    const char *why = NULL;
    if (derive) {
        err = esc_protected_derive_scalar(port, blk, in, in_len, k);
        if (err == ESP_OK && esc_p256_sec1_der(k, buf, ESC_P256_SEC1_DER_LEN, &n) != ESC_CRYPTO_OK) {
            why = "derived key is not a P-256 key";
            err = ESP_FAIL;
        }
    } else {
        err = esc_protected_gcm_key_iv(port, blk, k, k + ESC_HMAC_AES_KEY_LEN);
        if (err == ESP_OK) {
            int rc = esc_aes256_gcm_decrypt(k, k + ESC_HMAC_AES_KEY_LEN, ESC_HMAC_IV_LEN, in, n, in + n, buf);
            if (rc != ESC_CRYPTO_OK) {
                why = rc == ESC_CRYPTO_ERR_AUTH ? "decrypt: tag mismatch" : "decrypt failed";
                err = rc == ESC_CRYPTO_ERR_AUTH ? ESP_ERR_INVALID_MAC : ESP_FAIL;
            }
        }
    }
    esc_zeroize(k, sizeof(k));
    if (err != ESP_OK) {
        if (why != NULL) {
            ESC_API_LOGE(why);
        }
        esc_protected_free(buf);
        return err;
    }
    *out = (char *)buf;
    *out_len = (uint32_t)n;
    return ESP_OK;
}

esp_err_t esc_protected_decrypt(const esc_port_t *port, const uint8_t *data, uint32_t len, char **out,
                                uint32_t *out_len)
{
    if (len < ESC_HMAC_TAG_LEN) {
        ESC_API_LOGE("encrypted entry shorter than its tag");
        return ESP_ERR_INVALID_SIZE;
    }
    return hmac_secret(port, data, len, false, out, out_len);
}

static int hmac_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    const esc_hmac_prf_t *p = ctx;
    if (p->port->hmac_calculate(p->port, p->key_block, msg, len, out) != ESP_OK) {
        ESC_API_LOGE("HMAC peripheral failed");
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return 0;
}

int esc_protected_pbkdf2(const esc_hmac_prf_t *key, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                         uint8_t *out, size_t out_len)
{
    return esc_pbkdf2_hmac_sha256_prf(hmac_prf, (void *)(uintptr_t)key, salt, salt_len, iterations, out, out_len);
}

esp_err_t esc_protected_derive_scalar(const esc_port_t *port, int key_block, const uint8_t *salt, size_t salt_len,
                                      uint8_t scalar[32])
{
    esc_hmac_prf_t key = {.port = port, .key_block = key_block};
    if (esc_protected_pbkdf2(&key, salt, salt_len, ESC_HMAC_ECDSA_ITERATIONS, scalar, 32) != 0) {
        esc_zeroize(scalar, 32);
        return ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t esc_protected_derive(const esc_view_t *view, uint8_t subtype, char **out, uint32_t *out_len)
{
    esc_tlv_entry_t salt;
    esc_tlv_result_t r = esc_tlv_find(view->base, view->size, 5 /* HMAC_ECDSA_KEY_SALT */, subtype, &salt);
    if (r != ESC_TLV_OK || salt.length == 0) {
        ESC_LOGE(TAG, r != ESC_TLV_OK ? "no HMAC_ECDSA_KEY_SALT %u" : "empty HMAC_ECDSA_KEY_SALT %u", subtype);
        return ESP_FAIL;
    }
    return hmac_secret(view->port, view->base + salt.data_offset, salt.length, true, out, out_len);
}
