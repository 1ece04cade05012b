/* appstate.c — the window's state: drawing edits, model installation,
 * predictions and the status line (see appstate.h).  No SDL here. */
#define _POSIX_C_SOURCE 200809L
#include "appstate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "common.h"
#include "nn_file.h"

/* One entry of the undo or redo stack: a whole drawing state (drawings are
 * small: a few hundred points), and which kind of edit it is on the far side
 * of.  Only label edits touch the corrections store when undone. */
enum { EDIT_STROKE = 1, EDIT_CLEAR, EDIT_ERASE, EDIT_LABEL };

typedef struct app_edit {
    ink_drawing d;
    int label;                    /* correction_label of that state */
    char id[DP_CORR_ID_LEN];
    unsigned run;
    int kind;
} app_edit;

static int push_edit(app_state *s, int kind);

static void edits_free(app_edit *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ink_drawing_free(&e[i].d);
}

void app_state_init(app_state *s)
{
    memset(s, 0, sizeof *s);
    ink_drawing_init(&s->drawing);
    s->threshold = 0.5f;
    s->label = -1;
    s->correction_label = -1;
    s->drawing_changed = s->canvas_changed = 1;
}

void app_state_free(app_state *s)
{
    ink_drawing_free(&s->drawing);
    free(s->canvas_pix);
    nn_workspace_free(s->ws);
    nn_model_free(s->model);
    edits_free(s->undo, s->n_undo);
    edits_free(s->redo, s->n_redo);
    free(s->undo);
    free(s->redo);
    s->undo = s->redo = NULL;
    s->n_undo = s->n_redo = 0;
    s->canvas_pix = NULL;
    s->ws = NULL;
    s->model = NULL;
}

void app_message(app_state *s, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_vformat(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->message_error = error;
    s->message_t = s->now;
    s->dirty = 1;
}

void app_tick(app_state *s, double now)
{
    /* Messages set before the first tick (start-up) count from it. */
    if (s->now == 0.0)
        s->message_t = now;
    s->now = now;
    if (s->message[0] && !s->message_error && now - s->message_t > APP_MSG_SECONDS) {
        s->message[0] = '\0';
        s->dirty = 1;
    }
}

void app_user_action(app_state *s)
{
    if (s->message[0] && s->message_error) {
        s->message[0] = '\0';
        s->message_error = 0;
        s->dirty = 1;
    }
}

int app_confirm(app_state *s, int what, const char *question)
{
    if (s->confirm_what == what && s->now <= s->confirm_until) {
        s->confirm_what = 0;
        return 1;
    }
    s->confirm_what = what;
    s->confirm_until = s->now + APP_CONFIRM_SECONDS;
    app_message(s, 1, "%s", question);
    return 0;
}

int app_discard_request(app_state *s, int what, const char *again)
{
    if (!s->model_unsaved)
        return 1;
    char q[200];
    snprintf(q, sizeof q, "Unsaved model: Ctrl+S saves it, %s to discard", again);
    return app_confirm(s, what, q);
}

int app_quit_request(app_state *s)
{
    /* Any value apart from the GUI's action numbers (keys.h) will do. */
    enum { CONFIRM_QUIT = 1000 };
    return app_discard_request(s, CONFIRM_QUIT, "quit again");
}

/* ----------------------------------------------------------- wrapping */

/* Bytes of the UTF-8 character starting at p (1 for a stray byte). */
static size_t utf8_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

int app_wrap_text(const char *text, int max_w, int max_lines,
                  int (*width)(void *ctx, const char *s, size_t n), void *ctx, char *out,
                  size_t outlen)
{
    static const char ELL[] = "\xE2\x80\xA6";
    size_t o = 0;
    int lines = 0;
    const char *p = text;
    if (outlen == 0)
        return 0;
    out[0] = '\0';
    while (*p == ' ')
        p++;
    while (*p && lines < max_lines) {
        /* The longest run of whole words from p that fits. */
        size_t fit = 0, i = 0;
        while (p[i]) {
            size_t j = i;
            while (p[j] == ' ')
                j++;
            while (p[j] && p[j] != ' ')
                j += utf8_len(p + j);
            if (width(ctx, p, j) > max_w)
                break;
            fit = i = j;
        }
        int last = lines == max_lines - 1;
        int more = p[fit] != '\0';
        if (fit == 0) {
            /* One word wider than the line: as many characters as fit. */
            size_t j = 0;
            while (p[j] && p[j] != ' ') {
                size_t k = j + utf8_len(p + j);
                if (width(ctx, p, k) + (last ? width(ctx, ELL, sizeof ELL - 1) : 0) > max_w &&
                    j > 0)
                    break;
                j = k;
            }
            fit = j;
            more = p[fit] != '\0';
        } else if (last && more) {
            /* Make room for the ellipsis, dropping whole words. */
            while (fit > 0) {
                char tmp[APP_MSG_LEN + 8];
                size_t n = fit < APP_MSG_LEN ? fit : APP_MSG_LEN;
                memcpy(tmp, p, n);
                memcpy(tmp + n, ELL, sizeof ELL);
                if (width(ctx, tmp, n + sizeof ELL - 1) <= max_w)
                    break;
                size_t k = fit;
                while (k > 0 && p[k - 1] == ' ')
                    k--;
                while (k > 0 && p[k - 1] != ' ')
                    k--;
                while (k > 0 && p[k - 1] == ' ')
                    k--;
                if (k == 0)
                    break; /* one word: keep it, the clip cuts it */
                fit = k;
            }
        }
        size_t n = fit;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (lines > 0 && o + 1 < outlen)
            out[o++] = '\n';
        if (o + n >= outlen)
            n = outlen - o - 1;
        memcpy(out + o, p, n);
        o += n;
        lines++;
        p += fit;
        while (*p == ' ')
            p++;
        if (last && *p && o + sizeof ELL <= outlen) {
            memcpy(out + o, ELL, sizeof ELL - 1);
            o += sizeof ELL - 1;
        }
        out[o] = '\0';
    }
    return lines;
}

static const char *base_name(const char *path)
{
    const char *p = strrchr(path, '/');
    return p ? p + 1 : path;
}

/* -------------------------------------------------------------- models */

/* A fraction in [0,1] from metadata (also written as a percentage), or -1. */
static double meta_fraction(const nn_model *m, const char *key)
{
    const char *v = nn_model_meta_get(m, key);
    char *end;
    double x = v ? strtod(v, &end) : -1.0;
    if (!v || end == v || x < 0.0)
        return -1.0;
    return x > 1.0 && x <= 100.0 ? x / 100.0 : x <= 1.0 ? x : -1.0;
}

void app_model_accuracy(const nn_model *m, char *buf, size_t len)
{
    /* A trainer's snapshot (or a model saved from one) still carries the
     * test accuracy of the model it started from; what it has earned is
     * what its run measured after an epoch (bgtrain.c marks it "none"
     * until then). */
    const char *n_held = nn_model_meta_get(m, "heldout_n");
    const char *n_user = nn_model_meta_get(m, "user_n");
    double v;
    if (nn_model_meta_get(m, "bg_version")) {
        if ((v = meta_fraction(m, "heldout_accuracy")) >= 0.0)
            snprintf(buf, len, "held-out accuracy %.2f%% on %s MNIST test images", v * 100.0,
                     n_held && strcmp(n_held, "none") != 0 ? n_held : "some");
        else if ((v = meta_fraction(m, "user_accuracy")) >= 0.0)
            snprintf(buf, len, "%.0f%% of your %s drawings right (trained on them, not a test)",
                     v * 100.0, n_user && strcmp(n_user, "none") != 0 ? n_user : "");
        else
            snprintf(buf, len, "accuracy not measured yet");
    } else if ((v = meta_fraction(m, "test_accuracy")) >= 0.0) {
        snprintf(buf, len, "MNIST test accuracy %.2f%%", v * 100.0);
    } else {
        snprintf(buf, len, "accuracy not measured yet");
    }
}

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
    snprintf(s->model_name, sizeof s->model_name, "%s", name);

    /* The command line's parser: both read a model's threshold alike. */
    double th;
    s->threshold = dp_parse_threshold(nn_model_meta_get(m, "threshold"), &th) == 0
                       ? (float)th : (float)DP_DEFAULT_THRESHOLD;
    app_model_accuracy(m, s->model_acc, sizeof s->model_acc);
    s->drawing_changed = 1;
    s->dirty = 1;
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
    if (app_install_model(s, m, base_name(path)) != 0)
        return -1;
    s->model_unsaved = 0; /* it is a file */
    app_message(s, 0, "Loaded %s", path);
    return 0;
}

