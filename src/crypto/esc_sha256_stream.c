/*
 * Incremental SHA-256, for data that arrives in pieces (DS parameter
 * generation and the host simulator). The device build leaves this file out:
 * firmware hashes whole mapped regions with esc_sha256().
 */
#include <string.h>

#include "esc_crypto_psa.h"

/* The incremental context keeps a psa_hash_operation_t inside its opaque
 * buffer, so callers need no PSA types. If a backend grows the operation past
 * the buffer, the build stops here rather than corrupting memory. */
_Static_assert(sizeof(psa_hash_operation_t) <= sizeof(((esc_sha256_ctx_t *)0)->opaque),
               "psa_hash_operation_t does not fit in esc_sha256_ctx_t");
_Static_assert(_Alignof(psa_hash_operation_t) <= _Alignof(esc_sha256_ctx_t),
               "esc_sha256_ctx_t is not aligned enough for psa_hash_operation_t");

static psa_hash_operation_t *op_of(esc_sha256_ctx_t *ctx)
{
    return (psa_hash_operation_t *)(void *)ctx->opaque;
}

int esc_sha256_start(esc_sha256_ctx_t *ctx)
{
    if (ctx == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    memset(ctx, 0, sizeof(*ctx));
    int rc = esc_crypto_init();
    if (rc != ESC_CRYPTO_OK) {
        return rc;
    }
    psa_hash_operation_t *op = op_of(ctx);
    *op = psa_hash_operation_init();
    if (psa_hash_setup(op, PSA_ALG_SHA_256) != PSA_SUCCESS) {
        psa_hash_abort(op);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

int esc_sha256_update(esc_sha256_ctx_t *ctx, const void *data, size_t len)
{
    if (ctx == NULL || (data == NULL && len > 0)) {
        return ESC_CRYPTO_ERR_ARG;
    }
    if (len == 0) {
        return ESC_CRYPTO_OK;
    }
    psa_hash_operation_t *op = op_of(ctx);
    if (psa_hash_update(op, (const uint8_t *)data, len) != PSA_SUCCESS) {
        /* PSA leaves a failed operation in an error state; abort frees it so
         * a later finish reports the failure instead of a wrong digest. */
        psa_hash_abort(op);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}

int esc_sha256_finish(esc_sha256_ctx_t *ctx, uint8_t out[ESC_SHA256_LEN])
{
    if (ctx == NULL || out == NULL) {
        return ESC_CRYPTO_ERR_ARG;
    }
    psa_hash_operation_t *op = op_of(ctx);
    size_t out_len = 0;
    psa_status_t st = psa_hash_finish(op, out, ESC_SHA256_LEN, &out_len);
    psa_hash_abort(op);
    esc_zeroize(ctx, sizeof(*ctx));
    if (st != PSA_SUCCESS || out_len != ESC_SHA256_LEN) {
        esc_zeroize(out, ESC_SHA256_LEN);
        return ESC_CRYPTO_ERR_BACKEND;
    }
    return ESC_CRYPTO_OK;
}
