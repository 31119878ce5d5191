/*
 * The emulated DS peripheral (src/port/host/host_ds.c) fails where the chip
 * does, with the ESP-IDF error codes: key purpose, wrong key, tampered
 * ciphertext or IV, padding, chip mismatch, bad arguments. Good signatures
 * are compared with OpenSSL's; tampered plaintexts are re-encrypted here with
 * OpenSSL (AES key = HMAC-SHA256(eFuse key, 32 x 0xFF), README "RSA DS").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>

#include "ds_gen.h"
#include "esc_ds_layout.h"
#include "host_ds.h"
#include "host_efuse.h"
#include "test_ds_helpers.h"

#define KEY_BLOCK 2

static const uint8_t hmac_key[32] = "ESC-TEST-ONLY-DS-EMULATION-KEY!";
static const uint8_t iv0[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

typedef struct {
    EVP_PKEY *k1024, *k2048;
    uint8_t c3_2048[ESC_DS_DATA_LEN_MAX]; /* zero-padded to the host esp_ds_data_t */
    size_t c3_2048_len;
    uint8_t s3_2048[ESC_DS_DATA_LEN_MAX];
    size_t s3_2048_len;
    uint8_t c3_1024[ESC_DS_DATA_LEN_MAX];
    size_t c3_1024_len;
    uint8_t hash[32];
    uint8_t msg[256];  /* PKCS#1 message for 2048 bits, little-endian */
    uint8_t want[256]; /* OpenSSL's signature, big-endian */
} fixture_t;

static void build(const char *chip, EVP_PKEY *key, uint8_t *out, size_t *len)
{
    uint8_t ctx[8];
    char err[256];
    memset(out, 0, ESC_DS_DATA_LEN_MAX);
    if (esc_ds_build_entries(chip, key, KEY_BLOCK, hmac_key, iv0, out, ESC_DS_DATA_LEN_MAX, len, ctx, err,
                             sizeof(err)) != 0) {
        fail_msg("build %s: %s", chip, err);
    }
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->k1024 = tds_gen_rsa(1024);
    f->k2048 = tds_gen_rsa(2048);
    assert_non_null(f->k1024);
    assert_non_null(f->k2048);
    build("esp32c3", f->k2048, f->c3_2048, &f->c3_2048_len);
    build("esp32s3", f->k2048, f->s3_2048, &f->s3_2048_len);
    build("esp32c3", f->k1024, f->c3_1024, &f->c3_1024_len);
    assert_int_equal(EVP_Digest("ds emulation", 12, f->hash, NULL, EVP_sha256(), NULL), 1);
    tds_ds_message(f->hash, f->msg, 256);
    assert_int_equal(tds_openssl_sign(f->k2048, f->hash, f->want, 256), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    EVP_PKEY_free(f->k1024);
    EVP_PKEY_free(f->k2048);
    free(f);
    return 0;
}

/* Fresh eFuses with `key` burned in KEY_BLOCK for `purpose`, chip selected. */
static void efuse_with(esc_key_purpose_t purpose, const uint8_t key[32], const char *chip)
{
    esc_host_efuse_reset();
    assert_int_equal(esc_host_efuse_write_key(KEY_BLOCK, purpose, key, false), ESP_OK);
    esc_host_ds_set_chip(chip);
}

static void assert_sig_ok(const fixture_t *f, const uint8_t *ds, size_t ds_len)
{
    uint8_t sig_le[256], sig[256];
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, ds_len, f->msg, sig_le), ESP_OK);
    tds_reverse(sig, sig_le, 256);
    assert_memory_equal(sig, f->want, 256);
}

/* The signature buffer is left as it was (the driver reads no result). */
static void assert_fails_untouched(const fixture_t *f, const uint8_t *ds, size_t ds_len, esp_err_t want)
{
    uint8_t sig[256], before[256];
    memset(sig, 0xa5, sizeof(sig));
    memcpy(before, sig, sizeof(sig));
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, ds_len, f->msg, sig), want);
    assert_memory_equal(sig, before, sizeof(sig));
}

static void test_sign_matches_openssl(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    assert_sig_ok(f, f->c3_2048, ESC_DS_DATA_LEN_MAX);
    assert_sig_ok(f, f->c3_2048, f->c3_2048_len); /* exactly the entry, no tail */
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32s3");
    assert_sig_ok(f, f->s3_2048, f->s3_2048_len);
    /* A block for both downstream uses serves the DS too, as on the chip. */
    efuse_with(ESC_PURPOSE_HMAC_DOWN_ALL, hmac_key, "esp32c3");
    assert_sig_ok(f, f->c3_2048, f->c3_2048_len);
    /* So does a read-protected key: the peripheral reads it, software cannot. */
    esc_host_efuse_reset();
    assert_int_equal(esc_host_efuse_write_key(KEY_BLOCK, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, true),
                     ESP_OK);
    assert_sig_ok(f, f->c3_2048, f->c3_2048_len);
}

