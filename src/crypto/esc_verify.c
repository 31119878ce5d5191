/* Signature verification (ECDSA, RSA-PSS) and SHA-256/384 over PSA. */
#include <stdlib.h>
#include <string.h>

#include "esc_crypto_psa.h"
#include "esc_verify.h"

#define ESC_ECC_MAX_BYTES 48              /* P-384 */
#define ESC_RSA_MIN_BYTES 128
#define ESC_RSA_MAX_BYTES 512
/* SEQUENCE { INTEGER n, INTEGER e }: tags, 3-byte lengths, sign bytes. */
#define ESC_RSA_PUB_DER_MAX (ESC_RSA_MAX_BYTES + 32)

size_t esc_hash_len(esc_hash_alg_t alg)
{
    switch (alg) {
    case ESC_HASH_SHA256:
        return ESC_SHA256_LEN;
    case ESC_HASH_SHA384:
        return ESC_SHA384_LEN;
    default:
        return 0;
    }
}

static psa_algorithm_t psa_hash_of(esc_hash_alg_t alg)
{
    return alg == ESC_HASH_SHA384 ? PSA_ALG_SHA_384 : PSA_ALG_SHA_256;
}

int esc_hash(esc_hash_alg_t alg, const void *data, size_t len, uint8_t *out)
{
    size_t want = esc_hash_len(alg);
    if (want == 0 || out == NULL || (data == NULL && len > 0)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    int rc = esc_crypto_init();
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    size_t got = 0;
    psa_status_t st = psa_hash_compute(psa_hash_of(alg), (const uint8_t *)data, len, out, want, &got);
    if (st != PSA_SUCCESS || got != want) {
        memset(out, 0, want);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

static int verify_status(psa_status_t st)
{
    if (st == PSA_SUCCESS) {
        return ESC_CRYPTO_OK;
    }
    /* A signature that is not even the right shape is still "does not
     * verify" for the caller; only backend trouble is reported apart. */
    if (st == PSA_ERROR_INVALID_SIGNATURE || st == PSA_ERROR_INVALID_ARGUMENT) {
        return ESC_CRYPTO_ERR_AUTH;
    }
    return ESC_CRYPTO_ERR_BACKEND;
}

int esc_ecdsa_verify_digest(unsigned curve_bits, const uint8_t *x, const uint8_t *y, const uint8_t *digest,
                            size_t digest_len, const uint8_t *r, const uint8_t *s)
{
    if (x == NULL || y == NULL || digest == NULL || r == NULL || s == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    if (curve_bits != 192 && curve_bits != 256 && curve_bits != 384) {
        return ESC_CRYPTO_ERR_ARG;
    }
    psa_algorithm_t hash_alg;
    if (digest_len == ESC_SHA256_LEN) {
        hash_alg = PSA_ALG_SHA_256;
    } else if (digest_len == ESC_SHA384_LEN) {
        hash_alg = PSA_ALG_SHA_384;
    } else {
        return ESC_CRYPTO_ERR_ARG;
    }
    const size_t nb = curve_bits / 8;
    uint8_t point[1 + 2 * ESC_ECC_MAX_BYTES];
    uint8_t sig[2 * ESC_ECC_MAX_BYTES];
    point[0] = 0x04; /* uncompressed SEC1 point, as PSA imports public keys */
    memcpy(point + 1, x, nb);
    memcpy(point + 1 + nb, y, nb);
    memcpy(sig, r, nb);
    memcpy(sig + nb, s, nb);

    const psa_algorithm_t alg = PSA_ALG_ECDSA(hash_alg);
    psa_key_id_t id = 0;
    int rc = esc_psa_import(PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1), alg, PSA_KEY_USAGE_VERIFY_HASH,
                            point, 1 + 2 * nb, &id);
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    psa_status_t st = psa_verify_hash(id, alg, digest, digest_len, sig, 2 * nb);
    psa_destroy_key(id);
    return verify_status(st);
}

/* DER length octets for a content of `len` bytes; returns bytes written. */
static size_t der_len(uint8_t *p, size_t len)
{
    if (len < 0x80) {
        p[0] = (uint8_t)len;
        return 1;
    }
    if (len < 0x100) {
        p[0] = 0x81;
        p[1] = (uint8_t)len;
        return 2;
    }
    p[0] = 0x82;
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)len;
    return 3;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 * (RFC 8017 A.1.1), the form PSA imports RSA public keys in. */
static size_t rsa_public_der(uint8_t *out, const uint8_t *n, size_t n_len, uint32_t e)
{
    uint8_t e_be[5];
    size_t e_len = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        uint8_t b = (uint8_t)(e >> shift);
        if (e_len == 0 && b == 0) {
            continue;
        }
        if (e_len == 0 && (b & 0x80)) {
            e_be[e_len++] = 0; /* keep the INTEGER positive */
        }
        e_be[e_len++] = b;
    }
    const size_t n_pad = (n[0] & 0x80) ? 1 : 0;
    uint8_t n_hdr[4];
    uint8_t e_hdr[4];
    n_hdr[0] = 0x02;
    size_t n_hdr_len = 1 + der_len(n_hdr + 1, n_len + n_pad);
    e_hdr[0] = 0x02;
    size_t e_hdr_len = 1 + der_len(e_hdr + 1, e_len);
    size_t body = n_hdr_len + n_pad + n_len + e_hdr_len + e_len;

    size_t o = 0;
    out[o++] = 0x30;
    o += der_len(out + o, body);
    memcpy(out + o, n_hdr, n_hdr_len);
    o += n_hdr_len;
    if (n_pad) {
        out[o++] = 0;
    }
    memcpy(out + o, n, n_len);
    o += n_len;
    memcpy(out + o, e_hdr, e_hdr_len);
    o += e_hdr_len;
    memcpy(out + o, e_be, e_len);
    o += e_len;
    return o;
}

int esc_rsa_pss_sha256_verify_digest(const uint8_t *n, size_t n_len, uint32_t e,
                                     const uint8_t digest[ESC_SHA256_LEN], const uint8_t *sig, size_t sig_len)
{
    if (n == NULL || digest == NULL || sig == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    if (n_len < ESC_RSA_MIN_BYTES || n_len > ESC_RSA_MAX_BYTES || sig_len != n_len) {
        return ESC_CRYPTO_ERR_ARG;
    }
    /* A leading zero byte would make the key shorter than the block says,
     * and an even modulus or tiny exponent is no RSA key at all. */
    if (n[0] == 0 || (n[n_len - 1] & 1u) == 0 || e < 3 || (e & 1u) == 0) {
        return ESC_CRYPTO_ERR_KEY;
    }
    /* On the heap: on the stack it would put verify_partition_signature's
     * call chain over 1 KiB (ci/idf_check.sh reports it). A public key, so
     * nothing to wipe. */
    uint8_t *der = malloc(ESC_RSA_PUB_DER_MAX);
    if (der == NULL) {
        return ESC_CRYPTO_ERR_SPACE;
    }
    size_t der_size = rsa_public_der(der, n, n_len, e);

    const psa_algorithm_t alg = PSA_ALG_RSA_PSS(PSA_ALG_SHA_256);
    psa_key_id_t id = 0;
    int rc = esc_psa_import(PSA_KEY_TYPE_RSA_PUBLIC_KEY, alg, PSA_KEY_USAGE_VERIFY_HASH, der, der_size, &id);
    free(der);
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    psa_status_t st = psa_verify_hash(id, alg, digest, ESC_SHA256_LEN, sig, sig_len);
    psa_destroy_key(id);
    return verify_status(st);
}
