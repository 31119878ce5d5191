/*
 * Flash mode: appends that a power cut at any moment cannot turn into a lost
 * or torn entry. docs/power-loss.md is the design; in short:
 *   - the new entries are encoded in RAM first, then programmed with the
 *     first block of the first entry (its magic) last, so readers see either
 *     all of them or none;
 *   - the next append inspects what a cut may have left after the last entry
 *     and makes it usable again (finish the header, or cover it with a
 *     filler), erasing only a sector that holds no entry, unless auto_erase
 *     allows rebuilding one.
 * The caller holds the write lock; the port is a parameter so tests and
 * benchmarks can drive this on any flash.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_crypto.h"
#include "esc_tlv.h"
#include "esc_log.h"
#include "write_internal.h"
#include "write_tail.h"

static const char *TAG = "esp_secure_cert_write";

#define BLOCK ESC_TLV_ALIGN
/* A torn append leaves one thing to repair; a repair cut short leaves one
 * more. The loop bound only guards against a flash that does not keep what
 * is programmed. */
#define MAX_REPAIRS 8

static const uint8_t s_zeros[64];

static bool byte_programmable(const esc_port_t *port)
{
    return port->prog_align <= 1;
}

static esp_err_t read_flash(const esc_port_t *port, uint32_t off, void *dst, size_t len)
{
    if (port->flash_read(port, off, dst, len) != ESP_OK) {
        ESC_LOGE(TAG, "flash read of %zu bytes at 0x%x failed", len, (unsigned)off);
        return ESP_ERR_SECURE_CERT_FLASH_READ_FAILED;
    }
    return ESP_OK;
}

/* Program and read back: the data must now be in flash exactly. */
static esp_err_t program(const esc_port_t *port, uint32_t off, const uint8_t *data, size_t len)
{
    if (len == 0) {
        return ESP_OK;
    }
    if (port->flash_program(port, off, data, len) != ESP_OK) {
        ESC_LOGE(TAG, "flash program of %zu bytes at 0x%x failed", len, (unsigned)off);
        return ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED;
    }
    uint8_t chunk[64];
    for (size_t done = 0; done < len;) {
        size_t k = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        esp_err_t err = read_flash(port, (uint32_t)(off + done), chunk, k);
        if (err != ESP_OK) {
            return err;
        }
        if (memcmp(chunk, data + done, k) != 0) {
            ESC_LOGE(TAG, "flash at 0x%x does not hold what was programmed", (unsigned)(off + done));
            return ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED;
        }
        done += k;
    }
    return ESP_OK;
}

static esp_err_t program_zeros(const esc_port_t *port, uint32_t off, size_t len)
{
    while (len > 0) {
        size_t k = len < sizeof(s_zeros) ? len : sizeof(s_zeros);
        esp_err_t err = program(port, off, s_zeros, k);
        if (err != ESP_OK) {
            return err;
        }
        off += (uint32_t)k;
        len -= k;
    }
    return ESP_OK;
}

/*
 * Program entries `img` (len bytes, whole entries) at `at`, committing last.
 * Byte-programmable flash: bytes 12.. first, then flags/reserved/subtype
 * with the type byte kept 0xFF, then type/subtype/length, then the magic:
 * until the last step a reader stops at `at`, and each intermediate state
 * can be repaired by clearing bits (write_tail.c). With 16-byte blocks: all
 * but the first block, then the first block.
 */
static esp_err_t program_entries(const esc_port_t *port, uint32_t at, const uint8_t *img, size_t len)
{
    esp_err_t err;
    if (byte_programmable(port)) {
        err = program(port, at + 12, img + 12, len - 12);
        if (err == ESP_OK) {
            uint8_t pre[6];
            memcpy(pre, img + 4, sizeof(pre));
            pre[4] = 0xFF; /* type byte (offset 8) stays erased */
            err = program(port, at + 4, pre, sizeof(pre));
        }
        if (err == ESP_OK) {
            err = program(port, at + 8, img + 8, 4);
        }
        if (err == ESP_OK) {
            err = program(port, at, img, 4);
        }
        return err;
    }
    err = program(port, at + BLOCK, img + BLOCK, len - BLOCK);
    if (err == ESP_OK) {
        err = program(port, at, img, BLOCK);
    }
    return err;
}

