/* test_finetune.c — learning from corrections (issue 4): a model trained on
 * MNIST misreads a scripted unusual handwriting (a continental 1 with a long
 * flag), and reads a crossed 7 it must keep reading; after fine-tuning in the
 * background trainer on ten labelled drawings of each, fresh drawings in
 * those styles are read right and MNIST test accuracy barely moves.
 *
 * The fine-tune is a float trajectory: it changes with the CPU, the BLAS
 * kernel and the thread count, so no single run decides the test.  It
 * fine-tunes FT_RUNS times (trainer seeds 1..FT_RUNS, as five users would)
 * and checks the medians, with a loose floor on every run.  Each run is a
 * different hand (the drawings' seed) and a different trainer seed.
 * Spread measured on 2026-12-02 (AMD EPYC): with OpenBLAS's Haswell,
 * SkylakeX and Prescott kernels, with OpenMP and without; then with the
 * own avx512 and avx2 kernels (DIGITPAD_KERNELS), with OpenMP and without:
 * long-flag 1 read right after, median of the five runs 85-86%, lowest run
 * 77-82%; crossed 7 100% in every run; MNIST test drop median 0.08-0.12
 * points, largest 0.18-0.22; the base model 97.60-97.64% (checked > 97%).
 * Checks, with room for other CPUs and kernels:
 * long-flag 1 median >= 75% and every run >= 60%; crossed 7 median >= 90%
 * and every run >= 80%; MNIST drop median <= 0.3 points, every run <= 0.5.
 * Needs full MNIST (../shared/mnist or data/mnist); label "slow". */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgtrain.h"
#include "ink.h"
#include "nn.h"
#include "nn_data.h"
#include "nn_file.h"

#define N_LABELLED 10 /* per digit: "about ten labelled examples" */
#define N_FRESH 100   /* per digit, to judge recognition */
#define N_STYLES 2
#define FT_RUNS 5     /* fine-tunes with seeds 1..5; medians decide */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------ the scripted handwriting */

/* A per-drawing pose (small rotation, scale, shift) and per-point jitter,
 * so no two drawings are alike, as no two of a person's are. */
typedef struct pose {
    float c, s, k, dx, dy;
} pose;

static pose random_pose(nn_rng *r)
{
    float a = 0.10f * nn_rng_normal(r); /* ~6 degrees */
    pose p = {cosf(a), sinf(a), 1.0f + 0.07f * nn_rng_normal(r), 30 * nn_rng_normal(r),
              30 * nn_rng_normal(r)};
    return p;
}

static void stroke(ink_drawing *d, nn_rng *r, const pose *p, const float *xy, int n)
{
    ink_stroke_begin(d);
    for (int i = 0; i + 1 < n; i++) {
        /* subdivide each leg like a mouse would sample it */
        for (int j = 0; j < 8; j++) {
            if (i > 0 && j == 0)
                continue;
            float t = j / 8.0f;
            float x = xy[2 * i] + t * (xy[2 * i + 2] - xy[2 * i]) - 500;
            float y = xy[2 * i + 1] + t * (xy[2 * i + 3] - xy[2 * i + 1]) - 500;
            float X = p->k * (p->c * x - p->s * y) + 500 + p->dx + 6 * nn_rng_normal(r);
            float Y = p->k * (p->s * x + p->c * y) + 500 + p->dy + 6 * nn_rng_normal(r);
            ink_stroke_add(d, X, Y);
        }
    }
    ink_stroke_add(d, p->k * (p->c * (xy[2 * n - 2] - 500) - p->s * (xy[2 * n - 1] - 500)) +
                          500 + p->dx,
                   p->k * (p->s * (xy[2 * n - 2] - 500) + p->c * (xy[2 * n - 1] - 500)) +
                       500 + p->dy);
}

static float jit(nn_rng *r, float v) { return v + 20 * nn_rng_normal(r); }

/* A continental 7: the top bar with a little tick down at its start, the
 * stem, and a crossbar through the middle.  MNIST models read it already;
 * it is here because the crossbar is what tells it from the 1 below, so
 * learning that 1 must not cost this 7. */
