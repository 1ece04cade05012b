/* inspect.c — looking inside a model for one sample: every layer's output
 * (for the window's layers view) and the gradient of one output's
 * pre-sigmoid value with respect to the input (for "why this answer").
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

nn_status nn_input_gradient(const nn_model *m, const float *x, int k, float *grad, float *logit,
                            nn_error *err)
{
    if (!m || !x || !grad)
        return nn_fail(err, NN_EINVAL, "input gradient: missing model or buffer");
    const int top = logit_layer(m);
    const nn_layer_info *T = &m->info.layer[top];
    if (k < 0 || (size_t)k >= T->out_size)
        return nn_fail(err, NN_EINVAL, "input gradient: output %d of %zu", k, T->out_size);
    nn_workspace *ws = nn_workspace_create_ex(m, 1, 1, err);
    if (!ws)
        return err ? err->status : NN_ENOMEM;
    /* The convolutions' backward also forms weight gradients; they go to a
     * throwaway buffer the size of the largest layer's parameters (cheaper
     * than a second, dx-only, copy of every conv kernel). */
    size_t most = 1;
    for (int i = 0; i <= top; i++)
        if (m->info.layer[i].w_count + m->info.layer[i].b_count > most)
            most = m->info.layer[i].w_count + m->info.layer[i].b_count;
    float *junk = calloc(most, sizeof *junk);
    if (!junk) {
        nn_workspace_free(ws);
        return nn_fail(err, NN_ENOMEM, "input gradient: out of memory for %zu floats", most);
    }
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
                const float g = cur[o], *row = w + o * L->in_size;
                if (g != 0.0f)
                    for (size_t j = 0; j < L->in_size; j++)
                        dx[j] += g * row[j];
            }
            break;
        case NN_LAYER_CONV:
            nn_conv_backward_n(in, w, cur, dx, junk, L->b_count ? junk + L->w_count : NULL,
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
    free(junk);
    nn_workspace_free(ws);
    return NN_OK;
}
