/* gui_script_report.c — what a script prints and checks: the print line
 * of the window's state, the layout checks' summary, and the expect-*
 * commands with their FAIL lines.  Separate from gui_script.c, which runs
 * the commands and calls these; they only read the window's state. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "gui_script_private.h"



void gui_script_print_state(const gui_app *a)
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
    const bg_status *t = &a->train.status;
    /* The status line as drawn, its lines joined by " | ". */
    char shown[sizeof a->frame.status_shown * 2];
    size_t k = 0;
    for (const char *q = a->frame.status_shown; *q && k + 4 < sizeof shown; q++) {
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
           "epoch=%d progress=%.3f loss=%.5f heldout=%.4f sps=%.0f elapsed=%.2f corrections=%zu "
           "panel=%d "
           "stop_ms=%.1f ui=%.2f scale=%.3f font=%d tools_h=%d y=%s status=\"%s\" msg=\"%s\"\n",
           (unsigned long long)a->script.stats.frames, top, p->valid ? (double)p->conf : 0.0,
           p->valid && p->unsure, a->loop.title, a->st.drawing.n, a->input.help, a->st.compare,
           a->st.raw_pred.valid ? a->st.raw_pred.top : -1, a->st.model ? a->st.model_name : "",
           a->st.model ? a->st.model_acc : "", a->frame.lay.out_w, a->frame.lay.out_h,
           a->frame.lay.canvas.w, a->frame.lay.portrait, (unsigned)SDL_GetTicks(), a->train.running,
           a->train.version, t->epoch, (double)t->progress, (double)t->loss,
           (double)t->heldout_acc, t->samples_per_s, t->elapsed_s, t->user_total, a->train.show,
           a->train.last_stop_ms, (double)a->ui, (double)a->frame.lay.scale,
           a->paint.font_px[GUI_FONT_BODY], a->frame.lay.tools.h, y, shown,
           a->st.message);
    fflush(stdout);
}

/* At the end: how much the layout checks covered (the test reads it). */
void gui_script_print_checks(const gui_script *s)
{
    if (s->checks > 0) {
        printf("layout-checks=%ld records=%zu\n", s->checks, s->records);
        fflush(stdout);
    }
}

void gui_script_fail(gui_app *a, const script_cmd *c, const char *what, const char *want,
                 const char *got)
{
    printf("FAIL script line %d: %s: expected %s, got %s\n", c->line, what, want, got);
    fflush(stdout);
    a->script.run->failed = 1;
}

void gui_script_expect_top(gui_app *a, const script_cmd *c)
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
        gui_script_fail(a, c, "expect-top", c->arg, got);
}

void gui_script_expect_int(gui_app *a, const script_cmd *c, const char *what, long got)
{
    char w[32], g[32];
    snprintf(w, sizeof w, "%ld", (long)c->v[0]);
    snprintf(g, sizeof g, "%ld", got);
    if ((long)c->v[0] != got)
        gui_script_fail(a, c, what, w, g);
}

/* expect-text and its kin: is a text containing the argument (after
 * "R,G,B " for the -rgb forms: in that colour) among the last frame's? */
void gui_script_expect_text(gui_app *a, const script_cmd *c)
{
    int rgb = c->op == OP_EXPECT_TEXT_RGB || c->op == OP_EXPECT_NO_TEXT_RGB;
    int want = c->op == OP_EXPECT_TEXT || c->op == OP_EXPECT_TEXT_RGB;
    const char *needle = c->arg;
    int r = -1, g = -1, b = -1, used = 0;
    if (rgb && (sscanf(c->arg, "%d,%d,%d %n", &r, &g, &b, &used) != 3 || used == 0)) {
        gui_script_fail(a, c, "expect-text-rgb", "R,G,B TEXT", c->arg);
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
        gui_script_fail(a, c, "expect-text", want ? "drawn" : "not drawn", c->arg);
}

/* t without its spaces and line breaks (where wrapping may add or drop
 * them), into out. */
static void squeeze(const char *t, char *out, size_t len)
{
    size_t k = 0;
    for (; *t && k + 1 < len; t++)
        if (*t != ' ' && *t != '\n')
            out[k++] = *t;
    out[k] = '\0';
}

int gui_script_check_message(const gui_app *a, const char *state)
{
    char shown[sizeof a->frame.status_shown], whole[sizeof a->st.message];
    squeeze(a->frame.status_shown, shown, sizeof shown);
    squeeze(a->st.message, whole, sizeof whole);
    if (strcmp(shown, whole) == 0)
        return 0;
    printf("FAIL layout %dx%d %s: the message is cut: shown \"%s\" of \"%s\"\n",
           a->frame.lay.out_w, a->frame.lay.out_h, state, a->frame.status_shown, a->st.message);
    fflush(stdout);
    return 1;
}
