/* gui_views.c — the window's looks inside the network (issue 15): the layers
 * view (V), the weights view (W) over the panel, the saliency overlay (X)
 * on the canvas and the 28×28 preview, and choosing the output it explains
 * ([ and ], or a click on a bar).  What to show and where is views.c's
 * (no SDL); this file recomputes it when the drawing or the model changed,
 * uploads it into one texture per view and draws captions and bars. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_internal.h"
#include "keys.h"
#include "views.h"

/* The window's palette (gui_draw.h) where the views share its look. */
static const SDL_Color COL_CARD = {34, 37, 45, 255};
static const SDL_Color COL_BORDER = {52, 57, 68, 255};
static const SDL_Color COL_TEXT = {228, 231, 237, 255};
static const SDL_Color COL_DIM = {138, 145, 158, 255};
static const SDL_Color COL_TRACK = {46, 50, 60, 255};
static const SDL_Color COL_BAR = {92, 100, 118, 255};
static const SDL_Color COL_ACCENT = {72, 199, 142, 255};
static const SDL_Color COL_UNSURE = {240, 180, 70, 255};
static const SDL_Color COL_CHOSEN = {236, 120, 96, 255};
#define VIEW_BG 0xFF22252Du /* COL_CARD as ARGB */

#define SAL_EVERY_MS 120.0

enum { PILL_LAYERS, PILL_WEIGHTS, PILL_WHY, PILL_CLOSE, PILL_N };

typedef struct gui_views {
    dp_views v;
    int stale;                 /* recompute before the next draw */
    const nn_model *model;     /* the model the stages were made for */
    dp_rect area;              /* where the view's picture was placed */
    SDL_Texture *tex;          /* the view's picture (panel-sized) */
    int tex_w, tex_h;
    SDL_Texture *sal_tex;      /* 28×28 overlay */
    /* The weights view's caption facts (dp_views_paint_weights). */
    int w_layer, w_units, w_shown;
    unsigned w_version;
    /* On-screen buttons as last drawn (clicks test these). */
    dp_rect pill[PILL_N];
    int pill_on[PILL_N];
    dp_rect toggle;            /* the LAYERS button on the bar chart */
    int toggle_on;
    /* The saliency waits while a stroke is being drawn (a cnn's gradient
     * costs a few ms): at most every SAL_EVERY_MS, and at the stroke's end. */
    int sal_stale;
    double sal_t;
    /* Recompute cost, for the scripted test's report. */
    double last_ms, max_ms;
    unsigned recomputes;
} gui_views;

static int sc(const gui_app *a, float v)
{
    return gui_sc(&a->paint, v);
}

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
    a->st.dirty = 1;
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
    a->st.dirty = 1;
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
static dp_rect view_panel(const gui_app *a)
{
    /* the panel above the on-screen buttons, which stay usable */
    dp_rect p = a->lay.panel;
    int gap = sc(a, 8);
    if (a->lay.tools.h > 0 && a->lay.tools.y - gap > p.y)
        p.h = a->lay.tools.y - gap - p.y;
    return p;
}

