/* gui_draw.c — what the window shows: canvas, 28×28 previews, the sigmoid
 * bar chart, the training panel, status line and help overlay (listed from
 * the key table, keys.h), placed by layout.h and painted with gui_paint.c.
 * Reads the app state; changes nothing but textures and the layout. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gui_internal.h"
#include "keys.h"

/* ------------------------------------------------------------- palette */

static const SDL_Color COL_BG = {24, 26, 32, 255};
static const SDL_Color COL_CARD = {34, 37, 45, 255};
static const SDL_Color COL_BORDER = {52, 57, 68, 255};
static const SDL_Color COL_PAPER = {12, 13, 17, 255};
static const SDL_Color COL_INK = {245, 246, 250, 255};
static const SDL_Color COL_TEXT = {228, 231, 237, 255};
static const SDL_Color COL_DIM = {138, 145, 158, 255};
static const SDL_Color COL_FAINT = {84, 90, 104, 255};
static const SDL_Color COL_TRACK = {46, 50, 60, 255};
static const SDL_Color COL_BAR = {92, 100, 118, 255};
static const SDL_Color COL_ACCENT = {72, 199, 142, 255};  /* a sure answer */
static const SDL_Color COL_UNSURE = {240, 180, 70, 255};  /* below threshold */
static const SDL_Color COL_RAW = {236, 120, 96, 255};     /* the raw (P) view */
static const SDL_Color COL_ERROR = {240, 104, 104, 255};
static const SDL_Color COL_LOSS = {120, 160, 240, 255};   /* the loss curve */

/* --------------------------------------------------------------- layout */

/* v design pixels in output pixels. */
static int sc(const gui_app *a, float v)
{
    return gui_sc(&a->paint, v);
}

static int text(gui_app *a, int font, SDL_Color c, const char *s, int x, int y, int align,
                int vcenter)
{
    return gui_text(&a->paint, font, c, s, x, y, align, vcenter);
}

static int text_width(gui_app *a, int font, const char *s)
{
    return gui_text_width(&a->paint, font, s);
}

static void set_color(gui_app *a, SDL_Color c)
{
    gui_set_color(&a->paint, c);
}

static void fill_rect(gui_app *a, SDL_Rect r, SDL_Color c)
{
    gui_fill_rect(&a->paint, r, c);
}

static void fill_round(gui_app *a, SDL_Rect r, float rad, SDL_Color c)
{
    gui_fill_round(&a->paint, r, rad, c);
}

static void card(gui_app *a, SDL_Rect r)
{
    gui_card(&a->paint, r, COL_BORDER, COL_CARD);
}

int gui_layout_update(gui_app *a)
{
    int ow, oh, ww, wh;
    if (SDL_GetRendererOutputSize(a->paint.ren, &ow, &oh) != 0) {
        fprintf(stderr, "digitpad: renderer size: %s\n", SDL_GetError());
        return -1;
    }
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (dp_layout_compute(&a->lay, ow, oh, ww) != 0)
        return -1;
    a->paint.scale = a->lay.scale;
    return 0;
}

/* ------------------------------------------------------------- textures */

static SDL_Texture *make_stream(gui_app *a, int w, int h, int nearest)
{
    char err[256];
    SDL_Texture *t = gui_make_stream(&a->paint, w, h, nearest, err, sizeof err);
    if (!t)
        app_message(&a->st, 1, "%s", err);
    return t;
}

static void upload(gui_app *a, SDL_Texture *t, const float *pix, int w, int h)
{
    char err[256];
    if (gui_upload(t, pix, w, h, COL_PAPER, COL_INK, err, sizeof err) != 0)
        app_message(&a->st, 1, "%s", err);
}

