/* inspect.c — looking inside a model for one sample: every layer's output
 * (for the window's layers view), the gradient of one output's pre-sigmoid
 * value with respect to the input (for "why this answer") and its smoothed
 * forms (SmoothGrad, integrated gradients) that people can read.
 * Both run one sample at a time; training never calls them. */
#include "kernels.h"
#include "model_internal.h"

#include <stdlib.h>
#include <string.h>

nn_status nn_layer_shape(const nn_model *m, int i, nn_layer_view *out, nn_error *err)
{
    if (!m || !out)
        return nn_fail(err, NN_EINVAL, "layer shape: missing model or output");
    if (i < 0 || i >= m->arch.n_layers)
        return nn_fail(err, NN_EINVAL, "layer shape: layer %d of %d", i, m->arch.n_layers);
    const nn_layer_info *L = &m->info.layer[i];
    memset(out, 0, sizeof *out);
    out->index = i;
    out->kind = m->arch.layer[i].kind;
    out->c = L->out_c;
    out->h = L->out_h;
    out->w = L->out_w;
    out->size = L->out_size;
    return NN_OK;
}

nn_status nn_forward_layers(const nn_model *m, nn_workspace *ws, const float *x,
                            nn_layer_view *views, nn_error *err)
{
    if (!m || !ws || !x || !views)
        return nn_fail(err, NN_EINVAL, "forward layers: missing model, workspace or buffer");
    if (!nn_arch_equal(&ws->arch, &m->arch))
        return nn_fail(err, NN_ESHAPE,
                       "forward layers: workspace was made for another architecture");
    nn_forward_all(m, ws, x, 1);
    for (int i = 0; i < m->arch.n_layers; i++) {
        nn_layer_shape(m, i, &views[i], NULL);
        views[i].data = ws->act[i];
    }
    return NN_OK;
}

/* The layer whose output is the logits: the input of a final sigmoid, or
 * the last layer when the network does not end in one. */
static int logit_layer(const nn_model *m)
{
    int last = m->arch.n_layers - 1;
    return m->arch.layer[last].kind == NN_LAYER_SIGMOID && last > 0 ? last - 1 : last;
}

/* Scratch for input gradients of one model, reused across the many
 * gradients SmoothGrad and integrated gradients take. */
typedef struct grad_ctx {
    const nn_model *m;
    nn_workspace *ws;
    float *junk; /* the convolutions' weight gradients, thrown away */
    int top;     /* the logit layer */
} grad_ctx;

static void grad_ctx_close(grad_ctx *g)
{
    free(g->junk);
    nn_workspace_free(g->ws);
}

static nn_status grad_ctx_open(grad_ctx *g, const nn_model *m, int k, nn_error *err)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    g->top = logit_layer(m);
    const nn_layer_info *T = &m->info.layer[g->top];
    if (k < 0 || (size_t)k >= T->out_size)
        return nn_fail(err, NN_EINVAL, "input gradient: output %d of %zu", k, T->out_size);
    g->ws = nn_workspace_create_ex(m, 1, 1, err);
    if (!g->ws)
        return err ? err->status : NN_ENOMEM;
    /* The convolutions' backward also forms weight gradients; they go to a
     * throwaway buffer the size of the largest layer's parameters (cheaper
     * than a second, dx-only, copy of every conv kernel). */
    size_t most = 1;
    for (int i = 0; i <= g->top; i++)
        if (m->info.layer[i].w_count + m->info.layer[i].b_count > most)
            most = m->info.layer[i].w_count + m->info.layer[i].b_count;
    g->junk = calloc(most, sizeof *g->junk);
    if (!g->junk) {
        grad_ctx_close(g);
        return nn_fail(err, NN_ENOMEM, "input gradient: out of memory for %zu floats", most);
    }
    return NN_OK;
}

/* grad = ∂z_k/∂x at x, *logit (if non-NULL) = z_k. */
static void grad_at(grad_ctx *g, const float *x, int k, float *grad, float *logit)
{
    const nn_model *m = g->m;
    nn_workspace *ws = g->ws;
    const int top = g->top;
    const nn_layer_info *T = &m->info.layer[top];
    nn_forward_all(m, ws, x, 1);
    if (logit)
        *logit = ws->act[top][k];

    /* Walk down from a one-hot gradient at logit k; each step writes the
     * gradient of the layer's input into the other buffer (layer 0's input
     * gradient goes straight into grad). */
    float *cur = ws->grad_a, *other = ws->grad_b;
    memset(cur, 0, T->out_size * sizeof *cur);
    cur[k] = 1.0f;
    for (int i = top; i >= 0; i--) {
        const nn_layer_spec *s = &m->arch.layer[i];
        const nn_layer_info *L = &m->info.layer[i];
        const float *in = i ? ws->act[i - 1] : x;
        float *dx = i ? other : grad;
        if (s->kind == NN_LAYER_FLATTEN) {
            if (i == 0)
                memcpy(grad, cur, L->in_size * sizeof *grad);
            continue; /* identity on memory */
        }
        memset(dx, 0, L->in_size * sizeof *dx);
        const float *w = m->params + L->w_off;
        switch (s->kind) {
        case NN_LAYER_DENSE:
            /* dx = Wᵀ dy; W (out,in) row-major, so row o scaled by dy[o] */
            for (size_t o = 0; o < L->out_size; o++) {
                const float gv = cur[o], *row = w + o * L->in_size;
                if (gv != 0.0f)
                    for (size_t j = 0; j < L->in_size; j++)
                        dx[j] += gv * row[j];
            }
            break;
        case NN_LAYER_CONV:
            nn_conv_backward_n(in, w, cur, dx, g->junk, L->b_count ? g->junk + L->w_count : NULL,
                               ws->cols, 1, (size_t)L->in_c, (size_t)L->in_h, (size_t)L->in_w,
                               (size_t)L->out_c, (size_t)s->k);
            break;
        case NN_LAYER_MAXPOOL:
            nn_maxpool_backward(in, cur, dx, (size_t)L->in_c, (size_t)L->in_h, (size_t)L->in_w);
            break;
        case NN_LAYER_RELU:
            nn_relu_backward(ws->act[i], cur, dx, L->in_size);
            break;
        case NN_LAYER_SIGMOID:
            nn_sigmoid_backward(ws->act[i], cur, dx, L->in_size);
            break;
        case NN_LAYER_FLATTEN:
            break;
        }
        float *t = cur;
        cur = dx;
        other = t;
    }
}

