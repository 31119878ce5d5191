/*
 * PRNG-v1, the pinned test stream of tests/vectors/README.md. Only for
 * reproducing vectors: the output is a public function of the seed.
 */
#include <string.h>

#include <openssl/evp.h>

#include "rng.h"

/* block[index] = SHA-256(UTF-8(seed) || u32be(index)) */
static int prng_v1_block(const char *seed, size_t seed_len, uint32_t index, uint8_t out[32])
{
    uint8_t be[4] = {(uint8_t)(index >> 24), (uint8_t)(index >> 16), (uint8_t)(index >> 8), (uint8_t)index};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, seed, seed_len) == 1 && EVP_DigestUpdate(ctx, be, sizeof(be)) == 1 &&
             EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

int esc_prng_v1_draw(esc_rng_t *r, uint8_t *out, size_t n)
{
    while (n > 0) {
        if (r->block_used == sizeof(r->block)) {
            if (prng_v1_block(r->seed, r->seed_len, r->counter, r->block) != 0) {
                return -1;
            }
            r->counter++;
            r->block_used = 0;
        }
        size_t take = sizeof(r->block) - r->block_used;
        if (take > n) {
            take = n;
        }
        memcpy(out, r->block + r->block_used, take);
        r->block_used += take;
        out += take;
        n -= take;
    }
    return 0;
}
