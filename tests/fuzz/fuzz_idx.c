/* fuzz_idx.c — libFuzzer target for the IDX reader.  The input's first byte
 * says where to split the rest into an image file and a label file; both
 * are written to a temporary directory (gzip input exercises zlib). */
#define _POSIX_C_SOURCE 200809L
#include "nn_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static int put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = (n == 0 || fwrite(p, 1, n, f) == n);
    return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz-idx-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    if (size < 1)
        return 0;
    size_t split = (size - 1) * data[0] / 255;
    char ip[128], lp[128];
    snprintf(ip, sizeof ip, "%s/images", dir);
    snprintf(lp, sizeof lp, "%s/labels", dir);
    if (put(ip, data + 1, split) || put(lp, data + 1 + split, size - 1 - split))
        abort();
    nn_dataset ds;
    nn_error err;
    memset(&err, 0, sizeof err);
    if (nn_idx_load(&ds, ip, lp, &err) == NN_OK) {
        for (size_t i = 0; i < ds.n; i++)
            if (ds.labels[i] > 9)
                __builtin_trap();
        nn_dataset_free(&ds);
    } else if (err.msg[0] == '\0' || strchr(err.msg, '\n') || ds.images || ds.n) {
        __builtin_trap();
    }
    return 0;
}
