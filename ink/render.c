/* render.c — strokes to pixels with an anti-aliased round brush.  Each
 * segment only visits the pixels of its own capsule, row span by row span,
 * and pixels take the max of the coverages, so crossing strokes never over-saturate and the app can
 * re-render a 560×560 canvas on every mouse move (well under 2 ms). */
#include "ink.h"

#include <math.h>
#include <string.h>

/* Why this width: drawn digits must look like MNIST digits once normalised
 * (issue 6).  Measured on the 2,172 pen digits of dev.txt (scaled to fill
 * the box, as a person filling the canvas would draw), rendered on the
 * 560 px canvas and normalised, against the 60,000 MNIST training digits,
 * class by class: at 115 units the mean ink per image is 0.99× MNIST's
 * (75 units: 0.69×, 100: 0.87×, 130: 1.11×), the fraction of pixels above
 * 0.5 is 0.073-0.162 vs MNIST's 0.077-0.175, and the mean of inked pixels
 * is 0.74 vs 0.74.  A contact sheet of both looks alike stroke for stroke.
 * (scripts/ink_brush_stats.c re-measures it.)  The brush is fixed in box
 * units, so a digit drawn smaller comes out bolder: at 60% of the canvas
 * its mean pixel is 0.179 against MNIST's 0.131. */
#define INK_DEFAULT_BRUSH 115.0f

float ink_default_brush(void)
{
    return INK_DEFAULT_BRUSH;
}

/* The extent INK_DEFAULT_BRUSH was measured at: dev.txt's digits span 899
 * units (scaled to fill the box), so at that size nothing changes. */
#define INK_BRUSH_EXTENT 899.0f

float ink_brush_for(const ink_drawing *d)
{
    if (!d || ink_point_count(d) == 0)
        return 0.0f;
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t s = 0; s < d->n; s++) {
        const ink_stroke *st = &d->strokes[s];
        for (size_t i = 0; i < st->n; i++) {
            const ink_point *p = &st->pts[i];
            x0 = fminf(x0, p->x);
            x1 = fmaxf(x1, p->x);
            y0 = fminf(y0, p->y);
            y1 = fmaxf(y1, p->y);
        }
    }
    float extent = fmaxf(x1 - x0, y1 - y0);
    float b = INK_DEFAULT_BRUSH * extent / INK_BRUSH_EXTENT;
    /* A dot or a tiny tick keeps a visible pen; it is scaled up to the 20×20
     * box anyway, so its exact width matters little. */
    return b > 0.25f * INK_DEFAULT_BRUSH ? b : 0.25f * INK_DEFAULT_BRUSH;
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* fminf and fmaxf for numbers that are never NaN, inlined (the library's
 * are calls, a few per row of every segment). */
static inline float minf(float a, float b)
{
    return b < a ? b : a;
}

static inline float maxf(float a, float b)
{
    return b > a ? b : a;
}

/* Narrows [*lo, *hi] to the x with k0 <= c*x + k <= k1 (ic: 1/c, taken
 * once per segment rather than divided by on every row; a chord off by an
 * ulp only moves where the brush's loop starts and stops, and pixels it
 * visits outside the capsule get coverage 0).  Returns 0 when nothing is
 * left. */
static int clip_linear(float c, float ic, float k, float k0, float k1, float *lo, float *hi)
{
    if (fabsf(c) < 1e-12f)
        return k >= k0 && k <= k1;
    float a = (k0 - k) * ic, b = (k1 - k) * ic;
    if (a > b) {
        float t = a;
        a = b;
        b = t;
    }
    *lo = maxf(*lo, a);
    *hi = minf(*hi, b);
    return *lo <= *hi;
}

/* The x range (relative to a) where the horizontal line at height y
 * (relative to a) meets the capsule of radius r around a-b: the capsule is
 * the union of the two end discs and the band between them, and being
 * convex its chord is the hull of their three chords.  0 if it misses. */
static int row_span(float y, float dx, float dy, float len, float idx, float idy, float r,
                    float *lo, float *hi)
{
    int any = 0;
    float l = 0, h = 0;
    if (fabsf(y) < r) {   /* disc at a */
        float c = sqrtf(r * r - y * y);
        l = -c;
        h = c;
        any = 1;
    }
    float yb = y - dy;
    if (fabsf(yb) < r) {   /* disc at b */
        float c = sqrtf(r * r - yb * yb);
        l = any ? minf(l, dx - c) : dx - c;
        h = any ? maxf(h, dx + c) : dx + c;
        any = 1;
    }
    if (len > 1e-6f) {   /* the band: 0 <= t <= 1 and |distance across| < r */
        float bl = -INFINITY, bh = INFINITY;
        if (clip_linear(dx, idx, y * dy, 0.0f, len * len, &bl, &bh) &&
            clip_linear(-dy, -idy, y * dx, -r * len, r * len, &bl, &bh)) {
            l = any ? minf(l, bl) : bl;
            h = any ? maxf(h, bh) : bh;
            any = 1;
        }
    }
    *lo = l;
    *hi = h;
    return any;
}

