/* views.c — the layers view, the weights view and the saliency overlay
 * without SDL (see views.h): stages from the architecture, the top-64
 * choice, placement, the view's pixels and the saliency rule. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ink_normalize's constants that are not in ink.h (ink/normalize.c): the
 * threshold that counts a pixel as ink and where the centre of mass goes. */
#define VIEW_INK_EPS 0.01f
#define VIEW_INK_COM 14.5f

void dp_views_init(dp_views *v)
{
    memset(v, 0, sizeof *v);
    v->mode = DP_VIEW_OFF;
    v->chosen = -1;
    v->sal_output = -1;
}

/* ---------------------------------------------------------------- stages */

/* A layer's item of the spec, as nn_arch_parse reads it (bias aside). */
static void layer_token(const nn_layer_spec *s, char *buf, size_t len)
{
    switch (s->kind) {
    case NN_LAYER_DENSE: snprintf(buf, len, "fc%d", s->units); break;
    case NN_LAYER_CONV: snprintf(buf, len, "conv%dk%d", s->units, s->k); break;
    case NN_LAYER_MAXPOOL: snprintf(buf, len, "pool"); break;
    case NN_LAYER_RELU: snprintf(buf, len, "relu"); break;
    case NN_LAYER_SIGMOID: snprintf(buf, len, "sigmoid"); break;
    case NN_LAYER_FLATTEN: snprintf(buf, len, "flatten"); break;
    }
}

static int is_weighted(nn_layer_kind k)
{
    return k == NN_LAYER_DENSE || k == NN_LAYER_CONV;
}

static int is_activation(nn_layer_kind k)
{
    return k == NN_LAYER_RELU || k == NN_LAYER_SIGMOID;
}

void dp_views_stages(dp_views *v, const nn_model *m)
{
    v->n_stages = 0;
    if (!m)
        return;
    const nn_arch *a = nn_model_arch(m);
    dp_stage *st = &v->stage[v->n_stages++];
    memset(st, 0, sizeof *st);
    st->kind = DP_STAGE_INPUT;
    st->layer = -1;
    st->c = a->in_c;
    st->h = a->in_h;
    st->w = a->in_w;
    st->n_shown = 1;
    snprintf(st->name, sizeof st->name, "input");
    snprintf(st->shape, sizeof st->shape, "%d\xC3\x97%d", a->in_h, a->in_w);
    for (int i = 0; i < a->n_layers && v->n_stages < DP_VIEW_MAX_STAGES; i++) {
        nn_layer_kind k = a->layer[i].kind;
        if (k == NN_LAYER_FLATTEN)
            continue;
        /* A conv or dense layer is shown after its activation. */
        if (is_weighted(k) && i + 1 < a->n_layers && is_activation(a->layer[i + 1].kind))
            continue;
        nn_layer_view lv;
        if (nn_layer_shape(m, i, &lv, NULL) != NN_OK)
            continue;
        st = &v->stage[v->n_stages++];
        memset(st, 0, sizeof *st);
        st->layer = i;
        st->c = lv.c;
        st->h = lv.h;
        st->w = lv.w;
        char tok[32], prev[32];
        layer_token(&a->layer[i], tok, sizeof tok);
        if (is_activation(k) && i > 0 && is_weighted(a->layer[i - 1].kind)) {
            layer_token(&a->layer[i - 1], prev, sizeof prev);
            snprintf(st->name, sizeof st->name, "%s \xC2\xB7 %s", prev, tok);
        } else {
            snprintf(st->name, sizeof st->name, "%s", tok);
        }
        if (i == a->n_layers - 1) {
            st->kind = DP_STAGE_BARS;
            snprintf(st->shape, sizeof st->shape, "%d outputs", lv.c);
        } else if (lv.h * lv.w > 1) {
            st->kind = DP_STAGE_MAPS;
            snprintf(st->shape, sizeof st->shape, "%d map%s %d\xC3\x97%d", lv.c,
                     lv.c == 1 ? "" : "s", lv.h, lv.w);
        } else {
            st->kind = DP_STAGE_CELLS;
            snprintf(st->shape, sizeof st->shape, "%d unit%s", lv.c, lv.c == 1 ? "" : "s");
        }
        st->n_shown = lv.c < DP_VIEW_MAX_UNITS ? lv.c : DP_VIEW_MAX_UNITS;
        for (int j = 0; j < st->n_shown; j++)
            st->shown[j] = j;
    }
}

