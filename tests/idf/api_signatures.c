/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Drop-in check against real ESP-IDF headers (compiled by ci/idf_check.sh in
 * every configuration): each public function has exactly the type that
 * esp_secure_cert_mgr 2.9 declares under the same Kconfig options, and the
 * public structs have its field layout on the device ABI. A mismatch fails
 * the build here rather than in an application that switches components.
 *
 * The expected prototypes and struct fields are restated from the original's
 * headers (include/esp_secure_cert_*.h); nothing here is computed from ours.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_secure_cert_crypto.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_signature_verify.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"
#include "esp_secure_cert_write.h"

#define SAME_TYPE(fn, type) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&(fn)), type), #fn ": not the original's prototype")

/* esp_secure_cert_read.h */
SAME_TYPE(esp_secure_cert_init_nvs_partition, esp_err_t (*)(void));
SAME_TYPE(esp_secure_cert_get_device_cert, esp_err_t (*)(char **, uint32_t *));
SAME_TYPE(esp_secure_cert_free_device_cert, esp_err_t (*)(char *));
SAME_TYPE(esp_secure_cert_get_ca_cert, esp_err_t (*)(char **, uint32_t *));
SAME_TYPE(esp_secure_cert_free_ca_cert, esp_err_t (*)(char *));
#if defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
SAME_TYPE(esp_secure_cert_get_ds_ctx, esp_ds_data_ctx_t *(*)(void));
SAME_TYPE(esp_secure_cert_free_ds_ctx, void (*)(esp_ds_data_ctx_t *));
#else
SAME_TYPE(esp_secure_cert_get_priv_key, esp_err_t (*)(char **, uint32_t *));
SAME_TYPE(esp_secure_cert_free_priv_key, esp_err_t (*)(char *));
#endif
#if !defined(CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS)
SAME_TYPE(esp_secure_cert_get_priv_key_type, esp_err_t (*)(esp_secure_cert_key_type_t *));
SAME_TYPE(esp_secure_cert_get_priv_key_efuse_id, esp_err_t (*)(uint8_t *));
#endif
_Static_assert(ESP_SECURE_CERT_INVALID_KEY == -1 && ESP_SECURE_CERT_DEFAULT_FORMAT_KEY == 0 &&
                   ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY == 1 && ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY == 2 &&
                   ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY == 3,
               "esp_secure_cert_key_type_t values");

/* esp_secure_cert_tlv_read.h */
SAME_TYPE(esp_secure_cert_get_tlv_info, esp_err_t (*)(esp_secure_cert_tlv_config_t *, esp_secure_cert_tlv_info_t *));
SAME_TYPE(esp_secure_cert_free_tlv_info, esp_err_t (*)(esp_secure_cert_tlv_info_t *));
SAME_TYPE(esp_secure_cert_iterate_to_next_tlv, esp_err_t (*)(esp_secure_cert_tlv_iterator_t *));
SAME_TYPE(esp_secure_cert_get_tlv_info_from_iterator,
          esp_err_t (*)(esp_secure_cert_tlv_iterator_t *, esp_secure_cert_tlv_info_t *));
SAME_TYPE(esp_secure_cert_list_tlv_entries, void (*)(void));
SAME_TYPE(esp_secure_cert_map_partition, esp_err_t (*)(esp_secure_cert_partition_ctx_t **));
SAME_TYPE(esp_secure_cert_unmap_partition, void (*)(void));
SAME_TYPE(esp_secure_cert_tlv_set_partition, esp_err_t (*)(const esp_partition_t *));
SAME_TYPE(esp_secure_cert_verify_partition_integrity, esp_err_t (*)(void));

/* The original's structs, field for field, to compare layouts with. */
struct orig_tlv_info {
    esp_secure_cert_tlv_type_t type;
    esp_secure_cert_tlv_subtype_t subtype;
    char *data;
    uint32_t length;
    uint8_t flags;
};
_Static_assert(sizeof(esp_secure_cert_tlv_info_t) == sizeof(struct orig_tlv_info), "tlv_info size");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, data) == offsetof(struct orig_tlv_info, data), "tlv_info.data");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, length) == offsetof(struct orig_tlv_info, length),
               "tlv_info.length");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, flags) == offsetof(struct orig_tlv_info, flags), "tlv_info.flags");
_Static_assert(sizeof(esp_secure_cert_tlv_config_t) == 2 * sizeof(esp_secure_cert_tlv_type_t), "tlv_config size");
_Static_assert(sizeof(esp_secure_cert_tlv_iterator_t) == sizeof(void *), "tlv_iterator size");

