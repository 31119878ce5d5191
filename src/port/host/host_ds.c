/*
 * DS peripheral emulation (see host_ds.h, docs/ds.md).
 *
 * The order of checks follows ESP-IDF's esp_ds_start_sign/esp_ds_finish_sign
 * and the peripheral: arguments and the clear-text rsa_length first, then
 * the HMAC key (its purpose), then decryption and the digest/padding checks.
 * As on the chip, the exponentiation uses the length L from the decrypted
 * parameters; the clear-text rsa_length only says how many message words
 * are written and how many result words are read back.
 */
#include <string.h>

#include "esc_crypto.h"
#include "esc_ds_layout.h"
#include "host_ds.h"
#include "host_efuse.h"

#define DS_MAX_WORDS (ESC_DS_MAX_BITS / 32u)
#define WINDOW_BITS 4u
#define WINDOW_SIZE (1u << WINDOW_BITS)

static const esc_ds_chip_t *selected_chip;
static int chip_explicit; /* 0: not set yet -> default */

void esc_host_ds_set_chip(const char *chip)
{
    chip_explicit = 1;
    const esc_ds_chip_t *c = esc_ds_chip_find(chip != NULL ? chip : "esp32c3");
    selected_chip = (c != NULL && c->rsa_max_bits != 0) ? c : NULL;
}

static const esc_ds_chip_t *current_chip(void)
{
    if (!chip_explicit) {
        esc_host_ds_set_chip(NULL);
    }
    return selected_chip;
}

const char *esc_host_ds_get_chip(void)
{
    const esc_ds_chip_t *c = current_chip();
    return c != NULL ? c->name : NULL;
}

/* ---- Montgomery arithmetic on little-endian 32-bit words, as the RSA
 * accelerator the DS drives: R = 2^(32 n), Rb = R^2 mod M, M' = -M^-1 mod 2^32. */

typedef struct {
    const uint32_t *m;
    uint32_t mprime;
    size_t n;
} mont_t;

/* r = a * b * R^-1 mod M, for a, b < R and M odd; r may alias a or b. */
static void mont_mul(uint32_t *r, const uint32_t *a, const uint32_t *b, const mont_t *ctx)
{
    uint32_t t[DS_MAX_WORDS + 2];
    size_t n = ctx->n;
    memset(t, 0, (n + 2) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        uint64_t c = 0;
        for (size_t j = 0; j < n; j++) {
            c = (uint64_t)t[j] + (uint64_t)a[j] * b[i] + (c >> 32);
            t[j] = (uint32_t)c;
        }
        c = (uint64_t)t[n] + (c >> 32);
        t[n] = (uint32_t)c;
        t[n + 1] = (uint32_t)(c >> 32);

        uint32_t q = t[0] * ctx->mprime;
        c = (uint64_t)t[0] + (uint64_t)q * ctx->m[0];
        for (size_t j = 1; j < n; j++) {
            c = (uint64_t)t[j] + (uint64_t)q * ctx->m[j] + (c >> 32);
            t[j - 1] = (uint32_t)c;
        }
        c = (uint64_t)t[n] + (c >> 32);
        t[n - 1] = (uint32_t)c;
        t[n] = t[n + 1] + (uint32_t)(c >> 32);
    }
    /* t < 2M: subtract M once if t >= M, choosing by mask rather than branch. */
    uint32_t d[DS_MAX_WORDS];
    uint64_t borrow = 0;
    for (size_t j = 0; j < n; j++) {
        uint64_t s = (uint64_t)t[j] - ctx->m[j] - borrow;
        d[j] = (uint32_t)s;
        borrow = (s >> 63) & 1u;
    }
    uint32_t use_d = (uint32_t)0 - (uint32_t)((t[n] != 0) | (borrow == 0));
    for (size_t j = 0; j < n; j++) {
        r[j] = (d[j] & use_d) | (t[j] & ~use_d);
    }
    esc_zeroize(t, sizeof(t));
    esc_zeroize(d, sizeof(d));
}

