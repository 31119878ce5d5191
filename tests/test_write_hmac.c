/*
 * The HMAC writers (src/api/write_hmac_*.c) against vectors v28-v30 and
 * OpenSSL:
 *   - HMAC encryption of v28's plaintexts with v28's eFuse key gives v28's
 *     entries byte for byte, in flash mode (both program alignments) and in
 *     buffer mode, and reads back to the plaintext;
 *   - the salt + marker pair for v29's and v30's salts gives their entries,
 *     and the read API derives their keys;
 *   - full provisioning with a pinned RNG: the draws are used as the original
 *     uses them (salt, then HMAC key), the returned public key belongs to the
 *     key the read API derives (checked by an OpenSSL signature), the eFuse
 *     holds the key, a second run is refused;
 *   - every bad input gets its documented error and leaves flash, buffer and
 *     eFuse as they were;
 *   - power cuts at every flash operation of the pair: after the reboot both
 *     entries or neither, no eFuse burn, and the retry completes.
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
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "host_efuse.h"
#include "host_flash.h"
#include "mini_json.h"
#include "test_files.h"
#include "test_write_common.h"

#define PART 8192u
#define VEC28 "v28_hmac_encrypted_priv_key"
#define VEC29 "v29_hmac_ecdsa_derived"
#define VEC30 "v30_hmac_ecdsa_derived_subtype2"
#define PURPOSE_USER 0
#define PURPOSE_XTS_AES_128 4
#define PURPOSE_HMAC_DOWN_DS 7
#define PURPOSE_HMAC_UP 8
#define SALT_TYPE ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT
#define DER_LEN 121
#define PUB_LEN 65

static uint8_t s_flash[PART];
static uint8_t s_snap[PART];

/* ---- small helpers ---- */

static void open_flash(uint32_t align)
{
    assert_int_equal(wc_open(s_flash, PART, align), ESP_OK);
}

static void blank_flash(uint32_t align)
{
    assert_int_equal(wc_open_blank(s_flash, PART, align), ESP_OK);
}

static uint8_t *vec_file(const char *vector, const char *file, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/%s", ESC_VECTORS_DIR, vector, file);
    uint8_t *d = tf_read_file(path, len);
    assert_non_null(d);
    return d;
}

typedef struct {
    long offset;
    long total;
    long type;
    long subtype;
    long flags;
    long length;
} vec_tlv_t;

/* Entry `idx` of a vector's esp_secure_cert.bin, as expected.json lists it. */
static vec_tlv_t vec_tlv(const char *vector, size_t idx)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/expected.json", ESC_VECTORS_DIR, vector);
    mj_node_t *exp = mj_parse_file(path);
    assert_non_null(exp);
    const mj_node_t *t = mj_at(mj_get(mj_get(mj_get(exp, "outputs"), "esp_secure_cert.bin"), "tlvs"), idx);
    assert_non_null(t);
    vec_tlv_t v = {
        .offset = mj_int(t, "offset", -1),
        .total = mj_int(t, "total_length", -1),
        .type = mj_int(t, "type", -1),
        .subtype = mj_int(t, "subtype", -1),
        .flags = mj_int(t, "flags", -1),
        .length = mj_int(t, "length", -1),
    };
    mj_free(exp);
    assert_true(v.offset >= 0 && v.total > 0);
    return v;
}

static void read_vec_key(const char *vector, uint8_t key[32])
{
    size_t len;
    uint8_t *k = vec_file(vector, "inputs/hmac_key.bin", &len);
    assert_int_equal(len, 32);
    memcpy(key, k, 32);
    free(k);
}

/* The vector's eFuse: its HMAC key in KEY1 with purpose HMAC_UP. */
static void burn_vec_key(const char *vector)
{
    uint8_t key[32];
    read_vec_key(vector, key);
    assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, key, true), ESP_OK);
}

static int hmac_up_block(void)
{
    for (int blk = 0; blk < 6; blk++) {
        esc_key_purpose_t p;
        if (esc_host_efuse_get_purpose(blk, &p) == ESP_OK && p == ESC_PURPOSE_HMAC_UP) {
            return blk;
        }
    }
    return -1;
}

static void assert_erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xFF) {
            fail_msg("byte %zu is 0x%02x, expected erased flash", i, p[i]);
        }
    }
}

static esp_secure_cert_tlv_info_t info_of(uint8_t type, uint8_t subtype, const void *data, size_t len, uint8_t flags)
{
    esp_secure_cert_tlv_info_t i = {
        .type = (esp_secure_cert_tlv_type_t)type,
        .subtype = (esp_secure_cert_tlv_subtype_t)subtype,
        .data = (char *)data,
        .length = (uint32_t)len,
        .flags = flags,
    };
    return i;
}

static esp_secure_cert_write_config_t buffer_cfg(uint8_t *buf, size_t size, size_t *written)
{
    esp_secure_cert_write_config_t c;
    esp_secure_cert_write_config_init(&c, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    c.buffer.buffer = buf;
    c.buffer.buffer_size = size;
    c.buffer.bytes_written = written;
    return c;
}

/* ---- pinned RNG: block i = SHA-256(seed_be32 || i_be32) ---- */

typedef struct {
    uint32_t seed;
    uint32_t counter;
    uint8_t block[32];
    size_t used;
    bool fail;
} test_rng_t;

static test_rng_t s_rng;

static void rng_take(test_rng_t *r, uint8_t *out, size_t len)
{
    while (len > 0) {
        if (r->used == sizeof(r->block)) {
            uint8_t in[8] = {(uint8_t)(r->seed >> 24), (uint8_t)(r->seed >> 16), (uint8_t)(r->seed >> 8),
                             (uint8_t)r->seed, (uint8_t)(r->counter >> 24), (uint8_t)(r->counter >> 16),
                             (uint8_t)(r->counter >> 8), (uint8_t)r->counter};
            SHA256(in, sizeof(in), r->block);
            r->counter++;
            r->used = 0;
        }
        size_t n = sizeof(r->block) - r->used;
        n = n < len ? n : len;
        memcpy(out, r->block + r->used, n);
        r->used += n;
        out += n;
        len -= n;
    }
}

static esp_err_t rng_fn(void *ctx, void *buf, size_t len)
{
    test_rng_t *r = ctx;
    if (r->fail) {
        return ESP_FAIL;
    }
    rng_take(r, buf, len);
    return ESP_OK;
}

static void rng_pin(uint32_t seed)
{
    memset(&s_rng, 0, sizeof(s_rng));
    s_rng.seed = seed;
    s_rng.used = sizeof(s_rng.block);
    esp_secure_cert_host_set_rng(rng_fn, &s_rng);
}

/* The first `len` bytes the pinned RNG gives for `seed`. */
static void rng_expect(uint32_t seed, uint8_t *out, size_t len)
{
    test_rng_t r = {.seed = seed, .used = sizeof(r.block)};
    rng_take(&r, out, len);
}

static int teardown(void **state)
{
    (void)state;
    esp_secure_cert_host_set_rng(NULL, NULL);
    esp_secure_cert_host_close();
    return 0;
}

/* ---- OpenSSL checks ---- */

/* The public key of a SEC1 DER private key, and a signature made with that
 * key verifies under `pub` alone: pub really is d*G. */
static void assert_pub_of_der(const uint8_t *der, size_t der_len, const uint8_t pub[PUB_LEN])
{
    const unsigned char *p = der;
    EVP_PKEY *priv = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)der_len);
    assert_non_null(priv);
    uint8_t embedded[PUB_LEN];
    size_t emb_len = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(priv, OSSL_PKEY_PARAM_PUB_KEY, embedded, sizeof(embedded),
                                                     &emb_len),
                     1);
    assert_int_equal(emb_len, PUB_LEN);
    assert_memory_equal(embedded, pub, PUB_LEN);

    char group[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, PUB_LEN),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    assert_non_null(pctx);
    EVP_PKEY *pubkey = NULL;
    assert_int_equal(EVP_PKEY_fromdata_init(pctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(pctx, &pubkey, EVP_PKEY_PUBLIC_KEY, params), 1);
    EVP_PKEY_CTX_free(pctx);

    static const uint8_t msg[] = "esp-secure-cert HMAC-derived key";
    uint8_t sig[128];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, priv), 1);
    assert_int_equal(EVP_DigestSign(m, sig, &sig_len, msg, sizeof(msg)), 1);
    EVP_MD_CTX_free(m);
    m = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, pubkey), 1);
    assert_int_equal(EVP_DigestVerify(m, sig, sig_len, msg, sizeof(msg)), 1);
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(pubkey);
    EVP_PKEY_free(priv);
}