static dp_rect view_area(const gui_app *a)
{
    int pad = sc(a, 12), head = sc(a, 26);
    dp_rect p = view_panel(a);
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
static void refresh(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect area = view_area(a);
    int moved = area.x != g->area.x || area.y != g->area.y || area.w != g->area.w ||
                area.h != g->area.h;
    Uint64 t0 = SDL_GetPerformanceCounter();
    double now_ms = (double)t0 * 1000.0 / (double)SDL_GetPerformanceFrequency();
    int drawing = a->ptr_mode == GUI_PTR_DRAW || a->finger_down;
    int sal_due = g->v.saliency && g->sal_stale && (!drawing || now_ms - g->sal_t >= SAL_EVERY_MS);
    if (!active(g) || (!g->stale && !moved && !sal_due && g->model == a->st.model))
        return;
    /* A deferred saliency comes back on the next frames: keep them coming. */
    if (g->v.saliency && g->sal_stale && !sal_due)
        a->st.dirty = 1;
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
                                      pitch / 4, VIEW_BG);
            } else {
                dp_views_paint_weights(m, area, cap_h, gap, mem, pitch / 4, VIEW_BG, &g->w_layer,
                                       &g->w_units, &g->w_shown);
                g->w_version = a->bg_version;
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

/* ------------------------------------------------------------------ draw */

static int text(gui_app *a, int font, SDL_Color c, const char *s, int x, int y, int align)
{
    return gui_text(&a->paint, font, c, s, x, y, align, 1);
}

void gui_views_canvas(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    refresh(a);
    if (!g->v.saliency)
        return;
    SDL_Rect c = gui_rect(a->lay.canvas);
    char buf[160];
    if (g->v.sal_valid && g->v.map_valid && g->sal_tex && a->st.canvas_side > 0) {
        float k = (float)c.w / (float)a->st.canvas_side;
        SDL_Rect r = {c.x + (int)lroundf(g->v.map_x * k), c.y + (int)lroundf(g->v.map_y * k),
                      (int)lroundf(g->v.map_px * k * INK_SIDE),
                      (int)lroundf(g->v.map_px * k * INK_SIDE)};
        SDL_RenderSetClipRect(a->paint.ren, &c);
        SDL_RenderCopy(a->paint.ren, g->sal_tex, NULL, &r);
        SDL_RenderSetClipRect(a->paint.ren, NULL);
    }
    /* What the colours mean, in the canvas's top-left corner. */
    if (!a->st.pred.valid)
        snprintf(buf, sizeof buf, "why: draw a digit");
    else if (g->v.sal_gradient_only)
        snprintf(buf, sizeof buf, "what moves %d: red ink would raise it, blue lower "
                                  "(input gradient)", g->v.sal_output);
    else
        snprintf(buf, sizeof buf, "why %d: red pushed it up, blue down (gradient \xC3\x97 input)",
                 g->v.sal_output);
    int pad = sc(a, 8), h = sc(a, 20);
    int w = gui_text_width(&a->paint, GUI_FONT_SMALL, buf) + 2 * pad;
    if (w > c.w)
        w = c.w;
    SDL_Rect bg = {c.x, c.y, w, h};
    gui_fill_rect(&a->paint, bg, (SDL_Color){8, 9, 12, 190});
    SDL_RenderSetClipRect(a->paint.ren, &c);
    text(a, GUI_FONT_SMALL, COL_TEXT, buf, c.x + pad, c.y + h / 2, AL_LEFT);
    SDL_RenderSetClipRect(a->paint.ren, NULL);
}

void gui_views_preview(gui_app *a, SDL_Rect r)
{
    gui_views *g = a->views;
    if (g && g->v.saliency && g->v.sal_valid && g->sal_tex)
        SDL_RenderCopy(a->paint.ren, g->sal_tex, NULL, &r);
}

/* A small button; its rectangle is kept for clicks. */
static int pill(gui_app *a, dp_rect *keep, const char *label, int x, int cy, int on, int align)
{
    int w = gui_text_width(&a->paint, GUI_FONT_CAPTION, label) + sc(a, 14);
    int h = sc(a, 18);
    if (align == AL_RIGHT)
        x -= w;
    SDL_Rect r = {x, cy - h / 2, w, h};
    gui_fill_round(&a->paint, r, (float)h / 2.0f, on ? COL_ACCENT : COL_TRACK);
    gui_text(&a->paint, GUI_FONT_CAPTION, on ? COL_CARD : COL_TEXT, label, x + w / 2, cy,
             AL_CENTER, 1);
    *keep = (dp_rect){r.x, r.y, r.w, r.h};
    return w;
}

static void draw_header(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect p = view_panel(a);
    int pad = sc(a, 12), cy = p.y + pad + sc(a, 10), x = p.x + pad;
    static const char *const names[PILL_N] = {"LAYERS", "WEIGHTS", "WHY", "\xC3\x97"};
    int on[PILL_N] = {g->v.mode == DP_VIEW_LAYERS, g->v.mode == DP_VIEW_WEIGHTS,
                      g->v.saliency, 0};
    for (int i = 0; i < PILL_CLOSE; i++) {
        x += pill(a, &g->pill[i], names[i], x, cy, on[i], AL_LEFT) + sc(a, 6);
        g->pill_on[i] = 1;
    }
    pill(a, &g->pill[PILL_CLOSE], names[PILL_CLOSE], p.x + p.w - pad, cy, 0, AL_RIGHT);
    g->pill_on[PILL_CLOSE] = 1;
}

static void draw_view_bars(gui_app *a, const dp_stage *st)
{
    gui_views *g = a->views;
    const app_prediction *p = &a->st.pred;
    char buf[16];
    int lab_h = sc(a, 16);
    for (int d = 0; d < st->cols && d < 10; d++) {
        dp_rect s = dp_views_bar_rect(&g->v, d);
        int bw = s.w * 3 / 5 > 2 ? s.w * 3 / 5 : 2;
        int track_h = s.h - lab_h - sc(a, 2);
        if (track_h < 2)
            continue;
        SDL_Rect track = {s.x + (s.w - bw) / 2, s.y, bw, track_h};
        int is_top = p->valid && p->top == d;
        SDL_Color hi = p->unsure ? COL_UNSURE : COL_ACCENT;
        if (g->v.chosen == d) {
            int b = sc(a, 2) > 1 ? sc(a, 2) : 1;
            gui_fill_rect(&a->paint, (SDL_Rect){track.x - b, track.y - b, track.w + 2 * b,
                                                track.h + 2 * b}, COL_CHOSEN);
        }
        gui_fill_rect(&a->paint, track, COL_TRACK);
        float v = p->valid ? p->y[d] : 0.0f;
        int fh = (int)lroundf((float)track_h * (v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v));
        if (fh > 0)
            gui_fill_rect(&a->paint, (SDL_Rect){track.x, track.y + track_h - fh, bw, fh},
                          is_top ? hi : COL_BAR);
        snprintf(buf, sizeof buf, "%d", d);
        text(a, is_top ? GUI_FONT_BOLD : GUI_FONT_SMALL,
             g->v.chosen == d ? COL_CHOSEN : is_top ? hi : COL_TEXT, buf, s.x + s.w / 2,
             s.y + s.h - lab_h / 2, AL_CENTER);
    }
}

static void draw_layers(gui_app *a)
{
    gui_views *g = a->views;
    char buf[96];
    if (g->v.n_stages == 0)
        text(a, GUI_FONT_SMALL, COL_DIM, "no model loaded", g->area.x, g->area.y + sc(a, 9),
             AL_LEFT);
    for (int s = 0; s < g->v.n_stages; s++) {
        const dp_stage *st = &g->v.stage[s];
        int cy = st->caption.y + st->caption.h / 2;
        if (st->caption.y + st->caption.h > g->area.y + g->area.h)
            break;
        int lw = text(a, GUI_FONT_CAPTION, COL_TEXT, st->name, st->caption.x, cy, AL_LEFT);
        if (st->n_shown < st->c)
            snprintf(buf, sizeof buf, "%s \xC2\xB7 %d most active", st->shape, st->n_shown);
        else
            snprintf(buf, sizeof buf, "%s", st->shape);
        /* The shape only where it does not run into the name. */
        if (gui_text_width(&a->paint, GUI_FONT_CAPTION, buf) + lw + sc(a, 10) <= st->caption.w)
            text(a, GUI_FONT_CAPTION, COL_DIM, buf, st->caption.x + st->caption.w, cy, AL_RIGHT);
        if (st->kind == DP_STAGE_BARS)
            draw_view_bars(a, st);
    }
}

static void draw_weights(gui_app *a)
{
    gui_views *g = a->views;
    char buf[160];
    if (g->w_layer < 0) {
        text(a, GUI_FONT_SMALL, COL_DIM, a->st.model ? "this model has no weights to show"
                                                     : "no model loaded",
             g->area.x, g->area.y + sc(a, 9), AL_LEFT);
        return;
    }
    const nn_layer_spec *L = &nn_model_arch(a->st.model)->layer[g->w_layer];
    if (L->kind == NN_LAYER_CONV)
        snprintf(buf, sizeof buf, "conv%dk%d \xC2\xB7 %d filters %d\xC3\x97%d", L->units, L->k,
                 g->w_units, L->k, L->k);
    else
        snprintf(buf, sizeof buf, "fc%d \xC2\xB7 each unit's input weights", L->units);
    if (g->w_shown < g->w_units) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, " (first %d)", g->w_shown);
    }
    int lw = text(a, GUI_FONT_CAPTION, COL_TEXT, buf, g->area.x, g->area.y + sc(a, 8), AL_LEFT);
    if (a->training || a->bg_version) {
        snprintf(buf, sizeof buf, "%sv%u", a->training ? "training " : "", a->bg_version);
        if (lw + gui_text_width(&a->paint, GUI_FONT_CAPTION, buf) + sc(a, 10) <= g->area.w)
            text(a, GUI_FONT_CAPTION, a->training ? COL_ACCENT : COL_DIM, buf,
                 g->area.x + g->area.w, g->area.y + sc(a, 8), AL_RIGHT);
    }
}

