/*
 * The CLI's CSV reader (tools/csv_reader.c): RFC 4180 fields as Python's csv
 * module reads them, exact line:column positions, and the mapping of the
 * esp_secure_cert columns to generator entries; the tlv_type names it
 * accepts (tools/tlv_names.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "csv_reader.h"
#include "esp_secure_cert_tlv_config.h"
#include "gen_core.h"
#include "tlv_names.h"

static csv_doc_t tokenize_ok(const char *text)
{
    csv_doc_t doc;
    char err[256] = "";
    int rc = csv_tokenize(text, strlen(text), "t.csv", &doc, err, sizeof(err));
    if (rc != 0) {
        fail_msg("tokenize failed: %s", err);
    }
    return doc;
}

static void test_plain_rows_and_positions(void **state)
{
    (void)state;
    csv_doc_t d = tokenize_ok("a,bb,c\r\nxyz,,last\n");
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.rows[0].ncells, 3);
    assert_string_equal(d.rows[0].cells[1].text, "bb");
    assert_int_equal(d.rows[0].cells[1].line, 1);
    assert_int_equal(d.rows[0].cells[1].col, 3);
    assert_string_equal(d.rows[1].cells[1].text, "");
    assert_int_equal(d.rows[1].cells[2].line, 2);
    assert_int_equal(d.rows[1].cells[2].col, 6);
    csv_doc_free(&d);
}

static void test_quoted_fields(void **state)
{
    (void)state;
    /* Comma, doubled quote and line break inside quotes; text after the
     * closing quote is kept (Python's csv does the same). */
    csv_doc_t d = tokenize_ok("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"x\"y\nnext,row\n");
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.rows[0].ncells, 4);
    assert_string_equal(d.rows[0].cells[0].text, "a,b");
    assert_string_equal(d.rows[0].cells[1].text, "say \"hi\"");
    assert_string_equal(d.rows[0].cells[2].text, "two\nlines");
    assert_string_equal(d.rows[0].cells[3].text, "xy");
    /* The cell after the embedded line break starts on line 2. */
    assert_int_equal(d.rows[0].cells[3].line, 2);
    assert_int_equal(d.rows[0].cells[3].col, 8);
    assert_int_equal(d.rows[1].line, 3);
    csv_doc_free(&d);
}

