/* test_ink_identity.c — the network's inputs, to the bit.  The shipped model
 * was trained on the 28×28 inputs ink_preprocess gave when it was made, so
 * a faster preprocessing must give exactly those floats again: every
 * drawing of the repo's pen-digit files (and dev.txt when ../shared has
 * it) at the window's and the trainer's brush widths, and ink_normalize's
 * other paths (small and non-square images, enlarging, the raw shrink,
 * redrawn digits), hash to the digests the code of commit f305c80 gave.
 * A digest that changes means the inputs changed: that needs the model
 * retrained, not new digests (DIGITPAD_IDENTITY_PRINT=1 prints them). */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "mix64.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sanitizer build runs every 50th drawing (still every digit, and 43
 * of pendigits' 44 writers); the Release build runs all of them. */
enum { STRIDE = TEST_SANITIZED ? 50 : 1 };

/* The window draws at brush scale 1; the trainer renders pen drawings at
 * widths in [DP_REDRAW_BRUSH_MIN, DP_REDRAW_BRUSH_MAX] = [0.8, 1.4]. */
static const float SCALES[] = {1.0f, 0.8f, 1.4f};

typedef struct golden {
    const char *set;   /* file name, or "paths" for the other paths */
    int stride;
    size_t n;          /* inputs hashed */
    uint64_t digest;
} golden;

/* Printed by this test built on commit f305c80's ink/ (DIGITPAD_IDENTITY_PRINT=1). */
static const golden GOLDEN[] = {
    {"pendigits.txt.gz", 1, 32976, 0x56692bdd16568c42ULL},
    {"pendigits.txt.gz", 50, 660, 0x2a9f3c21cf34b3b0ULL},
    {"uji.txt.gz", 1, 3600, 0xa035c3ec0f4558ceULL},
    {"uji.txt.gz", 50, 72, 0xdd6dfa91fb5f0b99ULL},
    {"dev.txt", 1, 6516, 0xc3e17c9446e549e9ULL},
    {"dev.txt", 50, 132, 0xc012cf68c0729f26ULL},
    {"paths", 50, 1320, 0xd7e4060df25b36e5ULL},
};

static int print_mode;

static uint64_t fold_u64(uint64_t h, uint64_t v)
{
    return mix64_fmix(h ^ (v + MIX64_GOLDEN));
}

static uint64_t fold_floats(uint64_t h, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        h = fold_u64(h, u);
    }
    return h;
}

static uint64_t fold_double(uint64_t h, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return fold_u64(h, u);
}

/* Compares (or prints) the digest of a set's every stride-th drawing. */
static void expect(const char *set, int stride, size_t n, uint64_t digest)
{
    if (print_mode) {
        printf("    {\"%s\", %d, %zu, 0x%016llxULL},\n", set, stride, n,
               (unsigned long long)digest);
        return;
    }
    for (size_t g = 0; g < sizeof GOLDEN / sizeof GOLDEN[0]; g++) {
        if (strcmp(GOLDEN[g].set, set) != 0 || GOLDEN[g].stride != stride)
            continue;
        int same = GOLDEN[g].n == n && GOLDEN[g].digest == digest;
        char which[32] = "every drawing";
        if (stride != 1)
            snprintf(which, sizeof which, "every %dth drawing", stride);
        printf("%s, %s: %zu inputs, %s\n", set, which, n,
               same ? "all as the shipped model's training saw them"
                    : "DIFFERENT from what the shipped model was trained on");
        CHECK(same);
        return;
    }
    printf("%s: no golden digest for every %d drawing\n", set, stride);
    CHECK(!"golden digest known");
}

/* ink_preprocess_brush on every STRIDE-th drawing at every scale; the
 * digest of every 50th is kept beside the whole file's, so that one run
 * prints both builds' goldens. */
