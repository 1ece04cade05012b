/* gui_paint.h — gui_paint.c, what every drawing file paints with: fonts,
 * cached text, shapes, streaming textures, and the layout check's records
 * (script mode).  The drawing files (gui_draw*.c, gui_views*.c), gui.c and
 * the script mode call it. */
#ifndef DIGITPAD_GUI_PAINT_H
#define DIGITPAD_GUI_PAINT_H

#include <stddef.h>

#include <SDL.h>

#include "gui_internal.h"
#include "layout.h"

enum { AL_LEFT = 0, AL_CENTER = 1, AL_RIGHT = 2 };

/* What the paint draws with, set from outside: the window's renderer
 * (gui.c, once), the layout check's recording (gui.c, script mode) and the
 * layout's UI scale (gui_draw.c, each layout). */
void gui_paint_set_renderer(gui_paint *p, SDL_Renderer *ren);
void gui_paint_set_recording(gui_paint *p, int on);
void gui_paint_set_scale(gui_paint *p, float scale);
/* The display's scale factor (uiscale.h; gui.c, once): text never gets
 * smaller than 8 px times it. */
void gui_paint_set_ui(gui_paint *p, float ui);

/* Finds the bundled fonts (paths.h), else asks fontconfig for DejaVu Sans
 * or any sans with a one-line note on stderr.  0, or -1 with a message on
 * stderr when there is no font at all. */
int gui_fonts_find(gui_paint *p);
/* Opens the fonts at sizes that fit the scale (no-op when they already
 * match).  0, or -1 with a message on stderr. */
int gui_fonts_update(gui_paint *p);
void gui_fonts_free(gui_paint *p);
/* v design pixels in output pixels at the paint's scale. */
int gui_sc(const gui_paint *p, float v);
/* Draws s with its top at y (or centred on y when vcenter); returns its
 * width, 0 if nothing was drawn. */
int gui_text(gui_paint *p, int font, SDL_Color c, const char *s, int x, int y, int align,
             int vcenter);
int gui_text_width(gui_paint *p, int font, const char *s);
/* Draws the first of alts (longest form first) that is at most max_w
 * wide, as gui_text; nothing when none fits.  Returns the width drawn. */
int gui_text_fit(gui_paint *p, int font, SDL_Color c, const char *const *alts, int n, int x, int y,
                 int align, int vcenter, int max_w);
/* Text in lines: gui_wrap breaks s into at most max_lines lines no wider
 * than w in font (app_wrap_text: at spaces, a long path after a '/'; the
 * last line ends in "…" only when more is left) into out, '\n' between
 * them, and returns how many; gui_text_lines draws such lines from the top
 * y, line_h apart, each aligned at x; gui_lines_width is their widest. */
int gui_wrap(gui_paint *p, int font, const char *s, int w, int max_lines, char *out,
             size_t outlen);
void gui_text_lines(gui_paint *p, int font, SDL_Color c, const char *t, int x, int y, int line_h,
                    int align);
int gui_lines_width(gui_paint *p, int font, const char *t);
void gui_set_color(gui_paint *p, SDL_Color c);
void gui_fill_rect(gui_paint *p, SDL_Rect r, SDL_Color c);
/* A rounded rectangle, a card (bordered rounded rectangle), a ring. */
void gui_fill_round(gui_paint *p, SDL_Rect r, float rad, SDL_Color c);
void gui_card(gui_paint *p, SDL_Rect r, SDL_Color border, SDL_Color fill);
void gui_ring(gui_paint *p, float x, float y, float r0, float r1, SDL_Color c);
/* A streaming ARGB texture (nearest: no smoothing); NULL with SDL's
 * reason in err. */
SDL_Texture *gui_make_stream(gui_paint *p, int w, int h, int nearest, char *err, size_t errlen);
/* Keeps *t a streaming texture of w × h (*tw × *th its size): made, or
 * remade when the size changed.  0, or -1 with SDL's reason in err (*t
 * then NULL). */
int gui_ensure_stream(gui_paint *p, SDL_Texture **t, int *tw, int *th, int w, int h, int nearest,
                      char *err, size_t errlen);
/* Writes grey values (0 paper .. 1 ink) into a streaming texture, mixing
 * paper and ink.  0, or -1 with SDL's reason in err. */
int gui_upload(SDL_Texture *t, const float *pix, int w, int h, SDL_Color paper, SDL_Color ink,
               char *err, size_t errlen);
/* The layout check (script mode, a->paint.recording): a frame starts with
 * gui_rec_begin; gui_rec_part records a part inside the current one and
 * makes it current (texts drawn next belong to it) and returns its index;
 * gui_rec_owner makes a recorded part (or -1, the window) current again;
 * gui_rec_layer starts an overlay.  All are no-ops when not recording. */
void gui_rec_begin(gui_paint *p);
int gui_rec_part(gui_paint *p, SDL_Rect r, const char *name);
void gui_rec_owner(gui_paint *p, int part);
void gui_rec_layer(gui_paint *p);
/* Checks the last frame's records in a w × h window: parts inside their
 * parent and not overlapping their siblings; texts inside their part, not
 * overlapping another text of their layer or a part that does not hold
 * them.  Prints one "FAIL layout WxH: ..." line per problem (at most
 * max_lines) and returns the number of problems. */
int gui_rec_check(const gui_paint *p, int w, int h, const char *state, int max_lines);
/* Frees the records. */
void gui_rec_free(gui_paint *p);
/* v design pixels in output pixels at the window's scale: the one short
 * form every drawing file uses. */
static inline int sc(const gui_app *a, float v)
{
    return gui_sc(&a->paint, v);
}
/* dp_rect as SDL_Rect. */
static inline SDL_Rect gui_rect(dp_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

#endif
