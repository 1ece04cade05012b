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
    unsigned model_serial;        /* counts installs: which model this is */
    char model_name[256];
    char model_acc[96];           /* dp_card_accuracy (modelcard.h) */
    float threshold;

    int image_mode;               /* a dropped image is shown: input came from it */
    int correction_label;         /* this drawing is stored with it (-1: not) */
    char correction_id[DP_CORR_ID_LEN]; /* ... under this id */
    unsigned correction_run;      /* train_runs when it was stored */
    unsigned train_runs;          /* training runs started so far (the GUI counts) */
    int model_unsaved;            /* trained in this session, not saved (Ctrl+S) */
    char message[APP_MSG_LEN];    /* the status line */
    int message_error;
    double message_t;             /* when it was set (app_tick's clock) */
    double now;                   /* seconds, set by app_tick every frame */
    int confirm_what;             /* an action waiting for its second press (0: none) */
    double confirm_until;
    /* Undo and redo: the states before (undo) and after (redo) each edit. */
    struct app_edit *undo, *redo;
    size_t n_undo, n_redo;
    int dirty;                    /* something visible changed */
} app_state;

/* How long an information message stays, and a confirmation waits. */
#define APP_MSG_SECONDS 5.0
#define APP_CONFIRM_SECONDS 5.0
/* Edits undo remembers (the oldest is forgotten beyond). */
#define APP_UNDO_MAX 200

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

/* Once per frame with the clock in seconds: an information message older
 * than APP_MSG_SECONDS is cleared (errors stay until app_user_action). */
void app_tick(app_state *s, double now);
/* A key press or click: clears an error message (it has been seen). */
void app_user_action(app_state *s);
/* Asks for a second press: 1 if the same `what` (a dp_action, keys.h:
 * the key's action or a DP_CONFIRM_* id) asked within
 * APP_CONFIRM_SECONDS (and clears the request), else 0 and starts one,
 * putting question (an error-coloured status line) up. */
int app_confirm(app_state *s, int what, const char *question);
/* Anything that would throw away an unsaved trained model (quit, Ctrl+R,
 * a dropped model): 1 to go ahead.  With one, the first request asks
 * "Unsaved model: Ctrl+S saves it, <again> to discard" and returns 0; the
 * same `what` within APP_CONFIRM_SECONDS returns 1: a training run must
 * not be lost to one stray key press or drop. */
int app_discard_request(app_state *s, int what, const char *again);
/* Quit (Esc, closing the window): app_discard_request with "quit again". */
int app_quit_request(app_state *s);

/* Breaks text into at most max_lines lines no wider than max_w (measured
 * by width(ctx, text, nbytes)), at spaces only; a word wider than a line is
 * cut at a UTF-8 character boundary.  When the text does not fit, the last
 * line ends in "…" after its last whole word.  Lines go to out separated
 * by '\n'.  Returns the number of lines. */
int app_wrap_text(const char *text, int max_w, int max_lines,
                  int (*width)(void *ctx, const char *s, size_t n), void *ctx, char *out,
                  size_t outlen);

/* Takes ownership of m (a loaded file or a trainer's snapshot) and makes it
 * the model predictions use, freeing the previous one; reads its threshold
 * and accuracy phrase from its metadata (modelcard.h).  0, or -1 (m freed, old
 * model kept, reason in the message) when no workspace could be made. */
int app_install_model(app_state *s, nn_model *m, const char *name);

/* Loads a model file and installs it under its base name.  0, or -1 with
 * "Could not load model: <reason>" in the message (old model kept). */
int app_load_model_file(app_state *s, const char *path);
/* The second half of app_load_model_file, for a model already loaded from
 * path (dp_card_load_start): app_install_model under path's base name, the
 * model counted as saved, "Loaded <path>" in the message.  0 or -1 (m
 * freed, as app_install_model). */
int app_install_model_file(app_state *s, nn_model *m, const char *path);

/* Brings canvas pixels (side × side), network input and predictions up to
 * date with the strokes.  Returns bit 1 if the canvas pixels changed, bit 2
 * if the input or predictions did; 0 when nothing needed doing. */
int app_update(app_state *s, int side);

/* A dropped image (w×h floats, ink high: ink_image_load / ink_image_polarity)
 * becomes the network input through ink_normalize, as --predict does, and
 * is predicted; the canvas shows that 28×28 input until the next stroke.
 * The drawing is cleared (undoable).  0, or -1 when the image has no ink
 * (message says so, nothing changed). */
int app_show_image(app_state *s, const float *pix, int w, int h, const char *name);

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
/* Undo / redo of strokes, clear, erase and labels.  Undoing a label takes
 * the correction back out of c (dp_corrections_retract); redoing it stores
 * it again.  c may be NULL when no label was ever stored. */
void app_undo(app_state *s, dp_corrections *c);
void app_redo(app_state *s, dp_corrections *c);
void app_clear(app_state *s);
void app_toggle_compare(app_state *s);
/* Marks the drawing changed (re-render, re-predict, not yet stored). */
void app_drawing_edited(app_state *s);

/* ------------------------------------------------- the window's own writes */

/* The redraw flag (dirty): every change above sets it itself; the window
 * asks for a redraw of what only it shows (the cursor ring, a hovered
 * button, the views) and clears it once the frame is drawn. */
void app_request_redraw(app_state *s);
void app_redraw_done(app_state *s);
/* A snapshot of a training run becomes the model (app_install_model) and
 * counts as unsaved until app_model_saved. */
int app_install_snapshot(app_state *s, nn_model *m, const char *name);
/* The current model was saved to a file (Ctrl+S). */
void app_model_saved(app_state *s);
/* A training run was started: corrections stored from now on are learned
 * by it (the messages of app_store_correction say so). */
void app_training_started(app_state *s);

/* -------------------------------------------------------------- storing */

/* Where S saves, in the data directory: the strokes file and the start
 * of its images' names (the window's start-up sweep names them too). */
#define APP_DRAWINGS_NAME "drawings.strokes"
#define APP_DRAWING_PREFIX "drawing-"

/* S: saves the drawing with the label it is stored with as a correction
 * (a digit key), else unlabelled ('?'), to <dir>/drawings.strokes and
 * <dir>/drawing-<id>.pgm, image first (dp_store_labelled); the message
 * names the label used.  dir NULL: says why nothing was saved (why). */
void app_save_drawing(app_state *s, const char *dir, const char *why);

/* A digit key: stores the drawing once as a correction in c (NULL: says
 * corrections are unavailable); another digit on the same drawing replaces
 * its label (the old correction is taken back); undo takes it back.  training: a run is going (the message
 * says when it learns from it).  When c keeps drawings in memory only, the
 * message says so plainly, with why_memory as the reason (else the
 * store's, dp_corrections_why_memory: a data directory deleted since it
 * opened).  Returns 1 if stored. */
int app_store_correction(app_state *s, dp_corrections *c, int digit, int training,
                         const char *why_memory);

#endif
