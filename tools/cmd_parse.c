/*
 * `parse IMAGE --output-dir D`: every entry to a file, a CSV that
 * regenerates the image, and the entry listing.
 *
 *   D/contents/          one file per entry: certificates and keys as PEM
 *                        (or DER when stored as DER), everything else raw
 *   D/esp_secure_cert_parsed.csv   the generator's CSV format (CRLF lines, as
 *                        Python's csv module writes them)
 *   D/tlv_entries_raw.txt          the listing of the original tlv_parser.py
 *
 * File and CSV naming follow the original tool (--parse_bin): cacert_T_S.pem,
 * devcert_T_S.pem, privkey_T_S.pem, ds_data_T_S.bin, ds_context_T_S.bin,
 * sec_cfg_T_S.bin; user data appear inline (string or hex). Beyond the
 * original, so that `generate --csv` on the result gives back the same bytes:
 * DS_DATA/DS_CONTEXT/SEC_CFG rows are stored as given (no priv_key_type),
 * an ECDSA-peripheral key keeps its priv_key_type, algorithm, key size and
 * eFuse block, other types (salt, ...) are written as file rows, zero-length
 * entries as an empty hex value. With --efuse, HMAC-encrypted entries are
 * read through the public API, written in plain to contents/ and marked
 * priv_key_type hmac_encrypted with the HMAC_UP block as efuse_id; an
 * HMAC-derived key becomes its derived key file marked hmac_derived_ecdsa
 * (next to its salt row). `generate --csv ... --efuse FILE` then encrypts
 * with the same key: the scheme's IV depends on the key alone, so the bytes
 * come out identical. Without --efuse they become comment rows ('#'), as do
 * entries that cannot be regenerated: the final INTEGRITY entry is re-created
 * by generate, and SIGNATURE_BLOCK entries need the signing key (parse says
 * so on stderr).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "cli.h"
#include "cli_args.h"
#include "csv_writer.h"
#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_tlv_read.h"
#include "host_efuse.h"
#include "key_input.h"
#include "out_file.h"
#include "text_codec.h"
#include "tlv_dump.h"
#include "tlv_names.h"

static const cli_opt_t k_opts[] = {
    {"output-dir", NULL, 'o', 1, "DIR", "output directory (default esp_secure_cert_parsed_data)"},
    {"efuse", NULL, 0, 1, "FILE", "eFuse state: decrypt HMAC-encrypted entries, derive HMAC-derived keys"},
    {"force", NULL, 0, 0, NULL, "write into an existing non-empty directory (replacing files)"},
    {"quiet", NULL, 'q', 0, NULL, "print only errors"},
};
#define NOPTS (sizeof(k_opts) / sizeof(k_opts[0]))

static const char k_usage[] = CLI_PROGRAM_NAME " parse IMAGE [--output-dir DIR] [--efuse FILE] [--force]";
static const char k_desc[] =
    "Extract every entry of an esp_secure_cert image to DIR/contents/, write\n"
    "DIR/esp_secure_cert_parsed.csv (so that 'generate --csv' rebuilds the same image) and\n"
    "DIR/tlv_entries_raw.txt (the original tlv_parser.py listing).";

static bool is_user_data(uint8_t type)
{
    return type >= ESP_SECURE_CERT_USER_DATA_1 && type <= ESP_SECURE_CERT_USER_DATA_5;
}

static bool starts_with(const uint8_t *d, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    return n >= l && memcmp(d, prefix, l) == 0;
}

/* Length without trailing NUL bytes (data.rstrip(b'\x00')). */
static size_t rstrip_nul(const uint8_t *d, size_t n)
{
    while (n > 0 && d[n - 1] == 0) {
        n--;
    }
    return n;
}

typedef struct {
    const char *dir;       /* output dir */
    char contents[4096];   /* output dir/contents */
    bool force;
    csv_out_t csv;
    unsigned files;
    unsigned warnings;
    int hmac_block;        /* eFuse block of the HMAC_UP key (--efuse), or -1 */
    unsigned hmac_rows;    /* rows that need that key to be regenerated */
    unsigned signatures;   /* SIGNATURE_BLOCK entries left out */
} parse_ctx_t;

