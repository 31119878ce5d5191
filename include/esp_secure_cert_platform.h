/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Build-environment switches shared by every public header.
 *
 * The same headers serve two builds: the ESP-IDF component (ESP_PLATFORM is
 * defined by the IDF build system) and the Linux host library, which runs the
 * device code against a simulated flash/eFuse. The host has no Kconfig, so
 * there every optional API is declared: tools and tests need all of them.
 */
#pragma once

#ifndef ESP_PLATFORM
#define ESP_SECURE_CERT_HOST 1
#endif

#if defined(ESP_SECURE_CERT_HOST)
#include "esp_idf_version.h" /* host compat: reports IDF 5.5 */
/* The host library always links the writer (the CLI builds images with it). */
#define ESP_SECURE_CERT_WRITE_SUPPORT 1
#else
#include "sdkconfig.h"
/* Same rule as the reference component: writing needs IDF >= 5.3 (atomics in
 * the partition context, esp_partition erase/write semantics). */
#if __has_include("esp_idf_version.h")
#include "esp_idf_version.h"
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0)
#define ESP_SECURE_CERT_WRITE_SUPPORT 1
#endif
#endif
#endif /* ESP_SECURE_CERT_HOST */

/*
 * ESP_SECURE_CERT_WRITE_API: the write functions are declared (and built).
 * On the device this is opt-in through Kconfig (CONFIG_ESP_SECURE_CERT_ENABLE_WRITE)
 * so that read-only firmware does not carry the writer; it still needs IDF >= 5.3.
 */
#if defined(ESP_SECURE_CERT_HOST)
#define ESP_SECURE_CERT_WRITE_API 1
#elif defined(ESP_SECURE_CERT_WRITE_SUPPORT) && defined(CONFIG_ESP_SECURE_CERT_ENABLE_WRITE)
#define ESP_SECURE_CERT_WRITE_API 1
#endif
