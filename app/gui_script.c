/* gui_script.c — scripted test mode (digitpad --script FILE): replays input
 * through the real event loop by pushing genuine SDL events, one per frame,
 * so the same handlers run as for a person; prints what the window shows
 * and checks expectations.  Used by tests/test_gui.sh and for screenshots.
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
 *   wait-version N MS                   until snapshot N of the background
 *                                       trainer is installed (fails after MS)
 *   wait-training 0|1 MS                until training is off / on (fails after MS)
 *   wait-epoch N MS                     until the run is in its epoch N (from 1)
 *   wait-loaded MS                      until the corrections file is loaded
 *                                       (fails after MS)
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
 *                                       the window (gui_rec_check); STATE
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
 *   print-views                         one line of the views' state
 *   expect-view off|layers|weights | expect-saliency 0|1 | expect-chosen N
 *   quit                                push SDL_QUIT, as the close button does
 *                                       (the end of the script pushes two,
 *                                       answering an unsaved model's question)
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_internal.h"

typedef enum {
    OP_DOWN, OP_MOVE, OP_UP, OP_RDOWN, OP_RMOVE, OP_RUP, OP_FDOWN, OP_FMOVE, OP_FUP,
    OP_KEY, OP_DROP, OP_RESIZE, OP_WAIT, OP_PRINT, OP_EXPECT_TOP, OP_EXPECT_STROKES,
    OP_EXPECT_MODEL, OP_EXPECT_HELP, OP_EXPECT_COMPARE, OP_SCREENSHOT, OP_QUIT,
    OP_WAIT_MS, OP_WAIT_VERSION, OP_WAIT_TRAINING, OP_SCRIBBLE, OP_EXPECT_TRAINING,
    OP_EXPECT_CORRECTIONS, OP_WAIT_EPOCH, OP_WAIT_LOADED, OP_EXPECT_MESSAGE, OP_CLICK, OP_TAP,
    OP_EXPECT_PICKER, OP_CHECK_LAYOUT, OP_EXPECT_TEXT, OP_EXPECT_NO_TEXT, OP_EXPECT_TEXT_RGB,
    OP_EXPECT_NO_TEXT_RGB, OP_DEBUG_TEXT, OP_CLICK_BAR, OP_CLICK_TOGGLE, OP_PRINT_VIEWS, OP_EXPECT_VIEW,
    OP_EXPECT_SALIENCY, OP_EXPECT_CHOSEN
} op_kind;

typedef struct {
    const char *name;
    op_kind op;
    int nargs;  /* numbers expected; -1: one string argument */
} op_def;

static const op_def OPS[] = {
    {"down", OP_DOWN, 2},          {"move", OP_MOVE, 2},
    {"up", OP_UP, 2},              {"rdown", OP_RDOWN, 2},
    {"rmove", OP_RMOVE, 2},        {"rup", OP_RUP, 2},
    {"fdown", OP_FDOWN, 2},        {"fmove", OP_FMOVE, 2},
    {"fup", OP_FUP, 2},            {"key", OP_KEY, -1},
    {"drop", OP_DROP, -1},         {"resize", OP_RESIZE, 2},
    {"wait-frames", OP_WAIT, 1},   {"print", OP_PRINT, 0},
    {"expect-top", OP_EXPECT_TOP, -1},
    {"expect-strokes", OP_EXPECT_STROKES, 1},
    {"expect-model", OP_EXPECT_MODEL, -1},
    {"expect-help", OP_EXPECT_HELP, 1},
    {"expect-compare", OP_EXPECT_COMPARE, 1},
    {"screenshot", OP_SCREENSHOT, -1},
    {"quit", OP_QUIT, 0},
    {"wait-ms", OP_WAIT_MS, 1},
    {"wait-version", OP_WAIT_VERSION, 2},
    {"wait-training", OP_WAIT_TRAINING, 2},
    {"wait-epoch", OP_WAIT_EPOCH, 2},
    {"wait-loaded", OP_WAIT_LOADED, 1},
    {"scribble", OP_SCRIBBLE, 1},
    {"expect-training", OP_EXPECT_TRAINING, 1},
    {"expect-corrections", OP_EXPECT_CORRECTIONS, 1},
    {"expect-message", OP_EXPECT_MESSAGE, -1},
    {"click", OP_CLICK, -1},
    {"tap", OP_TAP, -1},
    {"expect-picker", OP_EXPECT_PICKER, 1},
    {"check-layout", OP_CHECK_LAYOUT, -1},
    {"expect-text", OP_EXPECT_TEXT, -1},
    {"expect-no-text", OP_EXPECT_NO_TEXT, -1},
    {"expect-text-rgb", OP_EXPECT_TEXT_RGB, -1},
    {"expect-no-text-rgb", OP_EXPECT_NO_TEXT_RGB, -1},
    {"debug-text", OP_DEBUG_TEXT, -1},
    {"click-bar", OP_CLICK_BAR, 1},
    {"click-toggle", OP_CLICK_TOGGLE, 0},
    {"print-views", OP_PRINT_VIEWS, 0},
    {"expect-view", OP_EXPECT_VIEW, -1},
    {"expect-saliency", OP_EXPECT_SALIENCY, 1},
    {"expect-chosen", OP_EXPECT_CHOSEN, 1},
};

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

