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

static const char *TAG = "esp_secure_cert";

_Static_assert(offsetof(esp_ds_data_t, c) == ESC_DS_DATA_HEADER_LEN,
               "esp_ds_data_t does not start with rsa_length and a 16-byte IV");
_Static_assert(ESP_DS_C_LEN <= ESC_DS_C_LEN_MAX, "ESP_DS_C_LEN larger than any known chip's");

/* The bytes of esp_ds_data_t that hold data (without tail padding). */
#define DS_DATA_FULL_LEN (offsetof(esp_ds_data_t, c) + ESP_DS_C_LEN)

/* One allocation: the public context first (so its address is the block's),
 * then, if needed, the owned copy of the DS data. */
typedef struct {
    esp_ds_data_ctx_t pub;
    esp_ds_data_t copy;
} ds_ctx_with_copy_t;

static void release_value(char *value)
{
    if (value != NULL && !esc_value_in_flash(value)) {
        esc_protected_free(value);
    }
}

/* The entry of `type` and subtype 0, as esc_entry_value gives it. */
static esp_err_t read_entry(const esc_view_t *view, uint8_t type, char **value, uint32_t *len)
{
    esp_err_t err = esc_entry_value(view, type, ESP_SECURE_CERT_SUBTYPE_0, value, len, NULL, NULL);
    if (err != ESP_OK) {
        ESC_LOGE(TAG, "no readable %s entry (subtype 0): %s",
                 type == ESP_SECURE_CERT_DS_DATA_TLV ? "DS_DATA" : "DS_CONTEXT", esp_err_to_name(err));
    }
    return err;
}

/* DS_CONTEXT of subtype 0: key id and RSA size. */
static esp_err_t read_context(const esc_view_t *view, uint8_t *efuse_key_id, uint16_t *rsa_bits)
{
    char *value = NULL;
    uint32_t len = 0;
    esp_err_t err = read_entry(view, ESP_SECURE_CERT_DS_CONTEXT_TLV, &value, &len);
    if (err != ESP_OK) {
        return err;
    }
    esc_ds_result_t r = esc_ds_context_decode((const uint8_t *)value, len, efuse_key_id, rsa_bits);
    release_value(value);
    if (r == ESC_DS_ERR_LENGTH) {
        ESC_LOGE(TAG, "DS_CONTEXT entry is %u bytes, not %u", (unsigned)len, (unsigned)ESC_DS_CONTEXT_LEN);
        return ESP_ERR_INVALID_SIZE;
    }
    if (r != ESC_DS_OK) {
        ESC_LOGE(TAG, "DS_CONTEXT: eFuse key id above %u or RSA size not 1024..4096 bits",
                 (unsigned)ESC_DS_EFUSE_KEY_ID_MAX);
        return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
}

#if !defined(ESP_SECURE_CERT_HOST)
/* On the device the ciphertext must be exactly this chip's, which is also a
 * length the layout knows: esc_ds_data_parse can then only object to
 * rsa_length. */
_Static_assert(ESP_DS_C_LEN == ESC_DS_C_LEN(3072) || ESP_DS_C_LEN == ESC_DS_C_LEN(4096),
               "ESP_DS_C_LEN is not a DS ciphertext length the layout knows");
#endif

/* Length checks of DS_DATA, done before anything is copied. */
static esp_err_t check_ds_data(const uint8_t *data, uint32_t len, uint16_t ctx_bits)
{
    if (len < ESC_DS_DATA_HEADER_LEN) {
        ESC_LOGE(TAG, "DS_DATA entry of %u bytes lacks the rsa_length and IV", (unsigned)len);
        return ESP_ERR_INVALID_SIZE;
    }
    size_t c_len = len - ESC_DS_DATA_HEADER_LEN;
#if defined(ESP_SECURE_CERT_HOST)
    if (c_len > ESP_DS_C_LEN) {
        ESC_LOGE(TAG, "DS_DATA ciphertext is %u bytes, more than this chip's %u", (unsigned)c_len,
                 (unsigned)ESP_DS_C_LEN);
        return ESP_ERR_INVALID_SIZE;
    }
#else
    if (c_len != ESP_DS_C_LEN) {
        ESC_LOGE(TAG, "DS_DATA is for another chip: %u-byte ciphertext, this chip takes %u", (unsigned)c_len,
                 (unsigned)ESP_DS_C_LEN);
        return ESP_ERR_INVALID_SIZE;
    }
#endif
    esc_ds_data_view_t v;
    esc_ds_result_t r = esc_ds_data_parse(data, len, &v);
#if defined(ESP_SECURE_CERT_HOST)
    if (r == ESC_DS_ERR_LENGTH) {
        ESC_LOGE(TAG, "DS_DATA ciphertext of %u bytes matches no chip (1200 or 1584 expected)", (unsigned)c_len);
        return ESP_ERR_INVALID_SIZE;
    }
#endif
    if (r != ESC_DS_OK) {
        ESC_LOGE(TAG, "DS_DATA rsa_length is not an RSA size its ciphertext supports");
        return ESP_ERR_INVALID_ARG;
    }
    if (v.rsa_bits != ctx_bits) {
        ESC_LOGE(TAG, "DS_DATA is RSA-%u but DS_CONTEXT says RSA-%u", v.rsa_bits, (unsigned)ctx_bits);
        return ESP_ERR_INVALID_STATE;
    }
    return ESP_OK;
}

esp_ds_data_ctx_t *esp_secure_cert_get_ds_ctx(void)
{
    esc_view_t view;
    uint8_t efuse_key_id = 0;
    uint16_t rsa_bits = 0;
    char *value = NULL;
    uint32_t len = 0;
    /* esc_view_get says itself why the partition is not usable. */
    if (esc_view_get(&view) != ESP_OK || read_context(&view, &efuse_key_id, &rsa_bits) != ESP_OK ||
        read_entry(&view, ESP_SECURE_CERT_DS_DATA_TLV, &value, &len) != ESP_OK) {
        return NULL;
    }
    const uint8_t *data = (const uint8_t *)value;
    if (check_ds_data(data, len, rsa_bits) != ESP_OK) {
        release_value(value);
        return NULL;
    }

    /* len <= DS_DATA_FULL_LEN from here on (checked above). */
    int in_place = esc_view_contains(value) && len == DS_DATA_FULL_LEN && ((uintptr_t)data % 4u) == 0;
    size_t alloc = in_place ? sizeof(esp_ds_data_ctx_t) : sizeof(ds_ctx_with_copy_t);
    esp_ds_data_ctx_t *ctx = calloc(1, alloc);
    if (ctx == NULL) {
        ESC_LOGE(TAG, "no memory for the DS context");
        release_value(value);
        return NULL;
    }
    if (in_place) {
        ctx->esp_ds_data = (esp_ds_data_t *)(uintptr_t)data;
    } else {
        ds_ctx_with_copy_t *whole = (ds_ctx_with_copy_t *)ctx;
        memcpy(&whole->copy, data, len); /* the rest of c stays zero */
        ctx->esp_ds_data = &whole->copy;
    }
    release_value(value);
    ctx->efuse_key_id = efuse_key_id;
    ctx->rsa_length_bits = rsa_bits;
    return ctx;
}

void esp_secure_cert_free_ds_ctx(esp_ds_data_ctx_t *ds_ctx)
{
    free(ds_ctx);
}

#endif /* ESP_SECURE_CERT_HOST || CONFIG_ESP_SECURE_CERT_DS_PERIPHERAL */
