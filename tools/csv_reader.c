/*
 * CSV tokeniser (Python csv module, excel dialect, as the original reads it)
 * and the mapping of esp_secure_cert CSV rows to generator entries.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "csv_reader.h"
#include "out_file.h"
#include "tlv_names.h"

/* ---- tokeniser ---- */

typedef struct {
    char *buf;
    size_t len, cap;
} strbuf_t;

static int sb_put(strbuf_t *s, char c)
{
    if (s->len + 1 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char *p = realloc(s->buf, cap);
        if (p == NULL) {
            return -1;
        }
        s->buf = p;
        s->cap = cap;
    }
    s->buf[s->len++] = c;
    s->buf[s->len] = 0;
    return 0;
}

static char *sb_take(strbuf_t *s)
{
    char *r = s->buf ? s->buf : calloc(1, 1);
    s->buf = NULL;
    s->len = s->cap = 0;
    return r;
}

static int row_add_cell(csv_row_t *row, char *text, unsigned line, unsigned col)
{
    csv_cell_t *cells = realloc(row->cells, (row->ncells + 1) * sizeof(*cells));
    if (cells == NULL) {
        free(text);
        return -1;
    }
    row->cells = cells;
    row->cells[row->ncells].text = text;
    row->cells[row->ncells].line = line;
    row->cells[row->ncells].col = col;
    row->ncells++;
    return 0;
}

static int doc_add_row(csv_doc_t *doc, csv_row_t *row)
{
    csv_row_t *rows = realloc(doc->rows, (doc->nrows + 1) * sizeof(*rows));
    if (rows == NULL) {
        return -1;
    }
    doc->rows = rows;
    doc->rows[doc->nrows++] = *row;
    memset(row, 0, sizeof(*row));
    return 0;
}

static void row_free(csv_row_t *row)
{
    for (size_t i = 0; i < row->ncells; i++) {
        free(row->cells[i].text);
    }
    free(row->cells);
    memset(row, 0, sizeof(*row));
}

void csv_doc_free(csv_doc_t *doc)
{
    if (doc == NULL) {
        return;
    }
    for (size_t i = 0; i < doc->nrows; i++) {
        row_free(&doc->rows[i]);
    }
    free(doc->rows);
    memset(doc, 0, sizeof(*doc));
}

int csv_tokenize(const char *text, size_t len, const char *name, csv_doc_t *doc, char *err, size_t err_len)
{
    memset(doc, 0, sizeof(*doc));
    size_t i = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        i = 3; /* UTF-8 byte order mark */
    }
    unsigned line = 1;
    size_t line_start = 0;
    csv_row_t row = {0};
    strbuf_t cell = {0};

    while (i <= len) {
        /* Start of a cell. */
        unsigned cell_line = line;
        unsigned cell_col = (unsigned)(i - line_start + 1);
        if (row.ncells == 0) {
            row.line = line;
        }
        bool quoted = i < len && text[i] == '"';
        if (quoted) {
            i++;
            for (;;) {
                if (i >= len) {
                    snprintf(err, err_len, "%s:%u:%u: quoted field is not closed (missing '\"')", name, cell_line,
                             cell_col);
                    goto fail;
                }
                char c = text[i];
                if (c == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        if (sb_put(&cell, '"') != 0) goto oom;
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (c == '\r' || c == '\n') {
                    /* Line break inside quotes: kept as '\n', as Python's
                     * universal newline reading gives it. */
                    if (c == '\r' && i + 1 < len && text[i + 1] == '\n') {
                        i++;
                    }
                    i++;
                    line++;
                    line_start = i;
                    if (sb_put(&cell, '\n') != 0) goto oom;
                    continue;
                }
                if (sb_put(&cell, c) != 0) goto oom;
                i++;
            }
        }
        /* Unquoted text, or what follows a closing quote, up to , or EOL. */
        while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
            if (sb_put(&cell, text[i]) != 0) goto oom;
            i++;
        }
        bool empty_line = !quoted && row.ncells == 0 && cell.len == 0 && (i >= len || text[i] != ',');
        if (!empty_line) {
            if (row_add_cell(&row, sb_take(&cell), cell_line, cell_col) != 0) goto oom;
        }
        if (i < len && text[i] == ',') {
            i++;
            continue;
        }
        /* End of line (or of text). */
        if (row.ncells > 0 && doc_add_row(doc, &row) != 0) goto oom;
        if (i >= len) {
            break;
        }
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
            i++;
        }
        i++;
        line++;
        line_start = i;
        if (i == len) {
            break;
        }
    }
    free(cell.buf);
    return 0;
