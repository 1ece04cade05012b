/* gui_views.h — gui_views.c and gui_views_draw.c, the layers and weights
 * views and the saliency overlay (a->views, which they alone change): what
 * gui.c, gui_events.c, the drawing and the script mode call.  Their shared
 * state is in gui_views_private.h. */
#ifndef DIGITPAD_GUI_VIEWS_H
#define DIGITPAD_GUI_VIEWS_H

#include <SDL.h>

#include "gui_internal.h"
#include "views.h" /* dp_unit */

/* The views' state (a->views); -1 with a message when out of memory (the
 * window then runs without them). */
int gui_views_create(gui_app *a);
void gui_views_free(gui_app *a);
/* The drawing or the model changed: recompute before the next draw (only
 * while a view or the overlay is shown). */
void gui_views_changed(gui_app *a);
/* V, W, X, [ and ] (dp_action values; key tells [ from ]). */
void gui_views_action(gui_app *a, int action, int key);
/* Draws the saliency overlay on the canvas (after the canvas). */
void gui_views_canvas(gui_app *a);
/* Draws the overlay on a 28×28 preview drawn at r. */
void gui_views_preview(gui_app *a, SDL_Rect r);
/* 1 while the layers or weights view covers the panel. */
int gui_views_open(const gui_app *a);
/* For an export (gui_export_png's extra): draws the open view at its
 * place, which goes in *where; 0 when no view is open. */
int gui_views_export(gui_app *a, SDL_Rect *where);
/* Draws the open view over the panel (above the on-screen buttons), or the
 * chosen output's frame on the bar chart (after the bars). */
void gui_views_panel(gui_app *a);
/* The LAYERS button in the bar chart's caption line where there is room
 * (gui_draw_bars calls it, so the layout check counts it as the bars'). */
void gui_views_bars_toggle(gui_app *a);
/* A left click at drawable (px, py): 1 if a view's button or bar took it. */
int gui_views_click(gui_app *a, float px, float py);
/* Script mode: where output d's bar, or the LAYERS / close button, is
 * (drawable px); -1 when not shown.  The line print-views prints, and the
 * mode (dp_view_mode) with the overlay's state. */
int gui_views_bar_point(gui_app *a, int d, float *px, float *py);
int gui_views_toggle_point(gui_app *a, float *px, float *py);
void gui_views_print(const gui_app *a);
/* Script mode, right after a frame is rendered in the weights view: reads
 * the frame's pixels back and compares every pixel of every picture with
 * the colour of the weight it stands for in the installed model (on the
 * layer's session range), and whether that model is the trainer's
 * snapshot as published (its bg_version and parameter checksum).  A line
 * "weights-drawn: ..." into line; returns the pixels that differ (plus 1
 * for a snapshot that does not match its checksum), or -1 when there is no
 * weights view or picture to check. */
long gui_views_check_weights(gui_app *a, char *line, size_t len);
int gui_views_mode(const gui_app *a, int *saliency, int *chosen);
/* Mouse motion at drawable (px, py) with no button held: in the layers
 * view the unit under it becomes the one described (unless one is pinned). */
void gui_views_motion(gui_app *a, float px, float py);
/* The arrow keys in the explorer (dp_views_step): dx, dy -1/+1, jump
 * with Shift; the unit reached is described and pinned, as a click pins.
 * In the weights view dy chooses the layer shown instead. */
void gui_views_step(gui_app *a, int dx, int dy, int jump);
/* Script mode: the centre of stage s's first tile's pixel (x, y) (a
 * cell's or bar's index x) in the layers view, drawable px; -1 when not
 * shown. */
int gui_views_unit_point(gui_app *a, int s, int x, int y, float *px, float *py);
/* Script mode: the unit described (stage -1: none) and whether pinned. */
dp_unit gui_views_unit(const gui_app *a, int *pinned);
/* Once per loop turn: takes a finished saliency computation (run off the
 * UI thread; its end wakes the loop) and asks for a redraw to show it. */
void gui_views_poll(gui_app *a);
/* Script mode: 1 while a saliency is being computed or is due. */
int gui_views_sal_busy(const gui_app *a);

#endif
