/*
 * tlv_parser.py-compatible text listing; see tlv_dump.h. The text is built
 * in memory and post-processed as the original does (NUL and CR become
 * line breaks) before it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "esc_tlv.h"
#include "esp_secure_cert_tlv_config.h"
#include "tlv_dump.h"
#include "text_codec.h"
#include "tlv_names.h"

#define TLV_MAGIC_END 0xFFFFu

/* str.isprintable() or str.isspace() for one code point (ASCII exact; the
 * rest approximated: format and control characters are not printable). */
static bool cp_printable_or_space(uint32_t cp)
{
    if (cp < 0x80) {
        return (cp >= 0x20 && cp < 0x7F) || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    }
    if (cp < 0xA0) {
        return cp == 0x85;
    }
    if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || cp == 0xFEFF ||
        (cp >= 0xE000 && cp <= 0xF8FF)) {
        return false;
    }
    return true;
}

bool tlv_text_is_printable(const uint8_t *data, size_t len, bool skip_invalid_utf8, size_t max_chars)
{
    size_t i = 0, chars = 0;
    while (i < len && chars < max_chars) {
        uint32_t cp;
        size_t n = text_utf8_next(data + i, len - i, &cp);
        if (n == 0) {
            if (!skip_invalid_utf8) {
                return false;
            }
            i++;
            continue;
        }
        if (!cp_printable_or_space(cp)) {
            return false;
        }
        i += n;
        chars++;
    }
    return true;
}

/* bytes.decode('utf-8', errors='ignore'): invalid bytes dropped. */
static char *decode_ignore(const uint8_t *data, size_t len, size_t *out_len)
{
    char *out = malloc(len + 1);
    if (out == NULL) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = text_utf8_next(data + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        memcpy(out + k, data + i, n);
        k += n;
        i += n;
    }
    out[k] = 0;
    *out_len = k;
    return out;
}

