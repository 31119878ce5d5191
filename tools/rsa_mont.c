/*
 * Montgomery constants; see rsa_mont.h.
 */
#include "rsa_mont.h"

int rsa_mont_rr(const BIGNUM *n, unsigned bits, uint8_t *out_le, size_t len)
{
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *r = BN_new();
    BIGNUM *rr = BN_new();
    int ok = ctx != NULL && r != NULL && rr != NULL && BN_lshift(r, BN_value_one(), (int)(2 * bits)) &&
             BN_mod(rr, r, n, ctx) && BN_bn2lebinpad(rr, out_le, (int)len) == (int)len;
    BN_free(r);
    BN_free(rr);
    BN_CTX_free(ctx);
    return ok ? 0 : -1;
}

uint32_t rsa_mont_mprime(uint32_t n0)
{
    /* Newton's iteration for the inverse: n0 is its own inverse to 3 bits
     * (n0 * n0 = 1 mod 8 for odd n0) and each step doubles the correct low
     * bits, so four steps reach 48 >= 32. */
    uint32_t x = n0;
    for (int i = 0; i < 4; i++) {
        x *= 2u - n0 * x;
    }
    return 0u - x;
}
