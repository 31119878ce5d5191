/*
 * Certificate and private key input; see key_input.h for what is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "key_input.h"
#include "text_codec.h"

/* One PEM block found in a text: label and the bytes between the BEGIN and
 * END lines (headers and base64, any line breaks). */
typedef struct {
    char label[64];
    const char *body;
    size_t body_len;
    const char *block_end; /* just past the END line's dashes */
} pem_block_t;

static const char *find_str(const char *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0 || hay_len < n) {
        return NULL;
    }
    for (size_t i = 0; i + n <= hay_len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

/* Next complete PEM block at or after `from`. 0 if found. */
static int next_pem_block(const char *text, size_t len, const char *from, pem_block_t *b)
{
    const char *end = text + len;
    const char *p = from;
    while (p < end) {
        const char *begin = find_str(p, (size_t)(end - p), "-----BEGIN ");
        if (begin == NULL) {
            return -1;
        }
        const char *lab = begin + 11;
        const char *dash = find_str(lab, (size_t)(end - lab), "-----");
        if (dash == NULL) {
            return -1;
        }
        size_t lab_len = (size_t)(dash - lab);
        if (lab_len == 0 || lab_len >= sizeof(b->label) || memchr(lab, '\n', lab_len) != NULL) {
            p = lab;
            continue;
        }
        memcpy(b->label, lab, lab_len);
        b->label[lab_len] = 0;
        char end_line[96];
        snprintf(end_line, sizeof(end_line), "-----END %s-----", b->label);
        const char *body = dash + 5;
        const char *stop = find_str(body, (size_t)(end - body), end_line);
        if (stop == NULL) {
            p = body;
            continue;
        }
        b->body = body;
        b->body_len = (size_t)(stop - body);
        b->block_end = stop + strlen(end_line);
        return 0;
    }
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Does the body carry RFC 1421 headers (Proc-Type, DEK-Info)? */
static bool has_headers(const pem_block_t *b)
{
    return find_str(b->body, b->body_len, "Proc-Type:") != NULL || find_str(b->body, b->body_len, "DEK-Info:");
}

/* Canonical PEM text (64-column base64, "\n" line ends) of DER bytes. */
static int pem_encode(const char *label, const uint8_t *der, size_t der_len, char **pem, size_t *pem_len)
{
    size_t b64_len = (der_len + 2) / 3 * 4;
    size_t cap = 2 * strlen(label) + 40 + b64_len + b64_len / 64 + 2;
    char *out = malloc(cap);
    if (out == NULL) {
        return -1;
    }
    size_t n = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", label);
    for (size_t off = 0; off < der_len; off += 48) {
        size_t chunk = der_len - off < 48 ? der_len - off : 48;
        n += (size_t)EVP_EncodeBlock((unsigned char *)out + n, der + off, (int)chunk);
        out[n++] = '\n';
    }
    n += (size_t)snprintf(out + n, cap - n, "-----END %s-----\n", label);
    *pem = out;
    *pem_len = n;
    return 0;
}

/* PEM text may follow other text (a comment, a key before a certificate). */
static bool looks_pem(const uint8_t *data, size_t len)
{
    return find_str((const char *)data, len, "-----BEGIN ") != NULL;
}

/* The PEM block re-flowed so that OpenSSL's PEM reader accepts it: BEGIN
 * line, headers (if any) and a blank line, base64 in 64-column lines, END. */
static char *normalise_pem(const pem_block_t *b)
{
    size_t cap = b->body_len * 2 + 2 * strlen(b->label) + 64;
    char *out = malloc(cap);
    if (out == NULL) {
        return NULL;
    }
    size_t n = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", b->label);
    const char *p = b->body;
    const char *end = b->body + b->body_len;
    if (has_headers(b)) {
        /* Leading "Name: value" lines are headers; a blank line ends them. */
        bool any = false;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *line_end = nl ? nl : end;
            const char *q = p;
            while (q < line_end && is_space(*q)) {
                q++;
            }
            size_t l = (size_t)(line_end - q);
            while (l > 0 && is_space(q[l - 1])) {
                l--;
            }
            if (l > 0 && memchr(q, ':', l) == NULL) {
                break; /* first base64 line */
            }
            if (l > 0) {
                memcpy(out + n, q, l);
                n += l;
                out[n++] = '\n';
                any = true;
            } else if (any) {
                p = nl ? nl + 1 : end;
                break;
            }
            p = nl ? nl + 1 : end;
        }
        out[n++] = '\n';
    }
    size_t col = 0;
    for (; p < end; p++) {
        if (is_space(*p)) {
            continue;
        }
        out[n++] = *p;
        if (++col == 64) {
            out[n++] = '\n';
            col = 0;
        }
    }
    if (col != 0) {
        out[n++] = '\n';
    }
    n += (size_t)snprintf(out + n, cap - n, "-----END %s-----\n", b->label);
    return out;
}

static bool is_cert_label(const char *label)
{
    return strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0;
}

static void openssl_reason(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    if (e == 0) {
        snprintf(buf, cap, "not valid ASN.1");
    } else {
        ERR_error_string_n(e, buf, cap);
    }
    ERR_clear_error();
}

int ki_load_cert(const uint8_t *data, size_t len, const char *what, ki_cert_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    const char *text = (const char *)data;
    char why[256];
    if (looks_pem(data, len)) {
        pem_block_t b;
        const char *from = text;
        bool found = false;
        pem_block_t first;
        while (next_pem_block(text, len, from, &b) == 0) {
            if (is_cert_label(b.label)) {
                if (!found) {
                    first = b;
                    found = true;
                } else {
                    out->extra_certs++;
                }
            }
            from = b.block_end;
        }
        if (!found) {
            snprintf(err, err_len, "%s: no PEM CERTIFICATE block found", what);
            return -1;
        }
        uint8_t *der = malloc(TEXT_BASE64_DECODED_MAX(first.body_len));
        size_t der_len = 0;
        if (der == NULL) {
            snprintf(err, err_len, "%s: out of memory", what);
            return -1;
        }
        if (text_base64_decode(first.body, first.body_len, TEXT_BASE64_STRICT, der, &der_len, why, sizeof(why)) !=
            0) {
            snprintf(err, err_len, "%s: the PEM certificate has invalid base64 (%s)", what, why);
            free(der);
            return -1;
        }
        const unsigned char *p = der;
        X509 *x = d2i_X509(NULL, &p, (long)der_len);
        if (x == NULL || (size_t)(p - der) != der_len) {
            openssl_reason(why, sizeof(why));
            snprintf(err, err_len, "%s: the PEM block is not a valid X.509 certificate (%s)", what,
                     x ? "trailing bytes" : why);
            X509_free(x);
            free(der);
            return -1;
        }
        X509_free(x);
        char *pem = NULL;
        size_t pem_len = 0;
        int rc = pem_encode("CERTIFICATE", der, der_len, &pem, &pem_len);
        free(der);
        if (rc != 0) {
            snprintf(err, err_len, "%s: out of memory", what);
            return -1;
        }
        /* The original stores PEM text with its terminating NUL. */
        out->stored = (uint8_t *)pem;
        out->stored[pem_len] = 0;
        out->stored_len = pem_len + 1;
        out->encoding = KI_PEM;
        return 0;
    }

    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL || (size_t)(p - data) != len) {
        openssl_reason(why, sizeof(why));
        snprintf(err, err_len, "%s: not a PEM or DER X.509 certificate (%s)", what, x ? "trailing bytes" : why);
        X509_free(x);
        return -1;
    }
    X509_free(x);
    out->stored = malloc(len ? len : 1);
    if (out->stored == NULL) {
        snprintf(err, err_len, "%s: out of memory", what);
        return -1;
    }
    memcpy(out->stored, data, len);
    out->stored_len = len;
    out->encoding = KI_DER;
    return 0;
}

