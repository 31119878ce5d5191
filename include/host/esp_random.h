/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_random.h. The host port decides the source
 * (OS entropy, or a pinned generator in tests).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t esp_random(void);
void esp_fill_random(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
