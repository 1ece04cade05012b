/* normalize.c — MNIST's own preprocessing (LeCun et al., 1998): crop to the
 * ink, fit the longer side into 20 px keeping the aspect ratio with true
 * area averaging, and place in 28×28 with the centre of mass at the centre.
 * Also the naive whole-canvas shrink and the full strokes→input pipeline. */
#include "ink.h"
#include "ink_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Pixels at or below this count as paper when cropping: low enough to keep
 * the anti-aliased fringe, above the rounding noise of 8-bit images. */
#define INK_EPS 0.01f

/* Where the centre of mass goes, in continuous coordinates (pixel i spans
 * [i, i+1)).  Not the geometric centre 14.0: MNIST's own digits have their
 * intensity-weighted centre of mass at pixel INDEX (14.0, 14.0) on average
 * (measured over the 60,000 training images: 14.007, 13.996), i.e. at 14.5
 * here, half a pixel right of and below the middle.  Drawn digits must sit
 * where the network saw its training digits, so we follow the data.
 * INK_COM in ink.h. */

/* -------------------------------------------------------- area averaging */

/* Box-filter resampling along one axis.  Source pixel k covers [k, k+1);
 * in output units it covers [k*s + off, (k+1)*s + off).  Output pixel o
 * receives from it the length of the overlap of the two intervals: the
 * exact area average of the piecewise-constant source, whether s shrinks
 * or enlarges.  Scattering from the source side keeps it one loop for both,
 * and touches only the (few) inked source pixels. */
static int axis_weights(int k, double s, double off, float wt[INK_SIDE], int *first)
{
    double a = k * s + off, b = a + s;
    int o0 = (int)floor(a), o1 = (int)ceil(b);
    if (o0 < 0)
        o0 = 0;
    if (o1 > INK_SIDE)
        o1 = INK_SIDE;
    int c = 0;
    for (int o = o0; o < o1; o++) {
        double lo = a > o ? a : o, hi = b < o + 1 ? b : o + 1;
        wt[c++] = hi > lo ? (float)(hi - lo) : 0.0f;
    }
    *first = o0;
    return c;   /* how many output pixels it reaches, 0 if outside */
}

/* The weights of every source column for one pass: column x gives
 * first[x] and first[x] + 1 the weights w[2x] and w[2x + 1] (axis_weights',
 * padded to two and kept inside the frame).  Only for shrinking (s <= 1),
 * where a source column reaches at most two output columns. */
typedef struct ink_weights {
    int *first;
    float *w;
} ink_weights;

/* Room for n columns; -1 (t empty) when out of memory, and then the
 * weights are computed on the fly, with the same result. */
static int weights_alloc(ink_weights *t, int n)
{
    t->first = malloc((size_t)n * sizeof *t->first);
    t->w = malloc((size_t)n * 2 * sizeof *t->w);
    if (t->first && t->w)
        return 0;
    free(t->first);
    free(t->w);
    t->first = NULL;
    t->w = NULL;
    return -1;
}

static void weights_free(ink_weights *t)
{
    free(t->first);
    free(t->w);
    t->first = NULL;
    t->w = NULL;
}

static void weights_fill(const ink_weights *t, int n, double s, double off)
{
    float wt[INK_SIDE];
    for (int x = 0; x < n; x++) {
        int ox, nx = axis_weights(x, s, off, wt, &ox);
        /* pad to two weights, keeping the pair inside the frame */
        if (nx == 0) {
            ox = 0;
            wt[0] = 0.0f;
        }
        if (nx < 2)
            wt[1] = 0.0f;
        if (ox == INK_SIDE - 1) {
            ox--;
            wt[1] = wt[0];
            wt[0] = 0.0f;
        }
        t->first[x] = ox;
        t->w[2 * x] = wt[0];
        t->w[2 * x + 1] = wt[1];
    }
}

/* Adds inked source column x of value v (in (0, 1]) to the output row. */
static inline void add_column(float row[INK_SIDE], int x, float v, const ink_weights *t,
                              double sx, double offx)
{
    if (t && t->first) {
        row[t->first[x]] += t->w[2 * x] * v;
        row[t->first[x] + 1] += t->w[2 * x + 1] * v;
    } else {
        float wt[INK_SIDE];
        int ox, nx = axis_weights(x, sx, offx, wt, &ox);
        for (int c = 0; c < nx; c++)
            row[ox + c] += wt[c] * v;
    }
}

