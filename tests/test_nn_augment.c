/* test_nn_augment.c — augmentation: identity is exact, shifts move the
 * centre of mass as drawn, dilation/erosion change the ink, outputs are
 * deterministic in the seed and stay in [0,1]; also reports the speed. */
#define _POSIX_C_SOURCE 200809L
#include "nn_data.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define R 28
#define C 28
#define N (R * C)

/* A ring of radius 6 around (13.5, 13.5), about two pixels thick, with soft
 * edges: far from the border, so shifts of a few pixels lose no ink. */
static void make_ring(uint8_t *img)
{
    for (int y = 0; y < R; y++)
        for (int x = 0; x < C; x++) {
            double d = hypot(x - 13.5, y - 13.5) - 6.0;
            double v = 1.5 - fabs(d);
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            img[y * C + x] = (uint8_t)lround(v * 255.0);
        }
}

static void com(const float *img, double *mx, double *my, double *mass)
{
    double s = 0, sx = 0, sy = 0;
    for (int y = 0; y < R; y++)
        for (int x = 0; x < C; x++) {
            double v = img[y * C + x];
            s += v;
            sx += v * x;
            sy += v * y;
        }
    *mass = s;
    *mx = s > 0 ? sx / s : 0;
    *my = s > 0 ? sy / s : 0;
}

static nn_augment_config zero_config(void)
{
    nn_augment_config a;
    memset(&a, 0, sizeof a);
    return a;
}

static void test_identity(const uint8_t *img)
{
    nn_augment_config a = zero_config();
    nn_rng rng;
    nn_rng_seed(&rng, 1);
    float out[N];
    nn_augment_image(img, R, C, out, &a, &rng);
    int exact = 1;
    for (int i = 0; i < N; i++)
        exact &= out[i] == (float)img[i] / 255.0f;
    CHECK(exact);
}

static void test_shift(const uint8_t *img)
{
    nn_augment_config a = zero_config();
    a.shift_px = 3.0f;
    float base[N], out[N];
    for (int i = 0; i < N; i++)
        base[i] = img[i] / 255.0f;
    double bx, by, bm;
    com(base, &bx, &by, &bm);
    int nonzero = 0;
    for (uint64_t seed = 1; seed <= 50; seed++) {
        nn_rng rng, copy;
        nn_rng_seed(&rng, seed);
        copy = rng;
        nn_augment_image(img, R, C, out, &a, &rng);
        /* The documented draw order: rotation, scale, shear, tx, ty, ... */
        for (int k = 0; k < 3; k++)
            (void)nn_rng_uniform(&copy);
        double tx = (2.0 * nn_rng_uniform(&copy) - 1.0) * 3.0;
        double ty = (2.0 * nn_rng_uniform(&copy) - 1.0) * 3.0;
        double mx, my, m;
        com(out, &mx, &my, &m);
        /* Bilinear interpolation preserves mass and first moment away from
         * the border, so the centre moves by exactly the translation. */
        CHECK_NEAR(mx - bx, tx, 1e-3);
        CHECK_NEAR(my - by, ty, 1e-3);
        CHECK_NEAR(m, bm, 1e-2);
        CHECK(fabs(mx - bx) <= 3.0 + 1e-3 && fabs(my - by) <= 3.0 + 1e-3);
        nonzero += fabs(tx) > 0.5;
    }
    CHECK(nonzero > 10);
}

static void test_rotation_keeps_centre(const uint8_t *img)
{
    nn_augment_config a = zero_config();
    a.rotate_deg = 30.0f;
    a.scale = 0.2f;
    a.shear = 0.3f;
    float base[N], out[N];
    for (int i = 0; i < N; i++)
        base[i] = img[i] / 255.0f;
    double bx, by, bm;
    com(base, &bx, &by, &bm);
    int changed = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        nn_rng rng;
        nn_rng_seed(&rng, seed);
        nn_augment_image(img, R, C, out, &a, &rng);
        double mx, my, m;
        com(out, &mx, &my, &m);
        /* A linear map about the centre of a centred shape keeps the centre. */
        CHECK_NEAR(mx, bx, 0.05);
        CHECK_NEAR(my, by, 0.05);
        double diff = 0;
        for (int i = 0; i < N; i++)
            diff += fabs(out[i] - base[i]);
        changed += diff > 1.0;
    }
    CHECK(changed >= 15);
}

