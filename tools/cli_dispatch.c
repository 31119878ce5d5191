/*
 * Command dispatch, top-level --help and --version.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t k_commands[] = {
    {"list", cmd_list, "list the TLV entries of an image"},
    {"simulate", cmd_simulate, "show what firmware reads from an image through the public API"},
    {"verify", cmd_verify, "check CRCs, integrity entry, entry order and trailing bytes"},
    {"parse", cmd_parse, "extract every entry to files and a CSV that regenerates the image"},
    {"generate", cmd_generate, "build an esp_secure_cert partition image (flags or CSV)"},
    {"batch", cmd_batch, "run many generate commands from a file in one process (mass production)"},
};
#define NCOMMANDS (sizeof(k_commands) / sizeof(k_commands[0]))

static void print_usage(FILE *out)
{
    fprintf(out, "usage: %s COMMAND [options]   (%s COMMAND --help for details)\n\n", CLI_PROGRAM_NAME,
            CLI_PROGRAM_NAME);
    fprintf(out, "Host tool for esp_secure_cert partitions.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  %-10s %s\n", k_commands[i].name, k_commands[i].summary);
    }
    fprintf(out, "\noptions:\n  -h, --help     show this help and exit\n  --version      print the version and exit\n");
    fprintf(out, "\nThe original tool's command line (configure_esp_secure_cert.py flags) is accepted by\n"
                 "'%s generate'.\n\nExit status: 0 success, 1 bad input or failed check, 2 usage error.\n",
            CLI_PROGRAM_NAME);
}

int esc_cli_main(int argc, char **argv)
{
    cli_set_quiet(false);
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("%s %s\n", CLI_PROGRAM_NAME, CLI_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(cmd, k_commands[i].name) == 0) {
            return k_commands[i].run(argc - 1, argv + 1);
        }
    }
    /* The original tool had no sub-commands: an invocation that starts with
     * one of its options is a generate command. */
    if (cmd[0] == '-') {
        return cmd_generate(argc, argv);
    }
    fprintf(stderr, "%s: error: unknown command '%s'\n\n", CLI_PROGRAM_NAME, cmd);
    print_usage(stderr);
    return CLI_EXIT_USAGE;
}