int dp_top_active(const float *data, int c, int hw, int k, int *idx)
{
    if (k > c)
        k = c;
    if (k <= 0 || hw <= 0)
        return 0;
    /* Insertion into a list kept sorted by score (best first): c·k steps,
     * a few thousand for the layers a window shows. */
    float score[DP_VIEW_MAX_UNITS];
    int n = 0;
    if (k > DP_VIEW_MAX_UNITS)
        k = DP_VIEW_MAX_UNITS;
    for (int ch = 0; ch < c; ch++) {
        const float *p = data + (size_t)ch * (size_t)hw;
        double sum = 0.0;
        for (int i = 0; i < hw; i++)
            sum += fabsf(p[i]);
        float sc = (float)(sum / hw);
        if (n == k && !(sc > score[n - 1]))
            continue; /* not better than the worst kept (ties: lower index stays) */
        int at = n < k ? n++ : k - 1;
        while (at > 0 && sc > score[at - 1]) {
            score[at] = score[at - 1];
            idx[at] = idx[at - 1];
            at--;
        }
        score[at] = sc;
        idx[at] = ch;
    }
    /* Ascending channel order, so a tile keeps its place while the choice
     * changes only at the margin. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && idx[j] < idx[j - 1]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return n;
}

void dp_views_select(dp_views *v, const nn_layer_view *views)
{
    for (int s = 0; s < v->n_stages; s++) {
        dp_stage *st = &v->stage[s];
        if (st->layer < 0 || st->kind == DP_STAGE_BARS || st->c <= DP_VIEW_MAX_UNITS)
            continue;
        const nn_layer_view *lv = &views[st->layer];
        if (lv->data)
            st->n_shown = dp_top_active(lv->data, lv->c, lv->h * lv->w, DP_VIEW_MAX_UNITS,
                                        st->shown);
    }
}

/* ---------------------------------------------------------------- colours */

void dp_bytes_unsigned(const float *x, size_t n, float max, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        float t = max > 0.0f ? x[i] / max : 0.0f;
        t = t > 0.0f ? (t < 1.0f ? t : 1.0f) : 0.0f; /* NaN -> 0 */
        out[i] = (uint8_t)lroundf(t * 255.0f);
    }
}

void dp_bytes_signed(const float *x, size_t n, float m, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        float t = m > 0.0f ? x[i] / m : 0.0f;
        t = t > -1.0f ? (t < 1.0f ? t : 1.0f) : (t <= -1.0f ? -1.0f : 0.0f);
        out[i] = (uint8_t)lroundf(128.0f + 127.0f * t);
    }
}

