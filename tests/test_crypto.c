/*
 * src/crypto against published vectors (FIPS 180-2, RFC 4231, RFC 7914,
 * the GCM specification, SP 800-38A, RFC 6979), against OpenSSL as an
 * independent implementation, and against the HMAC vectors v28/v29.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "esc_crypto.h"
#include "esp_secure_cert_crypto.h"
#include "esc_port.h"
#include "esp_secure_cert_host.h"
#include "mini_json.h"
#include "test_files.h"

/* ---- helpers ---------------------------------------------------------- */

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; *p != '\0';) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v = 0;
        assert_int_equal(sscanf(p, "%2x", &v), 1);
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

static void assert_hex_equal(const uint8_t *got, size_t len, const char *hex)
{
    uint8_t want[256];
    size_t n = unhex(hex, want, sizeof(want));
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
}

static uint8_t *read_vector_file(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ESC_VECTORS_DIR, rel);
    uint8_t *buf = tf_read_file(path, len);
    if (buf == NULL) {
        fail_msg("cannot read %s", path);
    }
    return buf;
}

static void hex32_of(const char *hex, uint8_t out[32])
{
    assert_non_null(hex);
    assert_int_equal(strlen(hex), 64);
    assert_int_equal(unhex(hex, out, 32), 32);
}

/* What expected.json says about the TLV named `type_name` in esp_secure_cert.bin. */
typedef struct {
    long offset;
    long length;
    uint8_t data_sha256[32];
} json_tlv_t;

static json_tlv_t json_find_tlv(const mj_node_t *doc, const char *type_name)
{
    const mj_node_t *tlvs = mj_get(mj_get(mj_get(doc, "outputs"), "esp_secure_cert.bin"), "tlvs");
    assert_non_null(tlvs);
    for (size_t i = 0; i < mj_len(tlvs); i++) {
        const mj_node_t *t = mj_at(tlvs, i);
        const char *name = mj_str(t, "type_name");
        if (name != NULL && strcmp(name, type_name) == 0) {
            json_tlv_t out = {mj_int(t, "offset", -1), mj_int(t, "length", -1), {0}};
            hex32_of(mj_str(t, "data_sha256"), out.data_sha256);
            return out;
        }
    }
    fail_msg("no %s in expected.json", type_name);
    return (json_tlv_t){0};
}

static mj_node_t *read_expected_json(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, dir);
    mj_node_t *doc = mj_parse_file(path);
    if (doc == NULL) {
        fail_msg("cannot parse %s", path);
    }
    return doc;
}

/* The data of that TLV inside the vector's .bin, checked against the JSON. */
static const uint8_t *tlv_data(const uint8_t *bin, size_t bin_len, const json_tlv_t *t)
{
    assert_true(t->offset >= 0 && t->length >= 0);
    assert_true((size_t)t->offset + 12 + (size_t)t->length <= bin_len);
    const uint8_t *hdr = bin + t->offset;
    assert_int_equal(hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24, 0xBA5EBA11u);
    assert_int_equal(hdr[10] | hdr[11] << 8, t->length);
    uint8_t digest[32];
    assert_int_equal(esc_sha256(hdr + 12, (size_t)t->length, digest), ESC_CRYPTO_OK);
    assert_memory_equal(digest, t->data_sha256, 32);
    return hdr + 12;
}

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static int setup(void **state)
{
    (void)state;
    return esc_crypto_init() == ESC_CRYPTO_OK ? 0 : -1;
}

/* ---- SHA-256 (FIPS 180-2 appendix B) ----------------------------------- */

