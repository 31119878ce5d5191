/*
 * DS benchmarks: parameter generation (esc_ds_build_entries: big-number
 * work, SHA-256, AES-256-CBC) and one emulated DS signature (AES key from
 * the eFuse emulation, decryption, digest check, Montgomery exponentiation)
 * per RSA size. Key generation is not timed.
 *
 * usage: bench_ds [iterations]   (default 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ds_gen.h"
#include "esc_ds_layout.h"

#include "host_ds.h"
#include "host_efuse.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 20;
    if (iters <= 0) {
        fprintf(stderr, "usage: %s [iterations > 0]\n", argv[0]);
        return 2;
    }
    static const uint8_t hmac_key[32] = "ESC-TEST-ONLY-DS-BENCHMARK-KEY!";
    static const uint8_t iv[16] = {0};
    esc_host_efuse_reset();
    if (esc_host_efuse_write_key(0, ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, hmac_key, false) != ESP_OK) {
        fprintf(stderr, "eFuse burn failed\n");
        return 1;
    }
    esc_host_ds_set_chip("esp32s3");
    printf("DS benchmark (esp32s3 layout, %d iterations each)\n", iters);
    printf("%-9s %16s %16s\n", "key", "generate ms/op", "sign ms/op");
    for (unsigned bits = 1024; bits <= 4096; bits += 1024) {
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
        if (key == NULL) {
            fprintf(stderr, "RSA-%u key generation failed\n", bits);
            return 1;
        }
        uint8_t ds[ESC_DS_DATA_LEN_MAX], ctx[8], msg[512], sig[512];
        size_t len = 0;
        char err[256];
        /* One untimed call: backend initialisation and cold caches. */
        if (esc_ds_build_entries("esp32s3", key, 0, hmac_key, iv, ds, sizeof(ds), &len, ctx, err, sizeof(err)) != 0) {
            fprintf(stderr, "generate: %s\n", err);
            return 1;
        }
        double t0 = now_s();
        for (int i = 0; i < iters; i++) {
            if (esc_ds_build_entries("esp32s3", key, 0, hmac_key, iv, ds, sizeof(ds), &len, ctx, err,
                                     sizeof(err)) != 0) {
                fprintf(stderr, "generate: %s\n", err);
                return 1;
            }
        }
        double t_gen = (now_s() - t0) / iters;
        memset(msg, 0x5a, sizeof(msg));
        msg[bits / 8 - 1] = 0x00; /* keep the message below the modulus */
        t0 = now_s();
        for (int i = 0; i < iters; i++) {
            esp_err_t e = esc_host_ds_sign(NULL, 0, ds, len, msg, sig);
            if (e != ESP_OK) {
                fprintf(stderr, "sign: %s\n", esp_err_to_name(e));
                return 1;
            }
        }
        double t_sign = (now_s() - t0) / iters;
        printf("RSA-%-5u %16.3f %16.3f\n", bits, t_gen * 1e3, t_sign * 1e3);
        EVP_PKEY_free(key);
    }
    return 0;
}
