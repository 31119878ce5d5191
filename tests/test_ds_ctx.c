/*
 * esp_secure_cert_get_ds_ctx / esp_secure_cert_free_ds_ctx on the host:
 * fields as the original fills them, esp_ds_data in place when the entry is
 * a whole host esp_ds_data_t (4096-bit chips) and an owned zero-padded copy
 * otherwise (3072-bit chips), and NULL with a log line for every malformed
 * entry (lengths are checked before anything is copied).
 * Entry bytes come from the vectors (v05: esp32c3, v06: esp32s3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "esc_api_internal.h"
#include "esc_ds_layout.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "test_ds_helpers.h"
#include "test_files.h"

typedef struct {
    uint8_t *data;
    size_t data_len;
    uint8_t ctx[8];
} ds_entries_t;

static void load_entries(const char *vector, ds_entries_t *out)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/outputs/esp_secure_cert.bin", ESC_VECTORS_DIR, vector);
    size_t len = 0;
    uint8_t *img = tf_read_file(path, &len);
    assert_non_null(img);
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_find(img, len, ESP_SECURE_CERT_DS_DATA_TLV, 0, &e), ESC_TLV_OK);
    out->data = malloc(e.length);
    assert_non_null(out->data);
    memcpy(out->data, img + e.data_offset, e.length);
    out->data_len = e.length;
    assert_int_equal(esc_tlv_find(img, len, ESP_SECURE_CERT_DS_CONTEXT_TLV, 0, &e), ESC_TLV_OK);
    assert_int_equal(e.length, 8);
    memcpy(out->ctx, img + e.data_offset, 8);
    free(img);
}

/* Open an image with the given DS_DATA (if data) and DS_CONTEXT (if ctx). */
static uint8_t *open_image(const uint8_t *data, size_t data_len, const uint8_t *ctx, size_t ctx_len)
{
    static uint8_t img[TDS_PART_SIZE];
    memset(img, 0xff, sizeof(img));
    size_t off = 0;
    if (data != NULL) {
        assert_int_equal(tds_append(img, sizeof(img), &off, ESP_SECURE_CERT_DS_DATA_TLV, 0, data, data_len), 0);
    }
    if (ctx != NULL) {
        assert_int_equal(tds_append(img, sizeof(img), &off, ESP_SECURE_CERT_DS_CONTEXT_TLV, 0, ctx, ctx_len), 0);
    }
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), NULL), ESP_OK);
    return img;
}

static void test_c3_entry_is_copied(void **state)
{
    (void)state;
    ds_entries_t v;
    load_entries("v05_ds_rsa2048_esp32c3_autokey", &v);
    assert_int_equal(v.data_len, 1220);
    open_image(v.data, v.data_len, v.ctx, 8);
    esp_ds_data_ctx_t *ctx = esp_secure_cert_get_ds_ctx();
    assert_non_null(ctx);
    assert_int_equal(ctx->efuse_key_id, 1);   /* v05: --efuse_key_id 1 */
    assert_int_equal(ctx->rsa_length_bits, 2048);
    assert_non_null(ctx->esp_ds_data);
    /* Shorter than the host's esp_ds_data_t: an owned copy, zero-padded. */
    assert_false(esc_view_contains(ctx->esp_ds_data));
    assert_int_equal(ctx->esp_ds_data->rsa_length, 63);
    assert_memory_equal(ctx->esp_ds_data->iv, v.data + 4, 16);
    assert_memory_equal(ctx->esp_ds_data->c, v.data + 20, 1200);
    static const uint8_t zero[ESP_DS_C_LEN - 1200];
    assert_memory_equal(ctx->esp_ds_data->c + 1200, zero, sizeof(zero));
    esp_secure_cert_free_ds_ctx(ctx);
    esp_secure_cert_free_ds_ctx(NULL);
    esp_secure_cert_host_close();
    free(v.data);
}

static void test_s3_entry_is_used_in_place(void **state)
{
    (void)state;
    ds_entries_t v;
    load_entries("v06_ds_rsa3072_esp32s3_autokey", &v);
    assert_int_equal(v.data_len, sizeof(esp_ds_data_t));
    open_image(v.data, v.data_len, v.ctx, 8);
    esp_ds_data_ctx_t *ctx = esp_secure_cert_get_ds_ctx();
    assert_non_null(ctx);
    assert_int_equal(ctx->efuse_key_id, 1);
    assert_int_equal(ctx->rsa_length_bits, 3072);
    /* As the original: a pointer into the mapped DS_DATA entry. */
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_DS_DATA_TLV, .subtype = 0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_ptr_equal(ctx->esp_ds_data, info.data);
    assert_int_equal(ctx->esp_ds_data->rsa_length, 95);
    esp_secure_cert_free_tlv_info(&info);
    esp_secure_cert_free_ds_ctx(ctx);
    esp_secure_cert_host_close();
    free(v.data);
}