static esp_err_t read_partition(const esc_port_t *port, uint8_t *img)
{
    return read_flash(port, 0, img, port->partition_size);
}

/* Finish a header whose last steps were cut (byte-programmable flash). */
static esp_err_t roll_forward(const esc_port_t *port, const esc_tail_plan_t *plan)
{
    ESC_LOGW(TAG, "completing the entry a power cut interrupted at 0x%x", (unsigned)plan->end);
    esp_err_t err = program(port, plan->end + 8, plan->header + 8, 4);
    if (err == ESP_OK) {
        err = program(port, plan->end, plan->header, 4);
    }
    return err;
}

static esp_err_t write_filler(const esc_port_t *port, const esc_tail_plan_t *plan, uint8_t *img)
{
    uint32_t x = plan->end, y = plan->filler_end;
    ESC_LOGW(TAG, "covering 0x%x..0x%x left by a power cut with a filler entry", (unsigned)x, (unsigned)y);
    uint8_t hdr[12];
    esc_tail_filler_header(x, y, hdr);
    esp_err_t err;
    if (byte_programmable(port)) {
        /* Zero what the cut left half-programmed, so the filler's CRC does not
         * depend on bits that may read differently later; then header,
         * footer, magic (same order as an entry). */
        err = program_zeros(port, x + 12, (y - 16) - (x + 12));
        if (err == ESP_OK) {
            err = program(port, x + 4, hdr + 4, 8);
        }
        if (err == ESP_OK) {
            err = read_flash(port, x + 12, img + x + 12, (y - 4) - (x + 12));
        }
        if (err == ESP_OK) {
            uint8_t crc[4];
            uint32_t reg = esc_crc32_update(0, hdr, 12);
            reg = esc_crc32_update(reg, img + x + 12, (y - 4) - (x + 12));
            esc_put_le32(crc, esc_crc32_final(reg));
            err = program(port, y - 4, crc, 4);
        }
        if (err == ESP_OK) {
            err = program(port, x, hdr, 4);
        }
        return err;
    }
    /* 16-byte blocks: the first and the last block are erased; program the
     * last (with the CRC) first, then the first. What lies between is
     * covered as it reads. */
    uint8_t first[BLOCK], last[BLOCK];
    memcpy(first, hdr, 12);
    memset(first + 12, 0xFF, 4);
    memset(last, 0xFF, 12);
    err = read_flash(port, x + 16, img + x + 16, (y - 16) - (x + 16));
    if (err != ESP_OK) {
        return err;
    }
    uint32_t reg = esc_crc32_update(0, first, BLOCK);
    reg = esc_crc32_update(reg, img + x + 16, (y - 16) - (x + 16));
    reg = esc_crc32_update(reg, last, 12);
    esc_put_le32(last + 12, esc_crc32_final(reg));
    err = program(port, y - BLOCK, last, BLOCK);
    if (err == ESP_OK) {
        err = program(port, x, first, BLOCK);
    }
    return err;
}

static esp_err_t erase_range(const esc_port_t *port, uint32_t from, uint32_t to)
{
    if (port->flash_erase(port, from, to - from) != ESP_OK) {
        ESC_LOGE(TAG, "erase of 0x%x..0x%x failed", (unsigned)from, (unsigned)to);
        return ESP_ERR_SECURE_CERT_ERASE_FAILED;
    }
    return ESP_OK;
}

static uint32_t sector_up(const esc_port_t *port, uint32_t off)
{
    uint32_t e = port->erase_size;
    uint32_t r = (off + e - 1) / e * e;
    return r > port->partition_size ? port->partition_size : r;
}

/*
 * auto_erase: the sector holding the end of the list must be erased. Its
 * committed bytes are kept in RAM and programmed back, entry by entry with
 * the usual commit order, so that a cut during the rebuild loses at most the
 * entries from the one being re-programmed on (docs/power-loss.md).
 */
