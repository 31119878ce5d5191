/*
 * Power-loss sweeps of the paths that erase:
 *   - erase + rebuild: the provisioning flow (erase the partition, append
 *     entries one by one, then a batch). After a cut at any operation every
 *     visible entry is intact and is either an old one (the erase had not
 *     finished) or a new one; appends that returned before the cut are
 *     there; the batch is all or nothing; running the flow again gives the
 *     same bytes as an uninterrupted run.
 *   - auto_erase: an append on a partition whose tail can only be reused by
 *     erasing the sector that holds the last entries (rebuild). Entries
 *     outside that sector always survive; a cut between the erase and the
 *     end of re-programming may lose the sector's entries from the one being
 *     re-programmed on (counted as "rebuild-window losses", the documented
 *     risk of auto_erase). An aligned end needs no rebuild at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_powerloss_harness.h"

/* ---- erase + rebuild ---- */

static const wc_entry_t s_old[] = {
    {0, 0, 0, 1000, 40}, {1, 0, 0, 800, 41}, {2, 0, 0, 1200, 42}, {51, 0, 0, 3000, 43}};
static const wc_entry_t s_new[] = {
    {0, 0, 0, 900, 50}, {1, 0, 0, 700, 51}, {2, 0, 0, 1100, 52}, {51, 0, 0, 2500, 53}};
#define N_OLD (sizeof(s_old) / sizeof(s_old[0]))
#define N_NEW (sizeof(s_new) / sizeof(s_new[0]))

/* Steps: 0 erase, 1 append new[0], 2 append new[1], 3 batch new[2..3].
 * Returns how many steps returned ESP_OK. */
static int provision(void)
{
    if (esp_secure_cert_erase_partition() != ESP_OK) {
        return 0;
    }
    if (wc_append(&s_new[0], NULL) != ESP_OK) {
        return 1;
    }
    if (wc_append(&s_new[1], NULL) != ESP_OK) {
        return 2;
    }
    if (wc_append_batch(&s_new[2], 2, NULL) != ESP_OK) {
        return 3;
    }
    return 4;
}

static bool same_key(const wc_seen_t *s, const wc_entry_t *e)
{
    return s->type == e->type && s->subtype == e->subtype;
}

static int matches(const wc_seen_t *s, const wc_entry_t *e)
{
    wc_seen_t one = *s;
    return wc_model_has(&one, 1, e) == 1;
}

static void check_provisioning(pl_stats_t *st, uint32_t align, bool partial, uint32_t k, int done)
{
    wc_seen_t seen[32];
    size_t n = wc_model_list(pl_flash, PL_PART, seen, 32, NULL, NULL);
    size_t batch_present = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        for (size_t j = 0; j < N_NEW && !ok; j++) {
            if (same_key(&seen[i], &s_new[j]) && matches(&seen[i], &s_new[j])) {
                ok = true;
                batch_present += j >= 2;
            }
        }
        for (size_t j = 0; j < N_OLD && !ok && done == 0; j++) {
            ok = same_key(&seen[i], &s_old[j]) && matches(&seen[i], &s_old[j]);
        }
        if (!ok) {
            pl_fail(st, "provision", align, partial, k, 0, "a visible entry is neither old nor new");
        }
        /* The public API and the original's lookup return the same bytes. */
        wc_entry_t as = {.type = seen[i].type, .subtype = seen[i].subtype};
        const uint8_t *d = NULL;
        uint16_t len = 0;
        if (wc_orig_find(pl_flash, PL_PART, as.type, as.subtype, &d, &len) != WC_ORIG_VALID || len != seen[i].len ||
            memcmp(d, seen[i].data, len) != 0) {
            pl_fail(st, "provision", align, partial, k, 0, "the original's lookup disagrees");
        }
    }
    /* Step j+1 appended new[j]; it returned OK if done > j+1. */
    for (int j = 0; j < 2; j++) {
        if (done > j + 1 && (wc_model_has(seen, n, &s_new[j]) != 1 || wc_api_has(&s_new[j]) != 1)) {
            pl_fail(st, "provision", align, partial, k, 0, "an append that returned OK is missing");
        }
    }
    if (batch_present != 0 && batch_present != 2) {
        pl_fail(st, "provision", align, partial, k, 0, "batch partly visible");
    }
    if (done == 4 && batch_present != 2) {
        pl_fail(st, "provision", align, partial, k, 0, "the batch returned OK but is missing");
    }
}

