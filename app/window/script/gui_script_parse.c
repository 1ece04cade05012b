/* gui_script_parse.c — reading a script file (digitpad --script FILE): the
 * command table {name, op, arguments} and the line parser.  Separate from
 * gui_script.c, which runs the parsed commands (and describes them at its
 * top); nothing here touches the window. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gui_script_private.h"


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
    /* as wait-ms, at the pace of a window nobody touches while it trains
     * (gui.c wakes every 50 ms), not 60 Hz: for measuring the trainer */
    {"idle-ms", OP_IDLE_MS, 1},
    {"wait-version", OP_WAIT_VERSION, 2},
    {"wait-training", OP_WAIT_TRAINING, 2},
    {"wait-epoch", OP_WAIT_EPOCH, 2},
    {"wait-loaded", OP_WAIT_LOADED, 1},
    {"wait-saliency", OP_WAIT_SALIENCY, 1},
    {"hover-unit", OP_HOVER_UNIT, -1},
    {"click-unit", OP_CLICK_UNIT, -1},
    {"scribble", OP_SCRIBBLE, 1},
    {"expect-training", OP_EXPECT_TRAINING, 1},
    {"expect-corrections", OP_EXPECT_CORRECTIONS, 1},
    {"expect-message", OP_EXPECT_MESSAGE, -1},
    /* waits until the status line holds TEXT; fails after 120 s, a bound
     * on a stall (a download from a local copy, a child that never ends) */
    {"wait-message", OP_WAIT_MESSAGE, -1},
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
    {"tap-bar", OP_TAP_BAR, 1},
    {"tap-toggle", OP_TAP_TOGGLE, 0},
    {"print-views", OP_PRINT_VIEWS, 0},
    {"check-weights", OP_CHECK_WEIGHTS, 0},
    {"expect-view", OP_EXPECT_VIEW, -1},
    {"expect-saliency", OP_EXPECT_SALIENCY, 1},
    {"expect-chosen", OP_EXPECT_CHOSEN, 1},
    {"save-input", OP_SAVE_INPUT, -1},
    {"expect-history", OP_EXPECT_HISTORY, 1},
    {"click-history", OP_CLICK_HISTORY, 1},
    {"tap-history", OP_TAP_HISTORY, 1},
    {"expect-brush", OP_EXPECT_BRUSH, 1},
};

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
