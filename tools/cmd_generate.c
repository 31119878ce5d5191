/*
 * `generate`: build an esp_secure_cert partition image from flags or a CSV,
 * accepting the original configure_esp_secure_cert.py command line.
 *
 * Without -o the files go where the original puts them:
 * esp_secure_cert_data/esp_secure_cert.bin (+ hmac_key.bin / ecdsa_key.bin,
 * + esp_secure_cert_signed.bin when signing). Unlike the original, an
 * existing file is never replaced without --force.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "csv_reader.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "gen_append.h"
#include "gen_core.h"
#include "gen_output.h"
#include "out_file.h"
#include "rng.h"
#include "sign_block.h"
#include "text_codec.h"

static const cli_opt_t k_opts[] = {
    {"ca-cert", NULL, 0, 1, "FILE", "CA certificate (PEM or DER) -> CA_CERT entry"},
    {"device-cert", NULL, 0, 1, "FILE", "device certificate (PEM or DER) -> DEV_CERT entry"},
    {"private-key", NULL, 0, 1, "FILE", "device private key (PEM or DER, RSA or EC) -> PRIV_KEY entry"},
    {"password", "pwd", 0, 1, "PASSWORD", "password of an encrypted private key"},
    {"priv-key-algo", NULL, 0, 2, "ALGO BITS", "key algorithm and size for --configure-ds: RSA 2048 | ECDSA 256 ..."},
    {"target-chip", NULL, 0, 1, "CHIP", "target chip (default esp32c3)"},
    {"secure-cert-type", "sec-type|sec-cert-type", 0, 1, "TYPE",
     "partition format: cust_flash_tlv (default; the legacy cust_flash and nvs are not supported)"},
    {"configure-ds", NULL, 0, 0, NULL, "store the key for the DS peripheral (RSA) or the ECDSA peripheral (ECDSA)"},
    {"efuse-key-id", NULL, 0, 1, "N",
     "eFuse key block (0-5) holding the DS HMAC key or the ECDSA key; without --configure-ds, the HMAC_UP key "
     "block of CSV hmac_* rows that give no efuse_id"},
    {"efuse-key-file", NULL, 0, 1, "FILE",
     "existing 32-byte HMAC key for DS (default: a new random key); without --configure-ds, the HMAC_UP key of "
     "CSV hmac_* rows that give no efuse_key"},
    {"efuse", NULL, 0, 1, "FILE",
     "the chip's eFuse state (docs/efuse-file.md): refuse key blocks already used otherwise, and use an HMAC_UP "
     "key already there (the file is never changed)"},
    {"keep-ds-data-on-host", "keep-ds-data", 0, 0, NULL, "accepted for compatibility (key files are always kept)"},
    {"skip-flash", NULL, 0, 0, NULL, "accepted for compatibility (this tool never flashes; it prints the command)"},
    {"sec-cert-part-offset", NULL, 0, 1, "OFFSET", "flash offset of the partition for the esptool command (0xD000)"},
    {"port", NULL, 'p', 1, "PORT", "serial port for the printed esptool/espefuse commands"},
    {"summary", NULL, 0, 0, NULL, "print the espefuse summary command for the chip and exit"},
    {"csv", "esp-secure-cert-csv", 0, 1, "FILE", "CSV of entries (the original tool's format)"},
    {"output", NULL, 'o', 1, "FILE", "image file ('-' = stdout); default esp_secure_cert_data/esp_secure_cert.bin"},
    {"key-dir", NULL, 0, 1, "DIR", "where hmac_key.bin/ecdsa_key.bin go (default: the image's directory)"},
    {"force", NULL, 0, 0, NULL, "replace existing output files"},
    {"partition-size", NULL, 0, 1, "BYTES", "size limit of the image (default 0x2000)"},
    {"test-seed", NULL, 0, 1, "SEED", "TEST ONLY: draw from the public PRNG-v1 stream (output is not secret)"},
    {"test-preset-draws", NULL, 0, 1, "HEX", "TEST ONLY: bytes served before the --test-seed stream"},
    {"secure-sign", NULL, 0, 0, NULL, "add SIGNATURE_BLOCK entries (esp_secure_cert_signed.bin)"},
    {"signing-scheme", NULL, 0, 1, "SCHEME", "rsa3072 | ecdsa192 | ecdsa256 | ecdsa384 (the keys decide)"},
    {"signing-key-file", NULL, 0, CLI_NARGS_PLUS, "FILE...", "signing key(s), default secure_boot_key.bin"},
    {"esp-secure-cert-file", NULL, 0, 1, "FILE", "sign this existing image instead of generating one"},
    {"append-integrity", NULL, 0, 1, "FILE", "append an INTEGRITY entry to an existing image (in place, or -o)"},
    {"single-pass", NULL, 0, 0, NULL,
     "with --secure-sign: generate once (the reference generates twice, see --help)"},
    {"parse-bin", NULL, 0, 1, "FILE", "same as: parse FILE --output-dir esp_secure_cert_parsed_data"},
    {"quiet", NULL, 'q', 0, NULL, "print only errors"},
};
#define NOPTS (sizeof(k_opts) / sizeof(k_opts[0]))

static const char k_usage[] =
    CLI_PROGRAM_NAME " generate [--ca-cert F] [--device-cert F] [--private-key F] [--csv F] [options]";
static const char k_desc[] =
    "Build an esp_secure_cert partition image (TLV format) from certificate/key files or a\n"
    "CSV, laid out exactly as configure_esp_secure_cert.py does: DS_DATA/DS_CONTEXT/SEC_CFG\n"
    "first, then the entries in order, then INTEGRITY (SHA-256 of all bytes before it).\n"
    "The original tool's command line works unchanged (--target_chip, --configure_ds, ...).\n"
    "CSV rows with priv_key_type hmac_encrypted (any entry) or hmac_derived_ecdsa (salt +\n"
    "marker) are written by the library's HMAC writers against an emulated eFuse holding\n"
    "the HMAC_UP key (efuse_key / --efuse-key-file, the --efuse file, or a new hmac_key.bin).\n"
    "Random values (DS HMAC key, DS IV, HMAC_UP key, salts, signature nonces) come from the\n"
    "OS RNG.\n"
    "\n"
    "--secure-sign (without --esp-secure-cert-file) behaves as the reference tool: the image\n"
    "is built without INTEGRITY and signed (esp_secure_cert_signed.bin), then everything is\n"
    "generated a second time with the signature entries left at the front\n"
    "(esp_secure_cert.bin) and, with DS, new random draws (hmac_key.bin is the second key).\n"
    "The HMAC key the signed image needs is then kept as hmac_key_signed_image.bin. With\n"
    "--single-pass there is one generation: esp_secure_cert.bin is the signed image's entries\n"
    "plus INTEGRITY and hmac_key.bin belongs to both.";

static int add_flag_entry(gen_entries_t *list, uint8_t type, const char *path, const char *flag)
{
    gen_entry_t *e = gen_entries_add(list);
    if (e == NULL || (e->data_value = strdup(path)) == NULL) {
        return -1;
    }
    e->type = type;
    e->subtype = 0;
    e->data_type = GEN_DATA_FILE;
    snprintf(e->where, sizeof(e->where), "%s", flag);
    snprintf(e->where_value, sizeof(e->where_value), "%s", flag);
    return 0;
}

static int build_entries(const cli_parsed_t *p, gen_entries_t *list)
{
    const char *ca = cli_get(p, "ca-cert");
    const char *dev = cli_get(p, "device-cert");
    const char *key = cli_get(p, "private-key");
    /* The original checks the three files before anything else. */
    if (key != NULL && !cli_path_exists(key)) {
        return cli_error("--private-key: file '%s' not found", key);
    }
    if (dev != NULL && !cli_path_exists(dev)) {
        return cli_error("--device-cert: file '%s' not found", dev);
    }
    if (ca != NULL && !cli_path_exists(ca)) {
        return cli_error("--ca-cert: file '%s' not found", ca);
    }
    if ((ca && add_flag_entry(list, ESP_SECURE_CERT_CA_CERT_TLV, ca, "--ca-cert") != 0) ||
        (dev && add_flag_entry(list, ESP_SECURE_CERT_DEV_CERT_TLV, dev, "--device-cert") != 0) ||
        (key && add_flag_entry(list, ESP_SECURE_CERT_PRIV_KEY_TLV, key, "--private-key") != 0)) {
        return cli_error("out of memory");
    }
    if (key != NULL) {
        gen_entry_t *e = &list->items[list->n - 1];
        e->pk_type = GEN_PK_PLAINTEXT;
        const cli_opt_value_t *algo = cli_get_all(p, "priv-key-algo");
        if (algo->nvals == 2) {
            snprintf(e->algorithm, sizeof(e->algorithm), "%s", algo->vals[0]);
            for (char *c = e->algorithm; *c; c++) {
                *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
            }
            long bits;
            if (cli_parse_long(algo->vals[1], 1, 65535, &bits) != 0) {
                return cli_error_code(CLI_EXIT_USAGE, "--priv-key-algo: '%s' is not a key size in bits",
                                      algo->vals[1]);
            }
            e->key_size = (int)bits;
        }
        if (cli_has(p, "configure-ds")) {
            if (algo->nvals != 2) {
                return cli_error_code(CLI_EXIT_USAGE, "--configure-ds needs --priv-key-algo RSA|ECDSA BITS");
            }
            if (strcmp(e->algorithm, "RSA") == 0) {
                e->pk_type = GEN_PK_RSA_DS;
            } else if (strcmp(e->algorithm, "ECDSA") == 0) {
                e->pk_type = GEN_PK_ECDSA_PERIPHERAL;
            } else {
                return cli_error_code(CLI_EXIT_USAGE, "--priv-key-algo: algorithm '%s' is not RSA or ECDSA",
                                      algo->vals[0]);
            }
            const char *id = cli_get(p, "efuse-key-id");
            long v;
            if (id == NULL) {
                return cli_error_code(CLI_EXIT_USAGE, "--configure-ds needs --efuse-key-id N (eFuse key block 0-5)");
            }
            if (cli_parse_long(id, 0, 5, &v) != 0) {
                return cli_error_code(CLI_EXIT_USAGE, "--efuse-key-id: '%s' is not a key block 0-5", id);
            }
            e->efuse_id = (int)v;
            const char *kf = cli_get(p, "efuse-key-file");
            if (kf != NULL) {
                if (e->pk_type == GEN_PK_ECDSA_PERIPHERAL) {
                    cli_warn("--efuse-key-file is for the DS HMAC key; ignored for an ECDSA peripheral key");
                } else if ((e->efuse_key_file = strdup(kf)) == NULL) {
                    return cli_error("out of memory");
                }
            }
        }
    } else if (cli_has(p, "configure-ds")) {
        return cli_error_code(CLI_EXIT_USAGE, "--configure-ds needs --private-key");
    }
    const char *csv = cli_get(p, "csv");
    if (csv != NULL) {
        char err[1024];
        if (csv_read_entries(csv, list, err, sizeof(err)) != 0) {
            return cli_error("%s", err);
        }
    }
    return 0;
}

