/* gui_views.c — the window's looks inside the network (issue 15): the layers
 * view (V), the weights view (W) over the panel, the saliency overlay (X)
 * on the canvas and the 28×28 preview, and choosing the output it explains
 * ([ and ], or a click on a bar).  What to show and where is views.c's
 * (no SDL); this file recomputes it when the drawing or the model changed
 * and uploads it into one texture per view; gui_views_draw.c draws them
 * with their captions and bars. */
#include <stdio.h>
#include <stdlib.h>

#include "gui_paint.h"
#include "gui_palette.h"
#include "gui_views_private.h"
#include "keys.h"


#define SAL_EVERY_MS 120.0

int gui_views_create(gui_app *a)
{
    gui_views *g = calloc(1, sizeof *g);
    if (!g) {
        app_message(&a->st, 1, "Out of memory: the layers and weights views are off");
        return -1;
    }
    dp_views_init(&g->v);
    g->stale = 1;
    a->views = g;
    return 0;
}

void gui_views_free(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    if (g->tex)
        SDL_DestroyTexture(g->tex);
    if (g->sal_tex)
        SDL_DestroyTexture(g->sal_tex);
    free(g);
    a->views = NULL;
}

void gui_views_changed(gui_app *a)
{
    if (a->views)
        a->views->stale = a->views->sal_stale = 1;
}

static int active(const gui_views *g)
{
    return g && (g->v.mode != DP_VIEW_OFF || g->v.saliency);
}

/* --------------------------------------------------------------- actions */

static void set_chosen(gui_app *a, int d)
{
    gui_views *g = a->views;
    g->v.chosen = d;
    g->v.saliency = 1;
    g->stale = g->sal_stale = 1;
    app_request_redraw(&a->st);
    if (d < 0)
        app_message(&a->st, 0, "Why: red ink pushed the answer up, blue down "
                               "(gradient \xC3\x97 input) \xC2\xB7 X hides");
    else
        app_message(&a->st, 0, "Why not %d: red where ink would raise it, blue lower "
                               "(input gradient)", d);
}

void gui_views_action(gui_app *a, int action, int key)
{
    gui_views *g = a->views;
    if (!g)
        return;
    app_request_redraw(&a->st);
    g->stale = g->sal_stale = 1;
    switch (action) {
    case DP_ACT_LAYERS:
        g->v.mode = g->v.mode == DP_VIEW_LAYERS ? DP_VIEW_OFF : DP_VIEW_LAYERS;
        if (g->v.mode == DP_VIEW_LAYERS)
            app_message(&a->st, 0, "Layers view \xC2\xB7 click a bar: why (not) that digit "
                                   "\xC2\xB7 V closes");
        break;
    case DP_ACT_WEIGHTS:
        g->v.mode = g->v.mode == DP_VIEW_WEIGHTS ? DP_VIEW_OFF : DP_VIEW_WEIGHTS;
        if (g->v.mode == DP_VIEW_WEIGHTS)
            app_message(&a->st, 0, "Weights: first-layer units, red + blue \xE2\x88\x92 "
                                   "\xC2\xB7 Shift+T: watch them form");
        break;
    case DP_ACT_SALIENCY:
        g->v.saliency = !g->v.saliency;
        if (g->v.saliency)
            set_chosen(a, g->v.chosen);
        break;
    case DP_ACT_CHOOSE_OUTPUT: {
        /* The cycle: top answer, 0, 1, ..., 9, top answer. */
        int d = g->v.chosen + (key == '[' ? -1 : 1);
        d = d < -1 ? 9 : d > 9 ? -1 : d;
        set_chosen(a, d);
        break;
    }
    default:
        break;
    }
}

/* ------------------------------------------------------------- recompute */

/* The view's area: the whole panel (head card and bars), so a cnn's six
 * stages fit; a header line for the buttons on top. */
dp_rect gui_views_panel_rect(const gui_app *a)
{
    /* the panel above the on-screen buttons, which stay usable */
    dp_rect p = a->frame.lay.panel;
    int gap = sc(a, 8);
    if (a->frame.lay.tools.h > 0 && a->frame.lay.tools.y - gap > p.y)
        p.h = a->frame.lay.tools.y - gap - p.y;
    return p;
}

static dp_rect view_area(const gui_app *a)
{
    int pad = sc(a, 12), head = sc(a, 26);
    dp_rect p = gui_views_panel_rect(a);
    dp_rect r = {p.x + pad, p.y + pad + head, p.w - 2 * pad, p.h - 2 * pad - head};
    if (r.w < 1)
        r.w = 1;
    if (r.h < 1)
        r.h = 1;
    return r;
}

static int ensure_tex(gui_app *a, SDL_Texture **t, int *tw, int *th, int w, int h, int nearest)
{
    char err[256];
    if (*t && (*tw != w || *th != h)) {
        SDL_DestroyTexture(*t);
        *t = NULL;
    }
    if (!*t) {
        if (!(*t = gui_make_stream(&a->paint, w, h, nearest, err, sizeof err))) {
            app_message(&a->st, 1, "%s", err);
            return -1;
        }
        *tw = w;
        *th = h;
    }
    return 0;
}

