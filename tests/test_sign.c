/*
 * Partition signing (tools/sign_*.c) against the reference tool's vectors
 * v12-v19, and the signature check (src/api/verify_signature.c) on them.
 *
 * Inputs and expectations come from tests/vectors: the signed range is the
 * prefix up to the first SIGNATURE_BLOCK that the independent dumper
 * (expected.json) reports, the keys and seed come from cmd.txt/expected.json,
 * and the output must equal outputs/ byte for byte.
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

#include "esc_sig_verify.h"
#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_signature_verify.h"
#include "mini_json.h"
#include "test_files.h"

/* The signer is the CLI's (tools/sign_*.c, linked from esc_tools_lib); its
 * internal header gives the key's EVP_PKEY and the coordinate sizes. */
#include "sign_internal.h"

#define VDIR ESC_VECTORS_DIR "/"
#define MAX_KEYS 4
#define DIGEST_LEN ESC_SIG_KEY_DIGEST_LEN

/* ---- vector access ---- */

typedef struct {
    char dir[160];
    char seed[64];
    size_t nkeys;
    char key_paths[MAX_KEYS][320];
    mj_node_t *expected;
} vec_t;

static void path_of(char *out, size_t cap, const vec_t *v, const char *rel)
{
    snprintf(out, cap, VDIR "%s/%s", v->dir, rel);
}

static uint8_t *read_rel(const vec_t *v, const char *rel, size_t *len)
{
    char p[512];
    path_of(p, sizeof(p), v, rel);
    uint8_t *d = tf_read_file(p, len);
    if (d == NULL) {
        fail_msg("cannot read %s", p);
    }
    return d;
}

/* Keys = the arguments of --signing-key-file in cmd.txt (up to the next
 * option); seed from expected.json. */
static void vec_open(vec_t *v, const char *dir)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->dir, sizeof(v->dir), "%s", dir);
    char p[512];
    path_of(p, sizeof(p), v, "expected.json");
    v->expected = mj_parse_file(p);
    assert_non_null(v->expected);
    const char *seed = mj_str(v->expected, "seed");
    assert_non_null(seed);
    snprintf(v->seed, sizeof(v->seed), "%s", seed);

    size_t len = 0;
    char *cmd = (char *)read_rel(v, "cmd.txt", &len);
    cmd = realloc(cmd, len + 1);
    cmd[len] = 0;
    char *save = NULL;
    int in_keys = 0;
    for (char *tok = strtok_r(cmd, " \t\r\n", &save); tok != NULL; tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (strcmp(tok, "--signing-key-file") == 0) {
            in_keys = 1;
            continue;
        }
        if (tok[0] == '-' || tok[0] == '#') {
            in_keys = 0;
            continue;
        }
        if (in_keys && v->nkeys < MAX_KEYS) {
            snprintf(v->key_paths[v->nkeys++], sizeof(v->key_paths[0]), VDIR "%s/%s", dir, tok);
        }
    }
    free(cmd);
}

static void vec_close(vec_t *v)
{
    mj_free(v->expected);
    v->expected = NULL;
}

static const mj_node_t *expected_tlvs(const vec_t *v, const char *file)
{
    const mj_node_t *outs = mj_get(v->expected, "outputs");
    assert_non_null(outs);
    const mj_node_t *f = mj_get(outs, file);
    assert_non_null(f);
    const mj_node_t *t = mj_get(f, "tlvs");
    assert_non_null(t);
    return t;
}

/* Offset of the first SIGNATURE_BLOCK the dumper saw in `file`. */
static size_t first_signature_offset(const vec_t *v, const char *file)
{
    const mj_node_t *tlvs = expected_tlvs(v, file);
    for (size_t i = 0; i < mj_len(tlvs); i++) {
        const mj_node_t *t = mj_at(tlvs, i);
        if (mj_int(t, "type", -1) == 8) {
            return (size_t)mj_int(t, "offset", -1);
        }
    }
    fail_msg("%s/%s has no SIGNATURE_BLOCK", v->dir, file);
    return 0;
}

/* Bytes the tool drew, per rng_draws.json. */
static size_t expected_draw_bytes(const vec_t *v)
{
    char p[512];
    path_of(p, sizeof(p), v, "rng_draws.json");
    mj_node_t *d = mj_parse_file(p);
    assert_non_null(d);
    const mj_node_t *draws = mj_get(d, "draws");
    size_t total = 0;
    for (size_t i = 0; i < mj_len(draws); i++) {
        total += (size_t)mj_int(mj_at(draws, i), "size", 0);
    }
    mj_free(d);
    return total;
}

