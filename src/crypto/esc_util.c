/* Constant-time comparison and a wipe the optimiser keeps. */
#include <string.h>

#include "esc_crypto.h"

int esc_ct_memcmp(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *pa = (const volatile uint8_t *)a;
    const volatile uint8_t *pb = (const volatile uint8_t *)b;
    uint8_t diff = 0;
    /* Touch every byte whatever the contents, so the time depends on len only. */
    for (size_t i = 0; i < len; i++) {
        diff |= (uint8_t)(pa[i] ^ pb[i]);
    }
    return diff != 0;
}

/* Calling memset through a volatile pointer stops the compiler from proving
 * the store dead and dropping it (explicit_bzero is not in every libc we build
 * against). */
static void *(*const volatile s_memset)(void *, int, size_t) = memset;

void esc_zeroize(void *buf, size_t len)
{
    if (buf != NULL && len > 0) {
        s_memset(buf, 0, len);
    }
}
