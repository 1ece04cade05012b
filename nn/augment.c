/* augment.c — on-the-fly augmentation of training digits: a random affine
 * map with bilinear sampling, an occasional 3×3 grey dilation or erosion, and
 * optional elastic distortion (Simard, Steinkraus & Platt, ICDAR 2003).
 * Called once per training sample, so it avoids allocation for small images. */
#include "nn_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Images up to 64×64 use stack scratch; larger ones allocate once per call. */
#define AUG_STACK_PIXELS 4096
/* Cap on the elastic blur radius: beyond ~2σ the Gaussian tail adds little,
 * and a short kernel keeps elastic distortion affordable per sample. */
#define AUG_MAX_RADIUS 10

void nn_augment_defaults(nn_augment_config *a)
{
    if (!a)
        return;
    /* Ranges close to those used for MNIST in the literature (e.g. Ciresan et
     * al. 2010 used ±15° and ±15% scale); a bit gentler, since the app's own
     * preprocessing already centres and scales drawings. */
    a->rotate_deg = 12.0f;
    a->scale = 0.12f;
    a->shear = 0.2f;
    a->shift_px = 2.5f;
    a->thickness_p = 0.3f;
    a->elastic_alpha = 0.0f;  /* off: costs ~10× the affine step */
    a->elastic_sigma = 4.0f;  /* Simard et al.'s σ, for when alpha is set */
    a->style_p = 0.0f;        /* off: adds strokes MNIST's writers did not draw */
    a->negative_p = 0.0f;     /* off: changes what the outputs mean */
}

static float uniform_pm(nn_rng *rng, float max)
{
    return (2.0f * nn_rng_uniform(rng) - 1.0f) * max;
}

/* ------------------------------------------------------------------ affine */

/* dst[y][x] = src(a·(x,y)ᵀ + b) for a 2×2 matrix a and offset b, sampled
 * bilinearly with zero (background) outside the image.  pad is scratch of
 * (rows+3)×(cols+3) floats: the image framed by zeros (one row/column
 * before, two after).  Clamping a coordinate into [−1, size] then samples
 * only the frame's zeros when it fell outside, so the inner loop needs no
 * branches, and a NaN or huge coordinate never reaches an int conversion. */
