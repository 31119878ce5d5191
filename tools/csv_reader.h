/*
 * The original tool's CSV input (--esp_secure_cert_csv / --csv).
 *
 * Header row with the columns tlv_type, tlv_subtype, data_value, data_type
 * (required) and priv_key_type, algorithm, key_size, efuse_id, efuse_key
 * (optional), in any order. Fields follow Python's csv module (excel
 * dialect): comma separated, "quoted" fields may hold commas, doubled quotes
 * and line breaks; every value is stripped of surrounding whitespace. Rows
 * whose tlv_type starts with '#' and empty rows are skipped.
 *
 *  tlv_type      a type name (ESP_SECURE_CERT_CA_CERT_TLV, ... or the C header
 *                names) or a number 0..253
 *  tlv_subtype   0..254
 *  data_type     file | string | hex | base64
 *  priv_key_type plaintext | rsa_ds | ecdsa_peripheral | hmac_encrypted |
 *                hmac_derived_ecdsa
 *  algorithm     RSA | ECDSA; key_size in bits; efuse_id 0..5; efuse_key a
 *                32-byte HMAC key file (rsa_ds: the DS key; hmac_*: the
 *                HMAC_UP key)
 *
 * Extensions (docs/cli.md):
 *  - an ecdsa_peripheral row whose subtype also has an explicit SEC_CFG row
 *    (as `parse` writes them) uses that row, in its place, instead of
 *    generating one; it must name the same eFuse block;
 *  - hmac_encrypted on any row (not only PRIV_KEY) stores that entry
 *    encrypted; hmac_derived_ecdsa uses the salt row of its subtype;
 *  - an empty data_value with data_type hex is a zero-length entry, and an
 *    hmac_derived_ecdsa row may leave data_value empty (no key is stored).
 *
 * Every error names the file, line and column of the offending cell.
 */
#pragma once

#include <stddef.h>

#include "gen_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The columns, in the order the original tool writes them. */
enum {
    CSV_COL_TYPE,
    CSV_COL_SUBTYPE,
    CSV_COL_VALUE,
    CSV_COL_DTYPE,
    CSV_COL_PKTYPE,
    CSV_COL_ALGO,
    CSV_COL_KEYSIZE,
    CSV_COL_EFUSE_ID,
    CSV_COL_EFUSE_KEY,
    CSV_COL_COUNT
};
extern const char *const csv_column_names[CSV_COL_COUNT];

/* One parsed CSV cell with its position (1-based line and column). */
typedef struct {
    char *text;
    unsigned line;
    unsigned col;
} csv_cell_t;

typedef struct {
    csv_cell_t *cells;
    size_t ncells;
    unsigned line; /* line of the row's first character */
} csv_row_t;

typedef struct {
    csv_row_t *rows;
    size_t nrows;
} csv_doc_t;

/* Tokenise CSV text. 0 on success; -1 with "name:line:col: ..." in err. */
int csv_tokenize(const char *text, size_t len, const char *name, csv_doc_t *doc, char *err, size_t err_len);
void csv_doc_free(csv_doc_t *doc);

/* Read an esp_secure_cert CSV file and append its rows to `out`. */
int csv_read_entries(const char *path, gen_entries_t *out, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif
