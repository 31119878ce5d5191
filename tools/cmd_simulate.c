/*
 * `simulate --flash IMAGE`: what firmware would see.
 *
 * The image is opened READ-ONLY through the host port and every value comes
 * from the public esp_secure_cert_* API, i.e. the code path an application
 * runs on the device. Nothing here reads the TLVs directly, so a difference
 * between `list` and `simulate` is a finding about the library.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"
#include "ds_selftest.h"
#include "json_out.h"
#include "text_codec.h"

static const cli_opt_t k_opts[] = {
    {"flash", NULL, 'f', 1, "IMAGE", "flash image: a bare partition or a full flash dump with partition table"},
    {"json", NULL, 0, 0, NULL, "print JSON"},
    {"efuse", NULL, 0, 1, "FILE", "eFuse state (text file or QEMU eFuse image) for HMAC/DS/ECDSA keys"},
    {"target-chip", NULL, 0, 1, "CHIP", "chip whose DS peripheral the self-test emulates (default esp32c3)"},
    {"partition-offset", NULL, 0, 1, "OFFSET", "offset of esp_secure_cert in a full flash dump (default: found)"},
};
#define NOPTS (sizeof(k_opts) / sizeof(k_opts[0]))

static const char k_usage[] =
    CLI_PROGRAM_NAME " simulate --flash IMAGE [--json] [--efuse FILE] [--target-chip CHIP] [--partition-offset N]";
static const char k_desc[] =
    "Open IMAGE read-only through the host port and print what firmware reads through the\n"
    "public API: device and CA certificate, private key type, eFuse key id, private key,\n"
    "DS context and partition integrity.\n"
    "JSON keys: device_cert_sha256, ca_cert_sha256, priv_key_type, priv_key_efuse_id,\n"
    "priv_key_sha256 (SHA-256 of exactly what esp_secure_cert_get_priv_key returns),\n"
    "integrity, ds_ctx, ds_self_test, plus device_cert_len, ca_cert_len, priv_key_len.\n"
    "A value is null where the API returned an error; the error's name is then under\n"
    "'<key>_error'.";

static const char *key_type_name(esp_secure_cert_key_type_t t)
{
    switch (t) {
    case ESP_SECURE_CERT_INVALID_KEY: return "ESP_SECURE_CERT_INVALID_KEY";
    case ESP_SECURE_CERT_DEFAULT_FORMAT_KEY: return "ESP_SECURE_CERT_DEFAULT_FORMAT_KEY";
    case ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY: return "ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY";
    case ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY: return "ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY";
    case ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY: return "ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY";
    }
    return NULL;
}

/* One reported value: either ok with text, or the API's error. */
typedef struct {
    esp_err_t err;
    char text[80];   /* sha256 hex, enum name, ... */
    long long num;   /* numeric values */
    long long len;   /* byte length of a buffer value, -1 if none */
    bool is_num;
} sim_value_t;

typedef esp_err_t (*get_buf_fn)(char **buffer, uint32_t *len);
typedef esp_err_t (*free_buf_fn)(char *buffer);

static void read_buffer(get_buf_fn get, free_buf_fn release, sim_value_t *v)
{
    char *buf = NULL;
    uint32_t len = 0;
    memset(v, 0, sizeof(*v));
    v->len = -1;
    v->err = get(&buf, &len);
    if (v->err != ESP_OK) {
        return;
    }
    uint8_t digest[32];
    if (buf == NULL && len > 0) {
        v->err = ESP_FAIL;
        return;
    }
    cli_sha256(buf, len, digest);
    text_hex_encode(digest, 32, false, v->text);
    v->len = len;
    release(buf);
}

