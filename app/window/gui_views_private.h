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
    /* The weights view (W): which weighted layer's page (Up and Down
     * choose; an index into the model's weighted layers, kept while the
     * architecture changes, clamped), that page and where its pictures went
     * as last painted, from which model (the snapshot version). */
    int w_page, w_n_pages;
    dp_wpage w_pg;
    dp_wlayout w_lay;
    float w_range_used;
    unsigned w_version;
    /* The colour scale of each weighted layer (by arch index), fixed for
     * the session per architecture (w_arch) when the layer is first
     * shown, so what changes while training is the weights. */
    float w_range[NN_MAX_LAYERS];
    char w_arch[256];          /* nn_arch_format of the model they are for */
    /* A small picture of the diverging colour ramp for the legends. */
    SDL_Texture *ramp_tex;
    /* Every layer's output for the current input and model, kept from
     * the refresh's forward pass, so pointing at units reads values
     * instead of running the network again (act_ok 0: none). */
    float *act;
    size_t act_cap;
    nn_layer_view act_lv[NN_MAX_LAYERS];
    int act_ok;
    /* The explorer's inspector beside the input tile: the pointed conv
     * pixel's filter (or the kernels of its strongest input maps), a dense
     * unit's input weights; repainted when the unit, the model or the
     * input changes (insp_stale), its labels drawn over it each frame. */
    SDL_Texture *insp_tex;
    int insp_w, insp_h, insp_stale;
    int insp_n;                          /* pictures shown */
    dp_rect insp_where[DP_WPAGE_TOP];    /* where each went */
    float insp_range;                    /* their layer's colour range */
    char insp_title[128];
    char insp_label[DP_WPAGE_TOP][48];   /* "map 12 +0.83" */
    char insp_mid[DP_WPAGE_TOP][24];     /* "12 +0.8", where that is too wide */
    char insp_short[DP_WPAGE_TOP][16];   /* "12", where even that is */
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
    char unit_msg[APP_MSG_LEN];   /* the status line that described it */
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

/* ------------------------------------------------ gui_views_unit.c */

/* Keeps a copy of every layer's output of one forward pass of m (lv as
 * nn_forward_layers filled it; NULL: none), for the unit values and the
 * inspector; marks the inspector for repainting. */
void gui_views_keep_acts(gui_views *g, const nn_model *m, const nn_layer_view *lv);
/* The explorer's arrow keys: g->unit moved by dp_views_step, pinned,
 * described. */
void gui_views_step_unit(gui_app *a, int dx, int dy, int jump);
/* Puts what g->unit is on the status line (and marks the inspector). */
void gui_views_describe(gui_app *a);
/* Weighted layer li's colour range for the session (set from m when it
 * is first needed; the weights view and the inspector share it). */
float gui_views_layer_range(gui_views *g, const nn_model *m, int li);
/* Repaints the inspector's texture for the pointed unit when it is stale
 * (a title line label_h high on top, pictures gap apart). */
void gui_views_inspector(gui_app *a, int label_h, int gap);

#endif
