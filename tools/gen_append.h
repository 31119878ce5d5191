/*
 * Appending one entry to the image being generated. This is the only place
 * the generator lays out bytes, and it does so through the library's writer
 * in buffer mode, so generated images and device-written partitions share one
 * encoder.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * buf (capacity cap, initialised to 0xFF) holds a TLV list ending at *end.
 * Append (type, subtype, flags, data[len]) and advance *end. 0 on success,
 * -1 with a message in err (e.g. when the image would not fit in cap).
 */
int gen_append(uint8_t *buf, size_t cap, size_t *end, uint8_t type, uint8_t subtype, uint8_t flags,
               const uint8_t *data, size_t len, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