static void sweep_provisioning(uint32_t align, bool partial, uint32_t seeds, pl_stats_t *st)
{
    /* Old contents, then the reference run. */
    assert_int_equal(wc_open_blank(pl_flash, PL_PART, align), ESP_OK);
    for (size_t i = 0; i < N_OLD; i++) {
        assert_int_equal(wc_append(&s_old[i], NULL), ESP_OK);
    }
    memcpy(pl_s0, pl_flash, PL_PART);
    uint32_t ops0 = esc_host_flash_op_count();
    assert_int_equal(provision(), 4);
    uint32_t n_ops = esc_host_flash_op_count() - ops0;
    static uint8_t reference[PL_PART];
    memcpy(reference, pl_flash, PL_PART);
    esp_secure_cert_host_close();

    for (uint32_t k = 1; k <= n_ops; k++) {
        for (uint32_t s = 0; s < seeds; s++) {
            memcpy(pl_flash, pl_s0, PL_PART);
            pl_reboot(align);
            esc_host_flash_set_powercut(k, partial, pl_seed("provision", align, k, 0, s), NULL, NULL);
            int done = provision();
            pl_reboot(align);
            st->cut_points++;
            check_provisioning(st, align, partial, k, done);
            /* Liveness: one more append works on what the cut left... */
            bool needed_erase = false;
            esp_err_t err = pl_append_with_fallback(&pl_extra, 1, &needed_erase);
            st->needs_erase += needed_erase;
            if (err != ESP_OK && err != ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS) {
                pl_fail(st, "provision", align, partial, k, 0, "append after the cut failed");
            }
            /* ...and provisioning again gives the uninterrupted result. */
            if (provision() != 4 || memcmp(pl_flash, reference, PL_PART) != 0) {
                pl_fail(st, "provision", align, partial, k, 0, "provisioning again differs from the reference");
            }
        }
    }
    esp_secure_cert_host_close();
}

static void test_erase_rebuild(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    for (uint32_t align = 1; align <= 16; align += 15) {
        sweep_provisioning(align, false, 1, &st);
        sweep_provisioning(align, true, 4, &st);
    }
    pl_report("erase + rebuild", &st);
    assert_int_equal(st.failures, 0);
}

/* ---- auto_erase ---- */

static const pl_case_t s_auto_cases[] = {
    /* End of the list in sector 0: the rebuild re-programs both entries. */
    {.name = "auto-sector0",
     .base = {{0, 0, 0, 700, 60}, {1, 0, 0, 900, 61}},
     .n_base = 2,
     .op = {{2, 0, 0, 500, 62}},
     .n_op = 1,
     .op_auto_erase = true,
     .damage_len = 48,
     .damage_byte = 0x00},
    /* End in sector 1 with an entry straddling the sector start. */
    {.name = "auto-straddle",
     .base = {{0, 0, 0, 3000, 63}, {1, 0, 0, 2000, 64}, {3, 0, 0, 100, 65}},
     .n_base = 3,
     .op = {{2, 0, 0, 400, 66}, {4, 0, 0, 8, 67}},
     .n_op = 2,
     .op_auto_erase = true,
     .damage_len = 100,
     .damage_byte = 0xA5},
    /* End on a sector boundary: the garbage is erased without any risk, and
     * without auto_erase. */
    {.name = "aligned-end",
     .base = {{51, 0, 0, 4080, 68}},
     .n_base = 1,
     .op = {{1, 0, 0, 300, 69}},
     .n_op = 1,
     .damage_len = 40,
     .damage_byte = 0x12},
};

static void test_auto_erase(void **state)
{
    (void)state;
    pl_stats_t st = {0};
    for (uint32_t align = 1; align <= 16; align += 15) {
        for (size_t i = 0; i < sizeof(s_auto_cases) / sizeof(s_auto_cases[0]); i++) {
            pl_sweep(&s_auto_cases[i], align, false, 1, true, &st);
            pl_sweep(&s_auto_cases[i], align, true, 3, true, &st);
        }
    }
    pl_report("auto_erase", &st);
    assert_int_equal(st.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erase_rebuild),
        cmocka_unit_test(test_auto_erase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
