/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Write API: append TLV entries to the esp_secure_cert partition (flash mode)
 * or build a partition image in memory (buffer mode, used by host tools).
 * Drop-in compatible with esp_secure_cert_mgr.
 *
 * On the device the API exists only with CONFIG_ESP_SECURE_CERT_ENABLE_WRITE
 * (read-only firmware should not carry a writer) and ESP-IDF >= 5.3.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "esp_secure_cert_platform.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"
#include "esp_secure_cert_write_errors.h"
#include "soc/soc_caps.h"

#if !defined(ESP_SECURE_CERT_WRITE_API)
#if defined(CONFIG_ESP_SECURE_CERT_ENABLE_WRITE)
#warning "CONFIG_ESP_SECURE_CERT_ENABLE_WRITE needs ESP-IDF >= 5.3; the write API is not available."
#endif
#else /* ESP_SECURE_CERT_WRITE_API */

#ifdef __cplusplus
extern "C" {
#endif

/* Where esp_secure_cert_append_tlv*() put the entries. */
typedef enum {
    ESP_SECURE_CERT_WRITE_MODE_FLASH = 0,  /* append to the partition */
    ESP_SECURE_CERT_WRITE_MODE_BUFFER = 1, /* append to a caller buffer (image generation) */
} esp_secure_cert_write_mode_t;

/* Options of a write; set it up with esp_secure_cert_write_config_init(). */
typedef struct {
    esp_secure_cert_write_mode_t mode;
    union {
        struct {
            bool check_erase; /* refuse to program flash that is not 0xFF */
            bool auto_erase;  /* allow an erase where a torn tail needs one: the sector's
                                 committed entries are rewritten (docs/power-loss.md) */
        } flash;
        struct {
            uint8_t *buffer;       /* image being built; entries are appended at its TLV end */
            size_t buffer_size;
            size_t *bytes_written; /* in/out: end of the entries in the buffer; NULL = find it */
        } buffer;
    };
    uint32_t reserved[4]; /* must be zero; room to grow without breaking the ABI */
} esp_secure_cert_write_config_t;

/* Zero the config, set the mode; flash mode defaults to check_erase on,
 * auto_erase off (never destroy data unless asked). */
static inline void esp_secure_cert_write_config_init(esp_secure_cert_write_config_t *config,
                                                     esp_secure_cert_write_mode_t mode)
{
    if (config == NULL) {
        return;
    }
    memset(config, 0, sizeof(*config));
    config->mode = mode;
    if (mode == ESP_SECURE_CERT_WRITE_MODE_FLASH) {
        config->flash.check_erase = true;
        config->flash.auto_erase = false;
    }
}

/* Erase the whole partition (irreversible). */
esp_err_t esp_secure_cert_erase_partition(void);

/* *is_erased = whether [offset, offset+size) of the partition is all 0xFF. */
esp_err_t esp_secure_cert_check_flash_erased(size_t offset, size_t size, bool *is_erased);

/*
 * Append one entry. write_config NULL means flash mode with erase checking.
 * In flash mode an existing (type, subtype) is refused with
 * ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS; entries already present stay intact
 * whatever happens.
 */
esp_err_t esp_secure_cert_append_tlv(esp_secure_cert_tlv_info_t *tlv_info,
                                     const esp_secure_cert_write_config_t *write_config);

/* Append several entries under one write lock; all are validated before
 * anything is written. */
esp_err_t esp_secure_cert_append_tlv_batch(esp_secure_cert_tlv_info_t *tlv_entries,
                                           size_t num_entries,
                                           const esp_secure_cert_write_config_t *write_config);

#if defined(ESP_SECURE_CERT_HOST) || SOC_HMAC_SUPPORTED
/*
 * Append one entry encrypted with AES-GCM under a key derived from the eFuse
 * HMAC_UP key; readers decrypt it transparently.
 */
esp_err_t esp_secure_cert_append_tlv_with_hmac_encryption(esp_secure_cert_tlv_info_t *tlv_info,
                                                          const esp_secure_cert_write_config_t *write_config);

/*
 * Store a salt plus a private-key marker entry instead of a key: the ECDSA
 * P-256 key is re-derived on every read as PBKDF2-HMAC-SHA256(eFuse HMAC_UP
 * key, salt, 2048 iterations), so it never sits in flash.
 */
esp_err_t esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation(const uint8_t *salt, size_t salt_len,
                                                                esp_secure_cert_tlv_subtype_t subtype,
                                                                const esp_secure_cert_write_config_t *write_config);

/*
 * Full provisioning of an HMAC-derived key: random salt and HMAC key, derive
 * and validate the ECDSA key, store the salt and marker, then burn the HMAC
 * key (HMAC_UP) into eFuse and check the hardware reproduces the key (the
 * order keeps a failed write from leaving a burned key without its salt). Optionally returns the
 * uncompressed public key (65 bytes). Fails if an HMAC_UP key already exists.
 */
esp_err_t esp_secure_cert_derive_hmac_ecdsa_key(uint8_t *pub_key_buf, size_t *pub_key_len,
                                                esp_secure_cert_tlv_subtype_t subtype,
                                                const esp_secure_cert_write_config_t *write_config);
#endif

#ifdef __cplusplus
}
#endif

#endif /* ESP_SECURE_CERT_WRITE_API */