static const char MSG_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_448 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void test_sha256_one_shot(void **state)
{
    (void)state;
    uint8_t d[32];
    assert_int_equal(esc_sha256("abc", 3, d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_ABC);
    assert_int_equal(esc_sha256(MSG_448, strlen(MSG_448), d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_448);
    assert_int_equal(esc_sha256(NULL, 0, d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_EMPTY);
    assert_int_equal(esc_sha256(NULL, 1, d), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_sha256("abc", 3, NULL), ESC_CRYPTO_ERR_ARG);
}

static void test_sha256_incremental(void **state)
{
    (void)state;
    esc_sha256_ctx_t ctx;
    uint8_t d[32];
    /* Uneven pieces that straddle the 64-byte block boundary. */
    assert_int_equal(esc_sha256_start(&ctx), ESC_CRYPTO_OK);
    assert_int_equal(esc_sha256_update(&ctx, MSG_448, 5), ESC_CRYPTO_OK);
    assert_int_equal(esc_sha256_update(&ctx, NULL, 0), ESC_CRYPTO_OK);
    assert_int_equal(esc_sha256_update(&ctx, MSG_448 + 5, strlen(MSG_448) - 5), ESC_CRYPTO_OK);
    assert_int_equal(esc_sha256_finish(&ctx, d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_448);

    static uint8_t chunk[1000];
    memset(chunk, 'a', sizeof(chunk));
    assert_int_equal(esc_sha256_start(&ctx), ESC_CRYPTO_OK);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(esc_sha256_update(&ctx, chunk, sizeof(chunk)), ESC_CRYPTO_OK);
    }
    assert_int_equal(esc_sha256_finish(&ctx, d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_MILLION_A);

    assert_int_equal(esc_sha256_start(NULL), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_sha256_start(&ctx), ESC_CRYPTO_OK);
    assert_int_equal(esc_sha256_update(&ctx, NULL, 4), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_sha256_finish(&ctx, NULL), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_sha256_finish(&ctx, d), ESC_CRYPTO_OK);
    assert_hex_equal(d, 32, SHA_EMPTY);
    /* A finished context is spent: finishing again is an error, not a digest. */
    assert_int_equal(esc_sha256_finish(&ctx, d), ESC_CRYPTO_ERR_BACKEND);
}

/* ---- HMAC-SHA256 (RFC 4231 section 4) ---------------------------------- */

static void test_hmac_rfc4231(void **state)
{
    (void)state;
    uint8_t key[131];
    uint8_t data[50];
    uint8_t mac[32];

    memset(key, 0x0b, 20); /* test case 1 */
    assert_int_equal(esc_hmac_sha256(key, 20, "Hi There", 8, mac), ESC_CRYPTO_OK);
    assert_hex_equal(mac, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    assert_int_equal(esc_hmac_sha256((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, mac),
                     ESC_CRYPTO_OK); /* test case 2 */
    assert_hex_equal(mac, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    memset(key, 0xaa, 20); /* test case 3 */
    memset(data, 0xdd, 50);
    assert_int_equal(esc_hmac_sha256(key, 20, data, 50, mac), ESC_CRYPTO_OK);
    assert_hex_equal(mac, 32, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");

    memset(key, 0xaa, 131); /* test case 6: key longer than a block */
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    assert_int_equal(esc_hmac_sha256(key, 131, m6, strlen(m6), mac), ESC_CRYPTO_OK);
    assert_hex_equal(mac, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    assert_int_equal(esc_hmac_sha256(NULL, 1, "x", 1, mac), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_hmac_sha256(key, 1, NULL, 1, mac), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_hmac_sha256(key, 1, "x", 1, NULL), ESC_CRYPTO_ERR_ARG);
}

static void test_hmac_empty_key_matches_openssl(void **state)
{
    (void)state;
    uint8_t mac[32];
    uint8_t want[32];
    unsigned int want_len = 0;
    assert_int_equal(esc_hmac_sha256(NULL, 0, "abc", 3, mac), ESC_CRYPTO_OK);
    assert_non_null(HMAC(EVP_sha256(), "", 0, (const unsigned char *)"abc", 3, want, &want_len));
    assert_int_equal(want_len, 32);
    assert_memory_equal(mac, want, 32);
}

/* ---- PBKDF2-HMAC-SHA256 ------------------------------------------------ */

static void test_pbkdf2_rfc7914(void **state)
{
    (void)state;
    uint8_t dk[64];
    /* RFC 7914 section 11, first PBKDF2-HMAC-SHA256 vector. */
    assert_int_equal(esc_pbkdf2_hmac_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, dk, 64),
                     ESC_CRYPTO_OK);
    assert_hex_equal(dk, 64,
                     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    /* The second one: 80000 iterations (about 0.2 s here, well under 1 s). */
    assert_int_equal(esc_pbkdf2_hmac_sha256((const uint8_t *)"Password", 8, (const uint8_t *)"NaCl", 4, 80000, dk,
                                            64),
                     ESC_CRYPTO_OK);
    assert_hex_equal(dk, 64,
                     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

static void test_pbkdf2_vs_openssl(void **state)
{
    (void)state;
    /* Odd lengths, a salt long enough to leave the stack buffer, an empty
     * password: all compared with OpenSSL's PKCS5_PBKDF2_HMAC. */
    static const struct {
        size_t pw_len, salt_len, out_len;
        uint32_t iter;
    } cases[] = {
        {32, 32, 32, 2048}, {0, 16, 33, 3}, {7, 0, 1, 1}, {100, 200, 95, 17}, {32, 64, 64, 2}, {32, 65, 31, 2},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t pw[100], salt[200], got[96], want[96];
        assert_int_equal(RAND_bytes(pw, sizeof(pw)), 1);
        assert_int_equal(RAND_bytes(salt, sizeof(salt)), 1);
        assert_int_equal(esc_pbkdf2_hmac_sha256(cases[c].pw_len ? pw : NULL, cases[c].pw_len,
                                                cases[c].salt_len ? salt : NULL, cases[c].salt_len, cases[c].iter,
                                                got, cases[c].out_len),
                         ESC_CRYPTO_OK);
        assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)cases[c].pw_len, salt, (int)cases[c].salt_len,
                                           (int)cases[c].iter, EVP_sha256(), (int)cases[c].out_len, want),
                         1);
        assert_memory_equal(got, want, cases[c].out_len);
    }
}

typedef struct {
    const uint8_t *key;
    size_t key_len;
    int calls;
    int fail_at; /* 0: never */
} test_prf_t;

static int test_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    test_prf_t *t = ctx;
    if (++t->calls == t->fail_at) {
        return -1;
    }
    return esc_hmac_sha256(t->key, t->key_len, msg, len, out);
}

static void test_pbkdf2_prf_callback(void **state)
{
    (void)state;
    /* RFC 7914's c = 1 vector again, through the callback form. */
    uint8_t dk[64];
    test_prf_t t = {(const uint8_t *)"passwd", 6, 0, 0};
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, (const uint8_t *)"salt", 4, 1, dk, 64), ESC_CRYPTO_OK);
    assert_hex_equal(dk, 64,
                     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assert_int_equal(t.calls, 2); /* one PRF call per 32-byte block */

    /* A PRF failure part-way leaves no partial key behind. */
    t.calls = 0;
    t.fail_at = 5;
    memset(dk, 0xA5, sizeof(dk));
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, (const uint8_t *)"salt", 4, 3, dk, 64),
                     ESC_CRYPTO_ERR_BACKEND);
    assert_true(all_zero(dk, sizeof(dk)));

    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(NULL, &t, (const uint8_t *)"s", 1, 1, dk, 32), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, (const uint8_t *)"s", 1, 0, dk, 32),
                     ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, NULL, 1, 1, dk, 32), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, (const uint8_t *)"s", 1, 1, NULL, 32),
                     ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_pbkdf2_hmac_sha256_prf(test_prf, &t, (const uint8_t *)"s", 1, 1, dk, 0), ESC_CRYPTO_ERR_ARG);
}

