/* bench_nn.c — digitpad's side of the speed benchmark (issue 5): training
 * samples/s of the seed, mlp and cnn presets with 1 and 2 threads, single-
 * sample inference latency, optionally a full MNIST epoch, and peak memory.
 * Prints lines in the format bench/torch_bench.py uses, prefixed "digitpad":
 *     digitpad train <preset> threads=<T> sps=<samples/s>
 *     digitpad infer <preset> median_ms=<m> p99_ms=<p>
 *     digitpad epoch <preset> threads=<T> seconds=<s>
 *     digitpad peak_rss_mb=<MB>
 * usage: bench_nn [--data DIR] [--repeats N] [--presets seed,mlp,cnn]
 *                 [--threads 1,2] [--epoch]
 * With --data (or DIGITPAD_DATA) pointing at MNIST the inputs are real
 * digits; otherwise synthetic sparse images (the seed's kernels skip zero
 * pixels, so all-random inputs would understate its speed). */
#define _POSIX_C_SOURCE 200809L
#include "nn.h"
#include "nn_data.h"

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

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
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

/* Samples per second training `preset` on the first `n` samples of ds. */
static double train_sps(const char *preset, const nn_dataset *ds, size_t n, int threads,
                        int repeats)
{
    nn_train_config cfg;
    nn_model *m = make_model(preset, &cfg);
    cfg.threads = threads;
    nn_dataset part = *ds;
    part.n = n < ds->n ? n : ds->n;
    nn_error err;
    nn_trainer *t = nn_trainer_create(m, &cfg, part.n, &err);
    if (!t) {
        fprintf(stderr, "bench_nn: %s\n", err.msg);
        exit(1);
    }
    double *v = malloc((size_t)repeats * sizeof *v);
    if (!v)
        exit(1);
    /* One warm-up pass: page faults, OpenMP thread start, caches. */
    nn_dataset warm = part;
    warm.n = part.n / 10 ? part.n / 10 : 1;
    nn_train_epoch(t, &warm, 0, NULL, NULL, NULL, &err);
    for (int r = 0; r < repeats; r++) {
        double t0 = now_s();
        if (nn_train_epoch(t, &part, r + 1, NULL, NULL, NULL, &err) != NN_OK) {
            fprintf(stderr, "bench_nn: %s\n", err.msg);
            exit(1);
        }
        v[r] = (double)part.n / (now_s() - t0);
    }
    double med = median(v, (size_t)repeats);
    free(v);
    nn_trainer_free(t);
    nn_model_free(m);
    return med;
}

static void infer_latency(const char *preset, const nn_dataset *ds, int runs, double *med,
                          double *p99)
{
    nn_train_config cfg;
    nn_model *m = make_model(preset, &cfg);
    nn_error err;
    nn_workspace *ws = nn_workspace_create(m, 1, &err);
    double *v = malloc((size_t)runs * sizeof *v);
    if (!ws || !v)
        exit(1);
    float x[784], y[10];
    for (int i = 0; i < 50 + runs; i++) {
        nn_dataset_image_f32(ds, (size_t)i % ds->n, x);
        double t0 = now_s();
        nn_forward(m, ws, x, 1, y, &err);
        if (i >= 50)
            v[i - 50] = (now_s() - t0) * 1e3;
    }
    qsort(v, (size_t)runs, sizeof *v, cmp_double);
    *med = v[runs / 2];
    *p99 = v[(size_t)(0.99 * (runs - 1))];
    free(v);
    nn_workspace_free(ws);
    nn_model_free(m);
}

int main(int argc, char **argv)
{
    const char *data = NULL, *presets = "seed,mlp,cnn", *threads_list = "1,2";
    int repeats = 3, epoch = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (strcmp(argv[i], "--presets") == 0 && i + 1 < argc)
            presets = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads_list = argv[++i];
        else if (strcmp(argv[i], "--epoch") == 0)
            epoch = 1;
        else {
            fprintf(stderr, "usage: bench_nn [--data DIR] [--repeats N] [--presets seed,mlp,cnn] "
                            "[--threads 1,2] [--epoch]\n");
            return 2;
        }
    }
    if (repeats < 1)
        repeats = 1;
    nn_dataset ds;
    nn_error err;
    int real = nn_mnist_load(&ds, nn_mnist_default_dir(data), NN_MNIST_TRAIN, &err) == NN_OK;
    if (!real)
        synthetic(&ds, 60000);
    printf("digitpad inputs=%s\n", real ? "mnist" : "synthetic");

    char plist[256];
    snprintf(plist, sizeof plist, "%s", presets);
    for (char *save = NULL, *p = strtok_r(plist, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        /* Enough samples for a stable rate without taking minutes. */
        size_t n = strcmp(p, "seed") == 0 ? 60000 : strcmp(p, "mlp") == 0 ? 64 * 200 : 64 * 40;
        char tlist[64];
        snprintf(tlist, sizeof tlist, "%s", threads_list);
        for (char *s2 = NULL, *t = strtok_r(tlist, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
            int th = atoi(t);
            printf("digitpad train %s threads=%d sps=%.0f\n", p, th,
                   train_sps(p, &ds, n, th, repeats));
            fflush(stdout);
        }
        double med, p99;
        infer_latency(p, &ds, 2000, &med, &p99);
        printf("digitpad infer %s median_ms=%.4f p99_ms=%.4f\n", p, med, p99);
        if (epoch && real) {
            nn_train_config cfg;
            nn_model *m = make_model(p, &cfg);
            cfg.threads = 2;
            nn_trainer *tr = nn_trainer_create(m, &cfg, ds.n, &err);
            double t0 = now_s();
            if (!tr || nn_train_epoch(tr, &ds, 0, NULL, NULL, NULL, &err) != NN_OK)
                fprintf(stderr, "bench_nn: %s\n", err.msg);
            printf("digitpad epoch %s threads=2 seconds=%.2f\n", p, now_s() - t0);
            nn_trainer_free(tr);
            nn_model_free(m);
        }
        fflush(stdout);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("digitpad peak_rss_mb=%.1f\n", (double)ru.ru_maxrss / 1024.0);
    nn_dataset_free(&ds);
    return 0;
}