static void upload_saliency(gui_app *a)
{
    gui_views *g = a->views;
    int w = 0, h = 0;
    if (g->sal_tex)
        w = h = INK_SIDE;
    if (ensure_tex(a, &g->sal_tex, &w, &h, INK_SIDE, INK_SIDE, 1) != 0)
        return;
    SDL_SetTextureBlendMode(g->sal_tex, SDL_BLENDMODE_BLEND);
    void *mem;
    int pitch;
    if (SDL_LockTexture(g->sal_tex, NULL, &mem, &pitch) != 0)
        return;
    for (int y = 0; y < INK_SIDE; y++) {
        uint32_t *row = (uint32_t *)((unsigned char *)mem + (size_t)y * (size_t)pitch);
        for (int x = 0; x < INK_SIDE; x++)
            row[x] = dp_argb_overlay(g->v.sal[y * INK_SIDE + x]);
    }
    SDL_UnlockTexture(g->sal_tex);
}

/* Brings the views up to date with the drawing and the model: one forward
 * pass keeping every layer, the saliency when shown, and the view's
 * picture.  Runs when something changed, never merely because a frame is
 * drawn. */
void gui_views_refresh(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect area = view_area(a);
    int moved = area.x != g->area.x || area.y != g->area.y || area.w != g->area.w ||
                area.h != g->area.h;
    Uint64 t0 = SDL_GetPerformanceCounter();
    double now_ms = (double)t0 * 1000.0 / (double)SDL_GetPerformanceFrequency();
    int drawing = a->input.ptr_mode == GUI_PTR_DRAW || a->input.finger_down;
    int sal_due = g->v.saliency && g->sal_stale && (!drawing || now_ms - g->sal_t >= SAL_EVERY_MS);
    if (!active(g) || (!g->stale && !moved && !sal_due && g->model == a->st.model))
        return;
    /* A deferred saliency comes back on the next frames: keep them coming. */
    if (g->v.saliency && g->sal_stale && !sal_due)
        app_request_redraw(&a->st);
    nn_error err;
    const nn_model *m = a->st.model;
    /* Cheap, and a model installed at a freed one's address is another. */
    dp_views_stages(&g->v, m);
    g->model = m;
    g->area = area;
    int valid = a->st.pred.valid;
    /* Saliency: the canvas mapping and the gradient. */
    if (sal_due) {
        g->v.sal_valid = 0;
        g->sal_stale = 0;
        g->sal_t = now_ms;
        if (m && valid) {
            dp_views_canvas_map(&g->v, a->st.canvas_pix, a->st.canvas_side);
            if (dp_views_saliency(&g->v, m, a->st.input, a->st.pred.top, &err) != 0)
                app_message(&a->st, 1, "Saliency: %s", err.msg);
            else
                upload_saliency(a);
        }
    }
    if (g->v.mode != DP_VIEW_OFF &&
        ensure_tex(a, &g->tex, &g->tex_w, &g->tex_h, area.w, area.h, 1) == 0) {
        /* Opaque: a plain copy, no blending per pixel. */
        SDL_SetTextureBlendMode(g->tex, SDL_BLENDMODE_NONE);
        void *mem;
        int pitch;
        if (SDL_LockTexture(g->tex, NULL, &mem, &pitch) == 0) {
            int cap_h = sc(a, 17), gap = sc(a, 2) > 0 ? sc(a, 2) : 1;
            if (g->v.mode == DP_VIEW_LAYERS) {
                nn_layer_view lv[NN_MAX_LAYERS];
                const nn_layer_view *views = NULL;
                if (m && a->st.ws && nn_forward_layers(m, a->st.ws, a->st.input, lv, &err) == NN_OK)
                    views = lv;
                if (views)
                    dp_views_select(&g->v, views);
                dp_views_place(&g->v, area, cap_h, gap);
                /* An empty canvas shows empty maps, not the blank input's. */
                dp_views_paint_layers(&g->v, valid ? views : NULL, a->st.input, area, mem,
                                      pitch / 4, gui_argb(COL_CARD));
            } else {
                dp_views_paint_weights(m, area, cap_h, gap, mem, pitch / 4, gui_argb(COL_CARD),
                                       &g->w_layer, &g->w_units, &g->w_shown);
                g->w_version = a->train.version;
            }
            SDL_UnlockTexture(g->tex);
        }
    }
    g->stale = 0;
    g->last_ms = (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 /
                 (double)SDL_GetPerformanceFrequency();
    g->max_ms = g->last_ms > g->max_ms ? g->last_ms : g->max_ms;
    g->recomputes++;
}

/* ----------------------------------------------------------------- input */

static int inside(dp_rect r, float px, float py)
{
    return px >= (float)r.x && py >= (float)r.y && px < (float)(r.x + r.w) &&
           py < (float)(r.y + r.h);
}

int gui_views_click(gui_app *a, float px, float py)
{
    gui_views *g = a->views;
    if (!g)
        return 0;
    static const int act[PILL_N] = {DP_ACT_LAYERS, DP_ACT_WEIGHTS, DP_ACT_SALIENCY, 0};
    for (int i = 0; i < PILL_N; i++) {
        if (!g->pill_on[i] || !inside(g->pill[i], px, py))
            continue;
        if (i == PILL_CLOSE) {
            g->v.mode = DP_VIEW_OFF;
            app_request_redraw(&a->st);
        } else {
            gui_views_action(a, act[i], 0);
        }
        return 1;
    }
    if (g->v.mode == DP_VIEW_OFF && g->toggle_on && inside(g->toggle, px, py)) {
        gui_views_action(a, DP_ACT_LAYERS, 0);
        return 1;
    }
    if (g->v.mode == DP_VIEW_LAYERS) {
        int d = dp_views_bar_at(&g->v, (int)px, (int)py);
        if (d >= 0) {
            set_chosen(a, d == g->v.chosen ? -1 : d);
            return 1;
        }
    }
    if (g->v.mode != DP_VIEW_OFF)
        return inside(gui_views_panel_rect(a), px, py);
    if (a->frame.bars_drawn.w > 0 && inside(a->frame.bars_drawn, px, py)) {
        int top, row_h;
        dp_bar_rows(&a->frame.lay, a->frame.bars_drawn, &top, &row_h);
        int d = row_h > 0 && py >= (float)top ? (int)((py - (float)top) / (float)row_h) : -1;
        if (d >= 0 && d < 10) {
            set_chosen(a, d == g->v.chosen ? -1 : d);
            return 1;
        }
    }
    return 0;
}

/* --------------------------------------------------------- script mode */

int gui_views_bar_point(gui_app *a, int d, float *px, float *py)
{
    gui_views *g = a->views;
    if (!g || d < 0 || d > 9)
        return -1;
    if (g->v.mode == DP_VIEW_LAYERS) {
        dp_rect r = dp_views_bar_rect(&g->v, d);
        if (r.w <= 0)
            return -1;
        *px = (float)r.x + (float)r.w / 2.0f;
        *py = (float)r.y + (float)r.h / 2.0f;
        return 0;
    }
    if (g->v.mode != DP_VIEW_OFF)
        return -1;
    int top, row_h;
    dp_bar_rows(&a->frame.lay, a->frame.bars_drawn, &top, &row_h);
    *px = (float)a->frame.bars_drawn.x + (float)a->frame.bars_drawn.w / 2.0f;
    *py = (float)top + ((float)d + 0.5f) * (float)row_h;
    return 0;
}

int gui_views_toggle_point(gui_app *a, float *px, float *py)
{
    gui_views *g = a->views;
    dp_rect r;
    if (!g)
        return -1;
    if (g->v.mode == DP_VIEW_OFF && g->toggle_on)
        r = g->toggle;
    else if (g->v.mode != DP_VIEW_OFF && g->pill_on[PILL_CLOSE])
        r = g->pill[PILL_CLOSE];
    else
        return -1;
    *px = (float)r.x + (float)r.w / 2.0f;
    *py = (float)r.y + (float)r.h / 2.0f;
    return 0;
}

void gui_views_print(const gui_app *a)
{
    const gui_views *g = a->views;
    if (!g)
        return;
    static const char *const modes[] = {"off", "layers", "weights"};
    printf("views: frame=%llu mode=%s saliency=%d chosen=%d sal_valid=%d sal_output=%d sal_method=%s "
           "map=%d recomputes=%u last_ms=%.2f max_ms=%.2f",
           (unsigned long long)a->script.stats.frames, modes[g->v.mode], g->v.saliency, g->v.chosen, g->v.sal_valid, g->v.sal_output,
           g->v.sal_gradient_only ? "gradient" : "gradient_x_input", g->v.map_valid,
           g->recomputes, g->last_ms, g->max_ms);
    if (g->v.mode == DP_VIEW_WEIGHTS)
        printf(" weights_layer=%d weights_units=%d weights_shown=%d weights_version=%u",
               g->w_layer, g->w_units, g->w_shown, g->w_version);
    for (int s = 0; s < g->v.n_stages; s++) {
        const dp_stage *st = &g->v.stage[s];
        printf(" stage%d=\"%s|%s|%d/%d\"", s, st->name, st->shape, st->n_shown, st->c);
    }
    printf("\n");
    fflush(stdout);
}

int gui_views_mode(const gui_app *a, int *saliency, int *chosen)
{
    const gui_views *g = a->views;
    *saliency = g ? g->v.saliency : 0;
    *chosen = g ? g->v.chosen : -1;
    return g ? (int)g->v.mode : 0;
}
