/* gui_internal.h — the SDL side of the window, shared by its files.  Calls
 * point down only: gui.c (start-up, event loop) calls gui_events.c (input),
 * gui_draw*.c (panels), gui_train.c (background training), gui_views.c
 * (layers and weights views, saliency), gui_script*.c and gui_stats.c (test
 * mode); these call gui_paint.c (fonts, text, shapes, textures) and the
 * SDL-free modules below them: appstate.h (drawing, model, predictions,
 * messages), layout.h, keys.h, corrections.h, bgtrain.h.  The state the
 * files share is gui_app, grouped by owner: the app state (changed only
 * through appstate.h's functions), a->input (gui_events.c), a->train
 * (gui_train.c), a->script (script/), and the SDL handles and textures
 * below.  Only app/window/ includes this. */
#ifndef DIGITPAD_GUI_INTERNAL_H
#define DIGITPAD_GUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "appstate.h"
#include "bgtrain.h"
#include "buttons.h"
#include "corrections.h"
#include "gui.h"
#include "ink.h"
#include "layout.h"
#include "nn.h"

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

struct gui_script;

/* Frame statistics (printed in script mode, gui_stats.c); train_* only
 * counts frames drawn while the trainer was running. */
typedef struct gui_stats {
    uint64_t frames;
    double max_frame_ms, first_frame_ms, train_max_frame_ms;
    double *frame_ms, *train_frame_ms;
    size_t n_frame_ms, cap_frame_ms, n_train_frame_ms, cap_train_frame_ms;
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

/* What gui_paint.c draws with: the renderer, fonts and cached text. */
typedef struct gui_paint {
    SDL_Renderer *ren;
    float scale;                       /* the layout's UI scale */
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
    bg_status status;                  /* copied each frame while shown */
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
    int screenshot_failed;
} gui_scripting;

typedef struct gui_app {
    const gui_options *opt;
    SDL_Window *win;
    gui_paint paint;
    dp_layout lay;
    app_state st;                      /* drawing, model, predictions, message */

    gui_input input;                   /* pointers, overlays, quit: gui_events.c's */

    /* The textures made from st. */
    SDL_Texture *canvas_tex;
    SDL_Texture *input_tex, *raw_tex;  /* 28×28 previews */
    int canvas_tex_stale;              /* upload st.canvas_pix to canvas_tex */
    int input_tex_stale;               /* upload st.input/raw to their textures */

    char title[128];
    char status_shown[APP_MSG_LEN + 16]; /* the message as last drawn, lines split by '\n' */
    int exit_code;
    gui_training train;                /* corrections, trainer, panel: gui_train.c's */
    struct gui_fetching *fetch;        /* F: MNIST's download (gui_fetch.c's; NULL: none yet) */

    struct gui_views *views;           /* layers/weights views, overlay (gui_views.c) */
    dp_rect bars_drawn;                /* where this frame's bar chart went
                                          (empty when hidden): bar clicks */

    gui_scripting script;              /* --script test mode: window/script/'s */
} gui_app;

/* ------------------------------------------------------ gui_events.c */

/* The clock in seconds (SDL's performance counter). */
double gui_now_s(void);
/* SIGTERM and SIGINT: noted (the next SDL_QUIT then quits without asking)
 * and handed on to SDL's handlers; unhook puts the old handlers back. */
void gui_hook_signals(void);
void gui_unhook_signals(void);
/* One SDL event: keys, buttons, mouse, touch, drops, window changes. */
void gui_on_event(gui_app *a, SDL_Event *e);
/* a->input as the window starts: no button pressed. */
void gui_events_init(gui_app *a);
/* Leaves the event loop at once, without asking or timing the stop (a
 * script whose quit event was lost). */
void gui_events_force_quit(gui_app *a);

/* ------------------------------------------------------- gui_train.c */

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

/* --------------------------------------------- gui_draw_panel.c */

/* An on-screen button where it is now: the table row (buttons.h), its
 * rectangle in drawable pixels and an id (tools index, or DP_TOOLS_MAX +
 * picker index). */
typedef struct gui_button {
    const dp_button *b;
    dp_rect r;
    int id;
} gui_button;
/* The buttons on screen: the tools row, then the picker's while it is
 * open.  Fills at most max; returns how many. */
size_t gui_buttons(const gui_app *a, gui_button *out, size_t max);

/* The most buttons on screen at once: tools, picker, the panel's F button. */
#define GUI_BUTTONS_MAX (DP_TOOLS_MAX + DP_PICKER_N + 1)
/* Draws one button (its card, its label or the short one); active: on. */
void gui_draw_button(gui_app *a, const gui_button *b, int font, int active);
/* Over the tools button under the pointer that shows only its short form
 * or icon: its whole label in a small card above it (an overlay). */
void gui_draw_tooltip(gui_app *a);

/* ------------------------------------------------------- gui_fetch.c */

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

/* -------------------------------------------------------- gui_draw.c */

/* Recomputes a->lay from the renderer's output size (and the paint scale).
 * 0, or -1 when the size cannot be read (layout kept). */
int gui_layout_update(gui_app *a);
/* Draws the whole window (not presented). */
void gui_render(gui_app *a);

/* ------------------------------------------------------- gui_paint.c */

enum { AL_LEFT = 0, AL_CENTER = 1, AL_RIGHT = 2 };

/* Finds the bundled fonts (paths.h), else asks fontconfig for DejaVu Sans
 * or any sans with a one-line note on stderr.  0, or -1 with a message on
 * stderr when there is no font at all. */
int gui_fonts_find(gui_paint *p);
/* Opens the fonts at sizes that fit the scale (no-op when they already
 * match).  0, or -1 with a message on stderr. */
int gui_fonts_update(gui_paint *p);
void gui_fonts_free(gui_paint *p);
/* v design pixels in output pixels at the paint's scale. */
int gui_sc(const gui_paint *p, float v);
/* Draws s with its top at y (or centred on y when vcenter); returns its
 * width, 0 if nothing was drawn. */
int gui_text(gui_paint *p, int font, SDL_Color c, const char *s, int x, int y, int align,
             int vcenter);
int gui_text_width(gui_paint *p, int font, const char *s);
void gui_set_color(gui_paint *p, SDL_Color c);
void gui_fill_rect(gui_paint *p, SDL_Rect r, SDL_Color c);
/* A rounded rectangle, a card (bordered rounded rectangle), a ring. */
void gui_fill_round(gui_paint *p, SDL_Rect r, float rad, SDL_Color c);
void gui_card(gui_paint *p, SDL_Rect r, SDL_Color border, SDL_Color fill);
void gui_ring(gui_paint *p, float x, float y, float r0, float r1, SDL_Color c);
/* A streaming ARGB texture (nearest: no smoothing); NULL with SDL's
 * reason in err. */
SDL_Texture *gui_make_stream(gui_paint *p, int w, int h, int nearest, char *err, size_t errlen);
/* Writes grey values (0 paper .. 1 ink) into a streaming texture, mixing
 * paper and ink.  0, or -1 with SDL's reason in err. */
int gui_upload(SDL_Texture *t, const float *pix, int w, int h, SDL_Color paper, SDL_Color ink,
               char *err, size_t errlen);
/* The layout check (script mode, a->paint.recording): a frame starts with
 * gui_rec_begin; gui_rec_part records a part inside the current one and
 * makes it current (texts drawn next belong to it) and returns its index;
 * gui_rec_owner makes a recorded part (or -1, the window) current again;
 * gui_rec_layer starts an overlay.  All are no-ops when not recording. */
void gui_rec_begin(gui_paint *p);
int gui_rec_part(gui_paint *p, SDL_Rect r, const char *name);
void gui_rec_owner(gui_paint *p, int part);
void gui_rec_layer(gui_paint *p);
/* Checks the last frame's records in a w × h window: parts inside their
 * parent and not overlapping their siblings; texts inside their part, not
 * overlapping another text of their layer or a part that does not hold
 * them.  Prints one "FAIL layout WxH: ..." line per problem (at most
 * max_lines) and returns the number of problems. */
int gui_rec_check(const gui_paint *p, int w, int h, const char *state, int max_lines);
/* Frees the records. */
void gui_rec_free(gui_paint *p);
/* v design pixels in output pixels at the window's scale: the one short
 * form every drawing file uses. */
static inline int sc(const gui_app *a, float v)
{
    return gui_sc(&a->paint, v);
}
/* dp_rect as SDL_Rect. */
static inline SDL_Rect gui_rect(dp_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

/* ------------------------------------- gui_views.c, gui_views_draw.c */

/* The views' state (a->views); -1 with a message when out of memory (the
 * window then runs without them). */
int gui_views_create(gui_app *a);
void gui_views_free(gui_app *a);
/* The drawing or the model changed: recompute before the next draw (only
 * while a view or the overlay is shown). */
void gui_views_changed(gui_app *a);
/* V, W, X, [ and ] (dp_action values; key tells [ from ]). */
void gui_views_action(gui_app *a, int action, int key);
/* Draws the saliency overlay on the canvas (after the canvas). */
void gui_views_canvas(gui_app *a);
/* Draws the overlay on a 28×28 preview drawn at r. */
void gui_views_preview(gui_app *a, SDL_Rect r);
/* 1 while the layers or weights view covers the panel. */
int gui_views_open(const gui_app *a);
/* Draws the open view over the panel (above the on-screen buttons), or the
 * chosen output's frame on the bar chart (after the bars). */
void gui_views_panel(gui_app *a);
/* The LAYERS button in the bar chart's caption line where there is room
 * (gui_draw_bars calls it, so the layout check counts it as the bars'). */
void gui_views_bars_toggle(gui_app *a);
/* A left click at drawable (px, py): 1 if a view's button or bar took it. */
int gui_views_click(gui_app *a, float px, float py);
/* Script mode: where output d's bar, or the LAYERS / close button, is
 * (drawable px); -1 when not shown.  The line print-views prints, and the
 * mode (dp_view_mode) with the overlay's state. */
int gui_views_bar_point(gui_app *a, int d, float *px, float *py);
int gui_views_toggle_point(gui_app *a, float *px, float *py);
void gui_views_print(const gui_app *a);
int gui_views_mode(const gui_app *a, int *saliency, int *chosen);

/* ------------------------------------------------ gui_script_parse.c */

/* Parses the script file; NULL with a message on stderr on failure. */
struct gui_script *gui_script_load(const char *path);
void gui_script_free(struct gui_script *s);
/* 1 if an expect-* failed. */
int gui_script_failed(const struct gui_script *s);

/* ------------------------------------------------------ gui_script.c */

/* --script FILE: loads the script into a->script (no-op without one).
 * 0, or -1 with a message on stderr. */
int gui_script_open(gui_app *a);
/* Frees a->script: the script, its frame statistics, a pending
 * screenshot path. */
void gui_script_close(gui_app *a);
/* Runs the script's next command at the end of a frame: pushes at most one
 * SDL event, prints, checks, or waits. */
void gui_script_step(gui_app *a);

/* ------------------------------------------------------- gui_stats.c */

/* Saves the frame just rendered to a->script.screenshot_path (then freed). */
void gui_stats_screenshot(gui_app *a);
/* Records one frame's time (ms from the events to the present). */
void gui_stats_frame(gui_stats *s, double ms, int training);
/* Prints the frame statistics and how long the quit took to join the
 * trainer (the lines tests/test_gui*.sh read). */
void gui_stats_report(gui_stats *s, SDL_Renderer *ren, int was_training, double stop_ms);
void gui_stats_free(gui_stats *s);

#endif
