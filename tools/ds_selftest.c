/*
 * DS self-test (see ds_selftest.h). The device side is exercised only through
 * the public API and the port, as firmware would use them; the check itself
 * is OpenSSL's, independent of the library's crypto layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cli.h"
#include "ds_selftest.h"
#include "esc_ds_layout.h"
#include "esc_port.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"
#include "host_ds.h"
#include "host_efuse.h"
#include "key_input.h"

#define SELFTEST_MESSAGE "esp-secure-cert DS self-test"

/* EMSA-PKCS1-v1_5 (RFC 8017 9.2) with SHA-256, as mbedTLS builds it for
 * esp_rsa_ds: 00 01 FF..FF 00 || DigestInfo || H, k bytes. */
static void pkcs1_v15_sha256(const uint8_t hash[32], uint8_t *em, size_t k)
{
    static const uint8_t digest_info[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                          0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    size_t t_len = sizeof(digest_info) + 32;
    em[0] = 0x00;
    em[1] = 0x01;
    memset(em + 2, 0xff, k - t_len - 3);
    em[k - t_len - 1] = 0x00;
    memcpy(em + k - t_len, digest_info, sizeof(digest_info));
    memcpy(em + k - 32, hash, 32);
}

/* The DS peripheral works on little-endian words; mbedTLS on big-endian bytes. */
static void st_reverse_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        dst[i] = src[len - 1 - i];
    }
}

static const char *ds_error_text(esp_err_t e)
{
    switch (e) {
    case ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL:
        return "the eFuse key block cannot serve the DS peripheral (HMAC failure: wrong key purpose)";
    case ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST:
        return "invalid digest: the eFuse HMAC key does not decrypt the DS parameters (wrong key, wrong chip "
               "or corrupted DS data)";
    case ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING:
        return "invalid padding in the decrypted DS parameters (corrupted DS data)";
    case ESP_ERR_NOT_SUPPORTED:
        return "the emulated chip has no RSA DS peripheral";
    case ESP_ERR_INVALID_SIZE:
        return "the DS data is shorter than the chip's layout";
    default:
        return "the DS peripheral refused the parameters";
    }
}

/* The DS_DATA entry's ciphertext must be this chip's size: a 3072-bit chip's
 * data cannot sign on a 4096-bit chip and the other way round. */
static int check_entry_for_chip(const char *chip, char *err, size_t err_len)
{
    const esc_ds_chip_t *c = esc_ds_chip_find(chip);
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_DS_DATA_TLV, .subtype = ESP_SECURE_CERT_SUBTYPE_0};
    esp_secure_cert_tlv_info_t info;
    if (esp_secure_cert_get_tlv_info(&cfg, &info) != ESP_OK) {
        cli_fail(err, err_len, "no DS data entry (DS_DATA, subtype 0) in the partition");
        return 1;
    }
    size_t c_len = info.length >= ESC_DS_DATA_HEADER_LEN ? info.length - ESC_DS_DATA_HEADER_LEN : 0;
    esp_secure_cert_free_tlv_info(&info);
    unsigned entry_max = 0;
    if (esc_ds_c_len_valid(c_len, &entry_max) && c_len != esc_ds_chip_c_len(c)) {
        cli_fail(err, err_len, "the DS data was generated for a chip with %u-bit RSA DS (%zu-byte ciphertext), "
                "not for %s", entry_max, c_len, chip);
        return 1;
    }
    return 0;
}

static int check_key_purpose(const esc_port_t *port, int block, const char *efuse_path, char *err, size_t err_len)
{
    esc_key_purpose_t purpose;
    if (port->efuse_get_purpose == NULL || port->efuse_get_purpose(port, block, &purpose) != ESP_OK) {
        return 0; /* let the peripheral emulation report it */
    }
    if (purpose == ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE || purpose == ESC_PURPOSE_HMAC_DOWN_ALL) {
        return 0;
    }
    const char *name = esc_host_efuse_purpose_name(purpose);
    cli_fail(err, err_len, "eFuse key block KEY%d%s%s has purpose %s; the DS peripheral needs "
            "HMAC_DOWN_DIGITAL_SIGNATURE (burn the DS HMAC key there)", block, efuse_path ? " in " : "",
            efuse_path ? efuse_path : "", name ? name : "(unnamed)");
    return 1;
}

