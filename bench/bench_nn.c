/* bench_nn.c — digitpad's side of the speed benchmark (issue 5): training
 * samples/s of the seed, mlp and cnn presets with 1 and 2 threads, single-
 * sample inference latency, one full MNIST epoch per preset, and peak memory.
 * Prints lines in the format bench/torch_bench.py uses, prefixed "digitpad",
 * which bench/run.sh collects (K: the kernel path, nn_kernels_name):
 *     digitpad train <preset> kernels=<K> threads=<T> sps=<samples/s> images=<distinct>
 *     digitpad infer <preset> kernels=<K> median_ms=<m> p99_ms=<p>
 *     digitpad infer-model <file> kernels=<K> median_ms=<m> p99_ms=<p>  (--model)
 *     digitpad infer-drawing <file> kernels=<K> drawings=<n> median_ms=<m> p99_ms=<p>
 *                                          (--model with --strokes)
 *     digitpad epoch <preset> kernels=<K> threads=2 seconds=<s> extrapolated=<0|1>
 *     digitpad peak_rss_mb=<MB>
 *     digitpad gemm kernels=<K> shape=<ta><tb>:MxNxK gflops=<G>   (--gemm only)
 * usage: bench_nn [--data DIR] [--seconds S] [--runs N] [--presets seed,mlp,cnn]
 *                 [--threads 1,2] [--epoch] [--epoch-seconds S] [--cnn-images N]
 *                 [--model FILE]  also the latency of a saved model (the
 *                                 window's one-drawing prediction)
 *                 [--strokes FILE] with --model: the same, starting from
 *                                 each pen drawing of FILE, preprocessing
 *                                 included (ink_preprocess, as the window
 *                                 runs it on every stroke change)
 *        bench_nn --gemm    the matrix products of a cnn training step alone,
 *                           best of 200 calls each (robust to a busy machine)
 * Training is real training: whole passes of nn_train_epoch over distinct
 * images (the seed and mlp: all 60,000, one epoch; cnn: 12,800, or --cnn-
 * images N) after a warm-up pass over a tenth of them, repeated until at
 * least S seconds (default 3) have passed; samples done / time taken.  Inference:
 * 50 warm-up runs, then N (default 2000) single-sample forward passes, each
 * timed.  --epoch times one real epoch over the 60,000 MNIST images for seed
 * and mlp; cnn's is extrapolated from its 2-thread training rate, and says
 * so.  With --data (or DIGITPAD_DATA) pointing at MNIST
 * the inputs are real digits; otherwise synthetic sparse images (the seed's
 * kernels skip zero pixels, so all-random inputs would understate its speed). */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "kernels.h"
#include "nn.h"
#include "nn_data.h"
#include "nn_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* 28×28 images with a blob of ink in the middle, ~20% non-zero like MNIST. */
static void synthetic(nn_dataset *ds, size_t n)
{
    nn_error err;
    if (nn_dataset_alloc(ds, n, 28, 28, &err) != NN_OK) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (size_t i = 0; i < n; i++) {
        uint8_t *img = ds->images + i * 784;
        for (int y = 4; y < 24; y++)
            for (int x = 6; x < 22; x++)
                if (nn_rng_uniform(&r) < 0.5f)
                    img[y * 28 + x] = (uint8_t)nn_rng_below(&r, 256);
        ds->labels[i] = (uint8_t)nn_rng_below(&r, 10);
    }
}

static nn_model *make_model(const char *preset, nn_train_config *cfg)
{
    nn_error err;
    nn_arch a;
    if (nn_arch_parse(preset, &a, &err) != NN_OK ||
        nn_train_config_preset(preset, cfg, &err) != NN_OK) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    nn_model *m = nn_model_create(&a, &err);
    if (!m) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    nn_model_init_params(m, cfg->init, 1);
    return m;
}

/* Samples per second training `preset` with `threads` threads: whole passes
 * over `chunk` samples of ds until at least `seconds` have passed, after a
 * warm-up pass (page faults, OpenMP thread start, caches). */
