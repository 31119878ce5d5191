/*
 * Power-loss sweep harness (in the manner of littlefs's emubd tests).
 *
 * A case is: entries committed beforehand ("base"), optional damage to the
 * tail, and an operation (append or batch of "op" entries, with a config).
 * For every k from 1 to the number of flash program/erase operations the
 * operation performs, the flash is restored, power is cut at the k-th
 * operation (either before it takes effect or leaving it torn: a random
 * subset of its bits), the device "reboots", and then:
 *   1. every base entry reads back intact (reader model, public read API and
 *      the original's lookup), the op's entries are all there or none are,
 *      and nothing else is visible;
 *   2. liveness: the interrupted operation is retried (OK, or
 *      ALREADY_EXISTS when the cut came after its commit point) and one more
 *      entry is appended; an append that answers FLASH_NOT_ERASED is retried
 *      with auto_erase (counted: the "needs erase" windows);
 *   3. optionally (nested), the same again with a second cut at every
 *      operation of the recovering append.
 * Violations are printed and counted; the test asserts there are none.
 */
#pragma once

#include <stdio.h>

#include "host_flash.h"
#include "test_write_common.h"

#define PL_PART 8192u
#define PL_MAX 8

typedef struct {
    const char *name;
    wc_entry_t base[PL_MAX];
    size_t n_base;
    wc_entry_t op[PL_MAX];
    size_t n_op;
    bool op_auto_erase;
    /* Garbage written after the base entries before the sweep (a tail that
     * needs an erase), as [offset from the end of base, length, byte]. */
    uint32_t damage_len;
    uint8_t damage_byte;
    /* The partition may be too full for the extra entry after a repair. */
    bool near_full;
} pl_case_t;

typedef struct {
    uint32_t cut_points;
    uint32_t failures;
    uint32_t needs_erase;     /* a default append answered FLASH_NOT_ERASED after the cut */
    uint32_t rolled_forward;  /* the retry answered ALREADY_EXISTS: the op had committed */
    uint32_t rebuild_losses;  /* entries of a rebuilt sector lost (auto_erase window) */
    uint32_t orig_partial;    /* original lookup saw part of a batch */
} pl_stats_t;

static uint8_t pl_flash[PL_PART];
static uint8_t pl_s0[PL_PART];
static uint8_t pl_s1[PL_PART];
static uint32_t pl_base_off[PL_MAX];
/* Losses are counted by the check right after a cut, and only when that cut
 * lost more base entries than were already missing before it. */
static bool pl_count_losses;
static size_t pl_missing_before;

static const wc_entry_t pl_extra = {.type = ESP_SECURE_CERT_USER_DATA_5, .subtype = 9, .len = 0, .seed = 0};

static inline void pl_fail(pl_stats_t *st, const char *c, uint32_t align, bool partial, uint32_t k, uint32_t j,
                           const char *what)
{
    st->failures++;
    if (st->failures <= 20) {
        printf("powerloss FAILURE: case %s align %u %s cut %u/%u: %s\n", c, align, partial ? "torn" : "clean", k, j,
               what);
    }
}

/* Offset of the first entry a rebuild of the sector holding the end of the
 * list in img may lose: the one that reaches into that sector. */
static inline uint32_t pl_rebuild_from(const uint8_t *img)
{
    wc_seen_t seen[32];
    uint32_t end = 0;
    size_t n = wc_model_list(img, PL_PART, seen, 32, &end, NULL);
    uint32_t sector = end - end % 4096u;
    for (size_t i = 0; i < n; i++) {
        if (seen[i].offset + esc_tlv_total_len(seen[i].len) > sector) {
            return seen[i].offset;
        }
    }
    return sector;
}

static inline void pl_reboot(uint32_t align)
{
    if (wc_open(pl_flash, PL_PART, align) != ESP_OK) {
        fail_msg("cannot reopen the emulated flash");
    }
}

static inline esp_secure_cert_write_config_t pl_cfg(bool auto_erase)
{
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    cfg.flash.auto_erase = auto_erase;
    return cfg;
}

/* Append with the default config, falling back to auto_erase if the tail
 * needs an erase (what an application is told to do). */
static inline esp_err_t pl_append_with_fallback(const wc_entry_t *es, size_t n, bool *needed_erase)
{
    esp_secure_cert_write_config_t def = pl_cfg(false);
    esp_err_t err = wc_append_batch(es, n, &def);
    if (err == ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED) {
        *needed_erase = true;
        esp_secure_cert_write_config_t ae = pl_cfg(true);
        err = wc_append_batch(es, n, &ae);
    }
    return err;
}