static esp_err_t rebuild_sector(const esc_port_t *port, const esc_tail_plan_t *plan, const uint8_t *img)
{
    uint32_t x = plan->end;
    uint32_t s = x - x % port->erase_size;
    uint32_t to = sector_up(port, plan->dirty_end);
    ESC_LOGW(TAG, "auto_erase: erasing 0x%x..0x%x and re-programming the %u bytes of entries it held",
             (unsigned)s, (unsigned)to, (unsigned)(x - s));
    uint8_t *keep = malloc(x - s);
    if (keep == NULL) {
        return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    }
    memcpy(keep, img + s, x - s);
    esp_err_t err = erase_range(port, s, to);
    /* The entry that straddles the sector start (if any) has its header in
     * the previous sector: its tail goes back first, as plain bytes. */
    uint32_t first_entry = s;
    if (err == ESP_OK) {
        size_t off = 0;
        esc_tlv_entry_t e;
        while (off < s && esc_tlv_decode(img, port->partition_size, off, &e) == ESC_TLV_OK) {
            off += e.total_len;
        }
        first_entry = (uint32_t)off;
        if (first_entry > x) {
            first_entry = x;
        }
        err = program(port, s, keep, first_entry - s);
    }
    for (uint32_t off = first_entry; err == ESP_OK && off < x;) {
        esc_tlv_entry_t e;
        if (esc_tlv_decode(img, port->partition_size, off, &e) != ESC_TLV_OK || off + e.total_len > x) {
            err = program(port, off, keep + (off - s), x - off); /* cannot happen: [s, x) is whole entries */
            break;
        }
        err = program_entries(port, off, keep + (off - s), e.total_len);
        off += e.total_len;
    }
    esc_zeroize(keep, x - s);
    free(keep);
    return err;
}

/* Make the space after the last entry usable; *plan ends CLEAN on success. */
static esp_err_t repair_tail(const esc_port_t *port, const esc_flash_opts_t *opts, uint8_t *img,
                             esc_tail_plan_t *plan, esc_flash_report_t *rep)
{
    for (int i = 0; i < MAX_REPAIRS; i++) {
        esp_err_t err = ESP_OK;
        switch (plan->kind) {
        case ESC_TAIL_CLEAN:
            return ESP_OK;
        case ESC_TAIL_FORWARD:
            err = roll_forward(port, plan);
            rep->rolled_forward++;
            break;
        case ESC_TAIL_FILLER:
            err = write_filler(port, plan, img);
            rep->fillers_written++;
            break;
        case ESC_TAIL_STUCK:
            if (plan->end % port->erase_size == 0) {
                /* Nothing committed shares these sectors: erasing is harmless. */
                ESC_LOGW(TAG, "erasing 0x%x..0x%x: a power cut left it unusable and it holds no entry",
                         (unsigned)plan->end, (unsigned)sector_up(port, plan->dirty_end));
                err = erase_range(port, plan->end, sector_up(port, plan->dirty_end));
                rep->sectors_erased++;
            } else if (opts->auto_erase) {
                err = rebuild_sector(port, plan, img);
                rep->sectors_rebuilt++;
            } else {
                ESC_LOGE(TAG, "flash after the last entry (0x%x) needs an erase of a sector holding entries; "
                              "retry with auto_erase", (unsigned)plan->end);
                return ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED;
            }
            break;
        }
        if (err == ESP_OK) {
            err = read_partition(port, img);
        }
        if (err != ESP_OK) {
            return err;
        }
        esc_tail_plan(img, port->partition_size, port->prog_align, plan);
    }
    ESC_LOGE(TAG, "flash after the last entry does not keep what is programmed");
    return ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED;
}

static bool port_usable(const esc_port_t *port)
{
    uint32_t a = port->prog_align == 0 ? 1 : port->prog_align;
    return port->flash_read != NULL && port->flash_program != NULL && port->flash_erase != NULL &&
           port->partition_size >= BLOCK && port->erase_size >= BLOCK && port->erase_size % BLOCK == 0 &&
           port->partition_size % port->erase_size == 0 && a <= BLOCK && BLOCK % a == 0;
}