static double train_sps(const char *preset, const nn_dataset *ds, size_t chunk, int threads,
                        double seconds)
{
    nn_train_config cfg;
    nn_model *m = make_model(preset, &cfg);
    cfg.threads = threads;
    nn_dataset part = *ds;
    part.n = chunk < ds->n ? chunk : ds->n;
    nn_error err;
    nn_trainer *t = nn_trainer_create(m, &cfg, part.n, &err);
    if (!t) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    nn_dataset warm = part;
    warm.n = part.n / 10 ? part.n / 10 : 1;
    nn_train_epoch(t, &warm, 0, NULL, NULL, NULL, &err);
    size_t done = 0;
    double t0 = now_s(), el = 0;
    for (int e = 1; el < seconds; e++) {
        if (nn_train_epoch(t, &part, e, NULL, NULL, NULL, &err) != NN_OK) {
            fprintf(stderr, "bench_nn: %s\n", err.msg);
            exit(1);
        }
        done += part.n;
        el = now_s() - t0;
    }
    nn_trainer_free(t);
    nn_model_free(m);
    return (double)done / el;
}

/* Seconds of one epoch over all of ds with 2 threads, as `digitpad --train`
 * runs it (a fresh model, the preset's recipe). */
static double epoch_seconds(const char *preset, const nn_dataset *ds)
{
    nn_train_config cfg;
    nn_model *m = make_model(preset, &cfg);
    cfg.threads = 2;
    nn_error err;
    nn_trainer *tr = nn_trainer_create(m, &cfg, ds->n, &err);
    double t0 = now_s();
    if (!tr || nn_train_epoch(tr, ds, 0, NULL, NULL, NULL, &err) != NN_OK) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    double s = now_s() - t0;
    nn_trainer_free(tr);
    nn_model_free(m);
    return s;
}

/* Median and 99th percentile of one prediction's time over `runs` (after
 * 50 warm-up runs): the forward pass of MNIST image i of ds, or, with
 * drawings (n_drawings of them), drawing i rendered and normalised first
 * (ink_preprocess), as the window runs it on every stroke change. */
static void time_predictions(const nn_model *m, const nn_dataset *ds, const ink_sample *drawings,
                             size_t n_drawings, int runs, double *med, double *p99)
{
    nn_error err;
    nn_workspace *ws = nn_workspace_create(m, 1, &err);
    double *v = malloc((size_t)runs * sizeof *v);
    if (!ws || !v)
        exit(1);
    float x[INK_INPUT_SIZE], y[10];
    for (int i = 0; i < 50 + runs; i++) {
        if (!drawings)
            nn_dataset_image_f32(ds, (size_t)i % ds->n, x);
        double t0 = now_s();
        if (drawings && ink_preprocess(&drawings[(size_t)i % n_drawings].drawing, x) != 0)
            memset(x, 0, sizeof x);
        nn_forward(m, ws, x, 1, y, &err);
        if (i >= 50)
            v[i - 50] = (now_s() - t0) * 1e3;
    }
    qsort(v, (size_t)runs, sizeof *v, cmp_double);
    *med = v[runs / 2];
    *p99 = v[(size_t)(0.99 * (runs - 1))];
    free(v);
    nn_workspace_free(ws);
}

static void infer_latency_of(const nn_model *m, const nn_dataset *ds, int runs, double *med,
                             double *p99)
{
    time_predictions(m, ds, NULL, 0, runs, med, p99);
}

/* The window's whole prediction of one drawing, over every drawing of the
 * strokes file in turn. */
static int drawing_latency(const nn_model *m, const char *strokes, int runs, size_t *n_drawings,
                           double *med, double *p99)
{
    char msg[256];
    ink_sample *s = NULL;
    size_t n = 0;
    if (ink_read_file(strokes, &s, &n, msg, sizeof msg) != 0 || n == 0) {
        fprintf(stderr, "bench_nn: %s\n", n == 0 && !s ? msg : "no drawings");
        ink_samples_free(s, n);
        return -1;
    }
    time_predictions(m, NULL, s, n, runs, med, p99);
    *n_drawings = n;
    ink_samples_free(s, n);
    return 0;
}

