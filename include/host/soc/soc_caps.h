/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's soc/soc_caps.h. The simulator models a chip
 * with every security peripheral esp_secure_cert can use, so all code paths
 * are reachable in host tests.
 */
#pragma once

#define SOC_HMAC_SUPPORTED          1
#define SOC_DIG_SIGN_SUPPORTED      1
#define SOC_ECDSA_SUPPORTED         1
#define SOC_EFUSE_KEY_PURPOSE_FIELD 1
#define SOC_RSA_MAX_BIT_LEN         4096 /* largest DS key of any chip (esp32s3/c6...) */
