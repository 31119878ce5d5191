/*
 * Certificate and key input of the CLI (tools/key_input.c): the bytes stored
 * for every input kind must be those of the reference tool, i.e. hash to the
 * data_sha256 that expected.json records for the vectors' entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "key_input.h"
#include "mini_json.h"
#include "test_files.h"

/* data_sha256 of entry (type, subtype) in vector's esp_secure_cert.bin. */
static void expected_sha(const char *vector, int type, char out[65])
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, vector);
    mj_node_t *doc = mj_parse_file(path);
    assert_non_null(doc);
    const mj_node_t *tlvs = mj_get(mj_get(mj_get(doc, "outputs"), "esp_secure_cert.bin"), "tlvs");
    assert_non_null(tlvs);
    out[0] = 0;
    for (size_t i = 0; i < mj_len(tlvs); i++) {
        const mj_node_t *t = mj_at(tlvs, i);
        if (mj_int(t, "type", -1) == type && mj_int(t, "subtype", -1) == 0) {
            snprintf(out, 65, "%s", mj_str(t, "data_sha256"));
        }
    }
    mj_free(doc);
    assert_int_equal(strlen(out), 64);
}

static uint8_t *read_vec(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ESC_VECTORS_DIR, rel);
    uint8_t *d = tf_read_file(path, len);
    assert_non_null(d);
    return d;
}

