/*
 * DS parameters from an RSA private key (see ds_gen.h, docs/ds.md).
 * OpenSSL supplies the big-number work (Rb = 2^(2*bits) mod n); the
 * library's own crypto layer does the HMAC, SHA-256 and AES, as the device
 * side does when it checks the result.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "cli.h"
#include "ds_gen.h"
#include "esc_crypto.h"
#include "esc_ds_layout.h"
#include "rsa_mont.h"

void esc_ds_chip_names(char *buf, size_t cap, bool want_rsa)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < esc_ds_chip_count(); i++) {
        const esc_ds_chip_t *c = esc_ds_chip_at(i);
        if (want_rsa ? c->rsa_max_bits == 0 : c->ecdsa_curves == 0) {
            continue;
        }
        int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", c->name);
        if (n < 0 || (size_t)n >= cap - used) {
            return;
        }
        used += (size_t)n;
    }
}

static void list_rsa_sizes(const esc_ds_chip_t *chip, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned bits = ESC_DS_MIN_BITS; bits <= ESC_DS_MAX_BITS; bits += 1024) {
        if (!esc_ds_chip_rsa_supports(chip, bits)) {
            continue;
        }
        int n = snprintf(buf + used, cap - used, "%s%u", used ? ", " : "", bits);
        if (n < 0 || (size_t)n >= cap - used) {
            return;
        }
        used += (size_t)n;
    }
}

static void list_curves(const esc_ds_chip_t *chip, char *buf, size_t cap)
{
    static const unsigned curves[] = {192, 256, 384};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
        if (!esc_ds_chip_ecdsa_supports(chip, curves[i])) {
            continue;
        }
        int n = snprintf(buf + used, cap - used, "%sP-%u", used ? ", " : "", curves[i]);
        if (n < 0 || (size_t)n >= cap - used) {
            return;
        }
        used += (size_t)n;
    }
}

int esc_ds_chip_supports(const char *target_chip, unsigned rsa_bits, char *err, size_t err_len)
{
    char list[160];
    const esc_ds_chip_t *chip = esc_ds_chip_find(target_chip);
    if (chip == NULL || chip->rsa_max_bits == 0) {
        esc_ds_chip_names(list, sizeof(list), true);
        cli_fail(err, err_len, "target '%s' has no RSA DS peripheral; chips with one: %s",
                target_chip ? target_chip : "(none)", list);
        return 1;
    }
    if (!esc_ds_chip_rsa_supports(chip, rsa_bits)) {
        list_rsa_sizes(chip, list, sizeof(list));
        cli_fail(err, err_len, "target %s does not support RSA-%u in the DS peripheral; supported key sizes: %s",
                chip->name, rsa_bits, list);
        return 1;
    }
    return 0;
}

int esc_ds_chip_supports_ecdsa(const char *target_chip, unsigned curve_bits, char *err, size_t err_len)
{
    char list[160];
    const esc_ds_chip_t *chip = esc_ds_chip_find(target_chip);
    if (chip == NULL || chip->ecdsa_curves == 0) {
        esc_ds_chip_names(list, sizeof(list), false);
        cli_fail(err, err_len, "target '%s' has no ECDSA key peripheral; chips with one: %s",
                target_chip ? target_chip : "(none)", list);
        return 1;
    }
    if (!esc_ds_chip_ecdsa_supports(chip, curve_bits)) {
        list_curves(chip, list, sizeof(list));
        cli_fail(err, err_len, "target %s does not support ECDSA P-%u in the ECDSA peripheral; supported curves: %s",
                chip->name, curve_bits, list);
        return 1;
    }
    return 0;
}

/* The RSA numbers the DS needs, as little-endian operands of B bytes. */
static int rsa_operands(EVP_PKEY *key, unsigned bits, size_t b, uint8_t *y, uint8_t *m, uint8_t *rb,
                        char *err, size_t err_len)
{
    BIGNUM *n = NULL, *d = NULL;
    int rc = 1;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1) {
        cli_fail(err, err_len, "cannot read the RSA modulus from the key");
        goto out;
    }
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_D, &d) != 1 || BN_is_zero(d)) {
        cli_fail(err, err_len, "the RSA key has no private exponent (a public key was given?)");
        goto out;
    }
    if (!BN_is_odd(n) || (unsigned)BN_num_bits(n) != bits || BN_cmp(d, n) >= 0) {
        cli_fail(err, err_len, "the RSA key is malformed (modulus even, or exponent not below it)");
        goto out;
    }
    if (BN_bn2lebinpad(d, y, (int)b) < 0 || BN_bn2lebinpad(n, m, (int)b) < 0 || rsa_mont_rr(n, bits, rb, b) != 0) {
        cli_fail(err, err_len, "RSA operand larger than the chip's DS operand size");
        goto out;
    }
    rc = 0;
out:
    BN_free(n);
    BN_clear_free(d);
    return rc;
}

