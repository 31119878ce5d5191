/*
 * eFuse emulation: key blocks, purposes, protection, the two file formats.
 *
 * QEMU image layout (esp32c3; esp32s3 is the same for these fields): the file
 * is the eFuse read registers from EFUSE_RD_WR_DIS_REG (0x2c) on, so file
 * offset = register offset - 0x2c (soc/efuse_reg.h):
 *   0x00 WR_DIS         bit 8+n: KEY_PURPOSE_n write-disabled, bit 23+n: BLOCK_KEYn
 *   0x04 RD_REPEAT_DATA0 bits 0..5: RD_DIS of KEY0..KEY5
 *   0x08 RD_REPEAT_DATA1 KEY_PURPOSE_0 bits 24..27, KEY_PURPOSE_1 bits 28..31
 *   0x0c RD_REPEAT_DATA2 KEY_PURPOSE_2..5 in bits 0..15, 4 bits each
 *   0x70 + 32*n         BLOCK_KEYn (EFUSE_RD_KEY0_DATA0_REG = 0x9c)
 * Words are little-endian. Checked against the reference qemu_efuse.bin,
 * whose KEY0 (0x70..0x8f) has purpose 7 with WR_DIS bits 8 and 23 set.
 */
#include "host_efuse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esc_crypto.h"

#define N_KEYS ESC_EFUSE_KEY_BLOCKS

#define QEMU_WR_DIS 0x00
#define QEMU_RD_DIS 0x04
#define QEMU_PURPOSE01 0x08
#define QEMU_PURPOSE25 0x0c
#define QEMU_KEY0 0x70
#define QEMU_WR_DIS_PURPOSE_BIT 8
#define QEMU_WR_DIS_KEY_BIT 23

static struct {
    uint8_t key[N_KEYS][ESC_HOST_EFUSE_KEY_LEN];
    uint8_t purpose[N_KEYS];
    bool rd_prot[N_KEYS];
    bool wr_prot[N_KEYS];
    uint8_t image[ESC_HOST_EFUSE_QEMU_IMAGE_LEN]; /* loaded QEMU image, kept for the other fields */
    esc_host_efuse_format_t fmt;
    char *path;    /* where burns are saved, if persist */
} s_ef;

static const char *const k_purpose_names[] = {
    [ESC_PURPOSE_USER] = "USER",
    [ESC_PURPOSE_RESERVED] = "RESERVED",
    [ESC_PURPOSE_XTS_AES_256_KEY_1] = "XTS_AES_256_KEY_1",
    [ESC_PURPOSE_XTS_AES_256_KEY_2] = "XTS_AES_256_KEY_2",
    [ESC_PURPOSE_XTS_AES_128_KEY] = "XTS_AES_128_KEY",
    [ESC_PURPOSE_HMAC_DOWN_ALL] = "HMAC_DOWN_ALL",
    [ESC_PURPOSE_HMAC_DOWN_JTAG] = "HMAC_DOWN_JTAG",
    [ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE] = "HMAC_DOWN_DIGITAL_SIGNATURE",
    [ESC_PURPOSE_HMAC_UP] = "HMAC_UP",
    [ESC_PURPOSE_SECURE_BOOT_DIGEST0] = "SECURE_BOOT_DIGEST0",
    [ESC_PURPOSE_SECURE_BOOT_DIGEST1] = "SECURE_BOOT_DIGEST1",
    [ESC_PURPOSE_SECURE_BOOT_DIGEST2] = "SECURE_BOOT_DIGEST2",
    [ESC_PURPOSE_ECDSA_KEY] = "ECDSA_KEY",
};
#define N_PURPOSE_NAMES (sizeof(k_purpose_names) / sizeof(k_purpose_names[0]))

const char *esc_host_efuse_purpose_name(esc_key_purpose_t purpose)
{
    if ((unsigned)purpose < N_PURPOSE_NAMES) {
        return k_purpose_names[purpose];
    }
    return NULL;
}