static bool py_space(char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

/* str.strip() on ASCII whitespace: pointer and length of the middle. */
static const char *py_strip(const char *s, size_t len, size_t *out_len)
{
    while (len > 0 && py_space(s[0])) {
        s++;
        len--;
    }
    while (len > 0 && py_space(s[len - 1])) {
        len--;
    }
    *out_len = len;
    return s;
}

static bool contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(s + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static void put_hex(FILE *f, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x", d[i]);
    }
}

/* The data as stripped text when it holds the marker(s) (end may be NULL),
 * else as hex after hex_label. */
static void put_pem_or_hex(FILE *f, const uint8_t *d, size_t n, const char *begin, const char *end,
                           const char *hex_label)
{
    size_t tlen = 0;
    char *text = decode_ignore(d, n, &tlen);
    if (text != NULL && contains(text, tlen, begin) && (end == NULL || contains(text, tlen, end))) {
        size_t sl;
        const char *s = py_strip(text, tlen, &sl);
        fwrite(s, 1, sl, f);
    } else {
        fputs(hex_label, f);
        put_hex(f, d, n);
    }
    cli_free_secret(text, tlen); /* the listing shows private keys, as the original does */
}

/* The formatted data as one string (lines separated by '\n'). */
static void format_data(FILE *f, uint8_t type, uint8_t flags, const uint8_t *d, size_t n)
{
    if (type == ESP_SECURE_CERT_CA_CERT_TLV || type == ESP_SECURE_CERT_DEV_CERT_TLV) {
        put_pem_or_hex(f, d, n, "-----BEGIN CERTIFICATE-----", NULL, "Binary certificate data: ");
    } else if (type == ESP_SECURE_CERT_PRIV_KEY_TLV) {
        /* tlv_parser.py reads the flags as a key type of its own. */
        switch (flags) {
        case 0: fputs("DEFAULT_FORMAT_KEY (Plaintext)", f); break;
        case 1: fputs("RSA_DS_PERIPHERAL_KEY (Hardware DS)", f); break;
        case 2: fputs("ECDSA_PERIPHERAL_KEY (Hardware ECDSA)", f); break;
        default: fprintf(f, "Unknown type (%u)", flags); break;
        }
        fputc('\n', f);
        put_pem_or_hex(f, d, n, "-----BEGIN", "-----END", "Binary key data: ");
    } else if (type == ESP_SECURE_CERT_DS_DATA_TLV) {
        fputs("Encrypted DS data: ", f);
        put_hex(f, d, n);
    } else if (type == ESP_SECURE_CERT_DS_CONTEXT_TLV) {
        if (n >= 8) {
            fprintf(f, "eFuse Key ID: %u, RSA Length: %u bits", (unsigned)esc_le32(d), (unsigned)esc_le32(d + 4));
        } else {
            fputs("Invalid DS context data: ", f);
            put_hex(f, d, n);
        }
    } else if (type == ESP_SECURE_CERT_TLV_SEC_CFG) {
        if (n >= 4) {
            fprintf(f, "eFuse Key ID: %u", (unsigned)esc_le32(d));
        } else {
            fputs("Invalid security config data: ", f);
            put_hex(f, d, n);
        }
    } else if (type >= ESP_SECURE_CERT_USER_DATA_1 && type <= ESP_SECURE_CERT_USER_DATA_5) {
        size_t tlen = 0;
        char *text = decode_ignore(d, n, &tlen);
        if (text != NULL && tlv_text_is_printable((const uint8_t *)text, tlen, true, 100)) {
            fputs("Text data: ", f);
            fwrite(text, 1, tlen, f);
        } else {
            fputs("Hex data: ", f);
            put_hex(f, d, n);
        }
        free(text);
    } else {
        fputs("Raw data: ", f);
        put_hex(f, d, n);
    }
}

static const char *py_type_name(uint8_t type, char *buf, size_t cap)
{
    const char *n = tlv_csv_name(type, buf, cap);
    if (n != NULL) {
        return n;
    }
    snprintf(buf, cap, "UNKNOWN_%u", type);
    return buf;
}

typedef struct {
    uint8_t type, flags;
    uint16_t length;
} seen_t;

static void summary(FILE *f, const seen_t *e, size_t n)
{
    fputs("\n================================================================================\n", f);
    fputs("PARTITION SUMMARY\n", f);
    fputs("================================================================================\n", f);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += esc_tlv_total_len(e[i].length);
    }
    fprintf(f, "Total TLV entries: %zu\n", n);
    fprintf(f, "Total partition size: %zu bytes\n", total);
    fputs("\nFound TLV types:\n", f);
    char nb[TLV_NAME_LEN];
    for (size_t i = 0; i < n; i++) {
        bool first = true;
        for (size_t k = 0; k < i; k++) {
            first = first && e[k].type != e[i].type;
        }
        if (!first) {
            continue;
        }
        size_t count = 0, bytes = 0;
        for (size_t k = i; k < n; k++) {
            if (e[k].type == e[i].type) {
                count++;
                bytes += e[k].length;
            }
        }
        if (count == 1) {
            fprintf(f, "  - %s: %u bytes\n", py_type_name(e[i].type, nb, sizeof(nb)), e[i].length);
        } else {
            fprintf(f, "  - %s: %zu entries, %zu bytes total\n", py_type_name(e[i].type, nb, sizeof(nb)), count, bytes);
        }
    }
    bool ds_data = false, ds_ctx = false, sec_cfg = false, key = false;
    for (size_t i = 0; i < n; i++) {
        ds_data |= e[i].type == ESP_SECURE_CERT_DS_DATA_TLV;
        ds_ctx |= e[i].type == ESP_SECURE_CERT_DS_CONTEXT_TLV;
        sec_cfg |= e[i].type == ESP_SECURE_CERT_TLV_SEC_CFG;
        key |= e[i].type == ESP_SECURE_CERT_PRIV_KEY_TLV;
    }
    fputs("\nKey Configuration:\n", f);
    if (ds_data && ds_ctx) {
        fputs("  - RSA with DS Peripheral (Hardware)\n", f);
    } else if (sec_cfg) {
        fputs("  - ECDSA with Peripheral (Hardware)\n", f);
    } else if (key) {
        fputs("  - Software-based (Plaintext)\n", f);
    } else {
        fputs("  - Unknown or incomplete configuration\n", f);
    }
}

/* tlv_parser.py's message for an entry cut off by the end of the file. */
static void put_short_read(FILE *f, size_t entry, const char *part, size_t at)
{
    fprintf(f, "\n\xe2\x9c\x97 Error parsing TLV at offset 0x%04zX: Not enough data to read TLV %s at offset %zu\n",
            entry, part, at);
}

