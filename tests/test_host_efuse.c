/*
 * The host eFuse emulation: the QEMU esp32c3 eFuse image, the text format,
 * write-once burns and the HMAC peripheral. HMAC results are checked against
 * OpenSSL with the key taken from the file bytes (vectors README: the HMAC
 * key of the reference app is qemu_efuse.bin[0x70:0x90]).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "esp_efuse.h"
#include "esp_hmac.h"
#include "esp_secure_cert_host.h"
#include "host_efuse.h"
#include "test_files.h"

#define QEMU_EFUSE ESC_VECTORS_DIR "/reference/examples/esp_secure_cert_app/tests/qemu_efuse.bin"
#define SB_EFUSE ESC_VECTORS_DIR "/reference/test_apps/qemu_test/secure_verification/secure_key_0_esp32c3_efuse.bin"

static void openssl_hmac(const uint8_t *key, size_t key_len, const void *msg, size_t len, uint8_t out[32])
{
    unsigned int out_len = 0;
    assert_non_null(HMAC(EVP_sha256(), key, (int)key_len, msg, len, out, &out_len));
    assert_int_equal(out_len, 32);
}

static int reset(void **state)
{
    (void)state;
    esc_host_efuse_reset();
    return 0;
}

static void test_qemu_image_key0(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *img = tf_read_file(QEMU_EFUSE, &len);
    assert_non_null(img);
    assert_int_equal(len, ESC_HOST_EFUSE_QEMU_IMAGE_LEN);
    assert_int_equal(esc_host_efuse_load_file(QEMU_EFUSE, false), ESP_OK);

    esc_key_purpose_t p;
    assert_int_equal(esc_host_efuse_get_purpose(0, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE);
    for (int n = 1; n < 6; n++) {
        assert_int_equal(esc_host_efuse_get_purpose(n, &p), ESP_OK);
        assert_int_equal(p, ESC_PURPOSE_USER);
        assert_true(esc_host_efuse_block_unused(n));
    }
    assert_false(esc_host_efuse_block_unused(0));
    assert_false(esc_host_efuse_is_read_protected(0));

    /* The key in KEY0 is the file's bytes 0x70..0x8f: the DS-purpose HMAC
     * (what the DS peripheral derives its AES key with) matches OpenSSL. */
    uint8_t msg[32], got[32], want[32];
    memset(msg, 0xFF, sizeof(msg));
    assert_int_equal(esc_host_efuse_hmac_any(0, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, msg, sizeof(msg), got),
                     ESP_OK);
    openssl_hmac(img + 0x70, 32, msg, sizeof(msg), want);
    assert_memory_equal(got, want, 32);

    /* The IDF-named calls see the same. */
    esp_efuse_block_t blk = EFUSE_BLK_MAX;
    assert_true(esp_efuse_find_purpose(ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, &blk));
    assert_int_equal(blk, EFUSE_BLK_KEY0);
    assert_false(esp_efuse_find_purpose(ESP_EFUSE_KEY_PURPOSE_HMAC_UP, &blk));
    assert_int_equal(esp_efuse_get_key_purpose(EFUSE_BLK_KEY0), ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE);
    assert_int_equal(esp_efuse_get_key_purpose(EFUSE_BLK3), ESP_EFUSE_KEY_PURPOSE_MAX);

    /* Saving without changes gives the file back byte for byte. */
    uint8_t out[ESC_HOST_EFUSE_QEMU_IMAGE_LEN];
    esc_host_efuse_save_qemu(out);
    assert_memory_equal(out, img, len);
    free(img);
}

