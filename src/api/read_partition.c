/*
 * Which partition the API works on, and the mapped bytes readers walk.
 * The state is one context, as in the original (applications may hold the
 * pointer esp_secure_cert_map_partition gives them).
 */
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esp_log.h"
#include "esp_secure_cert_tlv_read.h"

static const char *TAG = "esp_secure_cert";

esp_secure_cert_partition_ctx_t esp_secure_cert_partition_ctx;

static const esc_port_t *s_port;      /* port of the mapped partition */
static const void *s_selected;        /* partition chosen by tlv_set_partition */
static uint8_t *s_heap_copy;          /* used when the port cannot map */
static size_t s_view_size;

static void release_view(void)
{
    if (s_port != NULL && s_heap_copy == NULL && s_port->flash_munmap != NULL) {
        s_port->flash_munmap(s_port);
    }
    free(s_heap_copy);
    s_heap_copy = NULL;
    s_view_size = 0;
    esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr = NULL;
    esp_secure_cert_partition_ctx.handle = 0;
}

const esc_port_t *esc_current_port(void)
{
    if (s_port == NULL) {
        s_port = esc_port_get(s_selected);
    }
    return s_port;
}

static esp_err_t map_current(void)
{
    const esc_port_t *port = esc_current_port();
    if (port == NULL || port->flash_read == NULL || port->partition_size == 0) {
        ESP_LOGE(TAG, "esp_secure_cert partition not found");
        return ESP_FAIL;
    }
    const void *addr = NULL;
    if (port->flash_mmap != NULL) {
        if (port->flash_mmap(port, &addr) != ESP_OK || addr == NULL) {
            ESP_LOGE(TAG, "Failed to map the esp_secure_cert partition");
            return ESP_FAIL;
        }
    } else {
        s_heap_copy = malloc(port->partition_size);
        if (s_heap_copy == NULL) {
            return ESP_ERR_NO_MEM;
        }
        if (port->flash_read(port, 0, s_heap_copy, port->partition_size) != ESP_OK) {
            free(s_heap_copy);
            s_heap_copy = NULL;
            return ESP_FAIL;
        }
        addr = s_heap_copy;
    }
    s_view_size = port->partition_size;
    esp_secure_cert_partition_ctx.partition = (const esp_partition_t *)port->partition;
    esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr = addr;
    /* A non-zero handle tells unmap that something is mapped, as in the original. */
    esp_secure_cert_partition_ctx.handle = 1;
    return ESP_OK;
}

esp_err_t esc_view_get(esc_view_t *view)
{
    if (view == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr == NULL) {
        esp_err_t err = map_current();
        if (err != ESP_OK) {
            return err;
        }
    }
    view->port = s_port;
    view->base = esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr;
    view->size = s_view_size;
    return ESP_OK;
}

void esc_view_invalidate(void)
{
    /* A mapping follows flash by itself; only a heap copy goes stale. */
    if (s_heap_copy != NULL) {
        release_view();
    }
}

int esc_view_contains(const void *p)
{
    const uint8_t *base = esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr;
    const uint8_t *q = p;
    if (base == NULL || q == NULL) {
        return 0;
    }
    /* Compare as integers: relational comparison of unrelated pointers is
     * undefined in C. */
    uintptr_t b = (uintptr_t)base, a = (uintptr_t)q;
    return a >= b && a - b < s_view_size;
}

esp_err_t esp_secure_cert_map_partition(esp_secure_cert_partition_ctx_t **ctx)
{
    if (ctx == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esc_view_t view;
    esp_err_t err = esc_view_get(&view);
    if (err != ESP_OK) {
        return ESP_FAIL;
    }
    *ctx = &esp_secure_cert_partition_ctx;
    return ESP_OK;
}

void esp_secure_cert_unmap_partition(void)
{
    if (esp_secure_cert_partition_ctx.handle == 0) {
        ESP_LOGW(TAG, "esp_secure_cert partition is not mapped");
        return;
    }
    release_view();
    esp_secure_cert_partition_ctx.partition = NULL;
}

esp_err_t esp_secure_cert_tlv_set_partition(const esp_partition_t *partition)
{
    if (esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr != NULL) {
        release_view();
    }
    s_selected = partition;
    s_port = NULL;
    esp_secure_cert_partition_ctx.partition = partition;
    return ESP_OK;
}

/* Used by the host port when it is reconfigured (tests, CLI): the next call
 * must find the new partition. */
void esc_api_reset(void);
void esc_api_reset(void)
{
    release_view();
    s_port = NULL;
    s_selected = NULL;
    esp_secure_cert_partition_ctx.partition = NULL;
}