static void clear_state(void)
{
    esc_zeroize(s_ef.key, sizeof(s_ef.key));
    esc_zeroize(s_ef.image, sizeof(s_ef.image));
    memset(s_ef.purpose, 0, sizeof(s_ef.purpose));
    memset(s_ef.rd_prot, 0, sizeof(s_ef.rd_prot));
    memset(s_ef.wr_prot, 0, sizeof(s_ef.wr_prot));
    s_ef.fmt = ESC_HOST_EFUSE_FORMAT_TEXT;
}

void esc_host_efuse_reset(void)
{
    clear_state();
    free(s_ef.path);
    s_ef.path = NULL;
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static unsigned qemu_purpose_shift(int n, size_t *word_off)
{
    if (n < 2) {
        *word_off = QEMU_PURPOSE01;
        return 24u + 4u * (unsigned)n;
    }
    *word_off = QEMU_PURPOSE25;
    return 4u * (unsigned)(n - 2);
}

static void load_qemu(const uint8_t *img)
{
    clear_state();
    memcpy(s_ef.image, img, ESC_HOST_EFUSE_QEMU_IMAGE_LEN);
    uint32_t wr_dis = get_le32(img + QEMU_WR_DIS);
    uint32_t rd_dis = get_le32(img + QEMU_RD_DIS);
    for (int n = 0; n < N_KEYS; n++) {
        size_t off;
        unsigned shift = qemu_purpose_shift(n, &off);
        s_ef.purpose[n] = (uint8_t)((get_le32(img + off) >> shift) & 0xF);
        s_ef.rd_prot[n] = (rd_dis >> n) & 1u;
        s_ef.wr_prot[n] = ((wr_dis >> (QEMU_WR_DIS_PURPOSE_BIT + n)) & 1u) ||
                          ((wr_dis >> (QEMU_WR_DIS_KEY_BIT + n)) & 1u);
        memcpy(s_ef.key[n], img + QEMU_KEY0 + ESC_HOST_EFUSE_KEY_LEN * n, ESC_HOST_EFUSE_KEY_LEN);
    }
    s_ef.fmt = ESC_HOST_EFUSE_FORMAT_QEMU;
}

void esc_host_efuse_save_qemu(uint8_t out[ESC_HOST_EFUSE_QEMU_IMAGE_LEN])
{
    memcpy(out, s_ef.image, ESC_HOST_EFUSE_QEMU_IMAGE_LEN);
    uint32_t wr_dis = get_le32(out + QEMU_WR_DIS);
    uint32_t rd_dis = get_le32(out + QEMU_RD_DIS);
    for (int n = 0; n < N_KEYS; n++) {
        size_t off;
        unsigned shift = qemu_purpose_shift(n, &off);
        uint32_t w = get_le32(out + off);
        w = (w & ~(0xFu << shift)) | ((uint32_t)s_ef.purpose[n] << shift);
        put_le32(out + off, w);
        if (s_ef.rd_prot[n]) {
            rd_dis |= 1u << n;
        }
        if (s_ef.wr_prot[n]) {
            wr_dis |= 1u << (QEMU_WR_DIS_PURPOSE_BIT + n);
            wr_dis |= 1u << (QEMU_WR_DIS_KEY_BIT + n);
        }
        memcpy(out + QEMU_KEY0 + ESC_HOST_EFUSE_KEY_LEN * n, s_ef.key[n], ESC_HOST_EFUSE_KEY_LEN);
    }
    put_le32(out + QEMU_WR_DIS, wr_dis);
    put_le32(out + QEMU_RD_DIS, rd_dis);
}

/* ---- text format ---- */

static bool is_text(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!(p[i] == '\t' || p[i] == '\n' || p[i] == '\r' || (p[i] >= 0x20 && p[i] < 0x7f))) {
            return false;
        }
    }
    return true;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool parse_purpose(const char *tok, uint8_t *out)
{
    for (size_t i = 0; i < N_PURPOSE_NAMES; i++) {
        if (k_purpose_names[i] != NULL && strcasecmp(tok, k_purpose_names[i]) == 0) {
            *out = (uint8_t)i;
            return true;
        }
    }
    /* A bare number 0..15 names the purposes other chips define. */
    if (isdigit((unsigned char)tok[0]) && strlen(tok) <= 2) {
        int v = atoi(tok);
        if (v >= 0 && v < ESC_PURPOSE_MAX) {
            *out = (uint8_t)v;
            return true;
        }
    }
    return false;
}

