/*
 * Partition discovery of the host port and the host esp_partition_* API.
 * Reference tables are checked against the partitions.csv they were made
 * from; flash dumps are built here (table at 0x8000, with its MD5 computed by
 * OpenSSL, partition content at its offset).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "esc_port.h"
#include "esp_partition.h"
#include "esp_secure_cert_host.h"
#include "host_partition_table.h"
#include "test_files.h"

#define QEMU_DIR ESC_VECTORS_DIR "/reference/test_apps/qemu_test"
#define SECTOR 4096u

/* ---- helpers ---- */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_entry(uint8_t *e, uint8_t type, uint8_t subtype, uint32_t off, uint32_t size, const char *label,
                      uint32_t flags)
{
    memset(e, 0, 32);
    e[0] = 0xAA;
    e[1] = 0x50;
    e[2] = type;
    e[3] = subtype;
    put32(e + 4, off);
    put32(e + 8, size);
    strncpy((char *)e + 12, label, 16);
    put32(e + 28, flags);
}

/* MD5 entry after n entries, then the end marker (table pre-filled 0xFF). */
static void put_md5(uint8_t *table, size_t n)
{
    uint8_t *e = table + 32 * n;
    memset(e, 0xFF, 32);
    e[0] = 0xEB;
    e[1] = 0xEB;
    unsigned int md_len = 0;
    assert_int_equal(EVP_Digest(table, 32 * n, e + 16, &md_len, EVP_md5(), NULL), 1);
    assert_int_equal(md_len, 16);
}

static char *temp_file_with(const uint8_t *data, size_t len)
{
    char *path = strdup("/tmp/esc_test_part_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static uint8_t *read_vector(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ESC_VECTORS_DIR, rel);
    uint8_t *d = tf_read_file(path, len);
    if (d == NULL) {
        fail_msg("cannot read %s", path);
    }
    return d;
}

/* A flash dump of dump_len bytes (0xFF) with `table` (0xC00 bytes) at 0x8000
 * and `content` at `at`. */
static uint8_t *make_dump(size_t dump_len, const uint8_t *table, const uint8_t *content, size_t content_len,
                          uint32_t at)
{
    uint8_t *d = malloc(dump_len);
    assert_non_null(d);
    memset(d, 0xFF, dump_len);
    memcpy(d + ESC_HOST_PTABLE_OFFSET, table, ESC_HOST_PTABLE_MAX_LEN);
    memcpy(d + at, content, content_len);
    return d;
}

static int teardown(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    return 0;
}

/* ---- partitions.csv (the input of gen_esp32part) ---- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) {
        *--e = '\0';
    }
    return s;
}

static uint32_t csv_num(const char *s)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 0);
    if (*end == 'M' || *end == 'm') {
        v *= 1024 * 1024;
    } else if (*end == 'K' || *end == 'k') {
        v *= 1024;
    }
    return (uint32_t)v;
}

static void check_table_against_csv(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/partition-table.bin", QEMU_DIR, dir);
    size_t len = 0;
    uint8_t *bin = tf_read_file(path, &len);
    assert_non_null(bin);
    esc_host_ptable_entry_t e[ESC_HOST_PTABLE_MAX_ENTRIES];
    size_t n = 0;
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_OK);

    snprintf(path, sizeof(path), "%s/%s/partitions.csv", QEMU_DIR, dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[256];
    size_t row = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *s = trim(line);
        if (*s == '#' || *s == '\0') {
            continue;
        }
        char *f[6] = {0};
        int nf = 0;
        /* strtok would merge empty fields; split by hand. */
        for (char *p = s; nf < 6; nf++) {
            f[nf] = p;
            char *c = strchr(p, ',');
            if (c == NULL) {
                nf++;
                break;
            }
            *c = '\0';
            p = c + 1;
        }
        assert_true(nf >= 5);
        assert_true(row < n);
        const char *name = trim(f[0]), *type = trim(f[1]), *sub = trim(f[2]);
        uint32_t want_type = strcasecmp(type, "app") == 0 ? 0 : strcasecmp(type, "data") == 0 ? 1 : csv_num(type);
        uint32_t want_sub = (*sub == '\0' || strcasecmp(sub, "factory") == 0) ? 0 : csv_num(sub);
        uint32_t want_flags = (nf > 5 && strstr(f[5], "encrypted") != NULL) ? 1 : 0;
        assert_string_equal(e[row].label, name);
        assert_int_equal(e[row].type, want_type);
        assert_int_equal(e[row].subtype, want_sub);
        assert_int_equal(e[row].address, csv_num(trim(f[3])));
        assert_int_equal(e[row].size, csv_num(trim(f[4])));
        assert_int_equal(e[row].flags, want_flags);
        row++;
    }
    fclose(fp);
    assert_int_equal(row, n);
    free(bin);
}