/* Signing keys in order; NULL-terminated array on success. */
static int load_signing_keys(const cli_parsed_t *p, esc_signing_key_t ***keys_out, size_t *n_out)
{
    const cli_opt_value_t *kv = cli_get_all(p, "signing-key-file");
    static const char *const k_default[] = {"secure_boot_key.bin"};
    const char *const *names = kv->nvals > 0 ? kv->vals : k_default;
    size_t n = kv->nvals > 0 ? (size_t)kv->nvals : 1;
    esc_signing_key_t **keys = calloc(n + 1, sizeof(*keys));
    if (keys == NULL) {
        return cli_error("out of memory");
    }
    const char *scheme = cli_get(p, "signing-scheme");
    int want = scheme ? esc_sign_scheme_from_name(scheme) : -1;
    if (scheme != NULL && want < 0) {
        free(keys);
        return cli_error_code(CLI_EXIT_USAGE, "--signing-scheme '%s' is not rsa3072, ecdsa192, ecdsa256 or ecdsa384",
                              scheme);
    }
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (esc_signing_key_load(names[i], &keys[i], err, sizeof(err)) != 0) {
            for (size_t k = 0; k < i; k++) {
                esc_signing_key_free(keys[k]);
            }
            free(keys);
            return cli_error("%s", err);
        }
        if (want >= 0 && (int)esc_signing_key_alg(keys[i]) != want) {
            cli_warn("signing key '%s' is %s, not %s: the key decides the algorithm (as in the reference tool)",
                     names[i], esc_sign_alg_name(esc_signing_key_alg(keys[i])), scheme);
        }
    }
    *keys_out = keys;
    *n_out = n;
    return 0;
}

