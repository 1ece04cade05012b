/* gui_fetch.h — F: getting MNIST from the window.  The fetch script runs as
 * a child process (app/train/fetch.c); this module offers it when T or
 * Shift+T finds no data, shows its progress in the training panel, cancels
 * it, and starts the training that was asked for once it is done.  It owns
 * a->fetch. */
#ifndef DIGITPAD_GUI_FETCH_H
#define DIGITPAD_GUI_FETCH_H

#include "gui_draw.h" /* gui_button */
#include "gui_internal.h"

/* T or Shift+T found no MNIST: remembers which (from_scratch) so F's
 * download starts it when done, and shows the panel's F button. */
void gui_fetch_offer(gui_app *a, int from_scratch);
/* F: downloads MNIST into the directory the trainer looks in (the data
 * directory unless --data or DIGITPAD_DATA names one) by running the fetch
 * script as a child; F again cancels.  $DIGITPAD_FETCH_FROM=DIR makes it
 * copy from DIR (--from) instead, for offline machines and tests. */
void gui_fetch_toggle(gui_app *a);
/* Once a frame (gui_train_poll): reads the child's progress, says how it
 * ended.  Returns 1 (fine-tune) or 2 (from scratch) once a download asked
 * for by T or Shift+T has succeeded, else 0. */
int gui_fetch_poll(gui_app *a);
/* 1 while the download runs; *files: files verified so far (of 4), *line:
 * the script's last line (borrowed). */
int gui_fetch_progress(const gui_app *a, int *files, const char **line);
/* The training panel's F button (Get MNIST / Cancel download) inside the
 * panel box r: 1 with *out filled while it is offered, else 0. */
int gui_fetch_button(const gui_app *a, dp_rect r, gui_button *out);
/* Cancels a running download and frees the state. */
void gui_fetch_free(gui_app *a);

#endif
