/*
 * Partition table parsing, image layout detection and the partition registry
 * of the host port. Entry format (IDF esp_partition_info_t, little-endian):
 * u16 magic 0x50AA, u8 type, u8 subtype, u32 offset, u32 size,
 * char label[16], u32 flags. An entry with magic 0xEBEB carries, at byte 16,
 * the MD5 of all entries before it. 0xFFFF ends the table.
 */
#include "host_partition_table.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <psa/crypto.h>

#include "esc_crypto.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* true if the MD5 matches, or MD5 is not available in this PSA build. */
static bool md5_matches(const uint8_t *data, size_t len, const uint8_t expect[16])
{
    uint8_t md5[16];
    size_t md5_len = 0;
    if (esc_crypto_init() != 0) {
        return true;
    }
    psa_status_t st = psa_hash_compute(PSA_ALG_MD5, data, len, md5, sizeof(md5), &md5_len);
    if (st == PSA_ERROR_NOT_SUPPORTED) {
        return true;
    }
    return st == PSA_SUCCESS && md5_len == sizeof(md5) && memcmp(md5, expect, sizeof(md5)) == 0;
}

esp_err_t esc_host_ptable_parse(const uint8_t *buf, size_t len, esc_host_ptable_entry_t *out, size_t cap,
                                size_t *count)
{
    if (buf == NULL || out == NULL || count == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    *count = 0;
    if (len > ESC_HOST_PTABLE_MAX_LEN) {
        len = ESC_HOST_PTABLE_MAX_LEN;
    }
    if (len < ESC_HOST_PTABLE_ENTRY_LEN || le16(buf) != ESC_HOST_PTABLE_MAGIC) {
        return ESP_ERR_NOT_FOUND;
    }
    size_t n = 0;
    for (size_t pos = 0; pos + ESC_HOST_PTABLE_ENTRY_LEN <= len; pos += ESC_HOST_PTABLE_ENTRY_LEN) {
        const uint8_t *e = buf + pos;
        uint16_t magic = le16(e);
        if (magic == 0xFFFFu) {
            *count = n;
            return ESP_OK;
        }
        if (magic == ESC_HOST_PTABLE_MD5_MAGIC) {
            if (!md5_matches(buf, pos, e + 16)) {
                fprintf(stderr, "esp_secure_cert host: partition table MD5 does not match its entries\n");
                return ESP_ERR_INVALID_CRC;
            }
            continue;
        }
        if (magic != ESC_HOST_PTABLE_MAGIC) {
            fprintf(stderr, "esp_secure_cert host: partition table entry %zu has bad magic 0x%04x\n",
                    pos / ESC_HOST_PTABLE_ENTRY_LEN, magic);
            return ESP_ERR_INVALID_STATE;
        }
        if (n >= cap) {
            return ESP_ERR_INVALID_SIZE;
        }
        esc_host_ptable_entry_t *o = &out[n++];
        memset(o, 0, sizeof(*o));
        o->type = e[2];
        o->subtype = e[3];
        o->address = le32(e + 4);
        o->size = le32(e + 8);
        memcpy(o->label, e + 12, 16);
        o->label[16] = '\0';
        o->flags = le32(e + 28);
        o->flash_off = o->address;
    }
    fprintf(stderr, "esp_secure_cert host: partition table has no end marker\n");
    return ESP_ERR_INVALID_STATE;
}

int esc_host_ptable_pick(const esc_host_ptable_entry_t *e, size_t n)
{
    int by_label = -1, by_type = -1;
    for (size_t i = 0; i < n; i++) {
        bool label = strcmp(e[i].label, ESC_SECURE_CERT_PARTITION_LABEL) == 0;
        bool type = e[i].type == ESC_SECURE_CERT_PARTITION_TYPE;
        if (label && type) {
            return (int)i;
        }
        if (label && by_label < 0) {
            by_label = (int)i;
        }
        if (type && by_type < 0) {
            by_type = (int)i;
        }
    }
    return by_label >= 0 ? by_label : by_type;
}

/* A partition that runs past the end of the image is completed with erased
 * sectors in memory; past this address that is a bogus table, not flash. */
#define MAX_FLASH_END (32u * 1024u * 1024u)

static esp_err_t check_secure_geometry(const esc_host_ptable_entry_t *e, size_t img_len)
{
    if (e->size == 0 || e->flash_off % ESC_HOST_FLASH_SECTOR != 0 || e->size % ESC_HOST_FLASH_SECTOR != 0) {
        fprintf(stderr,
                "esp_secure_cert host: partition '%s' at 0x%" PRIx32 " size 0x%" PRIx32
                " is not made of whole 4 KiB sectors\n",
                e->label, e->flash_off, e->size);
        return ESP_ERR_INVALID_ARG;
    }
    uint64_t end = (uint64_t)e->flash_off + e->size;
    if (end > img_len && end > MAX_FLASH_END) {
        fprintf(stderr,
                "esp_secure_cert host: partition '%s' ends at 0x%" PRIx64 ", past the image (%zu bytes) "
                "and past any flash size (32 MiB)\n",
                e->label, end, img_len);
        return ESP_ERR_INVALID_SIZE;
    }
    return ESP_OK;
}

static esp_err_t detect_dump(const uint8_t *img, size_t img_len, int64_t want_offset, uint32_t want_size,
                             esc_host_layout_t *out)
{
    esp_err_t err = esc_host_ptable_parse(img + ESC_HOST_PTABLE_OFFSET, img_len - ESC_HOST_PTABLE_OFFSET,
                                          out->entries, ESC_HOST_PTABLE_MAX_ENTRIES, &out->count);
    if (err != ESP_OK) {
        return err;
    }
    out->is_dump = true;
    out->secure = -1;
    if (want_offset >= 0) {
        for (size_t i = 0; i < out->count; i++) {
            if (out->entries[i].address == (uint64_t)want_offset) {
                out->secure = (int)i;
                break;
            }
        }
        if (out->secure < 0) {
            fprintf(stderr, "esp_secure_cert host: the partition table has no partition at offset 0x%" PRIx64 "\n",
                    (uint64_t)want_offset);
            return ESP_ERR_NOT_FOUND;
        }
    } else {
        out->secure = esc_host_ptable_pick(out->entries, out->count);
        if (out->secure < 0) {
            fprintf(stderr, "esp_secure_cert host: the partition table has no esp_secure_cert partition "
                            "(type 0x3F or label \"esp_secure_cert\")\n");
            return ESP_ERR_NOT_FOUND;
        }
    }
    if (want_size != 0) {
        out->entries[out->secure].size = want_size;
    }
    return check_secure_geometry(&out->entries[out->secure], img_len);
}

esp_err_t esc_host_layout_detect(const uint8_t *img, size_t img_len, int64_t want_offset, uint32_t want_size,
                                 esc_host_layout_t *out)
{
    if ((img == NULL && img_len > 0) || out == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    memset(out, 0, sizeof(*out));
    out->secure = -1;
    if (img_len >= ESC_HOST_PTABLE_OFFSET + ESC_HOST_PTABLE_ENTRY_LEN &&
        le16(img + ESC_HOST_PTABLE_OFFSET) == ESC_HOST_PTABLE_MAGIC) {
        return detect_dump(img, img_len, want_offset, want_size, out);
    }
    /* Bare partition, or a dump without a table at an explicit offset. */
    uint64_t off = want_offset >= 0 ? (uint64_t)want_offset : 0;
    if (off >= img_len || off > UINT32_MAX) {
        fprintf(stderr, "esp_secure_cert host: partition offset 0x%" PRIx64 " is beyond the image (%zu bytes)\n",
                off, img_len);
        return ESP_ERR_INVALID_SIZE;
    }
    uint64_t rest = img_len - off;
    uint64_t size = want_size != 0 ? want_size
                                   : (rest + ESC_HOST_FLASH_SECTOR - 1) / ESC_HOST_FLASH_SECTOR * ESC_HOST_FLASH_SECTOR;
    if (size > UINT32_MAX) {
        return ESP_ERR_INVALID_SIZE;
    }
    esc_host_ptable_entry_t *e = &out->entries[0];
    e->type = ESC_SECURE_CERT_PARTITION_TYPE;
    e->subtype = 0;
    e->address = want_offset >= 0 ? (uint32_t)off : ESC_HOST_BARE_PARTITION_ADDRESS;
    e->size = (uint32_t)size;
    e->flags = 0;
    snprintf(e->label, sizeof(e->label), "%s", ESC_SECURE_CERT_PARTITION_LABEL);
    e->flash_off = (uint32_t)off;
    out->count = 1;
    out->secure = 0;
    out->is_dump = false;
    return check_secure_geometry(e, img_len);
}

/* ---- registry ---- */

/* Static storage: esp_partition_t pointers handed to applications stay
 * valid for the life of the process, as on the device. */
static esp_partition_t s_parts[ESC_HOST_PTABLE_MAX_ENTRIES];
static uint32_t s_flash_off[ESC_HOST_PTABLE_MAX_ENTRIES];
static size_t s_count;
static esc_host_flash_t *s_flash;

void esc_host_partitions_install(esc_host_flash_t *flash, const esc_host_layout_t *layout)
{
    esc_host_partitions_clear();
    s_flash = flash;
    for (size_t i = 0; i < layout->count && i < ESC_HOST_PTABLE_MAX_ENTRIES; i++) {
        const esc_host_ptable_entry_t *e = &layout->entries[i];
        esp_partition_t *p = &s_parts[i];
        p->flash_chip = NULL;
        p->type = (esp_partition_type_t)e->type;
        p->subtype = (esp_partition_subtype_t)e->subtype;
        p->address = e->address;
        p->size = e->size;
        p->erase_size = ESC_HOST_FLASH_SECTOR;
        memcpy(p->label, e->label, sizeof(p->label));
        p->encrypted = (e->flags & ESC_HOST_PTABLE_FLAG_ENCRYPTED) != 0;
        p->readonly = (e->flags & ESC_HOST_PTABLE_FLAG_READONLY) != 0;
        s_flash_off[i] = e->flash_off;
        s_count = i + 1;
    }
}

void esc_host_partitions_clear(void)
{
    memset(s_parts, 0, sizeof(s_parts));
    memset(s_flash_off, 0, sizeof(s_flash_off));
    s_count = 0;
    s_flash = NULL;
}

size_t esc_host_partition_count(void)
{
    return s_count;
}

const esp_partition_t *esc_host_partition_get(size_t index)
{
    return index < s_count ? &s_parts[index] : NULL;
}

int esc_host_partition_index(const esp_partition_t *part)
{
    for (size_t i = 0; i < s_count; i++) {
        if (part == &s_parts[i]) {
            return (int)i;
        }
    }
    return -1;
}

uint32_t esc_host_partition_flash_off(size_t index)
{
    return index < s_count ? s_flash_off[index] : 0;
}

esc_host_flash_t *esc_host_partitions_flash(void)
{
    return s_flash;
}