static void warp_u8(const uint8_t *src, int rows, int cols, float *dst, const float a[4],
                    const float b[2], float *pad)
{
    const float inv255 = 1.0f / 255.0f;
    const size_t pw = (size_t)cols + 3;
    const float xmax = (float)cols, ymax = (float)rows;
    memset(pad, 0, pw * sizeof *pad);
    memset(pad + pw * ((size_t)rows + 1), 0, 2 * pw * sizeof *pad);
    for (int y = 0; y < rows; y++) {
        float *row = pad + pw * ((size_t)y + 1);
        const uint8_t *in = src + (size_t)y * (size_t)cols;
        row[0] = row[cols + 1] = row[cols + 2] = 0.0f;
        for (int x = 0; x < cols; x++)
            row[x + 1] = (float)in[x] * inv255;
    }
    /* pad + pw + 1 is pixel (0, 0); the frame makes (−1, −1) addressable. */
    const float *origin = pad + pw + 1;
    for (int y = 0; y < rows; y++) {
        float *out = dst + (size_t)y * (size_t)cols;
        float ax = a[1] * (float)y + b[0], ay = a[3] * (float)y + b[1];
        for (int x = 0; x < cols; x++) {
            float sx = ax + a[0] * (float)x, sy = ay + a[2] * (float)x;
            /* Written so that NaN fails the first test and becomes −1. */
            sx = sx > -1.0f ? sx : -1.0f;
            sx = sx < xmax ? sx : xmax;
            sy = sy > -1.0f ? sy : -1.0f;
            sy = sy < ymax ? sy : ymax;
            float fx0 = floorf(sx), fy0 = floorf(sy);
            float fx = sx - fx0, fy = sy - fy0;
            const float *r0 = origin + (ptrdiff_t)fy0 * (ptrdiff_t)pw + (ptrdiff_t)fx0;
            const float *r1 = r0 + pw;
            float top = r0[0] + fx * (r0[1] - r0[0]);
            float bot = r1[0] + fx * (r1[1] - r1[0]);
            float v = top + fy * (bot - top);
            out[x] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
    }
}

/* The same for a float image, used by the elastic step: each output pixel
 * has its own displacement (dx, dy). */
static void warp_f32_field(const float *src, int rows, int cols, const float *dx,
                           const float *dy, float *dst)
{
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
            size_t i = (size_t)y * (size_t)cols + (size_t)x;
            float sx = (float)x + dx[i], sy = (float)y + dy[i];
            float fx0 = floorf(sx), fy0 = floorf(sy);
            if (!(fx0 >= -1.0f && fy0 >= -1.0f && fx0 < (float)cols && fy0 < (float)rows)) {
                dst[i] = 0.0f;
                continue;
            }
            float fx = sx - fx0, fy = sy - fy0;
            float p00 = 0, p01 = 0, p10 = 0, p11 = 0;
            {
                int x0 = (int)fx0, y0 = (int)fy0;
                const float *r0 = src + (size_t)y0 * (size_t)cols;
                const float *r1 = r0 + cols;
                if (y0 >= 0) {
                    if (x0 >= 0)
                        p00 = r0[x0];
                    if (x0 + 1 < cols)
                        p01 = r0[x0 + 1];
                }
                if (y0 + 1 < rows) {
                    if (x0 >= 0)
                        p10 = r1[x0];
                    if (x0 + 1 < cols)
                        p11 = r1[x0 + 1];
                }
            }
            float top = p00 + fx * (p01 - p00);
            float bot = p10 + fx * (p11 - p10);
            dst[i] = top + fy * (bot - top);
        }
    }
}

/* ------------------------------------------------------- dilate / erode */

/* 3×3 grey max (dilate) or min (erode) of img, as two separable passes:
 * max over a square is max over rows of max over columns.  Neighbours
 * outside the image are ignored, so erosion does not eat ink at the border.
 * Written with ?: rather than fmaxf so the compiler vectorizes the loops. */
#define MORPH3(NAME, OP)                                                           \
    static void NAME(float *img, int rows, int cols, float *tmp)                   \
    {                                                                              \
        for (int y = 0; y < rows; y++) {                                           \
            const float *in = img + (size_t)y * (size_t)cols;                      \
            float *out = tmp + (size_t)y * (size_t)cols;                           \
            if (cols == 1) {                                                       \
                out[0] = in[0];                                                    \
                continue;                                                          \
            }                                                                      \
            out[0] = OP(in[0], in[1]);                                             \
            for (int x = 1; x < cols - 1; x++)                                     \
                out[x] = OP(OP(in[x - 1], in[x]), in[x + 1]);                      \
            out[cols - 1] = OP(in[cols - 2], in[cols - 1]);                        \
        }                                                                          \
        for (int y = 0; y < rows; y++) {                                           \
            const float *mid = tmp + (size_t)y * (size_t)cols;                     \
            const float *up = y > 0 ? mid - cols : mid;                            \
            const float *dn = y + 1 < rows ? mid + cols : mid;                     \
            float *out = img + (size_t)y * (size_t)cols;                           \
            for (int x = 0; x < cols; x++)                                         \
                out[x] = OP(OP(up[x], mid[x]), dn[x]);                             \
        }                                                                          \
    }
#define MAX2(p, q) ((p) > (q) ? (p) : (q))
#define MIN2(p, q) ((p) < (q) ? (p) : (q))
MORPH3(dilate3, MAX2)
MORPH3(erode3, MIN2)

/* ----------------------------------------------------------------- elastic */