static void test_reference_tables_match_csv(void **state)
{
    (void)state;
    /* cust_flash_tlv is left out: its partition-table.bin was built from
     * another CSV (subtype 0x06, no "encrypted" flag), not the one beside it. */
    static const char *const dirs[] = {"cust_flash", "cust_flash_legacy", "nvs", "nvs_legacy"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        check_table_against_csv(dirs[i]);
    }
    /* Picking: type 0x3F + label; label alone (nvs layout); type alone. */
    size_t len = 0;
    uint8_t *bin = read_vector("reference/test_apps/qemu_test/nvs/partition-table.bin", &len);
    esc_host_ptable_entry_t e[ESC_HOST_PTABLE_MAX_ENTRIES];
    size_t n = 0;
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_OK);
    assert_int_equal(esc_host_ptable_pick(e, n), 0);
    free(bin);
    bin = read_vector("reference/test_apps/qemu_test/cust_flash_legacy/partition-table.bin", &len);
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_OK);
    assert_int_equal(esc_host_ptable_pick(e, n), 0); /* "pre_prov", type 0x3F */
    e[0].type = 1;
    assert_int_equal(esc_host_ptable_pick(e, n), -1);
    free(bin);
}

static void test_table_errors(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *bin = read_vector("reference/test_apps/qemu_test/cust_flash/partition-table.bin", &len);
    esc_host_ptable_entry_t e[ESC_HOST_PTABLE_MAX_ENTRIES];
    size_t n = 0;

    bin[8] ^= 0x01; /* size of entry 0: the MD5 no longer matches */
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_ERR_INVALID_CRC);
    bin[8] ^= 0x01;
    bin[32] = 0x12; /* entry 1 magic */
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_ERR_INVALID_STATE);
    bin[32] = 0xAA;
    bin[0] = 0; /* not a table at all */
    assert_int_equal(esc_host_ptable_parse(bin, len, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_ERR_NOT_FOUND);
    free(bin);

    /* A table of valid entries that never ends. */
    uint8_t full[ESC_HOST_PTABLE_MAX_LEN];
    for (size_t i = 0; i < ESC_HOST_PTABLE_MAX_ENTRIES; i++) {
        put_entry(full + 32 * i, 1, 0x81, (uint32_t)(0x10000 + i * SECTOR), SECTOR, "p", 0);
    }
    assert_int_equal(esc_host_ptable_parse(full, sizeof(full), e, ESC_HOST_PTABLE_MAX_ENTRIES, &n),
                     ESP_ERR_INVALID_STATE);
    /* Too short to hold an entry. */
    assert_int_equal(esc_host_ptable_parse(full, 16, e, ESC_HOST_PTABLE_MAX_ENTRIES, &n), ESP_ERR_NOT_FOUND);
}

