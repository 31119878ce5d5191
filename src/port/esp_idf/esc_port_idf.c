/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ESP-IDF port: finds the esp_secure_cert partition and hands the API one
 * esc_port_t describing it. The API layer serialises calls to esc_port_get()
 * and esc_port_release() (they change the one shared port).
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "esp_flash_encrypt.h"
#include "esp_heap_caps.h"
#include "esp_memory_utils.h"
#include "esp_log.h"
#include "spi_flash_mmap.h"

#include "esc_port_idf.h"

static const char *TAG = "esc_port";

/* The custom partition type the generator and partition tables use. */
#define ESC_IDF_PARTITION_TYPE ((esp_partition_type_t)0x3F)

typedef struct {
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    const char *label;
} esc_idf_candidate_t;

/* Where to look, best first. The legacy layouts are only recognised when the
 * application asked for them: an NVS partition named esp_secure_cert would
 * otherwise be parsed as TLV data. */
static const esc_idf_candidate_t k_candidates[] = {
    {ESC_IDF_PARTITION_TYPE, ESP_PARTITION_SUBTYPE_ANY, "esp_secure_cert"},
#if CONFIG_ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS
    {ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, "esp_secure_cert"},
    {ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, "pre_prov"},
    {ESC_IDF_PARTITION_TYPE, ESP_PARTITION_SUBTYPE_ANY, "pre_prov"},
#endif
};

static esc_idf_state_t s_state;
static esc_port_t s_port;
static const esp_partition_t *s_default; /* result of the default lookup */
static uint32_t s_generation;            /* bumped on every reconfiguration */

static const esp_partition_t *find_default(void)
{
    if (s_default != NULL) {
        return s_default;
    }
    for (size_t i = 0; i < sizeof(k_candidates) / sizeof(k_candidates[0]); i++) {
        const esc_idf_candidate_t *c = &k_candidates[i];
        const esp_partition_t *part = esp_partition_find_first(c->type, c->subtype, c->label);
        if (part != NULL) {
            ESP_LOGD(TAG, "using partition '%s' (type 0x%02x, subtype 0x%02x) at 0x%" PRIx32 ", %" PRIu32 " bytes",
                     part->label, (unsigned)part->type, (unsigned)part->subtype, part->address, part->size);
            s_default = part;
            return part;
        }
    }
    return NULL;
}

/* The chip-wide callbacks (eFuse, HMAC, RNG, write lock), constant: a
 * chip without a peripheral leaves its entries NULL. */
static const esc_port_t k_chip = {
#if SOC_EFUSE_KEY_PURPOSE_FIELD
    .efuse_get_purpose = esc_idf_get_purpose,
#if defined(ESP_SECURE_CERT_WRITE_API)
    .efuse_write_key = esc_idf_write_key,
#endif
#endif
#if SOC_HMAC_SUPPORTED
    .hmac_calculate = esc_idf_hmac,
#endif
#if defined(ESP_SECURE_CERT_WRITE_API)
    .random = esc_idf_random,          /* salts and keys of the HMAC writers */
    .write_try_lock = esc_idf_try_lock, /* one lock for the whole chip */
    .write_unlock = esc_idf_unlock,
#endif
};

/* The flash callbacks, which esc_port_t keeps side by side from flash_read
 * to flash_encrypted: copied in one piece. */
static const struct {
    esp_err_t (*read)(const esc_port_t *p, uint32_t off, void *dst, size_t len);
    esp_err_t (*program)(const esc_port_t *p, uint32_t off, const void *src, size_t len);
    esp_err_t (*erase)(const esc_port_t *p, uint32_t off, size_t len);
    esp_err_t (*mmap)(const esc_port_t *p, const void **addr);
    void (*munmap)(const esc_port_t *p);
    bool (*encrypted)(const esc_port_t *p);
} k_flash = {
    .read = esc_idf_flash_read,
#if defined(ESP_SECURE_CERT_WRITE_API)
    .program = esc_idf_flash_program,
    .erase = esc_idf_flash_erase,
#endif
    .mmap = esc_idf_flash_mmap,
    .munmap = esc_idf_flash_munmap,
    .encrypted = esc_idf_flash_encrypted,
};
_Static_assert(offsetof(esc_port_t, flash_program) == offsetof(esc_port_t, flash_read) + sizeof(void *) &&
                   offsetof(esc_port_t, flash_erase) == offsetof(esc_port_t, flash_read) + 2 * sizeof(void *) &&
                   offsetof(esc_port_t, flash_mmap) == offsetof(esc_port_t, flash_read) + 3 * sizeof(void *) &&
                   offsetof(esc_port_t, flash_munmap) == offsetof(esc_port_t, flash_read) + 4 * sizeof(void *) &&
                   offsetof(esc_port_t, flash_encrypted) == offsetof(esc_port_t, flash_read) + 5 * sizeof(void *) &&
                   sizeof(k_flash) == 6 * sizeof(void *),
               "esc_port_t flash callbacks are no longer contiguous");

static void setup(const esp_partition_t *part)
{
    esc_idf_flash_unmap(&s_state);
    /* A copy through the pointer: one memcpy, where copying k_chip by name
     * lets the compiler store each constant field separately. */
    s_port = *esc_port_chip();
    s_state.part = part;
    s_port.context = &s_state;
    s_port.partition = part;
    /* The old mapping is gone (unmapped above); a new generation tells the
     * API to drop what it kept of it. */
    s_port.generation = ++s_generation;
    s_port.partition_size = part->size;
    s_port.erase_size = part->erase_size != 0 ? part->erase_size : SPI_FLASH_SEC_SIZE;
    /* esp_partition_write() on an encrypted partition encrypts whole 16-byte
     * AES blocks. An unflagged partition on a chip with flash encryption on
     * would accept any alignment, but the stricter one keeps what the writer
     * lays out independent of the partition table flag. */
    s_port.prog_align = (part->encrypted || esp_flash_encryption_enabled()) ? 16u : 1u;

    memcpy(&s_port.flash_read, &k_flash, sizeof(k_flash));
#if CONFIG_ESP_SECURE_CERT_SECURE_VERIFICATION
    s_port.secure_boot_key_digests = esc_idf_sb_digests;
#endif
}

const esc_port_t *esc_port_get(const void *selected)
{
    const esp_partition_t *part = selected != NULL ? (const esp_partition_t *)selected : find_default();
    if (part == NULL) {
        return NULL;
    }
    if (part != s_state.part) {
        setup(part);
    }
    return &s_port;
}

__attribute__((noinline)) const esc_port_t *esc_port_chip(void)
{
    return &k_chip;
}

bool esc_port_ptr_in_flash_map(const void *p)
{
    /* esp_partition_mmap(DATA) maps into the DROM window (the original
     * decides the same way); the secrets the free functions release come
     * from internal RAM (esc_port_secret_calloc), never from there. */
    return esp_ptr_in_drom(p);
}

void *esc_port_secret_calloc(size_t len)
{
    return heap_caps_calloc(1, len, MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
}

void esc_port_release(void)
{
    esc_idf_flash_unmap(&s_state);
    s_state.part = NULL;
    s_default = NULL;
}
