/*
 * `verify IMAGE [--json]`: the structural checks an image must pass before it
 * is flashed. Each check is named; any failure makes the exit status 1.
 *
 *  entries     the walk from offset 0 finds at least one entry and no entry
 *              runs past the end of the file
 *  crc         every entry's CRC matches
 *  duplicates  no (type, subtype) appears twice (the reader would only ever
 *              see the first)
 *  order       DS_DATA, DS_CONTEXT and SEC_CFG come before all other entries;
 *              only SIGNATURE_BLOCK/INTEGRITY entries follow an INTEGRITY
 *              entry, and the last entry is an INTEGRITY entry
 *  integrity   there is an INTEGRITY entry, and each holds the SHA-256 of every
 *              byte before it
 *  trailing    after the last entry there is nothing, the end marker
 *              ff ff 00 00, and/or erased flash (0xFF)
 *  signature   when SIGNATURE_BLOCK entries exist: the library's verifier
 *              (the device's code) accepts their layout and every signature
 *              verifies with the key it carries; with --trusted-key /
 *              --trusted-digest, one of them is also by a trusted key.
 *              Without a trust list the signer is NOT checked, and the
 *              report says so (verify_sig.h)
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "json_out.h"
#include "text_codec.h"
#include "tlv_names.h"
#include "verify_sig.h"

static const cli_opt_t k_opts[] = {
    {"json", NULL, 0, 0, NULL, "print the result as JSON"},
    {"allow-missing-integrity", NULL, 0, 0, NULL,
     "accept an image without INTEGRITY entry (made by tools before v2.x)"},
    {"trusted-key", NULL, 0, CLI_NARGS_REPEAT, "FILE",
     "a signing key to trust (public/private key or certificate, PEM or DER); repeatable"},
    {"trusted-digest", NULL, 0, CLI_NARGS_REPEAT, "HEX",
     "SHA-256 key digest to trust (espsecure digest_sbv2_public_key, eFuse SECURE_BOOT_DIGESTn); repeatable"},
};
#define NOPTS (sizeof(k_opts) / sizeof(k_opts[0]))

static const char k_usage[] = CLI_PROGRAM_NAME " verify IMAGE [--json] [--allow-missing-integrity] "
                                               "[--trusted-key FILE]... [--trusted-digest HEX]...";
static const char k_desc[] =
    "Check an esp_secure_cert image: entry CRCs, the INTEGRITY entry (SHA-256 of all bytes\n"
    "before it), entry order (DS entries first, INTEGRITY last, no duplicate type/subtype),\n"
    "the bytes after the last entry and, in a signed image, the SIGNATURE_BLOCK entries\n"
    "(with the device's verifier). A signature only proves who signed with a trust list\n"
    "(--trusted-key / --trusted-digest, as the device trusts the key digests in eFuse);\n"
    "without one each signature is checked with the key it carries and reported as\n"
    "'valid, signer not checked' with that key's digest.\n"
    "Exit 0 if every check passes, 1 otherwise; each failure is named. JSON keys: image,\n"
    "size, entries, tlv_end_offset, ok, checks (array of {name, ok, messages}), signatures\n"
    "(array of {offset, subtype, algorithm, key_digest, valid, trusted}), failures, warnings.";

enum { CHK_ENTRIES, CHK_CRC, CHK_DUPLICATES, CHK_ORDER, CHK_INTEGRITY, CHK_TRAILING, CHK_SIGNATURE, CHK_COUNT };
static const char *const k_check_names[CHK_COUNT] = {"entries",   "crc",      "duplicates", "order",
                                                     "integrity", "trailing", "signature"};

typedef struct {
    int check;   /* CHK_* */
    bool fail;   /* failure, or a note when false */
    char text[256];
} finding_t;

typedef struct {
    finding_t *items;
    size_t n, cap;
    bool oom;
} report_t;

__attribute__((format(printf, 4, 5))) static void add(report_t *r, int check, bool fail, const char *fmt, ...)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        finding_t *p = realloc(r->items, cap * sizeof(*p));
        if (p == NULL) {
            r->oom = true;
            return;
        }
        r->items = p;
        r->cap = cap;
    }
    finding_t *f = &r->items[r->n++];
    f->check = check;
    f->fail = fail;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof(f->text), fmt, ap);
    va_end(ap);
}

