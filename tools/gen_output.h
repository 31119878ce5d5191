/*
 * What `generate` writes and prints once the image is built: the image (and
 * the unsigned image beside a signed one) and the key files, every target
 * checked before the first is written and none replaced without --force;
 * then the entries, the key files, the esptool command and the espefuse
 * burn commands the user still has to run.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gen_core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GEN_DEFAULT_DIR "esp_secure_cert_data"
#define GEN_DEFAULT_BIN "esp_secure_cert.bin"
#define GEN_DEFAULT_SIGNED_BIN "esp_secure_cert_signed.bin"

/* The command's settings, from its flags. */
typedef struct {
    const char *chip;
    const char *port;       /* for the printed commands, or NULL */
    const char *offset;     /* of the partition, for the esptool command */
    const char *out_path;   /* -o: image path ("-" = stdout), or NULL for the default layout */
    const char *key_dir;    /* --key-dir, or NULL: the image's directory */
    const char *efuse_path; /* --efuse, or NULL */
    bool force;
    bool quiet;
    size_t partition_size;
} gen_ctx_t;

/* One image file to write. */
typedef struct {
    const char *path;
    const uint8_t *data;
    size_t len;
} gen_out_image_t;

/* Reports go to stderr when the image goes to stdout. */
FILE *gen_out_info_stream(const gen_ctx_t *g);
/* One line per entry, with what protects it. */
void gen_out_print_entries(FILE *f, const uint8_t *img, size_t len);
void gen_out_print_flash_command(FILE *f, const gen_ctx_t *g, const char *path);

/*
 * Write `image`, `unsigned_image` (may be NULL) and the key files of
 * `keys`, then print the report (unless quiet). second_pass says that the
 * unsigned image comes from the reference tool's second generation pass.
 * Returns an exit code; every error is reported.
 */
int gen_out_write(const gen_ctx_t *g, const gen_result_t *keys, const gen_out_image_t *image,
                  const gen_out_image_t *unsigned_image, bool second_pass);

/*
 * After the reference's second pass, key files of the same name may hold new
 * keys (DS keys are drawn again). The first pass's key is the one the signed
 * image needs: add it to `second` as <stem>_signed_image.<ext> and point the
 * burn command at it (the signed image is the one to flash). Returns an exit
 * code.
 */
int gen_out_keep_first_pass_keys(const gen_result_t *first, gen_result_t *second);

#ifdef __cplusplus
}
#endif
