/*
 * The public read API on every TLV partition in tests/vectors, through the
 * host port, as an application would call it. Expectations come from the
 * independent dumps (expected.json, reference_tlvdump.json) and, for the
 * integrity entry, from OpenSSL's SHA-256 of the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"
#include "mini_json.h"
#include "test_files.h"
#include "vector_images.h"

static unsigned s_images;

/* The entry a lookup of (type, subtype) reaches, by the reader's rule: the
 * list ends at the first entry whose CRC fails (returned if it is the one
 * asked for, so that the caller expects a failure). */
static const mj_node_t *dump_find(const mj_node_t *tlvs, long type, long subtype)
{
    for (const mj_node_t *t = tlvs ? tlvs->child : NULL; t != NULL; t = t->next) {
        bool match = mj_int(t, "type", -1) == type && mj_int(t, "subtype", -1) == subtype;
        if (match || !mj_get(t, "crc_ok")->boolean) {
            return match ? t : NULL;
        }
    }
    return NULL;
}

static const mj_node_t *dump_last(const mj_node_t *tlvs, long type)
{
    const mj_node_t *last = NULL;
    for (const mj_node_t *t = tlvs ? tlvs->child : NULL; t != NULL; t = t->next) {
        if (!mj_get(t, "crc_ok")->boolean) {
            return mj_int(t, "type", -1) == type ? t : last;
        }
        if (mj_int(t, "type", -1) == type) {
            last = t;
        }
    }
    return last;
}

/* A getter must return exactly the dumped data of a valid plain entry, and
 * fail where there is none (or its CRC is bad). */
static void check_getter(const char *what, esp_err_t (*get)(char **, uint32_t *), esp_err_t (*put)(char *),
                         const mj_node_t *t, const char *path)
{
    char *buf = NULL;
    uint32_t len = 0;
    esp_err_t err = get(&buf, &len);
    bool plain_valid = t != NULL && mj_get(t, "crc_ok")->boolean && (mj_int(t, "flags", 0) & 0xC0) != 0x80 &&
                       (mj_int(t, "flags", 0) & 0xC0) != 0x40;
    if (!plain_valid) {
        if (t == NULL || !mj_get(t, "crc_ok")->boolean) {
            if (err == ESP_OK) {
                fail_msg("%s: %s returned data where none is valid", path, what);
            }
        }
        if (err == ESP_OK) {
            put(buf);
        }
        return;
    }
    if (err != ESP_OK) {
        fail_msg("%s: %s failed: %s", path, what, esp_err_to_name(err));
    }
    assert_int_equal(len, mj_int(t, "length", -1));
    char sha[65];
    tf_sha256_hex(buf, len, sha);
    assert_string_equal(sha, mj_str(t, "data_sha256"));
    assert_int_equal(put(buf), ESP_OK);
}

