/*
 * The emulated chip of image generation; see gen_efuse.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc_crypto.h"
#include "esp_secure_cert_host.h"
#include "gen_efuse.h"
#include "host_efuse.h"

/* Bytes of the scratch partition: one 8 KiB partition, as on a chip. */
#define SCRATCH_LEN 0x2000u
#define PBKDF2_ITERATIONS 2048u

int gen_efuse_open(gen_efuse_t *fx, const char *path, char *err, size_t err_len)
{
    memset(fx, 0, sizeof(*fx));
    fx->scratch = malloc(SCRATCH_LEN);
    if (fx->scratch == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    memset(fx->scratch, 0xFF, SCRATCH_LEN);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    /* Read-only: the eFuse file is loaded but a burn is never saved to it. */
    cfg.writable = false;
    cfg.efuse_path = path;
    esp_err_t e = esp_secure_cert_host_open_buffer(fx->scratch, SCRATCH_LEN, &cfg);
    if (e != ESP_OK) {
        free(fx->scratch);
        fx->scratch = NULL;
        if (path != NULL) {
            snprintf(err, err_len, "--efuse '%s': %s", path,
                     e == ESP_ERR_NOT_FOUND ? "file not found"
                                            : "not a valid eFuse file (text format of docs/efuse-file.md or a "
                                              "QEMU eFuse image; the reason is above)");
        } else {
            snprintf(err, err_len, "cannot set up the eFuse emulation: %s", esp_err_to_name(e));
        }
        return -1;
    }
    fx->open = true;
    fx->path = path;
    return 0;
}

void gen_efuse_close(gen_efuse_t *fx)
{
    if (fx == NULL) {
        return;
    }
    if (fx->open) {
        esp_secure_cert_host_close(); /* also blanks the emulated key blocks */
    }
    free(fx->scratch);
    memset(fx, 0, sizeof(*fx));
}

/* The purpose's name as the eFuse file and espefuse write it. */
static const char *purpose_name(esc_key_purpose_t purpose, char *buf, size_t cap)
{
    const char *n = esc_host_efuse_purpose_name(purpose);
    if (n != NULL) {
        return n;
    }
    snprintf(buf, cap, "purpose %d", (int)purpose);
    return buf;
}

/* Does the block hold `key` (or its byte-reversed form)? Compared through
 * the emulated HMAC, since no call returns a burned key. */
static bool holds_key(int block, esc_key_purpose_t purpose, const uint8_t *key, bool key_le)
{
    static const uint8_t probe[] = "esp-secure-cert: is this the key?";
    uint8_t got[32], want[32], rev[32];
    bool same = false;
    if (esc_host_efuse_hmac_any(block, purpose, probe, sizeof(probe), got) != ESP_OK) {
        return false;
    }
    if (esc_hmac_sha256(key, 32, probe, sizeof(probe), want) == 0) {
        same = esc_ct_memcmp(got, want, sizeof(want)) == 0;
    }
    if (!same && key_le) {
        for (size_t i = 0; i < 32; i++) {
            rev[i] = key[31 - i];
        }
        if (esc_hmac_sha256(rev, 32, probe, sizeof(probe), want) == 0) {
            same = esc_ct_memcmp(got, want, sizeof(want)) == 0;
        }
        esc_zeroize(rev, sizeof(rev));
    }
    esc_zeroize(want, sizeof(want));
    return same;
}

int gen_efuse_check_block(const gen_efuse_t *fx, int block, esc_key_purpose_t purpose, const uint8_t *key,
                          bool key_le, bool *present, char *err, size_t err_len)
{
    *present = false;
    const char *file = fx->path ? fx->path : "the eFuse state";
    char b1[24], b2[24];
    const char *want_name = purpose_name(purpose, b1, sizeof(b1));
    if (block < 0 || block >= ESC_EFUSE_KEY_BLOCKS) {
        snprintf(err, err_len, "eFuse key block %d does not exist (KEY0..KEY5)", block);
        return -1;
    }
    if (esc_host_efuse_block_unused(block)) {
        return 0;
    }
    esc_key_purpose_t have = ESC_PURPOSE_USER;
    (void)esc_host_efuse_get_purpose(block, &have);
    const char *have_name = purpose_name(have, b2, sizeof(b2));
    if (have != purpose) {
        if (have == ESC_PURPOSE_USER) {
            snprintf(err, err_len,
                     "eFuse block KEY%d in %s already holds data (purpose USER, or protected): it cannot take the "
                     "%s key; choose a blank block",
                     block, file, want_name);
        } else {
            snprintf(err, err_len,
                     "eFuse block KEY%d in %s is already used with purpose %s: it cannot take the %s key; choose "
                     "a blank block",
                     block, file, have_name, want_name);
        }
        return -1;
    }
    if (key == NULL || !holds_key(block, purpose, key, key_le)) {
        snprintf(err, err_len,
                 "eFuse block KEY%d in %s already holds %s %s key (burned keys cannot be replaced); give that key "
                 "(efuse_key / --efuse-key-file) or choose a blank block",
                 block, file, key == NULL ? "a" : "a different", have_name);
        return -1;
    }
    *present = true;
    return 0;
}

int gen_efuse_first_with_purpose(const gen_efuse_t *fx, esc_key_purpose_t purpose)
{
    (void)fx;
    for (int b = 0; b < ESC_EFUSE_KEY_BLOCKS; b++) {
        esc_key_purpose_t p;
        if (esc_host_efuse_get_purpose(b, &p) == ESP_OK && p == purpose && !esc_host_efuse_block_unused(b)) {
            return b;
        }
    }
    return -1;
}

int gen_efuse_burn(gen_efuse_t *fx, int block, esc_key_purpose_t purpose, const uint8_t key[32], char *err,
                   size_t err_len)
{
    (void)fx;
    esp_err_t e = esp_secure_cert_host_burn_key(block, (int)purpose, key, true);
    if (e != ESP_OK) {
        snprintf(err, err_len, "cannot burn the key into the emulated eFuse block KEY%d: %s", block,
                 esp_err_to_name(e));
        return -1;
    }
    return 0;
}

typedef struct {
    int block;
} efuse_prf_t;

static int efuse_hmac_prf(void *ctx, const uint8_t *msg, size_t len, uint8_t out[ESC_SHA256_LEN])
{
    const efuse_prf_t *p = ctx;
    return esc_host_efuse_hmac_any(p->block, ESC_PURPOSE_HMAC_UP, msg, len, out) == ESP_OK ? 0 : -1;
}

int gen_efuse_derived_public(const gen_efuse_t *fx, int block, const uint8_t *salt, size_t salt_len,
                             uint8_t pub[65], char *err, size_t err_len)
{
    (void)fx;
    efuse_prf_t prf = {.block = block};
    uint8_t d[ESC_P256_PRIV_LEN];
    int rc = -1;
    if (esc_pbkdf2_hmac_sha256_prf(efuse_hmac_prf, &prf, salt, salt_len, PBKDF2_ITERATIONS, d, sizeof(d)) != 0) {
        snprintf(err, err_len, "PBKDF2 through the emulated HMAC peripheral failed (no HMAC_UP key in KEY%d)",
                 block);
    } else if (esc_p256_validate_private(d, sizeof(d)) != ESC_CRYPTO_OK) {
        snprintf(err, err_len,
                 "the key derived from this salt and HMAC key is not a valid P-256 private key (a 1 in 2^32 "
                 "event): use another salt");
    } else if (esc_p256_public_from_private(d, pub) != ESC_CRYPTO_OK) {
        snprintf(err, err_len, "cannot compute the derived public key");
    } else {
        rc = 0;
    }
    esc_zeroize(d, sizeof(d));
    return rc;
}