oom:
    snprintf(err, err_len, "%s: out of memory", name);
fail:
    free(cell.buf);
    row_free(&row);
    csv_doc_free(doc);
    return -1;
}

/* ---- esp_secure_cert rows ---- */

const char *const csv_column_names[CSV_COL_COUNT] = {
    "tlv_type", "tlv_subtype", "data_value", "data_type", "priv_key_type",
    "algorithm", "key_size", "efuse_id", "efuse_key",
};

/* Trim surrounding whitespace in place (Python str.strip on ASCII). */
static void strip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        s[--n] = 0;
    }
    size_t k = 0;
    while (s[k] && isspace((unsigned char)s[k])) {
        k++;
    }
    if (k) {
        memmove(s, s + k, n - k + 1);
    }
}

static void upper(char *s)
{
    for (; *s; s++) {
        *s = (char)toupper((unsigned char)*s);
    }
}

static void lower(char *s)
{
    for (; *s; s++) {
        *s = (char)tolower((unsigned char)*s);
    }
}

__attribute__((format(printf, 6, 7))) static int cell_error(char *err, size_t err_len, const char *name,
                                                          const csv_row_t *row, const csv_cell_t *c,
                                                          const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c != NULL) {
        snprintf(err, err_len, "%s:%u:%u: %s", name, c->line, c->col, msg);
    } else {
        snprintf(err, err_len, "%s:%u: %s", name, row->line, msg);
    }
    return -1;
}