/* Coverage of pixel i of a row by the capsule (see stamp_segment), max()ed
 * into row.  Branch-free, so the compiler can run it 8 or 16 pixels at a
 * time (render.c is built with -fno-math-errno and -fno-trapping-math,
 * which let it): a pixel outside the capsule gets coverage 0, and max()
 * leaves it, and a pixel already at 1, as it was.  Without contraction
 * into FMAs (ISO C11 mode), each lane rounds as the scalar loop did, so
 * the pixels are bit for bit the same.  Stamping a pixel twice leaves it
 * as stamping it once. */
static inline void stamp_pixel(float *restrict row, int i, float ax, float py, float dx,
                               float dy, float inv, float reach, float reach2)
{
    const float px = (float)i + 0.5f - ax;
    float t = (px * dx + py * dy) * inv;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    const float ex = px - t * dx, ey = py - t * dy;
    const float d2 = ex * ex + ey * ey;
    float c = reach - sqrtf(d2);
    c = c > 1.0f ? 1.0f : c;
    c = d2 < reach2 ? c : 0.0f;
    row[i] = c > row[i] ? c : row[i];
}

/* Pixels [i0, i1) of a row. */
static inline void stamp_run(float *restrict row, int i0, int i1, float ax, float py, float dx,
                             float dy, float inv, float reach, float reach2)
{
    for (int i = i0; i < i1; i++)
        stamp_pixel(row, i, ax, py, dx, dy, inv, reach, reach2);
}

/* Pixels [i, i + 8): a fixed count, one vector step, where stamp_run's
 * loop would take its few-pixel runs one pixel at a time. */
static inline void stamp8(float *restrict row, int i, float ax, float py, float dx, float dy,
                          float inv, float reach, float reach2)
{
    for (int u = 0; u < 8; u++)
        stamp_pixel(row, i + u, ax, py, dx, dy, inv, reach, reach2);
}

/* Where a canvas has been drawn on: row j on [lo[j], hi[j]) (nothing when
 * lo[j] >= hi[j]), the rest of the row holding whatever it held.  NULL
 * members: the canvas was cleared beforehand. */
typedef struct row_hull {
    int *lo, *hi;
} row_hull;

/* Row j (pixels row) is about to be drawn on [i0, i1): clears the part of
 * that not yet in the row's hull and grows the hull to take it in. */
static void claim(const row_hull *rh, float *row, int j, int i0, int i1)
{
    int *lo = &rh->lo[j], *hi = &rh->hi[j];
    if (*lo >= *hi) {
        memset(row + i0, 0, (size_t)(i1 - i0) * sizeof *row);
        *lo = i0;
        *hi = i1;
        return;
    }
    if (i0 < *lo) {
        memset(row + i0, 0, (size_t)(*lo - i0) * sizeof *row);
        *lo = i0;
    }
    if (i1 > *hi) {
        memset(row + *hi, 0, (size_t)(i1 - *hi) * sizeof *row);
        *hi = i1;
    }
}

/* Stamps the capsule of radius r around segment a-b (pixel coordinates,
 * pixel (i,j) has its centre at (i+0.5, j+0.5)) into pix with max().
 * Coverage is r + 0.5 - distance, clamped to [0,1]: a one-pixel linear ramp
 * centred on the exact edge, which is what box-filtered area coverage of a
 * straight edge amounts to. */
