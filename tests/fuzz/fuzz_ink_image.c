/* fuzz_ink_image.c — libFuzzer target for the PGM/BMP loader and the
 * image header probe (PNG, JPEG, BMP, PGM sizes): any file gives an image
 * or a message, never a crash, a leak or a huge allocation; what loads
 * also normalises, and what the probe passes is within the pixel cap.
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *         tests/fuzz/fuzz_ink_image.c ink/[a-z]*.c -lm -o fuzz_ink_image */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ink_image_type t;
    int pw, ph;
    char perr[256];
    if (ink_image_probe("fuzz", data, size, &t, &pw, &ph, perr, sizeof perr) == 0 &&
        (pw <= 0 || ph <= 0 || (uint64_t)pw * (uint64_t)ph > INK_IMAGE_MAX_PIXELS))
        abort();
    static char path[256];   /* the loader reads files: one per process */
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/fuzz-ink-image-%d", tmp && *tmp ? tmp : "/tmp",
                 (int)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !ok)
        return 0;
    float *pix;
    int w, h;
    char err[256];
    if (ink_image_load(path, &pix, &w, &h, err, sizeof err) == 0) {
        float out[INK_INPUT_SIZE];
        if ((size_t)w * (size_t)h < 4000000)
            ink_normalize(pix, w, h, out);
        free(pix);
    }
    return 0;
}