esp_err_t esc_flash_append(const esc_port_t *port, const esc_write_item_t *items, size_t n,
                           const esc_flash_opts_t *opts, esc_flash_report_t *report)
{
    esc_flash_report_t local;
    esc_flash_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof(*rep));
    if (port == NULL || items == NULL || n == 0 || opts == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!port_usable(port)) {
        ESC_LOGE(TAG, "partition geometry or flash callbacks unfit for writing");
        return ESP_ERR_SECURE_CERT_PARTITION_ACCESS_FAILED;
    }
    uint32_t size = port->partition_size;
    size_t len = esc_write_image_size(items, n);
    if (len > size) {
        ESC_LOGE(TAG, "%zu bytes of entries cannot fit in the %u-byte partition", len, (unsigned)size);
        return ESP_ERR_INVALID_SIZE;
    }
    uint8_t *img = malloc(size);
    uint8_t *enc = malloc(len);
    if (img == NULL || enc == NULL) {
        free(img);
        free(enc);
        return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    }
    esc_tail_plan_t plan;
    esp_err_t err = esc_write_encode(items, n, enc, len);
    if (err == ESP_OK) {
        err = read_partition(port, img);
    }
    /* First finish what an interrupted append had committed to, so that the
     * duplicate check sees it. */
    for (int i = 0; err == ESP_OK; i++) {
        esc_tail_plan(img, size, port->prog_align, &plan);
        if (plan.kind != ESC_TAIL_FORWARD) {
            break;
        }
        if (i == MAX_REPAIRS) {
            err = ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED;
            break;
        }
        err = roll_forward(port, &plan);
        rep->rolled_forward++;
        if (err == ESP_OK) {
            err = read_partition(port, img);
        }
    }
    if (err == ESP_OK) {
        err = esc_write_check_absent(img, size, items, n);
    }
    if (err == ESP_OK) {
        /* Refuse before changing anything if the entries will not fit after
         * the repair. */
        uint32_t at = plan.kind == ESC_TAIL_FILLER ? plan.filler_end : plan.end;
        if (len > size - at) {
            ESC_LOGE(TAG, "partition full: %zu bytes of entries, %u bytes free", len, (unsigned)(size - at));
            err = ESP_ERR_INVALID_SIZE;
        }
    }
    if (err == ESP_OK) {
        err = repair_tail(port, opts, img, &plan, rep);
    }
    if (err == ESP_OK && len > size - plan.end) {
        ESC_LOGE(TAG, "partition full: %zu bytes of entries, %u bytes free", len, (unsigned)(size - plan.end));
        err = ESP_ERR_INVALID_SIZE;
    }
    if (err == ESP_OK && opts->check_erase) {
        bool erased = false;
        err = esc_flash_is_erased(port, plan.end, len, &erased);
        if (err == ESP_OK && !erased) {
            ESC_LOGE(TAG, "flash at 0x%x is not erased", (unsigned)plan.end);
            err = ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED;
        }
    }
    if (err == ESP_OK) {
        err = program_entries(port, plan.end, enc, len);
    }
    /* The entries may be keys. */
    esc_zeroize(enc, len);
    esc_zeroize(img, size);
    free(enc);
    free(img);
    return err;
}

esp_err_t esc_flash_erase_all(const esc_port_t *port)
{
    if (port == NULL || port->flash_erase == NULL || port->partition_size == 0) {
        return ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND;
    }
    return erase_range(port, 0, port->partition_size);
}

esp_err_t esc_flash_is_erased(const esc_port_t *port, size_t off, size_t len, bool *erased)
{
    if (port == NULL || erased == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (len > port->partition_size || off > port->partition_size - len) {
        return ESP_ERR_INVALID_SIZE;
    }
    *erased = true;
    uint8_t chunk[64];
    for (size_t done = 0; done < len;) {
        size_t k = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        esp_err_t err = read_flash(port, (uint32_t)(off + done), chunk, k);
        if (err != ESP_OK) {
            return err;
        }
        for (size_t i = 0; i < k; i++) {
            if (chunk[i] != 0xFF) {
                *erased = false;
                return ESP_OK;
            }
        }
        done += k;
    }
    return ESP_OK;
}
