/* appstate.c — the window's state: drawing edits, model installation,
 * predictions and storing (see appstate.h); the status line is in
 * status.c, the undo history in undo.c.  No SDL here. */
#define _POSIX_C_SOURCE 200809L
#include "appstate.h"
#include "undo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "fileio.h"
#include "modelcard.h"
#include "nn_file.h"

void app_state_init(app_state *s)
{
    memset(s, 0, sizeof *s);
    ink_drawing_init(&s->drawing);
    s->threshold = (float)DP_CARD_DEFAULT_THRESHOLD;
    s->correction_label = -1;
    s->drawing_changed = s->canvas_changed = 1;
    s->brush_level = APP_BRUSH_DEFAULT;
}

void app_state_free(app_state *s)
{
    ink_drawing_free(&s->drawing);
    free(s->canvas_pix);
    nn_workspace_free(s->ws);
    nn_model_free(s->model);
    app_undo_free(s);
    free(s->erase.origin);
    free(s->erase.hit);
    memset(&s->erase, 0, sizeof s->erase);
    s->canvas_pix = NULL;
    s->ws = NULL;
    s->model = NULL;
}

static const char *base_name(const char *path)
{
    const char *p = strrchr(path, '/');
    return p ? p + 1 : path;
}

/* -------------------------------------------------------------- models */

int app_install_model(app_state *s, nn_model *m, const char *name)
{
    nn_error err;
    nn_workspace *ws = nn_workspace_create(m, 1, &err);
    if (!ws) {
        app_message(s, 1, "%s: %s", name, err.msg);
        nn_model_free(m);
        return -1;
    }
    nn_workspace_free(s->ws);
    nn_model_free(s->model);
    s->model = m;
    s->ws = ws;
    s->model_serial++;
    snprintf(s->model_name, sizeof s->model_name, "%s", name);

    /* The model card's rules: the command line reads a model alike. */
    s->threshold = (float)dp_card_threshold(m, NULL);
    dp_card_accuracy(m, s->model_acc, sizeof s->model_acc);
    s->drawing_changed = 1;
    s->dirty = 1;
    return 0;
}

int app_install_model_file(app_state *s, nn_model *m, const char *path)
{
    if (app_install_model(s, m, base_name(path)) != 0)
        return -1;
    s->model_unsaved = 0; /* it is a file */
    app_message(s, 0, "Loaded %s", path);
    return 0;
}

int app_load_model_file(app_state *s, const char *path)
{
    nn_error err;
    nn_model *m = nn_model_load(path, &err);
    if (!m) {
        app_message(s, 1, "Could not load model: %s", err.msg);
        return -1;
    }
    return app_install_model_file(s, m, path);
}

void app_request_redraw(app_state *s)
{
    s->dirty = 1;
}

void app_redraw_done(app_state *s)
{
    s->dirty = 0;
}

int app_install_snapshot(app_state *s, nn_model *m, const char *name)
{
    if (app_install_model(s, m, name) != 0)
        return -1;
    s->model_unsaved = 1; /* until Ctrl+S */
    return 0;
}

void app_model_saved(app_state *s)
{
    s->model_unsaved = 0;
}

void app_training_started(app_state *s)
{
    s->train_runs++;
}

/* --------------------------------------------------------- predictions */

static void predict(app_state *s, const float *x, app_prediction *p)
{
    nn_error err;
    p->valid = 0;
    if (!s->model || !s->ws)
        return;
    if (nn_forward(s->model, s->ws, x, 1, p->y, &err) != NN_OK) {
        /* NaN outputs (NN_ENOANSWER) are never shown as an answer */
        app_message(s, 1, "%s: %s", err.status == NN_ENOANSWER ? "No answer" : "Prediction failed",
                    err.msg);
        return;
    }
    p->top = dp_argmax10(p->y);
    p->conf = p->y[p->top];
    p->unsure = dp_card_unsure(p->conf, s->threshold);
    p->valid = 1;
}

void app_title(const app_state *s, char *buf, size_t len)
{
    const app_prediction *p = &s->pred;
    if (!p->valid)
        snprintf(buf, len, "digitpad");
    else if (p->unsure)
        snprintf(buf, len, "digitpad \xE2\x80\x94 unsure");
    else
        snprintf(buf, len, "digitpad \xE2\x80\x94 %d (%d%%)", p->top,
                 (int)lroundf(p->conf * 100.0f));
}

