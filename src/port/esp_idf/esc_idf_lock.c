/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Write lock of the ESP-IDF port: a FreeRTOS mutex, as the port contract
 * (docs/port.md) asks. The API only try-locks today; a mutex keeps priority
 * inheritance right should a blocking caller ever be added.
 */
#include "esc_port_idf.h"

#if defined(ESP_SECURE_CERT_WRITE_API)
#include <stdatomic.h>

#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

/* Static storage: taking the lock can never fail for lack of memory. */
static StaticSemaphore_t s_lock_storage;
static SemaphoreHandle_t s_lock;
/* 0: not created, 1: being created, 2: ready. FreeRTOS has no static
 * initialiser for a mutex and creating one inside a critical section is not
 * allowed, so the first user creates it and concurrent first users wait. */
static atomic_int s_lock_state;

bool esc_idf_try_lock(const esc_port_t *p)
{
    (void)p;
    int state = atomic_load_explicit(&s_lock_state, memory_order_acquire);
    if (state != 2) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&s_lock_state, &expected, 1)) {
            s_lock = xSemaphoreCreateMutexStatic(&s_lock_storage);
            atomic_store_explicit(&s_lock_state, 2, memory_order_release);
        } else {
            while (atomic_load_explicit(&s_lock_state, memory_order_acquire) != 2) {
                vTaskDelay(1);
            }
        }
    }
    return xSemaphoreTake(s_lock, 0) == pdTRUE;
}

void esc_idf_unlock(const esc_port_t *p)
{
    (void)p;
    /* Only a task that took the lock calls this, so the mutex exists. */
    xSemaphoreGive(s_lock);
}

#endif /* ESP_SECURE_CERT_WRITE_API */
