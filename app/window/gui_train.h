/* gui_train.h — gui_train.c, background training in the window: the
 * corrections store, the trainer and the training panel's state
 * (a->train, which it alone writes).  gui.c and gui_events.c call it. */
#ifndef DIGITPAD_GUI_TRAIN_H
#define DIGITPAD_GUI_TRAIN_H

#include "gui_internal.h"

/* Opens the corrections store (in the user's data directory, else in
 * memory) and creates the background trainer on it (MNIST from
 * opt->data_dir).  0, or -1 with the reason in the status line; the window
 * then works without training. */
int gui_train_setup(gui_app *a);
/* Stops and joins a running worker, frees the trainer and the corrections
 * store; no-op without. */
void gui_train_free(gui_app *a);
/* Once per frame: installs the newest snapshot, refreshes a->train.status, keeps
 * a->train.animating on while a run goes, relays the trainer's messages. */
void gui_train_poll(gui_app *a);
/* T / Shift+T: starts a run from the current model, or stops a running one. */
void gui_train_toggle(gui_app *a, int from_scratch);
/* Stops a run (within one training step).  discard: drop its final
 * snapshot instead of installing it. */
void gui_train_stop(gui_app *a, int discard);
/* G: shows or hides the training panel (with the trainer's status as of
 * now). */
void gui_train_panel(gui_app *a);
/* Ctrl+S: saves the current model to <user data dir>/BG_USER_MODEL_NAME. */
void gui_train_save_model(gui_app *a);
/* Ctrl+R (DP_ACT_SHIPPED): stops a run (dropping its snapshot) and loads
 * the shipped model; the status line says so. */
void gui_train_shipped(gui_app *a);

#endif
