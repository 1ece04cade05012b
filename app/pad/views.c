/* views.c — the layers view, the weights view and the saliency overlay
 * without SDL (see views.h): stages from the architecture, the top-64
 * choice, placement and the saliency rule; the views' pixels are painted
 * by views_paint.c. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dp_views_init(dp_views *v)
{
    memset(v, 0, sizeof *v);
    v->mode = DP_VIEW_OFF;
    v->chosen = -1;
    v->sal_output = -1;
    /* The measured best per question (docs/model.md: the insertion and
     * deletion figures), not the raw gradient's salt and pepper. */
    v->sal_method = DP_SAL_BEST;
    v->sal_shown = NN_ATTR_IG;
}

/* ---------------------------------------------------------------- stages */

void dp_layer_token(const nn_layer_spec *s, char *buf, size_t len)
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
        dp_layer_token(&a->layer[i], tok, sizeof tok);
        if (is_activation(k) && i > 0 && is_weighted(a->layer[i - 1].kind)) {
            dp_layer_token(&a->layer[i - 1], prev, sizeof prev);
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

/* ------------------------------------------------------------- placement */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Places every stage with map tiles of width t and an input tile in_side
 * wide (0: from t); returns the bottom. */
static int place_with(dp_views *v, dp_rect area, int cap_h, int gap, int t, int in_side)
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
            int side = in_side > 0 ? in_side : clampi(2 * t, 28, W / 3 > 28 ? W / 3 : 28);
            side = side > W ? W : side;
            side = side >= 28 ? side / 28 * 28 : side;
            st->tile_w = st->tile_h = side;
            st->cols = 1;
            bh = side;
            break;
        }
        case DP_STAGE_MAPS: {
            /* A whole number of screen pixels per map pixel once a tile is
             * at least as wide as the map, so every map reads sharp. */
            st->tile_w = st->w > 0 && t >= st->w ? t / st->w * st->w : t;
            st->tile_h = st->w > 0 ? clampi(st->tile_w * st->h / st->w, 1, 4 * t) : t;
            st->cols = clampi((W + gap) / (st->tile_w + gap), 1, n > 0 ? n : 1);
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

/* The inspector: right of the input tile, as high as it. */
static void place_inspector(dp_views *v, int gap)
{
    v->inspect = (dp_rect){0, 0, 0, 0};
    if (v->n_stages < 1 || v->stage[0].kind != DP_STAGE_INPUT)
        return;
    const dp_stage *in = &v->stage[0];
    int sep = 4 * gap > 8 ? 4 * gap : 8;
    dp_rect r = {in->body.x + in->tile_w + sep, in->body.y, in->body.w - in->tile_w - sep,
                 in->tile_h};
    if (r.w >= 24 && r.h >= 8)
        v->inspect = r;
}

int dp_views_place(dp_views *v, dp_rect area, int cap_h, int gap)
{
    /* Map tiles from a quarter of the width (at most 6 px per pixel of a
     * 28×28 map) down to 4. */
    int t0 = clampi(area.w / 4, 4, 168);
    for (int t = t0; t >= 4; t--) {
        int bottom = place_with(v, area, cap_h, gap, t, 0);
        if (bottom > area.y + area.h)
            continue;
        /* Room left over: a larger input first (the receptive field reads
         * better there, and the inspector beside it gets its height), at
         * whole screen px per input pixel, up to a third of the width... */
        dp_stage *in = v->n_stages > 0 && v->stage[0].kind == DP_STAGE_INPUT ? &v->stage[0] : NULL;
        if (in) {
            int most = area.w / 3 < 6 * INK_SIDE ? area.w / 3 : 6 * INK_SIDE;
            int side = (in->tile_w + area.y + area.h - bottom) / INK_SIDE * INK_SIDE;
            side = side < most ? side : most / INK_SIDE * INK_SIDE;
            if (side > in->tile_w)
                bottom = place_with(v, area, cap_h, gap, t, side);
        }
        /* ...then taller bars, up to a third. */
        dp_stage *last = v->n_stages > 0 ? &v->stage[v->n_stages - 1] : NULL;
        if (last && last->kind == DP_STAGE_BARS) {
            int grow = area.y + area.h - bottom, most = area.h / 3 - last->body.h;
            grow = grow < most ? grow : most;
            if (grow > 0) {
                last->body.h += grow;
                last->tile_h += grow;
            }
        }
        place_inspector(v, gap);
        return 0;
    }
    place_with(v, area, cap_h, gap, 4, 0);
    place_inspector(v, gap);
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

/* -------------------------------------------------------------- saliency */

nn_status dp_attribution(const nn_model *m, const float *x, int k, int gradient_only,
                         nn_attr_method method, float out[INK_INPUT_SIZE], float *logit,
                         nn_error *err)
{
    if (m && nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE)
        return nn_fail(err, NN_ESHAPE, "saliency: the model's input is not 28x28");
    nn_attr_config c;
    nn_attr_config_defaults(&c, method);
    c.path_gradient = gradient_only;
    nn_status s = nn_input_attribution(m, x, k, &c, out, logit, err);
    if (s != NN_OK)
        return s;
    /* IG already carries its × (x − baseline). */
    if (!gradient_only && method != NN_ATTR_IG)
        for (int i = 0; i < INK_INPUT_SIZE; i++)
            out[i] *= x[i];
    return NN_OK;
}

nn_status dp_saliency(const nn_model *m, const float *x, int k, int gradient_only,
                      nn_attr_method method, float out[INK_INPUT_SIZE], float *logit,
                      nn_error *err)
{
    nn_status s = dp_attribution(m, x, k, gradient_only, method, out, logit, err);
    if (s != NN_OK)
        return s;
    float most = 0.0f;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        most = fabsf(out[i]) > most ? fabsf(out[i]) : most;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        out[i] = most > 0.0f ? out[i] / most : 0.0f;
    return NN_OK;
}

const char *dp_saliency_method_label(nn_attr_method method)
{
    return method == NN_ATTR_RAW ? "raw gradient"
           : method == NN_ATTR_IG ? "integrated gradients"
                                  : "SmoothGrad";
}

void dp_views_saliency_set(dp_views *v, const float sal[INK_INPUT_SIZE], float logit, int k,
                           int gradient_only, nn_attr_method method)
{
    memcpy(v->sal, sal, sizeof v->sal);
    v->sal_logit = logit;
    v->sal_valid = 1;
    v->sal_output = k;
    v->sal_gradient_only = gradient_only;
    v->sal_shown = method;
}

nn_attr_method dp_saliency_best(int gradient_only)
{
    return gradient_only ? NN_ATTR_SMOOTHGRAD : NN_ATTR_IG;
}

int dp_views_saliency(dp_views *v, const nn_model *m, const float *x, int top, nn_error *err)
{
    v->sal_valid = 0;
    int k = v->chosen >= 0 ? v->chosen : top;
    if (!m || k < 0)
        return 0;
    float sal[INK_INPUT_SIZE], logit = 0.0f;
    nn_attr_method how = v->sal_method == DP_SAL_BEST ? dp_saliency_best(v->chosen >= 0)
                                                      : (nn_attr_method)v->sal_method;
    if (dp_saliency(m, x, k, v->chosen >= 0, how, sal, &logit, err) != NN_OK)
        return -1;
    dp_views_saliency_set(v, sal, logit, k, v->chosen >= 0, how);
    return 0;
}

void dp_views_canvas_map(dp_views *v, const float *pix, int side)
{
    v->map_valid = 0;
    ink_placement pl;
    if (side < 1 || !ink_normalize_placement(pix, side, side, &pl))
        return;
    const double s = pl.scale; /* input px per canvas px */
    /* Input coordinate u = COM + (X - comX)·s, so pixel 0's left edge is at
     * X = comX - COM/s, and each input pixel is 1/s canvas pixels. */
    v->map_px = (float)(1.0 / s);
    v->map_x = (float)(pl.com_x - INK_COM / s);
    v->map_y = (float)(pl.com_y - INK_COM / s);
    v->map_valid = 1;
}

/* ------------------------------------------------------ pointing at a unit */

dp_unit dp_views_unit_at(const dp_views *v, int px, int py)
{
    dp_unit none = {-1, 0, 0, 0};
    for (int s = 0; s < v->n_stages; s++) {
        const dp_stage *st = &v->stage[s];
        dp_rect b = st->body;
        if (px < b.x || py < b.y || px >= b.x + b.w || py >= b.y + b.h || st->tile_w < 1 ||
            st->tile_h < 1)
            continue;
        int dx = px - b.x, dy = py - b.y;
        switch (st->kind) {
        case DP_STAGE_INPUT:
            if (dx >= st->tile_w || dy >= st->tile_h)
                return none;
            return (dp_unit){s, 0, dx * INK_SIDE / st->tile_w, dy * INK_SIDE / st->tile_h};
        case DP_STAGE_MAPS: {
            int col = dx / (st->tile_w + st->gap), row = dy / (st->tile_h + st->gap);
            int ox = dx - col * (st->tile_w + st->gap), oy = dy - row * (st->tile_h + st->gap);
            int i = row * st->cols + col;
            if (col >= st->cols || ox >= st->tile_w || oy >= st->tile_h || i >= st->n_shown)
                return none;
            return (dp_unit){s, st->shown[i], ox * st->w / st->tile_w, oy * st->h / st->tile_h};
        }
        case DP_STAGE_CELLS: {
            int i = dy / st->tile_h * st->cols + dx / st->tile_w;
            if (dx / st->tile_w >= st->cols || i >= st->n_shown)
                return none;
            return (dp_unit){s, st->shown[i], 0, 0};
        }
        case DP_STAGE_BARS: {
            int d = dx / st->tile_w;
            return d < st->cols ? (dp_unit){s, d, 0, 0} : none;
        }
        }
    }
    return none;
}

/* The place of channel c in stage st's shown list, or -1. */
static int shown_index(const dp_stage *st, int c)
{
    for (int i = 0; i < st->n_shown; i++)
        if (st->shown[i] == c)
            return i;
    return -1;
}

/* The width and height of a stage's units as the pointer sees them: a
 * map's pixels, the input's, 1×1 for a cell or an output. */
static void unit_dims(const dp_stage *st, int *w, int *h)
{
    int maps = st->kind == DP_STAGE_MAPS || st->kind == DP_STAGE_INPUT;
    *w = maps && st->w > 0 ? st->w : 1;
    *h = maps && st->h > 0 ? st->h : 1;
}

/* Unit u moved into stage t from above (dy > 0) or below: the same
 * channel where t shows it, else the same place in t's list; the pixel
 * at the same place in the map (at t's edge it came in by, unless jump). */
static dp_unit enter_stage(const dp_views *v, dp_unit u, int t, int dy, int jump)
{
    const dp_stage *from = &v->stage[u.stage], *to = &v->stage[t];
    int fw, fh, tw, th;
    unit_dims(from, &fw, &fh);
    unit_dims(to, &tw, &th);
    dp_unit r = {t, 0, u.x * tw / fw, u.y * th / fh};
    if (!jump && from->kind != DP_STAGE_CELLS && from->kind != DP_STAGE_BARS)
        r.y = dy > 0 ? 0 : th - 1;
    if (to->kind == DP_STAGE_BARS) {
        r.c = clampi(shown_index(from, u.c) >= 0 ? shown_index(from, u.c) : 0, 0, to->c - 1);
    } else if (to->kind != DP_STAGE_INPUT && to->n_shown > 0) {
        int i = shown_index(to, u.c);
        if (i < 0) {
            i = from->kind == DP_STAGE_BARS ? u.c : shown_index(from, u.c);
            i = clampi(i, 0, to->n_shown - 1);
        }
        r.c = to->shown[i];
    }
    if (to->kind == DP_STAGE_CELLS || to->kind == DP_STAGE_BARS)
        r.x = r.y = 0;
    return r;
}

dp_unit dp_views_step(const dp_views *v, dp_unit u, int dx, int dy, int jump)
{
    if (v->n_stages < 1)
        return (dp_unit){-1, 0, 0, 0};
    if (u.stage < 0 || u.stage >= v->n_stages) {
        int t = v->n_stages > 1 ? 1 : 0;
        const dp_stage *st = &v->stage[t];
        int w, h;
        unit_dims(st, &w, &h);
        dp_unit r = {t, st->kind == DP_STAGE_INPUT || st->n_shown < 1 ? 0 : st->shown[0],
                     w / 2, h / 2};
        if (st->kind == DP_STAGE_BARS)
            r.c = 0;
        return r;
    }
    const dp_stage *st = &v->stage[u.stage];
    int w, h;
    unit_dims(st, &w, &h);
    if (dy != 0) {
        int y = u.y + dy;
        if (!jump && y >= 0 && y < h) {
            u.y = y;
            return u;
        }
        int t = u.stage + (dy > 0 ? 1 : -1);
        return t >= 0 && t < v->n_stages ? enter_stage(v, u, t, dy, jump) : u;
    }
    if (dx == 0)
        return u;
    if (st->kind == DP_STAGE_BARS) {
        u.c = clampi(u.c + dx, 0, st->c - 1);
        return u;
    }
    if (st->kind == DP_STAGE_INPUT) {
        u.x = clampi(u.x + dx, 0, w - 1);
        return u;
    }
    int i = shown_index(st, u.c);
    if (i < 0)
        i = 0;
    if (st->kind == DP_STAGE_MAPS && !jump && u.x + dx >= 0 && u.x + dx < w) {
        u.x += dx;
        return u;
    }
    /* Along the list: the next map (its first pixel of the row, or the
     * same pixel when jumping), the next cell. */
    int j = i + dx;
    if (j < 0 || j >= st->n_shown)
        return u;
    u.c = st->shown[j];
    if (st->kind == DP_STAGE_MAPS && !jump)
        u.x = dx > 0 ? 0 : w - 1;
    return u;
}

int dp_views_receptive(const dp_views *v, const nn_model *m, dp_unit u, int *x0, int *y0,
                       int *x1, int *y1)
{
    if (!m || u.stage < 0 || u.stage >= v->n_stages)
        return -1;
    const nn_arch *a = nn_model_arch(m);
    const dp_stage *st = &v->stage[u.stage];
    int ax = u.x, ay = u.y, bx = u.x, by = u.y;
    if (st->kind == DP_STAGE_INPUT) {
        *x0 = *x1 = u.x;
        *y0 = *y1 = u.y;
        return 0;
    }
    for (int i = st->layer; i >= 0; i--) {
        const nn_layer_spec *L = &a->layer[i];
        nn_layer_view in;
        if (i > 0)
            nn_layer_shape(m, i - 1, &in, NULL);
        else
            in = (nn_layer_view){-1, NN_LAYER_FLATTEN, a->in_c, a->in_h, a->in_w, 0, NULL};
        if (L->kind == NN_LAYER_DENSE) {
            ax = ay = 0; /* it sees all of its input, and so the whole image */
            bx = a->in_w - 1;
            by = a->in_h - 1;
            break;
        }
        if (L->kind == NN_LAYER_CONV) {
            ax -= L->k / 2;
            ay -= L->k / 2;
            bx += L->k / 2;
            by += L->k / 2;
        } else if (L->kind == NN_LAYER_MAXPOOL) {
            ax *= 2;
            ay *= 2;
            bx = 2 * bx + 1;
            by = 2 * by + 1;
        }
        ax = ax < 0 ? 0 : ax;
        ay = ay < 0 ? 0 : ay;
        bx = bx > in.w - 1 ? in.w - 1 : bx;
        by = by > in.h - 1 ? in.h - 1 : by;
    }
    *x0 = ax;
    *y0 = ay;
    *x1 = bx;
    *y1 = by;
    return 0;
}

/* Keeps the n largest (sign +1) or most negative (sign -1) of vals. */
static void keep_top(const float *vals, int count, int sign, int n, int *idx, float *val,
                     int *got)
{
    *got = 0;
    for (int j = 0; j < count; j++) {
        float x = vals[j] * (float)sign;
        if (x <= 0.0f)
            continue;
        int at = *got < n ? (*got)++ : n;
        if (at == n) {
            if (x <= val[n - 1] * (float)sign)
                continue;
            at = n - 1;
        }
        while (at > 0 && x > val[at - 1] * (float)sign) {
            idx[at] = idx[at - 1];
            val[at] = val[at - 1];
            at--;
        }
        idx[at] = j;
        val[at] = vals[j];
    }
}

int dp_views_inputs(const dp_views *v, const nn_model *m, dp_unit u, int n, int *pos_idx,
                    float *pos_val, int *npos, int *neg_idx, float *neg_val, int *nneg)
{
    *npos = *nneg = 0;
    if (!m || n < 1 || u.stage < 0 || u.stage >= v->n_stages)
        return -1;
    const nn_arch *a = nn_model_arch(m);
    const dp_stage *st = &v->stage[u.stage];
    if (st->layer < 0)
        return -1;
    /* The weighted layer behind the stage: the stage shows an activation's
     * output, its weights are one layer before. */
    int li = st->layer;
    while (li >= 0 && a->layer[li].kind != NN_LAYER_DENSE && a->layer[li].kind != NN_LAYER_CONV) {
        if (a->layer[li].kind == NN_LAYER_MAXPOOL || a->layer[li].kind == NN_LAYER_FLATTEN)
            return -1; /* a pool has no weights of its own */
        li--;
    }
    nn_tensor t;
    if (li < 0 || dp_weights_tensor(m, li, &t) != 0)
        return -1;
    if (a->layer[li].kind == NN_LAYER_DENSE) {
        size_t in = t.ndim == 2 ? (size_t)t.shape[1] : 0;
        if (in == 0 || (size_t)u.c >= (size_t)t.shape[0])
            return -1;
        const float *row = t.data + (size_t)u.c * in;
        keep_top(row, (int)in, 1, n, pos_idx, pos_val, npos);
        keep_top(row, (int)in, -1, n, neg_idx, neg_val, nneg);
        return 0;
    }
    /* conv: (out, in, k, k); per input channel the sum of the filter's
     * weights (what a uniform patch of that channel would add). */
    int cin = (int)t.shape[1], k = (int)t.shape[2];
    if (t.ndim != 4 || u.c >= t.shape[0] || cin < 2)
        return -1; /* one input channel: the filter itself is the whole story */
    float *sum = calloc((size_t)cin, sizeof *sum);
    if (!sum)
        return -1;
    for (int c = 0; c < cin; c++)
        for (int j = 0; j < k * k; j++)
            sum[c] += t.data[((size_t)u.c * (size_t)cin + (size_t)c) * (size_t)(k * k) + (size_t)j];
    keep_top(sum, cin, 1, n, pos_idx, pos_val, npos);
    keep_top(sum, cin, -1, n, neg_idx, neg_val, nneg);
    free(sum);
    return 0;
}