static void load_keys(const vec_t *v, esc_signing_key_t **keys)
{
    char err[256];
    for (size_t i = 0; i < v->nkeys; i++) {
        if (esc_signing_key_load(v->key_paths[i], &keys[i], err, sizeof(err)) != 0) {
            fail_msg("%s", err);
        }
    }
}

static void free_keys(esc_signing_key_t **keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        esc_signing_key_free(keys[i]);
        keys[i] = NULL;
    }
}

static void assert_same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len,
                              const char *what)
{
    if (got_len != want_len) {
        fail_msg("%s: %zu bytes, expected %zu", what, got_len, want_len);
    }
    for (size_t i = 0; i < want_len; i++) {
        if (got[i] != want[i]) {
            fail_msg("%s: first difference at byte %zu (0x%02x, expected 0x%02x)", what, i, got[i], want[i]);
        }
    }
}

/* ---- byte identity with the reference ---- */

/* Sign the vector's signed range (skipping `skip_draw` bytes of the stream
 * that the reference drew for DS first) and compare with the signed output. */
static void sign_and_compare(const char *dir, const char *unsigned_rel, size_t skip_draw)
{
    vec_t v;
    vec_open(&v, dir);
    size_t want_len = 0;
    uint8_t *want = read_rel(&v, "outputs/esp_secure_cert_signed.bin", &want_len);
    size_t in_len = 0;
    uint8_t *in;
    if (unsigned_rel != NULL) {
        in = read_rel(&v, unsigned_rel, &in_len);
    } else {
        in_len = first_signature_offset(&v, "esp_secure_cert_signed.bin");
        in = malloc(in_len);
        memcpy(in, want, in_len);
    }

    esc_signing_key_t *keys[MAX_KEYS] = {0};
    load_keys(&v, keys);
    esc_rng_t rng;
    assert_int_equal(esc_rng_init_prng_v1(&rng, v.seed), 0);
    if (skip_draw > 0) {
        uint8_t tmp[64];
        assert_true(skip_draw <= sizeof(tmp));
        assert_int_equal(esc_rng_draw(&rng, tmp, skip_draw), 0);
    }
    esc_signed_image_t img;
    char err[256] = "";
    int rc = esc_sign_partition(in, in_len, keys, v.nkeys, &rng, 0, &img, err, sizeof(err));
    if (rc != 0) {
        fail_msg("%s: %s", dir, err);
    }
    assert_same_bytes(img.bin, img.len, want, want_len, dir);
    assert_int_equal(img.signed_len, first_signature_offset(&v, "esp_secure_cert_signed.bin"));
    /* The whole recorded stream was consumed, and nothing more. */
    assert_int_equal(rng.drawn, expected_draw_bytes(&v) - (dir[2] == '7' ? 48 : 0));

    esc_signed_image_free(&img);
    esc_rng_free(&rng);
    free_keys(keys, v.nkeys);
    free(in);
    free(want);
    vec_close(&v);
}

static void test_v12_rsa3072(void **state)
{
    (void)state;
    sign_and_compare("v12_signed_rsa3072", NULL, 0);
}

static void test_v13_ecdsa256(void **state)
{
    (void)state;
    sign_and_compare("v13_signed_ecdsa256", NULL, 0);
}

static void test_v14_ecdsa384(void **state)
{
    (void)state;
    sign_and_compare("v14_signed_ecdsa384", NULL, 0);
}

static void test_v16_multi(void **state)
{
    (void)state;
    sign_and_compare("v16_signed_multi_ecdsa256_rsa3072", NULL, 0);
}

static void test_v18_existing_bin(void **state)
{
    (void)state;
    sign_and_compare("v18_sign_existing_bin", "inputs/v01_output.bin", 0);
}

static void test_v17_signature_after_ds_draws(void **state)
{
    (void)state;
    /* HMAC key (32) and IV (16) were drawn before the salt. */
    sign_and_compare("v17_signed_with_ds_autokey", NULL, 48);
}