/* The inked pixels (v > 0) of rows [y0, y1) of an image, each row's in
 * order of x: row y's are xs/vs[rs[y - y0] .. rs[y - y0 + 1]), x absolute,
 * v clamped to 1.  One scan finds them; the placement, the crop and every
 * resampling pass then read only them (a canvas is mostly paper), in the
 * order a scan of the image would, so every sum is the same to the bit. */
typedef struct ink_list {
    int y0, y1;
    int *rs, *xs;
    float *vs;
} ink_list;

static void list_free(ink_list *l)
{
    free(l->rs);
    free(l->xs);
    free(l->vs);
    l->rs = l->xs = NULL;
    l->vs = NULL;
}

/* Row y's scanned columns: [lo[y], hi[y]) when the caller knows where the
 * ink can be (ink_render_rows), else [x0, x1). */
static void row_range(const int *lo, const int *hi, int x0, int x1, int y, int *a, int *b)
{
    *a = lo ? lo[y] : x0;
    *b = lo ? hi[y] : x1;
    if (*a < x0)
        *a = x0;
    if (*b > x1)
        *b = x1;
}

/* Appends pixel x of value v at entry k if inked; the next free entry.
 * Branch-free (the slot is written whether kept or not, hence the spare
 * entry list_build allocates): where ink meets paper neither wins often
 * enough for a branch to be predicted. */
static inline size_t list_add(int *xs, float *vs, size_t k, int x, float v)
{
    xs[k] = x;
    vs[k] = v > 1.0f ? 1.0f : v;
    return k + (v > 0.0f);
}

/* Appends pixels [a, b) of row, every one inked, from entry k; the next
 * free entry.  A plain loop the compiler runs on vectors. */
static inline size_t list_copy(int *restrict xs, float *restrict vs, size_t k,
                               const float *restrict row, int a, int b)
{
    for (int x = a; x < b; x++, k++) {
        xs[k] = x;
        vs[k] = row[x] > 1.0f ? 1.0f : row[x];
    }
    return k;
}

/* Eight bytes of list_build's inked[], all set. */
#define ALL_INKED 0x0101010101010101u

/* Fills l from rows [y0, y1) of pix, columns [x0, x1) or each row's
 * [lo, hi).  -1, with l empty, when out of memory. */
static int list_build(const float *pix, int w, int x0, int y0, int x1, int y1, const int *lo,
                      const int *hi, ink_list *l)
{
    size_t n = 0;
    for (int y = y0; y < y1; y++) {
        const float *row = pix + (size_t)y * (size_t)w;
        int a, b;
        row_range(lo, hi, x0, x1, y, &a, &b);
        for (int x = a; x < b; x++)
            n += row[x] > 0.0f;
    }
    l->y0 = y0;
    l->y1 = y1;
    /* rs, then room for the crop's row ranges (crop_from_list) */
    l->rs = malloc((3 * (size_t)(y1 - y0) + 1) * sizeof *l->rs);
    /* one spare entry for list_add */
    l->xs = malloc((n + 1) * sizeof *l->xs);
    l->vs = malloc((n + 1) * sizeof *l->vs);
    if (!l->rs || !l->xs || !l->vs) {
        list_free(l);
        return -1;
    }
    /* restrict: the list is not the image, so the copies below can be
     * vector moves */
    int *restrict xs = l->xs;
    float *restrict vs = l->vs;
    size_t k = 0;
    for (int y = y0; y < y1; y++) {
        const float *restrict row = pix + (size_t)y * (size_t)w;
        int a, b;
        row_range(lo, hi, x0, x1, y, &a, &b);
        l->rs[y - y0] = (int)k;
        /* Eight pixels at a time: a stroke's inside and the paper between
         * strokes are long runs, taken (or skipped) whole; only the eights
         * where ink meets paper go pixel by pixel.  Which pixels are inked
         * is found first, a block at a time, by a loop the compiler runs
         * on vectors. */
        for (int x = a; x < b;) {
            unsigned char inked[256];
            const int n = b - x < 256 ? b - x : 256;
            for (int u = 0; u < n; u++)
                inked[u] = row[x + u] > 0.0f;
            int u = 0;
            while (u + 8 <= n) {
                uint64_t eight;
                memcpy(&eight, inked + u, sizeof eight);
                if (eight == 0) {
                    u += 8;
                    continue;
                }
                if (eight == ALL_INKED) {
                    int v = u + 8;
                    while (v + 8 <= n && (memcpy(&eight, inked + v, sizeof eight), eight == ALL_INKED))
                        v += 8;
                    k = list_copy(xs, vs, k, row, x + u, x + v);
                    u = v;
                    continue;
                }
                for (int i = 0; i < 8; i++)
                    k = list_add(xs, vs, k, x + u + i, row[x + u + i]);
                u += 8;
            }
            for (; u < n; u++)
                k = list_add(xs, vs, k, x + u, row[x + u]);
            x += n;
        }
    }
    l->rs[y1 - y0] = (int)k;
    return 0;
}

