/*
 * The host NOR flash emulator: NOR program/erase rules, bounds, read-only
 * images, file write-through and power-loss emulation. Expected contents are
 * computed in the test from the NOR rule (new = old & data, erase = 0xFF).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_flash.h"
#include "test_files.h"

#define SECTOR 4096u

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static char *temp_file_with(const uint8_t *data, size_t len)
{
    char *path = strdup("/tmp/esc_test_flash_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_program_only_clears_bits(void **state)
{
    (void)state;
    uint8_t buf[2 * SECTOR];
    memset(buf, 0xFF, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);

    uint8_t a[64], b[64], expect[64], got[64];
    fill_pattern(a, sizeof(a), 1);
    fill_pattern(b, sizeof(b), 2);
    assert_int_equal(esc_host_flash_program(f, 100, a, sizeof(a)), ESP_OK);
    assert_int_equal(esc_host_flash_program(f, 100, b, sizeof(b)), ESP_OK);
    for (size_t i = 0; i < sizeof(a); i++) {
        expect[i] = (uint8_t)(0xFF & a[i] & b[i]);
    }
    assert_int_equal(esc_host_flash_read(f, 100, got, sizeof(got)), ESP_OK);
    assert_memory_equal(got, expect, sizeof(got));

    /* Programming all ones changes nothing: a 0 bit cannot go back to 1. */
    uint8_t ones[64];
    memset(ones, 0xFF, sizeof(ones));
    assert_int_equal(esc_host_flash_program(f, 100, ones, sizeof(ones)), ESP_OK);
    assert_int_equal(esc_host_flash_read(f, 100, got, sizeof(got)), ESP_OK);
    assert_memory_equal(got, expect, sizeof(got));
    /* The writable buffer is the flash itself. */
    assert_memory_equal(buf + 100, expect, sizeof(expect));
    esc_host_flash_close(f);
}

static void test_erase_granularity_and_alignment(void **state)
{
    (void)state;
    uint8_t buf[3 * SECTOR];
    memset(buf, 0, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);

    assert_int_equal(esc_host_flash_erase(f, SECTOR, SECTOR), ESP_OK);
    for (size_t i = 0; i < sizeof(buf); i++) {
        uint8_t want = (i >= SECTOR && i < 2 * SECTOR) ? 0xFF : 0x00;
        if (buf[i] != want) {
            fail_msg("byte %zu is 0x%02x after erasing sector 1", i, buf[i]);
        }
    }
    assert_int_equal(esc_host_flash_erase(f, 100, SECTOR), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_flash_erase(f, 0, 100), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_flash_erase(f, 0, SECTOR + 1), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_flash_erase(f, 2 * SECTOR, 2 * SECTOR), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_erase(f, 3 * SECTOR, SECTOR), ESP_ERR_INVALID_SIZE);
    /* Nothing else changed. */
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[2 * SECTOR], 0);
    /* Erase then program gives exactly the data. */
    uint8_t d[32], got[32];
    fill_pattern(d, sizeof(d), 9);
    assert_int_equal(esc_host_flash_program(f, SECTOR + 7, d, sizeof(d)), ESP_OK);
    assert_int_equal(esc_host_flash_read(f, SECTOR + 7, got, sizeof(got)), ESP_OK);
    assert_memory_equal(got, d, sizeof(d));
    esc_host_flash_close(f);
}

static void test_out_of_range(void **state)
{
    (void)state;
    uint8_t buf[2 * SECTOR];
    memset(buf, 0xFF, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
    uint8_t tmp[8] = {0};
    assert_int_equal(esc_host_flash_read(f, 2 * SECTOR - 4, tmp, 8), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_read(f, 2 * SECTOR, tmp, 1), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_read(f, UINT32_MAX, tmp, 2), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_program(f, 2 * SECTOR - 4, tmp, 8), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_program(f, UINT32_MAX, tmp, 8), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esc_host_flash_read(f, 2 * SECTOR - 8, tmp, 8), ESP_OK);
    assert_int_equal(esc_host_flash_read(NULL, 0, tmp, 1), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_flash_read(f, 0, NULL, 1), ESP_ERR_INVALID_ARG);
    /* Nothing was counted as an operation. */
    assert_int_equal(esc_host_flash_op_count(), 0);
    /* A writable buffer must be whole sectors. */
    esc_host_flash_t *g = NULL;
    assert_int_equal(esc_host_flash_open_buffer(buf, SECTOR + 1, true, 0, 1, &g), ESP_ERR_INVALID_SIZE);
    assert_null(g);
    esc_host_flash_close(f);
}

static void test_prog_align_16(void **state)
{
    (void)state;
    uint8_t buf[SECTOR];
    memset(buf, 0xFF, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 16, &f), ESP_OK);
    uint8_t d[32] = {0};
    assert_int_equal(esc_host_flash_program(f, 1, d, 16), ESP_ERR_INVALID_ARG);
    assert_int_equal(esc_host_flash_program(f, 16, d, 15), ESP_ERR_INVALID_ARG);
    assert_int_equal(buf[16], 0xFF);
    assert_int_equal(esc_host_flash_program(f, 16, d, 32), ESP_OK);
    assert_int_equal(buf[16], 0x00);
    assert_int_equal(buf[47], 0x00);
    assert_int_equal(buf[48], 0xFF);
    esc_host_flash_close(f);
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 3, &f), ESP_ERR_INVALID_ARG);
}