static void test_v19_append_integrity(void **state)
{
    (void)state;
    vec_t v;
    vec_open(&v, "v19_append_integrity");
    size_t in_len = 0, want_len = 0;
    uint8_t *in = read_rel(&v, "inputs/v01_output.bin", &in_len);
    uint8_t *want = read_rel(&v, "outputs/appended.bin", &want_len);
    uint8_t *out = NULL;
    size_t out_len = 0;
    char err[256] = "";
    if (esc_append_integrity(in, in_len, 0, &out, &out_len, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    assert_same_bytes(out, out_len, want, want_len, "v19 appended.bin");
    free(out);
    free(in);
    free(want);
    vec_close(&v);
}

/*
 * The reference's second pass (v12-v16, v17): esp_secure_cert.bin begins with
 * the signature entries of the first pass. Check that what esc_sign_partition
 * reports as the signature entries is exactly that prefix, and for vectors
 * without DS (same entries both passes) that prefix || signed range ||
 * INTEGRITY sub 0 (no end marker) is the whole file.
 */
static void check_second_pass(const char *dir, size_t skip_draw, int full)
{
    vec_t v;
    vec_open(&v, dir);
    size_t signed_file_len = 0, second_len = 0;
    uint8_t *signed_file = read_rel(&v, "outputs/esp_secure_cert_signed.bin", &signed_file_len);
    uint8_t *second = read_rel(&v, "outputs/esp_secure_cert.bin", &second_len);
    size_t in_len = first_signature_offset(&v, "esp_secure_cert_signed.bin");

    esc_signing_key_t *keys[MAX_KEYS] = {0};
    load_keys(&v, keys);
    esc_rng_t rng;
    assert_int_equal(esc_rng_init_prng_v1(&rng, v.seed), 0);
    uint8_t tmp[64];
    if (skip_draw > 0) {
        assert_int_equal(esc_rng_draw(&rng, tmp, skip_draw), 0);
    }
    esc_signed_image_t img;
    char err[256] = "";
    if (esc_sign_partition(signed_file, in_len, keys, v.nkeys, &rng, 0, &img, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    assert_true(second_len > img.sig_tlvs_len);
    assert_memory_equal(second, img.bin + img.signed_len, img.sig_tlvs_len);

    if (full) {
        size_t n = img.sig_tlvs_len + img.signed_len;
        uint8_t *rebuilt = malloc(n + 64);
        memcpy(rebuilt, img.bin + img.signed_len, img.sig_tlvs_len);
        memcpy(rebuilt + img.sig_tlvs_len, img.bin, img.signed_len);
        uint8_t digest[32];
        unsigned int dl = 0;
        assert_true(EVP_Digest(rebuilt, n, digest, &dl, EVP_sha256(), NULL));
        size_t w = 0;
        assert_int_equal(esc_tlv_encode(rebuilt + n, 64, 0, 9, 0, digest, 32, &w), ESC_TLV_OK);
        assert_same_bytes(rebuilt, n + w, second, second_len, "second-pass esp_secure_cert.bin");
        free(rebuilt);
    }
    esc_signed_image_free(&img);
    esc_rng_free(&rng);
    free_keys(keys, v.nkeys);
    free(signed_file);
    free(second);
    vec_close(&v);
}

static void test_second_pass_prefix(void **state)
{
    (void)state;
    check_second_pass("v12_signed_rsa3072", 0, 1);
    check_second_pass("v13_signed_ecdsa256", 0, 1);
    check_second_pass("v14_signed_ecdsa384", 0, 1);
    check_second_pass("v16_signed_multi_ecdsa256_rsa3072", 0, 1);
    check_second_pass("v17_signed_with_ds_autokey", 48, 0);
}

/* ---- ECDSA P-192 (the reference crashes, v15) ---- */

/* Independent check of a P-192 signature tail with OpenSSL's verifier. */
static void openssl_verify_p192(const esc_signing_key_t *key, const uint8_t *msg, size_t msg_len,
                                const uint8_t *tail)
{
    uint8_t be[24];
    BIGNUM *r, *s;
    for (int i = 0; i < 24; i++) {
        be[i] = tail[1 + 48 + 23 - i];
    }
    r = BN_bin2bn(be, 24, NULL);
    for (int i = 0; i < 24; i++) {
        be[i] = tail[1 + 72 + 23 - i];
    }
    s = BN_bin2bn(be, 24, NULL);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    assert_true(ECDSA_SIG_set0(sig, r, s));
    unsigned char *der = NULL;
    int der_len = i2d_ECDSA_SIG(sig, &der);
    assert_true(der_len > 0);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key->pkey), 1);
    assert_int_equal(EVP_DigestVerify(md, der, (size_t)der_len, msg, msg_len), 1);
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
}

static void test_v15_ecdsa192(void **state)
{
    (void)state;
    vec_t v;
    vec_open(&v, "v15_signed_ecdsa192");
    size_t in_len = 0;
    uint8_t *in = read_rel(&v, "outputs/esp_secure_cert.bin", &in_len);
    esc_signing_key_t *keys[MAX_KEYS] = {0};
    load_keys(&v, keys);
    assert_int_equal(esc_signing_key_alg(keys[0]), ESC_SIGN_ECDSA192);
    esc_rng_t rng;
    assert_int_equal(esc_rng_init_prng_v1(&rng, v.seed), 0);
    esc_signed_image_t img;
    char err[256] = "";
    if (esc_sign_partition(in, in_len, keys, 1, &rng, 0, &img, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    /* The one nonce the reference drew before crashing is the one used. */
    assert_int_equal(rng.drawn, expected_draw_bytes(&v));

    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_decode(img.bin, img.len, in_len, &e), ESC_TLV_OK);
    assert_int_equal(e.type, 8);
    assert_int_equal(e.subtype, 0);
    /* 16-byte header + curve id + X, Y (24 each) + r, s (24 each). */
    assert_int_equal(e.length, 16 + 1 + 48 + 48);
    const uint8_t *d = img.bin + e.data_offset;
    assert_int_equal(d[0], 1);
    assert_int_equal(esc_le32(d + 8), in_len);
    assert_int_equal(d[12], ESC_SIGN_ECDSA192);
    assert_int_equal(d[16], 1); /* curve id P-192 */
    openssl_verify_p192(keys[0], in, in_len, d + 16);

    /* The INTEGRITY entry and the end marker follow. */
    esc_tlv_entry_t integ;
    assert_int_equal(esc_tlv_decode(img.bin, img.len, e.offset + e.total_len, &integ), ESC_TLV_OK);
    assert_int_equal(integ.type, 9);
    assert_int_equal(integ.subtype, 0);
    assert_memory_equal(img.bin + integ.offset + integ.total_len, "\xff\xff\x00\x00", 4);
    assert_int_equal(img.len, integ.offset + integ.total_len + 4);

    uint8_t digest[DIGEST_LEN];
    assert_int_equal(esc_signing_key_digest(keys[0], digest, err, sizeof(err)), 0);
    assert_int_equal(esc_sig_verify_image(img.bin, img.len, (const uint8_t (*)[DIGEST_LEN])digest, 1, false, NULL),
                     ESC_SIG_OK);

    esc_signed_image_free(&img);
    esc_rng_free(&rng);
    free_keys(keys, 1);
    free(in);
    vec_close(&v);
}

/* ---- verification of the signed vectors ---- */

typedef struct {
    const char *dir;
    const char *file;
} signed_vec_t;

static const signed_vec_t SIGNED[] = {
    {"v12_signed_rsa3072", "outputs/esp_secure_cert_signed.bin"},
    {"v13_signed_ecdsa256", "outputs/esp_secure_cert_signed.bin"},
    {"v14_signed_ecdsa384", "outputs/esp_secure_cert_signed.bin"},
    {"v16_signed_multi_ecdsa256_rsa3072", "outputs/esp_secure_cert_signed.bin"},
    {"v17_signed_with_ds_autokey", "outputs/esp_secure_cert_signed.bin"},
    {"v18_sign_existing_bin", "outputs/esp_secure_cert_signed.bin"},
};

/* Key digests of the vector's signing keys, computed with OpenSSL from the
 * key files (not from the image). */
static size_t vector_key_digests(const vec_t *v, uint8_t out[MAX_KEYS][DIGEST_LEN])
{
    esc_signing_key_t *keys[MAX_KEYS] = {0};
    load_keys(v, keys);
    char err[256];
    for (size_t i = 0; i < v->nkeys; i++) {
        if (esc_signing_key_digest(keys[i], out[i], err, sizeof(err)) != 0) {
            fail_msg("%s", err);
        }
    }
    free_keys(keys, v->nkeys);
    return v->nkeys;
}

static void test_verify_signed_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(SIGNED) / sizeof(SIGNED[0]); i++) {
        vec_t v;
        vec_open(&v, SIGNED[i].dir);
        size_t len = 0;
        uint8_t *img = read_rel(&v, SIGNED[i].file, &len);
        uint8_t digests[MAX_KEYS][DIGEST_LEN];
        size_t nd = vector_key_digests(&v, digests);
        esc_sig_report_t rep;

        assert_int_equal(esc_sig_verify_image(img, len, (const uint8_t (*)[DIGEST_LEN])digests, nd, false, &rep),
                         ESC_SIG_OK);
        assert_int_equal(rep.signed_len, first_signature_offset(&v, "esp_secure_cert_signed.bin"));
        assert_int_equal(rep.nblocks, v.nkeys);
        for (size_t k = 0; k < v.nkeys; k++) {
            assert_true(rep.trusted[k]);
            assert_true(rep.verified[k]);
        }
        /* Each key alone is enough (Secure Boot V2: any trusted block). */
        for (size_t k = 0; k < nd; k++) {
            assert_int_equal(
                esc_sig_verify_image(img, len, (const uint8_t (*)[DIGEST_LEN])digests[k], 1, false, NULL),
                ESC_SIG_OK);
        }
        /* No trust anchor, or only someone else's key: not accepted. */
        assert_int_equal(esc_sig_verify_image(img, len, NULL, 0, false, NULL), ESC_SIG_ERR_UNTRUSTED);
        uint8_t other[DIGEST_LEN];
        memcpy(other, digests[0], DIGEST_LEN);
        other[5] ^= 0x10;
        assert_int_equal(esc_sig_verify_image(img, len, (const uint8_t (*)[DIGEST_LEN])other, 1, false, NULL),
                         ESC_SIG_ERR_UNTRUSTED);
        /* Diagnostics mode checks every block against its own key. */
        assert_int_equal(esc_sig_verify_image(img, len, NULL, 0, true, NULL), ESC_SIG_OK);

        /* The library's reading of the key in each block agrees with the
         * digest derived from the key file. */
        esc_tlv_entry_t e;
        for (size_t k = 0; k < v.nkeys; k++) {
            assert_int_equal(esc_tlv_find(img, len, 8, (uint8_t)k, &e), ESC_TLV_OK);
            uint8_t kd[DIGEST_LEN];
            assert_int_equal(esc_sig_key_digest(img + e.data_offset, e.length, kd), ESC_SIG_OK);
            assert_memory_equal(kd, digests[k], DIGEST_LEN);
        }
        free(img);
        vec_close(&v);
    }
}

/* Re-seal a modified entry so that only the signature can catch the change. */
static void fix_crc(uint8_t *img, size_t len, size_t entry_offset)
{
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_decode(img, len, entry_offset, &e), ESC_TLV_OK);
    size_t body = e.total_len - ESC_TLV_FOOTER_SIZE;
    esc_put_le32(img + e.offset + body, esc_crc32(img + e.offset, body));
}