static void infer_latency(const char *preset, const nn_dataset *ds, int runs, double *med,
                          double *p99)
{
    nn_train_config cfg;
    nn_model *m = make_model(preset, &cfg);
    infer_latency_of(m, ds, runs, med, p99);
    nn_model_free(m);
}

/* GFLOP/s of nn_gemm on the shapes a cnn training step of 32 samples per
 * thread uses (conv2 forward, weight and input gradients; conv1 forward
 * and weight gradient; fc1 forward, input and weight gradients), each the
 * best of 200 calls: the fastest run is the one another process did not
 * interrupt. */
static void gemm_rates(void)
{
    static const size_t shapes[][5] = {{0, 0, 64, 196, 800}, {0, 1, 64, 800, 196},
                                       {1, 0, 800, 196, 64}, {0, 0, 32, 784, 25},
                                       {0, 1, 32, 25, 784},  {0, 1, 32, 128, 3136},
                                       {0, 0, 32, 3136, 128}, {1, 0, 128, 3136, 32}};
    const size_t cap = 800 * 3136;
    float *A = malloc(cap * sizeof *A), *B = malloc(cap * sizeof *B), *C = malloc(cap * sizeof *C);
    if (!A || !B || !C)
        exit(1);
    for (size_t i = 0; i < cap; i++)
        A[i] = (float)(i % 7) * 0.1f, B[i] = (float)(i % 5) * 0.1f, C[i] = 0.0f;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int ta = (int)shapes[s][0], tb = (int)shapes[s][1];
        const size_t M = shapes[s][2], N = shapes[s][3], K = shapes[s][4];
        double best = 1e9;
        for (int r = 0; r < 200; r++) {
            double t0 = now_s();
            nn_gemm(ta, tb, M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, 1.0f, C, N);
            double t = now_s() - t0;
            best = t < best ? t : best;
        }
        printf("digitpad gemm kernels=%s shape=%s%s:%zux%zux%zu gflops=%.1f\n", nn_kernels_name(),
               ta ? "T" : "N", tb ? "T" : "N", M, N, K, 2e-9 * (double)(M * N * K) / best);
    }
    free(A), free(B), free(C);
}

