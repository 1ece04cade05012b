/* redraw.c — a grey digit image redrawn as if with the app's pen: traced to
 * its centre line, inked again with a round brush of even width, and
 * normalised as the window normalises drawings (see ink_redraw in ink.h).
 *
 * Why: MNIST's strokes were written with a pen on paper and scanned, so
 * their width swells and thins along the stroke; what the window feeds the
 * network is a mouse or pen trace rendered with one round brush.  The
 * network trained on MNIST alone is less sure of such drawings (it doubts
 * about twice as many at the same threshold), and the shapes are not the
 * cause, since the same writers' shapes are in MNIST.  Redrawing MNIST's own
 * digits this way gives the training set and the threshold rule digits in
 * the window's ink without any drawing from a person. */
#include "ink.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The grid the centre line is found on: MNIST's 28×28 is enlarged four
 * times, so one skeleton pixel is a quarter of an input pixel and the
 * redrawn stroke does not inherit the 28×28 staircase. */
#define REDRAW_GRID 112
/* Ink at or above this grey level is part of the stroke being traced: the
 * middle of MNIST's anti-aliased edge ramp. */
#define REDRAW_LEVEL 0.5f
/* Discs up to this radius (in grid pixels) use stack scratch; the window's
 * pen on a 112 px grid is about 6. */
#define REDRAW_DISC_SPAN 16
/* ink_brush_for's ratio of brush to drawing extent (ink_default_brush()
 * at the extent it was measured at, 899 box units: see render.c). */
#define REDRAW_BRUSH_PER_EXTENT (115.0f / 899.0f)

/* Bilinear enlargement of img (w×h) by factor k into big ((w·k)×(h·k)),
 * sampling at pixel centres, edges clamped. */
static void enlarge(const float *img, int w, int h, int k, float *big)
{
    const int W = w * k, H = h * k;
    for (int y = 0; y < H; y++) {
        float sy = ((float)y + 0.5f) / (float)k - 0.5f;
        sy = sy < 0.0f ? 0.0f : sy > (float)(h - 1) ? (float)(h - 1) : sy;
        int y0 = (int)sy, y1 = y0 + 1 < h ? y0 + 1 : y0;
        float fy = sy - (float)y0;
        for (int x = 0; x < W; x++) {
            float sx = ((float)x + 0.5f) / (float)k - 0.5f;
            sx = sx < 0.0f ? 0.0f : sx > (float)(w - 1) ? (float)(w - 1) : sx;
            int x0 = (int)sx, x1 = x0 + 1 < w ? x0 + 1 : x0;
            float fx = sx - (float)x0;
            float a = img[y0 * w + x0], b = img[y0 * w + x1];
            float c = img[y1 * w + x0], d = img[y1 * w + x1];
            float top = a + fx * (b - a), bot = c + fx * (d - c);
            big[y * W + x] = top + fy * (bot - top);
        }
    }
}

/* Zhang & Suen's thinning (CACM 27(3), 1984) of the binary image b (row
 * stride W, 1 = ink), in place, to a one-pixel-wide 8-connected centre
 * line.  Only the ink's bounding box [x0, x1] × [y0, y1] is visited (it
 * lies inside the frame, which is background, so no neighbour is out of
 * bounds); list is scratch for the pixels one pass removes. */
static void thin(unsigned char *b, int W, int x0, int y0, int x1, int y1, uint16_t *list)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (int pass = 0; pass < 2; pass++) {
            int nl = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    const unsigned char *p = b + y * W + x;
                    if (!p[0])
                        continue;
                    /* Neighbours P2..P9, clockwise from north. */
                    int n[8] = {p[-W], p[-W + 1], p[1], p[W + 1], p[W], p[W - 1], p[-1], p[-W - 1]};
                    int count = 0, trans = 0;
                    for (int i = 0; i < 8; i++) {
                        count += n[i];
                        trans += !n[i] && n[(i + 1) & 7];
                    }
                    if (count < 2 || count > 6 || trans != 1)
                        continue;
                    /* Pass 0 peels south-east edges and north-west corners,
                     * pass 1 the opposite ones. */
                    int c1 = pass == 0 ? n[0] * n[2] * n[4] : n[0] * n[2] * n[6];
                    int c2 = pass == 0 ? n[2] * n[4] * n[6] : n[0] * n[4] * n[6];
                    if (c1 == 0 && c2 == 0)
                        list[nl++] = (uint16_t)(y * W + x);
                }
            }
            /* Removed after the pass, so every test saw the same image. */
            for (int i = 0; i < nl; i++)
                b[list[i]] = 0;
            changed |= nl > 0;
        }
    }
}