static void draw_seven(ink_drawing *d, nn_rng *r)
{
    pose p = random_pose(r);
    float top[] = {jit(r, 260), jit(r, 300), jit(r, 250), jit(r, 180), jit(r, 760),
                   jit(r, 170), jit(r, 430), jit(r, 860)};
    stroke(d, r, &p, top, 4);
    float bar[] = {jit(r, 300), jit(r, 520), jit(r, 760), jit(r, 500)};
    stroke(d, r, &p, bar, 2);
}

/* A continental 1: a long flag up from the left, then the stem, in one
 * stroke.  MNIST models read it as a 7 (or a 4). */
static void draw_one(ink_drawing *d, nn_rng *r)
{
    pose p = random_pose(r);
    float s[] = {jit(r, 220), jit(r, 480), jit(r, 560), jit(r, 140), jit(r, 560),
                 jit(r, 860)};
    stroke(d, r, &p, s, 3);
}

/* A slashed zero, as programmers write it: MNIST models mostly say 8. */
static void draw_zero(ink_drawing *d, nn_rng *r)
{
    pose p = random_pose(r);
    float s[50];
    float rx = jit(r, 230), ry = jit(r, 340);
    for (int i = 0; i <= 24; i++) {
        float t = 6.2832f * (float)i / 24.0f;
        s[2 * i] = 500 + rx * sinf(t);
        s[2 * i + 1] = 500 - ry * cosf(t);
    }
    stroke(d, r, &p, s, 25);
    float slash[] = {jit(r, 720), jit(r, 120), jit(r, 280), jit(r, 880)};
    stroke(d, r, &p, slash, 2);
}

static void draw(ink_drawing *d, nn_rng *r, int digit)
{
    ink_drawing_clear(d);
    if (digit == 7)
        draw_seven(d, r);
    else if (digit == 1)
        draw_one(d, r);
    else
        draw_zero(d, r);
}

/* Fraction of n fresh drawings of `digit` the model reads as that digit,
 * and the mean output for the right class. */
static double style_accuracy(const nn_model *m, int digit, uint64_t seed, double *mean_conf,
                             int *confused_as)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    ink_drawing d;
    ink_drawing_init(&d);
    int right = 0, votes[10] = {0};
    double conf = 0;
    for (int i = 0; i < N_FRESH; i++) {
        float x[INK_INPUT_SIZE], y[10];
        draw(&d, &r, digit);
        if (ink_preprocess(&d, x) != 1 || nn_predict(m, x, y, NULL) != NN_OK)
            continue;
        int best = 0;
        for (int c = 1; c < 10; c++)
            if (y[c] > y[best])
                best = c;
        right += best == digit;
        votes[best]++;
        conf += y[digit];
    }
    ink_drawing_free(&d);
    int top = -1; /* the commonest wrong answer, -1 if none */
    for (int c = 0; c < 10; c++)
        if (c != digit && votes[c] > 0 && (top < 0 || votes[c] > votes[top]))
            top = c;
    if (confused_as)
        *confused_as = top;
    *mean_conf = conf / N_FRESH;
    return (double)right / N_FRESH;
}

/* Median of n values (sorted in place). */
static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static const int digit[N_STYLES] = {1, 7};
static const char *const name[N_STYLES] = {"long-flag 1", "crossed 7"};

/* One user's fine-tune: ten labelled drawings of each style (a different
 * hand for each run) handed to the background trainer with trainer seed
 * `seed`; fills acc[k][run] with the styles read right afterwards and
 * drops[run] with the MNIST test accuracy lost, in points.  0, or -1 when
 * the trainer failed (recorded as a failed check). */
