/* gui_views_unit.c — the explorer's pointing at a unit (issue 30): which
 * unit the mouse, a tap or the arrow keys point at, what the status line
 * says of it (value, receptive field, strongest inputs), the values kept
 * from the views' forward pass that it reads, and the inspector's
 * pictures beside the input tile (a conv pixel's filter, or the kernels
 * of the input maps that fed it most; a dense unit's input weights).
 * Separate from gui_views.c, which recomputes the views and takes the
 * clicks (and calls this), and gui_views_draw.c, which draws. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_paint.h"
#include "gui_palette.h"
#include "gui_views_private.h"

/* -------------------------------------------------- the values, kept */

void gui_views_keep_acts(gui_views *g, const nn_model *m, const nn_layer_view *lv)
{
    g->act_ok = 0;
    if (!m || !lv)
        return;
    int n = nn_model_arch(m)->n_layers;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += lv[i].size;
    if (total > g->act_cap) {
        float *p = realloc(g->act, total * sizeof *p);
        if (!p)
            return; /* the values stay unknown: the status line says less */
        g->act = p;
        g->act_cap = total;
    }
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        g->act_lv[i] = lv[i];
        if (lv[i].data)
            memcpy(g->act + at, lv[i].data, lv[i].size * sizeof *g->act);
        g->act_lv[i].data = g->act + at;
        at += lv[i].size;
    }
    g->act_ok = 1;
    g->insp_stale = 1;
}

/* The value of unit u for the current input, from the kept values. */
static int unit_value(gui_app *a, dp_unit u, float *out)
{
    gui_views *g = a->views;
    const dp_stage *st = &g->v.stage[u.stage];
    if (st->kind == DP_STAGE_INPUT) {
        *out = a->st.input[u.y * INK_SIDE + u.x];
        return 0;
    }
    if (!g->act_ok || st->layer < 0 || !a->st.model ||
        st->layer >= nn_model_arch(a->st.model)->n_layers)
        return -1;
    const nn_layer_view *L = &g->act_lv[st->layer];
    size_t i = (size_t)u.c * (size_t)(L->h * L->w) + (size_t)(u.y * L->w + u.x);
    if (i >= L->size)
        return -1;
    *out = L->data[i];
    return 0;
}

/* ---------------------------------------------------------- in words */

/* The weighted layer behind stage st (the stage shows its activation's
 * output): its arch index, or -1 (the input, a pool). */
static int weighted_layer(const nn_model *m, const dp_stage *st)
{
    const nn_arch *ar = nn_model_arch(m);
    int li = st->layer;
    while (li >= 0 && ar->layer[li].kind != NN_LAYER_DENSE && ar->layer[li].kind != NN_LAYER_CONV) {
        if (ar->layer[li].kind == NN_LAYER_MAXPOOL || ar->layer[li].kind == NN_LAYER_FLATTEN)
            return -1;
        li--;
    }
    return li;
}

/* Where input i of a weighted layer comes from, in words: a pixel, a map
 * pixel or a unit of the layer before. */
static void input_name(const gui_app *a, int stage, int i, char *buf, size_t len)
{
    const dp_stage *st = &a->views->v.stage[stage];
    const nn_arch *ar = nn_model_arch(a->st.model);
    int li = st->layer;
    while (li > 0 && ar->layer[li].kind != NN_LAYER_DENSE && ar->layer[li].kind != NN_LAYER_CONV)
        li--;
    /* What the layer reads: past a flatten, the maps before it. */
    int src = li - 1;
    while (src >= 0 && ar->layer[src].kind == NN_LAYER_FLATTEN)
        src--;
    nn_layer_view in;
    if (src >= 0 && nn_layer_shape(a->st.model, src, &in, NULL) == NN_OK) {
        if (ar->layer[li].kind == NN_LAYER_CONV)
            snprintf(buf, len, "map %d", i);
        else if (in.h > 1 || in.w > 1)
            snprintf(buf, len, "map %d (%d,%d)", i / (in.h * in.w), i % in.w, i / in.w % in.h);
        else
            snprintf(buf, len, "unit %d", i);
    } else {
        snprintf(buf, len, "pixel (%d,%d)", i % INK_SIDE, i / INK_SIDE);
    }
}

