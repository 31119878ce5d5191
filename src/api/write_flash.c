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

#define TAG esc_write_tag

#define BLOCK ESC_TLV_ALIGN
/* A torn append leaves one thing to repair; a repair cut short leaves one
 * more. The bound (on roll-forwards and repairs together) only guards
 * against a flash that does not keep what is programmed. */
#define MAX_REPAIRS 16

/* The three flash operations share one call and one message; their error
 * codes are consecutive, in this order. */
enum { OP_PROGRAM, OP_READ, OP_ERASE };
_Static_assert(ESP_ERR_SECURE_CERT_FLASH_READ_FAILED == ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED + OP_READ &&
                   ESP_ERR_SECURE_CERT_ERASE_FAILED == ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED + OP_ERASE,
               "flash error codes");

static esp_err_t flash_equals(const esc_port_t *port, uint32_t off, const uint8_t *want, size_t len, bool *same);

/* Read, erase, or program and read back (the data must then be in flash
 * exactly). Empty ranges are no-ops. */
static esp_err_t flash_op(const esc_port_t *port, int op, uint32_t off, void *buf, size_t len)
{
    static const char names[][6] = {"write", "read", "erase"};
    esp_err_t r = ESP_OK;
    bool same = true;
    if (len == 0) {
        return ESP_OK;
    }
    if (op == OP_ERASE) {
        r = port->flash_erase(port, off, len);
    } else if (op == OP_READ) {
        r = port->flash_read(port, off, buf, len);
    } else if (port->flash_program(port, off, buf, len) == ESP_OK) {
        r = flash_equals(port, off, buf, len, &same);
        if (r != ESP_OK) {
            return r; /* the read failed, and said so */
        }
    } else {
        same = false;
    }
    if (r != ESP_OK || !same) {
        ESC_LOGE(TAG, "flash %s failed at 0x%x", names[op], (unsigned)off);
        return ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED + op;
    }
    return ESP_OK;
}

static esp_err_t read_flash(const esc_port_t *port, uint32_t off, void *dst, size_t len)
{
    return flash_op(port, OP_READ, off, dst, len);
}

/* Read [off, off+len) back in chunks: *same is whether it equals `want`
 * (NULL: all 0xFF). */
static esp_err_t flash_equals(const esc_port_t *port, uint32_t off, const uint8_t *want, size_t len, bool *same)
{
    uint8_t chunk[64];
    *same = true;
    while (len > 0) {
        size_t k = len < sizeof(chunk) ? len : sizeof(chunk);
        esp_err_t err = read_flash(port, off, chunk, k);
        if (err != ESP_OK) {
            return err;
        }
        for (size_t i = 0; i < k; i++) {
            if (chunk[i] != (want != NULL ? want[i] : 0xFF)) {
                *same = false;
                return ESP_OK;
            }
        }
        off += (uint32_t)k;
        len -= k;
        if (want != NULL) {
            want += k;
        }
    }
    return ESP_OK;
}

static esp_err_t program(const esc_port_t *port, uint32_t off, const uint8_t *data, size_t len)
{
    return flash_op(port, OP_PROGRAM, off, (void *)(uintptr_t)data, len);
}

/* Byte-programmable flash: type/subtype/length, then the magic (the commit). */
static esp_err_t finish_header(const esc_port_t *port, uint32_t at, const uint8_t *hdr)
{
    esp_err_t err = program(port, at + 8, hdr + 8, 4);
    return err != ESP_OK ? err : program(port, at, hdr, 4);
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
    if (port->prog_align > 1) {
        esp_err_t err = program(port, at + BLOCK, img + BLOCK, len - BLOCK);
        return err != ESP_OK ? err : program(port, at, img, BLOCK);
    }
    uint8_t pre[6];
    memcpy(pre, img + 4, sizeof(pre));
    pre[4] = 0xFF; /* type byte (offset 8) stays erased */
    esp_err_t err = program(port, at + 12, img + 12, len - 12);
    if (err == ESP_OK) {
        err = program(port, at + 4, pre, sizeof(pre));
    }
    return err != ESP_OK ? err : finish_header(port, at, img);
}

