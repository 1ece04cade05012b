/* normalize.c — MNIST's own preprocessing (LeCun et al., 1998): crop to the
 * ink, fit the longer side into 20 px keeping the aspect ratio with true
 * area averaging, and place in 28×28 with the centre of mass at the centre.
 * Also the naive whole-canvas shrink and the full strokes→input pipeline. */
#include "ink.h"
#include "ink_internal.h"

#include <math.h>
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

/* The inked pixels of a crop, row by row: row y's are xs/vs[rs[y] ..
 * rs[y+1]), in order, each value clamped to 1.  normalize_in resamples
 * the same crop up to three times, and a canvas crop is mostly paper, so
 * finding the ink once instead of on every pass saves most of the scan. */
typedef struct ink_crop {
    int *rs, *xs;
    float *vs;
} ink_crop;

static void crop_free(ink_crop *c)
{
    free(c->rs);
    free(c->xs);
    free(c->vs);
    c->rs = c->xs = NULL;
    c->vs = NULL;
}

/* Fills c from the rectangle (x0, y0, cw, ch) of pix.  Returns -1, with c
 * empty, when out of memory: resample then scans pix itself. */
static int crop_build(const float *pix, int w, int x0, int y0, int cw, int ch, ink_crop *c)
{
    size_t n = 0;
    for (int y = 0; y < ch; y++) {
        const float *src = pix + (size_t)(y0 + y) * (size_t)w + x0;
        for (int x = 0; x < cw; x++)
            n += src[x] > 0.0f;
    }
    c->rs = malloc(((size_t)ch + 1) * sizeof *c->rs);
    c->xs = malloc((n ? n : 1) * sizeof *c->xs);
    c->vs = malloc((n ? n : 1) * sizeof *c->vs);
    if (!c->rs || !c->xs || !c->vs) {
        crop_free(c);
        return -1;
    }
    int k = 0;
    for (int y = 0; y < ch; y++) {
        const float *src = pix + (size_t)(y0 + y) * (size_t)w + x0;
        c->rs[y] = k;
        for (int x = 0; x < cw; x++) {
            float v = src[x];
            if (!(v > 0.0f))
                continue;
            c->xs[k] = x;
            c->vs[k++] = v > 1.0f ? 1.0f : v;
        }
    }
    c->rs[ch] = k;
    return 0;
}

/* Adds inked source column x of value v (in (0, 1]) to the output row. */
static inline void add_column(float row[INK_SIDE], int x, float v, const int *tfirst,
                              const float *tw, double sx, double offx)
{
    if (tw) {
        row[tfirst[x]] += tw[2 * x] * v;
        row[tfirst[x] + 1] += tw[2 * x + 1] * v;
    } else {
        float wt[INK_SIDE];
        int ox, nx = axis_weights(x, sx, offx, wt, &ox);
        for (int c = 0; c < nx; c++)
            row[ox + c] += wt[c] * v;
    }
}

/* Resamples the rectangle (x0, y0, cw, ch) of pix (row stride w) into the
 * 28×28 out, reading its ink from crop when given (crop_build of the same
 * rectangle), source pixel (x, y) landing at output ((x-x0)*sx + offx, ...).
 * Values are clamped to [0,1] and NaN counts as paper.  When shrinking
 * (sx <= 1, the usual case) each source column reaches at most two output
 * columns, and a table of those weights, built once, saves recomputing
 * them for every inked pixel; without memory for it the weights are
 * computed on the fly, with the same result. */
