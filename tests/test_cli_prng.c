/*
 * The CLI's random source (tools/rng.h): the PRNG-v1 test stream must give
 * exactly the draws the vectors recorded (rng_draws.json), preset bytes come
 * first, and the OS source is not a fixed stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "rng.h"
#include "mini_json.h"
#include "test_files.h"

static int hex_to_bin(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

/* Every recorded draw of every vector, replayed in order from the seed. */
static void test_stream_matches_recorded_draws(void **state)
{
    (void)state;
    char names[64][128];
    size_t nv = tf_list_vectors(names, 64);
    assert_true(nv > 20);
    size_t checked = 0;
    for (size_t v = 0; v < nv; v++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s/rng_draws.json", ESC_VECTORS_DIR, names[v]);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        fclose(f);
        mj_node_t *doc = mj_parse_file(path);
        assert_non_null(doc);
        const char *seed = mj_str(doc, "seed");
        assert_non_null(seed);
        const mj_node_t *draws = mj_get(doc, "draws");
        assert_non_null(draws);

        esc_rng_t r;
        assert_int_equal(esc_rng_init_prng_v1(&r, seed), 0);
        /* Preset draws (v00's pinned IV) are served before the stream. */
        uint8_t preset[256];
        size_t npreset = 0;
        for (size_t i = 0; i < mj_len(draws); i++) {
            const mj_node_t *d = mj_at(draws, i);
            const mj_node_t *p = mj_get(d, "preset");
            if (p != NULL && p->kind == MJ_BOOL && p->boolean) {
                int n = hex_to_bin(mj_str(d, "hex"), preset + npreset, sizeof(preset) - npreset);
                assert_true(n > 0);
                npreset += (size_t)n;
            }
        }
        assert_int_equal(esc_rng_set_preset(&r, preset, npreset), 0);

        size_t offset = 0;
        for (size_t i = 0; i < mj_len(draws); i++) {
            const mj_node_t *d = mj_at(draws, i);
            uint8_t want[128], got[128];
            long size = mj_int(d, "size", -1);
            assert_true(size > 0 && size <= (long)sizeof(want));
            assert_int_equal(hex_to_bin(mj_str(d, "hex"), want, sizeof(want)), size);
            const mj_node_t *p = mj_get(d, "preset");
            if (p == NULL || p->kind != MJ_BOOL || !p->boolean) {
                assert_int_equal(mj_int(d, "stream_offset", -1), (long)offset);
                offset += (size_t)size;
            }
            assert_int_equal(esc_rng_draw(&r, got, (size_t)size), 0);
            assert_memory_equal(got, want, (size_t)size);
            checked++;
        }
        esc_rng_free(&r);
        mj_free(doc);
    }
    assert_true(checked >= 15); /* v05..v18 record draws */
}

/* The definition, independently: block[i] = SHA-256(seed || u32be(i)). */
static void test_stream_definition(void **state)
{
    (void)state;
    esc_rng_t r;
    assert_int_equal(esc_rng_init_prng_v1(&r, "seed-x"), 0);
    uint8_t got[100];
    /* Odd-sized draws cross block boundaries. */
    assert_int_equal(esc_rng_draw(&r, got, 7), 0);
    assert_int_equal(esc_rng_draw(&r, got + 7, 60), 0);
    assert_int_equal(esc_rng_draw(&r, got + 67, 33), 0);
    uint8_t want[128];
    for (uint32_t i = 0; i < 4; i++) {
        uint8_t msg[64];
        size_t n = strlen("seed-x");
        memcpy(msg, "seed-x", n);
        msg[n] = (uint8_t)(i >> 24);
        msg[n + 1] = (uint8_t)(i >> 16);
        msg[n + 2] = (uint8_t)(i >> 8);
        msg[n + 3] = (uint8_t)i;
        unsigned int len = 0;
        assert_int_equal(EVP_Digest(msg, n + 4, want + 32 * i, &len, EVP_sha256(), NULL), 1);
    }
    assert_memory_equal(got, want, sizeof(got));
    assert_int_equal(r.drawn, 100);
    esc_rng_free(&r);
}

static void test_empty_seed_refused(void **state)
{
    (void)state;
    esc_rng_t r;
    assert_int_not_equal(esc_rng_init_prng_v1(&r, ""), 0);
    assert_int_not_equal(esc_rng_init_prng_v1(&r, NULL), 0);
}

static void test_os_source_is_not_a_fixed_stream(void **state)
{
    (void)state;
    esc_rng_t a, b;
    assert_int_equal(esc_rng_init_os(&a), 0);
    assert_int_equal(esc_rng_init_os(&b), 0);
    uint8_t x[32], y[32];
    assert_int_equal(esc_rng_draw(&a, x, sizeof(x)), 0);
    assert_int_equal(esc_rng_draw(&b, y, sizeof(y)), 0);
    /* 2^-256 chance of a false failure. */
    assert_memory_not_equal(x, y, sizeof(x));
    esc_rng_free(&a);
    esc_rng_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_matches_recorded_draws),
        cmocka_unit_test(test_stream_definition),
        cmocka_unit_test(test_empty_seed_refused),
        cmocka_unit_test(test_os_source_is_not_a_fixed_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
