/* eraser.c — the eraser: it cuts strokes where it passes, like a rubber
 * on paper.  What lies within app_eraser_radius() of the eraser's path is
 * taken out; the rest of a stroke stays, split into pieces at the circle's
 * edge.  One gesture (app_erase_begin .. app_erase_end) is one undo step.
 * The drawing stays a list of strokes, so undo, saving and replay
 * understand it.  No SDL. */
#define _POSIX_C_SOURCE 200809L
#include "appstate.h"
#include "undo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float app_eraser_radius(void)
{
    /* Half the pen plus a margin a finger can hit. */
    return ink_default_brush() * 0.5f + 25.0f;
}

/* The part [*u0, *u1] of the segment p + t(q - p), t in [0, 1], that lies
 * strictly inside the circle (c, r): 1, or 0 when none does (a segment
 * that only touches the circle keeps all of itself). */
static int inside_part(ink_point p, ink_point q, float cx, float cy, float r, float *u0,
                       float *u1)
{
    double dx = (double)q.x - p.x, dy = (double)q.y - p.y;
    double fx = (double)p.x - cx, fy = (double)p.y - cy;
    double a = dx * dx + dy * dy, b = 2.0 * (dx * fx + dy * fy);
    double c = fx * fx + fy * fy - (double)r * r;
    if (a == 0.0) {
        /* A zero-length segment: inside or not, whole. */
        *u0 = 0.0f;
        *u1 = 1.0f;
        return c < 0.0;
    }
    double disc = b * b - 4.0 * a * c;
    if (disc <= 0.0)
        return 0;
    double sq = sqrt(disc);
    double t0 = (-b - sq) / (2.0 * a), t1 = (-b + sq) / (2.0 * a);
    if (t0 < 0.0)
        t0 = 0.0;
    if (t1 > 1.0)
        t1 = 1.0;
    if (t0 >= t1)
        return 0;
    *u0 = (float)t0;
    *u1 = (float)t1;
    return 1;
}

static ink_point lerp(ink_point p, ink_point q, float t)
{
    /* The ends stay exact: a point that is not cut must not move. */
    if (t <= 0.0f)
        return p;
    if (t >= 1.0f)
        return q;
    return (ink_point){p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)};
}

/* Appends the pieces of st outside the circle to out (each a new stroke);
 * *changed is set when anything of st was inside.  0, or -1 out of memory. */
static int cut_stroke(const ink_stroke *st, float cx, float cy, float r, ink_drawing *out,
                      int *changed, size_t *pieces)
{
    *changed = 0;
    *pieces = 0;
    if (st->n == 0)
        return 0;
    if (st->n == 1) {
        /* A dot: gone when the eraser covers it. */
        float dx = st->pts[0].x - cx, dy = st->pts[0].y - cy;
        if (dx * dx + dy * dy < r * r) {
            *changed = 1;
            return 0;
        }
        if (ink_stroke_begin(out) != 0 || ink_stroke_add(out, st->pts[0].x, st->pts[0].y) != 0)
            return -1;
        *pieces = 1;
        return 0;
    }
    int open = 0; /* a piece is being built (the pen is outside) */
    float dx0 = st->pts[0].x - cx, dy0 = st->pts[0].y - cy;
    if (dx0 * dx0 + dy0 * dy0 >= r * r) {
        if (ink_stroke_begin(out) != 0 || ink_stroke_add(out, st->pts[0].x, st->pts[0].y) != 0)
            return -1;
        open = 1;
        (*pieces)++;
    }
    for (size_t i = 0; i + 1 < st->n; i++) {
        ink_point p = st->pts[i], q = st->pts[i + 1];
        float u0, u1;
        if (!inside_part(p, q, cx, cy, r, &u0, &u1)) {
            if (!open) {
                /* p sat on the circle's edge: the piece starts there. */
                if (ink_stroke_begin(out) != 0 || ink_stroke_add(out, p.x, p.y) != 0)
                    return -1;
                open = 1;
                (*pieces)++;
            }
            if (ink_stroke_add(out, q.x, q.y) != 0)
                return -1;
            continue;
        }
        *changed = 1;
        if (open && u0 > 0.0f) {
            ink_point e = lerp(p, q, u0);
            if (ink_stroke_add(out, e.x, e.y) != 0)
                return -1;
        }
        open = 0;
        if (u1 < 1.0f) {
            ink_point e = lerp(p, q, u1);
            if (ink_stroke_begin(out) != 0 || ink_stroke_add(out, e.x, e.y) != 0 ||
                ink_stroke_add(out, q.x, q.y) != 0)
                return -1;
            open = 1;
            (*pieces)++;
        }
    }
    return 0;
}

/* app_cut_drawing, keeping track of where each piece came from: orig_in
 * (NULL: the identity) names the stroke of the gesture's first drawing
 * each input stroke came from; *orig_out (may be NULL) gets the same for
 * the output strokes (malloc'd; NULL when out is empty); hit (may be NULL)
 * gets 1 at each such stroke the circle changed. */
