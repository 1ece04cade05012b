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

#include "common.h"
#include "modelcard.h"
#include "nn_file.h"

void app_state_init(app_state *s)
{
    memset(s, 0, sizeof *s);
    ink_drawing_init(&s->drawing);
    s->threshold = (float)DP_CARD_DEFAULT_THRESHOLD;
    s->correction_label = -1;
    s->drawing_changed = s->canvas_changed = 1;
}

void app_state_free(app_state *s)
{
    ink_drawing_free(&s->drawing);
    free(s->canvas_pix);
    nn_workspace_free(s->ws);
    nn_model_free(s->model);
    app_undo_free(s);
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
        ink_render(&s->drawing, s->canvas_pix, side, side, ink_default_brush());
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
     * skips a second render. */
    int r = side == INK_CANVAS_PX && ink_brush_for(&s->drawing) == ink_default_brush()
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

float app_eraser_radius(void)
{
    /* Half the pen plus a margin a finger can hit. */
    return ink_default_brush() * 0.5f + 25.0f;
}

/* Squared distance from (x,y) to the segment p–q. */
static float seg_dist2(float x, float y, ink_point p, ink_point q)
{
    float dx = q.x - p.x, dy = q.y - p.y;
    float len2 = dx * dx + dy * dy;
    float t = len2 > 0.0f ? ((x - p.x) * dx + (y - p.y) * dy) / len2 : 0.0f;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    float ex = p.x + t * dx - x, ey = p.y + t * dy - y;
    return ex * ex + ey * ey;
}

static int stroke_near(const ink_stroke *st, float x, float y, float r)
{
    for (size_t i = 0; i < st->n; i++) {
        ink_point q = st->pts[i + 1 < st->n ? i + 1 : i];
        if (seg_dist2(x, y, st->pts[i], q) <= r * r)
            return 1;
    }
    return 0;
}

/* The eraser removes whole strokes, so the drawing stays a list of strokes
 * that undo, saving and replay understand.  It rebuilds the drawing through
 * ink.h's API rather than editing its arrays. */
size_t app_erase_at(app_state *s, float bx, float by)
{
    float r = app_eraser_radius();
    int hit = 0;
    for (size_t i = 0; i < s->drawing.n && !hit; i++)
        hit = stroke_near(&s->drawing.strokes[i], bx, by, r);
    if (!hit)
        return 0;
    ink_drawing kept;
    ink_drawing_init(&kept);
    size_t removed = 0;
    for (size_t i = 0; i < s->drawing.n; i++) {
        const ink_stroke *st = &s->drawing.strokes[i];
        if (stroke_near(st, bx, by, r)) {
            removed++;
            continue;
        }
        if (ink_stroke_begin(&kept) != 0)
            goto oom;
        for (size_t j = 0; j < st->n; j++)
            if (ink_stroke_add(&kept, st->pts[j].x, st->pts[j].y) != 0)
                goto oom;
    }
    app_push_edit(s, EDIT_ERASE);
    ink_drawing_free(&s->drawing);
    s->drawing = kept;
    app_message(s, 0, "Erased %zu stroke%s", removed, removed == 1 ? "" : "s");
    app_drawing_edited(s);
    return removed;
oom:
    ink_drawing_free(&kept);
    app_message(s, 1, "Out of memory: nothing erased");
    return 0;
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
