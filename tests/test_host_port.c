/*
 * The host port as the API layer and applications see it: configuration by
 * C calls and by environment variables, the port callbacks (write lock,
 * random, eFuse, flash encryption alignment, power cut) and an application
 * flow over a flash dump: esp_partition_find_first -> tlv_set_partition ->
 * read the device certificate (expected: the vector's input PEM).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "esc_port.h"
#include "esp_efuse.h"
#include "esp_partition.h"
#include "esp_random.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"
#include "test_files.h"

#define SECTOR 4096u
#define V01 ESC_VECTORS_DIR "/v01_pem_rsa2048_plain"
#define QEMU_EFUSE ESC_VECTORS_DIR "/reference/examples/esp_secure_cert_app/tests/qemu_efuse.bin"

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* A 64 KiB flash dump: table at 0x8000 (nvs + esp_secure_cert at 0xD000,
 * 8 KiB, with MD5), the v01 partition image at 0xD000. */
static char *make_v01_dump(void)
{
    size_t len = 0;
    uint8_t *v01 = tf_read_file(V01 "/outputs/esp_secure_cert.bin", &len);
    assert_non_null(v01);
    uint8_t *d = malloc(0x10000);
    memset(d, 0xFF, 0x10000);
    uint8_t *t = d + 0x8000;
    static const struct {
        uint8_t type, sub;
        uint32_t off, size;
        const char *label;
    } rows[] = {{0x01, 0x02, 0x9000, 0x4000, "nvs"}, {0x3F, 0x00, 0xD000, 0x2000, "esp_secure_cert"}};
    for (size_t i = 0; i < 2; i++) {
        uint8_t *e = t + 32 * i;
        memset(e, 0, 32);
        e[0] = 0xAA;
        e[1] = 0x50;
        e[2] = rows[i].type;
        e[3] = rows[i].sub;
        put32(e + 4, rows[i].off);
        put32(e + 8, rows[i].size);
        strncpy((char *)e + 12, rows[i].label, 16);
    }
    t[64] = 0xEB;
    t[65] = 0xEB;
    unsigned int md_len = 0;
    assert_int_equal(EVP_Digest(t, 64, t + 64 + 16, &md_len, EVP_md5(), NULL), 1);
    memcpy(d + 0xD000, v01, len);
    char *path = strdup("/tmp/esc_test_port_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, d, 0x10000), 0x10000);
    close(fd);
    free(d);
    free(v01);
    return path;
}

static int teardown(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    esp_secure_cert_host_set_rng(NULL, NULL);
    unsetenv("ESP_SECURE_CERT_FLASH");
    unsetenv("ESP_SECURE_CERT_PARTITION_OFFSET");
    unsetenv("ESP_SECURE_CERT_PARTITION_SIZE");
    unsetenv("ESP_SECURE_CERT_EFUSE");
    unsetenv("ESP_SECURE_CERT_READONLY");
    unsetenv("ESP_SECURE_CERT_FLASH_ENCRYPTION");
    return 0;
}

static void expect_v01_device_cert(void)
{
    size_t pem_len = 0;
    uint8_t *pem = tf_read_file(V01 "/inputs/test_dev_rsa2048.pem", &pem_len);
    assert_non_null(pem);
    char *cert = NULL;
    uint32_t cert_len = 0;
    assert_int_equal(esp_secure_cert_get_device_cert(&cert, &cert_len), ESP_OK);
    assert_non_null(cert);
    assert_true(cert_len >= pem_len);
    assert_memory_equal(cert, pem, pem_len);
    esp_secure_cert_free_device_cert(cert);
    free(pem);
}

static void test_app_flow_on_flash_dump(void **state)
{
    (void)state;
    char *path = make_v01_dump();
    assert_int_equal(esp_secure_cert_host_open(path, NULL), ESP_OK);
    const esp_partition_t *part = esp_partition_find_first((esp_partition_type_t)0x3F, ESP_PARTITION_SUBTYPE_ANY,
                                                           "esp_secure_cert");
    assert_non_null(part);
    assert_int_equal(esp_secure_cert_tlv_set_partition(part), ESP_OK);
    expect_v01_device_cert();
    /* Closing drops the API's mapping; reading then fails cleanly. */
    esp_secure_cert_host_close();
    char *cert = NULL;
    uint32_t cert_len = 0;
    assert_int_not_equal(esp_secure_cert_get_device_cert(&cert, &cert_len), ESP_OK);
    /* Re-open: the default lookup finds the partition again. */
    assert_int_equal(esp_secure_cert_host_open(path, NULL), ESP_OK);
    expect_v01_device_cert();
    unlink(path);
    free(path);
}

static void test_environment_configuration(void **state)
{
    (void)state;
    char *path = make_v01_dump();
    esp_secure_cert_host_close(); /* nothing configured: the environment is read on first use */
    setenv("ESP_SECURE_CERT_FLASH", path, 1);
    setenv("ESP_SECURE_CERT_PARTITION_OFFSET", "53248", 1); /* decimal 0xD000 */
    setenv("ESP_SECURE_CERT_EFUSE", QEMU_EFUSE, 1);
    setenv("ESP_SECURE_CERT_READONLY", "1", 1);
    const esp_partition_t *part = esp_partition_find_first((esp_partition_type_t)0x3F, ESP_PARTITION_SUBTYPE_ANY,
                                                           "esp_secure_cert");
    assert_non_null(part);
    assert_int_equal(part->address, 0xD000);
    esp_efuse_block_t blk;
    assert_true(esp_efuse_find_purpose(ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_DIGITAL_SIGNATURE, &blk));
    assert_int_equal(blk, EFUSE_BLK_KEY0);
    expect_v01_device_cert();
    const esc_port_t *port = esc_port_get(NULL);
    uint8_t z[16] = {0};
    assert_int_equal(port->flash_program(port, 4096, z, 16), ESP_ERR_NOT_ALLOWED); /* READONLY=1 */

    /* Hex works too; an offset not in the table finds nothing. */
    esp_secure_cert_host_close();
    setenv("ESP_SECURE_CERT_PARTITION_OFFSET", "0xD000", 1);
    assert_non_null(esc_port_get(NULL));
    esp_secure_cert_host_close();
    setenv("ESP_SECURE_CERT_PARTITION_OFFSET", "0x9001", 1);
    assert_null(esc_port_get(NULL));
    esp_secure_cert_host_close();
    setenv("ESP_SECURE_CERT_PARTITION_OFFSET", "0xD000junk", 1);
    assert_null(esc_port_get(NULL));
    assert_null(esp_partition_find_first(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_ANY, NULL));

    /* Writable by default, and flash encryption by flag. */
    esp_secure_cert_host_close();
    unsetenv("ESP_SECURE_CERT_READONLY");
    setenv("ESP_SECURE_CERT_PARTITION_OFFSET", "0xD000", 1);
    setenv("ESP_SECURE_CERT_FLASH_ENCRYPTION", "1", 1);
    port = esc_port_get(NULL);
    assert_non_null(port);
    assert_int_equal(port->prog_align, 16);
    assert_true(port->flash_encrypted(port));
    assert_int_equal(port->flash_program(port, 0x1008, z, 16), ESP_ERR_INVALID_ARG);
    assert_int_equal(port->flash_program(port, 0x1010, z, 16), ESP_OK);

    /* An explicit open wins over the environment. */
    esp_secure_cert_host_close();
    size_t len = 0;
    uint8_t *v01 = tf_read_file(V01 "/outputs/esp_secure_cert.bin", &len);
    assert_int_equal(esp_secure_cert_host_open_buffer(v01, len, NULL), ESP_OK);
    port = esc_port_get(NULL);
    assert_int_equal(port->partition_size, 8192);
    assert_false(port->flash_encrypted(port));
    free(v01);
    unlink(path);
    free(path);
}

static void test_write_lock(void **state)
{
    (void)state;
    static uint8_t img[2 * SECTOR];
    memset(img, 0xFF, sizeof(img));
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    assert_true(port->write_try_lock(port));
    assert_false(port->write_try_lock(port));
    port->write_unlock(port);
    assert_true(port->write_try_lock(port));
    port->write_unlock(port);
}

typedef struct {
    uint8_t next;
    unsigned calls;
} counter_rng_t;

static esp_err_t counter_rng(void *ctx, void *buf, size_t len)
{
    counter_rng_t *c = ctx;
    c->calls++;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        p[i] = c->next++;
    }
    return ESP_OK;
}