static int cut_tracked(const ink_drawing *in, float cx, float cy, float r, ink_drawing *out,
                       const size_t *orig_in, unsigned char *hit, size_t **orig_out,
                       size_t *cut, size_t *removed)
{
    ink_drawing_init(out);
    size_t n_cut = 0, n_removed = 0, *from = NULL, cap = 0;
    if (orig_out)
        *orig_out = NULL;
    for (size_t i = 0; i < in->n; i++) {
        int changed;
        size_t pieces, origin = orig_in ? orig_in[i] : i;
        if (cut_stroke(&in->strokes[i], cx, cy, r, out, &changed, &pieces) != 0)
            goto oom;
        if (changed && hit)
            hit[origin] = 1;
        if (changed && pieces == 0)
            n_removed++;
        else if (changed)
            n_cut++;
        if (orig_out && out->n > cap) {
            size_t nc = out->n * 2;
            size_t *nf = realloc(from, nc * sizeof *nf);
            if (!nf)
                goto oom;
            from = nf;
            cap = nc;
        }
        for (size_t k = out->n - pieces; orig_out && k < out->n; k++)
            from[k] = origin;
    }
    if (cut)
        *cut = n_cut;
    if (removed)
        *removed = n_removed;
    if (n_cut + n_removed == 0) {
        ink_drawing_free(out);
        free(from);
        return 0;
    }
    if (orig_out)
        *orig_out = from;
    return 1;
oom:
    ink_drawing_free(out);
    free(from);
    return -1;
}

int app_cut_drawing(const ink_drawing *in, float cx, float cy, float r, ink_drawing *out,
                    size_t *cut, size_t *removed)
{
    return cut_tracked(in, cx, cy, r, out, NULL, NULL, NULL, cut, removed);
}

/* One circle of the eraser at (bx, by): the drawing cut there.  The state
 * before the gesture's first cut goes on the undo stack, once; the strokes
 * of that state it has touched are marked in erase.hit. */
static int erase_one(app_state *s, float bx, float by)
{
    ink_drawing kept;
    size_t *from = NULL;
    int r = cut_tracked(&s->drawing, bx, by, app_eraser_radius(), &kept, s->erase.origin,
                        s->erase.hit, &from, NULL, NULL);
    if (r < 0) {
        app_message(s, 1, "Out of memory: nothing erased");
        return -1;
    }
    if (r == 0)
        return 0;
    if (!s->erase.pushed) {
        app_push_edit(s, EDIT_ERASE);
        s->erase.pushed = 1;
    }
    ink_drawing_free(&s->drawing);
    s->drawing = kept;
    free(s->erase.origin);
    s->erase.origin = from;
    app_drawing_edited(s);
    return 1;
}

/* Frees the gesture's bookkeeping. */
static void erase_reset(app_state *s)
{
    free(s->erase.origin);
    free(s->erase.hit);
    memset(&s->erase, 0, sizeof s->erase);
}

void app_erase_begin(app_state *s, float bx, float by)
{
    erase_reset(s);
    /* Which strokes of the drawing as it is now the gesture touches: the
     * message counts those, however many circles pass over each. */
    s->erase.n0 = s->drawing.n;
    if (s->drawing.n && !(s->erase.hit = calloc(s->drawing.n, 1))) {
        app_message(s, 1, "Out of memory: nothing erased");
        return;
    }
    s->erase.open = 1;
    s->erase.x = bx;
    s->erase.y = by;
    erase_one(s, bx, by);
}

void app_erase_to(app_state *s, float bx, float by)
{
    if (!s->erase.open) {
        app_erase_begin(s, bx, by);
        return;
    }
    /* Circles along the path, a quarter radius apart, so a fast sweep
     * between two pointer events cuts everything it passed over. */
    float dx = bx - s->erase.x, dy = by - s->erase.y;
    float len = sqrtf(dx * dx + dy * dy), step = app_eraser_radius() * 0.25f;
    int n = (int)ceilf(len / step);
    if (n > 4000)
        n = 4000; /* a bound on a jump from far outside the box */
    for (int i = 1; i <= n; i++) {
        float t = (float)i / (float)n;
        if (erase_one(s, s->erase.x + t * dx, s->erase.y + t * dy) < 0)
            break;
    }
    s->erase.x = bx;
    s->erase.y = by;
}

size_t app_erase_end(app_state *s)
{
    /* A stroke touched is cut if a piece of it is left, else removed. */
    for (size_t i = 0; s->erase.hit && i < s->erase.n0; i++) {
        if (!s->erase.hit[i])
            continue;
        int left = 0;
        for (size_t k = 0; k < s->drawing.n && !left; k++)
            left = s->erase.origin && s->erase.origin[k] == i;
        if (left)
            s->erase.cut++;
        else
            s->erase.removed++;
    }
    size_t hit = s->erase.cut + s->erase.removed;
    if (s->erase.open && hit > 0) {
        char what[96] = "";
        if (s->erase.removed && s->erase.cut)
            snprintf(what, sizeof what, "%zu stroke%s cut, %zu removed", s->erase.cut,
                     s->erase.cut == 1 ? "" : "s", s->erase.removed);
        else if (s->erase.cut)
            snprintf(what, sizeof what, "%zu stroke%s cut", s->erase.cut,
                     s->erase.cut == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "%zu stroke%s removed", s->erase.removed,
                     s->erase.removed == 1 ? "" : "s");
        app_message(s, 0, "Erased: %s \xC2\xB7 Ctrl+Z undoes", what);
    }
    erase_reset(s);
    return hit;
}

size_t app_erase_at(app_state *s, float bx, float by)
{
    app_erase_begin(s, bx, by);
    return app_erase_end(s);
}
