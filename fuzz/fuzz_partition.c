/*
 * libFuzzer target: an arbitrary byte string as the esp_secure_cert
 * partition. Walks it with the format core and calls every read getter
 * through the public API on the host port, as an application would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esc_tlv.h"
#include "esp_secure_cert_host.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_format(const uint8_t *data, size_t size)
{
    esc_tlv_cursor_t cur;
    esc_tlv_entry_t e;
    esc_tlv_cursor_init(&cur);
    while (esc_tlv_cursor_next(&cur, data, size, &e) == ESC_TLV_OK) {
        if ((size_t)e.offset + e.total_len > size) {
            abort();
        }
    }
    size_t end;
    (void)esc_tlv_end_offset(data, size, &end);
    /* The getters below look up the common types through the API; here the
     * latest-subtype search and a type no getter asks for. */
    (void)esc_tlv_find(data, size, 9, ESC_TLV_SUBTYPE_LATEST, &e);
    (void)esc_tlv_find(data, size, 53, 7, &e);
}

static void touch(const char *buf, uint32_t len)
{
    volatile char sink = 0;
    for (uint32_t i = 0; i < len; i++) {
        sink ^= buf[i];
    }
    (void)sink;
}

static void call_getters(void)
{
    char *buf;
    uint32_t len;
    if (esp_secure_cert_get_device_cert(&buf, &len) == ESP_OK) {
        touch(buf, len);
        esp_secure_cert_free_device_cert(buf);
    }
    if (esp_secure_cert_get_ca_cert(&buf, &len) == ESP_OK) {
        touch(buf, len);
        esp_secure_cert_free_ca_cert(buf);
    }
    if (esp_secure_cert_get_priv_key(&buf, &len) == ESP_OK) {
        touch(buf, len);
        esp_secure_cert_free_priv_key(buf);
    }
    esp_secure_cert_key_type_t type;
    (void)esp_secure_cert_get_priv_key_type(&type);
    uint8_t efuse_id;
    (void)esp_secure_cert_get_priv_key_efuse_id(&efuse_id);
    (void)esp_secure_cert_verify_partition_integrity();
    esp_ds_data_ctx_t *ds = esp_secure_cert_get_ds_ctx();
    if (ds != NULL) {
        esp_secure_cert_free_ds_ctx(ds);
    }
    esp_secure_cert_tlv_iterator_t it = {0};
    int guard = 0;
    while (esp_secure_cert_iterate_to_next_tlv(&it) == ESP_OK && guard++ < 1000) {
        esp_secure_cert_tlv_info_t info;
        if (esp_secure_cert_get_tlv_info_from_iterator(&it, &info) == ESP_OK) {
            touch(info.data, info.length);
            esp_secure_cert_free_tlv_info(&info);
        }
    }
    esp_secure_cert_tlv_config_t cfg = {.type = ESP_SECURE_CERT_TLV_END, .subtype = 0};
    esp_secure_cert_tlv_info_t info;
    if (esp_secure_cert_get_tlv_info(&cfg, &info) == ESP_OK) {
        esp_secure_cert_free_tlv_info(&info);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy so that ASan sees any read past the end. */
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    walk_format(copy, size);
    free(copy);

    if (size == 0 || size > 64 * 1024) {
        return 0;
    }
    esp_secure_cert_host_config_t cfg = ESP_SECURE_CERT_HOST_CONFIG_DEFAULT();
    cfg.partition_offset = 0;
    cfg.partition_size = (uint32_t)((size + 4095) & ~(size_t)4095);
    if (esp_secure_cert_host_open_buffer((void *)data, size, &cfg) == ESP_OK) {
        call_getters();
    }
    esp_secure_cert_host_close();
    return 0;
}
