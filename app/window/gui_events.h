/* gui_events.h — gui_events.c, the window's input: SDL events become calls
 * into the app state (keys through the key table, pointers through the
 * layout), and a->input, which it alone writes.  gui.c and the script mode
 * call it. */
#ifndef DIGITPAD_GUI_EVENTS_H
#define DIGITPAD_GUI_EVENTS_H

#include <SDL.h>

#include "gui_internal.h"

/* The clock in seconds (SDL's performance counter). */
double gui_now_s(void);
/* SIGTERM and SIGINT: noted (the next SDL_QUIT then quits without asking)
 * and handed on to SDL's handlers; unhook puts the old handlers back. */
void gui_hook_signals(void);
void gui_unhook_signals(void);
/* One SDL event: keys, buttons, mouse, touch, drops, window changes. */
void gui_on_event(gui_app *a, SDL_Event *e);
/* a->input as the window starts: no button pressed. */
void gui_events_init(gui_app *a);
/* Leaves the event loop at once, without asking or timing the stop (a
 * script whose quit event was lost). */
void gui_events_force_quit(gui_app *a);

#endif
