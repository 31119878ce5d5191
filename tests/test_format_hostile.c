/*
 * The format core on damaged and hostile partitions. Each case copies the
 * bytes into a buffer of exactly the view's size, so that ASan reports any
 * read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc_tlv.h"
#include "test_files.h"

#define V01 ESC_VECTORS_DIR "/v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin"

static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    assert_non_null(p);
    if (len) {
        memcpy(p, src, len);
    }
    return p;
}

/* Walk to the end; return the number of entries seen and the final result. */
static size_t walk(const uint8_t *v, size_t len, esc_tlv_result_t *last, size_t *crc_ok_count)
{
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    size_t n = 0, ok = 0;
    esc_tlv_result_t r;
    while ((r = esc_tlv_cursor_next(&cur, v, len, &e)) == ESC_TLV_OK) {
        assert_true((size_t)e.offset + e.total_len <= len);
        assert_int_equal(e.total_len % ESC_TLV_ALIGN, 0);
        n++;
        ok += e.crc_ok;
        assert_true(n <= len / ESC_TLV_ALIGN);
    }
    *last = r;
    if (crc_ok_count) {
        *crc_ok_count = ok;
    }
    return n;
}

static void test_crc_variant(void **state)
{
    (void)state;
    assert_int_equal(esc_crc32((const uint8_t *)"123456789", 9), 0xD202D277u);
    uint32_t s = esc_crc32_update(0, (const uint8_t *)"1234", 4);
    s = esc_crc32_update(s, (const uint8_t *)"56789", 5);
    assert_int_equal(esc_crc32_final(s), 0xD202D277u);
    /* Init 0 with a final inversion: the empty input gives ~0. */
    assert_int_equal(esc_crc32(NULL, 0), 0xFFFFFFFFu);
}

static void test_truncation_at_every_byte(void **state)
{
    (void)state;
    size_t full_len;
    uint8_t *full = tf_read_file(V01, &full_len);
    assert_non_null(full);
    /* Entry ends in the full image, to know how many fit in each prefix. */
    size_t ends[16], nends = 0;
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, full, full_len, &e) == ESC_TLV_OK) {
        ends[nends++] = e.offset + e.total_len;
    }
    assert_int_equal(nends, 4);
    for (size_t len = 0; len <= full_len; len++) {
        uint8_t *v = exact_copy(full, len);
        esc_tlv_result_t last;
        size_t ok;
        size_t n = walk(v, len, &last, &ok);
        size_t fit = 0;
        while (fit < nends && ends[fit] <= len) {
            fit++;
        }
        assert_int_equal(n, fit);
        assert_int_equal(ok, fit);
        /* A cut inside an entry is reported, a cut on a boundary is an end. */
        int on_boundary = len == 0 || (fit > 0 && ends[fit - 1] == len);
        bool magic_left = len - (fit ? ends[fit - 1] : 0) >= 4;
        assert_int_equal(last, (on_boundary || !magic_left) ? ESC_TLV_END : ESC_TLV_ERR_TRUNCATED);
        esc_tlv_entry_t found;
        esc_tlv_result_t fr = esc_tlv_find(v, len, 2 /* PRIV_KEY */, 0, &found);
        if (fit >= 3) {
            assert_int_equal(fr, ESC_TLV_OK);
        } else {
            assert_true(fr == ESC_TLV_NOT_FOUND || fr == ESC_TLV_ERR_TRUNCATED);
        }
        free(v);
    }
    free(full);
}

static void test_bit_flip_in_every_header_byte(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tf_read_file(V01, &len);
    assert_non_null(img);
    size_t offsets[8], n = 0;
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, img, len, &e) == ESC_TLV_OK) {
        offsets[n++] = e.offset;
    }
    unsigned cases = 0;
    for (size_t k = 0; k < n; k++) {
        for (size_t byte = 0; byte < ESC_TLV_HEADER_SIZE; byte++) {
            for (int bit = 0; bit < 8; bit++) {
                uint8_t *v = exact_copy(img, len);
                v[offsets[k] + byte] ^= (uint8_t)(1u << bit);
                esc_tlv_result_t last;
                size_t ok;
                size_t seen = walk(v, len, &last, &ok);
                /* CRC-32 catches every single-bit error it covers, so the
                 * damaged entry is never reported valid; entries before it
                 * still are. */
                if (byte < 4) {
                    assert_int_equal(seen, k);
                    assert_int_equal(last, ESC_TLV_END);
                } else {
                    assert_true(seen >= k);
                    assert_true(ok <= n - 1);
                }
                esc_tlv_entry_t f;
                esc_tlv_result_t fr = esc_tlv_find(v, len, img[offsets[k] + 8], img[offsets[k] + 9], &f);
                if (fr == ESC_TLV_OK) {
                    /* Found intact only if the flip moved the lookup elsewhere. */
                    assert_true(f.offset != offsets[k]);
                }
                free(v);
                cases++;
            }
        }
    }
    assert_int_equal(cases, n * 96);
    free(img);
}