/* ---- AES-256-GCM ------------------------------------------------------- */

/* Test case 15 of the GCM specification (McGrew & Viega, as submitted to
 * NIST): AES-256, 96-bit IV, no AAD. */
#define GCM15_KEY "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define GCM15_IV "cafebabefacedbaddecaf888"
#define GCM15_PT                                                                                                      \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                                                \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM15_CT                                                                                                      \
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"                                                \
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
#define GCM15_TAG "b094dac5d93471bdec1a502270e3cc6c"

static void test_gcm_nist_12_byte_iv(void **state)
{
    (void)state;
    uint8_t key[32], iv[12], pt[64], ct[64], tag[16], out[64];
    unhex(GCM15_KEY, key, sizeof(key));
    unhex(GCM15_IV, iv, sizeof(iv));
    unhex(GCM15_PT, pt, sizeof(pt));
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 12, pt, 64, ct, tag), ESC_CRYPTO_OK);
    assert_hex_equal(ct, 64, GCM15_CT);
    assert_hex_equal(tag, 16, GCM15_TAG);
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 12, ct, 64, tag, out), ESC_CRYPTO_OK);
    assert_memory_equal(out, pt, 64);

    /* Test case 13: empty plaintext, the tag alone. */
    uint8_t zero_key[32] = {0}, zero_iv[12] = {0};
    assert_int_equal(esc_aes256_gcm_encrypt(zero_key, zero_iv, 12, NULL, 0, NULL, tag), ESC_CRYPTO_OK);
    assert_hex_equal(tag, 16, "530f8afbc74536b9a963b4f1c4cb738b");
    assert_int_equal(esc_aes256_gcm_decrypt(zero_key, zero_iv, 12, NULL, 0, tag, NULL), ESC_CRYPTO_OK);
}

static int openssl_gcm(int enc, const uint8_t *key, const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len,
                       uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ok = c != NULL && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
             EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1;
    int n = 0;
    if (ok && len > 0) {
        ok = EVP_CipherUpdate(c, out, &n, in, (int)len) == 1 && (size_t)n == len;
    }
    if (ok && !enc) {
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    }
    if (ok) {
        uint8_t fin[16];
        ok = EVP_CipherFinal_ex(c, fin, &n) == 1 && n == 0;
    }
    if (ok && enc) {
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    }
    EVP_CIPHER_CTX_free(c);
    return ok;
}

