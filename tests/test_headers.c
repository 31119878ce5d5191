/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The public headers are a drop-in replacement for esp_secure_cert_mgr's, and
 * the host compat headers for ESP-IDF's. Values written to flash or returned
 * to applications (TLV types, key types, error codes) and struct layouts must
 * therefore equal the reference. The expected numbers below are transcribed
 * from esp_secure_cert_mgr's public headers and ESP-IDF v5.5 headers, not from
 * our own definitions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "esp_secure_cert_platform.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"
#include "esp_secure_cert_tlv_read.h"
#include "esp_secure_cert_write.h"
#include "esp_secure_cert_write_errors.h"
#include "esp_secure_cert_crypto.h"
#include "esp_secure_cert_signature_verify.h"

/* Host compat headers an application may include directly. */
#include "esp_err.h"
#include "esp_bit_defs.h"
#include "esp_idf_version.h"
#include "esp_partition.h"
#include "spi_flash_mmap.h"
#include "soc/soc_caps.h"
#include "esp_hmac.h"
#include "esp_ds.h"
#include "esp_ds_rsa.h"
#include "esp_ds/esp_ds_rsa.h"
#include "rsa_sign_alt.h"
#include "esp_log.h"
#include "esp_efuse.h"
#include "esp_random.h"
#include "sdkconfig.h"

/* ---- build switches ---------------------------------------------------- */
#if !defined(ESP_SECURE_CERT_HOST) || ESP_SECURE_CERT_HOST != 1
#error "ESP_SECURE_CERT_HOST must be 1 outside ESP-IDF"
#endif
#ifndef ESP_SECURE_CERT_WRITE_SUPPORT
#error "host build must have write support"
#endif
#ifndef ESP_SECURE_CERT_WRITE_API
#error "host build must declare the write API"
#endif

/* ---- TLV types / subtypes (esp_secure_cert_tlv_config.h) --------------- */
_Static_assert(ESP_SECURE_CERT_CA_CERT_TLV == 0, "");
_Static_assert(ESP_SECURE_CERT_DEV_CERT_TLV == 1, "");
_Static_assert(ESP_SECURE_CERT_PRIV_KEY_TLV == 2, "");
_Static_assert(ESP_SECURE_CERT_DS_DATA_TLV == 3, "");
_Static_assert(ESP_SECURE_CERT_DS_CONTEXT_TLV == 4, "");
_Static_assert(ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT == 5, "");
_Static_assert(ESP_SECURE_CERT_TLV_SEC_CFG == 6, "");
_Static_assert(ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV == 7, "");
_Static_assert(ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV == 8, "");
_Static_assert(ESP_SECURE_CERT_INTEGRITY_TLV == 9, "");
_Static_assert(ESP_SECURE_CERT_TLV_END == 50, "");
_Static_assert(ESP_SECURE_CERT_USER_DATA_1 == 51, "");
_Static_assert(ESP_SECURE_CERT_USER_DATA_2 == 52, "");
_Static_assert(ESP_SECURE_CERT_USER_DATA_3 == 53, "");
_Static_assert(ESP_SECURE_CERT_USER_DATA_4 == 54, "");
_Static_assert(ESP_SECURE_CERT_USER_DATA_5 == 55, "");
_Static_assert(ESP_SECURE_CERT_MATTER_TLV_1 == 201, "");
_Static_assert(ESP_SECURE_CERT_MATTER_TLV_2 == 202, "");
_Static_assert(ESP_SECURE_CERT_TLV_MAX == 254, "");
_Static_assert(ESP_SECURE_CERT_TLV_INVALID == 255, "");

_Static_assert(ESP_SECURE_CERT_SUBTYPE_0 == 0, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_1 == 1, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_8 == 8, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_15 == 15, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_16 == 16, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_MAX == 254, "");
_Static_assert(ESP_SECURE_CERT_SUBTYPE_INVALID == 255, "");

