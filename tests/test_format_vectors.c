/*
 * The format core against every TLV partition in tests/vectors: each entry's
 * offset, header fields, lengths, CRC and data hash must equal what the
 * independent dumper recorded in expected.json / reference_tlvdump.json.
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
#include "mini_json.h"
#include "test_files.h"
#include "vector_images.h"

static unsigned s_checked_entries;
static unsigned s_checked_images;

static void check_image(const char *bin_path, const mj_node_t *dump)
{
    size_t len = 0;
    uint8_t *img = tf_read_file(bin_path, &len);
    if (img == NULL) {
        fail_msg("cannot read %s", bin_path);
    }
    assert_int_equal(len, mj_int(dump, "size", mj_int(dump, "file_size", -1)));
    const mj_node_t *tlvs = mj_get(dump, "tlvs");
    size_t want = mj_len(tlvs);

    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_entry_t e;
    size_t i = 0;
    esc_tlv_result_t r;
    while ((r = esc_tlv_cursor_next(&cur, img, len, &e)) == ESC_TLV_OK) {
        if (i >= want) {
            fail_msg("%s: more entries than expected (%zu)", bin_path, want);
        }
        const mj_node_t *t = mj_at(tlvs, i);
        assert_int_equal(e.offset, mj_int(t, "offset", -1));
        assert_int_equal(e.type, mj_int(t, "type", -1));
        assert_int_equal(e.subtype, mj_int(t, "subtype", -1));
        assert_int_equal(e.flags, mj_int(t, "flags", -1));
        const mj_node_t *res = mj_get(t, "reserved");
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(e.reserved[k], (long)mj_at(res, k)->num);
        }
        assert_int_equal(e.length, mj_int(t, "length", -1));
        assert_int_equal(e.total_len, mj_int(t, "total_length", -1));
        assert_int_equal(e.crc_ok, mj_get(t, "crc_ok")->boolean);
        char crc_hex[16];
        snprintf(crc_hex, sizeof(crc_hex), "0x%08x", e.crc_stored);
        assert_string_equal(crc_hex, mj_str(t, "crc"));
        char sha[65];
        tf_sha256_hex(img + e.data_offset, e.length, sha);
        assert_string_equal(sha, mj_str(t, "data_sha256"));
        const char *name = esc_tlv_type_name(e.type);
        /* The dumper calls type 5 ECDSA_KEY_SALT; we use the public enum's name. */
        if (name != NULL && mj_str(t, "type_name") != NULL && e.type != 5) {
            assert_string_equal(name, mj_str(t, "type_name"));
        }
        i++;
        s_checked_entries++;
    }
    assert_int_equal(i, want);
    const mj_node_t *errors = mj_get(dump, "errors");
    if (errors != NULL && mj_len(errors) > 0) {
        assert_int_equal(r, ESC_TLV_ERR_TRUNCATED);
    } else {
        assert_int_equal(r, ESC_TLV_END);
    }
    long end_expected = tf_valid_end(dump);
    if (end_expected >= 0 && (errors == NULL || mj_len(errors) == 0)) {
        size_t end = 0;
        assert_int_equal(esc_tlv_end_offset(img, len, &end), ESC_TLV_OK);
        assert_int_equal(end, end_expected);
    }
    s_checked_images++;
    free(img);
}

static void test_tool_vectors(void **state)
{
    (void)state;
    assert_true(tf_each_tool_image(check_image) >= 30);
}

static void test_reference_binaries(void **state)
{
    (void)state;
    assert_int_equal(tf_each_reference_image(check_image), 8);
}

static void test_summary(void **state)
{
    (void)state;
    printf("format vectors: %u images, %u entries checked\n", s_checked_images, s_checked_entries);
    assert_true(s_checked_entries > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tool_vectors),
        cmocka_unit_test(test_reference_binaries),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
