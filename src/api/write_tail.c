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

/* Reflected CRC-32 polynomial (src/format/esc_crc32.c). */
#define CRC_POLY 0xEDB88320u
/* The register after any message followed by its CRC (little-endian). */
#define CRC_RESIDUE 0xDEBB20E3u

static uint32_t round_up16(uint32_t v)
{
    return (v + (BLOCK - 1)) & ~(uint32_t)(BLOCK - 1);
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

/* CRC register advanced over `bits` zero bits: the reflected register
 * shifts one bit and folds the polynomial in when a 1 drops out. The
 * register of this CRC starts at 0, so it is linear in the message: the
 * effect of changing header bits can be computed apart from the rest of the
 * entry. */
static uint32_t shift1(uint32_t reg)
{
    return (reg >> 1) ^ ((reg & 1u) ? CRC_POLY : 0u);
}

static uint32_t advance_zero_bits(uint32_t reg, uint32_t bits)
{
    while (bits-- > 0) {
        reg = shift1(reg);
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
#define MAX_BOUNDARIES 64

static void try_length(const uint8_t *img, uint32_t x, uint32_t total, const uint8_t cur[12], int *found,
                       uint32_t *best)
{
    uint8_t t_cur = cur[8];
    uint32_t n_cur = esc_le16(cur + 10);
    /* Register over the whole entry as it is (type/length as read, magic
     * completed), its CRC included: with the right header it is the
     * residue, as a register followed by its own final value ends there.
     * What the header change must contribute: */
    uint32_t target = esc_crc32_update(esc_crc32_update(0, cur, 12), img + x + 12, total - 12) ^ CRC_RESIDUE;

    /* Contribution of flipping bit b of header bytes 8..11 (b / 8 = byte - 8);
     * the subtype (byte 9) never changes, so e[8..15] go unused. The CRC is
     * reflected (bit 0 of a byte enters first): the last bit, bit 7 of byte
     * 11, contributes the register of the byte 0x80 (CRC_POLY) advanced over
     * the rest of the entry (its CRC included), and each earlier bit one more
     * shift of it. */
    uint32_t e[32];
    uint32_t reg = advance_zero_bits(CRC_POLY, 8 * (total - 12));
    for (int b = 31; b >= 0; b--) {
        e[b] = reg;
        reg = shift1(reg);
    }
    for (uint32_t n = total >= 31 ? total - 31 : 0; n + 16 <= total && n <= 0xFFFFu; n++) {
        /* total is a multiple of 16 (see find_forward), so every n here
         * has esc_tlv_total_len(n) == total. */
        if ((n & ~n_cur) != 0) {
            continue;
        }
        /* Every type that is a bit subset of the torn one. */
        uint8_t sub = t_cur;
        for (;;) {
            uint32_t d = (uint32_t)(sub ^ t_cur) | ((n ^ n_cur) << 16);
            uint32_t acc = 0;
            for (const uint32_t *eb = e; d != 0; d >>= 1, eb++) {
                if (d & 1u) {
                    acc ^= *eb;
                }
            }
            if (acc == target) {
                (*found)++;
                *best = sub | (n << 16);
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
    uint8_t cur[12];
    memcpy(cur, img + x, 12);
    uint32_t m = esc_le32(cur);
    /* The flags/reserved step did not complete (nothing was committed yet);
     * a complete magic with a bad CRC; or not a magic in the making. */
    if ((cur[5] | cur[6] | cur[7]) != 0 || m == ESC_TLV_MAGIC || (m & ESC_TLV_MAGIC) != ESC_TLV_MAGIC) {
        return 0;
    }
    esc_put_le32(cur, ESC_TLV_MAGIC);

    int found = 0;
    uint32_t best = 0; /* the last candidate: type | length << 16 */
    int tried = 0;
    /* Where the entry may end: at the end of the written bytes, or where a
     * complete entry of the same batch starts. */
    uint32_t last = round_up16(dirty_end);
    for (uint32_t b = x + BLOCK; b <= last && b <= size && found < 2; b += BLOCK) {
        esc_tlv_entry_t next;
        if (b == last || (esc_tlv_decode(img, size, b, &next) == ESC_TLV_OK && next.crc_ok)) {
            /* Each try costs a few passes over the entry; a batch has few
             * entries, a region full of them is not a torn append. */
            if (++tried > MAX_BOUNDARIES) {
                break;
            }
            try_length(img, x, b - x, cur, &found, &best);
        }
    }
    if (found > 0) {
        memcpy(out, cur, 12);
        out[8] = (uint8_t)best;
        esc_put_le16(out + 10, (uint16_t)(best >> 16));
    }
    return tried <= MAX_BOUNDARIES && found == 1;
}

/* Can a filler over [x, y) go there (byte-programmable flash)? Its header
 * over the block at x; with `footer`, also its CRC into the slot at y - 4.
 * The writer zeroes [x+12, y-16) first; the last block keeps its first 12
 * bytes. Callers give y >= x + 32. */
static int filler_fits(const uint8_t *img, uint32_t x, uint32_t y, int footer)
{
    if (y - x - 16 > 0xFFF0u) {
        return 0;
    }
    uint8_t want[12];
    esc_tail_filler_header(x, y, want);
    if (!esc_tail_bits_allow(img + x, want, 12)) {
        return 0;
    }
    if (footer) {
        uint32_t reg = advance_zero_bits(esc_crc32_update(0, want, 12), 8 * (y - 16 - (x + 12)));
        esc_put_le32(want, esc_crc32_final(esc_crc32_update(reg, img + y - 16, 12)));
        return esc_tail_bits_allow(img + y - 4, want, 4);
    }
    return 1;
}

void esc_tail_plan(const uint8_t *img, uint32_t size, uint32_t prog_align, esc_tail_plan_t *out)
{
    memset(out, 0, sizeof(*out)); /* ESC_TAIL_CLEAN */
    uint32_t x = esc_write_list_end(img, size);
    uint32_t d = size;
    while (d > x && img[d - 1] == 0xFF) {
        d--;
    }
    out->end = x;
    out->dirty_end = d;
    out->filler_end = x;
    if (d == x) {
        return;
    }
    out->kind = ESC_TAIL_STUCK;
    /* x is 16-aligned and size a multiple of 16, and x < dirty_end <= size.
     * A fresh filler ends one block after the dirty bytes: its last block is
     * erased and takes the CRC. */
    uint32_t y = round_up16(d) + BLOCK;
    /* The first block is erased iff the AND of its bytes is 0xFF. */
    uint8_t first_and = 0xFF;
    for (int i = 0; i < (int)BLOCK; i++) {
        first_and &= img[x + i];
    }
    /* Prefer rolling back: a filler over an erased first block, or, on
     * byte-programmable flash, while the type and length bytes are
     * untouched, keeps what readers saw as the truth. A written 16-byte
     * block cannot be programmed again. (`&`, not `&&`: one test, so gcc
     * does not copy the filler checks below into both outcomes, -40 bytes.) */
    if ((first_and != 0xFF) & (prog_align != 1)) {
        return;
    }
    for (int footer = 0;; footer = 1) {
        if (y >= x + 2 * BLOCK && y <= size && y >= d && filler_fits(img, x, y, footer)) {
            out->kind = ESC_TAIL_FILLER;
            out->filler_end = y;
            return;
        }
        if (footer || prog_align != 1) {
            return;
        }
        /* Type/length being written (or no room for a filler): finish the
         * entry if its CRC singles out the header it was meant to have. */
        if (find_forward(img, size, x, d, out->header)) {
            out->kind = ESC_TAIL_FORWARD;
            return;
        }
        /* A filler already begun here, whose footer was being written
         * (a length of 0xFFFF is too long for a filler: filler_fits). */
        y = x + esc_tlv_total_len(esc_le16(img + x + 10));
    }
}