nn_status nn_input_gradient(const nn_model *m, const float *x, int k, float *grad, float *logit,
                            nn_error *err)
{
    if (!m || !x || !grad)
        return nn_fail(err, NN_EINVAL, "input gradient: missing model or buffer");
    grad_ctx g;
    nn_status s = grad_ctx_open(&g, m, k, err);
    if (s != NN_OK)
        return s;
    grad_at(&g, x, k, grad, logit);
    grad_ctx_close(&g);
    return NN_OK;
}

/* ----------------------------------------------------------- attribution */

void nn_attr_config_defaults(nn_attr_config *c, nn_attr_method method)
{
    memset(c, 0, sizeof *c);
    c->method = method;
    c->samples = NN_ATTR_DEFAULT_SAMPLES;
    c->noise = NN_ATTR_DEFAULT_NOISE;
    c->seed = 1;
}

const char *nn_attr_method_name(nn_attr_method method)
{
    switch (method) {
    case NN_ATTR_RAW:
        return "raw";
    case NN_ATTR_SMOOTHGRAD:
        return "smoothgrad";
    case NN_ATTR_IG:
        return "ig";
    }
    return NULL;
}

int nn_attr_method_parse(const char *name, nn_attr_method *out)
{
    for (int i = NN_ATTR_RAW; i <= NN_ATTR_IG; i++)
        if (name && strcmp(name, nn_attr_method_name((nn_attr_method)i)) == 0) {
            *out = (nn_attr_method)i;
            return 0;
        }
    return -1;
}

nn_status nn_input_attribution(const nn_model *m, const float *x, int k, const nn_attr_config *c,
                               float *out, float *logit, nn_error *err)
{
    if (!m || !x || !c || !out)
        return nn_fail(err, NN_EINVAL, "attribution: missing model, config or buffer");
    if (c->method != NN_ATTR_RAW && c->method != NN_ATTR_SMOOTHGRAD && c->method != NN_ATTR_IG)
        return nn_fail(err, NN_EINVAL, "attribution: unknown method %d", (int)c->method);
    if (c->method != NN_ATTR_RAW && (c->samples < 1 || c->samples > NN_ATTR_MAX_SAMPLES))
        return nn_fail(err, NN_EINVAL, "attribution: %d samples (1 to %d)", c->samples,
                       NN_ATTR_MAX_SAMPLES);
    if (c->method == NN_ATTR_SMOOTHGRAD && !(c->noise >= 0.0f && c->noise <= 10.0f))
        return nn_fail(err, NN_EINVAL, "attribution: noise %g (0 to 10)", (double)c->noise);
    grad_ctx g;
    nn_status s = grad_ctx_open(&g, m, k, err);
    if (s != NN_OK)
        return s;
    const size_t n = nn_arch_in_size(&m->arch);
    if (c->method == NN_ATTR_RAW) {
        grad_at(&g, x, k, out, logit);
        grad_ctx_close(&g);
        return NN_OK;
    }
    /* One buffer: the point the gradient is taken at, then that gradient. */
    float *pt = malloc(2 * n * sizeof *pt);
    if (!pt) {
        grad_ctx_close(&g);
        return nn_fail(err, NN_ENOMEM, "attribution: out of memory for %zu floats", 2 * n);
    }
    float *gr = pt + n;
    if (logit) /* z_k at x itself, not at a noisy or scaled copy */
        grad_at(&g, x, k, gr, logit);
    memset(out, 0, n * sizeof *out);
    nn_rng rng;
    nn_rng_seed(&rng, c->seed);
    const int steps = c->samples;
    for (int i = 0; i < steps; i++) {
        if (c->method == NN_ATTR_SMOOTHGRAD) {
            /* Smilkov et al. 2017: the mean gradient over copies with
             * Gaussian noise (σ in input units) averages out the gradient's
             * pixel-to-pixel jitter.  Noise drawn in pixel order, so the
             * i-th copy is the same for a given seed. */
            for (size_t j = 0; j < n; j++)
                pt[j] = x[j] + c->noise * nn_rng_normal(&rng);
        } else {
            /* Sundararajan et al. 2017, from the blank input (zeros): the
             * midpoint rule at α = (i + ½)/steps along the straight path. */
            const float alpha = ((float)i + 0.5f) / (float)steps;
            for (size_t j = 0; j < n; j++)
                pt[j] = alpha * x[j];
        }
        grad_at(&g, pt, k, gr, NULL);
        for (size_t j = 0; j < n; j++)
            out[j] += gr[j];
    }
    const float inv = 1.0f / (float)steps;
    for (size_t j = 0; j < n; j++) {
        out[j] *= inv;
        if (c->method == NN_ATTR_IG && !c->path_gradient)
            out[j] *= x[j]; /* (x − baseline) ⊙ mean gradient */
    }
    free(pt);
    grad_ctx_close(&g);
    return NN_OK;
}
