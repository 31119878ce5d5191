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

#define TAG esc_write_tag

/* As the original: 32 random bytes of salt and of HMAC key, and up to 30
 * HMAC keys tried until the derived scalar is a valid P-256 key. */
#define RANDOM_LEN 32u
#define KEY_GEN_MAX_TRIES 30

/* The checks both derivation writers start with: the subtype, then the
 * write config (resolved into *cfg). */
static esp_err_t check_subtype_and_config(esp_secure_cert_tlv_subtype_t subtype,
                                          const esp_secure_cert_write_config_t *write_config,
                                          esp_secure_cert_write_config_t *cfg)
{
    esp_secure_cert_tlv_info_t probe = {.type = ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT, .subtype = subtype};
    esc_write_item_t unused;
    esp_err_t err = esc_write_item_from_info(&probe, &unused);
    return err != ESP_OK ? err : esc_write_resolve_config(write_config, cfg);
}

/* The salt entry and the marker; the caller checked salt and subtype. */
__attribute__((noinline)) static void derivation_items(const uint8_t *salt, size_t salt_len, uint8_t subtype, esc_write_item_t items[2])
{
    items[0].type = ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT;
    items[0].subtype = subtype;
    items[0].flags = 0;
    items[0].length = (uint16_t)salt_len;
    items[0].data = salt;
    items[1].type = ESP_SECURE_CERT_PRIV_KEY_TLV;
    items[1].subtype = subtype;
    items[1].flags = ESC_TLV_FLAG_HMAC_ECDSA_KEY_DERIVATION;
    items[1].length = 0;
    items[1].data = NULL;
}

esp_err_t esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(const uint8_t *salt, size_t salt_len,
                                                                esp_secure_cert_tlv_subtype_t subtype,
                                                                const esp_secure_cert_write_config_t *write_config)
{
    if (salt == NULL || salt_len < ESC_HMAC_ECDSA_SALT_MIN_LEN || salt_len > ESC_TLV_MAX_DATA_LEN) {
        /* A missing or short salt is an argument error (the original
         * checked only for none); a long one does not fit an entry. */
        return esc_hmac_fail(salt != NULL && salt_len > ESC_TLV_MAX_DATA_LEN ? ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH
                                                                             : ESP_ERR_INVALID_ARG,
                             ESC_HMAC_MSG_SALT_LEN, (unsigned)salt_len);
    }
    esp_secure_cert_write_config_t cfg;
    esp_err_t err = check_subtype_and_config(subtype, write_config, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    /* A marker without the key would make every read of it fail. */
    int key_block;
    err = esc_write_hmac_key_block(esc_port_chip(), &key_block);
    if (err != ESP_OK) {
        return err;
    }
    esc_write_item_t items[2];
    derivation_items(salt, salt_len, (uint8_t)subtype, items);
    err = esc_write_items(items, 2, &cfg);
    return err == ESP_OK ? ESP_OK : esc_hmac_fail(err, ESC_HMAC_MSG_WRITE, (unsigned)err);
}

/* ---- full provisioning ---- */

/* Everything secret or derived lives here, wiped in one place. */
typedef struct {
    uint8_t hmac_key[RANDOM_LEN];      /* after the burn: the HMAC peripheral's PBKDF2 */
    uint8_t scalar[ESC_P256_PRIV_LEN]; /* software PBKDF2 */
    uint8_t pub[ESC_P256_PUB_LEN];
    uint8_t fresh_salt[RANDOM_LEN];
    uint8_t *stored_salt; /* heap copy of a salt found in flash: set when resuming */
    const uint8_t *salt;
    size_t salt_len;
    int key_block;
} provision_t;

static esp_err_t check_port(const esc_port_t *port)
{
    if (port->efuse_get_purpose == NULL || port->efuse_write_key == NULL || port->hmac_calculate == NULL ||
        port->random == NULL) {
        return esc_hmac_fail(ESP_ERR_NOT_SUPPORTED, ESC_HMAC_MSG_NO_HW, 0);
    }
    return ESP_OK;
}

/* 32 random bytes: the salt or an HMAC key. */
static esp_err_t draw_random(const esc_port_t *port, uint8_t out[RANDOM_LEN])
{
    if (port->random(port, out, RANDOM_LEN) != ESP_OK) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED, ESC_HMAC_MSG_RNG, 0);
    }
    return ESP_OK;
}

