/*
 * Writing the original tool's CSV format (csv_reader.h has the columns), as
 * Python's csv module writes it: CRLF line ends, a field quoted only when it
 * holds a comma, a quote or a line break. `parse` writes its
 * esp_secure_cert_parsed.csv with it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "csv_reader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char *cell[CSV_COL_COUNT];
} csv_out_row_t;

typedef struct {
    csv_out_row_t *rows;
    size_t n, cap;
} csv_out_t;

/* The subtype of a row that has none (a comment row). */
#define CSV_OUT_NO_SUBTYPE 0xFFFFu

/* Append a row; NULL cells are empty and efuse_key is always empty. 0, or
 * -1 when out of memory. */
int csv_out_add(csv_out_t *c, const char *type, unsigned subtype, const char *value, const char *data_type,
                const char *priv_key_type, const char *algorithm, const char *key_size, const char *efuse_id);
void csv_out_free(csv_out_t *c);

/* The header and every row to `path` (out_file_write: replaced only with
 * force). 0, or -1 with a message in err. */
int csv_out_write(const char *path, const csv_out_t *c, bool force, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