static void emit(json_writer_t *j, bool json, const char *key, const char *label, const sim_value_t *v)
{
    if (json) {
        json_key(j, key);
        if (v->err != ESP_OK) {
            json_null(j);
            char ek[64];
            snprintf(ek, sizeof(ek), "%s_error", key);
            json_kv_string(j, ek, esp_err_to_name(v->err));
        } else if (v->is_num) {
            json_int(j, v->num);
        } else {
            json_string(j, v->text);
        }
        if (v->len >= 0) {
            /* "device_cert_sha256" -> "device_cert_len" */
            char lk[64];
            const char *suffix = strstr(key, "_sha256");
            int stem = suffix ? (int)(suffix - key) : (int)strlen(key);
            snprintf(lk, sizeof(lk), "%.*s_len", stem, key);
            json_kv_int(j, lk, v->len);
        }
        return;
    }
    if (v->err != ESP_OK) {
        printf("%-20s error %s\n", label, esp_err_to_name(v->err));
    } else if (v->is_num) {
        printf("%-20s %lld\n", label, v->num);
    } else if (v->len >= 0) {
        printf("%-20s %lld bytes, sha256 %s\n", label, v->len, v->text);
    } else {
        printf("%-20s %s\n", label, v->text);
    }
}

static const cli_command_t k_cmd = {"simulate", k_usage, k_desc, k_opts, NOPTS};

