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
 * user area aligned, so that a free that only gets the pointer can wipe it. */
typedef union {
    size_t len;
    max_align_t align;
} secret_header_t;

esp_err_t esc_value_free(void *value)
{
    if (value != NULL && !esc_value_in_flash(value)) {
        secret_header_t *h = (secret_header_t *)value - 1;
        esc_zeroize(value, h->len);
        free(h);
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
    return ESP_FAIL;
}

esp_err_t esc_protected_gcm_key_iv(const esc_port_t *port, int key_block, uint8_t key[32], uint8_t iv[16])
{
    /* The IV first, as the original does; its HMAC passes through `key`,
     * which the callers wipe on every path. */
    uint8_t msg[ESC_HMAC_MESSAGE_LEN];
    for (size_t i = 0; i < sizeof(msg); i++) {
        msg[i] = (i & 1u) ? 0xABu : 0xCDu; /* 0xABCDABCD, little-endian */
    }
    esp_err_t err = port->hmac_calculate(port, key_block, msg, sizeof(msg), key);
    if (err == ESP_OK) {
        memcpy(iv, key, ESC_HMAC_IV_LEN);
        memset(msg, 0xFF, sizeof(msg));
        err = port->hmac_calculate(port, key_block, msg, sizeof(msg), key);
    }
    return err;
}

int esc_protected_hmac_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    const esc_hmac_prf_t *p = ctx;
    const esc_port_t *port = p->port != NULL ? p->port : esc_port_chip();
    if (port->hmac_calculate(port, p->key_block, msg, len, out) != ESP_OK) {
        ESC_API_LOGE("HMAC peripheral failed");
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

esp_err_t esc_protected_derive_scalar(const esc_port_t *port, int key_block, const uint8_t *salt, size_t salt_len,
                                      uint8_t scalar[32])
{
    /* Every argument is valid here (both callers pass a salt in memory), so
     * a failure can only come from the HMAC calls, after which the PBKDF2
     * loop has already wiped `scalar`. */
    esc_hmac_prf_t key = {.port = port, .key_block = key_block};
    return esc_pbkdf2_hmac_sha256_prf(esc_protected_hmac_prf, &key, salt, salt_len, ESC_HMAC_ECDSA_ITERATIONS, scalar,
                                      32) == ESC_CRYPTO_OK
               ? ESP_OK
               : ESP_FAIL;
}

/*
 * The two ways a reader turns an entry into a heap secret with the HMAC_UP
 * key: derive (in = the salt entry, out = SEC1 DER of the PBKDF2 scalar) or
 * decrypt (in = ciphertext||tag, out = plaintext, the tag checked first).
 */
esp_err_t esc_protected_value(const esc_view_t *view, const esc_tlv_entry_t *e, char **out, uint32_t *out_len)
{
    const uint8_t *in = view->base + e->data_offset;
    uint32_t in_len = e->length;
    bool derive = esc_tlv_flag_is_hmac_ecdsa_derived(e->flags);
    size_t n;
    if (derive) {
        /* The salt lives in its own entry of the same subtype as the marker. */
        esc_tlv_entry_t salt;
        if (esc_tlv_find(view->base, view->size, 5 /* HMAC_ECDSA_KEY_SALT */, e->subtype, &salt) != ESC_TLV_OK ||
            salt.length == 0) {
            ESC_LOGE(TAG, "no salt for subtype %u", e->subtype);
            return ESP_FAIL;
        }
        in = view->base + salt.data_offset;
        in_len = salt.length;
        n = ESC_P256_SEC1_DER_LEN;
    } else {
        if (in_len < ESC_HMAC_TAG_LEN) {
            ESC_API_LOGE("encrypted entry < 16 bytes");
            return ESP_ERR_INVALID_SIZE;
        }
        n = in_len - ESC_HMAC_TAG_LEN;
    }
    int blk;
    esp_err_t err = esc_protected_find_hmac_key(view->port, &blk);
    if (err != ESP_OK) {
        ESC_API_LOGE("no HMAC_UP eFuse key");
        return err;
    }
    /* One spare byte so a zero-length plaintext still gets a distinct
     * buffer. n + 1 <= 0x10000: no overflow. */
    secret_header_t *h = esc_port_secret_calloc(sizeof(*h) + n + 1);
    if (h == NULL) {
        return ESP_ERR_NO_MEM;
    }
    h->len = n + 1;
    uint8_t *buf = (uint8_t *)(h + 1);
    /* The P-256 scalar, or the AES key then the IV: HMAC outputs of the
     * eFuse key, wiped below on every path. */
    uint8_t k[ESC_HMAC_AES_KEY_LEN + ESC_HMAC_IV_LEN];
    int rc = ESC_CRYPTO_OK;
    const char *why;
    if (derive) {
        err = esc_protected_derive_scalar(view->port, blk, in, in_len, k);
        if (err == ESP_OK) {
            rc = esc_p256_sec1_der(k, buf, ESC_P256_SEC1_DER_LEN, &n);
        }
        why = "bad derived P-256 key";
    } else {
        err = esc_protected_gcm_key_iv(view->port, blk, k, k + ESC_HMAC_AES_KEY_LEN);
        if (err == ESP_OK) {
            rc = esc_aes256_gcm_decrypt(k, k + ESC_HMAC_AES_KEY_LEN, ESC_HMAC_IV_LEN, in, n, in + n, buf);
        }
        why = rc == ESC_CRYPTO_ERR_AUTH ? "decrypt: bad tag" : "decrypt failed";
    }
    /* One wipe for every path: the barrier keeps the compiler from copying
     * it into each branch to specialise the checks below. */
    __asm__("" : "+r"(rc), "+r"(err), "+r"(why));
    esc_zeroize(k, sizeof(k));
    if (rc != ESC_CRYPTO_OK) {
        /* Only the decryption reports ESC_CRYPTO_ERR_AUTH. */
        ESC_API_LOGE(why);
        err = rc == ESC_CRYPTO_ERR_AUTH ? ESP_ERR_INVALID_MAC : ESP_FAIL;
    }
    if (err != ESP_OK) {
        esc_value_free(buf);
        return err;
    }
    *out = (char *)buf;
    *out_len = (uint32_t)n;
    return ESP_OK;
}
