/*
 * Certificates and private keys as the generator stores them.
 *
 * The bytes stored follow the original tool exactly (checked against the
 * vectors' data_sha256):
 *  - certificate, PEM input: the first CERTIFICATE block re-encoded as
 *    canonical PEM (64-column base64, '\n' line ends) plus one NUL byte;
 *    DER input: the DER bytes;
 *  - private key, PEM input: the key re-encoded in the "traditional" form
 *    (PKCS#1 RSAPrivateKey / SEC1 ECPrivateKey) as PEM plus one NUL byte;
 *    DER input: the traditional DER (so a PKCS#8 DER key is stored as PKCS#1).
 * PEM is recognised with or without line breaks (a whole PEM on one CSV
 * line works), encrypted keys (PKCS#8 or legacy PEM) need a password.
 * Only RSA and EC keys are accepted.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    KI_PEM = 0,
    KI_DER = 1,
} ki_encoding_t;

typedef struct {
    uint8_t *stored;     /* bytes for the TLV entry (malloc'ed) */
    size_t stored_len;
    ki_encoding_t encoding;
    unsigned extra_certs; /* further certificates in the input (ignored) */
} ki_cert_t;

typedef struct {
    EVP_PKEY *pkey;
    uint8_t *stored;     /* bytes for the TLV entry (malloc'ed, secret) */
    size_t stored_len;
    ki_encoding_t encoding;
    bool was_encrypted;
} ki_key_t;

/* `what` names the input in messages (a path, or "CSV line 4"). 0 on
 * success; -1 with a message in err. */
int ki_load_cert(const uint8_t *data, size_t len, const char *what, ki_cert_t *out, char *err, size_t err_len);
void ki_cert_free(ki_cert_t *c);

/* password may be NULL. A password given for an unencrypted key is ignored
 * (with *password_unused set when not NULL). */
int ki_load_key(const uint8_t *data, size_t len, const char *password, const char *what, ki_key_t *out,
                bool *password_unused, char *err, size_t err_len);
void ki_key_free(ki_key_t *k); /* wipes the stored bytes */

/* The certificate in stored CA_CERT / DEV_CERT bytes (PEM text, with or
 * without its NUL, or DER), or NULL. */
X509 *ki_stored_cert(const uint8_t *data, size_t len);

/* "RSA" or "EC" (or NULL), and the size in bits. */
const char *ki_key_algorithm(const EVP_PKEY *pkey);
int ki_key_bits(const EVP_PKEY *pkey);
/* EC private scalar, big-endian, left-padded to nbytes. 0 on success. */
int ki_ec_private_scalar(const EVP_PKEY *pkey, uint8_t *out, size_t nbytes);

#ifdef __cplusplus
}
#endif
