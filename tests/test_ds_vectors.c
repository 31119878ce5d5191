/*
 * DS vectors made by Espressif's tool (tests/vectors, README "RSA DS"):
 *  1. esc_ds_build_entries rebuilds DS_DATA and DS_CONTEXT byte-identical
 *     from the inputs (RSA key, HMAC key, IV from rng_draws.json);
 *  2. the vector's own image, read through the public API, decrypts in the
 *     emulated DS peripheral and signs: the signature equals OpenSSL's
 *     PKCS#1 v1.5 signature with the input private key, and verifies with
 *     the device certificate's public key;
 *  3. the CLI's self-test reports ok on it.
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
#include "esp_secure_cert_read.h"
#include "host_ds.h"
#include "mini_json.h"
#include "test_ds_helpers.h"
#include "test_files.h"

typedef struct {
    const char *dir;
    const char *bin;        /* in outputs/ */
    const char *chip;
    int efuse_id;
    const char *key;        /* in inputs/ */
    const char *cert;       /* in inputs/ */
    const char *hmac_file;  /* in inputs/, or NULL: the n-th HMAC-key draw */
    int hmac_draw;
    int iv_draw;            /* n-th IV draw */
    const char *qemu_efuse; /* optional eFuse image (relative to the vectors dir) */
} ds_vector_t;

static const ds_vector_t vectors[] = {
    {"v00_example_app_ds_repro", "esp_secure_cert.bin", "esp32c3", 0, "client.key", "client.crt",
     "hmac_key_from_qemu_efuse.bin", 0, 0, "reference/examples/esp_secure_cert_app/tests/qemu_efuse.bin"},
    {"v05_ds_rsa2048_esp32c3_autokey", "esp_secure_cert.bin", "esp32c3", 1, "test_dev_rsa2048.key",
     "test_dev_rsa2048.pem", NULL, 0, 0, NULL},
    {"v06_ds_rsa3072_esp32s3_autokey", "esp_secure_cert.bin", "esp32s3", 1, "test_dev_rsa3072.key",
     "test_dev_rsa3072.pem", NULL, 0, 0, NULL},
    {"v07_ds_rsa2048_esp32s3_keyfile", "esp_secure_cert.bin", "esp32s3", 1, "test_dev_rsa2048.key",
     "test_dev_rsa2048.pem", "test_hmac_key.bin", 0, 0, NULL},
    {"v08_ds_rsa3072_esp32c3_keyfile", "esp_secure_cert.bin", "esp32c3", 3, "test_dev_rsa3072.key",
     "test_dev_rsa3072.pem", "test_hmac_key.bin", 0, 0, NULL},
    {"v11_csv_multi_ds_esp32c5", "esp_secure_cert.bin", "esp32c5", 1, "test_dev_rsa2048.key",
     "test_dev_rsa2048.pem", NULL, 0, 0, NULL},
    /* The signed file is built with the first key/IV draws, the second-pass
     * esp_secure_cert.bin with the second ones (README, "Pinned RNG" 3). */
    {"v17_signed_with_ds_autokey", "esp_secure_cert_signed.bin", "esp32c3", 1, "test_dev_rsa2048.key",
     "test_dev_rsa2048.pem", NULL, 0, 0, NULL},
    {"v17_signed_with_ds_autokey", "esp_secure_cert.bin", "esp32c3", 1, "test_dev_rsa2048.key",
     "test_dev_rsa2048.pem", NULL, 1, 1, NULL},
};

#define N_VECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void vpath(char *out, size_t cap, const ds_vector_t *v, const char *sub, const char *name)
{
    snprintf(out, cap, "%s/%s/%s/%s", ESC_VECTORS_DIR, v->dir, sub, name);
}

static int hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    if (hex == NULL || strlen(hex) != 2 * n) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
            return -1;
        }
        out[i] = (uint8_t)b;
    }
    return 0;
}

