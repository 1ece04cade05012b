/* gui_stats.h — gui_stats.c, the script mode's frame statistics and
 * screenshots (a->script.stats, a->script.screenshot_path): gui.c hands it
 * each frame's time and asks for the report at the end. */
#ifndef DIGITPAD_GUI_STATS_H
#define DIGITPAD_GUI_STATS_H

#include <SDL.h>

#include "gui_internal.h"

/* Saves the frame just rendered to a->script.screenshot_path (then freed). */
void gui_stats_screenshot(gui_app *a);
/* Records one frame's time (ms from the events to the present) and the
 * UI thread's CPU time in it (cpu_ms, from gui_stats_cpu_ms). */
void gui_stats_frame(gui_stats *s, double ms, double cpu_ms, int training);
/* The calling thread's CPU time in ms (CLOCK_THREAD_CPUTIME_ID); 0 where
 * the clock is missing. */
double gui_stats_cpu_ms(void);
/* Prints the frame statistics and how long the quit took to join the
 * trainer (the lines tests/test_gui*.sh read). */
void gui_stats_report(gui_stats *s, SDL_Renderer *ren, int was_training, double stop_ms);
void gui_stats_free(gui_stats *s);

#endif