static void test_qemu_secure_boot_image(void **state)
{
    (void)state;
    assert_int_equal(esc_host_efuse_load_file(SB_EFUSE, false), ESP_OK);
    esc_key_purpose_t p;
    assert_int_equal(esc_host_efuse_get_purpose(0, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_SECURE_BOOT_DIGEST0);
    uint8_t out[32];
    /* Not an HMAC key: the peripheral refuses. */
    assert_int_equal(esc_host_efuse_hmac_any(0, ESC_PURPOSE_HMAC_UP, "x", 1, out), ESP_FAIL);
}

static void test_qemu_burn_layout(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *img = tf_read_file(QEMU_EFUSE, &len);
    assert_non_null(img);
    assert_int_equal(esc_host_efuse_load_buffer(img, len), ESP_OK);
    uint8_t key[32];
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(0xA0 + i);
    }
    assert_int_equal(esc_host_efuse_write_key(1, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    uint8_t out[ESC_HOST_EFUSE_QEMU_IMAGE_LEN];
    esc_host_efuse_save_qemu(out);
    /* KEY1 data at 0x70 + 32; KEY_PURPOSE_1 in bits 28..31 of the word at
     * 0x08; RD_DIS bit 1 at 0x04; WR_DIS bits 9 (purpose) and 24 (block). */
    assert_memory_equal(out + 0x90, key, 32);
    assert_int_equal(out[0x0b] >> 4, ESC_PURPOSE_HMAC_UP);
    assert_int_equal(out[0x0b] & 0x0F, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE);
    assert_int_equal(out[0x04] & 0x7F, 0x02);
    uint32_t wr_dis = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
    uint32_t wr_dis_before = (uint32_t)img[0] | (uint32_t)img[1] << 8 | (uint32_t)img[2] << 16 |
                             (uint32_t)img[3] << 24;
    assert_int_equal(wr_dis, wr_dis_before | (1u << 9) | (1u << 24));
    /* Everything else is unchanged. */
    for (size_t i = 0; i < len; i++) {
        bool changed_field = i < 0x0c || (i >= 0x90 && i < 0xb0);
        if (!changed_field && out[i] != img[i]) {
            fail_msg("byte 0x%zx changed", i);
        }
    }
    /* Reload the saved image: KEY1 works as HMAC_UP key with our bytes. */
    assert_int_equal(esc_host_efuse_load_buffer(out, sizeof(out)), ESP_OK);
    assert_true(esc_host_efuse_is_read_protected(1));
    uint8_t got[32], want[32];
    assert_int_equal(esp_hmac_calculate(HMAC_KEY1, "hello", 5, got), ESP_OK);
    openssl_hmac(key, 32, "hello", 5, want);
    assert_memory_equal(got, want, 32);
    free(img);
}

static void test_hmac_needs_hmac_up(void **state)
{
    (void)state;
    uint8_t key_up[32], key_ds[32], got[32], want[32];
    memset(key_up, 0x11, sizeof(key_up));
    memset(key_ds, 0x22, sizeof(key_ds));
    assert_int_equal(esc_host_efuse_write_key(2, ESC_PURPOSE_HMAC_UP, key_up, true), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(3, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, key_ds, true), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(4, ESC_PURPOSE_HMAC_DOWN_ALL, key_ds, true), ESP_OK);

    const char msg[] = "The quick brown fox jumps over the lazy dog";
    assert_int_equal(esp_hmac_calculate(HMAC_KEY2, msg, strlen(msg), got), ESP_OK);
    openssl_hmac(key_up, 32, msg, strlen(msg), want);
    assert_memory_equal(got, want, 32);

    memset(got, 0, sizeof(got));
    assert_int_equal(esp_hmac_calculate(HMAC_KEY3, msg, strlen(msg), got), ESP_FAIL); /* DS purpose */
    assert_int_equal(esp_hmac_calculate(HMAC_KEY0, msg, strlen(msg), got), ESP_FAIL); /* blank USER */
    assert_int_equal(esp_hmac_calculate(HMAC_KEY4, msg, strlen(msg), got), ESP_FAIL); /* DOWN_ALL */
    assert_int_equal(esp_hmac_calculate(HMAC_KEY_MAX, msg, strlen(msg), got), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_hmac_calculate(HMAC_KEY2, msg, strlen(msg), NULL), ESP_ERR_INVALID_ARG);

    /* Downstream use: DOWN_ALL serves a DS request, HMAC_UP does not. */
    assert_int_equal(esc_host_efuse_hmac_any(4, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, msg, 3, got), ESP_OK);
    openssl_hmac(key_ds, 32, msg, 3, want);
    assert_memory_equal(got, want, 32);
    assert_int_equal(esc_host_efuse_hmac_any(2, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, msg, 3, got), ESP_FAIL);

    /* The empty message is fine. */
    assert_int_equal(esp_hmac_calculate(HMAC_KEY2, NULL, 0, got), ESP_OK);
    openssl_hmac(key_up, 32, "", 0, want);
    assert_memory_equal(got, want, 32);
}

static void test_write_once(void **state)
{
    (void)state;
    uint8_t key[32], other[32];
    memset(key, 0x5A, sizeof(key));
    memset(other, 0xFF, sizeof(other));
    assert_true(esc_host_efuse_block_unused(5));
    assert_int_equal(esc_host_efuse_write_key(5, ESC_PURPOSE_HMAC_UP, key, false), ESP_OK);
    assert_false(esc_host_efuse_block_unused(5));
    assert_int_equal(esc_host_efuse_write_key(5, ESC_PURPOSE_HMAC_UP, other, false), ESP_ERR_INVALID_STATE);
    assert_int_equal(esc_host_efuse_write_key(5, ESC_PURPOSE_USER, other, false), ESP_ERR_INVALID_STATE);
    /* The first key is still the one in use. */
    uint8_t got[32], want[32];
    assert_int_equal(esp_hmac_calculate(HMAC_KEY5, "m", 1, got), ESP_OK);
    openssl_hmac(key, 32, "m", 1, want);
    assert_memory_equal(got, want, 32);

    /* A block with non-USER purpose but zero key is used too. */
    static const char text[] = "KEY0 HMAC_UP 0000000000000000000000000000000000000000000000000000000000000000\n"
                               "KEY1 USER 0000000000000000000000000000000000000000000000000000000000000000 "
                               "write_protected\n";
    assert_int_equal(esc_host_efuse_load_buffer(text, strlen(text)), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(0, ESC_PURPOSE_HMAC_UP, key, false), ESP_ERR_INVALID_STATE);
    assert_int_equal(esc_host_efuse_write_key(1, ESC_PURPOSE_HMAC_UP, key, false), ESP_ERR_INVALID_STATE);
    assert_int_equal(esc_host_efuse_write_key(2, ESC_PURPOSE_HMAC_UP, key, false), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(6, ESC_PURPOSE_HMAC_UP, key, false), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_efuse_write_key(-1, ESC_PURPOSE_HMAC_UP, key, false), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_efuse_write_key(3, ESC_PURPOSE_HMAC_UP, NULL, false), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_efuse_write_key(3, (esc_key_purpose_t)16, key, false), ESP_ERR_INVALID_ARG);
}

static void test_text_round_trip(void **state)
{
    (void)state;
    uint8_t k[4][32];
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < 32; i++) {
            k[j][i] = (uint8_t)(j * 37 + i * 11 + 1);
        }
    }
    assert_int_equal(esc_host_efuse_write_key(0, ESC_PURPOSE_HMAC_UP, k[0], true), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(2, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, k[1], false), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(3, ESC_PURPOSE_ECDSA_KEY, k[2], true), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(5, (esc_key_purpose_t)13, k[3], false), ESP_OK);

    char t1[2048], t2[2048];
    size_t l1 = 0, l2 = 0;
    assert_int_equal(esc_host_efuse_save_text(t1, sizeof(t1), &l1), ESP_OK);
    assert_non_null(strstr(t1, "KEY0 HMAC_UP "));
    assert_non_null(strstr(t1, "KEY2 HMAC_DOWN_DIGITAL_SIGNATURE "));
    assert_non_null(strstr(t1, "KEY5 13 "));
    assert_null(strstr(t1, "KEY1 "));

    esc_host_efuse_reset();
    assert_int_equal(esc_host_efuse_load_buffer(t1, l1), ESP_OK);
    assert_int_equal(esc_host_efuse_save_text(t2, sizeof(t2), &l2), ESP_OK);
    assert_int_equal(l1, l2);
    assert_memory_equal(t1, t2, l1);

    esc_key_purpose_t p;
    assert_int_equal(esc_host_efuse_get_purpose(3, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_ECDSA_KEY);
    assert_true(esc_host_efuse_is_read_protected(0));
    assert_false(esc_host_efuse_is_read_protected(2));
    assert_true(esc_host_efuse_block_unused(1));
    uint8_t got[32], want[32];
    assert_int_equal(esp_hmac_calculate(HMAC_KEY0, "abc", 3, got), ESP_OK);
    openssl_hmac(k[0], 32, "abc", 3, want);
    assert_memory_equal(got, want, 32);
    assert_int_equal(esc_host_efuse_hmac_any(2, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, "abc", 3, got), ESP_OK);
    openssl_hmac(k[1], 32, "abc", 3, want);
    assert_memory_equal(got, want, 32);

    /* Too small a buffer is refused, not truncated. */
    char tiny[100];
    assert_int_equal(esc_host_efuse_save_text(tiny, sizeof(tiny), NULL), ESP_ERR_INVALID_SIZE);
}

static void test_text_format_details(void **state)
{
    (void)state;
    /* Comments, blank lines, CRLF, case-insensitive names, numeric purpose. */
    static const char text[] =
        "# a comment line\r\n"
        "\n"
        "   key1   hmac_up  00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff  READ_PROTECTED # end\r\n"
        "KEY4 7 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    assert_int_equal(esc_host_efuse_load_buffer(text, strlen(text)), ESP_OK);
    esc_key_purpose_t p;
    assert_int_equal(esc_host_efuse_get_purpose(1, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_UP);
    assert_true(esc_host_efuse_is_read_protected(1));
    assert_int_equal(esc_host_efuse_get_purpose(4, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE);
    uint8_t key[32], got[32], want[32];
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)((i % 16) * 0x11);
    }
    assert_int_equal(esp_hmac_calculate(HMAC_KEY1, "z", 1, got), ESP_OK);
    openssl_hmac(key, 32, "z", 1, want);
    assert_memory_equal(got, want, 32);
    /* An empty file is a blank eFuse. */
    assert_int_equal(esc_host_efuse_load_buffer("", 0), ESP_OK);
    assert_true(esc_host_efuse_block_unused(1));
}

static void test_text_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "KEY6 HMAC_UP 0000000000000000000000000000000000000000000000000000000000000000\n",
        "KEY0 HMAC_SIDEWAYS 0000000000000000000000000000000000000000000000000000000000000000\n",
        "KEY0 HMAC_UP 00000000000000000000000000000000000000000000000000000000000000\n",
        "KEY0 HMAC_UP 000000000000000000000000000000000000000000000000000000000000000g\n",
        "KEY0 HMAC_UP\n",
        "KEY0 HMAC_UP 0000000000000000000000000000000000000000000000000000000000000000 sticky\n",
        ("KEY0 HMAC_UP 0000000000000000000000000000000000000000000000000000000000000000\n"
         "KEY0 USER 0000000000000000000000000000000000000000000000000000000000000000\n"),
        "KEY0 16 0000000000000000000000000000000000000000000000000000000000000000\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(esc_host_efuse_load_buffer(bad[i], strlen(bad[i])), ESP_ERR_INVALID_ARG);
        /* A failed load leaves a blank eFuse, not half of the file. */
        assert_true(esc_host_efuse_block_unused(0));
    }
    /* Binary that is not a 1024-byte image. */
    uint8_t bin[100] = {0};
    assert_int_equal(esc_host_efuse_load_buffer(bin, sizeof(bin)), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_efuse_load_file("/nonexistent/esc/efuse.txt", false), ESP_ERR_NOT_FOUND);
}