X509 *ki_stored_cert(const uint8_t *data, size_t len)
{
    static const char k_pem[] = "-----BEGIN";
    if (len >= sizeof(k_pem) - 1 && memcmp(data, k_pem, sizeof(k_pem) - 1) == 0) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        return x;
    }
    const unsigned char *p = data;
    return d2i_X509(NULL, &p, (long)len);
}

void ki_cert_free(ki_cert_t *c)
{
    if (c != NULL) {
        free(c->stored);
        memset(c, 0, sizeof(*c));
    }
}

typedef struct {
    const char *password;
    bool asked;
} pw_ctx_t;

static int pw_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    pw_ctx_t *ctx = u;
    ctx->asked = true;
    if (ctx->password == NULL) {
        return -1; /* encrypted and no password: fail instead of prompting */
    }
    size_t n = strlen(ctx->password);
    if (n > (size_t)size) {
        return -1;
    }
    memcpy(buf, ctx->password, n);
    return (int)n;
}

static bool pkey_supported(const EVP_PKEY *pkey)
{
    int id = EVP_PKEY_get_base_id(pkey);
    return id == EVP_PKEY_RSA || id == EVP_PKEY_EC;
}

/* Traditional encodings: PEM text + NUL, or DER. */
static int encode_traditional(EVP_PKEY *pkey, ki_encoding_t enc, uint8_t **out, size_t *out_len)
{
    if (enc == KI_DER) {
        unsigned char *der = NULL;
        int n = i2d_PrivateKey(pkey, &der);
        if (n <= 0) {
            return -1;
        }
        *out = malloc((size_t)n);
        if (*out == NULL) {
            OPENSSL_clear_free(der, (size_t)n);
            return -1;
        }
        memcpy(*out, der, (size_t)n);
        *out_len = (size_t)n;
        OPENSSL_clear_free(der, (size_t)n);
        return 0;
    }
    BIO *bio = BIO_new(BIO_s_secmem());
    if (bio == NULL) {
        bio = BIO_new(BIO_s_mem());
    }
    if (bio == NULL || PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1) {
        BIO_free(bio);
        return -1;
    }
    char *mem = NULL;
    long n = BIO_get_mem_data(bio, &mem);
    if (n <= 0) {
        BIO_free(bio);
        return -1;
    }
    *out = malloc((size_t)n + 1);
    if (*out == NULL) {
        BIO_free(bio);
        return -1;
    }
    memcpy(*out, mem, (size_t)n);
    (*out)[n] = 0;
    *out_len = (size_t)n + 1;
    BIO_free(bio); /* secure-memory BIO wipes itself */
    return 0;
}