static void check_image(const char *path, const mj_node_t *dump)
{
    const mj_node_t *tlvs = mj_get(dump, "tlvs");
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    esp_err_t err = esp_secure_cert_host_open(path, &cfg);
    if (err != ESP_OK) {
        fail_msg("open %s: %s", path, esp_err_to_name(err));
    }
    check_getter("get_device_cert", esp_secure_cert_get_device_cert, esp_secure_cert_free_device_cert,
                 dump_find(tlvs, 1, 0), path);
    check_getter("get_ca_cert", esp_secure_cert_get_ca_cert, esp_secure_cert_free_ca_cert, dump_find(tlvs, 0, 0),
                 path);
    check_getter("get_priv_key", esp_secure_cert_get_priv_key, esp_secure_cert_free_priv_key,
                 dump_find(tlvs, 2, 0), path);

    /* Key type from the PRIV_KEY flags. */
    const mj_node_t *pk = dump_find(tlvs, 2, 0);
    esp_secure_cert_key_type_t type;
    err = esp_secure_cert_get_priv_key_type(&type);
    if (pk == NULL || !mj_get(pk, "crc_ok")->boolean) {
        assert_int_not_equal(err, ESP_OK);
        assert_int_equal(type, ESP_SECURE_CERT_INVALID_KEY);
    } else {
        assert_int_equal(err, ESP_OK);
        long flags = mj_int(pk, "flags", 0);
        esp_secure_cert_key_type_t want = ESP_SECURE_CERT_DEFAULT_FORMAT_KEY;
        if ((flags & 0xC0) == 0x40) {
            want = ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY;
        } else if ((flags & 0x38) == 0x08) {
            want = ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY;
        } else if ((flags & 0xC0) == 0x80) {
            want = ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY;
        }
        assert_int_equal(type, want);
    }

    /* eFuse id: first byte of SEC_CFG, or the DS context's key id + KEY0. */
    size_t len = 0;
    uint8_t *img = tf_read_file(path, &len);
    assert_non_null(img);
    const mj_node_t *sec = dump_find(tlvs, 6, 0);
    const mj_node_t *dsctx = dump_find(tlvs, 4, 0);
    uint8_t id = 0xEE;
    err = esp_secure_cert_get_priv_key_efuse_id(&id);
    if (sec != NULL) {
        assert_int_equal(err, ESP_OK);
        assert_int_equal(id, img[mj_int(sec, "offset", 0) + 12]);
    } else if (dsctx != NULL) {
        assert_int_equal(err, ESP_OK);
        assert_int_equal(id, img[mj_int(dsctx, "offset", 0) + 12 + 4] + 4);
    } else {
        assert_int_equal(err, ESP_ERR_NOT_SUPPORTED);
    }

    /* Integrity: the last INTEGRITY entry against OpenSSL's SHA-256. */
    const mj_node_t *integ = dump_last(tlvs, 9);
    err = esp_secure_cert_verify_partition_integrity();
    if (integ == NULL) {
        assert_int_equal(err, ESP_ERR_NOT_FOUND);
    } else {
        long off = mj_int(integ, "offset", 0);
        unsigned char d[32];
        SHA256(img, (size_t)off, d);
        bool match = mj_int(integ, "length", 0) == 32 && memcmp(d, img + off + 12, 32) == 0 &&
                     mj_get(integ, "crc_ok")->boolean;
        assert_int_equal(err, match ? ESP_OK : ESP_FAIL);
    }

    /* The iterator visits the entries in order, stopping at the first bad CRC. */
    esp_secure_cert_tlv_iterator_t it = {0};
    size_t visited = 0;
    while (esp_secure_cert_iterate_to_next_tlv(&it) == ESP_OK) {
        const mj_node_t *t = mj_at(tlvs, visited);
        assert_non_null(t);
        esp_secure_cert_tlv_info_t info;
        err = esp_secure_cert_get_tlv_info_from_iterator(&it, &info);
        long flags = mj_int(t, "flags", 0);
        if ((flags & 0xC0) == 0 || flags == 0xFF) {
            assert_int_equal(err, ESP_OK);
            assert_int_equal(info.type, mj_int(t, "type", -1));
            assert_int_equal(info.flags, flags);
            esp_secure_cert_free_tlv_info(&info);
        } else if (err == ESP_OK) {
            esp_secure_cert_free_tlv_info(&info);
        }
        visited++;
    }
    size_t valid_prefix = 0;
    while (valid_prefix < mj_len(tlvs) && mj_get(mj_at(tlvs, valid_prefix), "crc_ok")->boolean) {
        valid_prefix++;
    }
    assert_int_equal(visited, valid_prefix);

    /* TLV_END reports the end of the chain. */
    esp_secure_cert_tlv_config_t endcfg = {.type = ESP_SECURE_CERT_TLV_END, .subtype = 0};
    esp_secure_cert_tlv_info_t info;
    long end_expected = tf_valid_end(dump);
    err = esp_secure_cert_get_tlv_info(&endcfg, &info);
    const mj_node_t *errors = mj_get(dump, "errors");
    /* A file whose entry runs past its end is no longer truncated once the
     * host pads the partition to 4 KiB with erased bytes, so only intact
     * files have an end to compare. */
    if ((errors == NULL || mj_len(errors) == 0) && end_expected >= 0) {
        assert_int_equal(err, ESP_OK);
        assert_int_equal(info.length, end_expected);
        assert_int_equal(info.subtype, ESP_SECURE_CERT_SUBTYPE_INVALID);
    }
    /* The end pointer of a full partition lies one past the mapping: freeing
     * it must not take it for a heap value (ASan would report that). */
    if (err == ESP_OK) {
        assert_int_equal(esp_secure_cert_free_tlv_info(&info), ESP_OK);
        assert_null(info.data);
    }
    free(img);
    esp_secure_cert_host_close();
    s_images++;
}

static void test_tool_vectors(void **state)
{
    (void)state;
    assert_true(tf_each_tool_image(check_image) >= 30);
}

static void test_reference_binaries(void **state)
{
    (void)state;
    assert_int_equal(tf_each_reference_image(check_image), 8);
    printf("api vectors: %u images read through the public API\n", s_images);
    assert_true(s_images >= 35);
}

