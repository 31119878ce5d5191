/*
 * Helpers shared by the DS tests (test_ds_*.c). Header-only, static inline,
 * so each test stays a single translation unit. Expected signatures are
 * computed with OpenSSL from the private key, independently of the DS code.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"

#define TDS_MAX_K 512

/* Private key from a PEM file (NULL on failure). */
static inline EVP_PKEY *tds_load_key(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return NULL;
    }
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static inline EVP_PKEY *tds_gen_rsa(unsigned bits)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

/* Self-signed certificate for key, DER into a malloc'd buffer. */
static inline uint8_t *tds_self_signed_der(EVP_PKEY *key, size_t *len)
{
    X509 *x = X509_new();
    uint8_t *out = NULL;
    if (x == NULL) {
        return NULL;
    }
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"ESC TEST-ONLY DS", -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (X509_sign(x, key, EVP_sha256()) > 0) {
        int n = i2d_X509(x, NULL);
        if (n > 0) {
            out = malloc((size_t)n);
            uint8_t *p = out;
            if (out != NULL && i2d_X509(x, &p) == n) {
                *len = (size_t)n;
            } else {
                free(out);
                out = NULL;
            }
        }
    }
    X509_free(x);
    return out;
}

/* PKCS#1 v1.5 SHA-256 signature by OpenSSL, big-endian, k bytes. */
static inline int tds_openssl_sign(EVP_PKEY *key, const uint8_t hash[32], uint8_t *sig, size_t k)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(key, NULL);
    size_t len = k;
    int ok = c != NULL && EVP_PKEY_sign_init(c) == 1 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1 && EVP_PKEY_sign(c, sig, &len, hash, 32) == 1 &&
             len == k;
    EVP_PKEY_CTX_free(c);
    return ok ? 0 : -1;
}

/* The message block esp_rsa_ds hands to esp_ds_sign for a SHA-256 digest:
 * EMSA-PKCS1-v1_5 (RFC 8017 9.2), byte-reversed into little-endian words. */
static inline void tds_ds_message(const uint8_t hash[32], uint8_t *msg_le, size_t k)
{
    static const uint8_t di[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    uint8_t em[TDS_MAX_K];
    memset(em, 0xff, k);
    em[0] = 0;
    em[1] = 1;
    em[k - 52] = 0;
    memcpy(em + k - 51, di, sizeof(di));
    memcpy(em + k - 32, hash, 32);
    for (size_t i = 0; i < k; i++) {
        msg_le[i] = em[k - 1 - i];
    }
}

static inline void tds_reverse(uint8_t *dst, const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        dst[i] = src[len - 1 - i];
    }
}

/* Append one TLV entry at *off of a buffer of cap bytes; 0 on success. */
static inline int tds_append(uint8_t *img, size_t cap, size_t *off, uint8_t type, uint8_t subtype,
                             const uint8_t *data, size_t len)
{
    size_t w = 0;
    if (len > 0xffff || esc_tlv_encode(img + *off, cap - *off, 0, type, subtype, data, (uint16_t)len, &w) !=
                            ESC_TLV_OK) {
        return -1;
    }
    *off += w;
    return 0;
}

/* An 8 KiB partition image (0xFF after the entries) with DS_DATA,
 * DS_CONTEXT and DEV_CERT; malloc'd. */
#define TDS_PART_SIZE 8192u
static inline uint8_t *tds_ds_image(const uint8_t *ds_data, size_t ds_len, const uint8_t ctx[8],
                                    const uint8_t *cert, size_t cert_len)
{
    uint8_t *img = malloc(TDS_PART_SIZE);
    size_t off = 0;
    if (img == NULL) {
        return NULL;
    }
    memset(img, 0xff, TDS_PART_SIZE);
    if (tds_append(img, TDS_PART_SIZE, &off, ESP_SECURE_CERT_DS_DATA_TLV, 0, ds_data, ds_len) != 0 ||
        tds_append(img, TDS_PART_SIZE, &off, ESP_SECURE_CERT_DS_CONTEXT_TLV, 0, ctx, 8) != 0 ||
        tds_append(img, TDS_PART_SIZE, &off, ESP_SECURE_CERT_DEV_CERT_TLV, 0, cert, cert_len) != 0) {
        free(img);
        return NULL;
    }
    return img;
}
