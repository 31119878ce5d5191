/*
 * DS parameter generation (tools/ds_gen.c) and the self-test
 * (tools/ds_selftest.c):
 *  - round trip for every RSA-DS chip and each of its key sizes:
 *    generate -> image -> public API + emulated peripheral -> the signature
 *    verifies against the device certificate (OpenSSL);
 *  - the self-test fails, with a reason, when the DS key and the certificate
 *    differ, the eFuse key is wrong or has the wrong purpose, the data is for
 *    another chip, or there is no DS data;
 *  - bad generator input is refused with a message: non-RSA key, key size
 *    the chip lacks, eFuse id out of range, unknown/ECDSA-only chip, public
 *    key only, short buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ds_gen.h"
#include "ds_selftest.h"
#include "esc_ds_layout.h"
#include "esc_port.h"
#include "esp_secure_cert_host.h"
#include "test_ds_helpers.h"

typedef struct {
    EVP_PKEY *rsa[4]; /* 1024, 2048, 3072, 4096 */
    EVP_PKEY *other2048;
    EVP_PKEY *ec;
} keys_t;

static int setup(void **state)
{
    keys_t *k = calloc(1, sizeof(*k));
    assert_non_null(k);
    for (int i = 0; i < 4; i++) {
        k->rsa[i] = tds_gen_rsa(1024u * (unsigned)(i + 1));
        assert_non_null(k->rsa[i]);
    }
    k->other2048 = tds_gen_rsa(2048);
    k->ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(k->other2048);
    assert_non_null(k->ec);
    *state = k;
    return 0;
}

static int teardown(void **state)
{
    keys_t *k = *state;
    for (int i = 0; i < 4; i++) {
        EVP_PKEY_free(k->rsa[i]);
    }
    EVP_PKEY_free(k->other2048);
    EVP_PKEY_free(k->ec);
    free(k);
    return 0;
}

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
    }
}

/*
 * Build DS entries for (chip, key) and an image whose device certificate is
 * cert_key's, open it, burn `burn` into efuse_id with `purpose`, run the
 * self-test on `sim_chip`. Returns its result; err gets the reason.
 */
static int run_case(const char *chip, const char *sim_chip, EVP_PKEY *key, EVP_PKEY *cert_key, int efuse_id,
                    const uint8_t hmac[32], const uint8_t burn[32], esc_key_purpose_t purpose, char *err,
                    size_t err_len)
{
    uint8_t iv[16], ds[ESC_DS_DATA_LEN_MAX], ctx[8];
    size_t ds_len = 0, cert_len = 0;
    fill(iv, sizeof(iv), (uint8_t)efuse_id);
    char gen_err[256] = "";
    if (esc_ds_build_entries(chip, key, efuse_id, hmac, iv, ds, sizeof(ds), &ds_len, ctx, gen_err,
                             sizeof(gen_err)) != 0) {
        fail_msg("generate %s: %s", chip, gen_err);
    }
    const esc_ds_chip_t *c = esc_ds_chip_find(chip);
    assert_int_equal(ds_len, 20 + esc_ds_chip_c_len(c));
    uint8_t *cert = tds_self_signed_der(cert_key, &cert_len);
    assert_non_null(cert);
    uint8_t *img = tds_ds_image(ds, ds_len, ctx, cert, cert_len);
    assert_non_null(img);
    assert_int_equal(esp_secure_cert_host_open_buffer(img, TDS_PART_SIZE, NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_host_burn_key(efuse_id, (int)purpose, burn, false), ESP_OK);
    int rc = esc_ds_self_test(sim_chip, "test-efuse.txt", err, err_len);
    esp_secure_cert_host_close();
    free(img);
    free(cert);
    return rc;
}

static void test_round_trip_every_chip_and_size(void **state)
{
    keys_t *k = *state;
    uint8_t hmac[32];
    int cases = 0;
    for (size_t ci = 0; ci < esc_ds_chip_count(); ci++) {
        const esc_ds_chip_t *c = esc_ds_chip_at(ci);
        for (unsigned i = 0; i < 4; i++) {
            unsigned bits = 1024u * (i + 1);
            if (!esc_ds_chip_rsa_supports(c, bits)) {
                continue;
            }
            int efuse_id = (int)((ci + i) % 6);
            fill(hmac, sizeof(hmac), (uint8_t)(ci * 4 + i));
            char err[512] = "";
            int rc = run_case(c->name, c->name, k->rsa[i], k->rsa[i], efuse_id, hmac, hmac,
                              ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, err, sizeof(err));
            if (rc != 0) {
                fail_msg("%s RSA-%u KEY%d: %s", c->name, bits, efuse_id, err);
            }
            cases++;
        }
    }
    /* s2, s3, p4, c5, s31: 4 sizes; c3, c6, h2: 3. */
    assert_int_equal(cases, 5 * 4 + 3 * 3);
}

static void expect_fail(int rc, const char *err, const char *needle)
{
    assert_int_equal(rc, 1);
    if (strstr(err, needle) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err, needle);
    }
}