int ink_redraw(const float *img, int w, int h, float brush_scale, float out[INK_INPUT_SIZE])
{
    memset(out, 0, INK_INPUT_SIZE * sizeof *out);
    if (!img || w <= 0 || h <= 0 || w > REDRAW_GRID || h > REDRAW_GRID ||
        !(brush_scale > 0.0f && brush_scale < 100.0f))
        return 0;
    const int k = REDRAW_GRID / (w > h ? w : h);
    const int W = w * k, H = h * k;
    const size_t n = (size_t)W * (size_t)H;
    /* Scratch on the stack (about 90 KB), not the heap: callers run this
     * in OpenMP workers, and small heap blocks there gave every worker a
     * malloc arena of its own, whose address space broke `ulimit -v` runs
     * (tests/test_kernels.sh). */
    float big[REDRAW_GRID * REDRAW_GRID];
    unsigned char b[REDRAW_GRID * REDRAW_GRID];
    uint16_t list[REDRAW_GRID * REDRAW_GRID];
    enlarge(img, w, h, k, big);
    int x0 = W, y0 = H, x1 = -1, y1 = -1;
    double sx = 0.0, sy = 0.0;
    size_t count = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            /* The frame stays background so thin() needs no bounds checks. */
            int on = y > 0 && x > 0 && y < H - 1 && x < W - 1 && big[y * W + x] >= REDRAW_LEVEL;
            b[y * W + x] = (unsigned char)on;
            if (on) {
                sx += x;
                sy += y;
                count++;
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
        }
    if (count)
        thin(b, W, x0, y0, x1, y1, list);
    x0 = W, y0 = H, x1 = -1, y1 = -1;
    if (count) {
        /* Zhang-Suen erases a 2×2 block entirely: a dot that small is
         * redrawn as a dot at its centre rather than lost. */
        int cx = (int)lround(sx / (double)count), cy = (int)lround(sy / (double)count);
        int any = 0;
        for (size_t i = 0; i < n && !any; i++)
            any = b[i];
        if (!any)
            b[cy * W + cx] = 1;
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (b[y * W + x]) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
    int r = 0;
    if (x1 >= 0) {
        /* The brush the window would pick for a trace this size, as
         * ink_brush_for does (but never under one grid pixel). */
        float extent = (float)((x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0) + 1);
        float rad = 0.5f * fmaxf(1.0f, brush_scale * REDRAW_BRUSH_PER_EXTENT * extent);
        const float reach = rad + 0.5f;
        /* No disc needs to reach past the grid, whatever brush_scale says. */
        const int span = (int)fminf(ceilf(reach), (float)(W > H ? W : H));
        const int side = 2 * span + 1;
        float disc_stack[(2 * REDRAW_DISC_SPAN + 1) * (2 * REDRAW_DISC_SPAN + 1)];
        float *disc = span <= REDRAW_DISC_SPAN
                          ? disc_stack
                          : malloc((size_t)side * (size_t)side * sizeof *disc);
        if (!disc)
            return -1;
        /* One disc, coverage rad + 0.5 − distance clamped to [0, 1] as
         * render.c's capsules have it, stamped at every centre-line pixel
         * with max: along an 8-connected line the discs' union is the
         * capsule chain to within a twentieth of a pixel. */
        for (int j = 0; j < side; j++)
            for (int i = 0; i < side; i++) {
                float dx = (float)(i - span), dy = (float)(j - span);
                float c = reach - sqrtf(dx * dx + dy * dy);
                disc[j * side + i] = c > 1.0f ? 1.0f : c;
            }
        memset(big, 0, n * sizeof *big);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                if (!b[y * W + x])
                    continue;
                int ya = y - span < 0 ? 0 : y - span, yb = y + span >= H ? H - 1 : y + span;
                int xa = x - span < 0 ? 0 : x - span, xb = x + span >= W ? W - 1 : x + span;
                for (int j = ya; j <= yb; j++) {
                    const float *d = disc + (j - y + span) * side + (xa - x + span);
                    float *row = big + j * W;
                    for (int i = xa; i <= xb; i++, d++)
                        row[i] = *d > row[i] ? *d : row[i];
                }
            }
        if (disc != disc_stack)
            free(disc);
        r = ink_normalize(big, W, H, out);
    }
    return r;
}