static void test_gcm_16_byte_iv_vs_openssl(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 1, 15, 16, 17, 228, 1700};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t len = lens[i];
        uint8_t key[32], iv[16], tag[16], tag2[16];
        uint8_t *pt = malloc(len + 1), *ct = malloc(len + 1), *back = malloc(len + 1);
        assert_true(pt && ct && back);
        assert_int_equal(RAND_bytes(key, 32), 1);
        assert_int_equal(RAND_bytes(iv, 16), 1);
        assert_int_equal(RAND_bytes(pt, (int)len + 1), 1);

        /* ours -> OpenSSL */
        assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 16, pt, len, ct, tag), ESC_CRYPTO_OK);
        assert_true(openssl_gcm(0, key, iv, 16, ct, len, back, tag));
        assert_memory_equal(back, pt, len);

        /* OpenSSL -> ours */
        assert_true(openssl_gcm(1, key, iv, 16, pt, len, ct, tag2));
        assert_memory_equal(tag2, tag, 16);
        memset(back, 0x5A, len + 1);
        assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, ct, len, tag2, back), ESC_CRYPTO_OK);
        assert_memory_equal(back, pt, len);
        assert_int_equal(back[len], 0x5A); /* nothing written past len */

        free(pt);
        free(ct);
        free(back);
    }
}

static void test_gcm_tamper(void **state)
{
    (void)state;
    uint8_t key[32], iv[16], pt[100], ct[100], tag[16], out[100];
    assert_int_equal(RAND_bytes(key, 32), 1);
    assert_int_equal(RAND_bytes(iv, 16), 1);
    assert_int_equal(RAND_bytes(pt, sizeof(pt)), 1);
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 16, pt, sizeof(pt), ct, tag), ESC_CRYPTO_OK);

    tag[15] ^= 0x01;
    memset(out, 0xA5, sizeof(out));
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, ct, sizeof(ct), tag, out), ESC_CRYPTO_ERR_AUTH);
    assert_true(all_zero(out, sizeof(out)));
    tag[15] ^= 0x01;

    ct[42] ^= 0x80;
    memset(out, 0xA5, sizeof(out));
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, ct, sizeof(ct), tag, out), ESC_CRYPTO_ERR_AUTH);
    assert_true(all_zero(out, sizeof(out)));
    ct[42] ^= 0x80;

    iv[0] ^= 1; /* wrong IV */
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, ct, sizeof(ct), tag, out), ESC_CRYPTO_ERR_AUTH);
    assert_true(all_zero(out, sizeof(out)));
    iv[0] ^= 1;

    /* In place (in == out) works: the ciphertext is staged first. */
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, ct, sizeof(ct), tag, ct), ESC_CRYPTO_OK);
    assert_memory_equal(ct, pt, sizeof(pt));
}

static void test_gcm_bad_args(void **state)
{
    (void)state;
    uint8_t key[32] = {0}, iv[16] = {0}, buf[16] = {0}, tag[16] = {0};
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 13, buf, 16, buf, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 0, buf, 16, buf, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(NULL, iv, 16, buf, 16, buf, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(key, NULL, 16, buf, 16, buf, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 16, NULL, 16, buf, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 16, buf, 16, NULL, tag), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_encrypt(key, iv, 16, buf, 16, buf, NULL), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, buf, SIZE_MAX, tag, buf), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_gcm_decrypt(key, iv, 16, buf, 16, NULL, buf), ESC_CRYPTO_ERR_ARG);
}

/* ---- AES-256-CBC (SP 800-38A F.2.5 / F.2.6) ---------------------------- */

static void test_cbc_sp800_38a(void **state)
{
    (void)state;
    uint8_t key[32], iv[16], pt[64], ct[64], back[64];
    unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, sizeof(key));
    unhex("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
    unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
          pt, sizeof(pt));
    assert_int_equal(esc_aes256_cbc_encrypt(key, iv, pt, 64, ct), ESC_CRYPTO_OK);
    assert_hex_equal(ct, 64,
                     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
                     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
    assert_int_equal(esc_aes256_cbc_decrypt(key, iv, ct, 64, back), ESC_CRYPTO_OK);
    assert_memory_equal(back, pt, 64);
    /* A single block decrypts too (no block is held back for padding). */
    assert_int_equal(esc_aes256_cbc_decrypt(key, iv, ct, 16, back), ESC_CRYPTO_OK);
    assert_memory_equal(back, pt, 16);

    assert_int_equal(esc_aes256_cbc_encrypt(key, iv, pt, 15, ct), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_cbc_decrypt(key, iv, ct, 17, back), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_cbc_encrypt(NULL, iv, pt, 16, ct), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_cbc_encrypt(key, NULL, pt, 16, ct), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_aes256_cbc_encrypt(key, iv, pt, 0, ct), ESC_CRYPTO_OK);
}

/* ---- P-256 ------------------------------------------------------------- */

/* RFC 6979 appendix A.2.5: a P-256 private key and its public point. */
#define RFC6979_D "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
#define RFC6979_Q                                                                                                     \
    "04"                                                                                                              \
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"                                                \
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
#define P256_N_HEX "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"

