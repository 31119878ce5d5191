/*
 * Write API contract: every invalid argument gets its documented error code
 * and changes nothing; configuration handling (NULL config, modes, reserved
 * words, buffer offsets); duplicates; partition full; the write lock;
 * erase and erase check; the HMAC placeholders.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>

#include "esc_api_internal.h"
#include "test_write_common.h"

#define PART 8192u

static uint8_t s_flash[PART];
static uint8_t s_before[PART];

static int setup(void **state)
{
    (void)state;
    return wc_open_blank(s_flash, PART, 1) == ESP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    return 0;
}

static void snapshot(void)
{
    memcpy(s_before, s_flash, PART);
}

static void assert_unchanged(void)
{
    assert_memory_equal(s_flash, s_before, PART);
}

static esp_secure_cert_tlv_info_t info_of(uint8_t type, uint8_t subtype, const void *data, uint32_t len)
{
    esp_secure_cert_tlv_info_t info;
    memset(&info, 0, sizeof(info));
    info.type = (esp_secure_cert_tlv_type_t)type;
    info.subtype = (esp_secure_cert_tlv_subtype_t)subtype;
    info.data = (char *)data;
    info.length = len;
    return info;
}

static void test_invalid_entries(void **state)
{
    (void)state;
    static const char data[] = "0123456789";
    wc_entry_t seed = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 40, .seed = 1};
    assert_int_equal(wc_append(&seed, NULL), ESP_OK);
    snapshot();

    assert_int_equal(esp_secure_cert_append_tlv(NULL, NULL), ESP_ERR_INVALID_ARG);

    esp_secure_cert_tlv_info_t info = info_of(ESP_SECURE_CERT_DEV_CERT_TLV, 0, NULL, 5);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_DATA);

    const unsigned bad_types[] = {ESP_SECURE_CERT_TLV_END, ESP_SECURE_CERT_TLV_MAX, ESP_SECURE_CERT_TLV_INVALID};
    for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        info = info_of((uint8_t)bad_types[i], 0, data, 4);
        assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    }
    info = info_of(0, 0, data, 4);
    info.type = (esp_secure_cert_tlv_type_t)300; /* out of the byte range */
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);

    info = info_of(ESP_SECURE_CERT_DEV_CERT_TLV, ESP_SECURE_CERT_SUBTYPE_INVALID, data, 4);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);

    uint8_t *big = calloc(1, 0x10000);
    assert_non_null(big);
    info = info_of(ESP_SECURE_CERT_DEV_CERT_TLV, 0, big, 0x10000);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_LENGTH);
    /* 0xFFFF is a valid length that cannot fit in an 8 KiB partition. */
    info = info_of(ESP_SECURE_CERT_DEV_CERT_TLV, 0, big, 0xFFFF);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_ERR_INVALID_SIZE);
    free(big);
    assert_unchanged();

    /* A zero-length entry with NULL data is valid, as in the original. */
    info = info_of(ESP_SECURE_CERT_USER_DATA_1, 3, NULL, 0);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_OK);
    wc_entry_t empty = {.type = ESP_SECURE_CERT_USER_DATA_1, .subtype = 3, .len = 0};
    assert_int_equal(wc_api_has(&empty), 1);
    /* Subtype 254 (SUBTYPE_MAX) is the largest accepted. */
    info = info_of(ESP_SECURE_CERT_USER_DATA_2, ESP_SECURE_CERT_SUBTYPE_MAX, data, 3);
    assert_int_equal(esp_secure_cert_append_tlv(&info, NULL), ESP_OK);
}

