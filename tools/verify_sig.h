/*
 * `verify`'s signature check: the SIGNATURE_BLOCK entries of an image,
 * checked with the library's verifier (src/api/esc_sig_verify.h), which is
 * the code the device runs.
 *
 * A signature only proves who made the image if its key is trusted, as the
 * device trusts only the key digests in eFuse (Secure Boot V2). The host has
 * no eFuse, so the trust list comes from the user: --trusted-key (a public
 * or private key file, or a certificate) and --trusted-digest (the 32-byte
 * key digest espsecure digest_sbv2_public_key prints). Without one, each
 * signature is checked against the key it carries, which proves the bytes
 * are intact but not who signed them; the report says so and gives each
 * key's digest.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "esc_sig_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_MAX_ENTRIES 16

typedef struct {
    size_t offset;       /* of the SIGNATURE_BLOCK entry */
    uint8_t subtype;
    uint8_t algorithm;   /* ESC_SIG_ALG_* (or the raw byte if malformed) */
    bool in_run;         /* one of the last run of signature entries (the ones checked) */
    bool digest_ok;      /* the entry's key could be read */
    char digest_hex[2 * ESC_SIG_KEY_DIGEST_LEN + 1];
    bool valid;          /* its signature verifies with the key it carries */
    bool trusted;        /* its key is in the trust list */
} vs_block_t;

typedef struct {
    size_t nentries;             /* SIGNATURE_BLOCK entries in the image */
    vs_block_t blocks[VS_MAX_ENTRIES];
    esc_sig_result_t structure;  /* the verifier's verdict with every embedded key trusted */
    size_t signed_len;
    bool trust_given;            /* a trust list was given */
    esc_sig_result_t trusted;    /* the verifier's verdict with that list */
} vs_result_t;

/* A trusted key from a file: PEM or DER public key, private key or X.509
 * certificate (RSA-3072 or EC). 0, or -1 with a message naming the file. */
int vs_load_trusted_key(const char *path, EVP_PKEY **out, char *err, size_t err_len);

/* 64 hex digits (espsecure's digest) -> 32 bytes. 0 or -1. */
int vs_parse_digest(const char *hex, uint8_t out[ESC_SIG_KEY_DIGEST_LEN]);

/* Check every signature of img; keys and digests form the trust list (both
 * may be empty). Always fills r. */
void vs_check(const uint8_t *img, size_t len, EVP_PKEY *const *keys, size_t nkeys,
              const uint8_t (*digests)[ESC_SIG_KEY_DIGEST_LEN], size_t ndigests, vs_result_t *r);

/* "ECDSA P-256", ... */
const char *vs_alg_name(uint8_t algorithm);

#ifdef __cplusplus
}
#endif