static void upload_textures(gui_app *a)
{
    int side = a->st.canvas_side;
    if (side > 0 && a->st.canvas_pix) {
        int tw = 0, th = 0;
        if (a->canvas_tex && SDL_QueryTexture(a->canvas_tex, NULL, NULL, &tw, &th) == 0 &&
            tw != side) {
            SDL_DestroyTexture(a->canvas_tex);
            a->canvas_tex = NULL;
        }
        if (!a->canvas_tex) {
            a->canvas_tex = make_stream(a, side, side, 0);
            a->canvas_tex_stale = 1;
        }
        if (a->canvas_tex && a->canvas_tex_stale)
            upload(a, a->canvas_tex, a->st.canvas_pix, side, side);
        a->canvas_tex_stale = 0;
    }
    if (!a->input_tex && (a->input_tex = make_stream(a, INK_SIDE, INK_SIDE, 1)) != NULL)
        a->input_tex_stale = 1;
    if (!a->raw_tex && (a->raw_tex = make_stream(a, INK_SIDE, INK_SIDE, 1)) != NULL)
        a->input_tex_stale = 1;
    if (a->input_tex_stale) {
        if (a->input_tex)
            upload(a, a->input_tex, a->st.input, INK_SIDE, INK_SIDE);
        if (a->raw_tex)
            upload(a, a->raw_tex, a->st.raw, INK_SIDE, INK_SIDE);
        a->input_tex_stale = 0;
    }
}

/* ----------------------------------------------------------------- parts */

static void draw_canvas(gui_app *a)
{
    const SDL_Rect c = gui_rect(a->lay.canvas);
    int b = sc(a, 1) > 0 ? sc(a, 1) : 1;
    fill_round(a, (SDL_Rect){c.x - b, c.y - b, c.w + 2 * b, c.h + 2 * b}, (float)sc(a, 4),
               COL_BORDER);
    if (a->canvas_tex)
        SDL_RenderCopy(a->paint.ren, a->canvas_tex, NULL, &c);
    else
        fill_rect(a, c, COL_PAPER);
    if (a->st.drawing.n == 0 && !a->st.image_mode) {
        text(a, GUI_FONT_TITLE, COL_FAINT, "Draw a digit here", c.x + c.w / 2, c.y + c.h / 2,
             AL_CENTER, 1);
        text(a, GUI_FONT_SMALL, COL_FAINT,
             "left button draws \xC2\xB7 right erases \xC2\xB7 H for help", c.x + c.w / 2,
             c.y + c.h / 2 + sc(a, 30), AL_CENTER, 1);
    }
    if (a->ptr_mode == GUI_PTR_ERASE) {
        float r = app_eraser_radius() / INK_BOX * (float)c.w;
        gui_ring(&a->paint, a->cursor_x, a->cursor_y, r - (float)sc(a, 1.5f), r, COL_RAW);
    }
}

/* A 28×28 preview, magnified by an integer factor so the pixels stay
 * square, with a faint grid; returns the square it used. */
static SDL_Rect draw_preview(gui_app *a, SDL_Texture *t, int cx, int y, int max_side)
{
    int k = max_side / INK_SIDE;
    if (k < 1)
        k = 1;
    int side = k * INK_SIDE;
    SDL_Rect r = {cx - side / 2, y, side, side};
    int b = sc(a, 1) > 0 ? sc(a, 1) : 1;
    fill_rect(a, (SDL_Rect){r.x - b, r.y - b, r.w + 2 * b, r.h + 2 * b}, COL_BORDER);
    if (t)
        SDL_RenderCopy(a->paint.ren, t, NULL, &r);
    if (k >= 4) {
        SDL_Color g = {255, 255, 255, 14};
        set_color(a, g);
        for (int i = 1; i < INK_SIDE; i++) {
            SDL_RenderDrawLine(a->paint.ren, r.x + i * k, r.y, r.x + i * k, r.y + side - 1);
            SDL_RenderDrawLine(a->paint.ren, r.x, r.y + i * k, r.x + side - 1, r.y + i * k);
        }
    }
    return r;
}

