/* forward.c — the passes over a whole model: per-thread workspaces, the
 * forward pass over a batch, single-sample prediction, the thread-count
 * policy shared with training and evaluation, and the backward pass and
 * batch loss training uses, kept beside the forward pass they mirror. */
#include "kernels.h"
#include "model_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef NN_HAVE_OPENMP
#include <omp.h>
#endif
#ifdef NN_HAVE_CBLAS
#include <cblas.h>
#endif

int nn_threads_resolve(int threads)
{
#ifdef NN_HAVE_CBLAS
    /* We split batches across our own threads; OpenBLAS spawning its own
     * inside each of them would oversubscribe the cores (measured: slower). */
    openblas_set_num_threads(1);
#endif
#ifdef NN_HAVE_OPENMP
    if (threads <= 0)
        threads = omp_get_num_procs();
    return threads < 1 ? 1 : threads > 256 ? 256 : threads;
#else
    (void)threads;
    return 1;
#endif
}

size_t nn_workspace_unit(const nn_model *m, int with_grad)
{
    const nn_arch_info *info = &m->info;
    size_t out = info->layer[m->arch.n_layers - 1].out_size;
    size_t per_sample = info->acts_per_sample - info->layer[0].in_size;
    return per_sample + (with_grad ? 2 * info->max_act + out : 0);
}

size_t nn_batch_cap(const nn_model *m, size_t want, size_t share)
{
    if (!m || want == 0)
        return 1;
    size_t unit = nn_workspace_unit(m, 0);
    size_t fit = NN_MAX_BATCH_ACTIVATIONS / (share ? share : 1) / (unit ? unit : 1);
    size_t n = want < fit ? want : fit;
    return n ? n : 1;
}

nn_workspace *nn_workspace_create_ex(const nn_model *m, size_t max_batch, int with_grad,
                                     nn_error *err)
{
    if (!m || max_batch == 0) {
        nn_fail(err, NN_EINVAL, "workspace: need a model and a batch size >= 1");
        return NULL;
    }
    nn_threads_resolve(1);
    const nn_arch_info *info = &m->info;
    const int L = m->arch.n_layers;
    size_t out = info->layer[L - 1].out_size;
    size_t per_sample = info->acts_per_sample - info->layer[0].in_size;
    /* Every count is below the NN_MAX_* limits; guard the batch multiply. */
    size_t unit = per_sample + (with_grad ? 2 * info->max_act + out : 0);
    if (max_batch > ((size_t)1 << 40) / (unit + 1)) {
        nn_fail(err, NN_ELIMIT, "workspace: batch of %zu is too large", max_batch);
        return NULL;
    }
    /* The convolutions' scratch (im2col and the sparse paths' buffers). */
    size_t scratch = info->max_cols;
    for (int i = 0; i < L; i++) {
        const nn_layer_info *li = &info->layer[i];
        if (m->arch.layer[i].kind != NN_LAYER_CONV)
            continue;
        size_t need = nn_conv_scratch_floats((size_t)li->in_c, (size_t)li->in_h,
                                             (size_t)li->in_w, (size_t)li->out_c,
                                             (size_t)m->arch.layer[i].k);
        if (need > scratch)
            scratch = need;
    }
    /* Each part of the block starts on a cache line. */
    size_t total = max_batch * unit + scratch + 16 * (NN_MAX_LAYERS + 4);
    nn_workspace *ws = calloc(1, sizeof *ws);
    /* Cache-line aligned, like the parameters (see nn_model_create). */
    size_t bytes = ((total ? total : 1) * sizeof(float) + 63) / 64 * 64;
    float *block = aligned_alloc(64, bytes);
    if (!ws || !block) {
        free(ws);
        free(block);
        nn_fail(err, NN_ENOMEM, "workspace: out of memory for %zu floats", total);
        return NULL;
    }
    ws->arch = m->arch;
    ws->info = *info;
    ws->max_batch = max_batch;
    ws->block = block;
    float *p = block;
    for (int i = 0; i < L; i++) {
        /* A flatten's output is its input's memory, viewed flat. */
        if (i > 0 && m->arch.layer[i].kind == NN_LAYER_FLATTEN) {
            ws->act[i] = ws->act[i - 1];
            continue;
        }
        ws->act[i] = p;
        p += (max_batch * info->layer[i].out_size + 15) / 16 * 16;
    }
    ws->cols = p;
    p += (scratch + 15) / 16 * 16;
    if (with_grad) {
        ws->grad_a = p;
        p += (max_batch * info->max_act + 15) / 16 * 16;
        ws->grad_b = p;
        p += (max_batch * info->max_act + 15) / 16 * 16;
        ws->targets = p;
    }
    return ws;
}

nn_workspace *nn_workspace_create(const nn_model *m, size_t max_batch, nn_error *err)
{
    return nn_workspace_create_ex(m, max_batch, 0, err);
}

void nn_workspace_free(nn_workspace *ws)
{
    if (!ws)
        return;
    free(ws->block);
    free(ws);
}

