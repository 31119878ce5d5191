/*
 * Hex, base64 and UTF-8; see text_codec.h.
 */
#include <stdio.h>

#include "text_codec.h"

/* The C locale's isspace, without depending on the locale. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int text_hex_decode(const char *s, bool skip_space, uint8_t *out, size_t cap, size_t *out_len, char *why,
                    size_t why_len)
{
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; s[i] != 0; i++) {
        if (skip_space && is_space(s[i])) {
            continue;
        }
        int d = hex_digit(s[i]);
        if (d < 0) {
            snprintf(why, why_len, "'%c' at position %zu is not a hex digit", s[i], i + 1);
            return -1;
        }
        if (hi < 0) {
            hi = d;
            continue;
        }
        if (k == cap) {
            snprintf(why, why_len, "more than %zu bytes", cap);
            return -1;
        }
        out[k++] = (uint8_t)(hi << 4 | d);
        hi = -1;
    }
    if (hi >= 0) {
        snprintf(why, why_len, "odd number of hex digits");
        return -1;
    }
    *out_len = k;
    return 0;
}

void text_hex_encode(const uint8_t *data, size_t len, bool upper, char *buf)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        buf[2 * i] = digits[data[i] >> 4];
        buf[2 * i + 1] = digits[data[i] & 15];
    }
    buf[2 * len] = 0;
}

static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int text_base64_decode(const char *s, size_t len, text_base64_mode_t mode, uint8_t *out, size_t *out_len,
                       char *why, size_t why_len)
{
    size_t n = 0, data = 0, pad = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
            continue;
        }
        int v = base64_value(c);
        if (v < 0) {
            if (mode == TEXT_BASE64_LENIENT || is_space(c)) {
                continue;
            }
            snprintf(why, why_len, "'%c' at position %zu is not a base64 character", c, i + 1);
            return -1;
        }
        if (pad > 0) {
            snprintf(why, why_len, "data after '=' padding");
            return -1;
        }
        data++;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    /* Python accepts surplus '=' after a complete group; a PEM body has at
     * most two. A lone character in the last group never encodes a byte. */
    bool bad = mode == TEXT_BASE64_STRICT ? (data == 0 || (data + pad) % 4 != 0 || pad > 2)
                                          : (data == 0 || data % 4 == 1 || (data + pad) % 4 != 0);
    if (bad) {
        snprintf(why, why_len, "incorrect base64 length or padding");
        return -1;
    }
    *out_len = n;
    return 0;
}

size_t text_utf8_next(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return len;
}