int main(int argc, char **argv)
{
    const char *data = NULL, *presets = "seed,mlp,cnn", *threads_list = "1,2", *model = NULL;
    const char *strokes = NULL;
    double seconds = 3.0, epoch_window = 10.0;
    int runs = 2000, epoch = 0;
    size_t cnn_images = 12800;
    int gemm = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--presets") == 0 && i + 1 < argc)
            presets = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads_list = argv[++i];
        else if (strcmp(argv[i], "--epoch") == 0)
            epoch = 1;
        else if (strcmp(argv[i], "--epoch-seconds") == 0 && i + 1 < argc)
            epoch_window = atof(argv[++i]);
        else if (strcmp(argv[i], "--cnn-images") == 0 && i + 1 < argc)
            cnn_images = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--gemm") == 0)
            gemm = 1;
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model = argv[++i];
        else if (strcmp(argv[i], "--strokes") == 0 && i + 1 < argc)
            strokes = argv[++i];
        else {
            fprintf(stderr, "usage: bench_nn [--data DIR] [--seconds S] [--runs N] "
                            "[--presets seed,mlp,cnn] [--threads 1,2] [--epoch] "
                            "[--epoch-seconds S] [--cnn-images N] [--model FILE [--strokes FILE]] "
                            "| --gemm\n");
            return 2;
        }
    }
    if (!(seconds > 0))
        seconds = 0.1;
    if (runs < 100)
        runs = 100;
    nn_error kerr0;
    if (gemm) {
        if (nn_kernels_init(&kerr0) != NN_OK) {
            fprintf(stderr, "bench_nn: %s\n", kerr0.msg);
            return 2;
        }
        gemm_rates();
        return 0;
    }
    nn_dataset ds;
    nn_error err;
    int real = nn_mnist_load(&ds, nn_mnist_default_dir(data), NN_MNIST_TRAIN, &err) == NN_OK;
    if (!real) {
        /* Loudly: the seed's and the sparse convolutions' speed depends on
         * the digits' ink, so these numbers are not the real ones. */
        fprintf(stderr, "bench_nn: WARNING: no MNIST (%s): timing SYNTHETIC inputs, "
                        "not comparable with real training; pass --data DIR\n", err.msg);
        synthetic(&ds, 60000);
    }
    if (cnn_images < 64)
        cnn_images = 64;
    nn_error kerr;
    if (nn_kernels_init(&kerr) != NN_OK) {
        fprintf(stderr, "bench_nn: %s\n", kerr.msg);
        return 2;
    }
    printf("digitpad inputs=%s kernels=%s\n", real ? "mnist" : "synthetic", nn_kernels_name());

    if (model) {
        nn_model *m = nn_model_load(model, &err);
        if (!m) {
            fprintf(stderr, "bench_nn: %s\n", err.msg);
            return 2;
        }
        double med, p99;
        infer_latency_of(m, &ds, runs, &med, &p99);
        printf("digitpad infer-model %s kernels=%s median_ms=%.4f p99_ms=%.4f\n", model,
               nn_kernels_name(), med, p99);
        size_t nd = 0;
        if (strokes) {
            if (drawing_latency(m, strokes, runs, &nd, &med, &p99) != 0) {
                nn_model_free(m);
                return 2;
            }
            printf("digitpad infer-drawing %s kernels=%s drawings=%zu median_ms=%.4f p99_ms=%.4f\n",
                   model, nn_kernels_name(), nd, med, p99);
        }
        nn_model_free(m);
        if (!presets[0])
            return 0;
    }
    char plist[256];
    snprintf(plist, sizeof plist, "%s", presets);
    for (char *save = NULL, *p = strtok_r(plist, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        /* Samples per pass: the seed's whole epoch (its speed depends on the
         * digits' ink), a few steps' worth for the others. */
        size_t chunk = strcmp(p, "cnn") == 0 ? cnn_images : ds.n;
        if (chunk > ds.n)
            chunk = ds.n;
        double sps2 = 0.0;
        char tlist[64];
        snprintf(tlist, sizeof tlist, "%s", threads_list);
        for (char *s2 = NULL, *t = strtok_r(tlist, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
            int th = atoi(t);
            double sps = train_sps(p, &ds, chunk, th, seconds);
            if (th == 2)
                sps2 = sps;
            printf("digitpad train %s kernels=%s threads=%d sps=%.1f images=%zu\n", p,
                   nn_kernels_name(), th, sps, chunk);
            fflush(stdout);
        }
        double med, p99;
        infer_latency(p, &ds, runs, &med, &p99);
        printf("digitpad infer %s kernels=%s median_ms=%.4f p99_ms=%.4f\n", p,
               nn_kernels_name(), med, p99);
        if (epoch && real) {
            if (strcmp(p, "cnn") == 0) {
                double sps = sps2 > 0 ? sps2 : train_sps(p, &ds, cnn_images, 2, epoch_window);
                printf("digitpad epoch %s kernels=%s threads=2 seconds=%.2f extrapolated=1\n",
                       p, nn_kernels_name(), (double)ds.n / sps);
            } else {
                printf("digitpad epoch %s kernels=%s threads=2 seconds=%.3f extrapolated=0\n",
                       p, nn_kernels_name(), epoch_seconds(p, &ds));
            }
        }
        fflush(stdout);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("digitpad peak_rss_mb=%.1f\n", (double)ru.ru_maxrss / 1024.0);
    nn_dataset_free(&ds);
    return 0;
}
