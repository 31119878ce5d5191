/*
 * NOR flash emulator for the host port.
 *
 * The emulated flash is a byte array backed by a file (every program/erase is
 * written through, so the file is the flash) or by a caller's buffer (used in
 * place when writable). It behaves as NOR flash: erase sets whole 4 KiB
 * sectors to 0xFF, program can only clear bits (new = old & data).
 *
 * Power-loss emulation (after littlefs's emubd): program and erase operations
 * are counted; a test can arm a cut after the k-th one. That operation may be
 * left torn, the callback runs (tests longjmp out of it), and every later
 * operation fails with ESP_FAIL until a flash is opened again ("reboot").
 * The power state is global, like the power of a device; opening any flash
 * resets it (counter to 0, disarmed, powered).
 *
 * Addresses here are absolute flash addresses (offsets in the file). The
 * partition window is applied one layer up (host_port.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESC_HOST_FLASH_SECTOR 4096u

typedef struct esc_host_flash esc_host_flash_t;

/*
 * Open a flash image file. The flash size is the file size rounded up to a
 * whole sector (and at least min_size, itself rounded up); the bytes beyond
 * the file read as 0xFF. A writable flash extends the file to the full size
 * with 0xFF on the first program/erase; a read-only flash never writes the
 * file and fails every program/erase with ESP_ERR_NOT_ALLOWED.
 * prog_align is 1 or 16 (flash encryption: program offset and length must be
 * multiples of 16). Errors: ESP_ERR_INVALID_ARG (bad argument),
 * ESP_ERR_NOT_FOUND (cannot open/read the file), ESP_ERR_INVALID_SIZE (empty
 * or larger than 4 GiB), ESP_ERR_NO_MEM.
 */
esp_err_t esc_host_flash_open_file(const char *path, bool writable, uint32_t min_size, uint32_t prog_align,
                                   esc_host_flash_t **out);

/*
 * Open an in-memory image. Writable: the buffer itself is the flash (the
 * caller keeps it alive until close and may re-open it after a power cut);
 * len must then be a non-zero multiple of the sector size and >= min_size,
 * else ESP_ERR_INVALID_SIZE. Read-only: the bytes are copied and padded as for
 * a file; the buffer may be freed after this returns.
 */
esp_err_t esc_host_flash_open_buffer(void *buf, size_t len, bool writable, uint32_t min_size,
                                     uint32_t prog_align, esc_host_flash_t **out);

/* Free the emulator (NULL is fine). The file, if any, already holds every write. */
void esc_host_flash_close(esc_host_flash_t *f);

uint32_t esc_host_flash_size(const esc_host_flash_t *f);
bool esc_host_flash_writable(const esc_host_flash_t *f);
uint32_t esc_host_flash_prog_align(const esc_host_flash_t *f);
/* The whole flash, read-only, for memory mapping; stable until close. */
const uint8_t *esc_host_flash_data(const esc_host_flash_t *f);

/* Errors common to the three: ESP_ERR_INVALID_ARG (NULL pointer, or for
 * erase an unaligned offset/length, for program a prog_align violation),
 * ESP_ERR_INVALID_SIZE (range beyond the flash), ESP_ERR_NOT_ALLOWED
 * (read-only image), ESP_FAIL (power is cut, or the file write failed).
 * A zero length succeeds and is not counted as an operation. */
esp_err_t esc_host_flash_read(esc_host_flash_t *f, uint32_t addr, void *dst, size_t len);
esp_err_t esc_host_flash_program(esc_host_flash_t *f, uint32_t addr, const void *src, size_t len);
esp_err_t esc_host_flash_erase(esc_host_flash_t *f, uint32_t addr, size_t len);

/* ---- power-loss emulation (global) ---- */

typedef void (*esc_host_powercut_cb_t)(void *cb_ctx);

/*
 * Arm a power cut at the k-th program/erase from now (k >= 1; 0 disarms).
 * partial: leave that operation torn (program: a seeded-random subset of the
 * bits it should clear, at least one and not all when it has two or more;
 * erase: a random non-empty, incomplete prefix of the range set to 0xFF);
 * otherwise it completes. Then cb(cb_ctx) runs (may be NULL; a test usually
 * longjmps), and if it returns, the operation returns ESP_FAIL. From then on
 * every read/program/erase fails with ESP_FAIL until a flash is opened.
 */
void esc_host_flash_set_powercut(uint32_t k, bool partial, uint64_t seed, esc_host_powercut_cb_t cb,
                                 void *cb_ctx);
/* Program and erase operations (non-empty) since the last open. */
uint32_t esc_host_flash_op_count(void);
/* True once an armed cut has happened (until the next open). */
bool esc_host_flash_power_is_cut(void);

#ifdef __cplusplus
}
#endif
