/* calibrate.c — the unsure threshold, chosen from data (see calibrate.h).
 * Scribbles stand in for what a person draws that is not a digit; they are
 * made from strokes, so they pass through the same rendering, cropping and
 * centring as real drawings and look to the network as such input would. */
#include "calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mix64.h"
#include "modelcard.h"
#include "ink.h"
#include "synth.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static float urange(nn_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * nn_rng_uniform(r);
}

static int add_point(ink_drawing *d, float x, float y)
{
    x = x < 0.0f ? 0.0f : x > INK_BOX - 1.0f ? INK_BOX - 1.0f : x;
    y = y < 0.0f ? 0.0f : y > INK_BOX - 1.0f ? INK_BOX - 1.0f : y;
    return ink_stroke_add(d, x, y);
}

/* One scribble of kind k into d (empty on entry).  Returns 0 or -1. */
static int scribble(ink_drawing *d, int kind, nn_rng *r)
{
    const float B = INK_BOX;
    float cx = urange(r, 0.3f, 0.7f) * B, cy = urange(r, 0.3f, 0.7f) * B;
    float span = urange(r, 0.15f, 0.45f) * B;
    int rc = 0;
    switch (kind) {
    case 0: /* a dot or a tick: almost nothing on the canvas */
        rc |= ink_stroke_begin(d);
        for (int i = 0, n = 1 + (int)nn_rng_below(r, 3); i < n; i++)
            rc |= add_point(d, cx + urange(r, -8.0f, 8.0f), cy + urange(r, -8.0f, 8.0f));
        break;
    case 1: /* a zigzag back and forth across a box */
        rc |= ink_stroke_begin(d);
        for (int i = 0, n = 6 + (int)nn_rng_below(r, 20); i < n; i++)
            rc |= add_point(d, cx + urange(r, -1.0f, 1.0f) * span,
                            cy + urange(r, -1.0f, 1.0f) * span);
        break;
    case 2: /* hatching: several straight strokes */
        for (int s = 0, n = 3 + (int)nn_rng_below(r, 6); s < n; s++) {
            rc |= ink_stroke_begin(d);
            float a = urange(r, 0.0f, 6.2831853f);
            float x = cx + urange(r, -1.0f, 1.0f) * span, y = cy + urange(r, -1.0f, 1.0f) * span;
            float l = urange(r, 0.3f, 1.0f) * span;
            rc |= add_point(d, x, y);
            rc |= add_point(d, x + l * cosf(a), y + l * sinf(a));
        }
        break;
    case 3: { /* a tangle: a long random walk that keeps turning */
        rc |= ink_stroke_begin(d);
        float x = cx, y = cy, a = urange(r, 0.0f, 6.2831853f);
        float step = span * 0.12f;
        for (int i = 0, n = 30 + (int)nn_rng_below(r, 60); i < n; i++) {
            a += urange(r, -1.2f, 1.2f);
            x += step * cosf(a);
            y += step * sinf(a);
            /* pulled back towards the centre so it stays a tangle */
            x += 0.08f * (cx - x);
            y += 0.08f * (cy - y);
            rc |= add_point(d, x, y);
        }
        break;
    }
    default: { /* a blob: a circle gone over many times, shifting */
        rc |= ink_stroke_begin(d);
        float rad = span * urange(r, 0.3f, 0.8f);
        int turns = 3 + (int)nn_rng_below(r, 6);
        for (int i = 0; i <= turns * 24; i++) {
            float a = 6.2831853f * (float)i / 24.0f;
            float rr = rad * urange(r, 0.2f, 1.0f);
            rc |= add_point(d, cx + rr * cosf(a), cy + rr * sinf(a));
        }
        break;
    }
    }
    return rc ? -1 : 0;
}

int dp_make_scribbles(size_t n, uint64_t seed, float *out)
{
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) reduction(| : failed)
#endif
    for (long i = 0; i < (long)n; i++) {
        /* One stream per scribble, so the result does not depend on how
         * the loop is split between threads. */
        nn_rng r;
        nn_rng_seed(&r, seed * MIX64_GOLDEN + (uint64_t)i);
        ink_drawing d;
        ink_drawing_init(&d);
        int kind = (int)nn_rng_below(&r, 5);
        if (scribble(&d, kind, &r) != 0 || ink_preprocess(&d, out + (size_t)i * INK_INPUT_SIZE) < 0)
            failed |= 1;
        ink_drawing_free(&d);
    }
    return failed ? -1 : 0;
}

/* Batches as nn_evaluate makes them (train.c): the same threads, ranges and
 * batch size give bit-identical outputs, so the accuracy this pass reports
 * is the one `--eval` reports. */
#define CALIB_BATCH 128

/* Where the inputs of one pass come from: test images (converted per
 * batch) or ready-made floats. */
typedef struct calib_src {
    const nn_dataset *ds;
    const float *x;
    int redraw; /* ds's images redrawn with the pen (dp_synth_redraw_image) */
} calib_src;