static void test_wrong_key_purpose(void **state)
{
    fixture_t *f = *state;
    static const esc_key_purpose_t wrong[] = {ESC_PURPOSE_HMAC_UP, ESC_PURPOSE_HMAC_DOWN_JTAG, ESC_PURPOSE_USER,
                                              ESC_PURPOSE_XTS_AES_128_KEY, ESC_PURPOSE_ECDSA_KEY};
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        esc_host_efuse_reset();
        if (wrong[i] != ESC_PURPOSE_USER) {
            assert_int_equal(esc_host_efuse_write_key(KEY_BLOCK, wrong[i], hmac_key, false), ESP_OK);
        }
        esc_host_ds_set_chip("esp32c3");
        assert_fails_untouched(f, f->c3_2048, f->c3_2048_len, ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL);
    }
    /* Right purpose but in another block than the one asked for. */
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    uint8_t sig[256];
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK + 1, f->c3_2048, f->c3_2048_len, f->msg, sig),
                     ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL);
}

static void test_wrong_hmac_key(void **state)
{
    fixture_t *f = *state;
    uint8_t other[32];
    memcpy(other, hmac_key, 32);
    other[31] ^= 0x01;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, other, "esp32c3");
    assert_fails_untouched(f, f->c3_2048, f->c3_2048_len, ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST);
}

static void test_tampered_data(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    /* One flipped bit anywhere in the IV or ciphertext: IV, first block,
     * a middle block, the MD block, the last block (M', L, padding). */
    static const size_t at[] = {4, 19, 20, 35, 620, 1180, 1203, 1219};
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        uint8_t ds[ESC_DS_DATA_LEN_MAX];
        memcpy(ds, f->c3_2048, sizeof(ds));
        ds[at[i]] ^= 0x10;
        assert_fails_untouched(f, ds, f->c3_2048_len, ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST);
    }
}

/* Decrypt c with OpenSSL, let `edit` change the plaintext, encrypt again. */
static void recrypt(const uint8_t *ds, size_t c_len, uint8_t *out, void (*edit)(uint8_t *plain, size_t len))
{
    static const uint8_t ff[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t aes[32], plain[ESC_DS_C_LEN_MAX];
    unsigned aes_len = 32;
    assert_non_null(HMAC(EVP_sha256(), hmac_key, 32, ff, 32, aes, &aes_len));
    int n = 0, m = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, aes, ds + 4), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_DecryptUpdate(c, plain, &n, ds + 20, (int)c_len), 1);
    assert_int_equal(EVP_DecryptFinal_ex(c, plain + n, &m), 1);
    edit(plain, c_len);
    memcpy(out, ds, 20);
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, aes, ds + 4), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_EncryptUpdate(c, out + 20, &n, plain, (int)c_len), 1);
    assert_int_equal(EVP_EncryptFinal_ex(c, out + 20 + n, &m), 1);
    EVP_CIPHER_CTX_free(c);
}

static void bad_padding(uint8_t *plain, size_t len)
{
    plain[len - 1] = 0x07;
}

static void bad_padding_and_md(uint8_t *plain, size_t len)
{
    plain[len - 1] = 0x07;
    plain[len - 48] ^= 0x01; /* first MD byte: 32 + 8 + 8 from the end */
}

static void test_padding_failure_still_signs(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    uint8_t ds[ESC_DS_DATA_LEN_MAX] = {0};
    recrypt(f->c3_2048, 1200, ds, bad_padding);
    /* ESP-IDF: "padding check failed, but result is produced anyway". */
    uint8_t sig_le[256], sig[256];
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, f->c3_2048_len, f->msg, sig_le),
                     ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING);
    tds_reverse(sig, sig_le, 256);
    assert_memory_equal(sig, f->want, 256);
    /* Both checks failing reports the digest, with no result. */
    recrypt(f->c3_2048, 1200, ds, bad_padding_and_md);
    assert_fails_untouched(f, ds, f->c3_2048_len, ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST);
}

static void test_data_for_another_chip(void **state)
{
    fixture_t *f = *state;
    /* esp32c3 data on an esp32s3: the peripheral decrypts 1584 bytes. */
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32s3");
    assert_fails_untouched(f, f->c3_2048, ESC_DS_DATA_LEN_MAX, ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST);
    /* esp32s3 data on an esp32c3: it decrypts the first 1200. */
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    assert_fails_untouched(f, f->s3_2048, f->s3_2048_len, ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST);
}

