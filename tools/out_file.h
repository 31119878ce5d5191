/*
 * Writing output files safely.
 *
 * A file is written to a temporary name in the same directory and then moved
 * into place, so a reader never sees half a file and a failed run leaves the
 * old file alone. Without `force` an existing file is never replaced (the
 * final step is link(2), which fails atomically if the name exists). The
 * path "-" means standard output.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OUT_FILE_PUBLIC = 0, /* 0666 & ~umask */
    OUT_FILE_SECRET = 1, /* 0600: key material */
} out_file_mode_t;

/* 0 on success; -1 with a message in err (naming the path) on failure. */
int out_file_write(const char *path, const uint8_t *data, size_t len, bool force, out_file_mode_t mode, char *err,
                   size_t err_len);

/* Fails (message in err) if `path` exists and force is false. Used to check
 * every output of a command before writing the first one. */
int out_file_check_writable(const char *path, bool force, char *err, size_t err_len);

/* mkdir -p for the directory part of `path` (mode 0755, or 0700 if secret). */
int out_file_make_parent(const char *path, char *err, size_t err_len);

/* mkdir -p for a directory. */
int out_file_make_dir(const char *dir, char *err, size_t err_len);

/* Join dir and name into buf ("name" alone if dir is NULL, empty or "."). */
int out_file_join(char *buf, size_t cap, const char *dir, const char *name);

/* The directory part of a path into buf: "." if it has none, "/" for a
 * file in the root. -1 if it does not fit. */
int out_file_dir_of(const char *path, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