/* z = x^y mod M with a fixed 4-bit window; the table entry is picked by
 * scanning all of them so that memory access does not depend on y. */
static void mont_exp(uint32_t *z, const uint32_t *x, const uint32_t *y, const uint32_t *rb, const mont_t *ctx)
{
    uint32_t table[WINDOW_SIZE][DS_MAX_WORDS];
    uint32_t acc[DS_MAX_WORDS], pick[DS_MAX_WORDS], one[DS_MAX_WORDS];
    size_t n = ctx->n;

    memset(one, 0, n * sizeof(uint32_t));
    one[0] = 1;
    mont_mul(table[0], one, rb, ctx); /* R mod M: Montgomery form of 1 */
    mont_mul(table[1], x, rb, ctx);   /* x R mod M */
    for (size_t w = 2; w < WINDOW_SIZE; w++) {
        mont_mul(table[w], table[w - 1], table[1], ctx);
    }
    memcpy(acc, table[0], n * sizeof(uint32_t));
    for (size_t i = n * 32u; i >= WINDOW_BITS; i -= WINDOW_BITS) {
        size_t bit = i - WINDOW_BITS;
        uint32_t win = (y[bit / 32u] >> (bit % 32u)) & (WINDOW_SIZE - 1u);
        for (unsigned s = 0; s < WINDOW_BITS; s++) {
            mont_mul(acc, acc, acc, ctx);
        }
        for (size_t j = 0; j < n; j++) {
            uint32_t v = 0;
            for (uint32_t w = 0; w < WINDOW_SIZE; w++) {
                uint32_t hit = (uint32_t)0 - (uint32_t)(w == win);
                v |= table[w][j] & hit;
            }
            pick[j] = v;
        }
        mont_mul(acc, acc, pick, ctx);
    }
    mont_mul(z, acc, one, ctx); /* out of Montgomery form */
    esc_zeroize(table, sizeof(table));
    esc_zeroize(acc, sizeof(acc));
    esc_zeroize(pick, sizeof(pick));
}

static void load_words(uint32_t *w, const uint8_t *b, size_t words)
{
    for (size_t i = 0; i < words; i++) {
        w[i] = (uint32_t)b[4 * i] | ((uint32_t)b[4 * i + 1] << 8) | ((uint32_t)b[4 * i + 2] << 16) |
               ((uint32_t)b[4 * i + 3] << 24);
    }
}

static void store_words(uint8_t *b, const uint32_t *w, size_t words)
{
    for (size_t i = 0; i < words; i++) {
        b[4 * i] = (uint8_t)w[i];
        b[4 * i + 1] = (uint8_t)(w[i] >> 8);
        b[4 * i + 2] = (uint8_t)(w[i] >> 16);
        b[4 * i + 3] = (uint8_t)(w[i] >> 24);
    }
}