/* The private scalar of a SEC1 DER key. */
static void der_scalar(const uint8_t *der, size_t der_len, uint8_t d[32])
{
    const unsigned char *p = der;
    EVP_PKEY *priv = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)der_len);
    assert_non_null(priv);
    BIGNUM *bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(priv, OSSL_PKEY_PARAM_PRIV_KEY, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, d, 32), 32);
    BN_clear_free(bn);
    EVP_PKEY_free(priv);
}

/* Decrypt a stored ciphertext||tag with OpenSSL, the key and IV computed
 * from the scheme's definition (tests/vectors/README.md). */
static void openssl_decrypt(const uint8_t hmac_key[32], const uint8_t *stored, size_t stored_len, uint8_t *plain)
{
    uint8_t msg[32], aes_key[32], mac[32];
    unsigned int mac_len = 0;
    memset(msg, 0xFF, sizeof(msg));
    assert_non_null(HMAC(EVP_sha256(), hmac_key, 32, msg, sizeof(msg), aes_key, &mac_len));
    for (size_t i = 0; i < sizeof(msg); i += 4) {
        msg[i] = 0xCD;
        msg[i + 1] = 0xAB;
        msg[i + 2] = 0xCD;
        msg[i + 3] = 0xAB;
    }
    assert_non_null(HMAC(EVP_sha256(), hmac_key, 32, msg, sizeof(msg), mac, &mac_len));
    size_t len = stored_len - 16;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int out = 0;
    assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL), 1);
    assert_int_equal(EVP_DecryptInit_ex(c, NULL, NULL, aes_key, mac), 1);
    assert_int_equal(EVP_DecryptUpdate(c, plain, &out, stored, (int)len), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(stored + len)), 1);
    int fin = 0;
    assert_int_equal(EVP_DecryptFinal_ex(c, plain + out, &fin), 1);
    EVP_CIPHER_CTX_free(c);
}

/* ---- HMAC encryption ---- */

/* v28's partition up to its first encrypted entry, in s_flash. */
static long load_v28_prefix(uint32_t align)
{
    size_t len;
    uint8_t *img = vec_file(VEC28, "outputs/esp_secure_cert.bin", &len);
    vec_tlv_t pk = vec_tlv(VEC28, 2);
    assert_int_equal(pk.type, ESP_SECURE_CERT_PRIV_KEY_TLV);
    memset(s_flash, 0xFF, PART);
    memcpy(s_flash, img, (size_t)pk.offset);
    free(img);
    open_flash(align);
    return pk.offset;
}

/* Encrypt v28's two plaintexts with `cfg`. */
static void append_v28_plaintexts(const esp_secure_cert_write_config_t *cfg)
{
    size_t pem_len, ud_len;
    uint8_t *pem = vec_file(VEC28, "outputs/priv_key.pem", &pem_len);
    uint8_t *ud = vec_file(VEC28, "outputs/user_data_1.bin", &ud_len);
    esp_secure_cert_tlv_info_t a = info_of(ESP_SECURE_CERT_PRIV_KEY_TLV, 0, pem, pem_len, 0);
    esp_secure_cert_tlv_info_t b = info_of(ESP_SECURE_CERT_USER_DATA_1, 0, ud, ud_len, 0);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&a, cfg), ESP_OK);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&b, cfg), ESP_OK);
    free(pem);
    free(ud);
}

/* img holds v28's partition exactly: the two entries we encrypted sit at
 * expected.json's offsets with its bytes, and nothing follows. */
static void assert_is_v28(const uint8_t *img, size_t img_size)
{
    size_t len;
    uint8_t *want = vec_file(VEC28, "outputs/esp_secure_cert.bin", &len);
    for (size_t i = 2; i <= 3; i++) {
        vec_tlv_t t = vec_tlv(VEC28, i);
        assert_int_equal(t.flags, 0x80);
        assert_true((size_t)(t.offset + t.total) <= img_size);
        assert_memory_equal(img + t.offset, want + t.offset, (size_t)t.total);
    }
    assert_memory_equal(img, want, len);
    assert_erased(img + len, img_size - len);
    free(want);
}

static void assert_v28_reads_back(void)
{
    size_t pem_len, ud_len;
    uint8_t *pem = vec_file(VEC28, "outputs/priv_key.pem", &pem_len);
    uint8_t *ud = vec_file(VEC28, "outputs/user_data_1.bin", &ud_len);
    char *key = NULL;
    uint32_t key_len = 0;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &key_len), ESP_OK);
    assert_int_equal(key_len, pem_len);
    assert_memory_equal(key, pem, pem_len);
    esp_secure_cert_free_priv_key(key);
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_USER_DATA_1, .subtype = ESP_SECURE_CERT_SUBTYPE_0};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&cfg, &info), ESP_OK);
    assert_int_equal(info.flags, 0x80);
    assert_int_equal(info.length, ud_len);
    assert_memory_equal(info.data, ud, ud_len);
    esp_secure_cert_free_tlv_info(&info);
    free(pem);
    free(ud);
}

static void test_encrypt_flash_matches_v28(void **state)
{
    (void)state;
    static const uint32_t aligns[] = {1, 16};
    for (size_t a = 0; a < 2; a++) {
        load_v28_prefix(aligns[a]);
        burn_vec_key(VEC28);
        append_v28_plaintexts(NULL);
        assert_is_v28(s_flash, PART);
        assert_v28_reads_back();
        esp_secure_cert_host_close();
    }
}