/* Flip one bit of r (ECDSA) or of the RSA signature (re-sealing the SBv2
 * block's own CRC), then fix the TLV CRC. */
static void flip_signature_bit(uint8_t *img, size_t len, size_t entry_offset)
{
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_decode(img, len, entry_offset, &e), ESC_TLV_OK);
    uint8_t *d = img + e.data_offset;
    if (d[12] == ESC_SIGN_RSA3072) {
        uint8_t *blk = d + 16;
        blk[ESC_SBV2_RSA_SIG_OFFSET + 10] ^= 0x01;
        esc_put_le32(blk + ESC_SBV2_CRC_OFFSET,
                     esc_crc32_final(esc_crc32_update(0xFFFFFFFFu, blk, ESC_SBV2_CRC_COVERED)));
    } else {
        size_t cl = esc_sign_coord_len((esc_sign_alg_t)d[12]);
        d[16 + 1 + 2 * cl + 3] ^= 0x01;
    }
    fix_crc(img, len, entry_offset);
}

static void test_verify_rejects_tampering(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(SIGNED) / sizeof(SIGNED[0]); i++) {
        vec_t v;
        vec_open(&v, SIGNED[i].dir);
        size_t len = 0;
        uint8_t *img = read_rel(&v, SIGNED[i].file, &len);
        uint8_t digests[MAX_KEYS][DIGEST_LEN];
        size_t nd = vector_key_digests(&v, digests);
        const uint8_t (*trust)[DIGEST_LEN] = (const uint8_t (*)[DIGEST_LEN])digests;
        size_t sig_off = first_signature_offset(&v, "esp_secure_cert_signed.bin");

        /* One bit of the first entry, CRC left stale or recomputed. */
        uint8_t *copy = malloc(len);
        memcpy(copy, img, len);
        copy[40] ^= 0x01;
        assert_int_equal(esc_sig_verify_image(copy, len, trust, nd, false, NULL), ESC_SIG_ERR_BAD_SIGNATURE);
        fix_crc(copy, len, 0);
        assert_int_equal(esc_sig_verify_image(copy, len, trust, nd, false, NULL), ESC_SIG_ERR_BAD_SIGNATURE);

        /* One bit of the signature value of block 0, every CRC made right
         * again; only block 0's key is trusted. */
        memcpy(copy, img, len);
        flip_signature_bit(copy, len, sig_off);
        assert_int_equal(esc_sig_verify_image(copy, len, trust, 1, false, NULL), ESC_SIG_ERR_BAD_SIGNATURE);
        /* Stale TLV CRC on a signature entry: malformed, never trusted. */
        memcpy(copy, img, len);
        copy[sig_off + 12 + 20] ^= 0x04;
        assert_int_equal(esc_sig_verify_image(copy, len, trust, nd, false, NULL), ESC_SIG_ERR_MALFORMED);

        /* A "length" field that does not match where the block sits. */
        memcpy(copy, img, len);
        esc_put_le32(copy + sig_off + 12 + 8, (uint32_t)sig_off - 16);
        fix_crc(copy, len, sig_off);
        assert_int_equal(esc_sig_verify_image(copy, len, trust, nd, false, NULL), ESC_SIG_ERR_MALFORMED);

        free(copy);
        free(img);
        vec_close(&v);
    }
}

