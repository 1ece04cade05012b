/* views_weights.c — what the weights view and the explorer show of a
 * weighted layer's weights (issue 30), without SDL and without painting:
 * each weighted layer's page (filters, the strongest kernels per output
 * map, a dense unit's input weights as an image or summed over maps, or
 * the whole matrix), the values of one picture, the layer's colour range,
 * and which input channels fed a conv pixel most.  views_paint.c paints
 * what this returns. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int weighted(nn_layer_kind k)
{
    return k == NN_LAYER_DENSE || k == NN_LAYER_CONV;
}

int dp_weights_layers(const nn_model *m, int *layers, int max)
{
    if (!m)
        return 0;
    const nn_arch *a = nn_model_arch(m);
    int n = 0;
    for (int i = 0; i < a->n_layers; i++)
        if (weighted(a->layer[i].kind)) {
            if (n < max)
                layers[n] = i;
            n++;
        }
    return n;
}

int dp_weights_tensor(const nn_model *m, int i, nn_tensor *t)
{
    if (!m)
        return -1;
    char want[32];
    snprintf(want, sizeof want, "%d.weight", i);
    size_t n = nn_model_tensor_count(m);
    for (size_t k = 0; k < n; k++)
        if (nn_model_tensor(m, k, t) == NN_OK && strcmp(t->name, want) == 0)
            return 0;
    return -1;
}

int dp_weights_page(const nn_model *m, int layer, dp_wpage *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->layer = -1;
    if (!m || layer < 0 || layer >= nn_model_arch(m)->n_layers)
        return -1;
    const nn_arch *a = nn_model_arch(m);
    nn_tensor t;
    if (!weighted(a->layer[layer].kind) || dp_weights_tensor(m, layer, &t) != 0)
        return -1;
    /* What the layer reads, as maps: past a flatten, the maps before it. */
    int src = layer - 1;
    while (src >= 0 && a->layer[src].kind == NN_LAYER_FLATTEN)
        src--;
    nn_layer_view in = {-1, NN_LAYER_FLATTEN, a->in_c, a->in_h, a->in_w, 0, NULL};
    if (src >= 0 && nn_layer_shape(m, src, &in, NULL) != NN_OK)
        return -1;
    pg->layer = layer;
    pg->units = (int)t.shape[0];
    pg->in_c = in.c;
    pg->in_h = in.h;
    pg->in_w = in.w;
    pg->per_unit = 1;
    pg->shown = pg->units < DP_VIEW_MAX_WEIGHTS ? pg->units : DP_VIEW_MAX_WEIGHTS;
    if (t.ndim == 4) {
        pg->ph = (int)t.shape[2];
        pg->pw = (int)t.shape[3];
        if (in.c == 1) {
            pg->kind = DP_WPAGE_FILTERS;
        } else {
            pg->kind = DP_WPAGE_KERNELS;
            pg->per_unit = in.c < DP_WPAGE_TOP ? in.c : DP_WPAGE_TOP;
        }
        return 0;
    }
    size_t fan_in = (size_t)t.shape[1];
    if (in.h * in.w > 1 && (size_t)in.c * (size_t)(in.h * in.w) == fan_in) {
        /* An image (one channel) or maps: pictures in their shape. */
        pg->kind = in.c == 1 ? DP_WPAGE_IMAGE : DP_WPAGE_MAPSUM;
        pg->ph = in.h;
        pg->pw = in.w;
        return 0;
    }
    /* Units in, units out: the matrix, every unit a row. */
    pg->kind = DP_WPAGE_MATRIX;
    pg->shown = pg->units;
    pg->ph = 1;
    pg->pw = (int)fan_in;
    return 0;
}

/* The sum of |w| over input channel c's kernel of filter o. */
static float kernel_l1(const nn_tensor *t, int o, int c)
{
    size_t kk = (size_t)(t->shape[2] * t->shape[3]);
    const float *w = t->data + ((size_t)o * (size_t)t->shape[1] + (size_t)c) * kk;
    float s = 0.0f;
    for (size_t i = 0; i < kk; i++)
        s += fabsf(w[i]);
    return s;
}

/* The input channel of filter o with the slot-th largest kernel_l1 (ties
 * to the lower channel), by repeated selection: slot is at most
 * DP_WPAGE_TOP - 1, so a few passes over the channels. */
static int strongest_channel(const nn_tensor *t, int o, int slot)
{
    int cin = (int)t->shape[1], taken[DP_WPAGE_TOP], best = -1;
    for (int s = 0; s <= slot && s < DP_WPAGE_TOP; s++) {
        best = -1;
        float bv = -1.0f;
        for (int c = 0; c < cin; c++) {
            int used = 0;
            for (int j = 0; j < s; j++)
                used |= taken[j] == c;
            float v = used ? -1.0f : kernel_l1(t, o, c);
            if (!used && v > bv) {
                bv = v;
                best = c;
            }
        }
        taken[s] = best;
    }
    return best;
}