static void fmt_pct(char *buf, size_t n, float v)
{
    snprintf(buf, n, "%.1f%%", (double)v * 100.0);
}

static void draw_head(gui_app *a)
{
    const SDL_Rect h = gui_rect(a->lay.head);
    card(a, h);
    int pad = sc(a, 14), cap_y = h.y + pad;
    char buf[96], pct[32];
    const app_prediction *p = &a->st.pred;

    if (a->st.compare) {
        /* Two previews, each with the prediction it gets. */
        int col_w = (h.w - 3 * pad) / 2;
        int prev_max = h.h - 2 * pad - sc(a, 24) - sc(a, 34);
        if (prev_max > col_w)
            prev_max = col_w;
        const char *caps[2] = {"RAW CANVAS", "NORMALISED INPUT"};
        SDL_Texture *tex[2] = {a->raw_tex, a->input_tex};
        const app_prediction *pp[2] = {&a->st.raw_pred, &a->st.pred};
        for (int i = 0; i < 2; i++) {
            int cx = h.x + pad + col_w / 2 + i * (col_w + pad);
            text(a, GUI_FONT_CAPTION, i == 0 ? COL_RAW : COL_DIM, caps[i], cx, cap_y, AL_CENTER, 0);
            SDL_Rect r = draw_preview(a, tex[i], cx, cap_y + sc(a, 24), prev_max);
            int ty = r.y + r.h + sc(a, 20);
            if (!pp[i]->valid) {
                text(a, GUI_FONT_BODY, COL_FAINT, "\xE2\x80\x94", cx, ty, AL_CENTER, 1);
                continue;
            }
            fmt_pct(pct, sizeof pct, pp[i]->conf);
            snprintf(buf, sizeof buf, "%s%d  %s", pp[i]->unsure ? "? " : "", pp[i]->top, pct);
            text(a, GUI_FONT_TITLE, pp[i]->unsure ? COL_UNSURE : i == 0 ? COL_RAW : COL_ACCENT, buf,
                 cx, ty, AL_CENTER, 1);
        }
        return;
    }

    /* Left: the answer, large.  Right: exactly what the network sees. */
    int prev_max = h.h - 2 * pad - sc(a, 24);
    if (prev_max > h.w / 2 - pad)
        prev_max = h.w / 2 - pad;
    int k = prev_max / INK_SIDE;
    int prev_side = (k < 1 ? 1 : k) * INK_SIDE;
    int prev_cx = h.x + h.w - pad - prev_side / 2;
    text(a, GUI_FONT_CAPTION, COL_DIM, "INPUT 28\xC3\x97" "28", prev_cx, cap_y, AL_CENTER,
         0);
    draw_preview(a, a->input_tex, prev_cx, cap_y + sc(a, 24), prev_max);

    int left_w = h.w - prev_side - 3 * pad;
    int lx = h.x + pad, lcx = lx + left_w / 2;
    text(a, GUI_FONT_CAPTION, COL_DIM, "PREDICTION", lcx, cap_y, AL_CENTER, 0);
    int digit_cy = h.y + h.h / 2 + sc(a, 2);
    int sub_y = h.y + h.h - pad - sc(a, 10);
    if (!a->st.model) {
        text(a, GUI_FONT_BODY, COL_DIM, "no model loaded", lcx, digit_cy, AL_CENTER, 1);
    } else if (!p->valid) {
        text(a, GUI_FONT_BODY, COL_DIM, "waiting for ink", lcx, digit_cy, AL_CENTER, 1);
    } else if (p->unsure) {
        text(a, GUI_FONT_HUGE, COL_UNSURE, "?", lcx, digit_cy, AL_CENTER, 1);
        fmt_pct(pct, sizeof pct, p->conf);
        snprintf(buf, sizeof buf, "unsure \xC2\xB7 best %d at %s", p->top, pct);
        text(a, GUI_FONT_SMALL, COL_UNSURE, buf, lcx, sub_y, AL_CENTER, 1);
    } else {
        snprintf(buf, sizeof buf, "%d", p->top);
        text(a, GUI_FONT_HUGE, COL_ACCENT, buf, lcx, digit_cy, AL_CENTER, 1);
        fmt_pct(pct, sizeof pct, p->conf);
        snprintf(buf, sizeof buf, "%s confident", pct);
        text(a, GUI_FONT_BODY, COL_TEXT, buf, lcx, sub_y, AL_CENTER, 1);
    }
}


