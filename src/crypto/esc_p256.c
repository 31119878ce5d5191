/*
 * P-256 private keys: range check, public key, and the RFC 5915 ECPrivateKey
 * DER encoding (written here: it is a fixed 121-byte layout, and PSA has no
 * key-to-DER export for private keys).
 */
#include <string.h>

#include "esc_crypto_psa.h"

/* Order n of the P-256 base point, big-endian (SEC 2, section 2.4.2). */
static const uint8_t P256_N[ESC_P256_PRIV_LEN] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

int esc_p256_validate_private(const uint8_t *d, size_t len)
{
    if (d == NULL || len != ESC_P256_PRIV_LEN) {
        return ESC_CRYPTO_ERR_ARG;
    }
    /* d is secret: scan every byte with no data-dependent branch. The borrow
     * out of d - n is 1 exactly when d < n. */
    unsigned borrow = 0;
    unsigned any = 0;
    for (size_t i = ESC_P256_PRIV_LEN; i-- > 0;) {
        unsigned diff = (unsigned)d[i] - (unsigned)P256_N[i] - borrow;
        borrow = (diff >> 8) & 1u;
        any |= d[i];
    }
    return (borrow == 1u && any != 0u) ? ESC_CRYPTO_OK : ESC_CRYPTO_ERR_KEY;
}

int esc_p256_public_from_private(const uint8_t d[ESC_P256_PRIV_LEN], uint8_t pub[ESC_P256_PUB_LEN])
{
    if (pub == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    int rc = esc_p256_validate_private(d, ESC_P256_PRIV_LEN);
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    /* Importing the pair makes PSA compute Q = d*G; exporting the public half
     * needs no usage flag. */
    psa_key_id_t id = 0;
    rc = esc_psa_import(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 0, 0, d, ESC_P256_PRIV_LEN, &id);
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    size_t pub_len = 0;
    psa_status_t st = psa_export_public_key(id, pub, ESC_P256_PUB_LEN, &pub_len);
    psa_destroy_key(id);
    if (st != PSA_SUCCESS || pub_len != ESC_P256_PUB_LEN || pub[0] != 0x04) {
        memset(pub, 0, ESC_P256_PUB_LEN);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

/*
 * ECPrivateKey ::= SEQUENCE {
 *   version        INTEGER 1,
 *   privateKey     OCTET STRING (32),
 *   parameters [0] OBJECT IDENTIFIER prime256v1 (1.2.840.10045.3.1.7),
 *   publicKey  [1] BIT STRING (0 unused bits, 65-byte uncompressed point) }
 * Every length is fixed, so the encoding is two constant headers around d and
 * the point.
 */
static const uint8_t DER_HEAD[] = {
    0x30, 0x77,             /* SEQUENCE, 119 bytes */
    0x02, 0x01, 0x01,       /* INTEGER 1 */
    0x04, 0x20,             /* OCTET STRING, 32 bytes: d follows */
};
static const uint8_t DER_MID[] = {
    0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, /* [0] prime256v1 */
    0xA1, 0x44, 0x03, 0x42, 0x00, /* [1] BIT STRING, 66 bytes, 0 unused bits: point follows */
};
_Static_assert(sizeof(DER_HEAD) + ESC_P256_PRIV_LEN + sizeof(DER_MID) + ESC_P256_PUB_LEN == ESC_P256_SEC1_DER_LEN,
               "ECPrivateKey layout does not add up to ESC_P256_SEC1_DER_LEN");

int esc_p256_sec1_der(const uint8_t d[ESC_P256_PRIV_LEN], uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (d == NULL || out == NULL || out_len == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    *out_len = 0;
    if (out_cap < ESC_P256_SEC1_DER_LEN) {
        return ESC_CRYPTO_ERR_SPACE;
    }
    /* The point goes straight to its place at the end of the encoding. */
    int rc = esc_p256_public_from_private(d, out + sizeof(DER_HEAD) + ESC_P256_PRIV_LEN + sizeof(DER_MID));
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    memcpy(out, DER_HEAD, sizeof(DER_HEAD));
    memcpy(out + sizeof(DER_HEAD), d, ESC_P256_PRIV_LEN);
    memcpy(out + sizeof(DER_HEAD) + ESC_P256_PRIV_LEN, DER_MID, sizeof(DER_MID));
    *out_len = ESC_P256_SEC1_DER_LEN;
    return ESC_CRYPTO_OK;
}
