/* synth.c — the rule-drawn shapes and styles as training data and test
 * sets (see synth.h). */
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corrections.h" /* dp_input_to_u8 */
#include "mix64.h"
#include "modelcard.h"

#define SYNTH_BATCH 256

void dp_synth_rng(ink_rng *r, uint64_t seed, uint64_t salt, size_t i)
{
    ink_rng_seed(r, (seed * MIX64_GOLDEN) ^ (salt << 48) ^ (uint64_t)i);
}

/* Draws item i of a set (a shape kind or a style) and preprocesses it. */
static int render(int is_shape, int which, ink_rng *r, float *x)
{
    ink_drawing d;
    ink_drawing_init(&d);
    int rc = is_shape ? ink_draw_shape(&d, (ink_shape)which, r)
                      : ink_draw_style(&d, (ink_style)which, r);
    if (rc == 0 && ink_preprocess(&d, x) < 0)
        rc = -1; /* 0 (nothing drawn, a blank) leaves x all zero: fine */
    ink_drawing_free(&d);
    return rc;
}

nn_status dp_synth_grow(nn_dataset *ds, size_t add, nn_error *err)
{
    uint8_t *img = realloc(ds->images, (ds->n + add) * INK_INPUT_SIZE);
    if (!img)
        return nn_fail(err, NN_ENOMEM, "out of memory for %zu drawn images", add);
    ds->images = img;
    uint8_t *lab = realloc(ds->labels, ds->n + add);
    if (!lab)
        return nn_fail(err, NN_ENOMEM, "out of memory for %zu drawn images", add);
    ds->labels = lab;
    return NN_OK;
}

nn_status dp_synth_extend(nn_dataset *ds, size_t n_shapes, size_t n_styles, uint64_t seed,
                          nn_error *err)
{
    if (ds->rows != INK_SIDE || ds->cols != INK_SIDE)
        return nn_fail(err, NN_EINVAL, "drawn shapes need 28x28 images");
    const size_t add = n_shapes + n_styles;
    if (add == 0)
        return NN_OK;
    nn_status st = dp_synth_grow(ds, add, err);
    if (st != NN_OK)
        return st;
    int failed = 0;
    int kinds = 0, trained[INK_SHAPE_COUNT];
    for (int k = 0; k < INK_SHAPE_COUNT; k++)
        if (!ink_shape_held_out((ink_shape)k))
            trained[kinds++] = k;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) reduction(| : failed)
#endif
    for (long i = 0; i < (long)add; i++) {
        int is_shape = (size_t)i < n_shapes;
        size_t k = is_shape ? (size_t)i : (size_t)i - n_shapes;
        int which = is_shape ? trained[k % (size_t)kinds] : (int)(k % INK_STYLE_COUNT);
        ink_rng r;
        dp_synth_rng(&r, seed, is_shape ? 1 : 2, k);
        float x[INK_INPUT_SIZE];
        failed |= render(is_shape, which, &r, x) != 0;
        dp_input_to_u8(x, ds->images + (ds->n + (size_t)i) * INK_INPUT_SIZE);
        ds->labels[ds->n + (size_t)i] =
            is_shape ? NN_LABEL_NONE : (uint8_t)ink_style_digit((ink_style)which);
    }
    if (failed)
        return nn_fail(err, NN_ENOMEM, "out of memory drawing shapes");
    ds->n += add;
    return NN_OK;
}

nn_status dp_synth_redraw(nn_dataset *ds, size_t n_source, size_t n_add, uint64_t seed,
                          nn_error *err)
{
    if (ds->rows != INK_SIDE || ds->cols != INK_SIDE)
        return nn_fail(err, NN_EINVAL, "redrawn digits need 28x28 images");
    if (n_source == 0 || n_source > ds->n)
        return nn_fail(err, NN_EINVAL, "no digits to redraw");
    if (n_add == 0)
        return NN_OK;
    nn_status st = dp_synth_grow(ds, n_add, err);
    if (st != NN_OK)
        return st;
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 64) reduction(| : failed)
#endif
    for (long i = 0; i < (long)n_add; i++) {
        ink_rng r;
        dp_synth_rng(&r, seed, 3, (size_t)i);
        size_t src = (size_t)(ink_rng_uniform(&r) * (float)n_source);
        src = src < n_source ? src : n_source - 1;
        float scale = DP_REDRAW_BRUSH_MIN +
                      (DP_REDRAW_BRUSH_MAX - DP_REDRAW_BRUSH_MIN) * ink_rng_uniform(&r);
        uint8_t *o = ds->images + (ds->n + (size_t)i) * INK_INPUT_SIZE;
        float g[INK_INPUT_SIZE], x[INK_INPUT_SIZE];
        nn_dataset_image_f32(ds, src, g);
        int rc = ink_redraw(g, INK_SIDE, INK_SIDE, scale, x);
        failed |= rc < 0;
        if (rc > 0)
            dp_input_to_u8(x, o); /* the corrections' bytes rule */
        else
            memcpy(o, ds->images + src * INK_INPUT_SIZE, INK_INPUT_SIZE);
        ds->labels[ds->n + (size_t)i] = ds->labels[src];
    }
    if (failed)
        return nn_fail(err, NN_ENOMEM, "out of memory redrawing digits");
    ds->n += n_add;
    return NN_OK;
}