static uint32_t argb(unsigned a, unsigned r, unsigned g, unsigned b)
{
    return (uint32_t)a << 24 | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

/* The window's paper {12,13,17} to ink {245,246,250} (gui_draw.c). */
uint32_t dp_argb_grey(uint8_t v)
{
    unsigned r = 12u + (233u * v + 127u) / 255u;
    return argb(255, r, r + 1u, r + 5u);
}

/* Red for up, blue for down, from a dark neutral at 128 (the view's
 * background is dark, so zero recedes and both signs stand out). */
uint32_t dp_argb_diverging(uint8_t v)
{
    int d = (int)v - 128;
    unsigned t = (unsigned)(d < 0 ? -d : d) * 2u; /* 0..256 */
    if (t > 255u)
        t = 255u;
    unsigned base = 28u;
    if (d >= 0)
        return argb(255, base + (227u * t) / 255u, base + (60u * t) / 255u,
                    base + (40u * t) / 255u);
    return argb(255, base + (40u * t) / 255u, base + (110u * t) / 255u,
                base + (227u * t) / 255u);
}

uint32_t dp_argb_overlay(float s)
{
    float m = fabsf(s);
    if (!(m <= 1.0f))
        m = m > 1.0f ? 1.0f : 0.0f; /* NaN -> nothing */
    /* Faint values stay almost clear: |s| below 5% is noise of the scale. */
    unsigned a = m < 0.05f ? 0u : (unsigned)lroundf(40.0f + 195.0f * m);
    return s >= 0.0f ? argb(a, 240, 60, 50) : argb(a, 50, 130, 245);
}

/* ------------------------------------------------------------- placement */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Places every stage with map tiles of width t; returns the bottom. */
static int place_with(dp_views *v, dp_rect area, int cap_h, int gap, int t)
{
    int y = area.y, W = area.w;
    int bars_h = clampi(area.h / 6, 3 * cap_h, 6 * cap_h);
    for (int s = 0; s < v->n_stages; s++) {
        dp_stage *st = &v->stage[s];
        st->gap = gap;
        st->caption = (dp_rect){area.x, y, W, cap_h};
        y += cap_h;
        int n = st->n_shown, bh = 0;
        switch (st->kind) {
        case DP_STAGE_INPUT: {
            /* A whole number of screen pixels per input pixel. */
            int side = clampi(2 * t, 28, W / 3 > 28 ? W / 3 : 28);
            side = side > W ? W : side;
            side = side >= 28 ? side / 28 * 28 : side;
            st->tile_w = st->tile_h = side;
            st->cols = 1;
            bh = side;
            break;
        }
        case DP_STAGE_MAPS: {
            st->tile_w = t;
            st->tile_h = st->w > 0 ? clampi(t * st->h / st->w, 1, 4 * t) : t;
            st->cols = clampi((W + gap) / (t + gap), 1, n > 0 ? n : 1);
            int rows = n > 0 ? (n + st->cols - 1) / st->cols : 0;
            bh = rows > 0 ? rows * (st->tile_h + gap) - gap : 0;
            break;
        }
        case DP_STAGE_CELLS: {
            /* One row when every cell gets 3 px, else rows of 3-px cells. */
            st->cols = n > 0 && W / n >= 3 ? n : clampi(W / 3, 1, n > 0 ? n : 1);
            st->tile_w = W / st->cols;
            st->tile_h = clampi(t / 2, 6, 24);
            int rows = n > 0 ? (n + st->cols - 1) / st->cols : 0;
            bh = rows * st->tile_h;
            break;
        }
        case DP_STAGE_BARS:
            st->cols = st->c > 0 ? st->c : 1;
            st->tile_w = W / st->cols;
            st->tile_h = bars_h;
            bh = bars_h;
            break;
        }
        st->body = (dp_rect){area.x, y, W, bh};
        y += bh + gap;
    }
    return y - gap;
}

int dp_views_place(dp_views *v, dp_rect area, int cap_h, int gap)
{
    /* Map tiles from a quarter of the width (at most 96 px) down to 4. */
    int t0 = clampi(area.w / 4, 4, 96);
    for (int t = t0; t >= 4; t--) {
        int bottom = place_with(v, area, cap_h, gap, t);
        if (bottom > area.y + area.h)
            continue;
        /* Room left over (a small network): taller bars, up to a third. */
        dp_stage *last = v->n_stages > 0 ? &v->stage[v->n_stages - 1] : NULL;
        if (last && last->kind == DP_STAGE_BARS) {
            int grow = area.y + area.h - bottom, most = area.h / 3 - last->body.h;
            grow = grow < most ? grow : most;
            if (grow > 0) {
                last->body.h += grow;
                last->tile_h += grow;
            }
        }
        return 0;
    }
    place_with(v, area, cap_h, gap, 4);
    return -1;
}

static const dp_stage *bar_stage(const dp_views *v)
{
    for (int s = 0; s < v->n_stages; s++)
        if (v->stage[s].kind == DP_STAGE_BARS)
            return &v->stage[s];
    return NULL;
}

dp_rect dp_views_bar_rect(const dp_views *v, int d)
{
    const dp_stage *st = bar_stage(v);
    if (!st || d < 0 || d >= st->cols)
        return (dp_rect){0, 0, 0, 0};
    return (dp_rect){st->body.x + d * st->tile_w, st->body.y, st->tile_w, st->body.h};
}

int dp_views_bar_at(const dp_views *v, int px, int py)
{
    const dp_stage *st = bar_stage(v);
    if (!st)
        return -1;
    for (int d = 0; d < st->cols; d++) {
        dp_rect r = dp_views_bar_rect(v, d);
        if (px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h)
            return d;
    }
    return -1;
}

void dp_bar_rows(const dp_layout *l, dp_rect bars, int *top, int *row_h)
{
    int pad = dp_layout_px(l, DP_BARS_PAD);
    *top = bars.y + pad + dp_layout_px(l, DP_BARS_CAPTION);
    if (*top < bars.y + pad + 14) /* below the caption's 8 px floor */
        *top = bars.y + pad + 14;
    *row_h = (bars.y + bars.h - pad - *top) / 10;
}

/* ---------------------------------------------------------------- pixels */

static void fill(uint32_t *argb_px, int pitch, dp_rect area, dp_rect r, uint32_t c)
{
    int x0 = r.x - area.x, y0 = r.y - area.y;
    int x1 = x0 + r.w, y1 = y0 + r.h;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > area.w ? area.w : x1;
    y1 = y1 > area.h ? area.h : y1;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            argb_px[(size_t)y * (size_t)pitch + (size_t)x] = c;
}

/* Source alpha over an opaque destination. */
static uint32_t blend(uint32_t dst, uint32_t src)
{
    unsigned a = src >> 24, na = 255u - a;
    unsigned r = (((src >> 16) & 255u) * a + ((dst >> 16) & 255u) * na) / 255u;
    unsigned g = (((src >> 8) & 255u) * a + ((dst >> 8) & 255u) * na) / 255u;
    unsigned b = ((src & 255u) * a + (dst & 255u) * na) / 255u;
    return argb(255, r, g, b);
}

/* A h×w picture of bytes into rectangle r, nearest neighbour; overlay (if
 * non-NULL, h×w saliency values) blended on top. */
static void blit(uint32_t *px, int pitch, dp_rect area, dp_rect r, const uint8_t *b, int h, int w,
                 uint32_t (*colour)(uint8_t), const float *overlay)
{
    for (int y = 0; y < r.h; y++) {
        int ay = r.y - area.y + y;
        if (ay < 0 || ay >= area.h)
            continue;
        int sy = y * h / r.h;
        for (int x = 0; x < r.w; x++) {
            int ax = r.x - area.x + x;
            if (ax < 0 || ax >= area.w)
                continue;
            int sx = x * w / r.w, i = sy * w + sx;
            uint32_t c = colour(b[i]);
            if (overlay)
                c = blend(c, dp_argb_overlay(overlay[i]));
            px[(size_t)ay * (size_t)pitch + (size_t)ax] = c;
        }
    }
}

/* One scale for a stage's shown channels: the largest value (all >= 0) or
 * the largest magnitude (signed). */
static void stage_scale(const dp_stage *st, const float *data, float *scale, int *is_signed)
{
    size_t hw = (size_t)st->h * (size_t)st->w;
    float lo = 0.0f, hi = 0.0f;
    for (int j = 0; j < st->n_shown; j++) {
        const float *p = data + (size_t)st->shown[j] * hw;
        for (size_t i = 0; i < hw; i++) {
            lo = p[i] < lo ? p[i] : lo;
            hi = p[i] > hi ? p[i] : hi;
        }
    }
    *is_signed = lo < 0.0f;
    *scale = *is_signed ? (-lo > hi ? -lo : hi) : hi;
}

void dp_views_paint_layers(const dp_views *v, const nn_layer_view *views, const float *input,
                           dp_rect area, uint32_t *px, int pitch, uint32_t bg)
{
    fill(px, pitch, area, area, bg);
    uint8_t b[INK_INPUT_SIZE];
    for (int s = 0; s < v->n_stages; s++) {
        const dp_stage *st = &v->stage[s];
        if (st->kind == DP_STAGE_INPUT) {
            if (st->h * st->w != INK_INPUT_SIZE || !input)
                continue;
            dp_bytes_unsigned(input, INK_INPUT_SIZE, 1.0f, b);
            dp_rect r = {st->body.x, st->body.y, st->tile_w, st->tile_h};
            blit(px, pitch, area, r, b, st->h, st->w, dp_argb_grey,
                 v->saliency && v->sal_valid ? v->sal : NULL);
            continue;
        }
        if (st->kind == DP_STAGE_BARS || !views || !views[st->layer].data)
            continue;
        const float *data = views[st->layer].data;
        float scale;
        int sgn;
        stage_scale(st, data, &scale, &sgn);
        uint32_t (*colour)(uint8_t) = sgn ? dp_argb_diverging : dp_argb_grey;
        size_t hw = (size_t)st->h * (size_t)st->w;
        for (int j = 0; j < st->n_shown; j++) {
            const float *p = data + (size_t)st->shown[j] * hw;
            int col = j % st->cols, row = j / st->cols;
            if (st->kind == DP_STAGE_MAPS) {
                uint8_t *mb = malloc(hw);
                if (!mb)
                    return;
                if (sgn)
                    dp_bytes_signed(p, hw, scale, mb);
                else
                    dp_bytes_unsigned(p, hw, scale, mb);
                dp_rect r = {st->body.x + col * (st->tile_w + st->gap),
                             st->body.y + row * (st->tile_h + st->gap), st->tile_w, st->tile_h};
                blit(px, pitch, area, r, mb, st->h, st->w, colour, NULL);
                free(mb);
            } else { /* cells: one value each, a 1-px seam between them */
                uint8_t one;
                if (sgn)
                    dp_bytes_signed(p, 1, scale, &one);
                else
                    dp_bytes_unsigned(p, 1, scale, &one);
                int seam = st->tile_w >= 4 ? 1 : 0;
                dp_rect r = {st->body.x + col * st->tile_w, st->body.y + row * st->tile_h,
                             st->tile_w - seam, st->tile_h - 1};
                fill(px, pitch, area, r, colour(one));
            }
        }
    }
}

/* The first layer with weights and its weight tensor; -1 if none. */
static int first_weights(const nn_model *m, nn_tensor *t)
{
    size_t n = nn_model_tensor_count(m);
    for (size_t i = 0; i < n; i++) {
        if (nn_model_tensor(m, i, t) != NN_OK)
            return -1;
        const char *dot = strchr(t->name, '.');
        if (dot && strcmp(dot, ".weight") == 0 && (t->ndim == 2 || t->ndim == 4))
            return atoi(t->name);
    }
    return -1;
}

int dp_views_paint_weights(const nn_model *m, dp_rect area, int cap_h, int gap, uint32_t *px,
                           int pitch, uint32_t bg, int *layer, int *n_units, int *n_shown)
{
    fill(px, pitch, area, area, bg);
    *layer = -1;
    *n_units = *n_shown = 0;
    nn_tensor t;
    int li = m ? first_weights(m, &t) : -1;
    if (li < 0)
        return -1;
    /* The picture of one unit: a filter's k×k of input channel 0, or a
     * dense unit's inputs in the shape of the layer below. */
    int units = (int)t.shape[0], ph, pw;
    size_t stride;
    if (t.ndim == 4) {
        ph = (int)t.shape[2];
        pw = (int)t.shape[3];
        stride = (size_t)(t.count / (size_t)units);
    } else {
        stride = (size_t)t.shape[1];
        const nn_arch *a = nn_model_arch(m);
        int h = a->in_h, w = a->in_w;
        nn_layer_view below;
        if (li > 0 && nn_layer_shape(m, li - 1, &below, NULL) == NN_OK) {
            h = below.h;
            w = below.w;
        }
        if ((size_t)h * (size_t)w > stride || h < 1 || w < 1) {
            h = 1;
            w = (int)stride;
        }
        ph = h;
        pw = w;
    }
    int n = units < DP_VIEW_MAX_WEIGHTS ? units : DP_VIEW_MAX_WEIGHTS;
    *layer = li;
    *n_units = units;
    *n_shown = n;
    int W = area.w, H = area.h - cap_h;
    int tile = 0, cols = 1;
    for (int ts = W < H ? W : H; ts >= 2; ts--) {
        cols = (W + gap) / (ts + gap);
        if (cols < 1)
            continue;
        int rows = (n + cols - 1) / cols;
        if (rows * (ts + gap) - gap <= H) {
            tile = ts;
            break;
        }
    }
    if (tile == 0) {
        tile = 2;
        cols = W / 3 > 0 ? W / 3 : 1;
    }
    int tile_h = pw > 0 ? tile * ph / pw : tile;
    if (tile_h < 1)
        tile_h = 1;
    size_t pic = (size_t)ph * (size_t)pw;
    uint8_t *b = malloc(pic);
    if (!b)
        return -1;
    for (int u = 0; u < n; u++) {
        const float *w = t.data + (size_t)u * stride;
        float most = 0.0f;
        for (size_t i = 0; i < pic; i++)
            most = fabsf(w[i]) > most ? fabsf(w[i]) : most;
        dp_bytes_signed(w, pic, most, b);
        dp_rect r = {area.x + (u % cols) * (tile + gap),
                     area.y + cap_h + (u / cols) * (tile_h + gap), tile, tile_h};
        blit(px, pitch, area, r, b, ph, pw, dp_argb_diverging, NULL);
    }
    free(b);
    return 0;
}

/* -------------------------------------------------------------- saliency */

nn_status dp_saliency(const nn_model *m, const float *x, int k, int gradient_only,
                      float out[INK_INPUT_SIZE], float *logit, nn_error *err)
{
    if (m && nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE)
        return nn_fail(err, NN_ESHAPE, "saliency: the model's input is not 28x28");
    nn_status s = nn_input_gradient(m, x, k, out, logit, err);
    if (s != NN_OK)
        return s;
    float most = 0.0f;
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        if (!gradient_only)
            out[i] *= x[i];
        most = fabsf(out[i]) > most ? fabsf(out[i]) : most;
    }
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        out[i] = most > 0.0f ? out[i] / most : 0.0f;
    return NN_OK;
}

