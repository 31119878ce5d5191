/*
 * The host simulator port: configuration (C calls or environment) and the
 * esc_port_t of each partition of the open image, over the flash emulator,
 * the eFuse emulation, getrandom() and a pthread write lock.
 */
#include "host_port.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "esc_port.h"
#include "esp_secure_cert_host.h"
#include "host_ds.h"
#include "host_efuse.h"
#include "host_flash.h"
#include "host_partition_table.h"

/* Defined by the API layer (src/api/read_partition.c) for this port: drop the
 * cached mapping and port so the next call sees the newly opened image. */

typedef struct {
    size_t index; /* in the partition registry */
} host_part_ctx_t;

/* Bumped on every open and close; survives the memset of s_host. */
static uint32_t s_generation;

static struct {
    bool open;
    bool env_tried;
    esp_secure_cert_host_config_t cfg; /* efuse_path not kept */
    esc_host_flash_t *flash;
    esc_host_layout_t layout;
    int secure;
} s_host;

static esc_port_t s_ports[ESC_HOST_PTABLE_MAX_ENTRIES];
static host_part_ctx_t s_ctx[ESC_HOST_PTABLE_MAX_ENTRIES];

static pthread_mutex_t s_write_lock = PTHREAD_MUTEX_INITIALIZER;

static esp_secure_cert_host_rng_fn s_rng_fn;
static void *s_rng_ctx;

/* ---- configuration ---- */

