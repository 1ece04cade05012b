/* test_nn_sparse.c — the trainer's per-sample SGD fast path (a first dense
 * layer kept transposed, only non-zero inputs visited): its kernels against
 * naive references, and whole epochs against the plain per-step path
 * (nn_trainer_step never takes the fast path), the callback contract, and
 * determinism.  On real MNIST (when shared) also the test accuracy. */
#include "kernels.h"
#include "nn.h"
#include "nn_data.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- kernels */

static void test_kernels(void)
{
    nn_rng r;
    nn_rng_seed(&r, 7);
    const size_t ins[] = {784, 13, 1};
    const size_t outs[] = {1, 7, 8, 10, 100, 104, 105, 130, 250};
    for (size_t a = 0; a < sizeof ins / sizeof *ins; a++)
        for (size_t b = 0; b < sizeof outs / sizeof *outs; b++)
            for (int padded = 0; padded < 2; padded++) {
                const size_t in = ins[a], out = outs[b];
                const size_t ld = padded ? (out + 7) / 8 * 8 : out;
                float *x = calloc(in, sizeof *x), *wt = malloc(in * ld * sizeof *wt);
                float *wt2 = malloc(in * ld * sizeof *wt2), *dy = malloc(out * sizeof *dy);
                float *bias = malloc(out * sizeof *bias), *y = malloc(out * sizeof *y);
                float *yr = malloc(out * sizeof *yr), *db = calloc(out, sizeof *db);
                float *dbr = calloc(out, sizeof *dbr);
                size_t *idx = malloc(in * sizeof *idx);
                if (!x || !wt || !wt2 || !dy || !bias || !y || !yr || !db || !dbr || !idx) {
                    CHECK(!"out of memory");
                    return;
                }
                for (size_t j = 0; j < in; j++)
                    if (nn_rng_uniform(&r) < 0.2f)
                        x[j] = nn_rng_uniform(&r) + 0.01f;
                for (size_t i = 0; i < in * ld; i++)
                    wt[i] = wt2[i] = nn_rng_uniform(&r) - 0.5f;
                for (size_t o = 0; o < out; o++) {
                    dy[o] = nn_rng_uniform(&r) - 0.5f;
                    bias[o] = nn_rng_uniform(&r) - 0.5f;
                }
                size_t nnz = nn_nonzero_index(x, in, idx), want = 0;
                int order_ok = 1;
                for (size_t j = 0; j < in; j++)
                    if (x[j] != 0.0f)
                        order_ok &= want < nnz && idx[want++] == j;
                CHECK(nnz == want && order_ok);

                const float *bs[2] = {NULL, bias};
                for (int k = 0; k < 2; k++) {
                    nn_dense_forward_tsparse(x, idx, nnz, wt, ld, bs[k], y, out);
                    nn_dense_forward_t_ref(x, wt, ld, bs[k], yr, in, out);
                    double worst = 0;
                    for (size_t o = 0; o < out; o++)
                        worst = fmax(worst, fabs((double)y[o] - yr[o]));
                    CHECK(worst < 1e-5);
                }
                nn_dense_backward_tsparse(x, idx, nnz, dy, wt, ld, db, out);
                nn_dense_backward_t_ref(x, dy, wt2, ld, dbr, in, out);
                double worst = 0;
                int pad_kept = 1;
                for (size_t j = 0; j < in; j++)
                    for (size_t o = 0; o < ld; o++)
                        worst = fmax(worst, fabs((double)wt[j * ld + o] - wt2[j * ld + o]));
                for (size_t o = 0; o < out; o++)
                    worst = fmax(worst, fabs((double)db[o] - dbr[o]));
                /* Columns beyond out are the ref's untouched ones: equal bits. */
                for (size_t j = 0; j < in; j++)
                    for (size_t o = out; o < ld; o++)
                        pad_kept &= wt[j * ld + o] == wt2[j * ld + o];
                CHECK(worst < 1e-6);
                CHECK(pad_kept);
                free(x), free(wt), free(wt2), free(dy), free(bias), free(y), free(yr);
                free(db), free(dbr), free(idx);
            }
    /* Transposing there and back gives the same bits. */
    float src[5 * 37], t[37 * 8], back[5 * 37];
    for (size_t i = 0; i < 5 * 37; i++)
        src[i] = (float)i * 0.25f - 3.0f;
    nn_transpose(src, 37, t, 8, 5, 37);
    nn_transpose(t, 8, back, 37, 37, 5);
    CHECK(memcmp(src, back, sizeof src) == 0);
    CHECK(t[3 * 8 + 2] == src[2 * 37 + 3]);
}