/* A CSV row (csv_out_add); running out of memory is reported here. */
static int add_row(parse_ctx_t *pc, const char *type, unsigned subtype, const char *value, const char *data_type,
                   const char *pk_type, const char *algorithm, const char *key_size, const char *efuse_id)
{
    if (csv_out_add(&pc->csv, type, subtype, value, data_type, pk_type, algorithm, key_size, efuse_id) != 0) {
        return cli_error("out of memory");
    }
    return 0;
}

static int write_content(parse_ctx_t *pc, const char *name, const uint8_t *d, size_t n, bool secret)
{
    char path[4096], err[512];
    if (out_file_join(path, sizeof(path), pc->contents, name) != 0) {
        return cli_error("path too long in '%s'", pc->contents);
    }
    if (out_file_write(path, d, n, pc->force, secret ? OUT_FILE_SECRET : OUT_FILE_PUBLIC, err, sizeof(err)) != 0) {
        return cli_error("%s", err);
    }
    pc->files++;
    return 0;
}

/* Would `generate` store exactly these bytes from the file we wrote? */
static void check_cert_roundtrip(parse_ctx_t *pc, const uint8_t *file, size_t file_len, const uint8_t *stored,
                                 size_t stored_len, const char *label)
{
    ki_cert_t c;
    char err[256];
    if (ki_load_cert(file, file_len, label, &c, err, sizeof(err)) != 0) {
        cli_warn("%s: not a certificate generate can read back (%s)", label, err);
        pc->warnings++;
        return;
    }
    if (c.stored_len != stored_len || memcmp(c.stored, stored, stored_len) != 0) {
        cli_warn("%s: stored in a non-canonical encoding; regenerating from the CSV will not give the same bytes",
                 label);
        pc->warnings++;
    }
    ki_cert_free(&c);
}

static void check_key_roundtrip(parse_ctx_t *pc, const uint8_t *file, size_t file_len, const uint8_t *stored,
                                size_t stored_len, const char *label, int *bits, const char **alg)
{
    ki_key_t k;
    char err[256];
    *bits = 0;
    *alg = NULL;
    if (ki_load_key(file, file_len, NULL, label, &k, NULL, err, sizeof(err)) != 0) {
        cli_warn("%s: not a private key generate can read back (%s)", label, err);
        pc->warnings++;
        return;
    }
    *bits = ki_key_bits(k.pkey);
    *alg = ki_key_algorithm(k.pkey);
    if (k.stored_len != stored_len || memcmp(k.stored, stored, stored_len) != 0) {
        cli_warn("%s: stored in a non-traditional encoding; regenerating from the CSV will not give the same bytes",
                 label);
        pc->warnings++;
    }
    ki_key_free(&k);
}

static const char *csv_type_name(uint8_t type, char *buf, size_t cap)
{
    const char *n = tlv_csv_name(type, buf, cap);
    if (n != NULL && type != ESP_SECURE_CERT_TLV_END) {
        return n;
    }
    snprintf(buf, cap, "%u", type);
    return buf;
}

/* The eFuse block id in the SEC_CFG of this subtype, or -1. */
static int sec_cfg_efuse_id(const uint8_t *img, size_t len, uint8_t subtype)
{
    esc_tlv_entry_t e;
    if (esc_tlv_find(img, len, ESP_SECURE_CERT_TLV_SEC_CFG, subtype, &e) != ESC_TLV_OK || e.length < 1) {
        return -1;
    }
    int id = img[e.data_offset] - 4; /* SEC_CFG names the eFuse block: KEY0 is block 4 */
    return id >= 0 && id <= 5 ? id : -1;
}

/* The efuse_id cell of an HMAC-protected row (pk_type non-empty). */
static const char *hmac_efuse_cell(parse_ctx_t *pc, const char *pk_type, char *buf, size_t cap)
{
    if (pk_type[0] == 0 || strcmp(pk_type, "plaintext") == 0 || pc->hmac_block < 0) {
        return "";
    }
    pc->hmac_rows++;
    snprintf(buf, cap, "%d", pc->hmac_block);
    return buf;
}

/* Certificate entry: PEM text (without the NUL) or DER. pk_type is
 * "hmac_encrypted" for a decrypted one, else "". */
