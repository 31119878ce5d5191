/*
 * HMAC-derived ECDSA keys, write side. The key itself is never stored: the
 * partition holds a salt entry (type HMAC_ECDSA_KEY_SALT) and a zero-length
 * PRIV_KEY marker with ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION, both of one
 * subtype, and readers re-derive PBKDF2-HMAC-SHA256(eFuse HMAC_UP key, salt,
 * 2048) through the HMAC peripheral.
 *
 * The two entries are always written as one batch: a reader sees both or
 * neither, also across a power cut (the original wrote them one by one, so a
 * failure between them left a salt without its marker).
 *
 * Full provisioning (esp_secure_cert_derive_hmac_ecdsa_key) writes the
 * entries BEFORE burning the eFuse key, the reverse of the original; see
 * docs/hmac-write.md for why, and for how an interrupted run is resumed.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_crypto.h"
#include "esc_log.h"
#include "esc_protected.h"
#include "esc_tlv.h"
#include "esp_secure_cert_crypto.h"
#include "write_hmac_internal.h"
#include "write_internal.h"

#if defined(ESP_SECURE_CERT_HOST) || SOC_HMAC_SUPPORTED

static const char *TAG = "esp_secure_cert_write";

/* As the original: 32 random bytes of salt and of HMAC key, and up to 30
 * HMAC keys tried until the derived scalar is a valid P-256 key. */
#define FRESH_SALT_LEN 32u
#define HMAC_KEY_LEN 32u
#define KEY_GEN_MAX_TRIES 30

static esp_err_t check_subtype(esp_secure_cert_tlv_subtype_t subtype)
{
    esp_secure_cert_tlv_info_t probe = {.type = ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, .subtype = subtype};
    esc_write_item_t unused;
    return esc_write_item_from_info(&probe, &unused);
}

/* The salt entry and the marker, checked. */
static esp_err_t derivation_items(const uint8_t *salt, size_t salt_len, esp_secure_cert_tlv_subtype_t subtype,
                                  esc_write_item_t items[2])
{
    if (salt == NULL || salt_len == 0) {
        ESC_LOGE(TAG, "HMAC-ECDSA derivation needs a salt");
        return ESP_ERR_INVALID_ARG;
    }
    if (salt_len < ESC_HMAC_ECDSA_SALT_MIN_LEN) {
        ESC_LOGE(TAG, "salt of %zu bytes is too short: at least %u are needed", salt_len,
                 (unsigned)ESC_HMAC_ECDSA_SALT_MIN_LEN);
        return ESP_ERR_INVALID_ARG;
    }
    if (salt_len > ESC_TLV_MAX_DATA_LEN) {
        ESC_LOGE(TAG, "salt of %zu bytes does not fit the 16-bit entry length", salt_len);
        return ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH;
    }
    esp_secure_cert_tlv_info_t info = {
        .type = ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT,
        .subtype = subtype,
        .data = (char *)salt,
        .length = (uint32_t)salt_len,
        .flags = 0,
    };
    esp_err_t err = esc_write_item_from_info(&info, &items[0]);
    if (err != ESP_OK) {
        return err;
    }
    items[1] = (esc_write_item_t){
        .type = ESP_SECURE_CERT_PRIV_KEY_TLV,
        .subtype = items[0].subtype,
        .flags = ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION,
        .length = 0,
        .data = NULL,
    };
    return ESP_OK;
}

