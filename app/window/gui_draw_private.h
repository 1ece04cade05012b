/* gui_draw_private.h — private to the files that draw the window
 * (gui_draw.c, the canvas, previews and frame; gui_draw_train.c, the
 * training panel; gui_draw_panel.c, the bars, status line and buttons;
 * gui_draw_help.c, the help overlay): the palette and the short drawing
 * helpers they share.  Static, so each of those files keeps its own copy
 * and none calls another for them.  What the other files call is in
 * gui_draw.h. */
#ifndef DIGITPAD_GUI_DRAW_PRIVATE_H
#define DIGITPAD_GUI_DRAW_PRIVATE_H

#include <stdio.h>

#include "gui_draw.h"
#include "gui_internal.h"
#include "gui_paint.h"
#include "gui_palette.h"

/* --------------------------------------------------------------- layout */

static inline int text(gui_app *a, int font, SDL_Color c, const char *s, int x, int y, int align,
                int vcenter)
{
    return gui_text(&a->paint, font, c, s, x, y, align, vcenter);
}

static inline int text_width(gui_app *a, int font, const char *s)
{
    return gui_text_width(&a->paint, font, s);
}

/* Draws the first of alts that is at most max_w wide (the later ones are
 * shorter forms); nothing when none fits.  Returns the width drawn. */
static inline int text_fit(gui_app *a, int font, SDL_Color c, const char *const *alts, int n, int x,
                    int y, int align, int vcenter, int max_w)
{
    return gui_text_fit(&a->paint, font, c, alts, n, x, y, align, vcenter, max_w);
}

static inline int part(gui_app *a, SDL_Rect r, const char *name)
{
    return gui_rec_part(&a->paint, r, name);
}

static inline void set_color(gui_app *a, SDL_Color c)
{
    gui_set_color(&a->paint, c);
}

static inline void fill_rect(gui_app *a, SDL_Rect r, SDL_Color c)
{
    gui_fill_rect(&a->paint, r, c);
}

static inline void fill_round(gui_app *a, SDL_Rect r, float rad, SDL_Color c)
{
    gui_fill_round(&a->paint, r, rad, c);
}

static inline void card(gui_app *a, SDL_Rect r)
{
    gui_card(&a->paint, r, COL_BORDER, COL_CARD);
}

static inline void fmt_pct(char *buf, size_t n, float v)
{
    snprintf(buf, n, "%.1f%%", (double)v * 100.0);
}

/* The parts gui_render draws from the other files (not presented). */
/* gui_draw_train.c */
void gui_draw_train(gui_app *a, SDL_Rect h);
/* gui_draw_panel.c: the bars at r (gui_render notes r in a->frame.bars_drawn
 * first), the buttons, the status line (the message as drawn, lines split by
 * '\n', into shown; 1 when the message is too long for it), and such a
 * message whole in a card above the rest (its lines into shown). */
void gui_draw_bars(gui_app *a, SDL_Rect r);
void gui_draw_buttons(gui_app *a);
int gui_draw_status(gui_app *a, char *shown, size_t shown_len);
void gui_draw_message(gui_app *a, char *shown, size_t shown_len);

/* gui_draw_history.c: the history card's buttons (after the others, while
 * it is open; gui_buttons adds them), the card with its cells (b: the
 * buttons on screen), the thumbnails' textures freed. */
size_t gui_history_buttons(const gui_app *a, gui_button *out, size_t max);
void gui_draw_history(gui_app *a, const gui_button *b, size_t n);
void gui_history_free(gui_app *a);
/* gui_draw_help.c */
void gui_draw_help(gui_app *a);

#endif
