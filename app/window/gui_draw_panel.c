/* gui_draw_panel.c — the lower parts of the panel: the sigmoid bar chart,
 * the status line (model and message, wrapped by app_wrap_text) and the
 * on-screen buttons with their Label picker.  Separate from gui_draw.c,
 * whose gui_render calls these; they read the app state and draw with the
 * helpers of gui_draw_private.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buttons.h"
#include "gui_draw_private.h"
#include "gui_fetch.h"
#include "gui_views.h"
#include "views.h"

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

void gui_draw_bars(gui_app *a, SDL_Rect r)
{
    card(a, r);
    part(a, r, "bars");
    int pad = sc(a, DP_BARS_PAD);
    char buf[64];
    draw_bars_caption(a, r, pad);
    gui_views_bars_toggle(a); /* the LAYERS button, in the caption line */
    int top, row_h; /* shared with the click that chooses an output (views.h) */
    dp_bar_rows(&a->frame.lay, a->frame.bars_drawn, &top, &row_h);
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

/* The small font's width of t (one line). */
static int small_width(gui_app *a, const char *t)
{
    return gui_lines_width(&a->paint, GUI_FONT_SMALL, t);
}

/* The footer: the model (and what its figure measures) on the left, the
 * message on the right.  Both are broken at spaces to the room they get,
 * measured with the font.  The model's line may end in "…" after a whole
 * word; the message never does: one that needs more lines than the footer
 * has leaves it to gui_draw_message (returns 1), which shows it whole. */
int gui_draw_status(gui_app *a, char *shown, size_t shown_len)
{
    const SDL_Rect r = gui_rect(a->frame.lay.status);
    char left[400], head[300];
    if (a->st.model) {
        snprintf(left, sizeof left, "Model: %s%s%s%s", a->st.model_name,
                 a->st.model_unsaved ? " \xC2\xB7 not saved" : "",
                 a->st.model_acc[0] ? " \xC2\xB7 " : "", a->st.model_acc);
        /* What the model is: its name up to the second " · " (a trained
         * one's "new model · from scratch"), the room the line keeps. */
        snprintf(head, sizeof head, "Model: %s", a->st.model_name);
        char *dot = strstr(head, " \xC2\xB7 ");
        if (dot && (dot = strstr(dot + 1, " \xC2\xB7 ")))
            *dot = '\0';
    } else {
        snprintf(left, sizeof left, "No model");
        snprintf(head, sizeof head, "No model");
    }
    int line_h = TTF_FontLineSkip(a->paint.font[GUI_FONT_SMALL]);
    int max_lines = line_h > 0 ? r.h / line_h : 1;
    max_lines = max_lines < 1 ? 1 : max_lines > 3 ? 3 : max_lines;
    int gap = sc(a, 24);
    int lw = small_width(a, left);
    const char *msg = a->st.message;
    int mw = msg[0] ? small_width(a, msg) : 0;
    /* The message comes first: the model's line keeps at most a third of
     * the width when both do not fit. */
    int left_room = r.w;
    if (msg[0] && lw + gap + mw > r.w) {
        /* ...but never less than what names the model, up to half. */
        int keep = small_width(a, head);
        int room = keep > r.w / 3 ? (keep < r.w / 2 ? keep : r.w / 2) : r.w / 3;
        left_room = lw < room ? lw : room;
    }
    char lt[APP_MSG_LEN + 16], mt[APP_MSG_LEN + 80];
    int ln = gui_wrap(&a->paint, GUI_FONT_SMALL, left, left_room, max_lines, lt, sizeof lt);
    int mn = 0, card = 0;
    int msg_room = msg[0] ? r.w - (ln ? (lw < left_room ? lw : left_room) + gap : 0) : 0;
    mt[0] = '\0';
    if (msg[0]) {
        mn = msg_room > 0 ? gui_wrap(&a->paint, GUI_FONT_SMALL, msg, msg_room, APP_WRAP_ALL, mt,
                                     sizeof mt)
                          : APP_WRAP_ALL;
        if (mn > max_lines) {
            /* Too long for the footer: a card shows it, and the model's
             * line has the whole width. */
            card = 1;
            mn = 0;
            mt[0] = '\0';
            ln = gui_wrap(&a->paint, GUI_FONT_SMALL, left, r.w, max_lines, lt, sizeof lt);
        }
    }
    snprintf(shown, shown_len, "%s", mt);
    part(a, r, "status");
    if (SDL_RenderSetClipRect(a->paint.ren, &r) != 0)
        return card;
    int cy = r.y + r.h / 2;
    gui_text_lines(&a->paint, GUI_FONT_SMALL, COL_DIM, lt, r.x, cy - ln * line_h / 2, line_h,
                   AL_LEFT);
    if (mn)
        gui_text_lines(&a->paint, GUI_FONT_SMALL, a->st.message_error ? COL_ERROR : COL_TEXT, mt,
                       r.x + r.w, cy - mn * line_h / 2, line_h, AL_RIGHT);
    SDL_RenderSetClipRect(a->paint.ren, NULL);
    return card;
}

