/*
 * Messages of the component: ESC_LOGE/W/I/D(tag, format, ...) with the
 * meaning of ESP_LOGx.
 *
 * On the host they are ESP_LOGx (include/host/esp_log.h). On the device
 * ESP_LOGx pastes "E (%lu) %s: " and "\n" around every format string and
 * calls the timestamp function at every call site; with ~100 messages that
 * is kilobytes of flash. Here each call site passes only its own format to
 * esc_log_write (esc_idf_log.c), which prints it through one ESP_LOG_LEVEL,
 * so the output is the same. Messages above LOG_LOCAL_LEVEL (set per source
 * from Kconfig by CMakeLists.txt, before esp_log.h is read) compile to
 * nothing, as with ESP_LOGx.
 */
#pragma once

#include "esp_log.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef ESP_PLATFORM

/* Format the message and log it at `level` under `tag` (runtime per-tag
 * levels apply). Messages longer than ESC_LOG_LINE_MAX - 1 bytes are cut. */
#define ESC_LOG_LINE_MAX 160
void esc_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#define ESC_LOG_AT_(level, tag, ...) do {                 \
        if (LOG_LOCAL_LEVEL >= (level)) {                  \
            esc_log_write((level), (tag), __VA_ARGS__);    \
        }                                                  \
    } while (0)

#define ESC_LOGE(tag, ...) ESC_LOG_AT_(ESP_LOG_ERROR, tag, __VA_ARGS__)
#define ESC_LOGW(tag, ...) ESC_LOG_AT_(ESP_LOG_WARN, tag, __VA_ARGS__)
#define ESC_LOGI(tag, ...) ESC_LOG_AT_(ESP_LOG_INFO, tag, __VA_ARGS__)
#define ESC_LOGD(tag, ...) ESC_LOG_AT_(ESP_LOG_DEBUG, tag, __VA_ARGS__)

#else

#define ESC_LOGE(tag, ...) ESP_LOGE(tag, __VA_ARGS__)
#define ESC_LOGW(tag, ...) ESP_LOGW(tag, __VA_ARGS__)
#define ESC_LOGI(tag, ...) ESP_LOGI(tag, __VA_ARGS__)
#define ESC_LOGD(tag, ...) ESP_LOGD(tag, __VA_ARGS__)

#endif

#ifdef __cplusplus
}
#endif