/* OpenSSL's SEC1 DER (named curve, public key included) and public point for d. */
static size_t openssl_sec1_der(const uint8_t d[32], uint8_t *der, size_t cap, uint8_t pub[65])
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *bn = BN_bin2bn(d, 32, NULL);
    EC_POINT *q = group ? EC_POINT_new(group) : NULL;
    assert_true(group && bn && q);
    assert_int_equal(EC_POINT_mul(group, q, bn, NULL, NULL, NULL), 1);
    assert_int_equal(EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, pub, 65, NULL), 65);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    assert_non_null(bld);
    assert_int_equal(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65), 1);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    assert_non_null(params);
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    assert_non_null(pctx);
    assert_int_equal(EVP_PKEY_fromdata_init(pctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params), 1);

    /* i2d_PrivateKey of an EC key is the type-specific form: RFC 5915. */
    int n = i2d_PrivateKey(pkey, NULL);
    assert_true(n > 0 && (size_t)n <= cap);
    unsigned char *p = der;
    assert_int_equal(i2d_PrivateKey(pkey, &p), n);

    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EC_POINT_free(q);
    BN_free(bn);
    EC_GROUP_free(group);
    return (size_t)n;
}

static void test_p256_public_key(void **state)
{
    (void)state;
    uint8_t d[32], pub[65], ossl_pub[65], der[200];
    unhex(RFC6979_D, d, sizeof(d));
    assert_int_equal(esc_p256_public_from_private(d, pub), ESC_CRYPTO_OK);
    assert_hex_equal(pub, 65, RFC6979_Q);

    for (int i = 0; i < 8; i++) {
        assert_int_equal(RAND_bytes(d, 32), 1);
        d[0] &= 0x7F; /* below n */
        assert_int_equal(esc_p256_public_from_private(d, pub), ESC_CRYPTO_OK);
        openssl_sec1_der(d, der, sizeof(der), ossl_pub);
        assert_memory_equal(pub, ossl_pub, 65);
    }

    /* The public API wrapper. */
    size_t len = 65;
    unhex(RFC6979_D, d, sizeof(d));
    memset(pub, 0, sizeof(pub));
    assert_int_equal(esp_secure_cert_calc_public_key(d, 32, pub, &len), ESP_OK);
    assert_int_equal(len, 65);
    assert_hex_equal(pub, 65, RFC6979_Q);
    len = 64;
    assert_int_equal(esp_secure_cert_calc_public_key(d, 32, pub, &len), ESP_ERR_INVALID_SIZE);
    len = 65;
    assert_int_equal(esp_secure_cert_calc_public_key(d, 31, pub, &len), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_calc_public_key(NULL, 32, pub, &len), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_calc_public_key(d, 32, NULL, &len), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_calc_public_key(d, 32, pub, NULL), ESP_ERR_INVALID_ARG);
    memset(d, 0, sizeof(d));
    assert_int_equal(esp_secure_cert_calc_public_key(d, 32, pub, &len), ESP_FAIL);
    assert_int_equal(esc_p256_public_from_private(d, pub), ESC_CRYPTO_ERR_KEY);
}

static void test_p256_sec1_der_vs_openssl(void **state)
{
    (void)state;
    uint8_t d[32], der[ESC_P256_SEC1_DER_LEN], want[200], pub[65];
    size_t len = 0;
    unhex(RFC6979_D, d, sizeof(d));
    assert_int_equal(esc_p256_sec1_der(d, der, sizeof(der), &len), ESC_CRYPTO_OK);
    assert_int_equal(len, ESC_P256_SEC1_DER_LEN);
    size_t want_len = openssl_sec1_der(d, want, sizeof(want), pub);
    assert_int_equal(want_len, ESC_P256_SEC1_DER_LEN);
    assert_memory_equal(der, want, ESC_P256_SEC1_DER_LEN);

    /* A scalar with leading zero bytes keeps its 32-byte OCTET STRING. */
    memset(d, 0, 8);
    assert_int_equal(esc_p256_sec1_der(d, der, sizeof(der), &len), ESC_CRYPTO_OK);
    want_len = openssl_sec1_der(d, want, sizeof(want), pub);
    assert_int_equal(want_len, len);
    assert_memory_equal(der, want, len);

    assert_int_equal(esc_p256_sec1_der(d, der, ESC_P256_SEC1_DER_LEN - 1, &len), ESC_CRYPTO_ERR_SPACE);
    assert_int_equal(len, 0);
    memset(d, 0, sizeof(d));
    assert_int_equal(esc_p256_sec1_der(d, der, sizeof(der), &len), ESC_CRYPTO_ERR_KEY);
    assert_int_equal(esc_p256_sec1_der(NULL, der, sizeof(der), &len), ESC_CRYPTO_ERR_ARG);
}