static void test_encrypt_buffer_matches_flash(void **state)
{
    (void)state;
    /* Flash mode first, as the reference. */
    load_v28_prefix(1);
    burn_vec_key(VEC28);
    append_v28_plaintexts(NULL);
    memcpy(s_snap, s_flash, PART);
    esp_secure_cert_host_close();

    /* Buffer mode: the eFuse comes from the open (blank) partition. */
    blank_flash(1);
    burn_vec_key(VEC28);
    size_t len;
    uint8_t *img = vec_file(VEC28, "outputs/esp_secure_cert.bin", &len);
    long prefix = vec_tlv(VEC28, 2).offset;
    static uint8_t buf[PART];
    memset(buf, 0xFF, sizeof(buf));
    memcpy(buf, img, (size_t)prefix);
    size_t written = (size_t)prefix;
    esp_secure_cert_write_config_t cfg = buffer_cfg(buf, sizeof(buf), &written);
    append_v28_plaintexts(&cfg);
    assert_int_equal(written, len);
    assert_memory_equal(buf, s_snap, PART);
    assert_is_v28(buf, sizeof(buf));
    /* The open flash itself was not touched. */
    assert_erased(s_flash, PART);
    free(img);
}

static void test_encrypt_lengths(void **state)
{
    (void)state;
    uint8_t key[32];
    read_vec_key(VEC28, key);
    blank_flash(1);
    burn_vec_key(VEC28);

    /* Empty plaintext: a tag-only entry that reads back as empty. */
    esp_secure_cert_tlv_info_t e = info_of(ESP_SECURE_CERT_USER_DATA_2, 3, NULL, 0, 0);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&e, NULL), ESP_OK);
    esc_tlv_entry_t ent;
    assert_int_equal(esc_tlv_find(s_flash, PART, ESP_SECURE_CERT_USER_DATA_2, 3, &ent), ESC_TLV_OK);
    assert_int_equal(ent.length, 16);
    assert_int_equal(ent.flags, 0x80);
    esp_secure_cert_tlv_config_t c = {.type = ESP_SECURE_CERT_USER_DATA_2, .subtype = 3};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
    assert_int_equal(info.length, 0);
    esp_secure_cert_free_tlv_info(&info);

    /* Other flag bits are kept beside 0x80. */
    static const uint8_t small[5] = {1, 2, 3, 4, 5};
    e = info_of(ESP_SECURE_CERT_USER_DATA_3, 0, small, sizeof(small), 0x08);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&e, NULL), ESP_OK);
    assert_int_equal(esc_tlv_find(s_flash, PART, ESP_SECURE_CERT_USER_DATA_3, 0, &ent), ESC_TLV_OK);
    assert_int_equal(ent.flags, 0x88);
    uint8_t plain[5];
    openssl_decrypt(key, s_flash + ent.data_offset, ent.length, plain);
    assert_memory_equal(plain, small, sizeof(small));

    /* The largest plaintext (65535 - 16), in a buffer: OpenSSL decrypts it. */
    size_t max = 0xFFFFu - 16u;
    size_t cap = 0x10000u + 64u;
    uint8_t *big = malloc(max + 1);
    uint8_t *buf = malloc(cap);
    uint8_t *back = malloc(max);
    assert_true(big != NULL && buf != NULL && back != NULL);
    wc_fill(big, max + 1, 77);
    memset(buf, 0xFF, cap);
    size_t written = 0;
    esp_secure_cert_write_config_t bc = buffer_cfg(buf, cap, &written);
    e = info_of(ESP_SECURE_CERT_USER_DATA_4, 0, big, max + 1, 0);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&e, &bc), ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH);
    assert_int_equal(written, 0);
    assert_erased(buf, cap);
    e.length = (uint32_t)max;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&e, &bc), ESP_OK);
    assert_int_equal(esc_tlv_decode(buf, cap, 0, &ent), ESC_TLV_OK);
    assert_true(ent.crc_ok);
    assert_int_equal(ent.length, 0xFFFF);
    assert_int_equal(written, ent.total_len);
    openssl_decrypt(key, buf + ent.data_offset, ent.length, back);
    assert_memory_equal(back, big, max);
    free(big);
    free(buf);
    free(back);
}

static void test_encrypt_bad_input(void **state)
{
    (void)state;
    static const uint8_t data[40] = {9};
    esp_secure_cert_tlv_info_t ok = info_of(ESP_SECURE_CERT_USER_DATA_1, 0, data, sizeof(data), 0);
    esp_secure_cert_tlv_info_t i;

    /* No eFuse key at all, then the key with another purpose. */
    blank_flash(1);
    wc_entry_t base = {ESP_SECURE_CERT_CA_CERT_TLV, 0, 0, 100, 1};
    assert_int_equal(wc_append(&base, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&ok, NULL),
                     ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND);
    uint8_t key[32];
    read_vec_key(VEC28, key);
    assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_DOWN_DS, key, true), ESP_OK);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&ok, NULL),
                     ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND);
    assert_memory_equal(s_flash, s_snap, PART);
    assert_int_equal(esp_secure_cert_host_burn_key(2, PURPOSE_HMAC_UP, key, true), ESP_OK);

    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(NULL, NULL), ESP_ERR_INVALID_ARG);
    i = ok;
    i.data = NULL;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_DATA);
    i = ok;
    i.type = ESP_SECURE_CERT_TLV_END;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    i = ok;
    i.type = ESP_SECURE_CERT_TLV_MAX;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    i = ok;
    i.subtype = (esp_secure_cert_tlv_subtype_t)255;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    i = ok;
    i.length = 0x10000;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL),
                     ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH);
    i = ok;
    i.flags = 0x40;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_INVALID_ARG);
    esp_secure_cert_write_config_t bad;
    esp_secure_cert_write_config_init(&bad, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    bad.mode = (esp_secure_cert_write_mode_t)7;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&ok, &bad),
                     ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE);
    esp_secure_cert_write_config_init(&bad, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    bad.reserved[0] = 1;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&ok, &bad), ESP_ERR_INVALID_ARG);
    /* The (type, subtype) of an entry already there. */
    i = ok;
    i.type = ESP_SECURE_CERT_CA_CERT_TLV;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL),
                     ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_memory_equal(s_flash, s_snap, PART);

    /* Partition full. */
    static uint8_t huge[8100];
    i = info_of(ESP_SECURE_CERT_USER_DATA_5, 0, huge, sizeof(huge), 0);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&i, NULL), ESP_ERR_INVALID_SIZE);
    assert_memory_equal(s_flash, s_snap, PART);

    /* Buffer too small: the buffer stays as it was. */
    uint8_t buf[64];
    memset(buf, 0xFF, sizeof(buf));
    size_t written = 0;
    esp_secure_cert_write_config_t bc = buffer_cfg(buf, sizeof(buf), &written);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_encryption(&ok, &bc), ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW);
    assert_erased(buf, sizeof(buf));
    assert_int_equal(written, 0);
    assert_memory_equal(s_flash, s_snap, PART);
}