static void test_verify_unsigned_and_uncovered(void **state)
{
    (void)state;
    vec_t v;
    vec_open(&v, "v13_signed_ecdsa256");
    uint8_t digests[MAX_KEYS][DIGEST_LEN];
    size_t nd = vector_key_digests(&v, digests);
    const uint8_t (*trust)[DIGEST_LEN] = (const uint8_t (*)[DIGEST_LEN])digests;

    /* An unsigned partition. */
    size_t len = 0;
    uint8_t *unsigned_img = tf_read_file(VDIR "v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin", &len);
    assert_non_null(unsigned_img);
    assert_int_equal(esc_sig_verify_image(unsigned_img, len, trust, nd, false, NULL), ESC_SIG_ERR_NO_SIGNATURE);
    free(unsigned_img);

    /* The second-pass file of the reference: the signature block is first
     * and covers nothing that follows it. */
    uint8_t *second = read_rel(&v, "outputs/esp_secure_cert.bin", &len);
    assert_int_equal(esc_sig_verify_image(second, len, trust, nd, false, NULL), ESC_SIG_ERR_UNCOVERED);
    free(second);

    /* A user entry appended after the signature would be readable but not
     * signed: refused. */
    uint8_t *img = read_rel(&v, "outputs/esp_secure_cert_signed.bin", &len);
    uint8_t *grown = malloc(len + 64);
    size_t end = len - 4; /* before the end marker */
    memcpy(grown, img, end);
    size_t w = 0;
    assert_int_equal(esc_tlv_encode(grown + end, 64, 0, 51, 0, (const uint8_t *)"evil", 4, &w), ESC_TLV_OK);
    assert_int_equal(esc_sig_verify_image(grown, end + w, trust, nd, false, NULL), ESC_SIG_ERR_UNCOVERED);
    /* ...while another INTEGRITY entry there is fine. */
    assert_int_equal(esc_tlv_encode(grown + end, 64, 0, 9, 1, (const uint8_t *)"0123456789abcdef0123456789abcdef",
                                    32, &w),
                     ESC_TLV_OK);
    assert_int_equal(esc_sig_verify_image(grown, end + w, trust, nd, false, NULL), ESC_SIG_OK);

    /* Cutting into the signed range or the signature never passes (and
     * never reads past the cut); only INTEGRITY and the marker follow. */
    const mj_node_t *tlvs = expected_tlvs(&v, "esp_secure_cert_signed.bin");
    size_t sig_end = (size_t)mj_int(mj_at(tlvs, mj_len(tlvs) - 1), "offset", 0);
    assert_int_equal(mj_int(mj_at(tlvs, mj_len(tlvs) - 1), "type", 0), 9);
    for (size_t cut = 0; cut < sig_end; cut += 7) {
        esc_sig_result_t r = esc_sig_verify_image(img, cut, trust, nd, false, NULL);
        assert_int_not_equal(r, ESC_SIG_OK);
    }
    free(grown);
    free(img);
    vec_close(&v);
}

