/*
 * The generator's emulated chip (tools/gen_efuse.c): key blocks checked
 * against an eFuse file as `generate --efuse` does, and the HMAC-derived
 * public key, compared with an independent OpenSSL computation
 * (PKCS5_PBKDF2_HMAC, then the P-256 point of that scalar).
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

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gen_efuse.h"

static const uint8_t k_key[32] = "ESC-TEST-ONLY-HMAC-KEY-DONOTUSE!";

static char *efuse_file(const char *text)
{
    char *path = strdup("/tmp/test_cli_efuse_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void hex32(const uint8_t *k, char out[65])
{
    for (int i = 0; i < 32; i++) {
        snprintf(out + 2 * i, 3, "%02x", k[i]);
    }
}

static void test_blank_and_taken_blocks(void **state)
{
    (void)state;
    char hex[65], text[256];
    hex32(k_key, hex);
    snprintf(text, sizeof(text), "KEY1 XTS_AES_128_KEY %s\nKEY2 HMAC_UP %s read_protected\n", hex, hex);
    char *path = efuse_file(text);
    gen_efuse_t fx;
    char err[512] = "";
    assert_int_equal(gen_efuse_open(&fx, path, err, sizeof(err)), 0);

    bool present = true;
    assert_int_equal(gen_efuse_check_block(&fx, 0, ESC_PURPOSE_HMAC_UP, k_key, false, &present, err, sizeof(err)), 0);
    assert_false(present); /* blank: burn it */

    assert_int_equal(gen_efuse_check_block(&fx, 1, ESC_PURPOSE_HMAC_UP, k_key, false, &present, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "KEY1"));
    assert_non_null(strstr(err, "purpose XTS_AES_128_KEY"));
    assert_non_null(strstr(err, path));

    /* Same purpose: the same key is "already there", another key is refused;
     * the key is compared although the block is read-protected. */
    assert_int_equal(gen_efuse_check_block(&fx, 2, ESC_PURPOSE_HMAC_UP, k_key, false, &present, err, sizeof(err)), 0);
    assert_true(present);
    uint8_t other[32];
    memcpy(other, k_key, 32);
    other[31] ^= 1;
    assert_int_equal(gen_efuse_check_block(&fx, 2, ESC_PURPOSE_HMAC_UP, other, false, &present, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "different HMAC_UP key"));
    assert_int_equal(gen_efuse_first_with_purpose(&fx, ESC_PURPOSE_HMAC_UP), 2);
    assert_int_equal(gen_efuse_first_with_purpose(&fx, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE), -1);
    assert_int_equal(gen_efuse_check_block(&fx, 6, ESC_PURPOSE_HMAC_UP, k_key, false, &present, err, sizeof(err)), -1);

    /* A burn lands in the emulation only: the file is unchanged. */
    assert_int_equal(gen_efuse_burn(&fx, 3, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, k_key, err, sizeof(err)), 0);
    assert_int_equal(gen_efuse_check_block(&fx, 3, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, k_key, false, &present,
                                           err, sizeof(err)),
                     0);
    assert_true(present);
    gen_efuse_close(&fx);
    FILE *f = fopen(path, "r");
    char back[256] = "";
    assert_non_null(f);
    size_t n = fread(back, 1, sizeof(back) - 1, f);
    fclose(f);
    back[n] = 0;
    assert_string_equal(back, text);
    unlink(path);
    free(path);
}

static void test_ecdsa_key_stored_little_endian(void **state)
{
    (void)state;
    uint8_t rev[32];
    char hex[65], text[128];
    for (int i = 0; i < 32; i++) {
        rev[i] = k_key[31 - i];
    }
    hex32(rev, hex);
    snprintf(text, sizeof(text), "KEY4 ECDSA_KEY %s\n", hex);
    char *path = efuse_file(text);
    gen_efuse_t fx;
    char err[512] = "";
    bool present = false;
    assert_int_equal(gen_efuse_open(&fx, path, err, sizeof(err)), 0);
    assert_int_equal(gen_efuse_check_block(&fx, 4, ESC_PURPOSE_ECDSA_KEY, k_key, true, &present, err, sizeof(err)), 0);
    assert_true(present);
    assert_int_equal(gen_efuse_check_block(&fx, 4, ESC_PURPOSE_ECDSA_KEY, k_key, false, &present, err, sizeof(err)),
                     -1);
    gen_efuse_close(&fx);
    unlink(path);
    free(path);
}

static void test_missing_and_bad_files(void **state)
{
    (void)state;
    gen_efuse_t fx;
    char err[512] = "";
    assert_int_equal(gen_efuse_open(&fx, "/tmp/no/such/efuse.txt", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "file not found"));
    char *path = efuse_file("KEY9 HMAC_UP 00\n");
    assert_int_equal(gen_efuse_open(&fx, path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a valid eFuse file"));
    unlink(path);
    free(path);
    gen_efuse_close(&fx); /* safe on a handle that never opened */
}

/* OpenSSL's public key of PBKDF2-HMAC-SHA256(key, salt, 2048) as a scalar. */
static void openssl_derived_public(const uint8_t *salt, size_t salt_len, uint8_t pub[65])
{
    uint8_t der[51];
    static const uint8_t head[] = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
    static const uint8_t tail[] = {0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    memcpy(der, head, sizeof(head));
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)k_key, 32, salt, (int)salt_len, 2048, EVP_sha256(), 32,
                                       der + sizeof(head)),
                     1);
    memcpy(der + sizeof(head) + 32, tail, sizeof(tail));
    const unsigned char *p = der;
    EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, (long)sizeof(der));
    assert_non_null(k);
    size_t n = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, 65, &n), 1);
    assert_int_equal(n, 65);
    EVP_PKEY_free(k);
}

static void test_derived_public_key(void **state)
{
    (void)state;
    gen_efuse_t fx;
    char err[512] = "";
    uint8_t salt[32], pub[65], want[65];
    for (int i = 0; i < 32; i++) {
        salt[i] = (uint8_t)i;
    }
    assert_int_equal(gen_efuse_open(&fx, NULL, err, sizeof(err)), 0);
    /* No HMAC_UP key yet: the emulated peripheral refuses. */
    assert_int_equal(gen_efuse_derived_public(&fx, 1, salt, sizeof(salt), pub, err, sizeof(err)), -1);
    assert_int_equal(gen_efuse_burn(&fx, 1, ESC_PURPOSE_HMAC_UP, k_key, err, sizeof(err)), 0);
    assert_int_equal(gen_efuse_derived_public(&fx, 1, salt, sizeof(salt), pub, err, sizeof(err)), 0);
    openssl_derived_public(salt, sizeof(salt), want);
    assert_memory_equal(pub, want, 65);
    assert_int_equal(gen_efuse_derived_public(&fx, 1, salt, 16, pub, err, sizeof(err)), 0);
    openssl_derived_public(salt, 16, want);
    assert_memory_equal(pub, want, 65);
    gen_efuse_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blank_and_taken_blocks),
        cmocka_unit_test(test_ecdsa_key_stored_little_endian),
        cmocka_unit_test(test_missing_and_bad_files),
        cmocka_unit_test(test_derived_public_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