static int finetune(const nn_model *m, const char *dir, uint64_t seed, const nn_dataset *test,
                    const nn_eval *ev0, double acc[N_STYLES][FT_RUNS], double *drops, int run)
{
    char path[512], err[320];
    snprintf(path, sizeof path, "%s/run%d-%s", test_tmpdir(), run, BG_CORRECTIONS_NAME);
    bg_config c;
    bg_config_defaults(&c);
    c.mnist_dir = dir;
    c.user_samples_path = path;
    c.publish_every_s = 0;
    c.train.seed = seed;
    const char *env;
    /* knobs for trying a recipe by hand; the test itself uses the defaults */
    if ((env = getenv("FINETUNE_EPOCHS")))
        c.train.epochs = atoi(env);
    if ((env = getenv("FINETUNE_LR_SCALE")))
        c.finetune_lr_scale = (float)atof(env);
    if ((env = getenv("FINETUNE_FRACTION")))
        c.user_fraction = (float)atof(env);
    if ((env = getenv("FINETUNE_OPT")))
        c.train.optimizer = strcmp(env, "adam") == 0 ? NN_OPT_ADAM
                            : strcmp(env, "sgd") == 0 ? NN_OPT_SGD : NN_OPT_MOMENTUM;
    if ((env = getenv("FINETUNE_LR")))
        c.train.lr = (float)atof(env);
    if ((env = getenv("FINETUNE_AUGMENT")))
        c.train.augment = atoi(env);
    if ((env = getenv("FINETUNE_PER_EPOCH")))
        c.finetune_mnist_per_epoch = (size_t)atol(env);
    bg_trainer *bg = bg_create(&c, err, sizeof err);
    CHECK(bg != NULL);
    if (!bg)
        return -1;
    nn_rng r;
    nn_rng_seed(&r, 77 + 1000 * (uint64_t)run);
    ink_drawing d;
    ink_drawing_init(&d);
    for (int i = 0; i < N_LABELLED; i++)
        for (int k = 0; k < N_STYLES; k++) {
            draw(&d, &r, digit[k]);
            CHECK(bg_add_user_sample(bg, &d, digit[k], err, sizeof err) == i + 1);
        }
    ink_drawing_free(&d);
    double t = now_s();
    CHECK(bg_start(bg, m, 0, err, sizeof err) == 0);
    while (bg_running(bg)) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    double ft = now_s() - t;
    bg_status st;
    bg_status_get(bg, &st);
    unsigned v = 0;
    nn_model *tuned = bg_take_snapshot(bg, &v);
    CHECK(tuned != NULL);
    CHECK(!st.failed);
    printf("run %d (trainer seed %llu): %d epochs of %zu samples on %d thread(s) in %.1f s; %s\n",
           run, (unsigned long long)seed, c.train.epochs, st.epoch_size, c.train.threads, ft,
           st.message);
    bg_free(bg);
    if (!tuned)
        return -1;
    printf("  after:");
    for (int k = 0; k < N_STYLES; k++) {
        double conf;
        int as;
        acc[k][run] = style_accuracy(tuned, digit[k], 2000 + (uint64_t)k, &conf, &as);
        printf(" %s %.0f%% (mean output %.2f);", name[k], 100 * acc[k][run], conf);
    }
    nn_eval ev1;
    nn_error e;
    int ok = nn_evaluate(tuned, test, 0, &ev1, &e) == NN_OK;
    CHECK(ok);
    drops[run] = ok ? 100 * (ev0->accuracy - ev1.accuracy) : 100;
    printf(" MNIST test %.2f%% (%+.2f points); per digit:", 100 * ev1.accuracy, -drops[run]);
    for (int k = 0; k < 10; k++) /* where the forgetting happens, if any */
        printf(" %d:%+d", k, (int)ev1.confusion[k][k] - (int)ev0->confusion[k][k]);
    printf("\n");
    nn_model_free(tuned);
    return ok ? 0 : -1;
}