/* The original names the enum tags too; applications may use them. */
_Static_assert(sizeof(enum esp_secure_cert_tlv_type) == sizeof(esp_secure_cert_tlv_type_t), "");
_Static_assert(sizeof(enum esp_secure_cert_tlv_subtype) == sizeof(esp_secure_cert_tlv_subtype_t), "");
_Static_assert(sizeof(struct tlv_info) == sizeof(esp_secure_cert_tlv_info_t), "");
_Static_assert(sizeof(struct tlv_config) == sizeof(esp_secure_cert_tlv_config_t), "");
_Static_assert(sizeof(struct tlv_iterator) == sizeof(esp_secure_cert_tlv_iterator_t), "");

/* ---- key types (esp_secure_cert_read.h) -------------------------------- */
_Static_assert(ESP_SECURE_CERT_INVALID_KEY == -1, "");
_Static_assert(ESP_SECURE_CERT_DEFAULT_FORMAT_KEY == 0, "");
_Static_assert(ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY == 1, "");
_Static_assert(ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY == 2, "");
_Static_assert(ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY == 3, "");
_Static_assert(sizeof(enum key_type) == sizeof(esp_secure_cert_key_type_t), "");

/* ---- write errors (esp_secure_cert_write_errors.h) --------------------- */
_Static_assert(ESP_SECURE_CERT_WRITE_ERR_BASE == 0x7000, "");
_Static_assert(ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE == 0x7001, "");
_Static_assert(ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH == 0x7002, "");
_Static_assert(ESP_ERR_SECURE_CERT_TLV_INVALID_DATA == 0x7003, "");
_Static_assert(ESP_ERR_SECURE_CERT_TLV_BUFFER_TOO_SMALL == 0x7004, "");
_Static_assert(ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS == 0x7005, "");
_Static_assert(ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND == 0x700a, "");
_Static_assert(ESP_ERR_SECURE_CERT_PARTITION_ACCESS_FAILED == 0x700b, "");
_Static_assert(ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED == 0x700c, "");
_Static_assert(ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED == 0x700d, "");
_Static_assert(ESP_ERR_SECURE_CERT_FLASH_READ_FAILED == 0x700e, "");
_Static_assert(ESP_ERR_SECURE_CERT_ERASE_FAILED == 0x700f, "");
_Static_assert(ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE == 0x7014, "");
_Static_assert(ESP_ERR_SECURE_CERT_BUFFER_CONFIG_INVALID == 0x7015, "");
_Static_assert(ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW == 0x7016, "");
_Static_assert(ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID == 0x7017, "");
_Static_assert(ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND == 0x701e, "");
_Static_assert(ESP_ERR_SECURE_CERT_HMAC_ENCRYPTION_FAILED == 0x701f, "");
_Static_assert(ESP_ERR_SECURE_CERT_HMAC_IV_GENERATION_FAILED == 0x7020, "");
_Static_assert(ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY == 0x7028, "");
_Static_assert(ESP_ERR_SECURE_CERT_ERASE_CHECK_NO_MEMORY == 0x7029, "");
_Static_assert(ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS == 0x7032, "");
_Static_assert(ESP_ERR_SECURE_CERT_ECDSA_KEY_INVALID == 0x703c, "");
_Static_assert(ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED == 0x703d, "");
_Static_assert(ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED == 0x703e, "");
_Static_assert(ESP_ERR_SECURE_CERT_HMAC_KEY_ALREADY_EXISTS == 0x703f, "");
_Static_assert(ESP_ERR_SECURE_CERT_KEY_VERIFICATION_FAILED == 0x7040, "");
_Static_assert(ESP_ERR_SECURE_CERT_PBKDF2_FAILED == 0x7041, "");

_Static_assert(ESP_SECURE_CERT_WRITE_MODE_FLASH == 0, "");
_Static_assert(ESP_SECURE_CERT_WRITE_MODE_BUFFER == 1, "");

