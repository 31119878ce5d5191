/*
 * Streaming JSON writer; see json_out.h.
 */
#include <string.h>

#include "json_out.h"

void json_init(json_writer_t *j, FILE *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
}

static void indent(json_writer_t *j)
{
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++) {
        fputs("  ", j->out);
    }
}

/* Separator and indentation before a value or a key. */
static void before_item(json_writer_t *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) {
        return;
    }
    if (!j->first[j->depth]) {
        fputc(',', j->out);
    }
    j->first[j->depth] = false;
    indent(j);
}

static void open_container(json_writer_t *j, char c)
{
    before_item(j);
    fputc(c, j->out);
    if (j->depth + 1 < JSON_MAX_DEPTH) {
        j->depth++;
        j->first[j->depth] = true;
    }
}

static void close_container(json_writer_t *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0) {
        j->depth--;
    }
    if (!empty) {
        indent(j);
    }
    fputc(c, j->out);
}

void json_begin_object(json_writer_t *j)
{
    open_container(j, '{');
}

void json_end_object(json_writer_t *j)
{
    close_container(j, '}');
}

void json_begin_array(json_writer_t *j)
{
    open_container(j, '[');
}

void json_end_array(json_writer_t *j)
{
    close_container(j, ']');
}

/* Length of a valid UTF-8 sequence starting at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned int cp;
    if (c < 0x80) {
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
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
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

static void write_escaped(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        switch (c) {
        case '"': fputs("\\\"", out); i++; continue;
        case '\\': fputs("\\\\", out); i++; continue;
        case '\n': fputs("\\n", out); i++; continue;
        case '\r': fputs("\\r", out); i++; continue;
        case '\t': fputs("\\t", out); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\u%04x", c);
            i++;
            continue;
        }
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0) {
            fprintf(out, "\\u%04x", c); /* stray byte, shown as Latin-1 */
            i++;
            continue;
        }
        fwrite(p + i, 1, n, out);
        i += n;
    }
    fputc('"', out);
}

void json_key(json_writer_t *j, const char *key)
{
    before_item(j);
    write_escaped(j->out, key, strlen(key));
    fputs(": ", j->out);
    j->after_key = true;
}

void json_string(json_writer_t *j, const char *s)
{
    if (s == NULL) {
        json_null(j);
        return;
    }
    json_string_n(j, s, strlen(s));
}

void json_string_n(json_writer_t *j, const char *s, size_t len)
{
    before_item(j);
    write_escaped(j->out, s, len);
}

void json_int(json_writer_t *j, long long v)
{
    before_item(j);
    fprintf(j->out, "%lld", v);
}

void json_bool(json_writer_t *j, bool v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->out);
}

void json_null(json_writer_t *j)
{
    before_item(j);
    fputs("null", j->out);
}

void json_hex(json_writer_t *j, const uint8_t *data, size_t len)
{
    before_item(j);
    fputc('"', j->out);
    for (size_t i = 0; i < len; i++) {
        fprintf(j->out, "%02x", data[i]);
    }
    fputc('"', j->out);
}

void json_finish(json_writer_t *j)
{
    fputc('\n', j->out);
    fflush(j->out);
}

void json_kv_string(json_writer_t *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_kv_int(json_writer_t *j, const char *key, long long v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_kv_bool(json_writer_t *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_kv_null(json_writer_t *j, const char *key)
{
    json_key(j, key);
    json_null(j);
}

void json_kv_hex(json_writer_t *j, const char *key, const uint8_t *data, size_t len)
{
    json_key(j, key);
    json_hex(j, data, len);
}
