/* gui_script.c — scripted test mode (digitpad --script FILE): replays input
 * through the real event loop by pushing genuine SDL events, one per frame,
 * so the same handlers run as for a person; prints what the window shows
 * and checks expectations.  Used by tests/test_gui.sh and for screenshots.
 * This file runs the commands; gui_script_parse.c reads them from the
 * file, gui_script_report.c prints the state and checks the expect-*.
 *
 * Commands, one per line ('#' comments; coordinates in the 1000-unit ink
 * box of the canvas, mapped to window pixels by the current layout):
 *   down X Y | move X Y | up X Y        left button (draws)
 *   rdown X Y | rmove X Y | rup X Y     right button (erases)
 *   fdown X Y | fmove X Y | fup X Y     a finger (touch) on the canvas
 *   key NAME                            SDL key name, "ctrl+z" for modifiers
 *   drop PATH                           a file dropped on the window
 *   resize W H                          set the window size
 *   wait-frames N                       let N frames pass
 *   wait-ms N                           let frames pass for N milliseconds
 *   idle-ms N                           the same at 20 frames a second, the
 *                                       pace of an untouched window while it
 *                                       trains (for measuring the trainer)
 *   wait-version N MS                   until snapshot N of the background
 *                                       trainer is installed (fails after MS)
 *   wait-training 0|1 MS                until training is off / on (fails after MS)
 *   wait-epoch N MS                     until the run is in its epoch N (from 1)
 *   wait-loaded MS                      until the corrections file is loaded
 *                                       (fails after MS)
 *   wait-saliency MS                    until the overlay's map, computed off
 *                                       the UI thread, is shown (fails after MS)
 *   scribble MS                         draw for MS milliseconds without a
 *                                       pause: one mouse event per frame along
 *                                       a loop, a new stroke every 40 points,
 *                                       C clears after every third stroke
 *   print                               one line of what the window shows
 *   expect-top D|none|unsure            the prediction shown
 *   expect-strokes N | expect-model NAME | expect-help 0|1 | expect-compare 0|1
 *   expect-training 0|1 | expect-corrections N
 *   expect-message TEXT                 the status line contains TEXT
 *   click NAME | tap NAME               press and release the on-screen
 *                                       button NAME (its label, "Label" for
 *                                       "Label…") with the mouse / a finger
 *   expect-picker 0|1                   the Label picker is open or not
 *   check-layout STATE                  the last frame's parts and text boxes
 *                                       (measured from the rendered text) do
 *                                       not overlap or leave their part or
 *                                       the window (gui_rec_check), and the
 *                                       status message is shown whole (in
 *                                       the footer or its card); STATE
 *                                       names the case in the FAIL lines
 *   expect-text TEXT | expect-no-text TEXT
 *                                       a text containing TEXT was (not) drawn
 *                                       in the last frame
 *   expect-text-rgb R,G,B TEXT | expect-no-text-rgb R,G,B TEXT
 *                                       the same, in that colour
 *   debug-text X Y TEXT                 draws TEXT centred on canvas point
 *                                       X Y from the next frame on (on top,
 *                                       as nothing of the window's own is):
 *                                       check-layout's own test
 *   screenshot PATH                     the next frame as BMP
 *   click-bar D                         a left click on output D's bar (the
 *                                       layers view's, or the bar chart's)
 *   click-toggle                        a left click on the LAYERS button (or,
 *                                       with a view open, its close button)
 *   tap-bar D | tap-toggle              the same by touch (finger down, up)
 *   print-views                         one line of the views' state
 *   check-weights                       on the next frame: every pixel of the
 *                                       weights view's pictures against the
 *                                       colour of the weight it stands for in
 *                                       the model installed (the trainer's
 *                                       latest snapshot while it trains: its
 *                                       version and parameter checksum are
 *                                       checked too); a line "weights-drawn:
 *                                       ..." and a FAIL on any difference
 *   hover-unit S X Y | click-unit S X Y the mouse over (moved, no button) or
 *                                       a click on pixel X Y of stage S's
 *                                       first tile in the layers view (a
 *                                       cell's or bar's index X)
 *   expect-view off|layers|weights | expect-saliency 0|1 | expect-chosen N
 *   save-input PATH                     the network's 28×28 input as it is now,
 *                                       784 raw floats (a brush-size test
 *                                       compares them byte for byte)
 *   expect-history N                    the history holds N drawings
 *   click-history K | tap-history K     a click / tap on the history card's
 *                                       cell K (0: the first on its page)
 *   expect-brush L                      the canvas brush is at level L (1..5)
 *   quit                                push SDL_QUIT, as the close button does
 *                                       (the end of the script pushes two,
 *                                       answering an unsaved model's question)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui.h"
#include "gui_draw.h"
#include "gui_events.h"
#include "gui_paint.h"
#include "gui_script_private.h"
#include "gui_stats.h"
#include "gui_views.h"

/* ------------------------------------------------------ start and end */

int gui_script_open(gui_app *a)
{
    if (a->opt->script_path && !(a->script.run = gui_script_load(a->opt->script_path)))
        return -1;
    return 0;
}

void gui_script_close(gui_app *a)
{
    free(a->script.screenshot_path);
    a->script.screenshot_path = NULL;
    gui_stats_free(&a->script.stats);
    gui_script_free(a->script.run);
    a->script.run = NULL;
}

/* --------------------------------------------------------------- events */

static void push(gui_app *a, SDL_Event *e)
{
    e->common.timestamp = SDL_GetTicks();
    if (SDL_PushEvent(e) != 1) {
        fprintf(stderr, "digitpad: script: SDL_PushEvent: %s\n", SDL_GetError());
        a->script.run->failed = 1;
        /* A lost quit must not leave a test hanging. */
        if (e->type == SDL_QUIT)
            gui_events_force_quit(a);
    }
}

static void push_mouse(gui_app *a, op_kind op, double bx, double by)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    int x, y;
    dp_layout_box_to_window(&a->frame.lay, (float)bx, (float)by, &x, &y);
    int right = op == OP_RDOWN || op == OP_RMOVE || op == OP_RUP;
    Uint8 button = right ? SDL_BUTTON_RIGHT : SDL_BUTTON_LEFT;
    Uint32 windowID = SDL_GetWindowID(a->win);
    if (op == OP_MOVE || op == OP_RMOVE) {
        e.type = SDL_MOUSEMOTION;
        e.motion.windowID = windowID;
        e.motion.state = SDL_BUTTON(button);
        e.motion.x = x;
        e.motion.y = y;
    } else {
        e.type = (op == OP_UP || op == OP_RUP) ? SDL_MOUSEBUTTONUP : SDL_MOUSEBUTTONDOWN;
        e.button.windowID = windowID;
        e.button.button = button;
        e.button.state = e.type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.x = x;
        e.button.y = y;
    }
    push(a, &e);
}

/* A left click (press and release) at drawable pixel (px, py). */
static void push_click(gui_app *a, float px, float py)
{
    for (int i = 0; i < 2; i++) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = i == 0 ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        e.button.windowID = SDL_GetWindowID(a->win);
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = i == 0 ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.x = (int)lroundf(px / a->frame.lay.px_per_win);
        e.button.y = (int)lroundf(py / a->frame.lay.px_per_win);
        push(a, &e);
    }
}

static void push_finger(gui_app *a, op_kind op, double bx, double by)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    float px, py;
    dp_layout_box_to_px(&a->frame.lay, (float)bx, (float)by, &px, &py);
    e.type = op == OP_FDOWN ? SDL_FINGERDOWN : op == OP_FMOVE ? SDL_FINGERMOTION : SDL_FINGERUP;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.x = px / (float)a->frame.lay.out_w;
    e.tfinger.y = py / (float)a->frame.lay.out_h;
    e.tfinger.pressure = 1.0f;
    e.tfinger.windowID = SDL_GetWindowID(a->win);
    push(a, &e);
}

static int push_key(gui_app *a, const char *name)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", name);
    Uint16 mod = KMOD_NONE;
    char *k = buf;
    for (;;) {
        if (SDL_strncasecmp(k, "ctrl+", 5) == 0) {
            mod |= KMOD_LCTRL;
            k += 5;
        } else if (SDL_strncasecmp(k, "shift+", 6) == 0) {
            mod |= KMOD_LSHIFT;
            k += 6;
        } else {
            break;
        }
    }
    SDL_Keycode sym = SDL_GetKeyFromName(k);
    if (sym == SDLK_UNKNOWN)
        return -1;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.windowID = SDL_GetWindowID(a->win);
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    e.key.keysym.mod = mod;
    push(a, &e);
    return 0;
}

static void push_drop(gui_app *a, const char *path)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_DROPFILE;
    e.drop.windowID = SDL_GetWindowID(a->win);
    /* The handler SDL_free()s it, as it does for a real drop. */
    e.drop.file = SDL_strdup(path);
    if (!e.drop.file) {
        a->script.run->failed = 1;
        return;
    }
    push(a, &e);
}

/* The on-screen button whose label is name ("Label" matches "Label…");
 * 0 with its centre in drawable pixels, -1 if none is on screen. */
static int find_button(const gui_app *a, const char *name, float *px, float *py)
{
    gui_button b[GUI_BUTTONS_MAX];
    size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
    size_t len = strlen(name);
    for (size_t i = n; i-- > 0;) {
        const char *l = b[i].b->label;
        if (SDL_strncasecmp(l, name, len) == 0 &&
            (!l[len] || strcmp(l + len, "\xE2\x80\xA6") == 0)) {
            *px = (float)b[i].r.x + (float)b[i].r.w / 2.0f;
            *py = (float)b[i].r.y + (float)b[i].r.h / 2.0f;
            return 0;
        }
    }
    return -1;
}

/* A press (release 0) or release of the left button / a finger at
 * drawable pixel (px, py). */
static void push_press(gui_app *a, int finger, int release, float px, float py)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    if (finger) {
        e.type = release ? SDL_FINGERUP : SDL_FINGERDOWN;
        e.tfinger.touchId = 1;
        e.tfinger.fingerId = 1;
        e.tfinger.x = px / (float)a->frame.lay.out_w;
        e.tfinger.y = py / (float)a->frame.lay.out_h;
        e.tfinger.pressure = release ? 0.0f : 1.0f;
        e.tfinger.windowID = SDL_GetWindowID(a->win);
    } else {
        e.type = release ? SDL_MOUSEBUTTONUP : SDL_MOUSEBUTTONDOWN;
        e.button.windowID = SDL_GetWindowID(a->win);
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = release ? SDL_RELEASED : SDL_PRESSED;
        e.button.clicks = 1;
        e.button.x = (int)lroundf(px / a->frame.lay.px_per_win);
        e.button.y = (int)lroundf(py / a->frame.lay.px_per_win);
    }
    push(a, &e);
}

/* ------------------------------------------------- after a frame is drawn */