/* --------------------------------------------------------- predictions */

static void predict(app_state *s, const float *x, app_prediction *p)
{
    nn_error err;
    p->valid = 0;
    if (!s->model || !s->ws)
        return;
    if (nn_forward(s->model, s->ws, x, 1, p->y, &err) != NN_OK) {
        app_message(s, 1, "Prediction failed: %s", err.msg);
        return;
    }
    p->top = dp_argmax10(p->y);
    p->conf = p->y[p->top];
    p->unsure = p->conf < s->threshold;
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
        push_edit(s, EDIT_CLEAR);
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
    push_edit(s, EDIT_STROKE);
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
    push_edit(s, EDIT_ERASE);
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

/* ---------------------------------------------------------- undo, redo */

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
static int push_edit(app_state *s, int kind)
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
                    kind == EDIT_STROKE  ? "the stroke"
                    : kind == EDIT_CLEAR ? "the clear"
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

void app_clear(app_state *s)
{
    if (s->drawing.n == 0) {
        app_message(s, 0, "The canvas is empty");
        return;
    }
    push_edit(s, EDIT_CLEAR);
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
    snprintf(path, sizeof path, "%s/drawings.strokes", dir);
    snprintf(prefix, sizeof prefix, "%s/drawing-", dir);
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
        app_message(s, 0, "Saved labelled %d to %s (+ drawing-%s.pgm)", label, path, id);
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
    int pushed = push_edit(s, EDIT_LABEL) == 0;
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
         * closes. */
        app_message(s, 1, "Kept as a %d for this session only, not on disk (%s) \xE2\x80\x94 "
                          "%zu correction%s", digit, why_memory && *why_memory ? why_memory
                          : "no corrections file", total, total == 1 ? "" : "s");
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