/* Deterministic mutations of a signed image: never a crash (ASan), never
 * accepted unless the bytes are back to the original. */
static void test_verify_mutations(void **state)
{
    (void)state;
    vec_t v;
    vec_open(&v, "v16_signed_multi_ecdsa256_rsa3072");
    size_t len = 0;
    uint8_t *img = read_rel(&v, "outputs/esp_secure_cert_signed.bin", &len);
    uint8_t digests[MAX_KEYS][DIGEST_LEN];
    size_t nd = vector_key_digests(&v, digests);
    const size_t signed_len = first_signature_offset(&v, "esp_secure_cert_signed.bin");
    esc_tlv_entry_t b0;
    assert_int_equal(esc_tlv_decode(img, len, signed_len, &b0), ESC_TLV_OK);
    assert_int_equal((esc_sign_alg_t)img[b0.data_offset + 12], ESC_SIGN_ECDSA256);
    const size_t block0_end = b0.offset + b0.total_len;
    uint8_t *copy = malloc(len);
    uint32_t x = 12345;
    for (int iter = 0; iter < 300; iter++) {
        memcpy(copy, img, len);
        x = x * 1103515245u + 12345u;
        size_t pos = (x >> 8) % len;
        uint8_t bit = (uint8_t)(1u << ((x >> 4) & 7));
        copy[pos] ^= bit;
        /* Half the time make the entry's CRC right again so the signature
         * code, not the CRC, has to catch it. */
        if (iter & 1) {
            esc_tlv_cursor_t cur;
            esc_tlv_cursor_init(&cur);
            esc_tlv_entry_t e;
            while (esc_tlv_cursor_next(&cur, copy, len, &e) == ESC_TLV_OK) {
                if (pos >= e.offset && pos < e.offset + e.total_len) {
                    fix_crc(copy, len, e.offset);
                    break;
                }
            }
        }
        /* Both keys trusted: any one valid signature is enough (as Secure
         * Boot V2), so only the signed range itself must be intact. */
        esc_sig_result_t r =
            esc_sig_verify_image(copy, len, (const uint8_t (*)[DIGEST_LEN])digests, nd, false, NULL);
        if (pos < signed_len) {
            assert_int_not_equal(r, ESC_SIG_OK);
        }
        /* Only the ECDSA key (block 0) trusted: block 0 must be intact too.
         * Bytes after the signatures (INTEGRITY, end marker) are not signed. */
        r = esc_sig_verify_image(copy, len, (const uint8_t (*)[DIGEST_LEN])digests[0], 1, false, NULL);
        if (pos < block0_end) {
            assert_int_not_equal(r, ESC_SIG_OK);
        }
    }
    free(copy);
    free(img);
    vec_close(&v);
}

