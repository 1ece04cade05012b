/* gui_internal.h — the window's state: gui_app and the types of its
 * groups, shared by the files of app/window/.  It includes no other window
 * header; each window module declares its functions in its own header,
 * which includes this one (gui_events.h, gui_train.h, gui_draw.h,
 * gui_paint.h, gui_views.h, script/gui_script.h, script/gui_stats.h), and
 * a file includes the headers of what it calls.  Calls point down only:
 * gui.c (start-up, event loop) calls gui_events.c (input), gui_draw*.c
 * (panels), gui_train.c (background training), gui_views.c (layers and
 * weights views, saliency), gui_script*.c and gui_stats.c (test mode);
 * these call gui_paint.c (fonts, text, shapes, textures) and the SDL-free
 * modules below them: appstate.h (drawing, model, predictions, messages),
 * layout.h, keys.h, corrections.h, bgtrain.h.  The state the files share
 * is gui_app, grouped by owner; one file (or folder) writes each group and
 * the others read it or call its functions:
 *   a->opt, a->win   set once at start-up by gui.c, read-only after
 *   a->st            the app state: only through appstate.h's functions
 *   a->paint         renderer, fonts, text cache, layout records: only
 *                    through gui_paint.h's functions (gui_paint.c)
 *   a->loop          window title, exit code: gui.c
 *   a->frame         layout, textures and their stale flags, what the last
 *                    frame drew: gui_draw.c (others call gui_layout_update,
 *                    gui_frame_stale)
 *   a->input         pointers, overlays, quit: gui_events.c
 *   a->train         corrections, trainer, training panel: gui_train.c
 *   a->fetch         MNIST's download (F): gui_fetch.c
 *   a->views         the views' state: created and freed by gui_views.c,
 *                    private to gui_views*.c (gui_views_private.h)
 *   a->script        the --script test mode: window/script/
 * Only app/window/ includes this. */
#ifndef DIGITPAD_GUI_INTERNAL_H
#define DIGITPAD_GUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "appstate.h"
#include "buttons.h"
#include "bgtrain.h"
#include "corrections.h"
#include "layout.h"

#define GUI_TEXT_CACHE 160

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
    SDL_Rect ink;          /* the inked pixels within w × h (w 0: none) */
    uint64_t last_used;
    char text[200];
} gui_text_entry;

/* -------------------------------------------------------------- pointers */

enum { GUI_PTR_NONE, GUI_PTR_DRAW, GUI_PTR_ERASE };

struct gui_options;
struct gui_script;
struct gui_views;

/* Frame statistics (printed in script mode, gui_stats.c); train_* only
 * counts frames drawn while the trainer was running. */
typedef struct gui_stats {
    uint64_t frames;
    double max_frame_ms, first_frame_ms, train_max_frame_ms;
    double *frame_ms, *train_frame_ms;
    size_t n_frame_ms, cap_frame_ms, n_train_frame_ms, cap_train_frame_ms;
    /* The UI thread's CPU time per frame while training: what the frame
     * costs, apart from the time the scheduler gave the trainer's threads
     * (a loaded machine changes the wall time, hardly this). */
    double *train_cpu_ms;
    size_t n_train_cpu_ms, cap_train_cpu_ms;
} gui_stats;

/* One record of what a frame drew, for the layout check (script mode):
 * a part (a card, the canvas, a button: a box that holds text) or a text,
 * its box measured from the inked pixels of the rendered string. */
typedef struct gui_rec {
    SDL_Rect r;
    int is_text;
    int owner;          /* part: its parent part; text: the part holding it;
                           -1: the window */
    int layer;          /* 0, or an overlay drawn over the layers below */
    SDL_Color color;    /* a text's colour */
    char what[64];      /* part name or the text (cut) */
} gui_rec;

/* What gui_paint.c draws with: the renderer, fonts and cached text.
 * Changed only through gui_paint.h's functions (gui.c hands it the
 * renderer and turns the recording on, gui_draw.c the layout's scale);
 * the other files read it. */
typedef struct gui_paint {
    SDL_Renderer *ren;
    float scale;                       /* the layout's UI scale */
    float ui;                          /* the display's factor: the least text size's */
    char font_path[1024], bold_path[1024];
    TTF_Font *font[GUI_FONT_N];
    int font_px[GUI_FONT_N];           /* sizes the fonts were opened at */
    gui_text_entry text[GUI_TEXT_CACHE];
    uint64_t text_clock;
    /* The layout check's records of the last frame (script mode only). */
    int recording;
    gui_rec *rec;
    size_t n_rec, cap_rec;
    int rec_owner, rec_layer;
    int rec_lost;                      /* a record did not fit in memory */
} gui_paint;

/* What the person is doing with pointers and keys: written by gui_events.c
 * alone (gui_events_init, the event handlers, gui_events_force_quit); the
 * other files read it. */
