/*
 * Tail analysis (see write_tail.h and docs/power-loss.md).
 *
 * The flash writer programs an entry in this order: everything from byte 12
 * on, then bytes 4..9 with the type byte left 0xFF, then bytes 8..11 (type,
 * subtype, length), then the magic. With 16-byte blocks: everything but the
 * first block, then the first block. So at the end of the list one finds:
 *   - erased first block, dirty bytes behind it   -> filler
 *   - type and length still 0xFF (byte-programmable flash) -> filler
 *   - type/length torn or complete, magic missing -> finish the header if
 *     exactly one header agrees with the CRC already in flash, else a
 *     filler if the bits allow one, else stuck
 *   - a torn 16-byte first block                   -> stuck
 */
#include <string.h>

#include "esc_tlv.h"
#include "write_internal.h"
#include "write_tail.h"

#define BLOCK ESC_TLV_ALIGN

static const uint8_t s_zeros[64];

static uint32_t round_up16(uint32_t v)
{
    return (v + (BLOCK - 1)) & ~(uint32_t)(BLOCK - 1);
}

static int all_ff(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

int esc_tail_bits_allow(const uint8_t *have, const uint8_t *want, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((have[i] & want[i]) != want[i]) {
            return 0;
        }
    }
    return 1;
}

void esc_tail_filler_header(uint32_t at, uint32_t filler_end, uint8_t header[12])
{
    esc_put_le32(header, ESC_TLV_MAGIC);
    header[4] = ESC_WRITE_FILLER_FLAGS;
    header[5] = header[6] = header[7] = 0;
    header[8] = ESC_WRITE_FILLER_TYPE;
    header[9] = ESC_WRITE_FILLER_SUBTYPE;
    esc_put_le16(header + 10, (uint16_t)(filler_end - at - ESC_TLV_HEADER_SIZE - ESC_TLV_FOOTER_SIZE));
}

/* CRC register advanced over `n` zero bytes. The register of this CRC starts
 * at 0, so it is linear in the message: the effect of changing header bits
 * can be computed apart from the rest of the entry. */
static uint32_t advance_zeros(uint32_t reg, size_t n)
{
    while (n > 0) {
        size_t k = n < sizeof(s_zeros) ? n : sizeof(s_zeros);
        reg = esc_crc32_update(reg, s_zeros, k);
        n -= k;
    }
    return reg;
}

/*
 * Finish-the-header search. The block at x has the magic missing or torn,
 * flags and reserved complete, and type/length possibly torn (bits that
 * should be 0 still 1). Candidate headers keep flags and subtype and take a
 * type and length that are bit subsets of what is there; the entry length is
 * pinned by where the written data ends (or where the next entry of a batch
 * starts), and the CRC in flash must match. Exactly one candidate -> found.
 */
#define HEADER_BITS 24 /* type (8) + length (16) */
#define MAX_BOUNDARIES 64

static void header_bit_pos(int b, size_t *byte, uint8_t *mask)
{
    if (b < 8) {
        *byte = 8;
        *mask = (uint8_t)(1u << b);
    } else {
        *byte = 10 + (size_t)((b - 8) / 8);
        *mask = (uint8_t)(1u << ((b - 8) % 8));
    }
}

static void try_length(const uint8_t *img, uint32_t x, uint32_t total, const uint8_t cur[12], int *found,
                       uint8_t best[12])
{
    uint8_t t_cur = cur[8];
    uint16_t n_cur = esc_le16(cur + 10);
    /* Register of the entry as it is (type/length as read), magic completed. */
    uint32_t base = esc_crc32_update(0, cur, 12);
    base = esc_crc32_update(base, img + x + 12, total - 16);
    uint32_t stored = esc_le32(img + x + total - 4);
    uint32_t target = base ^ esc_crc32_final(stored); /* what the header change must contribute */

    /* Contribution of flipping each header bit. */
    uint32_t e[HEADER_BITS];
    for (int b = 0; b < HEADER_BITS; b++) {
        size_t byte;
        uint8_t mask;
        header_bit_pos(b, &byte, &mask);
        uint32_t reg = esc_crc32_update(0, &mask, 1);
        e[b] = advance_zeros(reg, (12 - byte - 1) + (size_t)(total - 16));
    }
    for (uint32_t n = total >= 31 ? total - 31 : 0; n + 16 <= total && n <= 0xFFFFu; n++) {
        if (esc_tlv_total_len(n) != total || (n & ~(uint32_t)n_cur) != 0) {
            continue;
        }
        uint32_t dn = n ^ n_cur;
        uint32_t acc_n = 0;
        for (int b = 0; b < 16; b++) {
            if (dn & (1u << b)) {
                acc_n ^= e[8 + b];
            }
        }
        /* Every type that is a bit subset of the torn one. */
        uint8_t sub = t_cur;
        for (;;) {
            uint8_t dt = (uint8_t)(sub ^ t_cur);
            uint32_t acc = acc_n;
            for (int b = 0; b < 8; b++) {
                if (dt & (1u << b)) {
                    acc ^= e[b];
                }
            }
            if (acc == target) {
                (*found)++;
                memcpy(best, cur, 12);
                best[8] = sub;
                esc_put_le16(best + 10, (uint16_t)n);
            }
            if (sub == 0) {
                break;
            }
            sub = (uint8_t)((sub - 1) & t_cur);
        }
    }
}

