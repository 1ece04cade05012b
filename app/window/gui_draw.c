/* gui_draw.c — what the window shows: canvas, 28×28 previews, the sigmoid
 * bar chart, the training panel, the buttons (buttons.h) and their label
 * picker, status line and help overlay (listed from the key table, keys.h),
 * placed by layout.h and painted with gui_paint.c.  Every part and text is
 * recorded for the layout check in script mode (gui_rec_*).  Reads the app
 * state; changes nothing but textures and the layout.
 * This file draws the canvas, the previews and the head card and puts the
 * frame together; the training panel is in gui_draw_train.c, the bars,
 * status line and buttons in gui_draw_panel.c, the help overlay in
 * gui_draw_help.c, the palette and helpers they share in
 * gui_draw_private.h. */
#include <stdio.h>

#include "gui_draw_private.h"
#include "gui_views.h"

/* --------------------------------------------------------------- layout */

int gui_layout_update(gui_app *a)
{
    int ow, oh, ww, wh;
    if (SDL_GetRendererOutputSize(a->paint.ren, &ow, &oh) != 0) {
        fprintf(stderr, "digitpad: renderer size: %s\n", SDL_GetError());
        return -1;
    }
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (dp_layout_compute_ui(&a->frame.lay, ow, oh, ww, a->ui > 0.0f ? a->ui : 1.0f) != 0)
        return -1;
    /* V and W: explorer mode, the network takes most of the window. */
    if (gui_views_open(a))
        dp_layout_explorer(&a->frame.lay);
    gui_paint_set_scale(&a->paint, a->frame.lay.scale);
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
        if (a->frame.canvas_tex &&
            SDL_QueryTexture(a->frame.canvas_tex, NULL, NULL, &tw, &th) == 0 && tw != side) {
            SDL_DestroyTexture(a->frame.canvas_tex);
            a->frame.canvas_tex = NULL;
        }
        if (!a->frame.canvas_tex) {
            a->frame.canvas_tex = make_stream(a, side, side, 0);
            a->frame.canvas_tex_stale = 1;
        }
        if (a->frame.canvas_tex && a->frame.canvas_tex_stale)
            upload(a, a->frame.canvas_tex, a->st.canvas_pix, side, side);
        a->frame.canvas_tex_stale = 0;
    }
    if (!a->frame.input_tex && (a->frame.input_tex = make_stream(a, INK_SIDE, INK_SIDE, 1)) != NULL)
        a->frame.input_tex_stale = 1;
    if (!a->frame.raw_tex && (a->frame.raw_tex = make_stream(a, INK_SIDE, INK_SIDE, 1)) != NULL)
        a->frame.input_tex_stale = 1;
    if (a->frame.input_tex_stale) {
        if (a->frame.input_tex)
            upload(a, a->frame.input_tex, a->st.input, INK_SIDE, INK_SIDE);
        if (a->frame.raw_tex)
            upload(a, a->frame.raw_tex, a->st.raw, INK_SIDE, INK_SIDE);
        a->frame.input_tex_stale = 0;
    }
}

void gui_frame_stale(gui_app *a, int canvas, int previews)
{
    if (canvas)
        a->frame.canvas_tex_stale = 1;
    if (previews)
        a->frame.input_tex_stale = 1;
}

void gui_frame_lost(gui_app *a)
{
    gui_frame_stale(a, 1, 1);
    /* The history's thumbnails are drawn again too. */
    for (size_t i = 0; i < DP_HISTORY_CELLS_MAX; i++)
        a->frame.thumb_id[i][0] = '\0';
}

void gui_frame_free(gui_app *a)
{
    if (a->frame.canvas_tex)
        SDL_DestroyTexture(a->frame.canvas_tex);
    if (a->frame.input_tex)
        SDL_DestroyTexture(a->frame.input_tex);
    if (a->frame.raw_tex)
        SDL_DestroyTexture(a->frame.raw_tex);
    gui_history_free(a);
}

/* ----------------------------------------------------------------- parts */

static void draw_canvas(gui_app *a)
{
    const SDL_Rect c = gui_rect(a->frame.lay.canvas);
    int b = sc(a, 1) > 0 ? sc(a, 1) : 1;
    fill_round(a, (SDL_Rect){c.x - b, c.y - b, c.w + 2 * b, c.h + 2 * b}, (float)sc(a, 4),
               COL_BORDER);
    if (a->frame.canvas_tex)
        SDL_RenderCopy(a->paint.ren, a->frame.canvas_tex, NULL, &c);
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
    if (a->input.ptr_mode == GUI_PTR_ERASE || a->input.finger_erase) {
        float r = app_eraser_radius() / INK_BOX * (float)c.w;
        gui_ring(&a->paint, a->input.cursor_x, a->input.cursor_y, r - (float)sc(a, 1.5f), r, COL_RAW);
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
    SDL_Texture *tex[2] = {a->frame.raw_tex, a->frame.input_tex};
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
    const SDL_Rect h = gui_rect(a->frame.lay.head);
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
    gui_views_preview(a, draw_preview(a, a->frame.input_tex, prev_cx, cap_y + sc(a, 24), prev_max));

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

/* ---------------------------------------------------------------- frame */

/* The bar chart at r, noted for the clicks that choose an output. */
static void draw_bars(gui_app *a, dp_rect r)
{
    a->frame.bars_drawn = r;
    gui_draw_bars(a, gui_rect(r));
}

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
    a->frame.bars_drawn = (dp_rect){0, 0, 0, 0};
    /* An open layers or weights view covers the panel above the buttons. */
    if (!gui_views_open(a)) {
        draw_head(a);
        gui_rec_owner(&a->paint, -1);
        if (!a->input.picker && !a->input.history) {
            dp_rect train, bars;
            if (!a->train.show) {
                draw_bars(a, a->frame.lay.bars);
            } else if (dp_layout_split_train(&a->frame.lay, &train, &bars)) {
                gui_draw_train(a, gui_rect(train));
                gui_rec_owner(&a->paint, -1);
                draw_bars(a, bars);
            } else {
                gui_draw_train(a, gui_rect(train));
            }
            gui_rec_owner(&a->paint, -1);
        }
    }
    gui_views_panel(a);
    gui_rec_owner(&a->paint, -1);
    gui_draw_buttons(a);
    gui_rec_owner(&a->paint, -1);
    int message_card = gui_draw_status(a, a->frame.status_shown, sizeof a->frame.status_shown);
    if (message_card)
        gui_draw_message(a, a->frame.status_shown, sizeof a->frame.status_shown);
    if (a->script.debug_text[0]) {
        float px, py;
        dp_layout_box_to_px(&a->frame.lay, a->script.debug_x, a->script.debug_y, &px, &py);
        gui_rec_owner(&a->paint, -1);
        text(a, GUI_FONT_TITLE, COL_ERROR, a->script.debug_text, (int)px, (int)py, AL_CENTER, 1);
    }
    if (!a->input.help && !a->input.picker)
        gui_draw_tooltip(a);
    if (a->input.help)
        gui_draw_help(a);
}
