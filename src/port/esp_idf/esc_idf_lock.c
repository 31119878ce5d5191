/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Write lock of the ESP-IDF port. The API only ever tries the lock (it
 * reports ESP_ERR_INVALID_STATE at once when another writer holds it) and
 * releases it from the task that took it, so no task ever waits on it: one
 * atomic flag does, with no FreeRTOS object to create first and nothing for
 * priority inheritance to do.
 */
#include "esc_port_idf.h"

#if defined(ESP_SECURE_CERT_WRITE_API)
#include <stdatomic.h>

static atomic_int s_busy;

bool esc_idf_try_lock(const esc_port_t *p)
{
    (void)p;
    return atomic_exchange(&s_busy, 1) == 0;
}

void esc_idf_unlock(const esc_port_t *p)
{
    (void)p;
    atomic_store(&s_busy, 0);
}

#endif /* ESP_SECURE_CERT_WRITE_API */