int ki_load_key(const uint8_t *data, size_t len, const char *password, const char *what, ki_key_t *out,
                bool *password_unused, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (password_unused != NULL) {
        *password_unused = false;
    }
    pw_ctx_t pw = {password, false};
    EVP_PKEY *pkey = NULL;
    char why[256];
    ERR_clear_error();

    if (looks_pem(data, len)) {
        const char *text = (const char *)data;
        pem_block_t b;
        const char *from = text;
        bool found = false;
        while (next_pem_block(text, len, from, &b) == 0) {
            size_t l = strlen(b.label);
            if (l >= 11 && strcmp(b.label + l - 11, "PRIVATE KEY") == 0) {
                found = true;
                break;
            }
            from = b.block_end;
        }
        if (!found) {
            snprintf(err, err_len, "%s: no PEM PRIVATE KEY block found", what);
            return -1;
        }
        out->was_encrypted = strcmp(b.label, "ENCRYPTED PRIVATE KEY") == 0 || has_headers(&b);
        char *norm = normalise_pem(&b);
        if (norm == NULL) {
            snprintf(err, err_len, "%s: out of memory", what);
            return -1;
        }
        BIO *bio = BIO_new_mem_buf(norm, -1);
        if (bio != NULL) {
            pkey = PEM_read_bio_PrivateKey(bio, NULL, pw_cb, &pw);
        }
        BIO_free(bio);
        cli_free_secret(norm, strlen(norm));
        out->encoding = KI_PEM;
    } else {
        const unsigned char *p = data;
        pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
        if (pkey == NULL) {
            /* Encrypted PKCS#8 DER. */
            ERR_clear_error();
            BIO *bio = BIO_new_mem_buf(data, (int)len);
            if (bio != NULL) {
                pkey = d2i_PKCS8PrivateKey_bio(bio, NULL, pw_cb, &pw);
                if (pkey != NULL || pw.asked) {
                    out->was_encrypted = true;
                }
            }
            BIO_free(bio);
        }
        out->encoding = KI_DER;
    }

    if (pkey == NULL) {
        openssl_reason(why, sizeof(why));
        if (out->was_encrypted && password == NULL) {
            snprintf(err, err_len, "%s: the private key is encrypted; give its password with --password", what);
        } else if (out->was_encrypted) {
            snprintf(err, err_len, "%s: cannot decrypt the private key: wrong password? (%s)", what, why);
        } else {
            snprintf(err, err_len, "%s: not a PEM or DER private key (%s)", what, why);
        }
        return -1;
    }
    if (!pkey_supported(pkey)) {
        snprintf(err, err_len, "%s: unsupported key type %s (only RSA and EC keys can be stored)", what,
                 EVP_PKEY_get0_type_name(pkey) ? EVP_PKEY_get0_type_name(pkey) : "?");
        EVP_PKEY_free(pkey);
        return -1;
    }
    if (password != NULL && !out->was_encrypted && password_unused != NULL) {
        *password_unused = true;
    }
    if (encode_traditional(pkey, out->encoding, &out->stored, &out->stored_len) != 0) {
        openssl_reason(why, sizeof(why));
        snprintf(err, err_len, "%s: cannot re-encode the private key (%s)", what, why);
        EVP_PKEY_free(pkey);
        return -1;
    }
    out->pkey = pkey;
    return 0;
}

void ki_key_free(ki_key_t *k)
{
    if (k == NULL) {
        return;
    }
    cli_free_secret(k->stored, k->stored_len);
    EVP_PKEY_free(k->pkey);
    memset(k, 0, sizeof(*k));
}

const char *ki_key_algorithm(const EVP_PKEY *pkey)
{
    switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_EC: return "EC";
    default: return NULL;
    }
}

int ki_key_bits(const EVP_PKEY *pkey)
{
    return EVP_PKEY_get_bits(pkey);
}

int ki_ec_private_scalar(const EVP_PKEY *pkey, uint8_t *out, size_t nbytes)
{
    BIGNUM *d = NULL;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) {
        return -1;
    }
    int rc = BN_bn2binpad(d, out, (int)nbytes) == (int)nbytes ? 0 : -1;
    BN_clear_free(d);
    return rc;
}