/*
 * Cover [x, y) with a filler, committing last as an entry does. `img` is the
 * partition as read; the filler is built in it. Byte-programmable flash: zero
 * what the cut left half-programmed (so the filler's CRC does not depend on
 * bits that may read differently later), then the header without the magic,
 * the footer, the magic. 16-byte blocks: the first and the last block are
 * erased; program the last (twelve 0xFF and the CRC), then the first; what
 * lies between is covered as it reads.
 */
static esp_err_t write_filler(const esc_port_t *port, uint32_t x, uint32_t y, uint8_t *img)
{
    esp_err_t err = ESP_OK;
    bool blocks = port->prog_align > 1;
    /* What commits (the magic, or the whole first block) and what the
     * footer step programs (the CRC, or the whole last block) are the same
     * size. */
    uint32_t head = blocks ? BLOCK : 4, from = x + 12, foot = y - head;
    esc_tail_filler_header(x, y, img + x);
    if (blocks) {
        memset(img + from, 0xFF, 4);
        memset(img + foot, 0xFF, 12);
        from += 4;
    } else {
        memset(img + from, 0, (y - 16) - from);
        err = program(port, from, img + from, (y - 16) - from);
        if (err == ESP_OK) {
            err = program(port, x + 4, img + x + 4, 8);
        }
    }
    if (err == ESP_OK) {
        err = read_flash(port, from, img + from, foot - from);
    }
    esc_put_le32(img + y - 4, esc_crc32(img + x, (y - 4) - x));
    if (err == ESP_OK) {
        err = program(port, foot, img + foot, head);
    }
    return err != ESP_OK ? err : program(port, x, img + x, head);
}

/*
 * STUCK: erase from the sector holding the end of the list x through the
 * last dirty sector. If x starts a sector, nothing committed is there and the
 * erase is harmless. Else (auto_erase) the sector's committed bytes, still in
 * `img`, are programmed back after the erase, entry by entry with the usual
 * commit order, so that a cut during the rebuild loses at most the entries
 * from the one being re-programmed on (docs/power-loss.md).
 */
static esp_err_t erase_tail(const esc_port_t *port, const esc_tail_plan_t *plan, const uint8_t *img)
{
    uint32_t x = plan->end;
    uint32_t e = port->erase_size;
    uint32_t s = x - x % e;
    /* dirty_end <= partition_size, a multiple of e: no clamp needed */
    uint32_t to = (plan->dirty_end + e - 1) / e * e;
    ESC_LOGW(TAG, "a power cut left 0x%x..0x%x unusable: erasing 0x%x..0x%x and re-programming the %u bytes of "
                  "entries it held", (unsigned)x, (unsigned)plan->dirty_end, (unsigned)s, (unsigned)to,
             (unsigned)(x - s));
    esp_err_t err = flash_op(port, OP_ERASE, s, NULL, to - s);
    /* [0, x) is whole entries (x is where the reader's walk of this image
     * ended): the entry that straddles the sector start (if any) has its
     * header in the previous sector, its tail goes back as plain bytes. */
    uint32_t off = 0;
    while (err == ESP_OK && off < x) {
        esc_tlv_entry_t ent;
        if (esc_tlv_decode(img, port->partition_size, off, &ent) != ESC_TLV_OK || off + ent.total_len > x) {
            return ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED; /* cannot happen, see above */
        }
        uint32_t end = off + ent.total_len;
        if (off >= s) {
            err = program_entries(port, off, img + off, ent.total_len);
        } else if (end > s) {
            err = program(port, s, img + s, end - s);
        }
        off = end;
    }
    return err;
}

static bool port_usable(const esc_port_t *port)
{
    /* Sectors a non-zero multiple of 16 bytes, the partition a non-zero
     * number of sectors, prog_align 0 (= 1) or a power of two up to 16. */
    uint32_t e = port->erase_size, p = port->partition_size, a = port->prog_align;
    return port->flash_read != NULL && port->flash_program != NULL && port->flash_erase != NULL && e != 0 &&
           (e % BLOCK) == 0 && p != 0 && p % e == 0 && a <= BLOCK && (a & (a - 1)) == 0;
}