const float *nn_forward_all(const nn_model *m, nn_workspace *ws, const float *x, size_t n)
{
    const nn_arch *a = &m->arch;
    const float *in = x;
    for (int i = 0; i < a->n_layers; i++) {
        const nn_layer_spec *s = &a->layer[i];
        const nn_layer_info *L = &m->info.layer[i];
        float *out = ws->act[i];
        const float *w = m->params + L->w_off;
        const float *b = L->b_count ? m->params + L->b_off : NULL;
        switch (s->kind) {
        case NN_LAYER_DENSE:
            nn_dense_forward(in, w, b, out, n, L->in_size, L->out_size);
            break;
        case NN_LAYER_CONV:
            nn_conv_forward_n(in, w, b, out, ws->cols, n, (size_t)L->in_c, (size_t)L->in_h,
                              (size_t)L->in_w, (size_t)L->out_c, (size_t)s->k);
            break;
        case NN_LAYER_MAXPOOL:
            nn_maxpool_forward(in, out, n * (size_t)L->in_c, (size_t)L->in_h, (size_t)L->in_w);
            break;
        case NN_LAYER_RELU:
            nn_relu_forward(in, out, n * L->in_size);
            break;
        case NN_LAYER_SIGMOID:
            nn_sigmoid_forward(in, out, n * L->in_size);
            break;
        case NN_LAYER_FLATTEN:
            if (out != in) /* only a leading flatten copies the caller's x */
                memcpy(out, in, n * L->in_size * sizeof *out);
            break;
        }
        in = out;
    }
    return in;
}

size_t nn_first_nonfinite(const float *y, size_t n, size_t k, int *nan)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (!isfinite(y[i * k + j])) {
                *nan = isnan(y[i * k + j]) != 0;
                return i;
            }
    return n;
}

nn_status nn_forward(const nn_model *m, nn_workspace *ws, const float *x, size_t n, float *y,
                     nn_error *err)
{
    if (!m || !ws || (!x && n) || (!y && n))
        return nn_fail(err, NN_EINVAL, "forward: missing model, workspace or buffer");
    if (n > ws->max_batch)
        return nn_fail(err, NN_EINVAL, "forward: %zu samples exceed the workspace's %zu", n,
                       ws->max_batch);
    if (!nn_arch_equal(&ws->arch, &m->arch))
        return nn_fail(err, NN_ESHAPE, "forward: workspace was made for another architecture");
    if (n == 0)
        return NN_OK;
    const float *out = nn_forward_all(m, ws, x, n);
    const size_t k = m->info.layer[m->arch.n_layers - 1].out_size;
    memcpy(y, out, n * k * sizeof *y);
    int nan = 0;
    size_t bad = nn_first_nonfinite(y, n, k, &nan);
    if (bad < n) {
        char which[64] = "";
        if (n > 1)
            snprintf(which, sizeof which, " (input %zu of %zu)", bad + 1, n);
        return nn_fail(err, NN_ENOANSWER, "the model's outputs are %s%s: its weights overflow, "
                       "so it gives no answer", nan ? "NaN" : "infinite", which);
    }
    return NN_OK;
}

nn_status nn_predict(const nn_model *m, const float *x, float y[10], nn_error *err)
{
    if (!m)
        return nn_fail(err, NN_EINVAL, "predict: no model");
    if (m->info.layer[m->arch.n_layers - 1].out_size != 10)
        return nn_fail(err, NN_ESHAPE, "predict: the model does not have 10 outputs");
    nn_workspace *ws = nn_workspace_create(m, 1, err);
    if (!ws)
        return err ? err->status : NN_ENOMEM;
    nn_status st = nn_forward(m, ws, x, 1, y, err);
    nn_workspace_free(ws);
    return st;
}

/* ------------------------------------------------------------ backward */

/* The model-level backward pass, beside the forward pass it undoes (as
 * llm.c pairs them): training (train.c) runs nn_forward_all, then this. */


/* nn_dense_backward, except that layer 0's weight gradient goes into the
 * transposed copy when s0 is given (layer 0 never needs dx). */
static void dense_backward_at(int i, const nn_layer_info *L, const nn_layer0_sparse *s0,
                              const float *x, const float *w, const float *dy, float *dx,
                              float *dw, float *db, size_t n)
{
    if (i == 0 && s0)
        nn_dense_backward_tsparse(x, s0->idx, s0->nnz, dy, s0->wt, s0->ld, db, L->out_size);
    else
        nn_dense_backward(x, w, dy, dx, dw, db, n, L->in_size, L->out_size);
}