/* In-place separable Gaussian blur of a rows×cols field (zero outside). */
static void blur(float *f, int rows, int cols, float *tmp, const float *k, int r)
{
    for (int y = 0; y < rows; y++) {
        const float *in = f + (size_t)y * (size_t)cols;
        float *out = tmp + (size_t)y * (size_t)cols;
        for (int x = 0; x < cols; x++) {
            float s = 0.0f;
            int lo = x - r < 0 ? -x : -r, hi = x + r >= cols ? cols - 1 - x : r;
            for (int j = lo; j <= hi; j++)
                s += k[j + r] * in[x + j];
            out[x] = s;
        }
    }
    for (int y = 0; y < rows; y++) {
        int lo = y - r < 0 ? -y : -r, hi = y + r >= rows ? rows - 1 - y : r;
        float *out = f + (size_t)y * (size_t)cols;
        for (int x = 0; x < cols; x++)
            out[x] = 0.0f;
        for (int j = lo; j <= hi; j++) {
            const float *in = tmp + (size_t)(y + j) * (size_t)cols;
            float w = k[j + r];
            for (int x = 0; x < cols; x++)
                out[x] += w * in[x];
        }
    }
}

/* Simard et al.: each pixel gets a displacement drawn uniformly from
 * [−1, 1]², the fields are smoothed by a Gaussian of σ and scaled by α. */
static void elastic(float *img, int rows, int cols, float alpha, float sigma, nn_rng *rng,
                    float *dx, float *dy, float *tmp)
{
    size_t n = (size_t)rows * (size_t)cols;
    float k[2 * AUG_MAX_RADIUS + 1];
    if (!(sigma > 0.05f))
        sigma = 0.05f;
    int r = (int)ceilf(2.0f * sigma);
    if (r > AUG_MAX_RADIUS)
        r = AUG_MAX_RADIUS;
    float sum = 0.0f;
    for (int j = -r; j <= r; j++) {
        k[j + r] = expf(-(float)(j * j) / (2.0f * sigma * sigma));
        sum += k[j + r];
    }
    for (int j = 0; j <= 2 * r; j++)
        k[j] /= sum;
    for (size_t i = 0; i < n; i++) {
        dx[i] = 2.0f * nn_rng_uniform(rng) - 1.0f;
        dy[i] = 2.0f * nn_rng_uniform(rng) - 1.0f;
    }
    blur(dx, rows, cols, tmp, k, r);
    blur(dy, rows, cols, tmp, k, r);
    for (size_t i = 0; i < n; i++) {
        dx[i] *= alpha;
        dy[i] *= alpha;
    }
    memcpy(tmp, img, n * sizeof *img);
    warp_f32_field(tmp, rows, cols, dx, dy, img);
}

/* ------------------------------------------------------------------ public */