/* The n-th draw of rng_draws.json whose purpose contains `what`. */
static void find_draw(const ds_vector_t *v, const char *what, int nth, uint8_t *out, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/rng_draws.json", ESC_VECTORS_DIR, v->dir);
    mj_node_t *doc = mj_parse_file(path);
    assert_non_null(doc);
    const mj_node_t *draws = mj_get(doc, "draws");
    assert_non_null(draws);
    int seen = 0, found = 0;
    for (size_t i = 0; i < mj_len(draws) && !found; i++) {
        const mj_node_t *d = mj_at(draws, i);
        const char *purpose = mj_str(d, "purpose");
        if (purpose != NULL && strstr(purpose, what) != NULL && seen++ == nth) {
            assert_int_equal(mj_int(d, "size", -1), (long)n);
            assert_int_equal(hex_to_bytes(mj_str(d, "hex"), out, n), 0);
            found = 1;
        }
    }
    mj_free(doc);
    assert_true(found);
}

static void get_hmac_key(const ds_vector_t *v, uint8_t key[32])
{
    if (v->hmac_file != NULL) {
        char path[512];
        vpath(path, sizeof(path), v, "inputs", v->hmac_file);
        size_t len = 0;
        uint8_t *k = tf_read_file(path, &len);
        assert_non_null(k);
        assert_int_equal(len, 32);
        memcpy(key, k, 32);
        free(k);
        return;
    }
    find_draw(v, "configure_efuse_key_block_local", v->hmac_draw, key, 32);
}

/* Data of the (type, subtype 0) entry of an image, copied out. */
static uint8_t *entry_of(const uint8_t *img, size_t img_len, uint8_t type, size_t *len)
{
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_find(img, img_len, type, 0, &e), ESC_TLV_OK);
    uint8_t *out = malloc(e.length);
    assert_non_null(out);
    memcpy(out, img + e.data_offset, e.length);
    *len = e.length;
    return out;
}

static void test_rebuild_byte_identical(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const ds_vector_t *v = &vectors[i];
        char path[512];
        uint8_t hmac[32], iv[16];
        get_hmac_key(v, hmac);
        find_draw(v, "calculate_rsa_ds_params", v->iv_draw, iv, 16);
        vpath(path, sizeof(path), v, "inputs", v->key);
        EVP_PKEY *key = tds_load_key(path);
        assert_non_null(key);

        uint8_t ds_data[ESC_DS_DATA_LEN_MAX], ctx[8];
        size_t ds_len = 0;
        char err[256] = "";
        int rc = esc_ds_build_entries(v->chip, key, v->efuse_id, hmac, iv, ds_data, sizeof(ds_data), &ds_len, ctx,
                                      err, sizeof(err));
        if (rc != 0) {
            fail_msg("%s: %s", v->dir, err);
        }

        vpath(path, sizeof(path), v, "outputs", v->bin);
        size_t img_len = 0;
        uint8_t *img = tf_read_file(path, &img_len);
        assert_non_null(img);
        size_t want_len = 0, want_ctx_len = 0;
        uint8_t *want = entry_of(img, img_len, ESP_SECURE_CERT_DS_DATA_TLV, &want_len);
        uint8_t *want_ctx = entry_of(img, img_len, ESP_SECURE_CERT_DS_CONTEXT_TLV, &want_ctx_len);
        print_message("%s/%s: DS_DATA %zu bytes, DS_CONTEXT %zu bytes\n", v->dir, v->bin, want_len, want_ctx_len);
        assert_int_equal(ds_len, want_len);
        assert_memory_equal(ds_data, want, want_len);
        assert_int_equal(want_ctx_len, 8);
        assert_memory_equal(ctx, want_ctx, 8);

        free(want);
        free(want_ctx);
        free(img);
        EVP_PKEY_free(key);
    }
}

/* The HMAC key draws are the hmac_key.bin the tool left (last run wins). */
static void test_hmac_draws_match_key_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const ds_vector_t *v = &vectors[i];
        if (v->hmac_file != NULL || strcmp(v->bin, "esp_secure_cert_signed.bin") == 0) {
            continue;
        }
        char path[512];
        vpath(path, sizeof(path), v, "outputs", "hmac_key.bin");
        size_t len = 0;
        uint8_t *k = tf_read_file(path, &len);
        assert_non_null(k);
        uint8_t draw[32];
        get_hmac_key(v, draw);
        assert_int_equal(len, 32);
        assert_memory_equal(k, draw, 32);
        free(k);
    }
}

