/*
 * Which partition the API works on, and the mapped bytes readers walk.
 * The state is one context, as in the original (applications may hold the
 * pointer esp_secure_cert_map_partition gives them).
 */
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_log.h"
#include "esp_secure_cert_tlv_read.h"

/* One tag string for the objects of the API layer. */
const char esc_api_tag[] = "esp_secure_cert";
#define TAG esc_api_tag

void esc_api_log_error(const char *msg)
{
    ESC_LOGE(TAG, "%s", msg);
}

esp_secure_cert_partition_ctx_t esp_secure_cert_partition_ctx;

/* Our own state, in one struct so that firmware reaches it from one base
 * address. */
static struct {
    const esc_port_t *port;   /* port of the mapped partition */
    uint32_t generation;      /* port->generation when it was taken */
    const void *selected;     /* partition chosen by tlv_set_partition */
    size_t view_size;
#if defined(ESP_SECURE_CERT_HOST)
    uint8_t *heap_copy;       /* used when the port cannot map */
#endif
} s;
#if !defined(ESP_SECURE_CERT_HOST)
/* The ESP-IDF port always maps (esc_idf_flash_install sets flash_mmap), so
 * firmware never holds a heap copy. */
#define HEAP_COPY ((uint8_t *)NULL)
#else
#define HEAP_COPY s.heap_copy
#endif

/* unmap: whether the old port is still live and its mapping must be
 * released through it (a reconfigured port has already dropped it). */
static void release_view_of(const esc_port_t *port, bool unmap)
{
    if (unmap && port != NULL && HEAP_COPY == NULL && port->flash_munmap != NULL &&
        esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr != NULL) {
        port->flash_munmap(port);
    }
#if defined(ESP_SECURE_CERT_HOST)
    free(s.heap_copy);
    s.heap_copy = NULL;
#endif
    s.view_size = 0;
    esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr = NULL;
    esp_secure_cert_partition_ctx.handle = 0;
}

static void release_view(void)
{
    release_view_of(s.port, true);
}

const esc_port_t *esc_current_port(void)
{
    /* Asking the port each time is cheap and notices a reconfigured port
     * (another image on the host) before stale bytes are read. */
    const esc_port_t *port = esc_port_get(s.selected);
    if (port != s.port || (port != NULL && port->generation != s.generation)) {
        /* The old mapping belonged to a port that has been reconfigured:
         * it is already gone, so only our own state is dropped. */
        release_view_of(s.port, false);
        s.port = port;
        s.generation = port != NULL ? port->generation : 0;
    }
    return s.port;
}

static esp_err_t map_current(const esc_port_t *port)
{
    const void *addr = NULL;
#if !defined(ESP_SECURE_CERT_HOST)
    /* The ESP-IDF port always sets flash_read and flash_mmap
     * (esc_idf_flash_install), so firmware only asks whether mapping worked. */
    const char *why = "partition not found";
    if (port != NULL && port->partition_size != 0) {
        why = "partition mmap failed";
        if (port->flash_mmap(port, &addr) == ESP_OK && addr != NULL) {
            why = NULL;
        }
    }
    if (why != NULL) {
        ESC_API_LOGE(why);
        return ESP_FAIL;
    }
#else
    if (port == NULL || port->flash_read == NULL || port->partition_size == 0) {
        ESC_API_LOGE("partition not found");
        return ESP_FAIL;
    }
    if (port->flash_mmap != NULL) {
        if (port->flash_mmap(port, &addr) != ESP_OK || addr == NULL) {
            ESC_API_LOGE("partition mmap failed");
            return ESP_FAIL;
        }
    } else {
        /* A host port without mmap: read the partition into a heap copy
         * (firmware does not carry this). */
        s.heap_copy = malloc(port->partition_size);
        if (s.heap_copy == NULL) {
            return ESP_ERR_NO_MEM;
        }
        if (port->flash_read(port, 0, s.heap_copy, port->partition_size) != ESP_OK) {
            free(s.heap_copy);
            s.heap_copy = NULL;
            return ESP_FAIL;
        }
        addr = s.heap_copy;
    }
#endif
    s.view_size = port->partition_size;
    esp_secure_cert_partition_ctx.partition = (const esp_partition_t *)port->partition;
    esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr = addr;
    /* A non-zero handle tells unmap that something is mapped, as in the original. */
    esp_secure_cert_partition_ctx.handle = 1;
    return ESP_OK;
}

esp_err_t esc_view_get(esc_view_t *view)
{
    /* Every caller passes the address of its own local: no NULL check. */
    const esc_port_t *port = esc_current_port();
    if (esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr == NULL) {
        esp_err_t err = map_current(port);
        if (err != ESP_OK) {
            return err;
        }
    }
    view->port = port;
    view->base = esp_secure_cert_partition_ctx.esp_secure_cert_mapped_addr;
    view->size = s.view_size;
    return ESP_OK;
}

void esc_view_invalidate(void)
{
    /* A mapping follows flash by itself; only a heap copy goes stale. */
#if defined(ESP_SECURE_CERT_HOST)
    if (s.heap_copy != NULL) {
        release_view();
    }
#endif
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
    return a >= b && a - b < s.view_size;
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
        ESC_LOGW(TAG, "partition not mapped");
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
    s.selected = partition;
    s.port = NULL;
    esp_secure_cert_partition_ctx.partition = partition;
    return ESP_OK;
}