static void test_thickness(const uint8_t *img)
{
    nn_augment_config a = zero_config();
    a.thickness_p = 1.0f;
    float base[N], out[N];
    for (int i = 0; i < N; i++)
        base[i] = img[i] / 255.0f;
    double bsum = 0;
    for (int i = 0; i < N; i++)
        bsum += base[i];
    int dilated = 0, eroded = 0, bad = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        nn_rng rng;
        nn_rng_seed(&rng, seed);
        nn_augment_image(img, R, C, out, &a, &rng);
        double sum = 0;
        int ge = 1, le = 1;
        for (int i = 0; i < N; i++) {
            sum += out[i];
            ge &= out[i] >= base[i];
            le &= out[i] <= base[i];
        }
        if (ge && sum > bsum + 10)
            dilated++;
        else if (le && sum < bsum - 10)
            eroded++;
        else
            bad++;
    }
    CHECK(dilated >= 8);
    CHECK(eroded >= 8);
    CHECK(bad == 0);

    /* thickness_p = 0 never changes the image */
    a.thickness_p = 0.0f;
    nn_rng rng;
    nn_rng_seed(&rng, 3);
    nn_augment_image(img, R, C, out, &a, &rng);
    CHECK(memcmp(out, base, sizeof out) == 0);
}

static void test_deterministic_and_range(const uint8_t *img)
{
    nn_augment_config a;
    nn_augment_defaults(&a);
    CHECK(a.rotate_deg > 0 && a.scale > 0 && a.shear > 0 && a.shift_px > 0);
    CHECK(a.thickness_p > 0 && a.thickness_p < 1);
    CHECK(a.elastic_alpha == 0.0f);
    for (int elastic = 0; elastic <= 1; elastic++) {
        if (elastic) {
            a.elastic_alpha = 3.0f;
            a.elastic_sigma = 4.0f;
        }
        float o1[N], o2[N], o3[N];
        int in_range = 1;
        for (uint64_t seed = 1; seed <= 200; seed++) {
            nn_rng r1, r2, r3;
            nn_rng_seed(&r1, seed);
            nn_rng_seed(&r2, seed);
            nn_rng_seed(&r3, seed + 1000);
            nn_augment_image(img, R, C, o1, &a, &r1);
            nn_augment_image(img, R, C, o2, &a, &r2);
            nn_augment_image(img, R, C, o3, &a, &r3);
            CHECK(memcmp(o1, o2, sizeof o1) == 0);
            CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
            if (seed <= 5)
                CHECK(memcmp(o1, o3, sizeof o1) != 0);
            for (int i = 0; i < N; i++)
                in_range &= o1[i] >= 0.0f && o1[i] <= 1.0f;
        }
        CHECK(in_range);
    }
}