/*
 * Burn `key`, HMAC_UP and read-protected, into the first key block with
 * purpose USER that takes it; with `key` NULL only check that such a block
 * exists. A USER block may already hold a key (the port cannot tell): the
 * burn answers INVALID_STATE and the next one is tried.
 */
static esp_err_t burn_hmac_key(const esc_port_t *port, const uint8_t *key, int *key_block)
{
    for (int blk = 0; blk < ESC_EFUSE_KEY_BLOCKS; blk++) {
        esc_key_purpose_t purpose;
        if (port->efuse_get_purpose(port, blk, &purpose) != ESP_OK || purpose != ESC_PURPOSE_USER) {
            continue;
        }
        esp_err_t err = key == NULL ? ESP_OK : port->efuse_write_key(port, blk, ESC_PURPOSE_HMAC_UP, key, true);
        if (err == ESP_OK) {
            *key_block = blk;
            return ESP_OK;
        }
        if (err != ESP_ERR_INVALID_STATE) {
            return esc_hmac_fail(ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED, ESC_HMAC_MSG_BURN,
                                 (unsigned)err);
        }
    }
    return esc_hmac_fail(ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED, ESC_HMAC_MSG_NO_BLOCK, 0);
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
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_FLASH_READ_FAILED, ESC_HMAC_MSG_PART_READ, 0);
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
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS, ESC_HMAC_MSG_USED,
                             subtype);
    }
    p->stored_salt = malloc(salt.length);
    if (p->stored_salt == NULL) {
        return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    }
    memcpy(p->stored_salt, view.base + salt.data_offset, salt.length);
    p->salt = p->stored_salt;
    p->salt_len = salt.length;
    return ESP_OK;
}

/* A random HMAC key whose derived scalar d for p->salt satisfies 1 < d < n,
 * and the public key of d. */
static esp_err_t key_for_salt(const esc_port_t *port, uint8_t subtype, provision_t *p)
{
    if (p->stored_salt != NULL) {
        ESC_LOGW(TAG, "subtype %u: finishing an interrupted provisioning with the salt already stored", subtype);
    }
    for (int attempt = 0; attempt < KEY_GEN_MAX_TRIES; attempt++) {
        esp_err_t err = draw_random(port, p->hmac_key);
        if (err != ESP_OK) {
            return err;
        }
        if (esc_pbkdf2_hmac_sha256(p->hmac_key, sizeof(p->hmac_key), p->salt, p->salt_len,
                                   ESC_HMAC_ECDSA_ITERATIONS, p->scalar, sizeof(p->scalar)) != ESC_CRYPTO_OK) {
            esc_hmac_fail(ESP_OK, ESC_HMAC_MSG_SW_PBKDF2, 0);
            continue;
        }
        if (esp_secure_cert_validate_ecdsa_key(p->scalar, sizeof(p->scalar)) == ESP_OK) {
            if (esc_p256_public_from_private(p->scalar, p->pub) != ESC_CRYPTO_OK) {
                return esc_hmac_fail(ESP_FAIL, ESC_HMAC_MSG_PUB, 0);
            }
            return ESP_OK;
        }
    }
    return esc_hmac_fail(ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED, ESC_HMAC_MSG_TRIES, 0);
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

/* The steps, in order; the caller holds the write lock. Out of line, so
 * that its locals stay off the public function's frame. */
__attribute__((noinline)) static esp_err_t provision(const esc_port_t *port, uint8_t subtype,
                                                     const esp_secure_cert_write_config_t *cfg, provision_t *p)
{
    int blk;
    if (esc_protected_find_hmac_key(port, &blk) == ESP_OK) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_HMAC_KEY_ALREADY_EXISTS, ESC_HMAC_MSG_KEY_EXISTS,
                             (unsigned)blk);
    }
    esp_err_t err = burn_hmac_key(port, NULL, &blk); /* only: is a block left? */
    if (err != ESP_OK) {
        return err;
    }
    bool flash = cfg->mode == ESP_SECURE_CERT_WRITE_MODE_FLASH;
    bool retry = false;
    for (;;) {
        err = flash ? find_interrupted_run(subtype, p) : ESP_ERR_NOT_FOUND;
        if (err == ESP_ERR_NOT_FOUND && !retry) {
            p->salt = p->fresh_salt;
            p->salt_len = sizeof(p->fresh_salt);
            err = draw_random(port, p->fresh_salt);
        }
        if (err != ESP_OK) {
            /* On the retry, the write's own answer stands. */
            return retry ? esc_hmac_fail(ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS, ESC_HMAC_MSG_WRITE,
                                         ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS)
                         : err;
        }
        err = key_for_salt(port, subtype, p);
        if (err != ESP_OK) {
            return err;
        }
        if (p->stored_salt != NULL) {
            break; /* resuming: the pair is already written */
        }
        /* Everything that can fail without a trace has been done: now the
         * two irreversible steps, the recoverable one first. */
        esc_write_item_t items[2];
        derivation_items(p->salt, p->salt_len, subtype, items);
        err = write_entries_locked(items, cfg);
        if (err == ESP_OK) {
            break;
        }
        /* The flash writer's tail repair may just have completed the pair of
         * a run that a power cut interrupted after its last program: that
         * pair is then the one to finish (the loop's second and last turn). */
        if (err != ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS || !flash) {
            return esc_hmac_fail(err, ESC_HMAC_MSG_WRITE, (unsigned)err);
        }
        retry = true;
    }
    err = burn_hmac_key(port, p->hmac_key, &p->key_block);
    esc_zeroize(p->hmac_key, sizeof(p->hmac_key));
    if (err != ESP_OK) {
        return err;
    }
    /* The HMAC peripheral must reproduce the scalar the software derived
     * (into the wiped key's buffer: the scalar is as secret as the key). */
    if (esc_protected_derive_scalar(port, p->key_block, p->salt, p->salt_len, p->hmac_key) != ESP_OK) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_PBKDF2_FAILED, ESC_HMAC_MSG_HW_PBKDF2, 0);
    }
    if (esc_ct_memcmp(p->scalar, p->hmac_key, sizeof(p->scalar)) != 0) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_KEY_VERIFICATION_FAILED, ESC_HMAC_MSG_MISMATCH, 0);
    }
    return ESP_OK;
}