/* ------------------------------------------------------------ training */

static void fmt_count(char *buf, size_t n, double v)
{
    if (v >= 10000.0)
        snprintf(buf, n, "%.1fk", v / 1000.0);
    else
        snprintf(buf, n, "%.0f", v);
}

/* The live plot: the running loss (blue, between its lowest and highest
 * value so far, so a fine-tune's small changes show) and the accuracy after
 * each epoch (green dots joined by lines) over time. */
static void draw_train_plot(gui_app *a, SDL_Rect r)
{
    const bg_status *st = &a->train;
    fill_rect(a, r, COL_PAPER);
    SDL_Color grid = {255, 255, 255, 18};
    set_color(a, grid);
    for (int i = 1; i < 4; i++) {
        int y = r.y + r.h * i / 4;
        SDL_RenderDrawLine(a->paint.ren, r.x, y, r.x + r.w - 1, y);
    }
    int n = st->n_history;
    if (n < 1 || r.w < 8 || r.h < 8)
        return;
    float t_max = st->history[n - 1].t_s, loss_max = 0.0f, loss_min = INFINITY, acc_min = 1.0f;
    for (int i = 0; i < n; i++) {
        const bg_point *p = &st->history[i];
        if (p->loss == p->loss) { /* NaN before the first step */
            loss_max = p->loss > loss_max ? p->loss : loss_max;
            loss_min = p->loss < loss_min ? p->loss : loss_min;
        }
        if (p->accuracy >= 0.0f && p->accuracy < acc_min)
            acc_min = p->accuracy;
    }
    if (t_max <= 0.0f)
        t_max = 1.0f;
    /* Accuracy near the top is what matters: the axis starts at the 2%
     * step below the lowest value (98% for a model at 99.5%). */
    float acc_lo = floorf((acc_min - 0.01f) * 50.0f) / 50.0f;
    acc_lo = acc_lo < 0.0f ? 0.0f : acc_lo > 0.98f ? 0.98f : acc_lo;
    int inset = sc(a, 3);
    float x0 = (float)(r.x + inset), w = (float)(r.w - 2 * inset);
    float y0 = (float)(r.y + inset), h = (float)(r.h - 2 * inset);
    SDL_Point pts[BG_HISTORY];
    int m = 0;
    char buf[64];
    if (loss_max > 0.0f) {
        float span = loss_max - loss_min, lo = loss_min - 0.1f * span;
        span *= 1.2f;
        if (span <= 0.0f) {
            lo = loss_min * 0.5f;
            span = loss_min;
        }
        for (int i = 0; i < n; i++) {
            const bg_point *p = &st->history[i];
            if (p->loss != p->loss)
                continue;
            pts[m].x = (int)lroundf(x0 + w * p->t_s / t_max);
            pts[m].y = (int)lroundf(y0 + h * (1.0f - (p->loss - lo) / span));
            m++;
        }
        snprintf(buf, sizeof buf, "loss %.3g\xE2\x80\x93%.3g", (double)loss_min,
                 (double)loss_max);
        text(a, GUI_FONT_CAPTION, COL_FAINT, buf, r.x + sc(a, 4), r.y + r.h - sc(a, 9), AL_LEFT,
             1);
        set_color(a, COL_LOSS);
        if (m > 1) {
            SDL_RenderDrawLines(a->paint.ren, pts, m);
            if (a->lay.scale >= 1.5f) { /* a second pass: a thicker line on HiDPI */
                for (int i = 0; i < m; i++)
                    pts[i].y += 1;
                SDL_RenderDrawLines(a->paint.ren, pts, m);
            }
        }
    }
    m = 0;
    for (int i = 0; i < n; i++) {
        const bg_point *p = &st->history[i];
        if (p->accuracy < 0.0f)
            continue;
        float v = (p->accuracy - acc_lo) / (1.0f - acc_lo);
        pts[m].x = (int)lroundf(x0 + w * p->t_s / t_max);
        pts[m].y = (int)lroundf(y0 + h * (1.0f - (v < 0.0f ? 0.0f : v)));
        m++;
    }
    set_color(a, COL_ACCENT);
    if (m > 1)
        SDL_RenderDrawLines(a->paint.ren, pts, m);
    int d = sc(a, 2.5f) > 1 ? sc(a, 2.5f) : 2;
    for (int i = 0; i < m; i++)
        SDL_RenderFillRect(a->paint.ren, &(SDL_Rect){pts[i].x - d, pts[i].y - d, 2 * d + 1, 2 * d + 1});
    if (m > 0) {
        snprintf(buf, sizeof buf, "accuracy %d\xE2\x80\x93" "100%%", (int)lroundf(acc_lo * 100.0f));
        text(a, GUI_FONT_CAPTION, COL_FAINT, buf, r.x + r.w - sc(a, 4), r.y + r.h - sc(a, 9),
             AL_RIGHT, 1);
    }
}