/* Encrypted under one chip's key, the entry does not open on another. */
static void test_encrypt_wrong_key(void **state)
{
    (void)state;
    uint8_t other[32];
    memset(other, 0x5A, sizeof(other));
    load_v28_prefix(1);
    assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, other, true), ESP_OK);
    append_v28_plaintexts(NULL);
    size_t len;
    uint8_t *want = vec_file(VEC28, "outputs/esp_secure_cert.bin", &len);
    vec_tlv_t pk = vec_tlv(VEC28, 2);
    assert_memory_not_equal(s_flash + pk.offset, want + pk.offset, (size_t)pk.total);
    free(want);
    esp_secure_cert_host_close();

    open_flash(1);
    burn_vec_key(VEC28);
    char *key = (char *)0x1;
    uint32_t key_len = 77;
    assert_int_equal(esp_secure_cert_get_priv_key(&key, &key_len), ESP_ERR_INVALID_MAC);
    assert_ptr_equal(key, (char *)0x1);
    esp_secure_cert_host_close();

    open_flash(1);
    assert_int_equal(esp_secure_cert_host_burn_key(3, PURPOSE_HMAC_UP, other, true), ESP_OK);
    assert_v28_reads_back();
}

/*
 * The scheme's known weakness, kept for compatibility (docs/hmac-write.md):
 * both entries share one keystream, so the PEM header of the key, which
 * everyone knows, unmasks the start of the user data.
 */
static void test_encrypt_keystream_is_shared(void **state)
{
    (void)state;
    load_v28_prefix(1);
    burn_vec_key(VEC28);
    append_v28_plaintexts(NULL);
    size_t ud_len;
    uint8_t *ud = vec_file(VEC28, "outputs/user_data_1.bin", &ud_len);
    static const char header[] = "-----BEGIN EC PRIVATE KEY-----";
    assert_true(ud_len <= sizeof(header) - 1);
    esc_tlv_entry_t pk, u;
    assert_int_equal(esc_tlv_find(s_flash, PART, ESP_SECURE_CERT_PRIV_KEY_TLV, 0, &pk), ESC_TLV_OK);
    assert_int_equal(esc_tlv_find(s_flash, PART, ESP_SECURE_CERT_USER_DATA_1, 0, &u), ESC_TLV_OK);
    uint8_t got[64];
    for (size_t i = 0; i < ud_len; i++) {
        got[i] = (uint8_t)(s_flash[u.data_offset + i] ^ s_flash[pk.data_offset + i] ^ (uint8_t)header[i]);
    }
    assert_memory_equal(got, ud, ud_len);
    free(ud);
}

/* ---- salt + marker ---- */

typedef struct {
    const char *vector;
    size_t salt_idx; /* index of the salt entry in expected.json */
    const char *der_file;
} deriv_vec_t;

static const deriv_vec_t s_deriv_vecs[] = {
    {VEC29, 2, "outputs/derived_priv_key.der"},
    {VEC30, 1, "outputs/derived_priv_key_subtype2.der"},
};

/* The vector's salt bytes and subtype; s_flash gets its prefix (if open). */
static uint8_t *deriv_salt(const deriv_vec_t *v, uint8_t *img_out, size_t *salt_len, uint8_t *subtype,
                           size_t *img_len)
{
    uint8_t *img = vec_file(v->vector, "outputs/esp_secure_cert.bin", img_len);
    vec_tlv_t s = vec_tlv(v->vector, v->salt_idx);
    vec_tlv_t m = vec_tlv(v->vector, v->salt_idx + 1);
    assert_int_equal(s.type, SALT_TYPE);
    assert_int_equal(m.type, ESP_SECURE_CERT_PRIV_KEY_TLV);
    assert_int_equal(m.flags, 0x40);
    assert_int_equal(m.length, 0);
    assert_int_equal(m.subtype, s.subtype);
    *salt_len = (size_t)s.length;
    *subtype = (uint8_t)s.subtype;
    uint8_t *salt = malloc(*salt_len);
    assert_non_null(salt);
    memcpy(salt, img + s.offset + 12, *salt_len);
    memset(img_out, 0xFF, PART);
    memcpy(img_out, img, (size_t)s.offset);
    free(img);
    return salt;
}

static void assert_derives(const deriv_vec_t *v, uint8_t subtype)
{
    size_t der_len;
    uint8_t *der = vec_file(v->vector, v->der_file, &der_len);
    esp_secure_cert_tlv_config_t c = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV,
                                      .subtype = (esp_secure_cert_tlv_subtype_t)subtype};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
    assert_int_equal(info.length, der_len);
    assert_memory_equal(info.data, der, der_len);
    esp_secure_cert_free_tlv_info(&info);
    if (subtype == 0) {
        char *key;
        uint32_t key_len;
        assert_int_equal(esp_secure_cert_get_priv_key(&key, &key_len), ESP_OK);
        assert_int_equal(key_len, der_len);
        assert_memory_equal(key, der, der_len);
        esp_secure_cert_free_priv_key(key);
    }
    free(der);
}

static void test_derivation_matches_vectors(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof(s_deriv_vecs) / sizeof(s_deriv_vecs[0]); n++) {
        const deriv_vec_t *v = &s_deriv_vecs[n];
        for (uint32_t align = 1; align <= 16; align += 15) {
            size_t salt_len, img_len;
            uint8_t subtype;
            uint8_t *salt = deriv_salt(v, s_flash, &salt_len, &subtype, &img_len);
            open_flash(align);
            burn_vec_key(v->vector);
            assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(
                                 salt, salt_len, (esp_secure_cert_tlv_subtype_t)subtype, NULL),
                             ESP_OK);
            size_t len;
            uint8_t *want = vec_file(v->vector, "outputs/esp_secure_cert.bin", &len);
            assert_memory_equal(s_flash, want, len);
            assert_erased(s_flash + len, PART - len);
            assert_derives(v, subtype);
            memcpy(s_snap, s_flash, PART);
            esp_secure_cert_host_close();

            /* Buffer mode gives the same image. */
            static uint8_t buf[PART];
            free(deriv_salt(v, buf, &salt_len, &subtype, &img_len));
            blank_flash(1);
            burn_vec_key(v->vector);
            esp_secure_cert_write_config_t bc = buffer_cfg(buf, sizeof(buf), NULL);
            assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(
                                 salt, salt_len, (esp_secure_cert_tlv_subtype_t)subtype, &bc),
                             ESP_OK);
            assert_memory_equal(buf, s_snap, PART);
            assert_erased(s_flash, PART);
            esp_secure_cert_host_close();
            free(want);
            free(salt);
        }
    }
}