static void test_read_only_file_untouched(void **state)
{
    (void)state;
    /* Tool outputs are not padded: 4128 bytes. */
    const size_t len = 4128;
    uint8_t *orig = malloc(len);
    fill_pattern(orig, len, 77);
    char *path = temp_file_with(orig, len);

    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_file(path, false, 0, 1, &f), ESP_OK);
    assert_int_equal(esc_host_flash_size(f), 2 * SECTOR);
    uint8_t tail[2 * SECTOR - 4128];
    assert_int_equal(esc_host_flash_read(f, 4128, tail, sizeof(tail)), ESP_OK);
    for (size_t i = 0; i < sizeof(tail); i++) {
        assert_int_equal(tail[i], 0xFF);
    }
    uint8_t zero[16] = {0};
    assert_int_equal(esc_host_flash_program(f, 0, zero, sizeof(zero)), ESP_ERR_NOT_ALLOWED);
    assert_int_equal(esc_host_flash_erase(f, 0, SECTOR), ESP_ERR_NOT_ALLOWED);
    esc_host_flash_close(f);

    size_t now_len = 0;
    uint8_t *now = tf_read_file(path, &now_len);
    assert_non_null(now);
    assert_int_equal(now_len, len);
    assert_memory_equal(now, orig, len);
    free(now);
    unlink(path);
    free(path);
    free(orig);
}

static void test_writable_file_is_the_flash(void **state)
{
    (void)state;
    const size_t len = 4128;
    uint8_t *orig = malloc(len);
    fill_pattern(orig, len, 5);
    char *path = temp_file_with(orig, len);

    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_file(path, true, 0, 1, &f), ESP_OK);
    uint8_t d[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    assert_int_equal(esc_host_flash_program(f, 6000, d, sizeof(d)), ESP_OK);
    assert_int_equal(esc_host_flash_erase(f, 0, SECTOR), ESP_OK);

    /* The file now holds the full rounded size: erased sector 0, the
     * original bytes of sector 1, 0xFF padding (no hole of zeros), d. */
    size_t now_len = 0;
    uint8_t *now = tf_read_file(path, &now_len);
    assert_non_null(now);
    assert_int_equal(now_len, 2 * SECTOR);
    for (size_t i = 0; i < now_len; i++) {
        uint8_t want;
        if (i < SECTOR) {
            want = 0xFF;
        } else if (i >= 6000 && i < 6000 + sizeof(d)) {
            want = d[i - 6000];
        } else if (i < len) {
            want = orig[i];
        } else {
            want = 0xFF;
        }
        if (now[i] != want) {
            fail_msg("file byte %zu is 0x%02x, want 0x%02x", i, now[i], want);
        }
    }
    free(now);
    esc_host_flash_close(f);

    /* A min_size beyond the file extends the flash with erased sectors. */
    assert_int_equal(esc_host_flash_open_file(path, false, 5 * SECTOR - 1, 1, &f), ESP_OK);
    assert_int_equal(esc_host_flash_size(f), 5 * SECTOR);
    esc_host_flash_close(f);
    assert_int_equal(esc_host_flash_open_file("/nonexistent/esc/flash.bin", false, 0, 1, &f), ESP_ERR_NOT_FOUND);
    unlink(path);
    free(path);
    free(orig);
}

/* ---- power loss ---- */

static jmp_buf s_jmp;
static unsigned s_cb_calls;
static uint32_t s_ops_at_cut;

static void cut_longjmp(void *ctx)
{
    (void)ctx;
    s_cb_calls++;
    s_ops_at_cut = esc_host_flash_op_count();
    longjmp(s_jmp, 1);
}

static void cut_count(void *ctx)
{
    (void)ctx;
    s_cb_calls++;
}

/* A small "write path": erase, then three programs. */
static esp_err_t write_path(esc_host_flash_t *f, const uint8_t *data)
{
    esp_err_t err = esc_host_flash_erase(f, 0, SECTOR);
    for (int i = 0; err == ESP_OK && i < 3; i++) {
        err = esc_host_flash_program(f, (uint32_t)(i * 256), data + i * 256, 256);
    }
    return err;
}

