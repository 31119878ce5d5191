/*
 * The reader rules the power-loss design relies on (docs/power-loss.md),
 * checked on the public read API, with what the original component's lookup
 * does on the same bytes for comparison:
 *   R1  walking from offset 0, the list ends at the first entry whose CRC
 *       fails (its length field, which links to the next entry, is not
 *       trusted): entries behind it are not returned, not iterated, and
 *       TLV_END reports the end before it;
 *   R2  a filler (type 0xFF = ESP_SECURE_CERT_TLV_INVALID, valid CRC) is
 *       walked past but never returned or iterated.
 * And what the writer does with such a tail: the CRC-bad entry at the end
 * is never written over; the next append needs an erase (auto_erase
 * rebuilds the sector).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_write_common.h"

#define PART 8192u

static uint8_t s_flash[PART];

static size_t put(uint32_t off, const wc_entry_t *e)
{
    uint8_t *d = wc_data(e);
    size_t written = 0;
    assert_int_equal(esc_tlv_encode(s_flash + off, PART - off, e->flags, e->type, e->subtype, d, e->len, &written),
                     ESC_TLV_OK);
    free(d);
    return written;
}

static int iterate_types(uint8_t *types, int max)
{
    esp_secure_cert_tlv_iterator_t it = {0};
    int n = 0;
    while (esp_secure_cert_iterate_to_next_tlv(&it) == ESP_OK && n < max) {
        esp_secure_cert_tlv_info_t info;
        if (esp_secure_cert_get_tlv_info_from_iterator(&it, &info) == ESP_OK) {
            types[n++] = (uint8_t)info.type;
            esp_secure_cert_free_tlv_info(&info);
        }
    }
    return n;
}

static uint32_t tlv_end(void)
{
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_TLV_END, .subtype = 0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    return info.length;
}

static const wc_entry_t A = {.type = 0, .subtype = 0, .len = 100, .seed = 1};
static const wc_entry_t B = {.type = 1, .subtype = 0, .len = 60, .seed = 2};
static const wc_entry_t C = {.type = 2, .subtype = 0, .len = 40, .seed = 3};

static void test_filler_is_skipped(void **state)
{
    (void)state;
    memset(s_flash, 0xFF, PART);
    uint32_t off = (uint32_t)put(0, &A);
    wc_entry_t filler = {.type = 0xFF, .subtype = 0, .len = 48, .seed = 9};
    off += (uint32_t)put(off, &filler);
    off += (uint32_t)put(off, &B);
    assert_int_equal(wc_open(s_flash, PART, 1), ESP_OK);

    assert_int_equal(wc_api_has(&A), 1);
    assert_int_equal(wc_api_has(&B), 1);
    assert_int_equal(wc_api_has(&filler), 0);
    uint8_t types[8];
    int n = iterate_types(types, 8);
    assert_int_equal(n, 2);
    assert_int_equal(types[0], A.type);
    assert_int_equal(types[1], B.type);
    assert_int_equal(tlv_end(), off);
    /* The original's lookup walks past a filler too. */
    assert_int_equal(wc_orig_has(s_flash, PART, &B), 1);
    esp_secure_cert_host_close();
}

/*
 * The hard case of a cut while the first 16-byte block of a batch [X, B, C]
 * was programmed: the magic came out whole, the length did not (bits that
 * should be 0 are still 1), so the header claims more than X and happens to
 * end exactly where C starts. The CRC of X fails.
 */
static uint32_t torn_first_block(void)
{
    memset(s_flash, 0xFF, PART);
    uint32_t off = (uint32_t)put(0, &A);
    uint32_t x = off;
    wc_entry_t X = {.type = 3, .subtype = 0, .len = 0x10, .seed = 4}; /* total 0x20 */
    off += (uint32_t)put(off, &X);
    off += (uint32_t)put(off, &B); /* 12 + 60 + 4 padding + 4 = 0x50 */
    uint32_t c_at = off;
    off += (uint32_t)put(off, &C);
    /* Length 0x10 torn to 0x51 (bits 0 and 6 still set): the header claims
     * 12 + 0x51 + 15 + 4 = 0x70 bytes, exactly up to C. */
    assert_int_equal(c_at - x, 0x70);
    assert_int_equal(esc_tlv_total_len(0x51), 0x70);
    s_flash[x + 10] = 0x51;
    return c_at;
}

static void test_bad_crc_ends_the_list(void **state)
{
    (void)state;
    uint32_t c_at = torn_first_block();
    (void)c_at;
    /* The original's lookup follows the torn length and finds C: it would
     * show part of a batch whose first entry never committed. */
    assert_int_equal(wc_orig_has(s_flash, PART, &C), 1);

    assert_int_equal(wc_open(s_flash, PART, 16), ESP_OK);
    assert_int_equal(wc_api_has(&A), 1);
    assert_int_equal(wc_api_has(&B), 0);
    assert_int_equal(wc_api_has(&C), 0);
    uint8_t types[8];
    assert_int_equal(iterate_types(types, 8), 1);
    assert_int_equal(tlv_end(), esc_tlv_total_len(A.len));
    esp_secure_cert_host_close();
}

static void test_writer_never_builds_on_a_bad_entry(void **state)
{
    (void)state;
    torn_first_block();
    assert_int_equal(wc_open(s_flash, PART, 16), ESP_OK);
    wc_entry_t D = {.type = 51, .subtype = 0, .len = 10, .seed = 5};
    /* The bad entry shares sector 0 with A: only an erase of it helps. */
    assert_int_equal(wc_append(&D, NULL), ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED);
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    cfg.flash.auto_erase = true;
    assert_int_equal(wc_append(&D, &cfg), ESP_OK);
    wc_seen_t seen[8];
    uint32_t end = 0;
    assert_int_equal(wc_model_list(s_flash, PART, seen, 8, &end, NULL), 2);
    assert_int_equal(wc_model_has(seen, 2, &A), 1);
    assert_int_equal(wc_model_has(seen, 2, &D), 1);
    for (uint32_t p = end; p < PART; p++) {
        assert_int_equal(s_flash[p], 0xFF);
    }
    assert_int_equal(wc_orig_has(s_flash, PART, &C), 0);
    esp_secure_cert_host_close();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filler_is_skipped),
        cmocka_unit_test(test_bad_crc_ends_the_list),
        cmocka_unit_test(test_writer_never_builds_on_a_bad_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
