/* gui_palette.h — the window's colours, one home for every file that
 * draws (gui_draw*.c through gui_draw_private.h, and gui_views*.c), so the
 * views look like the rest of the window.  Static consts: each drawing file keeps
 * its own copy of the few bytes it uses. */
#ifndef DIGITPAD_GUI_PALETTE_H
#define DIGITPAD_GUI_PALETTE_H

#include <SDL.h>

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
static const SDL_Color COL_CHOSEN = {236, 120, 96, 255};  /* the output the views explain */

/* c as opaque ARGB8888, for the pixel buffers the views paint (views.h). */
static inline Uint32 gui_argb(SDL_Color c)
{
    return 0xFF000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | (Uint32)c.b;
}

#endif