/* ---- ESP-IDF compat values --------------------------------------------- */
_Static_assert(ESP_OK == 0 && ESP_FAIL == -1, "");
_Static_assert(ESP_ERR_NO_MEM == 0x101 && ESP_ERR_INVALID_ARG == 0x102, "");
_Static_assert(ESP_ERR_INVALID_STATE == 0x103 && ESP_ERR_INVALID_SIZE == 0x104, "");
_Static_assert(ESP_ERR_NOT_FOUND == 0x105 && ESP_ERR_NOT_SUPPORTED == 0x106, "");
_Static_assert(ESP_ERR_TIMEOUT == 0x107 && ESP_ERR_INVALID_RESPONSE == 0x108, "");
_Static_assert(ESP_ERR_INVALID_CRC == 0x109 && ESP_ERR_INVALID_VERSION == 0x10a, "");
_Static_assert(ESP_ERR_INVALID_MAC == 0x10b && ESP_ERR_NOT_FINISHED == 0x10c, "");
_Static_assert(ESP_ERR_NOT_ALLOWED == 0x10d, "");
_Static_assert(ESP_ERR_FLASH_BASE == 0x6000 && ESP_ERR_HW_CRYPTO_BASE == 0xc000, "");
_Static_assert(ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL == 0xc001, "");
_Static_assert(ESP_ERR_HW_CRYPTO_DS_INVALID_KEY == 0xc002, "");
_Static_assert(ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST == 0xc004, "");
_Static_assert(ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING == 0xc005, "");

_Static_assert(BIT0 == 1u && BIT7 == 0x80u && BIT31 == 0x80000000u, "");
_Static_assert(ESP_IDF_VERSION == ESP_IDF_VERSION_VAL(5, 5, 0), "");
_Static_assert(ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0), "");

_Static_assert(ESP_PARTITION_TYPE_DATA == 1 && ESP_PARTITION_SUBTYPE_ANY == 0xff, "");
_Static_assert(sizeof(((esp_partition_t *)0)->label) == 17, "");
_Static_assert(offsetof(esp_partition_t, flash_chip) == 0, "");
_Static_assert(offsetof(esp_partition_t, type) < offsetof(esp_partition_t, subtype), "");
_Static_assert(offsetof(esp_partition_t, address) < offsetof(esp_partition_t, size), "");
_Static_assert(offsetof(esp_partition_t, erase_size) < offsetof(esp_partition_t, label), "");
_Static_assert(offsetof(esp_partition_t, encrypted) < offsetof(esp_partition_t, readonly), "");
_Static_assert(sizeof(spi_flash_mmap_handle_t) == 4 && SPI_FLASH_MMAP_DATA == 0, "");

_Static_assert(SOC_HMAC_SUPPORTED == 1 && SOC_DIG_SIGN_SUPPORTED == 1, "");
_Static_assert(SOC_ECDSA_SUPPORTED == 1 && SOC_EFUSE_KEY_PURPOSE_FIELD == 1, "");
_Static_assert(HMAC_KEY0 == 0 && HMAC_KEY5 == 5, "");

_Static_assert(ESP_DS_IV_LEN == 16, "");
_Static_assert(ESP_DS_C_LEN == 1584, "4096-bit layout: (3*4096 + 256 + 32 + 32 + 64) / 8");
_Static_assert(ESP_DS_RSA_1024 == 31 && ESP_DS_RSA_2048 == 63, "");
_Static_assert(ESP_DS_RSA_3072 == 95 && ESP_DS_RSA_4096 == 127, "");
_Static_assert(offsetof(esp_ds_data_t, iv) == 4, "");
_Static_assert(offsetof(esp_ds_data_t, c) == 20, "");
_Static_assert(sizeof(esp_ds_data_t) == 4 + 16 + 1584, "");

_Static_assert(EFUSE_BLK_KEY0 == 4 && EFUSE_BLK_KEY5 == 9 && EFUSE_BLK_KEY_MAX == 10, "");
_Static_assert(ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE == 7, "");
_Static_assert(ESP_EFUSE_KEY_PURPOSE_HMAC_UP == 8, "");
_Static_assert(ESP_EFUSE_KEY_PURPOSE_ECDSA_KEY == 12, "");