static void test_derivation_bad_input(void **state)
{
    (void)state;
    uint8_t salt[32];
    memset(salt, 0x33, sizeof(salt));
    blank_flash(1);
    wc_entry_t base = {ESP_SECURE_CERT_CA_CERT_TLV, 0, 0, 64, 2};
    assert_int_equal(wc_append(&base, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);

    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 0, NULL),
                     ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND);
    burn_vec_key(VEC29);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(NULL, 32, 0, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, 0, 0, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, 15, 0, NULL), ESP_ERR_INVALID_ARG);
    uint8_t *big = calloc(1, 0x10000);
    assert_non_null(big);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(big, 0x10000, 0, NULL),
                     ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH);
    free(big);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(
                         salt, sizeof(salt), (esp_secure_cert_tlv_subtype_t)255, NULL),
                     ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    esp_secure_cert_write_config_t bad;
    esp_secure_cert_write_config_init(&bad, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    bad.mode = (esp_secure_cert_write_mode_t)3;
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 0, &bad),
                     ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE);
    assert_memory_equal(s_flash, s_snap, PART);

    /* A salt of this subtype already there: the marker is not written
     * either (the original would have failed between the two). */
    wc_entry_t old_salt = {SALT_TYPE, 4, 0, 32, 3};
    assert_int_equal(wc_append(&old_salt, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 4, NULL),
                     ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_memory_equal(s_flash, s_snap, PART);
    /* A plain private key of this subtype: the salt is not written. */
    wc_entry_t plain = {ESP_SECURE_CERT_PRIV_KEY_TLV, 6, 0, 40, 4};
    assert_int_equal(wc_append(&plain, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 6, NULL),
                     ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_memory_equal(s_flash, s_snap, PART);
    /* The shortest accepted salt. */
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, 16, 1, NULL), ESP_OK);
}

/* ---- full provisioning ---- */

/* After a run: the partition's salt and marker for `subtype`, the key the
 * read API derives, and its public key equal to pub. Returns the salt. */
static void assert_provisioned(uint8_t subtype, const uint8_t pub[PUB_LEN], uint8_t salt_out[32])
{
    esc_tlv_entry_t s, m;
    assert_int_equal(esc_tlv_find(s_flash, PART, SALT_TYPE, subtype, &s), ESC_TLV_OK);
    assert_int_equal(esc_tlv_find(s_flash, PART, ESP_SECURE_CERT_PRIV_KEY_TLV, subtype, &m), ESC_TLV_OK);
    assert_int_equal(s.length, 32);
    assert_int_equal(s.flags, 0);
    assert_int_equal(m.length, 0);
    assert_int_equal(m.flags, 0x40);
    /* One batch: the marker directly follows the salt. */
    assert_int_equal(m.offset, s.offset + s.total_len);
    memcpy(salt_out, s_flash + s.data_offset, 32);
    esp_secure_cert_tlv_config_t c = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV,
                                      .subtype = (esp_secure_cert_tlv_subtype_t)subtype};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
    assert_int_equal(info.length, DER_LEN);
    assert_pub_of_der((const uint8_t *)info.data, info.length, pub);
    esp_secure_cert_free_tlv_info(&info);
}

static void test_derive_key_pinned_rng(void **state)
{
    (void)state;
    blank_flash(1);
    wc_entry_t base = {ESP_SECURE_CERT_CA_CERT_TLV, 0, 0, 200, 5};
    assert_int_equal(wc_append(&base, NULL), ESP_OK);
    rng_pin(1234);
    uint8_t pub[80];
    memset(pub, 0xEE, sizeof(pub));
    size_t pub_len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &pub_len, ESP_SECURE_CERT_SUBTYPE_0, NULL), ESP_OK);
    assert_int_equal(pub_len, PUB_LEN);
    assert_int_equal(pub[0], 0x04);
    assert_int_equal(pub[PUB_LEN], 0xEE);
    uint8_t salt[32];
    assert_provisioned(0, pub, salt);

    /* The draws as the original makes them: 32 bytes of salt, then the
     * 32-byte HMAC key; d = PBKDF2-HMAC-SHA256(key, salt, 2048) (OpenSSL). */
    uint8_t stream[64];
    rng_expect(1234, stream, sizeof(stream));
    assert_memory_equal(salt, stream, 32);
    uint8_t want_d[32], got_d[32];
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)stream + 32, 32, stream, 32, 2048, EVP_sha256(), 32, want_d), 1);
    char *der;
    uint32_t der_len;
    assert_int_equal(esp_secure_cert_get_priv_key(&der, &der_len), ESP_OK);
    der_scalar((const uint8_t *)der, der_len, got_d);
    assert_memory_equal(got_d, want_d, 32);
    esp_secure_cert_key_type_t type;
    assert_int_equal(esp_secure_cert_get_priv_key_type(&type), ESP_OK);
    assert_int_equal(type, ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY);
    esp_secure_cert_free_priv_key(der);

    /* The eFuse: the first unused block, HMAC_UP, read-protected. */
    assert_int_equal(hmac_up_block(), 0);
    assert_true(esc_host_efuse_is_read_protected(0));

    /* A second run, even for another subtype, is refused and changes nothing. */
    memcpy(s_snap, s_flash, PART);
    pub_len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &pub_len, ESP_SECURE_CERT_SUBTYPE_1, NULL),
                     ESP_ERR_SECURE_CERT_HMAC_KEY_ALREADY_EXISTS);
    assert_memory_equal(s_flash, s_snap, PART);
    for (int blk = 1; blk < 6; blk++) {
        assert_true(esc_host_efuse_block_unused(blk));
    }
    /* Without a public key buffer it works too (as in the original). */
    esp_secure_cert_host_close();
    blank_flash(16);
    rng_pin(99);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(NULL, NULL, ESP_SECURE_CERT_SUBTYPE_2, NULL), ESP_OK);
    assert_int_equal(hmac_up_block(), 0);
    esc_tlv_entry_t s;
    assert_int_equal(esc_tlv_find(s_flash, PART, SALT_TYPE, 2, &s), ESC_TLV_OK);
}

static void test_derive_key_buffer_mode(void **state)
{
    (void)state;
    /* Flash mode, as the reference. */
    blank_flash(1);
    rng_pin(42);
    uint8_t pub_f[PUB_LEN], pub_b[PUB_LEN];
    size_t len = sizeof(pub_f);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub_f, &len, ESP_SECURE_CERT_SUBTYPE_3, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    esp_secure_cert_host_close();

    /* Buffer mode on a fresh chip: same draws, same bytes, same key. */
    blank_flash(1);
    rng_pin(42);
    static uint8_t buf[PART];
    memset(buf, 0xFF, sizeof(buf));
    size_t written = 0;
    esp_secure_cert_write_config_t bc = buffer_cfg(buf, sizeof(buf), &written);
    len = sizeof(pub_b);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub_b, &len, ESP_SECURE_CERT_SUBTYPE_3, &bc), ESP_OK);
    assert_memory_equal(buf, s_snap, PART);
    assert_memory_equal(pub_b, pub_f, PUB_LEN);
    assert_int_equal(written, 48 + 16);
    assert_erased(s_flash, PART);
    assert_int_equal(hmac_up_block(), 0);
    /* The buffer image, once in flash, derives the key of pub. */
    memcpy(s_flash, buf, PART);
    uint8_t salt[32];
    assert_provisioned(3, pub_b, salt);
}

/* The eFuse key and the HMAC peripheral are the chip's: in buffer mode every
 * HMAC writer works with no partition at all, as in the original. */