/* Runs once per frame, after all queued events, so a burst of motion
 * events costs one forward pass. */
int app_update(app_state *s, int side)
{
    int changed = 0;
    if (side < 1)
        return 0;
    if (side != s->canvas_side) {
        size_t need = (size_t)side * (size_t)side;
        if (need > s->canvas_cap) {
            float *p = realloc(s->canvas_pix, need * sizeof *p);
            if (!p) {
                app_message(s, 1, "Out of memory for a %dx%d canvas", side, side);
                return 0;
            }
            s->canvas_pix = p;
            s->canvas_cap = need;
        }
        s->canvas_side = side;
        s->canvas_changed = 1;
        /* The raw view depends on the on-screen canvas size. */
        s->drawing_changed = 1;
    }
    if (s->canvas_changed && s->image_mode) {
        /* The dropped image's 28×28 input, nearest-neighbour. */
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                s->canvas_pix[(size_t)y * side + x] =
                    s->input[(y * INK_SIDE / side) * INK_SIDE + x * INK_SIDE / side];
        s->canvas_changed = 0;
        s->dirty = 1;
        changed |= 1;
    }
    if (s->canvas_changed) {
        ink_render(&s->drawing, s->canvas_pix, side, side, app_canvas_brush(s));
        s->canvas_changed = 0;
        s->dirty = 1;
        changed |= 1;
    }
    if (!s->drawing_changed)
        return changed;
    s->drawing_changed = 0;
    s->dirty = 1;
    changed |= 2;
    if (s->image_mode) {
        predict(s, s->input, &s->pred);
        memcpy(s->raw, s->input, sizeof s->raw);
        if (s->compare)
            predict(s, s->raw, &s->raw_pred);
        return changed;
    }
    /* ink_preprocess renders at INK_CANVAS_PX with ink_brush_for(drawing)
     * and normalises; when that is the canvas's own size and brush, the
     * pixels are already here, so the same function of the same pixels
     * skips a second render.  The canvas brush (app_canvas_brush) never
     * reaches the input otherwise. */
    int r = side == INK_CANVAS_PX && ink_brush_for(&s->drawing) == app_canvas_brush(s)
                ? ink_normalize(s->canvas_pix, side, side, s->input)
                : ink_preprocess(&s->drawing, s->input);
    if (r < 0) {
        app_message(s, 1, "Out of memory while preprocessing");
        r = 0;
    }
    /* The raw view costs a second resampling and forward pass: only while
     * it is shown. */
    if (s->compare)
        ink_downsample(s->canvas_pix, side, side, s->raw);
    if (r > 0) {
        predict(s, s->input, &s->pred);
        if (s->compare)
            predict(s, s->raw, &s->raw_pred);
        else
            s->raw_pred.valid = 0;
    } else {
        memset(s->input, 0, sizeof s->input);
        s->pred.valid = 0;
        s->raw_pred.valid = 0;
    }
    return changed;
}

/* ---------------------------------------------------------- drawing edits */

int app_show_image(app_state *s, const float *pix, int w, int h, const char *name)
{
    float x[INK_INPUT_SIZE];
    if (ink_normalize(pix, w, h, x) <= 0) {
        app_message(s, 1, "%s: no ink found in the image", name);
        return -1;
    }
    if (s->drawing.n > 0) {
        app_push_edit(s, EDIT_CLEAR);
        ink_drawing_clear(&s->drawing);
    }
    app_drawing_edited(s);
    memcpy(s->input, x, sizeof x);
    s->image_mode = 1;
    app_message(s, 0, "%s: classified as the 28\xC3\x97" "28 input shown (as --predict reads it) "
                "\xC2\xB7 draw to go back to drawing", name);
    return 0;
}

void app_drawing_edited(app_state *s)
{
    s->image_mode = 0;
    s->history_from[0] = '\0';
    s->correction_label = -1;
    s->correction_id[0] = '\0';
    s->canvas_changed = 1;
    s->drawing_changed = 1;
    s->dirty = 1;
}