static void free_signing_keys(esc_signing_key_t **keys, size_t n)
{
    if (keys == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        esc_signing_key_free(keys[i]);
    }
    free(keys);
}

/* --append-integrity FILE [-o OUT] */
static int run_append_integrity(const cli_parsed_t *p, const gen_ctx_t *g)
{
    const char *in = cli_get(p, "append-integrity");
    uint8_t *data = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    char err[512];
    if (cli_read_file(in, &data, &len, err, sizeof(err)) != 0) {
        return cli_error("--append-integrity: %s", err);
    }
    int rc = esc_append_integrity(data, len, g->partition_size, &out, &out_len, err, sizeof(err));
    cli_free_secret(data, len);
    if (rc != 0) {
        return cli_error("--append-integrity %s: %s", in, err);
    }
    /* Editing the named file is the point of the option; -o writes elsewhere. */
    const char *target = g->out_path ? g->out_path : in;
    bool force = g->out_path ? g->force : true;
    rc = out_file_write(target, out, out_len, force, OUT_FILE_PUBLIC, err, sizeof(err));
    cli_free_secret(out, out_len);
    if (rc != 0) {
        return cli_error("%s", err);
    }
    if (!g->quiet) {
        fprintf(gen_out_info_stream(g), "Appended an INTEGRITY entry: %s\n", target);
    }
    return CLI_EXIT_OK;
}