static void stamp_segment(float *restrict pix, int w, int h, float ax, float ay, float bx,
                          float by, float r, const row_hull *rh)
{
    const float reach = r + 0.5f;
    /* Clamp before converting so absurd coordinates cannot overflow int. */
    float fx0 = clampf(fminf(ax, bx) - reach, 0.0f, (float)w);
    float fx1 = clampf(fmaxf(ax, bx) + reach, 0.0f, (float)w);
    float fy0 = clampf(fminf(ay, by) - reach, 0.0f, (float)h);
    float fy1 = clampf(fmaxf(ay, by) + reach, 0.0f, (float)h);
    int x0 = (int)floorf(fx0), x1 = (int)ceilf(fx1);
    int y0 = (int)floorf(fy0), y1 = (int)ceilf(fy1);
    if (x0 >= x1 || y0 >= y1)
        return;

    const float dx = bx - ax, dy = by - ay;
    const float len2 = dx * dx + dy * dy;
    const float len = sqrtf(len2);
    const float inv = len2 > 1e-12f ? 1.0f / len2 : 0.0f;
    const float idx = fabsf(dx) < 1e-12f ? 0.0f : 1.0f / dx;
    const float idy = fabsf(dy) < 1e-12f ? 0.0f : 1.0f / dy;
    const float reach2 = reach * reach;
    /* Pixels whose centre lies within r - 1 of the segment have coverage
     * reach - distance >= 1.5 exactly, and well over 1 as computed (the
     * float distance is off by far less than the 0.5 to spare), so they
     * are 1 whatever the segment's other pixels compute: their run is
     * filled, not computed, and only the one-pixel ramp along the capsule's
     * edge is.  Consecutive segments of a stroke overlap almost wholly,
     * so this is most of a drawing's pixels. */
    const float core = r - 1.0f;
    for (int j = y0; j < y1; j++) {
        const float py = (float)j + 0.5f - ay;
        /* Only the capsule's chord on this row, not the whole bounding box:
         * a diagonal segment's box is mostly outside its capsule. */
        float lo, hi;
        if (!row_span(py, dx, dy, len, idx, idy, reach, &lo, &hi))
            continue;
        int i0 = (int)floorf(clampf(lo + ax - 0.5f, (float)x0, (float)x1));
        int i1 = (int)ceilf(clampf(hi + ax - 0.5f, (float)x0, (float)x1)) + 1;
        if (i1 > x1)
            i1 = x1;
        if (i0 >= i1)
            continue;
        float *row = pix + (size_t)j * (size_t)w;
        if (rh->lo)
            claim(rh, row, j, i0, i1);
        int k0 = i1, k1 = i1;   /* the run of coverage 1, clipped to [i0, i1) */
        if (core > 0.0f && row_span(py, dx, dy, len, idx, idy, core, &lo, &hi)) {
            k0 = (int)ceilf(clampf(lo + ax - 0.5f, (float)i0, (float)i1));
            k1 = (int)floorf(clampf(hi + ax - 0.5f, (float)i0, (float)i1)) + 1;
            if (k1 > i1)
                k1 = i1;
            if (k0 >= k1)
                k0 = k1 = i1;
        }
        if (k0 >= k1 || i1 - i0 < 8) {
            stamp_run(row, i0, i1, ax, py, dx, dy, inv, reach, reach2);
            continue;
        }
        /* The ramps on either side of the run of 1s, in steps of 8 pixels
         * kept inside [i0, i1) (overlapping each other or the run: the
         * same pixels again, the same result). */
        for (int i = i0; i < k0; i += 8)
            stamp8(row, i + 8 <= i1 ? i : i1 - 8, ax, py, dx, dy, inv, reach, reach2);
        for (int i = k0; i < k1; i++)
            row[i] = 1.0f;
        for (int i = i1; i > k1; i -= 8)
            stamp8(row, i - 8 >= i0 ? i - 8 : i0, ax, py, dx, dy, inv, reach, reach2);
    }
}

/* Stamps every stroke of d into pix, scaled from box units to w×h. */
static void stamp_all(const ink_drawing *d, float *pix, int w, int h, float brush,
                      const row_hull *rh)
{
    const float sx = (float)w / INK_BOX, sy = (float)h / INK_BOX;
    /* A round brush on a non-square canvas: the geometric mean of the two
     * scales keeps the dot's area right (the canvas is square in practice). */
    const float r = 0.5f * brush * sqrtf(sx * sy);
    for (size_t s = 0; s < d->n; s++) {
        const ink_stroke *st = &d->strokes[s];
        size_t have = 0;
        float px = 0.0f, py = 0.0f;
        for (size_t k = 0; k < st->n; k++) {
            float x = st->pts[k].x, y = st->pts[k].y;
            if (!isfinite(x) || !isfinite(y))
                continue;
            x *= sx;
            y *= sy;
            if (have)
                stamp_segment(pix, w, h, px, py, x, y, r, rh);
            px = x;
            py = y;
            have++;
        }
        /* A one-point stroke (a tap) is a dot. */
        if (have == 1)
            stamp_segment(pix, w, h, px, py, px, py, r, rh);
    }
}

void ink_render(const ink_drawing *d, float *pix, int w, int h, float brush)
{
    if (!pix || w <= 0 || h <= 0)
        return;
    memset(pix, 0, (size_t)w * (size_t)h * sizeof *pix);
    if (!d || !(brush > 0.0f) || !isfinite(brush))
        return;
    const row_hull none = {NULL, NULL};
    stamp_all(d, pix, w, h, brush, &none);
}

void ink_render_rows(const ink_drawing *d, float *pix, int w, int h, float brush, int *lo,
                     int *hi)
{
    for (int j = 0; j < h; j++)
        lo[j] = hi[j] = 0;
    if (!pix || w <= 0 || h <= 0 || !d || !(brush > 0.0f) || !isfinite(brush))
        return;
    const row_hull rh = {lo, hi};
    stamp_all(d, pix, w, h, brush, &rh);
}
