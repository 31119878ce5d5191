/*
 * Program entry: everything else is in esc_cli_main() so that benchmarks and
 * tests can run the CLI in-process.
 */
#include <stdlib.h>

#include <openssl/crypto.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* Reading the system openssl.cnf costs a good part of a run and changes
     * nothing for parsing keys and certificates; OPENSSL_CONF, when set, is
     * still honoured. Nothing needs OpenSSL's exit handlers either. */
    if (getenv("OPENSSL_CONF") == NULL) {
        OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL);
    }
    return esc_cli_main(argc, argv);
}