static int calib_parts(int threads, size_t n)
{
    int parts = 1;
#ifdef _OPENMP
    parts = threads > 0 ? threads : omp_get_num_procs();
    parts = parts < 1 ? 1 : parts > 256 ? 256 : parts;
#else
    (void)threads;
#endif
    if ((size_t)parts > n)
        parts = n ? (int)n : 1;
    return parts;
}

void dp_calibrate_start_threads(int threads)
{
#ifdef _OPENMP
    const int parts = calib_parts(threads, (size_t)-1);
    int started = 0;
#pragma omp parallel num_threads(parts) reduction(+ : started)
    started += 1;
    (void)started;
#else
    (void)threads;
#endif
}

/* Top output and argmax (if pred) of m on the n inputs of src, split into
 * `threads` contiguous ranges run in parallel, each in batches. */
static nn_status top_outputs(const nn_model *m, int threads, const calib_src *src, size_t n,
                             float *top, int *pred, nn_error *err)
{
    const int parts = calib_parts(threads, n);
    /* A model from a file may have wide layers: all threads' batches of
     * activations together stay within the library's budget, as in
     * nn_evaluate. */
    const size_t batch = nn_batch_cap(m, CALIB_BATCH, (size_t)parts);
    nn_workspace **ws = calloc((size_t)parts, sizeof *ws);
    float **xb = calloc((size_t)parts, sizeof *xb), **yb = calloc((size_t)parts, sizeof *yb);
    int ok = ws && xb && yb;
    for (int c = 0; ok && c < parts; c++) {
        ws[c] = nn_workspace_create(m, batch, NULL);
        xb[c] = malloc(batch * INK_INPUT_SIZE * sizeof(float));
        yb[c] = malloc(batch * 10 * sizeof(float));
        ok = ws[c] && xb[c] && yb[c];
    }
    int failed = 0;
    size_t none = 0; /* inputs whose outputs were NaN or infinite */
    if (ok) {
#ifdef _OPENMP
#pragma omp parallel for num_threads(parts) schedule(static, 1) reduction(| : failed) \
    reduction(+ : none)
#endif
        for (int c = 0; c < parts; c++) {
            const size_t lo = n * (size_t)c / (size_t)parts;
            const size_t hi = n * (size_t)(c + 1) / (size_t)parts;
            for (size_t b = lo; b < hi; b += batch) {
                const size_t k = hi - b < batch ? hi - b : batch;
                const float *x = src->x ? src->x + b * INK_INPUT_SIZE : xb[c];
                if (!src->x)
                    for (size_t i = 0; i < k; i++) {
                        float *xi = xb[c] + i * INK_INPUT_SIZE;
                        if (src->redraw)
                            dp_synth_redraw_image(src->ds, b + i, xi);
                        else
                            nn_dataset_image_f32(src->ds, b + i, xi);
                    }
                nn_status st = nn_forward(m, ws[c], x, k, yb[c], NULL);
                if (st == NN_ENOANSWER)
                    for (size_t i = 0; i < k; i++)
                        none += !dp_outputs_finite(yb[c] + i * 10);
                if (st != NN_OK) {
                    failed = 1;
                    continue;
                }
                for (size_t i = 0; i < k; i++) {
                    const float *y = yb[c] + i * 10;
                    int best = dp_argmax10(y);
                    top[b + i] = y[best];
                    if (pred)
                        pred[b + i] = best;
                }
            }
        }
    }
    for (int c = 0; ws && xb && yb && c < parts; c++) {
        nn_workspace_free(ws[c]);
        free(xb[c]);
        free(yb[c]);
    }
    free(ws);
    free(xb);
    free(yb);
    if (!ok)
        return nn_fail(err, NN_ENOMEM, "out of memory calibrating the threshold");
    if (none)
        return nn_fail(err, NN_ENOANSWER, "the model's outputs are NaN or infinite for %zu of "
                       "%zu images: its weights overflow, so it gives no answer and cannot be "
                       "evaluated", none, n);
    if (failed)
        return nn_fail(err, NN_EINVAL, "calibration: the model does not take 28x28 inputs");
    return NN_OK;
}

nn_status dp_calibrate(const nn_model *m, const nn_dataset *test, double fixed,
                       dp_calibration *c, nn_error *err)
{
    return dp_calibrate_ex(m, test, fixed, DP_CALIB_SCRIBBLES, test->n, 0, c, NULL, err);
}