static bool check_failed(const report_t *r, int check)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i].check == check && r->items[i].fail) {
            return true;
        }
    }
    return false;
}

static bool is_ds_type(uint8_t t)
{
    return t == ESP_SECURE_CERT_DS_DATA_TLV || t == ESP_SECURE_CERT_DS_CONTEXT_TLV || t == ESP_SECURE_CERT_TLV_SEC_CFG;
}

static void check_image(const uint8_t *img, size_t len, bool allow_missing_integrity, report_t *r,
                        size_t *n_entries, size_t *end_out)
{
    size_t cap = len / 16 + 1;
    esc_tlv_entry_t *ents = calloc(cap, sizeof(*ents));
    if (ents == NULL) {
        r->oom = true;
        return;
    }
    size_t n = 0;
    esc_tlv_cursor_t cur;
    esc_tlv_cursor_init(&cur);
    esc_tlv_result_t res;
    while (n < cap && (res = esc_tlv_cursor_next(&cur, img, len, &ents[n])) == ESC_TLV_OK) {
        n++;
    }
    size_t end = n ? ents[n - 1].offset + ents[n - 1].total_len : 0;
    *n_entries = n;
    *end_out = end;
    char d1[TLV_NAME_LEN], d2[TLV_NAME_LEN];

    /* entries */
    if (res == ESC_TLV_ERR_TRUNCATED) {
        add(r, CHK_ENTRIES, true, "the entry at offset 0x%04zx runs past the end of the file (%zu bytes)", end,
            len);
    }
    if (n == 0) {
        add(r, CHK_ENTRIES, true, "no TLV entry: no magic 0xBA5EBA11 at offset 0");
        free(ents);
        return;
    }

    /* crc */
    for (size_t i = 0; i < n; i++) {
        tlv_entry_label(&ents[i], d1, sizeof(d1));
        if (!ents[i].crc_ok) {
            add(r, CHK_CRC, true, "%s: CRC mismatch (stored 0x%08x, computed 0x%08x)", d1,
                (unsigned)ents[i].crc_stored, (unsigned)ents[i].crc_computed);
        }
        if (ents[i].reserved[0] || ents[i].reserved[1] || ents[i].reserved[2]) {
            add(r, CHK_CRC, false, "%s: reserved header bytes are not zero (older tool format)", d1);
        }
    }

    /* duplicates */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < i; k++) {
            if (ents[k].type == ents[i].type && ents[k].subtype == ents[i].subtype) {
                tlv_entry_label(&ents[k], d1, sizeof(d1));
                tlv_entry_label(&ents[i], d2, sizeof(d2));
                add(r, CHK_DUPLICATES, true, "duplicate entry: %s and %s (readers only see the first)", d1, d2);
                break;
            }
        }
    }

    /* order */
    size_t first_non_ds = n;
    for (size_t i = 0; i < n; i++) {
        if (!is_ds_type(ents[i].type)) {
            if (first_non_ds == n) {
                first_non_ds = i;
            }
        } else if (first_non_ds < i) {
            tlv_entry_label(&ents[i], d1, sizeof(d1));
            tlv_entry_label(&ents[first_non_ds], d2, sizeof(d2));
            add(r, CHK_ORDER, true, "DS entry %s comes after %s (DS entries must come first)", d1, d2);
        }
    }
    size_t first_integrity = n;
    for (size_t i = 0; i < n; i++) {
        if (ents[i].type == ESP_SECURE_CERT_INTEGRITY_TLV) {
            if (first_integrity == n) {
                first_integrity = i;
            }
        } else if (first_integrity < i && ents[i].type != ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV) {
            tlv_entry_label(&ents[i], d1, sizeof(d1));
            tlv_entry_label(&ents[first_integrity], d2, sizeof(d2));
            add(r, CHK_ORDER, true, "%s follows %s and is not covered by it", d1, d2);
        }
    }
    if (first_integrity < n && ents[n - 1].type != ESP_SECURE_CERT_INTEGRITY_TLV) {
        tlv_entry_label(&ents[n - 1], d1, sizeof(d1));
        add(r, CHK_ORDER, true, "the last entry, %s, is not an INTEGRITY entry", d1);
    }

    /* integrity */
    if (first_integrity == n) {
        add(r, CHK_INTEGRITY, !allow_missing_integrity, "no INTEGRITY entry%s",
            allow_missing_integrity ? " (allowed by --allow-missing-integrity)" : "");
    }
    for (size_t i = first_integrity; i < n; i++) {
        if (ents[i].type != ESP_SECURE_CERT_INTEGRITY_TLV) {
            continue;
        }
        tlv_entry_label(&ents[i], d1, sizeof(d1));
        if (ents[i].length != 32) {
            add(r, CHK_INTEGRITY, true, "%s: length %u, expected 32 (SHA-256)", d1, ents[i].length);
            continue;
        }
        uint8_t digest[32];
        if (cli_sha256(img, ents[i].offset, digest) != 0) {
            add(r, CHK_INTEGRITY, true, "%s: SHA-256 failed", d1);
            continue;
        }
        char want[65], have[65];
        text_hex_encode(digest, 32, false, want);
        text_hex_encode(img + ents[i].data_offset, 32, false, have);
        if (memcmp(digest, img + ents[i].data_offset, 32) != 0) {
            add(r, CHK_INTEGRITY, true, "%s: stored SHA-256 %s does not match bytes 0..0x%04x (%s)", d1, have,
                (unsigned)ents[i].offset, want);
        } else {
            add(r, CHK_INTEGRITY, false, "%s matches the SHA-256 of bytes 0..0x%04x", d1, (unsigned)ents[i].offset);
        }
    }

    /* trailing */
    if (res != ESC_TLV_ERR_TRUNCATED && end < len) {
        size_t pos = end;
        if (len - pos >= 4 && img[pos] == 0xFF && img[pos + 1] == 0xFF && img[pos + 2] == 0 && img[pos + 3] == 0) {
            add(r, CHK_TRAILING, false, "end marker ff ff 00 00 at 0x%04zx", pos);
            pos += 4;
        }
        size_t first_bad = len;
        size_t bad = 0;
        for (size_t i = pos; i < len; i++) {
            if (img[i] != 0xFF) {
                if (first_bad == len) {
                    first_bad = i;
                }
                bad++;
            }
        }
        if (bad) {
            add(r, CHK_TRAILING, true,
                "%zu byte(s) after the last entry (which ends at 0x%04zx) are neither the end marker nor erased "
                "flash; the first is at 0x%04zx",
                bad, end, first_bad);
        } else if (pos < len) {
            add(r, CHK_TRAILING, false, "%zu erased (0xFF) byte(s) after the last entry", len - pos);
        }
    }
    free(ents);
}

