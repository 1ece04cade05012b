/* shapes.c — non-digit shapes and digit styles drawn by rule (see
 * ink_shapes.h).  Each drawing is a few strokes in a local frame (about
 * [-1,1] each way, y down) placed on the 1000×1000 box by a random pose,
 * sampled as densely as a mouse would, with a little hand jitter. */
#include "ink_shapes.h"

#include <math.h>

#include "mix64.h"

#define PI_F 3.14159265f

/* ------------------------------------------------------------------ rng */

void ink_rng_seed(ink_rng *r, uint64_t seed)
{
    r->s = seed ^ 0x853c49e6748fea9bull;
}

/* splitmix64 (base/mix64.h) */
static uint64_t next_u64(ink_rng *r)
{
    return mix64_next(&r->s);
}

float ink_rng_uniform(ink_rng *r)
{
    return (float)(next_u64(r) >> 40) * (1.0f / 16777216.0f);
}

static float urange(ink_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * ink_rng_uniform(r);
}

static int coin(ink_rng *r, float p)
{
    return ink_rng_uniform(r) < p;
}

/* ----------------------------------------------------------------- pens */

/* Where a drawing sits on the box: local (x, y) -> centre + scale ·
 * rotation · (aspect-stretched x, y), plus jitter per sampled point. */
typedef struct pen {
    ink_drawing *d;
    ink_rng *r;
    float cx, cy, sx, sy, c, s, jitter;
    int rc;
} pen;

static pen pen_start(ink_drawing *d, ink_rng *r, float size_lo, float size_hi, float turn_deg)
{
    pen p = {d, r, 0, 0, 0, 0, 0, 0, 0, 0};
    float size = urange(r, size_lo, size_hi), aspect = urange(r, 0.85f, 1.15f);
    float a = urange(r, -turn_deg, turn_deg) * PI_F / 180.0f;
    p.cx = 500.0f + urange(r, -120.0f, 120.0f);
    p.cy = 500.0f + urange(r, -120.0f, 120.0f);
    p.sx = size * aspect;
    p.sy = size / aspect;
    p.c = cosf(a);
    p.s = sinf(a);
    p.jitter = 4.0f + 0.015f * size;
    ink_drawing_clear(d);
    return p;
}

static void put(pen *p, float x, float y, float jitter)
{
    float X = p->sx * x, Y = p->sy * y;
    float bx = p->cx + p->c * X - p->s * Y + jitter * urange(p->r, -1.0f, 1.0f);
    float by = p->cy + p->s * X + p->c * Y + jitter * urange(p->r, -1.0f, 1.0f);
    bx = bx < 0.0f ? 0.0f : bx > INK_BOX - 1.0f ? INK_BOX - 1.0f : bx;
    by = by < 0.0f ? 0.0f : by > INK_BOX - 1.0f ? INK_BOX - 1.0f : by;
    p->rc |= ink_stroke_add(p->d, bx, by);
}

/* One stroke through n local points, each leg sampled in 8 steps. */
static void stroke(pen *p, const float *xy, int n)
{
    p->rc |= ink_stroke_begin(p->d);
    for (int i = 0; i + 1 < n; i++)
        for (int j = 0; j < 8; j++) {
            float t = (float)j / 8.0f;
            put(p, xy[2 * i] + t * (xy[2 * i + 2] - xy[2 * i]),
                xy[2 * i + 1] + t * (xy[2 * i + 3] - xy[2 * i + 1]), p->jitter);
        }
    put(p, xy[2 * n - 2], xy[2 * n - 1], p->jitter);
}

static void line(pen *p, float x0, float y0, float x1, float y1)
{
    const float xy[] = {x0, y0, x1, y1};
    stroke(p, xy, 2);
}

/* An elliptic arc from angle a0 to a1 (radians, 0 = right, y down). */
static void arc(pen *p, float cx, float cy, float rx, float ry, float a0, float a1)
{
    p->rc |= ink_stroke_begin(p->d);
    int n = 8 + (int)(fabsf(a1 - a0) * 8.0f);
    for (int i = 0; i <= n; i++) {
        float a = a0 + (a1 - a0) * (float)i / (float)n;
        put(p, cx + rx * cosf(a), cy + ry * sinf(a), p->jitter);
    }
}

/* A tap: one to three points a hair apart. */
static void tap(pen *p, float x, float y)
{
    p->rc |= ink_stroke_begin(p->d);
    for (int i = 0, n = 1 + (int)(ink_rng_uniform(p->r) * 3.0f); i < n; i++)
        put(p, x, y, 3.0f);
}