static int emit_cert(parse_ctx_t *pc, const esc_tlv_entry_t *e, const uint8_t *d, size_t dlen, const char *stem,
                     const char *pk_type)
{
    char name[96], value[128], label[160], ids[16], csv_name[TLV_NAME_LEN];
    bool pem = starts_with(d, dlen, "-----BEGIN CERTIFICATE-----");
    snprintf(name, sizeof(name), "%s_%u_%u.%s", stem, e->type, e->subtype, pem ? "pem" : "der");
    size_t n = pem ? rstrip_nul(d, dlen) : dlen;
    if (write_content(pc, name, d, n, false) != 0) {
        return -1;
    }
    tlv_entry_label(e, label, sizeof(label));
    check_cert_roundtrip(pc, d, n, d, dlen, label);
    snprintf(value, sizeof(value), "contents/%s", name);
    return add_row(pc, tlv_csv_name(e->type, csv_name, sizeof(csv_name)), e->subtype, value, "file", pk_type,
                   "", "", hmac_efuse_cell(pc, pk_type, ids, sizeof(ids)));
}

/* Key bytes (plaintext, or decrypted/derived through the API). */
static int emit_key(parse_ctx_t *pc, const esc_tlv_entry_t *e, const uint8_t *d, size_t dlen, const uint8_t *img,
                    size_t img_len, const char *pk_type)
{
    char name[96], value[128], label[160];
    const char *algo = "";
    bool is_pem = starts_with(d, dlen, "-----BEGIN");
    tlv_entry_label(e, label, sizeof(label));
    snprintf(name, sizeof(name), "privkey_%u_%u.%s", e->type, e->subtype, is_pem ? "pem" : "der");
    uint8_t *file = NULL;
    size_t file_len = 0;
    if (is_pem) {
        size_t n = rstrip_nul(d, dlen);
        const uint8_t *nl = memchr(d, '\n', n);
        size_t hl = nl ? (size_t)(nl - d) : n;
        bool has_rsa = false, has_ec = false;
        for (size_t i = 0; i + 3 <= hl; i++) {
            has_rsa |= memcmp(d + i, "RSA", 3) == 0;
        }
        for (size_t i = 0; i + 2 <= hl; i++) {
            has_ec |= memcmp(d + i, "EC", 2) == 0;
        }
        algo = has_rsa ? "RSA" : has_ec ? "ECDSA" : "";
        bool pkcs8_out = false;
        for (size_t i = 0; i + 16 <= hl; i++) {
            pkcs8_out |= memcmp(d + i, "PRIVATE KEY-----", 16) == 0;
        }
        pkcs8_out = pkcs8_out && !has_rsa;
        if (pkcs8_out) {
            /* The original writes non-RSA PEM keys as PKCS#8. */
            ki_key_t k;
            char err[256];
            if (ki_load_key(d, n, NULL, label, &k, NULL, err, sizeof(err)) == 0) {
                BIO *bio = BIO_new(BIO_s_secmem());
                char *mem = NULL;
                long ml;
                if (bio != NULL && PEM_write_bio_PrivateKey(bio, k.pkey, NULL, NULL, 0, NULL, NULL) == 1 &&
                    (ml = BIO_get_mem_data(bio, &mem)) > 0 && (file = malloc((size_t)ml)) != NULL) {
                    memcpy(file, mem, (size_t)ml);
                    file_len = (size_t)ml;
                }
                BIO_free(bio);
                ki_key_free(&k);
            }
        }
        if (file == NULL && (file = malloc(n ? n : 1)) != NULL) {
            memcpy(file, d, n);
            file_len = n;
        }
    } else if ((file = malloc(dlen ? dlen : 1)) != NULL) {
        memcpy(file, d, dlen);
        file_len = dlen;
    }
    if (file == NULL) {
        return cli_error("out of memory");
    }
    int rc = write_content(pc, name, file, file_len, true);
    int bits = 0;
    const char *alg = NULL;
    /* A derived key is not stored: generate only compares it. */
    bool stored = strcmp(pk_type, "hmac_derived_ecdsa") != 0;
    if (rc == 0 && stored) {
        check_key_roundtrip(pc, file, file_len, d, dlen, label, &bits, &alg);
    }
    cli_free_secret(file, file_len);
    if (rc != 0) {
        return rc;
    }
    snprintf(value, sizeof(value), "contents/%s", name);
    char type_buf[TLV_NAME_LEN];
    const char *type = tlv_csv_name(e->type, type_buf, sizeof(type_buf));
    if (strcmp(pk_type, "ecdsa_peripheral") == 0) {
        int id = sec_cfg_efuse_id(img, img_len, e->subtype);
        char ks[16], ids[8];
        snprintf(ks, sizeof(ks), "%d", bits);
        snprintf(ids, sizeof(ids), "%d", id);
        if (id < 0) {
            cli_warn("%s: ECDSA peripheral key without a SEC_CFG entry of the same subtype", label);
            pc->warnings++;
        }
        return add_row(pc, type, e->subtype, value, "file", "ecdsa_peripheral", "ECDSA", bits ? ks : "",
                       id >= 0 ? ids : "");
    }
    char ids[16];
    const char *id_cell = hmac_efuse_cell(pc, pk_type, ids, sizeof(ids));
    if (!stored) {
        return add_row(pc, type, e->subtype, value, "file", pk_type, "ECDSA", "256", id_cell);
    }
    return add_row(pc, type, e->subtype, value, "file", pk_type, algo, "", id_cell);
}