static void test_burns_persist_to_file(void **state)
{
    (void)state;
    char path[] = "/tmp/esc_test_efuse_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path); /* a missing file + persist = blank eFuse created on burn */

    assert_int_equal(esc_host_efuse_load_file(path, true), ESP_OK);
    uint8_t key[32];
    memset(key, 0x42, sizeof(key));
    assert_int_equal(esc_host_efuse_write_key(1, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    esc_host_efuse_reset();
    assert_true(esc_host_efuse_block_unused(1));
    assert_int_equal(esc_host_efuse_load_file(path, false), ESP_OK);
    esc_key_purpose_t p;
    assert_int_equal(esc_host_efuse_get_purpose(1, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_UP);

    /* Without persist a burn stays in memory and the file is untouched. */
    size_t before_len = 0, after_len = 0;
    uint8_t *before = tf_read_file(path, &before_len);
    assert_int_equal(esc_host_efuse_write_key(2, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    uint8_t *after = tf_read_file(path, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);

    /* A QEMU image stays a QEMU image when burns are saved. */
    size_t qlen = 0;
    uint8_t *q = tf_read_file(QEMU_EFUSE, &qlen);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(q, 1, qlen, fp), qlen);
    fclose(fp);
    assert_int_equal(esc_host_efuse_load_file(path, true), ESP_OK);
    assert_int_equal(esc_host_efuse_write_key(3, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    size_t nlen = 0;
    uint8_t *now = tf_read_file(path, &nlen);
    assert_int_equal(nlen, ESC_HOST_EFUSE_QEMU_IMAGE_LEN);
    assert_memory_equal(now + 0x70 + 3 * 32, key, 32);
    assert_memory_equal(now + 0x70, q + 0x70, 32);
    free(now);
    free(q);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_qemu_image_key0, reset, reset),
        cmocka_unit_test_setup_teardown(test_qemu_secure_boot_image, reset, reset),
        cmocka_unit_test_setup_teardown(test_qemu_burn_layout, reset, reset),
        cmocka_unit_test_setup_teardown(test_hmac_needs_hmac_up, reset, reset),
        cmocka_unit_test_setup_teardown(test_write_once, reset, reset),
        cmocka_unit_test_setup_teardown(test_text_round_trip, reset, reset),
        cmocka_unit_test_setup_teardown(test_text_format_details, reset, reset),
        cmocka_unit_test_setup_teardown(test_text_errors, reset, reset),
        cmocka_unit_test_setup_teardown(test_burns_persist_to_file, reset, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