static void test_self_test_catches_mismatches(void **state)
{
    keys_t *k = *state;
    uint8_t hmac[32], other[32];
    fill(hmac, 32, 1);
    fill(other, 32, 2);
    char err[512];

    /* The certificate is of another key of the same size. */
    int rc = run_case("esp32c3", "esp32c3", k->rsa[1], k->other2048, 1, hmac, hmac,
                      ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, err, sizeof(err));
    expect_fail(rc, err, "does not match the certificate");
    /* The certificate's key is of another size / type. */
    rc = run_case("esp32c3", "esp32c3", k->rsa[1], k->rsa[2], 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    expect_fail(rc, err, "RSA-3072");
    rc = run_case("esp32c3", "esp32c3", k->rsa[1], k->ec, 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, err,
                  sizeof(err));
    expect_fail(rc, err, "not RSA");
    /* The eFuse holds another key. */
    rc = run_case("esp32c3", "esp32c3", k->rsa[1], k->rsa[1], 1, hmac, other, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    expect_fail(rc, err, "invalid digest");
    /* The right key with the HMAC_UP purpose. */
    rc = run_case("esp32c3", "esp32c3", k->rsa[1], k->rsa[1], 4, hmac, hmac, ESC_PURPOSE_HMAC_UP, err, sizeof(err));
    expect_fail(rc, err, "KEY4 in test-efuse.txt has purpose HMAC_UP");
    /* Data for a 3072-bit chip simulated on a 4096-bit one, and back. */
    rc = run_case("esp32c3", "esp32s3", k->rsa[1], k->rsa[1], 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    expect_fail(rc, err, "not for esp32s3");
    rc = run_case("esp32s3", "esp32c6", k->rsa[1], k->rsa[1], 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    expect_fail(rc, err, "not for esp32c6");
    /* A chip whose layout is the same (c3 data on h2) works. */
    rc = run_case("esp32c3", "esp32h2", k->rsa[1], k->rsa[1], 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    assert_int_equal(rc, 0);
    /* A chip with no RSA DS. */
    rc = run_case("esp32c3", "esp32c61", k->rsa[1], k->rsa[1], 1, hmac, hmac, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE,
                  err, sizeof(err));
    expect_fail(rc, err, "no RSA DS peripheral");
}

static void test_self_test_without_ds_entries(void **state)
{
    (void)state;
    uint8_t img[TDS_PART_SIZE];
    memset(img, 0xff, sizeof(img));
    size_t off = 0;
    static const uint8_t cert[] = "not a certificate";
    assert_int_equal(tds_append(img, sizeof(img), &off, ESP_SECURE_CERT_DEV_CERT_TLV, 0, cert, sizeof(cert)), 0);
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), NULL), ESP_OK);
    char err[512] = "";
    expect_fail(esc_ds_self_test(NULL, NULL, err, sizeof(err)), err, "no DS data");
    esp_secure_cert_host_close();
}

static int build(const char *chip, EVP_PKEY *key, int id, uint8_t *ds, size_t cap, size_t *len, char *err,
                 size_t err_len)
{
    uint8_t hmac[32], iv[16], ctx[8];
    fill(hmac, 32, 3);
    fill(iv, 16, 4);
    *len = 12345;
    return esc_ds_build_entries(chip, key, id, hmac, iv, ds, cap, len, ctx, err, err_len);
}

static void test_bad_input(void **state)
{
    keys_t *k = *state;
    uint8_t ds[ESC_DS_DATA_LEN_MAX];
    size_t len = 0;
    char err[512];

    expect_fail(build("esp32c3", k->ec, 1, ds, sizeof(ds), &len, err, sizeof(err)), err, "needs an RSA private key");
    assert_int_equal(len, 0);
    expect_fail(build("esp32c3", k->rsa[3], 1, ds, sizeof(ds), &len, err, sizeof(err)), err,
                "does not support RSA-4096 in the DS peripheral; supported key sizes: 1024, 2048, 3072");
    expect_fail(build("esp32c6", k->rsa[3], 1, ds, sizeof(ds), &len, err, sizeof(err)), err, "1024, 2048, 3072");
    expect_fail(build("esp32c3", k->rsa[1], -1, ds, sizeof(ds), &len, err, sizeof(err)), err, "out of range");
    expect_fail(build("esp32c3", k->rsa[1], 6, ds, sizeof(ds), &len, err, sizeof(err)), err,
                "eFuse key id 6 is out of range");
    expect_fail(build("esp32", k->rsa[1], 1, ds, sizeof(ds), &len, err, sizeof(err)), err,
                "chips with one: esp32s2, esp32s3, esp32c3, esp32c6, esp32h2, esp32p4, esp32c5, esp32s31");
    expect_fail(build("esp32c61", k->rsa[1], 1, ds, sizeof(ds), &len, err, sizeof(err)), err,
                "'esp32c61' has no RSA DS peripheral");
    expect_fail(build("esp32c3", k->rsa[1], 1, ds, 1219, &len, err, sizeof(err)), err, "1220 needed");
    assert_int_equal(build("esp32c3", k->rsa[1], 1, ds, 1220, &len, err, sizeof(err)), 0);
    assert_int_equal(len, 1220);

    /* RSA sizes the peripheral does not have at all. */
    EVP_PKEY *odd = tds_gen_rsa(1536);
    assert_non_null(odd);
    expect_fail(build("esp32s3", odd, 1, ds, sizeof(ds), &len, err, sizeof(err)), err,
                "RSA-1536 in the DS peripheral; supported key sizes: 1024, 2048, 3072, 4096");
    EVP_PKEY_free(odd);

    /* Only the public half. */
    uint8_t *der = NULL;
    int n = i2d_PUBKEY(k->rsa[1], &der);
    assert_true(n > 0);
    const uint8_t *p = der;
    EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, n);
    OPENSSL_free(der);
    assert_non_null(pub);
    expect_fail(build("esp32c3", pub, 1, ds, sizeof(ds), &len, err, sizeof(err)), err, "no private exponent");
    EVP_PKEY_free(pub);

    /* Missing arguments, and no err buffer at all. */
    uint8_t ctx[8], hmac[32] = {0}, iv[16] = {0};
    assert_int_equal(esc_ds_build_entries("esp32c3", NULL, 1, hmac, iv, ds, sizeof(ds), &len, ctx, err, sizeof(err)),
                     1);
    assert_int_equal(esc_ds_build_entries("esp32c3", k->rsa[1], 1, NULL, iv, ds, sizeof(ds), &len, ctx, NULL, 0), 1);
    assert_int_equal(esc_ds_build_entries(NULL, k->rsa[1], 1, hmac, iv, ds, sizeof(ds), &len, ctx, NULL, 0), 1);
}

static void test_chip_supports_messages(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(esc_ds_chip_supports("esp32s2", 4096, err, sizeof(err)), 0);
    expect_fail(esc_ds_chip_supports("esp32h2", 4096, err, sizeof(err)), err, "supported key sizes: 1024, 2048, 3072");
    expect_fail(esc_ds_chip_supports(NULL, 2048, err, sizeof(err)), err, "has no RSA DS peripheral");
    assert_int_equal(esc_ds_chip_supports_ecdsa("esp32h2", 256, err, sizeof(err)), 0);
    assert_int_equal(esc_ds_chip_supports_ecdsa("esp32c5", 384, err, sizeof(err)), 0);
    expect_fail(esc_ds_chip_supports_ecdsa("esp32h2", 384, err, sizeof(err)), err, "supported curves: P-256");
    expect_fail(esc_ds_chip_supports_ecdsa("esp32c61", 384, err, sizeof(err)), err, "P-192, P-256");
    expect_fail(esc_ds_chip_supports_ecdsa("esp32c3", 256, err, sizeof(err)), err,
                "chips with one: esp32h2, esp32p4, esp32c5, esp32c61, esp32s31");
    /* A tiny error buffer is truncated, not overrun. */
    char tiny[8];
    expect_fail(esc_ds_chip_supports("esp32h2", 4096, tiny, sizeof(tiny)), tiny, "target");
}

/* Same inputs, same bytes; the IV changes the whole ciphertext. */
static void test_deterministic_and_iv_bound(void **state)
{
    keys_t *k = *state;
    uint8_t a[ESC_DS_DATA_LEN_MAX], b[ESC_DS_DATA_LEN_MAX], ca[8], cb[8], hmac[32], iv[16];
    size_t la = 0, lb = 0;
    fill(hmac, 32, 9);
    fill(iv, 16, 10);
    char err[256];
    assert_int_equal(esc_ds_build_entries("esp32p4", k->rsa[2], 5, hmac, iv, a, sizeof(a), &la, ca, err, sizeof(err)),
                     0);
    assert_int_equal(esc_ds_build_entries("esp32p4", k->rsa[2], 5, hmac, iv, b, sizeof(b), &lb, cb, err, sizeof(err)),
                     0);
    assert_int_equal(la, 1604);
    assert_memory_equal(a, b, la);
    static const uint8_t want_ctx[8] = {0, 0, 0, 0, 5, 0, 0x00, 0x0c};
    assert_memory_equal(ca, want_ctx, 8);
    iv[15] ^= 1;
    assert_int_equal(esc_ds_build_entries("esp32p4", k->rsa[2], 5, hmac, iv, b, sizeof(b), &lb, cb, err, sizeof(err)),
                     0);
    assert_memory_not_equal(a + 20, b + 20, 16);
    assert_memory_not_equal(a + la - 16, b + lb - 16, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_chip_and_size),
        cmocka_unit_test(test_self_test_catches_mismatches),
        cmocka_unit_test(test_self_test_without_ds_entries),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_chip_supports_messages),
        cmocka_unit_test(test_deterministic_and_iv_bound),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
