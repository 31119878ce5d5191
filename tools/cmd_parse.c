#include "cli.h"

int cmd_parse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("parse: not implemented yet");
}
