/*
 * Tail analysis: what a power cut may have left after the last accepted
 * entry, and how the next append makes that space usable again without
 * touching committed entries. Pure: works on a copy of the partition, no I/O.
 * docs/power-loss.md gives the reasoning and the table of windows.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    /* Everything after the last entry reads 0xFF. */
    ESC_TAIL_CLEAN,
    /* The block at `end` is an entry whose header was cut short while its
     * last header bytes or magic were programmed; finishing it needs only
     * bits cleared (byte-programmable flash). Its batch, complete behind it,
     * becomes visible: the cut came after the commit was started. */
    ESC_TAIL_FORWARD,
    /* Cover [end, filler_end) with a filler entry: its header goes at `end`
     * over bytes that allow it, its footer into an erased slot. */
    ESC_TAIL_FILLER,
    /* The block at `end` cannot be turned into a valid header by clearing
     * bits: only an erase of its sector helps. */
    ESC_TAIL_STUCK,
} esc_tail_kind_t;

typedef struct {
    esc_tail_kind_t kind;
    uint32_t end;        /* end of the accepted entries */
    uint32_t dirty_end;  /* one past the last byte != 0xFF after end; == end when clean */
    uint32_t filler_end; /* FILLER: end of the filler; else == end (where room starts) */
    uint8_t header[12];  /* FORWARD: the header to complete at end */
} esc_tail_plan_t;

/* Plan for the partition image `img` of `size` bytes (a multiple of 16) on a
 * flash with program granularity prog_align (1: bytes may be programmed
 * again to clear more bits; >1: a block can be programmed only while erased,
 * as with flash encryption). */
void esc_tail_plan(const uint8_t *img, uint32_t size, uint32_t prog_align, esc_tail_plan_t *out);

/* The filler header for [at, filler_end): magic, flags 0, type
 * ESC_WRITE_FILLER_TYPE, subtype 0, length filler_end - at - 16. */
void esc_tail_filler_header(uint32_t at, uint32_t filler_end, uint8_t header[12]);

/* True if programming `want` over `have` (len bytes) gives exactly `want`:
 * every 1 bit of want is still 1 in have. */
int esc_tail_bits_allow(const uint8_t *have, const uint8_t *want, size_t len);

#ifdef __cplusplus
}
#endif