/* ---- struct layouts: field order as in the original -------------------- */
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, type) == 0, "");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, subtype) > offsetof(esp_secure_cert_tlv_info_t, type), "");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, data) > offsetof(esp_secure_cert_tlv_info_t, subtype), "");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, length) > offsetof(esp_secure_cert_tlv_info_t, data), "");
_Static_assert(offsetof(esp_secure_cert_tlv_info_t, flags) > offsetof(esp_secure_cert_tlv_info_t, length), "");
_Static_assert(sizeof(((esp_secure_cert_tlv_info_t *)0)->length) == 4, "");
_Static_assert(sizeof(((esp_secure_cert_tlv_info_t *)0)->flags) == 1, "");
_Static_assert(offsetof(esp_secure_cert_tlv_config_t, subtype) > offsetof(esp_secure_cert_tlv_config_t, type), "");
_Static_assert(sizeof(esp_secure_cert_tlv_iterator_t) == sizeof(void *), "");

_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, partition) == 0, "");
_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, esp_secure_cert_mapped_addr) == sizeof(void *), "");
_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, handle) == 2 * sizeof(void *), "");
_Static_assert(offsetof(esp_secure_cert_partition_ctx_t, write_lock) == 2 * sizeof(void *) + 4, "");
_Static_assert(sizeof(((esp_secure_cert_partition_ctx_t *)0)->write_lock) == 1, "");

_Static_assert(offsetof(esp_secure_cert_write_config_t, mode) == 0, "");
_Static_assert(offsetof(esp_secure_cert_write_config_t, flash.check_erase) ==
               offsetof(esp_secure_cert_write_config_t, buffer.buffer), "union: both views share storage");
_Static_assert(offsetof(esp_secure_cert_write_config_t, reserved) >
               offsetof(esp_secure_cert_write_config_t, buffer.bytes_written), "");
_Static_assert(sizeof(((esp_secure_cert_write_config_t *)0)->reserved) == 16, "");

_Static_assert(offsetof(esp_ds_data_ctx_t, esp_ds_data) == 0, "");
_Static_assert(offsetof(esp_ds_data_ctx_t, efuse_key_id) == sizeof(void *), "");
_Static_assert(sizeof(((esp_ds_data_ctx_t *)0)->rsa_length_bits) == 2, "");

/* ---- every API is declared on the host, with the original signature ----
 * _Generic does not evaluate its operand, so nothing here needs to link. */
#define HAS_SIGNATURE(fn, type) _Static_assert(_Generic(&(fn), type: 1, default: 0), #fn " signature")

HAS_SIGNATURE(esp_secure_cert_init_nvs_partition, esp_err_t (*)(void));
HAS_SIGNATURE(esp_secure_cert_get_device_cert, esp_err_t (*)(char **, uint32_t *));
HAS_SIGNATURE(esp_secure_cert_free_device_cert, esp_err_t (*)(char *));
HAS_SIGNATURE(esp_secure_cert_get_ca_cert, esp_err_t (*)(char **, uint32_t *));
HAS_SIGNATURE(esp_secure_cert_free_ca_cert, esp_err_t (*)(char *));
HAS_SIGNATURE(esp_secure_cert_get_priv_key, esp_err_t (*)(char **, uint32_t *));
HAS_SIGNATURE(esp_secure_cert_free_priv_key, esp_err_t (*)(char *));
HAS_SIGNATURE(esp_secure_cert_get_ds_ctx, esp_ds_data_ctx_t *(*)(void));
HAS_SIGNATURE(esp_secure_cert_free_ds_ctx, void (*)(esp_ds_data_ctx_t *));
HAS_SIGNATURE(esp_secure_cert_get_priv_key_type, esp_err_t (*)(esp_secure_cert_key_type_t *));
HAS_SIGNATURE(esp_secure_cert_get_priv_key_efuse_id, esp_err_t (*)(uint8_t *));