/* signature: the findings from vs_check (see the file comment). */
static void check_signatures(const vs_result_t *v, report_t *r)
{
    if (v->nentries == 0) {
        add(r, CHK_SIGNATURE, v->trust_given, "the image is not signed (no SIGNATURE_BLOCK entry)%s",
            v->trust_given ? ", but a trusted key or digest was given" : "");
        return;
    }
    if (v->structure != ESC_SIG_OK && v->structure != ESC_SIG_ERR_BAD_SIGNATURE) {
        /* The layout is wrong: no signature is checked at all. */
        add(r, CHK_SIGNATURE, true, "%s%s", esc_sig_result_str(v->structure),
            v->structure == ESC_SIG_ERR_UNCOVERED
                ? ": the device rejects it (the reference tool's second --secure-sign pass writes such an "
                  "esp_secure_cert.bin; esp_secure_cert_signed.bin is the image to flash)"
                : "");
        return;
    }
    for (size_t i = 0; i < v->nentries; i++) {
        const vs_block_t *b = &v->blocks[i];
        char where[48];
        snprintf(where, sizeof(where), "SIGNATURE_BLOCK/%u at 0x%04zx", b->subtype, b->offset);
        if (!b->in_run) {
            continue; /* not in the last run: covered by it, never checked on a device */
        }
        if (!b->valid) {
            char key[96] = " (its key cannot be read)";
            if (b->digest_ok) {
                snprintf(key, sizeof(key), " (key digest %s)", b->digest_hex);
            }
            add(r, CHK_SIGNATURE, true, "%s: %s signature over bytes 0..0x%04zx does not verify%s", where,
                vs_alg_name(b->algorithm), v->signed_len, key);
        } else if (!v->trust_given) {
            add(r, CHK_SIGNATURE, false,
                "%s: %s signature valid, signer not checked: key digest %s (give --trusted-key or "
                "--trusted-digest to check it)",
                where, vs_alg_name(b->algorithm), b->digest_hex);
        } else {
            add(r, CHK_SIGNATURE, false, "%s: %s signature valid, %s: key digest %s", where,
                vs_alg_name(b->algorithm), b->trusted ? "trusted key" : "key NOT in the trust list", b->digest_hex);
        }
    }
    if (v->trust_given && v->structure == ESC_SIG_OK && v->trusted != ESC_SIG_OK) {
        add(r, CHK_SIGNATURE, true, "no valid signature by a trusted key: %s", esc_sig_result_str(v->trusted));
    }
}

