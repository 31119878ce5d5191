/*
 * Files and reports of `generate`; see gen_output.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "gen_output.h"
#include "out_file.h"
#include "tlv_names.h"

#define PATH_CAP 4096

FILE *gen_out_info_stream(const gen_ctx_t *g)
{
    return (g->out_path != NULL && strcmp(g->out_path, "-") == 0) ? stderr : stdout;
}

void gen_out_print_entries(FILE *f, const uint8_t *img, size_t len)
{
    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_entry_t e;
    while (esc_tlv_cursor_next(&cur, img, len, &e) == ESC_TLV_OK) {
        char tb[TLV_NAME_LEN], label[TLV_NAME_LEN + 8];
        snprintf(label, sizeof(label), "%s/%u", tlv_type_label(e.type, tb, sizeof(tb)), e.subtype);
        const char *note = "";
        if (e.type == ESP_SECURE_CERT_PRIV_KEY_TLV && esc_tlv_flag_is_ecdsa_peripheral(e.flags)) {
            note = " (ECDSA peripheral key)";
        } else if (esc_tlv_flag_is_hmac_encrypted(e.flags)) {
            note = " (HMAC-encrypted)";
        } else if (e.type == ESP_SECURE_CERT_PRIV_KEY_TLV && esc_tlv_flag_is_hmac_ecdsa_derived(e.flags)) {
            note = " (HMAC-derived key: the device derives it from the salt)";
        }
        fprintf(f, "  0x%04x  %-22s %5u bytes  flags 0x%02x%s\n", (unsigned)e.offset, label, e.length, e.flags, note);
    }
}

void gen_out_print_flash_command(FILE *f, const gen_ctx_t *g, const char *path)
{
    fprintf(f, "To flash: esptool.py --chip %s -p %s write_flash %s %s\n", g->chip, g->port ? g->port : "<PORT>",
            g->offset, path);
}

/* The key files' paths, then every target checked (nothing is replaced
 * without --force) and the directories made, before anything is written. */
static int prepare(const gen_ctx_t *g, const gen_result_t *res, const char *image_path, char side_paths[][PATH_CAP],
                   const char *extra_path)
{
    char dir[PATH_CAP];
    if (g->key_dir != NULL) {
        snprintf(dir, sizeof(dir), "%s", g->key_dir);
    } else if (strcmp(image_path, "-") == 0) {
        snprintf(dir, sizeof(dir), GEN_DEFAULT_DIR);
    } else if (out_file_dir_of(image_path, dir, sizeof(dir)) != 0) {
        return cli_error("path too long: '%s'", image_path);
    }
    char err[512];
    for (size_t i = 0; i < res->n_side; i++) {
        if (out_file_join(side_paths[i], PATH_CAP, dir, res->side[i].name) != 0) {
            return cli_error("path too long: %s/%s", dir, res->side[i].name);
        }
        if (out_file_check_writable(side_paths[i], g->force, err, sizeof(err)) != 0) {
            return cli_error("%s", err);
        }
    }
    if (out_file_check_writable(image_path, g->force, err, sizeof(err)) != 0) {
        return cli_error("%s", err);
    }
    if (extra_path != NULL && out_file_check_writable(extra_path, g->force, err, sizeof(err)) != 0) {
        return cli_error("%s", err);
    }
    for (size_t i = 0; i < res->n_side; i++) {
        if (out_file_make_parent(side_paths[i], err, sizeof(err)) != 0) {
            return cli_error("%s", err);
        }
    }
    if (strcmp(image_path, "-") != 0 && out_file_make_parent(image_path, err, sizeof(err)) != 0) {
        return cli_error("%s", err);
    }
    return 0;
}

static int write_side_files(const gen_ctx_t *g, const gen_result_t *res, char side_paths[][PATH_CAP])
{
    char err[512];
    for (size_t i = 0; i < res->n_side; i++) {
        out_file_mode_t mode = res->side[i].is_public ? OUT_FILE_PUBLIC : OUT_FILE_SECRET;
        if (out_file_write(side_paths[i], res->side[i].data, res->side[i].len, g->force, mode, err, sizeof(err)) !=
            0) {
            return cli_error("%s", err);
        }
    }
    return 0;
}