void app_stroke_point(app_state *s, float bx, float by)
{
    if (ink_stroke_add(&s->drawing, bx, by) != 0) {
        app_message(s, 1, "Out of memory: stroke not recorded");
        return;
    }
    app_drawing_edited(s);
}

void app_stroke_begin(app_state *s, float bx, float by)
{
    app_push_edit(s, EDIT_STROKE);
    if (ink_stroke_begin(&s->drawing) != 0) {
        app_message(s, 1, "Out of memory: stroke not recorded");
        return;
    }
    app_stroke_point(s, bx, by);
}

/* ------------------------------------------------------------- the brush */

/* Multiples of ink_default_brush(); APP_BRUSH_DEFAULT is 1, the width the
 * canvas always had.  Names for the message. */
static const float BRUSH_SCALE[APP_BRUSH_LEVELS] = {0.3f, 0.5f, 0.75f, 1.0f, 1.4f};
static const char *const BRUSH_NAME[APP_BRUSH_LEVELS] = {"finest", "fine", "medium", "normal",
                                                         "bold"};

float app_canvas_brush(const app_state *s)
{
    int l = s->brush_level < 0 ? 0 : s->brush_level >= APP_BRUSH_LEVELS ? APP_BRUSH_LEVELS - 1
                                                                         : s->brush_level;
    return ink_default_brush() * BRUSH_SCALE[l];
}

void app_set_brush(app_state *s, int level)
{
    level = level < 0 ? 0 : level >= APP_BRUSH_LEVELS ? APP_BRUSH_LEVELS - 1 : level;
    if (level == s->brush_level)
        return;
    s->brush_level = level;
    /* Only the canvas: the input (ink_brush_for) is the same whatever the
     * canvas pen, so predictions are not redone. */
    s->canvas_changed = 1;
    s->dirty = 1;
}

int app_brush_step(app_state *s, int delta)
{
    int l = delta == 0 ? (s->brush_level + 1) % APP_BRUSH_LEVELS : s->brush_level + delta;
    app_set_brush(s, l);
    app_message(s, 0, "Brush %d of %d (%s) \xC2\xB7 the canvas only: the network reads every "
                      "drawing at its own width", s->brush_level + 1, APP_BRUSH_LEVELS,
                BRUSH_NAME[s->brush_level]);
    return s->brush_level;
}

void app_brush_load(app_state *s, const char *dir)
{
    char path[1200], err[512], buf[256];
    snprintf(path, sizeof path, "%s/%s", dir, APP_SETTINGS_NAME);
    if (access(path, F_OK) != 0)
        return;
    int fd = fileio_open_regular(path, "a settings file", NULL, err, sizeof err);
    if (fd < 0)
        return;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0)
        return;
    buf[got] = '\0';
    int level;
    char *at = strstr(buf, "brush ");
    if (at && (at == buf || at[-1] == '\n') && sscanf(at, "brush %d", &level) == 1 && level >= 1 &&
        level <= APP_BRUSH_LEVELS)
        app_set_brush(s, level - 1);
}

int app_brush_save(const app_state *s, const char *dir, char *err, size_t errlen)
{
    char path[1200], buf[64];
    snprintf(path, sizeof path, "%s/%s", dir, APP_SETTINGS_NAME);
    int n = snprintf(buf, sizeof buf, "brush %d\n", s->brush_level + 1);
    return fileio_save(path, buf, (size_t)n, FILEIO_REPLACE, NULL, NULL, err, errlen);
}

void app_clear(app_state *s)
{
    if (s->drawing.n == 0) {
        app_message(s, 0, "The canvas is empty");
        return;
    }
    app_push_edit(s, EDIT_CLEAR);
    ink_drawing_clear(&s->drawing);
    app_drawing_edited(s);
    app_message(s, 0, "Cleared \xC2\xB7 Ctrl+Z brings it back");
}

void app_toggle_compare(app_state *s)
{
    s->compare = !s->compare;
    s->drawing_changed = 1;
    app_message(s, 0, s->compare ? "Comparison: raw canvas vs. normalised input"
                                 : "Comparison off");
}

/* -------------------------------------------------------------- storing */

