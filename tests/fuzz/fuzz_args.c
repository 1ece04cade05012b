/* fuzz_args.c — libFuzzer target for the command-line parser: the input is
 * an argument vector, arguments separated by NUL bytes.  Every vector either
 * parses into values within the documented limits or is refused with a
 * one-line reason; nothing else (no crash, no multi-line or empty message).
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iapp \
 *         tests/fuzz/fuzz_args.c app/cli/args.c -o fuzz_args */
#include "args.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_values(const dp_args *a)
{
    if ((unsigned)a->mode > DP_MODE_PREDICT)
        abort();
    if (a->epochs < 0 || a->epochs > DP_MAX_EPOCHS || a->batch > DP_MAX_BATCH)
        abort();
    if (a->lr != -1.0 && !(a->lr > 0.0 && a->lr <= DP_MAX_LR))
        abort();
    if (a->weight_decay != -1.0 && !(a->weight_decay >= 0.0 && a->weight_decay <= 1.0))
        abort();
    if (a->min_accuracy != -1.0 && !(a->min_accuracy >= 0.0 && a->min_accuracy <= 1.0))
        abort();
    if (!(a->elastic >= 0.0 && a->elastic <= DP_MAX_ELASTIC))
        abort();
    if (a->threads < -1 || a->threads > DP_MAX_THREADS)
        abort();
    if (a->width && (a->width < DP_MIN_WINDOW || a->width > DP_MAX_WINDOW))
        abort();
    if (a->height && (a->height < DP_MIN_WINDOW || a->height > DP_MAX_WINDOW))
        abort();
    if (a->mode == DP_MODE_PREDICT && a->n_images == 0)
        abort();
    if (a->mode != DP_MODE_PREDICT && a->n_images != 0)
        abort();
    for (size_t i = 0; i < a->n_images; i++)
        if (!a->images[i])
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private NUL-terminated copy, split at NULs; argv[0] is the program. */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "digitpad";
    for (size_t i = 0; i <= size && argc <= MAX_ARGS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;

    dp_args a;
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = dp_parse_args(argc, argv, &a, err, sizeof err);
    if (rc == 0) {
        check_values(&a);
    } else {
        size_t n = 0;
        while (n < sizeof err && err[n])
            n++;
        if (rc != -1 || n == 0 || n == sizeof err || memchr(err, '\n', n))
            abort();   /* refusals carry one line of reason */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)err[i] < 0x20)
                abort();   /* and no control characters from the input */
    }
    dp_args_free(&a);
    free(buf);
    return 0;
}