int main(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_mnist_dir());

    nn_error e;
    nn_dataset train = {0}, test = {0};
    if (nn_mnist_load(&train, dir, NN_MNIST_TRAIN, &e) != NN_OK ||
        nn_mnist_load(&test, dir, NN_MNIST_TEST, &e) != NN_OK) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }

    /* ---- a model trained on MNIST alone (the mlp preset, all cores) */
    nn_arch arch;
    /* the mlp preset (FINETUNE_ARCH: another spec, to try the recipe on it) */
    const char *spec = getenv("FINETUNE_ARCH");
    CHECK(nn_arch_parse(spec ? spec : "flatten,fc256,relu,fc128,relu,fc10,sigmoid", &arch,
                        &e) == NN_OK);
    nn_model *m = nn_model_create(&arch, &e);
    CHECK(m != NULL);
    if (!m)
        return test_finish("test_finetune");
    nn_train_config tc;
    nn_train_config_preset("mlp", &tc, NULL);
    const char *ep_env = getenv("FINETUNE_BASE_EPOCHS");
    tc.epochs = ep_env ? atoi(ep_env) : 3;
    tc.threads = 0;
    tc.seed = 1;
    nn_model_init_params(m, tc.init, tc.seed);
    double t = now_s();
    /* FINETUNE_BASE_CACHE=<file>: reuse a base model between runs while
     * tuning the recipe (trained and saved there when absent). */
    const char *cache = getenv("FINETUNE_BASE_CACHE");
    nn_model *cached = cache ? nn_model_load(cache, NULL) : NULL;
    if (cached) {
        nn_model_free(m);
        m = cached;
    } else {
        nn_trainer *tr = nn_trainer_create(m, &tc, train.n, &e);
        CHECK(tr != NULL);
        for (int ep = 0; tr && ep < tc.epochs; ep++)
            CHECK(nn_train_epoch(tr, &train, ep, NULL, NULL, NULL, &e) == NN_OK);
        nn_trainer_free(tr);
        if (cache)
            CHECK(nn_model_save(m, cache, &e) == NN_OK);
    }
    nn_eval ev0;
    CHECK(nn_evaluate(m, &test, 0, &ev0, &e) == NN_OK);
    printf("base model: %s, %d epochs in %.1f s, MNIST test %.2f%%\n", spec ? spec : "mlp",
           tc.epochs, now_s() - t, 100 * ev0.accuracy);
    CHECK(ev0.accuracy > 0.97);

    /* ---- it misreads the long-flag 1 (and reads the crossed 7) */
    double before[N_STYLES], conf[N_STYLES];
    int as[N_STYLES];
    for (int k = 0; k < N_STYLES; k++) {
        before[k] = style_accuracy(m, digit[k], 1000 + (uint64_t)k, &conf[k], &as[k]);
        printf("before: %s read right %.0f%% (mean output %.2f)", name[k], 100 * before[k],
               conf[k]);
        if (as[k] >= 0)
            printf(", mostly misread as %d", as[k]);
        printf("\n");
    }
    CHECK(before[0] < 0.5);

    /* ---- ten labelled drawings of each, fine-tuned in the background, as
     * FT_RUNS users would (trainer seeds 1..FT_RUNS); medians decide */
    double acc[N_STYLES][FT_RUNS], drops[FT_RUNS];
    int runs = 0;
    const char *env = getenv("FINETUNE_SEED"); /* one run with that seed */
    uint64_t seed0 = env ? (uint64_t)atol(env) : 1;
    int nruns = env ? 1 : FT_RUNS;
    for (int run = 0; run < nruns; run++) {
        if (finetune(m, dir, seed0 + (uint64_t)run, &test, &ev0, acc, drops, run) != 0)
            break;
        runs++;
    }
    CHECK(runs == nruns);
    if (runs == nruns) {
        for (int k = 0; k < N_STYLES; k++) {
            double med = median(acc[k], runs), lo = acc[k][0];
            for (int i = 1; i < runs; i++)
                lo = fmin(lo, acc[k][i]);
            printf("after, %d runs: %s read right: median %.0f%%, lowest %.0f%%\n", runs,
                   name[k], 100 * med, 100 * lo);
            CHECK(med >= (digit[k] == 1 ? 0.75 : 0.90));
            CHECK(lo >= (digit[k] == 1 ? 0.60 : 0.80));
        }
        double med = median(drops, runs), hi = drops[0];
        for (int i = 1; i < runs; i++)
            hi = fmax(hi, drops[i]);
        printf("after, %d runs: MNIST test drop: median %.2f points, largest %.2f\n", runs, med,
               hi);
        CHECK(med <= 0.3);
        CHECK(hi <= 0.5);
    }

    nn_model_free(m);
    nn_dataset_free(&train);
    nn_dataset_free(&test);
    return test_finish("test_finetune");
}