/* ---- the signer refuses bad input ---- */

static void test_sign_refusals(void **state)
{
    (void)state;
    char err[256];
    esc_signing_key_t *key = NULL;
    esc_signing_key_t *rsa2048 = NULL;
    assert_int_equal(esc_signing_key_load(VDIR "keys/test_sign_ecdsa256.pem", &key, err, sizeof(err)), 0);
    /* Secure Boot V2 RSA is 3072 bits only. */
    assert_int_equal(esc_signing_key_load(VDIR "keys/test_dev_rsa2048.key", &rsa2048, err, sizeof(err)), -1);
    assert_null(rsa2048);
    assert_non_null(strstr(err, "3072"));
    assert_int_equal(esc_signing_key_load(VDIR "keys/test_ca.pem", &rsa2048, err, sizeof(err)), -1);
    assert_int_equal(esc_signing_key_load("/nonexistent/key.pem", &rsa2048, err, sizeof(err)), -1);
    /* A DER (PKCS#8) key is read too. */
    esc_signing_key_t *der = NULL;
    assert_int_equal(esc_signing_key_load(VDIR "keys/test_dev_ecp256.pk8.der", &der, err, sizeof(err)), 0);
    assert_int_equal(esc_signing_key_alg(der), ESC_SIGN_ECDSA256);
    esc_signing_key_free(der);

    size_t len = 0;
    uint8_t *v01 = tf_read_file(VDIR "v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin", &len);
    assert_non_null(v01);
    esc_rng_t rng;
    assert_int_equal(esc_rng_init_prng_v1(&rng, "refusals"), 0);
    esc_signed_image_t img;
    esc_signing_key_t *keys[1] = {key};

    assert_int_equal(esc_sign_partition(v01, 0, keys, 1, &rng, 0, &img, err, sizeof(err)), -1);
    assert_int_equal(esc_sign_partition(v01, len, keys, 0, &rng, 0, &img, err, sizeof(err)), -1);
    /* Bad CRC in the input. */
    uint8_t *bad = malloc(len + 16);
    memcpy(bad, v01, len);
    bad[100] ^= 1;
    assert_int_equal(esc_sign_partition(bad, len, keys, 1, &rng, 0, &img, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "CRC"));
    /* Garbage after the list. */
    memcpy(bad, v01, len);
    memset(bad + len, 0x00, 16);
    assert_int_equal(esc_sign_partition(bad, len + 16, keys, 1, &rng, 0, &img, err, sizeof(err)), -1);
    /* ...but erased flash or an end marker there is dropped. */
    memset(bad + len, 0xFF, 16);
    bad[len + 2] = 0;
    bad[len + 3] = 0;
    assert_int_equal(esc_sign_partition(bad, len + 16, keys, 1, &rng, 0, &img, err, sizeof(err)), 0);
    assert_int_equal(img.signed_len, len);
    /* Signing a signed image again is refused. */
    uint8_t *signed_bin = img.bin;
    size_t signed_len = img.len;
    assert_int_equal(esc_sign_partition(signed_bin, signed_len, keys, 1, &rng, 0, &img, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "signature"));
    free(signed_bin);
    /* Not enough room in a small partition. */
    assert_int_equal(esc_sign_partition(v01, len, keys, 1, &rng, len + 100, &img, err, sizeof(err)), -1);
    /* Not TLV at all. */
    assert_int_equal(esc_sign_partition((const uint8_t *)"hello world", 11, keys, 1, &rng, 0, &img, err,
                                        sizeof(err)),
                     -1);

    /* --append-integrity: subtypes stop at 16; no room; no entries. */
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint8_t *cur = malloc(len);
    memcpy(cur, v01, len);
    size_t cur_len = len;
    int appended = 0;
    while (esc_append_integrity(cur, cur_len, 0x4000, &out, &out_len, err, sizeof(err)) == 0) {
        free(cur);
        cur = out;
        cur_len = out_len;
        appended++;
        assert_true(appended <= 17);
    }
    assert_int_equal(appended, 16); /* v01 has sub 0; 1..16 are added */
    assert_non_null(strstr(err, "16"));
    free(cur);
    assert_int_equal(esc_append_integrity(v01, len, len + 20, &out, &out_len, err, sizeof(err)), -1);
    assert_int_equal(esc_append_integrity((const uint8_t *)"\xff\xff\xff\xff", 4, 0, &out, &out_len, err,
                                          sizeof(err)),
                     -1);
    /* A file padded to the partition keeps its size (in-place write). */
    uint8_t *padded = malloc(8192);
    memset(padded, 0xFF, 8192);
    memcpy(padded, v01, len);
    assert_int_equal(esc_append_integrity(padded, 8192, 0, &out, &out_len, err, sizeof(err)), 0);
    assert_int_equal(out_len, 8192);
    assert_memory_equal(out + len + 48, "\xff\xff\x00\x00", 4);
    assert_int_equal(out[len + 52], 0xFF);
    free(out);
    free(padded);

    free(bad);
    free(v01);
    esc_rng_free(&rng);
    esc_signing_key_free(key);
}

