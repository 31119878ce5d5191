/*
 * Text encodings the CLI reads and writes: hex, base64 and UTF-8. One
 * decoder each, with the few rules that differ between callers (CSV values
 * follow Python's bytes.fromhex / base64.b64decode, PEM bodies are strict)
 * as parameters.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Hex digits to bytes in out (capacity cap). With skip_space, whitespace
 * anywhere is ignored (Python's bytes.fromhex after removing spaces);
 * without it every character must be a digit. 0 and *out_len, or -1 with
 * the reason (naming the first bad character's 1-based position) in why.
 */
int text_hex_decode(const char *s, bool skip_space, uint8_t *out, size_t cap, size_t *out_len, char *why,
                    size_t why_len);

/* Hex of len bytes into buf (2 * len + 1 bytes, NUL-terminated). */
void text_hex_encode(const uint8_t *data, size_t len, bool upper, char *buf);

typedef enum {
    /* A PEM body: only whitespace may stand between the characters of the
     * alphabet, and the length with padding is a multiple of 4. */
    TEXT_BASE64_STRICT,
    /* base64.b64decode without validate: other characters are skipped, the
     * padding must still be right. */
    TEXT_BASE64_LENIENT,
} text_base64_mode_t;

/* Room the decoded bytes of len characters of base64 need at most. */
#define TEXT_BASE64_DECODED_MAX(len) ((len) / 4 * 3 + 3)

/* Base64 to bytes in out (capacity TEXT_BASE64_DECODED_MAX(len) at least).
 * 0 and *out_len, or -1 with the reason in why. */
int text_base64_decode(const char *s, size_t len, text_base64_mode_t mode, uint8_t *out, size_t *out_len,
                       char *why, size_t why_len);

/* Length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point in *cp; 0 for an invalid, overlong or truncated sequence, a
 * surrogate or a value past U+10FFFF. */
size_t text_utf8_next(const uint8_t *s, size_t n, uint32_t *cp);

#ifdef __cplusplus
}
#endif