/* --------------------------------------------------------------- shapes */

static const char *const shape_names[INK_SHAPE_COUNT] = {
    "blank", "speck", "dot", "dash", "plus", "x", "circle with a dot", "hatching", "wavy line",
    "triangle", "underline", "equals", "tick", "arrow", "star", "two dots", "marks",
    "spiral", "loops", "hash", "chevron", "lines", "pair"};

int ink_shape_held_out(ink_shape k)
{
    return k >= INK_SHAPE_UNDERLINE && k <= INK_SHAPE_TWO_DOTS;
}

int ink_shape_training_only(ink_shape k)
{
    return k >= INK_SHAPE_MARKS && k < INK_SHAPE_COUNT;
}

/* One small mark of the MARKS kind, centred on (ox, oy) with half-size h.
 * The kinds are trained ones drawn small; a dash stays level so that it
 * never becomes the bar of a 1. */
static void small_mark(pen *p, int kind, float ox, float oy, float h)
{
    ink_rng *r = p->r;
    switch (kind) {
    case 0: /* level dash */
        line(p, ox - h, oy + urange(r, -0.1f, 0.1f) * h, ox + h, oy);
        break;
    case 1: /* circle */
        arc(p, ox, oy, h, h * urange(r, 0.8f, 1.2f), 0.0f, 2.0f * PI_F + 0.3f);
        break;
    case 2: /* x */
        line(p, ox - h, oy - h, ox + h, oy + h);
        line(p, ox + h, oy - h, ox - h, oy + h);
        break;
    case 3: { /* wave */
        p->rc |= ink_stroke_begin(p->d);
        for (int i = 0; i <= 24; i++) {
            float t = -1.0f + 2.0f * (float)i / 24.0f;
            put(p, ox + h * t, oy + 0.35f * h * sinf(2.0f * PI_F * t), p->jitter);
        }
        break;
    }
    case 4: { /* triangle */
        const float xy[] = {ox, oy - h, ox + h, oy + h, ox - h, oy + h, ox, oy - h};
        stroke(p, xy, 4);
        break;
    }
    default: /* plus */
        line(p, ox - h, oy, ox + h, oy);
        line(p, ox, oy - h, ox, oy + h);
        break;
    }
}

const char *ink_shape_name(ink_shape k)
{
    return (unsigned)k < INK_SHAPE_COUNT ? shape_names[k] : "?";
}