/* The crop's inked pixels, read from an ink_list: crop row y's are
 * xs/vs[b[y] .. e[y]) (x absolute). */
typedef struct ink_crop {
    const int *xs;
    const float *vs;
    int *b, *e;
} ink_crop;

/* Output row from the inked pixels xs/vs[k0 .. k1) of one source row, x
 * relative to xoff, with the table t: row[f] and row[f + 1] are kept in
 * registers while the pixels' first column stays f, which is every add of
 * add_column in the same order. */
static void row_from_list(float row[INK_SIDE], const int *xs, const float *vs, int k0, int k1,
                          int xoff, const ink_weights *t)
{
    int f = -1;
    float a0 = 0.0f, a1 = 0.0f;
    for (int k = k0; k < k1; k++) {
        const int x = xs[k] - xoff;
        const int g = t->first[x];
        if (g != f) {
            if (f >= 0) {
                row[f] = a0;
                row[f + 1] = a1;
            }
            f = g;
            a0 = row[f];
            a1 = row[f + 1];
        }
        a0 += t->w[2 * x] * vs[k];
        a1 += t->w[2 * x + 1] * vs[k];
    }
    if (f >= 0) {
        row[f] = a0;
        row[f + 1] = a1;
    }
}

/* Resamples the rectangle (x0, y0, cw, ch) of pix (row stride w) into the
 * 28×28 out, reading its ink from crop when given, source pixel (x, y)
 * landing at output ((x-x0)*sx + offx, ...).  Values are clamped to [0,1]
 * and NaN counts as paper.  When shrinking (sx <= 1, the usual case) each
 * source column reaches at most two output columns, and a table of those
 * weights (t, when the caller has room for cw columns), built once per
 * pass, saves recomputing them for every inked pixel; without it they are
 * computed on the fly, with the same result. */
static void resample(const float *pix, int w, int x0, int y0, int cw, int ch, double sx,
                     double sy, double offx, double offy, const ink_crop *crop,
                     const ink_weights *t, float out[INK_INPUT_SIZE])
{
    float row[INK_SIDE];
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (sx > 1.0 || !t || !t->first)
        t = NULL;
    else
        weights_fill(t, cw, sx, offx);
    for (int y = 0; y < ch; y++) {
        float wy[INK_SIDE];
        int oy;
        int ny = axis_weights(y, sy, offy, wy, &oy);
        if (ny == 0)
            continue;   /* this row falls outside the frame */
        int any = 0;
        memset(row, 0, sizeof row);
        if (crop) {
            any = crop->e[y] > crop->b[y];
            if (t)
                row_from_list(row, crop->xs, crop->vs, crop->b[y], crop->e[y], x0, t);
            else
                for (int k = crop->b[y]; k < crop->e[y]; k++)
                    add_column(row, crop->xs[k] - x0, crop->vs[k], NULL, sx, offx);
        } else {
            const float *src = pix + (size_t)(y0 + y) * (size_t)w + x0;
            for (int x = 0; x < cw; x++) {
                float v = src[x];
                if (!(v > 0.0f))
                    continue;   /* most of a canvas is paper: skip it cheaply */
                add_column(row, x, v > 1.0f ? 1.0f : v, t, sx, offx);
                any = 1;
            }
        }
        if (!any)
            continue;
        for (int c = 0; c < ny; c++) {
            float *o = out + (size_t)(oy + c) * INK_SIDE;
            for (int i = 0; i < INK_SIDE; i++)
                o[i] += wy[c] * row[i];
        }
    }
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        out[i] = out[i] < 0.0f ? 0.0f : out[i] > 1.0f ? 1.0f : out[i];
}