static void sign_vector(const ds_vector_t *v, int use_qemu_efuse)
{
    char path[512], efuse[512];
    uint8_t hmac[32];
    get_hmac_key(v, hmac);

    vpath(path, sizeof(path), v, "outputs", v->bin);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    if (use_qemu_efuse) {
        snprintf(efuse, sizeof(efuse), "%s/%s", ESC_VECTORS_DIR, v->qemu_efuse);
        cfg.efuse_path = efuse;
    }
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_OK);
    if (!use_qemu_efuse) {
        assert_int_equal(esp_secure_cert_host_burn_key(v->efuse_id, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac,
                                                       true), ESP_OK);
    }
    esc_host_ds_set_chip(v->chip);

    esp_ds_data_ctx_t *ctx = esp_secure_cert_get_ds_ctx();
    assert_non_null(ctx);
    assert_int_equal(ctx->efuse_key_id, v->efuse_id);
    unsigned bits = ctx->rsa_length_bits;
    assert_int_equal(ctx->esp_ds_data->rsa_length, bits / 32 - 1);
    size_t k = bits / 8;

    uint8_t hash[32], msg[TDS_MAX_K], sig_le[TDS_MAX_K], sig[TDS_MAX_K], want[TDS_MAX_K];
    assert_int_equal(EVP_Digest(v->dir, strlen(v->dir), hash, NULL, EVP_sha256(), NULL), 1);
    tds_ds_message(hash, msg, k);
    const esc_port_t *port = esc_port_get(NULL);
    assert_non_null(port);
    assert_non_null(port->ds_sign);
    assert_int_equal(port->ds_sign(port, ctx->efuse_key_id, (const uint8_t *)ctx->esp_ds_data,
                                   sizeof(esp_ds_data_t), msg, sig_le), ESP_OK);
    tds_reverse(sig, sig_le, k);

    vpath(path, sizeof(path), v, "inputs", v->key);
    EVP_PKEY *key = tds_load_key(path);
    assert_non_null(key);
    assert_int_equal(EVP_PKEY_get_bits(key), (int)bits);
    assert_int_equal(tds_openssl_sign(key, hash, want, k), 0);
    assert_memory_equal(sig, want, k);

    /* And through the CLI's self-test, which checks against the device cert
     * in the image (here the vector's certificate). */
    char err[256] = "";
    if (esc_ds_self_test(v->chip, use_qemu_efuse ? efuse : NULL, err, sizeof(err)) != 0) {
        fail_msg("%s: self-test: %s", v->dir, err);
    }

    EVP_PKEY_free(key);
    esp_secure_cert_free_ds_ctx(ctx);
    esp_secure_cert_host_close();
}

static void test_vectors_sign_in_emulation(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        print_message("sign %s/%s on %s\n", vectors[i].dir, vectors[i].bin, vectors[i].chip);
        sign_vector(&vectors[i], 0);
    }
}

/* v00's HMAC key came from the QEMU eFuse image of Espressif's example app:
 * that image, loaded as is, must drive the DS peripheral. */
static void test_v00_with_qemu_efuse_image(void **state)
{
    (void)state;
    sign_vector(&vectors[0], 1);
}

/* The device certificate of each vector holds the input key's public half
 * (so verification against the certificate is meaningful). */
static void test_vector_certs_match_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const ds_vector_t *v = &vectors[i];
        char path[512];
        vpath(path, sizeof(path), v, "inputs", v->cert);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        assert_non_null(x);
        vpath(path, sizeof(path), v, "inputs", v->key);
        EVP_PKEY *key = tds_load_key(path);
        assert_non_null(key);
        assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
        EVP_PKEY_free(key);
        X509_free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rebuild_byte_identical),
        cmocka_unit_test(test_hmac_draws_match_key_files),
        cmocka_unit_test(test_vector_certs_match_keys),
        cmocka_unit_test(test_vectors_sign_in_emulation),
        cmocka_unit_test(test_v00_with_qemu_efuse_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