typedef struct gui_input {
    int ptr_mode;                      /* GUI_PTR_* */
    int ptr_button;                    /* the mouse button that started it */
    SDL_FingerID finger;               /* the finger that is drawing */
    int finger_down;
    int finger_button;                 /* the finger pressed a button */
    float cursor_x, cursor_y;          /* last pointer position, drawable px */
    /* A drawing pointer's last position in ink box units, not clamped, and
     * whether it is on the canvas (a stroke is open): outside, the pen is
     * lifted; it comes down at the edge where it (re-)enters. */
    float pen_bx, pen_by;
    int pen_in;
    int help;                          /* the help overlay is shown */
    int picker;                        /* the Label button's digit picker is open */
    int eraser;                        /* the eraser tool (E): left button, finger erase */
    int finger_erase;                  /* the finger down is erasing */
    int history;                       /* the history card is open (Ctrl+H) */
    int history_page;                  /* its page, 0: the newest drawings */
    int history_delete;                /* a tap on a drawing deletes it */
    int pressed;                       /* gui_button id under a press, -1: none */
    int quit;                          /* leave the event loop */
    double quit_t;                     /* seconds (perf counter) when quit was seen */
} gui_input;

/* The person's corrections and the background trainer: written by
 * gui_train.c alone (setup, the per-frame poll, T, G, Ctrl+S, Ctrl+R);
 * the other files read it. */
typedef struct gui_training {
    /* The corrections store (NULL only if even a memory-only store could
     * not be made) and the trainer (NULL only if it could not be created);
     * every frame takes its newest snapshot and status. */
    dp_corrections *corr;
    bg_trainer *bg;
    unsigned version;                  /* newest snapshot installed */
    bg_status status;                  /* copied each frame while shown; a
                                          run's figures are blanked once its
                                          model is replaced (Ctrl+R, a drop) */
    unsigned run_serial;               /* app_state.model_serial of the model
                                          the last run started from or made */
    int running;                       /* status.running, as of this frame */
    int show;                          /* the training panel is shown (G, or a run starts) */
    /* Something changes without input (the progress panel): the loop then
     * redraws every 50 ms instead of sleeping until an event. */
    int animating;
    char base[200];                    /* name of the model a run started from */
    char msg_seen[256];                /* last trainer message put on the status line */
    char user_dir[1024];               /* "" if it could not be made */
    char user_dir_err[512];            /* why not */
    char corr_why[700];                /* why corrections live in memory only */
    dp_history *history;               /* the drawings' history (NULL: none at all) */
    double last_stop_ms;               /* how long the last T-stop took */
} gui_training;

/* The --script test mode: written by window/script/ alone (gui_script*.c,
 * gui_stats.c); gui.c starts and ends it through gui_script_open and
 * gui_script_close and hands it each frame's time. */
typedef struct gui_scripting {
    struct gui_script *run;            /* NULL unless --script */
    /* A script's stray text (debug-text), drawn on top at a canvas point
     * in ink box units: the layout check's own test. */
    char debug_text[64];
    float debug_x, debug_y;
    gui_stats stats;
    char *screenshot_path;             /* saved at the next render, then freed */
    int check_weights;                 /* check-weights' script line: run on
                                          the next frame drawn (0: none) */
    int screenshot_failed;
} gui_scripting;

/* What the window shows and where: written by gui_draw.c alone
 * (gui_layout_update, gui_render, gui_frame_stale, gui_frame_free); the
 * other files read it. */
typedef struct gui_frame {
    dp_layout lay;                     /* every box, for the output size */
    /* The textures made from st. */
    SDL_Texture *canvas_tex;
    SDL_Texture *input_tex, *raw_tex;  /* 28×28 previews */
    int canvas_tex_stale;              /* upload st.canvas_pix to canvas_tex */
    int input_tex_stale;               /* upload st.input/raw to their textures */
    char status_shown[APP_MSG_LEN + 80]; /* the message as last drawn, lines split by '\n'
                                            (gui_render hands gui_draw_status the buffer) */
    dp_rect bars_drawn;                /* where this frame's bar chart went
                                          (empty when hidden): bar clicks */
    /* The history card's thumbnails, by cell: the drawing (id), size and
     * brush each shows, re-rendered when one changes. */
    SDL_Texture *thumb[DP_HISTORY_CELLS_MAX];
    char thumb_id[DP_HISTORY_CELLS_MAX][DP_HISTORY_ID_LEN];
    int thumb_side[DP_HISTORY_CELLS_MAX], thumb_brush[DP_HISTORY_CELLS_MAX];
} gui_frame;

/* The event loop's own state: written by gui.c alone. */
typedef struct gui_loop {
    char title[128];                   /* the window title as last set */
    int exit_code;
} gui_loop;

typedef struct gui_app {
    /* Set once at start-up by gui.c, read-only after. */
    const struct gui_options *opt;
    SDL_Window *win;
    float ui;                          /* the display's scale factor (uiscale.h) */

    app_state st;                      /* drawing, model, predictions, message:
                                          changed only through appstate.h */
    gui_paint paint;                   /* renderer, fonts, text, layout records:
                                          changed only through gui_paint.h */
    gui_loop loop;                     /* title, exit code: gui.c's */
    gui_frame frame;                   /* layout, textures, what was drawn: gui_draw.c's */
    gui_input input;                   /* pointers, overlays, quit: gui_events.c's */
    gui_training train;                /* corrections, trainer, panel: gui_train.c's */
    struct gui_fetching *fetch;        /* F: MNIST's download: gui_fetch.c's
                                          (NULL: none yet) */
    struct gui_views *views;           /* layers/weights views, overlay: set by
                                          gui_views.c, changed by gui_views*.c */
    gui_scripting script;              /* --script test mode: window/script/'s */
} gui_app;

#endif
