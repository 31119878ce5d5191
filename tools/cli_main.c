/*
 * Program entry: everything else is in esc_cli_main() so that benchmarks and
 * tests can run the CLI in-process.
 */
#include "cli.h"

int main(int argc, char **argv)
{
    return esc_cli_main(argc, argv);
}