HAS_SIGNATURE(esp_secure_cert_get_tlv_info,
              esp_err_t (*)(esp_secure_cert_tlv_config_t *, esp_secure_cert_tlv_info_t *));
HAS_SIGNATURE(esp_secure_cert_free_tlv_info, esp_err_t (*)(esp_secure_cert_tlv_info_t *));
HAS_SIGNATURE(esp_secure_cert_iterate_to_next_tlv, esp_err_t (*)(esp_secure_cert_tlv_iterator_t *));
HAS_SIGNATURE(esp_secure_cert_get_tlv_info_from_iterator,
              esp_err_t (*)(esp_secure_cert_tlv_iterator_t *, esp_secure_cert_tlv_info_t *));
HAS_SIGNATURE(esp_secure_cert_list_tlv_entries, void (*)(void));
HAS_SIGNATURE(esp_secure_cert_map_partition, esp_err_t (*)(esp_secure_cert_partition_ctx_t **));
HAS_SIGNATURE(esp_secure_cert_unmap_partition, void (*)(void));
HAS_SIGNATURE(esp_secure_cert_tlv_set_partition, esp_err_t (*)(const esp_partition_t *));
HAS_SIGNATURE(esp_secure_cert_verify_partition_integrity, esp_err_t (*)(void));
HAS_SIGNATURE(esp_secure_cert_verify_partition_signature, esp_err_t (*)(esp_sign_verify_ctx_t *));

HAS_SIGNATURE(esp_pbkdf2_hmac_sha256, int (*)(hmac_key_id_t, const unsigned char *, size_t, size_t, size_t,
                                              unsigned char *));
HAS_SIGNATURE(esp_secure_cert_validate_ecdsa_key, esp_err_t (*)(const uint8_t *, size_t));
HAS_SIGNATURE(esp_secure_cert_sw_pbkdf2_hmac_sha256,
              esp_err_t (*)(const uint8_t *, size_t, const uint8_t *, size_t, uint32_t, uint8_t *, size_t));
HAS_SIGNATURE(esp_secure_cert_calc_public_key, esp_err_t (*)(const uint8_t *, size_t, uint8_t *, size_t *));

HAS_SIGNATURE(esp_secure_cert_erase_partition, esp_err_t (*)(void));
HAS_SIGNATURE(esp_secure_cert_check_flash_erased, esp_err_t (*)(size_t, size_t, bool *));
HAS_SIGNATURE(esp_secure_cert_append_tlv,
              esp_err_t (*)(esp_secure_cert_tlv_info_t *, const esp_secure_cert_write_config_t *));
HAS_SIGNATURE(esp_secure_cert_append_tlv_batch,
              esp_err_t (*)(esp_secure_cert_tlv_info_t *, size_t, const esp_secure_cert_write_config_t *));
HAS_SIGNATURE(esp_secure_cert_append_tlv_with_hmac_encryption,
              esp_err_t (*)(esp_secure_cert_tlv_info_t *, const esp_secure_cert_write_config_t *));
HAS_SIGNATURE(esp_secure_cert_append_tlv_with_hmac_ecdsa_derivation,
              esp_err_t (*)(const uint8_t *, size_t, esp_secure_cert_tlv_subtype_t,
                            const esp_secure_cert_write_config_t *));
HAS_SIGNATURE(esp_secure_cert_derive_hmac_ecdsa_key,
              esp_err_t (*)(uint8_t *, size_t *, esp_secure_cert_tlv_subtype_t,
                            const esp_secure_cert_write_config_t *));

HAS_SIGNATURE(esp_err_to_name, const char *(*)(esp_err_t));
HAS_SIGNATURE(esp_partition_find_first,
              const esp_partition_t *(*)(esp_partition_type_t, esp_partition_subtype_t, const char *));
HAS_SIGNATURE(esp_partition_mmap, esp_err_t (*)(const esp_partition_t *, size_t, size_t,
                                                esp_partition_mmap_memory_t, const void **,
                                                esp_partition_mmap_handle_t *));