static void check_key(const char *file, const char *password, const char *vector)
{
    size_t len;
    uint8_t *data = read_vec(file, &len);
    ki_key_t k;
    char err[512] = "";
    if (ki_load_key(data, len, password, file, &k, NULL, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    char got[65], want[65];
    tf_sha256_hex(k.stored, k.stored_len, got);
    expected_sha(vector, 2, want);
    assert_string_equal(got, want);
    ki_key_free(&k);
    free(data);
}

static void check_cert(const char *file, const char *vector, int type)
{
    size_t len;
    uint8_t *data = read_vec(file, &len);
    ki_cert_t c;
    char err[512] = "";
    if (ki_load_cert(data, len, file, &c, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    char got[65], want[65];
    tf_sha256_hex(c.stored, c.stored_len, got);
    expected_sha(vector, type, want);
    assert_string_equal(got, want);
    ki_cert_free(&c);
    free(data);
}

static void test_keys_stored_as_the_reference(void **state)
{
    (void)state;
    check_key("keys/test_dev_rsa2048.key", NULL, "v01_pem_rsa2048_plain");          /* PKCS#8 PEM -> PKCS#1 PEM */
    check_key("keys/test_dev_ecp256.sec1.pem", NULL, "v02_pem_ecp256_pkcs1_inputs"); /* SEC1 PEM */
    check_key("keys/test_dev_rsa2048.pk8.der", NULL, "v03_der_inputs");             /* PKCS#8 DER -> PKCS#1 DER */
    check_key("keys/test_dev_rsa2048.pkcs1.pem", NULL, "v04_device_only_pkcs1");
}

static void test_certs_stored_as_the_reference(void **state)
{
    (void)state;
    check_cert("keys/test_ca.pem", "v01_pem_rsa2048_plain", 0);
    check_cert("keys/test_dev_rsa2048.pem", "v01_pem_rsa2048_plain", 1);
    check_cert("keys/test_ca.der", "v03_der_inputs", 0);
}

/* PEM on one line (as a CSV cell gives it) reads like the original file. */
static void test_one_line_pem(void **state)
{
    (void)state;
    size_t len;
    uint8_t *pem = read_vec("keys/test_ca.pem", &len);
    char *flat = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (pem[i] != '\n' && pem[i] != '\r') {
            flat[n++] = (char)pem[i];
        }
    }
    flat[n] = 0;
    ki_cert_t a, b;
    char err[256];
    assert_int_equal(ki_load_cert(pem, len, "a", &a, err, sizeof(err)), 0);
    assert_int_equal(ki_load_cert((uint8_t *)flat, n, "b", &b, err, sizeof(err)), 0);
    assert_int_equal(a.stored_len, b.stored_len);
    assert_memory_equal(a.stored, b.stored, a.stored_len);
    assert_int_equal(a.stored[a.stored_len - 1], 0); /* PEM stored with its NUL */
    ki_cert_free(&a);
    ki_cert_free(&b);
    free(flat);
    free(pem);
}

static void test_chain_counts_extra_certificates(void **state)
{
    (void)state;
    size_t l1, l2;
    uint8_t *c1 = read_vec("keys/test_dev_rsa2048.pem", &l1);
    uint8_t *c2 = read_vec("keys/test_ca.pem", &l2);
    uint8_t *chain = malloc(l1 + l2);
    memcpy(chain, c1, l1);
    memcpy(chain + l1, c2, l2);
    ki_cert_t c;
    char err[256];
    assert_int_equal(ki_load_cert(chain, l1 + l2, "chain", &c, err, sizeof(err)), 0);
    assert_int_equal(c.extra_certs, 1);
    ki_cert_t first;
    assert_int_equal(ki_load_cert(c1, l1, "first", &first, err, sizeof(err)), 0);
    assert_int_equal(c.stored_len, first.stored_len);
    assert_memory_equal(c.stored, first.stored, c.stored_len);
    ki_cert_free(&c);
    ki_cert_free(&first);
    free(chain);
    free(c1);
    free(c2);
}

/* Encrypted keys (made here with OpenSSL) store the same bytes as the
 * plain key; a wrong or missing password is an error that says so. */
static void test_encrypted_keys(void **state)
{
    (void)state;
    size_t len;
    uint8_t *plain = read_vec("keys/test_dev_rsa2048.key", &len);
    BIO *in = BIO_new_mem_buf(plain, (int)len);
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
    BIO_free(in);
    assert_non_null(pk);

    BIO *pem = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PKCS8PrivateKey(pem, pk, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)"pw-1"), 1);
    char *pem_data;
    long pem_len = BIO_get_mem_data(pem, &pem_data);
    BIO *der = BIO_new(BIO_s_mem());
    assert_int_equal(i2d_PKCS8PrivateKey_bio(der, pk, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)"pw-2"), 1);
    char *der_data;
    long der_len = BIO_get_mem_data(der, &der_data);

    ki_key_t ref, k;
    char err[512];
    assert_int_equal(ki_load_key(plain, len, NULL, "plain", &ref, NULL, err, sizeof(err)), 0);
    assert_int_equal(ki_load_key((uint8_t *)pem_data, (size_t)pem_len, "pw-1", "enc.pem", &k, NULL, err, sizeof(err)),
                     0);
    assert_true(k.was_encrypted);
    assert_int_equal(k.stored_len, ref.stored_len);
    assert_memory_equal(k.stored, ref.stored, ref.stored_len);
    ki_key_free(&k);

    assert_int_equal(ki_load_key((uint8_t *)pem_data, (size_t)pem_len, "nope", "enc.pem", &k, NULL, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "wrong password"));
    assert_int_equal(ki_load_key((uint8_t *)pem_data, (size_t)pem_len, NULL, "enc.pem", &k, NULL, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "--password"));

    /* Encrypted PKCS#8 DER is stored as the traditional DER. */
    assert_int_equal(ki_load_key((uint8_t *)der_data, (size_t)der_len, "pw-2", "enc.der", &k, NULL, err, sizeof(err)),
                     0);
    assert_int_equal(k.encoding, KI_DER);
    unsigned char *trad = NULL;
    int tl = i2d_PrivateKey(pk, &trad);
    assert_int_equal((int)k.stored_len, tl);
    assert_memory_equal(k.stored, trad, (size_t)tl);
    OPENSSL_free(trad);
    ki_key_free(&k);

    bool unused = false;
    assert_int_equal(ki_load_key(plain, len, "pw", "plain", &k, &unused, err, sizeof(err)), 0);
    assert_true(unused);
    ki_key_free(&k);

    ki_key_free(&ref);
    BIO_free(pem);
    BIO_free(der);
    EVP_PKEY_free(pk);
    free(plain);
}

static void test_rejects(void **state)
{
    (void)state;
    char err[512];
    ki_cert_t c;
    ki_key_t k;
    const char *junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(ki_load_cert((const uint8_t *)junk, strlen(junk), "junk", &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "junk"));
    const uint8_t zeros[64] = {0};
    assert_int_equal(ki_load_cert(zeros, sizeof(zeros), "zeros", &c, err, sizeof(err)), -1);
    assert_int_equal(ki_load_key(zeros, sizeof(zeros), NULL, "zeros", &k, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "zeros"));
    /* A certificate is not a key. */
    size_t len;
    uint8_t *cert = read_vec("keys/test_ca.pem", &len);
    assert_int_equal(ki_load_key(cert, len, NULL, "cert", &k, NULL, err, sizeof(err)), -1);
    free(cert);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_stored_as_the_reference),
        cmocka_unit_test(test_certs_stored_as_the_reference),
        cmocka_unit_test(test_one_line_pem),
        cmocka_unit_test(test_chain_counts_extra_certificates),
        cmocka_unit_test(test_encrypted_keys),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
