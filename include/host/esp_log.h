/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's esp_log.h. Errors, warnings and info go to
 * stderr as "L (tag): message"; debug and verbose are compiled out, but their
 * arguments are still type-checked so both builds see the same warnings.
 */
#pragma once

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESP_LOG_NONE,
    ESP_LOG_ERROR,
    ESP_LOG_WARN,
    ESP_LOG_INFO,
    ESP_LOG_DEBUG,
    ESP_LOG_VERBOSE,
} esp_log_level_t;

/* Levels are fixed on the host; accepted so device code compiles. */
static inline void esp_log_level_set(const char *tag, esp_log_level_t level)
{
    (void)tag;
    (void)level;
}

/* Two calls instead of one so that a format without arguments needs no
 * GNU ##__VA_ARGS__ extension. */
#define ESP_HOST_LOG_PRINT_(letter, tag, ...) do {          \
        fprintf(stderr, "%c (%s): ", (letter), (tag));       \
        fprintf(stderr, __VA_ARGS__);                        \
        fputc('\n', stderr);                                 \
    } while (0)

#define ESP_HOST_LOG_DROP_(tag, ...) do {                    \
        if (0) {                                             \
            (void)(tag);                                     \
            fprintf(stderr, __VA_ARGS__);                    \
        }                                                    \
    } while (0)

#define ESP_LOGE(tag, ...) ESP_HOST_LOG_PRINT_('E', tag, __VA_ARGS__)
#define ESP_LOGW(tag, ...) ESP_HOST_LOG_PRINT_('W', tag, __VA_ARGS__)
#define ESP_LOGI(tag, ...) ESP_HOST_LOG_PRINT_('I', tag, __VA_ARGS__)
#define ESP_LOGD(tag, ...) ESP_HOST_LOG_DROP_(tag, __VA_ARGS__)
#define ESP_LOGV(tag, ...) ESP_HOST_LOG_DROP_(tag, __VA_ARGS__)

/* Hex dumps are not printed on the host. */
#define ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, level) do { \
        (void)(tag); (void)(buffer); (void)(buff_len); (void)(level); \
    } while (0)
#define ESP_LOG_BUFFER_HEX(tag, buffer, buff_len) \
    ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, ESP_LOG_INFO)
#define ESP_LOG_BUFFER_HEXDUMP(tag, buffer, buff_len, level) \
    ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, level)

#ifdef __cplusplus
}
#endif