void gui_script_free(gui_script *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->cmd[i].arg);
    free(s->cmd);
    free(s);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_line(gui_script *s, char *line, int lineno, const char *path)
{
    char *p = trim(line);
    if (!*p || *p == '#')
        return 0;
    char *rest = p;
    while (*rest && !isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        *rest++ = '\0';
    rest = trim(rest);
    const op_def *def = NULL;
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(OPS[i].name, p) == 0)
            def = &OPS[i];
    if (!def) {
        fprintf(stderr, "%s:%d: unknown command '%s'\n", path, lineno, p);
        return -1;
    }
    script_cmd c = {def->op, lineno, {0, 0}, NULL};
    if (def->nargs < 0) {
        if (!*rest) {
            fprintf(stderr, "%s:%d: %s needs an argument\n", path, lineno, def->name);
            return -1;
        }
        if (!(c.arg = strdup(rest))) {
            fprintf(stderr, "%s:%d: out of memory\n", path, lineno);
            return -1;
        }
    } else {
        for (int i = 0; i < def->nargs; i++) {
            char *end;
            errno = 0;
            c.v[i] = strtod(rest, &end);
            if (end == rest || errno) {
                fprintf(stderr, "%s:%d: %s needs %d number%s\n", path, lineno, def->name,
                        def->nargs, def->nargs == 1 ? "" : "s");
                return -1;
            }
            rest = end;
        }
        if (*trim(rest)) {
            fprintf(stderr, "%s:%d: extra text after %s\n", path, lineno, def->name);
            return -1;
        }
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        script_cmd *nc = realloc(s->cmd, cap * sizeof *nc);
        if (!nc) {
            free(c.arg);
            fprintf(stderr, "%s:%d: out of memory\n", path, lineno);
            return -1;
        }
        s->cmd = nc;
        s->cap = cap;
    }
    s->cmd[s->n++] = c;
    return 0;
}

gui_script *gui_script_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "digitpad: cannot open script %s: %s\n", path, strerror(errno));
        return NULL;
    }
    gui_script *s = calloc(1, sizeof *s);
    if (!s) {
        fclose(f);
        fprintf(stderr, "digitpad: out of memory\n");
        return NULL;
    }
    char line[2048];
    int lineno = 0, bad = 0;
    while (!bad && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "%s:%d: line too long\n", path, lineno);
            bad = 1;
            break;
        }
        bad = parse_line(s, line, lineno, path) != 0;
    }
    if (!bad && ferror(f)) {
        fprintf(stderr, "digitpad: error reading %s\n", path);
        bad = 1;
    }
    fclose(f);
    if (bad) {
        gui_script_free(s);
        return NULL;
    }
    return s;
}

int gui_script_failed(const gui_script *s)
{
    return s && s->failed;
}

/* --------------------------------------------------------------- events */

static void push(gui_app *a, SDL_Event *e)
{
    e->common.timestamp = SDL_GetTicks();
    if (SDL_PushEvent(e) != 1) {
        fprintf(stderr, "digitpad: script: SDL_PushEvent: %s\n", SDL_GetError());
        a->script->failed = 1;
        /* A lost quit must not leave a test hanging. */
        if (e->type == SDL_QUIT)
            a->quit = 1;
    }
}

static void push_mouse(gui_app *a, op_kind op, double bx, double by)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    int x, y;
    dp_layout_box_to_window(&a->lay, (float)bx, (float)by, &x, &y);
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
        e.button.x = (int)lroundf(px / a->lay.px_per_win);
        e.button.y = (int)lroundf(py / a->lay.px_per_win);
        push(a, &e);
    }
}

