/*
 * Table-driven option parser (see cli_args.h for the accepted spellings).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"

/* Compare an option word with a table name, treating '_' and '-' alike.
 * `len` is the length of the word (it may be followed by "=value"). */
static bool name_eq(const char *word, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (n != len) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char a = word[i] == '_' ? '-' : word[i];
        char b = name[i] == '_' ? '-' : name[i];
        if (a != b) {
            return false;
        }
    }
    return true;
}

static bool alias_match(const char *word, size_t len, const char *aliases)
{
    if (aliases == NULL) {
        return false;
    }
    const char *p = aliases;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        char buf[64];
        if (n < sizeof(buf)) {
            memcpy(buf, p, n);
            buf[n] = 0;
            if (name_eq(word, len, buf)) {
                return true;
            }
        }
        if (bar == NULL) {
            break;
        }
        p = bar + 1;
    }
    return false;
}

static int find_long(const cli_opt_t *opts, size_t nopts, const char *word, size_t len)
{
    for (size_t i = 0; i < nopts; i++) {
        if (name_eq(word, len, opts[i].name) || alias_match(word, len, opts[i].aliases)) {
            return (int)i;
        }
    }
    return -1;
}

static int find_short(const cli_opt_t *opts, size_t nopts, char c)
{
    for (size_t i = 0; i < nopts; i++) {
        if (opts[i].short_name != 0 && opts[i].short_name == c) {
            return (int)i;
        }
    }
    return -1;
}

/* A word that starts an option (so that it ends a list of values). "-" alone
 * is a value (stdout), and so is a negative number. */
static bool looks_like_option(const char *s)
{
    if (s[0] != '-' || s[1] == 0) {
        return false;
    }
    if (s[1] >= '0' && s[1] <= '9') {
        return false;
    }
    return true;
}

bool cli_wants_help(int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return true;
        }
    }
    return false;
}

int cli_parse(const char *command, const cli_opt_t *opts, size_t nopts, int argc, char **argv, int first,
              cli_parsed_t *out)
{
    memset(out, 0, sizeof(*out));
    out->opts = opts;
    out->nopts = nopts;
    out->values = calloc(nopts ? nopts : 1, sizeof(*out->values));
    out->positional = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*out->positional));
    if (out->values == NULL || out->positional == NULL) {
        cli_parsed_free(out);
        fprintf(stderr, "%s %s: out of memory\n", CLI_PROGRAM_NAME, command);
        return -1;
    }

    bool only_positional = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || !looks_like_option(arg)) {
            out->positional[out->npositional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }

        int idx;
        const char *inline_val = NULL;
        if (arg[1] == '-' || strlen(arg) > 2) {
            const char *word = arg + (arg[1] == '-' ? 2 : 1);
            const char *eq = strchr(word, '=');
            size_t len = eq ? (size_t)(eq - word) : strlen(word);
            idx = find_long(opts, nopts, word, len);
            if (idx < 0 && arg[1] != '-' && len > 1) {
                /* "-ofile": a short option with its value attached. */
                int s = find_short(opts, nopts, word[0]);
                if (s >= 0 && opts[s].nargs == 1) {
                    idx = s;
                    inline_val = word + 1;
                }
            } else if (eq != NULL) {
                inline_val = eq + 1;
            }
        } else {
            idx = find_short(opts, nopts, arg[1]);
        }
        if (idx < 0) {
            fprintf(stderr, "%s %s: error: unknown option '%s' (try '%s %s --help')\n", CLI_PROGRAM_NAME,
                    command, arg, CLI_PROGRAM_NAME, command);
            cli_parsed_free(out);
            return -1;
        }

        const cli_opt_t *o = &opts[idx];
        cli_opt_value_t *v = &out->values[idx];
        v->count++;
        if (o->nargs == CLI_NARGS_REPEAT) {
            /* One value per occurrence, kept across occurrences. */
            const char **grown = realloc(v->vals, ((size_t)v->nvals + 2) * sizeof(*v->vals));
            if (grown == NULL) {
                fprintf(stderr, "%s %s: out of memory\n", CLI_PROGRAM_NAME, command);
                cli_parsed_free(out);
                return -1;
            }
            v->vals = grown;
            const char *val = inline_val;
            if (val == NULL && i + 1 < argc && !looks_like_option(argv[i + 1])) {
                val = argv[++i];
            }
            if (val == NULL) {
                fprintf(stderr, "%s %s: error: option '--%s' needs a value (%s)\n", CLI_PROGRAM_NAME, command,
                        o->name, o->metavar ? o->metavar : "VALUE");
                cli_parsed_free(out);
                return -1;
            }
            v->vals[v->nvals++] = val;
            v->vals[v->nvals] = NULL;
            continue;
        }
        free(v->vals);
        v->vals = NULL;
        v->nvals = 0;
        if (o->nargs == 0) {
            if (inline_val != NULL) {
                fprintf(stderr, "%s %s: error: option '--%s' takes no value\n", CLI_PROGRAM_NAME, command,
                        o->name);
                cli_parsed_free(out);
                return -1;
            }
            continue;
        }

        int max = o->nargs == CLI_NARGS_PLUS ? argc : o->nargs;
        v->vals = calloc((size_t)(max > 0 ? max : 1) + 1, sizeof(*v->vals));
        if (v->vals == NULL) {
            fprintf(stderr, "%s %s: out of memory\n", CLI_PROGRAM_NAME, command);
            cli_parsed_free(out);
            return -1;
        }
        if (inline_val != NULL) {
            v->vals[v->nvals++] = inline_val;
        }
        while (v->nvals < max && i + 1 < argc) {
            const char *next = argv[i + 1];
            /* Values stop at the next option, as in argparse; a value that
             * starts with '-' can be given as --name=value. */
            if (looks_like_option(next)) {
                break;
            }
            v->vals[v->nvals++] = next;
            i++;
        }
        int need = o->nargs == CLI_NARGS_PLUS ? 1 : o->nargs;
        if (v->nvals < need) {
            fprintf(stderr, "%s %s: error: option '--%s' needs %d value%s (%s)\n", CLI_PROGRAM_NAME, command,
                    o->name, need, need == 1 ? "" : "s", o->metavar ? o->metavar : "VALUE");
            cli_parsed_free(out);
            return -1;
        }
    }
    return 0;
}

