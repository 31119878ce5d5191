/*
 * RSA-3072 signatures in an espsecure Secure Boot V2 block.
 *
 * The PSS salt must come from our draw (pinned in the vectors), which
 * OpenSSL's PSS signer does not allow, so EMSA-PSS (RFC 8017 9.1.1) is
 * encoded here and only the raw private-key operation is OpenSSL's. The
 * result is then verified by OpenSSL's own PSS verifier.
 *
 * SBv2 block (1216 bytes, little-endian): u8 magic 0xE7, u8 version 2, 2 x 0,
 * digest[32] = SHA-256(data), n[384], u32 e, rinv[384], u32 m', sig[384]
 * (all big numbers byte-reversed), u32 crc = zlib crc32 of the first 1196
 * bytes (initial value 0, unlike the TLV CRC), 16 x 0.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "esc_tlv.h"
#include "rsa_mont.h"
#include "sign_internal.h"

#define RSA_BYTES 384u
#define HASH_LEN 32u
#define SALT_LEN 32u
#define EM_BITS 3071u /* modBits - 1 */

static int sha256(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
                  uint8_t out[HASH_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int olen = 0;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, a, alen) &&
             (blen == 0 || EVP_DigestUpdate(md, b, blen)) && (clen == 0 || EVP_DigestUpdate(md, c, clen)) &&
             EVP_DigestFinal_ex(md, out, &olen) && olen == HASH_LEN;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

/* MGF1 with SHA-256 (RFC 8017 B.2.1), XORed into buf. */
static int mgf1_xor(uint8_t *buf, size_t len, const uint8_t seed[HASH_LEN])
{
    uint8_t block[HASH_LEN];
    for (uint32_t counter = 0, done = 0; done < len; counter++) {
        uint8_t c[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16), (uint8_t)(counter >> 8),
                        (uint8_t)counter};
        if (sha256(seed, HASH_LEN, c, 4, NULL, 0, block) != 0) {
            return -1;
        }
        for (size_t i = 0; i < HASH_LEN && done < len; i++, done++) {
            buf[done] ^= block[i];
        }
    }
    return 0;
}

/* EMSA-PSS-ENCODE for emBits 3071 (emLen 384). */
static int pss_encode(const uint8_t mhash[HASH_LEN], const uint8_t salt[SALT_LEN], uint8_t em[RSA_BYTES])
{
    static const uint8_t zeros[8] = {0};
    const size_t db_len = RSA_BYTES - HASH_LEN - 1;
    uint8_t h[HASH_LEN];
    if (sha256(zeros, sizeof(zeros), mhash, HASH_LEN, salt, SALT_LEN, h) != 0) {
        return -1;
    }
    /* DB = PS (zeros) || 0x01 || salt */
    memset(em, 0, RSA_BYTES);
    em[db_len - SALT_LEN - 1] = 0x01;
    memcpy(em + db_len - SALT_LEN, salt, SALT_LEN);
    if (mgf1_xor(em, db_len, h) != 0) {
        return -1;
    }
    em[0] &= (uint8_t)(0xFFu >> (8 * RSA_BYTES - EM_BITS));
    memcpy(em + db_len, h, HASH_LEN);
    em[RSA_BYTES - 1] = 0xBC;
    return 0;
}

static void reverse(uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t t = buf[i];
        buf[i] = buf[n - 1 - i];
        buf[n - 1 - i] = t;
    }
}