esp_err_t esp_secure_cert_derive_hmac_ecdsa_key(uint8_t *pub_key_buf, size_t *pub_key_len,
                                                esp_secure_cert_tlv_subtype_t subtype,
                                                const esp_secure_cert_write_config_t *write_config)
{
    /* Every argument is checked before anything irreversible: the original
     * checked the public key buffer only after the burn. A buffer without
     * its length (or the reverse) is plain misuse: the code says it. */
    if ((pub_key_buf == NULL) != (pub_key_len == NULL)) {
        return ESP_ERR_INVALID_ARG;
    }
    if (pub_key_len != NULL && *pub_key_len < ESC_P256_PUB_LEN) {
        return ESP_ERR_INVALID_SIZE; /* the only size argument: the code says it */
    }
    esp_secure_cert_write_config_t cfg;
    esp_err_t err = check_subtype_and_config(subtype, write_config, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    /* Flash mode needs the partition; the eFuse, HMAC peripheral, RNG and
     * write lock are the chip's, so buffer mode does not. */
    if (cfg.mode == ESP_SECURE_CERT_WRITE_MODE_FLASH && esc_current_port() == NULL) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND, ESC_HMAC_MSG_NO_PART, 0);
    }
    const esc_port_t *port = esc_port_chip();
    err = check_port(port);
    if (err != ESP_OK) {
        return err;
    }
    /* One lock from the eFuse check to the burn, in both modes: two
     * concurrent runs would otherwise both see no key and burn two. */
    if (port->write_try_lock != NULL && !port->write_try_lock(port)) {
        return esc_hmac_fail(ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS, ESC_HMAC_MSG_BUSY, 0);
    }
    /* The secrets on the heap, in internal RAM like every secret the API
     * holds: on the stack they put this function's call chain (down to the
     * flash writer) over 1 KiB. Zeroed, so stored_salt starts NULL. */
    provision_t *p = esc_port_secret_calloc(sizeof(*p));
    if (p == NULL) {
        err = ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    } else {
        err = provision(port, (uint8_t)subtype, &cfg, p);
    }
    if (port->write_unlock != NULL) {
        port->write_unlock(port);
    }
    if (p == NULL) {
        return err;
    }
    if (err == ESP_OK && pub_key_buf != NULL) {
        memcpy(pub_key_buf, p->pub, ESC_P256_PUB_LEN);
        *pub_key_len = ESC_P256_PUB_LEN;
    }
    free(p->stored_salt);
    esc_zeroize(p, sizeof(*p));
    free(p);
    return err;
}

#endif /* ESP_SECURE_CERT_HOST || SOC_HMAC_SUPPORTED */
