#include "test_files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

uint8_t *tf_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long size = ftell(f);
    rewind(f);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)size;
    return buf;
}

void tf_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(data, len, d);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

size_t tf_list_vectors(char names[][128], size_t max)
{
    DIR *d = opendir(ESC_VECTORS_DIR);
    size_t n = 0;
    if (d == NULL) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < max) {
        if (de->d_name[0] == 'v' && de->d_name[1] >= '0' && de->d_name[1] <= '9' && strlen(de->d_name) < 128) {
            strcpy(names[n++], de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, 128, cmp_names);
    return n;
}