nn_status dp_calibrate_ex(const nn_model *m, const nn_dataset *test, double fixed,
                          size_t scribbles, size_t redrawn, int threads, dp_calibration *c,
                          nn_eval *ev, nn_error *err)
{
    memset(c, 0, sizeof *c);
    if (ev)
        memset(ev, 0, sizeof *ev);
    if (nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE || test->rows != INK_SIDE ||
        test->cols != INK_SIDE) {
        return nn_fail(err, NN_EINVAL, "calibration needs a model and images of 28x28 pixels");
    }
    if (scribbles < 1 || scribbles > DP_CALIB_SCRIBBLES)
        return nn_fail(err, NN_EINVAL, "calibration: %zu scribbles is outside 1..%d", scribbles,
                       DP_CALIB_SCRIBBLES);
    if (redrawn > test->n)
        return nn_fail(err, NN_EINVAL, "calibration: %zu redrawn images of a test set of %zu",
                       redrawn, test->n);
    const size_t ns = scribbles, nt = test->n, nr = redrawn;
    float *x = malloc(ns * INK_INPUT_SIZE * sizeof *x);
    float *top_t = malloc((nt ? nt : 1) * sizeof *top_t);
    float *top_r = malloc((nr ? nr : 1) * sizeof *top_r);
    float *top_s = malloc(ns * sizeof *top_s);
    int *pred = malloc((nt ? nt : 1) * sizeof *pred);
    int *pred_r = malloc((nr ? nr : 1) * sizeof *pred_r);
    nn_status st = NN_ENOMEM;
    if (!x || !top_t || !top_r || !top_s || !pred || !pred_r) {
        nn_fail(err, NN_ENOMEM, "out of memory calibrating the threshold");
        goto done;
    }
    /* The redrawn images are made batch by batch in the workers, like the
     * scans' floats: all 10,000 at once would be 31 MB, which pushed
     * --eval out of memory under `ulimit -v 150000`. */
    const calib_src tsrc = {test, NULL, 0}, ssrc = {NULL, x, 0}, rsrc = {test, NULL, 1};
    if ((st = top_outputs(m, threads, &tsrc, nt, top_t, pred, err)) != NN_OK)
        goto done;
    if (nr && (st = top_outputs(m, threads, &rsrc, nr, top_r, pred_r, err)) != NN_OK)
        goto done;
    if (dp_make_scribbles(ns, DP_CALIB_SEED, x) != 0) {
        st = NN_ENOMEM;
        nn_fail(err, st, "out of memory drawing scribbles");
        goto done;
    }
    if ((st = top_outputs(m, threads, &ssrc, ns, top_s, NULL, err)) != NN_OK)
        goto done;
    if (ev) {
        for (size_t i = 0; i < nt; i++) {
            const unsigned label = test->labels[i] < 10 ? test->labels[i] : 0;
            ev->confusion[label][pred[i]]++;
            ev->correct += (unsigned)pred[i] == label;
        }
        ev->n = nt;
        ev->accuracy = nt ? (double)ev->correct / (double)nt : 0.0;
    }

    size_t n_ok = 0, n_ok_r = 0;
    for (size_t i = 0; i < nt; i++)
        n_ok += pred[i] == test->labels[i];
    for (size_t i = 0; i < nr; i++)
        n_ok_r += pred_r[i] == test->labels[i];
    c->redrawn_accuracy = nr ? (double)n_ok_r / (double)nr : 0.0;
    /* The highest threshold that doubts at most DP_CALIB_MAX_DOUBT of the
     * right answers: within that budget it catches the most scribbles.
     * The redrawn set is measured at that threshold but not budgeted on:
     * budgeting on it too would doubt fewer drawings and answer more
     * non-digits, a trade docs/model.md ("The unsure threshold") measures
     * and the shipped model does not take. */
    int fixed_ok = fixed >= 0.0 && fixed <= 1.0;
    for (int step = 95; step >= 5; step--) {
        float t = fixed_ok ? (float)fixed : (float)step / 100.0f;
        size_t ok_below = 0, wrong_below = 0, below = 0, s_sure = 0, r_below = 0, r_ok_below = 0;
        for (size_t i = 0; i < nt; i++) {
            if (dp_card_unsure(top_t[i], t)) {
                below++;
                if (pred[i] == test->labels[i])
                    ok_below++;
                else
                    wrong_below++;
            }
        }
        for (size_t i = 0; i < nr; i++) {
            if (dp_card_unsure(top_r[i], t)) {
                r_below++;
                r_ok_below += pred_r[i] == test->labels[i];
            }
        }
        for (size_t i = 0; i < ns; i++)
            s_sure += !dp_card_unsure(top_s[i], t);
        double ok_rate = n_ok ? (double)ok_below / (double)n_ok : 0.0;
        double ok_rate_r = n_ok_r ? (double)r_ok_below / (double)n_ok_r : 0.0;
        c->threshold = t;
        c->correct_unsure = ok_rate;
        c->wrong_unsure = nt > n_ok ? (double)wrong_below / (double)(nt - n_ok) : 0.0;
        c->mnist_unsure = nt ? (double)below / (double)nt : 0.0;
        c->scribble_sure = (double)s_sure / (double)ns;
        c->redrawn_unsure = nr ? (double)r_below / (double)nr : 0.0;
        c->redrawn_correct_unsure = ok_rate_r;
        if (fixed_ok || ok_rate <= DP_CALIB_MAX_DOUBT)
            break;
    }
    c->n_test = nt;
    c->n_scribbles = ns;
    c->n_redrawn = nr;
    st = NN_OK;
done:
    free(x);
    free(top_t);
    free(top_r);
    free(top_s);
    free(pred);
    free(pred_r);
    return st;
}