static void test_bad_arguments(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    uint8_t sig[512];
    assert_int_equal(esc_host_ds_sign(NULL, -1, f->c3_2048, f->c3_2048_len, f->msg, sig), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_ds_sign(NULL, 6, f->c3_2048, f->c3_2048_len, f->msg, sig), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, NULL, f->c3_2048_len, f->msg, sig), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, f->c3_2048, f->c3_2048_len, NULL, sig), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, f->c3_2048, f->c3_2048_len, f->msg, NULL), ESP_ERR_INVALID_ARG);
    /* Shorter than the chip's layout: nothing past ds_data_len is read. */
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, f->c3_2048, f->c3_2048_len - 1, f->msg, sig),
                     ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, f->c3_2048, 0, f->msg, sig), ESP_ERR_INVALID_SIZE);
    /* Clear-text rsa_length of no DS size, or above the chip's maximum. */
    static const uint32_t bad_len[] = {0, 30, 32, 127, 128, 0xffffffffu};
    for (size_t i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
        uint8_t ds[ESC_DS_DATA_LEN_MAX];
        memcpy(ds, f->c3_2048, sizeof(ds));
        ds[0] = (uint8_t)bad_len[i];
        ds[1] = (uint8_t)(bad_len[i] >> 8);
        ds[2] = (uint8_t)(bad_len[i] >> 16);
        ds[3] = (uint8_t)(bad_len[i] >> 24);
        assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, sizeof(ds), f->msg, sig), ESP_ERR_INVALID_ARG);
    }
}

static void test_chip_selection(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    static const char *no_rsa_ds[] = {"esp32c61", "esp32", "esp32c2", "bogus", ""};
    uint8_t sig[256];
    for (size_t i = 0; i < sizeof(no_rsa_ds) / sizeof(no_rsa_ds[0]); i++) {
        esc_host_ds_set_chip(no_rsa_ds[i]);
        assert_null(esc_host_ds_get_chip());
        assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, f->c3_2048, f->c3_2048_len, f->msg, sig),
                         ESP_ERR_NOT_SUPPORTED);
    }
    esc_host_ds_set_chip(NULL);
    assert_string_equal(esc_host_ds_get_chip(), "esp32c3");
    esc_host_ds_set_chip("esp32h2");
    assert_string_equal(esc_host_ds_get_chip(), "esp32h2");
    assert_sig_ok(f, f->c3_2048, f->c3_2048_len); /* h2 shares c3's layout */
}

/* The peripheral computes with L from the ciphertext; the clear-text
 * rsa_length only sets how many words software writes and reads back
 * (ESP-IDF esp_ds.h). */
static void test_clear_length_only_sizes_io(void **state)
{
    fixture_t *f = *state;
    efuse_with(ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, "esp32c3");
    uint8_t h[32], msg1024[128], want[128];
    assert_int_equal(EVP_Digest("short", 5, h, NULL, EVP_sha256(), NULL), 1);
    tds_ds_message(h, msg1024, 128);
    assert_int_equal(tds_openssl_sign(f->k1024, h, want, 128), 0);

    /* 1024-bit parameters announced as 2048: 64 words go in and out; the
     * upper 32 input words are ignored and the upper output words are 0. */
    uint8_t ds[ESC_DS_DATA_LEN_MAX];
    memcpy(ds, f->c3_1024, sizeof(ds));
    ds[0] = 63;
    uint8_t msg[256], sig_le[256], sig[128];
    memcpy(msg, msg1024, 128);
    memset(msg + 128, 0x5c, 128);
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, sizeof(ds), msg, sig_le), ESP_OK);
    tds_reverse(sig, sig_le, 128);
    assert_memory_equal(sig, want, 128);
    static const uint8_t zero[128];
    assert_memory_equal(sig_le + 128, zero, 128);

    /* 2048-bit parameters announced as 1024: only 32 words are written (the
     * rest reads as zero) and only 32 come back. Expected value with
     * OpenSSL's big numbers: (low half of the message)^d mod n. */
    memcpy(ds, f->c3_2048, sizeof(ds));
    ds[0] = 31;
    uint8_t out_le[256];
    memset(out_le, 0xee, sizeof(out_le));
    assert_int_equal(esc_host_ds_sign(NULL, KEY_BLOCK, ds, sizeof(ds), f->msg, out_le), ESP_OK);
    BIGNUM *n = NULL, *d = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(f->k2048, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(f->k2048, OSSL_PKEY_PARAM_RSA_D, &d), 1);
    BIGNUM *x = BN_lebin2bn(f->msg, 128, NULL), *z = BN_new();
    BN_CTX *bc = BN_CTX_new();
    assert_int_equal(BN_mod_exp(z, x, d, n, bc), 1);
    uint8_t z_le[256];
    assert_int_equal(BN_bn2lebinpad(z, z_le, 256), 256);
    assert_memory_equal(out_le, z_le, 128);
    for (size_t i = 128; i < 256; i++) {
        assert_int_equal(out_le[i], 0xee); /* not written */
    }
    BN_CTX_free(bc);
    BN_free(x);
    BN_free(z);
    BN_free(n);
    BN_clear_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_matches_openssl),
        cmocka_unit_test(test_wrong_key_purpose),
        cmocka_unit_test(test_wrong_hmac_key),
        cmocka_unit_test(test_tampered_data),
        cmocka_unit_test(test_padding_failure_still_signs),
        cmocka_unit_test(test_data_for_another_chip),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_chip_selection),
        cmocka_unit_test(test_clear_length_only_sizes_io),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