static void put_header(uint8_t *p, uint8_t type, uint16_t length)
{
    esc_put_le32(p, ESC_TLV_MAGIC);
    p[4] = 0;
    p[5] = p[6] = p[7] = 0;
    p[8] = type;
    p[9] = 0;
    esc_put_le16(p + 10, length);
}

static void test_length_past_end_and_wrap(void **state)
{
    (void)state;
    uint8_t *v = malloc(64);
    memset(v, 0xFF, 64);
    put_header(v, 1, 0xFFFF);
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_decode(v, 64, 0, &e), ESC_TLV_ERR_TRUNCATED);
    esc_tlv_result_t last;
    assert_int_equal(walk(v, 64, &last, NULL), 0);
    assert_int_equal(last, ESC_TLV_ERR_TRUNCATED);
    assert_int_equal(esc_tlv_find(v, 64, 1, 0, &e), ESC_TLV_ERR_TRUNCATED);
    size_t end;
    assert_int_equal(esc_tlv_end_offset(v, 64, &end), ESC_TLV_ERR_TRUNCATED);

    /* A header in the last 12 bytes: magic present, header cut. */
    memset(v, 0xFF, 64);
    esc_put_le32(v + 56, ESC_TLV_MAGIC);
    assert_int_equal(esc_tlv_decode(v, 64, 56, &e), ESC_TLV_ERR_TRUNCATED);
    /* Offsets beyond the view and huge offsets never read. */
    assert_int_equal(esc_tlv_decode(v, 64, 65, &e), ESC_TLV_END);
    assert_int_equal(esc_tlv_decode(v, 64, SIZE_MAX, &e), ESC_TLV_END);
    assert_int_equal(esc_tlv_decode(v, 64, SIZE_MAX - 3, &e), ESC_TLV_END);
    free(v);

    /* The largest length in a view just big enough, and one byte short. */
    size_t total = esc_tlv_total_len(0xFFFF);
    assert_int_equal(total, 12 + 0xFFFF + 1 + 4);
    uint8_t *big = calloc(1, total);
    size_t written;
    uint8_t *data = calloc(1, 0xFFFF);
    assert_int_equal(esc_tlv_encode(big, total, 0, 51, 0, data, 0xFFFF, &written), ESC_TLV_OK);
    assert_int_equal(written, total);
    assert_int_equal(esc_tlv_decode(big, total, 0, &e), ESC_TLV_OK);
    assert_true(e.crc_ok);
    assert_int_equal(esc_tlv_decode(big, total - 1, 0, &e), ESC_TLV_ERR_TRUNCATED);
    free(big);
    free(data);
}

static void test_empty_and_erased(void **state)
{
    (void)state;
    esc_tlv_entry_t e;
    uint8_t one = 0;
    assert_int_equal(esc_tlv_decode(&one, 0, 0, &e), ESC_TLV_END);
    size_t end = 99;
    assert_int_equal(esc_tlv_end_offset(&one, 0, &end), ESC_TLV_OK);
    assert_int_equal(end, 0);
    assert_int_equal(esc_tlv_find(&one, 0, 0, 0, &e), ESC_TLV_NOT_FOUND);
    uint8_t *erased = malloc(8192);
    memset(erased, 0xFF, 8192);
    esc_tlv_result_t last;
    assert_int_equal(walk(erased, 8192, &last, NULL), 0);
    assert_int_equal(last, ESC_TLV_END);
    assert_int_equal(esc_tlv_find(erased, 8192, 1, 254, &e), ESC_TLV_NOT_FOUND);
    free(erased);
    assert_int_equal(esc_tlv_decode(NULL, 10, 0, &e), ESC_TLV_ERR_ARG);
    assert_int_equal(esc_tlv_find(NULL, 10, 0, 0, &e), ESC_TLV_ERR_ARG);
}

