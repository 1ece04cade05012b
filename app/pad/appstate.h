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
#include "history.h"
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
    /* The eraser gesture under way (eraser.c): where it last was, whether
     * its undo step is pushed; which of the n0 strokes it started on it
     * has touched (hit) and which of those each stroke now is a piece of
     * (origin: one per stroke of the drawing, NULL before the first cut);
     * what end counted. */
    struct {
        int open, pushed;
        float x, y;
        size_t n0, *origin;
        unsigned char *hit;
        size_t cut, removed;
    } erase;
    int brush_level;              /* the canvas pen: APP_BRUSH_LEVELS, 0 = thinnest */
    /* The drawing came from the history (app_history_restore) and is not
     * edited since: clearing it does not store it again. */
    char history_from[DP_CORR_ID_LEN];
} app_state;

/* How long an information message stays (a long one: one second for
 * every APP_MSG_READ_CHARS bytes, about a slow reader's 150 words a
 * minute), and a confirmation waits. */
#define APP_MSG_SECONDS 5.0
#define APP_MSG_READ_CHARS 12.0
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
 * than APP_MSG_SECONDS (longer for a long one) is cleared (errors stay
 * until app_user_action). */
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
 * by width(ctx, text, nbytes)), at spaces; a word wider than a whole line
 * (a long path) starts on the current line and is broken after a '/' that
 * fits, else at a UTF-8 character boundary.  When the text does not fit,
 * the last line ends in "…" after its last whole word.  Lines go to out
 * separated by '\n'.  Returns the number of lines: called with
 * max_lines APP_WRAP_ALL, a result below it means the whole text is there
 * (nothing cut), in that many lines. */
#define APP_WRAP_ALL 64
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
/* The eraser (eraser.c) cuts strokes where it passes: what lies within
 * app_eraser_radius() of its path goes, the rest of each stroke stays as
 * pieces.  begin starts a gesture at (bx, by), to moves it along a
 * straight path, end finishes it: one gesture is one undo step, and end
 * says what it did in the message ("Erased: 2 strokes cut").  end returns
 * how many strokes were cut or removed. */
void app_erase_begin(app_state *s, float bx, float by);
void app_erase_to(app_state *s, float bx, float by);
size_t app_erase_end(app_state *s);
/* One touch of the eraser at (bx, by): begin then end. */
size_t app_erase_at(app_state *s, float bx, float by);
/* The geometry under the eraser: *out (initialised here) gets in's strokes
 * with what lies strictly inside the circle (cx, cy, r) taken out, each
 * stroke's remaining runs as strokes of their own, the points at the cut
 * on the circle's edge; points not cut are copied exactly.  *cut and
 * *removed (may be NULL) count the strokes split or shortened and those
 * gone.  1 when something was inside, 0 when nothing was (*out empty and
 * freed), -1 out of memory (*out freed). */
int app_cut_drawing(const ink_drawing *in, float cx, float cy, float r, ink_drawing *out,
                    size_t *cut, size_t *removed);

/* ------------------------------------------------------------- the brush */

/* The canvas pen's widths, as multiples of ink_default_brush(): they
 * change only what the canvas shows.  The network's input keeps ink's own
 * rule (ink_brush_for), so answers never depend on it. */
#define APP_BRUSH_LEVELS 5
#define APP_BRUSH_DEFAULT 3
/* The canvas brush's diameter in ink box units. */
float app_canvas_brush(const app_state *s);
/* Sets the level (clamped to 0 .. APP_BRUSH_LEVELS-1) and re-renders the
 * canvas; no message (start-up uses it with the remembered level). */
void app_set_brush(app_state *s, int level);
/* A brush key or button: delta -1 thinner, +1 wider, 0 the next width
 * round (the button); says the width in the message.  Returns the new
 * level. */
int app_brush_step(app_state *s, int delta);
/* The brush is remembered in <dir>/settings.txt ("brush N", N from 1):
 * load sets it from there (absent or unreadable: unchanged, no message);
 * save writes it atomically (fileio_save), 0 or -1 with err set. */
void app_brush_load(app_state *s, const char *dir);
int app_brush_save(const app_state *s, const char *dir, char *err, size_t errlen);
#define APP_SETTINGS_NAME "settings.txt"
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

/* ------------------------------------------------------------ history */

/* Clear (C, Delete, the Clear button) that first keeps the drawing in the
 * history h (NULL: none): app_clear, and the drawing with its prediction,
 * label and whether a fine-tune has learnt it goes into h, unless it was
 * brought back from h and not changed since.  The message says when h was
 * full and its oldest drawing went, or why it was not kept. */
void app_clear_to_history(app_state *s, dp_history *h);
/* Keeps the drawing in h as above without clearing (quitting, or before
 * a drawing from the history replaces it).  1 if added, 0 if not needed,
 * -1 with the reason in the message. */
int app_history_record(app_state *s, dp_history *h);
/* Brings the i-th newest drawing of h back on the canvas (undoable; the
 * drawing there is kept in h first).  0, or -1 when there is none. */
int app_history_restore(app_state *s, dp_history *h, size_t i);

/* ------------------------------------------------------------ history */

/* Clear (C, Delete, the Clear button) that first keeps the drawing in the
 * history h (NULL: none): app_clear, and the drawing with its prediction,
 * label and whether a fine-tune has learnt it goes into h, unless it was
 * brought back from h and not changed since.  The message says when h was
 * full and its oldest drawing went, or why it was not kept. */
void app_clear_to_history(app_state *s, dp_history *h);
/* Keeps the drawing in h as above without clearing (quitting, or before
 * a drawing from the history replaces it).  1 if added, 0 if not needed,
 * -1 with the reason in the message. */
int app_history_record(app_state *s, dp_history *h);
/* Brings the i-th newest drawing of h back on the canvas (undoable; the
 * drawing there is kept in h first).  0, or -1 when there is none. */
int app_history_restore(app_state *s, dp_history *h, size_t i);

#endif