/* The LAYERS button in the bar chart's caption line, between the caption
 * and the threshold, where there is room. */
void gui_views_bars_toggle(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect r = a->bars_drawn;
    g->toggle_on = 0;
    if (g->v.mode != DP_VIEW_OFF || r.w <= 0)
        return;
    int pad = sc(a, DP_BARS_PAD);
    int cap_w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "SIGMOID OUTPUTS");
    int right_w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "threshold 100%");
    int x = r.x + pad + cap_w + sc(a, 10);
    int w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "LAYERS") + sc(a, 14);
    g->toggle_on = x + w + sc(a, 10) <= r.x + r.w - pad - right_w;
    if (g->toggle_on)
        pill(a, &g->toggle, "LAYERS", x, r.y + pad + sc(a, 7), 0, AL_LEFT);
}

/* The chosen output on the window's own bar chart: a frame round its row. */
static void draw_chosen_row(gui_app *a)
{
    gui_views *g = a->views;
    if (g->v.chosen < 0)
        return;
    int top, row_h;
    dp_bar_rows(&a->lay, a->bars_drawn, &top, &row_h);
    if (row_h < 4)
        return;
    dp_rect r = a->bars_drawn;
    SDL_Rect f = {r.x + sc(a, 6), top + g->v.chosen * row_h, r.w - sc(a, 12), row_h};
    SDL_SetRenderDrawColor(a->paint.ren, COL_CHOSEN.r, COL_CHOSEN.g, COL_CHOSEN.b, 255);
    SDL_RenderDrawRect(a->paint.ren, &f);
}