static void test_p256_validate(void **state)
{
    (void)state;
    uint8_t n[32], d[32];
    unhex(P256_N_HEX, n, sizeof(n));

    memset(d, 0, 32); /* 0 */
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_ERR_KEY);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_FAIL);
    d[31] = 1; /* 1: in range for esc_, but the original's API wants 1 < d */
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_OK);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_FAIL);
    d[31] = 2;
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_OK);
    d[0] = 1; /* 1 in the top byte and 1 at the bottom: not one */
    d[31] = 1;
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_OK);

    memcpy(d, n, 32); /* n - 1 */
    d[31] -= 1;
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_OK);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_OK);
    assert_int_equal(esc_p256_sec1_der(d, (uint8_t[ESC_P256_SEC1_DER_LEN]){0}, ESC_P256_SEC1_DER_LEN, &(size_t){0}),
                     ESC_CRYPTO_OK);

    memcpy(d, n, 32); /* n */
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_ERR_KEY);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_FAIL);
    d[31] += 1; /* n + 1 */
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_ERR_KEY);
    memcpy(d, n, 32); /* above n only in a middle byte */
    d[16] += 1;
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_ERR_KEY);
    memset(d, 0xFF, 32); /* 2^256 - 1 */
    assert_int_equal(esc_p256_validate_private(d, 32), ESC_CRYPTO_ERR_KEY);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 32), ESP_FAIL);

    assert_int_equal(esc_p256_validate_private(d, 31), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_p256_validate_private(NULL, 32), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, 33), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(NULL, 32), ESP_ERR_INVALID_ARG);
}

/* ---- public PBKDF2 wrapper --------------------------------------------- */

static void test_sw_pbkdf2_api(void **state)
{
    (void)state;
    uint8_t dk[64];
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4,
                                                           1, dk, 64),
                     ESP_OK);
    assert_hex_equal(dk, 64,
                     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256(NULL, 6, (const uint8_t *)"salt", 4, 1, dk, 64),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256((const uint8_t *)"p", 1, NULL, 4, 1, dk, 64),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 1, NULL,
                                                           64),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 0, dk,
                                                           64),
                     ESP_ERR_INVALID_ARG);
}

/* ---- the HMAC vectors ---------------------------------------------------- */

#define HMAC_ECDSA_ITERATIONS 2048

static void test_vector_v29_derived_key(void **state)
{
    (void)state;
    size_t key_len, bin_len, der_len;
    uint8_t *hmac_key = read_vector_file("v29_hmac_ecdsa_derived/inputs/hmac_key.bin", &key_len);
    uint8_t *bin = read_vector_file("v29_hmac_ecdsa_derived/outputs/esp_secure_cert.bin", &bin_len);
    mj_node_t *json = read_expected_json("v29_hmac_ecdsa_derived");
    uint8_t *want_der = read_vector_file("v29_hmac_ecdsa_derived/outputs/derived_priv_key.der", &der_len);
    assert_int_equal(key_len, 32);
    assert_int_equal(der_len, ESC_P256_SEC1_DER_LEN);

    json_tlv_t salt_tlv = json_find_tlv(json, "ECDSA_KEY_SALT");
    const uint8_t *salt = tlv_data(bin, bin_len, &salt_tlv);

    uint8_t d[32];
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256(hmac_key, key_len, salt, (size_t)salt_tlv.length,
                                                           HMAC_ECDSA_ITERATIONS, d, sizeof(d)),
                     ESP_OK);
    assert_int_equal(esp_secure_cert_validate_ecdsa_key(d, sizeof(d)), ESP_OK);
    uint8_t der[ESC_P256_SEC1_DER_LEN];
    size_t len = 0;
    assert_int_equal(esc_p256_sec1_der(d, der, sizeof(der), &len), ESC_CRYPTO_OK);
    assert_int_equal(len, der_len);
    assert_memory_equal(der, want_der, der_len);

    uint8_t want_sha[32], got_sha[32];
    hex32_of(mj_str(mj_get(json, "device_view"), "derived_priv_key_der_sha256"), want_sha);
    assert_int_equal(esc_sha256(der, len, got_sha), ESC_CRYPTO_OK);
    assert_memory_equal(got_sha, want_sha, 32);

    free(hmac_key);
    free(bin);
    mj_free(json);
    free(want_der);
}

/* The same derivation through the (simulated) HMAC peripheral: the key is
 * burned into KEY1 as HMAC_UP and never handed to the PBKDF2 code. */