/* Sets up base (+ damage) in pl_flash and pl_s0. */
static inline void pl_prepare(const pl_case_t *c, uint32_t align)
{
    assert_int_equal(wc_open_blank(pl_flash, PL_PART, align), ESP_OK);
    for (size_t i = 0; i < c->n_base; i++) {
        assert_int_equal(wc_append(&c->base[i], NULL), ESP_OK);
    }
    wc_seen_t seen[PL_MAX + 4];
    uint32_t end = 0;
    size_t n = wc_model_list(pl_flash, PL_PART, seen, PL_MAX + 4, &end, NULL);
    assert_int_equal(n, c->n_base);
    for (size_t i = 0; i < n; i++) {
        pl_base_off[i] = seen[i].offset;
    }
    if (c->damage_len > 0) {
        assert_true(end + c->damage_len <= PL_PART);
        memset(pl_flash + end, c->damage_byte, c->damage_len);
    }
    memcpy(pl_s0, pl_flash, PL_PART);
    esp_secure_cert_host_close();
}

/*
 * Check the state after a reboot. lose_from: base entries at or after this
 * offset may be missing (a rebuild was cut), as long as the survivors are a
 * prefix. extra_ok: pl_extra may be present.
 */
static inline void pl_check(const pl_case_t *c, pl_stats_t *st, uint32_t align, bool partial, uint32_t k,
                            uint32_t j, uint32_t lose_from, bool extra_ok, int *op_present)
{
    wc_seen_t seen[32];
    size_t n = wc_model_list(pl_flash, PL_PART, seen, 32, NULL, NULL);
    bool lost_one = false;
    size_t missing = 0;
    for (size_t i = 0; i < c->n_base; i++) {
        int m = wc_model_has(seen, n, &c->base[i]);
        int o = wc_orig_has(pl_flash, PL_PART, &c->base[i]);
        int a = wc_api_has(&c->base[i]);
        if (m == 1 && lost_one) {
            pl_fail(st, c->name, align, partial, k, j, "an entry survived after a lost one");
        }
        if (m == 1 && o == 1 && a == 1) {
            continue;
        }
        if (m == 0 && pl_base_off[i] >= lose_from && o != -1 && a != -1) {
            lost_one = true;
            missing++;
            continue;
        }
        char msg[128];
        snprintf(msg, sizeof(msg), "base entry %zu: model %d, original %d, api %d", i, m, o, a);
        pl_fail(st, c->name, align, partial, k, j, msg);
    }
    if (lost_one && pl_count_losses && missing > pl_missing_before) {
        st->rebuild_losses++;
    }
    size_t present = 0, orig_present = 0, api_present = 0;
    for (size_t i = 0; i < c->n_op; i++) {
        int m = wc_model_has(seen, n, &c->op[i]);
        int o = wc_orig_has(pl_flash, PL_PART, &c->op[i]);
        int a = wc_api_has(&c->op[i]);
        if (m == -1 || o == -1 || a == -1) {
            pl_fail(st, c->name, align, partial, k, j, "a torn op entry reads as valid");
        }
        present += m == 1;
        orig_present += o == 1;
        api_present += a == 1;
        if (m == 1 && (o != 1 || a != 1)) {
            pl_fail(st, c->name, align, partial, k, j, "an op entry the model accepts is not readable");
        }
    }
    if (present != 0 && present != c->n_op) {
        pl_fail(st, c->name, align, partial, k, j, "batch partly visible");
    }
    if (api_present != present) {
        pl_fail(st, c->name, align, partial, k, j, "the public read API sees a different part of the op");
    }
    if (orig_present != present) {
        st->orig_partial++;
    }
    /* Nothing visible that was never written. */
    for (size_t i = 0; i < n; i++) {
        bool known = extra_ok && seen[i].type == pl_extra.type && seen[i].subtype == pl_extra.subtype;
        for (size_t b = 0; b < c->n_base && !known; b++) {
            known = seen[i].type == c->base[b].type && seen[i].subtype == c->base[b].subtype;
        }
        for (size_t b = 0; b < c->n_op && !known; b++) {
            known = seen[i].type == c->op[b].type && seen[i].subtype == c->op[b].subtype;
        }
        if (!known) {
            pl_fail(st, c->name, align, partial, k, j, "an unknown entry is visible");
        }
    }
    if (extra_ok) {
        int m = wc_model_has(seen, n, &pl_extra);
        if (m == -1) {
            pl_fail(st, c->name, align, partial, k, j, "the extra entry is torn");
        }
    }
    *op_present = present == c->n_op;
}

