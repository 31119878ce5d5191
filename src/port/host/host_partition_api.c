/*
 * Host versions of the ESP-IDF partition API (include/host/esp_partition.h)
 * over the partitions of the image the host port has open. Offsets are
 * relative to the partition and bounds-checked as IDF does.
 */
#include <stdlib.h>
#include <string.h>

#include "esp_partition.h"
#include "host_flash.h"
#include "host_partition_table.h"
#include "host_port.h"

struct esp_partition_iterator_opaque_ {
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    bool any_label;
    char label[17];
    size_t index; /* of the current match */
};

static bool matches(const struct esp_partition_iterator_opaque_ *it, const esp_partition_t *p)
{
    if (it->type != ESP_PARTITION_TYPE_ANY && p->type != it->type) {
        return false;
    }
    if (it->subtype != ESP_PARTITION_SUBTYPE_ANY && p->subtype != it->subtype) {
        return false;
    }
    return it->any_label || strcmp(p->label, it->label) == 0;
}

/* Move to the first match at or after `from`; false if none. */
static bool seek(struct esp_partition_iterator_opaque_ *it, size_t from)
{
    for (size_t i = from; i < esc_host_partition_count(); i++) {
        if (matches(it, esc_host_partition_get(i))) {
            it->index = i;
            return true;
        }
    }
    return false;
}

esp_partition_iterator_t esp_partition_find(esp_partition_type_t type, esp_partition_subtype_t subtype,
                                            const char *label)
{
    esc_host_port_autoconfigure();
    /* IDF: a specific subtype needs a specific type. */
    if (type == ESP_PARTITION_TYPE_ANY && subtype != ESP_PARTITION_SUBTYPE_ANY) {
        return NULL;
    }
    if (label != NULL && strlen(label) >= sizeof(((esp_partition_t *)0)->label)) {
        return NULL;
    }
    struct esp_partition_iterator_opaque_ *it = calloc(1, sizeof(*it));
    if (it == NULL) {
        return NULL;
    }
    it->type = type;
    it->subtype = subtype;
    it->any_label = label == NULL;
    if (label != NULL) {
        memcpy(it->label, label, strlen(label) + 1);
    }
    if (!seek(it, 0)) {
        free(it);
        return NULL;
    }
    return it;
}

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type, esp_partition_subtype_t subtype,
                                                const char *label)
{
    esp_partition_iterator_t it = esp_partition_find(type, subtype, label);
    if (it == NULL) {
        return NULL;
    }
    const esp_partition_t *p = esp_partition_get(it);
    esp_partition_iterator_release(it);
    return p;
}

const esp_partition_t *esp_partition_get(esp_partition_iterator_t iterator)
{
    if (iterator == NULL) {
        return NULL;
    }
    return esc_host_partition_get(iterator->index);
}

esp_partition_iterator_t esp_partition_next(esp_partition_iterator_t iterator)
{
    if (iterator == NULL) {
        return NULL;
    }
    if (!seek(iterator, iterator->index + 1)) {
        free(iterator);
        return NULL;
    }
    return iterator;
}

void esp_partition_iterator_release(esp_partition_iterator_t iterator)
{
    free(iterator);
}

/* Flash address of [offset, offset+size) of a partition of ours. */
static esp_err_t window(const esp_partition_t *part, size_t offset, size_t size, uint32_t *addr)
{
    if (part == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    int idx = esc_host_partition_index(part);
    if (idx < 0 || esc_host_partitions_flash() == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    if (offset > part->size || size > part->size - offset) {
        return ESP_ERR_INVALID_SIZE;
    }
    *addr = esc_host_partition_flash_off((size_t)idx) + (uint32_t)offset;
    return ESP_OK;
}

esp_err_t esp_partition_read(const esp_partition_t *partition, size_t src_offset, void *dst, size_t size)
{
    uint32_t addr;
    if (dst == NULL && size > 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = window(partition, src_offset, size, &addr);
    return err != ESP_OK ? err : esc_host_flash_read(esc_host_partitions_flash(), addr, dst, size);
}

esp_err_t esp_partition_write(const esp_partition_t *partition, size_t dst_offset, const void *src, size_t size)
{
    uint32_t addr;
    if (src == NULL && size > 0) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = window(partition, dst_offset, size, &addr);
    if (err != ESP_OK) {
        return err;
    }
    if (partition->readonly) {
        return ESP_ERR_NOT_ALLOWED;
    }
    return esc_host_flash_program(esc_host_partitions_flash(), addr, src, size);
}

esp_err_t esp_partition_erase_range(const esp_partition_t *partition, size_t offset, size_t size)
{
    uint32_t addr;
    esp_err_t err = window(partition, offset, size, &addr);
    if (err != ESP_OK) {
        return err;
    }
    if (offset % partition->erase_size != 0 || size % partition->erase_size != 0) {
        return ESP_ERR_INVALID_ARG;
    }
    if (partition->readonly) {
        return ESP_ERR_NOT_ALLOWED;
    }
    return esc_host_flash_erase(esc_host_partitions_flash(), addr, size);
}

esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
                             esp_partition_mmap_memory_t memory, const void **out_ptr,
                             esp_partition_mmap_handle_t *out_handle)
{
    static esp_partition_mmap_handle_t s_next_handle;
    uint32_t addr;
    (void)memory;
    if (out_ptr == NULL || out_handle == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = window(partition, offset, size, &addr);
    if (err != ESP_OK) {
        return err;
    }
    esc_host_flash_t *flash = esc_host_partitions_flash();
    if ((uint64_t)addr + size > esc_host_flash_size(flash)) {
        return ESP_ERR_INVALID_SIZE; /* partition runs past the end of the dump */
    }
    *out_ptr = esc_host_flash_data(flash) + addr;
    *out_handle = ++s_next_handle == 0 ? ++s_next_handle : s_next_handle;
    return ESP_OK;
}

void esp_partition_munmap(esp_partition_mmap_handle_t handle)
{
    (void)handle; /* mappings are pointers into the emulator's memory */
}
