/*
 * `verify`'s signature check (tools/verify_sig.c) on the reference tool's
 * signed vectors (v13 ECDSA P-256, v16 ECDSA + RSA-3072): valid as made,
 * trusted only through the user's keys or digests, broken by any bit flip;
 * and the repeatable option form it uses (CLI_NARGS_REPEAT).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli.h"
#include "verify_sig.h"
#include "test_files.h"

static uint8_t *vector_file(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ESC_VECTORS_DIR, rel);
    uint8_t *d = tf_read_file(path, len);
    assert_non_null(d);
    return d;
}

static EVP_PKEY *key(const char *name)
{
    char path[512], err[512] = "";
    EVP_PKEY *k = NULL;
    snprintf(path, sizeof(path), "%s/keys/%s", ESC_VECTORS_DIR, name);
    if (vs_load_trusted_key(path, &k, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    return k;
}

static void test_signed_vector_valid_but_untrusted(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = vector_file("v16_signed_multi_ecdsa256_rsa3072/outputs/esp_secure_cert_signed.bin", &len);
    vs_result_t r;
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    assert_int_equal(r.nentries, 2);
    assert_int_equal(r.structure, ESC_SIG_OK);
    assert_false(r.trust_given);
    assert_int_equal(r.blocks[0].algorithm, ESC_SIG_ALG_ECDSA256);
    assert_int_equal(r.blocks[1].algorithm, ESC_SIG_ALG_RSA3072);
    for (size_t i = 0; i < 2; i++) {
        assert_true(r.blocks[i].in_run);
        assert_true(r.blocks[i].valid);
        assert_false(r.blocks[i].trusted);
    }
    /* The signed range ends where the first signature entry starts. */
    assert_int_equal(r.signed_len, r.blocks[0].offset);
    free(img);
}

static void test_trust_by_key_and_by_digest(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = vector_file("v16_signed_multi_ecdsa256_rsa3072/outputs/esp_secure_cert_signed.bin", &len);
    vs_result_t r;
    EVP_PKEY *rsa = key("test_sign_rsa3072.pem");
    vs_check(img, len, &rsa, 1, NULL, 0, &r);
    assert_int_equal(r.trusted, ESC_SIG_OK);
    assert_false(r.blocks[0].trusted);
    assert_true(r.blocks[1].trusted);

    /* The digest vs_check reports for the ECDSA entry, given back as trusted. */
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    uint8_t d[1][ESC_SIG_KEY_DIGEST_LEN];
    assert_int_equal(vs_parse_digest(r.blocks[0].digest_hex, d[0]), 0);
    vs_check(img, len, NULL, 0, (const uint8_t(*)[ESC_SIG_KEY_DIGEST_LEN])d, 1, &r);
    assert_int_equal(r.trusted, ESC_SIG_OK);
    assert_true(r.blocks[0].trusted);
    assert_false(r.blocks[1].trusted);

    EVP_PKEY *p384 = key("test_sign_ecdsa384.pem");
    vs_check(img, len, &p384, 1, NULL, 0, &r);
    assert_true(r.trust_given);
    assert_int_equal(r.trusted, ESC_SIG_ERR_UNTRUSTED);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(p384);
    free(img);
}

static void test_bit_flips(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = vector_file("v13_signed_ecdsa256/outputs/esp_secure_cert_signed.bin", &len);
    vs_result_t r;
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    assert_int_equal(r.structure, ESC_SIG_OK);
    size_t sig = r.blocks[0].offset;
    /* In the signed range (CRC left wrong: the verifier reads the bytes). */
    img[100] ^= 1;
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    assert_int_not_equal(r.structure, ESC_SIG_OK);
    assert_false(r.blocks[0].valid);
    img[100] ^= 1;
    /* In s, the last byte of the signature: the entry's CRC now fails too,
     * which the device treats as a malformed signature. */
    img[sig + 12 + 16 + 1 + 4 * 32 - 1] ^= 0x80;
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    assert_int_not_equal(r.structure, ESC_SIG_OK);
    assert_false(r.blocks[0].valid);
    free(img);
}

static void test_unsigned_image(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = vector_file("v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin", &len);
    vs_result_t r;
    vs_check(img, len, NULL, 0, NULL, 0, &r);
    assert_int_equal(r.nentries, 0);
    assert_int_equal(r.structure, ESC_SIG_ERR_NO_SIGNATURE);
    free(img);
}

static void test_digest_and_key_parsing(void **state)
{
    (void)state;
    uint8_t d[ESC_SIG_KEY_DIGEST_LEN];
    assert_int_equal(vs_parse_digest("00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100", d), 0);
    assert_int_equal(d[0], 0x00);
    assert_int_equal(d[5], 0x55);
    assert_int_equal(d[16], 0xFF);
    assert_int_equal(vs_parse_digest("0011", d), -1);
    assert_int_equal(vs_parse_digest("zz112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100", d), -1);
    EVP_PKEY *k = NULL;
    char err[512] = "";
    char path[512];
    snprintf(path, sizeof(path), "%s/v01_pem_rsa2048_plain/cmd.txt", ESC_VECTORS_DIR);
    assert_int_equal(vs_load_trusted_key(path, &k, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a key"));
    assert_int_equal(vs_load_trusted_key("/tmp/no/such/key.pem", &k, err, sizeof(err)), -1);
    assert_null(k);
    /* A certificate carries a usable public key too. */
    snprintf(path, sizeof(path), "%s/keys/test_dev_ecp256.pem", ESC_VECTORS_DIR);
    assert_int_equal(vs_load_trusted_key(path, &k, err, sizeof(err)), 0);
    EVP_PKEY_free(k);
}

static void test_repeatable_option(void **state)
{
    (void)state;
    static const cli_opt_t opts[] = {
        {"trusted-key", NULL, 0, CLI_NARGS_REPEAT, "FILE", ""},
        {"json", NULL, 0, 0, NULL, ""},
    };
    char *argv[] = {"verify", "--trusted-key", "a.pem", "img.bin", "--json", "--trusted_key=b.pem", NULL};
    cli_parsed_t p;
    assert_int_equal(cli_parse("verify", opts, 2, 6, argv, 1, &p), 0);
    const cli_opt_value_t *v = cli_get_all(&p, "trusted-key");
    assert_int_equal(v->nvals, 2);
    assert_string_equal(v->vals[0], "a.pem");
    assert_string_equal(v->vals[1], "b.pem");
    assert_int_equal(p.npositional, 1); /* one value per occurrence: img.bin stays positional */
    assert_string_equal(p.positional[0], "img.bin");
    cli_parsed_free(&p);
    char *bad[] = {"verify", "img.bin", "--trusted-key", NULL};
    assert_int_equal(cli_parse("verify", opts, 2, 3, bad, 1, &p), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_vector_valid_but_untrusted),
        cmocka_unit_test(test_trust_by_key_and_by_digest),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_unsigned_image),
        cmocka_unit_test(test_digest_and_key_parsing),
        cmocka_unit_test(test_repeatable_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