static void push_finger(gui_app *a, op_kind op, double bx, double by)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    float px, py;
    dp_layout_box_to_px(&a->lay, (float)bx, (float)by, &px, &py);
    e.type = op == OP_FDOWN ? SDL_FINGERDOWN : op == OP_FMOVE ? SDL_FINGERMOTION : SDL_FINGERUP;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.x = px / (float)a->lay.out_w;
    e.tfinger.y = py / (float)a->lay.out_h;
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
        a->script->failed = 1;
        return;
    }
    push(a, &e);
}

/* The on-screen button whose label is name ("Label" matches "Label…");
 * 0 with its centre in drawable pixels, -1 if none is on screen. */
static int find_button(const gui_app *a, const char *name, float *px, float *py)
{
    gui_button b[DP_TOOLS_MAX + DP_PICKER_N];
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
        e.tfinger.x = px / (float)a->lay.out_w;
        e.tfinger.y = py / (float)a->lay.out_h;
        e.tfinger.pressure = release ? 0.0f : 1.0f;
        e.tfinger.windowID = SDL_GetWindowID(a->win);
    } else {
        e.type = release ? SDL_MOUSEBUTTONUP : SDL_MOUSEBUTTONDOWN;
        e.button.windowID = SDL_GetWindowID(a->win);
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = release ? SDL_RELEASED : SDL_PRESSED;
        e.button.clicks = 1;
        e.button.x = (int)lroundf(px / a->lay.px_per_win);
        e.button.y = (int)lroundf(py / a->lay.px_per_win);
    }
    push(a, &e);
}

/* ------------------------------------------------------------ reporting */

static void print_state(const gui_app *a)
{
    const app_prediction *p = &a->st.pred;
    char top[16], y[160] = "none";
    if (p->valid)
        snprintf(top, sizeof top, "%d", p->top);
    else
        snprintf(top, sizeof top, "none");
    if (p->valid) {
        size_t used = 0;
        for (int i = 0; i < 10 && used < sizeof y; i++)
            used += (size_t)snprintf(y + used, sizeof y - used, "%s%.6f", i ? "," : "",
                                     (double)p->y[i]);
    }
    const bg_status *t = &a->train;
    /* The status line as drawn, its lines joined by " | ". */
    char shown[sizeof a->status_shown * 2];
    size_t k = 0;
    for (const char *q = a->status_shown; *q && k + 4 < sizeof shown; q++) {
        if (*q == '\n') {
            memcpy(shown + k, " | ", 3);
            k += 3;
        } else {
            shown[k++] = *q;
        }
    }
    shown[k] = '\0';
    printf("frame=%llu top=%s conf=%.4f unsure=%d title=\"%s\" strokes=%zu help=%d compare=%d "
           "raw_top=%d model=\"%s\" acc=\"%s\" size=%dx%d canvas=%d portrait=%d ms=%u training=%d "
           "version=%u "
           "epoch=%d progress=%.3f loss=%.5f heldout=%.4f corrections=%zu panel=%d "
           "stop_ms=%.1f y=%s status=\"%s\" msg=\"%s\"\n",
           (unsigned long long)a->stats.frames, top, p->valid ? (double)p->conf : 0.0,
           p->valid && p->unsure, a->title, a->st.drawing.n, a->help, a->st.compare,
           a->st.raw_pred.valid ? a->st.raw_pred.top : -1, a->st.model ? a->st.model_name : "",
           a->st.model ? a->st.model_acc : "", a->lay.out_w, a->lay.out_h, a->lay.canvas.w,
           a->lay.portrait, (unsigned)SDL_GetTicks(), a->training,
           a->bg_version, t->epoch, (double)t->progress, (double)t->loss,
           (double)t->heldout_acc, t->user_total, a->show_train, a->last_stop_ms, y, shown,
           a->st.message);
    fflush(stdout);
}

/* At the end: how much the layout checks covered (the test reads it). */
static void print_checks(const gui_script *s)
{
    if (s->checks > 0) {
        printf("layout-checks=%ld records=%zu\n", s->checks, s->records);
        fflush(stdout);
    }
}

static void fail(gui_app *a, const script_cmd *c, const char *what, const char *want,
                 const char *got)
{
    printf("FAIL script line %d: %s: expected %s, got %s\n", c->line, what, want, got);
    fflush(stdout);
    a->script->failed = 1;
}

static void expect_top(gui_app *a, const script_cmd *c)
{
    const app_prediction *p = &a->st.pred;
    char got[48];
    if (!p->valid)
        snprintf(got, sizeof got, "none");
    else if (p->unsure)
        snprintf(got, sizeof got, "unsure (best %d at %.3f)", p->top, (double)p->conf);
    else
        snprintf(got, sizeof got, "%d (%.3f)", p->top, (double)p->conf);
    int ok;
    if (strcmp(c->arg, "none") == 0)
        ok = !p->valid;
    else if (strcmp(c->arg, "unsure") == 0)
        ok = p->valid && p->unsure;
    else
        ok = p->valid && !p->unsure && c->arg[0] == '0' + p->top && c->arg[1] == '\0';
    if (!ok)
        fail(a, c, "expect-top", c->arg, got);
}

