/* gui_views_private.h — private to gui_views.c (the views' state, actions,
 * recomputing, clicks, script mode) and gui_views_draw.c (drawing them):
 * the state they share and the two calls the drawing makes back.  What
 * the other files call is in gui_views.h. */
#ifndef DIGITPAD_GUI_VIEWS_PRIVATE_H
#define DIGITPAD_GUI_VIEWS_PRIVATE_H

#include <SDL.h>

#include "gui_internal.h"
#include "gui_views.h"
#include "layout.h"
#include "nn.h"
#include "views.h"

enum { PILL_LAYERS, PILL_WEIGHTS, PILL_WHY, PILL_CLOSE, PILL_N };

/* One saliency computation off the UI thread (SmoothGrad takes 32
 * gradients: tens of ms for a cnn).  The UI thread fills the request and
 * starts the thread; the thread writes only the result fields and then
 * sets done (and wakes the event loop); the UI thread reads the result
 * after done and joins.  The model is the job's own clone, so the window
 * may install another meanwhile. */
typedef struct gui_sal_job {
    SDL_Thread *thread;        /* NULL: no job to join */
    SDL_atomic_t done;
    nn_model *model;           /* clone, freed at the join */
    float x[INK_INPUT_SIZE];
    int k, gradient_only;
    nn_attr_method method;
    float sal[INK_INPUT_SIZE], logit;
    nn_status status;
    char err[sizeof(((nn_error *)0)->msg)];
} gui_sal_job;

typedef struct gui_views {
    dp_views v;
    int stale;                 /* recompute before the next draw */
    const nn_model *model;     /* the model the stages were made for */
    dp_rect area;              /* where the view's picture was placed */
    SDL_Texture *tex;          /* the view's picture (panel-sized) */
    int tex_w, tex_h;
    SDL_Texture *sal_tex;      /* 28×28 overlay */
    /* The weights view's caption facts (dp_views_paint_weights). */
    int w_layer, w_units, w_shown;
    unsigned w_version;
    /* The weights' colour scale, fixed for the session per architecture
     * (w_arch), so what changes while training is the weights. */
    float w_range;
    char w_arch[256];          /* nn_arch_format of the model it is for */
    /* On-screen buttons as last drawn (clicks test these). */
    dp_rect pill[PILL_N];
    int pill_on[PILL_N];
    dp_rect toggle;            /* the LAYERS button on the bar chart */
    int toggle_on;
    /* The saliency waits while a stroke is being drawn (a cnn's gradient
     * costs a few ms): at most every SAL_EVERY_MS, and at the stroke's end. */
    int sal_stale;
    double sal_t;
    gui_sal_job job;
    /* The unit pointed at in the layers view (hover, or pinned by a click)
     * and what was said about it. */
    dp_unit unit;
    int pinned;
    float unit_value;
    /* Recompute cost, for the scripted test's report. */
    double last_ms, max_ms;
    unsigned recomputes;
} gui_views;

/* The view's area: the whole panel (head card and bars), so a cnn's six
 * stages fit; a header line for the buttons on top. */
dp_rect gui_views_panel_rect(const gui_app *a);
/* Brings the views up to date with the drawing and the model (only when
 * something changed). */
void gui_views_refresh(gui_app *a);

#endif
