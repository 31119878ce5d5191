/*
 * CSV output; see csv_writer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_writer.h"
#include "out_file.h"

int csv_out_add(csv_out_t *c, const char *type, unsigned subtype, const char *value, const char *data_type,
                const char *priv_key_type, const char *algorithm, const char *key_size, const char *efuse_id)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        csv_out_row_t *p = realloc(c->rows, cap * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        c->rows = p;
        c->cap = cap;
    }
    char sub[8];
    snprintf(sub, sizeof(sub), "%u", subtype);
    const char *vals[CSV_COL_COUNT] = {type,     subtype == CSV_OUT_NO_SUBTYPE ? "" : sub, value, data_type,
                                       priv_key_type, algorithm, key_size, efuse_id, ""};
    csv_out_row_t *r = &c->rows[c->n];
    for (int i = 0; i < CSV_COL_COUNT; i++) {
        r->cell[i] = strdup(vals[i] ? vals[i] : "");
        if (r->cell[i] == NULL) {
            while (i-- > 0) {
                free(r->cell[i]);
            }
            return -1;
        }
    }
    c->n++;
    return 0;
}

void csv_out_free(csv_out_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (int k = 0; k < CSV_COL_COUNT; k++) {
            free(c->rows[i].cell[k]);
        }
    }
    free(c->rows);
    memset(c, 0, sizeof(*c));
}

/* Python's csv.QUOTE_MINIMAL. */
static void put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_row(FILE *f, const char *const *cells)
{
    for (int i = 0; i < CSV_COL_COUNT; i++) {
        if (i) {
            fputc(',', f);
        }
        put_field(f, cells[i]);
    }
    fputs("\r\n", f);
}

int csv_out_write(const char *path, const csv_out_t *c, bool force, char *err, size_t err_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL) {
        snprintf(err, err_len, "out of memory writing '%s'", path);
        return -1;
    }
    put_row(m, csv_column_names);
    for (size_t r = 0; r < c->n; r++) {
        put_row(m, (const char *const *)c->rows[r].cell);
    }
    fclose(m);
    int rc = out_file_write(path, (const uint8_t *)buf, len, force, OUT_FILE_PUBLIC, err, err_len);
    free(buf);
    return rc;
}