/* Replaces the head card while shown (G): what the trainer is doing, a
 * progress bar, speed and loss, accuracy after each epoch and the plot. */
static void draw_train(gui_app *a)
{
    const SDL_Rect h = gui_rect(a->lay.head);
    const bg_status *st = &a->train;
    card(a, h);
    int pad = sc(a, 14), y = h.y + pad;
    int x = h.x + pad, w = h.w - 2 * pad;
    char buf[160], num[32];

    int finished = st->epochs > 0 && st->epoch + 1 >= st->epochs && st->progress >= 1.0f;
    const char *what = st->running ? (st->from_scratch ? "TRAINING FROM SCRATCH" : "FINE-TUNING")
                       : st->failed ? "TRAINING FAILED"
                       : finished   ? "TRAINING DONE"
                       : st->version ? "TRAINING STOPPED"
                                     : "TRAINING";
    SDL_Color wc = st->running ? COL_ACCENT : st->failed ? COL_ERROR : COL_DIM;
    text(a, GUI_FONT_CAPTION, wc, what, x, y, AL_LEFT, 0);
    if (st->epochs > 0)
        snprintf(buf, sizeof buf, "epoch %d / %d", st->epoch + 1, st->epochs);
    else
        snprintf(buf, sizeof buf, "epoch %d", st->epoch + 1);
    if (st->running || st->version)
        text(a, GUI_FONT_CAPTION, COL_DIM, buf, x + w, y, AL_RIGHT, 0);
    y += sc(a, 22);

    int bar_h = sc(a, 8) > 3 ? sc(a, 8) : 4;
    SDL_Rect track = {x, y, w, bar_h};
    fill_round(a, track, (float)bar_h / 2.0f, COL_TRACK);
    float pr = st->progress < 0.0f ? 0.0f : st->progress > 1.0f ? 1.0f : st->progress;
    int fw = (int)lroundf((float)w * pr);
    if (fw > 0)
        fill_round(a, (SDL_Rect){x, y, fw < bar_h ? bar_h : fw, bar_h}, (float)bar_h / 2.0f,
                   st->running ? COL_ACCENT : COL_BAR);
    y += bar_h + sc(a, 14);

    /* Speed and loss, then accuracy and the person's drawings. */
    if (st->running && st->samples_per_s > 0.0) {
        fmt_count(num, sizeof num, st->samples_per_s);
        snprintf(buf, sizeof buf, "%s samples/s", num);
    } else if (st->running) {
        snprintf(buf, sizeof buf, "preparing data\xE2\x80\xA6");
    } else {
        snprintf(buf, sizeof buf, "T fine-tunes \xC2\xB7 Shift+T from scratch");
    }
    text(a, GUI_FONT_SMALL, COL_TEXT, buf, x, y, AL_LEFT, 1);
    if (st->loss == st->loss) {
        snprintf(buf, sizeof buf, "loss %.4f", (double)st->loss);
        text(a, GUI_FONT_SMALL, COL_LOSS, buf, x + w, y, AL_RIGHT, 1);
    }
    y += sc(a, 20);
    if (st->heldout_acc >= 0.0f)
        snprintf(buf, sizeof buf, "held-out %.2f%% (%zu MNIST test)", (double)st->heldout_acc * 100.0,
                 st->heldout_n);
    else if (st->user_acc >= 0.0f)
        snprintf(buf, sizeof buf, "%.0f%% of your drawings (trained on)",
                 (double)st->user_acc * 100.0);
    else
        snprintf(buf, sizeof buf, "not measured yet (after an epoch)");
    text(a, GUI_FONT_SMALL, st->heldout_acc >= 0.0f || st->user_acc >= 0.0f ? COL_ACCENT : COL_DIM,
         buf, x, y, AL_LEFT, 1);
    snprintf(buf, sizeof buf, "%zu correction%s", st->user_total, st->user_total == 1 ? "" : "s");
    text(a, GUI_FONT_SMALL, COL_DIM, buf, x + w, y, AL_RIGHT, 1);
    y += sc(a, 14);

    SDL_Rect plot = {x, y, w, h.y + h.h - pad - y};
    if (plot.h >= sc(a, 24))
        draw_train_plot(a, plot);
}

