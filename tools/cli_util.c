/*
 * Diagnostics and file reading shared by every command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"

static bool s_quiet;

void cli_set_quiet(bool quiet)
{
    s_quiet = quiet;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s: %s: ", CLI_PROGRAM_NAME, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return CLI_EXIT_INPUT;
}

int cli_error_code(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return code;
}

int cli_fail(char *err, size_t err_len, const char *fmt, ...)
{
    if (err != NULL && err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void cli_info(const char *fmt, ...)
{
    if (s_quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_free_secret(void *p, size_t len)
{
    if (p != NULL) {
        OPENSSL_cleanse(p, len);
        free(p);
    }
}

int cli_no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

bool cli_path_exists(const char *path)
{
    struct stat st;
    return path != NULL && lstat(path, &st) == 0;
}

int cli_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t err_len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "'%s' is not a regular file", path);
        fclose(f);
        return -1;
    }
    if ((uint64_t)st.st_size > CLI_MAX_INPUT_FILE) {
        snprintf(err, err_len, "'%s' is too large (%lld bytes, limit %u)", path, (long long)st.st_size,
                 CLI_MAX_INPUT_FILE);
        fclose(f);
        return -1;
    }
    size_t cap = (size_t)st.st_size;
    uint8_t *buf = malloc(cap + 1);
    if (buf == NULL) {
        snprintf(err, err_len, "out of memory reading '%s'", path);
        fclose(f);
        return -1;
    }
    size_t got = fread(buf, 1, cap, f);
    /* A file that grew meanwhile is read up to its size at open time. */
    if (got != cap && ferror(f)) {
        snprintf(err, err_len, "error reading '%s': %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[got] = 0;
    *data = buf;
    *len = got;
    return 0;
}

int cli_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32 ? 0 : -1;
}
