/*
 * Internals shared by the files of the host port.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* If nothing is configured yet, configure from the environment (once until
 * the next close). Every host entry point (esp_partition_*, esp_efuse_*,
 * esc_port_get) calls this first. */
void esc_host_port_autoconfigure(void);

/* True when an image is open. */
bool esc_host_port_is_open(void);

/* Random bytes from the pinned generator if a test set one, else getrandom(). */
esp_err_t esc_host_port_random(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