static void test_batch_checked_before_writing(void **state)
{
    (void)state;
    static const char data[] = "abcdefgh";
    assert_int_equal(esp_secure_cert_append_tlv_batch(NULL, 1, NULL), ESP_ERR_INVALID_ARG);
    esp_secure_cert_tlv_info_t batch[3] = {
        info_of(ESP_SECURE_CERT_CA_CERT_TLV, 0, data, 8),
        info_of(ESP_SECURE_CERT_TLV_END, 0, data, 8),
        info_of(ESP_SECURE_CERT_PRIV_KEY_TLV, 0, data, 8),
    };
    assert_int_equal(esp_secure_cert_append_tlv_batch(batch, 0, NULL), ESP_ERR_INVALID_ARG);
    snapshot();
    assert_int_equal(esp_secure_cert_append_tlv_batch(batch, 3, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_TYPE);
    assert_unchanged();
    batch[1] = info_of(ESP_SECURE_CERT_DEV_CERT_TLV, 0, NULL, 8);
    assert_int_equal(esp_secure_cert_append_tlv_batch(batch, 3, NULL), ESP_ERR_SECURE_CERT_TLV_INVALID_DATA);
    assert_unchanged();
    /* The same (type, subtype) twice in one batch: refused whole, where the
     * original wrote the first copy and then failed. */
    batch[1] = info_of(ESP_SECURE_CERT_CA_CERT_TLV, 0, data, 4);
    assert_int_equal(esp_secure_cert_append_tlv_batch(batch, 3, NULL), ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_unchanged();
    /* Same type, other subtype: fine. */
    batch[1] = info_of(ESP_SECURE_CERT_CA_CERT_TLV, 1, data, 4);
    assert_int_equal(esp_secure_cert_append_tlv_batch(batch, 3, NULL), ESP_OK);
    /* One entry of a new batch already exists: nothing of it is written. */
    snapshot();
    esp_secure_cert_tlv_info_t again[2] = {
        info_of(ESP_SECURE_CERT_USER_DATA_1, 0, data, 8),
        info_of(ESP_SECURE_CERT_PRIV_KEY_TLV, 0, data, 2),
    };
    assert_int_equal(esp_secure_cert_append_tlv_batch(again, 2, NULL), ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_unchanged();
}

static void test_already_exists(void **state)
{
    (void)state;
    wc_entry_t a = {.type = ESP_SECURE_CERT_DEV_CERT_TLV, .subtype = 2, .len = 100, .seed = 7};
    assert_int_equal(wc_append(&a, NULL), ESP_OK);
    snapshot();
    wc_entry_t b = a;
    b.seed = 8;
    assert_int_equal(wc_append(&b, NULL), ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_unchanged();
    assert_int_equal(wc_api_has(&a), 1);
}

static void test_partition_full(void **state)
{
    (void)state;
    /* One entry of exactly the partition's size: 12 + 8176 + 4 = 8192. */
    wc_entry_t whole = {.type = ESP_SECURE_CERT_USER_DATA_3, .len = PART - 16, .seed = 3};
    wc_entry_t more = {.type = ESP_SECURE_CERT_USER_DATA_4, .len = 0};
    wc_entry_t too_big = {.type = ESP_SECURE_CERT_USER_DATA_3, .len = PART - 15, .seed = 3};
    assert_int_equal(wc_append(&too_big, NULL), ESP_ERR_INVALID_SIZE);
    assert_int_equal(wc_append(&whole, NULL), ESP_OK);
    snapshot();
    assert_int_equal(wc_append(&more, NULL), ESP_ERR_INVALID_SIZE);
    assert_unchanged();
    assert_int_equal(wc_api_has(&whole), 1);
}

static void test_config(void **state)
{
    (void)state;
    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 20, .seed = 4};
    esp_secure_cert_write_config_t cfg;
    snapshot();
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    assert_true(cfg.flash.check_erase);
    assert_false(cfg.flash.auto_erase);
    cfg.mode = (esp_secure_cert_write_mode_t)7;
    assert_int_equal(wc_append(&e, &cfg), ESP_ERR_SECURE_CERT_INVALID_WRITE_MODE);
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    cfg.reserved[3] = 1;
    assert_int_equal(wc_append(&e, &cfg), ESP_ERR_INVALID_ARG);
    assert_unchanged();
    /* check_erase off and auto_erase on behave the same on a clean partition. */
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_FLASH);
    cfg.flash.check_erase = false;
    assert_int_equal(wc_append(&e, &cfg), ESP_OK);
    wc_entry_t f = {.type = ESP_SECURE_CERT_DEV_CERT_TLV, .len = 21, .seed = 5};
    cfg.flash.auto_erase = true;
    assert_int_equal(wc_append(&f, &cfg), ESP_OK);
    assert_int_equal(wc_api_has(&e), 1);
    assert_int_equal(wc_api_has(&f), 1);
}

static void test_buffer_config(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t used = 0;
    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 100, .seed = 9};
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    cfg.buffer.buffer = NULL;
    cfg.buffer.buffer_size = sizeof(buf);
    assert_int_equal(wc_append(&e, &cfg), ESP_ERR_SECURE_CERT_BUFFER_CONFIG_INVALID);
    cfg.buffer.buffer = buf;
    cfg.buffer.buffer_size = 0;
    assert_int_equal(wc_append(&e, &cfg), ESP_ERR_SECURE_CERT_BUFFER_CONFIG_INVALID);

    memset(buf, 0xA5, sizeof(buf));
    cfg.buffer.buffer_size = sizeof(buf);
    cfg.buffer.bytes_written = &used;
    assert_int_equal(wc_append(&e, &cfg), ESP_OK);
    assert_int_equal(used, esc_tlv_total_len(100)); /* 128 */
    /* bytes_written is the running end of the image: the next entry goes
     * after the first, and does not fit. */
    wc_entry_t f = {.type = ESP_SECURE_CERT_DEV_CERT_TLV, .len = 120, .seed = 10};
    uint8_t keep[256];
    memcpy(keep, buf, sizeof(buf));
    assert_int_equal(wc_append(&f, &cfg), ESP_ERR_SECURE_CERT_BUFFER_OVERFLOW);
    assert_int_equal(used, 128);
    assert_memory_equal(buf, keep, sizeof(buf));
    /* Offsets that are not where the entries end. */
    used = 100;
    assert_int_equal(wc_append(&f, &cfg), ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID);
    used = 112;
    assert_int_equal(wc_append(&f, &cfg), ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID);
    used = 257;
    assert_int_equal(wc_append(&f, &cfg), ESP_ERR_SECURE_CERT_WRITE_OFFSET_INVALID);
    used = 128;
    assert_int_equal(wc_append(&e, &cfg), ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS);
    assert_memory_equal(buf, keep, sizeof(buf));
    wc_entry_t g = {.type = ESP_SECURE_CERT_DEV_CERT_TLV, .len = 100, .seed = 11};
    assert_int_equal(wc_append(&g, &cfg), ESP_OK);
    assert_int_equal(used, 256);

    /* Without bytes_written the append goes after the entries in the buffer
     * (the original wrote at offset 0 every time). */
    uint8_t buf2[512];
    memset(buf2, 0xFF, sizeof(buf2));
    cfg.buffer.buffer = buf2;
    cfg.buffer.buffer_size = sizeof(buf2);
    cfg.buffer.bytes_written = NULL;
    assert_int_equal(wc_append(&e, &cfg), ESP_OK);
    assert_int_equal(wc_append(&g, &cfg), ESP_OK);
    assert_memory_equal(buf2, buf, 256);
    for (size_t i = 256; i < sizeof(buf2); i++) {
        assert_int_equal(buf2[i], 0xFF);
    }
}

static void test_write_lock(void **state)
{
    (void)state;
    const esc_port_t *port = esc_current_port();
    assert_non_null(port);
    assert_true(port->write_try_lock(port));
    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 20, .seed = 4};
    snapshot();
    assert_int_equal(wc_append(&e, NULL), ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS);
    assert_int_equal(wc_append_batch(&e, 1, NULL), ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS);
    assert_int_equal(esp_secure_cert_erase_partition(), ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS);
    assert_unchanged();
    /* Buffer mode does not touch the partition and takes no lock. */
    uint8_t buf[64];
    size_t used = 0;
    esp_secure_cert_write_config_t cfg;
    esp_secure_cert_write_config_init(&cfg, ESP_SECURE_CERT_WRITE_MODE_BUFFER);
    cfg.buffer.buffer = buf;
    cfg.buffer.buffer_size = sizeof(buf);
    cfg.buffer.bytes_written = &used;
    assert_int_equal(wc_append(&e, &cfg), ESP_OK);
    port->write_unlock(port);
    assert_int_equal(wc_append(&e, NULL), ESP_OK);
    assert_int_equal(wc_api_has(&e), 1);
}