static void test_random_can_be_pinned(void **state)
{
    (void)state;
    static uint8_t img[SECTOR];
    memset(img, 0xFF, sizeof(img));
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), NULL), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    counter_rng_t c = {0, 0};
    esp_secure_cert_host_set_rng(counter_rng, &c);
    uint8_t a[8], b[8];
    esp_fill_random(a, sizeof(a));
    assert_int_equal(port->random(port, b, sizeof(b)), ESP_OK);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(a[i], i);
        assert_int_equal(b[i], 8 + i);
    }
    assert_int_equal(esp_random(), 0x13121110u); /* bytes 16..19, little-endian */
    assert_int_equal(c.calls, 3);
    /* Back to the OS: 64 bytes of getrandom() are not the counter. */
    esp_secure_cert_host_set_rng(NULL, NULL);
    uint8_t r[64], pattern[64];
    for (int i = 0; i < 64; i++) {
        pattern[i] = (uint8_t)(c.next + i);
    }
    assert_int_equal(port->random(port, r, sizeof(r)), ESP_OK);
    assert_memory_not_equal(r, pattern, sizeof(r));
    assert_int_equal(c.calls, 3);
}

static void test_efuse_through_port(void **state)
{
    (void)state;
    char efuse_path[] = "/tmp/esc_test_port_efuse_XXXXXX";
    int fd = mkstemp(efuse_path);
    assert_true(fd >= 0);
    static const char text[] = "# test\nKEY3 HMAC_DOWN_JTAG 0101010101010101010101010101010101010101010101010101010101010101\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    static uint8_t img[2 * SECTOR];
    memset(img, 0xFF, sizeof(img));
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    cfg.efuse_path = efuse_path;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    esc_key_purpose_t p;
    assert_int_equal(port->efuse_get_purpose(port, 3, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_DOWN_JTAG);
    assert_int_equal(port->efuse_get_purpose(port, 6, &p), ESP_ERR_INVALID_ARG);

    uint8_t key[32], msg[32], got[32], want[32];
    memset(key, 0x77, sizeof(key));
    memset(msg, 0xFF, sizeof(msg));
    assert_int_equal(port->hmac_calculate(port, 1, msg, sizeof(msg), got), ESP_FAIL); /* blank block */
    assert_int_equal(port->efuse_write_key(port, 1, ESC_PURPOSE_HMAC_UP, key, true), ESP_OK);
    assert_int_equal(port->efuse_write_key(port, 1, ESC_PURPOSE_HMAC_UP, key, true), ESP_ERR_INVALID_STATE);
    assert_int_equal(port->efuse_write_key(port, 3, ESC_PURPOSE_HMAC_UP, key, true), ESP_ERR_INVALID_STATE);
    assert_int_equal(port->hmac_calculate(port, 1, msg, sizeof(msg), got), ESP_OK);
    unsigned int out_len = 0;
    HMAC(EVP_sha256(), key, 32, msg, sizeof(msg), want, &out_len);
    assert_memory_equal(got, want, 32);
    assert_int_equal(port->hmac_calculate(port, 3, msg, sizeof(msg), got), ESP_FAIL); /* JTAG purpose */

    /* The burn reached the eFuse file; a new session sees it. */
    esp_secure_cert_host_close();
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    port = esc_port_get(NULL);
    assert_int_equal(port->efuse_get_purpose(port, 1, &p), ESP_OK);
    assert_int_equal(p, ESC_PURPOSE_HMAC_UP);
    assert_int_equal(port->hmac_calculate(port, 1, msg, sizeof(msg), got), ESP_OK);
    assert_memory_equal(got, want, 32);

    /* A bad eFuse file fails the open. */
    esp_secure_cert_host_close();
    fd = open(efuse_path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "KEY9 USER 00\n", 13), 13);
    close(fd);
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_ERR_INVALID_ARG);
    assert_null(esc_port_get(NULL));
    unlink(efuse_path);
}

