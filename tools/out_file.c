/*
 * Atomic, no-clobber output files; see out_file.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "out_file.h"

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int out_file_join(char *buf, size_t cap, const char *dir, const char *name)
{
    int n;
    if (dir == NULL || dir[0] == 0 || strcmp(dir, ".") == 0) {
        n = snprintf(buf, cap, "%s", name);
    } else {
        size_t dl = strlen(dir);
        n = snprintf(buf, cap, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", name);
    }
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

int out_file_dir_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    int n;
    if (slash == NULL) {
        n = snprintf(buf, cap, ".");
    } else if (slash == path) {
        n = snprintf(buf, cap, "/");
    } else {
        n = snprintf(buf, cap, "%.*s", (int)(slash - path), path);
    }
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

/* Make a completed rename or link durable: the new directory entry lives in
 * the directory, which fsync of the file does not cover. Best effort: some
 * file systems refuse fsync on a directory, and the file itself is safe. */
static void sync_dir_of(const char *path)
{
    char dir[4096];
    if (out_file_dir_of(path, dir, sizeof(dir)) != 0) {
        return;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
}

int out_file_make_dir(const char *dir, char *err, size_t err_len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp)) {
        snprintf(err, err_len, "path too long: '%s'", dir);
        return -1;
    }
    size_t len = strlen(tmp);
    for (size_t i = 1; i <= len; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char saved = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                snprintf(err, err_len, "cannot create directory '%s': %s", tmp, strerror(errno));
                return -1;
            }
            tmp[i] = saved;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "'%s' is not a directory", dir);
        return -1;
    }
    return 0;
}

int out_file_make_parent(const char *path, char *err, size_t err_len)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path) {
        return 0;
    }
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof(dir)) {
        snprintf(err, err_len, "path too long: '%s'", path);
        return -1;
    }
    memcpy(dir, path, n);
    dir[n] = 0;
    return out_file_make_dir(dir, err, err_len);
}

int out_file_check_writable(const char *path, bool force, char *err, size_t err_len)
{
    if (strcmp(path, "-") == 0) {
        return 0;
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, err_len, "'%s' is a directory", path);
            return -1;
        }
        if (!force) {
            snprintf(err, err_len, "'%s' already exists; not overwriting it (use --force)", path);
            return -1;
        }
    }
    return 0;
}

int out_file_write(const char *path, const uint8_t *data, size_t len, bool force, out_file_mode_t mode, char *err,
                   size_t err_len)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            snprintf(err, err_len, "cannot write to standard output: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (out_file_check_writable(path, force, err, err_len) != 0) {
        return -1;
    }

    char tmp[4096];
    const char *slash = strrchr(path, '/');
    int n;
    if (slash != NULL) {
        n = snprintf(tmp, sizeof(tmp), "%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path, slash + 1);
    } else {
        n = snprintf(tmp, sizeof(tmp), ".%s.tmp-XXXXXX", path);
    }
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        snprintf(err, err_len, "path too long: '%s'", path);
        return -1;
    }
    int fd = mkstemp(tmp); /* created 0600 */
    if (fd < 0) {
        snprintf(err, err_len, "cannot create a temporary file next to '%s': %s", path, strerror(errno));
        return -1;
    }
    if (mode == OUT_FILE_PUBLIC) {
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        snprintf(err, err_len, "cannot write '%s': %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, err_len, "cannot write '%s': %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }

    if (force) {
        if (rename(tmp, path) != 0) {
            snprintf(err, err_len, "cannot move the new file to '%s': %s", path, strerror(errno));
            unlink(tmp);
            return -1;
        }
        sync_dir_of(path);
        return 0;
    }
    /* link() refuses an existing target, closing the race between the
     * existence check and the move. */
    if (link(tmp, path) == 0) {
        unlink(tmp);
        sync_dir_of(path);
        return 0;
    }
    int e = errno;
    if (e == EEXIST) {
        unlink(tmp);
        snprintf(err, err_len, "'%s' already exists; not overwriting it (use --force)", path);
        return -1;
    }
    /* File systems without hard links: fall back to check-then-rename. */
    if (!cli_path_exists(path) && rename(tmp, path) == 0) {
        sync_dir_of(path);
        return 0;
    }
    snprintf(err, err_len, "cannot create '%s': %s", path, strerror(e));
    unlink(tmp);
    return -1;
}
