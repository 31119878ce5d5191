/*
 * Power-loss sweep of batches (see test_powerloss_harness.h): whatever the
 * cut, a reader sees every entry of the batch or none of them, and the
 * batch can be written afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_powerloss_harness.h"

static const pl_case_t s_cases[] = {
    {.name = "batch-mid-sector",
     .base = {{0, 0, 0, 500, 21}},
     .n_base = 1,
     .op = {{1, 0, 0, 400, 22}, {2, 0, 0, 700, 23}, {51, 0, 0, 100, 24}},
     .n_op = 3},
    {.name = "batch-across",
     .base = {{0, 0, 0, 3000, 25}},
     .n_base = 1,
     .op = {{1, 0, 0, 600, 26}, {2, 0, 0, 900, 27}, {51, 3, 0, 33, 28}},
     .n_op = 3},
    /* Salt plus a zero-length marker, the shape of an HMAC-derived key. */
    {.name = "batch-small",
     .base = {{0, 0, 0, 64, 29}, {1, 0, 0, 64, 30}},
     .n_base = 2,
     .op = {{5, 1, 0, 32, 31}, {52, 1, 0x08, 0, 32}},
     .n_op = 2},
    {.name = "batch-sector-start",
     .base = {{51, 0, 0, 4080, 33}},
     .n_base = 1,
     .op = {{0, 0, 0, 16, 34}, {1, 0, 0, 17, 35}, {2, 0, 0, 15, 36}, {3, 0, 0, 1000, 37}},
     .n_op = 4},
};

static void sweep_all(uint32_t align, pl_stats_t *st)
{
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        pl_sweep(&s_cases[i], align, false, 1, true, st);
        /* Few operations with 16-byte blocks: afford more torn variants. */
        pl_sweep(&s_cases[i], align, true, align == 1 ? 3 : 12, true, st);
    }
}

static void test_batch_byte_programmable(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    sweep_all(1, &st);
    pl_report("batch (prog_align 1)", &st);
    assert_int_equal(st.failures, 0);
}

static void test_batch_flash_encryption(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    sweep_all(16, &st);
    pl_report("batch (prog_align 16)", &st);
    assert_int_equal(st.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_byte_programmable),
        cmocka_unit_test(test_batch_flash_encryption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