/* Centre of mass of a 28×28 image with pixel i's centre at i + 0.5.
 * Returns the total mass. */
static double centre_of_mass(const float in[INK_INPUT_SIZE], double *cx, double *cy)
{
    double m = 0, mx = 0, my = 0;
    for (int j = 0; j < INK_SIDE; j++)
        for (int i = 0; i < INK_SIDE; i++) {
            double v = in[j * INK_SIDE + i];
            m += v;
            mx += v * (i + 0.5);
            my += v * (j + 0.5);
        }
    *cx = m > 0 ? mx / m : INK_SIDE / 2.0;
    *cy = m > 0 ? my / m : INK_SIDE / 2.0;
    return m;
}

/* --------------------------------------------------------------- public */

/* Fills *p from the ink's bounding box (x0..x1, y0..y1) and its sums (the
 * mass, and the mass times x + 0.5 and y + 0.5).  0 when there is none. */
static int placement_set(int w, int h, int x0, int y0, int x1, int y1, double m, double mx,
                         double my, ink_placement *p)
{
    if (x1 < 0 || !(m > 0))
        return 0;
    const int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
    /* Ink smaller than INK_MIN_EXTENT of the image is enlarged only as much
     * as ink of that size would be: a tap or a tick is no digit, and blown
     * up to fill 20×20 it became a disc that read as a confident "0". */
    const int side = w > h ? w : h;
    const double floor_px = INK_MIN_EXTENT * side;
    const double big = cw > ch ? cw : ch;
    p->x0 = x0;
    p->y0 = y0;
    p->x1 = x1;
    p->y1 = y1;
    p->com_x = mx / m;
    p->com_y = my / m;
    p->scale = (double)INK_FIT / (big > floor_px ? big : floor_px);
    return 1;
}

/* ink_normalize_placement over the rectangle [bx0, bx1) × [by0, by1) of
 * pix, the rest being paper. */
static int placement_in(const float *pix, int w, int h, int bx0, int by0, int bx1, int by1,
                        ink_placement *p)
{
    /* Bounding box of the ink, and its centre of mass in source pixels. */
    int x0 = w, x1 = -1, y0 = h, y1 = -1;
    double m = 0, mx = 0, my = 0;
    for (int y = by0; y < by1; y++) {
        const float *row = pix + (size_t)y * (size_t)w;
        for (int x = bx0; x < bx1; x++) {
            float v = row[x];
            if (!(v > INK_EPS))
                continue;
            if (v > 1.0f)
                v = 1.0f;
            if (x < x0)
                x0 = x;
            if (x > x1)
                x1 = x;
            if (y < y0)
                y0 = y;
            if (y > y1)
                y1 = y;
            m += v;
            mx += v * (x + 0.5);
            my += v * (y + 0.5);
        }
    }
    return placement_set(w, h, x0, y0, x1, y1, m, mx, my, p);
}

/* *s plus t, where t is the exact sum of terms, each a multiple of 0.5,
 * that placement_in adds to *s one by one: 1 with *s updated when that is
 * the double the one-by-one adds give, because none of their partial sums
 * is rounded: from 0 they are multiples of 0.5 below 2^51, and within
 * *s's binade (2^e <= sum < 2^(e+1), e < 51) multiples of *s's ulp.  0,
 * *s untouched, when the sum leaves the binade: the caller adds one by one. */
static int add_run(double *s, double t)
{
    const double r = *s + t;
    uint64_t a, b;
    memcpy(&a, s, sizeof a);
    memcpy(&b, &r, sizeof b);
    if (!(r < 0x1p51) || (*s != 0.0 && a >> 52 != b >> 52))
        return 0;
    *s = r;
    return 1;
}

/* placement_in from an ink_list: the same pixels (those above INK_EPS) in
 * the same order, so the same sums to the bit.  A stroke's inside is a run
 * of pixels at exactly 1, whose terms (1, x + 0.5, y + 0.5) are multiples
 * of 0.5: such a run is added at once when add_run shows that gives the
 * same sums, so only the anti-aliased edges go one by one. */
