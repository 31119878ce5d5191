/*
 * The pure DS layouts (src/format/esc_ds_layout.h): chip table, entry
 * encodings and their checks on hostile input. Expected sizes come from the
 * vectors README (c = 1200 bytes on c3/c6/h2, 1584 on s2/s3/p4/c5) and
 * Espressif's configure_ds.py key-size table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "esc_ds_layout.h"

static void test_chip_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned max_bits;
        size_t c_len;
    } rsa[] = {
        {"esp32s2", 4096, 1584}, {"esp32s3", 4096, 1584}, {"esp32c3", 3072, 1200}, {"esp32c6", 3072, 1200},
        {"esp32h2", 3072, 1200}, {"esp32p4", 4096, 1584}, {"esp32c5", 4096, 1584}, {"esp32s31", 4096, 1584},
    };
    for (size_t i = 0; i < sizeof(rsa) / sizeof(rsa[0]); i++) {
        const esc_ds_chip_t *c = esc_ds_chip_find(rsa[i].name);
        assert_non_null(c);
        assert_int_equal(c->rsa_max_bits, rsa[i].max_bits);
        assert_int_equal(esc_ds_chip_c_len(c), rsa[i].c_len);
        for (unsigned bits = 1024; bits <= 4096; bits += 1024) {
            assert_int_equal(esc_ds_chip_rsa_supports(c, bits), bits <= rsa[i].max_bits);
        }
        assert_false(esc_ds_chip_rsa_supports(c, 1536));
        assert_false(esc_ds_chip_rsa_supports(c, 512));
        assert_false(esc_ds_chip_rsa_supports(c, 8192));
    }
    /* ECDSA-only chip, and chips without any such peripheral. */
    const esc_ds_chip_t *c61 = esc_ds_chip_find("esp32c61");
    assert_non_null(c61);
    assert_int_equal(esc_ds_chip_c_len(c61), 0);
    assert_false(esc_ds_chip_rsa_supports(c61, 2048));
    assert_true(esc_ds_chip_ecdsa_supports(c61, 192));
    assert_true(esc_ds_chip_ecdsa_supports(c61, 256));
    assert_false(esc_ds_chip_ecdsa_supports(c61, 384));
    assert_true(esc_ds_chip_ecdsa_supports(esc_ds_chip_find("esp32h2"), 256));
    assert_false(esc_ds_chip_ecdsa_supports(esc_ds_chip_find("esp32h2"), 384));
    assert_true(esc_ds_chip_ecdsa_supports(esc_ds_chip_find("esp32c5"), 384));
    assert_false(esc_ds_chip_ecdsa_supports(esc_ds_chip_find("esp32c3"), 256));
    assert_null(esc_ds_chip_find("esp32"));
    assert_null(esc_ds_chip_find("ESP32C3"));
    assert_null(esc_ds_chip_find(""));
    assert_null(esc_ds_chip_find(NULL));
    assert_false(esc_ds_chip_rsa_supports(NULL, 2048));
    assert_null(esc_ds_chip_at(esc_ds_chip_count()));
}

static void test_plain_layout(void **state)
{
    (void)state;
    esc_ds_plain_layout_t l;
    assert_int_equal(esc_ds_plain_layout(3072, &l), ESC_DS_OK);
    /* Y || M || Rb || MD || M' || L || pad, as configure_ds.py lays it out. */
    assert_int_equal(l.operand_len, 384);
    assert_int_equal(l.m, 384);
    assert_int_equal(l.rb, 768);
    assert_int_equal(l.md, 1152);
    assert_int_equal(l.mprime, 1184);
    assert_int_equal(l.length, 1188);
    assert_int_equal(l.pad, 1192);
    assert_int_equal(l.total, 1200);
    assert_int_equal(esc_ds_plain_layout(4096, &l), ESC_DS_OK);
    assert_int_equal(l.total, 1584);
    assert_int_equal(l.md, 1536);
    assert_int_equal(esc_ds_plain_layout(1000, &l), ESC_DS_ERR_ARG);
    assert_int_equal(esc_ds_plain_layout(3072, NULL), ESC_DS_ERR_ARG);
}

