/* gui_draw_history.c — the history card (Ctrl+H, the History button): a
 * page of the person's recent drawings, newest first, each a thumbnail
 * with what it was read as, its label and whether a fine-tune has learnt
 * it, over the bars' box as the Label picker is; the controls below page,
 * delete and clear.  Placement is buttons.h's (dp_history_place), the
 * store history.h's; this file paints and keeps the thumbnails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_draw_private.h"

size_t gui_history_page(const gui_app *a, size_t *first)
{
    dp_rect card_r, title, ctl[DP_HISTORY_CTL_N], cells[DP_HISTORY_CELLS_MAX];
    size_t per = dp_history_place(&a->frame.lay, &card_r, &title, ctl, cells);
    size_t n = dp_history_count(a->train.history);
    size_t page = a->input.history_page < 0 ? 0 : (size_t)a->input.history_page;
    /* A page past the end (drawings deleted since) shows the last one. */
    if (per && page * per >= n)
        page = n ? (n - 1) / per : 0;
    *first = page * per;
    return per;
}

size_t gui_history_buttons(const gui_app *a, gui_button *out, size_t max)
{
    if (!a->input.history || a->input.picker)
        return 0;
    dp_rect card_r, title, ctl[DP_HISTORY_CTL_N], cells[DP_HISTORY_CELLS_MAX];
    size_t per = dp_history_place(&a->frame.lay, &card_r, &title, ctl, cells);
    const dp_button *cell_b, *ctl_b = dp_history_buttons(&cell_b);
    size_t n = 0, first;
    for (size_t i = 0; i < DP_HISTORY_CTL_N && n < max; i++, n++)
        out[n] = (gui_button){&ctl_b[i], ctl[i], GUI_HISTORY_ID + (int)i};
    gui_history_page(a, &first);
    size_t count = dp_history_count(a->train.history);
    for (size_t i = 0; i < per && first + i < count && n < max; i++, n++)
        out[n] = (gui_button){&cell_b[i], cells[i], GUI_HISTORY_ID + DP_HISTORY_CTL_N + (int)i};
    return n;
}

/* The cell's thumbnail texture, rendered again when the drawing, its size
 * or the canvas brush changed; NULL when it cannot be made. */
static SDL_Texture *thumbnail(gui_app *a, size_t cell, const dp_history_entry *e, int side)
{
    int brush = (int)(app_canvas_brush(&a->st) * 100.0f);
    if (a->frame.thumb[cell] && a->frame.thumb_side[cell] == side &&
        a->frame.thumb_brush[cell] == brush && strcmp(a->frame.thumb_id[cell], e->id) == 0)
        return a->frame.thumb[cell];
    if (a->frame.thumb[cell] && a->frame.thumb_side[cell] != side) {
        SDL_DestroyTexture(a->frame.thumb[cell]);
        a->frame.thumb[cell] = NULL;
    }
    char err[256];
    if (!a->frame.thumb[cell] &&
        !(a->frame.thumb[cell] = gui_make_stream(&a->paint, side, side, 0, err, sizeof err)))
        return NULL;
    float *pix = malloc((size_t)side * (size_t)side * sizeof *pix);
    if (!pix)
        return NULL;
    ink_render(&e->drawing, pix, side, side, app_canvas_brush(&a->st));
    int r = gui_upload(a->frame.thumb[cell], pix, side, side, COL_PAPER, COL_INK, err, sizeof err);
    free(pix);
    if (r != 0)
        return NULL;
    a->frame.thumb_side[cell] = side;
    a->frame.thumb_brush[cell] = brush;
    snprintf(a->frame.thumb_id[cell], sizeof a->frame.thumb_id[cell], "%s", e->id);
    return a->frame.thumb[cell];
}

void gui_history_free(gui_app *a)
{
    for (size_t i = 0; i < DP_HISTORY_CELLS_MAX; i++)
        if (a->frame.thumb[i]) {
            SDL_DestroyTexture(a->frame.thumb[i]);
            a->frame.thumb[i] = NULL;
        }
}

/* The line under a thumbnail, longest form first: what it was read as,
 * the person's label, and ✓ once a fine-tune has learnt it. */
static int cell_lines(const dp_history_entry *e, char (*alt)[64])
{
    char read[24];
    if (e->pred < 0)
        snprintf(read, sizeof read, "\xE2\x80\x93");
    else
        snprintf(read, sizeof read, "%d%s", e->pred, e->unsure ? "?" : "");
    if (e->label < 0) {
        snprintf(alt[0], 64, "read %s (%d%%)", read, (e->conf + 5) / 10);
        snprintf(alt[1], 64, "read %s", read);
        snprintf(alt[2], 64, "%s", read);
        return 3;
    }
    const char *tick = e->learnt ? " \xE2\x9C\x93" : "";
    snprintf(alt[0], 64, "%s \xC2\xB7 yours %d%s", read, e->label, e->learnt ? " \xE2\x9C\x93 learnt" : "");
    snprintf(alt[1], 64, "%s \xC2\xB7 yours %d%s", read, e->label, tick);
    snprintf(alt[2], 64, "%s\xE2\x86\x92%d%s", read, e->label, e->learnt ? "\xE2\x9C\x93" : "");
    snprintf(alt[3], 64, "%d%s", e->label, e->learnt ? "\xE2\x9C\x93" : "");
    return 4;
}

