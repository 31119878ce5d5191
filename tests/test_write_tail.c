/*
 * The tail planner (src/api/write_tail.c) on crafted partition images: what
 * it decides for each state a cut can leave, and a randomized property test:
 * replaying the writer's documented order of programs in RAM and tearing one
 * of them at random, a plan to finish an entry must name exactly the header
 * that was being written, and a filler plan must be programmable over what
 * is there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc_tlv.h"
#include "write_internal.h"
#include "write_tail.h"

#define PART 8192u

static uint8_t s_img[PART];

static uint64_t s_rng = 0x1234567887654321ull;
static uint32_t rnd(void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (uint32_t)(s_rng >> 11);
}

static size_t encode(uint8_t *dst, uint8_t type, uint8_t subtype, uint8_t flags, uint16_t len, uint32_t seed)
{
    uint8_t *data = malloc(len + 1u);
    assert_non_null(data);
    for (uint16_t i = 0; i < len; i++) {
        data[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 3));
    }
    size_t written = 0;
    assert_int_equal(esc_tlv_encode(dst, PART, flags, type, subtype, data, len, &written), ESC_TLV_OK);
    free(data);
    return written;
}

/* NOR program: clear bits. With tear != 0, clear only a random subset. */
static void prog(uint32_t off, const uint8_t *data, size_t len, int tear)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t clear = (uint8_t)(s_img[off + i] & ~data[i]);
        if (tear) {
            clear &= (uint8_t)rnd();
        }
        s_img[off + i] &= (uint8_t)~clear;
    }
}

static uint32_t base_entries(void)
{
    memset(s_img, 0xFF, PART);
    uint32_t off = 0;
    off += (uint32_t)encode(s_img + off, 0, 0, 0, 300, 1);
    off += (uint32_t)encode(s_img + off, 1, 0, 0, 77, 2);
    return off;
}

static void test_clean(void **state)
{
    (void)state;
    uint32_t end = base_entries();
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_CLEAN);
    assert_int_equal(p.end, end);
    memset(s_img, 0xFF, PART);
    esc_tail_plan(s_img, PART, 16, &p);
    assert_int_equal(p.kind, ESC_TAIL_CLEAN);
    assert_int_equal(p.end, 0);
}

static void test_body_without_first_block(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 2, 0, 0, 100, 3);
    for (uint32_t align = 1; align <= 16; align += 15) {
        base_entries();
        prog(x + 16, e + 16, len - 16, 0);
        esc_tail_plan_t p;
        esc_tail_plan(s_img, PART, align, &p);
        assert_int_equal(p.kind, ESC_TAIL_FILLER);
        assert_int_equal(p.end, x);
        assert_int_equal(p.dirty_end, x + len);
        assert_int_equal(p.filler_end, x + len + 16); /* a clean last block for the footer */
    }
}

static void test_magic_missing_rolls_forward(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 2, 3, 0x08, 100, 3);
    prog(x + 4, e + 4, len - 4, 0);
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_FORWARD);
    assert_memory_equal(p.header, e, 12);
    /* Half a magic is finished too. */
    prog(x, e, 2, 0);
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_FORWARD);
    assert_memory_equal(p.header, e, 12);
    /* With 16-byte blocks the block cannot be programmed again. */
    esc_tail_plan(s_img, PART, 16, &p);
    assert_int_equal(p.kind, ESC_TAIL_STUCK);
}

static void test_complete_magic_bad_crc_is_stuck(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 2, 0, 0, 100, 3);
    e[40] ^= 0x01; /* corrupt a data byte (1 -> 0 or a 0 left as 1) */
    prog(x, e, len, 0);
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.end, x);
    assert_int_equal(p.kind, ESC_TAIL_STUCK);
}

static void test_type_untouched_takes_filler(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 2, 9, 0x80, 100, 3);
    prog(x + 12, e + 12, len - 12, 0);
    uint8_t pre[6];
    memcpy(pre, e + 4, 6);
    pre[4] = 0xFF;
    prog(x + 4, pre, 6, 1); /* flags/reserved/subtype torn */
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_FILLER);
    uint8_t hdr[12];
    esc_tail_filler_header(x, p.filler_end, hdr);
    assert_true(esc_tail_bits_allow(s_img + x, hdr, 12));
    assert_int_equal(hdr[8], ESC_WRITE_FILLER_TYPE);
}

static void test_garbage_block_is_stuck(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    memset(s_img + x, 0x00, 16);
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_STUCK);
    esc_tail_plan(s_img, PART, 16, &p);
    assert_int_equal(p.kind, ESC_TAIL_STUCK);
}

