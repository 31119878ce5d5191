/*
 * Who owns a value the read API hands out, whatever happened to the mapping
 * in between: plain values point into mapped flash and the free functions
 * must leave them alone, also after esp_secure_cert_unmap_partition() or a
 * change of partition (the original decides by address, esp_ptr_in_drom);
 * decrypted values are heap copies and must still be freed (ASan reports a
 * leak or an invalid free otherwise).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"
#include "test_files.h"

#define VEC(v, f) ESC_VECTORS_DIR "/" v "/" f
#define PURPOSE_HMAC_UP 8

static void open_image(const char *path)
{
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_OK);
}

static void test_free_plain_cert_after_unmap(void **state)
{
    (void)state;
    open_image(VEC("v01_pem_rsa2048_plain", "outputs/esp_secure_cert.bin"));
    char *cert = NULL, *ca = NULL, *key = NULL;
    uint32_t len = 0;
    assert_int_equal(esp_secure_cert_get_device_cert(&cert, &len), ESP_OK);
    assert_int_equal(esp_secure_cert_get_ca_cert(&ca, &len), ESP_OK);
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_OK);
    assert_memory_equal(cert, "-----BEGIN CERTIFICATE-----", 27);
    esp_secure_cert_unmap_partition();
    /* The pointers are into flash, not the heap: freeing them is a no-op. */
    assert_int_equal(esp_secure_cert_free_device_cert(cert), ESP_OK);
    assert_int_equal(esp_secure_cert_free_ca_cert(ca), ESP_OK);
    assert_int_equal(esp_secure_cert_free_priv_key(key), ESP_OK);
    esp_secure_cert_host_close();
}

static void test_free_plain_tlv_info_after_set_partition(void **state)
{
    (void)state;
    open_image(VEC("v10_csv_user_data", "outputs/esp_secure_cert.bin"));
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_DEV_CERT_TLV, .subtype = ESP_SECURE_CERT_SUBTYPE_0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_non_null(info.data);
    /* Choosing a partition drops the mapping the value came from. */
    assert_int_equal(esp_secure_cert_tlv_set_partition(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
    assert_null(info.data);

    /* A value fetched again after the remap is also left alone. */
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    esp_secure_cert_unmap_partition();
    assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
    esp_secure_cert_host_close();
}

static void test_decrypted_key_freed_after_unmap(void **state)
{
    (void)state;
    open_image(VEC("v28_hmac_encrypted_priv_key", "outputs/esp_secure_cert.bin"));
    size_t klen = 0;
    uint8_t *hmac_key = tf_read_file(VEC("v28_hmac_encrypted_priv_key", "inputs/hmac_key.bin"), &klen);
    assert_non_null(hmac_key);
    assert_int_equal(klen, 32);
    assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, hmac_key, true), ESP_OK);
    free(hmac_key);

    char *key = NULL;
    uint32_t len = 0;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &len), ESP_OK);
    assert_memory_equal(key, "-----BEGIN", 10);
    esp_secure_cert_unmap_partition();
    /* Still a heap copy: it must be released (ASan's leak check). */
    assert_int_equal(esp_secure_cert_free_priv_key(key), ESP_OK);

    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV, .subtype = ESP_SECURE_CERT_SUBTYPE_0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_int_equal(esp_secure_cert_tlv_set_partition(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
    esp_secure_cert_host_close();
}

static void test_free_null_values(void **state)
{
    (void)state;
    assert_int_equal(esp_secure_cert_free_device_cert(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_free_ca_cert(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_free_priv_key(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_free_tlv_info(NULL), ESP_OK);
    esp_secure_cert_tlv_info_t info;
    memset(&info, 0, sizeof(info));
    assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
    esp_secure_cert_free_ds_ctx(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_plain_cert_after_unmap),
        cmocka_unit_test(test_free_plain_tlv_info_after_set_partition),
        cmocka_unit_test(test_decrypted_key_freed_after_unmap),
        cmocka_unit_test(test_free_null_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