static void test_context_round_trip(void **state)
{
    (void)state;
    uint8_t ctx[8];
    esc_ds_context_encode(ctx, 3, 3072);
    /* u32 0, u8 id, u8 0, u16 bits: bytes as the README states them. */
    static const uint8_t expect[8] = {0, 0, 0, 0, 3, 0, 0x00, 0x0c};
    assert_memory_equal(ctx, expect, 8);
    uint8_t id = 0xaa;
    uint16_t bits = 0;
    assert_int_equal(esc_ds_context_decode(ctx, 8, &id, &bits), ESC_DS_OK);
    assert_int_equal(id, 3);
    assert_int_equal(bits, 3072);

    assert_int_equal(esc_ds_context_decode(ctx, 7, &id, &bits), ESC_DS_ERR_LENGTH);
    assert_int_equal(esc_ds_context_decode(ctx, 16, &id, &bits), ESC_DS_ERR_LENGTH);
    uint8_t bad[8];
    memcpy(bad, ctx, 8);
    bad[4] = 6; /* no KEY6 */
    assert_int_equal(esc_ds_context_decode(bad, 8, &id, &bits), ESC_DS_ERR_CONTEXT);
    memcpy(bad, ctx, 8);
    bad[6] = 0x01; /* 3073 bits */
    assert_int_equal(esc_ds_context_decode(bad, 8, &id, &bits), ESC_DS_ERR_CONTEXT);
    memset(bad, 0, 8); /* 0 bits */
    assert_int_equal(esc_ds_context_decode(bad, 8, &id, &bits), ESC_DS_ERR_CONTEXT);
    assert_int_equal(esc_ds_context_decode(NULL, 8, &id, &bits), ESC_DS_ERR_ARG);
    /* Junk where the original kept a pointer is tolerated, as it was there. */
    memcpy(bad, ctx, 8);
    bad[0] = 0xde;
    bad[5] = 0x77;
    assert_int_equal(esc_ds_context_decode(bad, 8, &id, &bits), ESC_DS_OK);
}

static void test_data_parse(void **state)
{
    (void)state;
    static uint8_t buf[ESC_DS_DATA_LEN_MAX + 16];
    uint8_t iv[16];
    for (int i = 0; i < 16; i++) {
        iv[i] = (uint8_t)(0xa0 + i);
    }
    esc_ds_data_header_encode(buf, 2048, iv);
    assert_int_equal(buf[0], 63);
    assert_int_equal(buf[1] | buf[2] | buf[3], 0);
    assert_memory_equal(buf + 4, iv, 16);

    esc_ds_data_view_t v;
    assert_int_equal(esc_ds_data_parse(buf, 20 + 1200, &v), ESC_DS_OK);
    assert_int_equal(v.rsa_bits, 2048);
    assert_int_equal(v.max_bits, 3072);
    assert_int_equal(v.c_len, 1200);
    assert_ptr_equal(v.iv, buf + 4);
    assert_ptr_equal(v.c, buf + 20);
    assert_int_equal(esc_ds_data_parse(buf, 20 + 1584, &v), ESC_DS_OK);
    assert_int_equal(v.max_bits, 4096);

    /* Lengths of no chip, down to nothing. */
    static const size_t bad_len[] = {0, 3, 19, 20, 21, 20 + 1199, 20 + 1201, 20 + 816, 20 + 1583, 20 + 1585};
    for (size_t i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
        assert_int_equal(esc_ds_data_parse(buf, bad_len[i], &v), ESC_DS_ERR_LENGTH);
    }
    /* 4096-bit data in a 3072-bit chip's layout. */
    esc_ds_data_header_encode(buf, 4096, iv);
    assert_int_equal(esc_ds_data_parse(buf, 20 + 1200, &v), ESC_DS_ERR_RSA_LENGTH);
    assert_int_equal(esc_ds_data_parse(buf, 20 + 1584, &v), ESC_DS_OK);
    /* rsa_length values that are not a DS size, including ones that would
     * wrap when turned into bits. */
    static const uint32_t bad_rsa_len[] = {0, 30, 32, 62, 128, 0x7fffffff, 0xffffffff, 0x08000000 - 1};
    for (size_t i = 0; i < sizeof(bad_rsa_len) / sizeof(bad_rsa_len[0]); i++) {
        uint32_t l = bad_rsa_len[i];
        buf[0] = (uint8_t)l;
        buf[1] = (uint8_t)(l >> 8);
        buf[2] = (uint8_t)(l >> 16);
        buf[3] = (uint8_t)(l >> 24);
        assert_int_equal(esc_ds_data_parse(buf, 20 + 1584, &v), ESC_DS_ERR_RSA_LENGTH);
    }
    assert_int_equal(esc_ds_data_parse(NULL, 20 + 1584, &v), ESC_DS_ERR_ARG);
    assert_int_equal(esc_ds_data_parse(buf, 20 + 1584, NULL), ESC_DS_ERR_ARG);
}

static void test_c_len_valid(void **state)
{
    (void)state;
    unsigned max = 0;
    assert_true(esc_ds_c_len_valid(1200, &max));
    assert_int_equal(max, 3072);
    assert_true(esc_ds_c_len_valid(1584, &max));
    assert_int_equal(max, 4096);
    assert_true(esc_ds_c_len_valid(1584, NULL));
    assert_false(esc_ds_c_len_valid(0, &max));
    assert_false(esc_ds_c_len_valid(816, &max));
    assert_false(esc_ds_c_len_valid((size_t)-1, &max));
    assert_true(esc_ds_rsa_bits_valid(1024));
    assert_false(esc_ds_rsa_bits_valid(0));
    assert_false(esc_ds_rsa_bits_valid(5120));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chip_table),
        cmocka_unit_test(test_plain_layout),
        cmocka_unit_test(test_context_round_trip),
        cmocka_unit_test(test_data_parse),
        cmocka_unit_test(test_c_len_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
