/*
 * The writer's view of a partition image: which entries a reader accepts and
 * where the next one goes. The rule is stricter than the original's lookup,
 * which walks past an entry whose CRC fails: a bad CRC means the length field
 * that links to the next entry cannot be trusted either, so the list ends
 * there. This is what makes a half-written batch invisible (docs/power-loss.md).
 */
#include "esc_log.h"
#include "esc_tlv.h"
#include "write_internal.h"

static const char *TAG = "esp_secure_cert_write";

/* Calls fn for each accepted entry; returns the offset after the last one. */
static uint32_t walk(const uint8_t *img, size_t size, void (*fn)(const esc_tlv_entry_t *, void *), void *ctx)
{
    size_t off = 0;
    esc_tlv_entry_t e;
    while (off < size && esc_tlv_decode(img, size, off, &e) == ESC_TLV_OK && e.crc_ok) {
        if (fn != NULL) {
            fn(&e, ctx);
        }
        off += e.total_len;
    }
    return (uint32_t)off;
}

static void count_entry(const esc_tlv_entry_t *e, void *ctx)
{
    esc_write_scan_t *s = ctx;
    s->count++;
    if (e->type == ESC_WRITE_FILLER_TYPE) {
        s->fillers++;
    }
}

void esc_write_scan(const uint8_t *img, size_t size, esc_write_scan_t *out)
{
    out->count = 0;
    out->fillers = 0;
    out->end = walk(img, size, count_entry, out);
}

typedef struct {
    const esc_write_item_t *items;
    size_t n;
    const esc_write_item_t *found; /* the first item already stored */
} absent_ctx_t;

static void match_entry(const esc_tlv_entry_t *e, void *ctx)
{
    absent_ctx_t *a = ctx;
    if (e->type == ESC_WRITE_FILLER_TYPE || a->found != NULL) {
        return;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->items[i].type == e->type && a->items[i].subtype == e->subtype) {
            a->found = &a->items[i];
            return;
        }
    }
}

esp_err_t esc_write_check_absent(const uint8_t *img, size_t size, const esc_write_item_t *items, size_t n)
{
    absent_ctx_t a = {.items = items, .n = n, .found = NULL};
    (void)walk(img, size, match_entry, &a);
    if (a.found != NULL) {
        ESC_LOGE(TAG, "an entry of type %u subtype %u is already written", a.found->type, a.found->subtype);
        return ESP_ERR_SECURE_CERT_TLV_ALREADY_EXISTS;
    }
    return ESP_OK;
}