void gui_views_describe(gui_app *a)
{
    gui_views *g = a->views;
    dp_unit u = g->unit;
    g->insp_stale = 1;
    if (u.stage < 0 || u.stage >= g->v.n_stages || !a->st.model)
        return;
    const dp_stage *st = &g->v.stage[u.stage];
    char where[64], feeds[256] = "", rf[48] = "";
    if (st->kind == DP_STAGE_MAPS)
        snprintf(where, sizeof where, "map %d (%d,%d)", u.c, u.x, u.y);
    else if (st->kind == DP_STAGE_INPUT)
        snprintf(where, sizeof where, "pixel (%d,%d)", u.x, u.y);
    else if (st->kind == DP_STAGE_BARS)
        snprintf(where, sizeof where, "output %d", u.c);
    else
        snprintf(where, sizeof where, "unit %d", u.c);
    float val = 0.0f;
    int have = unit_value(a, u, &val) == 0;
    g->unit_value = have ? val : 0.0f;
    int x0, y0, x1, y1;
    if (st->kind == DP_STAGE_MAPS &&
        dp_views_receptive(&g->v, a->st.model, u, &x0, &y0, &x1, &y1) == 0)
        snprintf(rf, sizeof rf, " \xC2\xB7 sees input %d\xE2\x80\x93%d \xC3\x97 %d\xE2\x80\x93%d",
                 x0, x1, y0, y1);
    int pi[3], ni[3], np, nn;
    float pv[3], nv[3];
    if (dp_views_inputs(&g->v, a->st.model, u, 3, pi, pv, &np, ni, nv, &nn) == 0) {
        size_t k = 0;
        char nm[40];
        for (int i = 0; i < np && k < sizeof feeds; i++) {
            input_name(a, u.stage, pi[i], nm, sizeof nm);
            k += (size_t)snprintf(feeds + k, sizeof feeds - k, "%s%s %+.2f",
                                  i ? ", " : " \xC2\xB7 +: ", nm, (double)pv[i]);
        }
        for (int i = 0; i < nn && k < sizeof feeds; i++) {
            input_name(a, u.stage, ni[i], nm, sizeof nm);
            k += (size_t)snprintf(feeds + k, sizeof feeds - k, "%s%s %+.2f",
                                  i ? ", " : " \xC2\xB7 \xE2\x88\x92: ", nm, (double)nv[i]);
        }
    }
    char value[32] = "";
    if (have)
        snprintf(value, sizeof value, " = %.3f", (double)val);
    app_message(&a->st, 0, "%s%s %s%s%s%s", g->pinned ? "pinned: " : "", st->name, where, value,
                rf, feeds);
    snprintf(g->unit_msg, sizeof g->unit_msg, "%s", a->st.message);
}

/* ------------------------------------------------------- pointing */

static int same_unit(dp_unit x, dp_unit y)
{
    return x.stage == y.stage && x.c == y.c && x.x == y.x && x.y == y.y;
}

void gui_views_motion(gui_app *a, float px, float py)
{
    gui_views *g = a->views;
    if (!g || g->v.mode != DP_VIEW_LAYERS || g->pinned)
        return;
    dp_unit u = dp_views_unit_at(&g->v, (int)px, (int)py);
    if (same_unit(u, g->unit))
        return;
    g->unit = u;
    gui_views_describe(a);
    app_request_redraw(&a->st);
}

void gui_views_step_unit(gui_app *a, int dx, int dy, int jump)
{
    gui_views *g = a->views;
    if (g->v.n_stages == 0)
        return;
    /* The keys move the one selection hover and clicks use, and pin it
     * as a click does: the mouse resting on the view must not take it
     * back at its next move. */
    g->unit = dp_views_step(&g->v, g->unit, dx, dy, jump);
    g->pinned = g->unit.stage >= 0;
    gui_views_describe(a);
    app_request_redraw(&a->st);
}

