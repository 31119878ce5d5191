/*
 * The Montgomery constants Espressif's RSA hardware takes with a modulus n
 * (the DS peripheral's parameters, ds_gen.c; the Secure Boot V2 signature
 * block, sign_rsa.c): R^2 mod n with R = 2^bits, and m' = -n^-1 mod 2^32.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2^(2 * bits) mod n, little-endian, zero-padded to len bytes. 0, or -1 if
 * the arithmetic fails or the value does not fit. */
int rsa_mont_rr(const BIGNUM *n, unsigned bits, uint8_t *out_le, size_t len);

/* -n^-1 mod 2^32 from the modulus' lowest 32-bit word (n is odd). */
uint32_t rsa_mont_mprime(uint32_t n0);

#ifdef __cplusplus
}
#endif
