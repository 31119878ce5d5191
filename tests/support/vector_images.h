/*
 * Every TLV partition image in tests/vectors with its independent dump
 * (expected.json for the tool vectors, reference_tlvdump.json for the
 * original project's binaries), for tests that check each one.
 */
#pragma once

#include <stddef.h>

#include "mini_json.h"

typedef void (*tf_image_fn)(const char *path, const mj_node_t *dump);

/* Call fn for each .bin output of the vNN_* vectors that holds entries;
 * returns how many. */
size_t tf_each_tool_image(tf_image_fn fn);
/* The same for the reference binaries; returns how many. */
size_t tf_each_reference_image(tf_image_fn fn);
/* Where the valid list of a dumped image ends for our reader: at the first
 * entry whose CRC fails, else at the dump's tlv_end_offset (-1 if none). */
long tf_valid_end(const mj_node_t *dump);