void gui_draw_message(gui_app *a, char *shown, size_t shown_len)
{
    const dp_layout *l = &a->frame.lay;
    const char *msg = a->st.message;
    int inset = sc(a, 10), pad = sc(a, 10);
    /* Over the foot of the canvas, near the footer, where nothing is
     * pressed; the window's width (over the footer too) when the canvas is
     * too small for it; the body font, else the small one. */
    int top = dp_layout_px(l, 20);
    const dp_rect areas[2] = {
        {l->canvas.x + inset, l->canvas.y + inset, l->canvas.w - 2 * inset,
         l->canvas.h - 2 * inset},
        {l->status.x, top, l->status.w, l->status.y + l->status.h - top}};
    static const int fonts[2] = {GUI_FONT_BODY, GUI_FONT_SMALL};
    char t[APP_MSG_LEN + 80];
    dp_rect ar = areas[1];
    int font = GUI_FONT_SMALL, n = 0, lh = 1;
    for (int k = 0; k < 4; k++) {
        ar = areas[k / 2];
        font = fonts[k % 2];
        lh = TTF_FontLineSkip(a->paint.font[font]);
        lh = lh > 0 ? lh : 1;
        n = gui_wrap(&a->paint, font, msg, ar.w - 2 * pad, APP_WRAP_ALL, t, sizeof t);
        if (n < APP_WRAP_ALL && n * lh + 2 * pad <= ar.h)
            break;
        if (k == 3) {
            /* Never on a window of 480×320 or more: as much as fits. */
            int most = (ar.h - 2 * pad) / lh;
            n = gui_wrap(&a->paint, font, msg, ar.w - 2 * pad, most < 1 ? 1 : most, t, sizeof t);
        }
    }
    snprintf(shown, shown_len, "%s", t);
    int w = gui_lines_width(&a->paint, font, t) + 2 * pad, h = n * lh + 2 * pad;
    w = w > ar.w ? ar.w : w;
    SDL_Rect r = {ar.x + (ar.w - w) / 2, ar.y + ar.h - h, w, h};
    gui_rec_layer(&a->paint);
    gui_card(&a->paint, r, a->st.message_error ? COL_ERROR : COL_BORDER, COL_CARD);
    part(a, r, "message");
    gui_text_lines(&a->paint, font, a->st.message_error ? COL_ERROR : COL_TEXT, t, r.x + pad,
                   r.y + pad, lh, AL_LEFT);
}

/* ------------------------------------------------------------- buttons */

