/*
 * Streaming JSON writer; see json_out.h.
 */
#include <string.h>

#include "json_out.h"
#include "text_codec.h"

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
        uint32_t cp;
        size_t n = text_utf8_next(p + i, len - i, &cp);
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
    before_item(j);
    write_escaped(j->out, s, strlen(s));
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
