/* gui_script.h — the --script test mode (window/script/): replays a script
 * of input events through the real event loop, prints and checks what the
 * window shows.  a->script is written by window/script/ alone; gui.c opens
 * and closes it and runs a step each frame. */
#ifndef DIGITPAD_GUI_SCRIPT_H
#define DIGITPAD_GUI_SCRIPT_H

#include "gui_internal.h"

/* --script FILE: loads the script into a->script (no-op without one).
 * 0, or -1 with a message on stderr. */
int gui_script_open(gui_app *a);
/* Frees a->script: the script, its frame statistics, a pending
 * screenshot path. */
void gui_script_close(gui_app *a);
/* Runs the script's next command at the end of a frame: pushes at most one
 * SDL event, prints, checks, or waits. */
void gui_script_step(gui_app *a);
/* After a frame is rendered, before it is shown: the checks that read the
 * frame's pixels (check-weights). */
void gui_script_frame_drawn(gui_app *a);
/* 1 if an expect-* failed (gui_script_parse.c). */
int gui_script_failed(const struct gui_script *s);

#endif
