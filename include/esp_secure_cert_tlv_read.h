/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Generic TLV access to the esp_secure_cert partition: look up any
 * (type, subtype), iterate over entries, (un)map or switch the partition,
 * check the integrity entry. Drop-in compatible with esp_secure_cert_mgr.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"
#include "esp_secure_cert_platform.h"

/* The write lock in the partition context is an atomic flag. C++ users get
 * the same one-byte layout through std::atomic<bool>. */
#ifdef ESP_SECURE_CERT_WRITE_SUPPORT
#ifdef __cplusplus
#include <atomic>
using atomic_bool = std::atomic<bool>;
#else
#include <stdatomic.h>
#endif
#endif

#include "esp_partition.h"
/* spi_flash_mmap_handle_t moved to spi_flash_mmap.h in IDF 5.0 (the host
 * compat set mirrors IDF 5.5, see esp_secure_cert_platform.h). */
#if defined(ESP_IDF_VERSION)
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)
#include "spi_flash_mmap.h"
#endif
#endif

#include "esp_secure_cert_tlv_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Partition in use and its mapping; returned by esp_secure_cert_map_partition(). */
typedef struct esp_secure_cert_partition_ctx {
    const esp_partition_t *partition;
    const void *esp_secure_cert_mapped_addr; /* start of the mapped partition */
    spi_flash_mmap_handle_t handle;          /* for esp_partition_munmap() */
#ifdef ESP_SECURE_CERT_WRITE_SUPPORT
    atomic_bool write_lock;                  /* one writer at a time */
#endif
} esp_secure_cert_partition_ctx_t;

/* Which entry to look up. */
typedef struct tlv_config {
    esp_secure_cert_tlv_type_t type;
    esp_secure_cert_tlv_subtype_t subtype;
} esp_secure_cert_tlv_config_t;

/*
 * One entry. On read, data points into mapped flash or, for entries that had
 * to be decrypted/derived, to heap memory owned by the library: release it with
 * esp_secure_cert_free_tlv_info(). On write, data/length are the payload and
 * flags the TLV flag byte.
 */
typedef struct tlv_info {
    esp_secure_cert_tlv_type_t type;
    esp_secure_cert_tlv_subtype_t subtype;
    char *data;
    uint32_t length;
    uint8_t flags;
} esp_secure_cert_tlv_info_t;

/* Opaque cursor; zero-initialise it to start from the first entry. */
typedef struct tlv_iterator {
    void *iterator;
} esp_secure_cert_tlv_iterator_t;

/*
 * Find the entry (type, subtype) and verify its CRC. Encrypted or derived
 * entries are returned in plaintext (helper entries of the same subtype are
 * looked up automatically). With type ESP_SECURE_CERT_TLV_END, data is the end
 * of the valid TLV area and length the total size of the valid entries.
 */
esp_err_t esp_secure_cert_get_tlv_info(esp_secure_cert_tlv_config_t *tlv_config,
                                       esp_secure_cert_tlv_info_t *tlv_info);

/* Free what get_tlv_info allocated (not the struct itself). */
esp_err_t esp_secure_cert_free_tlv_info(esp_secure_cert_tlv_info_t *tlv_info);

/* Advance to the next valid entry; fails at the end of the TLV area. */
esp_err_t esp_secure_cert_iterate_to_next_tlv(esp_secure_cert_tlv_iterator_t *tlv_iterator);

/* Entry under the iterator, with the same semantics as get_tlv_info. */
esp_err_t esp_secure_cert_get_tlv_info_from_iterator(esp_secure_cert_tlv_iterator_t *tlv_iterator,
                                                     esp_secure_cert_tlv_info_t *tlv_info);

/* Log one line per entry (type, subtype, length, flags). */
void esp_secure_cert_list_tlv_entries(void);

/* Map the whole partition once (later calls reuse the mapping). */
esp_err_t esp_secure_cert_map_partition(esp_secure_cert_partition_ctx_t **ctx);

/* Release the mapping; pointers previously returned into flash become invalid.
 * The next API call maps again. */
void esp_secure_cert_unmap_partition(void);

/* Use another partition from now on (unmaps the current one first). */
esp_err_t esp_secure_cert_tlv_set_partition(const esp_partition_t *partition);

/*
 * Compare the SHA-256 in the integrity entry with the highest subtype against
 * the partition contents before it. ESP_ERR_NOT_FOUND if there is no such
 * entry, ESP_FAIL on mismatch.
 */
esp_err_t esp_secure_cert_verify_partition_integrity(void);

#ifdef __cplusplus
}
#endif
