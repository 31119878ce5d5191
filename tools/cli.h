/*
 * Shared pieces of the esp-secure-cert host CLI: exit codes, diagnostics,
 * whole-file reading and the command entry points.
 *
 * Exit codes are part of the interface (scripts test them):
 *   0  success
 *   1  bad input (unreadable/invalid file, failed check, refused overwrite)
 *   2  usage error (unknown option, missing argument)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLI_EXIT_OK 0
#define CLI_EXIT_INPUT 1
#define CLI_EXIT_USAGE 2

#define CLI_PROGRAM_NAME "esp-secure-cert"
#define CLI_VERSION "0.1.0"

/* Largest file the CLI reads whole (images, certificates, keys, CSVs). A
 * partition is a few KiB; anything this large is certainly a wrong file. */
#define CLI_MAX_INPUT_FILE (16u * 1024u * 1024u)

/* "esp-secure-cert: error: ..." on stderr. Returns CLI_EXIT_INPUT so that a
 * command can `return cli_error(...)`. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same with an explicit exit code (CLI_EXIT_USAGE for usage errors). */
int cli_error_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message into err (when err is not NULL) for the caller to report: the
 * helpers below the commands say what went wrong and the command where.
 * Returns -1, so that a helper can `return cli_fail(err, err_len, ...)`. */
int cli_fail(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational line on stderr unless quiet mode is on (stdout may carry
 * JSON or an image). */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_set_quiet(bool quiet);

/*
 * Read a whole regular file (at most CLI_MAX_INPUT_FILE bytes). On success
 * *data is malloc'ed (with one extra NUL byte after *len, so text can be
 * scanned safely) and 0 is returned; on failure a message naming the file is
 * written to err and -1 is returned.
 */
int cli_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t err_len);

/* Wipe (OPENSSL_cleanse) and free a buffer that may hold a secret. NULL is
 * fine. */
void cli_free_secret(void *p, size_t len);

/* An OpenSSL pem_password_cb that never prompts: an encrypted key read
 * without a password is an error, not a read from the terminal. */
int cli_no_password(char *buf, int size, int rwflag, void *u);

/* Does a path name an existing file system object? */
bool cli_path_exists(const char *path);

/* SHA-256 (OpenSSL). 0 on success. */
int cli_sha256(const void *data, size_t len, uint8_t out[32]);

/* Command entry points: argv[0] is the command name. Each returns an exit code. */
int cmd_list(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_batch(int argc, char **argv);

/* The whole CLI as a function (main() calls it; benchmarks call it in a
 * loop). argv[0] is the program name. */
int esc_cli_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