static void json_signatures(json_writer_t *j, const vs_result_t *v)
{
    json_key(j, "signatures");
    json_begin_array(j);
    for (size_t i = 0; i < v->nentries; i++) {
        const vs_block_t *b = &v->blocks[i];
        json_begin_object(j);
        json_kv_int(j, "offset", (long long)b->offset);
        json_kv_int(j, "subtype", b->subtype);
        json_kv_string(j, "algorithm", vs_alg_name(b->algorithm));
        json_key(j, "key_digest");
        if (b->digest_ok) {
            json_string(j, b->digest_hex);
        } else {
            json_null(j);
        }
        json_kv_bool(j, "valid", b->valid);
        json_key(j, "trusted");
        if (v->trust_given) {
            json_bool(j, b->trusted);
        } else {
            json_null(j); /* not checked */
        }
        json_end_object(j);
    }
    json_end_array(j);
}

/* The trust list from --trusted-key / --trusted-digest. */
static int load_trust(const cli_parsed_t *p, EVP_PKEY ***keys, size_t *nkeys, uint8_t (**digests)[32],
                      size_t *ndigests)
{
    const cli_opt_value_t *kv = cli_get_all(p, "trusted-key");
    const cli_opt_value_t *dv = cli_get_all(p, "trusted-digest");
    *keys = NULL;
    *digests = NULL;
    *nkeys = *ndigests = 0;
    /* The check passes at most VS_MAX_ENTRIES digests down: refuse more
     * rather than silently ignore some of the trust list. */
    if (kv->nvals + dv->nvals > VS_MAX_ENTRIES) {
        return cli_error_code(CLI_EXIT_USAGE, "verify: at most %d --trusted-key and --trusted-digest values in all",
                              VS_MAX_ENTRIES);
    }
    *keys = calloc((size_t)kv->nvals + 1, sizeof(**keys));
    *digests = calloc((size_t)dv->nvals + 1, sizeof(**digests));
    *nkeys = *ndigests = 0;
    if (*keys == NULL || *digests == NULL) {
        return cli_error("verify: out of memory");
    }
    for (int i = 0; i < kv->nvals; i++) {
        char err[512];
        if (vs_load_trusted_key(kv->vals[i], &(*keys)[*nkeys], err, sizeof(err)) != 0) {
            return cli_error("verify: %s", err);
        }
        (*nkeys)++;
    }
    for (int i = 0; i < dv->nvals; i++) {
        if (vs_parse_digest(dv->vals[i], (*digests)[*ndigests]) != 0) {
            return cli_error_code(CLI_EXIT_USAGE, "verify: --trusted-digest '%s' is not 64 hex digits (a SHA-256)",
                                  dv->vals[i]);
        }
        (*ndigests)++;
    }
    return 0;
}

static void free_trust(EVP_PKEY **keys, size_t nkeys, uint8_t (*digests)[32])
{
    for (size_t i = 0; keys != NULL && i < nkeys; i++) {
        EVP_PKEY_free(keys[i]);
    }
    free(keys);
    free(digests);
}