static void test_garbage_after_last_entry(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tf_read_file(V01, &len);
    size_t big = 8192;
    uint8_t *v = malloc(big);
    memcpy(v, img, len);
    srand(7);
    for (size_t i = len; i < big; i++) {
        v[i] = (uint8_t)rand();
    }
    v[len] = 0x00; /* make sure no magic starts right at the end */
    esc_tlv_result_t last;
    size_t ok;
    assert_int_equal(walk(v, big, &last, &ok), 4);
    assert_int_equal(ok, 4);
    assert_int_equal(last, ESC_TLV_END);
    /* Garbage that starts with the magic: a bogus entry, never valid. */
    put_header(v + len, 51, 200);
    size_t n = walk(v, big, &last, &ok);
    assert_true(n >= 5);
    assert_int_equal(ok, 4);
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_find(v, big, 51, 0, &e), ESC_TLV_ERR_CRC);
    free(v);
    free(img);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    uint8_t data[300], buf[400];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    for (uint16_t len = 0; len < sizeof(data); len++) {
        size_t written;
        memset(buf, 0xAA, sizeof(buf));
        assert_int_equal(esc_tlv_encode(buf, sizeof(buf), 0x80, 52, 3, data, len, &written), ESC_TLV_OK);
        assert_int_equal(written % 16, 0);
        assert_int_equal(written, esc_tlv_total_len(len));
        esc_tlv_entry_t e;
        assert_int_equal(esc_tlv_decode(buf, written, 0, &e), ESC_TLV_OK);
        assert_true(e.crc_ok);
        assert_int_equal(e.length, len);
        assert_int_equal(e.type, 52);
        assert_int_equal(e.subtype, 3);
        assert_int_equal(e.flags, 0x80);
        assert_memory_equal(buf + 12, data, len);
        for (size_t p = 12u + len; p < written - 4; p++) {
            assert_int_equal(buf[p], 0);
        }
        assert_int_equal(esc_tlv_encode(buf, written - 1, 0, 52, 3, data, len, &written), ESC_TLV_ERR_SPACE);
    }
    size_t w;
    assert_int_equal(esc_tlv_encode(buf, sizeof(buf), 0, 1, 0, NULL, 5, &w), ESC_TLV_ERR_ARG);
    assert_int_equal(esc_tlv_encode(buf, sizeof(buf), 0, 1, 0, NULL, 0, &w), ESC_TLV_OK);
    assert_int_equal(w, 16);
}

static void test_find_latest_and_flags(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t off = 0, w;
    const uint8_t a[] = "first", b[] = "second";
    esc_tlv_encode(buf + off, sizeof(buf) - off, 0, 9, 0, a, sizeof(a), &w);
    off += w;
    esc_tlv_encode(buf + off, sizeof(buf) - off, 0, 9, 1, b, sizeof(b), &w);
    off += w;
    memset(buf + off, 0xFF, sizeof(buf) - off);
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_find(buf, sizeof(buf), 9, ESC_TLV_SUBTYPE_LATEST, &e), ESC_TLV_OK);
    assert_int_equal(e.subtype, 1);
    assert_int_equal(esc_tlv_find(buf, sizeof(buf), 9, 0, &e), ESC_TLV_OK);
    assert_int_equal(e.subtype, 0);
    assert_int_equal(esc_tlv_find(buf, sizeof(buf), 9, 2, &e), ESC_TLV_NOT_FOUND);
    assert_true(esc_tlv_flag_is_hmac_encrypted(0x80));
    assert_false(esc_tlv_flag_is_hmac_encrypted(0xC0));
    assert_true(esc_tlv_flag_is_hmac_ecdsa_derived(0x40));
    assert_true(esc_tlv_flag_is_ecdsa_peripheral(0x08));
    assert_false(esc_tlv_flag_is_ecdsa_peripheral(0x18));
    /* The older format's 0xFF flags mean none of these. */
    assert_false(esc_tlv_flag_is_hmac_encrypted(0xFF));
    assert_false(esc_tlv_flag_is_hmac_ecdsa_derived(0xFF));
    assert_false(esc_tlv_flag_is_ecdsa_peripheral(0xFF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_variant),
        cmocka_unit_test(test_truncation_at_every_byte),
        cmocka_unit_test(test_bit_flip_in_every_header_byte),
        cmocka_unit_test(test_length_past_end_and_wrap),
        cmocka_unit_test(test_empty_and_erased),
        cmocka_unit_test(test_garbage_after_last_entry),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_find_latest_and_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
