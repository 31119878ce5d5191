/*
 * Time `esp-secure-cert generate` on Espressif's example CSV
 * (tests/vectors/v20_reference_example_csv: two CA certs, a device cert, an
 * RSA-2048 key given inline, two user data entries; 5280-byte image).
 *
 *   bench_generate [N]          (default N = 50)
 *
 * 1. N separate processes of the CLI binary (what a factory script pays per
 *    device: exec, OpenSSL start-up, parsing, writing the file).
 * 2. N runs of the same command inside this process through esc_cli_main()
 *    (the generation work alone). This needs the CLI's objects linked into
 *    the benchmark; when they are not, that part says so and is skipped.
 * Each run writes the image with --force to a scratch directory; the first
 * image is compared with the vector's expected output. Prints per-partition
 * times (mean, median, min, max in milliseconds). No pass/fail thresholds.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "cli.h" /* esc_cli_main, from the esc_tools library */

#define VECTOR_DIR ESC_SOURCE_DIR "/tests/vectors/v20_reference_example_csv"
#define CLI_BIN ESC_BINARY_DIR "/esp-secure-cert"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        sum += t[i];
    }
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    printf("%-34s n=%-4d mean %8.3f ms  median %8.3f ms  min %8.3f ms  max %8.3f ms per partition\n", what, n,
           sum / n, t[n / 2], t[0], t[n - 1]);
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) {
            same = 0;
        }
        if (ca == EOF || cb == EOF) {
            break;
        }
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 50;
    if (n < 1 || n > 100000) {
        fprintf(stderr, "usage: %s [N]\n", argv[0]);
        return 2;
    }
    char dir[] = "/tmp/bench_generate.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char out[512];
    snprintf(out, sizeof(out), "%s/esp_secure_cert.bin", dir);
    char *args[] = {"esp-secure-cert", "generate", "--esp_secure_cert_csv",
                    VECTOR_DIR "/inputs/esp_secure_cert_config_examples.csv", "--target_chip", "esp32c3",
                    "--skip_flash", "-o", out, "--force", "-q", NULL};
    int nargs = (int)(sizeof(args) / sizeof(args[0])) - 1;
    /* The CSV names its files relative to its own folder. */
    if (chdir(VECTOR_DIR "/inputs") != 0) {
        perror("chdir");
        return 1;
    }
    double *t = calloc((size_t)n, sizeof(*t));
    if (t == NULL) {
        return 1;
    }
    printf("bench_generate: v20_reference_example_csv, %d runs each\n", n);

    args[0] = CLI_BIN;
    for (int i = 0; i < n; i++) {
        double t0 = now_ms();
        pid_t pid;
        int rc = posix_spawn(&pid, CLI_BIN, NULL, NULL, args, environ);
        int status = 0;
        if (rc != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "run %d of %s failed (spawn %d, status 0x%x)\n", i, CLI_BIN, rc, status);
            return 1;
        }
        t[i] = now_ms() - t0;
        if (i == 0 && !same_file(out, VECTOR_DIR "/outputs/esp_secure_cert.bin")) {
            fprintf(stderr, "the generated image differs from the vector's output\n");
            return 1;
        }
    }
    report("separate processes", t, n);

    {
        args[0] = "esp-secure-cert";
        for (int i = 0; i < n; i++) {
            char *argv_copy[16];
            memcpy(argv_copy, args, sizeof(args));
            double t0 = now_ms();
            int rc = esc_cli_main(nargs, argv_copy);
            t[i] = now_ms() - t0;
            if (rc != 0) {
                fprintf(stderr, "in-process run %d failed (%d)\n", i, rc);
                return 1;
            }
        }
        report("in-process (esc_cli_main)", t, n);
        if (!same_file(out, VECTOR_DIR "/outputs/esp_secure_cert.bin")) {
            fprintf(stderr, "the in-process image differs from the vector's output\n");
            return 1;
        }
    }
    printf("reference tool (Python, from the issue, not measured here): ~600 ms per partition\n");
    unlink(out);
    rmdir(dir);
    free(t);
    return 0;
}