static int verify_with_cert(const uint8_t *sig, size_t k, const uint8_t hash[32], unsigned bits, char *err,
                            size_t err_len)
{
    char *cert_buf = NULL;
    uint32_t cert_len = 0;
    if (esp_secure_cert_get_device_cert(&cert_buf, &cert_len) != ESP_OK || cert_buf == NULL) {
        cli_fail(err, err_len, "no device certificate in the partition to check the DS key against");
        return 1;
    }
    X509 *cert = ki_stored_cert((const uint8_t *)cert_buf, cert_len);
    esp_secure_cert_free_device_cert(cert_buf);
    if (cert == NULL) {
        cli_fail(err, err_len, "the device certificate is neither PEM nor DER X.509");
        return 1;
    }
    int rc = 1;
    EVP_PKEY_CTX *vctx = NULL;
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    if (pub == NULL || EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA) {
        cli_fail(err, err_len, "the device certificate's key is not RSA, but the DS peripheral holds an RSA-%u key",
                bits);
        goto out;
    }
    if ((unsigned)EVP_PKEY_get_bits(pub) != bits) {
        cli_fail(err, err_len, "the device certificate has an RSA-%d key, the DS data an RSA-%u key: they do not "
                "match", EVP_PKEY_get_bits(pub), bits);
        goto out;
    }
    vctx = EVP_PKEY_CTX_new(pub, NULL);
    if (vctx == NULL || EVP_PKEY_verify_init(vctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(vctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(vctx, EVP_sha256()) != 1) {
        cli_fail(err, err_len, "OpenSSL could not set up RSA verification");
        goto out;
    }
    if (EVP_PKEY_verify(vctx, sig, k, hash, 32) != 1) {
        cli_fail(err, err_len, "the signature made with the DS data does not verify with the device certificate's "
                "public key: the key in the DS data does not match the certificate");
        goto out;
    }
    rc = 0;
out:
    EVP_PKEY_CTX_free(vctx);
    X509_free(cert);
    return rc;
}

int esc_ds_self_test(const char *target_chip, const char *efuse_path, char *err, size_t err_len)
{
    const char *chip = target_chip != NULL ? target_chip : "esp32c3";
    esc_host_ds_set_chip(chip);
    if (esc_host_ds_get_chip() == NULL) {
        cli_fail(err, err_len, "target '%s' has no RSA DS peripheral to emulate", chip);
        return 1;
    }
    const esc_port_t *port = esc_port_get(NULL);
    if (port == NULL || port->ds_sign == NULL) {
        cli_fail(err, err_len, "no partition is open, or its port has no DS peripheral");
        return 1;
    }
    if (check_entry_for_chip(chip, err, err_len) != 0) {
        return 1;
    }
    esp_ds_data_ctx_t *ctx = esp_secure_cert_get_ds_ctx();
    if (ctx == NULL) {
        cli_fail(err, err_len, "esp_secure_cert_get_ds_ctx found no usable DS data and DS context "
                "(the reason is logged above)");
        return 1;
    }
    int rc = 1;
    unsigned bits = ctx->rsa_length_bits;
    size_t k = bits / 8u;
    uint8_t hash[32];
    uint8_t em[ESC_DS_MAX_BITS / 8], msg_le[ESC_DS_MAX_BITS / 8], sig_le[ESC_DS_MAX_BITS / 8],
        sig[ESC_DS_MAX_BITS / 8];
    if (k > sizeof(em) || check_key_purpose(port, ctx->efuse_key_id, efuse_path, err, err_len) != 0) {
        goto out;
    }
    if (EVP_Digest(SELFTEST_MESSAGE, strlen(SELFTEST_MESSAGE), hash, NULL, EVP_sha256(), NULL) != 1) {
        cli_fail(err, err_len, "SHA-256 failed");
        goto out;
    }
    pkcs1_v15_sha256(hash, em, k);
    st_reverse_copy(msg_le, em, k);
    memset(sig_le, 0, k);
    esp_err_t e = port->ds_sign(port, ctx->efuse_key_id, (const uint8_t *)ctx->esp_ds_data, sizeof(esp_ds_data_t),
                                msg_le, sig_le);
    if (e != ESP_OK) {
        cli_fail(err, err_len, "DS sign with eFuse key block KEY%u failed: %s (%s)", (unsigned)ctx->efuse_key_id,
                ds_error_text(e), esp_err_to_name(e));
        goto out;
    }
    st_reverse_copy(sig, sig_le, k);
    rc = verify_with_cert(sig, k, hash, bits, err, err_len);
out:
    esp_secure_cert_free_ds_ctx(ctx);
    return rc;
}