static void test_buffer_mode_without_partition(void **state)
{
    (void)state;
    static uint8_t buf[PART];
    size_t len;

    /* Encryption: v28's entries, byte for byte. */
    esp_secure_cert_host_close();
    burn_vec_key(VEC28);
    uint8_t *img = vec_file(VEC28, "outputs/esp_secure_cert.bin", &len);
    long prefix = vec_tlv(VEC28, 2).offset;
    memset(buf, 0xFF, sizeof(buf));
    memcpy(buf, img, (size_t)prefix);
    size_t written = (size_t)prefix;
    esp_secure_cert_write_config_t cfg = buffer_cfg(buf, sizeof(buf), &written);
    append_v28_plaintexts(&cfg);
    assert_int_equal(written, len);
    assert_is_v28(buf, sizeof(buf));
    free(img);

    /* Salt and marker: v29's entries. */
    esp_secure_cert_host_close();
    burn_vec_key(VEC29);
    size_t salt_len, img_len;
    uint8_t subtype;
    uint8_t *salt = deriv_salt(&s_deriv_vecs[0], buf, &salt_len, &subtype, &img_len);
    cfg = buffer_cfg(buf, sizeof(buf), NULL);
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(
                         salt, salt_len, (esp_secure_cert_tlv_subtype_t)subtype, &cfg),
                     ESP_OK);
    uint8_t *want = vec_file(VEC29, "outputs/esp_secure_cert.bin", &len);
    assert_memory_equal(buf, want, len);
    assert_erased(buf + len, PART - len);
    free(want);
    free(salt);

    /* Full provisioning: flash mode needs the partition and touches nothing
     * without it; buffer mode burns the key and fills the buffer. */
    esp_secure_cert_host_close();
    rng_pin(77);
    uint8_t pub[PUB_LEN];
    size_t pub_len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &pub_len, ESP_SECURE_CERT_SUBTYPE_0, NULL),
                     ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND);
    assert_int_equal(hmac_up_block(), -1);
    memset(buf, 0xFF, sizeof(buf));
    cfg = buffer_cfg(buf, sizeof(buf), NULL);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &pub_len, ESP_SECURE_CERT_SUBTYPE_0, &cfg), ESP_OK);
    assert_int_equal(hmac_up_block(), 0);
    /* The draws: salt, then HMAC key; d = PBKDF2(key, salt, 2048) (OpenSSL). */
    uint8_t stream[64], want_d[32], got_d[32];
    rng_expect(77, stream, sizeof(stream));
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)stream + 32, 32, stream, 32, 2048, EVP_sha256(), 32, want_d), 1);
    /* The buffer, as a partition on a chip with that key, derives d, whose
     * public key is the one returned. */
    esp_secure_cert_host_config_t hc = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    hc.partition_offset = 0;
    assert_int_equal(esp_secure_cert_host_open_buffer(buf, sizeof(buf), &hc), ESP_OK);
    assert_int_equal(esp_secure_cert_host_burn_key(0, PURPOSE_HMAC_UP, stream + 32, true), ESP_OK);
    char *der;
    uint32_t der_len;
    assert_int_equal(esp_secure_cert_get_priv_key(&der, &der_len), ESP_OK);
    der_scalar((const uint8_t *)der, der_len, got_d);
    assert_memory_equal(got_d, want_d, 32);
    assert_pub_of_der((const uint8_t *)der, der_len, pub);
    esp_secure_cert_free_priv_key(der);
}

/* Flash and eFuse exactly as in the snapshot / blank. */
static void assert_untouched(void)
{
    assert_memory_equal(s_flash, s_snap, PART);
    assert_int_equal(hmac_up_block(), -1);
    for (int blk = 0; blk < 6; blk++) {
        assert_true(esc_host_efuse_block_unused(blk));
    }
}

static void test_derive_key_bad_input(void **state)
{
    (void)state;
    uint8_t pub[PUB_LEN];
    size_t len;
    blank_flash(1);
    wc_entry_t base = {ESP_SECURE_CERT_DEV_CERT_TLV, 0, 0, 300, 6};
    wc_entry_t plain = {ESP_SECURE_CERT_PRIV_KEY_TLV, 0, 0, 121, 7};
    assert_int_equal(wc_append(&base, NULL), ESP_OK);
    assert_int_equal(wc_append(&plain, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    rng_pin(5);

    len = PUB_LEN - 1;
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL), ESP_ERR_INVALID_SIZE);
    assert_int_equal(len, PUB_LEN - 1);
    len = PUB_LEN;
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(NULL, &len, 1, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, NULL, 1, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, (esp_secure_cert_tlv_subtype_t)255, NULL),
                     ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    esp_secure_cert_write_config_t bad;
    esp_secure_cert_write_config_init(&bad, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    bad.mode = (esp_secure_cert_write_mode_t)9;
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, &bad),
                     ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE);
    /* Subtype 0 holds a plain key: refused before any burn. */
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 0, NULL),
                     ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_untouched();
    /* The RNG fails. */
    s_rng.fail = true;
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL),
                     ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED);
    s_rng.fail = false;
    assert_untouched();
    /* Partition too full for the pair. */
    wc_entry_t filler = {ESP_SECURE_CERT_USER_DATA_1, 0, 0, 7664 /* leaves 48 bytes: the pair needs 64 */, 8};
    assert_int_equal(wc_append(&filler, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL), ESP_ERR_INVALID_SIZE);
    assert_untouched();
    /* Buffer too small. */
    uint8_t buf[48];
    memset(buf, 0xFF, sizeof(buf));
    esp_secure_cert_write_config_t bc = buffer_cfg(buf, sizeof(buf), NULL);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, &bc), ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW);
    assert_erased(buf, sizeof(buf));
    assert_untouched();
    esp_secure_cert_host_close();

    /* No key block left with purpose USER. */
    blank_flash(1);
    memcpy(s_snap, s_flash, PART);
    uint8_t k[32];
    for (int blk = 0; blk < 6; blk++) {
        memset(k, blk + 1, sizeof(k));
        assert_int_equal(esp_secure_cert_host_burn_key(blk, PURPOSE_XTS_AES_128, k, true), ESP_OK);
    }
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL),
                     ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED);
    assert_memory_equal(s_flash, s_snap, PART);
    assert_int_equal(hmac_up_block(), -1);
}

/*
 * A run that stopped after its entries (power cut, or a burn that failed)
 * is finished by the next run with the salt already stored.
 */
