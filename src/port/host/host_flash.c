/*
 * NOR flash emulator: see host_flash.h for the behaviour it promises.
 */
#include "host_flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct esc_host_flash {
    uint8_t *mem;       /* the flash contents, `size` bytes */
    uint32_t size;      /* multiple of ESC_HOST_FLASH_SECTOR */
    uint32_t prog_align;
    bool writable;
    bool owns_mem;      /* false when mem is the caller's writable buffer */
    int fd;             /* backing file, or -1 */
    uint64_t file_len;  /* bytes the file holds now (may be < size until the first write) */
};

/* One device, one power supply: the cut state is global on purpose. */
static struct {
    uint32_t ops;       /* program/erase operations since the last open */
    uint32_t cut_at;    /* op number that loses power, 0 = disarmed */
    bool partial;
    uint64_t rng;
    esc_host_powercut_cb_t cb;
    void *cb_ctx;
    bool dead;
} s_power;

static void power_on(void)
{
    memset(&s_power, 0, sizeof(s_power));
}

/* splitmix64: small, seedable, good enough to choose torn bits. */
static uint64_t rng_next(void)
{
    uint64_t z = (s_power.rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t round_up_sector(uint64_t n, bool *overflow)
{
    uint64_t r = (n + ESC_HOST_FLASH_SECTOR - 1) / ESC_HOST_FLASH_SECTOR * ESC_HOST_FLASH_SECTOR;
    *overflow = r > UINT32_MAX;
    return (uint32_t)r;
}

static bool valid_prog_align(uint32_t a)
{
    return a == 1 || a == 16;
}

esp_err_t esc_host_flash_open_file(const char *path, bool writable, uint32_t min_size, uint32_t prog_align,
                                   esc_host_flash_t **out)
{
    if (path == NULL || out == NULL || !valid_prog_align(prog_align)) {
        return ESP_ERR_INVALID_ARG;
    }
    *out = NULL;
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "esp_secure_cert host: cannot open flash image %s: %s\n", path, strerror(errno));
        return ESP_ERR_NOT_FOUND;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "esp_secure_cert host: %s is not a regular file\n", path);
        close(fd);
        return ESP_ERR_NOT_FOUND;
    }
    uint64_t file_len = (uint64_t)st.st_size;
    bool ovf1, ovf2;
    uint32_t size = round_up_sector(file_len, &ovf1);
    uint32_t min_rounded = round_up_sector(min_size, &ovf2);
    if (min_rounded > size) {
        size = min_rounded;
    }
    if (ovf1 || ovf2 || size == 0) {
        fprintf(stderr, "esp_secure_cert host: flash image %s is empty or too large\n", path);
        close(fd);
        return ESP_ERR_INVALID_SIZE;
    }
    esc_host_flash_t *f = calloc(1, sizeof(*f));
    uint8_t *mem = malloc(size);
    if (f == NULL || mem == NULL) {
        free(f);
        free(mem);
        close(fd);
        return ESP_ERR_NO_MEM;
    }
    memset(mem + file_len, 0xFF, size - file_len);
    size_t done = 0;
    while (done < file_len) {
        ssize_t n = pread(fd, mem + done, (size_t)file_len - done, (off_t)done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "esp_secure_cert host: cannot read %s\n", path);
            free(f);
            free(mem);
            close(fd);
            return ESP_ERR_NOT_FOUND;
        }
        done += (size_t)n;
    }
    f->mem = mem;
    f->size = size;
    f->prog_align = prog_align;
    f->writable = writable;
    f->owns_mem = true;
    f->fd = writable ? fd : -1;
    f->file_len = file_len;
    if (!writable) {
        close(fd);
    }
    power_on();
    *out = f;
    return ESP_OK;
}