int esc_sign_rsa_sbv2_key(const esc_signing_key_t *key, uint8_t out[ESC_SIGN_SBV2_KEY_LEN], char *err,
                          size_t err_len)
{
    BIGNUM *n = NULL, *e = NULL;
    int rc = -1;
    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
        cli_fail(err, err_len, "%s: cannot read the RSA public key", key->name);
        goto done;
    }
    if (BN_num_bits(n) != 3072 || BN_num_bits(e) > 32 || !BN_is_odd(n)) {
        cli_fail(err, err_len, "%s: RSA modulus must be 3072 bits and the exponent fit 32 bits", key->name);
        goto done;
    }
    /* rinv is the ROM's name for R^2 mod n. */
    if (BN_bn2lebinpad(n, out, RSA_BYTES) != (int)RSA_BYTES ||
        rsa_mont_rr(n, 3072, out + RSA_BYTES + 4, RSA_BYTES) != 0) {
        cli_fail(err, err_len, "bignum failure");
        goto done;
    }
    esc_put_le32(out + RSA_BYTES, (uint32_t)BN_get_word(e));
    esc_put_le32(out + 2 * RSA_BYTES + 4, rsa_mont_mprime(esc_le32(out)));
    rc = 0;
done:
    BN_free(n);
    BN_free(e);
    return rc;
}

static int raw_private(const esc_signing_key_t *key, const uint8_t em[RSA_BYTES], uint8_t sig[RSA_BYTES])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    size_t sig_len = RSA_BYTES;
    int ok = ctx != NULL && EVP_PKEY_sign_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) > 0 &&
             EVP_PKEY_sign(ctx, sig, &sig_len, em, RSA_BYTES) > 0 && sig_len == RSA_BYTES;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : -1;
}

static int pss_verify(const esc_signing_key_t *key, const uint8_t mhash[HASH_LEN], const uint8_t sig[RSA_BYTES])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    int ok = ctx != NULL && EVP_PKEY_verify_init(ctx) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)SALT_LEN) > 0 &&
             EVP_PKEY_verify(ctx, sig, RSA_BYTES, mhash, HASH_LEN) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : -1;
}

int esc_sign_rsa_sbv2(const esc_signing_key_t *key, const uint8_t *data, size_t len, esc_rng_t *rng,
                      uint8_t tail[ESC_SIGN_SBV2_LEN], char *err, size_t err_len)
{
    if (key->alg != ESC_SIGN_RSA3072) {
        return cli_fail(err, err_len, "%s: not an RSA-3072 key", key->name);
    }
    uint8_t mhash[HASH_LEN], salt[SALT_LEN], em[RSA_BYTES], sig[RSA_BYTES];
    if (sha256(data, len, NULL, 0, NULL, 0, mhash) != 0) {
        return cli_fail(err, err_len, "SHA-256 failed");
    }
    if (esc_rng_draw(rng, salt, SALT_LEN) != 0) {
        return cli_fail(err, err_len, "random source failed (PSS salt)");
    }
    int rc = -1;
    if (pss_encode(mhash, salt, em) != 0 || raw_private(key, em, sig) != 0) {
        cli_fail(err, err_len, "%s: RSA signing failed", key->name);
        goto done;
    }
    if (pss_verify(key, mhash, sig) != 0) {
        cli_fail(err, err_len, "%s: the RSA-PSS signature does not verify (key inconsistent?)", key->name);
        goto done;
    }
    memset(tail, 0, ESC_SIGN_SBV2_LEN);
    tail[0] = 0xE7;
    tail[1] = 0x02;
    memcpy(tail + 4, mhash, HASH_LEN);
    if (esc_sign_rsa_sbv2_key(key, tail + 4 + HASH_LEN, err, err_len) != 0) {
        goto done;
    }
    reverse(sig, RSA_BYTES);
    memcpy(tail + 4 + HASH_LEN + ESC_SIGN_SBV2_KEY_LEN, sig, RSA_BYTES);
    /* zlib crc32 from 0 = the TLV CRC's table walk started from ~0. */
    const size_t covered = 4 + HASH_LEN + ESC_SIGN_SBV2_KEY_LEN + RSA_BYTES;
    esc_put_le32(tail + covered, esc_crc32_final(esc_crc32_update(0xFFFFFFFFu, tail, covered)));
    rc = 0;
done:
    OPENSSL_cleanse(em, sizeof(em));
    OPENSSL_cleanse(salt, sizeof(salt));
    return rc;
}