static void draw_bars(gui_app *a)
{
    const SDL_Rect r = gui_rect(a->lay.bars);
    card(a, r);
    int pad = sc(a, 14);
    char buf[64];
    text(a, GUI_FONT_CAPTION, COL_DIM, "SIGMOID OUTPUTS", r.x + pad, r.y + pad, AL_LEFT, 0);
    if (a->st.compare) {
        int x = r.x + r.w - pad;
        x -= text(a, GUI_FONT_CAPTION, COL_RAW, "raw", x, r.y + pad, AL_RIGHT, 0) + sc(a, 12);
        text(a, GUI_FONT_CAPTION, COL_ACCENT, "normalised", x, r.y + pad, AL_RIGHT, 0);
    } else {
        snprintf(buf, sizeof buf, "threshold %d%%", (int)lroundf(a->st.threshold * 100.0f));
        text(a, GUI_FONT_CAPTION, COL_FAINT, buf, r.x + r.w - pad, r.y + pad, AL_RIGHT, 0);
    }
    int top = r.y + pad + sc(a, 26);
    int row_h = (r.y + r.h - pad - top) / 10;
    if (row_h < 4)
        return;
    int label_w = sc(a, 26), pct_w = text_width(a, GUI_FONT_SMALL, "100.0%") + sc(a, 10);
    int tx = r.x + pad + label_w, tw = r.w - 2 * pad - label_w - pct_w;
    if (tw < 10)
        return;
    int bar_h = row_h * 55 / 100;
    const app_prediction *p = &a->st.pred, *q = &a->st.raw_pred;
    for (int d = 0; d < 10; d++) {
        int cy = top + d * row_h + row_h / 2;
        int is_top = p->valid && d == p->top;
        SDL_Color hi = p->unsure ? COL_UNSURE : COL_ACCENT;
        snprintf(buf, sizeof buf, "%d", d);
        text(a, is_top ? GUI_FONT_BOLD : GUI_FONT_BODY, is_top ? hi : COL_TEXT, buf,
             r.x + pad + label_w / 2 - sc(a, 4), cy, AL_CENTER, 1);
        SDL_Rect track = {tx, cy - bar_h / 2, tw, bar_h};
        fill_round(a, track, (float)bar_h / 2.0f, COL_TRACK);
        float v = p->valid ? p->y[d] : 0.0f;
        int fw = (int)lroundf((float)tw * (v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v));
        if (fw > 0)
            fill_round(a, (SDL_Rect){tx, track.y, fw < bar_h ? bar_h : fw, bar_h},
                       (float)bar_h / 2.0f, is_top ? hi : COL_BAR);
        if (a->st.compare && q->valid) {
            float u = q->y[d];
            int uw = (int)lroundf((float)tw * (u < 0.0f ? 0.0f : u > 1.0f ? 1.0f : u));
            int th = sc(a, 3) > 1 ? sc(a, 3) : 2;
            if (uw > 0)
                fill_rect(a, (SDL_Rect){tx, track.y + bar_h + sc(a, 2), uw, th}, COL_RAW);
        }
        if (p->valid) {
            fmt_pct(buf, sizeof buf, v);
            text(a, GUI_FONT_SMALL, is_top ? hi : COL_DIM, buf, r.x + r.w - pad, cy, AL_RIGHT, 1);
        }
    }
    /* The confidence threshold as a faint vertical line across the tracks. */
    int thx = tx + (int)lroundf((float)tw * a->st.threshold);
    SDL_Color tc = {255, 255, 255, 40};
    set_color(a, tc);
    int step = sc(a, 6) > 2 ? sc(a, 6) : 3, dash = sc(a, 3) > 1 ? sc(a, 3) : 1;
    for (int y = top + row_h / 4; y < top + 10 * row_h - row_h / 4; y += step)
        SDL_RenderDrawLine(a->paint.ren, thx, y, thx, y + dash);
}