static void test_odd_sizes(void)
{
    /* Non-square and tiny images, and hostile settings, must not crash. */
    uint8_t src[7 * 3];
    for (int i = 0; i < 21; i++)
        src[i] = (uint8_t)(i * 12);
    float out[21];
    nn_augment_config a;
    nn_augment_defaults(&a);
    a.thickness_p = 1.0f;
    a.elastic_alpha = 1e30f;
    a.scale = 5.0f;
    nn_rng rng;
    nn_rng_seed(&rng, 9);
    for (int k = 0; k < 20; k++) {
        nn_augment_image(src, 7, 3, out, &a, &rng);
        int ok = 1;
        for (int i = 0; i < 21; i++)
            ok &= out[i] >= 0.0f && out[i] <= 1.0f;
        CHECK(ok);
    }
    uint8_t one = 200;
    float o1;
    nn_augment_defaults(&a);
    nn_augment_image(&one, 1, 1, &o1, &a, &rng);
    CHECK(o1 >= 0.0f && o1 <= 1.0f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report_speed(const uint8_t *img)
{
    nn_augment_config a;
    nn_augment_defaults(&a);
    nn_rng rng;
    nn_rng_seed(&rng, 5);
    float out[N];
    double sink = 0;
    int reps = 20000;
    double t0 = now_s();
    for (int k = 0; k < reps; k++) {
        nn_augment_image(img, R, C, out, &a, &rng);
        sink += out[k % N];
    }
    double t1 = now_s();
    a.elastic_alpha = 2.0f;
    for (int k = 0; k < reps / 10; k++) {
        nn_augment_image(img, R, C, out, &a, &rng);
        sink += out[k % N];
    }
    double t2 = now_s();
    printf("augment: %.2f us/image (defaults), %.2f us/image (elastic on) [%g]\n",
           (t1 - t0) / reps * 1e6, (t2 - t1) / (reps / 10) * 1e6, sink > 0 ? 1.0 : 0.0);
}

/* A vertical bar from row 5 to 23 at columns 13-15: a bare MNIST-like 1. */
static void make_bar(uint8_t *img)
{
    memset(img, 0, N);
    for (int y = 5; y <= 23; y++)
        for (int x = 13; x <= 15; x++)
            img[y * C + x] = 255;
}

static size_t ink_sum(const uint8_t *img)
{
    size_t s = 0;
    for (int i = 0; i < N; i++)
        s += img[i];
    return s;
}

/* Style variants only add ink, only for 0, 1 and 7, and only where the
 * variant belongs: a slash crosses the ring's hole, a flag leaves the top
 * of a 1 to the left, a crossbar crosses a 7's stem. */
static void test_styles(const uint8_t *ring)
{
    nn_augment_config a = zero_config();
    a.style_p = 1.0f;
    uint8_t img[N], bar[N];
    nn_rng r;
    for (int label = 0; label <= 9; label++) {
        memcpy(img, ring, N);
        nn_rng_seed(&r, 7);
        int drew = nn_augment_style(img, R, C, label, &a, &r);
        int expect = label == 0 || label == 1 || label == 7;
        if (label == 1)
            expect = 0; /* a ring is no bare bar: it must be left alone */
        CHECK(drew == expect);
        if (!expect)
            CHECK(memcmp(img, ring, N) == 0);
        for (int i = 0; i < N; i++)
            CHECK(img[i] >= ring[i]);
    }
    /* the slashed zero has ink in the ring's hole, on the diagonal */
    memcpy(img, ring, N);
    nn_rng_seed(&r, 1);
    CHECK(nn_augment_style(img, R, C, 0, &a, &r) == 1);
    CHECK(ring[13 * C + 13] == 0 && img[13 * C + 13] + img[14 * C + 14] + img[13 * C + 14] > 100);

    /* a flag: new ink left of the bar in its top third, none right of it */
    make_bar(bar);
    for (uint64_t seed = 1; seed <= 20; seed++) {
        memcpy(img, bar, N);
        nn_rng_seed(&r, seed);
        CHECK(nn_augment_style(img, R, C, 1, &a, &r) == 1);
        size_t left = 0, right = 0;
        for (int y = 5; y <= 11; y++) {
            for (int x = 0; x < 12; x++)
                left += img[y * C + x];
            for (int x = 18; x < C; x++)
                right += img[y * C + x];
        }
        CHECK(left > 255 && right == 0);
    }
    /* a 1 that already has a wide top is left alone */
    for (int x = 6; x <= 15; x++)
        bar[6 * C + x] = 255;
    memcpy(img, bar, N);
    nn_rng_seed(&r, 3);
    CHECK(nn_augment_style(img, R, C, 1, &a, &r) == 0 && memcmp(img, bar, N) == 0);

    /* p = 0 never draws; deterministic in the seed; an empty image is safe */
    a.style_p = 0.0f;
    memcpy(img, ring, N);
    CHECK(nn_augment_style(img, R, C, 0, &a, &r) == 0 && memcmp(img, ring, N) == 0);
    a.style_p = 1.0f;
    uint8_t x1[N], x2[N];
    memcpy(x1, ring, N);
    memcpy(x2, ring, N);
    nn_rng r1, r2;
    nn_rng_seed(&r1, 99);
    nn_rng_seed(&r2, 99);
    nn_augment_style(x1, R, C, 7, &a, &r1);
    nn_augment_style(x2, R, C, 7, &a, &r2);
    CHECK(memcmp(x1, x2, N) == 0);
    memset(img, 0, N);
    CHECK(nn_augment_style(img, R, C, 0, &a, &r) == 0 && ink_sum(img) == 0);
}

/* Negatives: made only of the set's ink, deterministic, and never a copy
 * of one image. */
static void test_negatives(const uint8_t *ring)
{
    nn_dataset ds;
    nn_error err;
    CHECK(nn_dataset_alloc(&ds, 4, R, C, &err) == NN_OK);
    if (!ds.images)
        return;
    make_bar(ds.images);
    ds.labels[0] = 1;
    memcpy(ds.images + N, ring, N);
    ds.labels[1] = 0;
    make_bar(ds.images + 2 * N);
    ds.labels[2] = 1;
    memcpy(ds.images + 3 * N, ring, N);
    ds.labels[3] = 0;
    uint8_t a1[N], a2[N];
    for (uint64_t seed = 1; seed <= 50; seed++) {
        nn_rng r1, r2;
        nn_rng_seed(&r1, seed);
        nn_rng_seed(&r2, seed);
        nn_augment_negative(&ds, a1, &r1);
        nn_augment_negative(&ds, a2, &r2);
        CHECK(memcmp(a1, a2, N) == 0);
        CHECK(ink_sum(a1) > 0);
        CHECK(memcmp(a1, ds.images, N) != 0 && memcmp(a1, ds.images + N, N) != 0);
    }
    nn_dataset_free(&ds);
}

int main(void)
{
    uint8_t img[N];
    make_ring(img);
    test_identity(img);
    test_shift(img);
    test_rotation_keeps_centre(img);
    test_thickness(img);
    test_deterministic_and_range(img);
    test_odd_sizes();
    test_styles(img);
    test_negatives(img);
    report_speed(img);
    return test_finish("test_nn_augment");
}