int ink_draw_shape(ink_drawing *d, ink_shape k, ink_rng *r)
{
    if ((unsigned)k >= INK_SHAPE_COUNT)
        return -1;
    /* level things stay roughly level; the rest may turn further */
    float turn = k == INK_SHAPE_DASH || k == INK_SHAPE_UNDERLINE || k == INK_SHAPE_EQUALS ||
                         k == INK_SHAPE_WAVE || k == INK_SHAPE_LINES || k == INK_SHAPE_CHEVRON
                     ? 12.0f
                 : k == INK_SHAPE_ARROW ? 180.0f
                                        : 25.0f;
    pen p = pen_start(d, r, 110.0f, 380.0f, turn);
    switch (k) {
    case INK_SHAPE_BLANK:
        break;
    case INK_SHAPE_SPECK: {
        float a = urange(r, 0.0f, 2.0f * PI_F), l = urange(r, 0.02f, 0.08f);
        p.jitter = 1.0f;
        line(&p, 0.0f, 0.0f, l * cosf(a), l * sinf(a));
        break;
    }
    case INK_SHAPE_DOT:
        tap(&p, 0.0f, 0.0f);
        break;
    case INK_SHAPE_DASH:
        line(&p, -urange(r, 0.5f, 1.0f), 0.0f, urange(r, 0.5f, 1.0f), 0.0f);
        break;
    case INK_SHAPE_UNDERLINE:
        p.sx *= 1.6f;
        line(&p, -1.0f, 0.0f, 1.0f, urange(r, -0.05f, 0.05f));
        break;
    case INK_SHAPE_PLUS: {
        float h = urange(r, 0.7f, 1.0f), v = urange(r, 0.7f, 1.0f);
        float ox = urange(r, -0.2f, 0.2f), oy = urange(r, -0.2f, 0.2f);
        line(&p, -h, oy, h, oy);
        line(&p, ox, -v, ox, v);
        break;
    }
    case INK_SHAPE_EQUALS: {
        float gap = urange(r, 0.2f, 0.45f), w = urange(r, 0.6f, 1.0f);
        line(&p, -w, -gap, w, -gap);
        line(&p, -w + urange(r, -0.15f, 0.15f), gap, w + urange(r, -0.15f, 0.15f), gap);
        break;
    }
    case INK_SHAPE_X: {
        float w = urange(r, 0.6f, 1.0f), h = urange(r, 0.6f, 1.0f);
        line(&p, -w, -h, w, h);
        line(&p, w, -h, -w, h);
        break;
    }
    case INK_SHAPE_TICK: {
        float kx = urange(r, -0.6f, -0.2f), ky = urange(r, 0.3f, 0.7f);
        const float xy[] = {-1.0f, urange(r, -0.2f, 0.2f), kx, ky, 1.0f, -urange(r, 0.6f, 1.0f)};
        stroke(&p, xy, 3);
        break;
    }
    case INK_SHAPE_ARROW: {
        float hx = urange(r, 0.5f, 0.75f), hy = urange(r, 0.25f, 0.45f);
        line(&p, -1.0f, 0.0f, 1.0f, 0.0f);
        if (coin(r, 0.5f)) { /* the head in one stroke */
            const float xy[] = {hx, -hy, 1.0f, 0.0f, hx, hy};
            stroke(&p, xy, 3);
        } else {
            line(&p, 1.0f, 0.0f, hx, -hy);
            line(&p, 1.0f, 0.0f, hx, hy);
        }
        break;
    }
    case INK_SHAPE_CIRCLE_DOT: {
        float a0 = urange(r, 0.0f, 2.0f * PI_F);
        arc(&p, 0.0f, 0.0f, 1.0f, urange(r, 0.8f, 1.2f), a0, a0 + 2.0f * PI_F + 0.3f);
        tap(&p, urange(r, -0.15f, 0.15f), urange(r, -0.15f, 0.15f));
        break;
    }
    case INK_SHAPE_HATCHING: {
        int n = 3 + (int)(ink_rng_uniform(r) * 5.0f);
        float slant = urange(r, 0.4f, 1.2f) * (coin(r, 0.5f) ? 1.0f : -1.0f);
        for (int i = 0; i < n; i++) {
            float x = -1.0f + 2.0f * (float)i / (float)(n - 1);
            line(&p, x - 0.25f * slant, 0.8f, x + 0.25f * slant, -0.8f);
        }
        break;
    }
    case INK_SHAPE_WAVE: {
        float periods = urange(r, 1.5f, 3.0f), amp = urange(r, 0.15f, 0.35f);
        float ph = urange(r, 0.0f, 2.0f * PI_F);
        p.rc |= ink_stroke_begin(d);
        for (int i = 0; i <= 64; i++) {
            float x = -1.0f + 2.0f * (float)i / 64.0f;
            put(&p, x, amp * sinf(ph + periods * PI_F * (x + 1.0f)), p.jitter);
        }
        break;
    }
    case INK_SHAPE_TRIANGLE: {
        float a0 = urange(r, -PI_F, PI_F), xy[8];
        for (int i = 0; i < 3; i++) {
            float a = a0 + (float)i * 2.0f * PI_F / 3.0f + urange(r, -0.25f, 0.25f);
            xy[2 * i] = cosf(a);
            xy[2 * i + 1] = sinf(a);
        }
        xy[6] = xy[0];
        xy[7] = xy[1];
        stroke(&p, xy, 4);
        break;
    }
    case INK_SHAPE_STAR: {
        float a0 = -PI_F / 2.0f + urange(r, -0.3f, 0.3f), xy[12];
        for (int i = 0; i <= 5; i++) { /* every second point of five: a pentagram */
            float a = a0 + (float)(2 * i % 5) * 2.0f * PI_F / 5.0f;
            xy[2 * i] = cosf(a);
            xy[2 * i + 1] = sinf(a);
        }
        stroke(&p, xy, 6);
        break;
    }
    case INK_SHAPE_TWO_DOTS: {
        float a = urange(r, 0.0f, 2.0f * PI_F), l = urange(r, 0.25f, 0.8f);
        tap(&p, -l * cosf(a), -l * sinf(a));
        tap(&p, l * cosf(a), l * sinf(a));
        break;
    }
    case INK_SHAPE_MARKS: {
        /* two or three marks of different kinds in a row, apart */
        int n = coin(r, 0.5f) ? 2 : 3, first = (int)(ink_rng_uniform(r) * 6.0f);
        int step = 1 + (int)(ink_rng_uniform(r) * 5.0f);
        float h = n == 2 ? urange(r, 0.3f, 0.4f) : urange(r, 0.2f, 0.27f);
        float a = coin(r, 0.7f) ? urange(r, -0.5f, 0.5f) : urange(r, 1.1f, 2.0f);
        float pitch = 2.0f * h + urange(r, 0.25f, 0.5f);
        for (int i = 0; i < n; i++) {
            float t = ((float)i - 0.5f * (float)(n - 1)) * pitch;
            small_mark(&p, (first + i * step) % 6, t * cosf(a), t * sinf(a), h);
        }
        break;
    }
    case INK_SHAPE_SPIRAL: {
        float turns = urange(r, 1.6f, 3.0f), a0 = urange(r, 0.0f, 2.0f * PI_F);
        float dir = coin(r, 0.5f) ? 1.0f : -1.0f;
        p.rc |= ink_stroke_begin(d);
        for (int i = 0, n = (int)(48.0f * turns); i <= n; i++) {
            float t = (float)i / (float)n, a = a0 + dir * t * turns * 2.0f * PI_F;
            float rad = 0.12f + 0.88f * t;
            put(&p, rad * cosf(a), rad * sinf(a), p.jitter);
        }
        break;
    }
    case INK_SHAPE_LOOPS: {
        int n = 3 + (int)(ink_rng_uniform(r) * 3.0f);
        float h = urange(r, 0.25f, 0.45f), lean = urange(r, -0.3f, 0.3f);
        p.rc |= ink_stroke_begin(d);
        for (int i = 0, m = 24 * n; i <= m; i++) { /* a prolate cycloid */
            float t = (float)i / (float)m * (float)n * 2.0f * PI_F;
            float x = -1.0f + 2.0f * t / ((float)n * 2.0f * PI_F) - 0.22f * sinf(t);
            float y = -h * cosf(t);
            put(&p, x + lean * y, y, p.jitter);
        }
        break;
    }
    case INK_SHAPE_GRID: {
        float g = urange(r, 0.25f, 0.45f), sl = urange(r, -0.2f, 0.2f);
        for (int i = -1; i <= 1; i += 2) {
            line(&p, -1.0f, (float)i * g + sl, 1.0f, (float)i * g - sl);
            line(&p, (float)i * g - sl, -1.0f, (float)i * g + sl, 1.0f);
        }
        break;
    }
    case INK_SHAPE_CHEVRON: {
        /* arms of about equal length, pointing left, right, up or down
         * and turned at most 12 degrees more: a one's flag is short beside
         * its stem, and a chevron turned further would be a seven's corner */
        float half = urange(r, 0.45f, 0.85f), dir = (float)(int)(ink_rng_uniform(r) * 4.0f);
        float a = dir * 0.5f * PI_F, l1 = urange(r, 0.8f, 1.0f), l2 = l1 * urange(r, 0.8f, 1.2f);
        float ax = 0.5f * cosf(a), ay = 0.5f * sinf(a);
        const float xy[] = {ax - l1 * cosf(a - half), ay - l1 * sinf(a - half), ax, ay,
                            ax - l2 * cosf(a + half), ay - l2 * sinf(a + half)};
        if (coin(r, 0.7f)) {
            stroke(&p, xy, 3);
        } else {
            line(&p, xy[0], xy[1], xy[2], xy[3]);
            line(&p, xy[2], xy[3], xy[4], xy[5]);
        }
        break;
    }
    case INK_SHAPE_LINES: {
        int n = coin(r, 0.6f) ? 3 : 4;
        float gap = urange(r, 0.3f, 0.5f);
        for (int i = 0; i < n; i++) {
            float y = ((float)i - 0.5f * (float)(n - 1)) * gap;
            line(&p, -urange(r, 0.6f, 1.0f), y + urange(r, -0.04f, 0.04f), urange(r, 0.6f, 1.0f), y);
        }
        break;
    }
    case INK_SHAPE_PAIR: {
        /* at least 30 degrees from level even after the pose's turn: two
         * level strokes would be an equals sign, which is held out */
        float gap = urange(r, 0.25f, 0.6f), slant = urange(r, -0.5f, 0.5f);
        float h = urange(r, 0.7f, 1.0f);
        for (int i = -1; i <= 1; i += 2)
            line(&p, (float)i * gap - slant * h, -h + urange(r, -0.1f, 0.1f),
                 (float)i * gap + slant * h, h + urange(r, -0.1f, 0.1f));
        break;
    }
    case INK_SHAPE_COUNT:
        return -1;
    }
    return p.rc ? -1 : 0;
}

