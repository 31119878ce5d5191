/*
 * Concurrent writers and readers on the host port (pthreads): writers that
 * find the lock taken get ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS and retry;
 * a reader running at the same time only ever gets complete entries; in the
 * end every entry of every writer is there, exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "esc_api_internal.h"
#include "test_write_common.h"

#define PART 8192u
#define WRITERS 4
#define PER_WRITER 16

static uint8_t s_flash[PART];
static atomic_uint s_busy;
static atomic_uint s_torn;
static atomic_uint s_reads_ok;
static atomic_int s_writers_done;
static atomic_uint s_errors;

static wc_entry_t entry_of(int w, int i)
{
    wc_entry_t e = {.type = (uint8_t)(ESP_SECURE_CERT_USER_DATA_1 + w), .subtype = (uint8_t)i,
                    .len = (uint16_t)(24 + 8 * (i % 3)), .seed = (uint32_t)(w * 100 + i)};
    return e;
}

static void *writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    for (int i = 0; i < PER_WRITER; i++) {
        wc_entry_t e = entry_of(w, i);
        for (;;) {
            esp_err_t err = (i % 4 == 3) ? wc_append_batch(&e, 1, NULL) : wc_append(&e, NULL);
            if (err == ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS) {
                atomic_fetch_add(&s_busy, 1);
                sched_yield();
                continue;
            }
            if (err != ESP_OK) {
                atomic_fetch_add(&s_errors, 1);
            }
            break;
        }
    }
    atomic_fetch_add(&s_writers_done, 1);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    while (atomic_load(&s_writers_done) < WRITERS) {
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < PER_WRITER; i++) {
                wc_entry_t e = entry_of(w, i);
                int r = wc_api_has(&e);
                if (r == -1) {
                    atomic_fetch_add(&s_torn, 1);
                } else if (r == 1) {
                    atomic_fetch_add(&s_reads_ok, 1);
                }
            }
        }
    }
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    for (uint32_t align = 1; align <= 16; align += 15) {
        assert_int_equal(wc_open_blank(s_flash, PART, align), ESP_OK);
        assert_non_null(esc_current_port()); /* resolve the port before the threads race for it */
        atomic_store(&s_writers_done, 0);
        pthread_t wt[WRITERS], rt;
        assert_int_equal(pthread_create(&rt, NULL, reader, NULL), 0);
        for (int w = 0; w < WRITERS; w++) {
            assert_int_equal(pthread_create(&wt[w], NULL, writer, (void *)(intptr_t)w), 0);
        }
        for (int w = 0; w < WRITERS; w++) {
            pthread_join(wt[w], NULL);
        }
        pthread_join(rt, NULL);
        assert_int_equal(atomic_load(&s_errors), 0);
        assert_int_equal(atomic_load(&s_torn), 0);
        wc_seen_t seen[WRITERS * PER_WRITER + 1];
        assert_int_equal(wc_model_list(s_flash, PART, seen, WRITERS * PER_WRITER + 1, NULL, NULL),
                         WRITERS * PER_WRITER);
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < PER_WRITER; i++) {
                wc_entry_t e = entry_of(w, i);
                assert_int_equal(wc_model_has(seen, WRITERS * PER_WRITER, &e), 1);
                assert_int_equal(wc_api_has(&e), 1);
            }
        }
        esp_secure_cert_host_close();
    }
    printf("concurrency: %u busy answers, %u complete reads while writing, 0 torn\n", atomic_load(&s_busy),
           atomic_load(&s_reads_ok));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_writers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
