/*
 * ECDSA with a nonce from our draw (the vectors pin it), so the arithmetic is
 * done with OpenSSL's BIGNUM and EC_POINT rather than its signer, which picks
 * its own nonce:
 *   k: nbytes = ceil(bits(n)/8) drawn, big-endian, shifted right by
 *      8*nbytes - bits(n); drawn again unless 1 <= k < n;
 *   r = x(kG) mod n, s = k^-1 (e + r d) mod n (no low-s), drawn again if
 *   either is 0; e = the digest truncated to bits(n).
 * Output: curve_id || X || Y || r || s, little-endian each.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "sign_internal.h"

/* Each try fails with probability < 2^-32 on these curves; many failures in
 * a row mean a broken random source, not bad luck. */
#define MAX_NONCE_TRIES 64

static int curve_nid(esc_sign_alg_t alg)
{
    switch (alg) {
    case ESC_SIGN_ECDSA192:
        return NID_X9_62_prime192v1;
    case ESC_SIGN_ECDSA256:
        return NID_X9_62_prime256v1;
    case ESC_SIGN_ECDSA384:
        return NID_secp384r1;
    default:
        return NID_undef;
    }
}

static const EVP_MD *digest_of(esc_sign_alg_t alg)
{
    return alg == ESC_SIGN_ECDSA384 ? EVP_sha384() : EVP_sha256();
}

int esc_sign_ecdsa_public(const esc_signing_key_t *key, uint8_t *out, size_t out_len, char *err, size_t err_len)
{
    const size_t cl = esc_sign_coord_len(key->alg);
    if (cl == 0 || out_len < 1 + 2 * cl) {
        return cli_fail(err, err_len, "%s: not an ECDSA key", key->name);
    }
    BIGNUM *x = NULL, *y = NULL;
    int rc = -1;
    if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
        EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
        BN_bn2lebinpad(x, out + 1, (int)cl) == (int)cl && BN_bn2lebinpad(y, out + 1 + cl, (int)cl) == (int)cl) {
        out[0] = (uint8_t)key->alg; /* curve id 1/2/3 = algorithm 1/2/3 */
        rc = 0;
    } else {
        cli_fail(err, err_len, "%s: cannot read the EC public key", key->name);
    }
    BN_free(x);
    BN_free(y);
    return rc;
}

/* OpenSSL's verifier over the digest, with (r, s) as a DER ECDSA-Sig. */
static int verify_openssl(const esc_signing_key_t *key, const uint8_t *digest, size_t dlen, const BIGNUM *r,
                          const BIGNUM *s)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r2 = BN_dup(r), *s2 = BN_dup(s);
    unsigned char *der = NULL;
    int der_len = -1;
    if (sig != NULL && r2 != NULL && s2 != NULL && ECDSA_SIG_set0(sig, r2, s2)) {
        r2 = s2 = NULL; /* owned by sig now */
        der_len = i2d_ECDSA_SIG(sig, &der);
    }
    BN_free(r2);
    BN_free(s2);
    ECDSA_SIG_free(sig);
    if (der_len <= 0) {
        return -1;
    }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    int ok = ctx != NULL && EVP_PKEY_verify_init(ctx) > 0 &&
             EVP_PKEY_CTX_set_signature_md(ctx, digest_of(key->alg)) > 0 &&
             EVP_PKEY_verify(ctx, der, (size_t)der_len, digest, dlen) == 1;
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_free(der);
    return ok ? 0 : -1;
}