/* A comment row that generate skips, saying why the entry is not rebuilt. */
static int emit_comment(parse_ctx_t *pc, const esc_tlv_entry_t *e, const char *why)
{
    char text[256], label[TLV_NAME_LEN];
    snprintf(text, sizeof(text), "# %s: %s", tlv_entry_label(e, label, sizeof(label)), why);
    return add_row(pc, text, CSV_OUT_NO_SUBTYPE, "", "", "", "", "", "");
}

/* Plain value of a protected entry through the public API (host port open
 * on the image with the eFuse file). */
static int read_protected(const esc_tlv_entry_t *e, uint8_t **out, size_t *out_len, char *why, size_t why_len)
{
    esp_secure_cert_tlv_config_t cfg = {.type = (esp_secure_cert_tlv_type_t)e->type,
                                        .subtype = (esp_secure_cert_tlv_subtype_t)e->subtype};
    esp_secure_cert_tlv_info_t info;
    memset(&info, 0, sizeof(info));
    esp_err_t err = esp_secure_cert_get_tlv_info(&cfg, &info);
    if (err != ESP_OK) {
        snprintf(why, why_len, "%s", esp_err_to_name(err));
        return -1;
    }
    *out = malloc(info.length ? info.length : 1);
    if (*out != NULL) {
        memcpy(*out, info.data, info.length);
        *out_len = info.length;
    } else {
        snprintf(why, why_len, "out of memory");
    }
    esp_secure_cert_free_tlv_info(&info);
    return *out ? 0 : -1;
}