bool cli_begin(const cli_command_t *cmd, int argc, char **argv, cli_parsed_t *p, const char **image,
               int *exit_code)
{
    memset(p, 0, sizeof(*p));
    if (cli_wants_help(argc, argv, 1)) {
        cli_print_help(stdout, cmd->usage, cmd->description, cmd->opts, cmd->nopts);
        *exit_code = CLI_EXIT_OK;
        return false;
    }
    if (cli_parse(cmd->name, cmd->opts, cmd->nopts, argc, argv, 1, p) != 0) {
        *exit_code = CLI_EXIT_USAGE;
        return false;
    }
    if (image != NULL) {
        if (p->npositional != 1) {
            cli_parsed_free(p);
            *exit_code = cli_error_code(CLI_EXIT_USAGE, "%s: expected one IMAGE argument (usage: %s)", cmd->name,
                                        cmd->usage);
            return false;
        }
        *image = p->positional[0];
    }
    return true;
}

void cli_parsed_free(cli_parsed_t *p)
{
    if (p == NULL) {
        return;
    }
    if (p->values != NULL) {
        for (size_t i = 0; i < p->nopts; i++) {
            free(p->values[i].vals);
        }
    }
    free(p->values);
    free(p->positional);
    memset(p, 0, sizeof(*p));
}

static size_t index_of(const cli_parsed_t *p, const char *name)
{
    for (size_t i = 0; i < p->nopts; i++) {
        if (strcmp(p->opts[i].name, name) == 0) {
            return i;
        }
    }
    fprintf(stderr, "internal error: option '%s' is not in the table\n", name);
    abort();
}

bool cli_has(const cli_parsed_t *p, const char *name)
{
    return p->values[index_of(p, name)].count > 0;
}

const char *cli_get(const cli_parsed_t *p, const char *name)
{
    const cli_opt_value_t *v = &p->values[index_of(p, name)];
    return v->nvals > 0 ? v->vals[0] : NULL;
}

const cli_opt_value_t *cli_get_all(const cli_parsed_t *p, const char *name)
{
    return &p->values[index_of(p, name)];
}

void cli_print_help(FILE *out, const char *usage, const char *description, const cli_opt_t *opts, size_t nopts)
{
    fprintf(out, "usage: %s\n", usage);
    if (description != NULL) {
        fprintf(out, "\n%s\n", description);
    }
    if (nopts == 0) {
        return;
    }
    fprintf(out, "\noptions:\n");
    for (size_t i = 0; i < nopts; i++) {
        const cli_opt_t *o = &opts[i];
        char left[160];
        int n = 0;
        if (o->short_name) {
            n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
        } else {
            n = snprintf(left, sizeof(left), "--%s", o->name);
        }
        if (o->nargs != 0 && n > 0 && (size_t)n < sizeof(left)) {
            snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->metavar ? o->metavar : "VALUE");
        }
        fprintf(out, "  %-36s %s\n", left, o->help ? o->help : "");
        if (o->aliases != NULL) {
            fprintf(out, "  %-36s (also: ", "");
            const char *p = o->aliases;
            bool firstalias = true;
            while (*p) {
                const char *bar = strchr(p, '|');
                size_t len = bar ? (size_t)(bar - p) : strlen(p);
                fprintf(out, "%s%s%.*s", firstalias ? "" : ", ", len > 1 ? "--" : "-", (int)len, p);
                firstalias = false;
                if (bar == NULL) {
                    break;
                }
                p = bar + 1;
            }
            fprintf(out, ")\n");
        }
    }
    fprintf(out, "  %-36s %s\n", "-h, --help", "show this help and exit");
    fprintf(out, "\nOption names may be written with '_' or '-' (--target_chip = --target-chip).\n");
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
    if (s == NULL || *s == 0) {
        return -1;
    }
    const char *p = s;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
    }
    errno = 0;
    char *end = NULL;
    long v = strtol(p, &end, base);
    if (end == p || errno != 0) {
        return -1;
    }
    while (*end == ' ' || *end == '\t') {
        end++;
    }
    if (*end != 0 || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}