/* ---- the public API through the host port ---- */

static void test_public_api(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *img = tf_read_file(VDIR "v13_signed_ecdsa256/outputs/esp_secure_cert_signed.bin", &len);
    assert_non_null(img);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    assert_int_equal(esp_secure_cert_host_open_buffer(img, len, &cfg), ESP_OK);
    /* No secure boot key digest in eFuse: nothing is trusted. */
    assert_int_equal(esp_secure_cert_verify_partition_signature(NULL), ESP_FAIL);
#if defined(ESC_PORT_HAS_SECURE_BOOT_DIGESTS)
    vec_t v;
    vec_open(&v, "v13_signed_ecdsa256");
    uint8_t digests[MAX_KEYS][DIGEST_LEN];
    vector_key_digests(&v, digests);
    assert_int_equal(esp_secure_cert_host_burn_key(2, 9 /* SECURE_BOOT_DIGEST0 */, digests[0], false), ESP_OK);
    assert_int_equal(esp_secure_cert_verify_partition_signature(NULL), ESP_OK);
    esp_secure_cert_host_close();
    /* The same partition with one flipped bit. */
    img[300] ^= 0x02;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, len, &cfg), ESP_OK);
    assert_int_equal(esp_secure_cert_host_burn_key(2, 9, digests[0], false), ESP_OK);
    assert_int_equal(esp_secure_cert_verify_partition_signature(NULL), ESP_FAIL);
    vec_close(&v);
#endif
    esp_secure_cert_host_close();
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v12_rsa3072),
        cmocka_unit_test(test_v13_ecdsa256),
        cmocka_unit_test(test_v14_ecdsa384),
        cmocka_unit_test(test_v16_multi),
        cmocka_unit_test(test_v17_signature_after_ds_draws),
        cmocka_unit_test(test_v18_existing_bin),
        cmocka_unit_test(test_v19_append_integrity),
        cmocka_unit_test(test_second_pass_prefix),
        cmocka_unit_test(test_v15_ecdsa192),
        cmocka_unit_test(test_verify_signed_vectors),
        cmocka_unit_test(test_verify_rejects_tampering),
        cmocka_unit_test(test_verify_unsigned_and_uncovered),
        cmocka_unit_test(test_verify_mutations),
        cmocka_unit_test(test_sign_refusals),
        cmocka_unit_test(test_public_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
