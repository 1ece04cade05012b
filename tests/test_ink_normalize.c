/* test_ink_normalize.c — MNIST-style preprocessing: golden cases (a
 * vertical bar, area averaging, empty input, degenerate shapes), the centre
 * of mass of every output at MNIST's spot, position and size invariance,
 * and the real pen digits of dev.txt when ../shared has them. */
#include "ink.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MNIST's digits have their centre of mass at pixel index (14, 14). */
#define COM 14.0

static double mass_com(const float *x, double *cx, double *cy)
{
    double m = 0, mx = 0, my = 0;
    for (int j = 0; j < INK_SIDE; j++)
        for (int i = 0; i < INK_SIDE; i++) {
            double v = x[j * INK_SIDE + i];
            m += v;
            mx += v * i;
            my += v * j;
        }
    *cx = m > 0 ? mx / m : -1;
    *cy = m > 0 ? my / m : -1;
    return m;
}

static int in_range(const float *x)
{
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        if (!(x[i] >= 0.0f && x[i] <= 1.0f))
            return 0;
    return 1;
}

static double max_diff(const float *a, const float *b)
{
    double m = 0;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* Our own seeded generator (rule 11): xorshift64*. */
static double rnd(unsigned long long *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* A "2" drawn into the square (x0, y0)-(x0+size, y0+size) of the box. */
static void draw_two(ink_drawing *d, float x0, float y0, float size)
{
    static const float pts[][2] = {
        {0.15f, 0.25f}, {0.30f, 0.08f}, {0.55f, 0.02f}, {0.78f, 0.12f}, {0.85f, 0.32f},
        {0.75f, 0.52f}, {0.50f, 0.72f}, {0.20f, 0.95f}, {0.50f, 0.93f}, {0.90f, 0.95f},
    };
    ink_drawing_clear(d);
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++)
        ink_stroke_add(d, x0 + pts[k][0] * size, y0 + pts[k][1] * size);
}

int main(void)
{
    const int W = INK_CANVAS_PX;
    float *pix = calloc((size_t)W * W, sizeof *pix);
    float out[INK_INPUT_SIZE], ref[INK_INPUT_SIZE];
    double cx, cy, m;
    ink_drawing d;
    ink_drawing_init(&d);
    if (!pix) {
        CHECK(pix != NULL);
        return test_finish("test_ink_normalize");
    }

    /* Empty: 0 and all zero, whatever was in out before. */
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        out[i] = 0.7f;
    CHECK(ink_preprocess(&d, out) == 0);
    CHECK(mass_com(out, &cx, &cy) == 0);
    CHECK(ink_normalize(pix, W, W, out) == 0);
    CHECK(mass_com(out, &cx, &cy) == 0);
    CHECK(ink_normalize(NULL, 0, 0, out) == 0);
    {
        /* Placement: none without ink; a 100×300 block of ink at (100, 50)
         * has its box, its centre of mass at (150, 200) (pixel x spans
         * [x, x+1)), and 20/300 input pixels per source pixel, so its top
         * edge lands at 14.5 - 150·20/300 = 4.5, as the bar below does. */
        ink_placement pl = {.x0 = -7};
        CHECK(ink_normalize_placement(pix, W, W, &pl) == 0 && pl.x0 == -7);
        CHECK(ink_normalize_placement(NULL, W, W, &pl) == 0);
        for (int y = 50; y < 350; y++)
            for (int x = 100; x < 200; x++)
                pix[y * W + x] = 1.0f;
        CHECK(ink_normalize_placement(pix, W, W, &pl) == 1);
        CHECK(pl.x0 == 100 && pl.x1 == 199 && pl.y0 == 50 && pl.y1 == 349);
        CHECK_NEAR(pl.com_x, 150.0, 1e-9);
        CHECK_NEAR(pl.com_y, 200.0, 1e-9);
        CHECK_NEAR(pl.scale, 20.0 / 300.0, 1e-12);
        CHECK_NEAR(INK_COM + (50.0 - pl.com_y) * pl.scale, 4.5, 1e-9);
        /* ink_normalize puts the block where the placement says: its
         * centre of mass at (INK_COM, INK_COM) in continuous coordinates. */
        CHECK(ink_normalize(pix, W, W, out) == 1);
        mass_com(out, &cx, &cy);
        CHECK_NEAR(cx + 0.5, INK_COM, 0.02);
        CHECK_NEAR(cy + 0.5, INK_COM, 0.02);
        memset(pix, 0, (size_t)W * W * sizeof *pix);
    }

    /* Golden: a vertical bar becomes a 20-pixel-high bar, centred.  Its
     * centre of mass is at index 14 (MNIST's), so it spans [4.5, 24.5):
     * rows 5..23 fully inked, rows 4 and 24 half, the rest empty. */
    ink_stroke_add(&d, 500, 100);
    ink_stroke_add(&d, 500, 900);
    CHECK(ink_preprocess(&d, out) == 1);
    CHECK(in_range(out));
    m = mass_com(out, &cx, &cy);
    CHECK_NEAR(cx, COM, 0.05);
    CHECK_NEAR(cy, COM, 0.05);
    {
        double height = 0;
        int bad = 0;
        for (int j = 0; j < INK_SIDE; j++) {
            float rmax = 0;
            for (int i = 0; i < INK_SIDE; i++)
                rmax = fmaxf(rmax, out[j * INK_SIDE + i]);
            height += rmax;
            if ((j < 4 || j > 24) && rmax != 0.0f)
                bad++;
            if (j >= 5 && j <= 23 && rmax < 0.9f)
                bad++;
        }
        CHECK(bad == 0);
        CHECK_NEAR(height, 20.0, 0.3);
        /* the bar is as wide as the brush: b/(800+b) of 20 px */
        float b = ink_brush_for(&d);
        CHECK_NEAR(b, ink_default_brush() * 800.0 / 899.0, 0.01);
        CHECK_NEAR(m / 20.0, 20.0 * b / (800 + b), 0.4);
    }

    /* A horizontal bar is the same bar turned: 20 pixels wide. */
    ink_drawing_clear(&d);
    ink_stroke_add(&d, 100, 500);
    ink_stroke_add(&d, 900, 500);
    CHECK(ink_preprocess(&d, ref) == 1);
    {
        int same = 1;
        for (int j = 0; j < INK_SIDE; j++)
            for (int i = 0; i < INK_SIDE; i++)
                if (fabsf(ref[j * INK_SIDE + i] - out[i * INK_SIDE + j]) > 1e-4f)
                    same = 0;
        CHECK(same);
    }

    /* Area averaging, not nearest neighbour: a 2:1 shrink of a
     * checkerboard is uniform grey 0.5, and a canvas whose top 10 rows are
     * ink (half of the first output row's 20) gives 0.5 there. */
    for (int y = 0; y < 56; y++)
        for (int x = 0; x < 56; x++)
            pix[y * 56 + x] = (float)((x + y) % 2);
    ink_downsample(pix, 56, 56, out);
    {
        double lo = 1, hi = 0;
        for (int i = 0; i < INK_INPUT_SIZE; i++) {
            lo = fmin(lo, out[i]);
            hi = fmax(hi, out[i]);
        }
        CHECK_NEAR(lo, 0.5, 1e-6);
        CHECK_NEAR(hi, 0.5, 1e-6);
    }
    memset(pix, 0, (size_t)W * W * sizeof *pix);
    for (int i = 0; i < 10 * W; i++)
        pix[i] = 1;
    ink_downsample(pix, W, W, out);
    CHECK_NEAR(out[5], 0.5, 1e-5);
    CHECK_NEAR(out[INK_SIDE + 5], 0.0, 1e-9);
    /* ...and inside ink_normalize: 1-pixel stripes shrunk 120 → 20. */
    memset(pix, 0, (size_t)W * W * sizeof *pix);
    for (int y = 100; y < 220; y++)
        for (int x = 200; x < 320; x++)
            pix[y * W + x] = (float)((x - 200) % 2 == 0);
    CHECK(ink_normalize(pix, W, W, out) == 1);
    {
        int grey = 1;
        mass_com(out, &cx, &cy);
        for (int j = (int)cy - 7; j <= (int)cy + 7; j++)
            for (int i = (int)cx - 7; i <= (int)cx + 7; i++)
                if (fabsf(out[j * INK_SIDE + i] - 0.5f) > 0.05f)
                    grey = 0;
        CHECK(grey);
    }

    /* Degenerate shapes. */
    /* a tap: a round dot, centred, and not blown up to fill 20 px (it
     * would read as a "0"): enlarged only as a drawing INK_MIN_EXTENT of
     * the canvas wide would be */
    ink_drawing_clear(&d);
    ink_stroke_add(&d, 300, 700);
    CHECK(ink_preprocess(&d, out) == 1);
    m = mass_com(out, &cx, &cy);
    CHECK(in_range(out));
    {
        /* the dot is a quarter of the pen, 16 canvas pixels across */
        double r = 0.5 * (0.25 * ink_default_brush() / INK_BOX * W) * INK_FIT /
                   (INK_MIN_EXTENT * W);
        CHECK_NEAR(m, 3.14159 * r * r, 0.2 * 3.14159 * r * r);
    }
    CHECK_NEAR(cx, COM, 0.05);
    CHECK_NEAR(cy, COM, 0.05);
    /* a 1-pixel-thin horizontal line: 20 px wide, 1/15 px tall */
    memset(pix, 0, (size_t)W * W * sizeof *pix);
    for (int x = 100; x < 400; x++)
        pix[77 * W + x] = 1;
    CHECK(ink_normalize(pix, W, W, out) == 1);
    m = mass_com(out, &cx, &cy);
    CHECK(in_range(out));
    CHECK_NEAR(m, 20.0 / 15.0, 0.01);
    CHECK_NEAR(cx, COM, 0.05);
    CHECK_NEAR(cy, COM, 0.05);
    /* a single pixel is enlarged as INK_MIN_EXTENT of the image would be */
    memset(pix, 0, (size_t)W * W * sizeof *pix);
    pix[0] = 1;   /* at the very corner */
    CHECK(ink_normalize(pix, W, W, out) == 1);
    m = mass_com(out, &cx, &cy);
    {
        double side = INK_FIT / (INK_MIN_EXTENT * W);
        CHECK_NEAR(m, side * side, 1e-3);
    }
    /* ...and in a 20×20 image, where that is 3 pixels, 6.7 pixels wide */
    memset(pix, 0, 400 * sizeof *pix);
    pix[0] = 1;
    CHECK(ink_normalize(pix, 20, 20, out) == 1);
    m = mass_com(out, &cx, &cy);
    CHECK_NEAR(m, (INK_FIT / (INK_MIN_EXTENT * 20)) * (INK_FIT / (INK_MIN_EXTENT * 20)), 0.5);
    CHECK_NEAR(cx, COM, 0.05);
    /* ink filling the whole image, touching every border */
    for (int i = 0; i < 50 * 30; i++)
        pix[i] = 1;
    CHECK(ink_normalize(pix, 50, 30, out) == 1);
    m = mass_com(out, &cx, &cy);
    CHECK_NEAR(m, 20 * 12, 0.5);
    CHECK_NEAR(cy, COM, 0.05);
    /* garbage values: NaN is paper, above 1 counts as 1, negatives as 0 */
    pix[3] = NAN;
    pix[4] = 7;
    pix[5] = -3;
    CHECK(ink_normalize(pix, 50, 30, out) == 1);
    CHECK(in_range(out));
    CHECK_NEAR(mass_com(out, &cx, &cy), 20 * 12, 0.7);

    /* Position and size: the same "2" in a corner, in the middle, larger
     * and smaller gives the same input (ink_brush_for scales the pen with
     * the drawing, as MNIST's normalisation effectively did). */
    draw_two(&d, 250, 250, 500);
    CHECK(ink_preprocess(&d, ref) == 1);
    /* (the brush's radius, 57.5 units, keeps the ink inside the box) */
    draw_two(&d, 60, 60, 500);
    CHECK(ink_preprocess(&d, out) == 1);
    printf("corner vs middle: max abs diff %.4f\n", max_diff(out, ref));
    CHECK(max_diff(out, ref) < 0.05);
    draw_two(&d, 437, 451, 500);
    CHECK(ink_preprocess(&d, out) == 1);
    CHECK(max_diff(out, ref) < 0.05);
    draw_two(&d, 100, 100, 800);
    CHECK(ink_preprocess(&d, out) == 1);
    printf("size 800 vs 500: max abs diff %.4f\n", max_diff(out, ref));
    CHECK(max_diff(out, ref) < 0.08);
    draw_two(&d, 700, 700, 250);
    CHECK(ink_preprocess(&d, out) == 1);
    printf("size 250 vs 500: max abs diff %.4f\n", max_diff(out, ref));
    CHECK(max_diff(out, ref) < 0.1);
    /* and ink_preprocess is exactly render + normalize */
    draw_two(&d, 250, 250, 500);
    ink_render(&d, pix, W, W, ink_brush_for(&d));
    CHECK(ink_normalize(pix, W, W, out) == 1);
    CHECK(max_diff(out, ref) == 0);
    /* ink_preprocess_brush: scale 1 is ink_preprocess to the bit; a wider
     * pen puts more ink into the same 20x20 box, a thinner one less; a
     * scale of 0 or below gives no input */
    {
        float wide[INK_INPUT_SIZE], thin[INK_INPUT_SIZE];
        CHECK(ink_preprocess(&d, ref) == 1);
        CHECK(ink_preprocess_brush(&d, 1.0f, out) == 1);
        CHECK(memcmp(out, ref, sizeof ref) == 0);
        CHECK(ink_preprocess_brush(&d, 1.4f, wide) == 1);
        CHECK(ink_preprocess_brush(&d, 0.8f, thin) == 1);
        double s_ref = 0, s_wide = 0, s_thin = 0;
        for (int i = 0; i < INK_INPUT_SIZE; i++) {
            s_ref += ref[i];
            s_wide += wide[i];
            s_thin += thin[i];
        }
        CHECK(s_thin < s_ref && s_ref < s_wide);
        CHECK(ink_preprocess_brush(&d, 0.0f, out) == 0 && out[14 * 28 + 14] == 0.0f);
        CHECK(ink_preprocess_brush(&d, -1.0f, out) == 0);
    }
    /* a dot keeps a quarter of the default pen */
    ink_drawing_clear(&d);
    ink_stroke_add(&d, 500, 500);
    CHECK(ink_brush_for(&d) == 0.25f * ink_default_brush());
    ink_drawing_clear(&d);
    CHECK(ink_brush_for(&d) == 0.0f);

    /* Centre of mass of random drawings: scribbles of 1-4 strokes, large
     * and small, anywhere in the box (some hanging off its edge). */
    {
        unsigned long long seed = 12345;
        double worst = 0;
        int bad = 0;
        for (int t = 0; t < 200; t++) {
            ink_drawing_clear(&d);
            int ns = 1 + (int)(rnd(&seed) * 4);
            double size = 50 + rnd(&seed) * 950;
            double ox = rnd(&seed) * 1000 - size / 2, oy = rnd(&seed) * 1000 - size / 2;
            for (int s = 0; s < ns; s++) {
                ink_stroke_begin(&d);
                int np = 1 + (int)(rnd(&seed) * 30);
                for (int k = 0; k < np; k++)
                    ink_stroke_add(&d, (float)(ox + rnd(&seed) * size),
                                   (float)(oy + rnd(&seed) * size));
            }
            int r = ink_preprocess(&d, out);
            if (r != 1) {   /* entirely off the canvas: legitimately empty */
                bad += r < 0;
                continue;
            }
            bad += !in_range(out);
            mass_com(out, &cx, &cy);
            worst = fmax(worst, fmax(fabs(cx - COM), fabs(cy - COM)));
        }
        printf("random drawings: worst centre of mass error %.4f px\n", worst);
        CHECK(bad == 0);
        CHECK(worst < 0.5);
    }

    /* The real pen digits: every one lands centred with MNIST-like ink. */
    const char *dev = test_shared_path("pen-digits/dev.txt");
    if (dev) {
        ink_sample *s;
        size_t n;
        char err[256];
        int r = ink_read_file(dev, &s, &n, err, sizeof err);
        CHECK(r == 0);
        if (r == 0) {
            double worst = 0, total = 0;
            int bad = 0;
            for (size_t k = 0; k < n; k++) {
                bad += ink_preprocess(&s[k].drawing, out) != 1 || !in_range(out);
                total += mass_com(out, &cx, &cy);
                worst = fmax(worst, fmax(fabs(cx - COM), fabs(cy - COM)));
            }
            printf("dev.txt: %zu digits, worst centre of mass error %.4f px, "
                   "mean ink %.4f per pixel (MNIST: 0.1307)\n",
                   n, worst, total / n / INK_INPUT_SIZE);
            CHECK(bad == 0);
            CHECK(worst < 0.1);
            /* MNIST's mean pixel is 0.1307; the brush was chosen to match */
            CHECK_NEAR(total / n / INK_INPUT_SIZE, 0.1307, 0.015);
            ink_samples_free(s, n);
        }
    } else {
        test_skip_part("test_ink_normalize: the pen-drawn digits (pen-digits/dev.txt) are only in "
                       "the developers' ../shared; their centring check did not run");
    }

    ink_drawing_free(&d);
    free(pix);
    return test_finish("test_ink_normalize");
}
