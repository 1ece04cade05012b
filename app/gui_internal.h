/* gui_internal.h — state shared by the window's files: gui.c (event loop,
 * models, predictions), gui_draw.c (layout and rendering) and gui_script.c
 * (scripted test mode).  Not a public header: only app/gui*.c include it. */
#ifndef DIGITPAD_GUI_INTERNAL_H
#define DIGITPAD_GUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bgtrain.h"
#include "gui.h"
#include "ink.h"
#include "nn.h"

#define GUI_DEFAULT_W 1000
#define GUI_DEFAULT_H 640
#define GUI_MSG_LEN 512
#define GUI_TEXT_CACHE 160

/* ---------------------------------------------------------------- layout */

/* Every rectangle in drawable (renderer output) pixels, recomputed from the
 * output size each frame so resizing and HiDPI need no special cases. */
typedef struct gui_layout {
    int out_w, out_h;      /* renderer output size */
    float scale;           /* UI scale: 1.0 at the default window on a 1× screen */
    float px_per_win;      /* drawable pixels per window coordinate (HiDPI) */
    SDL_Rect canvas;       /* the square drawing area */
    SDL_Rect panel;        /* the right-hand column */
    SDL_Rect head;         /* top of the panel: big digit + previews, or
                              the training panel while it is shown */
    SDL_Rect bars;         /* the ten bars */
    SDL_Rect status;       /* bottom line */
} gui_layout;

/* ----------------------------------------------------------------- fonts */

enum {
    GUI_FONT_SMALL,    /* status line, percentages */
    GUI_FONT_CAPTION,  /* small bold captions */
    GUI_FONT_BODY,
    GUI_FONT_BOLD,
    GUI_FONT_TITLE,    /* bold, previews' predictions */
    GUI_FONT_HUGE,     /* the predicted digit */
    GUI_FONT_N
};

typedef struct gui_text_entry {
    SDL_Texture *tex;      /* NULL: free slot */
    int font;
    SDL_Color color;
    int w, h;
    uint64_t last_used;
    char text[200];
} gui_text_entry;

/* ------------------------------------------------------------ prediction */

typedef struct gui_prediction {
    int valid;             /* 0: empty canvas or no model: show nothing */
    float y[10];           /* sigmoid outputs as the network gave them */
    int top;               /* argmax */
    float conf;            /* y[top] */
    int unsure;            /* conf below the model's threshold */
} gui_prediction;

/* -------------------------------------------------------------- pointers */

enum { GUI_PTR_NONE, GUI_PTR_DRAW, GUI_PTR_ERASE };

struct gui_script;

typedef struct gui_app {
    const gui_options *opt;
    SDL_Window *win;
    SDL_Renderer *ren;
    char font_path[1024], bold_path[1024];
    TTF_Font *font[GUI_FONT_N];
    int font_px[GUI_FONT_N];           /* sizes the fonts were opened at */
    gui_text_entry text[GUI_TEXT_CACHE];
    uint64_t text_clock;
    gui_layout lay;

    /* The drawing and what it becomes. */
    ink_drawing drawing;
    int ptr_mode;                      /* GUI_PTR_* */
    SDL_FingerID finger;               /* the finger that is drawing */
    int finger_down;
    float cursor_x, cursor_y;          /* last pointer position, drawable px */
    float *canvas_pix;                 /* ink_render output, canvas size */
    size_t canvas_cap;                 /* floats allocated in canvas_pix */
    int canvas_side;                   /* size canvas_pix/canvas_tex were made for */
    SDL_Texture *canvas_tex;
    SDL_Texture *input_tex, *raw_tex;  /* 28×28 previews */
    float input[INK_INPUT_SIZE];       /* ink_preprocess output: the network input */
    float raw[INK_INPUT_SIZE];         /* ink_downsample of the canvas (P view) */
    gui_prediction pred, raw_pred;
    int drawing_changed;               /* re-run preprocessing + forward */
    int canvas_changed;                /* re-render the canvas pixels */
    int canvas_tex_stale;              /* upload canvas_pix to canvas_tex */
    int input_tex_stale;               /* upload input/raw to their textures */

    /* The model the window predicts with.  Replaced only by gui_install_model
     * on the UI thread, so a background trainer hands over complete
     * snapshots (bgtrain.h) and this thread never reads a half-written one. */
    nn_model *model;
    nn_workspace *ws;
    char model_name[256];
    char model_acc[64];                /* "test accuracy 98.9%" or "" */
    float threshold;

    /* UI state. */
    int help, compare;
    int label;                         /* last digit key, -1 for '?' */
    char message[GUI_MSG_LEN];
    int message_error;
    char title[128];
    int dirty, quit, exit_code;
    /* Set by parts that change without input (a training progress panel):
     * the loop then redraws every 50 ms instead of sleeping until an event. */
    int animating;

    /* Background training (bgtrain.h).  bg is NULL only if it could not
     * be created; every frame takes its newest snapshot and status. */
    bg_trainer *bg;
    unsigned bg_version;               /* newest snapshot installed */
    bg_status train;                   /* copied each frame while shown */
    int training;                      /* train.running, as of this frame */
    int show_train;                    /* the panel replaces the head card */
    char train_base[200];              /* name of the model a run started from */
    char train_msg_seen[256];          /* last trainer message put on the status line */
    char user_dir[1024];               /* "" if it could not be made */
    double last_stop_ms;               /* how long the last T-stop took */
    int correction_label;              /* this drawing is stored with this
                                          label (-1: not stored) */

    /* Frame statistics (printed in script mode); train_* only counts frames
     * drawn while the trainer was running. */
    uint64_t frames;
    double max_frame_ms, first_frame_ms;
    double *frame_ms;
    size_t n_frame_ms, cap_frame_ms;
    double *train_frame_ms;
    size_t n_train_frame_ms, cap_train_frame_ms;
    double train_max_frame_ms;
    double quit_t;                     /* seconds (perf counter) when quit was seen */

    struct gui_script *script;         /* NULL unless --script */
    char *screenshot_path;             /* saved at the next render, then freed */
    int screenshot_failed;
} gui_app;

