/*
 * Power-loss sweep of single appends (see test_powerloss_harness.h): for
 * every flash operation of the append, cut power there (cleanly or leaving it
 * torn), reboot, check, recover, and cut again inside the recovery.
 * Cases place the new entry inside a sector, across the sector boundary, at
 * the start of a sector, and so that it ends exactly at the partition end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_powerloss_harness.h"

static const pl_case_t s_cases[] = {
    {.name = "mid-sector",
     .base = {{0, 0, 0, 500, 1}, {1, 0, 0, 700, 2}},
     .n_base = 2,
     .op = {{2, 0, 0, 600, 3}},
     .n_op = 1},
    {.name = "across-sectors",
     .base = {{0, 0, 0, 1200, 4}, {1, 0, 0, 1100, 5}, {3, 0, 0, 1500, 6}},
     .n_base = 3,
     .op = {{51, 1, 0, 900, 7}},
     .n_op = 1},
    {.name = "sector-start",
     .base = {{51, 0, 0, 4080, 8}},
     .n_base = 1,
     .op = {{1, 0, 0, 300, 9}},
     .n_op = 1},
    {.name = "zero-length",
     .base = {{0, 0, 0, 33, 10}},
     .n_base = 1,
     .op = {{2, 0, 0, 0, 11}},
     .n_op = 1},
    /* The op fills the partition to its last byte: a cut in it leaves no
     * room for a filler, so the tail needs an erase of sector 1. */
    {.name = "fills-partition",
     .base = {{51, 0, 0, 4080, 12}, {52, 0, 0, 3000, 13}},
     .n_base = 2,
     .op = {{53, 0, 0, 8192 - 4096 - 3024 - 16, 14}},
     .n_op = 1,
     .near_full = true},
};

static void sweep_all(uint32_t align, pl_stats_t *st)
{
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        pl_sweep(&s_cases[i], align, false, 1, true, st);
        /* Few operations with 16-byte blocks: afford more torn variants. */
        pl_sweep(&s_cases[i], align, true, align == 1 ? 3 : 12, true, st);
    }
}

static void test_append_byte_programmable(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    sweep_all(1, &st);
    pl_report("append (prog_align 1)", &st);
    assert_int_equal(st.failures, 0);
}

static void test_append_flash_encryption(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    sweep_all(16, &st);
    pl_report("append (prog_align 16)", &st);
    assert_int_equal(st.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_byte_programmable),
        cmocka_unit_test(test_append_flash_encryption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
