/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one place the component's messages reach ESP-IDF's log (see
 * esc_log.h for why call sites do not use ESP_LOGx directly).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "sdkconfig.h"
#include "esc_log.h"

void esc_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
{
    char line[ESC_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof(line), format, ap);
    va_end(ap);
#if (!defined(ESP_LOG_VERSION) || ESP_LOG_VERSION == 1) && CONFIG_LOG_TIMESTAMP_SOURCE_RTOS && !CONFIG_LOG_COLORS
    /* The line ESP_LOG_LEVEL would print, from one format string with the
     * level letter as an argument instead of one string per level. level is
     * always one of the ESC_LOGx macros' constants (E, W, I, D). */
    esp_log_write(level, tag, "%c (%" PRIu32 ") %s: %s\n", "NEWIDV"[level],
                  esp_log_timestamp(), tag, line);
#else
    ESP_LOG_LEVEL(level, tag, "%s", line);
#endif
}
