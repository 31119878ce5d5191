/*
 * HMAC-protected keys read through the public API with an emulated eFuse
 * HMAC_UP key (vectors v28-v31, written from the original component's
 * algorithm): decryption, derivation, and every failure that must return no
 * plaintext.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"
#include "mini_json.h"
#include "test_files.h"

#define VEC(v, f) ESC_VECTORS_DIR "/" v "/" f
#define PURPOSE_HMAC_UP 8
#define PURPOSE_HMAC_DOWN_DS 7

/* Open a vector's partition with its HMAC key burned in KEY1 for `purpose`. */
static void open_with_key(const char *bin, const char *key_file, int purpose)
{
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    assert_int_equal(esp_secure_cert_host_open(bin, &cfg), ESP_OK);
    if (key_file != NULL) {
        size_t len;
        uint8_t *key = tf_read_file(key_file, &len);
        assert_non_null(key);
        assert_int_equal(len, 32);
        assert_int_equal(esp_secure_cert_host_burn_key(1, purpose, key, true), ESP_OK);
        free(key);
    }
}

static void expect_device_view_sha(const char *vector, const char *field, const char *got_hex)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, vector);
    mj_node_t *exp = mj_parse_file(path);
    assert_non_null(exp);
    const char *want = mj_str(mj_get(exp, "device_view"), field);
    assert_non_null(want);
    assert_string_equal(got_hex, want);
    mj_free(exp);
}

static void test_v28_decrypts_priv_key_and_user_data(void **state)
{
    (void)state;
    open_with_key(VEC("v28_hmac_encrypted_priv_key", "outputs/esp_secure_cert.bin"),
                  VEC("v28_hmac_encrypted_priv_key", "inputs/hmac_key.bin"), PURPOSE_HMAC_UP);
    esp_secure_cert_key_type_t type;
    assert_int_equal(esp_secure_cert_get_priv_key_type(&type), ESP_OK);
    assert_int_equal(type, ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY);

    char *key;
    uint32_t len;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_OK);
    size_t want_len;
    uint8_t *want = tf_read_file(VEC("v28_hmac_encrypted_priv_key", "outputs/priv_key.pem"), &want_len);
    assert_non_null(want);
    assert_int_equal(len, want_len);
    assert_memory_equal(key, want, want_len);
    char hex[65];
    tf_sha256_hex(key, len, hex);
    expect_device_view_sha("v28_hmac_encrypted_priv_key", "priv_key_pem_sha256", hex);
    assert_int_equal(esp_secure_cert_free_priv_key(key), ESP_OK);
    free(want);

    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_USER_DATA_1, .subtype = ESP_SECURE_CERT_SUBTYPE_0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_int_equal(info.flags, 0x80);
    tf_sha256_hex(info.data, info.length, hex);
    expect_device_view_sha("v28_hmac_encrypted_priv_key", "user_data_1_bin_sha256", hex);
    assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
    esp_secure_cert_host_close();
}

static void check_derived(const char *vector, uint8_t subtype, const char *der_file, const char *field)
{
    char bin[512], keyf[512], derf[512];
    snprintf(bin, sizeof(bin), "%s/%s/outputs/esp_secure_cert.bin", ESC_VECTORS_DIR, vector);
    snprintf(keyf, sizeof(keyf), "%s/%s/inputs/hmac_key.bin", ESC_VECTORS_DIR, vector);
    snprintf(derf, sizeof(derf), "%s/%s/outputs/%s", ESC_VECTORS_DIR, vector, der_file);
    open_with_key(bin, keyf, PURPOSE_HMAC_UP);
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV,
                                        .subtype = (esp_secure_cert_tlv_subtype_t)subtype};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_int_equal(info.length, 121);
    size_t want_len;
    uint8_t *want = tf_read_file(derf, &want_len);
    assert_non_null(want);
    assert_int_equal(want_len, 121);
    assert_memory_equal(info.data, want, 121);
    char hex[65];
    tf_sha256_hex(info.data, info.length, hex);
    expect_device_view_sha(vector, field, hex);
    esp_secure_cert_free_tlv_info(&info);
    free(want);
}

static void test_v29_derives_key(void **state)
{
    (void)state;
    check_derived("v29_hmac_ecdsa_derived", 0, "derived_priv_key.der", "derived_priv_key_der_sha256");
    /* The getter reads subtype 0: the same derived key. */
    char *key;
    uint32_t len;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_OK);
    assert_int_equal(len, 121);
    esp_secure_cert_free_priv_key(key);
    esp_secure_cert_key_type_t type;
    assert_int_equal(esp_secure_cert_get_priv_key_type(&type), ESP_OK);
    assert_int_equal(type, ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY);
    esp_secure_cert_host_close();
}

