/* undo.c — the undo and redo history of the drawing: whole drawing states
 * pushed before each edit, and stepping back and forth through them (a
 * label edit also takes its correction back out of the store or puts it
 * in again).  Separate from appstate.c, which makes the edits; calls point
 * from there to here.  No SDL. */
#define _POSIX_C_SOURCE 200809L
#include "undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void edits_free(app_edit *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ink_drawing_free(&e[i].d);
}

void app_undo_free(app_state *s)
{
    edits_free(s->undo, s->n_undo);
    edits_free(s->redo, s->n_redo);
    free(s->undo);
    free(s->redo);
    s->undo = s->redo = NULL;
    s->n_undo = s->n_redo = 0;
}

static int copy_drawing(ink_drawing *dst, const ink_drawing *src)
{
    ink_drawing_init(dst);
    for (size_t i = 0; i < src->n; i++) {
        const ink_stroke *st = &src->strokes[i];
        if (ink_stroke_begin(dst) != 0)
            goto oom;
        for (size_t j = 0; j < st->n; j++)
            if (ink_stroke_add(dst, st->pts[j].x, st->pts[j].y) != 0)
                goto oom;
    }
    return 0;
oom:
    ink_drawing_free(dst);
    return -1;
}

/* Appends the current state to a stack (kind: the edit it belongs to). */
static int push_state(app_state *s, app_edit **stack, size_t *n, int kind)
{
    if (*n == APP_UNDO_MAX) {
        ink_drawing_free(&(*stack)[0].d);
        memmove(*stack, *stack + 1, (*n - 1) * sizeof **stack);
        (*n)--;
    }
    app_edit *ns = realloc(*stack, (*n + 1) * sizeof *ns);
    if (!ns)
        return -1;
    *stack = ns;
    app_edit *e = &ns[*n];
    if (copy_drawing(&e->d, &s->drawing) != 0)
        return -1;
    e->label = s->correction_label;
    snprintf(e->id, sizeof e->id, "%s", s->correction_id);
    e->run = s->correction_run;
    e->kind = kind;
    (*n)++;
    return 0;
}

/* Before an edit: remember the state for undo; a new edit ends redo. */
int app_push_edit(app_state *s, int kind)
{
    edits_free(s->redo, s->n_redo);
    s->n_redo = 0;
    if (push_state(s, &s->undo, &s->n_undo, kind) != 0) {
        app_message(s, 1, "Out of memory: this edit cannot be undone");
        return -1;
    }
    return 0;
}

/* Moves the top of `from` into the current state, pushing the current one
 * onto `to`.  A label edit changes the corrections store to match: the
 * current correction is taken back, the restored one stored again (under
 * a new id).  0, or -1 with the reason in the message (nothing changed). */
static int step(app_state *s, dp_corrections *c, app_edit *from, size_t *n_from, app_edit **to,
                size_t *n_to, int undoing)
{
    char err[512];
    app_edit *e = &from[*n_from - 1];
    int kind = e->kind, was = s->correction_label, now_label = e->label;
    unsigned was_run = s->correction_run;
    if (push_state(s, to, n_to, kind) != 0) {
        app_message(s, 1, "Out of memory: cannot %s", undoing ? "undo" : "redo");
        return -1;
    }
    if (kind == EDIT_LABEL) {
        if (was >= 0 && (!c || dp_corrections_retract(c, s->correction_id, err, sizeof err) != 0)) {
            (*n_to)--;
            ink_drawing_free(&(*to)[*n_to].d);
            app_message(s, 1, "Cannot take the %d back: %s", was,
                        c ? err : "corrections are unavailable");
            return -1;
        }
        if (now_label >= 0) {
            if (!c || dp_corrections_add_id(c, &e->d, now_label, e->id, sizeof e->id, err,
                                            sizeof err) < 0) {
                /* The old one is gone already: say so, and carry on
                 * without a label. */
                app_message(s, 1, "Not stored again: %s", c ? err : "no corrections");
                now_label = -1;
                e->id[0] = '\0';
            }
            e->run = s->train_runs;
        }
    }
    ink_drawing_free(&s->drawing);
    s->drawing = e->d;
    s->correction_label = now_label;
    snprintf(s->correction_id, sizeof s->correction_id, "%s", e->id);
    s->correction_run = e->run;
    (*n_from)--;
    s->image_mode = 0;
    s->history_from[0] = '\0';
    s->canvas_changed = s->drawing_changed = 1;
    s->dirty = 1;
    const char *verb = undoing ? "Undid" : "Redid";
    if (kind == EDIT_LABEL && s->message_error)
        return 0;
    if (kind == EDIT_LABEL) {
        char what[160] = "";
        if (was >= 0 && now_label >= 0)
            snprintf(what, sizeof what, "the %d is a %d again", was, now_label);
        else if (was >= 0)
            snprintf(what, sizeof what, "the %d is out of your corrections", was);
        else
            snprintf(what, sizeof what, "stored as a %d again", now_label);
        /* A run that started after it was stored has learnt from it; that
         * model is not rolled back. */
        int trained = was >= 0 && s->train_runs > was_run;
        app_message(s, 0, "%s the label: %s%s", verb, what,
                    trained ? " (the model already fine-tuned on it keeps what it learnt)" : "");
    } else {
        app_message(s, 0, "%s %s", verb,
                    kind == EDIT_STROKE    ? "the stroke"
                    : kind == EDIT_CLEAR   ? "the clear"
                    : kind == EDIT_RESTORE ? "bringing the drawing back"
                                           : "the erase");
    }
    return 0;
}

void app_undo(app_state *s, dp_corrections *c)
{
    if (s->n_undo == 0) {
        app_message(s, 0, "Nothing to undo");
        return;
    }
    step(s, c, s->undo, &s->n_undo, &s->redo, &s->n_redo, 1);
}

void app_redo(app_state *s, dp_corrections *c)
{
    if (s->n_redo == 0) {
        app_message(s, 0, "Nothing to redo");
        return;
    }
    step(s, c, s->redo, &s->n_redo, &s->undo, &s->n_undo, 0);
}

