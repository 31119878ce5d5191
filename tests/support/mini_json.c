#include "mini_json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
    int err;
} mj_parser_t;

static mj_node_t *parse_value(mj_parser_t *ps);

static void skip_ws(mj_parser_t *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p)) {
        ps->p++;
    }
}

static mj_node_t *new_node(mj_kind_t kind)
{
    mj_node_t *n = calloc(1, sizeof(*n));
    if (n != NULL) {
        n->kind = kind;
    }
    return n;
}

static char *parse_string_raw(mj_parser_t *ps)
{
    if (*ps->p != '"') {
        ps->err = 1;
        return NULL;
    }
    ps->p++;
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    while (out != NULL && *ps->p && *ps->p != '"') {
        char c = *ps->p++;
        if (c == '\\') {
            char e = *ps->p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4 && *ps->p; i++) {
                    char h = *ps->p++;
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            case '\0': ps->err = 1; free(out); return NULL;
            default: c = e; break;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *grown = realloc(out, cap);
            if (grown == NULL) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        out[len++] = c;
    }
    if (out == NULL || *ps->p != '"') {
        free(out);
        ps->err = 1;
        return NULL;
    }
    ps->p++;
    out[len] = '\0';
    return out;
}

static mj_node_t *parse_container(mj_parser_t *ps, bool object)
{
    mj_node_t *n = new_node(object ? MJ_OBJECT : MJ_ARRAY);
    mj_node_t **tail = &n->child;
    ps->p++;
    skip_ws(ps);
    char close = object ? '}' : ']';
    if (*ps->p == close) {
        ps->p++;
        return n;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            key = parse_string_raw(ps);
            skip_ws(ps);
            if (key == NULL || *ps->p != ':') {
                free(key);
                ps->err = 1;
                return n;
            }
            ps->p++;
        }
        mj_node_t *v = parse_value(ps);
        if (v == NULL) {
            free(key);
            ps->err = 1;
            return n;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        skip_ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == close) {
            ps->p++;
            return n;
        }
        ps->err = 1;
        return n;
    }
}

static mj_node_t *parse_value(mj_parser_t *ps)
{
    skip_ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[') {
        return parse_container(ps, c == '{');
    }
    if (c == '"') {
        mj_node_t *n = new_node(MJ_STRING);
        n->str = parse_string_raw(ps);
        return n;
    }
    if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
        mj_node_t *n = new_node(MJ_BOOL);
        n->boolean = c == 't';
        ps->p += n->boolean ? 4 : 5;
        return n;
    }
    if (strncmp(ps->p, "null", 4) == 0) {
        ps->p += 4;
        return new_node(MJ_NULL);
    }
    char *end = NULL;
    double d = strtod(ps->p, &end);
    if (end == ps->p) {
        ps->err = 1;
        return NULL;
    }
    ps->p = end;
    mj_node_t *n = new_node(MJ_NUMBER);
    n->num = d;
    return n;
}

mj_node_t *mj_parse(const char *text)
{
    mj_parser_t ps = {.p = text, .err = 0};
    mj_node_t *root = parse_value(&ps);
    if (ps.err) {
        fprintf(stderr, "mini_json: parse error near: %.30s\n", ps.p);
        mj_free(root);
        return NULL;
    }
    return root;
}

mj_node_t *mj_parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "mini_json: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    if (buf == NULL || got != (size_t)size) {
        free(buf);
        return NULL;
    }
    buf[size] = '\0';
    mj_node_t *root = mj_parse(buf);
    free(buf);
    return root;
}

void mj_free(mj_node_t *n)
{
    while (n != NULL) {
        mj_node_t *next = n->next;
        mj_free(n->child);
        free(n->key);
        free(n->str);
        free(n);
        n = next;
    }
}

const mj_node_t *mj_get(const mj_node_t *obj, const char *key)
{
    if (obj == NULL || obj->kind != MJ_OBJECT) {
        return NULL;
    }
    for (const mj_node_t *c = obj->child; c != NULL; c = c->next) {
        if (c->key != NULL && strcmp(c->key, key) == 0) {
            return c;
        }
    }
    return NULL;
}

const mj_node_t *mj_at(const mj_node_t *arr, size_t index)
{
    if (arr == NULL || (arr->kind != MJ_ARRAY && arr->kind != MJ_OBJECT)) {
        return NULL;
    }
    const mj_node_t *c = arr->child;
    while (c != NULL && index-- > 0) {
        c = c->next;
    }
    return c;
}

size_t mj_len(const mj_node_t *arr)
{
    size_t n = 0;
    for (const mj_node_t *c = arr ? arr->child : NULL; c != NULL; c = c->next) {
        n++;
    }
    return n;
}

const char *mj_str(const mj_node_t *obj, const char *key)
{
    const mj_node_t *n = mj_get(obj, key);
    return n != NULL && n->kind == MJ_STRING ? n->str : NULL;
}

long mj_int(const mj_node_t *obj, const char *key, long dflt)
{
    const mj_node_t *n = mj_get(obj, key);
    return n != NULL && n->kind == MJ_NUMBER ? (long)n->num : dflt;
}