HAS_SIGNATURE(esp_hmac_calculate, esp_err_t (*)(hmac_key_id_t, const void *, size_t, uint8_t *));
HAS_SIGNATURE(esp_efuse_find_purpose, bool (*)(esp_efuse_purpose_t, esp_efuse_block_t *));
HAS_SIGNATURE(esp_efuse_get_key_purpose, esp_efuse_purpose_t (*)(esp_efuse_block_t));
HAS_SIGNATURE(esp_fill_random, void (*)(void *, size_t));
HAS_SIGNATURE(esp_random, uint32_t (*)(void));

/* ---- runtime checks ----------------------------------------------------- */

static void test_err_to_name_known_codes(void **state)
{
    (void)state;
    static const struct {
        esp_err_t code;
        const char *name;
    } cases[] = {
        { 0, "ESP_OK" },
        { -1, "ESP_FAIL" },
        { 0x101, "ESP_ERR_NO_MEM" },
        { 0x102, "ESP_ERR_INVALID_ARG" },
        { 0x103, "ESP_ERR_INVALID_STATE" },
        { 0x104, "ESP_ERR_INVALID_SIZE" },
        { 0x105, "ESP_ERR_NOT_FOUND" },
        { 0x106, "ESP_ERR_NOT_SUPPORTED" },
        { 0x107, "ESP_ERR_TIMEOUT" },
        { 0x108, "ESP_ERR_INVALID_RESPONSE" },
        { 0x109, "ESP_ERR_INVALID_CRC" },
        { 0x10a, "ESP_ERR_INVALID_VERSION" },
        { 0x10b, "ESP_ERR_INVALID_MAC" },
        { 0x10c, "ESP_ERR_NOT_FINISHED" },
        { 0x10d, "ESP_ERR_NOT_ALLOWED" },
        { 0x6000, "ESP_ERR_FLASH_BASE" },
        { 0xc000, "ESP_ERR_HW_CRYPTO_BASE" },
        { 0xc001, "ESP_ERR_HW_CRYPTO_DS_HMAC_FAIL" },
        { 0xc002, "ESP_ERR_HW_CRYPTO_DS_INVALID_KEY" },
        { 0xc004, "ESP_ERR_HW_CRYPTO_DS_INVALID_DIGEST" },
        { 0xc005, "ESP_ERR_HW_CRYPTO_DS_INVALID_PADDING" },
        { 0x7001, "ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE" },
        { 0x7002, "ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH" },
        { 0x7003, "ESP_ERR_SECURE_CERT_TLV_INVALID_DATA" },
        { 0x7004, "ESP_ERR_SECURE_CERT_TLV_BUFFER_TOO_SMALL" },
        { 0x7005, "ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS" },
        { 0x700a, "ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND" },
        { 0x700b, "ESP_ERR_SECURE_CERT_PARTITION_ACCESS_FAILED" },
        { 0x700c, "ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED" },
        { 0x700d, "ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED" },
        { 0x700e, "ESP_ERR_SECURE_CERT_FLASH_READ_FAILED" },
        { 0x700f, "ESP_ERR_SECURE_CERT_ERASE_FAILED" },
        { 0x7014, "ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE" },
        { 0x7015, "ESP_ERR_SECURE_CERT_BUFFER_CONFIG_INVALID" },
        { 0x7016, "ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW" },
        { 0x7017, "ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID" },
        { 0x701e, "ESP_ERR_SECURE_CERT_HMAC_KEY_NOT_FOUND" },
        { 0x701f, "ESP_ERR_SECURE_CERT_HMAC_ENCRYPTION_FAILED" },
        { 0x7020, "ESP_ERR_SECURE_CERT_HMAC_IV_GENERATION_FAILED" },
        { 0x7028, "ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY" },
        { 0x7029, "ESP_ERR_SECURE_CERT_ERASE_CHECK_NO_MEMORY" },
        { 0x7032, "ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS" },
        { 0x703c, "ESP_ERR_SECURE_CERT_ECDSA_KEY_INVALID" },
        { 0x703d, "ESP_ERR_SECURE_CERT_ECDSA_KEY_GEN_FAILED" },
        { 0x703e, "ESP_ERR_SECURE_CERT_EFUSE_WRITE_FAILED" },
        { 0x703f, "ESP_ERR_SECURE_CERT_HMAC_KEY_ALREADY_EXISTS" },
        { 0x7040, "ESP_ERR_SECURE_CERT_KEY_VERIFICATION_FAILED" },
        { 0x7041, "ESP_ERR_SECURE_CERT_PBKDF2_FAILED" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *name = esp_err_to_name(cases[i].code);
        assert_non_null(name);
        assert_string_equal(name, cases[i].name);
    }
}

static void test_err_to_name_unknown_codes(void **state)
{
    (void)state;
    static const esp_err_t unknown[] = { 1, -2, 0x100, 0x10e, 0x7000, 0x7006, 0x7042, 0xc003, 0x7fffffff,
                                         (esp_err_t)0x80000000u };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_string_equal(esp_err_to_name(unknown[i]), "UNKNOWN ERROR");
    }
}

