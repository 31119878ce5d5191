/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * IDF spells this header with its directory; forward to the host version.
 */
#pragma once

#include "../esp_ds_rsa.h"