esp_err_t esc_host_flash_open_buffer(void *buf, size_t len, bool writable, uint32_t min_size,
                                     uint32_t prog_align, esc_host_flash_t **out)
{
    if (buf == NULL || out == NULL || !valid_prog_align(prog_align)) {
        return ESP_ERR_INVALID_ARG;
    }
    *out = NULL;
    bool ovf1, ovf2;
    uint32_t size = round_up_sector(len, &ovf1);
    uint32_t min_rounded = round_up_sector(min_size, &ovf2);
    if (min_rounded > size) {
        size = min_rounded;
    }
    if (ovf1 || ovf2 || size == 0) {
        return ESP_ERR_INVALID_SIZE;
    }
    if (writable && size != len) {
        /* The caller's buffer cannot grow, and a tail kept only here would
         * vanish on re-open. */
        return ESP_ERR_INVALID_SIZE;
    }
    esc_host_flash_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return ESP_ERR_NO_MEM;
    }
    if (writable) {
        f->mem = buf;
        f->owns_mem = false;
    } else {
        f->mem = malloc(size);
        if (f->mem == NULL) {
            free(f);
            return ESP_ERR_NO_MEM;
        }
        memcpy(f->mem, buf, len);
        memset(f->mem + len, 0xFF, size - len);
        f->owns_mem = true;
    }
    f->size = size;
    f->prog_align = prog_align;
    f->writable = writable;
    f->fd = -1;
    power_on();
    *out = f;
    return ESP_OK;
}

void esc_host_flash_close(esc_host_flash_t *f)
{
    if (f == NULL) {
        return;
    }
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (f->owns_mem) {
        free(f->mem);
    }
    free(f);
}

uint32_t esc_host_flash_size(const esc_host_flash_t *f)
{
    return f ? f->size : 0;
}

bool esc_host_flash_writable(const esc_host_flash_t *f)
{
    return f ? f->writable : false;
}

uint32_t esc_host_flash_prog_align(const esc_host_flash_t *f)
{
    return f ? f->prog_align : 1;
}

const uint8_t *esc_host_flash_data(const esc_host_flash_t *f)
{
    return f ? f->mem : NULL;
}

static bool in_range(const esc_host_flash_t *f, uint32_t addr, size_t len)
{
    return addr <= f->size && len <= (size_t)(f->size - addr);
}

static esp_err_t pwrite_all(int fd, const uint8_t *src, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, src, len, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "esp_secure_cert host: writing the flash image failed: %s\n", strerror(errno));
            return ESP_FAIL;
        }
        src += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return ESP_OK;
}

/* Make the file hold mem[addr, addr+len). The first write also pads a short
 * file with the erased bytes, so the file never gets a hole of zeros. */
static esp_err_t write_through(esc_host_flash_t *f, uint32_t addr, size_t len)
{
    if (f->fd < 0) {
        return ESP_OK;
    }
    if (f->file_len < f->size) {
        esp_err_t err = pwrite_all(f->fd, f->mem + f->file_len, (size_t)(f->size - f->file_len), f->file_len);
        if (err != ESP_OK) {
            return err;
        }
        f->file_len = f->size;
    }
    return pwrite_all(f->fd, f->mem + addr, len, addr);
}