static int row_to_entry(const char *name, const csv_row_t *row, const int *col_of, gen_entries_t *out, char *err,
                        size_t err_len, const char *fallback_dir)
{
    const csv_cell_t *c[CSV_COL_COUNT];
    for (int k = 0; k < CSV_COL_COUNT; k++) {
        c[k] = (col_of[k] >= 0 && (size_t)col_of[k] < row->ncells) ? &row->cells[col_of[k]] : NULL;
        if (c[k] != NULL) {
            strip(c[k]->text);
        }
    }
    bool all_empty = true;
    for (size_t k = 0; k < row->ncells; k++) {
        strip(row->cells[k].text);
        all_empty = all_empty && row->cells[k].text[0] == 0;
    }
    if (all_empty) {
        return 0;
    }
    if (c[CSV_COL_TYPE] != NULL && c[CSV_COL_TYPE]->text[0] == '#') {
        return 0; /* comment row */
    }

    /* tlv_type */
    if (c[CSV_COL_TYPE] == NULL || c[CSV_COL_TYPE]->text[0] == 0) {
        return cell_error(err, err_len, name, row, c[CSV_COL_TYPE], "tlv_type is empty");
    }
    uint8_t type;
    long v;
    if (tlv_type_from_name(c[CSV_COL_TYPE]->text, &type) != 0) {
        if (cli_parse_long(c[CSV_COL_TYPE]->text, 0, 253, &v) != 0) {
            return cell_error(err, err_len, name, row, c[CSV_COL_TYPE],
                              "tlv_type '%s' is neither a known type name (e.g. ESP_SECURE_CERT_CA_CERT_TLV) nor a "
                              "number 0-253",
                              c[CSV_COL_TYPE]->text);
        }
        type = (uint8_t)v;
    }
    /* tlv_subtype */
    if (c[CSV_COL_SUBTYPE] == NULL || c[CSV_COL_SUBTYPE]->text[0] == 0) {
        return cell_error(err, err_len, name, row, c[CSV_COL_SUBTYPE], "tlv_subtype is empty");
    }
    if (cli_parse_long(c[CSV_COL_SUBTYPE]->text, 0, 254, &v) != 0) {
        return cell_error(err, err_len, name, row, c[CSV_COL_SUBTYPE], "tlv_subtype '%s' is not a number 0-254",
                          c[CSV_COL_SUBTYPE]->text);
    }
    uint8_t subtype = (uint8_t)v;
    /* data_value / data_type */
    if (c[CSV_COL_VALUE] == NULL) {
        return cell_error(err, err_len, name, row, c[CSV_COL_VALUE], "data_value is empty");
    }
    if (c[CSV_COL_DTYPE] == NULL || c[CSV_COL_DTYPE]->text[0] == 0) {
        return cell_error(err, err_len, name, row, c[CSV_COL_DTYPE], "data_type is empty");
    }
    gen_data_type_t dt;
    const char *dts = c[CSV_COL_DTYPE]->text;
    if (strcmp(dts, "file") == 0) {
        dt = GEN_DATA_FILE;
    } else if (strcmp(dts, "string") == 0) {
        dt = GEN_DATA_STRING;
    } else if (strcmp(dts, "hex") == 0) {
        dt = GEN_DATA_HEX;
    } else if (strcmp(dts, "base64") == 0) {
        dt = GEN_DATA_BASE64;
    } else {
        return cell_error(err, err_len, name, row, c[CSV_COL_DTYPE],
                          "data_type '%s' is not one of file, string, hex, base64", dts);
    }

    gen_pk_type_t pk = GEN_PK_NONE;
    if (c[CSV_COL_PKTYPE] != NULL && c[CSV_COL_PKTYPE]->text[0] != 0) {
        lower(c[CSV_COL_PKTYPE]->text);
        if (gen_pk_type_from_name(c[CSV_COL_PKTYPE]->text, &pk) != 0) {
            return cell_error(err, err_len, name, row, c[CSV_COL_PKTYPE],
                              "priv_key_type '%s' is not one of plaintext, rsa_ds, ecdsa_peripheral, "
                              "hmac_encrypted, hmac_derived_ecdsa",
                              c[CSV_COL_PKTYPE]->text);
        }
    }
    /* Extensions: an empty hex value is a zero-length entry, and a derived
     * key needs no key at all (the device derives it). */
    if (c[CSV_COL_VALUE]->text[0] == 0 && dt != GEN_DATA_HEX && pk != GEN_PK_HMAC_DERIVED_ECDSA) {
        return cell_error(err, err_len, name, row, c[CSV_COL_VALUE],
                          "data_value is empty (a zero-length entry is data_type hex with an empty value)");
    }
    int key_size = 0;
    if (c[CSV_COL_KEYSIZE] != NULL && c[CSV_COL_KEYSIZE]->text[0] != 0) {
        if (cli_parse_long(c[CSV_COL_KEYSIZE]->text, 1, 65535, &v) != 0) {
            return cell_error(err, err_len, name, row, c[CSV_COL_KEYSIZE], "key_size '%s' is not a number of bits",
                              c[CSV_COL_KEYSIZE]->text);
        }
        key_size = (int)v;
    }
    int efuse_id = -1;
    if (c[CSV_COL_EFUSE_ID] != NULL && c[CSV_COL_EFUSE_ID]->text[0] != 0) {
        if (cli_parse_long(c[CSV_COL_EFUSE_ID]->text, 0, 5, &v) != 0) {
            return cell_error(err, err_len, name, row, c[CSV_COL_EFUSE_ID], "efuse_id '%s' is not a key block 0-5",
                              c[CSV_COL_EFUSE_ID]->text);
        }
        efuse_id = (int)v;
    }

    gen_entry_t *e = gen_entries_add(out);
    if (e == NULL) {
        snprintf(err, err_len, "%s: out of memory", name);
        return -1;
    }
    e->type = type;
    e->subtype = subtype;
    e->data_type = dt;
    e->data_value = strdup(c[CSV_COL_VALUE]->text);
    e->pk_type = pk;
    if (c[CSV_COL_ALGO] != NULL) {
        snprintf(e->algorithm, sizeof(e->algorithm), "%s", c[CSV_COL_ALGO]->text);
        upper(e->algorithm);
    }
    e->key_size = key_size;
    e->efuse_id = efuse_id;
    if (c[CSV_COL_EFUSE_KEY] != NULL && c[CSV_COL_EFUSE_KEY]->text[0] != 0) {
        e->efuse_key_file = strdup(c[CSV_COL_EFUSE_KEY]->text);
    }
    snprintf(e->where, sizeof(e->where), "%s:%u", name, row->line);
    snprintf(e->where_value, sizeof(e->where_value), "%s:%u:%u", name, c[CSV_COL_VALUE]->line, c[CSV_COL_VALUE]->col);
    e->fallback_dir = fallback_dir ? strdup(fallback_dir) : NULL;
    /* A lost efuse_key would silently become a drawn key. */
    if (e->data_value == NULL || (c[CSV_COL_EFUSE_KEY] != NULL && c[CSV_COL_EFUSE_KEY]->text[0] != 0 &&
                                  e->efuse_key_file == NULL) ||
        (fallback_dir != NULL && e->fallback_dir == NULL)) {
        snprintf(err, err_len, "%s: out of memory", name);
        return -1;
    }
    return 0;
}