static jmp_buf s_jmp;

static void cut(void *ctx)
{
    (*(unsigned *)ctx)++;
    longjmp(s_jmp, 1);
}

static void test_powercut_through_port(void **state)
{
    (void)state;
    static uint8_t img[2 * SECTOR];
    memset(img, 0x00, sizeof(img));
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.writable = true;
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    const esc_port_t *port = esc_port_get(NULL);
    uint8_t data[64];
    memset(data, 0xA5, sizeof(data));
    assert_int_equal(port->flash_erase(port, 0, SECTOR), ESP_OK);
    assert_int_equal(port->flash_program(port, 0, data, sizeof(data)), ESP_OK);
    assert_int_equal(esp_secure_cert_host_flash_op_count(), 2);

    static unsigned calls;
    calls = 0;
    esp_secure_cert_host_set_powercut(1, true, 1234, cut, &calls);
    if (setjmp(s_jmp) == 0) {
        (void)port->flash_program(port, 64, data, sizeof(data));
        fail_msg("no power cut");
    }
    assert_int_equal(calls, 1);
    uint8_t b[4];
    assert_int_equal(port->flash_read(port, 0, b, 4), ESP_FAIL);
    /* Reboot from the same buffer: the torn bytes are there, power is back. */
    assert_int_equal(esp_secure_cert_host_open_buffer(img, sizeof(img), &cfg), ESP_OK);
    port = esc_port_get(NULL);
    assert_int_equal(esp_secure_cert_host_flash_op_count(), 0);
    uint8_t got[64], erased[64];
    memset(erased, 0xFF, sizeof(erased));
    assert_int_equal(port->flash_read(port, 64, got, sizeof(got)), ESP_OK);
    assert_memory_not_equal(got, data, sizeof(got));
    assert_memory_not_equal(got, erased, sizeof(got));
    assert_int_equal(port->flash_read(port, 0, got, sizeof(got)), ESP_OK);
    assert_memory_equal(got, data, sizeof(got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_app_flow_on_flash_dump, teardown),
        cmocka_unit_test_teardown(test_environment_configuration, teardown),
        cmocka_unit_test_teardown(test_write_lock, teardown),
        cmocka_unit_test_teardown(test_random_can_be_pinned, teardown),
        cmocka_unit_test_teardown(test_efuse_through_port, teardown),
        cmocka_unit_test_teardown(test_powercut_through_port, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
