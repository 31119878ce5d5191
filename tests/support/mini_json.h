/*
 * Tiny JSON reader for tests: parses a whole document into a tree that the
 * tests query by key and index. Not for untrusted input beyond tests/vectors.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum { MJ_NULL, MJ_BOOL, MJ_NUMBER, MJ_STRING, MJ_ARRAY, MJ_OBJECT } mj_kind_t;

typedef struct mj_node {
    mj_kind_t kind;
    char *key;            /* member name when inside an object */
    char *str;            /* MJ_STRING */
    double num;           /* MJ_NUMBER */
    bool boolean;         /* MJ_BOOL */
    struct mj_node *child; /* first element/member */
    struct mj_node *next;  /* next sibling */
} mj_node_t;

/* Parse a file; NULL on error (message on stderr). */
mj_node_t *mj_parse_file(const char *path);
mj_node_t *mj_parse(const char *text);
void mj_free(mj_node_t *n);

const mj_node_t *mj_get(const mj_node_t *obj, const char *key);
const mj_node_t *mj_at(const mj_node_t *arr, size_t index);
size_t mj_len(const mj_node_t *arr);
/* Convenience: string/number of a member, or a default. */
const char *mj_str(const mj_node_t *obj, const char *key);
long mj_int(const mj_node_t *obj, const char *key, long dflt);