void gui_script_frame_drawn(gui_app *a)
{
    if (!a->script.check_weights)
        return;
    char line[400];
    long bad = gui_views_check_weights(a, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    if (bad != 0) {
        printf("FAIL script line %d: check-weights: %s\n", a->script.check_weights,
               bad < 0 ? "no weights view to check" : "drawn pixels differ from the weights");
        fflush(stdout);
        a->script.run->failed = 1;
    }
    a->script.check_weights = 0;
}

/* ----------------------------------------------------------------- step */

/* One event of a scribble: 40-point loops (an upright ellipse, like a 0),
 * shifted a little each stroke; C after every third stroke keeps the
 * drawing, and so the cost of a frame, from growing without bound. */
static void scribble_step(gui_app *a)
{
    gui_script *s = a->script.run;
    enum { PTS = 40, PER = PTS + 2 };
    long i = s->scribble_i++;
    long stroke = i / PER, k = i % PER;
    if (k == PER - 1) {
        if (stroke % 3 == 2)
            push_key(a, "c");
        return;
    }
    double ang = 6.2831853 * (double)(k < PTS ? k : PTS - 1) / (PTS - 1);
    double cx = 480.0 + 15.0 * (double)(stroke % 3), cy = 500.0;
    double x = cx + 220.0 * sin(ang), y = cy - 320.0 * cos(ang);
    s->scribble_x = x;
    s->scribble_y = y;
    push_mouse(a, k == 0 ? OP_DOWN : k == PTS ? OP_UP : OP_MOVE, x, y);
}

/* 1 while a timed command still runs (the frame is spent on it). */
static int timed_step(gui_app *a)
{
    gui_script *s = a->script.run;
    const script_cmd *c = s->timed;
    if (!c)
        return 0;
    int expired = SDL_TICKS_PASSED(SDL_GetTicks(), s->until);
    int done = 0;
    switch (c->op) {
    case OP_WAIT_VERSION:
        done = a->train.version >= (unsigned)c->v[0];
        break;
    case OP_WAIT_TRAINING:
        done = a->train.running == (int)c->v[0];
        break;
    case OP_WAIT_EPOCH:
        done = a->train.running && a->train.status.epoch + 1 >= (int)c->v[0];
        break;
    case OP_WAIT_LOADED:
        done = !a->train.corr || !dp_corrections_loading(a->train.corr);
        break;
    case OP_WAIT_SALIENCY:
        done = !gui_views_sal_busy(a);
        break;
    case OP_WAIT_MESSAGE:
        done = strstr(a->st.message, c->arg) != NULL;
        break;
    case OP_SCRIBBLE:
        if (expired) {
            /* Finish the stroke so the drawing is left in a sane state. */
            if (a->input.ptr_mode == GUI_PTR_DRAW) {
                push_mouse(a, OP_UP, s->scribble_x, s->scribble_y);
                return 1;
            }
            s->timed = NULL;
            return 0;
        }
        scribble_step(a);
        return 1;
    default: /* wait-ms, idle-ms */
        if (expired) {
            s->timed = NULL;
            return 0;
        }
        SDL_Delay(c->op == OP_IDLE_MS ? 50 : 16);
        return 1;
    }
    if (done) {
        s->timed = NULL;
        return 0;
    }
    if (!expired) {
        /* Waiting frames come at a display's pace (60 Hz), as they would
         * with vsync, rather than as fast as the software renderer allows:
         * a window that spins a core would starve the trainer it waits for.
         * The sleep is outside the measured frame time. */
        SDL_Delay(16);
        return 1;
    }
    if (c->op == OP_WAIT_MESSAGE) {
        s->timed = NULL;
        gui_script_fail(a, c, "wait-message", c->arg, a->st.message[0] ? a->st.message : "(none)");
        return 0;
    }
    {
        char want[48], got[64];
        const char *what = c->op == OP_WAIT_VERSION  ? "wait-version"
                           : c->op == OP_WAIT_EPOCH  ? "wait-epoch"
                           : c->op == OP_WAIT_LOADED ? "wait-loaded"
                           : c->op == OP_WAIT_SALIENCY ? "wait-saliency"
                                                     : "wait-training";
        snprintf(want, sizeof want, "%s %.0f within %.0f ms", what + 5, c->v[0], c->v[1]);
        snprintf(got, sizeof got, "version %u, training %d, epoch %d", a->train.version,
                 a->train.running, a->train.status.epoch + 1);
        s->timed = NULL;
        gui_script_fail(a, c, what, want, got);
        return 0;
    }
}

void gui_script_step(gui_app *a)
{
    gui_script *s = a->script.run;
    if (s->wait > 0) {
        s->wait--;
        return;
    }
    if (timed_step(a))
        return;
    if (s->release) {
        /* The second half of a click or tap, a frame after the press, so
         * the pressed button is drawn once as a person would see it. */
        push_press(a, s->release == 2, 1, s->release_x, s->release_y);
        s->release = 0;
        return;
    }
    /* A screenshot or a check of the drawn pixels is made during the next
     * render; wait for it. */
    if (a->script.screenshot_path || a->script.check_weights)
        return;
    if (s->next >= s->n) {
        if (!s->quit_sent) {
            /* The end of a script closes the window for good: twice, so
             * an unsaved model's question (the first) is answered. */
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_QUIT;
            push(a, &e);
            push(a, &e);
            s->quit_sent = 1;
            gui_script_print_checks(s);
        }
        return;
    }
    const script_cmd *c = &s->cmd[s->next++];
    switch (c->op) {
    case OP_DOWN: case OP_MOVE: case OP_UP:
    case OP_RDOWN: case OP_RMOVE: case OP_RUP:
        push_mouse(a, c->op, c->v[0], c->v[1]);
        break;
    case OP_FDOWN: case OP_FMOVE: case OP_FUP:
        push_finger(a, c->op, c->v[0], c->v[1]);
        break;
    case OP_KEY:
        if (push_key(a, c->arg) != 0) {
            printf("FAIL script line %d: unknown key '%s'\n", c->line, c->arg);
            s->failed = 1;
        }
        break;
    case OP_DROP:
        push_drop(a, c->arg);
        break;
    case OP_RESIZE:
        SDL_SetWindowSize(a->win, (int)c->v[0], (int)c->v[1]);
        app_request_redraw(&a->st);
        break;
    case OP_WAIT:
        s->wait = (long)c->v[0] - 1;
        break;
    case OP_WAIT_MS:
    case OP_IDLE_MS:
    case OP_WAIT_VERSION:
    case OP_WAIT_TRAINING:
    case OP_WAIT_EPOCH:
    case OP_WAIT_LOADED:
    case OP_WAIT_SALIENCY:
    case OP_WAIT_MESSAGE:
    case OP_SCRIBBLE:
        s->timed = c;
        s->until = SDL_GetTicks() + (Uint32)(c->op == OP_WAIT_MESSAGE ? 120000.0
                                             : c->op == OP_WAIT_MS || c->op == OP_IDLE_MS ||
                                                     c->op == OP_SCRIBBLE ||
                                                     c->op == OP_WAIT_LOADED ||
                                                     c->op == OP_WAIT_SALIENCY
                                                 ? c->v[0] : c->v[1]);
        if (c->op == OP_SCRIBBLE)
            s->scribble_i = 0;
        timed_step(a);
        break;
    case OP_EXPECT_TRAINING:
        gui_script_expect_int(a, c, "expect-training", a->train.running);
        break;
    case OP_CLICK:
    case OP_TAP: {
        float px, py;
        if (find_button(a, c->arg, &px, &py) != 0) {
            gui_script_fail(a, c, c->op == OP_CLICK ? "click" : "tap", "a button on screen",
                            c->arg);
            break;
        }
        push_press(a, c->op == OP_TAP, 0, px, py);
        s->release = c->op == OP_TAP ? 2 : 1;
        s->release_x = px;
        s->release_y = py;
        break;
    }
    case OP_EXPECT_TEXT:
    case OP_EXPECT_NO_TEXT:
    case OP_EXPECT_TEXT_RGB:
    case OP_EXPECT_NO_TEXT_RGB:
        gui_script_expect_text(a, c);
        break;
    case OP_DEBUG_TEXT: {
        int used = 0;
        double x, y;
        if (sscanf(c->arg, "%lf %lf %n", &x, &y, &used) != 2 || !c->arg[used]) {
            gui_script_fail(a, c, "debug-text", "X Y TEXT", c->arg);
            break;
        }
        snprintf(a->script.debug_text, sizeof a->script.debug_text, "%s", c->arg + used);
        a->script.debug_x = (float)x;
        a->script.debug_y = (float)y;
        app_request_redraw(&a->st);
        break;
    }
    case OP_EXPECT_PICKER:
        gui_script_expect_int(a, c, "expect-picker", a->input.picker);
        break;
    case OP_CHECK_LAYOUT: {
        int bad = gui_rec_check(&a->paint, a->frame.lay.out_w, a->frame.lay.out_h, c->arg, 8) +
                  gui_script_check_message(a, c->arg);
        if (bad) {
            printf("FAIL script line %d: check-layout %s: %d problem%s at %dx%d\n", c->line,
                   c->arg, bad, bad == 1 ? "" : "s", a->frame.lay.out_w, a->frame.lay.out_h);
            fflush(stdout);
            s->failed = 1;
        }
        s->checks++;
        s->records += a->paint.n_rec;
        break;
    }
    case OP_EXPECT_CORRECTIONS:
    {
        size_t total = 0;
        if (a->train.corr)
            dp_corrections_counts(a->train.corr, &total, NULL, NULL, NULL, 0);
        gui_script_expect_int(a, c, "expect-corrections", (long)total);
    }
        break;
    case OP_PRINT:
        gui_script_print_state(a);
        break;
    case OP_EXPECT_MESSAGE:
        if (!strstr(a->st.message, c->arg))
            gui_script_fail(a, c, "expect-message", c->arg,
                            a->st.message[0] ? a->st.message : "(none)");
        break;
    case OP_EXPECT_TOP:
        gui_script_expect_top(a, c);
        break;
    case OP_EXPECT_STROKES:
        gui_script_expect_int(a, c, "expect-strokes", (long)a->st.drawing.n);
        break;
    case OP_EXPECT_HELP:
        gui_script_expect_int(a, c, "expect-help", a->input.help);
        break;
    case OP_EXPECT_COMPARE:
        gui_script_expect_int(a, c, "expect-compare", a->st.compare);
        break;
    case OP_EXPECT_MODEL:
        if (!a->st.model || strcmp(a->st.model_name, c->arg) != 0)
            gui_script_fail(a, c, "expect-model", c->arg,
                            a->st.model ? a->st.model_name : "(none)");
        break;
    case OP_SCREENSHOT:
        free(a->script.screenshot_path);
        if (!(a->script.screenshot_path = strdup(c->arg)))
            s->failed = 1;
        app_request_redraw(&a->st);
        break;
    case OP_CLICK_BAR:
    case OP_CLICK_TOGGLE:
    case OP_TAP_BAR:
    case OP_TAP_TOGGLE: {
        float px, py;
        const int bar = c->op == OP_CLICK_BAR || c->op == OP_TAP_BAR;
        const int touch = c->op == OP_TAP_BAR || c->op == OP_TAP_TOGGLE;
        int r = bar ? gui_views_bar_point(a, (int)c->v[0], &px, &py)
                    : gui_views_toggle_point(a, &px, &py);
        if (r != 0) {
            gui_script_fail(a, c, touch ? (bar ? "tap-bar" : "tap-toggle")
                                        : (bar ? "click-bar" : "click-toggle"),
                            "it on screen", "not shown");
        } else if (touch) { /* down now, up on the next step, as OP_TAP */
            push_press(a, 1, 0, px, py);
            s->release = 2;
            s->release_x = px;
            s->release_y = py;
        } else {
            push_click(a, px, py);
        }
        break;
    }
    case OP_HOVER_UNIT:
    case OP_CLICK_UNIT: {
        int st = 0, ux = 0, uy = 0;
        float px, py;
        const char *what = c->op == OP_HOVER_UNIT ? "hover-unit" : "click-unit";
        if (sscanf(c->arg, "%d %d %d", &st, &ux, &uy) != 3) {
            gui_script_fail(a, c, what, "S X Y", c->arg);
        } else if (gui_views_unit_point(a, st, ux, uy, &px, &py) != 0) {
            gui_script_fail(a, c, what, "the unit on screen", "not shown");
        } else if (c->op == OP_CLICK_UNIT) {
            push_click(a, px, py);
        } else {
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_MOUSEMOTION;
            e.motion.windowID = SDL_GetWindowID(a->win);
            e.motion.x = (int)lroundf(px / a->frame.lay.px_per_win);
            e.motion.y = (int)lroundf(py / a->frame.lay.px_per_win);
            push(a, &e);
        }
        break;
    }
    case OP_PRINT_VIEWS:
        gui_views_print(a);
        break;
    case OP_CHECK_WEIGHTS:
        a->script.check_weights = c->line;
        app_request_redraw(&a->st);
        break;
    case OP_SAVE_INPUT: {
        FILE *f = fopen(c->arg, "wb");
        int ok = f && fwrite(a->st.input, sizeof a->st.input, 1, f) == 1;
        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok)
            gui_script_fail(a, c, "save-input", "the input written", c->arg);
        break;
    }
    case OP_EXPECT_HISTORY:
        gui_script_expect_int(a, c, "expect-history", (long)dp_history_count(a->train.history));
        break;
    case OP_EXPECT_BRUSH:
        gui_script_expect_int(a, c, "expect-brush", a->st.brush_level + 1);
        break;
    case OP_CLICK_HISTORY:
    case OP_TAP_HISTORY: {
        gui_button b[GUI_BUTTONS_MAX];
        size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) {
            if (b[i].b->action != DP_ACT_HISTORY_PICK || b[i].b->digit != (int)c->v[0])
                continue;
            float px = (float)b[i].r.x + (float)b[i].r.w / 2.0f;
            float py = (float)b[i].r.y + (float)b[i].r.h / 2.0f;
            push_press(a, c->op == OP_TAP_HISTORY, 0, px, py);
            s->release = c->op == OP_TAP_HISTORY ? 2 : 1;
            s->release_x = px;
            s->release_y = py;
            found = 1;
        }
        if (!found)
            gui_script_fail(a, c, c->op == OP_TAP_HISTORY ? "tap-history" : "click-history",
                            "that cell on screen", "not shown");
        break;
    }
    case OP_EXPECT_VIEW:
    case OP_EXPECT_SALIENCY:
    case OP_EXPECT_CHOSEN: {
        static const char *const modes[] = {"off", "layers", "weights"};
        int sal, chosen, mode = gui_views_mode(a, &sal, &chosen);
        if (c->op == OP_EXPECT_VIEW) {
            if (strcmp(c->arg, modes[mode]) != 0)
                gui_script_fail(a, c, "expect-view", c->arg, modes[mode]);
        } else {
            gui_script_expect_int(a, c,
                                  c->op == OP_EXPECT_SALIENCY ? "expect-saliency"
                                                              : "expect-chosen",
                                  c->op == OP_EXPECT_SALIENCY ? sal : chosen);
        }
        break;
    }
    case OP_QUIT: {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_QUIT; /* as a person closing it: may ask first */
        push(a, &e);
        /* Not quit_sent: the window may stay (an unsaved model asks), and
         * the end of the script then closes it; the checks print once. */
        gui_script_print_checks(s);
        s->checks = 0;
        break;
    }
    }
}
