/*
 * The draw interface and the OS source; see rng.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "rng.h"

int esc_rng_init_os(esc_rng_t *r)
{
    memset(r, 0, sizeof(*r));
    r->kind = ESC_RNG_OS;
    return 0;
}

int esc_rng_init_prng_v1(esc_rng_t *r, const char *seed)
{
    memset(r, 0, sizeof(*r));
    if (seed == NULL || seed[0] == 0) {
        return -1;
    }
    r->seed_len = strlen(seed);
    r->seed = malloc(r->seed_len + 1);
    if (r->seed == NULL) {
        return -1;
    }
    memcpy(r->seed, seed, r->seed_len + 1);
    r->kind = ESC_RNG_PRNG_V1;
    r->block_used = sizeof(r->block); /* nothing buffered yet */
    return 0;
}

int esc_rng_set_preset(esc_rng_t *r, const uint8_t *bytes, size_t len)
{
    free(r->preset);
    r->preset = NULL;
    r->preset_len = r->preset_used = 0;
    if (len == 0) {
        return 0;
    }
    r->preset = malloc(len);
    if (r->preset == NULL) {
        return -1;
    }
    memcpy(r->preset, bytes, len);
    r->preset_len = len;
    return 0;
}

static int os_fill(uint8_t *out, size_t n)
{
    while (n > 0) {
        ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        out += got;
        n -= (size_t)got;
    }
    return 0;
}

int esc_rng_draw(esc_rng_t *r, void *out_v, size_t n)
{
    uint8_t *out = out_v;
    size_t total = n;
    if (r == NULL || (out == NULL && n > 0)) {
        return -1;
    }
    if (r->preset_used < r->preset_len) {
        size_t take = r->preset_len - r->preset_used;
        if (take > n) {
            take = n;
        }
        memcpy(out, r->preset + r->preset_used, take);
        r->preset_used += take;
        out += take;
        n -= take;
    }
    int rc = 0;
    if (n > 0) {
        switch (r->kind) {
        case ESC_RNG_OS: rc = os_fill(out, n); break;
        case ESC_RNG_PRNG_V1: rc = esc_prng_v1_draw(r, out, n); break;
        default: rc = -1; break;
        }
    }
    if (rc == 0) {
        r->drawn += total;
    }
    return rc;
}

void esc_rng_free(esc_rng_t *r)
{
    if (r == NULL) {
        return;
    }
    if (r->seed != NULL) {
        OPENSSL_cleanse(r->seed, r->seed_len);
        free(r->seed);
    }
    if (r->preset != NULL) {
        OPENSSL_cleanse(r->preset, r->preset_len);
        free(r->preset);
    }
    OPENSSL_cleanse(r, sizeof(*r));
}