int gui_views_open(const gui_app *a)
{
    return a->views && a->views->v.mode != DP_VIEW_OFF;
}

void gui_views_panel(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    refresh(a);
    for (int i = 0; i < PILL_N; i++)
        g->pill_on[i] = 0;
    if (g->v.mode == DP_VIEW_OFF) {
        draw_chosen_row(a);
        return;
    }
    g->toggle_on = 0;
    gui_card(&a->paint, gui_rect(view_panel(a)), COL_BORDER, COL_CARD);
    draw_header(a);
    if (g->tex)
        SDL_RenderCopy(a->paint.ren, g->tex, NULL, &(SDL_Rect){g->area.x, g->area.y, g->tex_w,
                                                               g->tex_h});
    if (g->v.mode == DP_VIEW_LAYERS)
        draw_layers(a);
    else
        draw_weights(a);
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
            a->st.dirty = 1;
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
        return inside(view_panel(a), px, py);
    if (a->bars_drawn.w > 0 && inside(a->bars_drawn, px, py)) {
        int top, row_h;
        dp_bar_rows(&a->lay, a->bars_drawn, &top, &row_h);
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
    dp_bar_rows(&a->lay, a->bars_drawn, &top, &row_h);
    *px = (float)a->bars_drawn.x + (float)a->bars_drawn.w / 2.0f;
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
           (unsigned long long)a->stats.frames, modes[g->v.mode], g->v.saliency, g->v.chosen, g->v.sal_valid, g->v.sal_output,
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
