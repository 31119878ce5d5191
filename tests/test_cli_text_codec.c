/*
 * The CLI's text decoders (tools/text_codec.c): base64 checked against
 * OpenSSL's encoder on random data, in the strict (PEM body) and lenient
 * (Python b64decode) modes; hex against printf; UTF-8 against the RFC 3629
 * examples and its rules (overlong forms, surrogates, range).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "text_codec.h"

static void test_base64_matches_openssl(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 100; n++) {
        uint8_t data[100], out[TEXT_BASE64_DECODED_MAX(200)];
        char b64[4 * 34 + 1];
        assert_int_equal(RAND_bytes(data, (int)sizeof(data)), 1);
        int len = EVP_EncodeBlock((unsigned char *)b64, data, (int)n);
        size_t got = 0;
        char why[128] = "";
        int rc = text_base64_decode(b64, (size_t)len, TEXT_BASE64_STRICT, out, &got, why, sizeof(why));
        if (n == 0) {
            assert_int_equal(rc, -1); /* nothing to decode is not a certificate */
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(got, n);
        assert_memory_equal(out, data, n);

        /* A PEM body: the same with line breaks every 16 characters. */
        char pem[400];
        size_t k = 0;
        for (int i = 0; i < len; i++) {
            if (i > 0 && i % 16 == 0) {
                pem[k++] = '\n';
            }
            pem[k++] = b64[i];
        }
        assert_int_equal(text_base64_decode(pem, k, TEXT_BASE64_STRICT, out, &got, why, sizeof(why)), 0);
        assert_int_equal(got, n);
        assert_memory_equal(out, data, n);

        /* Python's b64decode skips what is not base64; strict mode refuses it. */
        char junk[400];
        k = 0;
        for (int i = 0; i < len; i++) {
            junk[k++] = b64[i];
            if (i % 5 == 0) {
                junk[k++] = '*';
            }
        }
        assert_int_equal(text_base64_decode(junk, k, TEXT_BASE64_LENIENT, out, &got, why, sizeof(why)), 0);
        assert_int_equal(got, n);
        assert_memory_equal(out, data, n);
        assert_int_equal(text_base64_decode(junk, k, TEXT_BASE64_STRICT, out, &got, why, sizeof(why)), -1);
        assert_non_null(strstr(why, "'*' at position 2"));
    }
}

static void test_base64_refusals(void **state)
{
    (void)state;
    static const char *const k_bad_both[] = {"QUJD=QUJD", "QUI", "Q", "QUJDQ", ""};
    uint8_t out[16];
    size_t got;
    char why[128];
    for (size_t i = 0; i < sizeof(k_bad_both) / sizeof(k_bad_both[0]); i++) {
        const char *s = k_bad_both[i];
        assert_int_equal(text_base64_decode(s, strlen(s), TEXT_BASE64_STRICT, out, &got, why, sizeof(why)), -1);
        assert_int_equal(text_base64_decode(s, strlen(s), TEXT_BASE64_LENIENT, out, &got, why, sizeof(why)), -1);
    }
    /* Three '=' is never a PEM padding. */
    assert_int_equal(text_base64_decode("QQ===", 5, TEXT_BASE64_STRICT, out, &got, why, sizeof(why)), -1);
    assert_int_equal(text_base64_decode("QQ==", 4, TEXT_BASE64_STRICT, out, &got, why, sizeof(why)), 0);
    assert_int_equal(got, 1);
    assert_int_equal(out[0], 'A');
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t data[64], back[64];
    char hex[129], printed[129], why[128];
    assert_int_equal(RAND_bytes(data, (int)sizeof(data)), 1);
    for (size_t i = 0; i < sizeof(data); i++) {
        snprintf(printed + 2 * i, 3, "%02x", data[i]);
    }
    text_hex_encode(data, sizeof(data), false, hex);
    assert_string_equal(hex, printed);
    size_t got = 0;
    assert_int_equal(text_hex_decode(hex, false, back, sizeof(back), &got, why, sizeof(why)), 0);
    assert_int_equal(got, sizeof(data));
    assert_memory_equal(back, data, sizeof(data));

    text_hex_encode((const uint8_t *)"\xab\x0f", 2, true, hex);
    assert_string_equal(hex, "AB0F");
    /* Spaces between digits only where asked for. */
    assert_int_equal(text_hex_decode(" ab 0F\n", true, back, sizeof(back), &got, why, sizeof(why)), 0);
    assert_int_equal(got, 2);
    assert_int_equal(back[1], 0x0F);
    assert_int_equal(text_hex_decode("ab 0f", false, back, sizeof(back), &got, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "position 3"));
    assert_int_equal(text_hex_decode("abc", false, back, sizeof(back), &got, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "odd number"));
    assert_int_equal(text_hex_decode("0x12", false, back, sizeof(back), &got, why, sizeof(why)), -1);
    assert_int_equal(text_hex_decode("+1", false, back, sizeof(back), &got, why, sizeof(why)), -1);
    assert_int_equal(text_hex_decode("aabbcc", false, back, 2, &got, why, sizeof(why)), -1);
}

static void test_utf8(void **state)
{
    (void)state;
    uint32_t cp = 0;
    /* RFC 3629 section 7 examples. */
    assert_int_equal(text_utf8_next((const uint8_t *)"\xE2\x82\xAC", 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xED\x95\x9C", 3, &cp), 3);
    assert_int_equal(cp, 0xD55C);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xF0\xA3\x8E\xB4", 4, &cp), 4);
    assert_int_equal(cp, 0x233B4);
    assert_int_equal(text_utf8_next((const uint8_t *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    /* Overlong, surrogate, past U+10FFFF, truncated, stray continuation. */
    assert_int_equal(text_utf8_next((const uint8_t *)"\xC0\x80", 2, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xE0\x80\xAF", 3, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xF4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xE2\x82", 2, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\x80", 1, &cp), 0);
    assert_int_equal(text_utf8_next((const uint8_t *)"\xF4\x8F\xBF\xBF", 4, &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_matches_openssl),
        cmocka_unit_test(test_base64_refusals),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
