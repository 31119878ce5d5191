/*
 * Option parsing for the CLI.
 *
 * Every long option is matched after folding '_' to '-', so the original
 * tool's spellings (--target_chip, --priv_key_algo) and ours (--target-chip)
 * are the same option. Aliases cover renamed options (--pwd/--password,
 * --esp_secure_cert_csv/--csv). `--name=value` works for options with values;
 * `--` ends the options. A single-dash word longer than one letter
 * (-keep_ds_data) is looked up as a long name, as the original accepted it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLI_NARGS_PLUS (-1)   /* one or more values, up to the next option */
#define CLI_NARGS_REPEAT (-2) /* one value per occurrence; repeatable, all kept */

typedef struct {
    const char *name;    /* canonical long name, hyphenated, without dashes */
    const char *aliases; /* further long names separated by '|', or NULL */
    char short_name;     /* single-letter form, or 0 */
    int nargs;           /* 0 (flag), 1, 2, CLI_NARGS_PLUS or CLI_NARGS_REPEAT */
    const char *metavar; /* shown in --help */
    const char *help;
} cli_opt_t;

typedef struct {
    int count;           /* times given */
    const char **vals;   /* values of the last occurrence (argv pointers); of
                            every occurrence for CLI_NARGS_REPEAT */
    int nvals;
} cli_opt_value_t;

typedef struct {
    const cli_opt_t *opts;
    size_t nopts;
    cli_opt_value_t *values; /* one per opt */
    const char **positional;
    int npositional;
} cli_parsed_t;

/*
 * Parse argv[first..argc). On a usage error prints a message naming the
 * command and the option to stderr and returns -1 (exit with
 * CLI_EXIT_USAGE). `--help`/`-h` is recognised by the caller through
 * cli_wants_help() before parsing.
 */
int cli_parse(const char *command, const cli_opt_t *opts, size_t nopts, int argc, char **argv, int first,
              cli_parsed_t *out);
void cli_parsed_free(cli_parsed_t *p);

/* A command's help text and option table. */
typedef struct {
    const char *name; /* as typed: "list" */
    const char *usage;
    const char *description;
    const cli_opt_t *opts;
    size_t nopts;
} cli_command_t;

/*
 * The start of every command. --help prints the help (exit 0) and a usage
 * error its message (exit 2): false is returned with *exit_code set. Else the
 * options are in *p (free with cli_parsed_free) and true is returned. With
 * `image` non-NULL exactly one positional argument, the image, is required
 * and returned there.
 */
bool cli_begin(const cli_command_t *cmd, int argc, char **argv, cli_parsed_t *p, const char **image,
               int *exit_code);

/* Was --help or -h given anywhere before `--`? */
bool cli_wants_help(int argc, char **argv, int first);

/* Look-ups by canonical name (abort()s on a name not in the table: that is a
 * programming error, never user input). */
bool cli_has(const cli_parsed_t *p, const char *name);
const char *cli_get(const cli_parsed_t *p, const char *name);
const cli_opt_value_t *cli_get_all(const cli_parsed_t *p, const char *name);

/* Print "usage: ..." and the option table. */
void cli_print_help(FILE *out, const char *usage, const char *description, const cli_opt_t *opts, size_t nopts);

/* Strict integer parsing: decimal, or hex with 0x. Returns 0 on success. */
int cli_parse_long(const char *s, long min, long max, long *out);

#ifdef __cplusplus
}
#endif