#define TEXT_MAX_TOKENS 6

static esp_err_t text_error(unsigned line, const char *what)
{
    fprintf(stderr, "esp_secure_cert host: eFuse file line %u: %s\n", line, what);
    return ESP_ERR_INVALID_ARG;
}

/* One line, comment already cut off, NUL-terminated in place. */
static esp_err_t parse_text_line(char *s, unsigned line, bool seen[N_KEYS])
{
    char *tok[TEXT_MAX_TOKENS + 1];
    int nt = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t\r", &save); t != NULL; t = strtok_r(NULL, " \t\r", &save)) {
        if (nt > TEXT_MAX_TOKENS) {
            return text_error(line, "too many fields");
        }
        tok[nt++] = t;
    }
    if (nt == 0) {
        return ESP_OK;
    }
    if (nt < 3) {
        return text_error(line, "expected KEY<n> <PURPOSE> <64 hex digits> [read_protected] [write_protected]");
    }
    if (strncasecmp(tok[0], "KEY", 3) != 0 || tok[0][3] < '0' || tok[0][3] > '5' || tok[0][4] != '\0') {
        return text_error(line, "first field must be KEY0..KEY5");
    }
    int n = tok[0][3] - '0';
    if (seen[n]) {
        return text_error(line, "key block given twice");
    }
    seen[n] = true;
    if (!parse_purpose(tok[1], &s_ef.purpose[n])) {
        return text_error(line, "unknown key purpose (see docs/efuse-file.md)");
    }
    if (strlen(tok[2]) != 2 * ESC_HOST_EFUSE_KEY_LEN) {
        return text_error(line, "key must be exactly 64 hex digits");
    }
    for (int i = 0; i < ESC_HOST_EFUSE_KEY_LEN; i++) {
        int hi = hex_val(tok[2][2 * i]), lo = hex_val(tok[2][2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return text_error(line, "key has a non-hex digit");
        }
        s_ef.key[n][i] = (uint8_t)(hi << 4 | lo);
    }
    for (int i = 3; i < nt; i++) {
        if (strcasecmp(tok[i], "read_protected") == 0) {
            s_ef.rd_prot[n] = true;
        } else if (strcasecmp(tok[i], "write_protected") == 0) {
            s_ef.wr_prot[n] = true;
        } else {
            return text_error(line, "unknown flag (read_protected, write_protected)");
        }
    }
    return ESP_OK;
}

static esp_err_t load_text(const char *text, size_t len)
{
    clear_state();
    bool seen[N_KEYS] = {false};
    unsigned line = 0;
    size_t pos = 0;
    char buf[512];
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        const char *hash = memchr(text + pos, '#', n);
        if (hash != NULL) {
            n = (size_t)(hash - (text + pos));
        }
        if (n >= sizeof(buf)) {
            clear_state();
            return text_error(line, "line too long");
        }
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        esp_err_t err = parse_text_line(buf, line, seen);
        esc_zeroize(buf, sizeof(buf));
        if (err != ESP_OK) {
            clear_state();
            return err;
        }
        pos = end + 1;
    }
    s_ef.fmt = ESC_HOST_EFUSE_FORMAT_TEXT;
    return ESP_OK;
}

static bool block_blank(int n)
{
    static const uint8_t zero[ESC_HOST_EFUSE_KEY_LEN];
    return s_ef.purpose[n] == ESC_PURPOSE_USER && !s_ef.rd_prot[n] && !s_ef.wr_prot[n] &&
           memcmp(s_ef.key[n], zero, sizeof(zero)) == 0;
}