/* The operation under test, on the open flash. */
static inline esp_err_t pl_run_op(const pl_case_t *c)
{
    esp_secure_cert_write_config_t cfg = pl_cfg(c->op_auto_erase);
    return wc_append_batch(c->op, c->n_op, &cfg);
}

/* The recovery an application does after a reboot: retry the op and append
 * one more entry; ALREADY_EXISTS means an interrupted call had committed
 * (the caller checks the entries are then really there). Returns false if
 * an append failed. */
static inline bool pl_recover(const pl_case_t *c, pl_stats_t *st, bool *needed_erase, bool count, bool *full)
{
    esp_err_t err = pl_append_with_fallback(c->op, c->n_op, needed_erase);
    *full = false;
    if (err == ESP_ERR_INVALID_SIZE && c->near_full) {
        /* A filler took the room the op needed (a near-full partition). */
        *full = true;
        return true;
    }
    if (err == ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS) {
        if (count) {
            st->rolled_forward++;
        }
    } else if (err != ESP_OK) {
        if (getenv("PL_DEBUG")) {
            printf("op retry: 0x%x\n", (unsigned)err);
        }
        return false;
    }
    err = pl_append_with_fallback(&pl_extra, 1, needed_erase);
    if ((err == ESP_ERR_INVALID_SIZE && c->near_full) || err == ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS) {
        return true;
    }
    if (err != ESP_OK && getenv("PL_DEBUG")) {
        printf("extra append: 0x%x\n", (unsigned)err);
    }
    return err == ESP_OK;
}

/* After a successful recovery: op and (unless the partition is full) the
 * extra entry are there. */
static inline void pl_check_recovered(const pl_case_t *c, pl_stats_t *st, uint32_t align, bool partial, uint32_t k,
                                      uint32_t j, uint32_t lose_from, bool full)
{
    int present = 0;
    pl_check(c, st, align, partial, k, j, lose_from, true, &present);
    if (full) {
        return;
    }
    if (!present) {
        pl_fail(st, c->name, align, partial, k, j, "op entries missing after the retry");
    }
    wc_seen_t seen[32];
    size_t n = wc_model_list(pl_flash, PL_PART, seen, 32, NULL, NULL);
    if (wc_model_has(seen, n, &pl_extra) != 1 && !c->near_full) {
        pl_fail(st, c->name, align, partial, k, j, "extra entry missing after recovery");
    }
}

static inline uint64_t pl_seed(const char *name, uint32_t align, uint32_t k, uint32_t j, uint32_t s)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = name; *p; p++) {
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    }
    return h ^ ((uint64_t)align << 56) ^ ((uint64_t)k << 32) ^ ((uint64_t)j << 16) ^ s;
}

/*
 * Sweep one case for one alignment and tear mode. `seeds` torn variants per
 * cut point (1 for clean cuts). nested: also cut the recovering append.
 */
static inline void pl_sweep_one(const pl_case_t *c, uint32_t align, bool partial, uint32_t seeds, bool nested,
                                pl_stats_t *st);

static inline void pl_sweep(const pl_case_t *c, uint32_t align, bool partial, uint32_t seeds, bool nested,
                            pl_stats_t *st)
{
    pl_stats_t mine = {0};
    pl_sweep_one(c, align, partial, seeds, nested, &mine);
    if (getenv("PL_VERBOSE")) {
        printf("  %-18s align %2u %s: %4u cuts, %u failures, erase needed %u, committed %u, losses %u\n", c->name,
               align, partial ? "torn " : "clean", mine.cut_points, mine.failures, mine.needs_erase,
               mine.rolled_forward, mine.rebuild_losses);
    }
    st->cut_points += mine.cut_points;
    st->failures += mine.failures;
    st->needs_erase += mine.needs_erase;
    st->rolled_forward += mine.rolled_forward;
    st->rebuild_losses += mine.rebuild_losses;
    st->orig_partial += mine.orig_partial;
}