static void test_empty_lines_and_bom(void **state)
{
    (void)state;
    csv_doc_t d = tokenize_ok("\xEF\xBB\xBFh1,h2\n\n\r\nv1,v2");
    assert_int_equal(d.nrows, 2);
    assert_string_equal(d.rows[0].cells[0].text, "h1");
    assert_string_equal(d.rows[1].cells[1].text, "v2");
    assert_int_equal(d.rows[1].line, 4);
    csv_doc_free(&d);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    csv_doc_t d;
    char err[256];
    const char *text = "a,b\nc,\"open,\nstill open\n";
    assert_int_equal(csv_tokenize(text, strlen(text), "q.csv", &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "q.csv:2:3:"));
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/test_cli_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_entries_from_columns_in_any_order(void **state)
{
    (void)state;
    char *path = write_temp("data_type, tlv_type ,data_value,tlv_subtype,priv_key_type,algorithm,key_size,efuse_id\n"
                            "string,ESP_SECURE_CERT_USER_DATA_3_TLV,  padded  ,7,,,,\n"
                            "string,# a comment row,x,0\n"
                            ",,,,,,,\n"
                            "file,ESP_SECURE_CERT_PRIV_KEY_TLV,k.pem,1,ECDSA_Peripheral,ecdsa,384,2\n"
                            "hex,201,00ff,0,,,,\n"
                            "hex,ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT,0011,0,,,,\n");
    gen_entries_t list = {0};
    char err[512] = "";
    if (csv_read_entries(path, &list, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    assert_int_equal(list.n, 4);
    assert_int_equal(list.items[0].type, 53);
    assert_int_equal(list.items[0].subtype, 7);
    assert_string_equal(list.items[0].data_value, "padded"); /* values are stripped */
    assert_int_equal(list.items[0].data_type, GEN_DATA_STRING);
    assert_int_equal(list.items[1].type, 2);
    assert_int_equal(list.items[1].pk_type, GEN_PK_ECDSA_PERIPHERAL); /* case-insensitive */
    assert_string_equal(list.items[1].algorithm, "ECDSA");
    assert_int_equal(list.items[1].key_size, 384);
    assert_int_equal(list.items[1].efuse_id, 2);
    assert_int_equal(list.items[2].type, 201);
    assert_int_equal(list.items[3].type, 5); /* C header name accepted */
    char want[600];
    snprintf(want, sizeof(want), "%s:5", path);
    assert_string_equal(list.items[1].where, want);
    snprintf(want, sizeof(want), "%s:5:35", path);
    assert_string_equal(list.items[1].where_value, want);
    gen_entries_free(&list);
    unlink(path);
    free(path);
}

/* Each bad cell is named by file:line:column. */
static void expect_cell_error(const char *row, const char *where, const char *what)
{
    char text[512];
    snprintf(text, sizeof(text), "tlv_type,tlv_subtype,data_value,data_type,priv_key_type,key_size,efuse_id\n%s\n",
             row);
    char *path = write_temp(text);
    gen_entries_t list = {0};
    char err[512] = "";
    assert_int_equal(csv_read_entries(path, &list, err, sizeof(err)), -1);
    char want[600];
    snprintf(want, sizeof(want), "%s:%s: %s", path, where, what);
    if (strstr(err, want) == NULL) {
        fail_msg("expected '%s' in '%s'", want, err);
    }
    gen_entries_free(&list);
    unlink(path);
    free(path);
}

static void test_cell_errors(void **state)
{
    (void)state;
    expect_cell_error("FOO,0,x,string,,,", "2:1", "tlv_type 'FOO'");
    expect_cell_error("254,0,x,string,,,", "2:1", "tlv_type '254'");
    expect_cell_error("51,300,x,string,,,", "2:4", "tlv_subtype '300'");
    expect_cell_error("51,0,,string,,,", "2:6", "data_value is empty");
    expect_cell_error("51,0,x,text,,,", "2:8", "data_type 'text'");
    expect_cell_error("2,0,x,file,secret,,", "2:12", "priv_key_type 'secret'");
    expect_cell_error("2,0,x,file,rsa_ds,big,", "2:19", "key_size 'big'");
    expect_cell_error("2,0,x,file,rsa_ds,2048,6", "2:24", "efuse_id '6'");
}

/* Extensions: an empty hex value is a zero-length entry; a derived key row
 * needs no value; other empty values stay an error. */
static void test_empty_values(void **state)
{
    (void)state;
    char *path = write_temp("tlv_type,tlv_subtype,data_value,data_type,priv_key_type,efuse_id\n"
                            "ESP_SECURE_CERT_USER_DATA_2_TLV,3,,hex,,\n"
                            "ESP_SECURE_CERT_PRIV_KEY_TLV,1,,file,hmac_derived_ecdsa,2\n"
                            "ESP_SECURE_CERT_USER_DATA_1_TLV,0,x,string,HMAC_Encrypted,2\n");
    gen_entries_t list = {0};
    char err[512] = "";
    if (csv_read_entries(path, &list, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }
    assert_int_equal(list.n, 3);
    assert_string_equal(list.items[0].data_value, "");
    assert_int_equal(list.items[0].data_type, GEN_DATA_HEX);
    assert_int_equal(list.items[1].pk_type, GEN_PK_HMAC_DERIVED_ECDSA);
    assert_string_equal(list.items[1].data_value, "");
    assert_int_equal(list.items[1].efuse_id, 2);
    assert_int_equal(list.items[2].pk_type, GEN_PK_HMAC_ENCRYPTED); /* on a non-key row, any case */
    gen_entries_free(&list);
    unlink(path);
    free(path);
    expect_cell_error("51,0,,base64,,,", "2:6", "data_value is empty (a zero-length entry is data_type hex");
    expect_cell_error("2,0,,file,hmac_encrypted,,1", "2:5", "data_value is empty");
}

static void test_header_without_required_column(void **state)
{
    (void)state;
    char *path = write_temp("tlv_type,tlv_subtype,data_type\n51,0,string\n");
    gen_entries_t list = {0};
    char err[512] = "";
    assert_int_equal(csv_read_entries(path, &list, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ":1: the header has no 'data_value' column"));
    unlink(path);
    free(path);
}

/* tlv_type names: the original tool's enum (tools/esp_secure_cert/
 * tlv_format.py, tlv_type_t), which its CSV files use, and the C header's
 * enum identifiers, taken here from the header itself. */
#define HEADER_NAME(id) {#id, id}

static void test_type_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned type;
    } k_original[] = {
        {"ESP_SECURE_CERT_CA_CERT_TLV", 0},          {"ESP_SECURE_CERT_DEV_CERT_TLV", 1},
        {"ESP_SECURE_CERT_PRIV_KEY_TLV", 2},         {"ESP_SECURE_CERT_DS_DATA_TLV", 3},
        {"ESP_SECURE_CERT_DS_CONTEXT_TLV", 4},       {"ESP_SECURE_CERT_ECDSA_KEY_SALT_TLV", 5},
        {"ESP_SECURE_CERT_SEC_CFG_TLV", 6},          {"ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV", 7},
        {"ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV", 8},  {"ESP_SECURE_CERT_INTEGRITY_TLV", 9},
        {"TLV_END", 50},                             {"ESP_SECURE_CERT_USER_DATA_1_TLV", 51},
        {"ESP_SECURE_CERT_USER_DATA_2_TLV", 52},     {"ESP_SECURE_CERT_USER_DATA_3_TLV", 53},
        {"ESP_SECURE_CERT_USER_DATA_4_TLV", 54},     {"ESP_SECURE_CERT_USER_DATA_5_TLV", 55},
    };
    static const struct {
        const char *name;
        unsigned type;
    } k_header[] = {
        HEADER_NAME(ESP_SECURE_CERT_CA_CERT_TLV),         HEADER_NAME(ESP_SECURE_CERT_DEV_CERT_TLV),
        HEADER_NAME(ESP_SECURE_CERT_PRIV_KEY_TLV),        HEADER_NAME(ESP_SECURE_CERT_DS_DATA_TLV),
        HEADER_NAME(ESP_SECURE_CERT_DS_CONTEXT_TLV),      HEADER_NAME(ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT),
        HEADER_NAME(ESP_SECURE_CERT_TLV_SEC_CFG),         HEADER_NAME(ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV),
        HEADER_NAME(ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV), HEADER_NAME(ESP_SECURE_CERT_INTEGRITY_TLV),
        HEADER_NAME(ESP_SECURE_CERT_TLV_END),             HEADER_NAME(ESP_SECURE_CERT_USER_DATA_1),
        HEADER_NAME(ESP_SECURE_CERT_USER_DATA_2),         HEADER_NAME(ESP_SECURE_CERT_USER_DATA_3),
        HEADER_NAME(ESP_SECURE_CERT_USER_DATA_4),         HEADER_NAME(ESP_SECURE_CERT_USER_DATA_5),
        HEADER_NAME(ESP_SECURE_CERT_MATTER_TLV_1),        HEADER_NAME(ESP_SECURE_CERT_MATTER_TLV_2),
    };
    char buf[TLV_NAME_LEN];
    uint8_t type;
    for (size_t i = 0; i < sizeof(k_original) / sizeof(k_original[0]); i++) {
        assert_int_equal(tlv_type_from_name(k_original[i].name, &type), 0);
        assert_int_equal(type, k_original[i].type);
        assert_string_equal(tlv_csv_name(type, buf, sizeof(buf)), k_original[i].name);
    }
    for (size_t i = 0; i < sizeof(k_header) / sizeof(k_header[0]); i++) {
        assert_int_equal(tlv_type_from_name(k_header[i].name, &type), 0);
        assert_int_equal(type, k_header[i].type);
    }
    /* The Matter types came after the original tool; the bounds are no type. */
    assert_null(tlv_csv_name(ESP_SECURE_CERT_MATTER_TLV_1, buf, sizeof(buf)));
    static const char *const k_unknown[] = {"ESP_SECURE_CERT_TLV_MAX", "ESP_SECURE_CERT_TLV_INVALID", "CA_CERT",
                                            "ESP_SECURE_CERT_CA_CERT", "esp_secure_cert_ca_cert_tlv", ""};
    for (size_t i = 0; i < sizeof(k_unknown) / sizeof(k_unknown[0]); i++) {
        assert_int_equal(tlv_type_from_name(k_unknown[i], &type), -1);
    }
    /* The salt keeps the vectors' short name (expected.json). */
    assert_string_equal(tlv_short_name(ESP_SECURE_CERT_HMAC_ECDSA_KEY_SALT), "ECDSA_KEY_SALT");
    assert_null(tlv_short_name(ESP_SECURE_CERT_TLV_MAX));
    assert_null(tlv_short_name(10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_rows_and_positions),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_empty_lines_and_bom),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_entries_from_columns_in_any_order),
        cmocka_unit_test(test_cell_errors),
        cmocka_unit_test(test_empty_values),
        cmocka_unit_test(test_header_without_required_column),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