void dp_synth_redraw_image(const nn_dataset *ds, size_t i, float *out)
{
    float g[INK_INPUT_SIZE];
    nn_dataset_image_f32(ds, i, g);
    if (ink_redraw(g, INK_SIDE, INK_SIDE, 1.0f, out) != 1)
        memcpy(out, g, sizeof g);
}

/* Top output and argmax of m over `count` drawings of one kind or style. */
static nn_status run_set(const nn_model *m, nn_workspace *ws, size_t batch, int is_shape,
                         int which, size_t count, float *x, float *y, double threshold,
                         size_t *below, size_t *right, int digit, nn_error *err)
{
    *below = *right = 0;
    for (size_t s = 0; s < count; s += batch) {
        size_t k = count - s < batch ? count - s : batch;
        int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) reduction(| : failed)
#endif
        for (long i = 0; i < (long)k; i++) {
            ink_rng r;
            dp_synth_rng(&r, DP_SYNTH_TEST_SEED, (uint64_t)(is_shape ? 16 + which : 48 + which),
                     s + (size_t)i);
            failed |= render(is_shape, which, &r, x + (size_t)i * INK_INPUT_SIZE) != 0;
        }
        if (failed)
            return nn_fail(err, NN_ENOMEM, "out of memory drawing shapes");
        nn_status st = nn_forward(m, ws, x, k, y, err);
        if (st != NN_OK)
            return st;
        for (size_t i = 0; i < k; i++) {
            const float *o = y + i * 10;
            int b = dp_argmax10(o);
            *below += dp_card_unsure(o[b], threshold);
            *right += b == digit;
        }
    }
    return NN_OK;
}

nn_status dp_synth_evaluate(const nn_model *m, double threshold, dp_synth_report *r,
                            nn_error *err)
{
    memset(r, 0, sizeof *r);
    if (nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE)
        return nn_fail(err, NN_EINVAL, "drawn shapes need a model of 28x28 inputs");
    r->threshold = threshold;
    r->per_kind = DP_SYNTH_TEST_PER_KIND;
    float *x = malloc(SYNTH_BATCH * INK_INPUT_SIZE * sizeof *x);
    float *y = malloc(SYNTH_BATCH * 10 * sizeof *y);
    /* a model from a file may have huge layers: the batch keeps its
     * activations within the library's budget */
    const size_t batch = nn_batch_cap(m, SYNTH_BATCH, 1);
    nn_workspace *ws = x && y ? nn_workspace_create(m, batch, err) : NULL;
    nn_status st = NN_OK;
    if (!ws) {
        st = x && y ? (err ? err->status : NN_ENOMEM)
                    : nn_fail(err, NN_ENOMEM, "out of memory testing drawn shapes");
        goto done;
    }
    double sum_tr = 0, sum_ho = 0;
    int n_tr = 0, n_ho = 0;
    for (int k = 0; k < INK_SHAPE_COUNT && st == NN_OK; k++) {
        size_t below, right;
        st = run_set(m, ws, batch, 1, k, r->per_kind, x, y, threshold, &below, &right, -1, err);
        r->shape_unsure[k] = (double)below / (double)r->per_kind;
        if (ink_shape_training_only((ink_shape)k))
            continue; /* shown, but not in the test list's rates */
        if (ink_shape_held_out((ink_shape)k)) {
            sum_ho += r->shape_unsure[k];
            n_ho++;
        } else {
            sum_tr += r->shape_unsure[k];
            n_tr++;
        }
    }
    r->test_kinds = n_tr + n_ho;
    r->unsure_trained = sum_tr / n_tr;
    r->unsure_held_out = sum_ho / n_ho;
    r->unsure_all = (sum_tr + sum_ho) / (n_tr + n_ho);
    for (int s = 0; s < INK_STYLE_COUNT && st == NN_OK; s++) {
        size_t below, right;
        st = run_set(m, ws, batch, 0, s, r->per_kind, x, y, threshold, &below, &right,
                     ink_style_digit((ink_style)s), err);
        r->style_right[s] = (double)right / (double)r->per_kind;
        r->style_unsure[s] = (double)below / (double)r->per_kind;
    }
done:
    nn_workspace_free(ws);
    free(x);
    free(y);
    return st;
}

void dp_synth_print(FILE *f, const dp_synth_report *r)
{
    fprintf(f,
            "non-digits  unsure at threshold %.2f on %.1f%% of %d kinds x %zu drawings "
            "(kinds trained on %.1f%%, kinds never trained on %.1f%%)\n",
            r->threshold, 100.0 * r->unsure_all, r->test_kinds, r->per_kind,
            100.0 * r->unsure_trained, 100.0 * r->unsure_held_out);
    for (int k = 0; k < INK_SHAPE_COUNT; k++)
        fprintf(f, "  %-18s %5.1f%% unsure%s\n", ink_shape_name((ink_shape)k),
                100.0 * r->shape_unsure[k],
                ink_shape_held_out((ink_shape)k)        ? "  (never trained on)"
                : ink_shape_training_only((ink_shape)k) ? "  (a training kind, not in the rates)"
                                                        : "");
    fprintf(f, "styles      %zu drawings each, drawn by rule\n", r->per_kind);
    for (int s = 0; s < INK_STYLE_COUNT; s++)
        fprintf(f, "  %-20s %5.1f%% read right, %4.1f%% unsure\n", ink_style_name((ink_style)s),
                100.0 * r->style_right[s], 100.0 * r->style_unsure[s]);
}
