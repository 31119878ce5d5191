/*
 * The entry listing `parse` writes as tlv_entries_raw.txt, in the text
 * format of the original tool's tlv_parser.py (so existing scripts and
 * expected files keep working): one block per entry with offset, type,
 * subtype, flags, length, padding, total size, CRC and the data shown as
 * PEM text, "Text data: ..." or hex, then a summary.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `name` is printed on the "File:" line as given. */
void tlv_dump_text(FILE *out, const char *name, const uint8_t *img, size_t len);

/* Python's `all(c.isprintable() or c.isspace() for c in text)` over the
 * UTF-8 text (strict: invalid UTF-8 is not text). */
bool tlv_text_is_printable(const uint8_t *data, size_t len, bool skip_invalid_utf8, size_t max_chars);

#ifdef __cplusplus
}
#endif