static void test_flash_dump_found(void **state)
{
    (void)state;
    size_t tlen = 0, clen = 0;
    uint8_t *table_bin = read_vector("reference/test_apps/qemu_test/cust_flash_tlv/partition-table.bin", &tlen);
    uint8_t *content = read_vector("reference/test_apps/qemu_test/cust_flash_tlv/cust_flash_tlv.bin", &clen);
    assert_int_equal(tlen, ESC_HOST_PTABLE_MAX_LEN);
    uint8_t *dump = make_dump(0x10000, table_bin, content, clen, 0xD000);
    char *path = temp_file_with(dump, 0x10000);

    assert_int_equal(esp_secure_cert_host_open(path, NULL), ESP_OK);
    const esp_partition_t *part = esp_partition_find_first((esp_partition_type_t)0x3F, ESP_PARTITION_SUBTYPE_ANY,
                                                           "esp_secure_cert");
    assert_non_null(part);
    assert_int_equal(part->address, 0xD000);
    assert_int_equal(part->size, 0x2000);
    assert_int_equal(part->erase_size, SECTOR);
    assert_false(part->readonly);
    assert_string_equal(part->label, "esp_secure_cert");
    uint8_t *got = malloc(clen);
    assert_int_equal(esp_partition_read(part, 0, got, clen), ESP_OK);
    assert_memory_equal(got, content, clen);

    /* The port of the default partition is the same window. */
    const esc_port_t *port = esc_port_get(NULL);
    assert_non_null(port);
    assert_ptr_equal(port->partition, part);
    assert_int_equal(port->partition_size, 0x2000);
    const void *map = NULL;
    assert_int_equal(port->flash_mmap(port, &map), ESP_OK);
    assert_memory_equal(map, content, clen);
    memset(got, 0, clen);
    assert_int_equal(port->flash_read(port, 0, got, clen), ESP_OK);
    assert_memory_equal(got, content, clen);
    assert_ptr_equal(esc_port_get(part), port);

    /* esp_partition_mmap maps the same bytes. */
    const void *pm = NULL;
    esp_partition_mmap_handle_t h = 0;
    assert_int_equal(esp_partition_mmap(part, 16, 64, ESP_PARTITION_MMAP_DATA, &pm, &h), ESP_OK);
    assert_memory_equal(pm, content + 16, 64);
    assert_true(h != 0);
    esp_partition_munmap(h);

    /* All partitions, in table order; the app partition lies beyond the
     * dump, so its bytes cannot be read. */
    esp_partition_iterator_t it = esp_partition_find(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_ANY, NULL);
    assert_non_null(it);
    assert_ptr_equal(esp_partition_get(it), part);
    it = esp_partition_next(it);
    assert_non_null(it);
    const esp_partition_t *app = esp_partition_get(it);
    assert_string_equal(app->label, "factory");
    assert_int_equal(app->type, ESP_PARTITION_TYPE_APP);
    assert_int_equal(app->address, 0x20000);
    assert_int_equal(app->size, 0x100000);
    assert_null(esp_partition_next(it)); /* frees the iterator */
    uint8_t b[4];
    assert_int_equal(esp_partition_read(app, 0, b, 4), ESP_ERR_INVALID_SIZE);
    const esc_port_t *app_port = esc_port_get(app);
    assert_non_null(app_port);
    assert_int_equal(app_port->partition_size, 0x100000);
    assert_int_equal(app_port->flash_mmap(app_port, &map), ESP_ERR_INVALID_SIZE);

    assert_ptr_equal(esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_FACTORY, NULL), app);
    assert_null(esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, NULL));
    assert_null(esp_partition_find_first((esp_partition_type_t)0x3F, ESP_PARTITION_SUBTYPE_ANY, "nope"));
    esp_partition_iterator_release(NULL);

    /* A pointer that is not one of ours selects nothing. */
    esp_partition_t fake = *part;
    assert_null(esc_port_get(&fake));
    assert_int_equal(esp_partition_read(&fake, 0, b, 4), ESP_ERR_INVALID_ARG);

    esp_secure_cert_host_close();
    assert_null(esc_port_get(NULL));
    /* Explicit offsets: one from the table works, another does not. */
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0xD000;
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_OK);
    assert_int_equal(esc_port_get(NULL)->partition_size, 0x2000);
    cfg.partition_offset = 0xE000;
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_ERR_NOT_FOUND);

    /* The same dump from memory. */
    assert_int_equal(esp_secure_cert_host_open_buffer(dump, 0x10000, NULL), ESP_OK);
    port = esc_port_get(NULL);
    assert_non_null(port);
    assert_int_equal(port->flash_read(port, 0, got, clen), ESP_OK);
    assert_memory_equal(got, content, clen);

    unlink(path);
    free(path);
    free(got);
    free(dump);
    free(content);
    free(table_bin);
}

static void test_dump_with_corrupt_table_refused(void **state)
{
    (void)state;
    size_t tlen = 0;
    uint8_t *table_bin = read_vector("reference/test_apps/qemu_test/cust_flash/partition-table.bin", &tlen);
    table_bin[5] ^= 0x10; /* offset of entry 0 */
    uint8_t content[16] = {0};
    uint8_t *dump = make_dump(0x20000, table_bin, content, sizeof(content), 0xD000);
    char *path = temp_file_with(dump, 0x20000);
    assert_int_equal(esp_secure_cert_host_open(path, NULL), ESP_ERR_INVALID_CRC);
    assert_null(esc_port_get(NULL));
    unlink(path);
    free(path);
    free(dump);
    free(table_bin);
}