void nn_augment_image(const uint8_t *src, int rows, int cols, float *dst,
                      const nn_augment_config *a, nn_rng *rng)
{
    if (!src || !dst || !a || !rng || rows <= 0 || cols <= 0)
        return;
    size_t n = (size_t)rows * (size_t)cols;

    /* The affine and thickness draws come first, always seven of them in a
     * fixed order (tests rely on it), whether or not a step is enabled; the
     * elastic step, when on, draws its fields after them. */
    float theta = uniform_pm(rng, a->rotate_deg) * (float)(3.14159265358979323846 / 180.0);
    float s = 1.0f + uniform_pm(rng, a->scale);
    if (!(s >= 0.05f))
        s = 0.05f; /* a scale setting >= 1 (or NaN) would collapse or flip it */
    float sh = uniform_pm(rng, a->shear);
    float tx = uniform_pm(rng, a->shift_px);
    float ty = uniform_pm(rng, a->shift_px);
    float u_thick = nn_rng_uniform(rng);
    float u_kind = nn_rng_uniform(rng);

    int identity =
        a->rotate_deg == 0.0f && a->scale == 0.0f && a->shear == 0.0f && a->shift_px == 0.0f;
    int do_thick = a->thickness_p > 0.0f && u_thick < a->thickness_p;
    int do_elastic = a->elastic_alpha > 0.0f;

    /* Scratch: the padded source for the warp, then three fields for the
     * morphology and elastic steps. */
    size_t need = ((size_t)rows + 3) * ((size_t)cols + 3);
    if (need < 3 * n)
        need = 3 * n;
    float stack[3 * AUG_STACK_PIXELS + 8 * 64 + 16];
    float *scratch = stack;
    if (need > sizeof stack / sizeof *stack) {
        if (need > SIZE_MAX / sizeof(float) || !(scratch = malloc(need * sizeof(float)))) {
            /* A void function cannot report failure: without memory the
             * sample goes in unaugmented, which is still a valid sample. */
            for (size_t i = 0; i < n; i++)
                dst[i] = (float)src[i] / 255.0f;
            return;
        }
    }

    if (identity) {
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)src[i] / 255.0f;
    } else {
        /* Forward map about the centre c: p' = R·S·H·(p − c) + c + t, with
         * H = [[1, sh], [0, 1]] and S = s·I.  Sampling needs its inverse:
         * p = (R·S·H)⁻¹·(p' − c − t) + c = H⁻¹·S⁻¹·Rᵀ·(p' − c − t) + c. */
        float cx = 0.5f * (float)(cols - 1), cy = 0.5f * (float)(rows - 1);
        float c = cosf(theta), si = sinf(theta), is = 1.0f / s;
        float m00 = c * is, m01 = si * is, m10 = -si * is, m11 = c * is; /* Rᵀ/s */
        float am[4] = {m00 - sh * m10, m01 - sh * m11, m10, m11};      /* H⁻¹·Rᵀ/s */
        float ox = -cx - tx, oy = -cy - ty;
        float b[2] = {am[0] * ox + am[1] * oy + cx, am[2] * ox + am[3] * oy + cy};
        warp_u8(src, rows, cols, dst, am, b, scratch);
    }
    if (do_thick) {
        if (u_kind < 0.5f)
            dilate3(dst, rows, cols, scratch);
        else
            erode3(dst, rows, cols, scratch);
    }
    if (do_elastic)
        elastic(dst, rows, cols, a->elastic_alpha, a->elastic_sigma, rng, scratch, scratch + n,
                scratch + 2 * n);
    if (scratch != stack)
        free(scratch);
}

/* ------------------------------------------------------- style variants */

/* Paints a stroke of width w from (ax, ay) to (bx, by), anti-aliased over
 * one pixel at its edge, keeping the brighter of stroke and image (ink adds,
 * as a pen crossing its own line does). */
static void draw_line_u8(uint8_t *img, int rows, int cols, float ax, float ay, float bx, float by,
                         float w)
{
    float dx = bx - ax, dy = by - ay;
    float len2 = dx * dx + dy * dy;
    float r = 0.5f * w;
    int x0 = (int)floorf(fminf(ax, bx) - r - 1.0f), x1 = (int)ceilf(fmaxf(ax, bx) + r + 1.0f);
    int y0 = (int)floorf(fminf(ay, by) - r - 1.0f), y1 = (int)ceilf(fmaxf(ay, by) + r + 1.0f);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > cols - 1) x1 = cols - 1;
    if (y1 > rows - 1) y1 = rows - 1;
    for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
            float px = (float)x - ax, py = (float)y - ay;
            float t = len2 > 0.0f ? (px * dx + py * dy) / len2 : 0.0f;
            t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
            float ex = px - t * dx, ey = py - t * dy;
            float v = r + 0.5f - sqrtf(ex * ex + ey * ey);
            if (v <= 0.0f)
                continue;
            uint8_t u = (uint8_t)(v >= 1.0f ? 255.0f : v * 255.0f);
            uint8_t *p = &img[(size_t)y * (size_t)cols + (size_t)x];
            if (u > *p)
                *p = u;
        }
    }
}

static float uniform_in(nn_rng *rng, float lo, float hi)
{
    return lo + (hi - lo) * nn_rng_uniform(rng);
}

