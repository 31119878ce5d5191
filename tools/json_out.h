/*
 * A tiny streaming JSON writer (pretty-printed, two-space indent). It tracks
 * nesting and commas; the caller pairs begin/end calls. Strings are escaped
 * per RFC 8259; bytes that are not valid UTF-8 are written as \u00XX so the
 * output is always valid JSON.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JSON_MAX_DEPTH 16

typedef struct {
    FILE *out;
    int depth;
    bool first[JSON_MAX_DEPTH];
    bool after_key;
} json_writer_t;

void json_init(json_writer_t *j, FILE *out);
void json_begin_object(json_writer_t *j);
void json_end_object(json_writer_t *j);
void json_begin_array(json_writer_t *j);
void json_end_array(json_writer_t *j);
void json_key(json_writer_t *j, const char *key);
void json_string(json_writer_t *j, const char *s); /* NULL is written as null */
void json_int(json_writer_t *j, long long v);
void json_bool(json_writer_t *j, bool v);
void json_null(json_writer_t *j);
/* Close the document with a newline. */
void json_finish(json_writer_t *j);

/* key + value shorthands */
void json_kv_string(json_writer_t *j, const char *key, const char *s);
void json_kv_int(json_writer_t *j, const char *key, long long v);
void json_kv_bool(json_writer_t *j, const char *key, bool v);

#ifdef __cplusplus
}
#endif