/* --esp-secure-cert-file FILE --secure-sign */
static int run_sign_existing(const cli_parsed_t *p, gen_ctx_t *g, esc_rng_t *rng)
{
    const char *in = cli_get(p, "esp-secure-cert-file");
    uint8_t *data = NULL;
    size_t len = 0;
    char err[512];
    if (cli_read_file(in, &data, &len, err, sizeof(err)) != 0) {
        return cli_error("--esp-secure-cert-file: %s", err);
    }
    esc_signing_key_t **keys = NULL;
    size_t nkeys = 0;
    int rc = load_signing_keys(p, &keys, &nkeys);
    if (rc != 0) {
        cli_free_secret(data, len);
        return rc;
    }
    esc_signed_image_t signed_img = {0};
    rc = esc_sign_partition(data, len, keys, nkeys, rng, g->partition_size, &signed_img, err, sizeof(err));
    cli_free_secret(data, len);
    free_signing_keys(keys, nkeys);
    if (rc != 0) {
        return cli_error("signing %s: %s", in, err);
    }
    const char *target = g->out_path ? g->out_path : GEN_DEFAULT_DIR "/" GEN_DEFAULT_SIGNED_BIN;
    if (out_file_make_parent(target, err, sizeof(err)) != 0 ||
        out_file_write(target, signed_img.bin, signed_img.len, g->force, OUT_FILE_PUBLIC, err, sizeof(err)) != 0) {
        esc_signed_image_free(&signed_img);
        return cli_error("%s", err);
    }
    if (!g->quiet) {
        FILE *f = gen_out_info_stream(g);
        fprintf(f, "Signed image: %s (%zu bytes)\n", target, signed_img.len);
        gen_out_print_entries(f, signed_img.bin, signed_img.len);
        gen_out_print_flash_command(f, g, target);
    }
    esc_signed_image_free(&signed_img);
    return CLI_EXIT_OK;
}