/* --------------------------------------------------------------- training */

/* n 28×28 digit-like images: a ring of ink whose place depends on the label,
 * ~20% of the pixels non-zero. */
static void make_data(nn_dataset *ds, size_t n)
{
    nn_error err;
    CHECK(nn_dataset_alloc(ds, n, 28, 28, &err) == NN_OK);
    nn_rng r;
    nn_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) {
        uint8_t lab = (uint8_t)nn_rng_below(&r, 10);
        double cx = 9 + lab % 5 * 2.5 + nn_rng_uniform(&r), cy = 9 + lab / 5 * 8.0;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                double d = hypot(x - cx, y - cy);
                ds->images[i * 784 + (size_t)(y * 28 + x)] =
                    d > 3 && d < 6.5 ? (uint8_t)(128 + nn_rng_below(&r, 128)) : 0;
            }
        ds->labels[i] = lab;
    }
}

typedef struct cb_state {
    size_t calls, last_done, stop_at;
    int in_order; /* done grows by 1..1024 from one call to the next */
    nn_model *m;
    float *seen; /* params as the callback saw them when it stopped */
} cb_state;

static int on_progress(const nn_progress *p, void *user)
{
    cb_state *s = user;
    s->in_order &= p->done > s->last_done && p->done - s->last_done <= 1024;
    s->last_done = p->done;
    s->calls++;
    if (s->stop_at && p->done >= s->stop_at) {
        memcpy(s->seen, nn_model_params_const(s->m),
               nn_model_param_count(s->m) * sizeof *s->seen);
        return 1;
    }
    return 0;
}

static nn_model *model_for(const char *spec, const nn_train_config *cfg)
{
    nn_arch a;
    nn_error err;
    CHECK(nn_arch_parse(spec, &a, &err) == NN_OK);
    nn_model *m = nn_model_create(&a, &err);
    CHECK(m != NULL);
    if (m)
        nn_model_init_params(m, cfg->init, cfg->seed);
    return m;
}

/* Trains `steps` samples of ds one nn_trainer_step at a time (the plain path). */
static void train_by_steps(nn_model *m, const nn_train_config *cfg, const nn_dataset *ds,
                           size_t steps)
{
    nn_error err;
    nn_trainer *t = nn_trainer_create(m, cfg, ds->n, &err);
    CHECK(t != NULL);
    float x[784];
    for (size_t i = 0; t && i < steps; i++) {
        nn_dataset_image_f32(ds, i, x);
        if (nn_trainer_step(t, x, &ds->labels[i], 1, NULL, &err) != NN_OK) {
            CHECK(!"step failed");
            break;
        }
    }
    nn_trainer_free(t);
}

static double max_diff(const nn_model *a, const nn_model *b)
{
    const float *p = nn_model_params_const(a), *q = nn_model_params_const(b);
    double worst = 0;
    for (size_t i = 0; i < nn_model_param_count(a); i++)
        worst = fmax(worst, fabs((double)p[i] - q[i]));
    return worst;
}

/* nn_train_epoch (fast path) against nn_trainer_step (plain path). */
static void compare_paths(const char *spec, const nn_train_config *cfg, const nn_dataset *ds)
{
    nn_model *fast = model_for(spec, cfg), *plain = model_for(spec, cfg);
    if (!fast || !plain)
        return;
    nn_error err;
    nn_trainer *t = nn_trainer_create(fast, cfg, ds->n, &err);
    cb_state s = {0, 0, 0, 1, fast, NULL};
    CHECK(t && nn_train_epoch(t, ds, 0, on_progress, &s, NULL, &err) == NN_OK);
    /* Blocks of up to 1024 steps (fewer when slow, as under sanitizers),
     * and one after the last. */
    CHECK(s.calls >= (ds->n + 1023) / 1024 && s.last_done == ds->n && s.in_order);
    nn_trainer_free(t);
    train_by_steps(plain, cfg, ds, ds->n);
    double d = max_diff(fast, plain);
    printf("%s: max |fast - plain| after %zu steps: %.3g\n", spec, ds->n, d);
    CHECK(d < 1e-4);
    CHECK(d > 0 || ds->n < 10); /* the paths are really different code */
    nn_model_free(fast);
    nn_model_free(plain);
}