void nn_model_backward(const nn_model *m, nn_workspace *ws, const float *x, size_t n,
                     nn_loss loss, int seed_rule, float scale, float *g, const nn_layer0_sparse *s0)
{
    const nn_arch *a = &m->arch;
    const int last = a->n_layers - 1;
    const size_t out = m->info.layer[last].out_size;
    float *cur = ws->grad_a, *other = ws->grad_b;
    int first_param = a->n_layers;
    for (int i = 0; i < a->n_layers; i++)
        if (m->info.layer[i].w_count) {
            first_param = i;
            break;
        }
    memset(cur, 0, n * out * sizeof *cur);
    int start = last;
    if (loss == NN_LOSS_BCE && a->layer[last].kind == NN_LAYER_SIGMOID) {
        /* ∂BCE/∂z = y − t for z the sigmoid's input: exact and stable. */
        nn_bce_logits_backward(ws->act[last], ws->targets, cur, n, out, scale);
        start = last - 1;
    } else if (loss == NN_LOSS_BCE) {
        nn_bce_backward(ws->act[last], ws->targets, cur, n, out, scale);
    } else {
        nn_mse_backward(ws->act[last], ws->targets, cur, n, out, scale);
    }
    if (seed_rule) {
        /* The blog's update: the output weights get the MSE gradient δ =
         * (y−t)·y(1−y), but the hidden layer is handed W_outᵀ(y−t), without
         * the sigmoid factor.  dx comes first so W may alias g (fused SGD). */
        const int i = last - 1;
        const nn_layer_info *L = &m->info.layer[i];
        const float *w = m->params + L->w_off;
        const float *y = ws->act[last];
        float *dx = NULL;
        if (i > first_param) {
            dx = other;
            memset(dx, 0, n * L->in_size * sizeof *dx);
            if (n == 1) /* a BLAS call costs more than this small product */
                for (size_t o = 0; o < out; o++)
                    for (size_t j = 0; j < L->in_size; j++)
                        dx[j] += cur[o] * w[o * L->in_size + j];
            else
                nn_gemm(0, 0, n, L->in_size, out, 1.0f, cur, out, w, L->in_size, 1.0f, dx,
                        L->in_size);
        }
        for (size_t k = 0; k < n * out; k++)
            cur[k] *= y[k] * (1.0f - y[k]);
        dense_backward_at(i, L, s0, i ? ws->act[i - 1] : x, w, cur, NULL, g + L->w_off,
                          L->b_count ? g + L->b_off : NULL, n);
        if (!dx)
            return;
        cur = dx;
        other = ws->grad_a;
        start = last - 2;
    }
    for (int i = start; i > first_param - 1 && i >= 0; i--) {
        const nn_layer_spec *s = &a->layer[i];
        const nn_layer_info *L = &m->info.layer[i];
        const float *in = i ? ws->act[i - 1] : x;
        float *dx = NULL;
        if (s->kind == NN_LAYER_FLATTEN)
            continue; /* identity on memory: the gradient passes through */
        if (s->kind == NN_LAYER_MAXPOOL && i - 1 > first_param &&
            a->layer[i - 1].kind == NN_LAYER_RELU && L->in_h % 2 == 0 && L->in_w % 2 == 0) {
            /* ReLU then pool (every conv net here): both backward passes in
             * one, straight to the ReLU's input gradient, no zeroing. */
            nn_relu_maxpool_backward(in, cur, other, n * (size_t)L->in_c, (size_t)L->in_h,
                                     (size_t)L->in_w);
            float *tmp = cur;
            cur = other;
            other = tmp;
            i--; /* the ReLU is done */
            continue;
        }
        if (i > first_param) {
            dx = other;
            memset(dx, 0, n * L->in_size * sizeof *dx);
        }
        const float *w = m->params + L->w_off;
        float *gw = g + L->w_off, *gb = L->b_count ? g + L->b_off : NULL;
        switch (s->kind) {
        case NN_LAYER_DENSE:
            dense_backward_at(i, L, s0, in, w, cur, dx, gw, gb, n);
            break;
        case NN_LAYER_CONV:
            nn_conv_backward_n(in, w, cur, dx, gw, gb, ws->cols, n, (size_t)L->in_c,
                               (size_t)L->in_h, (size_t)L->in_w, (size_t)L->out_c,
                               (size_t)s->k);
            break;
        case NN_LAYER_MAXPOOL:
            if (dx)
                nn_maxpool_backward(in, cur, dx, n * (size_t)L->in_c, (size_t)L->in_h,
                                    (size_t)L->in_w);
            break;
        case NN_LAYER_RELU:
            if (dx)
                nn_relu_backward(ws->act[i], cur, dx, n * L->in_size);
            break;
        case NN_LAYER_SIGMOID:
            if (dx)
                nn_sigmoid_backward(ws->act[i], cur, dx, n * L->in_size);
            break;
        case NN_LAYER_FLATTEN:
            break;
        }
        if (!dx)
            break;
        float *tmp = cur;
        cur = other;
        other = tmp;
    }
}

double nn_batch_loss(const nn_model *m, const nn_workspace *ws, size_t n, nn_loss loss)
{
    const int last = m->arch.n_layers - 1;
    const size_t out = m->info.layer[last].out_size;
    if (loss == NN_LOSS_MSE)
        return nn_mse_forward(ws->act[last], ws->targets, n, out);
    if (m->arch.layer[last].kind == NN_LAYER_SIGMOID && last > 0)
        return nn_bce_logits_forward(ws->act[last - 1], ws->targets, n, out);
    return nn_bce_forward(ws->act[last], ws->targets, n, out);
}
