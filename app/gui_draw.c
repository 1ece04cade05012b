/* gui_draw.c — what the window shows: canvas, 28×28 previews, the sigmoid
 * bar chart, the training panel, the buttons (buttons.h) and their label
 * picker, status line and help overlay (listed from the key table, keys.h),
 * placed by layout.h and painted with gui_paint.c.  Every part and text is
 * recorded for the layout check in script mode (gui_rec_*).  Reads the app
 * state; changes nothing but textures and the layout. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buttons.h"
#include "gui_internal.h"
#include "keys.h"
#include "views.h"

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

/* Draws the first of alts that is at most max_w wide (the later ones are
 * shorter forms); nothing when none fits.  Returns the width drawn. */
static int text_fit(gui_app *a, int font, SDL_Color c, const char *const *alts, int n, int x,
                    int y, int align, int vcenter, int max_w)
{
    for (int i = 0; i < n; i++)
        if (alts[i][0] && text_width(a, font, alts[i]) <= max_w)
            return text(a, font, c, alts[i], x, y, align, vcenter);
    return 0;
}

static int part(gui_app *a, SDL_Rect r, const char *name)
{
    return gui_rec_part(&a->paint, r, name);
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
    part(a, c, "canvas");
    if (a->st.drawing.n == 0 && !a->st.image_mode) {
        static const char *const hint[] = {
            "left button draws \xC2\xB7 right erases \xC2\xB7 H for help",
            "draw \xC2\xB7 right-click erases \xC2\xB7 H: help", "H for help"};
        int maxw = c.w - 2 * sc(a, 8);
        static const char *const title[] = {"Draw a digit here", "Draw a digit"};
        text_fit(a, GUI_FONT_TITLE, COL_FAINT, title, 2, c.x + c.w / 2, c.y + c.h / 2, AL_CENTER,
                 1, maxw);
        text_fit(a, GUI_FONT_SMALL, COL_FAINT, hint, 3, c.x + c.w / 2, c.y + c.h / 2 + sc(a, 30),
                 AL_CENTER, 1, maxw);
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
    int owner = a->paint.rec_owner;
    part(a, r, "preview");
    gui_rec_owner(&a->paint, owner);
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

/* Below this confidence "best 7 at 0.4%" says nothing: the drawing is
 * simply no digit the model knows. */
#define GUI_NOTHING_CLOSE 0.05f

/* The line under an answer, longest form first (text_fit picks one). */
static int answer_lines(const app_prediction *p, char (*alt)[64])
{
    char pct[32];
    fmt_pct(pct, sizeof pct, p->conf);
    if (!p->unsure) {
        snprintf(alt[0], 64, "%s confident", pct);
        snprintf(alt[1], 64, "%s", pct);
        return 2;
    }
    if (p->conf < GUI_NOTHING_CLOSE) {
        snprintf(alt[0], 64, "unsure \xE2\x80\x94 not a digit?");
        snprintf(alt[1], 64, "not a digit?");
        snprintf(alt[2], 64, "unsure");
        return 3;
    }
    snprintf(alt[0], 64, "unsure \xC2\xB7 best %d at %s", p->top, pct);
    snprintf(alt[1], 64, "unsure \xC2\xB7 %d at %.0f%%", p->top, (double)p->conf * 100.0);
    snprintf(alt[2], 64, "unsure");
    return 3;
}

/* P: the raw canvas's preview and prediction beside the normalised ones.
 * The raw answer is red only where it differs from the normalised one. */
static void draw_compare(gui_app *a, SDL_Rect h, int pad, int cap_y)
{
    char buf[96], pct[32];
    int col_w = (h.w - 3 * pad) / 2;
    int prev_max = h.h - 2 * pad - sc(a, 24) - sc(a, 34);
    if (prev_max > col_w)
        prev_max = col_w;
    static const char *const caps[2][3] = {{"RAW CANVAS", "RAW", "RAW"},
                                           {"NORMALISED INPUT", "NORMALISED", "INPUT"}};
    SDL_Texture *tex[2] = {a->raw_tex, a->input_tex};
    const app_prediction *pp[2] = {&a->st.raw_pred, &a->st.pred};
    const app_prediction *raw = pp[0], *norm = pp[1];
    int differs = raw->valid &&
                  (!norm->valid || raw->top != norm->top || raw->unsure != norm->unsure);
    for (int i = 0; i < 2; i++) {
        int cx = h.x + pad + col_w / 2 + i * (col_w + pad);
        text_fit(a, GUI_FONT_CAPTION, i == 0 ? COL_RAW : COL_DIM, caps[i], 3, cx, cap_y, AL_CENTER,
                 0, col_w);
        SDL_Rect r = draw_preview(a, tex[i], cx, cap_y + sc(a, 24), prev_max);
        if (i == 1)
            gui_views_preview(a, r);
        int ty = r.y + r.h + sc(a, 20);
        if (!pp[i]->valid) {
            text(a, GUI_FONT_BODY, COL_FAINT, "\xE2\x80\x94", cx, ty, AL_CENTER, 1);
            continue;
        }
        fmt_pct(pct, sizeof pct, pp[i]->conf);
        snprintf(buf, sizeof buf, "%s%d  %s", pp[i]->unsure ? "? " : "", pp[i]->top, pct);
        char shorter[16];
        snprintf(shorter, sizeof shorter, "%s%d", pp[i]->unsure ? "? " : "", pp[i]->top);
        const char *alts[2] = {buf, shorter};
        SDL_Color c = pp[i]->unsure ? COL_UNSURE : (i == 0 && differs) ? COL_RAW : COL_ACCENT;
        text_fit(a, GUI_FONT_TITLE, c, alts, 2, cx, ty, AL_CENTER, 1, col_w);
    }
}

static void draw_head(gui_app *a)
{
    const SDL_Rect h = gui_rect(a->lay.head);
    card(a, h);
    part(a, h, "head");
    int pad = sc(a, 14), cap_y = h.y + pad;
    char buf[96];
    const app_prediction *p = &a->st.pred;

    if (a->st.compare) {
        draw_compare(a, h, pad, cap_y);
        return;
    }

    /* Left: the answer, large.  Right: exactly what the network sees. */
    int prev_max = h.h - 2 * pad - sc(a, 24);
    if (prev_max > h.w / 2 - pad)
        prev_max = h.w / 2 - pad;
    int k = prev_max / INK_SIDE;
    int prev_side = (k < 1 ? 1 : k) * INK_SIDE;
    int prev_cx = h.x + h.w - pad - prev_side / 2;
    static const char *const in_cap[] = {"INPUT 28\xC3\x97" "28", "INPUT", ""};
    text_fit(a, GUI_FONT_CAPTION, COL_DIM, in_cap, 3, prev_cx, cap_y, AL_CENTER, 0, prev_side);
    gui_views_preview(a, draw_preview(a, a->input_tex, prev_cx, cap_y + sc(a, 24), prev_max));

    int left_w = h.w - prev_side - 3 * pad;
    int lx = h.x + pad, lcx = lx + left_w / 2;
    static const char *const pred_cap[] = {"PREDICTION", "ANSWER", ""};
    text_fit(a, GUI_FONT_CAPTION, COL_DIM, pred_cap, 3, lcx, cap_y, AL_CENTER, 0, left_w);
    int digit_cy = h.y + h.h / 2 + sc(a, 2);
    int sub_y = h.y + h.h - pad - sc(a, 10);
    /* The huge digit where the card is tall enough for it, between the
     * caption and the line below (its ink is about 0.75 of the size). */
    int room = (sub_y - sc(a, 8)) - (cap_y + sc(a, 20));
    int big = (int)(0.8f * (float)a->paint.font_px[GUI_FONT_HUGE]) <= room ? GUI_FONT_HUGE
                                                                            : GUI_FONT_TITLE;
    if (!a->st.model) {
        static const char *const none[] = {"no model loaded", "no model"};
        text_fit(a, GUI_FONT_BODY, COL_DIM, none, 2, lcx, digit_cy, AL_CENTER, 1, left_w);
    } else if (!p->valid) {
        static const char *const wait[] = {"waiting for ink", "draw"};
        text_fit(a, GUI_FONT_BODY, COL_DIM, wait, 2, lcx, digit_cy, AL_CENTER, 1, left_w);
    } else {
        char alt[3][64];
        int n = answer_lines(p, alt);
        const char *alts[3] = {alt[0], alt[1], n > 2 ? alt[2] : ""};
        SDL_Color c = p->unsure ? COL_UNSURE : COL_ACCENT;
        snprintf(buf, sizeof buf, "%d", p->top);
        text(a, big, c, p->unsure ? "?" : buf, lcx, digit_cy, AL_CENTER, 1);
        text_fit(a, p->unsure ? GUI_FONT_SMALL : GUI_FONT_BODY, p->unsure ? COL_UNSURE : COL_TEXT,
                 alts, n, lcx, sub_y, AL_CENTER, 1, left_w);
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
    /* The accuracy legend, when there are accuracy points and it fits. */
    char acc_buf[64];
    int acc_w = 0;
    snprintf(acc_buf, sizeof acc_buf, "accuracy %d\xE2\x80\x93" "100%%",
             (int)lroundf(acc_lo * 100.0f));
    for (int i = 0; i < n && acc_w == 0; i++)
        if (st->history[i].accuracy >= 0.0f)
            acc_w = text_width(a, GUI_FONT_CAPTION, acc_buf);
    if (acc_w > r.w - sc(a, 8))
        acc_w = 0;
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
        /* Beside the accuracy legend on the right, if both fit. */
        const char *alts[1] = {buf};
        text_fit(a, GUI_FONT_CAPTION, COL_FAINT, alts, 1, r.x + sc(a, 4), r.y + r.h - sc(a, 9),
                 AL_LEFT, 1, r.w - sc(a, 8) - acc_w - sc(a, 10));
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
    if (acc_w > 0)
        text(a, GUI_FONT_CAPTION, COL_FAINT, acc_buf, r.x + r.w - sc(a, 4), r.y + r.h - sc(a, 9),
             AL_RIGHT, 1);
}

/* Shown with G in h (dp_layout_split_train: above the bars or in their
 * place; the head stays): what the trainer is doing, a progress bar, speed
 * and loss, accuracy after each epoch and the plot.  A line's right-hand
 * figure is drawn first and the left text takes what width is left. */
static void draw_train(gui_app *a, SDL_Rect h)
{
    const bg_status *st = &a->train;
    card(a, h);
    part(a, h, "train");
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
    int gap = sc(a, 10), rw = 0;
    if (st->epochs > 0)
        snprintf(buf, sizeof buf, "epoch %d / %d", st->epoch + 1, st->epochs);
    else
        snprintf(buf, sizeof buf, "epoch %d", st->epoch + 1);
    if (st->running || st->version) {
        char shorter[32];
        snprintf(shorter, sizeof shorter, "%d/%d", st->epoch + 1, st->epochs);
        const char *alts[2] = {buf, st->epochs > 0 ? shorter : ""};
        rw = text_fit(a, GUI_FONT_CAPTION, COL_DIM, alts, 2, x + w, y, AL_RIGHT, 0, w / 2);
    }
    {
        const char *alts[2] = {what, strchr(what, ' ') ? strchr(what, ' ') + 1 : what};
        text_fit(a, GUI_FONT_CAPTION, wc, alts, 2, x, y, AL_LEFT, 0, w - rw - gap);
    }
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
    rw = 0;
    if (st->loss == st->loss) {
        snprintf(num, sizeof num, "loss %.4f", (double)st->loss);
        const char *alts[1] = {num};
        rw = text_fit(a, GUI_FONT_SMALL, COL_LOSS, alts, 1, x + w, y, AL_RIGHT, 1, w / 2);
    }
    {
        const char *alts[2] = {buf, st->running ? "" : "T: fine-tune"};
        text_fit(a, GUI_FONT_SMALL, COL_TEXT, alts, 2, x, y, AL_LEFT, 1, w - rw - gap);
    }
    y += sc(a, 20);
    /* Each figure says what it measures; the short form when narrow. */
    char brief[48];
    if (st->heldout_acc >= 0.0f) {
        snprintf(buf, sizeof buf, "held-out %.2f%% (%zu MNIST test)",
                 (double)st->heldout_acc * 100.0, st->heldout_n);
        snprintf(brief, sizeof brief, "held-out %.2f%%", (double)st->heldout_acc * 100.0);
    } else if (st->user_acc >= 0.0f) {
        snprintf(buf, sizeof buf, "%.0f%% of your drawings (trained on)",
                 (double)st->user_acc * 100.0);
        snprintf(brief, sizeof brief, "%.0f%% of yours", (double)st->user_acc * 100.0);
    } else {
        snprintf(buf, sizeof buf, "not measured yet (after an epoch)");
        snprintf(brief, sizeof brief, "not measured yet");
    }
    char corr[48];
    snprintf(corr, sizeof corr, "%zu correction%s", st->user_total, st->user_total == 1 ? "" : "s");
    {
        const char *alts[1] = {corr};
        rw = text_fit(a, GUI_FONT_SMALL, COL_DIM, alts, 1, x + w, y, AL_RIGHT, 1, w / 2);
    }
    {
        const char *alts[2] = {buf, brief};
        text_fit(a, GUI_FONT_SMALL,
                 st->heldout_acc >= 0.0f || st->user_acc >= 0.0f ? COL_ACCENT : COL_DIM, alts, 2,
                 x, y, AL_LEFT, 1, w - rw - gap);
    }
    y += sc(a, 14);

    SDL_Rect plot = {x, y, w, h.y + h.h - pad - y};
    if (plot.h >= sc(a, 24))
        draw_train_plot(a, plot);
}

/* The caption line: the title on the left, the legend (threshold, or raw
 * vs. normalised in P) on the right, each in a shorter form or left out
 * when the card is too narrow for both. */
static void draw_bars_caption(gui_app *a, SDL_Rect r, int pad)
{
    char buf[64], pct[16];
    int w = r.w - 2 * pad, gap = sc(a, 12), rw = 0, x = r.x + r.w - pad, y = r.y + pad;
    static const char *const title[] = {"SIGMOID OUTPUTS", "OUTPUTS"};
    int tw = text_width(a, GUI_FONT_CAPTION, title[0]);
    if (tw + gap > w / 2)
        tw = text_width(a, GUI_FONT_CAPTION, title[1]);
    if (a->st.compare) {
        int raw_w = text_width(a, GUI_FONT_CAPTION, "raw");
        int norm_w = text_width(a, GUI_FONT_CAPTION, "normalised");
        if (raw_w + gap + norm_w <= w - tw - gap) {
            x -= text(a, GUI_FONT_CAPTION, COL_RAW, "raw", x, y, AL_RIGHT, 0) + gap;
            text(a, GUI_FONT_CAPTION, COL_ACCENT, "normalised", x, y, AL_RIGHT, 0);
            rw = raw_w + gap + norm_w;
        }
    } else {
        snprintf(pct, sizeof pct, "%d%%", (int)lroundf(a->st.threshold * 100.0f));
        snprintf(buf, sizeof buf, "threshold %s", pct);
        const char *alts[2] = {buf, pct};
        rw = text_fit(a, GUI_FONT_CAPTION, COL_FAINT, alts, 2, x, y, AL_RIGHT, 0, w - tw - gap);
    }
    text_fit(a, GUI_FONT_CAPTION, COL_DIM, title, 2, r.x + pad, y, AL_LEFT, 0,
             w - (rw ? rw + gap : 0));
}

static void draw_bars(gui_app *a, SDL_Rect r)
{
    card(a, r);
    part(a, r, "bars");
    a->bars_drawn = (dp_rect){r.x, r.y, r.w, r.h};
    int pad = sc(a, DP_BARS_PAD);
    char buf[64];
    draw_bars_caption(a, r, pad);
    gui_views_bars_toggle(a); /* the LAYERS button, in the caption line */
    int top, row_h; /* shared with the click that chooses an output (views.h) */
    dp_bar_rows(&a->lay, a->bars_drawn, &top, &row_h);
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
    part(a, r, "status");
    if (SDL_RenderSetClipRect(a->paint.ren, &r) != 0)
        return;
    int cy = r.y + r.h / 2;
    draw_lines(a, COL_DIM, lt, r.x, cy - ln * line_h / 2, line_h, AL_LEFT);
    if (mn)
        draw_lines(a, a->st.message_error ? COL_ERROR : COL_TEXT, mt, r.x + r.w,
                   cy - mn * line_h / 2, line_h, AL_RIGHT);
    SDL_RenderSetClipRect(a->paint.ren, NULL);
}

/* ------------------------------------------------------------- buttons */

size_t gui_buttons(const gui_app *a, gui_button *out, size_t max)
{
    size_t n_tools, n = 0;
    const dp_button *tools = dp_tool_buttons(&n_tools);
    dp_rect r[DP_TOOLS_MAX > DP_PICKER_N ? DP_TOOLS_MAX : DP_PICKER_N];
    if (n_tools > DP_TOOLS_MAX)
        n_tools = DP_TOOLS_MAX;
    dp_tools_place(&a->lay, n_tools, r);
    for (size_t i = 0; i < n_tools && n < max; i++, n++)
        out[n] = (gui_button){&tools[i], r[i], (int)i};
    if (a->picker) {
        dp_rect card_r, title;
        const dp_button *pick = dp_picker_buttons();
        dp_picker_place(&a->lay, &card_r, &title, r);
        for (size_t i = 0; i < DP_PICKER_N && n < max; i++, n++)
            out[n] = (gui_button){&pick[i], r[i], DP_TOOLS_MAX + (int)i};
    }
    return n;
}

static void draw_button(gui_app *a, const gui_button *b, int font, int active)
{
    SDL_Rect r = gui_rect(b->r);
    int pressed = a->pressed == b->id;
    SDL_Color fill = pressed ? COL_BAR : active ? (SDL_Color){44, 72, 60, 255} : COL_TRACK;
    gui_card(&a->paint, r, active ? COL_ACCENT : COL_BORDER, fill);
    int owner = a->paint.rec_owner;
    part(a, r, b->b->label);
    const char *alts[2] = {b->b->label, b->b->short_label};
    text_fit(a, font, active ? COL_ACCENT : COL_TEXT, alts, 2, r.x + r.w / 2, r.y + r.h / 2,
             AL_CENTER, 1, r.w - 2 * sc(a, 4));
    gui_rec_owner(&a->paint, owner);
}

/* The tools row, then (Label) the picker over the bars. */
static void draw_buttons(gui_app *a)
{
    gui_button b[DP_TOOLS_MAX + DP_PICKER_N];
    size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
    for (size_t i = 0; i < n; i++) {
        if (b[i].id >= DP_TOOLS_MAX)
            continue;
        gui_rec_owner(&a->paint, -1);
        int on = (b[i].b->action == DP_ACT_HELP && a->help) ||
                 (b[i].b->action == DP_ACT_LABEL && a->picker);
        draw_button(a, &b[i], GUI_FONT_BODY, on);
    }
    if (!a->picker)
        return;
    dp_rect card_r, title;
    dp_rect r[DP_PICKER_N];
    dp_picker_place(&a->lay, &card_r, &title, r);
    gui_rec_owner(&a->paint, -1);
    card(a, gui_rect(card_r));
    int card_part = part(a, gui_rect(card_r), "picker");
    static const char *const cap[] = {"STORE THIS DRAWING AS", "STORE AS", "LABEL"};
    text_fit(a, GUI_FONT_CAPTION, COL_DIM, cap, 3, title.x, title.y + title.h / 2, AL_LEFT, 1,
             title.w);
    for (size_t i = 0; i < n; i++) {
        if (b[i].id < DP_TOOLS_MAX)
            continue;
        gui_rec_owner(&a->paint, card_part);
        int stored = b[i].b->digit >= 0 && b[i].b->digit == a->st.correction_label;
        draw_button(a, &b[i], b[i].b->digit >= 0 ? GUI_FONT_TITLE : GUI_FONT_BODY, stored);
    }
}

/* ---------------------------------------------------------------- help */

static void draw_help(gui_app *a)
{
    dp_help_row rows[32];
    size_t n = dp_help_rows(rows, sizeof rows / sizeof rows[0]);
    if (n > sizeof rows / sizeof rows[0])
        n = sizeof rows / sizeof rows[0];
    gui_rec_layer(&a->paint);
    fill_rect(a, (SDL_Rect){0, 0, a->lay.out_w, a->lay.out_h}, (SDL_Color){8, 9, 12, 200});
    int pad = sc(a, 24), head_h = sc(a, 44), foot_h = sc(a, 26);
    int margin = sc(a, 10);
    /* Rows as tall as the design wants, or as the window allows (the text
     * stops shrinking at 8 px; its ink is less than that). */
    int row_h = sc(a, 30), max_h = a->lay.out_h - 2 * margin;
    if (pad * 2 + head_h + (int)n * row_h + foot_h > max_h && n > 0)
        row_h = (max_h - pad * 2 - head_h - foot_h) / (int)n;
    int key_w = 0, help_w = 0;
    for (size_t i = 0; i < n; i++) {
        int w = text_width(a, GUI_FONT_BOLD, rows[i].keys);
        key_w = w > key_w ? w : key_w;
        w = text_width(a, GUI_FONT_BODY, rows[i].help);
        help_w = w > help_w ? w : help_w;
    }
    int w = sc(a, 620), h = pad * 2 + head_h + (int)n * row_h + foot_h;
    int need = 2 * pad + key_w + sc(a, 24) + help_w;
    if (w < need)
        w = need;
    if (w > a->lay.out_w - 2 * margin)
        w = a->lay.out_w - 2 * margin;
    SDL_Rect r = {(a->lay.out_w - w) / 2, (a->lay.out_h - h) / 2, w, h};
    card(a, r);
    part(a, r, "help");
    text(a, GUI_FONT_TITLE, COL_TEXT, "Controls", r.x + pad, r.y + pad, AL_LEFT, 0);
    int y = r.y + pad + head_h;
    for (size_t i = 0; i < n; i++) {
        int cy = y + (int)i * row_h + row_h / 2;
        text(a, GUI_FONT_BOLD, COL_ACCENT, rows[i].keys, r.x + pad, cy, AL_LEFT, 1);
        text(a, GUI_FONT_BODY, COL_TEXT, rows[i].help, r.x + pad + key_w + sc(a, 24), cy, AL_LEFT,
             1);
    }
    static const char *const foot[] = {"Press H or Esc, or tap, to close", "H or Esc closes"};
    text_fit(a, GUI_FONT_SMALL, COL_DIM, foot, 2, r.x + pad, r.y + r.h - pad, AL_LEFT, 1,
             w - 2 * pad);
}

/* ---------------------------------------------------------------- frame */

/* A drawing call that fails leaves part of one frame blank and the next
 * frame tries again, so their results are not checked one by one; what
 * creates or locks textures is checked where it happens. */
void gui_render(gui_app *a)
{
    gui_rec_begin(&a->paint);
    upload_textures(a);
    set_color(a, COL_BG);
    SDL_RenderClear(a->paint.ren);
    draw_canvas(a);
    gui_views_canvas(a);
    gui_rec_owner(&a->paint, -1);
    a->bars_drawn = (dp_rect){0, 0, 0, 0};
    /* An open layers or weights view covers the panel above the buttons. */
    if (!gui_views_open(a)) {
        draw_head(a);
        gui_rec_owner(&a->paint, -1);
        if (!a->picker) {
            dp_rect train, bars;
            if (!a->show_train) {
                draw_bars(a, gui_rect(a->lay.bars));
            } else if (dp_layout_split_train(&a->lay, &train, &bars)) {
                draw_train(a, gui_rect(train));
                gui_rec_owner(&a->paint, -1);
                draw_bars(a, gui_rect(bars));
            } else {
                draw_train(a, gui_rect(train));
            }
            gui_rec_owner(&a->paint, -1);
        }
    }
    gui_views_panel(a);
    gui_rec_owner(&a->paint, -1);
    draw_buttons(a);
    gui_rec_owner(&a->paint, -1);
    draw_status(a);
    if (a->debug_text[0]) {
        float px, py;
        dp_layout_box_to_px(&a->lay, a->debug_x, a->debug_y, &px, &py);
        gui_rec_owner(&a->paint, -1);
        text(a, GUI_FONT_TITLE, COL_ERROR, a->debug_text, (int)px, (int)py, AL_CENTER, 1);
    }
    if (a->help)
        draw_help(a);
}