static int placement_list(const ink_list *l, int w, int h, ink_placement *p)
{
    const int *xs = l->xs;
    const float *vs = l->vs;
    int x0 = w, x1 = -1, y0 = h, y1 = -1;
    double m = 0, mx = 0, my = 0;
    for (int y = l->y0; y < l->y1; y++) {
        /* the row's first and last pixels above INK_EPS bound the ink */
        int f = l->rs[y - l->y0], g = l->rs[y - l->y0 + 1];
        while (f < g && !(vs[f] > INK_EPS))
            f++;
        while (g > f && !(vs[g - 1] > INK_EPS))
            g--;
        if (f == g)
            continue;
        x0 = xs[f] < x0 ? xs[f] : x0;
        x1 = xs[g - 1] > x1 ? xs[g - 1] : x1;
        y0 = y < y0 ? y : y0;
        y1 = y;
        const double yc = y + 0.5;
        for (int k = f; k < g; k++) {
            const float v = vs[k];
            if (v == 1.0f) {
                int j = k;
                int64_t sx = 0;
                for (; j < g && vs[j] == 1.0f; j++)
                    sx += 2 * (int64_t)xs[j] + 1;
                const int64_t n = j - k;
                if (!add_run(&m, (double)n))
                    for (int i = k; i < j; i++)
                        m += 1.0;
                if (!add_run(&mx, 0.5 * (double)sx))
                    for (int i = k; i < j; i++)
                        mx += xs[i] + 0.5;
                if (!add_run(&my, 0.5 * (double)(n * (2 * (int64_t)y + 1))))
                    for (int i = k; i < j; i++)
                        my += yc;
                k = j - 1;
                continue;
            }
            if (!(v > INK_EPS))
                continue;
            m += v;
            mx += v * (xs[k] + 0.5);
            my += v * yc;
        }
    }
    return placement_set(w, h, x0, y0, x1, y1, m, mx, my, p);
}

int ink_normalize_placement(const float *pix, int w, int h, ink_placement *p)
{
    if (!pix || w <= 0 || h <= 0)
        return 0;
    return placement_in(pix, w, h, 0, 0, w, h, p);
}

/* The crop's rows of l: the inked pixels of columns pl's x0..x1 (those
 * at or below INK_EPS too, as resample reads them). */
static void crop_from_list(const ink_list *l, const ink_placement *pl, ink_crop *c)
{
    c->xs = l->xs;
    c->vs = l->vs;
    c->b = l->rs + (l->y1 - l->y0 + 1);
    c->e = c->b + (l->y1 - l->y0);
    for (int y = pl->y0; y <= pl->y1; y++) {
        int k = l->rs[y - l->y0], e = l->rs[y - l->y0 + 1];
        while (k < e && l->xs[k] < pl->x0)
            k++;
        while (e > k && l->xs[e - 1] > pl->x1)
            e--;
        c->b[y - pl->y0] = k;
        c->e[y - pl->y0] = e;
    }
}

/* Resamples the ink pl places into out (crop: its inked pixels, or NULL
 * to scan pix) and moves its centre of mass onto (INK_COM, INK_COM).
 * MNIST used an integer translation, which leaves it up to half a pixel
 * off; we shift by fractions of a pixel (area averaging onto an offset
 * grid does it without any extra blur), so the same digit drawn anywhere
 * gives the same input.  The box filter moves the measured centre of mass
 * slightly, and ink pushed past the frame moves it more, so measure the
 * result and correct, up to two more passes. */
static void place_ink(const float *pix, int w, const ink_placement *pl, const ink_crop *crop,
                      const ink_weights *t, float out[INK_INPUT_SIZE])
{
    const int x0 = pl->x0, y0 = pl->y0, cw = pl->x1 - pl->x0 + 1, ch = pl->y1 - pl->y0 + 1;
    const double s = pl->scale;
    double offx = INK_COM - (pl->com_x - x0) * s;
    double offy = INK_COM - (pl->com_y - y0) * s;
    for (int pass = 0; pass < 3; pass++) {
        resample(pix, w, x0, y0, cw, ch, s, s, offx, offy, crop, t, out);
        double cx, cy;
        if (centre_of_mass(out, &cx, &cy) <= 0)
            break;
        double ex = INK_COM - cx, ey = INK_COM - cy;
        if (fabs(ex) < 0.01 && fabs(ey) < 0.01)
            break;
        offx += ex;
        offy += ey;
    }
}