static const cli_command_t k_cmd = {"verify", k_usage, k_desc, k_opts, NOPTS};

int cmd_verify(int argc, char **argv)
{
    cli_parsed_t p;
    const char *path;
    int exit_code;
    if (!cli_begin(&k_cmd, argc, argv, &p, &path, &exit_code)) {
        return exit_code;
    }
    bool json = cli_has(&p, "json");
    bool allow_missing = cli_has(&p, "allow-missing-integrity");
    EVP_PKEY **keys = NULL;
    uint8_t(*digests)[32] = NULL;
    size_t nkeys = 0, ndigests = 0;
    int trc = load_trust(&p, &keys, &nkeys, &digests, &ndigests);
    cli_parsed_free(&p);
    if (trc != 0) {
        free_trust(keys, nkeys, digests);
        return trc;
    }

    uint8_t *img = NULL;
    size_t len = 0;
    char err[512];
    if (cli_read_file(path, &img, &len, err, sizeof(err)) != 0) {
        free_trust(keys, nkeys, digests);
        return cli_error("%s", err);
    }

    report_t r = {0};
    size_t n_entries = 0, end = 0;
    check_image(img, len, allow_missing, &r, &n_entries, &end);
    vs_result_t sig;
    vs_check(img, len, keys, nkeys, (const uint8_t(*)[32])digests, ndigests, &sig);
    check_signatures(&sig, &r);
    free_trust(keys, nkeys, digests);
    free(img);
    if (r.oom) {
        free(r.items);
        return cli_error("verify: out of memory");
    }
    bool ok = true;
    for (size_t i = 0; i < r.n; i++) {
        ok = ok && !r.items[i].fail;
    }

    if (json) {
        json_writer_t j;
        json_init(&j, stdout);
        json_begin_object(&j);
        json_kv_string(&j, "image", path);
        json_kv_int(&j, "size", (long long)len);
        json_kv_int(&j, "entries", (long long)n_entries);
        json_kv_int(&j, "tlv_end_offset", (long long)end);
        json_kv_bool(&j, "ok", ok);
        json_key(&j, "checks");
        json_begin_array(&j);
        for (int c = 0; c < CHK_COUNT; c++) {
            json_begin_object(&j);
            json_kv_string(&j, "name", k_check_names[c]);
            json_kv_bool(&j, "ok", !check_failed(&r, c));
            json_key(&j, "messages");
            json_begin_array(&j);
            for (size_t i = 0; i < r.n; i++) {
                if (r.items[i].check == c) {
                    json_string(&j, r.items[i].text);
                }
            }
            json_end_array(&j);
            json_end_object(&j);
        }
        json_end_array(&j);
        json_signatures(&j, &sig);
        for (int pass = 0; pass < 2; pass++) {
            json_key(&j, pass == 0 ? "failures" : "warnings");
            json_begin_array(&j);
            for (size_t i = 0; i < r.n; i++) {
                if (r.items[i].fail == (pass == 0)) {
                    char line[320];
                    snprintf(line, sizeof(line), "%s: %s", k_check_names[r.items[i].check], r.items[i].text);
                    json_string(&j, line);
                }
            }
            json_end_array(&j);
        }
        json_end_object(&j);
        json_finish(&j);
    } else {
        printf("%s: %zu bytes, %zu entries, TLV end at 0x%04zx\n", path, len, n_entries, end);
        for (int c = 0; c < CHK_COUNT; c++) {
            bool failed = check_failed(&r, c);
            printf("  %-11s %s\n", k_check_names[c], failed ? "FAIL" : "ok");
            for (size_t i = 0; i < r.n; i++) {
                if (r.items[i].check == c) {
                    printf("      %s%s\n", r.items[i].fail ? "" : "note: ", r.items[i].text);
                }
            }
        }
        printf("%s\n", ok ? "OK" : "FAILED");
    }
    if (!ok) {
        for (size_t i = 0; i < r.n; i++) {
            if (r.items[i].fail) {
                cli_error("verify %s: %s: %s", path, k_check_names[r.items[i].check], r.items[i].text);
            }
        }
    }
    free(r.items);
    return ok ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}