static void expect_int(gui_app *a, const script_cmd *c, const char *what, long got)
{
    char w[32], g[32];
    snprintf(w, sizeof w, "%ld", (long)c->v[0]);
    snprintf(g, sizeof g, "%ld", got);
    if ((long)c->v[0] != got)
        fail(a, c, what, w, g);
}

/* expect-text and its kin: is a text containing the argument (after
 * "R,G,B " for the -rgb forms: in that colour) among the last frame's? */
static void expect_text(gui_app *a, const script_cmd *c)
{
    int rgb = c->op == OP_EXPECT_TEXT_RGB || c->op == OP_EXPECT_NO_TEXT_RGB;
    int want = c->op == OP_EXPECT_TEXT || c->op == OP_EXPECT_TEXT_RGB;
    const char *needle = c->arg;
    int r = -1, g = -1, b = -1, used = 0;
    if (rgb && (sscanf(c->arg, "%d,%d,%d %n", &r, &g, &b, &used) != 3 || used == 0)) {
        fail(a, c, "expect-text-rgb", "R,G,B TEXT", c->arg);
        return;
    }
    needle += used;
    int found = 0;
    for (size_t i = 0; i < a->paint.n_rec && !found; i++) {
        const gui_rec *t = &a->paint.rec[i];
        found = t->is_text && strstr(t->what, needle) &&
                (!rgb || (t->color.r == r && t->color.g == g && t->color.b == b));
    }
    if (found != want)
        fail(a, c, "expect-text", want ? "drawn" : "not drawn", c->arg);
}

/* ----------------------------------------------------------------- step */

/* One event of a scribble: 40-point loops (an upright ellipse, like a 0),
 * shifted a little each stroke; C after every third stroke keeps the
 * drawing, and so the cost of a frame, from growing without bound. */