int dp_weights_kernel(const nn_model *m, int layer, int o, int c, float *out)
{
    nn_tensor t;
    if (dp_weights_tensor(m, layer, &t) != 0 || t.ndim != 4 || o < 0 || o >= t.shape[0] || c < 0 ||
        c >= t.shape[1])
        return -1;
    size_t kk = (size_t)(t.shape[2] * t.shape[3]);
    memcpy(out, t.data + ((size_t)o * (size_t)t.shape[1] + (size_t)c) * kk, kk * sizeof *out);
    return 0;
}

int dp_weights_picture(const nn_model *m, const dp_wpage *pg, int unit, int slot, float *out,
                       int *channel)
{
    nn_tensor t;
    if (channel)
        *channel = -1;
    if (!m || pg->layer < 0 || unit < 0 || unit >= pg->units || slot < 0 ||
        slot >= pg->per_unit || dp_weights_tensor(m, pg->layer, &t) != 0)
        return -1;
    size_t pic = (size_t)pg->ph * (size_t)pg->pw;
    switch (pg->kind) {
    case DP_WPAGE_FILTERS:
    case DP_WPAGE_KERNELS: {
        int c = pg->kind == DP_WPAGE_FILTERS ? 0 : strongest_channel(&t, unit, slot);
        if (c < 0 || dp_weights_kernel(m, pg->layer, unit, c, out) != 0)
            return -1;
        if (channel)
            *channel = c;
        return 0;
    }
    case DP_WPAGE_IMAGE:
    case DP_WPAGE_MATRIX:
        memcpy(out, t.data + (size_t)unit * (size_t)t.shape[1], pic * sizeof *out);
        return 0;
    case DP_WPAGE_MAPSUM: {
        /* Flattened c×h×w (channel first, as nn's flatten): sum the maps. */
        const float *w = t.data + (size_t)unit * (size_t)t.shape[1];
        for (size_t i = 0; i < pic; i++)
            out[i] = 0.0f;
        for (int c = 0; c < pg->in_c; c++)
            for (size_t i = 0; i < pic; i++)
                out[i] += w[(size_t)c * pic + i];
        return 0;
    }
    }
    return -1;
}

float dp_weights_range(const nn_model *m, const dp_wpage *pg)
{
    nn_tensor t;
    if (!m || pg->layer < 0 || dp_weights_tensor(m, pg->layer, &t) != 0)
        return 1.0f;
    float most = 0.0f;
    if (pg->kind == DP_WPAGE_MAPSUM) {
        /* The sums are what is drawn: their range, over every unit. */
        size_t pic = (size_t)pg->ph * (size_t)pg->pw;
        float *s = malloc(pic * sizeof *s);
        if (!s)
            return 1.0f;
        for (int u = 0; u < pg->units; u++)
            if (dp_weights_picture(m, pg, u, 0, s, NULL) == 0)
                for (size_t i = 0; i < pic; i++)
                    most = fmaxf(most, fabsf(s[i]));
        free(s);
    } else {
        /* Every weight of the layer (a kernel the explorer shows may be
         * one the page leaves out). */
        for (size_t i = 0; i < t.count; i++)
            most = fmaxf(most, fabsf(t.data[i]));
    }
    return most > 0.0f ? most : 1.0f;
}

int dp_conv_contrib(const nn_model *m, int layer, const float *in, int o, int x, int y, int n,
                    int *ch, float *val)
{
    nn_tensor t;
    if (!m || !in || n < 1 || dp_weights_tensor(m, layer, &t) != 0 || t.ndim != 4 ||
        nn_model_arch(m)->layer[layer].kind != NN_LAYER_CONV || o < 0 || o >= t.shape[0])
        return 0;
    int src = layer - 1;
    const nn_arch *a = nn_model_arch(m);
    nn_layer_view sh = {-1, NN_LAYER_FLATTEN, a->in_c, a->in_h, a->in_w, 0, NULL};
    if (src >= 0 && nn_layer_shape(m, src, &sh, NULL) != NN_OK)
        return 0;
    int cin = (int)t.shape[1], k = (int)t.shape[2], h = sh.h, w = sh.w, p = k / 2;
    if (sh.c != cin || x < 0 || y < 0 || x >= w || y >= h)
        return 0;
    int got = 0;
    for (int c = 0; c < cin; c++) {
        /* Same padding: the window's pixels outside the map are zeros. */
        const float *wk = t.data + ((size_t)o * (size_t)cin + (size_t)c) * (size_t)(k * k);
        const float *im = in + (size_t)c * (size_t)(h * w);
        double s = 0.0;
        for (int ky = 0; ky < k; ky++) {
            int iy = y + ky - p;
            if (iy < 0 || iy >= h)
                continue;
            for (int kx = 0; kx < k; kx++) {
                int ix = x + kx - p;
                if (ix >= 0 && ix < w)
                    s += (double)wk[ky * k + kx] * (double)im[iy * w + ix];
            }
        }
        float v = (float)s, mag = fabsf(v);
        /* Insertion into the n kept, strongest |contribution| first (ties:
         * the lower channel stays ahead). */
        if (got == n && !(mag > fabsf(val[n - 1])))
            continue;
        int at = got < n ? got++ : n - 1;
        while (at > 0 && mag > fabsf(val[at - 1])) {
            ch[at] = ch[at - 1];
            val[at] = val[at - 1];
            at--;
        }
        ch[at] = c;
        val[at] = v;
    }
    return got;
}