int esc_ds_build_entries(const char *target_chip, EVP_PKEY *rsa_key, int efuse_key_id, const uint8_t hmac_key[32],
                         const uint8_t iv[16], uint8_t *ds_data, size_t ds_data_cap, size_t *ds_data_len,
                         uint8_t ds_context[8], char *err, size_t err_len)
{
    if (rsa_key == NULL || hmac_key == NULL || iv == NULL || ds_data == NULL || ds_data_len == NULL ||
        ds_context == NULL) {
        cli_fail(err, err_len, "internal error: missing argument to the DS generator");
        return 1;
    }
    *ds_data_len = 0;
    if (efuse_key_id < 0 || efuse_key_id > (int)ESC_DS_EFUSE_KEY_ID_MAX) {
        cli_fail(err, err_len, "eFuse key id %d is out of range: key blocks are 0..%u (BLOCK_KEY0..BLOCK_KEY%u)",
                efuse_key_id, ESC_DS_EFUSE_KEY_ID_MAX, ESC_DS_EFUSE_KEY_ID_MAX);
        return 1;
    }
    if (esc_ds_chip_supports(target_chip, ESC_DS_MIN_BITS, err, err_len) != 0) {
        return 1;
    }
    if (EVP_PKEY_get_base_id(rsa_key) != EVP_PKEY_RSA) {
        const char *name = EVP_PKEY_get0_type_name(rsa_key);
        cli_fail(err, err_len, "the RSA DS peripheral needs an RSA private key; the key given is %s",
                name ? name : "of another type");
        return 1;
    }
    int bits_i = EVP_PKEY_get_bits(rsa_key);
    unsigned bits = bits_i > 0 ? (unsigned)bits_i : 0;
    if (esc_ds_chip_supports(target_chip, bits, err, err_len) != 0) {
        return 1;
    }
    const esc_ds_chip_t *chip = esc_ds_chip_find(target_chip);
    esc_ds_plain_layout_t lay;
    if (esc_ds_plain_layout(chip->rsa_max_bits, &lay) != ESC_DS_OK) {
        cli_fail(err, err_len, "internal error: no DS layout for %s", chip->name);
        return 1;
    }
    size_t need = ESC_DS_DATA_HEADER_LEN + lay.total;
    if (ds_data_cap < need) {
        cli_fail(err, err_len, "internal error: DS data buffer of %zu bytes, %zu needed", ds_data_cap, need);
        return 1;
    }
    if (esc_crypto_init() != ESC_CRYPTO_OK) {
        cli_fail(err, err_len, "crypto backend initialisation failed");
        return 1;
    }

    uint8_t plain[ESC_DS_C_LEN_MAX];
    uint8_t aes_key[32];
    static const uint8_t all_ff[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    esc_sha256_ctx_t sha;
    int rc = 1;
    memset(plain, 0, sizeof(plain));
    memset(&sha, 0, sizeof(sha));
    if (rsa_operands(rsa_key, bits, lay.operand_len, plain + lay.y, plain + lay.m, plain + lay.rb, err,
                     err_len) != 0) {
        goto out;
    }
    uint32_t mprime = rsa_mont_mprime((uint32_t)plain[lay.m] | ((uint32_t)plain[lay.m + 1] << 8) |
                                        ((uint32_t)plain[lay.m + 2] << 16) | ((uint32_t)plain[lay.m + 3] << 24));
    uint32_t length = bits / 32u - 1u;
    for (int i = 0; i < 4; i++) {
        plain[lay.mprime + (size_t)i] = (uint8_t)(mprime >> (8 * i));
        plain[lay.length + (size_t)i] = (uint8_t)(length >> (8 * i));
    }
    memset(plain + lay.pad, ESC_DS_PAD_BYTE, ESC_DS_PAD_LEN);

    /* MD covers Y, M, Rb, then M' and L (which sit after MD), then the IV. */
    if (esc_sha256_start(&sha) != 0 || esc_sha256_update(&sha, plain, lay.md) != 0 ||
        esc_sha256_update(&sha, plain + lay.mprime, 8) != 0 || esc_sha256_update(&sha, iv, ESC_DS_IV_LEN) != 0 ||
        esc_sha256_finish(&sha, plain + lay.md) != 0) {
        cli_fail(err, err_len, "SHA-256 failed");
        goto out;
    }
    if (esc_hmac_sha256(hmac_key, 32, all_ff, sizeof(all_ff), aes_key) != 0) {
        cli_fail(err, err_len, "HMAC-SHA256 failed");
        goto out;
    }
    if (esc_aes256_cbc_encrypt(aes_key, iv, plain, lay.total, ds_data + ESC_DS_DATA_HEADER_LEN) != 0) {
        cli_fail(err, err_len, "AES-256-CBC encryption failed");
        goto out;
    }
    esc_ds_data_header_encode(ds_data, bits, iv);
    *ds_data_len = need;
    esc_ds_context_encode(ds_context, (uint8_t)efuse_key_id, (uint16_t)bits);
    rc = 0;
out:
    esc_zeroize(plain, sizeof(plain));
    esc_zeroize(aes_key, sizeof(aes_key));
    esc_zeroize(&sha, sizeof(sha));
    return rc;
}