esp_err_t esc_host_efuse_save_text(char *buf, size_t cap, size_t *out_len)
{
    if (buf == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    size_t used = 0;
    int w = snprintf(buf, cap, "# esp_secure_cert host eFuse key blocks (format: docs/efuse-file.md)\n");
    if (w < 0 || (size_t)w >= cap) {
        return ESP_ERR_INVALID_SIZE;
    }
    used = (size_t)w;
    for (int n = 0; n < N_KEYS; n++) {
        if (block_blank(n)) {
            continue;
        }
        char hex[2 * ESC_HOST_EFUSE_KEY_LEN + 1];
        for (int i = 0; i < ESC_HOST_EFUSE_KEY_LEN; i++) {
            snprintf(hex + 2 * i, 3, "%02x", s_ef.key[n][i]);
        }
        char num[4];
        const char *name = esc_host_efuse_purpose_name((esc_key_purpose_t)s_ef.purpose[n]);
        if (name == NULL) {
            snprintf(num, sizeof(num), "%u", s_ef.purpose[n]);
            name = num;
        }
        w = snprintf(buf + used, cap - used, "KEY%d %s %s%s%s\n", n, name, hex,
                     s_ef.rd_prot[n] ? " read_protected" : "", s_ef.wr_prot[n] ? " write_protected" : "");
        esc_zeroize(hex, sizeof(hex));
        if (w < 0 || (size_t)w >= cap - used) {
            esc_zeroize(buf, cap);
            return ESP_ERR_INVALID_SIZE;
        }
        used += (size_t)w;
    }
    if (out_len != NULL) {
        *out_len = used;
    }
    return ESP_OK;
}

esp_err_t esc_host_efuse_load_buffer(const void *data, size_t len)
{
    if (data == NULL && len > 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (is_text(data, len)) {
        return load_text(data, len);
    }
    if (len == ESC_HOST_EFUSE_QEMU_IMAGE_LEN) {
        load_qemu(data);
        return ESP_OK;
    }
    clear_state();
    fprintf(stderr, "esp_secure_cert host: eFuse data is neither text nor a %d-byte QEMU image (%zu bytes)\n",
            ESC_HOST_EFUSE_QEMU_IMAGE_LEN, len);
    return ESP_ERR_INVALID_ARG;
}

/* The eFuse files are small; anything larger is not one. */
#define EFUSE_FILE_MAX (64 * 1024)

esp_err_t esc_host_efuse_load_file(const char *path, bool persist)
{
    if (path == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_host_efuse_reset();
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        if (errno == ENOENT && persist) {
            s_ef.path = strdup(path);
            return s_ef.path ? ESP_OK : ESP_ERR_NO_MEM;
        }
        fprintf(stderr, "esp_secure_cert host: cannot open eFuse file %s: %s\n", path, strerror(errno));
        return ESP_ERR_NOT_FOUND;
    }
    uint8_t *data = malloc(EFUSE_FILE_MAX + 1);
    if (data == NULL) {
        fclose(fp);
        return ESP_ERR_NO_MEM;
    }
    size_t len = fread(data, 1, EFUSE_FILE_MAX + 1, fp);
    bool read_error = ferror(fp);
    fclose(fp);
    esp_err_t err;
    if (read_error) {
        fprintf(stderr, "esp_secure_cert host: cannot read eFuse file %s\n", path);
        err = ESP_ERR_NOT_FOUND;
    } else if (len > EFUSE_FILE_MAX) {
        fprintf(stderr, "esp_secure_cert host: eFuse file %s is too large\n", path);
        err = ESP_ERR_INVALID_ARG;
    } else {
        err = esc_host_efuse_load_buffer(data, len);
    }
    esc_zeroize(data, EFUSE_FILE_MAX + 1);
    free(data);
    if (err == ESP_OK && persist) {
        s_ef.path = strdup(path);
        if (s_ef.path == NULL) {
            return ESP_ERR_NO_MEM;
        }
    }
    return err;
}

esp_err_t esc_host_efuse_save_file(const char *path, esc_host_efuse_format_t fmt)
{
    if (path == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    uint8_t qemu[ESC_HOST_EFUSE_QEMU_IMAGE_LEN];
    char text[2048];
    const void *data;
    size_t len;
    if (fmt == ESC_HOST_EFUSE_FORMAT_QEMU) {
        esc_host_efuse_save_qemu(qemu);
        data = qemu;
        len = sizeof(qemu);
    } else {
        esp_err_t err = esc_host_efuse_save_text(text, sizeof(text), &len);
        if (err != ESP_OK) {
            return err;
        }
        data = text;
    }
    esp_err_t err = ESP_OK;
    FILE *fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len) {
        err = ESP_FAIL;
    }
    if (fp != NULL && fclose(fp) != 0) {
        err = ESP_FAIL;
    }
    if (err != ESP_OK) {
        fprintf(stderr, "esp_secure_cert host: cannot write eFuse file %s\n", path);
    }
    esc_zeroize(qemu, sizeof(qemu));
    esc_zeroize(text, sizeof(text));
    return err;
}

static bool valid_block(int n)
{
    return n >= 0 && n < N_KEYS;
}

esp_err_t esc_host_efuse_get_purpose(int key_block, esc_key_purpose_t *purpose)
{
    if (!valid_block(key_block) || purpose == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    *purpose = (esc_key_purpose_t)s_ef.purpose[key_block];
    return ESP_OK;
}

esp_err_t esc_host_efuse_read_public_key(int key_block, uint8_t out[32])
{
    if (key_block < 0 || key_block >= N_KEYS) {
        return ESP_ERR_INVALID_ARG;
    }
    if (s_ef.rd_prot[key_block]) {
        return ESP_ERR_NOT_ALLOWED;
    }
    memcpy(out, s_ef.key[key_block], ESC_HOST_EFUSE_KEY_LEN);
    return ESP_OK;
}

bool esc_host_efuse_is_read_protected(int key_block)
{
    return valid_block(key_block) && s_ef.rd_prot[key_block];
}

bool esc_host_efuse_block_unused(int key_block)
{
    return valid_block(key_block) && block_blank(key_block);
}

esp_err_t esc_host_efuse_write_key(int key_block, esc_key_purpose_t purpose, const uint8_t key[32],
                                   bool read_protect)
{
    if (!valid_block(key_block) || key == NULL || (unsigned)purpose >= ESC_PURPOSE_MAX) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!block_blank(key_block)) {
        return ESP_ERR_INVALID_STATE;
    }
    /* eFuse bits only go from 0 to 1; the block is blank, so OR is the burn. */
    for (int i = 0; i < ESC_HOST_EFUSE_KEY_LEN; i++) {
        s_ef.key[key_block][i] |= key[i];
    }
    s_ef.purpose[key_block] |= (uint8_t)purpose;
    s_ef.rd_prot[key_block] = s_ef.rd_prot[key_block] || read_protect;
    s_ef.wr_prot[key_block] = true;
    if (s_ef.path != NULL) {
        return esc_host_efuse_save_file(s_ef.path, s_ef.fmt);
    }
    return ESP_OK;
}

static bool purpose_serves(uint8_t have, esc_key_purpose_t want)
{
    if (have == (uint8_t)want) {
        return true;
    }
    return have == ESC_PURPOSE_HMAC_DOWN_ALL &&
           (want == ESC_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE || want == ESC_PURPOSE_HMAC_DOWN_JTAG);
}

esp_err_t esc_host_efuse_hmac_any(int key_block, esc_key_purpose_t required_purpose, const void *msg,
                                  size_t len, uint8_t out[32])
{
    if (!valid_block(key_block) || out == NULL || (msg == NULL && len > 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!purpose_serves(s_ef.purpose[key_block], required_purpose)) {
        return ESP_FAIL;
    }
    static const uint8_t empty[1];
    if (esc_hmac_sha256(s_ef.key[key_block], ESC_HOST_EFUSE_KEY_LEN, msg ? msg : empty, len, out) != 0) {
        return ESP_FAIL;
    }
    return ESP_OK;
}
