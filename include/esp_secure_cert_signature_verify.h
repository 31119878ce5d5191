/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Verification of the signature block (ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV)
 * that covers all preceding entries of the partition.
 */
#pragma once

#include "esp_err.h"
#include "esp_secure_cert_tlv_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Empty on purpose: reserved for future options, kept for source compatibility
 * with esp_secure_cert_mgr (callers may pass NULL). */
typedef struct esp_sign_verify_ctx {
} esp_sign_verify_ctx_t;

/*
 * Hash every entry before the last signature block and check the signature
 * with the public key carried in that block. Call before trusting the
 * partition contents. ESP_OK if valid, ESP_FAIL otherwise.
 */
esp_err_t esp_secure_cert_verify_partition_signature(esp_sign_verify_ctx_t *ctx);

#ifdef __cplusplus
}
#endif