/* ------------------------------------------------------------- gui.c */

/* Shows msg (printf-style) in the status line; error=1 colours it. */
void gui_message(gui_app *a, int error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Takes ownership of m (a loaded file or a trainer's snapshot) and makes it
 * the model the window predicts with, freeing the previous one.  name is
 * shown in the status line.  0, or -1 (m freed, old model kept) when no
 * workspace could be made for it. */
int gui_install_model(gui_app *a, nn_model *m, const char *name);

/* Maps between the 1000-unit ink box and window coordinates (the units of
 * SDL mouse events) under the current layout. */
void gui_box_to_window(const gui_app *a, float bx, float by, int *wx, int *wy);

/* ------------------------------------------------------- gui_train.c */

/* Creates the background trainer (corrections file in the user's data
 * directory, MNIST from opt->data_dir).  0, or -1 with the reason in the
 * status line; the window then works without training. */
int gui_train_setup(gui_app *a);
/* Stops and joins a running worker and frees the trainer; no-op without. */
void gui_train_free(gui_app *a);
/* Once per frame: installs the newest snapshot, refreshes a->train, keeps
 * a->animating on while a run goes, relays the trainer's messages. */
void gui_train_poll(gui_app *a);
/* T / Shift+T: starts a run from the current model, or stops a running one. */
void gui_train_toggle(gui_app *a, int from_scratch);
/* Stops a run (within one training step).  discard: drop its final
 * snapshot instead of installing it. */
void gui_train_stop(gui_app *a, int discard);
/* Digit keys: stores the drawing as a correction labelled digit. */
void gui_train_correction(gui_app *a, int digit);
/* Ctrl+S: saves the current model to <user data dir>/BG_USER_MODEL_NAME. */
void gui_train_save_model(gui_app *a);

/* -------------------------------------------------------- gui_draw.c */

/* Recomputes a->lay from the renderer's output size. */
int gui_layout_update(gui_app *a);
/* Opens the fonts at sizes that fit the current layout (no-op when they
 * already match).  0, or -1 with a message on stderr. */
int gui_fonts_update(gui_app *a);
void gui_fonts_free(gui_app *a);
/* Draws the whole window (not presented). */
void gui_render(gui_app *a);

/* ------------------------------------------------------ gui_script.c */

/* Parses the script file; NULL with a message on stderr on failure. */
struct gui_script *gui_script_load(const char *path);
void gui_script_free(struct gui_script *s);
/* Runs the script's next command at the end of a frame: pushes at most one
 * SDL event, prints, checks, or waits. */
void gui_script_step(gui_app *a);
/* 1 if an expect-* failed. */
int gui_script_failed(const struct gui_script *s);

#endif
