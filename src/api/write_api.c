/*
 * The public write functions: argument checks, the write lock and the view
 * refresh around the buffer and flash writers.
 */
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_log.h"
#include "write_internal.h"

const char esc_write_tag[] = "esp_secure_cert_write";
#define TAG esc_write_tag

/* Batches up to this size are converted on the stack. */
#define STACK_ITEMS 8

static const esc_port_t *writable_port(void)
{
    const esc_port_t *port = esc_current_port();
    if (port == NULL || port->partition_size == 0) {
        ESC_LOGE(TAG, "partition not found");
        return NULL;
    }
    return port;
}

/*
 * A flash-mode operation under the port's write lock: append the items, or
 * with items NULL erase the partition. Even a failed append may have repaired
 * the tail, so readers must look again either way.
 */
static esp_err_t locked_op(const esc_write_item_t *items, size_t n, const esp_secure_cert_write_config_t *cfg)
{
    const esc_port_t *port = writable_port();
    if (port == NULL) {
        return ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND;
    }
    if (port->write_try_lock != NULL && !port->write_try_lock(port)) {
        ESC_LOGE(TAG, "write in progress");
        return ESP_ERR_SECURE_CERT_WRITE_IN_PROGRESS;
    }
    esp_err_t err;
    if (items != NULL) {
        esc_flash_opts_t opts = {.check_erase = cfg->flash.check_erase, .auto_erase = cfg->flash.auto_erase};
        err = esc_flash_append(port, items, n, &opts, NULL);
    } else {
        err = esc_flash_erase_all(port);
    }
    esc_view_invalidate();
    if (port->write_unlock != NULL) {
        port->write_unlock(port);
    }
    return err;
}

esp_err_t esc_write_items(const esc_write_item_t *items, size_t n, const esp_secure_cert_write_config_t *cfg_in)
{
    if (items == NULL || n == 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_secure_cert_write_config_t cfg;
    esp_err_t err = esc_write_resolve_config(cfg_in, &cfg);
    if (err == ESP_OK) {
        err = esc_write_items_unique(items, n);
    }
    if (err != ESP_OK) {
        return err;
    }
    if (cfg.mode == ESP_SECURE_CERT_WRITE_MODE_BUFFER) {
        return esc_buffer_append(cfg.buffer.buffer, cfg.buffer.buffer_size, cfg.buffer.bytes_written, items, n);
    }
    return locked_op(items, n, &cfg);
}

esp_err_t esp_secure_cert_append_tlv(esp_secure_cert_tlv_info_t *tlv_info,
                                     const esp_secure_cert_write_config_t *write_config)
{
    /* A batch of one: the same checks, error codes and bytes. */
    return esp_secure_cert_append_tlv_batch(tlv_info, 1, write_config);
}

esp_err_t esp_secure_cert_append_tlv_batch(esp_secure_cert_tlv_info_t *tlv_entries, size_t num_entries,
                                           const esp_secure_cert_write_config_t *write_config)
{
    if (tlv_entries == NULL || num_entries == 0) {
        return ESP_ERR_INVALID_ARG; /* API misuse: the code says it */
    }
    esc_write_item_t stack_items[STACK_ITEMS];
    esc_write_item_t *items = stack_items;
    if (num_entries > STACK_ITEMS) {
        items = calloc(num_entries, sizeof(*items)); /* NULL on overflow too */
        if (items == NULL) {
            return ESP_ERR_SECURE_CERT_WRITE_NO_MEMORY;
        }
    }
    /* Every entry is checked before anything is written. */
    esp_err_t err = ESP_OK;
    for (size_t i = 0; i < num_entries && err == ESP_OK; i++) {
        err = esc_write_item_from_info(&tlv_entries[i], &items[i]);
        if (err != ESP_OK) {
            ESC_LOGE(TAG, "entry %u invalid", (unsigned)i);
        }
    }
    if (err == ESP_OK) {
        err = esc_write_items(items, num_entries, write_config);
    }
    if (items != stack_items) {
        free(items);
    }
    return err;
}

esp_err_t esp_secure_cert_erase_partition(void)
{
    return locked_op(NULL, 0, NULL);
}

esp_err_t esp_secure_cert_check_flash_erased(size_t offset, size_t size, bool *is_erased)
{
    if (is_erased == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (size == 0) {
        /* Documented as INVALID_SIZE; the original code returned INVALID_ARG. */
        return ESP_ERR_INVALID_SIZE;
    }
    const esc_port_t *port = writable_port();
    if (port == NULL) {
        return ESP_ERR_SECURE_CERT_PARTITION_NOT_FOUND;
    }
    return esc_flash_is_erased(port, offset, size, is_erased);
}