int gui_views_unit_point(gui_app *a, int s, int x, int y, float *px, float *py)
{
    gui_views *g = a->views;
    if (!g || g->v.mode != DP_VIEW_LAYERS || s < 0 || s >= g->v.n_stages)
        return -1;
    const dp_stage *st = &g->v.stage[s];
    if (st->body.w <= 0 || st->tile_w < 1)
        return -1;
    float sx = 0.5f, sy = 0.5f;
    if (st->kind == DP_STAGE_INPUT || st->kind == DP_STAGE_MAPS) {
        int w = st->kind == DP_STAGE_INPUT ? INK_SIDE : st->w;
        int h = st->kind == DP_STAGE_INPUT ? INK_SIDE : st->h;
        if (x < 0 || y < 0 || x >= w || y >= h)
            return -1;
        sx = (float)st->tile_w * ((float)x + 0.5f) / (float)w;
        sy = (float)st->tile_h * ((float)y + 0.5f) / (float)h;
    } else {
        if (x < 0 || x >= st->cols)
            return -1;
        sx = (float)st->tile_w * ((float)x + 0.5f);
        sy = (float)st->tile_h * 0.5f;
    }
    *px = (float)st->body.x + sx;
    *py = (float)st->body.y + sy;
    return 0;
}

dp_unit gui_views_unit(const gui_app *a, int *pinned)
{
    dp_unit none = {-1, 0, 0, 0};
    *pinned = a->views ? a->views->pinned : 0;
    return a->views ? a->views->unit : none;
}

/* ------------------------------------------------------ the inspector */

/* The session's colour range of weighted layer li (fixed when first
 * needed, shared with the weights view). */
float gui_views_layer_range(gui_views *g, const nn_model *m, int li)
{
    if (!m || li < 0 || li >= NN_MAX_LAYERS)
        return 1.0f;
    char spec[sizeof g->w_arch] = "";
    nn_arch_format(nn_model_arch(m), spec, sizeof spec);
    if (strcmp(spec, g->w_arch) != 0) {
        /* Another network: scales of its own. */
        memcpy(g->w_arch, spec, sizeof spec);
        for (int i = 0; i < NN_MAX_LAYERS; i++)
            g->w_range[i] = 0.0f;
    }
    if (!(g->w_range[li] > 0.0f)) {
        dp_wpage pg;
        g->w_range[li] = dp_weights_page(m, li, &pg) == 0 ? dp_weights_range(m, &pg) : 1.0f;
    }
    return g->w_range[li];
}

/* What the inspector shows for the pointed unit: up to DP_WPAGE_TOP
 * pictures of ph×pw values into vals (each DP_INSP_MAX long), their
 * labels and a title; the weighted layer in *li.  0 pictures: nothing
 * (the input, a pool, no model). */