/* ink_normalize over rows [by0, by1) of pix, columns [bx0, bx1) or, with
 * lo, each row's [lo[y], hi[y]), the rest being paper.  Without memory for
 * the list of inked pixels it scans pix instead, with the same result,
 * except with lo (where pixels outside the rows' ranges are not paper but
 * whatever the canvas held): then -1. */
static int normalize_in(const float *pix, int w, int h, int bx0, int by0, int bx1, int by1,
                        const int *lo, const int *hi, float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (!pix || w <= 0 || h <= 0)
        return 0;
    ink_list l;
    ink_placement pl;
    ink_weights t = {NULL, NULL};
    if (list_build(pix, w, bx0, by0, bx1, by1, lo, hi, &l) == 0) {
        if (placement_list(&l, w, h, &pl)) {
            ink_crop crop;
            crop_from_list(&l, &pl, &crop);
            if (pl.scale <= 1.0)
                (void)weights_alloc(&t, pl.x1 - pl.x0 + 1);
            place_ink(pix, w, &pl, &crop, &t, out);
        }
        list_free(&l);
    } else if (lo) {
        return -1;
    } else if (placement_in(pix, w, h, bx0, by0, bx1, by1, &pl)) {
        if (pl.scale <= 1.0)
            (void)weights_alloc(&t, pl.x1 - pl.x0 + 1);
        place_ink(pix, w, &pl, NULL, &t, out);
    }
    weights_free(&t);
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        if (out[i] > 0.0f)
            return 1;
    return 0;
}

int ink_normalize(const float *pix, int w, int h, float out[INK_INPUT_SIZE])
{
    return normalize_in(pix, w, h, 0, 0, w, h, NULL, NULL, out);
}

int ink_normalize_rows(const float *pix, int w, int h, const int *lo, const int *hi,
                       float out[INK_INPUT_SIZE])
{
    int x0 = w, x1 = 0, y0 = h, y1 = 0;
    for (int y = 0; y < h; y++) {
        if (lo[y] >= hi[y])
            continue;
        x0 = lo[y] < x0 ? lo[y] : x0;
        x1 = hi[y] > x1 ? hi[y] : x1;
        y0 = y < y0 ? y : y0;
        y1 = y + 1;
    }
    if (x0 >= x1) {
        memset(out, 0, INK_INPUT_SIZE * sizeof *out);
        return 0;
    }
    return normalize_in(pix, w, h, x0, y0, x1, y1, lo, hi, out);
}

void ink_downsample(const float *pix, int w, int h, float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (!pix || w <= 0 || h <= 0)
        return;
    ink_weights t = {NULL, NULL};
    if (w >= INK_SIDE)
        (void)weights_alloc(&t, w);
    resample(pix, w, 0, 0, w, h, (double)INK_SIDE / w, (double)INK_SIDE / h, 0.0, 0.0, NULL,
             &t, out);
    weights_free(&t);
}

int ink_preprocess(const ink_drawing *d, float out[INK_INPUT_SIZE])
{
    return ink_preprocess_brush(d, 1.0f, out);
}

int ink_preprocess_brush(const ink_drawing *d, float brush_scale, float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (!d || ink_point_count(d) == 0 || !(brush_scale > 0.0f))
        return 0;
    /* Per call, not static: the app's UI thread and a CLI worker may both
     * preprocess at once. */
    float *pix = malloc((size_t)INK_CANVAS_PX * INK_CANVAS_PX * sizeof *pix);
    if (!pix)
        return -1;
    int lo[INK_CANVAS_PX], hi[INK_CANVAS_PX];
    ink_render_rows(d, pix, INK_CANVAS_PX, INK_CANVAS_PX, brush_scale * ink_brush_for(d), lo, hi);
    int r = ink_normalize_rows(pix, INK_CANVAS_PX, INK_CANVAS_PX, lo, hi, out);
    free(pix);
    return r;
}
