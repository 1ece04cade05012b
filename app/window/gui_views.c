/* gui_views.c — the window's looks inside the network (issue 15): the layers
 * view (V), the weights view (W) over the panel, the saliency overlay (X)
 * on the canvas and the 28×28 preview, and choosing the output it explains
 * ([ and ], or a click on a bar).  What to show and where is views.c's
 * (no SDL); this file recomputes it when the drawing or the model changed
 * and uploads it into one texture per view; gui_views_draw.c draws them
 * with their captions and bars. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_paint.h"
#include "gui_palette.h"
#include "bgtrain.h"
#include "gui_views_private.h"
#include "keys.h"
#include "modelcard.h"


#define SAL_EVERY_MS 120.0

/* dp_wpage_kind's names, as print-views and check-weights print them. */
static const char *const WPAGE_KIND[] = {"filters", "kernels", "image", "mapsum", "matrix"};

static void job_join(gui_views *g);

int gui_views_create(gui_app *a)
{
    gui_views *g = calloc(1, sizeof *g);
    if (!g) {
        app_message(&a->st, 1, "Out of memory: the layers and weights views are off");
        return -1;
    }
    dp_views_init(&g->v);
    g->stale = 1;
    g->unit.stage = -1;
    g->w_pg.layer = -1;
    a->views = g;
    return 0;
}

void gui_views_free(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    job_join(g); /* a running job finishes first (tens of ms at most) */
    if (g->tex)
        SDL_DestroyTexture(g->tex);
    if (g->sal_tex)
        SDL_DestroyTexture(g->sal_tex);
    if (g->insp_tex)
        SDL_DestroyTexture(g->insp_tex);
    if (g->ramp_tex)
        SDL_DestroyTexture(g->ramp_tex);
    free(g->act);
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
    const char *how = dp_saliency_method_label(
        g->v.sal_method == DP_SAL_BEST ? dp_saliency_best(d >= 0) : (nn_attr_method)g->v.sal_method);
    if (d < 0)
        app_message(&a->st, 0, "Why: red ink pushed the answer up, blue down (%s) "
                               "\xC2\xB7 M: method \xC2\xB7 X hides", how);
    else
        app_message(&a->st, 0, "Why not %d: red where ink would raise it, blue lower "
                               "(%s) \xC2\xB7 M: method", d, how);
}

/* A view's or the overlay's hint once it is closed: it described what is
 * no longer shown ("X hides" after X hid it), and a long one sits in a
 * card over the canvas.  An error stays: it has not been seen yet. */
static void drop_hint(gui_app *a)
{
    if (!a->st.message_error)
        a->st.message[0] = '\0';
}

/* What the weights view shows, on the status line: the layer, which of
 * how many, and Up / Down only when there is another layer to go to (the
 * caption says what the pictures are, the legend their fixed scale).  No
 * "Shift+T: watch them form": Shift+T trains a new `quick` network (issue
 * 31), whose weights replace what is shown, so a promise about these
 * units would not be true. */
