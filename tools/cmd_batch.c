/*
 * `batch FILE`: many `generate` runs in one process, for mass production.
 * Each line of FILE is the argument list of one generate command (the
 * original tool's flags are accepted as on the command line). Running them
 * in-process saves the process start-up, which is most of a single run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define BATCH_MAX_ARGS 64

static void batch_usage(FILE *out)
{
    fprintf(out,
            "usage: %s batch FILE [--keep-going] [--quiet]\n\n"
            "Run one 'generate' per line of FILE, in this process. A line holds generate's\n"
            "arguments exactly as on the command line (words split at blanks; \"double quotes\"\n"
            "group a word; '#' starts a comment line). Give each line its own -o.\n\n"
            "  --keep-going  run the remaining lines after a failure (default: stop)\n"
            "  --quiet       print only failures and the summary\n\n"
            "Exit status: 0 if every line succeeded, 1 if any failed, 2 usage error.\n",
            CLI_PROGRAM_NAME);
}

/* Split `line` in place into argv[1..]; returns argc (argv[0] = "generate"),
 * or -1 with a message for an unterminated quote or too many words. */
static int split_words(char *line, char **argv, int max, const char **why)
{
    int argc = 0;
    argv[argc++] = "generate";
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '\n' || *p == '\r') {
            break;
        }
        if (argc >= max) {
            *why = "too many words";
            return -1;
        }
        char *out = p;
        argv[argc++] = out;
        bool quoted = false;
        while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'))) {
            if (*p == '"') {
                quoted = !quoted;
                p++;
                continue;
            }
            *out++ = *p++;
        }
        if (quoted) {
            *why = "unterminated double quote";
            return -1;
        }
        bool at_end = *p == '\0';
        *out = '\0';
        if (at_end) {
            break;
        }
        p++;
    }
    return argc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int cmd_batch(int argc, char **argv)
{
    const char *path = NULL;
    bool keep_going = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            batch_usage(stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--keep-going") == 0) {
            keep_going = true;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0) {
            batch_usage(stderr);
            return cli_error_code(CLI_EXIT_USAGE, "batch: unknown option %s", argv[i]);
        } else if (path == NULL) {
            path = argv[i];
        } else {
            batch_usage(stderr);
            return cli_error_code(CLI_EXIT_USAGE, "batch: more than one FILE (%s)", argv[i]);
        }
    }
    if (path == NULL) {
        batch_usage(stderr);
        return cli_error_code(CLI_EXIT_USAGE, "batch: FILE is required");
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        return cli_error("%s: %s", path, strerror(errno));
    }

    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0, ok = 0, failed = 0;
    double t0 = now_ms();
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        char *words[BATCH_MAX_ARGS];
        const char *why = NULL;
        char *s = line;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0') {
            continue;
        }
        int n = split_words(s, words, BATCH_MAX_ARGS, &why);
        int rc;
        if (n < 0) {
            rc = cli_error("%s:%u: %s", path, lineno, why);
        } else {
            cli_set_quiet(quiet);
            rc = cmd_generate(n, words);
            cli_set_quiet(false);
        }
        if (rc == CLI_EXIT_OK) {
            ok++;
            continue;
        }
        failed++;
        fprintf(stderr, "%s:%u: generate failed (exit %d)\n", path, lineno, rc);
        if (!keep_going) {
            break;
        }
    }
    free(line);
    if (f != stdin) {
        fclose(f);
    }
    double elapsed = now_ms() - t0;
    fprintf(stderr, "batch: %u generated, %u failed, %.2f ms per partition\n", ok, failed,
            ok + failed ? elapsed / (ok + failed) : 0.0);
    return failed ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}