static void test_write_config_init_flash(void **state)
{
    (void)state;
    esp_secure_cert_write_config_t cfg;
    memset(&cfg, 0xA5, sizeof(cfg));
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    assert_int_equal(cfg.mode, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    assert_true(cfg.flash.check_erase);
    assert_false(cfg.flash.auto_erase);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(cfg.reserved[i], 0);
    }
}

static void test_write_config_init_buffer(void **state)
{
    (void)state;
    esp_secure_cert_write_config_t cfg;
    memset(&cfg, 0xA5, sizeof(cfg));
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    assert_int_equal(cfg.mode, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    assert_null(cfg.buffer.buffer);
    assert_int_equal(cfg.buffer.buffer_size, 0);
    assert_null(cfg.buffer.bytes_written);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(cfg.reserved[i], 0);
    }
}

static void test_write_config_init_null_is_harmless(void **state)
{
    (void)state;
    esp_secure_cert_write_config_init(NULL, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    esp_secure_cert_write_config_init(NULL, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
}

static void test_error_check_passes_on_ok(void **state)
{
    (void)state;
    int calls = 0;
    ESP_ERROR_CHECK((calls++, ESP_OK));
    assert_int_equal(calls, 1); /* the expression is evaluated exactly once */
    assert_int_equal(ESP_ERROR_CHECK_WITHOUT_ABORT(ESP_ERR_NOT_FOUND), ESP_ERR_NOT_FOUND);
}

/* Run fn with stderr redirected to a temporary file; return what it printed. */
static void capture_stderr(void (*fn)(void), char *out, size_t out_size)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, out_size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void log_all_levels(void)
{
    static const char *TAG = "hdr";
    int value = 42;
    int debug_only = 7; /* used only by dropped levels: must not warn */
    ESP_LOGE(TAG, "error %d", value);
    ESP_LOGW(TAG, "warn");
    ESP_LOGI(TAG, "info %s", "x");
    ESP_LOGD(TAG, "debug %d", debug_only);
    ESP_LOGV(TAG, "verbose %d", debug_only);
    uint8_t buf[2] = { 1, 2 };
    ESP_LOG_BUFFER_HEX_LEVEL(TAG, buf, sizeof(buf), ESP_LOG_DEBUG);
}

static void test_log_prints_error_warn_info_only(void **state)
{
    (void)state;
    char out[256];
    capture_stderr(log_all_levels, out, sizeof(out));
    assert_string_equal(out, "E (hdr): error 42\nW (hdr): warn\nI (hdr): info x\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_to_name_known_codes),
        cmocka_unit_test(test_err_to_name_unknown_codes),
        cmocka_unit_test(test_write_config_init_flash),
        cmocka_unit_test(test_write_config_init_buffer),
        cmocka_unit_test(test_write_config_init_null_is_harmless),
        cmocka_unit_test(test_error_check_passes_on_ok),
        cmocka_unit_test(test_log_prints_error_warn_info_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
