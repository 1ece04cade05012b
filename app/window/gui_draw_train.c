/* gui_draw_train.c — the training panel (G): what the background trainer
 * is doing, its progress, speed, loss and accuracy, and the live plot.
 * Separate from gui_draw.c, whose gui_render calls it; it reads a->train.status
 * and draws with the helpers of gui_draw_private.h. */
#include <math.h>
#include <stdio.h>

#include "gui_draw_private.h"
#include "gui_fetch.h"

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
    const bg_status *st = &a->train.status;
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
            if (a->frame.lay.scale >= 1.5f) { /* a second pass: a thicker line on HiDPI */
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
/* MNIST's download (F) in place of the figures: what it is doing, the
 * files verified of four, the script's last line (wrapped over the lines
 * there are above bottom; how it ended goes to the status line whole). */
static void draw_fetch(gui_app *a, int x, int y, int w, int bottom, int files, const char *line)
{
    static const char *const cap[] = {"GETTING MNIST", "MNIST"};
    char num[32];
    snprintf(num, sizeof num, "%d / 4 files", files);
    const char *nalts[1] = {num};
    int rw = text_fit(a, GUI_FONT_CAPTION, COL_DIM, nalts, 1, x + w, y, AL_RIGHT, 0, w / 2);
    text_fit(a, GUI_FONT_CAPTION, COL_ACCENT, cap, 2, x, y, AL_LEFT, 0, w - rw - sc(a, 10));
    y += sc(a, 22);
    int bar_h = sc(a, 8) > 3 ? sc(a, 8) : 4;
    fill_round(a, (SDL_Rect){x, y, w, bar_h}, (float)bar_h / 2.0f, COL_TRACK);
    int fw = w * files / 4;
    if (fw > 0)
        fill_round(a, (SDL_Rect){x, y, fw < bar_h ? bar_h : fw, bar_h}, (float)bar_h / 2.0f,
                   COL_ACCENT);
    y += bar_h + sc(a, 14);
    int lh = TTF_FontLineSkip(a->paint.font[GUI_FONT_SMALL]);
    int most = lh > 0 ? (bottom - y + lh / 2) / lh : 0;
    char lines[APP_MSG_LEN + 80];
    gui_wrap(&a->paint, GUI_FONT_SMALL, line[0] ? line : "starting\xE2\x80\xA6", w,
             most < 1 ? 1 : most, lines, sizeof lines);
    gui_text_lines(&a->paint, GUI_FONT_SMALL, COL_TEXT, lines, x, y - lh / 2, lh, AL_LEFT);
}

void gui_draw_train(gui_app *a, SDL_Rect h)
{
    const bg_status *st = &a->train.status;
    card(a, h);
    int me = part(a, h, "train");
    int pad = sc(a, 14), y = h.y + pad;
    int x = h.x + pad, w = h.w - 2 * pad;
    char buf[160], num[32];
    /* F's button (Get MNIST / Cancel) at the bottom while offered. */
    gui_button fb;
    int has_fb = gui_fetch_button(a, (dp_rect){h.x, h.y, h.w, h.h}, &fb);
    int bottom = has_fb ? fb.r.y - sc(a, 6) : h.y + h.h - pad;
    int files;
    const char *line;
    if (!st->running && gui_fetch_progress(a, &files, &line)) {
        draw_fetch(a, x, y, w, bottom, files, line);
        if (has_fb)
            gui_draw_button(a, &fb, GUI_FONT_BODY, 1);
        return;
    }

    int finished = st->epochs > 0 && st->epoch + 1 >= st->epochs && st->progress >= 1.0f;
    const char *what = st->running ? (st->from_scratch ? "TRAINING FROM SCRATCH" : "FINE-TUNING")
                       : st->no_data ? "NO TRAINING DATA"
                       : st->failed ? "TRAINING FAILED"
                       : finished   ? "TRAINING DONE"
                       : st->version ? "TRAINING STOPPED"
                                     : "TRAINING";
    SDL_Color wc = st->running ? COL_ACCENT : st->failed && !st->no_data ? COL_ERROR : COL_DIM;
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

    SDL_Rect plot = {x, y, w, bottom - y};
    if (plot.h >= sc(a, 24))
        draw_train_plot(a, plot);
    if (has_fb) {
        gui_rec_owner(&a->paint, me);
        gui_draw_button(a, &fb, GUI_FONT_BODY, 0);
    }
}