/* Mean column of the ink (>= 128) in rows [ya, yb], or -1 if none. */
static float ink_column(const uint8_t *img, int cols, int ya, int yb)
{
    double sum = 0.0;
    int n = 0;
    for (int y = ya; y <= yb; y++)
        for (int x = 0; x < cols; x++)
            if (img[(size_t)y * (size_t)cols + (size_t)x] >= 128) {
                sum += x;
                n++;
            }
    return n ? (float)(sum / n) : -1.0f;
}

int nn_augment_style(uint8_t *img, int rows, int cols, int label, const nn_augment_config *a,
                     nn_rng *rng)
{
    if (!img || !a || !rng || rows < 8 || cols < 8 || !(a->style_p > 0.0f))
        return 0;
    if (label != 0 && label != 1 && label != 7)
        return 0;
    if (nn_rng_uniform(rng) >= a->style_p)
        return 0;

    /* The digit's bounding box (ink >= 128); too little ink to place a
     * stroke sensibly means no variant. */
    int bx0 = cols, bx1 = -1, by0 = rows, by1 = -1;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
            if (img[(size_t)y * (size_t)cols + (size_t)x] >= 128) {
                bx0 = x < bx0 ? x : bx0;
                bx1 = x > bx1 ? x : bx1;
                by0 = y < by0 ? y : by0;
                by1 = y > by1 ? y : by1;
            }
    if (bx1 < 0 || by1 - by0 < rows / 4)
        return 0;
    float w = (float)(bx1 - bx0 + 1), h = (float)(by1 - by0 + 1);
    /* MNIST strokes are about 2–3 px wide at 28×28; scale with the image. */
    float pen = uniform_in(rng, 1.8f, 2.8f) * (float)rows / 28.0f;

    if (label == 0) {
        /* Ø: a slash from below-left to above-right, a little past the ring. */
        float ext = uniform_in(rng, 0.0f, 0.15f) * h;
        float jx = uniform_in(rng, -0.1f, 0.1f) * w, jy = uniform_in(rng, -0.1f, 0.1f) * h;
        draw_line_u8(img, rows, cols, (float)bx0 - ext * 0.6f + jx, (float)by1 + ext + jy,
                     (float)bx1 + ext * 0.6f - jx, (float)by0 - ext - jy, pen);
        return 1;
    }
    if (label == 7) {
        /* A crossbar through the stem a little below the middle. */
        int yb = by0 + (int)(uniform_in(rng, 0.45f, 0.62f) * h);
        float xs = ink_column(img, cols, yb, yb);
        if (xs < 0.0f)
            return 0;
        float half = uniform_in(rng, 0.22f, 0.38f) * h, tilt = uniform_in(rng, -0.06f, 0.06f) * h;
        draw_line_u8(img, rows, cols, xs - half, (float)yb + tilt, xs + half, (float)yb - tilt,
                     pen);
        return 1;
    }
    /* 1: only a bare bar gets a flag, slanted or not.  A bar crosses each
     * row in a short run of ink; a one that already has a flag has a row
     * near its top with much more. */
    for (int y = by0; y <= by0 + (int)(0.4f * h); y++) {
        int run = 0;
        for (int x = bx0; x <= bx1; x++)
            run += img[(size_t)y * (size_t)cols + (size_t)x] >= 128;
        if ((float)run > 0.4f * h)
            return 0;
    }
    float xt = ink_column(img, cols, by0, by0 + 1);
    if (xt < 0.0f)
        return 0;
    float xb = ink_column(img, cols, by1 - 1, by1);
    if (xb < 0.0f)
        return 0;
    /* The flag leaves the top down and to the left, 35–55° shallower than
     * the bar itself (so a bar leaning right still gets a visible flag), but
     * never flatter than 30° nor longer than 0.4 of the height: longer,
     * flatter flags made MNIST's own short-stemmed 7s read as 1 (9-11 of
     * them, against 3 with these limits and 0 without flags). */
    const float deg = (float)(3.14159265358979323846 / 180.0);
    float bar = atan2f(h, xt - xb);
    float ang = bar - uniform_in(rng, 35.0f, 55.0f) * deg;
    ang = ang < 30.0f * deg ? 30.0f * deg : ang > 60.0f * deg ? 60.0f * deg : ang;
    float len = uniform_in(rng, 0.2f, 0.4f) * h;
    draw_line_u8(img, rows, cols, xt, (float)by0, xt - len * cosf(ang), (float)by0 + len * sinf(ang),
                 pen);
    if (nn_rng_uniform(rng) < 0.35f) {
        /* and a foot */
        float half = uniform_in(rng, 0.18f, 0.32f) * h;
        draw_line_u8(img, rows, cols, xb - half, (float)by1, xb + half, (float)by1, pen);
    }
    return 1;
}