/* Digest check and exponentiation over decrypted parameters. */
static esp_err_t ds_compute(const esc_ds_plain_layout_t *lay, const uint8_t *plain, const uint8_t *iv,
                            size_t out_words, const uint8_t *message, uint8_t *signature)
{
    uint8_t md[ESC_SHA256_LEN];
    esc_sha256_ctx_t sha;
    if (esc_sha256_start(&sha) != 0 || esc_sha256_update(&sha, plain, lay->md) != 0 ||
        esc_sha256_update(&sha, plain + lay->mprime, 8) != 0 || esc_sha256_update(&sha, iv, ESC_DS_IV_LEN) != 0 ||
        esc_sha256_finish(&sha, md) != 0) {
        return ESP_FAIL;
    }
    esc_zeroize(&sha, sizeof(sha));
    int md_ok = esc_ct_memcmp(md, plain + lay->md, sizeof(md)) == 0;
    static const uint8_t pad[ESC_DS_PAD_LEN] = {8, 8, 8, 8, 8, 8, 8, 8};
    int pad_ok = esc_ct_memcmp(pad, plain + lay->pad, ESC_DS_PAD_LEN) == 0;
    if (!md_ok) {
        /* The driver reads no result on a digest failure (with or without a
         * padding failure). */
        return ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST;
    }

    uint32_t l_inner;
    load_words(&l_inner, plain + lay->length, 1);
    size_t max_words = lay->operand_len / 4u;
    if (l_inner >= max_words) {
        return ESP_ERR_INVALID_ARG;
    }
    size_t n = l_inner + 1u;

    uint32_t y[DS_MAX_WORDS], m[DS_MAX_WORDS], rb[DS_MAX_WORDS], x[DS_MAX_WORDS], z[DS_MAX_WORDS];
    load_words(y, plain + lay->y, n);
    load_words(m, plain + lay->m, n);
    load_words(rb, plain + lay->rb, n);
    uint32_t mprime;
    load_words(&mprime, plain + lay->mprime, 1);
    /* Message words the software did not write read as zero here. */
    memset(x, 0, sizeof(x));
    load_words(x, message, out_words < n ? out_words : n);

    esp_err_t ret = ESP_OK;
    if ((m[0] & 1u) == 0) {
        /* Montgomery reduction needs an odd modulus; an authentic blob always
         * has one, so this is a generator bug: refuse rather than compute junk. */
        ret = ESP_ERR_INVALID_ARG;
    } else {
        mont_t ctx = {m, mprime, n};
        mont_exp(z, x, y, rb, &ctx);
        memset(signature, 0, out_words * 4u);
        store_words(signature, z, out_words < n ? out_words : n);
        ret = pad_ok ? ESP_OK : ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING;
    }
    esc_zeroize(y, sizeof(y));
    esc_zeroize(z, sizeof(z));
    esc_zeroize(x, sizeof(x));
    return ret;
}

esp_err_t esc_host_ds_sign(const esc_port_t *p, int key_block, const uint8_t *ds_data, size_t ds_data_len,
                           const uint8_t *message, uint8_t *signature)
{
    (void)p; /* the eFuse emulation is global */
    if (ds_data == NULL || message == NULL || signature == NULL || key_block < 0 ||
        key_block > (int)ESC_DS_EFUSE_KEY_ID_MAX) {
        return ESP_ERR_INVALID_ARG;
    }
    const esc_ds_chip_t *chip = current_chip();
    if (chip == NULL) {
        return ESP_ERR_NOT_SUPPORTED;
    }
    esc_ds_plain_layout_t lay;
    if (esc_ds_plain_layout(chip->rsa_max_bits, &lay) != ESC_DS_OK) {
        return ESP_ERR_NOT_SUPPORTED;
    }
    if (ds_data_len < ESC_DS_DATA_HEADER_LEN + lay.total) {
        return ESP_ERR_INVALID_SIZE;
    }
    uint32_t rsa_length;
    load_words(&rsa_length, ds_data, 1);
    if (rsa_length >= ESC_DS_MAX_BITS / 32u || !esc_ds_chip_rsa_supports(chip, (rsa_length + 1u) * 32u)) {
        return ESP_ERR_INVALID_ARG;
    }
    if (esc_crypto_init() != ESC_CRYPTO_OK) {
        return ESP_FAIL;
    }

    static const uint8_t all_ff[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    uint8_t aes_key[32];
    esp_err_t err = esc_host_efuse_hmac_any(key_block, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, all_ff,
                                            sizeof(all_ff), aes_key);
    if (err == ESP_ERR_INVALID_ARG) {
        return ESP_ERR_INVALID_ARG;
    }
    if (err != ESP_OK) {
        esc_zeroize(aes_key, sizeof(aes_key));
        return ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL;
    }

    uint8_t plain[ESC_DS_C_LEN_MAX];
    const uint8_t *iv = ds_data + 4;
    if (esc_aes256_cbc_decrypt(aes_key, iv, ds_data + ESC_DS_DATA_HEADER_LEN, lay.total, plain) != 0) {
        err = ESP_FAIL;
    } else {
        err = ds_compute(&lay, plain, iv, rsa_length + 1u, message, signature);
    }
    esc_zeroize(aes_key, sizeof(aes_key));
    esc_zeroize(plain, sizeof(plain));
    return err;
}