static void expect_null_ctx(const uint8_t *data, size_t data_len, const uint8_t *ctx, size_t ctx_len)
{
    open_image(data, data_len, ctx, ctx_len);
    assert_null(esp_secure_cert_get_ds_ctx());
    esp_secure_cert_host_close();
}

static void test_malformed_entries(void **state)
{
    (void)state;
    ds_entries_t c3, s3;
    load_entries("v05_ds_rsa2048_esp32c3_autokey", &c3);
    load_entries("v06_ds_rsa3072_esp32s3_autokey", &s3);
    static uint8_t big[2048];
    memset(big, 0, sizeof(big));
    memcpy(big, s3.data, s3.data_len);

    /* Missing entries. */
    expect_null_ctx(NULL, 0, c3.ctx, 8);
    expect_null_ctx(c3.data, c3.data_len, NULL, 0);
    expect_null_ctx(NULL, 0, NULL, 0);
    /* Ciphertext longer than any chip's, by a block and by a lot. */
    expect_null_ctx(big, s3.data_len + 16, s3.ctx, 8);
    expect_null_ctx(big, sizeof(big), s3.ctx, 8);
    /* Too short for the header, or a length of no chip. */
    expect_null_ctx(c3.data, 0, c3.ctx, 8);
    expect_null_ctx(c3.data, 19, c3.ctx, 8);
    expect_null_ctx(c3.data, 20, c3.ctx, 8);
    expect_null_ctx(c3.data, c3.data_len - 16, c3.ctx, 8);
    uint8_t c3_plus[1221] = {0};
    memcpy(c3_plus, c3.data, c3.data_len);
    expect_null_ctx(c3_plus, sizeof(c3_plus), c3.ctx, 8);
    /* DS_CONTEXT of the wrong size, key id, or RSA size. */
    uint8_t ctx16[16] = {0};
    memcpy(ctx16, c3.ctx, 8);
    expect_null_ctx(c3.data, c3.data_len, ctx16, 16);
    expect_null_ctx(c3.data, c3.data_len, c3.ctx, 4);
    uint8_t bad_ctx[8];
    memcpy(bad_ctx, c3.ctx, 8);
    bad_ctx[4] = 6;
    expect_null_ctx(c3.data, c3.data_len, bad_ctx, 8);
    memcpy(bad_ctx, c3.ctx, 8);
    bad_ctx[6] = 0x00;
    bad_ctx[7] = 0x0c; /* 3072, but the data says 2048 */
    expect_null_ctx(c3.data, c3.data_len, bad_ctx, 8);
    /* rsa_length too large for a 1200-byte ciphertext (4096 bits). */
    uint8_t c3_4096[1220];
    memcpy(c3_4096, c3.data, sizeof(c3_4096));
    c3_4096[0] = 127;
    memcpy(bad_ctx, c3.ctx, 8);
    bad_ctx[6] = 0x00;
    bad_ctx[7] = 0x10;
    expect_null_ctx(c3_4096, sizeof(c3_4096), bad_ctx, 8);
    /* A DS_DATA entry whose CRC does not match. */
    uint8_t img[TDS_PART_SIZE];
    memset(img, 0xff, sizeof(img));
    size_t off = 0;
    assert_int_equal(tds_append(img, sizeof(img), &off, ESP_SECURE_CERT_DS_DATA_TLV, 0, c3.data, c3.data_len), 0);
    assert_int_equal(tds_append(img, sizeof(img), &off, ESP_SECURE_CERT_DS_CONTEXT_TLV, 0, c3.ctx, 8), 0);
    img[100] ^= 1;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), NULL), ESP_OK);
    assert_null(esp_secure_cert_get_ds_ctx());
    esp_secure_cert_host_close();

    free(c3.data);
    free(s3.data);
}

/* Junk in the bytes where the original kept a pointer is ignored, as it was. */
static void test_context_pointer_slot_ignored(void **state)
{
    (void)state;
    ds_entries_t c3;
    load_entries("v05_ds_rsa2048_esp32c3_autokey", &c3);
    uint8_t ctx[8];
    memcpy(ctx, c3.ctx, 8);
    memset(ctx, 0xee, 4);
    open_image(c3.data, c3.data_len, ctx, 8);
    esp_ds_data_ctx_t *d = esp_secure_cert_get_ds_ctx();
    assert_non_null(d);
    assert_int_equal(d->rsa_length_bits, 2048);
    free(d); /* one allocation: a plain free() also releases it */
    esp_secure_cert_host_close();
    free(c3.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c3_entry_is_copied),
        cmocka_unit_test(test_s3_entry_is_used_in_place),
        cmocka_unit_test(test_malformed_entries),
        cmocka_unit_test(test_context_pointer_slot_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