static void resample(const float *pix, int w, int x0, int y0, int cw, int ch, double sx,
                     double sy, double offx, double offy, const ink_crop *crop,
                     float out[INK_INPUT_SIZE])
{
    float row[INK_SIDE], wt[INK_SIDE];
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    int *tfirst = NULL;
    float *tw = NULL;
    if (sx <= 1.0) {
        tfirst = malloc((size_t)cw * sizeof *tfirst);
        tw = malloc((size_t)cw * 2 * sizeof *tw);
        if (tfirst && tw) {
            for (int x = 0; x < cw; x++) {
                int ox, nx = axis_weights(x, sx, offx, wt, &ox);
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
                tfirst[x] = ox;
                tw[2 * x] = wt[0];
                tw[2 * x + 1] = wt[1];
            }
        } else {
            free(tfirst);
            free(tw);
            tfirst = NULL;
            tw = NULL;
        }
    }
    for (int y = 0; y < ch; y++) {
        float wy[INK_SIDE];
        int oy;
        int ny = axis_weights(y, sy, offy, wy, &oy);
        if (ny == 0)
            continue;   /* this row falls outside the frame */
        int any = 0;
        memset(row, 0, sizeof row);
        if (crop && crop->rs) {
            for (int k = crop->rs[y]; k < crop->rs[y + 1]; k++)
                add_column(row, crop->xs[k], crop->vs[k], tfirst, tw, sx, offx);
            any = crop->rs[y + 1] > crop->rs[y];
        } else {
            const float *src = pix + (size_t)(y0 + y) * (size_t)w + x0;
            for (int x = 0; x < cw; x++) {
                float v = src[x];
                if (!(v > 0.0f))
                    continue;   /* most of a canvas is paper: skip it cheaply */
                add_column(row, x, v > 1.0f ? 1.0f : v, tfirst, tw, sx, offx);
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
    free(tfirst);
    free(tw);
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

int ink_normalize_placement(const float *pix, int w, int h, ink_placement *p)
{
    if (!pix || w <= 0 || h <= 0)
        return 0;
    return placement_in(pix, w, h, 0, 0, w, h, p);
}

/* ink_normalize over the rectangle (bx0, by0)-(bx1, by1), exclusive. */
static int normalize_in(const float *pix, int w, int h, int bx0, int by0, int bx1, int by1,
                        float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    ink_placement pl;
    if (!pix || w <= 0 || h <= 0 || !placement_in(pix, w, h, bx0, by0, bx1, by1, &pl))
        return 0;
    const int x0 = pl.x0, y0 = pl.y0, cw = pl.x1 - pl.x0 + 1, ch = pl.y1 - pl.y0 + 1;
    const double s = pl.scale;

    /* Place the centre of mass of the scaled ink at (INK_COM, INK_COM).
     * MNIST used an integer translation, which leaves it up to half a pixel
     * off; we shift by fractions of a pixel (area averaging onto an offset
     * grid does it without any extra blur), so the same digit drawn
     * anywhere gives the same input.  The box filter moves the measured
     * centre of mass slightly, and ink pushed past the frame moves it more,
     * so measure the result and correct, up to two more passes. */
    double offx = INK_COM - (pl.com_x - x0) * s;
    double offy = INK_COM - (pl.com_y - y0) * s;
    ink_crop crop = {NULL, NULL, NULL};
    (void)crop_build(pix, w, x0, y0, cw, ch, &crop);   /* without it, resample scans */
    for (int pass = 0; pass < 3; pass++) {
        resample(pix, w, x0, y0, cw, ch, s, s, offx, offy, &crop, out);
        double cx, cy;
        if (centre_of_mass(out, &cx, &cy) <= 0)
            break;
        double ex = INK_COM - cx, ey = INK_COM - cy;
        if (fabs(ex) < 0.01 && fabs(ey) < 0.01)
            break;
        offx += ex;
        offy += ey;
    }
    crop_free(&crop);
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        if (out[i] > 0.0f)
            return 1;
    return 0;
}

int ink_normalize(const float *pix, int w, int h, float out[INK_INPUT_SIZE])
{
    return normalize_in(pix, w, h, 0, 0, w, h, out);
}

int ink_normalize_box(const float *pix, int w, int h, const int box[4], float out[INK_INPUT_SIZE])
{
    int x0 = box[0] < 0 ? 0 : box[0], y0 = box[1] < 0 ? 0 : box[1];
    int x1 = box[2] > w ? w : box[2], y1 = box[3] > h ? h : box[3];
    if (x0 >= x1 || y0 >= y1) {
        memset(out, 0, INK_INPUT_SIZE * sizeof *out);
        return 0;
    }
    return normalize_in(pix, w, h, x0, y0, x1, y1, out);
}

void ink_downsample(const float *pix, int w, int h, float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (!pix || w <= 0 || h <= 0)
        return;
    resample(pix, w, 0, 0, w, h, (double)INK_SIDE / w, (double)INK_SIDE / h,
                   0.0, 0.0, NULL, out);
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
    int box[4];
    ink_render_box(d, pix, INK_CANVAS_PX, INK_CANVAS_PX, brush_scale * ink_brush_for(d), box);
    int r = ink_normalize_box(pix, INK_CANVAS_PX, INK_CANVAS_PX, box, out);
    free(pix);
    return r;
}
