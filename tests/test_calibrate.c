/* test_calibrate.c — the unsure threshold's inputs and choice (app/train/calibrate.c):
 * scribbles are deterministic, non-empty, normalised inputs; the threshold
 * search finds the separating value on a model built to answer known tops;
 * and the shipped model says "unsure" to most scribbles. */
#include "calibrate.h"
#include "ink.h"
#include "nn_file.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_scribbles(void)
{
    enum { N = 40 };
    float *a = malloc(sizeof *a * N * INK_INPUT_SIZE), *b = malloc(sizeof *b * N * INK_INPUT_SIZE);
    CHECK(a && b);
    if (!a || !b)
        goto out;
    CHECK(dp_make_scribbles(N, 5, a) == 0);
    CHECK(dp_make_scribbles(N, 5, b) == 0);
    CHECK(memcmp(a, b, sizeof *a * N * INK_INPUT_SIZE) == 0);
    CHECK(dp_make_scribbles(N, 6, b) == 0);
    CHECK(memcmp(a, b, sizeof *a * N * INK_INPUT_SIZE) != 0);
    for (int i = 0; i < N; i++) {
        double ink = 0.0, mx = 0.0, my = 0.0;
        int in_range = 1;
        for (int p = 0; p < INK_INPUT_SIZE; p++) {
            float v = a[i * INK_INPUT_SIZE + p];
            in_range &= v >= 0.0f && v <= 1.0f;
            ink += v;
            mx += v * (p % INK_SIDE);
            my += v * (p / INK_SIDE);
        }
        CHECK(in_range && ink > 1.0);
        /* centred as the window centres a drawing */
        if (ink > 1.0)
            CHECK(fabs(mx / ink - 14.0) < 1.5 && fabs(my / ink - 14.0) < 1.5);
    }
out:
    free(a);
    free(b);
}

/* A model "fc10,sigmoid" whose output is driven by one pixel: digit d's
 * bias makes its output b_d on an all-zero input.  On a set of blank
 * images labelled 0 every answer is "0" with top output sigmoid(bias0);
 * scribbles have ink, which pixel weights of -50 push to near 0.  A blank
 * has nothing to redraw, so its redrawn copy is itself. */
/* dp_calibrate with 50 scribbles: what it does with the rest is the same. */
static nn_status calib_few(const nn_model *m, const nn_dataset *ds, double fixed,
                           dp_calibration *c, nn_error *err)
{
    return dp_calibrate_ex(m, ds, fixed, 50, ds->n, 0, c, NULL, err);
}

static void test_threshold_choice(void)
{
    nn_error err;
    nn_arch arch;
    CHECK(nn_arch_parse("fc10,sigmoid", &arch, &err) == NN_OK);
    nn_model *m = nn_model_create(&arch, &err);
    CHECK(m != NULL);
    if (!m)
        return;
    float *p = nn_model_params(m);
    size_t np = nn_model_param_count(m);
    for (size_t i = 0; i < np; i++)
        p[i] = -50.0f; /* weights: any ink drives every output to ~0 */
    /* the biases are the last 10 parameters (weights, then bias) */
    for (int d = 0; d < 10; d++)
        p[np - 10 + d] = d == 0 ? 1.4f : -5.0f; /* sigmoid(1.4) = 0.802 */
    nn_dataset ds;
    CHECK(nn_dataset_alloc(&ds, 100, INK_SIDE, INK_SIDE, &err) == NN_OK);
    dp_calibration c;
    CHECK(dp_calibrate(m, &ds, -1.0, &c, &err) == NN_OK);
    /* every blank image is a right answer at 0.802 and scribbles score ~0:
     * the highest threshold that doubts none of the right answers is 0.80 */
    CHECK(c.n_test == 100 && c.n_scribbles == DP_CALIB_SCRIBBLES);
    CHECK(fabs(c.threshold - 0.80) < 1e-6);
    CHECK(c.correct_unsure == 0.0 && c.scribble_sure == 0.0);
    CHECK(c.redrawn_accuracy == 1.0 && c.redrawn_correct_unsure == 0.0);
    /* The calls below check the threshold's choice, which the scribbles
     * (all near 0 here) do not move: 50 of them instead of 2,000 (making
     * them is most of this test's time under ASan). */
    CHECK(calib_few(m, &ds, 0.9, &c, &err) == NN_OK);
    CHECK(fabs(c.threshold - 0.9) < 1e-6 && c.mnist_unsure == 1.0 && c.correct_unsure == 1.0);
    /* Right answers made less sure (0.5) by a pixel they light, whose
     * weight into output 0 is -1.4.  Redrawn, that dot becomes a blob in
     * the middle of the image, whose ink drives every output to 0: still a
     * right answer (ties go to 0), but sure of nothing. */
    p[5] = -1.4f;
    ds.images[5] = 255;
    /* One of a hundred, scanned and redrawn: within the 1% budget of both,
     * so the threshold stays at 0.80. */
    CHECK(calib_few(m, &ds, -1.0, &c, &err) == NN_OK);
    CHECK(fabs(c.threshold - 0.80) < 1e-6);
    CHECK(fabs(c.correct_unsure - 0.01) < 1e-9 && fabs(c.redrawn_correct_unsure - 0.01) < 1e-9);
    CHECK(fabs(c.redrawn_unsure - 0.01) < 1e-9);
    /* Two: doubting them would exceed the budget, so the threshold drops
     * to 0.50.  The budget is on the scanned answers only: redrawn, the two
     * are sure of nothing and stay doubted at any threshold. */
    ds.images[INK_INPUT_SIZE + 5] = 255;
    CHECK(calib_few(m, &ds, -1.0, &c, &err) == NN_OK);
    CHECK(fabs(c.threshold - 0.50) < 1e-6 && c.correct_unsure == 0.0);
    CHECK(fabs(c.redrawn_correct_unsure - 0.02) < 1e-9 && c.redrawn_accuracy == 1.0);
    /* a model that does not take 28x28 images is refused with a message */
    nn_dataset small;
    CHECK(nn_dataset_alloc(&small, 2, 8, 8, &err) == NN_OK);
    CHECK(dp_calibrate(m, &small, -1.0, &c, &err) == NN_EINVAL && strstr(err.msg, "28x28"));
    nn_dataset_free(&small);
    nn_dataset_free(&ds);
    nn_model_free(m);
}