static void test_dump_partition_past_end_and_readonly_flag(void **state)
{
    (void)state;
    /* Our own table: esp_secure_cert (read-only flag) at 0xE000, 8 KiB,
     * in a dump that ends at 0xF000 - the last sector is missing. */
    uint8_t table[ESC_HOST_PTABLE_MAX_LEN];
    memset(table, 0xFF, sizeof(table));
    put_entry(table, 0x01, 0x02, 0x9000, 0x4000, "nvs", 0);
    put_entry(table + 32, 0x3F, 0x00, 0xE000, 0x2000, "esp_secure_cert",
              ESC_HOST_PTABLE_FLAG_READONLY | ESC_HOST_PTABLE_FLAG_ENCRYPTED);
    put_md5(table, 2);
    uint8_t content[SECTOR];
    memset(content, 0x3C, sizeof(content));
    uint8_t *dump = make_dump(0xF000, table, content, sizeof(content), 0xE000);
    char *path = temp_file_with(dump, 0xF000);

    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    assert_int_equal(esp_secure_cert_host_open(path, &cfg), ESP_OK);
    const esp_partition_t *part = esp_partition_find_first((esp_partition_type_t)0x3F, ESP_PARTITION_SUBTYPE_ANY,
                                                           NULL);
    assert_non_null(part);
    assert_true(part->readonly);
    assert_true(part->encrypted);
    uint8_t tail[SECTOR];
    assert_int_equal(esp_partition_read(part, SECTOR, tail, sizeof(tail)), ESP_OK);
    for (size_t i = 0; i < sizeof(tail); i++) {
        assert_int_equal(tail[i], 0xFF); /* the missing sector reads erased */
    }
    uint8_t z[16] = {0};
    assert_int_equal(esp_partition_write(part, 0, z, sizeof(z)), ESP_ERR_NOT_ALLOWED);
    assert_int_equal(esp_partition_erase_range(part, 0, SECTOR), ESP_ERR_NOT_ALLOWED);
    const esc_port_t *port = esc_port_get(NULL);
    assert_int_equal(port->flash_program(port, 0, z, sizeof(z)), ESP_ERR_NOT_ALLOWED);
    assert_int_equal(port->flash_erase(port, 0, SECTOR), ESP_ERR_NOT_ALLOWED);

    /* The nvs partition is writable, with IDF's bounds and alignment. */
    const esp_partition_t *nvs = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS,
                                                          "nvs");
    assert_non_null(nvs);
    assert_int_equal(esp_partition_erase_range(nvs, 100, SECTOR), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_erase_range(nvs, 0, 100), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_erase_range(nvs, SECTOR, 0x4000), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_erase_range(nvs, SECTOR, SECTOR), ESP_OK);
    assert_int_equal(esp_partition_write(nvs, 0x4000 - 8, z, 16), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_write(nvs, SECTOR + 8, z, 16), ESP_OK);
    uint8_t r[16];
    assert_int_equal(esp_partition_read(nvs, SECTOR + 8, r, 16), ESP_OK);
    assert_memory_equal(r, z, 16);
    assert_int_equal(esp_partition_read(nvs, 0x4000 - 8, r, 16), ESP_ERR_INVALID_SIZE);
    esp_secure_cert_host_close();

    /* The write went to the file, at 0x9000 + 0x1008; the file grew to hold
     * the whole esp_secure_cert partition with erased bytes. */
    size_t flen = 0;
    uint8_t *file = tf_read_file(path, &flen);
    assert_int_equal(flen, 0x10000);
    assert_memory_equal(file + 0xA008, z, 16);
    assert_int_equal(file[0xA000], 0xFF);
    assert_int_equal(file[0xFFFF], 0xFF);
    assert_memory_equal(file + 0xE000, content, sizeof(content));
    free(file);
    unlink(path);
    free(path);
    free(dump);
}

static void test_partition_far_beyond_image_refused(void **state)
{
    (void)state;
    /* A table pointing far past any flash size is refused instead of
     * allocating gigabytes of erased flash. */
    uint8_t table[ESC_HOST_PTABLE_MAX_LEN];
    memset(table, 0xFF, sizeof(table));
    put_entry(table, 0x3F, 0x00, 0xF0000000u, 0x2000, "esp_secure_cert", 0);
    put_md5(table, 1);
    uint8_t content[1] = {0};
    uint8_t *dump = make_dump(0x10000, table, content, 1, 0xD000);
    assert_int_equal(esp_secure_cert_host_open_buffer(dump, 0x10000, NULL), ESP_ERR_INVALID_SIZE);
    assert_null(esc_port_get(NULL));
    free(dump);
}

