/*
 * Cost of the crypto on the read paths: the HMAC-ECDSA key derivation
 * (PBKDF2, 2048 iterations), decrypting an HMAC-encrypted private key
 * (AES-256-GCM, 1.7 KB), and hashing a partition for INTEGRITY (SHA-256,
 * 8 KiB). Prints ns per operation; OpenSSL's figure for the same job is
 * printed beside it for scale. Nothing is asserted: this only measures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "esc_crypto.h"

#define PBKDF2_ITERATIONS 2048
#define KEY_BLOB_LEN 1700
#define HASH_LEN (8 * 1024)

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Runs fn until at least 0.3 s have passed; returns ns per call, or -1 if a
 * call failed. */
static double measure(int (*fn)(void *), void *arg)
{
    if (fn(arg) != 0) { /* warm-up, and a correctness gate */
        return -1;
    }
    long runs = 0;
    double start = now_ns();
    double elapsed = 0;
    do {
        if (fn(arg) != 0) {
            return -1;
        }
        runs++;
        elapsed = now_ns() - start;
    } while (elapsed < 3e8);
    return elapsed / (double)runs;
}

static uint8_t s_key[32];
static uint8_t s_salt[32];
static uint8_t s_iv[16];
static uint8_t s_blob[KEY_BLOB_LEN];
static uint8_t s_cipher[KEY_BLOB_LEN];
static uint8_t s_tag[ESC_GCM_TAG_LEN];
static uint8_t s_out[HASH_LEN];
static uint8_t s_data[HASH_LEN];

static int run_pbkdf2(void *arg)
{
    (void)arg;
    uint8_t dk[32];
    return esc_pbkdf2_hmac_sha256(s_key, sizeof(s_key), s_salt, sizeof(s_salt), PBKDF2_ITERATIONS, dk, sizeof(dk));
}

static int run_pbkdf2_openssl(void *arg)
{
    (void)arg;
    uint8_t dk[32];
    return PKCS5_PBKDF2_HMAC((const char *)s_key, sizeof(s_key), s_salt, sizeof(s_salt), PBKDF2_ITERATIONS,
                             EVP_sha256(), sizeof(dk), dk) == 1
               ? 0
               : -1;
}

static int run_gcm_decrypt(void *arg)
{
    (void)arg;
    return esc_aes256_gcm_decrypt(s_key, s_iv, sizeof(s_iv), s_cipher, KEY_BLOB_LEN, s_tag, s_out);
}

static int run_gcm_decrypt_openssl(void *arg)
{
    (void)arg;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    int ok = c != NULL && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, sizeof(s_iv), NULL) == 1 &&
             EVP_DecryptInit_ex(c, NULL, NULL, s_key, s_iv) == 1 &&
             EVP_DecryptUpdate(c, s_out, &n, s_cipher, KEY_BLOB_LEN) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, sizeof(s_tag), s_tag) == 1 &&
             EVP_DecryptFinal_ex(c, s_out + n, &n) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

static int run_sha256(void *arg)
{
    (void)arg;
    uint8_t d[ESC_SHA256_LEN];
    return esc_sha256(s_data, sizeof(s_data), d);
}

static int run_sha256_openssl(void *arg)
{
    (void)arg;
    uint8_t d[ESC_SHA256_LEN];
    return EVP_Digest(s_data, sizeof(s_data), d, NULL, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

static void report(const char *what, double ours, double openssl)
{
    if (ours < 0 || openssl < 0) {
        printf("%-40s FAILED\n", what);
        return;
    }
    printf("%-40s %14.0f ns/op   (OpenSSL %12.0f ns/op)\n", what, ours, openssl);
}

int main(void)
{
    if (esc_crypto_init() != ESC_CRYPTO_OK || esc_random(s_key, sizeof(s_key)) != ESC_CRYPTO_OK ||
        esc_random(s_salt, sizeof(s_salt)) != ESC_CRYPTO_OK || esc_random(s_iv, sizeof(s_iv)) != ESC_CRYPTO_OK ||
        esc_random(s_blob, sizeof(s_blob)) != ESC_CRYPTO_OK || esc_random(s_data, sizeof(s_data)) != ESC_CRYPTO_OK) {
        fprintf(stderr, "bench_crypto: crypto backend failed to start\n");
        return 1;
    }
    if (esc_aes256_gcm_encrypt(s_key, s_iv, sizeof(s_iv), s_blob, KEY_BLOB_LEN, s_cipher, s_tag) != ESC_CRYPTO_OK) {
        fprintf(stderr, "bench_crypto: GCM encrypt failed\n");
        return 1;
    }
    report("PBKDF2-HMAC-SHA256, 2048 iter, 32 B", measure(run_pbkdf2, NULL), measure(run_pbkdf2_openssl, NULL));
    report("AES-256-GCM decrypt, 1700 B, 16 B IV", measure(run_gcm_decrypt, NULL),
           measure(run_gcm_decrypt_openssl, NULL));
    report("SHA-256, 8 KiB", measure(run_sha256, NULL), measure(run_sha256_openssl, NULL));
    return 0;
}