static void test_no_room_for_filler(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 51, 0, 0, (uint16_t)(PART - x - 16), 5);
    assert_int_equal(x + len, PART);
    prog(x + 16, e + 16, len - 16, 0);
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 16, &p);
    assert_int_equal(p.kind, ESC_TAIL_STUCK);
}

/* A filler whose footer was being programmed is finished, not replaced. */
static void test_filler_footer_torn(void **state)
{
    (void)state;
    uint32_t x = base_entries();
    uint8_t e[PART];
    size_t len = encode(e, 2, 0, 0, 200, 3);
    prog(x + 16, e + 16, len - 16, 0);
    esc_tail_plan_t p;
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_FILLER);
    uint32_t y = p.filler_end;
    /* The writer: zero [x+12, y-16), header, footer (torn here). */
    static const uint8_t zeros[PART];
    prog(x + 12, zeros, (y - 16) - (x + 12), 0);
    uint8_t hdr[12];
    esc_tail_filler_header(x, y, hdr);
    prog(x + 4, hdr + 4, 8, 0);
    uint8_t crc[4];
    uint32_t reg = esc_crc32_update(0, hdr, 12);
    reg = esc_crc32_update(reg, s_img + x + 12, (y - 4) - (x + 12));
    esc_put_le32(crc, esc_crc32_final(reg));
    prog(y - 4, crc, 4, 1);
    esc_tail_plan(s_img, PART, 1, &p);
    assert_int_equal(p.kind, ESC_TAIL_FILLER);
    assert_int_equal(p.filler_end, y);
}

/*
 * Property test: the writer's steps for a batch at the end of the list,
 * byte-programmable flash, one step torn at random (or the sequence stopped
 * between steps). Whatever the planner decides must be safe.
 */
static void test_random_tears(void **state)
{
    (void)state;
    unsigned forward = 0, filler = 0, stuck = 0, exact = 0;
    for (int iter = 0; iter < 3000; iter++) {
        uint32_t x = base_entries();
        uint8_t img[PART];
        size_t n = 1 + rnd() % 3, len = 0;
        for (size_t i = 0; i < n; i++) {
            len += encode(img + len, (uint8_t)(rnd() % 50), (uint8_t)(rnd() % 255), (uint8_t)rnd(),
                          (uint16_t)(rnd() % 300), rnd());
        }
        int step = (int)(rnd() % 4), tear = (int)(rnd() % 2);
        uint8_t pre[6];
        memcpy(pre, img + 4, 6);
        pre[4] = 0xFF;
        for (int s = 0; s <= step; s++) {
            int t = s == step && tear;
            switch (s) {
            case 0: prog(x + 12, img + 12, len - 12, t); break;
            case 1: prog(x + 4, pre, 6, t); break;
            case 2: prog(x + 8, img + 8, 4, t); break;
            case 3: prog(x, img, 4, t); break;
            }
        }
        esc_tail_plan_t p;
        esc_tail_plan(s_img, PART, 1, &p);
        if (p.end != x) {
            /* Only a finished magic over a finished header commits. */
            assert_int_equal(step, 3);
            assert_memory_equal(s_img + x, img, len);
            exact++;
            continue;
        }
        switch (p.kind) {
        case ESC_TAIL_FORWARD:
            assert_memory_equal(p.header, img, 12);
            assert_true(esc_tail_bits_allow(s_img + x, p.header, 12));
            forward++;
            break;
        case ESC_TAIL_FILLER: {
            uint8_t hdr[12];
            esc_tail_filler_header(x, p.filler_end, hdr);
            assert_true(esc_tail_bits_allow(s_img + x, hdr, 12));
            assert_true(p.filler_end >= p.dirty_end && p.filler_end <= PART);
            filler++;
            break;
        }
        case ESC_TAIL_STUCK:
            stuck++;
            break;
        case ESC_TAIL_CLEAN:
            fail_msg("written bytes reported clean");
        }
    }
    printf("tail planner: %u finished, %u forward, %u filler, %u stuck\n", exact, forward, filler, stuck);
    /* Every state of this writer is recoverable without an erase here (the
     * partition has room for a filler). */
    assert_int_equal(stuck, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_body_without_first_block),
        cmocka_unit_test(test_magic_missing_rolls_forward),
        cmocka_unit_test(test_complete_magic_bad_crc_is_stuck),
        cmocka_unit_test(test_type_untouched_takes_filler),
        cmocka_unit_test(test_garbage_block_is_stuck),
        cmocka_unit_test(test_no_room_for_filler),
        cmocka_unit_test(test_filler_footer_torn),
        cmocka_unit_test(test_random_tears),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
