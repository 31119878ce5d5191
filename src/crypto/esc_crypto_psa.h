/*
 * Private to src/crypto: the few PSA helpers the esc_*.c files share.
 * Nothing outside src/crypto includes this, so PSA types stay out of
 * esc_crypto.h.
 */
#pragma once

#include <psa/crypto.h>

#include "esc_crypto.h"

/* Import raw key bytes as a volatile PSA key. Calls esc_crypto_init first. */
int esc_psa_import(psa_key_type_t type, psa_algorithm_t alg, psa_key_usage_t usage, const uint8_t *key,
                   size_t key_len, psa_key_id_t *id);

/* Import an HMAC-SHA256 key usable with psa_mac_compute. Accepts an empty
 * key, which PSA itself refuses. */
int esc_psa_import_hmac_sha256(const uint8_t *key, size_t key_len, psa_key_id_t *id);
