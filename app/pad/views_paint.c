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

/* The first layer with weights and its weight tensor; -1 if none. */
static int first_weights(const nn_model *m, nn_tensor *t)
{
    size_t n = nn_model_tensor_count(m);
    for (size_t i = 0; i < n; i++) {
        if (nn_model_tensor(m, i, t) != NN_OK)
            return -1;
        const char *dot = strchr(t->name, '.');
        if (dot && strcmp(dot, ".weight") == 0 && (t->ndim == 2 || t->ndim == 4))
            return atoi(t->name);
    }
    return -1;
}

int dp_views_paint_weights(const nn_model *m, dp_rect area, int cap_h, int gap, uint32_t *px,
                           int pitch, uint32_t bg, float *range, int *layer, int *n_units,
                           int *n_shown)
{
    fill(px, pitch, area, area, bg);
    *layer = -1;
    *n_units = *n_shown = 0;
    nn_tensor t;
    int li = m ? first_weights(m, &t) : -1;
    if (li < 0)
        return -1;
    /* The picture of one unit: a filter's k×k of input channel 0, or a
     * dense unit's inputs in the shape of the layer below. */
    int units = (int)t.shape[0], ph, pw;
    size_t stride;
    if (t.ndim == 4) {
        ph = (int)t.shape[2];
        pw = (int)t.shape[3];
        stride = (size_t)(t.count / (size_t)units);
    } else {
        stride = (size_t)t.shape[1];
        const nn_arch *a = nn_model_arch(m);
        int h = a->in_h, w = a->in_w;
        nn_layer_view below;
        if (li > 0 && nn_layer_shape(m, li - 1, &below, NULL) == NN_OK) {
            h = below.h;
            w = below.w;
        }
        if ((size_t)h * (size_t)w > stride || h < 1 || w < 1) {
            h = 1;
            w = (int)stride;
        }
        ph = h;
        pw = w;
    }
    int n = units < DP_VIEW_MAX_WEIGHTS ? units : DP_VIEW_MAX_WEIGHTS;
    *layer = li;
    *n_units = units;
    *n_shown = n;
    int W = area.w, H = area.h - cap_h;
    int tile = 0, cols = 1;
    for (int ts = W < H ? W : H; ts >= 2; ts--) {
        cols = (W + gap) / (ts + gap);
        if (cols < 1)
            continue;
        int rows = (n + cols - 1) / cols;
        if (rows * (ts + gap) - gap <= H) {
            tile = ts;
            break;
        }
    }
    if (tile == 0) {
        tile = 2;
        cols = W / 3 > 0 ? W / 3 : 1;
    }
    if (pw > 0 && tile >= pw)
        tile = tile / pw * pw; /* whole screen pixels per weight */
    int tile_h = pw > 0 ? tile * ph / pw : tile;
    if (tile_h < 1)
        tile_h = 1;
    size_t pic = (size_t)ph * (size_t)pw;
    uint8_t *b = malloc(pic);
    if (!b)
        return -1;
    /* One range for the layer, kept by the caller between calls: change
     * then shows as change, not as each tile's auto-contrast. */
    if (range && !(*range > 0.0f)) {
        float most = 0.0f;
        for (int u = 0; u < n; u++)
            for (size_t i = 0; i < pic; i++)
                most = fmaxf(most, fabsf(t.data[(size_t)u * stride + i]));
        *range = most > 0.0f ? most : 1.0f;
    }
    for (int u = 0; u < n; u++) {
        const float *w = t.data + (size_t)u * stride;
        float most = 0.0f;
        for (size_t i = 0; i < pic; i++)
            most = fabsf(w[i]) > most ? fabsf(w[i]) : most;
        dp_bytes_signed(w, pic, range ? *range : most, b);
        dp_rect r = {area.x + (u % cols) * (tile + gap),
                     area.y + cap_h + (u / cols) * (tile_h + gap), tile, tile_h};
        /* A light frame in the gap: the tiles' own near-zero grey is as
         * dark as the card, so a bare gap would not part them. */
        if (gap >= 2)
            fill(px, pitch, area, (dp_rect){r.x - 1, r.y - 1, r.w + 2, r.h + 2}, DP_ARGB_WEIGHT_FRAME);
        blit(px, pitch, area, r, b, ph, pw, dp_argb_diverging, NULL);
    }
    free(b);
    return 0;
}