esp_err_t esc_flash_append(const esc_port_t *port, const esc_write_item_t *items, size_t n,
                           const esc_flash_opts_t *opts, esc_flash_report_t *report)
{
    esc_flash_report_t local;
    esc_flash_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof(*rep));
    /* port, items, n > 0 and opts: checked by the callers (esc_write_items
     * via locked_op, write_entries_locked), which pass their own opts. */
    if (!port_usable(port)) {
        ESC_LOGE(TAG, "bad partition geometry");
        return ESP_ERR_SECURE_CERT_PARTITION_ACCESS_FAILED;
    }
    uint32_t size = port->partition_size;
    size_t len = esc_write_encode(items, n, NULL);
    esp_err_t err = esc_write_room(len, size, ESP_ERR_INVALID_SIZE);
    if (err == ESP_OK && len == 0) {
        err = ESP_ERR_SECURE_CERT_TLV_INVALID_DATA; /* see esc_write_encode */
    }
    if (err != ESP_OK) {
        return err;
    }
    uint8_t *img = malloc(size);
    uint8_t *enc = malloc(len);
    err = ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
    if (img != NULL && enc != NULL) {
        err = ESP_OK;
        esc_write_encode(items, n, enc);
    }
    esc_tail_plan_t plan;
    bool checked = false;
    /*
     * Plan, act, read back, plan again until the tail is clean. A FORWARD
     * plan finishes what an interrupted append had committed to; only then
     * does the duplicate check run (so that it sees that entry), and the room
     * check comes before any other repair changes the flash.
     */
    for (int i = 0; err == ESP_OK; i++) {
        err = read_flash(port, 0, img, size);
        if (err != ESP_OK) {
            break;
        }
        esc_tail_plan(img, size, port->prog_align, &plan);
        if (plan.kind != ESC_TAIL_FORWARD && (!checked || plan.kind == ESC_TAIL_CLEAN)) {
            if (!checked) {
                err = esc_write_check_absent(img, size, items, n);
            }
            checked = true;
            if (err == ESP_OK) {
                err = esc_write_room(len, size - plan.filler_end, ESP_ERR_INVALID_SIZE);
            }
            if (err != ESP_OK || plan.kind == ESC_TAIL_CLEAN) {
                break;
            }
        }
        if (i == MAX_REPAIRS) {
            ESC_LOGE(TAG, "repair failed at 0x%x", (unsigned)plan.end);
            err = ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED;
            break;
        }
        /* The report counts each repair tried, failed or not. */
        uint32_t *count = &rep->rolled_forward;
        if (plan.kind == ESC_TAIL_FORWARD) {
            ESC_LOGW(TAG, "completing the entry a power cut interrupted at 0x%x", (unsigned)plan.end);
            err = finish_header(port, plan.end, plan.header);
        } else if (plan.kind == ESC_TAIL_FILLER) {
            ESC_LOGW(TAG, "covering 0x%x..0x%x left by a power cut with a filler entry", (unsigned)plan.end,
                     (unsigned)plan.filler_end);
            err = write_filler(port, plan.end, plan.filler_end, img);
            count = &rep->fillers_written;
        } else {
            /* STUCK: harmless to erase if nothing committed shares these
             * sectors; else only auto_erase may rebuild the sector. */
            bool harmless = plan.end % port->erase_size == 0;
            if (!harmless && !opts->auto_erase) {
                ESC_LOGE(TAG, "0x%x needs erase (auto_erase)", (unsigned)plan.end);
                err = ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED;
                break;
            }
            err = erase_tail(port, &plan, img);
            count = harmless ? &rep->sectors_erased : &rep->sectors_rebuilt;
        }
        (*count)++;
    }
    if (err == ESP_OK && opts->check_erase) {
        bool erased = false;
        err = flash_equals(port, plan.end, NULL, len, &erased);
        if (err == ESP_OK && !erased) {
            ESC_LOGE(TAG, "0x%x not erased", (unsigned)plan.end);
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
    return flash_op(port, OP_ERASE, 0, NULL, port->partition_size);
}

esp_err_t esc_flash_is_erased(const esc_port_t *port, size_t off, size_t len, bool *erased)
{
    /* port and erased: checked by the only caller,
     * esp_secure_cert_check_flash_erased. */
    if (len > port->partition_size || off > port->partition_size - len) {
        return ESP_ERR_INVALID_SIZE;
    }
    return flash_equals(port, (uint32_t)off, NULL, len, erased);
}