size_t gui_buttons(const gui_app *a, gui_button *out, size_t max)
{
    size_t n_tools, n = 0;
    const dp_button *tools = dp_tool_buttons(&n_tools);
    dp_rect r[DP_TOOLS_MAX > DP_PICKER_N ? DP_TOOLS_MAX : DP_PICKER_N];
    if (n_tools > DP_TOOLS_MAX)
        n_tools = DP_TOOLS_MAX;
    dp_tools_place(&a->frame.lay, n_tools, r);
    for (size_t i = 0; i < n_tools && n < max; i++, n++)
        out[n] = (gui_button){&tools[i], r[i], (int)i};
    /* The training panel's F button, where gui_render puts the panel. */
    if (a->train.show && !a->input.picker && !gui_views_open(a) && n < max) {
        dp_rect train, bars;
        dp_layout_split_train(&a->frame.lay, &train, &bars);
        if (gui_fetch_button(a, train, &out[n]))
            n++;
    }
    if (a->input.picker) {
        dp_rect card_r, title;
        const dp_button *pick = dp_picker_buttons();
        dp_picker_place(&a->frame.lay, &card_r, &title, r);
        for (size_t i = 0; i < DP_PICKER_N && n < max; i++, n++)
            out[n] = (gui_button){&pick[i], r[i], DP_TOOLS_MAX + (int)i};
    }
    return n + gui_history_buttons(a, out + n, max - n);
}

void gui_draw_tooltip(gui_app *a)
{
    gui_button b[GUI_BUTTONS_MAX];
    size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
    for (size_t i = 0; i < n; i++) {
        if (b[i].id >= DP_TOOLS_MAX || !dp_rect_contains(b[i].r, a->input.cursor_x,
                                                          a->input.cursor_y))
            continue;
        if (gui_button_shows_label(a, &b[i], GUI_FONT_BODY) ||
            gui_button_shows_label(a, &b[i], GUI_FONT_SMALL))
            return;
        /* Its short form or icon is shown: the whole label in a card
         * above it, inside the window, over whatever is there. */
        int pad = sc(a, 6), w = text_width(a, GUI_FONT_SMALL, b[i].b->label) + 2 * pad;
        int h = TTF_FontLineSkip(a->paint.font[GUI_FONT_SMALL]) + 2 * pad;
        SDL_Rect r = {b[i].r.x + b[i].r.w / 2 - w / 2, b[i].r.y - h - sc(a, 4), w, h};
        if (r.x + r.w > a->frame.lay.out_w)
            r.x = a->frame.lay.out_w - r.w;
        if (r.x < 0)
            r.x = 0;
        if (r.y < 0)
            r.y = 0;
        gui_rec_layer(&a->paint);
        card(a, r);
        part(a, r, "tooltip");
        text(a, GUI_FONT_SMALL, COL_TEXT, b[i].b->label, r.x + r.w / 2, r.y + r.h / 2, AL_CENTER,
             1);
        return;
    }
}

/* The tools row, then (Label) the picker over the bars. */
void gui_draw_buttons(gui_app *a)
{
    gui_button b[GUI_BUTTONS_MAX];
    size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
    for (size_t i = 0; i < n; i++) {
        if (b[i].id >= DP_TOOLS_MAX)
            continue;
        gui_rec_owner(&a->paint, -1);
        int on = (b[i].b->action == DP_ACT_HELP && a->input.help) ||
                 (b[i].b->action == DP_ACT_LABEL && a->input.picker) ||
                 (b[i].b->action == DP_ACT_PEN && a->input.eraser) ||
                 (b[i].b->action == DP_ACT_HISTORY && a->input.history);
        gui_draw_button(a, &b[i], GUI_FONT_BODY, on);
    }
    if (a->input.history && !a->input.picker)
        gui_draw_history(a, b, n);
    if (!a->input.picker)
        return;
    dp_rect card_r, title;
    dp_rect r[DP_PICKER_N];
    dp_picker_place(&a->frame.lay, &card_r, &title, r);
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
        gui_draw_button(a, &b[i], b[i].b->digit >= 0 ? GUI_FONT_TITLE : GUI_FONT_BODY, stored);
    }
}
