/*
 * esp_secure_cert_get_ds_ctx / esp_secure_cert_free_ds_ctx: the context the
 * Digital Signature peripheral driver (esp-tls, mbedTLS esp_rsa_ds) takes,
 * built from the DS_DATA and DS_CONTEXT entries of subtype 0.
 *
 * As in the original, ctx->esp_ds_data points straight into the mapped
 * partition, so it stays valid while the partition is mapped (a write
 * through this library remaps it, as for certificate pointers). It is a heap
 * copy instead, owned by the context and freed with it, when the entry
 * cannot be used in place: it is shorter than this build's esp_ds_data_t
 * (on the host, whose esp_ds_data_t is sized for 4096-bit chips, the DS data
 * of a 3072-bit chip such as esp32c3), it is not 4-byte aligned, or it was
 * HMAC-decrypted into memory. Either way the context is one allocation, so
 * esp_secure_cert_free_ds_ctx() and a plain free() both release everything.
 *
 * Before anything is copied the ciphertext length is checked against this
 * build's maximum (ESP_DS_C_LEN), and the entry against the DS layout: a
 * valid rsa_length that matches DS_CONTEXT and fits the ciphertext, an eFuse
 * key id 0..5. On a device the ciphertext must be exactly this chip's length
 * (DS data generated for another chip class can never sign here).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esc_api_internal.h"
#include "esc_ds_layout.h"
#include "esc_protected.h"
#include "esc_log.h"
#include "esp_secure_cert_read.h"
#include "esp_secure_cert_tlv_config.h"

#if defined(ESP_SECURE_CERT_HOST) || defined(CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL)

#define TAG esc_api_tag

_Static_assert(offsetof(esp_ds_data_t, c) == ESC_DS_DATA_HEADER_LEN,
               "esp_ds_data_t does not start with rsa_length and a 16-byte IV");
_Static_assert(ESP_DS_C_LEN <= ESC_DS_C_LEN_MAX, "ESP_DS_C_LEN larger than any known chip's");
#if !defined(ESP_SECURE_CERT_HOST)
/* On the device the ciphertext must be exactly this chip's, which is also a
 * length the layout knows: esc_ds_data_parse can then only object to
 * rsa_length. */
_Static_assert(ESP_DS_C_LEN == ESC_DS_C_LEN(3072) || ESP_DS_C_LEN == ESC_DS_C_LEN(4096),
               "ESP_DS_C_LEN is not a DS ciphertext length the layout knows");
#endif

/* The bytes of esp_ds_data_t that hold data (without tail padding). */
#define DS_DATA_FULL_LEN (offsetof(esp_ds_data_t, c) + ESP_DS_C_LEN)

/* One allocation: the public context first (so its address is the block's),
 * then, if needed, the owned copy of the DS data. */
typedef struct {
    esp_ds_data_ctx_t pub;
    esp_ds_data_t copy;
} ds_ctx_with_copy_t;

/* The value of the DS entry `type` (subtype 0), or NULL (logged). */
static char *read_entry(const esc_view_t *view, uint8_t type, uint32_t *len)
{
    char *value = NULL;
    esp_err_t err = esc_entry_value(view, type, ESP_SECURE_CERT_SUBTYPE_0, &value, len, NULL, NULL);
    if (err != ESP_OK) {
        ESC_LOGE(TAG, "no DS_%s entry (0x%x)", type == ESP_SECURE_CERT_DS_DATA_TLV ? "DATA" : "CONTEXT", (unsigned)err);
        return NULL;
    }
    return value;
}

/* Why a DS_DATA entry of `len` bytes cannot be used, before anything is
 * copied, or NULL if it can (then len == DS_DATA_FULL_LEN on a device). */
static const char *ds_data_problem(const uint8_t *data, uint32_t len, uint16_t ctx_bits)
{
#if defined(ESP_SECURE_CERT_HOST)
    /* The host takes the DS data of any chip up to its own size. */
    if (len < ESC_DS_DATA_HEADER_LEN) {
        return "DS_DATA lacks the rsa_length and IV";
    }
    if (len > DS_DATA_FULL_LEN) {
        return "DS_DATA ciphertext is longer than this chip's";
    }
#else
    /* DS data generated for another chip class can never sign here. */
    if (len != DS_DATA_FULL_LEN) {
        return "DS_DATA size not the chip's";
    }
#endif
    esc_ds_data_view_t v;
    esc_ds_result_t r = esc_ds_data_parse(data, len, &v);
#if defined(ESP_SECURE_CERT_HOST)
    if (r == ESC_DS_ERR_LENGTH) {
        return "DS_DATA ciphertext length matches no chip";
    }
#endif
    /* v is zeroed when parsing fails, and ctx_bits is never 0. */
    if (r != ESC_DS_OK || v.rsa_bits != ctx_bits) {
        return "DS_DATA rsa_length bad";
    }
    return NULL;
}

esp_ds_data_ctx_t *esp_secure_cert_get_ds_ctx(void)
{
    esc_view_t view;
    uint8_t efuse_key_id = 0;
    uint16_t rsa_bits = 0;
    uint32_t len = 0;
    char *value;
    esp_ds_data_ctx_t *ctx = NULL;
    const char *problem;
    /* esc_view_get says itself why the partition is not usable. */
    if (esc_view_get(&view) != ESP_OK || (value = read_entry(&view, ESP_SECURE_CERT_DS_CONTEXT_TLV, &len)) == NULL) {
        return NULL;
    }
    esc_ds_result_t r = esc_ds_context_decode((const uint8_t *)value, len, &efuse_key_id, &rsa_bits);
    esc_value_free(value);
    value = NULL;
    if (r != ESC_DS_OK) {
        /* The size printed with it tells a wrong length (not 8) apart. */
        problem = "DS_CONTEXT: bad length, key id or RSA size";
        goto fail;
    }
    if ((value = read_entry(&view, ESP_SECURE_CERT_DS_DATA_TLV, &len)) == NULL) {
        return NULL;
    }
    const uint8_t *data = (const uint8_t *)value;
    problem = ds_data_problem(data, len, rsa_bits);
    if (problem != NULL) {
        goto fail;
    }
    /* len <= DS_DATA_FULL_LEN from here on (checked above); on a device
     * len == DS_DATA_FULL_LEN already. */
    int in_place = esc_view_contains(value) && len == DS_DATA_FULL_LEN && ((uintptr_t)data % 4u) == 0;
    ctx = calloc(1, in_place ? sizeof(esp_ds_data_ctx_t) : sizeof(ds_ctx_with_copy_t));
    if (ctx == NULL) {
        problem = "DS ctx: no memory";
        goto fail;
    }
    if (in_place) {
        ctx->esp_ds_data = (esp_ds_data_t *)(uintptr_t)data;
    } else {
        ds_ctx_with_copy_t *whole = (ds_ctx_with_copy_t *)ctx;
        memcpy(&whole->copy, data, len); /* the rest of c stays zero */
        ctx->esp_ds_data = &whole->copy;
    }
    ctx->efuse_key_id = efuse_key_id;
    ctx->rsa_length_bits = rsa_bits;
    goto out;
fail:
    ESC_LOGE(TAG, "%s (%u bytes)", problem, (unsigned)len);
out:
    esc_value_free(value);
    return ctx;
}

void esp_secure_cert_free_ds_ctx(esp_ds_data_ctx_t *ds_ctx)
{
    free(ds_ctx);
}

#endif /* ESP_SECURE_CERT_HOST || CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL */
