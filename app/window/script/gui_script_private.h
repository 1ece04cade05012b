/* gui_script_private.h — private to the script mode's files:
 * gui_script_parse.c (the command table and the loader), gui_script.c
 * (running the commands) and gui_script_report.c (what a script prints and
 * checks).  The commands themselves are described at the top of
 * gui_script.c; what gui.c calls is in gui_script.h. */
#ifndef DIGITPAD_GUI_SCRIPT_PRIVATE_H
#define DIGITPAD_GUI_SCRIPT_PRIVATE_H

#include <stddef.h>

#include <SDL.h>

#include "gui_internal.h"
#include "gui_script.h"


typedef enum {
    OP_DOWN, OP_MOVE, OP_UP, OP_RDOWN, OP_RMOVE, OP_RUP, OP_FDOWN, OP_FMOVE, OP_FUP,
    OP_KEY, OP_DROP, OP_RESIZE, OP_WAIT, OP_PRINT, OP_EXPECT_TOP, OP_EXPECT_STROKES,
    OP_EXPECT_MODEL, OP_EXPECT_HELP, OP_EXPECT_COMPARE, OP_SCREENSHOT, OP_QUIT,
    OP_WAIT_MS, OP_WAIT_VERSION, OP_WAIT_TRAINING, OP_SCRIBBLE, OP_EXPECT_TRAINING,
    OP_EXPECT_CORRECTIONS, OP_WAIT_EPOCH, OP_WAIT_LOADED, OP_EXPECT_MESSAGE, OP_CLICK, OP_TAP,
    OP_EXPECT_PICKER, OP_CHECK_LAYOUT, OP_EXPECT_TEXT, OP_EXPECT_NO_TEXT, OP_EXPECT_TEXT_RGB,
    OP_EXPECT_NO_TEXT_RGB, OP_DEBUG_TEXT, OP_CLICK_BAR, OP_CLICK_TOGGLE, OP_TAP_BAR,
    OP_TAP_TOGGLE, OP_PRINT_VIEWS, OP_EXPECT_VIEW, OP_EXPECT_SALIENCY, OP_EXPECT_CHOSEN,
    OP_WAIT_MESSAGE, OP_SAVE_INPUT, OP_EXPECT_HISTORY, OP_CLICK_HISTORY, OP_TAP_HISTORY,
    OP_EXPECT_BRUSH, OP_WAIT_SALIENCY, OP_HOVER_UNIT, OP_CLICK_UNIT, OP_IDLE_MS,
    OP_CHECK_WEIGHTS
} op_kind;

typedef struct {
    op_kind op;
    int line;
    double v[2];
    char *arg;
} script_cmd;

typedef struct gui_script {
    script_cmd *cmd;
    size_t n, cap, next;
    long wait;
    int failed;
    int quit_sent;
    /* A timed wait or scribble in progress (until > 0): the command that
     * started it and when it ends (SDL ticks). */
    const script_cmd *timed;
    Uint32 until;
    long scribble_i;                   /* events pushed by the scribble */
    int release;                       /* a click/tap's release is due: 1 mouse, 2 finger */
    long checks;                       /* check-layout commands run */
    size_t records;                    /* parts and texts they checked */
    float release_x, release_y;        /* where, drawable px */
    double scribble_x, scribble_y;     /* its last point */
} gui_script;

/* ------------------------------------------------ gui_script_parse.c */

/* Parses the script file; NULL with a message on stderr on failure. */
gui_script *gui_script_load(const char *path);
void gui_script_free(gui_script *s);

/* ------------------------------------------------ gui_script_report.c */

/* print: one line of what the window shows; then how much the layout
 * checks covered. */
void gui_script_print_state(const gui_app *a);
void gui_script_print_checks(const gui_script *s);
/* A FAIL line for command c; the script fails. */
void gui_script_fail(gui_app *a, const script_cmd *c, const char *what, const char *want,
                     const char *got);
/* expect-top, an expect-* of one number, expect-text and its kin. */
void gui_script_expect_top(gui_app *a, const script_cmd *c);
void gui_script_expect_int(gui_app *a, const script_cmd *c, const char *what, long got);
void gui_script_expect_text(gui_app *a, const script_cmd *c);
/* check-layout's part for messages: the status message as the last frame
 * drew it (footer or card) is the whole message, not cut.  Prints a FAIL
 * layout line naming state (the check's argument) and returns 1 if not. */
int gui_script_check_message(const gui_app *a, const char *state);

#endif