/* Lower-case file stem of a type ("ds_data", "user_data_1", "tlv"). */
static void file_stem(uint8_t type, char *buf, size_t cap)
{
    const char *fixed = type == ESP_SECURE_CERT_DS_DATA_TLV      ? "ds_data"
                        : type == ESP_SECURE_CERT_DS_CONTEXT_TLV ? "ds_context"
                        : type == ESP_SECURE_CERT_TLV_SEC_CFG    ? "sec_cfg"
                                                                 : NULL;
    const char *name = fixed ? fixed : tlv_short_name(type);
    snprintf(buf, cap, "%s", name ? name : "tlv");
    for (char *c = buf; *c; c++) {
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
}

/* A value that the CSV carries inline: text when it is printable UTF-8
 * (and survives the reader's whitespace stripping), else hex. */
static int emit_inline(parse_ctx_t *pc, const esc_tlv_entry_t *e, const uint8_t *d, size_t dlen)
{
    char nb[TLV_NAME_LEN];
    bool text = dlen > 0 && tlv_text_is_printable(d, dlen, false, (size_t)-1) && memchr(d, '\r', dlen) == NULL &&
                d[0] != ' ' && d[dlen - 1] != ' ' && !(d[0] >= 9 && d[0] <= 13) &&
                !(d[dlen - 1] >= 9 && d[dlen - 1] <= 13);
    char *v = malloc(2 * dlen + 1);
    if (v == NULL) {
        return cli_error("out of memory");
    }
    if (text) {
        memcpy(v, d, dlen);
        v[dlen] = 0;
    } else {
        text_hex_encode(d, dlen, true, v);
    }
    int rc = add_row(pc, csv_type_name(e->type, nb, sizeof(nb)), e->subtype, v, text ? "string" : "hex", "",
                     "", "", "");
    free(v);
    return rc;
}

/* The value of one entry as a CSV row (d: the stored bytes, or the plain
 * value of a protected entry, then pk_type says which). */
static int emit_value(parse_ctx_t *pc, const esc_tlv_entry_t *e, const uint8_t *d, size_t dlen, const uint8_t *img,
                      size_t len, const char *pk_type, bool last_integrity)
{
    char name[96], value[128], nb[TLV_NAME_LEN], ids[16], stem[48];
    bool protected_entry = pk_type[0] != 0;
    switch (e->type) {
    case ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV:
        pc->signatures++;
        return emit_comment(pc, e,
                            "signature block: signatures cannot be regenerated from a CSV (they need the private "
                            "signing key); sign the rebuilt image with generate --esp-secure-cert-file --secure-sign");
    case ESP_SECURE_CERT_INTEGRITY_TLV:
        /* generate adds the final INTEGRITY entry itself. */
        return last_integrity ? 0 : emit_comment(pc, e, "INTEGRITY before other entries; not regenerated");
    default: break;
    }
    if (dlen == 0) {
        /* A zero-length entry: an empty hex value (a PRIV_KEY row needs its kind). */
        if (esc_tlv_flag_is_ecdsa_peripheral(e->flags)) {
            return emit_comment(pc, e, "empty ECDSA-peripheral key entry; not regenerated");
        }
        const char *kind = protected_entry ? pk_type : e->type == ESP_SECURE_CERT_PRIV_KEY_TLV ? "plaintext" : "";
        return add_row(pc, csv_type_name(e->type, nb, sizeof(nb)), e->subtype, "", "hex", kind, "", "",
                       hmac_efuse_cell(pc, kind, ids, sizeof(ids)));
    }
    switch (e->type) {
    case ESP_SECURE_CERT_CA_CERT_TLV: return emit_cert(pc, e, d, dlen, "cacert", pk_type);
    case ESP_SECURE_CERT_DEV_CERT_TLV: return emit_cert(pc, e, d, dlen, "devcert", pk_type);
    case ESP_SECURE_CERT_PRIV_KEY_TLV:
        return emit_key(pc, e, d, dlen, img, len,
                        protected_entry                             ? pk_type
                        : esc_tlv_flag_is_ecdsa_peripheral(e->flags) ? "ecdsa_peripheral"
                                                                     : "plaintext");
    default: break;
    }
    if (is_user_data(e->type) && !protected_entry) {
        snprintf(name, sizeof(name), "user_data_%u_%u_%u.bin", e->type - 50, e->type, e->subtype);
        if (write_content(pc, name, d, dlen, false) != 0) {
            return -1;
        }
        return emit_inline(pc, e, d, dlen);
    }
    /* DS entries, every other type and decrypted values: a file row stored
     * as is (the raw file is written in emit_entry, decrypted ones here). */
    file_stem(e->type, stem, sizeof(stem));
    snprintf(name, sizeof(name), "%s_%u_%u.bin", stem, e->type, e->subtype);
    if (protected_entry && write_content(pc, name, d, dlen, true) != 0) {
        return -1;
    }
    snprintf(value, sizeof(value), "contents/%s", name);
    return add_row(pc, csv_type_name(e->type, nb, sizeof(nb)), e->subtype, value, "file", pk_type, "", "",
                   hmac_efuse_cell(pc, pk_type, ids, sizeof(ids)));
}

static int emit_entry(parse_ctx_t *pc, const esc_tlv_entry_t *e, const uint8_t *img, size_t len, bool have_efuse,
                      bool last_integrity)
{
    const uint8_t *d = img + e->data_offset;
    char name[96], stem[48];
    bool encrypted = esc_tlv_flag_is_hmac_encrypted(e->flags);
    bool derived = esc_tlv_flag_is_hmac_ecdsa_derived(e->flags);

    /* The stored bytes of protected entries and of everything that is not a
     * certificate, key or user data value, for inspection. */
    if (encrypted || derived || (e->type > ESP_SECURE_CERT_PRIV_KEY_TLV && !is_user_data(e->type))) {
        file_stem(e->type, stem, sizeof(stem));
        snprintf(name, sizeof(name), "%s_%u_%u.%s", stem, e->type, e->subtype, encrypted ? "enc" : "bin");
        if (write_content(pc, name, d, e->length, e->type == ESP_SECURE_CERT_PRIV_KEY_TLV) != 0) {
            return -1;
        }
    }
    if (!encrypted && !derived) {
        return emit_value(pc, e, d, e->length, img, len, "", last_integrity);
    }
    if (!have_efuse) {
        return emit_comment(pc, e, derived ? "HMAC-derived key marker; give --efuse to derive the key"
                                           : "HMAC-encrypted; give --efuse to decrypt it");
    }
    if (derived && (e->type != 2 || e->length != 0)) {
        return emit_comment(pc, e, "HMAC-derivation flag on an entry that is not an empty PRIV_KEY marker");
    }
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    char why[128];
    if (read_protected(e, &plain, &plain_len, why, sizeof(why)) != 0) {
        char label[TLV_NAME_LEN];
        cli_warn("%s: cannot %s it: %s", tlv_entry_label(e, label, sizeof(label)), derived ? "derive" : "decrypt",
                 why);
        pc->warnings++;
        return emit_comment(pc, e,
                            derived ? "HMAC-derived key: derivation failed" : "HMAC-encrypted: decryption failed");
    }
    int rc = emit_value(pc, e, plain, plain_len, img, len, derived ? "hmac_derived_ecdsa" : "hmac_encrypted",
                        last_integrity);
    cli_free_secret(plain, plain_len);
    return rc;
}

static bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        return true;
    }
    struct dirent *de;
    bool empty = true;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            empty = false;
            break;
        }
    }
    closedir(d);
    return empty;
}