static void check_file(const char *path, const char *set)
{
    ink_sample *s = NULL;
    size_t n = 0, hashed = 0, hashed50 = 0;
    char err[256];
    CHECK(ink_read_file(path, &s, &n, err, sizeof err) == 0 && n > 1000);
    uint64_t h = 0, h50 = 0;
    for (size_t i = 0; i < n; i += STRIDE)
        for (size_t b = 0; b < sizeof SCALES / sizeof SCALES[0]; b++) {
            float x[INK_INPUT_SIZE];
            int r = ink_preprocess_brush(&s[i].drawing, SCALES[b], x);
            h = fold_floats(fold_u64(h, (uint64_t)(r + 1)), x, INK_INPUT_SIZE);
            hashed++;
            if (i % 50 == 0) {
                h50 = fold_floats(fold_u64(h50, (uint64_t)(r + 1)), x, INK_INPUT_SIZE);
                hashed50++;
            }
        }
    expect(set, STRIDE, hashed, h);
    if (STRIDE == 1 && print_mode)
        expect(set, 50, hashed50, h50);
    ink_samples_free(s, n);
}

/* ink_normalize's paths the window's canvas does not take, on every 50th
 * pendigits drawing in both builds: a small square image (shrinking, as
 * ink_redraw's grid), a tiny non-square one (enlarging, no weight table),
 * the raw shrink of a canvas and of a small image (ink_downsample), the
 * placement a saliency overlay reads, and ink_redraw of the raw shrink. */
static void check_paths(float *canvas)
{
    const char *path = DIGITPAD_TEST_SRC "/datasets/pen-digits/pendigits.txt.gz";
    ink_sample *s = NULL;
    size_t n = 0, hashed = 0;
    char err[256];
    CHECK(ink_read_file(path, &s, &n, err, sizeof err) == 0 && n > 1000);
    uint64_t h = 0;
    static float small[112 * 112], tiny[24 * 17];
    for (size_t i = 0; i < n; i += 50) {
        const ink_drawing *d = &s[i].drawing;
        const float brush = ink_brush_for(d);
        float x[INK_INPUT_SIZE], raw[INK_INPUT_SIZE];
        ink_render(d, small, 112, 112, brush);
        h = fold_floats(fold_u64(h, (uint64_t)ink_normalize(small, 112, 112, x)), x,
                        INK_INPUT_SIZE);
        ink_render(d, tiny, 24, 17, brush);
        h = fold_floats(fold_u64(h, (uint64_t)ink_normalize(tiny, 24, 17, x)), x,
                        INK_INPUT_SIZE);
        ink_downsample(tiny, 24, 17, x);
        h = fold_floats(h, x, INK_INPUT_SIZE);
        ink_render(d, canvas, INK_CANVAS_PX, INK_CANVAS_PX, brush);
        ink_downsample(canvas, INK_CANVAS_PX, INK_CANVAS_PX, raw);
        h = fold_floats(h, raw, INK_INPUT_SIZE);
        ink_placement p;
        if (ink_normalize_placement(canvas, INK_CANVAS_PX, INK_CANVAS_PX, &p) == 1) {
            h = fold_u64(h, (uint64_t)p.x0 << 48 | (uint64_t)p.y0 << 32 |
                                (uint64_t)p.x1 << 16 | (uint64_t)p.y1);
            h = fold_double(fold_double(fold_double(h, p.com_x), p.com_y), p.scale);
        }
        int r = ink_redraw(raw, INK_SIDE, INK_SIDE, 1.0f, x);
        h = fold_floats(fold_u64(h, (uint64_t)(r + 1)), x, INK_INPUT_SIZE);
        hashed += 6;
    }
    expect("paths", 50, hashed, h);
    ink_samples_free(s, n);
}

int main(void)
{
    print_mode = getenv("DIGITPAD_IDENTITY_PRINT") != NULL;
    check_file(DIGITPAD_TEST_SRC "/datasets/pen-digits/pendigits.txt.gz", "pendigits.txt.gz");
    check_file(DIGITPAD_TEST_SRC "/datasets/pen-digits/uji.txt.gz", "uji.txt.gz");
    const char *dev = test_shared_path("pen-digits/dev.txt");
    if (dev)
        check_file(dev, "dev.txt");
    else
        test_skip_part("test_ink_identity: the pen-drawn digits (pen-digits/dev.txt) are only "
                       "in the developers' ../shared; their inputs were not compared");
    float *canvas = malloc((size_t)INK_CANVAS_PX * INK_CANVAS_PX * sizeof *canvas);
    CHECK(canvas != NULL);
    if (canvas)
        check_paths(canvas);
    free(canvas);
    return test_finish("test_ink_identity");
}