static void dump_raw(FILE *f, const char *name, const uint8_t *img, size_t len)
{
    fputs("ESP Secure Certificate TLV Parser\n", f);
    fprintf(f, "File: %s\n", name);
    fprintf(f, "File size: %zu bytes\n", len);
    fputs("================================================================================\n", f);

    seen_t *seen = calloc(len / 16 + 1, sizeof(*seen));
    size_t count = 0;
    size_t off = 0;
    while (off < len && seen != NULL) {
        if (len - off < ESC_TLV_HEADER_SIZE) {
            put_short_read(f, off, "header", off);
            break;
        }
        uint32_t magic = esc_le32(img + off);
        if (magic == TLV_MAGIC_END) {
            fprintf(f, "\n\xe2\x9c\x93 End of TLV entries (magic 0x%04X) at offset 0x%04zX\n", TLV_MAGIC_END, off);
            break;
        }
        if (magic != ESC_TLV_MAGIC) {
            fprintf(f, "\nEnd of TLV partition at offset 0x%04zX\n", off);
            fprintf(f, "\n\xe2\x9c\x97 Invalid magic number 0x%08X\n", (unsigned)magic);
            fprintf(f, "   Expected: 0x%08X\n", ESC_TLV_MAGIC);
            break;
        }
        uint8_t flags = img[off + 4];
        uint8_t type = img[off + 8];
        uint8_t subtype = img[off + 9];
        uint16_t length = esc_le16(img + off + 10);
        uint32_t pad = esc_tlv_padding(length);
        size_t footer = off + ESC_TLV_HEADER_SIZE + length + pad;
        if (footer + 4 > len) {
            put_short_read(f, off, "footer", footer);
            break;
        }
        uint32_t crc = esc_le32(img + footer);
        uint32_t calc = esc_crc32(img + off, footer - off);
        char nb[TLV_NAME_LEN];
        const char *tname = py_type_name(type, nb, sizeof(nb));
        fprintf(f, "\nTLV Entry #%zu: %s\n", count + 1, tname);
        fputs("------------------------------------------------------------\n", f);
        fprintf(f, "Offset:     0x%04zX\n", off);
        fprintf(f, "Type:       %u (%s)\n", type, tname);
        fprintf(f, "Subtype:    %u\n", subtype);
        fprintf(f, "Flags:      0x%02X\n", flags);
        fprintf(f, "Length:     %u bytes\n", length);
        fprintf(f, "Padding:    %u bytes\n", pad);
        fprintf(f, "Total size: %u bytes\n", esc_tlv_total_len(length));
        fprintf(f, "CRC32:      0x%08X (%s)\n", (unsigned)crc,
                crc == calc ? "\xe2\x9c\x93 VALID" : "\xe2\x9c\x97 INVALID");
        if (crc != calc) {
            fprintf(f, "Calculated: 0x%08X\n", (unsigned)calc);
        }
        if (length > 0) {
            fputs("Data:\n", f);
            char *body = NULL;
            size_t body_len = 0;
            FILE *m = open_memstream(&body, &body_len);
            if (m != NULL) {
                format_data(m, type, flags, img + off + ESC_TLV_HEADER_SIZE, length);
                fclose(m);
                const char *p = body;
                const char *end = body + body_len;
                for (;;) {
                    const char *nl = memchr(p, '\n', (size_t)(end - p));
                    size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
                    fputs("    ", f);
                    fwrite(p, 1, l, f);
                    fputc('\n', f);
                    if (nl == NULL) {
                        break;
                    }
                    p = nl + 1;
                }
                cli_free_secret(body, body_len);
            }
        }
        seen[count].type = type;
        seen[count].flags = flags;
        seen[count].length = length;
        count++;
        off += esc_tlv_total_len(length);
    }
    if (count > 0) {
        summary(f, seen, count);
    } else {
        fputs("\n\xe2\x9c\x97 No valid TLV entries found in the file\n", f);
    }
    free(seen);
}

void tlv_dump_text(FILE *out, const char *name, const uint8_t *img, size_t len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (m == NULL) {
        return;
    }
    dump_raw(m, name, img, len);
    fclose(m);
    /* As the original: CRLF and CR become LF, NUL becomes LF. */
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\r' && i + 1 < n && buf[i + 1] == '\n') {
            continue;
        }
        fputc((c == '\r' || c == 0) ? '\n' : c, out);
    }
    cli_free_secret(buf, n);
}
