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

/* "0:42", "12:05", "1:02:33": elapsed times and ETAs. */
static void fmt_time(char *buf, size_t n, double s)
{
    long t = s > 0.0 ? lround(s) : 0;
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* A round tick step (1, 2 or 5 times a power of ten) giving at most
 * `most` intervals over span (> 0). */
static double nice_step(double span, int most)
{
    double raw = span / (most > 0 ? most : 1), p = pow(10.0, floor(log10(raw)));
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

/* A sample count as a tick label: "0", "500", "30k", "1.5M". */
static void fmt_samples(char *buf, size_t n, double v)
{
    if (v >= 1e6)
        snprintf(buf, n, "%gM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, n, "%gk", v / 1e3);
    else
        snprintf(buf, n, "%g", v);
}

/* The live plot against training samples seen this run: the running loss
 * (blue, left axis, between round values around its lowest and highest so a
 * fine-tune's small changes show) and the held-out accuracy at each
 * epoch's end (green dots, right axis in %), the epochs as dotted marks
 * with the time each accuracy was reached where it fits.  The x axis spans
 * the whole run when its length is known, so the curve shows how much is
 * left. */
static void draw_train_plot(gui_app *a, SDL_Rect r)
{
    const bg_status *st = &a->train.status;
    /* A caption row: the caption font's line (8 px at least, whatever the
     * scale) and a pixel. */
    int cap_h = a->paint.font_px[GUI_FONT_CAPTION] * 5 / 4 + 1;
    int n = st->n_history, tick = sc(a, 3) > 2 ? sc(a, 3) : 2;
    float loss_max = 0.0f, loss_min = INFINITY, acc_min = 1.0f;
    int has_acc = 0;
    for (int i = 0; i < n; i++) {
        const bg_point *p = &st->history[i];
        if (p->loss == p->loss) { /* NaN before the first step */
            loss_max = p->loss > loss_max ? p->loss : loss_max;
            loss_min = p->loss < loss_min ? p->loss : loss_min;
        }
        if (p->accuracy >= 0.0f) {
            has_acc = 1;
            acc_min = p->accuracy < acc_min ? p->accuracy : acc_min;
        }
    }
    /* Axes: loss from a round value below its lowest to one above its
     * highest; accuracy from the 2% step below its lowest to 100%. */
    double l_lo = 0.0, l_hi = 1.0, l_step = 0.5;
    if (loss_max > 0.0f) {
        double span = loss_max - loss_min > 1e-6f ? loss_max - loss_min : loss_max * 0.5;
        l_step = nice_step(span, 2);
        l_lo = floor(loss_min / l_step) * l_step;
        l_hi = ceil(loss_max / l_step) * l_step;
        if (l_hi <= l_lo)
            l_hi = l_lo + l_step;
    }
    float acc_lo = floorf((acc_min - 0.01f) * 50.0f) / 50.0f;
    acc_lo = acc_lo < 0.0f ? 0.0f : acc_lo > 0.98f ? 0.98f : acc_lo;
    double x_hi = st->epochs > 0 && st->epoch_size > 0 ? (double)st->epochs * (double)st->epoch_size
                                                       : 0.0;
    double seen = n > 0 ? st->history[n - 1].samples : 0.0;
    if (st->samples_seen > seen)
        seen = st->samples_seen;
    if (x_hi < seen)
        x_hi = seen * 1.1;
    if (x_hi <= 0.0)
        x_hi = st->epoch_size > 0 ? (double)st->epoch_size : 60000.0;

    /* Margins: the loss ticks on the left, the accuracy ticks on the right,
     * a caption row on top, the sample ticks below. */
    char buf[64];
    int lw = 0;
    for (double v = l_lo; v <= l_hi + l_step * 0.01; v += l_step) {
        snprintf(buf, sizeof buf, "%g", fabs(v) < l_step * 1e-3 ? 0.0 : v);
        int tw = text_width(a, GUI_FONT_CAPTION, buf);
        lw = tw > lw ? tw : lw;
    }
    lw += tick + sc(a, 3);
    int rw = text_width(a, GUI_FONT_CAPTION, "100%") + tick + sc(a, 3);
    SDL_Rect pr = {r.x + lw, r.y + cap_h + sc(a, 4), r.w - lw - rw, r.h - 2 * cap_h - sc(a, 8)};
    if (pr.w < sc(a, 40) || pr.h < sc(a, 16))
        return;
    fill_rect(a, pr, COL_PAPER);
    {
        const char *la[2] = {"loss", ""};
        int w1 = text_fit(a, GUI_FONT_CAPTION, COL_LOSS, la, 1, r.x, r.y + cap_h / 2, AL_LEFT, 1,
                          r.w / 2);
        const char *ra[2] = {"held-out accuracy", "held-out"};
        if (st->heldout_acc < 0.0f && st->user_acc >= 0.0f)
            ra[0] = ra[1] = "your drawings";
        text_fit(a, GUI_FONT_CAPTION, COL_ACCENT, ra, 2, r.x + r.w, r.y + cap_h / 2, AL_RIGHT, 1,
                 r.w - w1 - sc(a, 10));
    }
    SDL_Color grid = {255, 255, 255, 18};
    int ytxt = pr.y + pr.h + tick + cap_h / 2 + sc(a, 1);
    /* Loss ticks and the grid lines at them. */
    for (double v = l_lo; v <= l_hi + l_step * 0.01; v += l_step) {
        int y = pr.y + (int)lround((double)(pr.h - 1) * (1.0 - (v - l_lo) / (l_hi - l_lo)));
        set_color(a, grid);
        SDL_RenderDrawLine(a->paint.ren, pr.x, y, pr.x + pr.w - 1, y);
        set_color(a, COL_LOSS);
        SDL_RenderDrawLine(a->paint.ren, pr.x - tick, y, pr.x - 1, y);
        snprintf(buf, sizeof buf, "%g", fabs(v) < l_step * 1e-3 ? 0.0 : v);
        text(a, GUI_FONT_CAPTION, COL_DIM, buf, pr.x - tick - sc(a, 2), y, AL_RIGHT, 1);
    }
    /* Accuracy ticks: the bottom and the top of its range, and the middle
     * when it is a round percentage. */
    for (int k = 0; k <= 2; k++) {
        float v = acc_lo + (1.0f - acc_lo) * (float)k / 2.0f;
        float pct = v * 100.0f;
        if (k == 1 && fabsf(pct - roundf(pct)) > 0.01f)
            continue;
        int y = pr.y + (int)lroundf((float)(pr.h - 1) * (1.0f - (float)k / 2.0f));
        set_color(a, COL_ACCENT);
        SDL_RenderDrawLine(a->paint.ren, pr.x + pr.w, y, pr.x + pr.w + tick - 1, y);
        snprintf(buf, sizeof buf, "%.0f%%", (double)pct);
        text(a, GUI_FONT_CAPTION, COL_DIM, buf, pr.x + pr.w + tick + sc(a, 2), y, AL_LEFT, 1);
    }
    /* Sample ticks; the last label that fits also names the unit. */
    double x_step = nice_step(x_hi, pr.w / sc(a, 45) > 1 ? pr.w / sc(a, 45) : 1);
    int last_right = -1000000;
    for (double v = 0.0; v <= x_hi * 1.0001; v += x_step) {
        int x = pr.x + (int)lround((double)(pr.w - 1) * v / x_hi);
        set_color(a, COL_DIM);
        SDL_RenderDrawLine(a->paint.ren, x, pr.y + pr.h, x, pr.y + pr.h + tick - 1);
        char lab[48];
        fmt_samples(lab, sizeof lab, v);
        int w = text_width(a, GUI_FONT_CAPTION, lab);
        if (x - w / 2 < r.x || x + w / 2 > r.x + r.w || x - w / 2 < last_right + sc(a, 6))
            continue;
        text(a, GUI_FONT_CAPTION, COL_DIM, lab, x, ytxt, AL_CENTER, 1);
        last_right = x + w / 2;
    }
    {
        const char *ua[2] = {"samples seen", "samples"};
        text_fit(a, GUI_FONT_CAPTION, COL_FAINT, ua, 2, r.x + r.w, ytxt, AL_RIGHT, 1,
                 r.x + r.w - last_right - sc(a, 8));
    }
    if (n < 1)
        return;

    /* Epoch marks: a dotted line at each epoch's end, labelled with its
     * number, its accuracy and when it was reached where that fits. */
    int next_free = pr.x;
    for (int i = 0; i < n; i++) {
        const bg_point *p = &st->history[i];
        if (!p->epoch_end)
            continue;
        int x = pr.x + (int)lround((double)(pr.w - 1) * p->samples / x_hi);
        set_color(a, COL_FAINT);
        for (int y = pr.y; y < pr.y + pr.h; y += 4)
            SDL_RenderDrawPoint(a->paint.ren, x, y);
        char t[32], lab[80], mid[32];
        fmt_time(t, sizeof t, p->t_s);
        snprintf(mid, sizeof mid, "e%d", p->epoch_end);
        if (p->accuracy >= 0.0f)
            snprintf(lab, sizeof lab, "e%d %.1f%% %s", p->epoch_end, (double)p->accuracy * 100.0,
                     t);
        else
            snprintf(lab, sizeof lab, "e%d %s", p->epoch_end, t);
        char lab2[64];
        snprintf(lab2, sizeof lab2, "e%d %s", p->epoch_end, t);
        const char *alts[3] = {lab, lab2, mid};
        for (int k = 0; k < 3; k++) {
            int w = text_width(a, GUI_FONT_CAPTION, alts[k]);
            int lx = x - w - sc(a, 3) >= next_free ? x - w - sc(a, 3) : -1;
            if (lx < 0)
                continue;
            text(a, GUI_FONT_CAPTION, COL_FAINT, alts[k], lx, pr.y + cap_h / 2 + sc(a, 1), AL_LEFT,
                 1);
            next_free = x + sc(a, 4);
            break;
        }
    }

    float x0 = (float)pr.x, w = (float)(pr.w - 1), y0 = (float)pr.y, h = (float)(pr.h - 1);
    SDL_Point pts[BG_HISTORY];
    int m = 0;
    if (loss_max > 0.0f) {
        for (int i = 0; i < n; i++) {
            const bg_point *p = &st->history[i];
            if (p->loss != p->loss)
                continue;
            pts[m].x = (int)lroundf(x0 + w * (float)(p->samples / x_hi));
            pts[m].y = (int)lroundf(y0 + h * (1.0f - (float)((p->loss - l_lo) / (l_hi - l_lo))));
            m++;
        }
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
    if (!has_acc)
        return;
    m = 0;
    for (int i = 0; i < n; i++) {
        const bg_point *p = &st->history[i];
        if (p->accuracy < 0.0f)
            continue;
        float v = (p->accuracy - acc_lo) / (1.0f - acc_lo);
        pts[m].x = (int)lroundf(x0 + w * (float)(p->samples / x_hi));
        pts[m].y = (int)lroundf(y0 + h * (1.0f - (v < 0.0f ? 0.0f : v)));
        m++;
    }
    set_color(a, COL_ACCENT);
    if (m > 1)
        SDL_RenderDrawLines(a->paint.ren, pts, m);
    int d = sc(a, 2.5f) > 1 ? sc(a, 2.5f) : 2;
    for (int i = 0; i < m; i++)
        SDL_RenderFillRect(a->paint.ren, &(SDL_Rect){pts[i].x - d, pts[i].y - d, 2 * d + 1, 2 * d + 1});
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
    /* Elapsed time, and while running with a known length the time left
     * at the current speed. */
    char el[32], left[32], timing[96] = "", tshort[48] = "";
    fmt_time(el, sizeof el, st->elapsed_s);
    double total = (double)st->epochs * (double)st->epoch_size;
    if (st->running && st->samples_per_s > 0.0 && total > st->samples_seen) {
        fmt_time(left, sizeof left, (total - st->samples_seen) / st->samples_per_s);
        snprintf(timing, sizeof timing, " \xC2\xB7 %s, %s left", el, left);
        snprintf(tshort, sizeof tshort, " \xC2\xB7 %s left", left);
    } else if (st->running || st->elapsed_s > 0.0) {
        snprintf(timing, sizeof timing, " \xC2\xB7 %s", el);
        snprintf(tshort, sizeof tshort, " \xC2\xB7 %s", el);
    }
    char b2[160] = "";
    if (st->running && st->samples_per_s > 0.0) {
        fmt_count(num, sizeof num, st->samples_per_s);
        snprintf(buf, sizeof buf, "%s samples/s%s", num, timing);
        snprintf(b2, sizeof b2, "%s/s%s", num, tshort);
    } else if (st->running) {
        snprintf(buf, sizeof buf, "preparing data\xE2\x80\xA6%s", timing);
    } else if (st->version) {
        snprintf(buf, sizeof buf, "ran %s \xC2\xB7 T fine-tunes", el);
        snprintf(b2, sizeof b2, "ran %s", el);
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
        const char *alts[3] = {buf, b2, st->running ? "" : "T: fine-tune"};
        text_fit(a, GUI_FONT_SMALL, COL_TEXT, alts, 3, x, y, AL_LEFT, 1, w - rw - gap);
    }
    y += sc(a, 20);
    /* Each figure says what it measures; the short form when narrow. */
    char brief[96];
    /* When the last accuracy was reached: its epoch mark's time. */
    char at[48] = "", shortest[40] = "";
    for (int i = st->n_history - 1; i >= 0 && !at[0]; i--)
        if (st->history[i].epoch_end && st->history[i].accuracy >= 0.0f) {
            char t[32];
            fmt_time(t, sizeof t, st->history[i].t_s);
            snprintf(at, sizeof at, " at %s", t);
        }
    if (st->heldout_acc >= 0.0f) {
        snprintf(buf, sizeof buf, "held-out %.2f%%%s (%zu MNIST test)",
                 (double)st->heldout_acc * 100.0, at, st->heldout_n);
        snprintf(brief, sizeof brief, "held-out %.2f%%%s", (double)st->heldout_acc * 100.0, at);
        snprintf(shortest, sizeof shortest, "held-out %.2f%%", (double)st->heldout_acc * 100.0);
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
        const char *alts[3] = {buf, brief, shortest};
        text_fit(a, GUI_FONT_SMALL,
                 st->heldout_acc >= 0.0f || st->user_acc >= 0.0f ? COL_ACCENT : COL_DIM, alts, 3,
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