/* The status font's width of n bytes of t (app_wrap_text's measure). */
static int status_width(void *ctx, const char *t, size_t n)
{
    gui_app *a = ctx;
    char buf[APP_MSG_LEN + 16];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, t, n);
    buf[n] = '\0';
    int w = 0, h = 0;
    if (!buf[0] || TTF_SizeUTF8(a->paint.font[GUI_FONT_SMALL], buf, &w, &h) != 0)
        return 0;
    return w;
}

/* Draws the '\n'-separated lines of t from the top y, line_h apart. */
static void draw_lines(gui_app *a, SDL_Color c, const char *t, int x, int y, int line_h,
                       int align)
{
    char line[APP_MSG_LEN + 16];
    while (*t) {
        size_t n = strcspn(t, "\n");
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, t, n);
        line[n] = '\0';
        text(a, GUI_FONT_SMALL, c, line, x, y + line_h / 2, align, 1);
        y += line_h;
        t += n;
        if (*t == '\n')
            t++;
    }
}

/* The footer: the model (and what its figure measures) on the left, the
 * message on the right.  Both are broken at spaces to the room they get,
 * measured with the font, and shortened with "…" after a whole word when
 * they do not fit: never cut mid-word (app_wrap_text). */
static void draw_status(gui_app *a)
{
    const SDL_Rect r = gui_rect(a->lay.status);
    char left[400];
    if (a->st.model)
        snprintf(left, sizeof left, "Model: %s%s%s", a->st.model_name,
                 a->st.model_acc[0] ? " \xC2\xB7 " : "", a->st.model_acc);
    else
        snprintf(left, sizeof left, "No model");
    int line_h = TTF_FontLineSkip(a->paint.font[GUI_FONT_SMALL]);
    int max_lines = line_h > 0 ? r.h / line_h : 1;
    max_lines = max_lines < 1 ? 1 : max_lines > 3 ? 3 : max_lines;
    int gap = sc(a, 24);
    int lw = status_width(a, left, strlen(left));
    const char *msg = a->st.message;
    int mw = msg[0] ? status_width(a, msg, strlen(msg)) : 0;
    /* The message comes first: the model's line keeps at most a third of
     * the width when both do not fit. */
    int left_room = r.w;
    if (msg[0] && lw + gap + mw > r.w)
        left_room = lw < r.w / 3 ? lw : r.w / 3;
    char lt[APP_MSG_LEN + 16], mt[APP_MSG_LEN + 16];
    int ln = app_wrap_text(left, left_room, max_lines, status_width, a, lt, sizeof lt);
    int mn = 0;
    int msg_room = msg[0] ? r.w - (ln ? (lw < left_room ? lw : left_room) + gap : 0) : 0;
    if (msg[0] && msg_room > 0)
        mn = app_wrap_text(msg, msg_room, max_lines, status_width, a, mt, sizeof mt);
    else
        mt[0] = '\0';
    snprintf(a->status_shown, sizeof a->status_shown, "%s", mt);
    if (SDL_RenderSetClipRect(a->paint.ren, &r) != 0)
        return;
    int cy = r.y + r.h / 2;
    draw_lines(a, COL_DIM, lt, r.x, cy - ln * line_h / 2, line_h, AL_LEFT);
    if (mn)
        draw_lines(a, a->st.message_error ? COL_ERROR : COL_TEXT, mt, r.x + r.w,
                   cy - mn * line_h / 2, line_h, AL_RIGHT);
    SDL_RenderSetClipRect(a->paint.ren, NULL);
}

