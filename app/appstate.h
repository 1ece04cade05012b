/* appstate.h — the window's state below its event loop: the drawing and
 * its edits, the model and its predictions, the status-line message.  The
 * SDL files (gui*.c) change it only through these functions and read it
 * for drawing; no SDL here, so tests/test_app_state.c drives it directly.
 *
 * Flow: pointer events -> app_stroke_* / app_erase_at (ink box units) ->
 * app_update (canvas pixels, ink_preprocess, nn_forward) -> pred -> bars. */
#ifndef DIGITPAD_APPSTATE_H
#define DIGITPAD_APPSTATE_H

#include <stddef.h>

#include "corrections.h"
#include "ink.h"
#include "nn.h"

#define APP_MSG_LEN 512

typedef struct app_prediction {
    int valid;     /* 0: empty canvas or no model: show nothing */
    float y[10];   /* sigmoid outputs as the network gave them */
    int top;       /* dp_argmax10(y) */
    float conf;    /* y[top] */
    int unsure;    /* conf below the model's threshold */
} app_prediction;

typedef struct app_state {
    /* The drawing and what it becomes. */
    ink_drawing drawing;
    float *canvas_pix;            /* ink_render output, canvas_side² */
    size_t canvas_cap;            /* floats allocated in canvas_pix */
    int canvas_side;
    float input[INK_INPUT_SIZE];  /* ink_preprocess output: the network input */
    float raw[INK_INPUT_SIZE];    /* ink_downsample of the canvas (compare view) */
    app_prediction pred, raw_pred;
    int compare;                  /* also predict the raw canvas */
    int drawing_changed;          /* app_update re-runs preprocessing + forward */
    int canvas_changed;           /* app_update re-renders the canvas pixels */

    /* The model.  Replaced only by app_install_model, on the UI thread. */
    nn_model *model;
    nn_workspace *ws;
    char model_name[256];
    char model_acc[64];           /* "test accuracy 98.9%" or "" */
    float threshold;

    int label;                    /* last digit key, -1 for '?' (S saves with it) */
    int correction_label;         /* this drawing is stored with it (-1: not) */
    char message[APP_MSG_LEN];    /* the status line */
    int message_error;
    int dirty;                    /* something visible changed */
} app_state;

void app_state_init(app_state *s);
/* Frees the drawing, the canvas pixels and the model. */
void app_state_free(app_state *s);

/* The status line (printf-style; control characters become '?'); error=1
 * colours it. */
void app_message(app_state *s, int error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Takes ownership of m (a loaded file or a trainer's snapshot) and makes it
 * the model predictions use, freeing the previous one; reads its threshold
 * (kept only inside (0,1)) and accuracy metadata.  0, or -1 (m freed, old
 * model kept, reason in the message) when no workspace could be made. */
int app_install_model(app_state *s, nn_model *m, const char *name);

/* Loads a model file and installs it under its base name.  0, or -1 with
 * "Could not load model: <reason>" in the message (old model kept). */
int app_load_model_file(app_state *s, const char *path);

/* Brings canvas pixels (side × side), network input and predictions up to
 * date with the strokes.  Returns bit 1 if the canvas pixels changed, bit 2
 * if the input or predictions did; 0 when nothing needed doing. */
int app_update(app_state *s, int side);

/* The window title for the current prediction ("digitpad — 7 (98%)"). */
void app_title(const app_state *s, char *buf, size_t len);

/* ---------------------------------------------------------- drawing edits */

/* Starts a stroke / adds a point, in ink box units. */
void app_stroke_begin(app_state *s, float bx, float by);
void app_stroke_point(app_state *s, float bx, float by);
/* The eraser's reach in ink box units, the one home for both erasing and
 * the ring drawn around the cursor. */
float app_eraser_radius(void);
/* Removes every stroke that passes within app_eraser_radius() of (bx, by).
 * Returns how many were removed. */
size_t app_erase_at(app_state *s, float bx, float by);
void app_undo(app_state *s);
void app_clear(app_state *s);
void app_toggle_compare(app_state *s);
/* Marks the drawing changed (re-render, re-predict, not yet stored). */
void app_drawing_edited(app_state *s);

/* -------------------------------------------------------------- storing */

/* S: saves the drawing with the last digit label (or '?') to
 * <dir>/drawings.strokes and <dir>/drawing-<id>.pgm, image first
 * (dp_store_labelled).  dir NULL: says why nothing was saved (why). */
void app_save_drawing(app_state *s, const char *dir, const char *why);

/* A digit key: stores the drawing once as a correction in c (NULL: says
 * corrections are unavailable).  training: a run is going (the message
 * says when it learns from it).  When c keeps drawings in memory only, the
 * message says so plainly, with why_memory as the reason.  Returns 1 if
 * stored. */
int app_store_correction(app_state *s, dp_corrections *c, int digit, int training,
                         const char *why_memory);

#endif