static int find_forward(const uint8_t *img, uint32_t size, uint32_t x, uint32_t dirty_end, uint8_t out[12])
{
    const uint8_t *blk = img + x;
    uint8_t cur[12];
    memcpy(cur, blk, 12);
    if (cur[5] != 0 || cur[6] != 0 || cur[7] != 0) {
        return 0; /* the flags/reserved step did not complete: nothing was committed yet */
    }
    uint8_t magic[4];
    esc_put_le32(magic, ESC_TLV_MAGIC);
    if (memcmp(blk, magic, 4) == 0 || !esc_tail_bits_allow(blk, magic, 4)) {
        return 0; /* complete magic with a bad CRC, or not a magic in the making */
    }
    memcpy(cur, magic, 4);

    int found = 0;
    int tried = 0;
    uint8_t best[12];
    /* Where the entry may end: at the end of the written bytes, or where a
     * complete entry of the same batch starts. */
    uint32_t last = round_up16(dirty_end);
    for (uint32_t b = x + BLOCK; b <= last && b <= size; b += BLOCK) {
        esc_tlv_entry_t next;
        bool boundary = b == last;
        if (!boundary && b < size && esc_tlv_decode(img, size, b, &next) == ESC_TLV_OK && next.crc_ok) {
            boundary = true;
        }
        if (boundary) {
            /* Each try costs a few passes over the entry; a batch has few
             * entries, a region full of them is not a torn append. */
            if (++tried > MAX_BOUNDARIES) {
                return 0;
            }
            try_length(img, x, b - x, cur, &found, best);
        }
        if (found > 1) {
            return 0;
        }
    }
    if (found != 1) {
        return 0;
    }
    memcpy(out, best, 12);
    return 1;
}

/* Filler whose header goes over the (byte-programmable) block at x. */
static int filler_fits_over(const uint8_t *img, uint32_t x, uint32_t y)
{
    if (y - x - 16 > 0xFFF0u) {
        return 0;
    }
    uint8_t want[12];
    esc_tail_filler_header(x, y, want);
    return esc_tail_bits_allow(img + x, want, 12);
}

/* For a filler over [x, y) on byte-programmable flash, is its footer slot
 * able to take the CRC? The writer zeroes [x+12, y-16) first; the last block
 * keeps its first 12 bytes. */
static int filler_footer_fits(const uint8_t *img, uint32_t x, uint32_t y)
{
    uint8_t hdr[12];
    esc_tail_filler_header(x, y, hdr);
    uint32_t reg = esc_crc32_update(0, hdr, 12);
    if (y - 16 > x + 12) {
        reg = advance_zeros(reg, y - 16 - (x + 12));
    }
    uint32_t tail_from = y - 16 > x + 12 ? y - 16 : x + 12;
    reg = esc_crc32_update(reg, img + tail_from, (y - 4) - tail_from);
    uint8_t crc[4];
    esc_put_le32(crc, esc_crc32_final(reg));
    return esc_tail_bits_allow(img + y - 4, crc, 4);
}

void esc_tail_plan(const uint8_t *img, uint32_t size, uint32_t prog_align, esc_tail_plan_t *out)
{
    memset(out, 0, sizeof(*out));
    uint32_t x = esc_write_list_end(img, size);
    out->end = x;
    out->dirty_end = x;
    for (uint32_t i = size; i > x; i--) {
        if (img[i - 1] != 0xFF) {
            out->dirty_end = i;
            break;
        }
    }
    if (out->dirty_end == x) {
        out->kind = ESC_TAIL_CLEAN;
        return;
    }
    out->kind = ESC_TAIL_STUCK;
    /* x is 16-aligned and size a multiple of 16, and x < dirty_end <= size. */
    uint32_t fresh_end = round_up16(out->dirty_end) + BLOCK; /* its last block is erased */
    bool fresh_room = fresh_end <= size && fresh_end - x - 16 <= 0xFFF0u;

    if (all_ff(img + x, BLOCK)) {
        if (fresh_room) {
            out->kind = ESC_TAIL_FILLER;
            out->filler_end = fresh_end;
        }
        return;
    }
    if (prog_align != 1) {
        return; /* a written block cannot be programmed again */
    }
    /* Prefer rolling back: while the type and length bytes are untouched a
     * filler fits over the block, and what readers saw stays the truth. */
    if (fresh_room && filler_fits_over(img, x, fresh_end)) {
        out->kind = ESC_TAIL_FILLER;
        out->filler_end = fresh_end;
        return;
    }
    /* Type/length being written (or no room for a filler): finish the entry
     * if its CRC singles out the header it was meant to have. */
    if (find_forward(img, size, x, out->dirty_end, out->header)) {
        out->kind = ESC_TAIL_FORWARD;
        return;
    }
    /* A filler already begun here, whose footer was being written. */
    uint16_t n_cur = esc_le16(img + x + 10);
    if (n_cur != 0xFFFF) {
        uint32_t y = x + esc_tlv_total_len(n_cur);
        if (y >= x + 2 * BLOCK && y <= size && y >= out->dirty_end && filler_fits_over(img, x, y) &&
            filler_footer_fits(img, x, y)) {
            out->kind = ESC_TAIL_FILLER;
            out->filler_end = y;
        }
    }
}