int dp_views_saliency(dp_views *v, const nn_model *m, const float *x, int top, nn_error *err)
{
    v->sal_valid = 0;
    int k = v->chosen >= 0 ? v->chosen : top;
    if (!m || k < 0)
        return 0;
    if (dp_saliency(m, x, k, v->chosen >= 0, v->sal, &v->sal_logit, err) != NN_OK)
        return -1;
    v->sal_valid = 1;
    v->sal_output = k;
    v->sal_gradient_only = v->chosen >= 0;
    return 0;
}

void dp_views_canvas_map(dp_views *v, const float *pix, int side)
{
    v->map_valid = 0;
    if (!pix || side < 1)
        return;
    int x0 = side, x1 = -1, y0 = side, y1 = -1;
    double m = 0.0, mx = 0.0, my = 0.0;
    for (int y = 0; y < side; y++) {
        const float *row = pix + (size_t)y * (size_t)side;
        for (int x = 0; x < side; x++) {
            float p = row[x];
            if (!(p > VIEW_INK_EPS))
                continue;
            p = p > 1.0f ? 1.0f : p;
            x0 = x < x0 ? x : x0;
            x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0;
            y1 = y > y1 ? y : y1;
            m += p;
            mx += p * (x + 0.5);
            my += p * (y + 0.5);
        }
    }
    if (x1 < 0 || m <= 0.0)
        return;
    double big = x1 - x0 + 1 > y1 - y0 + 1 ? x1 - x0 + 1 : y1 - y0 + 1;
    double floor_px = INK_MIN_EXTENT * side;
    double s = (double)INK_FIT / (big > floor_px ? big : floor_px); /* input px per canvas px */
    /* Input coordinate u = COM + (X - comX)·s, so pixel 0's left edge is at
     * X = comX - COM/s, and each input pixel is 1/s canvas pixels. */
    v->map_px = (float)(1.0 / s);
    v->map_x = (float)(mx / m - VIEW_INK_COM / s);
    v->map_y = (float)(my / m - VIEW_INK_COM / s);
    v->map_valid = 1;
}