/* --------------------------------------------------------------- styles */

static const char *const style_names[INK_STYLE_COUNT] = {
    "slashed 0", "1 with a foot", "1 with a long flag", "7 with a short top",
    "4 closed at the top"};
static const int style_digits[INK_STYLE_COUNT] = {0, 1, 1, 7, 4};

const char *ink_style_name(ink_style s)
{
    return (unsigned)s < INK_STYLE_COUNT ? style_names[s] : "?";
}

int ink_style_digit(ink_style s)
{
    return (unsigned)s < INK_STYLE_COUNT ? style_digits[s] : -1;
}

int ink_draw_style(ink_drawing *d, ink_style s, ink_rng *r)
{
    if ((unsigned)s >= INK_STYLE_COUNT)
        return -1;
    /* digits are upright, about 2 local units tall, slanted a little */
    pen p = pen_start(d, r, 240.0f, 420.0f, 10.0f);
    switch (s) {
    case INK_STYLE_ZERO_SLASHED: {
        float rx = urange(r, 0.45f, 0.7f), a0 = urange(r, -2.2f, -1.2f);
        arc(&p, 0.0f, 0.0f, rx, 1.0f, a0, a0 + 2.0f * PI_F + urange(r, 0.0f, 0.3f));
        /* from diagonal to nearly vertical, either way, through the middle */
        float t = urange(r, 0.05f, 0.75f) * (coin(r, 0.5f) ? 1.0f : -1.0f);
        float l = urange(r, 1.0f, 1.5f); /* often well past the ring */
        line(&p, l * sinf(t), -l * cosf(t), -l * sinf(t), l * cosf(t));
        break;
    }
    case INK_STYLE_ONE_FOOT: {
        float x = urange(r, -0.1f, 0.1f);
        if (coin(r, 0.7f)) { /* with a flag, in one stroke with the stem */
            const float xy[] = {x - urange(r, 0.25f, 0.5f), -1.0f + urange(r, 0.2f, 0.45f),
                                x, -1.0f, x, 1.0f};
            stroke(&p, xy, 3);
        } else {
            line(&p, x, -1.0f, x, 1.0f);
        }
        /* from a small serif to a base almost as wide as the digit is
         * tall: people write both */
        float w = urange(r, 0.25f, 0.9f);
        line(&p, x - w, 1.0f, x + w * urange(r, 0.8f, 1.2f), 1.0f);
        break;
    }
    case INK_STYLE_ONE_FLAG: {
        float x = urange(r, 0.0f, 0.2f);
        const float xy[] = {x - urange(r, 0.55f, 0.8f), -1.0f + urange(r, 0.45f, 0.8f),
                            x, -1.0f, x + urange(r, -0.1f, 0.05f), 1.0f};
        stroke(&p, xy, 3);
        break;
    }
    case INK_STYLE_SEVEN_SHORT: {
        float left = -urange(r, 0.15f, 0.4f), right = urange(r, 0.25f, 0.45f);
        float foot = urange(r, -0.2f, 0.15f);
        if (coin(r, 0.5f)) { /* a straight short bar */
            const float xy[] = {left, -1.0f + urange(r, 0.0f, 0.15f), right, -1.0f, foot, 1.0f};
            stroke(&p, xy, 3);
        } else { /* a curved top flowing into the stem */
            float xy[2 * 9];
            for (int i = 0; i < 7; i++) {
                float a = PI_F + (float)i / 6.0f * 0.5f * PI_F; /* left, over the top */
                xy[2 * i] = 0.5f * (left + right) + 0.5f * (right - left) * cosf(a);
                xy[2 * i + 1] = -0.75f + 0.25f * sinf(a);
            }
            xy[14] = right;
            xy[15] = -0.8f;
            xy[16] = foot;
            xy[17] = 1.0f;
            stroke(&p, xy, 9);
        }
        break;
    }
    case INK_STYLE_FOUR_CLOSED: {
        float sx = urange(r, 0.15f, 0.4f), by = urange(r, 0.15f, 0.4f);
        float lx = -urange(r, 0.5f, 0.75f);
        const float xy[] = {sx, -1.0f, lx, by, urange(r, 0.55f, 0.8f), by};
        stroke(&p, xy, 3);
        if (coin(r, 0.5f))
            line(&p, sx, -1.0f, sx + urange(r, -0.05f, 0.05f), 1.0f);
        else /* the stem drawn upwards, starting at the bottom */
            line(&p, sx + urange(r, -0.05f, 0.05f), 1.0f, sx, -1.0f);
        break;
    }
    case INK_STYLE_COUNT:
        return -1;
    }
    return p.rc ? -1 : 0;
}