static void draw_help(gui_app *a)
{
    dp_help_row rows[24];
    size_t n = dp_help_rows(rows, sizeof rows / sizeof rows[0]);
    if (n > sizeof rows / sizeof rows[0])
        n = sizeof rows / sizeof rows[0];
    fill_rect(a, (SDL_Rect){0, 0, a->lay.out_w, a->lay.out_h}, (SDL_Color){8, 9, 12, 200});
    int row_h = sc(a, 30), pad = sc(a, 24);
    int key_w = 0;
    for (size_t i = 0; i < n; i++) {
        int w = text_width(a, GUI_FONT_BOLD, rows[i].keys);
        key_w = w > key_w ? w : key_w;
    }
    int w = sc(a, 620), h = pad * 2 + sc(a, 44) + (int)n * row_h + sc(a, 26);
    if (w > a->lay.out_w - 2 * sc(a, 10))
        w = a->lay.out_w - 2 * sc(a, 10);
    SDL_Rect r = {(a->lay.out_w - w) / 2, (a->lay.out_h - h) / 2, w, h};
    card(a, r);
    text(a, GUI_FONT_TITLE, COL_TEXT, "Controls", r.x + pad, r.y + pad, AL_LEFT, 0);
    int y = r.y + pad + sc(a, 44);
    for (size_t i = 0; i < n; i++) {
        int cy = y + (int)i * row_h + row_h / 2;
        text(a, GUI_FONT_BOLD, COL_ACCENT, rows[i].keys, r.x + pad, cy, AL_LEFT, 1);
        text(a, GUI_FONT_BODY, COL_TEXT, rows[i].help, r.x + pad + key_w + sc(a, 24), cy, AL_LEFT,
             1);
    }
    text(a, GUI_FONT_SMALL, COL_DIM, "Press H or Esc to close", r.x + pad, r.y + r.h - pad,
         AL_LEFT, 1);
}

/* ---------------------------------------------------------------- frame */

/* A drawing call that fails leaves part of one frame blank and the next
 * frame tries again, so their results are not checked one by one; what
 * creates or locks textures is checked where it happens. */
void gui_render(gui_app *a)
{
    upload_textures(a);
    set_color(a, COL_BG);
    SDL_RenderClear(a->paint.ren);
    draw_canvas(a);
    if (a->show_train)
        draw_train(a);
    else
        draw_head(a);
    draw_bars(a);
    draw_status(a);
    if (a->help)
        draw_help(a);
}