void app_save_drawing(app_state *s, const char *dir, const char *why)
{
    char err[512], path[1200], prefix[1200], id[128];
    if (s->drawing.n == 0) {
        app_message(s, 0, "Nothing to save: the canvas is empty");
        return;
    }
    if (!dir) {
        app_message(s, 1, "Not saved: %s", why ? why : "no data directory");
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, APP_DRAWINGS_NAME);
    snprintf(prefix, sizeof prefix, "%s/%s", dir, APP_DRAWING_PREFIX);
    /* The label this drawing was given (its digit key), never an earlier
     * drawing's: without one it is saved as '?' and the message says how
     * to label it. */
    int label = s->correction_label;
    if (dp_store_labelled(path, prefix, "", &s->drawing, s->input, label, id, sizeof id, err,
                          sizeof err) != 0) {
        app_message(s, 1, "Not saved: %s", err);
        return;
    }
    if (label >= 0)
        app_message(s, 0, "Saved labelled %d to %s (+ " APP_DRAWING_PREFIX "%s.pgm)", label, path, id);
    else
        app_message(s, 0, "Saved without a label (?) to %s \xC2\xB7 press its digit first to "
                          "label it", path);
}

int app_store_correction(app_state *s, dp_corrections *c, int digit, int training,
                         const char *why_memory)
{
    char err[512];
    if (s->drawing.n == 0) {
        app_message(s, 0, "Label %d: draw a digit, then press its key to store it "
                          "as a correction (S saves the drawing as a %d)", digit, digit);
        return 0;
    }
    if (!c) {
        app_message(s, 1, "Not stored: corrections are unavailable in this session");
        return 0;
    }
    /* A second key press on the same drawing would weigh it twice: one
     * drawing, one correction.  Another digit replaces the label (a wrong
     * key is put right), undoable like any edit. */
    if (s->correction_label == digit) {
        app_message(s, 0, "Already stored as a %d \xE2\x80\x94 draw another one",
                    s->correction_label);
        return 0;
    }
    int old = s->correction_label;
    if (old >= 0 && dp_corrections_retract(c, s->correction_id, err, sizeof err) != 0) {
        app_message(s, 1, "Cannot relabel the %d: %s", old, err);
        return 0;
    }
    /* The state before this edit has the old label, which is out of the
     * store now: undoing stores it again (step() re-adds it). */
    int pushed = app_push_edit(s, EDIT_LABEL) == 0;
    char newid[DP_CORR_ID_LEN];
    if (dp_corrections_add_id(c, &s->drawing, digit, newid, sizeof newid, err, sizeof err) < 0) {
        if (pushed)
            ink_drawing_free(&s->undo[--s->n_undo].d);
        s->correction_label = -1;
        s->correction_id[0] = '\0';
        app_message(s, 1, "Not stored: %s%s", err, old >= 0 ? " (the old label was taken back)"
                                                              : "");
        return 0;
    }
    snprintf(s->correction_id, sizeof s->correction_id, "%s", newid);
    s->correction_run = s->train_runs;
    s->correction_label = digit;
    size_t total = 0;
    dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    if (!dp_corrections_path(c)) {
        /* Said plainly, in the error colour: it is lost when the window
         * closes.  The caller's reason covers a store opened without a
         * file; the store's own covers a data directory deleted since. */
        char why[400] = "no corrections file";
        if (why_memory && *why_memory)
            snprintf(why, sizeof why, "%s", why_memory);
        else
            (void)dp_corrections_why_memory(c, why, sizeof why); /* 0: the default stays */
        app_message(s, 1, "Kept as a %d for this session only, not on disk (%s) \xE2\x80\x94 "
                          "%zu correction%s", digit, why, total, total == 1 ? "" : "s");
        return 1;
    }
    if (old >= 0) {
        app_message(s, 0, "Now a %d, not a %d \xE2\x80\x94 %zu correction%s; Ctrl+Z undoes",
                    digit, old, total, total == 1 ? "" : "s");
        return 1;
    }
    app_message(s, 0, "Saved as a %d \xE2\x80\x94 %zu correction%s; %s", digit, total,
                total == 1 ? "" : "s",
                training ? "the next epoch learns from them" : "press T to learn from them");
    return 1;
}

/* ------------------------------------------------------------ history */