static void test_derive_key_resumes(void **state)
{
    (void)state;
    /* Blocks that say USER but already hold data: the pre-check cannot
     * tell, so the entries are written and the burn fails. */
    blank_flash(1);
    uint8_t k[32];
    for (int blk = 0; blk < 6; blk++) {
        memset(k, 0xA0 + blk, sizeof(k));
        assert_int_equal(esp_secure_cert_host_burn_key(blk, PURPOSE_USER, k, false), ESP_OK);
    }
    rng_pin(7);
    uint8_t pub[PUB_LEN];
    size_t len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 0, NULL),
                     ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED);
    assert_int_equal(hmac_up_block(), -1);
    uint8_t salt7[32];
    rng_expect(7, salt7, sizeof(salt7));
    esc_tlv_entry_t s;
    assert_int_equal(esc_tlv_find(s_flash, PART, SALT_TYPE, 0, &s), ESC_TLV_OK);
    assert_memory_equal(s_flash + s.data_offset, salt7, 32);
    memcpy(s_snap, s_flash, PART);
    esp_secure_cert_host_close();

    /* The same partition on a chip with free blocks ("after the fix"): the
     * next run keeps the stored salt and writes nothing more. */
    open_flash(1);
    rng_pin(8);
    len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 0, NULL), ESP_OK);
    assert_memory_equal(s_flash, s_snap, PART);
    assert_int_equal(hmac_up_block(), 0);
    uint8_t salt[32];
    assert_provisioned(0, pub, salt);
    assert_memory_equal(salt, salt7, 32);
    /* The key is seed 8's first draw (no salt drawn). */
    uint8_t stream[32], want_d[32], got_d[32];
    rng_expect(8, stream, sizeof(stream));
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)stream, 32, salt7, 32, 2048, EVP_sha256(), 32, want_d), 1);
    char *der;
    uint32_t der_len;
    assert_int_equal(esp_secure_cert_get_priv_key(&der, &der_len), ESP_OK);
    der_scalar((const uint8_t *)der, der_len, got_d);
    assert_memory_equal(got_d, want_d, 32);
    esp_secure_cert_free_priv_key(der);
    esp_secure_cert_host_close();

    /* A pair written by the plain batch API (e.g. a factory image) is
     * resumed the same way. */
    blank_flash(16);
    uint8_t salt20[20];
    memset(salt20, 0x20, sizeof(salt20));
    esp_secure_cert_tlv_info_t pair[2] = {
        info_of(SALT_TYPE, 5, salt20, sizeof(salt20), 0),
        info_of(ESP_SECURE_CERT_PRIV_KEY_TLV, 5, NULL, 0, 0x40),
    };
    assert_int_equal(esp_secure_cert_append_tlv_batch(pair, 2, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 5, NULL), ESP_OK);
    assert_memory_equal(s_flash, s_snap, PART);
    esp_secure_cert_tlv_config_t c = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV, .subtype = 5};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
    assert_pub_of_der((const uint8_t *)info.data, info.length, pub);
    esp_secure_cert_free_tlv_info(&info);
}

/* ---- power cuts ---- */

typedef struct {
    uint32_t cuts;
    uint32_t committed;     /* the pair was complete after the cut */
    uint32_t needed_erase;  /* the retry answered FLASH_NOT_ERASED */
    uint32_t rolled_forward; /* not visible after the cut, completed by the retry's tail repair */
    uint32_t orig_differs;  /* the original's lookup saw another set */
} cut_stats_t;

/* 1: both entries of the pair (exactly `salt`), 0: neither; fails the test
 * on a torn or partial pair. */
static int pair_state(uint8_t subtype, const uint8_t *salt, size_t salt_len, cut_stats_t *st)
{
    wc_seen_t seen[16];
    size_t n = wc_model_list(s_flash, PART, seen, 16, NULL, NULL);
    int have_salt = 0, have_marker = 0;
    for (size_t i = 0; i < n; i++) {
        if (seen[i].type == SALT_TYPE && seen[i].subtype == subtype) {
            assert_int_equal(seen[i].len, salt_len);
            assert_memory_equal(seen[i].data, salt, salt_len);
            assert_int_equal(seen[i].flags, 0);
            have_salt = 1;
        }
        if (seen[i].type == ESP_SECURE_CERT_PRIV_KEY_TLV && seen[i].subtype == subtype) {
            assert_int_equal(seen[i].len, 0);
            assert_int_equal(seen[i].flags, 0x40);
            have_marker = 1;
        }
    }
    assert_int_equal(have_salt, have_marker);
    const uint8_t *d;
    uint16_t l;
    int orig_salt = wc_orig_find(s_flash, PART, SALT_TYPE, subtype, &d, &l) == WC_ORIG_VALID;
    int orig_marker = wc_orig_find(s_flash, PART, ESP_SECURE_CERT_PRIV_KEY_TLV, subtype, &d, &l) == WC_ORIG_VALID;
    if (orig_salt != have_salt || orig_marker != have_marker) {
        st->orig_differs++;
    }
    return have_salt;
}

static const wc_entry_t s_cut_base = {ESP_SECURE_CERT_DEV_CERT_TLV, 0, 0, 700, 11};
static const wc_entry_t s_cut_extra = {ESP_SECURE_CERT_USER_DATA_5, 9, 0, 10, 12};

static void assert_base_intact(void)
{
    wc_seen_t seen[16];
    size_t n = wc_model_list(s_flash, PART, seen, 16, NULL, NULL);
    assert_int_equal(wc_model_has(seen, n, &s_cut_base), 1);
    assert_int_equal(wc_api_has(&s_cut_base), 1);
}

static esp_secure_cert_write_config_t flash_cfg(bool auto_erase)
{
    esp_secure_cert_write_config_t c;
    esp_secure_cert_write_config_init(&c, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    c.flash.auto_erase = auto_erase;
    return c;
}

static void sweep_derivation_pair(uint32_t align, bool partial, uint32_t seeds, cut_stats_t *st)
{
    uint8_t salt[32], key[32];
    memset(salt, 0x5C, sizeof(salt));
    read_vec_key(VEC29, key);
    blank_flash(align);
    assert_int_equal(wc_append(&s_cut_base, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    /* Reference run: its flash operations, and the derived key. */
    assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, key, true), ESP_OK);
    uint32_t ops0 = esp_secure_cert_host_flash_op_count();
    assert_int_equal(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 2, NULL), ESP_OK);
    uint32_t n_ops = esp_secure_cert_host_flash_op_count() - ops0;
    assert_true(n_ops >= 1);
    esp_secure_cert_tlv_config_t c = {.type = ESP_SECURE_CERT_PRIV_KEY_TLV, .subtype = 2};
    esp_secure_cert_tlv_info_t info;
    assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
    uint8_t der[DER_LEN];
    assert_int_equal(info.length, DER_LEN);
    memcpy(der, info.data, DER_LEN);
    esp_secure_cert_free_tlv_info(&info);
    esp_secure_cert_host_close();

    for (uint32_t k = 1; k <= n_ops; k++) {
        for (uint32_t s = 0; s < seeds; s++) {
            memcpy(s_flash, s_snap, PART);
            open_flash(align);
            assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, key, true), ESP_OK);
            esp_secure_cert_host_set_powercut(k, partial, ((uint64_t)align << 40) ^ ((uint64_t)k << 16) ^ s, NULL,
                                              NULL);
            assert_int_not_equal(
                esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 2, NULL), ESP_OK);
            assert_true(esc_host_flash_power_is_cut());
            st->cuts++;

            /* Reboot: the eFuse keeps its key. */
            open_flash(align);
            assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, key, true), ESP_OK);
            assert_base_intact();
            int present = pair_state(2, salt, sizeof(salt), st);
            st->committed += (uint32_t)present;
            esp_err_t got = esp_secure_cert_get_tlv_info(&c, &info);
            if (present) {
                assert_int_equal(got, ESP_OK);
                assert_memory_equal(info.data, der, DER_LEN);
                esp_secure_cert_free_tlv_info(&info);
            } else {
                assert_int_not_equal(got, ESP_OK);
            }

            /* The retry completes the pair. */
            esp_err_t err = esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 2, NULL);
            if (err == ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED) {
                st->needed_erase++;
                esp_secure_cert_write_config_t ae = flash_cfg(true);
                err = esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(salt, sizeof(salt), 2, &ae);
            }
            if (present) {
                assert_int_equal(err, ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
            } else if (err == ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS) {
                st->rolled_forward++; /* the tail repair completed the cut batch */
            } else {
                assert_int_equal(err, ESP_OK);
            }
            esp_secure_cert_write_config_t ae = flash_cfg(true);
            assert_int_equal(wc_append(&s_cut_extra, &ae), ESP_OK);
            open_flash(align);
            assert_int_equal(esp_secure_cert_host_burn_key(1, PURPOSE_HMAC_UP, key, true), ESP_OK);
            assert_base_intact();
            assert_int_equal(pair_state(2, salt, sizeof(salt), st), 1);
            assert_int_equal(esp_secure_cert_get_tlv_info(&c, &info), ESP_OK);
            assert_memory_equal(info.data, der, DER_LEN);
            esp_secure_cert_free_tlv_info(&info);
            assert_int_equal(wc_api_has(&s_cut_extra), 1);
        }
    }
    esp_secure_cert_host_close();
}

