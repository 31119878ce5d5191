/*
 * Write benchmark on the emulated flash (host port, 8 KiB partition):
 *   - appends per second through the public API, per entry size, on
 *     byte-programmable flash and with 16-byte blocks (flash encryption);
 *   - per append: flash program operations, bytes programmed against the
 *     entry's encoded size (write amplification), bytes read (the writer
 *     reads the partition to check duplicates and the tail, then verifies);
 *   - the cost of the repair after a cut (a filler over a torn append).
 * Numbers are printed; nothing is asserted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esc_api_internal.h"
#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_write.h"
#include "host_flash.h"
#include "write_internal.h"

#define PART 8192u

static uint8_t s_flash[PART];

/* A port that forwards to the host port and counts what goes through it. */
static const esc_port_t *s_inner;
static struct {
    uint64_t programs, programmed, reads, read_bytes, erases;
} s_count;

static esp_err_t count_read(const esc_port_t *p, uint32_t off, void *dst, size_t len)
{
    (void)p;
    s_count.reads++;
    s_count.read_bytes += len;
    return s_inner->flash_read(s_inner, off, dst, len);
}

static esp_err_t count_program(const esc_port_t *p, uint32_t off, const void *src, size_t len)
{
    (void)p;
    s_count.programs++;
    s_count.programmed += len;
    return s_inner->flash_program(s_inner, off, src, len);
}

static esp_err_t count_erase(const esc_port_t *p, uint32_t off, size_t len)
{
    (void)p;
    s_count.erases++;
    return s_inner->flash_erase(s_inner, off, len);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int open_flash(uint32_t align)
{
    memset(s_flash, 0xFF, sizeof(s_flash));
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    cfg.prog_align = align;
    cfg.partition_offset = 0;
    cfg.partition_size = PART;
    return esp_secure_cert_host_open_buffer(s_flash, sizeof(s_flash), &cfg) == ESP_OK ? 0 : -1;
}

/* Fill the partition with entries of `len` data bytes through the public
 * API, again and again for about 0.3 s; appends per second. */
static double appends_per_second(uint32_t align, uint16_t len, unsigned *per_fill)
{
    static uint8_t data[PART];
    memset(data, 0x5A, sizeof(data));
    unsigned appends = 0;
    double elapsed = 0;
    while (elapsed < 0.3) {
        if (open_flash(align) != 0) {
            return -1;
        }
        unsigned n = 0;
        double start = now();
        for (;;) {
            esp_secure_cert_tlv_info_t info = {.type = ESP_SECURE_CERT_USER_DATA_1,
                                               .subtype = (esp_secure_cert_tlv_subtype_t)(n % 250),
                                               .data = (char *)data, .length = len};
            info.type = (esp_secure_cert_tlv_type_t)(ESP_SECURE_CERT_USER_DATA_1 + n / 250);
            if (esp_secure_cert_append_tlv(&info, NULL) != ESP_OK) {
                break;
            }
            n++;
        }
        elapsed += now() - start;
        appends += n;
        *per_fill = n;
        esp_secure_cert_host_close();
    }
    return appends / elapsed;
}

/* The open image's port with its flash calls counted. */
static esc_port_t counting_port(void)
{
    s_inner = esc_current_port();
    esc_port_t wrap = *s_inner;
    wrap.flash_read = count_read;
    wrap.flash_program = count_program;
    wrap.flash_erase = count_erase;
    return wrap;
}

/* Flash traffic of one append of `len` bytes after `before` bytes of entries. */
static void traffic(uint32_t align, uint16_t len)
{
    static uint8_t data[PART];
    memset(data, 0x33, sizeof(data));
    if (open_flash(align) != 0) {
        return;
    }
    esc_port_t wrap = counting_port();
    esc_flash_opts_t opts = {.check_erase = true, .auto_erase = false};
    esc_write_item_t pre = {.type = 0, .subtype = 0, .length = 1000, .data = data};
    (void)esc_flash_append(&wrap, &pre, 1, &opts, NULL);
    memset(&s_count, 0, sizeof(s_count));
    esc_write_item_t it = {.type = 1, .subtype = 0, .length = len, .data = data};
    if (esc_flash_append(&wrap, &it, 1, &opts, NULL) != ESP_OK) {
        printf("  append failed\n");
    }
    double encoded = esc_tlv_total_len(len);
    printf("  %5u data bytes (%5.0f encoded): %2llu programs, %6llu bytes programmed (x%.3f), "
           "%3llu reads, %6llu bytes read\n",
           (unsigned)len, encoded, (unsigned long long)s_count.programs, (unsigned long long)s_count.programmed,
           (double)s_count.programmed / encoded, (unsigned long long)s_count.reads,
           (unsigned long long)s_count.read_bytes);
    esp_secure_cert_host_close();
}

/* An append cut at its first program (the body), then the next append: the
 * filler it writes and what it costs. */
static void repair_cost(uint32_t align)
{
    static uint8_t data[PART];
    memset(data, 0x77, sizeof(data));
    if (open_flash(align) != 0) {
        return;
    }
    esc_write_item_t pre = {.type = 0, .subtype = 0, .length = 1000, .data = data};
    esc_flash_opts_t opts = {.check_erase = true, .auto_erase = false};
    (void)esc_flash_append(esc_current_port(), &pre, 1, &opts, NULL);
    esc_host_flash_set_powercut(1, true, 42, NULL, NULL);
    esc_write_item_t torn = {.type = 1, .subtype = 0, .length = 700, .data = data};
    (void)esc_flash_append(esc_current_port(), &torn, 1, &opts, NULL);
    /* Reboot: re-open the same buffer. */
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    cfg.prog_align = align;
    cfg.partition_offset = 0;
    cfg.partition_size = PART;
    if (esp_secure_cert_host_open_buffer(s_flash, sizeof(s_flash), &cfg) != ESP_OK) {
        return;
    }
    esc_port_t wrap = counting_port();
    memset(&s_count, 0, sizeof(s_count));
    esc_flash_report_t rep;
    esc_write_item_t next = {.type = 2, .subtype = 0, .length = 100, .data = data};
    double t0 = now();
    esp_err_t err = esc_flash_append(&wrap, &next, 1, &opts, &rep);
    double t1 = now();
    printf("  prog_align %2u: %s, %u filler, %llu programs, %llu bytes programmed, %llu erases, %.1f us\n", align,
           err == ESP_OK ? "ok" : "FAILED", rep.fillers_written, (unsigned long long)s_count.programs,
           (unsigned long long)s_count.programmed, (unsigned long long)s_count.erases, (t1 - t0) * 1e6);
    esp_secure_cert_host_close();
}

int main(void)
{
    static const uint16_t sizes[] = {0, 32, 256, 1024, 4000};
    printf("bench_write: 8 KiB emulated partition, public API, default config\n");
    for (uint32_t align = 1; align <= 16; align += 15) {
        printf("prog_align %u (%s)\n", align, align == 1 ? "byte programmable" : "flash encryption, 16-byte blocks");
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            unsigned per_fill = 0;
            double rate = appends_per_second(align, sizes[i], &per_fill);
            printf("  %5u-byte entries: %9.0f appends/s (%u per partition)\n", (unsigned)sizes[i], rate, per_fill);
        }
    }
    printf("flash traffic of one append after a 1000-byte entry:\n");
    for (uint32_t align = 1; align <= 16; align += 15) {
        printf(" prog_align %u\n", align);
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            traffic(align, sizes[i]);
        }
    }
    printf("repair after an append cut in its first program (next append, 100 bytes):\n");
    repair_cost(1);
    repair_cost(16);
    return 0;
}