static int same_strokes(const ink_drawing *a, const ink_drawing *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->strokes[i].n != b->strokes[i].n ||
            memcmp(a->strokes[i].pts, b->strokes[i].pts, a->strokes[i].n * sizeof(ink_point)) != 0)
            return 0;
    return 1;
}

/* Adds the drawing to h; *dropped gets how many old ones went. */
static int record(app_state *s, dp_history *h, size_t *dropped)
{
    *dropped = 0;
    if (!h || s->drawing.n == 0 || s->image_mode ||
        (s->history_from[0] && s->correction_label < 0))
        return 0;
    /* The same drawing with the same label as the newest one (brought
     * back, then undone) is there already. */
    const dp_history_entry *top = dp_history_get(h, 0);
    if (top && top->label == s->correction_label && same_strokes(&top->drawing, &s->drawing))
        return 0;
    char err[512];
    const app_prediction *p = &s->pred;
    /* The rule undo uses: a run started after the label was stored has
     * learnt from it. */
    int learnt = s->correction_label >= 0 && s->train_runs > s->correction_run;
    if (dp_history_add(h, &s->drawing, p->valid ? p->top : -1,
                       p->valid ? (int)lroundf(p->conf * 1000.0f) : 0, p->valid && p->unsure,
                       s->correction_label, learnt, dropped, NULL, 0, err, sizeof err) != 0) {
        app_message(s, 1, "Not kept in the history: %s", err);
        return -1;
    }
    return 1;
}

static void say_dropped(app_state *s, const char *what, size_t dropped)
{
    if (dropped)
        app_message(s, 0, "%s \xC2\xB7 the history is full: its oldest drawing%s went (it "
                          "keeps %d)", what, dropped == 1 ? "" : "s", DP_HISTORY_MAX);
}

int app_history_record(app_state *s, dp_history *h)
{
    size_t dropped;
    int r = record(s, h, &dropped);
    say_dropped(s, "Kept in the history", dropped);
    return r;
}

void app_clear_to_history(app_state *s, dp_history *h)
{
    size_t dropped = 0;
    int r = record(s, h, &dropped);
    if (r < 0 && s->drawing.n > 0) {
        /* Cleared anyway (undo brings it back), and the error stays said. */
        char why[APP_MSG_LEN];
        snprintf(why, sizeof why, "%s", s->message);
        app_clear(s);
        app_message(s, 1, "Cleared; %s", why);
        return;
    }
    app_clear(s);
    say_dropped(s, "Cleared", dropped);
}

int app_history_restore(app_state *s, dp_history *h, size_t i)
{
    const dp_history_entry *e = dp_history_get(h, i);
    if (!e) {
        app_message(s, 0, "No drawing there in the history");
        return -1;
    }
    char id[DP_HISTORY_ID_LEN];
    snprintf(id, sizeof id, "%s", e->id);
    size_t dropped = 0;
    if (record(s, h, &dropped) < 0)
        return -1; /* the drawing on the canvas would be lost but for undo */
    long at = dp_history_find(h, id); /* it moved if one was added */
    if (at < 0 || !(e = dp_history_get(h, (size_t)at))) {
        app_message(s, 0, "That drawing has left the history");
        return -1;
    }
    ink_drawing d;
    ink_drawing_init(&d);
    if (ink_drawing_copy(&d, &e->drawing) != 0) {
        app_message(s, 1, "Out of memory: the drawing was not brought back");
        return -1;
    }
    app_push_edit(s, EDIT_RESTORE);
    ink_drawing_free(&s->drawing);
    s->drawing = d;
    app_drawing_edited(s);
    snprintf(s->history_from, sizeof s->history_from, "%s", id);
    char read[48] = "no answer", lab[40] = "";
    if (e->pred >= 0)
        snprintf(read, sizeof read, "read as %s%d (%d%%)", e->unsure ? "unsure, " : "", e->pred,
                 (e->conf + 5) / 10);
    if (e->label >= 0)
        snprintf(lab, sizeof lab, ", labelled %d%s", e->label, e->learnt ? " and learnt" : "");
    app_message(s, 0, "Brought back (%s%s) \xC2\xB7 Ctrl+Z undoes", read, lab);
    return 0;
}
