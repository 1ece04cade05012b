/* gui_draw.h — gui_draw*.c, what the window shows: the layout, the frame
 * and its textures (a->frame, written by gui_draw.c alone), and where the
 * on-screen buttons are.  gui.c, gui_events.c and the script mode call it;
 * the drawing files' own helpers are in gui_draw_private.h. */
#ifndef DIGITPAD_GUI_DRAW_H
#define DIGITPAD_GUI_DRAW_H

#include <stddef.h>

#include "buttons.h"
#include "gui_internal.h"
#include "layout.h"

/* -------------------------------------------------------- gui_draw.c */

/* Recomputes a->frame.lay from the renderer's output size and hands the
 * paint its scale.  0, or -1 when the size cannot be read (layout kept). */
int gui_layout_update(gui_app *a);
/* Draws the whole window (not presented), uploading the stale textures
 * first. */
void gui_render(gui_app *a);
/* The canvas texture and/or the previews' (canvas, previews: 1) no longer
 * show the app state: the next gui_render uploads them again. */
void gui_frame_stale(gui_app *a, int canvas, int previews);
/* The renderer lost its textures' content (a device or targets reset):
 * every texture is uploaded or drawn again. */
void gui_frame_lost(gui_app *a);
/* Destroys the frame's textures (before the renderer goes). */
void gui_frame_free(gui_app *a);

/* -------------------------------------------------- gui_draw_panel.c */

/* An on-screen button where it is now: the table row (buttons.h), its
 * rectangle in drawable pixels and an id (tools index, or DP_TOOLS_MAX +
 * picker index). */
typedef struct gui_button {
    const dp_button *b;
    dp_rect r;
    int id;
} gui_button;
/* The buttons on screen: the tools row, then the picker's while it is
 * open.  Fills at most max; returns how many. */
size_t gui_buttons(const gui_app *a, gui_button *out, size_t max);

/* The most buttons on screen at once: tools, picker, the panel's F button,
 * the history card's controls and cells.  Ids: tools index, DP_TOOLS_MAX +
 * picker index, GUI_HISTORY_ID + control index, GUI_HISTORY_ID +
 * DP_HISTORY_CTL_N + cell. */
#define GUI_BUTTONS_MAX (DP_TOOLS_MAX + DP_PICKER_N + 1 + DP_HISTORY_CTL_N + DP_HISTORY_CELLS_MAX)
#define GUI_HISTORY_ID (DP_TOOLS_MAX + DP_PICKER_N + 1)
/* Draws one button (its card, its label or the short one); active: on. */
void gui_draw_button(gui_app *a, const gui_button *b, int font, int active);
/* 1 when b's whole label shows in font, on one line or two (gui_draw_button.c;
 * the tooltip names only buttons that show less). */
int gui_button_shows_label(gui_app *a, const gui_button *b, int font);
/* Over the tools button under the pointer that shows only its short form
 * or icon: its whole label in a small card above it (an overlay). */
void gui_draw_tooltip(gui_app *a);

/* ------------------------------------------------- gui_draw_history.c */

/* The history card's page: how many cells it shows (0: the card is too
 * small for one) and the index in the history of its first drawing. */
size_t gui_history_page(const gui_app *a, size_t *first);

/* -------------------------------------------------- gui_draw_export.c */

/* An extra view for an export: draws it into the current render target at
 * its place in the window and puts that place in *where; 0 when there is
 * nothing to add. */
typedef int (*gui_export_extra_fn)(gui_app *a, SDL_Rect *where);

/* Ctrl+E: the canvas with its bar chart beside it, and below them what
 * extra draws (NULL: nothing; the open layers or weights view), drawn
 * offscreen and saved as a PNG (SDL_image) into dir under a new name,
 * digitpad-YYYYMMDD-HHMMSS[-N].png: written to a temporary file and linked
 * into place, so no file is ever overwritten.  name gets the path.  0, or
 * -1 with the reason in err. */
int gui_export_png(gui_app *a, const char *dir, gui_export_extra_fn extra, char *name,
                   size_t namelen, char *err, size_t errlen);

#endif