static int run_generate(const cli_parsed_t *p, gen_ctx_t *g, esc_rng_t *rng)
{
    gen_entries_t list = {0};
    int rc = build_entries(p, &list);
    if (rc != 0) {
        gen_entries_free(&list);
        return rc;
    }
    bool sign = cli_has(p, "secure-sign");
    bool quirks = sign && !cli_has(p, "single-pass");
    esc_signing_key_t **keys = NULL;
    size_t nkeys = 0;
    if (sign && (rc = load_signing_keys(p, &keys, &nkeys)) != 0) {
        gen_entries_free(&list);
        return rc;
    }

    gen_options_t opt = {0};
    opt.target_chip = g->chip;
    opt.password = cli_get(p, "password");
    opt.rng = rng;
    opt.max_image_size = g->partition_size;
    opt.no_integrity = sign;
    opt.efuse_path = g->efuse_path;
    /* With --configure-ds the two flags belong to the DS key. */
    if (!cli_has(p, "configure-ds")) {
        opt.hmac_key_file = cli_get(p, "efuse-key-file");
        const char *id = cli_get(p, "efuse-key-id");
        long v;
        if (id != NULL) {
            if (cli_parse_long(id, 0, 5, &v) != 0) {
                free_signing_keys(keys, nkeys);
                gen_entries_free(&list);
                return cli_error_code(CLI_EXIT_USAGE, "--efuse-key-id: '%s' is not a key block 0-5", id);
            }
            opt.hmac_efuse_id_set = true;
            opt.hmac_efuse_id = (int)v;
        }
    }

    char err[1024];
    gen_result_t res;
    if (gen_build(&list, &opt, &res, err, sizeof(err)) != 0) {
        free_signing_keys(keys, nkeys);
        gen_entries_free(&list);
        return cli_error("%s", err);
    }

    /* Files to write: `main` is what -o names (the signed image when
     * signing), `plain` the unsigned image written beside it by default. */
    const uint8_t *main_img = res.image;
    size_t main_len = res.image_len;
    esc_signed_image_t signed_img = {0};
    gen_result_t second = {0};
    bool have_second = false;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    const gen_result_t *keys_res = &res;

    if (sign) {
        rc = esc_sign_partition(res.image, res.image_len, keys, nkeys, rng, g->partition_size, &signed_img, err,
                                sizeof(err));
        if (rc != 0) {
            rc = cli_error("signing: %s", err);
            goto done;
        }
        main_img = signed_img.bin;
        main_len = signed_img.len;
        if (quirks) {
            /* The reference generates a second time without resetting its
             * builder: the signature entries stay at the front and the DS
             * draws are made again (tests/vectors README, v17). */
            gen_options_t o2 = opt;
            o2.no_integrity = false;
            o2.prefix = signed_img.bin + signed_img.signed_len;
            o2.prefix_len = signed_img.sig_tlvs_len;
            if (gen_build(&list, &o2, &second, err, sizeof(err)) != 0) {
                rc = cli_error("%s", err);
                goto done;
            }
            have_second = true;
            plain = second.image;
            plain_len = second.image_len;
            keys_res = &second;
            if ((rc = gen_out_keep_first_pass_keys(&res, &second)) != 0) {
                goto done;
            }
        } else {
            /* The same entries with their INTEGRITY entry, unsigned: the
             * first pass's bytes, so both files hold the same DS data. */
            size_t cap = res.image_len + esc_tlv_total_len(32);
            plain = malloc(cap);
            if (plain == NULL) {
                rc = cli_error("out of memory");
                goto done;
            }
            memset(plain, 0xFF, cap);
            memcpy(plain, res.image, res.image_len);
            plain_len = res.image_len;
            uint8_t digest[32];
            if (cli_sha256(res.image, res.image_len, digest) != 0 ||
                gen_append(plain, cap, &plain_len, ESP_SECURE_CERT_INTEGRITY_TLV, 0, 0, digest, sizeof(digest), err,
                           sizeof(err)) != 0) {
                rc = cli_error("cannot add the INTEGRITY entry: %s", err);
                goto done;
            }
        }
    }

    char image_path[4096], plain_path[4096];
    bool default_layout = g->out_path == NULL;
    if (default_layout) {
        snprintf(image_path, sizeof(image_path), "%s/%s", GEN_DEFAULT_DIR,
                 sign ? GEN_DEFAULT_SIGNED_BIN : GEN_DEFAULT_BIN);
        snprintf(plain_path, sizeof(plain_path), "%s/%s", GEN_DEFAULT_DIR, GEN_DEFAULT_BIN);
    } else {
        snprintf(image_path, sizeof(image_path), "%s", g->out_path);
    }
    /* A signed image gets the unsigned one beside it, as the reference's
     * default output does; -o names one file. */
    gen_out_image_t image = {image_path, main_img, main_len};
    gen_out_image_t unsigned_image = {plain_path, plain, plain_len};
    rc = gen_out_write(g, keys_res, &image, sign && default_layout ? &unsigned_image : NULL, quirks);

done:
    if (sign && !quirks) {
        cli_free_secret(plain, plain_len);
    }
    if (have_second) {
        gen_result_free(&second);
    }
    esc_signed_image_free(&signed_img);
    gen_result_free(&res);
    free_signing_keys(keys, nkeys);
    gen_entries_free(&list);
    return rc;
}