static void test_vector_v29_hw_pbkdf2(void **state)
{
    (void)state;
    char path[512];
    size_t key_len, bin_len, der_len;
    uint8_t *hmac_key = read_vector_file("v29_hmac_ecdsa_derived/inputs/hmac_key.bin", &key_len);
    uint8_t *bin = read_vector_file("v29_hmac_ecdsa_derived/outputs/esp_secure_cert.bin", &bin_len);
    uint8_t *want_der = read_vector_file("v29_hmac_ecdsa_derived/outputs/derived_priv_key.der", &der_len);
    mj_node_t *json = read_expected_json("v29_hmac_ecdsa_derived");
    json_tlv_t salt_tlv = json_find_tlv(json, "ECDSA_KEY_SALT");
    const uint8_t *salt = tlv_data(bin, bin_len, &salt_tlv);

    snprintf(path, sizeof(path), "%s/v29_hmac_ecdsa_derived/outputs/esp_secure_cert.bin", ESC_VECTORS_DIR);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_OK);
    assert_int_equal(esp_secure_cert_host_burn_key(1, ESC_PURPOSE_HMAC_UP, hmac_key, true), ESP_OK);

    uint8_t d[32];
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, salt, (size_t)salt_tlv.length, HMAC_ECDSA_ITERATIONS,
                                            sizeof(d), d),
                     0);
    uint8_t der[ESC_P256_SEC1_DER_LEN];
    size_t len = 0;
    assert_int_equal(esc_p256_sec1_der(d, der, sizeof(der), &len), ESC_CRYPTO_OK);
    assert_int_equal(len, der_len);
    assert_memory_equal(der, want_der, der_len);

    /* Cross-check a longer output with the software PBKDF2 on the same key. */
    uint8_t hw[70], sw[70];
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, salt, (size_t)salt_tlv.length, 3, sizeof(hw), hw), 0);
    assert_int_equal(esp_secure_cert_sw_pbkdf2_hmac_sha256(hmac_key, key_len, salt, (size_t)salt_tlv.length, 3, sw,
                                                           sizeof(sw)),
                     ESP_OK);
    assert_memory_equal(hw, sw, sizeof(hw));

    /* KEY2 is blank (purpose USER): the peripheral refuses it. */
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY2, salt, 32, 1, sizeof(d), d), -1);
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY_MAX, salt, 32, 1, sizeof(d), d), -1);
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, NULL, 32, 1, sizeof(d), d), -1);
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, salt, 32, 1, sizeof(d), NULL), -1);
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, salt, 32, 0, sizeof(d), d), -1);
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY1, salt, 32, 1, 0, d), 0);

    esp_secure_cert_host_close();
    esc_zeroize(d, sizeof(d));
    free(hmac_key);
    free(bin);
    free(want_der);
    mj_free(json);
}

/* The HMAC peripheral belongs to the chip, not to a partition: PBKDF2 keyed
 * by it works with no image open, as in the original (which never looks at
 * the partition). Expected output: OpenSSL's PBKDF2 with the same key. */
static void test_hw_pbkdf2_without_partition(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    uint8_t key[32];
    for (size_t i = 0; i < sizeof(key); i++) {
        key[i] = (uint8_t)(0xA5 ^ (i * 7));
    }
    assert_int_equal(esp_secure_cert_host_burn_key(3, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    static const uint8_t salt[] = "salt of a partition-less PBKDF2";
    uint8_t hw[40], want[40];
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY3, salt, sizeof(salt), 5, sizeof(hw), hw), 0);
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)key, (int)sizeof(key), salt, (int)sizeof(salt), 5, EVP_sha256(),
                                       (int)sizeof(want), want),
                     1);
    assert_memory_equal(hw, want, sizeof(want));
    /* Another block has no HMAC_UP key: the peripheral refuses it. */
    assert_int_equal(esp_pbkdf2_hmac_sha256(HMAC_KEY0, salt, sizeof(salt), 1, sizeof(hw), hw), -1);
    esp_secure_cert_host_close();
}

/* Key and IV of the HMAC-based encryption scheme (tests/vectors/README.md). */
static void hmac_scheme_key_iv(const uint8_t *hmac_key, size_t key_len, uint8_t aes_key[32], uint8_t iv[16])
{
    uint8_t ff[32];
    memset(ff, 0xFF, sizeof(ff));
    assert_int_equal(esc_hmac_sha256(hmac_key, key_len, ff, sizeof(ff), aes_key), ESC_CRYPTO_OK);
    uint8_t words[32];
    for (size_t i = 0; i < sizeof(words); i += 4) {
        words[i + 0] = 0xCD;
        words[i + 1] = 0xAB;
        words[i + 2] = 0xCD;
        words[i + 3] = 0xAB;
    }
    uint8_t mac[32];
    assert_int_equal(esc_hmac_sha256(hmac_key, key_len, words, sizeof(words), mac), ESC_CRYPTO_OK);
    memcpy(iv, mac, 16);
}