static void weights_hint(gui_app *a)
{
    gui_views *g = a->views;
    const nn_model *m = a->st.model;
    int layers[NN_MAX_LAYERS];
    int n = dp_weights_layers(m, layers, NN_MAX_LAYERS);
    if (n == 0) {
        app_message(&a->st, 0, "Weights: %s", m ? "this model has no weights" : "no model loaded");
        return;
    }
    int i = g->w_page < n ? g->w_page : n - 1;
    char tok[48];
    dp_layer_token(&nn_model_arch(m)->layer[layers[i]], tok, sizeof tok);
    app_message(&a->st, 0, "Weights of %s, layer %d of %d%s", tok, i + 1, n,
                n > 1 ? " \xC2\xB7 \xE2\x86\x91 \xE2\x86\x93: other layers" : "");
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
        g->unit.stage = -1;
        g->pinned = 0;
        if (g->v.mode == DP_VIEW_OFF)
            drop_hint(a);
        if (g->v.mode == DP_VIEW_LAYERS)
            app_message(&a->st, 0, "Explorer \xC2\xB7 point at a unit (or arrow keys): its "
                                   "value and inputs, a click pins it \xC2\xB7 click a bar: why "
                                   "(not) that digit \xC2\xB7 V closes");
        break;
    case DP_ACT_WEIGHTS:
        g->v.mode = g->v.mode == DP_VIEW_WEIGHTS ? DP_VIEW_OFF : DP_VIEW_WEIGHTS;
        if (g->v.mode == DP_VIEW_OFF)
            drop_hint(a);
        if (g->v.mode == DP_VIEW_WEIGHTS)
            weights_hint(a);
        break;
    case DP_ACT_SALIENCY:
        g->v.saliency = !g->v.saliency;
        if (g->v.saliency)
            set_chosen(a, g->v.chosen);
        else
            drop_hint(a);
        break;
    case DP_ACT_SAL_METHOD:
        /* The measured best (the default), raw, SmoothGrad, IG. */
        g->v.sal_method = g->v.sal_method == DP_SAL_BEST        ? NN_ATTR_RAW
                          : g->v.sal_method == NN_ATTR_RAW        ? NN_ATTR_SMOOTHGRAD
                          : g->v.sal_method == NN_ATTR_SMOOTHGRAD ? NN_ATTR_IG
                                                                  : DP_SAL_BEST;
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

void gui_views_step(gui_app *a, int dx, int dy, int jump)
{
    gui_views *g = a->views;
    if (!g)
        return;
    if (g->v.mode == DP_VIEW_LAYERS) {
        gui_views_step_unit(a, dx, dy, jump);
    } else if (g->v.mode == DP_VIEW_WEIGHTS && dy != 0) {
        /* Up and Down page through the weighted layers, stopping at the
         * ends (where the hint no longer promises another). */
        int page = g->w_page + dy;
        int n = dp_weights_layers(a->st.model, NULL, 0);
        if (page >= 0 && page < n) {
            g->w_page = page;
            g->stale = 1;
            app_request_redraw(&a->st);
        }
        weights_hint(a);
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
    if (gui_ensure_stream(&a->paint, t, tw, th, w, h, nearest, err, sizeof err) != 0) {
        app_message(&a->st, 1, "%s", err);
        return -1;
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

/* ------------------------------------------------ saliency off the UI thread */

/* The job's thread: dp_saliency on the job's clone, then done, then a
 * wake-up event for the loop (SDL_PushEvent is thread-safe). */
static int job_run(void *arg)
{
    gui_sal_job *j = arg;
    nn_error err;
    j->status = dp_saliency(j->model, j->x, j->k, j->gradient_only, j->method, j->sal, &j->logit,
                            &err);
    if (j->status != NN_OK)
        snprintf(j->err, sizeof j->err, "%s", err.msg);
    SDL_AtomicSet(&j->done, 1);
    SDL_Event e;
    SDL_zero(e);
    e.type = SDL_USEREVENT;
    SDL_PushEvent(&e);
    return 0;
}

static void job_join(gui_views *g)
{
    if (!g->job.thread)
        return;
    SDL_WaitThread(g->job.thread, NULL);
    g->job.thread = NULL;
    nn_model_free(g->job.model);
    g->job.model = NULL;
}

/* Starts the saliency of output k for the current input; 0, or -1 (said
 * on the status line) when no clone or thread could be made. */
static int job_start(gui_app *a, const nn_model *m, int k)
{
    gui_views *g = a->views;
    gui_sal_job *j = &g->job;
    nn_error err;
    j->model = nn_model_clone(m, &err);
    if (!j->model) {
        app_message(&a->st, 1, "Saliency: %s", err.msg);
        return -1;
    }
    memcpy(j->x, a->st.input, sizeof j->x);
    j->k = k;
    j->gradient_only = g->v.chosen >= 0;
    j->method = g->v.sal_method == DP_SAL_BEST ? dp_saliency_best(j->gradient_only)
                                               : (nn_attr_method)g->v.sal_method;
    j->err[0] = '\0';
    SDL_AtomicSet(&j->done, 0);
    j->thread = SDL_CreateThread(job_run, "saliency", j);
    if (!j->thread) {
        app_message(&a->st, 1, "Saliency: no thread: %s", SDL_GetError());
        nn_model_free(j->model);
        j->model = NULL;
        return -1;
    }
    return 0;
}

void gui_views_poll(gui_app *a)
{
    gui_views *g = a->views;
    if (!g || !g->job.thread || !SDL_AtomicGet(&g->job.done))
        return;
    job_join(g);
    gui_sal_job *j = &g->job;
    if (j->status != NN_OK) {
        g->v.sal_valid = 0;
        app_message(&a->st, 1, "Saliency: %s", j->err);
    } else if (g->v.saliency && a->st.pred.valid) {
        /* (A canvas cleared while it ran: nothing to explain any more.) */
        dp_views_saliency_set(&g->v, j->sal, j->logit, j->k, j->gradient_only, j->method);
        upload_saliency(a);
    }
    /* The view may have asked for another while this one ran. */
    app_request_redraw(&a->st);
}

int gui_views_sal_busy(const gui_app *a)
{
    const gui_views *g = a->views;
    return g && g->v.saliency && (g->job.thread != NULL || g->sal_stale);
}

/* Unit u is one of the stages' units (a new model may have fewer). */
static int unit_fits(const dp_views *v, dp_unit u)
{
    if (u.stage < 0 || u.stage >= v->n_stages)
        return 0;
    const dp_stage *st = &v->stage[u.stage];
    int maps = st->kind == DP_STAGE_MAPS || st->kind == DP_STAGE_INPUT;
    return u.c >= 0 && u.c < st->c && u.x >= 0 && u.y >= 0 && u.x < (maps ? st->w : 1) &&
           u.y < (maps ? st->h : 1);
}

/* The weights view's picture: the chosen weighted layer's page (the
 * choice clamped to this model's layers), on that layer's colour range for
 * the session. */
static void paint_weights(gui_app *a, dp_rect area, int cap_h, int gap, uint32_t *px, int pitch)
{
    gui_views *g = a->views;
    const nn_model *m = a->st.model;
    int layers[NN_MAX_LAYERS];
    g->w_n_pages = dp_weights_layers(m, layers, NN_MAX_LAYERS);
    g->w_page = g->w_page >= g->w_n_pages ? g->w_n_pages - 1 : g->w_page;
    g->w_page = g->w_page < 0 ? 0 : g->w_page;
    if (g->w_n_pages == 0 || dp_weights_page(m, layers[g->w_page], &g->w_pg) != 0)
        g->w_pg.layer = -1;
    g->w_range_used = g->w_pg.layer >= 0 ? gui_views_layer_range(g, m, g->w_pg.layer) : 1.0f;
    /* Gaps of 2 px at least: 1 px makes 5×5 filters one mosaic. */
    int wgap = gap > 2 ? gap : 2;
    if (dp_views_paint_weights(m, &g->w_pg, area, cap_h, wgap, px, pitch, gui_argb(COL_CARD),
                               g->w_range_used, &g->w_lay) != 0)
        g->w_pg.layer = -1;
    g->w_version = a->train.version;
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
    /* Saliency: the canvas mapping now, the attribution off this thread
     * (gui_views_poll shows it); while one runs the next waits for it.  The
     * last map stays shown until the new one is ready. */
    /* Nothing drawn: nothing to explain, at once, even while a job for the
     * last drawing finishes (it would otherwise stay on screen until then). */
    if (g->v.saliency && !valid)
        g->v.sal_valid = 0;
    if (sal_due && !g->job.thread) {
        g->sal_stale = 0;
        g->sal_t = now_ms;
        int k = g->v.chosen >= 0 ? g->v.chosen : a->st.pred.top;
        if (m && valid && k >= 0) {
            dp_views_canvas_map(&g->v, a->st.canvas_pix, a->st.canvas_side);
            if (job_start(a, m, k) != 0)
                g->v.sal_valid = 0;
        } else {
            g->v.sal_valid = 0;
        }
    } /* else the running job's end wakes the loop and this comes back */
    if (g->v.mode != DP_VIEW_OFF &&
        ensure_tex(a, &g->tex, &g->tex_w, &g->tex_h, area.w, area.h, 1) == 0) {
        /* Opaque: a plain copy, no blending per pixel. */
        SDL_SetTextureBlendMode(g->tex, SDL_BLENDMODE_NONE);
        void *mem;
        int pitch;
        if (SDL_LockTexture(g->tex, NULL, &mem, &pitch) == 0) {
            int cap_h = sc(a, 17), gap = sc(a, 2) > 0 ? sc(a, 2) : 1;
            if (g->v.mode == DP_VIEW_LAYERS) {
                /* Where the input lies on the canvas: the explorer outlines
                 * a unit's receptive field there. */
                if (valid && !g->v.saliency)
                    dp_views_canvas_map(&g->v, a->st.canvas_pix, a->st.canvas_side);
                nn_layer_view lv[NN_MAX_LAYERS];
                const nn_layer_view *views = NULL;
                if (m && a->st.ws && nn_forward_layers(m, a->st.ws, a->st.input, lv, &err) == NN_OK)
                    views = lv;
                if (views)
                    dp_views_select(&g->v, views);
                gui_views_keep_acts(g, m, views);
                dp_views_place(&g->v, area, cap_h, gap);
                /* An empty canvas shows empty maps, not the blank input's. */
                dp_views_paint_layers(&g->v, valid ? views : NULL, a->st.input, area, mem,
                                      pitch / 4, gui_argb(COL_CARD));
                /* The pointed unit's value changed with the input or the
                 * model: say it again if the status line still speaks of it. */
                if (!unit_fits(&g->v, g->unit)) { /* another network */
                    g->unit.stage = -1;
                    g->pinned = 0;
                }
                if (g->unit.stage >= 0 && strcmp(a->st.message, g->unit_msg) == 0)
                    gui_views_describe(a);
            } else {
                paint_weights(a, area, cap_h, gap, mem, pitch / 4);
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
        /* A click on a unit pins it (a second click, or one elsewhere in
         * the view, lets go); a tap does the same, so touch can point. */
        dp_unit u = dp_views_unit_at(&g->v, (int)px, (int)py);
        if (u.stage >= 0 && !(g->pinned && u.stage == g->unit.stage && u.c == g->unit.c &&
                              u.x == g->unit.x && u.y == g->unit.y)) {
            g->unit = u;
            g->pinned = 1;
            gui_views_describe(a);
            app_request_redraw(&a->st);
            return 1;
        }
        if (g->pinned) {
            g->pinned = 0;
            g->unit = u;
            app_request_redraw(&a->st);
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
           "sal_attr=%s map=%d recomputes=%u last_ms=%.2f max_ms=%.2f",
           (unsigned long long)a->script.stats.frames, modes[g->v.mode], g->v.saliency, g->v.chosen, g->v.sal_valid, g->v.sal_output,
           g->v.sal_gradient_only ? "gradient" : "gradient_x_input",
           nn_attr_method_name(g->v.sal_shown), g->v.map_valid,
           g->recomputes, g->last_ms, g->max_ms);
    if (g->v.mode == DP_VIEW_LAYERS)
        printf(" unit=%d:%d:%d:%d pinned=%d unit_value=%.4f inspector=%d", g->unit.stage,
               g->unit.c, g->unit.x, g->unit.y, g->pinned, (double)g->unit_value, g->insp_n);
    if (g->v.mode == DP_VIEW_WEIGHTS)
        printf(" weights_layer=%d weights_units=%d weights_shown=%d weights_version=%u "
               "weights_page=%d/%d weights_kind=%s weights_range=%.4g",
               g->w_pg.layer, g->w_pg.units, g->w_pg.shown, g->w_version, g->w_page + 1,
               g->w_n_pages, WPAGE_KIND[g->w_pg.kind], (double)g->w_range_used);
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

/* Every pixel of tile r (picture values vals, ph×pw, as bytes on the
 * range) against the frame's pixels fb (the view's area, fw wide): the
 * same nearest-neighbour mapping the painter uses, colours compared
 * without alpha.  Returns how many differ; *n counts the pixels. */
static long tile_diff(const uint32_t *fb, int fw, dp_rect area, dp_rect r, const uint8_t *b,
                      int ph, int pw, long *n)
{
    long bad = 0;
    for (int y = 0; y < r.h; y++) {
        int ay = r.y - area.y + y;
        for (int x = 0; x < r.w; x++) {
            int ax = r.x - area.x + x;
            if (ax < 0 || ay < 0 || ax >= area.w || ay >= area.h)
                continue;
            uint32_t want = dp_argb_diverging(b[(y * ph / r.h) * pw + x * pw / r.w]);
            uint32_t got = fb[(size_t)ay * (size_t)fw + (size_t)ax];
            bad += (want & 0xFFFFFFu) != (got & 0xFFFFFFu);
            (*n)++;
        }
    }
    return bad;
}

long gui_views_check_weights(gui_app *a, char *line, size_t len)
{
    gui_views *g = a->views;
    const nn_model *m = a->st.model;
    snprintf(line, len, "weights-drawn: none");
    if (!g || g->v.mode != DP_VIEW_WEIGHTS || g->w_pg.layer < 0 || !m || !g->tex)
        return -1;
    /* The page as the installed model has it, not as the view kept it. */
    dp_wpage pg;
    if (dp_weights_page(m, g->w_pg.layer, &pg) != 0 || pg.shown != g->w_pg.shown ||
        pg.per_unit != g->w_pg.per_unit || pg.ph != g->w_pg.ph || pg.pw != g->w_pg.pw)
        return -1;
    dp_rect area = g->area;
    size_t pic = (size_t)pg.ph * (size_t)pg.pw;
    uint32_t *fb = malloc((size_t)area.w * (size_t)area.h * sizeof *fb);
    float *vals = malloc(pic * sizeof *vals);
    uint8_t *b = malloc(pic);
    long bad = -1, n = 0;
    int pictures = 0;
    SDL_Rect r = gui_rect(area);
    if (fb && vals && b &&
        SDL_RenderReadPixels(a->paint.ren, &r, SDL_PIXELFORMAT_ARGB8888, fb, area.w * 4) == 0) {
        bad = 0;
        for (int u = 0; u < pg.shown; u++)
            for (int k = 0; k < pg.per_unit; k++) {
                if (dp_weights_picture(m, &pg, u, k, vals, NULL) != 0) {
                    bad++;
                    continue;
                }
                dp_bytes_signed(vals, pic, g->w_range_used, b);
                bad += tile_diff(fb, area.w, area, dp_wlayout_tile(&g->w_lay, u, k), b, pg.ph,
                                 pg.pw, &n);
                pictures++;
            }
    }
    free(fb);
    free(vals);
    free(b);
    if (bad < 0)
        return -1;
    /* The model drawn from is the snapshot as the trainer published it:
     * its version, and its parameters' checksum unchanged since. */
    const char *ver = nn_model_meta_get(m, DP_CARD_KEY_BG_VERSION);
    const char *sum = nn_model_meta_get(m, DP_CARD_KEY_BG_PARAMS);
    char have[32];
    snprintf(have, sizeof have, "%016llx", (unsigned long long)bg_params_checksum(m));
    const char *snap = !ver ? "none" : sum && strcmp(sum, have) == 0 ? "match" : "changed";
    bad += strcmp(snap, "changed") == 0;
    snprintf(line, len,
             "weights-drawn: layer=%d kind=%s version=%u snapshot_version=%s snapshot_params=%s "
             "pictures=%d pixels=%ld mismatched=%ld range=%.4g",
             pg.layer, WPAGE_KIND[pg.kind], a->train.version, ver ? ver : "-", snap, pictures, n,
             bad, (double)g->w_range_used);
    return n > 0 ? bad : -1;
}