static void print_burns(FILE *f, const gen_ctx_t *g, const gen_result_t *res, char side_paths[][PATH_CAP])
{
    size_t to_burn = 0;
    for (size_t i = 0; i < res->n_burns; i++) {
        if (res->burns[i].present) {
            fprintf(f, "eFuse block KEY%d already holds the %s key (per --efuse %s): nothing to burn\n",
                    res->burns[i].efuse_id, res->burns[i].purpose, g->efuse_path);
        } else {
            to_burn++;
        }
    }
    if (to_burn == 0) {
        return;
    }
    fprintf(f, "Burn the key(s) into eFuse (irreversible; check the block first):\n");
    for (size_t i = 0; i < res->n_burns; i++) {
        const gen_burn_t *b = &res->burns[i];
        if (b->present) {
            continue;
        }
        const char *file = b->side_index >= 0 ? side_paths[b->side_index] : b->key_file;
        fprintf(f, "  espefuse.py --chip %s -p %s burn_key BLOCK_KEY%d %s %s\n", g->chip, g->port ? g->port : "<PORT>",
                b->efuse_id, file, b->purpose);
    }
}

static void print_report(const gen_ctx_t *g, const gen_result_t *keys, const gen_out_image_t *image,
                         const gen_out_image_t *unsigned_image, bool second_pass, char side_paths[][PATH_CAP])
{
    FILE *f = gen_out_info_stream(g);
    fprintf(f, "Partition image: %s (%zu bytes, target %s)\n", image->path, image->len, g->chip);
    gen_out_print_entries(f, image->data, image->len);
    if (unsigned_image != NULL) {
        fprintf(f, "Unsigned image: %s (%zu bytes)%s\n", unsigned_image->path, unsigned_image->len,
                second_pass ? " [second generation pass, as the reference tool]" : "");
    }
    for (size_t i = 0; i < keys->n_side; i++) {
        if (keys->side[i].is_public) {
            fprintf(f, "Public key of the HMAC-derived device key: %s (the device certificate must hold "
                       "it: have it certified)\n",
                    side_paths[i]);
        } else {
            fprintf(f, "Key file: %s (secret: keep it off shared storage)\n", side_paths[i]);
        }
    }
    gen_out_print_flash_command(f, g, image->path);
    print_burns(f, g, keys, side_paths);
}

int gen_out_write(const gen_ctx_t *g, const gen_result_t *keys, const gen_out_image_t *image,
                  const gen_out_image_t *unsigned_image, bool second_pass)
{
    char(*side_paths)[PATH_CAP] = calloc(GEN_MAX_SIDE_FILES, sizeof(*side_paths));
    if (side_paths == NULL) {
        return cli_error("out of memory");
    }
    char err[512];
    int rc = prepare(g, keys, image->path, side_paths, unsigned_image ? unsigned_image->path : NULL);
    if (rc == 0) {
        rc = write_side_files(g, keys, side_paths);
    }
    if (rc == 0 &&
        out_file_write(image->path, image->data, image->len, g->force, OUT_FILE_PUBLIC, err, sizeof(err)) != 0) {
        rc = cli_error("%s", err);
    }
    if (rc == 0 && unsigned_image != NULL &&
        out_file_write(unsigned_image->path, unsigned_image->data, unsigned_image->len, g->force, OUT_FILE_PUBLIC,
                       err, sizeof(err)) != 0) {
        rc = cli_error("%s", err);
    }
    if (rc == 0 && !g->quiet) {
        print_report(g, keys, image, unsigned_image, second_pass, side_paths);
    }
    free(side_paths);
    return rc;
}

int gen_out_keep_first_pass_keys(const gen_result_t *first, gen_result_t *second)
{
    size_t n = second->n_side;
    for (size_t i = 0; i < first->n_side; i++) {
        const gen_side_file_t *a = &first->side[i];
        for (size_t k = 0; k < n; k++) {
            const gen_side_file_t *b = &second->side[k];
            if (strcmp(a->name, b->name) != 0 || (a->len == b->len && memcmp(a->data, b->data, a->len) == 0)) {
                continue;
            }
            if (second->n_side == GEN_MAX_SIDE_FILES) {
                return cli_error("too many key files (%d at most)", GEN_MAX_SIDE_FILES);
            }
            gen_side_file_t *c = &second->side[second->n_side];
            c->data = malloc(a->len);
            if (c->data == NULL) {
                return cli_error("out of memory");
            }
            memcpy(c->data, a->data, a->len);
            c->len = a->len;
            c->is_public = a->is_public;
            const char *dot = strrchr(a->name, '.');
            int stem = dot ? (int)(dot - a->name) : (int)strlen(a->name);
            snprintf(c->name, sizeof(c->name), "%.*s_signed_image%s", stem, a->name, dot ? dot : "");
            for (size_t u = 0; u < second->n_burns; u++) {
                if (second->burns[u].side_index == (int)k) {
                    second->burns[u].side_index = (int)second->n_side;
                }
            }
            second->n_side++;
            cli_warn("as in the reference tool, %s belongs to the second generation pass (esp_secure_cert.bin); "
                     "the signed image needs %s (use --single-pass to generate once)",
                     b->name, c->name);
        }
    }
    return 0;
}