static void scribble_step(gui_app *a)
{
    gui_script *s = a->script;
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
    gui_script *s = a->script;
    const script_cmd *c = s->timed;
    if (!c)
        return 0;
    int expired = SDL_TICKS_PASSED(SDL_GetTicks(), s->until);
    int done = 0;
    switch (c->op) {
    case OP_WAIT_VERSION:
        done = a->bg_version >= (unsigned)c->v[0];
        break;
    case OP_WAIT_TRAINING:
        done = a->training == (int)c->v[0];
        break;
    case OP_WAIT_EPOCH:
        done = a->training && a->train.epoch + 1 >= (int)c->v[0];
        break;
    case OP_WAIT_LOADED:
        done = !a->corr || !dp_corrections_loading(a->corr);
        break;
    case OP_SCRIBBLE:
        if (expired) {
            /* Finish the stroke so the drawing is left in a sane state. */
            if (a->ptr_mode == GUI_PTR_DRAW) {
                push_mouse(a, OP_UP, s->scribble_x, s->scribble_y);
                return 1;
            }
            s->timed = NULL;
            return 0;
        }
        scribble_step(a);
        return 1;
    default: /* wait-ms */
        if (expired) {
            s->timed = NULL;
            return 0;
        }
        SDL_Delay(16);
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
    {
        char want[48], got[64];
        const char *what = c->op == OP_WAIT_VERSION  ? "wait-version"
                           : c->op == OP_WAIT_EPOCH  ? "wait-epoch"
                           : c->op == OP_WAIT_LOADED ? "wait-loaded"
                                                     : "wait-training";
        snprintf(want, sizeof want, "%s %.0f within %.0f ms", what + 5, c->v[0], c->v[1]);
        snprintf(got, sizeof got, "version %u, training %d, epoch %d", a->bg_version,
                 a->training, a->train.epoch + 1);
        s->timed = NULL;
        fail(a, c, what, want, got);
        return 0;
    }
}

void gui_script_step(gui_app *a)
{
    gui_script *s = a->script;
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
    /* A screenshot is taken during the next render; wait for it. */
    if (a->screenshot_path)
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
            print_checks(s);
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
        a->st.dirty = 1;
        break;
    case OP_WAIT:
        s->wait = (long)c->v[0] - 1;
        break;
    case OP_WAIT_MS:
    case OP_WAIT_VERSION:
    case OP_WAIT_TRAINING:
    case OP_WAIT_EPOCH:
    case OP_WAIT_LOADED:
    case OP_SCRIBBLE:
        s->timed = c;
        s->until = SDL_GetTicks() + (Uint32)(c->op == OP_WAIT_MS || c->op == OP_SCRIBBLE ||
                                                     c->op == OP_WAIT_LOADED
                                                 ? c->v[0] : c->v[1]);
        if (c->op == OP_SCRIBBLE)
            s->scribble_i = 0;
        timed_step(a);
        break;
    case OP_EXPECT_TRAINING:
        expect_int(a, c, "expect-training", a->training);
        break;
    case OP_CLICK:
    case OP_TAP: {
        float px, py;
        if (find_button(a, c->arg, &px, &py) != 0) {
            fail(a, c, c->op == OP_CLICK ? "click" : "tap", "a button on screen", c->arg);
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
        expect_text(a, c);
        break;
    case OP_DEBUG_TEXT: {
        int used = 0;
        double x, y;
        if (sscanf(c->arg, "%lf %lf %n", &x, &y, &used) != 2 || !c->arg[used]) {
            fail(a, c, "debug-text", "X Y TEXT", c->arg);
            break;
        }
        snprintf(a->debug_text, sizeof a->debug_text, "%s", c->arg + used);
        a->debug_x = (float)x;
        a->debug_y = (float)y;
        a->st.dirty = 1;
        break;
    }
    case OP_EXPECT_PICKER:
        expect_int(a, c, "expect-picker", a->picker);
        break;
    case OP_CHECK_LAYOUT: {
        int bad = gui_rec_check(&a->paint, a->lay.out_w, a->lay.out_h, c->arg, 8);
        if (bad) {
            printf("FAIL script line %d: check-layout %s: %d problem%s at %dx%d\n", c->line,
                   c->arg, bad, bad == 1 ? "" : "s", a->lay.out_w, a->lay.out_h);
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
        if (a->corr)
            dp_corrections_counts(a->corr, &total, NULL, NULL, NULL, 0);
        expect_int(a, c, "expect-corrections", (long)total);
    }
        break;
    case OP_PRINT:
        print_state(a);
        break;
    case OP_EXPECT_MESSAGE:
        if (!strstr(a->st.message, c->arg))
            fail(a, c, "expect-message", c->arg, a->st.message[0] ? a->st.message : "(none)");
        break;
    case OP_EXPECT_TOP:
        expect_top(a, c);
        break;
    case OP_EXPECT_STROKES:
        expect_int(a, c, "expect-strokes", (long)a->st.drawing.n);
        break;
    case OP_EXPECT_HELP:
        expect_int(a, c, "expect-help", a->help);
        break;
    case OP_EXPECT_COMPARE:
        expect_int(a, c, "expect-compare", a->st.compare);
        break;
    case OP_EXPECT_MODEL:
        if (!a->st.model || strcmp(a->st.model_name, c->arg) != 0)
            fail(a, c, "expect-model", c->arg, a->st.model ? a->st.model_name : "(none)");
        break;
    case OP_SCREENSHOT:
        free(a->screenshot_path);
        if (!(a->screenshot_path = strdup(c->arg)))
            s->failed = 1;
        a->st.dirty = 1;
        break;
    case OP_CLICK_BAR:
    case OP_CLICK_TOGGLE: {
        float px, py;
        int r = c->op == OP_CLICK_BAR ? gui_views_bar_point(a, (int)c->v[0], &px, &py)
                                      : gui_views_toggle_point(a, &px, &py);
        if (r != 0)
            fail(a, c, c->op == OP_CLICK_BAR ? "click-bar" : "click-toggle", "it on screen",
                 "not shown");
        else
            push_click(a, px, py);
        break;
    }
    case OP_PRINT_VIEWS:
        gui_views_print(a);
        break;
    case OP_EXPECT_VIEW:
    case OP_EXPECT_SALIENCY:
    case OP_EXPECT_CHOSEN: {
        static const char *const modes[] = {"off", "layers", "weights"};
        int sal, chosen, mode = gui_views_mode(a, &sal, &chosen);
        if (c->op == OP_EXPECT_VIEW) {
            if (strcmp(c->arg, modes[mode]) != 0)
                fail(a, c, "expect-view", c->arg, modes[mode]);
        } else {
            expect_int(a, c, c->op == OP_EXPECT_SALIENCY ? "expect-saliency" : "expect-chosen",
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
        print_checks(s);
        s->checks = 0;
        break;
    }
    }
}
