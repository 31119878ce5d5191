/*
 * Time to read a protected private key through the public API on the host:
 * an HMAC-encrypted key (v28: two HMACs + AES-GCM) and an HMAC-derived ECDSA
 * key (v29: PBKDF2 with 2048 iterations + SEC1 DER). Prints microseconds per
 * call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int bench(const char *name, const char *vector, int iterations)
{
    char bin[512], keyf[512];
    snprintf(bin, sizeof(bin), "%s/tests/vectors/%s/outputs/esp_secure_cert.bin", ESC_SOURCE_DIR, vector);
    snprintf(keyf, sizeof(keyf), "%s/tests/vectors/%s/inputs/hmac_key.bin", ESC_SOURCE_DIR, vector);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    if (esp_secure_cert_host_open(bin, &cfg) != ESP_OK) {
        fprintf(stderr, "cannot open %s\n", bin);
        return 1;
    }
    FILE *f = fopen(keyf, "rb");
    unsigned char key[32];
    if (f == NULL || fread(key, 1, 32, f) != 32) {
        fprintf(stderr, "cannot read %s\n", keyf);
        return 1;
    }
    fclose(f);
    esp_secure_cert_host_burn_key(1, 8 /* HMAC_UP */, key, true);
    double t0 = now_us();
    for (int i = 0; i < iterations; i++) {
        char *buf;
        uint32_t len;
        if (esp_secure_cert_get_priv_key(&buf, &len) != ESP_OK) {
            fprintf(stderr, "%s: read failed\n", name);
            return 1;
        }
        esp_secure_cert_free_priv_key(buf);
    }
    double per = (now_us() - t0) / iterations;
    printf("%-28s %10.1f us/read  (%d reads)\n", name, per, iterations);
    esp_secure_cert_host_close();
    return 0;
}

int main(void)
{
    int rc = bench("hmac-encrypted key (v28)", "v28_hmac_encrypted_priv_key", 2000);
    rc |= bench("hmac-derived ecdsa key (v29)", "v29_hmac_ecdsa_derived", 100);
    return rc;
}