static const cli_command_t k_cmd = {"generate", k_usage, k_desc, k_opts, NOPTS};

int cmd_generate(int argc, char **argv)
{
    cli_parsed_t p;
    int rc;
    if (!cli_begin(&k_cmd, argc, argv, &p, NULL, &rc)) {
        return rc;
    }
    rc = CLI_EXIT_OK;
    gen_ctx_t g = {0};
    esc_rng_t rng;
    bool rng_ready = false;
    g.chip = cli_get(&p, "target-chip") ? cli_get(&p, "target-chip") : "esp32c3";
    g.port = cli_get(&p, "port");
    g.offset = cli_get(&p, "sec-cert-part-offset") ? cli_get(&p, "sec-cert-part-offset") : "0xD000";
    g.out_path = cli_get(&p, "output");
    g.key_dir = cli_get(&p, "key-dir");
    g.efuse_path = cli_get(&p, "efuse");
    g.force = cli_has(&p, "force");
    g.quiet = cli_has(&p, "quiet");
    g.partition_size = 0x2000;
    cli_set_quiet(g.quiet);

    if (p.npositional != 0) {
        rc = cli_error_code(CLI_EXIT_USAGE, "generate: unexpected argument '%s' (usage: %s)", p.positional[0], k_usage);
        goto out;
    }
    if (cli_get(&p, "partition-size") != NULL) {
        long v;
        if (cli_parse_long(cli_get(&p, "partition-size"), 64, 0x1000000L, &v) != 0) {
            rc = cli_error_code(CLI_EXIT_USAGE, "--partition-size: '%s' is not a size in bytes",
                                cli_get(&p, "partition-size"));
            goto out;
        }
        g.partition_size = (size_t)v;
    }
    if (!gen_chip_known(g.chip)) {
        rc = cli_error_code(CLI_EXIT_USAGE, "--target-chip: '%s' is not one of %s", g.chip, gen_chip_list());
        goto out;
    }
    long off;
    if (cli_parse_long(g.offset, 0, 0x7fffffffL, &off) != 0) {
        rc = cli_error_code(CLI_EXIT_USAGE, "--sec-cert-part-offset: '%s' is not a number (e.g. 0xD000)", g.offset);
        goto out;
    }
    if (cli_has(&p, "summary")) {
        printf("eFuse summary (needs the device): espefuse.py --chip %s -p %s summary\n", g.chip,
               g.port ? g.port : "<PORT>");
        goto out;
    }
    if (cli_get(&p, "parse-bin") != NULL) {
        char *pargv[] = {"parse", (char *)cli_get(&p, "parse-bin"), "--output-dir", "esp_secure_cert_parsed_data",
                         g.force ? "--force" : NULL, NULL};
        rc = cmd_parse(g.force ? 5 : 4, pargv);
        goto out;
    }
    const char *type = cli_get(&p, "secure-cert-type");
    if (type != NULL && strcmp(type, "cust_flash_tlv") != 0) {
        if (strcmp(type, "cust_flash") == 0 || strcmp(type, "nvs") == 0) {
            rc = cli_error("--secure-cert-type %s: the legacy formats are not supported (the reference tool "
                           "v2.6.1 crashes on them too); use cust_flash_tlv",
                           type);
        } else {
            rc = cli_error_code(CLI_EXIT_USAGE, "--secure-cert-type: '%s' is not cust_flash_tlv", type);
        }
        goto out;
    }

    /* The random source: the OS, unless a test explicitly pins it. */
    const char *seed = cli_get(&p, "test-seed");
    if (seed != NULL) {
        if (esc_rng_init_prng_v1(&rng, seed) != 0) {
            rc = cli_error_code(CLI_EXIT_USAGE, "--test-seed needs a non-empty seed");
            goto out;
        }
        cli_warn("--test-seed: every random value (HMAC keys, DS IV, salts, signature nonces) comes from the public "
                 "PRNG-v1 test stream; the output is NOT secret and must never be used on a device");
    } else {
        esc_rng_init_os(&rng);
    }
    rng_ready = true;
    const char *preset = cli_get(&p, "test-preset-draws");
    if (preset != NULL) {
        uint8_t *bytes = NULL;
        size_t n = 0;
        if (seed == NULL) {
            rc = cli_error_code(CLI_EXIT_USAGE, "--test-preset-draws is only allowed with --test-seed");
            goto out;
        }
        char why[128];
        size_t cap = strlen(preset) / 2 + 1;
        if ((bytes = malloc(cap)) == NULL) {
            rc = cli_error("out of memory");
            goto out;
        }
        if (text_hex_decode(preset, false, bytes, cap, &n, why, sizeof(why)) != 0) {
            free(bytes);
            rc = cli_error_code(CLI_EXIT_USAGE, "--test-preset-draws: '%s' is not hex: %s", preset, why);
            goto out;
        }
        int prc = esc_rng_set_preset(&rng, bytes, n);
        free(bytes);
        if (prc != 0) {
            rc = cli_error("out of memory");
            goto out;
        }
    }

    if (cli_get(&p, "append-integrity") != NULL) {
        rc = run_append_integrity(&p, &g);
    } else if (cli_get(&p, "esp-secure-cert-file") != NULL) {
        if (!cli_has(&p, "secure-sign")) {
            rc = cli_error_code(CLI_EXIT_USAGE, "--esp-secure-cert-file is used with --secure-sign");
        } else {
            rc = run_sign_existing(&p, &g, &rng);
        }
    } else {
        rc = run_generate(&p, &g, &rng);
    }

out:
    if (rng_ready) {
        esc_rng_free(&rng);
    }
    cli_parsed_free(&p);
    return rc;
}
