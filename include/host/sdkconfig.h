/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for the generated sdkconfig.h. The host build defines no
 * CONFIG_ symbols: every feature is on, selected by ESP_SECURE_CERT_HOST
 * (esp_secure_cert_platform.h) instead of Kconfig.
 */
#pragma once