static void test_bare_partition_rounding(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin", ESC_VECTORS_DIR);
    size_t len = 0;
    uint8_t *orig = tf_read_file(path, &len);
    assert_non_null(orig);
    assert_int_equal(len, 4128); /* expected.json: size 4128 */

    /* Read-only on the vector in the repository. */
    assert_int_equal(esp_secure_cert_host_open(path, NULL), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    assert_non_null(port);
    assert_int_equal(port->partition_size, 8192);
    const esp_partition_t *part = port->partition;
    assert_int_equal(part->address, ESC_HOST_BARE_PARTITION_ADDRESS);
    assert_int_equal(part->type, 0x3F);
    uint8_t *all = malloc(8192);
    assert_int_equal(port->flash_read(port, 0, all, 8192), ESP_OK);
    assert_memory_equal(all, orig, len);
    for (size_t i = len; i < 8192; i++) {
        assert_int_equal(all[i], 0xFF);
    }
    uint8_t z[16] = {0};
    assert_int_equal(port->flash_program(port, 4128, z, 16), ESP_ERR_NOT_ALLOWED);
    assert_int_equal(port->flash_erase(port, 0, SECTOR), ESP_ERR_NOT_ALLOWED);
    assert_int_equal(port->flash_read(port, 8190, z, 4), ESP_ERR_INVALID_SIZE);
    assert_int_equal(port->flash_read(port, UINT32_MAX, z, 4), ESP_ERR_INVALID_SIZE);
    esp_secure_cert_host_close();
    size_t now_len = 0;
    uint8_t *now = tf_read_file(path, &now_len);
    assert_int_equal(now_len, len);
    assert_memory_equal(now, orig, len);
    free(now);

    /* Writable copy: the rounded size is written back only with a write. */
    char *copy = temp_file_with(orig, len);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    assert_int_equal(esp_secure_cert_host_open(copy, &cfg), ESP_OK);
    esp_secure_cert_host_close();
    now = tf_read_file(copy, &now_len);
    assert_int_equal(now_len, len);
    free(now);
    assert_int_equal(esp_secure_cert_host_open(copy, &cfg), ESP_OK);
    port = esc_port_get(NULL);
    assert_int_equal(port->flash_program(port, 4128, z, 16), ESP_OK);
    esp_secure_cert_host_close();
    now = tf_read_file(copy, &now_len);
    assert_int_equal(now_len, 8192);
    assert_memory_equal(now, orig, len);
    assert_memory_equal(now + 4128, z, 16);
    assert_int_equal(now[4144], 0xFF);
    free(now);
    unlink(copy);
    free(copy);
    free(all);
    free(orig);
}

static void test_explicit_offset_without_table(void **state)
{
    (void)state;
    uint8_t img[3 * SECTOR];
    for (size_t i = 0; i < sizeof(img); i++) {
        img[i] = (uint8_t)(i / SECTOR);
    }
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = SECTOR;
    cfg.partition_size = SECTOR;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    assert_int_equal(port->partition_size, SECTOR);
    uint8_t b[2];
    assert_int_equal(port->flash_read(port, SECTOR - 2, b, 2), ESP_OK);
    assert_int_equal(b[0], 1);
    assert_int_equal(port->flash_read(port, SECTOR - 1, b, 2), ESP_ERR_INVALID_SIZE);
    /* Rest of the image when no size is given. */
    cfg.partition_size = 0;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    assert_int_equal(esc_port_get(NULL)->partition_size, 2 * SECTOR);
    /* Errors: unaligned, beyond the image, bad prog_align. */
    cfg.partition_offset = 100;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_ARG);
    cfg.partition_offset = 3 * SECTOR;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_SIZE);
    cfg.partition_offset = -1;
    cfg.partition_size = 100;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_ARG);
    cfg.partition_size = 0;
    cfg.prog_align = 8;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_ARG);
    /* A writable buffer must hold the whole partition. */
    cfg.prog_align = 1;
    cfg.writable = true;
    cfg.partition_size = 4 * SECTOR;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_SIZE);
    assert_null(esc_port_get(NULL));
    assert_int_equal(esp_secure_cert_host_open("/nonexistent/esc/flash.bin", NULL), ESP_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_reference_tables_match_csv, teardown),
        cmocka_unit_test_teardown(test_table_errors, teardown),
        cmocka_unit_test_teardown(test_flash_dump_found, teardown),
        cmocka_unit_test_teardown(test_dump_with_corrupt_table_refused, teardown),
        cmocka_unit_test_teardown(test_dump_partition_past_end_and_readonly_flag, teardown),
        cmocka_unit_test_teardown(test_partition_far_beyond_image_refused, teardown),
        cmocka_unit_test_teardown(test_bare_partition_rounding, teardown),
        cmocka_unit_test_teardown(test_explicit_offset_without_table, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