static void test_erase_and_check(void **state)
{
    (void)state;
    bool erased = false;
    assert_int_equal(esp_secure_cert_check_flash_erased(0, 16, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_check_flash_erased(0, 0, &erased), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_secure_cert_check_flash_erased(PART - 8, 16, &erased), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_secure_cert_check_flash_erased(SIZE_MAX, 16, &erased), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_secure_cert_check_flash_erased(0, PART, &erased), ESP_OK);
    assert_true(erased);

    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 20, .seed = 4};
    assert_int_equal(wc_append(&e, NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_check_flash_erased(0, 16, &erased), ESP_OK);
    assert_false(erased);
    assert_int_equal(esp_secure_cert_check_flash_erased(48, PART - 48, &erased), ESP_OK);
    assert_true(erased);
    assert_int_equal(esp_secure_cert_check_flash_erased(47, 1, &erased), ESP_OK);
    assert_false(erased);

    assert_int_equal(esp_secure_cert_erase_partition(), ESP_OK);
    for (size_t i = 0; i < PART; i++) {
        assert_int_equal(s_flash[i], 0xFF);
    }
    assert_int_equal(wc_api_has(&e), 0);
    assert_int_equal(wc_append(&e, NULL), ESP_OK);
    assert_int_equal(wc_api_has(&e), 1);
}

static void test_no_partition(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 20, .seed = 4};
    bool erased;
    assert_int_equal(wc_append(&e, NULL), ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND);
    assert_int_equal(esp_secure_cert_erase_partition(), ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND);
    assert_int_equal(esp_secure_cert_check_flash_erased(0, 16, &erased), ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND);
}

static void test_read_only_image(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    memset(s_flash, 0xFF, PART);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    cfg.partition_size = PART;
    assert_int_equal(esp_secure_cert_host_open_buffer(s_flash, PART, &cfg), ESP_OK);
    wc_entry_t e = {.type = ESP_SECURE_CERT_CA_CERT_TLV, .len = 20, .seed = 4};
    assert_int_equal(wc_append(&e, NULL), ESP_ERR_SECURE_CERT_FLASH_WRITE_FAILED);
    assert_int_equal(esp_secure_cert_erase_partition(), ESP_ERR_SECURE_CERT_ERASE_FAILED);
    assert_int_equal(wc_api_has(&e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invalid_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_checked_before_writing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_already_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partition_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffer_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_and_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_partition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_image, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