esp_err_t esc_host_flash_read(esc_host_flash_t *f, uint32_t addr, void *dst, size_t len)
{
    if (f == NULL || (dst == NULL && len > 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    if (s_power.dead) {
        return ESP_FAIL;
    }
    if (!in_range(f, addr, len)) {
        return ESP_ERR_INVALID_SIZE;
    }
    if (len > 0) {
        memcpy(dst, f->mem + addr, len);
    }
    return ESP_OK;
}

/* Count an operation; true if this is the one that loses power. */
static bool power_cut_now(void)
{
    s_power.ops++;
    return s_power.cut_at != 0 && s_power.ops == s_power.cut_at;
}

static esp_err_t power_fail(void)
{
    s_power.dead = true;
    if (s_power.cb != NULL) {
        s_power.cb(s_power.cb_ctx);
    }
    return ESP_FAIL;
}

/* Clear a random subset of the bits `data` would clear: at least one and not
 * all of them when there are two or more, so the result differs from both the
 * old and the new contents. */
static void program_torn(uint8_t *mem, const uint8_t *data, size_t len)
{
    size_t want = 0, chosen = 0;
    size_t first = len; /* first byte with a bit to clear */
    uint8_t *mask = malloc(len);
    if (mask == NULL) {
        return; /* nothing programmed: still a valid outcome of a cut */
    }
    uint64_t r = 0;
    for (size_t i = 0; i < len; i++) {
        if ((i & 7) == 0) {
            r = rng_next();
        }
        uint8_t clear = (uint8_t)(mem[i] & ~data[i]);
        mask[i] = (uint8_t)((r >> ((i & 7) * 8)) & clear);
        want += (size_t)__builtin_popcount(clear);
        chosen += (size_t)__builtin_popcount(mask[i]);
        if (clear != 0 && first == len) {
            first = i;
        }
    }
    if (want >= 2 && chosen == 0) {
        uint8_t clear = (uint8_t)(mem[first] & ~data[first]);
        mask[first] = (uint8_t)(clear & (uint8_t)-clear);
    } else if (want >= 2 && chosen == want) {
        uint8_t clear = (uint8_t)(mem[first] & ~data[first]);
        mask[first] = (uint8_t)(mask[first] & ~(clear & (uint8_t)-clear));
    }
    for (size_t i = 0; i < len; i++) {
        mem[i] = (uint8_t)(mem[i] & ~mask[i]);
    }
    free(mask);
}

esp_err_t esc_host_flash_program(esc_host_flash_t *f, uint32_t addr, const void *src, size_t len)
{
    if (f == NULL || (src == NULL && len > 0)) {
        return ESP_ERR_INVALID_ARG;
    }
    if (s_power.dead) {
        return ESP_FAIL;
    }
    if (!in_range(f, addr, len)) {
        return ESP_ERR_INVALID_SIZE;
    }
    if (addr % f->prog_align != 0 || len % f->prog_align != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!f->writable) {
        return ESP_ERR_NOT_ALLOWED;
    }
    if (len == 0) {
        return ESP_OK;
    }
    const uint8_t *data = src;
    uint8_t *mem = f->mem + addr;
    bool cut = power_cut_now();
    if (cut && s_power.partial) {
        program_torn(mem, data, len);
    } else {
        for (size_t i = 0; i < len; i++) {
            mem[i] &= data[i];
        }
    }
    esp_err_t err = write_through(f, addr, len);
    if (cut) {
        return power_fail();
    }
    return err;
}

esp_err_t esc_host_flash_erase(esc_host_flash_t *f, uint32_t addr, size_t len)
{
    if (f == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (s_power.dead) {
        return ESP_FAIL;
    }
    if (!in_range(f, addr, len)) {
        return ESP_ERR_INVALID_SIZE;
    }
    if (addr % ESC_HOST_FLASH_SECTOR != 0 || len % ESC_HOST_FLASH_SECTOR != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (!f->writable) {
        return ESP_ERR_NOT_ALLOWED;
    }
    if (len == 0) {
        return ESP_OK;
    }
    size_t n = len;
    bool cut = power_cut_now();
    if (cut && s_power.partial) {
        n = 1 + (size_t)(rng_next() % (len - 1)); /* 1..len-1 bytes */
    }
    memset(f->mem + addr, 0xFF, n);
    esp_err_t err = write_through(f, addr, n);
    if (cut) {
        return power_fail();
    }
    return err;
}

void esc_host_flash_set_powercut(uint32_t k, bool partial, uint64_t seed, esc_host_powercut_cb_t cb,
                                 void *cb_ctx)
{
    s_power.cut_at = k == 0 ? 0 : s_power.ops + k;
    s_power.partial = partial;
    s_power.rng = seed;
    s_power.cb = cb;
    s_power.cb_ctx = cb_ctx;
}

uint32_t esc_host_flash_op_count(void)
{
    return s_power.ops;
}

bool esc_host_flash_power_is_cut(void)
{
    return s_power.dead;
}