#define DP_INSP_MAX (INK_INPUT_SIZE * 16)
static int inspect(gui_app *a, float *vals, int *ph, int *pw, int *li)
{
    gui_views *g = a->views;
    const nn_model *m = a->st.model;
    dp_unit u = g->unit;
    g->insp_title[0] = '\0';
    for (int i = 0; i < DP_WPAGE_TOP; i++)
        g->insp_label[i][0] = g->insp_mid[i][0] = g->insp_short[i][0] = '\0';
    if (!m || u.stage < 1 || u.stage >= g->v.n_stages)
        return 0;
    const dp_stage *st = &g->v.stage[u.stage];
    *li = weighted_layer(m, st);
    dp_wpage pg;
    if (*li < 0 || dp_weights_page(m, *li, &pg) != 0 || (size_t)pg.ph * (size_t)pg.pw > DP_INSP_MAX)
        return 0;
    const nn_layer_spec *L = &nn_model_arch(m)->layer[*li];
    *ph = pg.ph;
    *pw = pg.pw;
    if (L->kind == NN_LAYER_CONV && pg.kind == DP_WPAGE_FILTERS) {
        snprintf(g->insp_title, sizeof g->insp_title, "filter of map %d, %d\xC3\x97%d", u.c, pg.ph,
                 pg.pw);
        return dp_weights_kernel(m, *li, u.c, 0, vals) == 0;
    }
    if (L->kind == NN_LAYER_CONV) {
        /* The kernels of the input maps that fed this pixel most: kernel
         * times the input it saw, from the kept values. */
        const float *in = *li == 0 ? a->st.input : g->act_ok ? g->act_lv[*li - 1].data : NULL;
        int ch[DP_WPAGE_TOP];
        float cv[DP_WPAGE_TOP];
        int n = dp_conv_contrib(m, *li, in, u.c, u.x, u.y, DP_WPAGE_TOP, ch, cv);
        int got = 0;
        for (int i = 0; i < n; i++)
            if (dp_weights_kernel(m, *li, u.c, ch[i], vals + (size_t)got * DP_INSP_MAX) == 0) {
                snprintf(g->insp_short[got], sizeof g->insp_short[0], "%d", ch[i]);
                snprintf(g->insp_mid[got], sizeof g->insp_mid[0], "%d %+.1f", ch[i], (double)cv[i]);
                snprintf(g->insp_label[got++], sizeof g->insp_label[0], "map %d %+.2f", ch[i],
                         (double)cv[i]);
            }
        snprintf(g->insp_title, sizeof g->insp_title,
                 "map %d's %d strongest inputs here (w \xC3\x97 in)", u.c, got);
        return got;
    }
    /* A dense unit: its input weights in the shape of what it reads. */
    if (u.c < 0 || u.c >= pg.units || dp_weights_picture(m, &pg, u.c, 0, vals, NULL) != 0)
        return 0;
    if (pg.kind == DP_WPAGE_MAPSUM)
        snprintf(g->insp_title, sizeof g->insp_title, "unit %d's weights, summed over %d maps",
                 u.c, pg.in_c);
    else
        snprintf(g->insp_title, sizeof g->insp_title, "unit %d's input weights", u.c);
    return 1;
}

void gui_views_inspector(gui_app *a, int label_h, int gap)
{
    gui_views *g = a->views;
    dp_rect r = g->v.inspect;
    if (!g->insp_stale)
        return;
    g->insp_stale = 0;
    g->insp_n = 0;
    if (r.w < 1 || r.h < 1 || g->v.mode != DP_VIEW_LAYERS)
        return;
    float *vals = malloc((size_t)DP_WPAGE_TOP * DP_INSP_MAX * sizeof *vals);
    if (!vals)
        return;
    int ph = 0, pw = 0, li = -1;
    int n = inspect(a, vals, &ph, &pw, &li);
    char err[256];
    void *mem;
    int pitch;
    if (gui_ensure_stream(&a->paint, &g->insp_tex, &g->insp_w, &g->insp_h, r.w, r.h, 1, err,
                          sizeof err) != 0 ||
        SDL_LockTexture(g->insp_tex, NULL, &mem, &pitch) != 0) {
        free(vals);
        return;
    }
    SDL_SetTextureBlendMode(g->insp_tex, SDL_BLENDMODE_NONE);
    const float *pics[DP_WPAGE_TOP];
    for (int i = 0; i < DP_WPAGE_TOP; i++)
        pics[i] = vals + (size_t)i * DP_INSP_MAX;
    /* Below the title line, a label line above each picture when named. */
    int lab = g->insp_label[0][0] ? label_h : 0;
    dp_rect below = {r.x, r.y + label_h, r.w, r.h - label_h};
    uint32_t bg = gui_argb(COL_CARD);
    uint32_t *px = mem;
    int pp = pitch / 4;
    /* The title's line stays card-coloured: text goes there. */
    for (int y = 0; y < label_h && y < r.h; y++)
        for (int x = 0; x < r.w; x++)
            px[(size_t)y * (size_t)pp + (size_t)x] = bg;
    g->insp_range = n > 0 ? gui_views_layer_range(g, a->st.model, li) : 1.0f;
    if (below.h > 0)
        g->insp_n = dp_views_paint_pictures(pics, n, ph, pw, g->insp_range, below, lab, gap,
                                            px + (size_t)label_h * (size_t)pp, pp, bg,
                                            g->insp_where);
    SDL_UnlockTexture(g->insp_tex);
    free(vals);
}