int esc_sign_ecdsa(const esc_signing_key_t *key, const uint8_t *data, size_t len, esc_rng_t *rng, uint8_t *tail,
                   size_t tail_len, char *err, size_t err_len)
{
    const size_t cl = esc_sign_coord_len(key->alg);
    if (cl == 0 || tail_len != esc_sign_tail_len(key->alg)) {
        return cli_fail(err, err_len, "%s: not an ECDSA key", key->name);
    }
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_Digest(data, len, digest, &dlen, digest_of(key->alg), NULL)) {
        return cli_fail(err, err_len, "digest failed");
    }

    int rc = -1;
    EC_GROUP *group = EC_GROUP_new_by_curve_name(curve_nid(key->alg));
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *d = NULL, *k = BN_secure_new(), *kinv = BN_secure_new(), *e = BN_new(), *r = BN_new(), *s = BN_new();
    BIGNUM *x = BN_new(), *tmp = BN_secure_new();
    EC_POINT *kg = group != NULL ? EC_POINT_new(group) : NULL;
    uint8_t draw[48];
    if (group == NULL || bn == NULL || k == NULL || kinv == NULL || e == NULL || r == NULL || s == NULL || x == NULL ||
        tmp == NULL || kg == NULL) {
        cli_fail(err, err_len, "out of memory");
        goto done;
    }
    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d)) {
        cli_fail(err, err_len, "%s: cannot read the EC private scalar", key->name);
        goto done;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    BN_set_flags(k, BN_FLG_CONSTTIME);
    const BIGNUM *n = EC_GROUP_get0_order(group);
    const int nbits = BN_num_bits(n);
    const size_t nbytes = ((size_t)nbits + 7) / 8;
    /* e: leftmost bits(n) bits of the digest. */
    if (!BN_bin2bn(digest, (int)dlen, e) || ((int)dlen * 8 > nbits && !BN_rshift(e, e, (int)dlen * 8 - nbits))) {
        cli_fail(err, err_len, "bignum failure");
        goto done;
    }

    int tries = 0;
    for (;;) {
        if (++tries > MAX_NONCE_TRIES) {
            cli_fail(err, err_len, "no usable ECDSA nonce after %d draws: random source broken", MAX_NONCE_TRIES);
            goto done;
        }
        if (esc_rng_draw(rng, draw, nbytes) != 0) {
            cli_fail(err, err_len, "random source failed (ECDSA nonce)");
            goto done;
        }
        if (!BN_bin2bn(draw, (int)nbytes, k) || !BN_rshift(k, k, (int)(8 * nbytes) - nbits)) {
            cli_fail(err, err_len, "bignum failure");
            goto done;
        }
        if (BN_is_zero(k) || BN_cmp(k, n) >= 0) {
            continue;
        }
        /* r = x(kG) mod n */
        if (!EC_POINT_mul(group, kg, k, NULL, NULL, bn) || !EC_POINT_get_affine_coordinates(group, kg, x, NULL, bn) ||
            !BN_nnmod(r, x, n, bn)) {
            cli_fail(err, err_len, "EC arithmetic failed");
            goto done;
        }
        if (BN_is_zero(r)) {
            continue;
        }
        /* s = k^-1 (e + r d) mod n */
        if (!BN_mod_inverse(kinv, k, n, bn) || !BN_mod_mul(tmp, r, d, n, bn) || !BN_mod_add(tmp, tmp, e, n, bn) ||
            !BN_mod_mul(s, kinv, tmp, n, bn)) {
            cli_fail(err, err_len, "bignum failure");
            goto done;
        }
        if (!BN_is_zero(s)) {
            break;
        }
    }

    if (verify_openssl(key, digest, dlen, r, s) != 0) {
        cli_fail(err, err_len, "%s: the ECDSA signature does not verify (key inconsistent?)", key->name);
        goto done;
    }
    if (esc_sign_ecdsa_public(key, tail, tail_len, err, err_len) != 0) {
        goto done;
    }
    if (BN_bn2lebinpad(r, tail + 1 + 2 * cl, (int)cl) != (int)cl ||
        BN_bn2lebinpad(s, tail + 1 + 3 * cl, (int)cl) != (int)cl) {
        cli_fail(err, err_len, "bignum failure");
        goto done;
    }
    rc = 0;
done:
    OPENSSL_cleanse(draw, sizeof(draw));
    BN_clear_free(d);
    BN_clear_free(k);
    BN_clear_free(kinv);
    BN_clear_free(tmp);
    BN_free(e);
    BN_free(r);
    BN_free(s);
    BN_free(x);
    EC_POINT_free(kg);
    EC_GROUP_free(group);
    BN_CTX_free(bn);
    return rc;
}