static void test_powercut_counts_ops(void **state)
{
    (void)state;
    static uint8_t buf[2 * SECTOR];
    uint8_t data[768];
    fill_pattern(data, sizeof(data), 3);
    memset(buf, 0, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
    assert_int_equal(esc_host_flash_op_count(), 0);
    uint8_t tmp[4];
    assert_int_equal(esc_host_flash_read(f, 0, tmp, 4), ESP_OK);
    assert_int_equal(esc_host_flash_op_count(), 0); /* reads are not counted */
    assert_int_equal(write_path(f, data), ESP_OK);
    uint32_t count = esc_host_flash_op_count();
    assert_int_equal(count, 4);
    esc_host_flash_close(f);

    /* Sweep: power dies at exactly op k, then every op fails until reboot. */
    for (uint32_t k = 1; k <= count; k++) {
        memset(buf, 0, sizeof(buf));
        assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
        s_cb_calls = 0;
        esc_host_flash_set_powercut(k, false, 42, cut_longjmp, NULL);
        if (setjmp(s_jmp) == 0) {
            (void)write_path(f, data);
            fail_msg("power cut at op %u did not happen", k);
        }
        assert_int_equal(s_cb_calls, 1);
        assert_int_equal(s_ops_at_cut, k);
        assert_true(esc_host_flash_power_is_cut());
        assert_int_equal(esc_host_flash_read(f, 0, tmp, 4), ESP_FAIL);
        assert_int_equal(esc_host_flash_program(f, 0, tmp, 4), ESP_FAIL);
        assert_int_equal(esc_host_flash_erase(f, 0, SECTOR), ESP_FAIL);
        esc_host_flash_close(f);
        /* Reboot: same memory, power back, counter reset. */
        assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
        assert_false(esc_host_flash_power_is_cut());
        assert_int_equal(esc_host_flash_op_count(), 0);
        /* Operations before k completed, later ones never happened. */
        for (uint32_t i = 1; i <= 3; i++) {
            uint8_t got[256];
            assert_int_equal(esc_host_flash_read(f, (i - 1) * 256, got, 256), ESP_OK);
            if (i + 1 <= k) {
                assert_memory_equal(got, data + (i - 1) * 256, 256);
            } else {
                /* The erase (op 1) always completed: a non-partial cut
                 * finishes op k. */
                uint8_t erased[256];
                memset(erased, 0xFF, sizeof(erased));
                assert_memory_equal(got, erased, 256);
            }
        }
        esc_host_flash_close(f);
    }
}

static void test_powercut_tears_program(void **state)
{
    (void)state;
    static uint8_t buf[SECTOR];
    uint8_t old[512], data[512], want[512], torn[512];
    fill_pattern(old, sizeof(old), 11);
    fill_pattern(data, sizeof(data), 12);
    for (size_t i = 0; i < sizeof(old); i++) {
        want[i] = old[i] & data[i];
    }
    uint8_t first[512];
    for (volatile int run = 0; run < 2; run++) {
        memset(buf, 0xFF, sizeof(buf));
        memcpy(buf, old, sizeof(old));
        esc_host_flash_t *f;
        assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
        s_cb_calls = 0;
        esc_host_flash_set_powercut(1, true, 0x5eed, cut_longjmp, NULL);
        if (setjmp(s_jmp) == 0) {
            (void)esc_host_flash_program(f, 0, data, sizeof(data));
            fail_msg("no power cut");
        }
        assert_int_equal(s_cb_calls, 1);
        esc_host_flash_close(f);
        memcpy(torn, buf, sizeof(torn));
        /* Torn: differs from both old and new contents... */
        assert_memory_not_equal(torn, old, sizeof(old));
        assert_memory_not_equal(torn, want, sizeof(want));
        for (size_t i = 0; i < sizeof(torn); i++) {
            /* ...no bit was set that was 0 before, and every bit the
             * program keeps at 1 is still 1 (only a subset got cleared). */
            assert_int_equal(torn[i] & ~old[i], 0);
            assert_int_equal(want[i] & ~torn[i], 0);
        }
        if (run == 0) {
            memcpy(first, torn, sizeof(first));
        } else {
            assert_memory_equal(first, torn, sizeof(first)); /* same seed, same tear */
        }
    }
}

static void test_powercut_tears_program_two_bits(void **state)
{
    (void)state;
    /* With exactly two bits to clear, a tear clears exactly one. */
    uint8_t buf[SECTOR];
    memset(buf, 0xFF, sizeof(buf));
    esc_host_flash_t *f;
    for (uint64_t seed = 0; seed < 16; seed++) {
        buf[0] = 0xFF;
        assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
        esc_host_flash_set_powercut(1, true, seed, cut_count, NULL);
        uint8_t d = 0xFC;
        s_cb_calls = 0;
        assert_int_equal(esc_host_flash_program(f, 0, &d, 1), ESP_FAIL);
        assert_int_equal(s_cb_calls, 1);
        assert_true(buf[0] == 0xFE || buf[0] == 0xFD);
        esc_host_flash_close(f);
    }
}

static void test_powercut_tears_erase(void **state)
{
    (void)state;
    static uint8_t buf[2 * SECTOR];
    memset(buf, 0, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
    esc_host_flash_set_powercut(1, true, 7, cut_count, NULL);
    s_cb_calls = 0;
    assert_int_equal(esc_host_flash_erase(f, 0, 2 * SECTOR), ESP_FAIL);
    assert_int_equal(s_cb_calls, 1);
    /* A non-empty, incomplete prefix is erased. */
    size_t prefix = 0;
    while (prefix < sizeof(buf) && buf[prefix] == 0xFF) {
        prefix++;
    }
    assert_true(prefix > 0);
    assert_true(prefix < sizeof(buf));
    for (size_t i = prefix; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], 0x00);
    }
    esc_host_flash_close(f);
}

