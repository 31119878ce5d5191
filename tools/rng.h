/*
 * The random source of image generation, one draw interface over two
 * implementations:
 *  - the OS RNG (getrandom), the only source for real devices;
 *  - PRNG-v1, a pinned stream for reproducing the test vectors
 *    (tests/vectors/README.md): block[i] = SHA-256(UTF-8(seed) || u32be(i)),
 *    stream = block[0] || block[1] || ..., each draw takes the next n bytes.
 * PRNG-v1 is only ever selected by an explicit --test-seed; it is never a
 * default and never read from the environment.
 *
 * Optionally a list of "preset" bytes is served before the source (the
 * vectors pin one IV that way, see v00).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESC_RNG_NONE = 0,
    ESC_RNG_OS,
    ESC_RNG_PRNG_V1,
} esc_rng_kind_t;

typedef struct {
    esc_rng_kind_t kind;
    char *seed;            /* PRNG-v1 seed (heap copy) */
    size_t seed_len;
    uint32_t counter;      /* next block index */
    uint8_t block[32];
    size_t block_used;     /* bytes of block already handed out */
    uint8_t *preset;       /* bytes served before the source */
    size_t preset_len;
    size_t preset_used;
    size_t drawn;          /* bytes handed out (tests check that a run used its recorded stream) */
} esc_rng_t;

int esc_rng_init_os(esc_rng_t *r);
/* 0 on success, -1 on an empty seed or out of memory. */
int esc_rng_init_prng_v1(esc_rng_t *r, const char *seed);
/* Serve `len` given bytes first (copied). */
int esc_rng_set_preset(esc_rng_t *r, const uint8_t *bytes, size_t len);
/* Fill out with the next n bytes. 0 on success, -1 if the source failed. */
int esc_rng_draw(esc_rng_t *r, void *out, size_t n);
/* Wipe and free. */
void esc_rng_free(esc_rng_t *r);

/* The PRNG-v1 source behind esc_rng_draw (prng_v1.c). */
int esc_prng_v1_draw(esc_rng_t *r, uint8_t *out, size_t n);

#ifdef __cplusplus
}
#endif
