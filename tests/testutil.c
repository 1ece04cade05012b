/* testutil.c — see testutil.h. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

int test_passed, test_failed;

void test_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) {
        test_passed++;
        return;
    }
    test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void test_check_near(double a, double b, double tol, const char *expr, const char *file, int line)
{
    int ok = fabs(a - b) <= tol;
    if (!ok)
        fprintf(stderr, "FAIL %s:%d: %s (%.9g vs %.9g, tol %.3g)\n", file, line, expr, a, b, tol);
    if (ok)
        test_passed++;
    else
        test_failed++;
}

int test_finish(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
    return test_failed ? 1 : 0;
}

void test_skip(const char *why)
{
    printf("SKIPPED: %s\n", why);
    exit(77);
}

const char *test_shared_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("DIGITPAD_SHARED");
    if (!root || !*root)
        root = "../shared";
    snprintf(buf, sizeof buf, "%s/%s", root, rel);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

static int mnist_in(const char *dir)
{
    char p[4200];
    static const char *const names[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s.gz", dir, names[i]);
        if (access(p, R_OK) == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (access(p, R_OK) != 0)
            return 0;
    }
    return 1;
}

const char *test_mnist_dir(void)
{
    static char buf[4096], fetched[4096];
    const char *shared = test_shared_path("mnist");
    if (shared) {
        snprintf(buf, sizeof buf, "%s", shared);
        if (mnist_in(buf))
            return buf;
    }
    const char *src = getenv("DIGITPAD_SRC");
    snprintf(fetched, sizeof fetched, "%s/data/mnist", src && *src ? src : ".");
    if (mnist_in(fetched))
        return fetched;
    printf("FAIL: full MNIST not found in %s or %s: run scripts/fetch-mnist.sh "
           "(scripts/check.sh does)\n",
           shared ? buf : "$DIGITPAD_SHARED/mnist", fetched);
    exit(1);
}

void test_skip_part(const char *why)
{
    printf("SKIPPED-PART: %s\n", why);
}

const char *test_tmpdir(void)
{
    static char buf[256];
    if (buf[0])
        return buf;
    const char *base = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/digitpad-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf)) {
        perror("mkdtemp");
        exit(1);
    }
    return buf;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, r;
    char *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    *len = n;
    return b;
}

int test_stray_files(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep)) {
            fprintf(stderr, "stray file %s/%s\n", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

long test_dead_pid(void)
{
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    int st;
    if (p < 0 || waitpid(p, &st, 0) != p) {
        fprintf(stderr, "test_dead_pid: cannot fork or reap a child\n");
        exit(1);
    }
    return (long)p;
}