static void decrypt_vector_entry(const char *dir, const char *type_name, const char *plain_file, int expect_rc)
{
    char rel[256];
    size_t key_len, bin_len, plain_len;
    snprintf(rel, sizeof(rel), "%s/inputs/hmac_key.bin", dir);
    uint8_t *hmac_key = read_vector_file(rel, &key_len);
    snprintf(rel, sizeof(rel), "%s/outputs/esp_secure_cert.bin", dir);
    uint8_t *bin = read_vector_file(rel, &bin_len);
    mj_node_t *json = read_expected_json(dir);
    uint8_t *plain = read_vector_file(plain_file, &plain_len);

    json_tlv_t t = json_find_tlv(json, type_name);
    const uint8_t *data = tlv_data(bin, bin_len, &t);
    assert_true((size_t)t.length > ESC_GCM_TAG_LEN);
    size_t ct_len = (size_t)t.length - ESC_GCM_TAG_LEN;
    assert_int_equal(ct_len, plain_len);

    uint8_t aes_key[32], iv[16];
    hmac_scheme_key_iv(hmac_key, key_len, aes_key, iv);
    uint8_t *out = malloc(ct_len);
    assert_non_null(out);
    memset(out, 0xA5, ct_len);
    assert_int_equal(esc_aes256_gcm_decrypt(aes_key, iv, 16, data, ct_len, data + ct_len, out), expect_rc);
    if (expect_rc == ESC_CRYPTO_OK) {
        assert_memory_equal(out, plain, ct_len);
    } else {
        assert_true(all_zero(out, ct_len));
    }
    esc_zeroize(aes_key, sizeof(aes_key));
    free(out);
    free(hmac_key);
    free(bin);
    mj_free(json);
    free(plain);
}

static void test_vector_v28_encrypted_entries(void **state)
{
    (void)state;
    decrypt_vector_entry("v28_hmac_encrypted_priv_key", "PRIV_KEY", "v28_hmac_encrypted_priv_key/outputs/priv_key.pem",
                         ESC_CRYPTO_OK);
    decrypt_vector_entry("v28_hmac_encrypted_priv_key", "USER_DATA_1",
                         "v28_hmac_encrypted_priv_key/outputs/user_data_1.bin", ESC_CRYPTO_OK);
}

static void test_vector_v31_tampered(void **state)
{
    (void)state;
    decrypt_vector_entry("v31_hmac_encrypted_tampered", "PRIV_KEY", "v28_hmac_encrypted_priv_key/outputs/priv_key.pem",
                         ESC_CRYPTO_ERR_AUTH);
}

/* ---- utilities ----------------------------------------------------------- */

static void test_util(void **state)
{
    (void)state;
    uint8_t a[40], b[40];
    assert_int_equal(RAND_bytes(a, sizeof(a)), 1);
    memcpy(b, a, sizeof(b));
    assert_int_equal(esc_ct_memcmp(a, b, sizeof(a)), 0);
    assert_int_equal(esc_ct_memcmp(a, b, 0), 0);
    for (size_t i = 0; i < sizeof(a); i += 13) {
        b[i] ^= 0x10;
        assert_int_not_equal(esc_ct_memcmp(a, b, sizeof(a)), 0);
        b[i] ^= 0x10;
    }
    esc_zeroize(b, sizeof(b));
    assert_true(all_zero(b, sizeof(b)));
    esc_zeroize(NULL, 5);

    /* Two draws of 64 random bytes are not equal, and not all zero. */
    uint8_t r1[64] = {0}, r2[64] = {0};
    assert_int_equal(esc_random(r1, sizeof(r1)), ESC_CRYPTO_OK);
    assert_int_equal(esc_random(r2, sizeof(r2)), ESC_CRYPTO_OK);
    assert_false(all_zero(r1, sizeof(r1)));
    assert_memory_not_equal(r1, r2, sizeof(r1));
    static uint8_t big[5000];
    assert_int_equal(esc_random(big, sizeof(big)), ESC_CRYPTO_OK);
    assert_false(all_zero(big + 4000, 1000));
    assert_int_equal(esc_random(NULL, 0), ESC_CRYPTO_OK);
    assert_int_equal(esc_random(NULL, 1), ESC_CRYPTO_ERR_ARG);
    assert_int_equal(esc_crypto_init(), ESC_CRYPTO_OK); /* again: harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_one_shot),
        cmocka_unit_test(test_sha256_incremental),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_hmac_empty_key_matches_openssl),
        cmocka_unit_test(test_pbkdf2_rfc7914),
        cmocka_unit_test(test_pbkdf2_vs_openssl),
        cmocka_unit_test(test_pbkdf2_prf_callback),
        cmocka_unit_test(test_gcm_nist_12_byte_iv),
        cmocka_unit_test(test_gcm_16_byte_iv_vs_openssl),
        cmocka_unit_test(test_gcm_tamper),
        cmocka_unit_test(test_gcm_bad_args),
        cmocka_unit_test(test_cbc_sp800_38a),
        cmocka_unit_test(test_p256_public_key),
        cmocka_unit_test(test_p256_sec1_der_vs_openssl),
        cmocka_unit_test(test_p256_validate),
        cmocka_unit_test(test_sw_pbkdf2_api),
        cmocka_unit_test(test_vector_v29_derived_key),
        cmocka_unit_test(test_vector_v29_hw_pbkdf2),
        cmocka_unit_test(test_hw_pbkdf2_without_partition),
        cmocka_unit_test(test_vector_v28_encrypted_entries),
        cmocka_unit_test(test_vector_v31_tampered),
        cmocka_unit_test(test_util),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
