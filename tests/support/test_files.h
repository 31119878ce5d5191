/* File helpers shared by the tests. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Read a whole file into a malloc'd buffer; NULL if it cannot be read. */
uint8_t *tf_read_file(const char *path, size_t *len);
/* Hex string of a SHA-256 over data (65 bytes incl. NUL). */
void tf_sha256_hex(const void *data, size_t len, char out[65]);
/* Names of the vector directories (vNN_*), sorted; returns the count. */
size_t tf_list_vectors(char names[][128], size_t max);