static void test_no_partition(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    unsetenv("ESP_SECURE_CERT_FLASH");
    char *buf;
    uint32_t len;
    assert_int_equal(esp_secure_cert_get_device_cert(&buf, &len), ESP_FAIL);
    assert_int_equal(esp_secure_cert_get_device_cert(NULL, &len), ESP_ERR_INVALID_ARG);
    esp_secure_cert_key_type_t t;
    assert_int_not_equal(esp_secure_cert_get_priv_key_type(&t), ESP_OK);
    assert_int_equal(esp_secure_cert_get_priv_key_type(NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_get_tlv_info(NULL, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_secure_cert_iterate_to_next_tlv(NULL), ESP_ERR_INVALID_ARG);
}

static void test_env_configuration(void **state)
{
    (void)state;
    esp_secure_cert_host_close();
    setenv("ESP_SECURE_CERT_FLASH", ESC_VECTORS_DIR "/v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin", 1);
    char *buf;
    uint32_t len;
    assert_int_equal(esp_secure_cert_get_device_cert(&buf, &len), ESP_OK);
    assert_int_equal(len, 1108);
    esp_secure_cert_free_device_cert(buf);
    esp_secure_cert_host_close();
    unsetenv("ESP_SECURE_CERT_FLASH");
}

static void test_map_and_set_partition(void **state)
{
    (void)state;
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    assert_int_equal(esp_secure_cert_host_open(ESC_VECTORS_DIR "/reference/test_apps/qemu_test/cust_flash_tlv/"
                                               "cust_flash_tlv.bin", &cfg), ESP_OK);
    esp_secure_cert_partition_ctx_t *ctx = NULL;
    assert_int_equal(esp_secure_cert_map_partition(&ctx), ESP_OK);
    assert_non_null(ctx);
    assert_non_null(ctx->esp_secure_cert_mapped_addr);
    char *buf;
    uint32_t len;
    assert_int_equal(esp_secure_cert_get_device_cert(&buf, &len), ESP_OK);
    /* Plain values point into the mapping (zero-copy), as in the original. */
    assert_true((const char *)buf >= (const char *)ctx->esp_secure_cert_mapped_addr);
    esp_secure_cert_unmap_partition();
    assert_null(ctx->esp_secure_cert_mapped_addr);
    /* Unmapped: the next call maps again. */
    assert_int_equal(esp_secure_cert_get_ca_cert(&buf, &len), ESP_OK);
    assert_int_equal(esp_secure_cert_tlv_set_partition(NULL), ESP_OK);
    assert_int_equal(esp_secure_cert_get_ca_cert(&buf, &len), ESP_OK);
    esp_secure_cert_host_close();
}

/* A DS context whose key id is not a key block (0..5) must not be reported
 * as some other eFuse block. */
static void test_efuse_id_rejects_bad_ds_key_id(void **state)
{
    (void)state;
    size_t len;
    uint8_t *img = tf_read_file(ESC_VECTORS_DIR "/v05_ds_rsa2048_esp32c3_autokey/outputs/esp_secure_cert.bin", &len);
    assert_non_null(img);
    uint8_t *flash = malloc(8192);
    memset(flash, 0xFF, 8192);
    memcpy(flash, img, len);
    esc_tlv_entry_t e;
    assert_int_equal(esc_tlv_find(flash, 8192, ESP_SECURE_CERT_DS_CONTEXT_TLV, 0, &e), ESC_TLV_OK);
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    uint8_t id = 0;
    assert_int_equal(esp_secure_cert_host_open_buffer(flash, 8192, &cfg), ESP_OK);
    assert_int_equal(esp_secure_cert_get_priv_key_efuse_id(&id), ESP_OK);
    assert_int_equal(id, flash[e.data_offset + 4] + 4);
    esp_secure_cert_host_close();

    flash[e.data_offset + 4] = 9;
    esc_put_le32(flash + e.offset + e.total_len - 4, esc_crc32(flash + e.offset, e.total_len - 4));
    assert_int_equal(esp_secure_cert_host_open_buffer(flash, 8192, &cfg), ESP_OK);
    assert_int_equal(esp_secure_cert_get_priv_key_efuse_id(&id), ESP_FAIL);
    esp_secure_cert_host_close();
    free(flash);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tool_vectors),
        cmocka_unit_test(test_reference_binaries),
        cmocka_unit_test(test_no_partition),
        cmocka_unit_test(test_env_configuration),
        cmocka_unit_test(test_map_and_set_partition),
        cmocka_unit_test(test_efuse_id_rejects_bad_ds_key_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