static inline void pl_sweep_one(const pl_case_t *c, uint32_t align, bool partial, uint32_t seeds, bool nested,
                                pl_stats_t *st)
{
    pl_prepare(c, align);
    /* Reference run: how many flash operations the op takes. */
    memcpy(pl_flash, pl_s0, PL_PART);
    pl_reboot(align);
    uint32_t ops0 = esc_host_flash_op_count();
    esp_err_t ref = pl_run_op(c);
    bool op_ok = ref == ESP_OK;
    uint32_t n_ops = esc_host_flash_op_count() - ops0;
    if (!op_ok && !(ref == ESP_ERR_SECURE_CERT_FLASH_NOT_ERASED && !c->op_auto_erase)) {
        char msg[96];
        snprintf(msg, sizeof(msg), "uncut reference run failed: 0x%x", (unsigned)ref);
        pl_fail(st, c->name, align, partial, 0, 0, msg);
        esp_secure_cert_host_close();
        return;
    }
    /* A rebuild (auto_erase) re-programs the entries of the sector holding
     * the end of the list; a cut during it may lose those. */
    uint32_t lose_from = c->op_auto_erase && c->damage_len > 0 ? pl_rebuild_from(pl_s0) : UINT32_MAX;
    for (uint32_t k = 1; k <= n_ops; k++) {
        for (uint32_t s = 0; s < seeds; s++) {
            memcpy(pl_flash, pl_s0, PL_PART);
            pl_reboot(align);
            esc_host_flash_set_powercut(k, partial, pl_seed(c->name, align, k, 0, s), NULL, NULL);
            (void)pl_run_op(c);
            if (!esc_host_flash_power_is_cut()) {
                pl_fail(st, c->name, align, partial, k, 0, "the cut did not happen");
            }
            pl_reboot(align);
            st->cut_points++;
            int op_present = 0;
            pl_count_losses = true;
            pl_missing_before = 0;
            pl_check(c, st, align, partial, k, 0, lose_from, false, &op_present);
            pl_count_losses = false;
            (void)op_present;
            memcpy(pl_s1, pl_flash, PL_PART);
            /* If the recovery has to rebuild, it rebuilds the sector where the
             * list now ends; only entries reaching into it are at risk. */
            uint32_t rebuild_from = pl_rebuild_from(pl_s1);
            size_t missing_s1 = 0;
            {
                wc_seen_t s1_seen[32];
                size_t n1 = wc_model_list(pl_s1, PL_PART, s1_seen, 32, NULL, NULL);
                for (size_t b = 0; b < c->n_base; b++) {
                    missing_s1 += wc_model_has(s1_seen, n1, &c->base[b]) != 1;
                }
            }

            /* Liveness, and how many operations the recovery takes. */
            bool needed_erase = false;
            uint32_t r0 = esc_host_flash_op_count();
            bool full = false;
            if (!pl_recover(c, st, &needed_erase, true, &full)) {
                pl_fail(st, c->name, align, partial, k, 0, "recovery append failed");
                continue;
            }
            uint32_t n_rec = esc_host_flash_op_count() - r0;
            st->needs_erase += needed_erase;
            pl_reboot(align);
            pl_check_recovered(c, st, align, partial, k, 0, lose_from, full);
            if (!nested) {
                continue;
            }
            /* A second cut, at every operation of the recovery. */
            for (uint32_t j = 1; j <= n_rec; j++) {
                memcpy(pl_flash, pl_s1, PL_PART);
                pl_reboot(align);
                esc_host_flash_set_powercut(j, partial, pl_seed(c->name, align, k, j, s), NULL, NULL);
                bool dummy = false;
                (void)pl_recover(c, st, &dummy, false, &full);
                pl_reboot(align);
                st->cut_points++;
                int p2 = 0; /* op may or may not be there yet */
                pl_count_losses = true;
                pl_missing_before = missing_s1;
                /* A recovery that had to rebuild may lose entries of that
                 * sector when cut (the documented auto_erase window). */
                pl_check(c, st, align, partial, k, j, needed_erase ? rebuild_from : lose_from, true, &p2);
                pl_count_losses = false;
                bool need2 = false;
                if (!pl_recover(c, st, &need2, false, &full)) {
                    pl_fail(st, c->name, align, partial, k, j, "second recovery failed");
                    continue;
                }
                pl_reboot(align);
                pl_check_recovered(c, st, align, partial, k, j, needed_erase ? rebuild_from : lose_from, full);
            }
        }
    }
    esp_secure_cert_host_close();
}

static inline void pl_report(const char *path, const pl_stats_t *st)
{
    printf("powerloss: %s %u cut points, %u failures (needed auto_erase after %u, retry found the op committed "
           "%u, rebuild-window losses %u, original lookup saw a different set %u)\n",
           path, st->cut_points, st->failures, st->needs_erase, st->rolled_forward, st->rebuild_losses,
           st->orig_partial);
    fflush(stdout);
}