static void test_v30_derives_subtype2_beside_plain_key(void **state)
{
    (void)state;
    check_derived("v30_hmac_ecdsa_derived_subtype2", 2, "derived_priv_key_subtype2.der",
                  "derived_priv_key_subtype2_der_sha256");
    esp_secure_cert_key_type_t type;
    assert_int_equal(esp_secure_cert_get_priv_key_type(&type), ESP_OK);
    assert_int_equal(type, ESP_SECURE_CERT_DEFAULT_FORMAT_KEY);
    esp_secure_cert_host_close();
}

static void test_v31_tampered_gives_no_plaintext(void **state)
{
    (void)state;
    open_with_key(VEC("v31_hmac_encrypted_tampered", "outputs/esp_secure_cert.bin"),
                  VEC("v31_hmac_encrypted_tampered", "inputs/hmac_key.bin"), PURPOSE_HMAC_UP);
    char *key = (char *)0x1;
    uint32_t len = 77;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_ERR_INVALID_MAC);
    assert_ptr_equal(key, (char *)0x1);
    assert_int_equal(len, 77);
    esp_secure_cert_host_close();
}

static void test_wrong_or_missing_key(void **state)
{
    (void)state;
    char *key;
    uint32_t len;
    /* Another vector's HMAC key: the tag does not verify. */
    uint8_t wrong[32];
    memset(wrong, 0x5A, sizeof(wrong));
    open_with_key(VEC("v28_hmac_encrypted_priv_key", "outputs/esp_secure_cert.bin"), NULL, 0);
    assert_int_equal(esp_secure_cert_host_burn_key(2, PURPOSE_HMAC_UP, wrong, true), ESP_OK);
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_ERR_INVALID_MAC);
    esp_secure_cert_host_close();
    /* The right key with the wrong purpose counts as no HMAC_UP key. */
    open_with_key(VEC("v28_hmac_encrypted_priv_key", "outputs/esp_secure_cert.bin"),
                  VEC("v28_hmac_encrypted_priv_key", "inputs/hmac_key.bin"), PURPOSE_HMAC_DOWN_DS);
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_FAIL);
    esp_secure_cert_host_close();
    /* No eFuse key at all, encrypted and derived. */
    open_with_key(VEC("v28_hmac_encrypted_priv_key", "outputs/esp_secure_cert.bin"), NULL, 0);
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_FAIL);
    esp_secure_cert_host_close();
    open_with_key(VEC("v29_hmac_ecdsa_derived", "outputs/esp_secure_cert.bin"), NULL, 0);
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_FAIL);
    esp_secure_cert_host_close();
}

/* Copy of v29 with its salt entry damaged: derivation must fail cleanly. */
static void test_salt_missing_or_corrupt(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tf_read_file(VEC("v29_hmac_ecdsa_derived", "outputs/esp_secure_cert.bin"), &len);
    assert_non_null(img);
    mj_node_t *exp = mj_parse_file(VEC("v29_hmac_ecdsa_derived", "expected.json"));
    const mj_node_t *tlvs = mj_get(mj_get(mj_get(exp, "outputs"), "esp_secure_cert.bin"), "tlvs");
    long salt_off = mj_int(mj_at(tlvs, 2), "offset", -1);
    assert_int_equal(mj_int(mj_at(tlvs, 2), "type", -1), 5);
    mj_free(exp);
    size_t keylen;
    uint8_t *hk = tf_read_file(VEC("v29_hmac_ecdsa_derived", "inputs/hmac_key.bin"), &keylen);

    for (int variant = 0; variant < 2; variant++) {
        uint8_t *copy = malloc(8192);
        memset(copy, 0xFF, 8192);
        memcpy(copy, img, len);
        if (variant == 0) {
            copy[salt_off + 20] ^= 1; /* salt byte flipped: CRC fails */
        } else {
            copy[salt_off + 9] = 3; /* salt moved to another subtype */
        }
        esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
        cfg.partition_offset = 0;
        assert_int_equal(esp_secure_cert_host_open_buffer(copy, 8192, &cfg), ESP_OK);
        assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, hk, true), ESP_OK);
        char *key = NULL;
        uint32_t klen = 0;
        assert_int_equal(esp_secure_cert_get_priv_key(&key, &klen), ESP_FAIL);
        assert_null(key);
        esp_secure_cert_host_close();
        free(copy);
    }
    free(hk);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v28_decrypts_priv_key_and_user_data),
        cmocka_unit_test(test_v29_derives_key),
        cmocka_unit_test(test_v30_derives_subtype2_beside_plain_key),
        cmocka_unit_test(test_v31_tampered_gives_no_plaintext),
        cmocka_unit_test(test_wrong_or_missing_key),
        cmocka_unit_test(test_salt_missing_or_corrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
