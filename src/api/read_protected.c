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

static const char *TAG = "esp_secure_cert";

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

/* The HMAC_UP key block for a reader; says why not if there is none. */
static esp_err_t reader_key_block(const esc_port_t *port, const char *action, int *blk)
{
    esp_err_t err = esc_protected_find_hmac_key(port, blk);
    if (err != ESP_OK) {
        ESC_LOGE(TAG, "No eFuse key with purpose HMAC_UP: cannot %s", action);
        return err == ESP_ERR_NOT_SUPPORTED ? err : ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t esc_protected_gcm_key_iv(const esc_port_t *port, int key_block, uint8_t key[32], uint8_t iv[16])
{
    uint8_t msg[ESC_HMAC_MESSAGE_LEN];
    uint8_t mac[32];
    memset(msg, 0xFF, sizeof(msg));
    esp_err_t err = port->hmac_calculate(port, key_block, msg, sizeof(msg), key);
    if (err == ESP_OK) {
        for (size_t i = 0; i < sizeof(msg); i += 4) {
            esc_put_le32(msg + i, 0xABCDABCDu);
        }
        err = port->hmac_calculate(port, key_block, msg, sizeof(msg), mac);
        memcpy(iv, mac, ESC_HMAC_IV_LEN);
    }
    esc_zeroize(mac, sizeof(mac));
    if (err != ESP_OK) {
        esc_zeroize(key, 32);
    }
    return err;
}

esp_err_t esc_protected_decrypt(const esc_port_t *port, const uint8_t *data, uint32_t len, char **out,
                                uint32_t *out_len)
{
    if (len < ESC_HMAC_TAG_LEN) {
        ESC_LOGE(TAG, "Encrypted entry is shorter than its tag");
        return ESP_ERR_INVALID_SIZE;
    }
    int blk;
    esp_err_t err = reader_key_block(port, "decrypt", &blk);
    if (err != ESP_OK) {
        return err;
    }
    uint32_t plain_len = len - ESC_HMAC_TAG_LEN;
    /* One spare byte so a zero-length plaintext still gets a distinct buffer. */
    uint8_t *plain = esc_secret_alloc(plain_len + 1);
    if (plain == NULL) {
        return ESP_ERR_NO_MEM;
    }
    /* AES key then IV: both HMAC outputs of the eFuse key, wiped together. */
    uint8_t key_iv[32 + 16];
    uint8_t *iv = key_iv + 32;
    err = esc_protected_gcm_key_iv(port, blk, key_iv, iv);
    if (err == ESP_OK) {
        int rc = esc_aes256_gcm_decrypt(key_iv, iv, 16, data, plain_len, data + plain_len, plain);
        if (rc != ESC_CRYPTO_OK) {
            ESC_LOGE(TAG, "Decryption failed: %s", rc == ESC_CRYPTO_ERR_AUTH ? "tag mismatch" : "crypto error");
            err = rc == ESC_CRYPTO_ERR_AUTH ? ESP_ERR_INVALID_MAC : ESP_FAIL;
        }
    }
    esc_zeroize(key_iv, sizeof(key_iv));
    if (err != ESP_OK) {
        esc_protected_free(plain);
        return err;
    }
    *out = (char *)plain;
    *out_len = plain_len;
    return ESP_OK;
}

typedef struct {
    const esc_port_t *port;
    int key_block;
} hmac_prf_t;

static int hmac_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    const hmac_prf_t *p = ctx;
    return p->port->hmac_calculate(p->port, p->key_block, msg, len, out) == ESP_OK ? 0 : ESC_CRYPTO_ERR_BACKEND;
}

esp_err_t esc_protected_derive_scalar(const esc_port_t *port, int key_block, const uint8_t *salt, size_t salt_len,
                                      uint8_t scalar[32])
{
    hmac_prf_t prf = {.port = port, .key_block = key_block};
    if (esc_pbkdf2_hmac_sha256_prf(hmac_prf, &prf, salt, salt_len, ESC_HMAC_ECDSA_ITERATIONS, scalar, 32) != 0) {
        esc_zeroize(scalar, 32);
        return ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t esc_protected_derive(const esc_view_t *view, uint8_t subtype, char **out, uint32_t *out_len)
{
    esc_tlv_entry_t salt;
    if (esc_tlv_find(view->base, view->size, 5 /* HMAC_ECDSA_KEY_SALT */, subtype, &salt) != ESC_TLV_OK) {
        ESC_LOGE(TAG, "No valid HMAC_ECDSA_KEY_SALT entry for subtype %u", subtype);
        return ESP_FAIL;
    }
    if (salt.length == 0) {
        ESC_LOGE(TAG, "HMAC_ECDSA_KEY_SALT entry is empty");
        return ESP_FAIL;
    }
    int blk;
    esp_err_t err = reader_key_block(view->port, "derive the key", &blk);
    if (err != ESP_OK) {
        return err;
    }
    uint8_t *der = esc_secret_alloc(ESC_P256_SEC1_DER_LEN);
    if (der == NULL) {
        return ESP_ERR_NO_MEM;
    }
    uint8_t scalar[32];
    size_t der_len = 0;
    err = esc_protected_derive_scalar(view->port, blk, view->base + salt.data_offset, salt.length, scalar);
    if (err == ESP_OK && esc_p256_sec1_der(scalar, der, ESC_P256_SEC1_DER_LEN, &der_len) != ESC_CRYPTO_OK) {
        ESC_LOGE(TAG, "Derived value is not a valid P-256 private key");
        err = ESP_FAIL;
    }
    esc_zeroize(scalar, sizeof(scalar));
    if (err != ESP_OK) {
        esc_protected_free(der);
        return err;
    }
    *out = (char *)der;
    *out_len = (uint32_t)der_len;
    return ESP_OK;
}