static const cli_command_t k_cmd = {"parse", k_usage, k_desc, k_opts, NOPTS};

int cmd_parse(int argc, char **argv)
{
    cli_parsed_t p;
    const char *image;
    int exit_code;
    if (!cli_begin(&k_cmd, argc, argv, &p, &image, &exit_code)) {
        return exit_code;
    }
    parse_ctx_t pc;
    memset(&pc, 0, sizeof(pc));
    pc.dir = cli_get(&p, "output-dir") ? cli_get(&p, "output-dir") : "esp_secure_cert_parsed_data";
    pc.force = cli_has(&p, "force");
    pc.hmac_block = -1;
    const char *efuse = cli_get(&p, "efuse");
    bool quiet = cli_has(&p, "quiet");

    uint8_t *img = NULL;
    size_t len = 0;
    char err[512];
    int rc = CLI_EXIT_OK;
    bool opened = false;
    if (cli_read_file(image, &img, &len, err, sizeof(err)) != 0) {
        rc = cli_error("parse: %s", err);
        goto out;
    }
    if (len < 4 || esc_le32(img) != ESC_TLV_MAGIC) {
        rc = cli_error("parse: '%s' is not an esp_secure_cert TLV image (no magic 0xBA5EBA11 at offset 0)", image);
        goto out;
    }
    if (!pc.force && !dir_is_empty(pc.dir)) {
        rc = cli_error("parse: output directory '%s' is not empty (use --force to write into it)", pc.dir);
        goto out;
    }
    if (out_file_join(pc.contents, sizeof(pc.contents), pc.dir, "contents") != 0 ||
        out_file_make_dir(pc.contents, err, sizeof(err)) != 0) {
        rc = cli_error("parse: %s", err);
        goto out;
    }
    if (efuse != NULL) {
        esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
        cfg.writable = false;
        cfg.efuse_path = efuse;
        esp_err_t oe = esp_secure_cert_host_open(image, &cfg);
        if (oe != ESP_OK) {
            rc = cli_error("parse: cannot open '%s' with eFuse file '%s': %s", image, efuse, esp_err_to_name(oe));
            goto out;
        }
        opened = true;
        /* The reader uses the first HMAC_UP block; rows that need the key name it. */
        for (int b = 0; b < ESC_EFUSE_KEY_BLOCKS && pc.hmac_block < 0; b++) {
            esc_key_purpose_t purpose;
            if (esc_host_efuse_get_purpose(b, &purpose) == ESP_OK && purpose == ESC_PURPOSE_HMAC_UP) {
                pc.hmac_block = b;
            }
        }
    }

    /* The last INTEGRITY entry is the one generate re-creates. */
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    size_t last_offset = 0, count = 0;
    bool last_is_integrity = false;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, img, len, &e) == ESC_TLV_OK) {
        last_offset = e.offset;
        last_is_integrity = e.type == ESP_SECURE_CERT_INTEGRITY_TLV;
        count++;
    }
    esc_tlv_result_t r;
    esc_tlv_cursor_init(&cur);
    while ((r = esc_tlv_cursor_next(&cur, img, len, &e)) == ESC_TLV_OK) {
        if (!e.crc_ok) {
            cli_warn("%s: entry at 0x%04x has a bad CRC; extracted anyway", image, (unsigned)e.offset);
            pc.warnings++;
        }
        if (emit_entry(&pc, &e, img, len, efuse != NULL, last_is_integrity && e.offset == last_offset) != 0) {
            rc = CLI_EXIT_INPUT;
            goto out;
        }
    }
    if (r == ESC_TLV_ERR_TRUNCATED) {
        cli_warn("%s: the entry at 0x%04zx runs past the end of the file; stopped there", image, cur.next_offset);
        pc.warnings++;
    }

    char path[4096];
    if (out_file_join(path, sizeof(path), pc.dir, "esp_secure_cert_parsed.csv") != 0 ||
        csv_out_write(path, &pc.csv, pc.force, err, sizeof(err)) != 0) {
        rc = cli_error("parse: %s", err);
        goto out;
    }
    {
        char *txt = NULL;
        size_t txt_len = 0;
        FILE *m = open_memstream(&txt, &txt_len);
        if (m == NULL) {
            rc = cli_error("out of memory");
            goto out;
        }
        tlv_dump_text(m, image, img, len);
        fclose(m);
        int wrc = out_file_join(path, sizeof(path), pc.dir, "tlv_entries_raw.txt") != 0
                      ? -1
                      : out_file_write(path, (const uint8_t *)txt, txt_len, pc.force, OUT_FILE_PUBLIC, err,
                                       sizeof(err));
        cli_free_secret(txt, txt_len);
        if (wrc != 0) {
            rc = cli_error("parse: %s", err);
            goto out;
        }
    }
    if (!quiet) {
        printf("Parsed %s: %zu entries\n", image, count);
        printf("  CSV:      %s/esp_secure_cert_parsed.csv (%zu rows)\n", pc.dir, pc.csv.n);
        printf("  contents: %s/ (%u files)\n", pc.contents, pc.files);
        printf("  listing:  %s/tlv_entries_raw.txt\n", pc.dir);
        if (pc.warnings) {
            printf("  %u warning(s), see above\n", pc.warnings);
        }
        if (pc.hmac_rows > 0) {
            printf("Rebuild with: %s generate --csv %s/esp_secure_cert_parsed.csv --efuse %s -o NEW.bin\n"
                   "  (%u HMAC-protected row(s): --efuse gives generate the same HMAC_UP key, so the entries are\n"
                   "  encrypted to the same bytes)\n",
                   CLI_PROGRAM_NAME, pc.dir, efuse, pc.hmac_rows);
        } else {
            printf("Rebuild with: %s generate --csv %s/esp_secure_cert_parsed.csv -o NEW.bin\n", CLI_PROGRAM_NAME,
                   pc.dir);
        }
    }
    if (pc.signatures > 0) {
        /* Not a failure, but the CSV alone does not give this image back. */
        cli_warn("%s is signed (%u SIGNATURE_BLOCK entr%s): signatures are not in the CSV. A signature covers "
                 "the exact bytes before it and needs the private signing key, which the image does not hold; "
                 "sign the rebuilt image again: %s generate --esp-secure-cert-file NEW.bin --secure-sign "
                 "--signing-key-file KEY",
                 image, pc.signatures, pc.signatures == 1 ? "y" : "ies", CLI_PROGRAM_NAME);
    }

out:
    if (opened) {
        esp_secure_cert_host_close();
    }
    csv_out_free(&pc.csv);
    cli_free_secret(img, len); /* it may hold plaintext private keys */
    cli_parsed_free(&p);
    return rc;
}