static void test_training(void)
{
    nn_dataset ds;
    make_data(&ds, 2000);
    nn_error err;
    nn_train_config cfg;
    CHECK(nn_train_config_preset("seed", &cfg, &err) == NN_OK);
    compare_paths("seed", &cfg, &ds);

    /* Bias, ReLU, BCE and an output width that is not a multiple of 8. */
    nn_train_config c2;
    CHECK(nn_train_config_preset("mlp", &c2, &err) == NN_OK);
    c2.optimizer = NN_OPT_SGD, c2.weight_decay = 0, c2.batch = 1, c2.lr = 0.01f;
    c2.shuffle = 0, c2.schedule = NN_SCHED_COSINE;
    compare_paths("fc20,relu,fc10,sigmoid", &c2, &ds);

    /* Stopping in a callback: the model it saw is the model left behind, and
     * it is the plain path's after the same number of steps. */
    nn_model *a = model_for("seed", &cfg), *b = model_for("seed", &cfg);
    if (a && b) {
        nn_trainer *t = nn_trainer_create(a, &cfg, ds.n, &err);
        cb_state s = {0, 0, 1000, 1, a, malloc(nn_model_param_count(a) * sizeof(float))};
        CHECK(s.seen != NULL);
        CHECK(t && s.seen && nn_train_epoch(t, &ds, 0, on_progress, &s, NULL, &err) ==
                                 NN_ESTOPPED);
        CHECK(s.calls >= 1 && s.last_done >= 1000 && s.last_done < 1000 + 1024);
        if (s.seen)
            CHECK(memcmp(s.seen, nn_model_params_const(a),
                         nn_model_param_count(a) * sizeof(float)) == 0);
        train_by_steps(b, &cfg, &ds, s.last_done);
        CHECK(max_diff(a, b) < 1e-4);
        free(s.seen);
        nn_trainer_free(t);
    }
    nn_model_free(a);
    nn_model_free(b);

    /* Determinism: the same seed gives the same bytes, whatever the thread
     * count, with or without a callback. */
    nn_model *m[3] = {model_for("seed", &cfg), model_for("seed", &cfg), model_for("seed", &cfg)};
    for (int i = 0; i < 3 && m[0] && m[1] && m[2]; i++) {
        nn_train_config ci = cfg;
        ci.threads = i == 2 ? 2 : 1;
        nn_trainer *t = nn_trainer_create(m[i], &ci, ds.n, &err);
        cb_state s = {0, 0, 0, 1, m[i], NULL};
        CHECK(t && nn_train_epoch(t, &ds, 0, i == 1 ? on_progress : NULL, &s, NULL, &err) ==
                       NN_OK);
        nn_trainer_free(t);
    }
    if (m[0] && m[1] && m[2]) {
        const size_t bytes = nn_model_param_count(m[0]) * sizeof(float);
        CHECK(memcmp(nn_model_params_const(m[0]), nn_model_params_const(m[1]), bytes) == 0);
        CHECK(memcmp(nn_model_params_const(m[0]), nn_model_params_const(m[2]), bytes) == 0);
    }
    for (int i = 0; i < 3; i++)
        nn_model_free(m[i]);
    nn_dataset_free(&ds);
}

/* Full seed epoch on real MNIST both ways: the same test accuracy within 0.1
 * points. */
static void test_mnist(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_mnist_dir());
    nn_dataset train, test;
    nn_error err;
    if (nn_mnist_load(&train, dir, NN_MNIST_TRAIN, &err) != NN_OK ||
        nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        CHECK(!"MNIST load failed");
        return;
    }
    nn_train_config cfg;
    CHECK(nn_train_config_preset("seed", &cfg, &err) == NN_OK);
    nn_model *fast = model_for("seed", &cfg), *plain = model_for("seed", &cfg);
    if (fast && plain) {
        nn_trainer *t = nn_trainer_create(fast, &cfg, train.n, &err);
        CHECK(t && nn_train_epoch(t, &train, 0, NULL, NULL, NULL, &err) == NN_OK);
        nn_trainer_free(t);
        train_by_steps(plain, &cfg, &train, train.n);
        nn_eval ef, ep;
        CHECK(nn_evaluate(fast, &test, 0, &ef, &err) == NN_OK);
        CHECK(nn_evaluate(plain, &test, 0, &ep, &err) == NN_OK);
        printf("seed on MNIST: fast %.2f%%, plain %.2f%%, max param diff %.3g\n",
               100 * ef.accuracy, 100 * ep.accuracy, max_diff(fast, plain));
        CHECK(fabs(ef.accuracy - ep.accuracy) <= 0.001 + 1e-9);
        CHECK(ef.accuracy > 0.91 && ef.accuracy < 0.95);
    }
    nn_model_free(fast);
    nn_model_free(plain);
    nn_dataset_free(&train);
    nn_dataset_free(&test);
}

int main(void)
{
    test_kernels();
    test_training();
    test_mnist();
    return test_finish("test_nn_sparse");
}