static esp_err_t normalise_cfg(const esp_secure_cert_host_config_t *in, esp_secure_cert_host_config_t *out)
{
    esp_secure_cert_host_config_t def = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    *out = in != NULL ? *in : def;
    if (out->prog_align == 0) {
        out->prog_align = 1;
    }
    if (out->prog_align != 1 && out->prog_align != 16) {
        fprintf(stderr, "esp_secure_cert host: prog_align must be 1 or 16, not %" PRIu32 "\n", out->prog_align);
        return ESP_ERR_INVALID_ARG;
    }
    if (out->partition_offset < -1 || out->partition_offset > (int64_t)UINT32_MAX) {
        fprintf(stderr, "esp_secure_cert host: partition offset %" PRId64 " out of range\n", out->partition_offset);
        return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
}

static uint64_t partition_end(const esc_host_layout_t *l)
{
    const esc_host_ptable_entry_t *e = &l->entries[l->secure];
    return (uint64_t)e->flash_off + e->size;
}

/* Shared tail of both opens: eFuse, registry, state. */
static esp_err_t finish_open(esc_host_flash_t *flash, const esp_secure_cert_host_config_t *cfg)
{
    esc_host_efuse_reset();
    if (cfg->efuse_path != NULL) {
        esp_err_t err = esc_host_efuse_load_file(cfg->efuse_path, cfg->writable);
        if (err != ESP_OK) {
            esc_host_flash_close(flash);
            esc_host_efuse_reset();
            return err;
        }
    }
    s_host.flash = flash;
    s_host.cfg = *cfg;
    s_host.cfg.efuse_path = NULL;
    s_host.secure = s_host.layout.secure;
    s_host.open = true;
    s_generation++;
    esc_host_partitions_install(flash, &s_host.layout);
    return ESP_OK;
}

esp_err_t esp_secure_cert_host_open(const char *image_path, const esp_secure_cert_host_config_t *cfg_in)
{
    esp_secure_cert_host_config_t cfg;
    if (image_path == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = normalise_cfg(cfg_in, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    esp_secure_cert_host_close();
    s_host.env_tried = true; /* explicit configuration wins over the environment */
    esc_host_flash_t *flash = NULL;
    err = esc_host_flash_open_file(image_path, cfg.writable, 0, cfg.prog_align, &flash);
    if (err != ESP_OK) {
        return err;
    }
    err = esc_host_layout_detect(esc_host_flash_data(flash), esc_host_flash_size(flash), cfg.partition_offset,
                                 cfg.partition_size, &s_host.layout);
    if (err != ESP_OK) {
        fprintf(stderr, "esp_secure_cert host: no usable esp_secure_cert partition in %s\n", image_path);
        esc_host_flash_close(flash);
        return err;
    }
    uint64_t end = partition_end(&s_host.layout);
    if (end > esc_host_flash_size(flash)) {
        /* The partition runs past the end of the file: open again with the
         * flash extended by erased sectors. */
        esc_host_flash_close(flash);
        err = esc_host_flash_open_file(image_path, cfg.writable, (uint32_t)end, cfg.prog_align, &flash);
        if (err != ESP_OK) {
            return err;
        }
    }
    return finish_open(flash, &cfg);
}

esp_err_t esp_secure_cert_host_open_buffer(void *buf, size_t len, const esp_secure_cert_host_config_t *cfg_in)
{
    esp_secure_cert_host_config_t cfg;
    if (buf == NULL || len == 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = normalise_cfg(cfg_in, &cfg);
    if (err != ESP_OK) {
        return err;
    }
    esp_secure_cert_host_close();
    s_host.env_tried = true;
    err = esc_host_layout_detect(buf, len, cfg.partition_offset, cfg.partition_size, &s_host.layout);
    if (err != ESP_OK) {
        return err;
    }
    uint64_t end = partition_end(&s_host.layout);
    esc_host_flash_t *flash = NULL;
    err = esc_host_flash_open_buffer(buf, len, cfg.writable, (uint32_t)end, cfg.prog_align, &flash);
    if (err != ESP_OK) {
        if (err == ESP_ERR_INVALID_SIZE && cfg.writable) {
            fprintf(stderr, "esp_secure_cert host: a writable buffer must be a multiple of 4096 bytes "
                            "and hold the whole partition (%zu bytes given)\n", len);
        }
        return err;
    }
    return finish_open(flash, &cfg);
}

void esp_secure_cert_host_close(void)
{
    esc_host_partitions_clear();
    esc_host_flash_close(s_host.flash);
    esc_host_efuse_reset();
    memset(&s_host, 0, sizeof(s_host));
    memset(s_ports, 0, sizeof(s_ports));
    s_generation++;
}

bool esc_host_port_is_open(void)
{
    return s_host.open;
}

static bool env_flag(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/* Hex with 0x, else decimal (a leading zero is not octal here). */
static bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0' || *s == '-' || *s == '+') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno != 0 || *end != '\0' || v > max) {
        return false;
    }
    *out = v;
    return true;
}

void esc_host_port_autoconfigure(void)
{
    if (s_host.open || s_host.env_tried) {
        return;
    }
    s_host.env_tried = true;
    const char *image = getenv("ESP_SECURE_CERT_FLASH");
    const char *efuse = getenv("ESP_SECURE_CERT_EFUSE");
    bool writable = !env_flag("ESP_SECURE_CERT_READONLY");
    if (image == NULL || image[0] == '\0') {
        if (efuse != NULL && efuse[0] != '\0') {
            (void)esc_host_efuse_load_file(efuse, writable);
        }
        return;
    }
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = writable;
    cfg.prog_align = env_flag("ESP_SECURE_CERT_FLASH_ENCRYPTION") ? 16 : 1;
    cfg.efuse_path = (efuse != NULL && efuse[0] != '\0') ? efuse : NULL;
    const char *off = getenv("ESP_SECURE_CERT_PARTITION_OFFSET");
    const char *size = getenv("ESP_SECURE_CERT_PARTITION_SIZE");
    uint64_t v;
    if (off != NULL && off[0] != '\0') {
        if (!parse_number(off, UINT32_MAX, &v)) {
            fprintf(stderr, "esp_secure_cert host: ESP_SECURE_CERT_PARTITION_OFFSET=%s is not a number\n", off);
            return;
        }
        cfg.partition_offset = (int64_t)v;
    }
    if (size != NULL && size[0] != '\0') {
        if (!parse_number(size, UINT32_MAX, &v)) {
            fprintf(stderr, "esp_secure_cert host: ESP_SECURE_CERT_PARTITION_SIZE=%s is not a number\n", size);
            return;
        }
        cfg.partition_size = (uint32_t)v;
    }
    if (esp_secure_cert_host_open(image, &cfg) != ESP_OK) {
        fprintf(stderr, "esp_secure_cert host: cannot use ESP_SECURE_CERT_FLASH=%s\n", image);
    }
    s_host.env_tried = true;
}

esp_err_t esp_secure_cert_host_load_efuse(const char *efuse_path)
{
    esc_host_port_autoconfigure();
    return esc_host_efuse_load_file(efuse_path, s_host.open && s_host.cfg.writable);
}

esp_err_t esp_secure_cert_host_burn_key(int key_block, int purpose, const uint8_t key[32], bool read_protect)
{
    esc_host_port_autoconfigure();
    return esc_host_efuse_write_key(key_block, (esc_key_purpose_t)purpose, key, read_protect);
}

void esp_secure_cert_host_set_powercut(uint32_t k, bool partial, uint64_t seed,
                                       esp_secure_cert_host_powercut_cb cb, void *ctx)
{
    esc_host_flash_set_powercut(k, partial, seed, cb, ctx);
}

uint32_t esp_secure_cert_host_flash_op_count(void)
{
    return esc_host_flash_op_count();
}

/* ---- random ---- */

void esp_secure_cert_host_set_rng(esp_secure_cert_host_rng_fn fn, void *ctx)
{
    s_rng_fn = fn;
    s_rng_ctx = ctx;
}

esp_err_t esc_host_port_random(void *buf, size_t len)
{
    if (buf == NULL && len > 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (s_rng_fn != NULL) {
        return s_rng_fn(s_rng_ctx, buf, len);
    }
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return ESP_FAIL;
        }
        p += n;
        len -= (size_t)n;
    }
    return ESP_OK;
}

/* ---- the port callbacks ---- */

static esp_err_t part_window(const esc_port_t *p, uint32_t off, size_t len, uint32_t *flash_addr)
{
    if (p == NULL || p->context == NULL || !s_host.open) {
        return ESP_ERR_INVALID_STATE;
    }
    if (off > p->partition_size || len > p->partition_size - off) {
        return ESP_ERR_INVALID_SIZE;
    }
    const host_part_ctx_t *c = p->context;
    *flash_addr = esc_host_partition_flash_off(c->index) + off;
    return ESP_OK;
}

static esp_err_t port_flash_read(const esc_port_t *p, uint32_t off, void *dst, size_t len)
{
    uint32_t addr;
    esp_err_t err = part_window(p, off, len, &addr);
    return err != ESP_OK ? err : esc_host_flash_read(s_host.flash, addr, dst, len);
}

static bool part_readonly(const esc_port_t *p)
{
    const esp_partition_t *part = p->partition;
    return part != NULL && part->readonly;
}

static esp_err_t port_flash_program(const esc_port_t *p, uint32_t off, const void *src, size_t len)
{
    uint32_t addr;
    esp_err_t err = part_window(p, off, len, &addr);
    if (err != ESP_OK) {
        return err;
    }
    if (part_readonly(p)) {
        return ESP_ERR_NOT_ALLOWED;
    }
    return esc_host_flash_program(s_host.flash, addr, src, len);
}

static esp_err_t port_flash_erase(const esc_port_t *p, uint32_t off, size_t len)
{
    uint32_t addr;
    esp_err_t err = part_window(p, off, len, &addr);
    if (err != ESP_OK) {
        return err;
    }
    if (part_readonly(p)) {
        return ESP_ERR_NOT_ALLOWED;
    }
    return esc_host_flash_erase(s_host.flash, addr, len);
}

static esp_err_t port_flash_mmap(const esc_port_t *p, const void **addr)
{
    uint32_t start;
    if (addr == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = part_window(p, 0, p->partition_size, &start);
    if (err != ESP_OK) {
        return err;
    }
    if ((uint64_t)start + p->partition_size > esc_host_flash_size(s_host.flash)) {
        return ESP_ERR_INVALID_SIZE; /* a partition of the table beyond the dump's end */
    }
    *addr = esc_host_flash_data(s_host.flash) + start;
    return ESP_OK;
}

static void port_flash_munmap(const esc_port_t *p)
{
    (void)p; /* the mapping is the emulator's memory; nothing to undo */
}

static bool port_flash_encrypted(const esc_port_t *p)
{
    (void)p;
    return s_host.open && s_host.cfg.prog_align == 16;
}

static esp_err_t port_efuse_get_purpose(const esc_port_t *p, int key_block, esc_key_purpose_t *purpose)
{
    (void)p;
    return esc_host_efuse_get_purpose(key_block, purpose);
}

static esp_err_t port_secure_boot_digests(const esc_port_t *p, uint8_t (*digests)[32], size_t max, size_t *count)
{
    (void)p;
    *count = 0;
    for (int blk = 0; blk < ESC_EFUSE_KEY_BLOCKS && *count < max; blk++) {
        esc_key_purpose_t purpose;
        if (esc_host_efuse_get_purpose(blk, &purpose) != ESP_OK || purpose < ESC_PURPOSE_SECURE_BOOT_DIGEST0 ||
            purpose > ESC_PURPOSE_SECURE_BOOT_DIGEST2) {
            continue;
        }
        if (esc_host_efuse_read_public_key(blk, digests[*count]) == ESP_OK) {
            (*count)++;
        }
    }
    return ESP_OK;
}

static esp_err_t port_efuse_write_key(const esc_port_t *p, int key_block, esc_key_purpose_t purpose,
                                      const uint8_t key[32], bool read_protect)
{
    (void)p;
    return esc_host_efuse_write_key(key_block, purpose, key, read_protect);
}

static esp_err_t port_hmac_calculate(const esc_port_t *p, int key_block, const void *msg, size_t len,
                                     uint8_t out[32])
{
    (void)p;
    return esc_host_efuse_hmac_any(key_block, ESC_PURPOSE_HMAC_UP, msg, len, out);
}

static esp_err_t port_random(const esc_port_t *p, void *buf, size_t len)
{
    (void)p;
    return esc_host_port_random(buf, len);
}

static bool port_write_try_lock(const esc_port_t *p)
{
    (void)p;
    return pthread_mutex_trylock(&s_write_lock) == 0;
}

static void port_write_unlock(const esc_port_t *p)
{
    (void)p;
    pthread_mutex_unlock(&s_write_lock);
}

const esc_port_t *esc_port_get(const void *selected)
{
    esc_host_port_autoconfigure();
    if (!s_host.open) {
        return NULL;
    }
    int idx = selected == NULL ? s_host.secure : esc_host_partition_index(selected);
    if (idx < 0) {
        return NULL;
    }
    const esp_partition_t *part = esc_host_partition_get((size_t)idx);
    esc_port_t *p = &s_ports[idx];
    s_ctx[idx].index = (size_t)idx;
    *p = (esc_port_t){
        .context = &s_ctx[idx],
        .partition = part,
        .generation = s_generation,
        .partition_size = part->size,
        .erase_size = ESC_HOST_FLASH_SECTOR,
        .prog_align = s_host.cfg.prog_align,
        .flash_read = port_flash_read,
        .flash_program = port_flash_program,
        .flash_erase = port_flash_erase,
        .flash_mmap = port_flash_mmap,
        .flash_munmap = port_flash_munmap,
        .flash_encrypted = port_flash_encrypted,
        .efuse_get_purpose = port_efuse_get_purpose,
        .efuse_write_key = port_efuse_write_key,
        .hmac_calculate = port_hmac_calculate,
        .ds_sign = esc_host_ds_sign,
        .secure_boot_key_digests = port_secure_boot_digests,
        .random = port_random,
        .write_try_lock = port_write_try_lock,
        .write_unlock = port_write_unlock,
    };
    return p;
}

const esc_port_t *esc_port_chip(void)
{
    /* The eFuse emulation and the write lock are process-wide: the eFuses
     * may be loaded without an image (ESP_SECURE_CERT_EFUSE alone, or
     * burn_key before any open). */
    static const esc_port_t chip = {
        .efuse_get_purpose = port_efuse_get_purpose,
        .efuse_write_key = port_efuse_write_key,
        .hmac_calculate = port_hmac_calculate,
        .ds_sign = esc_host_ds_sign,
        .random = port_random,
        .write_try_lock = port_write_try_lock,
        .write_unlock = port_write_unlock,
    };
    esc_host_port_autoconfigure();
    return &chip;
}

bool esc_port_ptr_in_flash_map(const void *p)
{
    /* Every mapping is a window of the open image's memory. */
    const uint8_t *mem = s_host.open ? esc_host_flash_data(s_host.flash) : NULL;
    if (mem == NULL || p == NULL) {
        return false;
    }
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)mem;
    return a >= b && a - b < esc_host_flash_size(s_host.flash);
}

void *esc_port_secret_calloc(size_t len)
{
    return calloc(1, len);
}

void esc_port_release(void)
{
    /* Mappings are plain pointers into the emulator and the image stays open
     * until esp_secure_cert_host_close(): nothing to release. */
}