int csv_read_entries(const char *path, gen_entries_t *out, char *err, size_t err_len)
{
    uint8_t *data = NULL;
    size_t len = 0;
    if (cli_read_file(path, &data, &len, err, err_len) != 0) {
        return -1;
    }
    if (memchr(data, 0, len) != NULL) {
        snprintf(err, err_len, "%s: not a text file (contains NUL bytes)", path);
        free(data);
        return -1;
    }
    csv_doc_t doc;
    int rc = csv_tokenize((const char *)data, len, path, &doc, err, err_len);
    free(data);
    if (rc != 0) {
        return -1;
    }
    if (doc.nrows == 0) {
        snprintf(err, err_len, "%s: empty CSV (expected a header row: %s,%s,%s,%s,...)", path, csv_column_names[0],
                 csv_column_names[1], csv_column_names[2], csv_column_names[3]);
        csv_doc_free(&doc);
        return -1;
    }

    int col_of[CSV_COL_COUNT];
    for (int k = 0; k < CSV_COL_COUNT; k++) {
        col_of[k] = -1;
    }
    const csv_row_t *hdr = &doc.rows[0];
    for (size_t i = 0; i < hdr->ncells; i++) {
        strip(hdr->cells[i].text);
        bool known = false;
        for (int k = 0; k < CSV_COL_COUNT; k++) {
            if (strcmp(hdr->cells[i].text, csv_column_names[k]) == 0) {
                if (col_of[k] >= 0) {
                    snprintf(err, err_len, "%s:%u:%u: column '%s' appears twice in the header", path,
                             hdr->cells[i].line, hdr->cells[i].col, csv_column_names[k]);
                    csv_doc_free(&doc);
                    return -1;
                }
                col_of[k] = (int)i;
                known = true;
            }
        }
        if (!known && hdr->cells[i].text[0] != 0) {
            cli_warn("%s:%u:%u: unknown column '%s' ignored", path, hdr->cells[i].line, hdr->cells[i].col,
                     hdr->cells[i].text);
        }
    }
    for (int k = CSV_COL_TYPE; k <= CSV_COL_DTYPE; k++) {
        if (col_of[k] < 0) {
            snprintf(err, err_len, "%s:%u: the header has no '%s' column (expected %s,%s,%s,%s,...)", path,
                     hdr->line, csv_column_names[k], csv_column_names[0], csv_column_names[1], csv_column_names[2],
                     csv_column_names[3]);
            csv_doc_free(&doc);
            return -1;
        }
    }

    char fallback[4096];
    rc = out_file_dir_of(path, fallback, sizeof(fallback)) != 0 ? cli_fail(err, err_len, "%s: path too long", path) : 0;
    for (size_t r = 1; r < doc.nrows && rc == 0; r++) {
        rc = row_to_entry(path, &doc.rows[r], col_of, out, err, err_len, fallback);
    }
    csv_doc_free(&doc);
    return rc;
}
