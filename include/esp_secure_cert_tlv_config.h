/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * TLV type and subtype identifiers of the esp_secure_cert partition.
 * The numeric values are written to flash, so they never change.
 */
#pragma once

#include "esp_bit_defs.h"
#include "sdkconfig.h"
#include "soc/soc_caps.h"
#include "esp_secure_cert_platform.h"

#if defined(ESP_SECURE_CERT_HOST) || defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)
#include "esp_ds.h"
#endif

/* Each (type, subtype) pair appears at most once in a partition. */
typedef enum esp_secure_cert_tlv_type {
    ESP_SECURE_CERT_CA_CERT_TLV = 0,
    ESP_SECURE_CERT_DEV_CERT_TLV = 1,
    ESP_SECURE_CERT_PRIV_KEY_TLV = 2,
    ESP_SECURE_CERT_DS_DATA_TLV = 3,
    ESP_SECURE_CERT_DS_CONTEXT_TLV = 4,
    ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT = 5,
    ESP_SECURE_CERT_TLV_SEC_CFG = 6,
    ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV = 7,
    ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV = 8,
    ESP_SECURE_CERT_INTEGRITY_TLV = 9,
    /* Values 10..49 are reserved for future system types. */
    ESP_SECURE_CERT_TLV_END = 50,
    /* Free for application data. */
    ESP_SECURE_CERT_USER_DATA_1 = 51,
    ESP_SECURE_CERT_USER_DATA_2 = 52,
    ESP_SECURE_CERT_USER_DATA_3 = 53,
    ESP_SECURE_CERT_USER_DATA_4 = 54,
    ESP_SECURE_CERT_USER_DATA_5 = 55,
    /* Reserved for Matter; applications must not use them. */
    ESP_SECURE_CERT_MATTER_TLV_1 = 201,
    ESP_SECURE_CERT_MATTER_TLV_2 = 202,
    ESP_SECURE_CERT_TLV_MAX = 254,     /* upper bound, never stored */
    ESP_SECURE_CERT_TLV_INVALID = 255, /* erased flash reads as 0xFF */
} esp_secure_cert_tlv_type_t;

/* Subtype = index among entries of the same type (e.g. several certificates). */
typedef enum esp_secure_cert_tlv_subtype {
    ESP_SECURE_CERT_SUBTYPE_0 = 0,
    ESP_SECURE_CERT_SUBTYPE_1 = 1,
    ESP_SECURE_CERT_SUBTYPE_2 = 2,
    ESP_SECURE_CERT_SUBTYPE_3 = 3,
    ESP_SECURE_CERT_SUBTYPE_4 = 4,
    ESP_SECURE_CERT_SUBTYPE_5 = 5,
    ESP_SECURE_CERT_SUBTYPE_6 = 6,
    ESP_SECURE_CERT_SUBTYPE_7 = 7,
    ESP_SECURE_CERT_SUBTYPE_8 = 8,
    ESP_SECURE_CERT_SUBTYPE_9 = 9,
    ESP_SECURE_CERT_SUBTYPE_10 = 10,
    ESP_SECURE_CERT_SUBTYPE_11 = 11,
    ESP_SECURE_CERT_SUBTYPE_12 = 12,
    ESP_SECURE_CERT_SUBTYPE_13 = 13,
    ESP_SECURE_CERT_SUBTYPE_14 = 14,
    ESP_SECURE_CERT_SUBTYPE_15 = 15,
    ESP_SECURE_CERT_SUBTYPE_16 = 16,
    ESP_SECURE_CERT_SUBTYPE_MAX = 254,     /* upper bound, never stored */
    ESP_SECURE_CERT_SUBTYPE_INVALID = 255,
} esp_secure_cert_tlv_subtype_t;
