/*
 * `list IMAGE [--json]`: one row per TLV entry, walked with the format core's
 * cursor exactly as the device reader walks the partition.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "esc_tlv.h"
#include "json_out.h"
#include "tlv_names.h"

static const cli_opt_t k_opts[] = {
    {"json", NULL, 0, 0, NULL, "print a JSON array instead of a table"},
};
#define NOPTS (sizeof(k_opts) / sizeof(k_opts[0]))

static const char k_usage[] = CLI_PROGRAM_NAME " list IMAGE [--json]";
static const char k_desc[] =
    "List the TLV entries of an esp_secure_cert partition image: offset, type, subtype,\n"
    "flags, data length and whether the CRC matches. JSON keys: offset, type, type_name,\n"
    "subtype, flags, length, crc_ok. Exit 1 if the image cannot be read, holds no entry,\n"
    "or an entry runs past the end of the file.";

static const cli_command_t k_cmd = {"list", k_usage, k_desc, k_opts, NOPTS};

int cmd_list(int argc, char **argv)
{
    cli_parsed_t p;
    const char *path;
    int exit_code;
    if (!cli_begin(&k_cmd, argc, argv, &p, &path, &exit_code)) {
        return exit_code;
    }
    bool json = cli_has(&p, "json");
    cli_parsed_free(&p);

    uint8_t *img = NULL;
    size_t len = 0;
    char err[512];
    if (cli_read_file(path, &img, &len, err, sizeof(err)) != 0) {
        return cli_error("%s", err);
    }

    json_writer_t j;
    if (json) {
        json_init(&j, stdout);
        json_begin_array(&j);
    } else {
        printf("%-8s %-4s %-20s %-7s %-5s %-7s %s\n", "OFFSET", "TYPE", "NAME", "SUBTYPE", "FLAGS", "LENGTH",
               "CRC");
    }

    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_entry_t e;
    esc_tlv_result_t r;
    unsigned count = 0;
    while ((r = esc_tlv_cursor_next(&cur, img, len, &e)) == ESC_TLV_OK) {
        const char *name = tlv_short_name(e.type);
        count++;
        if (json) {
            json_begin_object(&j);
            json_kv_int(&j, "offset", e.offset);
            json_kv_int(&j, "type", e.type);
            json_kv_string(&j, "type_name", name);
            json_kv_int(&j, "subtype", e.subtype);
            json_kv_int(&j, "flags", e.flags);
            json_kv_int(&j, "length", e.length);
            json_kv_bool(&j, "crc_ok", e.crc_ok);
            json_end_object(&j);
        } else {
            printf("0x%06x %-4u %-20s %-7u 0x%02x  %-7u %s\n", (unsigned)e.offset, e.type, name ? name : "?",
                   e.subtype, e.flags, e.length, e.crc_ok ? "ok" : "BAD");
        }
    }
    if (json) {
        json_end_array(&j);
        json_finish(&j);
    }

    int rc = CLI_EXIT_OK;
    if (r == ESC_TLV_ERR_TRUNCATED) {
        rc = cli_error("%s: the entry at offset 0x%zx runs past the end of the file (%zu bytes)", path,
                       cur.next_offset, len);
    } else if (count == 0) {
        rc = cli_error("%s: no TLV entry (no magic 0xBA5EBA11 at offset 0)", path);
    }
    free(img);
    return rc;
}
