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

/* All state in one struct so that firmware reaches it from one base
 * address: the original's context first, then our own. */
static struct {
    esp_secure_cert_partition_ctx_t ctx;
    const esc_port_t *port;   /* port of the mapped partition */
    uint32_t generation;      /* port->generation when it was taken */
    const void *selected;     /* partition chosen by tlv_set_partition */
    size_t view_size;
#if defined(ESP_SECURE_CERT_HOST)
    uint8_t *heap_copy;       /* used when the port cannot map */
#endif
} s;
/* The original's global keeps its name (an application may declare it):
 * another name for s.ctx. */
extern esp_secure_cert_partition_ctx_t esp_secure_cert_partition_ctx __attribute__((alias("s")));
#if !defined(ESP_SECURE_CERT_HOST)
/* The ESP-IDF port always maps (esc_port_idf.c sets flash_mmap for every partition), so
 * firmware never holds a heap copy. */
#define HEAP_COPY ((uint8_t *)NULL)
#else
#define HEAP_COPY s.heap_copy
#endif

/* Drop the view. unmap_port: the live port whose mapping is released
 * through it, or NULL when the mapping belonged to a port that has been
 * reconfigured (it is already gone, only our own state is dropped). Without
 * a view this only clears what is already clear. */
static void release_view_of(const esc_port_t *unmap_port)
{
    if (unmap_port != NULL && HEAP_COPY == NULL && unmap_port->flash_munmap != NULL &&
        s.ctx.esp_secure_cert_mapped_addr != NULL) {
        unmap_port->flash_munmap(unmap_port);
    }
#if defined(ESP_SECURE_CERT_HOST)
    free(s.heap_copy);
    s.heap_copy = NULL;
#endif
    s.view_size = 0;
    s.ctx.esp_secure_cert_mapped_addr = NULL;
    s.ctx.handle = 0;
}

static void release_view(void)
{
    release_view_of(s.port);
}

const esc_port_t *esc_current_port(void)
{
    /* Asking the port each time is cheap and notices a reconfigured port
     * (another image on the host) before stale bytes are read. */
    const esc_port_t *port = esc_port_get(s.selected);
    uint32_t generation = port != NULL ? port->generation : 0;
    if (port != s.port || generation != s.generation) {
        release_view_of(NULL);
        s.port = port;
        s.generation = generation;
    }
    return port;
}

static esp_err_t map_current(const esc_port_t *port)
{
    const void *addr = NULL;
#if !defined(ESP_SECURE_CERT_HOST)
    /* The ESP-IDF port always sets flash_read and flash_mmap
     * (esc_port_idf.c), so firmware only asks whether mapping worked. */
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
    s.ctx.partition = (const esp_partition_t *)port->partition;
    s.ctx.esp_secure_cert_mapped_addr = addr;
    /* A non-zero handle tells unmap that something is mapped, as in the original. */
    s.ctx.handle = 1;
    return ESP_OK;
}

esp_err_t esc_view_get(esc_view_t *view)
{
    /* Every caller passes the address of its own local: no NULL check. */
    const esc_port_t *port = esc_current_port();
    if (s.ctx.esp_secure_cert_mapped_addr == NULL) {
        esp_err_t err = map_current(port);
        if (err != ESP_OK) {
            return err;
        }
    }
    view->port = port;
    view->base = s.ctx.esp_secure_cert_mapped_addr;
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
    const uint8_t *base = s.ctx.esp_secure_cert_mapped_addr;
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
    *ctx = &s.ctx;
    return ESP_OK;
}

void esp_secure_cert_unmap_partition(void)
{
    if (s.ctx.handle == 0) {
        ESC_LOGW(TAG, "partition not mapped");
        return;
    }
    release_view();
    s.ctx.partition = NULL;
}

esp_err_t esp_secure_cert_tlv_set_partition(const esp_partition_t *partition)
{
    release_view();
    s.selected = partition;
    s.port = NULL;
    s.ctx.partition = partition;
    return ESP_OK;
}