/* The shipped model's recorded threshold must leave most scribbles unsure:
 * that is what the window's "unsure" state promises. */
static void test_shipped(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/models/default.safetensors", DIGITPAD_SOURCE_DIR);
    nn_error err;
    nn_model *m = nn_model_load(path, &err);
    CHECK(m != NULL);
    if (!m) {
        printf("  %s\n", err.msg);
        return;
    }
    const char *t = nn_model_meta_get(m, "threshold");
    CHECK(t != NULL);
    double th = t ? atof(t) : 0.5;
    CHECK(th >= 0.05 && th <= 0.95);
    nn_dataset one;
    CHECK(nn_dataset_alloc(&one, 1, INK_SIDE, INK_SIDE, &err) == NN_OK);
    dp_calibration c;
    CHECK(dp_calibrate(m, &one, th, &c, &err) == NN_OK);
    printf("  shipped model: threshold %.2f, sure of %.1f%% of %zu scribbles\n", th,
           100.0 * c.scribble_sure, c.n_scribbles);
    CHECK(c.scribble_sure < 0.25);
    nn_dataset_free(&one);
    nn_model_free(m);
}

/* The --train tail's one pass (dp_calibrate_ex) reports exactly what
 * nn_evaluate does, for 1 and 2 threads, on the shipped cnn and real
 * digits when ../shared has MNIST; and the first scribbles of a shorter
 * calibration are the same scribbles, so they give the same threshold, as
 * it does with or without redrawn images. */
#if defined(__SANITIZE_ADDRESS__)
/* ASan runs the cnn about ten times slower: 500 images (still right and
 * wrong answers, partial batches, and room for the 500 redrawn ones) on 2
 * threads only, the path that splits the work, keep every check at under
 * half the time; the Release build runs both thread counts on 1,000. */
enum { ONE_PASS_N = 500, ONE_PASS_THREADS_FROM = 2 };
#else
enum { ONE_PASS_N = 1000, ONE_PASS_THREADS_FROM = 1 };
#endif

static void test_one_pass(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/models/default.safetensors", DIGITPAD_SOURCE_DIR);
    /* MNIST from ../shared or data/mnist (scripts/check.sh fetches it), so
     * a fresh clone runs this too; test_mnist_dir fails the test without. */
    const char *dir = test_mnist_dir();
    nn_error err;
    nn_dataset test = {0};
    CHECK(dir != NULL);
    if (!dir || nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        CHECK(!"the MNIST test set loads");
        return;
    }
    nn_model *m = nn_model_load(path, &err);
    CHECK(m != NULL);
    test.n = ONE_PASS_N;
    for (int threads = ONE_PASS_THREADS_FROM; m && threads <= 2; threads++) {
        nn_eval a, b;
        dp_calibration c1, c2;
        CHECK(nn_evaluate(m, &test, threads, &a, &err) == NN_OK);
        CHECK(dp_calibrate_ex(m, &test, -1.0, DP_CALIB_SCRIBBLES_TRAIN, 500, threads, &c1, &b,
                              &err) == NN_OK);
        CHECK(a.n == b.n && a.correct == b.correct && a.accuracy == b.accuracy);
        CHECK(memcmp(a.confusion, b.confusion, sizeof a.confusion) == 0);
        CHECK(dp_calibrate_ex(m, &test, -1.0, DP_CALIB_SCRIBBLES, 0, threads, &c2, NULL, &err) ==
              NN_OK);
        /* the redrawn images are measured, not budgeted on: none, the same
         * threshold */
        CHECK(c1.threshold == c2.threshold && c1.n_scribbles == DP_CALIB_SCRIBBLES_TRAIN);
        CHECK(c1.n_redrawn == 500 && c2.n_redrawn == 0 && c2.redrawn_accuracy == 0.0);
        CHECK(c1.redrawn_accuracy > 0.95 && c1.redrawn_accuracy < 1.0);
        CHECK(fabs(c1.scribble_sure - c2.scribble_sure) < 0.05);
    }
    CHECK(dp_calibrate_ex(m, &test, -1.0, 0, 0, 1, &(dp_calibration){0}, NULL, &err) == NN_EINVAL);
    CHECK(dp_calibrate_ex(m, &test, -1.0, 1, test.n + 1, 1, &(dp_calibration){0}, NULL, &err) ==
              NN_EINVAL &&
          strstr(err.msg, "redrawn"));
    test.n = 10000;
    nn_dataset_free(&test);
    nn_model_free(m);
}

int main(void)
{
    test_one_pass();
    test_scribbles();
    test_threshold_choice();
    test_shipped();
    return test_finish("test_calibrate");
}