esp_err_t esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(const uint8_t *salt, size_t salt_len,
                                                                esp_secure_cert_tlv_subtype_t subtype,
                                                                const esp_secure_cert_write_config_t *write_config)
{
    esc_write_item_t items[2];
    esp_err_t err = derivation_items(salt, salt_len, subtype, items);
    if (err != ESP_OK) {
        return err;
    }
    esp_secure_cert_write_config_t cfg;
    err = esc_write_resolve_config(write_config, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    /* A marker without the key would make every read of it fail. */
    int key_block;
    err = esc_write_hmac_key_block(esc_port_chip(), &key_block);
    if (err != ESP_OK) {
        return err;
    }
    err = esc_write_items(items, 2, &cfg);
    if (err != ESP_OK) {
        ESC_LOGE(TAG, "writing the salt and key marker failed: %s", esp_err_to_name(err));
    }
    return err;
}

/* ---- full provisioning ---- */

/* Everything secret or derived lives here, wiped in one place. */
typedef struct {
    uint8_t hmac_key[HMAC_KEY_LEN];
    uint8_t scalar[ESC_P256_PRIV_LEN];    /* software PBKDF2 */
    uint8_t hw_scalar[ESC_P256_PRIV_LEN]; /* the HMAC peripheral's PBKDF2 */
    uint8_t pub[ESC_P256_PUB_LEN];
    uint8_t fresh_salt[FRESH_SALT_LEN];
    uint8_t *stored_salt; /* heap copy of a salt found in flash (resume) */
    const uint8_t *salt;
    size_t salt_len;
    bool resumed;
    int key_block;
} provision_t;

static esp_err_t check_port(const esc_port_t *port)
{
    if (port->efuse_get_purpose == NULL || port->efuse_write_key == NULL || port->hmac_calculate == NULL ||
        port->random == NULL) {
        ESC_LOGE(TAG, "this chip cannot burn an HMAC key or has no HMAC peripheral");
        return ESP_ERR_NOT_SUPPORTED;
    }
    return ESP_OK;
}

static bool purpose_is(const esc_port_t *port, int blk, esc_key_purpose_t want)
{
    esc_key_purpose_t purpose;
    return port->efuse_get_purpose(port, blk, &purpose) == ESP_OK && purpose == want;
}

/* Whether some key block still has purpose USER. A USER block may already
 * hold a key (the port cannot tell); the burn then skips it. */
static bool user_block_exists(const esc_port_t *port)
{
    for (int blk = 0; blk < ESC_EFUSE_KEY_BLOCKS; blk++) {
        if (purpose_is(port, blk, ESC_PURPOSE_USER)) {
            return true;
        }
    }
    return false;
}

/*
 * Flash mode: a salt and marker of this subtype already in the partition,
 * with no HMAC_UP key, are what a provisioning run left when it stopped
 * between the write and the burn. ESP_OK: p->salt is that salt (resume);
 * ESP_ERR_NOT_FOUND: neither entry is there; TLV_ALREADY_EXISTS: the
 * subtype holds something else.
 */
static esp_err_t find_interrupted_run(uint8_t subtype, provision_t *p)
{
    esc_view_t view;
    if (esc_view_get(&view) != ESP_OK) {
        ESC_LOGE(TAG, "cannot read the esp_secure_cert partition");
        return ESP_ERR_SECURE_CERT_FLASH_READ_FAILED;
    }
    esc_tlv_entry_t salt, marker;
    esc_tlv_result_t rs = esc_tlv_find(view.base, view.size, ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, subtype, &salt);
    esc_tlv_result_t rm = esc_tlv_find(view.base, view.size, ESP_SECURE_CERT_PRIV_KEY_TLV, subtype, &marker);
    if (rs != ESC_TLV_OK && rm != ESC_TLV_OK) {
        /* Damaged entries are left to the writer's own checks. */
        return ESP_ERR_NOT_FOUND;
    }
    if (rs != ESC_TLV_OK || rm != ESC_TLV_OK || marker.length != 0 ||
        !esc_tlv_flag_is_hmac_ecdsa_derived(marker.flags) || salt.length < ESC_HMAC_ECDSA_SALT_MIN_LEN) {
        ESC_LOGE(TAG, "subtype %u already holds a private key or salt entry", subtype);
        return ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS;
    }
    p->stored_salt = malloc(salt.length);
    if (p->stored_salt == NULL) {
        return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    }
    memcpy(p->stored_salt, view.base + salt.data_offset, salt.length);
    p->salt = p->stored_salt;
    p->salt_len = salt.length;
    p->resumed = true;
    return ESP_OK;
}

/* A random HMAC key whose derived scalar d satisfies 1 < d < n. */
static esp_err_t generate_key(const esc_port_t *port, provision_t *p)
{
    for (int attempt = 0; attempt < KEY_GEN_MAX_TRIES; attempt++) {
        if (port->random(port, p->hmac_key, sizeof(p->hmac_key)) != ESP_OK) {
            ESC_LOGE(TAG, "random number generator failed");
            return ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED;
        }
        if (esc_pbkdf2_hmac_sha256(p->hmac_key, sizeof(p->hmac_key), p->salt, p->salt_len,
                                   ESC_HMAC_ECDSA_ITERATIONS, p->scalar, sizeof(p->scalar)) != ESC_CRYPTO_OK) {
            ESC_LOGE(TAG, "software PBKDF2 failed (attempt %d)", attempt + 1);
            continue;
        }
        if (esp_secure_cert_validate_ecdsa_key(p->scalar, sizeof(p->scalar)) == ESP_OK) {
            return ESP_OK;
        }
    }
    ESC_LOGE(TAG, "no valid ECDSA key after %d attempts", KEY_GEN_MAX_TRIES);
    return ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED;
}

/* A key for p->salt, and its public key. */
static esp_err_t key_for_salt(const esc_port_t *port, uint8_t subtype, provision_t *p)
{
    if (p->resumed) {
        ESC_LOGW(TAG, "subtype %u: finishing an interrupted provisioning with the salt already stored", subtype);
    }
    esp_err_t err = generate_key(port, p);
    if (err != ESP_OK) {
        return err;
    }
    if (esc_p256_public_from_private(p->scalar, p->pub) != ESC_CRYPTO_OK) {
        ESC_LOGE(TAG, "public key of the derived key failed");
        return ESP_FAIL;
    }
    return ESP_OK;
}

/* esc_write_items without the lock, which the caller already holds. */
static esp_err_t write_entries_locked(const esc_write_item_t items[2], const esp_secure_cert_write_config_t *cfg)
{
    if (cfg->mode == ESP_SECURE_CERT_WRITE_MODE_BUFFER) {
        return esc_buffer_append(cfg->buffer.buffer, cfg->buffer.buffer_size, cfg->buffer.bytes_written, items, 2);
    }
    const esc_port_t *port = esc_current_port();
    if (port == NULL || port->partition_size == 0) {
        return ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND;
    }
    esc_flash_opts_t opts = {.check_erase = cfg->flash.check_erase, .auto_erase = cfg->flash.auto_erase};
    esp_err_t err = esc_flash_append(port, items, 2, &opts, NULL);
    esc_view_invalidate();
    return err;
}

/* Burn the key, HMAC_UP and read-protected, into the first unused block. */
static esp_err_t burn_hmac_key(const esc_port_t *port, provision_t *p)
{
    for (int blk = 0; blk < ESC_EFUSE_KEY_BLOCKS; blk++) {
        if (!purpose_is(port, blk, ESC_PURPOSE_USER)) {
            continue;
        }
        esp_err_t err = port->efuse_write_key(port, blk, ESC_PURPOSE_HMAC_UP, p->hmac_key, true);
        if (err == ESP_OK) {
            p->key_block = blk;
            return ESP_OK;
        }
        if (err != ESP_ERR_INVALID_STATE) { /* INVALID_STATE: the block already holds a key */
            ESC_LOGE(TAG, "burning the HMAC key into eFuse KEY%d failed: %s", blk, esp_err_to_name(err));
            return ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED;
        }
    }
    ESC_LOGE(TAG, "no unused eFuse key block for the HMAC key");
    return ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED;
}

/* The HMAC peripheral must reproduce the scalar the software derived. */
static esp_err_t verify_hardware(const esc_port_t *port, provision_t *p)
{
    if (esc_protected_derive_scalar(port, p->key_block, p->salt, p->salt_len, p->hw_scalar) != ESP_OK) {
        ESC_LOGE(TAG, "PBKDF2 through the HMAC peripheral failed");
        return ESP_ERR_SECURE_CERT_PBKDF2_FAILED;
    }
    if (esc_ct_memcmp(p->scalar, p->hw_scalar, sizeof(p->scalar)) != 0) {
        ESC_LOGE(TAG, "the HMAC peripheral derives another key than the one generated");
        return ESP_ERR_SECURE_CERT_KEY_VERIFICATION_FAILED;
    }
    return ESP_OK;
}

/* The steps, in order; the caller holds the write lock. */
static esp_err_t provision(const esc_port_t *port, uint8_t subtype, const esp_secure_cert_write_config_t *cfg,
                           provision_t *p)
{
    int existing;
    if (esc_protected_find_hmac_key(port, &existing) == ESP_OK) {
        ESC_LOGE(TAG, "eFuse KEY%d already holds an HMAC_UP key", existing);
        return ESP_ERR_SECURE_CERT_HMAC_KEY_ALREADY_EXISTS;
    }
    if (!user_block_exists(port)) {
        ESC_LOGE(TAG, "no unused eFuse key block for the HMAC key");
        return ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED;
    }
    bool flash = cfg->mode == ESP_SECURE_CERT_WRITE_MODE_FLASH;
    esp_err_t err = flash ? find_interrupted_run(subtype, p) : ESP_ERR_NOT_FOUND;
    if (err == ESP_ERR_NOT_FOUND) {
        if (port->random(port, p->fresh_salt, sizeof(p->fresh_salt)) != ESP_OK) {
            ESC_LOGE(TAG, "random number generator failed");
            return ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED;
        }
        p->salt = p->fresh_salt;
        p->salt_len = sizeof(p->fresh_salt);
    } else if (err != ESP_OK) {
        return err;
    }
    err = key_for_salt(port, subtype, p);
    if (err != ESP_OK) {
        return err;
    }
    /* Everything that can fail without a trace has been done: now the two
     * irreversible steps, the recoverable one first. */
    if (!p->resumed) {
        esc_write_item_t items[2];
        err = derivation_items(p->salt, p->salt_len, (esp_secure_cert_tlv_subtype_t)subtype, items);
        if (err == ESP_OK) {
            err = write_entries_locked(items, cfg);
        }
        /* The flash writer's tail repair may just have completed the pair of
         * a run that a power cut interrupted after its last program: that
         * pair is then the one to finish. */
        if (err == ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS && flash && find_interrupted_run(subtype, p) == ESP_OK) {
            err = key_for_salt(port, subtype, p);
            if (err != ESP_OK) {
                return err;
            }
        } else if (err != ESP_OK) {
            ESC_LOGE(TAG, "writing the salt and key marker failed: %s", esp_err_to_name(err));
            return err;
        }
    }
    err = burn_hmac_key(port, p);
    esc_zeroize(p->hmac_key, sizeof(p->hmac_key));
    if (err != ESP_OK) {
        return err;
    }
    return verify_hardware(port, p);
}

esp_err_t esp_secure_cert_derive_hmac_ecdsa_key(uint8_t *pub_key_buf, size_t *pub_key_len,
                                                esp_secure_cert_tlv_subtype_t subtype,
                                                const esp_secure_cert_write_config_t *write_config)
{
    /* Every argument is checked before anything irreversible: the original
     * checked the public key buffer only after the burn. */
    if ((pub_key_buf == NULL) != (pub_key_len == NULL)) {
        ESC_LOGE(TAG, "public key buffer and its length must be given together");
        return ESP_ERR_INVALID_ARG;
    }
    if (pub_key_len != NULL && *pub_key_len < ESC_P256_PUB_LEN) {
        ESC_LOGE(TAG, "public key buffer of %zu bytes: %u are needed", *pub_key_len, (unsigned)ESC_P256_PUB_LEN);
        return ESP_ERR_INVALID_SIZE;
    }
    esp_err_t err = check_subtype(subtype);
    if (err != ESP_OK) {
        return err;
    }
    esp_secure_cert_write_config_t cfg;
    err = esc_write_resolve_config(write_config, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    /* Flash mode needs the partition; the eFuse, HMAC peripheral, RNG and
     * write lock are the chip's, so buffer mode does not. */
    if (cfg.mode == ESP_SECURE_CERT_WRITE_MODE_FLASH && esc_current_port() == NULL) {
        ESC_LOGE(TAG, "esp_secure_cert partition not found");
        return ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND;
    }
    const esc_port_t *port = esc_port_chip();
    err = check_port(port);
    if (err != ESP_OK) {
        return err;
    }
    /* One lock from the eFuse check to the burn, in both modes: two
     * concurrent runs would otherwise both see no key and burn two. */
    if (port->write_try_lock != NULL && !port->write_try_lock(port)) {
        ESC_LOGE(TAG, "another write to the esp_secure_cert partition is in progress");
        return ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS;
    }
    provision_t p;
    memset(&p, 0, sizeof(p));
    p.key_block = -1;
    err = provision(port, (uint8_t)subtype, &cfg, &p);
    if (port->write_unlock != NULL) {
        port->write_unlock(port);
    }
    if (err == ESP_OK && pub_key_buf != NULL) {
        memcpy(pub_key_buf, p.pub, ESC_P256_PUB_LEN);
        *pub_key_len = ESC_P256_PUB_LEN;
    }
    free(p.stored_salt);
    esc_zeroize(&p, sizeof(p));
    return err;
}

#endif /* ESP_SECURE_CERT_HOST || SOC_HMAC_SUPPORTED */
