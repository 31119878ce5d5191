/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host stand-in for ESP-IDF's rsa_sign_alt.h, which applications include to
 * get esp_ds_data_ctx_t.
 */
#pragma once

#include "esp_ds_rsa.h"
