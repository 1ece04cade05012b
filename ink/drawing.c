/* drawing.c — the stroke container behind ink_drawing: strokes of points in
 * the 1000-unit box, grown geometrically with checked allocation, so the
 * app's canvas, undo, saving and replay all share one representation. */
#include "ink.h"
#include "ink_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows *buf (of *cap elements of size elem) to hold at least need
 * elements, doubling so that appends are amortised O(1). */
static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*buf, ncap * elem);
    if (!p)
        return -1;
    *buf = p;
    *cap = ncap;
    return 0;
}

void ink_drawing_init(ink_drawing *d)
{
    d->strokes = NULL;
    d->n = 0;
    d->cap = 0;
}

void ink_drawing_free(ink_drawing *d)
{
    if (!d)
        return;
    /* Strokes beyond n keep their point buffers after clear/undo for reuse,
     * so free up to cap, not n. */
    for (size_t i = 0; i < d->cap; i++)
        free(d->strokes[i].pts);
    free(d->strokes);
    ink_drawing_init(d);
}

void ink_drawing_clear(ink_drawing *d)
{
    for (size_t i = 0; i < d->n; i++)
        d->strokes[i].n = 0;
    d->n = 0;
}

int ink_stroke_begin(ink_drawing *d)
{
    size_t old = d->cap;
    void *buf = d->strokes;
    if (grow(&buf, &d->cap, d->n + 1, sizeof *d->strokes) != 0)
        return -1;
    d->strokes = buf;
    /* Fresh slots get empty strokes so ink_drawing_free can free them all. */
    for (size_t i = old; i < d->cap; i++) {
        d->strokes[i].pts = NULL;
        d->strokes[i].n = 0;
        d->strokes[i].cap = 0;
    }
    d->strokes[d->n].n = 0;
    d->n++;
    return 0;
}

int ink_stroke_add(ink_drawing *d, float x, float y)
{
    if (d->n == 0 && ink_stroke_begin(d) != 0)
        return -1;
    ink_stroke *s = &d->strokes[d->n - 1];
    void *buf = s->pts;
    if (grow(&buf, &s->cap, s->n + 1, sizeof *s->pts) != 0)
        return -1;
    s->pts = buf;
    s->pts[s->n].x = x;
    s->pts[s->n].y = y;
    s->n++;
    return 0;
}

int ink_undo(ink_drawing *d)
{
    if (d->n == 0)
        return 0;
    d->n--;
    d->strokes[d->n].n = 0;
    return 1;
}

int ink_drawing_copy(ink_drawing *dst, const ink_drawing *src)
{
    if (dst == src)
        return 0;
    ink_drawing tmp;
    ink_drawing_init(&tmp);
    for (size_t i = 0; i < src->n; i++) {
        const ink_stroke *s = &src->strokes[i];
        if (ink_stroke_begin(&tmp) != 0)
            goto fail;
        ink_stroke *t = &tmp.strokes[tmp.n - 1];
        if (s->n) {
            void *buf = t->pts;
            if (grow(&buf, &t->cap, s->n, sizeof *t->pts) != 0)
                goto fail;
            t->pts = buf;
            memcpy(t->pts, s->pts, s->n * sizeof *s->pts);
            t->n = s->n;
        }
    }
    /* Built aside first so that a failed copy leaves dst as it was. */
    ink_drawing_free(dst);
    *dst = tmp;
    return 0;
fail:
    ink_drawing_free(&tmp);
    return -1;
}

size_t ink_point_count(const ink_drawing *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->strokes[i].n;
    return n;
}

void ink_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
