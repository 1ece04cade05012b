/* views_paint.c — the views' pixels without SDL (see views.h): the colour
 * scales, and painting the layers view and the weights view into an ARGB
 * buffer the window turns into one texture.  Separate from views.c, which
 * decides what is shown and where; this file only draws it.  No SDL. */
#include "views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* ---------------------------------------------------------------- colours */

void dp_bytes_unsigned(const float *x, size_t n, float max, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        float t = max > 0.0f ? x[i] / max : 0.0f;
        t = t > 0.0f ? (t < 1.0f ? t : 1.0f) : 0.0f; /* NaN -> 0 */
        out[i] = (uint8_t)lroundf(t * 255.0f);
    }
}

void dp_bytes_signed(const float *x, size_t n, float m, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        float t = m > 0.0f ? x[i] / m : 0.0f;
        t = t > -1.0f ? (t < 1.0f ? t : 1.0f) : (t <= -1.0f ? -1.0f : 0.0f);
        out[i] = (uint8_t)lroundf(128.0f + 127.0f * t);
    }
}

static uint32_t argb(unsigned a, unsigned r, unsigned g, unsigned b)
{
    return (uint32_t)a << 24 | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

/* The window's paper {12,13,17} to ink {245,246,250} (gui_palette.h). */
uint32_t dp_argb_grey(uint8_t v)
{
    unsigned r = 12u + (233u * v + 127u) / 255u;
    return argb(255, r, r + 1u, r + 5u);
}

/* Red for up, blue for down, from a dark neutral at 128 (the view's
 * background is dark, so zero recedes and both signs stand out). */
uint32_t dp_argb_diverging(uint8_t v)
{
    int d = (int)v - 128;
    unsigned t = (unsigned)(d < 0 ? -d : d) * 2u; /* 0..256 */
    if (t > 255u)
        t = 255u;
    unsigned base = 28u;
    if (d >= 0)
        return argb(255, base + (227u * t) / 255u, base + (60u * t) / 255u,
                    base + (40u * t) / 255u);
    return argb(255, base + (40u * t) / 255u, base + (110u * t) / 255u,
                base + (227u * t) / 255u);
}

uint32_t dp_argb_overlay(float s)
{
    float m = fabsf(s);
    if (!(m <= 1.0f))
        m = m > 1.0f ? 1.0f : 0.0f; /* NaN -> nothing */
    /* Faint values stay almost clear: |s| below 5% is noise of the scale. */
    unsigned a = m < 0.05f ? 0u : (unsigned)lroundf(40.0f + 195.0f * m);
    return s >= 0.0f ? argb(a, 240, 60, 50) : argb(a, 50, 130, 245);
}

/* ---------------------------------------------------------------- pixels */

static void fill(uint32_t *argb_px, int pitch, dp_rect area, dp_rect r, uint32_t c)
{
    int x0 = r.x - area.x, y0 = r.y - area.y;
    int x1 = x0 + r.w, y1 = y0 + r.h;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > area.w ? area.w : x1;
    y1 = y1 > area.h ? area.h : y1;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            argb_px[(size_t)y * (size_t)pitch + (size_t)x] = c;
}

/* Source alpha over an opaque destination. */
static uint32_t blend(uint32_t dst, uint32_t src)
{
    unsigned a = src >> 24, na = 255u - a;
    unsigned r = (((src >> 16) & 255u) * a + ((dst >> 16) & 255u) * na) / 255u;
    unsigned g = (((src >> 8) & 255u) * a + ((dst >> 8) & 255u) * na) / 255u;
    unsigned b = ((src & 255u) * a + (dst & 255u) * na) / 255u;
    return argb(255, r, g, b);
}

/* A h×w picture of bytes into rectangle r, nearest neighbour; overlay (if
 * non-NULL, h×w saliency values) blended on top. */
static void blit(uint32_t *px, int pitch, dp_rect area, dp_rect r, const uint8_t *b, int h, int w,
                 uint32_t (*colour)(uint8_t), const float *overlay)
{
    for (int y = 0; y < r.h; y++) {
        int ay = r.y - area.y + y;
        if (ay < 0 || ay >= area.h)
            continue;
        int sy = y * h / r.h;
        for (int x = 0; x < r.w; x++) {
            int ax = r.x - area.x + x;
            if (ax < 0 || ax >= area.w)
                continue;
            int sx = x * w / r.w, i = sy * w + sx;
            uint32_t c = colour(b[i]);
            if (overlay)
                c = blend(c, dp_argb_overlay(overlay[i]));
            px[(size_t)ay * (size_t)pitch + (size_t)ax] = c;
        }
    }
}

/* One scale for a stage's shown channels: the largest value (all >= 0) or
 * the largest magnitude (signed). */
static void stage_scale(const dp_stage *st, const float *data, float *scale, int *is_signed)
{
    size_t hw = (size_t)st->h * (size_t)st->w;
    float lo = 0.0f, hi = 0.0f;
    for (int j = 0; j < st->n_shown; j++) {
        const float *p = data + (size_t)st->shown[j] * hw;
        for (size_t i = 0; i < hw; i++) {
            lo = p[i] < lo ? p[i] : lo;
            hi = p[i] > hi ? p[i] : hi;
        }
    }
    *is_signed = lo < 0.0f;
    *scale = *is_signed ? (-lo > hi ? -lo : hi) : hi;
}

void dp_views_paint_layers(const dp_views *v, const nn_layer_view *views, const float *input,
                           dp_rect area, uint32_t *px, int pitch, uint32_t bg)
{
    fill(px, pitch, area, area, bg);
    uint8_t b[INK_INPUT_SIZE];
    for (int s = 0; s < v->n_stages; s++) {
        const dp_stage *st = &v->stage[s];
        if (st->kind == DP_STAGE_INPUT) {
            if (st->h * st->w != INK_INPUT_SIZE || !input)
                continue;
            dp_bytes_unsigned(input, INK_INPUT_SIZE, 1.0f, b);
            dp_rect r = {st->body.x, st->body.y, st->tile_w, st->tile_h};
            blit(px, pitch, area, r, b, st->h, st->w, dp_argb_grey,
                 v->saliency && v->sal_valid ? v->sal : NULL);
            continue;
        }
        if (st->kind == DP_STAGE_BARS || !views || !views[st->layer].data)
            continue;
        const float *data = views[st->layer].data;
        float scale;
        int sgn;
        stage_scale(st, data, &scale, &sgn);
        uint32_t (*colour)(uint8_t) = sgn ? dp_argb_diverging : dp_argb_grey;
        size_t hw = (size_t)st->h * (size_t)st->w;
        for (int j = 0; j < st->n_shown; j++) {
            const float *p = data + (size_t)st->shown[j] * hw;
            int col = j % st->cols, row = j / st->cols;
            if (st->kind == DP_STAGE_MAPS) {
                uint8_t *mb = malloc(hw);
                if (!mb)
                    return;
                if (sgn)
                    dp_bytes_signed(p, hw, scale, mb);
                else
                    dp_bytes_unsigned(p, hw, scale, mb);
                dp_rect r = {st->body.x + col * (st->tile_w + st->gap),
                             st->body.y + row * (st->tile_h + st->gap), st->tile_w, st->tile_h};
                blit(px, pitch, area, r, mb, st->h, st->w, colour, NULL);
                free(mb);
            } else { /* cells: one value each, a 1-px seam between them */
                uint8_t one;
                if (sgn)
                    dp_bytes_signed(p, 1, scale, &one);
                else
                    dp_bytes_unsigned(p, 1, scale, &one);
                int seam = st->tile_w >= 4 ? 1 : 0;
                dp_rect r = {st->body.x + col * st->tile_w, st->body.y + row * st->tile_h,
                             st->tile_w - seam, st->tile_h - 1};
                fill(px, pitch, area, r, colour(one));
            }
        }
    }
}

/* ---------------------------------------------------------------- weights */

dp_rect dp_wlayout_tile(const dp_wlayout *l, int unit, int slot)
{
    int cols = l->cols > 0 ? l->cols : 1;
    return (dp_rect){l->x0 + (unit % cols) * l->step_x + slot * (l->tile_w + l->gap),
                     l->y0 + (unit / cols) * l->step_y, l->tile_w, l->tile_h};
}

/* Signed values on ±range into rectangle r, framed where the gap allows:
 * the tiles' own near-zero grey is as dark as the card, so a bare gap
 * would not part them. */
static void picture(uint32_t *px, int pitch, dp_rect area, dp_rect r, const float *vals, int ph,
                    int pw, float range, int frame, uint8_t *bytes)
{
    dp_bytes_signed(vals, (size_t)ph * (size_t)pw, range, bytes);
    if (frame)
        fill(px, pitch, area, (dp_rect){r.x - 1, r.y - 1, r.w + 2, r.h + 2},
             DP_ARGB_WEIGHT_FRAME);
    blit(px, pitch, area, r, bytes, ph, pw, dp_argb_diverging, NULL);
}

/* The largest picture size that fits n units of per pictures (gap apart
 * inside a unit, ugap between units) in W × H: whole screen px per value
 * once a picture is at least as large as its values. */
static void weights_grid(int n, int per, int ph, int pw, int W, int H, int gap, int ugap,
                         dp_wlayout *l)
{
    int tile = 0, cols = 1;
    for (int ts = W < H ? W : H; ts >= 2 && tile == 0; ts--) {
        int tw = pw > 0 && ts >= pw ? ts / pw * pw : ts;
        int th = pw > 0 ? tw * ph / pw : tw;
        th = th < 1 ? 1 : th;
        int uw = per * tw + (per - 1) * gap;
        cols = (W + ugap) / (uw + ugap);
        if (cols < 1)
            continue;
        int rows = (n + cols - 1) / cols;
        if (rows * (th + ugap) - ugap <= H)
            tile = tw;
    }
    if (tile == 0) { /* nothing fits: 2-px tiles, clipped at the bottom */
        tile = 2;
        cols = W / (per * (2 + gap) + ugap) > 0 ? W / (per * (2 + gap) + ugap) : 1;
    }
    l->tile_w = tile;
    l->tile_h = pw > 0 && tile * ph / pw > 0 ? tile * ph / pw : 1;
    l->cols = cols;
    l->gap = gap;
    l->step_x = per * tile + (per - 1) * gap + ugap;
    l->step_y = l->tile_h + ugap;
}

int dp_views_paint_weights(const nn_model *m, const dp_wpage *pg, dp_rect area, int cap_h,
                           int gap, uint32_t *px, int pitch, uint32_t bg, float range,
                           dp_wlayout *out)
{
    fill(px, pitch, area, area, bg);
    if (!m || !pg || pg->layer < 0 || pg->shown < 1 || pg->ph < 1 || pg->pw < 1)
        return -1;
    if (!(range > 0.0f))
        range = 1.0f;
    int W = area.w, H = area.h - cap_h;
    dp_wlayout l = {area.x, area.y + cap_h, 0, 0, 1, 0, 0, gap};
    if (pg->kind == DP_WPAGE_MATRIX) {
        /* One picture: a row of pixels per unit, whole px per weight each
         * way (at least 1), framed as a whole. */
        int sx = (W - 2) / pg->pw, sy = (H - 2) / pg->shown;
        sx = sx < 1 ? 1 : sx;
        sy = sy < 1 ? 1 : sy > 8 * sx ? 8 * sx : sy;
        l.x0 += 1;
        l.y0 += 1;
        l.tile_w = sx * pg->pw;
        l.tile_h = sy;
        l.step_y = sy;
        fill(px, pitch, area, (dp_rect){l.x0 - 1, l.y0 - 1, l.tile_w + 2, sy * pg->shown + 2},
             DP_ARGB_WEIGHT_FRAME);
    } else {
        /* Units of several pictures keep twice the gap between them. */
        int ugap = pg->per_unit > 1 ? 2 * gap : gap;
        weights_grid(pg->shown, pg->per_unit, pg->ph, pg->pw, W, H, gap, ugap, &l);
        l.x0 = area.x;
        l.y0 = area.y + cap_h;
        if (gap >= 2) { /* room for the frames */
            l.x0 += 1;
            l.y0 += 1;
        }
    }
    size_t pic = (size_t)pg->ph * (size_t)pg->pw;
    float *vals = malloc(pic * sizeof *vals);
    uint8_t *bytes = malloc(pic);
    if (!vals || !bytes) {
        free(vals);
        free(bytes);
        return -1;
    }
    int frame = gap >= 2 && pg->kind != DP_WPAGE_MATRIX;
    for (int u = 0; u < pg->shown; u++)
        for (int k = 0; k < pg->per_unit; k++)
            if (dp_weights_picture(m, pg, u, k, vals, NULL) == 0)
                picture(px, pitch, area, dp_wlayout_tile(&l, u, k), vals, pg->ph, pg->pw, range,
                        frame, bytes);
    free(vals);
    free(bytes);
    if (out)
        *out = l;
    return 0;
}

int dp_views_paint_pictures(const float *const *pics, int n, int ph, int pw, float range,
                            dp_rect area, int label_h, int gap, uint32_t *px, int pitch,
                            uint32_t bg, dp_rect *where)
{
    fill(px, pitch, area, area, bg);
    if (n < 1 || ph < 1 || pw < 1)
        return 0;
    /* Side by side: the largest whole px per value for which n pictures,
     * their frames and gaps fit the width and the height under a label. */
    int H = area.h - label_h - 2, s = 0;
    for (int k = H / ph; k >= 1 && s == 0; k--)
        if (n * (k * pw + 2) + (n - 1) * gap <= area.w)
            s = k;
    if (s == 0)
        return 0;
    uint8_t *bytes = malloc((size_t)ph * (size_t)pw);
    if (!bytes)
        return 0;
    if (!(range > 0.0f))
        range = 1.0f;
    for (int i = 0; i < n; i++) {
        dp_rect r = {area.x + 1 + i * (s * pw + 2 + gap), area.y + label_h + 1, s * pw, s * ph};
        picture(px, pitch, area, r, pics[i], ph, pw, range, 1, bytes);
        if (where)
            where[i] = r;
    }
    free(bytes);
    return n;
}