void gui_draw_history(gui_app *a, const gui_button *b, size_t n)
{
    dp_rect card_r, title, ctl[DP_HISTORY_CTL_N], cells[DP_HISTORY_CELLS_MAX];
    dp_history_place(&a->frame.lay, &card_r, &title, ctl, cells);
    gui_rec_owner(&a->paint, -1);
    card(a, gui_rect(card_r));
    int card_part = part(a, gui_rect(card_r), "history");
    size_t first, count = dp_history_count(a->train.history);
    size_t per = gui_history_page(a, &first);
    size_t last = first + per < count ? first + per : count;
    char t0[96], t1[64], t2[32];
    if (a->input.history_delete) {
        snprintf(t0, sizeof t0, "TAP A DRAWING TO DELETE IT");
        snprintf(t1, sizeof t1, "TAP ONE TO DELETE");
        snprintf(t2, sizeof t2, "DELETE");
    } else if (count == 0) {
        snprintf(t0, sizeof t0, "HISTORY: EMPTY");
        snprintf(t1, sizeof t1, "HISTORY");
        snprintf(t2, sizeof t2, "0");
    } else {
        snprintf(t0, sizeof t0, "YOUR DRAWINGS %zu\xE2\x80\x93%zu OF %zu, NEWEST FIRST", first + 1,
                 last, count);
        snprintf(t1, sizeof t1, "DRAWINGS %zu\xE2\x80\x93%zu / %zu", first + 1, last, count);
        snprintf(t2, sizeof t2, "%zu\xE2\x80\x93%zu/%zu", first + 1, last, count);
    }
    const char *caps[3] = {t0, t1, t2};
    text_fit(a, GUI_FONT_CAPTION, a->input.history_delete ? COL_ERROR : COL_DIM, caps, 3, title.x,
             title.y + title.h / 2, AL_LEFT, 1, title.w);
    if (count == 0 && per > 0) {
        static const char *const hint[] = {"C (clear) keeps a drawing here", "C keeps one here",
                                           "empty"};
        dp_rect g = cells[0];
        gui_rec_owner(&a->paint, card_part);
        text_fit(a, GUI_FONT_SMALL, COL_FAINT, hint, 3, card_r.x + card_r.w / 2, g.y + g.h / 2,
                 AL_CENTER, 1, title.w);
    }
    for (size_t i = 0; i < n; i++) {
        if (b[i].id < GUI_HISTORY_ID)
            continue;
        gui_rec_owner(&a->paint, card_part);
        if (b[i].id < GUI_HISTORY_ID + DP_HISTORY_CTL_N) {
            gui_draw_button(a, &b[i], GUI_FONT_BODY,
                            b[i].b->action == DP_ACT_HISTORY_DELETE && a->input.history_delete);
            continue;
        }
        size_t cell = (size_t)b[i].b->digit;
        const dp_history_entry *e = dp_history_get(a->train.history, first + cell);
        if (!e)
            continue;
        SDL_Rect r = gui_rect(b[i].r);
        int pressed = a->input.pressed == b[i].id;
        gui_card(&a->paint, r, a->input.history_delete ? COL_ERROR : COL_BORDER,
                 pressed ? COL_BAR : COL_TRACK);
        int cell_part = part(a, r, "history-cell");
        int line_h = sc(a, 20) < 12 ? 12 : sc(a, 20);
        int pad = sc(a, 3) < 1 ? 1 : sc(a, 3);
        int side = r.h - line_h - 2 * pad;
        if (side > r.w - 2 * pad)
            side = r.w - 2 * pad;
        if (side >= 4) {
            SDL_Texture *t = thumbnail(a, cell, e, side);
            SDL_Rect tr = {r.x + (r.w - side) / 2, r.y + pad, side, side};
            if (t)
                SDL_RenderCopy(a->paint.ren, t, NULL, &tr);
        }
        char alt[4][64];
        int k = cell_lines(e, alt);
        const char *alts[4] = {alt[0], alt[1], alt[2], k > 3 ? alt[3] : ""};
        SDL_Color c = e->learnt ? COL_ACCENT : e->label >= 0 ? COL_TEXT : COL_DIM;
        gui_rec_owner(&a->paint, cell_part);
        text_fit(a, GUI_FONT_SMALL, c, alts, k, r.x + r.w / 2, r.y + r.h - pad - line_h / 2,
                 AL_CENTER, 1, r.w - 2 * pad);
    }
}