static void test_powercut_without_longjmp_and_disarm(void **state)
{
    (void)state;
    uint8_t buf[SECTOR];
    memset(buf, 0xFF, sizeof(buf));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_buffer(buf, sizeof(buf), true, 0, 1, &f), ESP_OK);
    uint8_t d[4] = {1, 2, 3, 4};
    /* Armed then disarmed: nothing happens. */
    esc_host_flash_set_powercut(1, true, 1, cut_count, NULL);
    esc_host_flash_set_powercut(0, false, 0, NULL, NULL);
    assert_int_equal(esc_host_flash_program(f, 0, d, 4), ESP_OK);
    /* k counts from arming, not from open. */
    esc_host_flash_set_powercut(2, false, 1, cut_count, NULL);
    s_cb_calls = 0;
    assert_int_equal(esc_host_flash_program(f, 4, d, 4), ESP_OK);
    assert_int_equal(s_cb_calls, 0);
    assert_int_equal(esc_host_flash_program(f, 8, d, 4), ESP_FAIL);
    assert_int_equal(s_cb_calls, 1);
    assert_memory_equal(buf + 8, d, 4); /* non-partial: the op completed */
    assert_int_equal(esc_host_flash_program(f, 12, d, 4), ESP_FAIL);
    assert_int_equal(s_cb_calls, 1);
    assert_int_equal(buf[12], 0xFF);
    esc_host_flash_close(f);
}

static void test_powercut_reaches_file(void **state)
{
    (void)state;
    uint8_t img[SECTOR];
    memset(img, 0xFF, sizeof(img));
    char *path = temp_file_with(img, sizeof(img));
    esc_host_flash_t *f;
    assert_int_equal(esc_host_flash_open_file(path, true, 0, 1, &f), ESP_OK);
    uint8_t d[256];
    memset(d, 0, sizeof(d));
    esc_host_flash_set_powercut(1, true, 99, cut_count, NULL);
    assert_int_equal(esc_host_flash_program(f, 0, d, sizeof(d)), ESP_FAIL);
    uint8_t mem[SECTOR];
    esc_host_flash_close(f);
    /* Reboot from the file: it holds the torn state. */
    assert_int_equal(esc_host_flash_open_file(path, true, 0, 1, &f), ESP_OK);
    assert_int_equal(esc_host_flash_read(f, 0, mem, sizeof(mem)), ESP_OK);
    assert_memory_not_equal(mem, img, sizeof(img));
    assert_memory_not_equal(mem, d, sizeof(d));
    size_t flen = 0;
    uint8_t *file = tf_read_file(path, &flen);
    assert_int_equal(flen, sizeof(mem));
    assert_memory_equal(file, mem, sizeof(mem));
    free(file);
    esc_host_flash_close(f);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_program_only_clears_bits),
        cmocka_unit_test(test_erase_granularity_and_alignment),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_prog_align_16),
        cmocka_unit_test(test_read_only_file_untouched),
        cmocka_unit_test(test_writable_file_is_the_flash),
        cmocka_unit_test(test_powercut_counts_ops),
        cmocka_unit_test(test_powercut_tears_program),
        cmocka_unit_test(test_powercut_tears_program_two_bits),
        cmocka_unit_test(test_powercut_tears_erase),
        cmocka_unit_test(test_powercut_without_longjmp_and_disarm),
        cmocka_unit_test(test_powercut_reaches_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