/* ------------------------------------------------------------ negatives */

/* A random image of ds whose label differs from every one in avoid[0..n). */
static size_t pick_other(const nn_dataset *ds, const int *avoid, int n, nn_rng *rng)
{
    size_t id = nn_rng_below(rng, ds->n);
    for (int tries = 0; tries < 64; tries++) {
        int clash = 0;
        for (int k = 0; k < n; k++)
            clash |= ds->labels[id] == avoid[k];
        if (!clash)
            break;
        id = nn_rng_below(rng, ds->n);
    }
    return id;
}

void nn_augment_negative(const nn_dataset *ds, uint8_t *out, nn_rng *rng)
{
    const int rows = ds->rows, cols = ds->cols;
    const size_t n = (size_t)rows * (size_t)cols;
    memset(out, 0, n);
    if (ds->n == 0)
        return;
    int labels[4];
    /* Mostly overlays: a quadrant mosaic now and then lands on something
     * that reads as a digit, which would teach doubt about real ones. */
    if (nn_rng_uniform(rng) < 0.8f) {
        /* Two or three different digits on top of each other, each shifted
         * by up to an eighth of the image: a tangle of digit-like strokes
         * that is no one digit.  Small shifts keep it roughly centred and
         * filling MNIST's 20×20 box, as the app's preprocessing makes every
         * drawing; far off-centre negatives would teach "off-centre means
         * no digit", which real scribbles never show. */
        int parts = nn_rng_uniform(rng) < 0.7f ? 2 : 3;
        for (int p = 0; p < parts; p++) {
            size_t id = pick_other(ds, labels, p, rng);
            labels[p] = ds->labels[id];
            const uint8_t *src = ds->images + id * n;
            int dx = (int)nn_rng_below(rng, (size_t)(cols / 4 + 1)) - cols / 8;
            int dy = (int)nn_rng_below(rng, (size_t)(rows / 4 + 1)) - rows / 8;
            for (int y = 0; y < rows; y++) {
                int sy = y - dy;
                if (sy < 0 || sy >= rows)
                    continue;
                for (int x = 0; x < cols; x++) {
                    int sx = x - dx;
                    if (sx < 0 || sx >= cols)
                        continue;
                    uint8_t v = src[(size_t)sy * (size_t)cols + (size_t)sx];
                    uint8_t *o = &out[(size_t)y * (size_t)cols + (size_t)x];
                    if (v > *o)
                        *o = v;
                }
            }
        }
    } else {
        /* Each quadrant from another digit: strokes that start like one
         * digit and end like another. */
        for (int q = 0; q < 4; q++) {
            size_t id = pick_other(ds, labels, q < 2 ? q : 2, rng);
            labels[q < 3 ? q : 3] = ds->labels[id];
            const uint8_t *src = ds->images + id * n;
            int y0 = q / 2 ? rows / 2 : 0, y1 = q / 2 ? rows : rows / 2;
            int x0 = q % 2 ? cols / 2 : 0, x1 = q % 2 ? cols : cols / 2;
            for (int y = y0; y < y1; y++)
                memcpy(out + (size_t)y * (size_t)cols + (size_t)x0,
                       src + (size_t)y * (size_t)cols + (size_t)x0, (size_t)(x1 - x0));
        }
    }
}