struct orig_partition_ctx {
    const esp_partition_t *partition;
    const void *esp_secure_cert_mapped_addr;
    spi_flash_mmap_handle_t handle;
#if defined(ESP_SECURE_CERT_WRITE_SUPPORT)
    atomic_bool write_lock;
#endif
};
_Static_assert(sizeof(esp_secure_cert_partition_ctx_t) == sizeof(struct orig_partition_ctx), "partition_ctx size");
_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, esp_secure_cert_mapped_addr) ==
                   offsetof(struct orig_partition_ctx, esp_secure_cert_mapped_addr),
               "partition_ctx.esp_secure_cert_mapped_addr");
_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, handle) == offsetof(struct orig_partition_ctx, handle),
               "partition_ctx.handle");

/* esp_secure_cert_crypto.h (HMAC chips) */
#if SOC_HMAC_SUPPORTED
SAME_TYPE(esp_pbkdf2_hmac_sha256,
          int (*)(hmac_key_id_t, const unsigned char *, size_t, size_t, size_t, unsigned char *));
SAME_TYPE(esp_secure_cert_validate_ecdsa_key, esp_err_t (*)(const uint8_t *, size_t));
SAME_TYPE(esp_secure_cert_sw_pbkdf2_hmac_sha256,
          esp_err_t (*)(const uint8_t *, size_t, const uint8_t *, size_t, uint32_t, uint8_t *, size_t));
SAME_TYPE(esp_secure_cert_calc_public_key, esp_err_t (*)(const uint8_t *, size_t, uint8_t *, size_t *));
#endif

/* esp_secure_cert_signature_verify.h */
SAME_TYPE(esp_secure_cert_verify_partition_signature, esp_err_t (*)(esp_sign_verify_ctx_t *));

/* esp_secure_cert_write.h: in the original whenever IDF >= 5.3; here also
 * only with CONFIG_ESP_SECURE_CERT_ENABLE_WRITE. */
#if defined(ESP_SECURE_CERT_WRITE_API)
SAME_TYPE(esp_secure_cert_erase_partition, esp_err_t (*)(void));
SAME_TYPE(esp_secure_cert_check_flash_erased, esp_err_t (*)(size_t, size_t, bool *));
SAME_TYPE(esp_secure_cert_append_tlv,
          esp_err_t (*)(esp_secure_cert_tlv_info_t *, const esp_secure_cert_write_config_t *));
SAME_TYPE(esp_secure_cert_append_tlv_batch,
          esp_err_t (*)(esp_secure_cert_tlv_info_t *, size_t, const esp_secure_cert_write_config_t *));
#if SOC_HMAC_SUPPORTED
SAME_TYPE(esp_secure_cert_append_tlv_with_hmac_encryption,
          esp_err_t (*)(esp_secure_cert_tlv_info_t *, const esp_secure_cert_write_config_t *));
SAME_TYPE(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation,
          esp_err_t (*)(const uint8_t *, size_t, esp_secure_cert_tlv_subtype_t,
                        const esp_secure_cert_write_config_t *));
SAME_TYPE(esp_secure_cert_derive_hmac_ecdsa_key,
          esp_err_t (*)(uint8_t *, size_t *, esp_secure_cert_tlv_subtype_t, const esp_secure_cert_write_config_t *));
#endif

struct orig_write_config {
    esp_secure_cert_write_mode_t mode;
    union {
        struct {
            bool check_erase;
            bool auto_erase;
        } flash;
        struct {
            uint8_t *buffer;
            size_t buffer_size;
            size_t *bytes_written;
        } buffer;
    };
    uint32_t reserved[4];
};
_Static_assert(sizeof(esp_secure_cert_write_config_t) == sizeof(struct orig_write_config), "write_config size");
_Static_assert(offsetof(esp_secure_cert_write_config_t, flash.auto_erase) ==
                   offsetof(struct orig_write_config, flash.auto_erase),
               "write_config.flash.auto_erase");
_Static_assert(offsetof(esp_secure_cert_write_config_t, buffer.bytes_written) ==
                   offsetof(struct orig_write_config, buffer.bytes_written),
               "write_config.buffer.bytes_written");
_Static_assert(offsetof(esp_secure_cert_write_config_t, reserved) == offsetof(struct orig_write_config, reserved),
               "write_config.reserved");
_Static_assert(ESP_SECURE_CERT_WRITE_MODE_FLASH == 0 && ESP_SECURE_CERT_WRITE_MODE_BUFFER == 1, "write modes");
#endif

/* Something for the object file to hold, so that size reports list it. */
int esc_idf_api_signatures_checked(void);
int esc_idf_api_signatures_checked(void)
{
    return 1;
}