static void test_powercut_derivation_pair(void **state)
{
    (void)state;
    cut_stats_t st = {0};
    for (uint32_t align = 1; align <= 16; align += 15) {
        sweep_derivation_pair(align, false, 1, &st);
        sweep_derivation_pair(align, true, 8, &st);
    }
    printf("hmac pair power cuts: %u cut points, pair complete after %u, rolled forward by the retry %u, retry "
           "needed an erase %u, original's lookup saw another set %u\n",
           st.cuts, st.committed, st.rolled_forward, st.needed_erase, st.orig_differs);
    assert_true(st.cuts > 0);
    assert_true(st.committed > 0 && st.committed < st.cuts);
}

/* A cut inside provisioning: no eFuse burn happened, the pair is all or
 * nothing, and the next run finishes (resuming the stored salt). */
static void sweep_derive_key(uint32_t align, bool partial, uint32_t seeds, cut_stats_t *st)
{
    uint8_t salt_a[32], salt_b[32];
    rng_expect(100, salt_a, sizeof(salt_a));
    rng_expect(200, salt_b, sizeof(salt_b));
    blank_flash(align);
    assert_int_equal(wc_append(&s_cut_base, NULL), ESP_OK);
    memcpy(s_snap, s_flash, PART);
    rng_pin(100);
    uint32_t ops0 = esp_secure_cert_host_flash_op_count();
    uint8_t pub[PUB_LEN];
    size_t len = sizeof(pub);
    assert_int_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL), ESP_OK);
    uint32_t n_ops = esp_secure_cert_host_flash_op_count() - ops0;
    esp_secure_cert_host_close();

    for (uint32_t k = 1; k <= n_ops; k++) {
        for (uint32_t s = 0; s < seeds; s++) {
            memcpy(s_flash, s_snap, PART);
            open_flash(align);
            rng_pin(100);
            esp_secure_cert_host_set_powercut(k, partial, ((uint64_t)align << 40) ^ ((uint64_t)k << 16) ^ s, NULL,
                                              NULL);
            len = sizeof(pub);
            assert_int_not_equal(esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL), ESP_OK);
            assert_true(esc_host_flash_power_is_cut());
            /* The cut came before the burn. */
            assert_int_equal(hmac_up_block(), -1);
            st->cuts++;

            open_flash(align);
            assert_base_intact();
            int present = pair_state(1, salt_a, sizeof(salt_a), st);
            st->committed += (uint32_t)present;
            rng_pin(200);
            len = sizeof(pub);
            esp_err_t err = esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, NULL);
            if (err == ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED) {
                st->needed_erase++;
                assert_int_equal(hmac_up_block(), -1);
                rng_pin(200);
                esp_secure_cert_write_config_t ae = flash_cfg(true);
                err = esp_secure_cert_derive_hmac_ecdsa_key(pub, &len, 1, &ae);
            }
            assert_int_equal(err, ESP_OK);
            assert_int_equal(hmac_up_block(), 0);
            assert_base_intact();
            uint8_t salt[32];
            assert_provisioned(1, pub, salt);
            if (present) {
                assert_memory_equal(salt, salt_a, 32);
            } else if (memcmp(salt, salt_a, 32) == 0) {
                st->rolled_forward++; /* the tail repair completed the cut pair, then it was resumed */
            } else {
                assert_memory_equal(salt, salt_b, 32);
            }
        }
    }
    esp_secure_cert_host_close();
}

static void test_powercut_derive_key(void **state)
{
    (void)state;
    cut_stats_t st = {0};
    for (uint32_t align = 1; align <= 16; align += 15) {
        sweep_derive_key(align, false, 1, &st);
        sweep_derive_key(align, true, 4, &st);
    }
    printf("hmac provisioning power cuts: %u cut points, pair complete (resumed) after %u, rolled forward then "
           "resumed %u, retry needed an erase %u, original's lookup saw another set %u\n",
           st.cuts, st.committed, st.rolled_forward, st.needed_erase, st.orig_differs);
    assert_true(st.cuts > 0);
    assert_true(st.committed > 0 && st.committed < st.cuts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_encrypt_flash_matches_v28, teardown),
        cmocka_unit_test_teardown(test_encrypt_buffer_matches_flash, teardown),
        cmocka_unit_test_teardown(test_encrypt_lengths, teardown),
        cmocka_unit_test_teardown(test_encrypt_bad_input, teardown),
        cmocka_unit_test_teardown(test_encrypt_wrong_key, teardown),
        cmocka_unit_test_teardown(test_encrypt_keystream_is_shared, teardown),
        cmocka_unit_test_teardown(test_derivation_matches_vectors, teardown),
        cmocka_unit_test_teardown(test_derivation_bad_input, teardown),
        cmocka_unit_test_teardown(test_derive_key_pinned_rng, teardown),
        cmocka_unit_test_teardown(test_derive_key_buffer_mode, teardown),
        cmocka_unit_test_teardown(test_buffer_mode_without_partition, teardown),
        cmocka_unit_test_teardown(test_derive_key_bad_input, teardown),
        cmocka_unit_test_teardown(test_derive_key_resumes, teardown),
        cmocka_unit_test_teardown(test_powercut_derivation_pair, teardown),
        cmocka_unit_test_teardown(test_powercut_derive_key, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