int cmd_simulate(int argc, char **argv)
{
    cli_parsed_t p;
    int exit_code;
    if (!cli_begin(&k_cmd, argc, argv, &p, NULL, &exit_code)) {
        return exit_code;
    }
    const char *image = cli_get(&p, "flash");
    if (image == NULL && p.npositional == 1) {
        image = p.positional[0]; /* `simulate IMAGE` is accepted too */
    } else if (p.npositional != 0) {
        cli_parsed_free(&p);
        return cli_error_code(CLI_EXIT_USAGE, "simulate: unexpected argument (usage: %s)", k_usage);
    }
    if (image == NULL) {
        cli_parsed_free(&p);
        return cli_error_code(CLI_EXIT_USAGE, "simulate: --flash IMAGE is required (usage: %s)", k_usage);
    }
    bool json = cli_has(&p, "json");
    const char *efuse = cli_get(&p, "efuse");
    const char *chip = cli_get(&p, "target-chip");
    const char *offset_s = cli_get(&p, "partition-offset");

    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = false; /* simulate never changes the image or the eFuse file */
    cfg.efuse_path = efuse;
    if (offset_s != NULL) {
        long off;
        if (cli_parse_long(offset_s, 0, 0x7fffffffL, &off) != 0 || (off % 4096) != 0) {
            cli_parsed_free(&p);
            return cli_error_code(CLI_EXIT_USAGE, "simulate: --partition-offset '%s' is not a 4 KiB-aligned number",
                                  offset_s);
        }
        cfg.partition_offset = off;
    }
    if (!cli_path_exists(image)) {
        cli_parsed_free(&p);
        return cli_error("simulate: image '%s' not found", image);
    }
    if (efuse != NULL && !cli_path_exists(efuse)) {
        cli_parsed_free(&p);
        return cli_error("simulate: eFuse file '%s' not found", efuse);
    }
    esp_err_t oe = esp_secure_cert_host_open(image, &cfg);
    if (oe != ESP_OK) {
        cli_parsed_free(&p);
        return cli_error("simulate: cannot open '%s'%s%s: %s", image, efuse ? " with eFuse file " : "",
                         efuse ? efuse : "", esp_err_to_name(oe));
    }

    sim_value_t dev, ca, ktype, efuse_id, key, integrity;
    read_buffer(esp_secure_cert_get_device_cert, esp_secure_cert_free_device_cert, &dev);
    read_buffer(esp_secure_cert_get_ca_cert, esp_secure_cert_free_ca_cert, &ca);

    memset(&ktype, 0, sizeof(ktype));
    ktype.len = -1;
    esp_secure_cert_key_type_t kt = ESP_SECURE_CERT_INVALID_KEY;
    ktype.err = esp_secure_cert_get_priv_key_type(&kt);
    if (ktype.err == ESP_OK) {
        const char *n = key_type_name(kt);
        if (n != NULL) {
            snprintf(ktype.text, sizeof(ktype.text), "%s", n);
        } else {
            snprintf(ktype.text, sizeof(ktype.text), "%d", (int)kt);
        }
    }

    memset(&efuse_id, 0, sizeof(efuse_id));
    efuse_id.len = -1;
    efuse_id.is_num = true;
    uint8_t block = 0;
    efuse_id.err = esp_secure_cert_get_priv_key_efuse_id(&block);
    efuse_id.num = block;

    read_buffer(esp_secure_cert_get_priv_key, esp_secure_cert_free_priv_key, &key);

    memset(&integrity, 0, sizeof(integrity));
    integrity.len = -1;
    integrity.err = esp_secure_cert_verify_partition_integrity();

    esp_ds_data_ctx_t *ds = esp_secure_cert_get_ds_ctx();

    /* DS self-test: a signature through the emulated DS peripheral, checked
     * against the device certificate's public key. */
    int st = -1;
    char st_err[384] = "";
    if (ds == NULL) {
        snprintf(st_err, sizeof(st_err), "no DS context in the image");
    } else if (efuse == NULL) {
        snprintf(st_err, sizeof(st_err), "needs --efuse FILE holding the DS HMAC key");
    } else {
        st = esc_ds_self_test(chip, efuse, st_err, sizeof(st_err)) == 0 ? 0 : 1;
    }

    json_writer_t j;
    if (json) {
        json_init(&j, stdout);
        json_begin_object(&j);
        json_kv_string(&j, "image", image);
        if (chip != NULL) {
            json_kv_string(&j, "target_chip", chip);
        }
    } else {
        printf("%s (read-only, through the public API)\n", image);
    }
    emit(&j, json, "device_cert_sha256", "device cert:", &dev);
    emit(&j, json, "ca_cert_sha256", "CA cert:", &ca);
    emit(&j, json, "priv_key_type", "private key type:", &ktype);
    emit(&j, json, "priv_key_efuse_id", "key eFuse block:", &efuse_id);
    emit(&j, json, "priv_key_sha256", "private key:", &key);
    if (json) {
        json_key(&j, "integrity");
        if (integrity.err == ESP_OK) {
            json_bool(&j, true);
        } else {
            json_null(&j);
            json_kv_string(&j, "integrity_error", esp_err_to_name(integrity.err));
        }
        json_key(&j, "ds_ctx");
        if (ds != NULL) {
            json_begin_object(&j);
            json_kv_int(&j, "efuse_key_id", ds->efuse_key_id);
            json_kv_int(&j, "rsa_length_bits", ds->rsa_length_bits);
            json_end_object(&j);
        } else {
            json_null(&j);
        }
        json_key(&j, "ds_self_test");
        if (st == 0) {
            json_string(&j, "ok");
        } else if (st == 1) {
            json_string(&j, "fail");
            json_kv_string(&j, "ds_self_test_error", st_err);
        } else {
            json_null(&j);
            json_kv_string(&j, "ds_self_test_error", st_err);
        }
        json_end_object(&j);
        json_finish(&j);
    } else {
        printf("%-20s %s\n", "integrity:", integrity.err == ESP_OK ? "ok" : esp_err_to_name(integrity.err));
        if (ds != NULL) {
            printf("%-20s RSA-%u, eFuse key %u\n", "DS context:", ds->rsa_length_bits, ds->efuse_key_id);
        } else {
            printf("%-20s none\n", "DS context:");
        }
        printf("%-20s %s%s%s\n", "DS self-test:", st == 0 ? "ok" : st == 1 ? "FAIL" : "not run",
               st_err[0] ? ": " : "", st_err);
    }

    if (ds != NULL) {
        esp_secure_cert_free_ds_ctx(ds);
    }
    esp_secure_cert_host_close();
    cli_parsed_free(&p);
    return CLI_EXIT_OK;
}
