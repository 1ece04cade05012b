/* layout.c — the window's boxes and coordinate mappings (see layout.h).
 * All sizes are design pixels (the default window on a 1x screen) times
 * the layout's scale. */
#include "layout.h"

#include <math.h>

#include "ink.h"

/* Design sizes. */
enum {
    L_MARGIN = 20,
    L_STATUS = 40,     /* the status line, with its gap above */
    L_HEAD = 216,      /* digit + preview card */
    L_HEAD_P = 180,    /* the same below the canvas, where it is wide */
    L_TOOLS = 44,      /* the button row: a finger's width */
    L_PANEL_W = 300,   /* the narrowest panel beside the canvas */
    L_BARS_MIN = 190,  /* the lowest bars card (beside the training card) */
    L_BARS_P = 230,    /* the lowest bars card below the canvas */
    L_TRAIN_MIN = 210  /* the lowest training card beside the bars */
};

int dp_layout_px(const dp_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

/* Stacks head, bars and tools in the panel p. */
static void fill_panel(dp_layout *l, dp_rect p, int m)
{
    int tools_h = dp_layout_px(l, L_TOOLS);
    int head_h = dp_layout_px(l, l->portrait ? L_HEAD_P : L_HEAD);
    if (head_h > p.h * 2 / 5)
        head_h = p.h * 2 / 5;
    l->head = (dp_rect){p.x, p.y, p.w, head_h};
    l->tools = (dp_rect){p.x, p.y + p.h - tools_h, p.w, tools_h};
    int bars_y = p.y + head_h + m, bars_h = l->tools.y - m - bars_y;
    l->bars = (dp_rect){p.x, bars_y, p.w, bars_h < 1 ? 1 : bars_h};
}

/* The UI scale for a design window of dw × dh: 1.0 at that size, kept
 * within 0.5 .. 4 times the display's factor ui. */
static float scale_for(int ow, int oh, float dw, float dh, float ui)
{
    float s = fminf((float)ow / dw, (float)oh / dh);
    return s < 0.5f * ui ? 0.5f * ui : s > 4.0f * ui ? 4.0f * ui : s;
}

/* One orientation: the panel beside the canvas (portrait 0, the design
 * window DP_DEFAULT_W × DP_DEFAULT_H) or below it (portrait 1, a design
 * window of DP_PORTRAIT_W × DP_PORTRAIT_H, so a tall window's text and
 * buttons are not drawn at a landscape window's scale). */
static void compute(dp_layout *l, int ow, int oh, int portrait)
{
    l->portrait = portrait;
    l->scale = portrait ? scale_for(ow, oh, DP_PORTRAIT_W, DP_PORTRAIT_H, l->ui)
                        : scale_for(ow, oh, DP_DEFAULT_W, DP_DEFAULT_H, l->ui);
    int m = dp_layout_px(l, L_MARGIN), status_h = dp_layout_px(l, L_STATUS);
    int avail_h = oh - 2 * m - status_h;
    int side;
    if (portrait) {
        int panel_h = dp_layout_px(l, L_HEAD_P) + dp_layout_px(l, L_BARS_P) +
                      dp_layout_px(l, L_TOOLS) + 2 * m;
        side = ow - 2 * m < avail_h - m - panel_h ? ow - 2 * m : avail_h - m - panel_h;
    } else {
        /* Text never shrinks below 8 px times ui (gui_paint.c), so at
         * the smallest scales the panel needs more than its share of the
         * design. */
        int panel_w = dp_layout_px(l, L_PANEL_W), least = (int)lroundf(190.0f * l->ui);
        if (panel_w < least)
            panel_w = least;
        side = avail_h < ow - 3 * m - panel_w ? avail_h : ow - 3 * m - panel_w;
    }
    if (side < 28)
        side = 28;
    if (portrait) {
        l->canvas = (dp_rect){(ow - side) / 2, m, side, side};
        int py = m + side + m;
        int ph = oh - m - status_h - py;
        l->panel = (dp_rect){m, py, ow - 2 * m, ph < 1 ? 1 : ph};
    } else {
        int top = m + (avail_h - side) / 2;
        if (top < m)
            top = m;
        l->canvas = (dp_rect){m, top, side, side};
        int px = m + side + m;
        int pw = ow - px - m;
        l->panel = (dp_rect){px, top, pw < 1 ? 1 : pw, side};
    }
    fill_panel(l, l->panel, m);
    int gap = dp_layout_px(l, 8);
    l->status = (dp_rect){m, oh - m - status_h + gap, ow - 2 * m, status_h - gap};
}

int dp_layout_compute(dp_layout *out, int ow, int oh, int ww)
{
    return dp_layout_compute_ui(out, ow, oh, ww, 1.0f);
}

int dp_layout_compute_ui(dp_layout *out, int ow, int oh, int ww, float ui)
{
    if (ow < 1 || oh < 1 || ww < 1 || !(ui > 0.0f))
        return -1;
    dp_layout land, port;
    land.ui = port.ui = ui;
    land.out_w = port.out_w = ow;
    land.out_h = port.out_h = oh;
    land.px_per_win = port.px_per_win = (float)ow / (float)ww;
    compute(&land, ow, oh, 0);
    compute(&port, ow, oh, 1);
    /* Whichever leaves the larger canvas. */
    *out = port.canvas.w > land.canvas.w ? port : land;
    return 0;
}

void dp_layout_explorer(dp_layout *l)
{
    int m = dp_layout_px(l, L_MARGIN), status_h = dp_layout_px(l, L_STATUS);
    int ow = l->out_w, oh = l->out_h, avail_h = oh - 2 * m - status_h;
    if (l->portrait) {
        int side = ow - 2 * m < avail_h * 3 / 10 ? ow - 2 * m : avail_h * 3 / 10;
        side = side < 28 ? 28 : side;
        l->canvas = (dp_rect){(ow - side) / 2, m, side, side};
        int py = 2 * m + side, ph = oh - m - status_h - py;
        l->panel = (dp_rect){m, py, ow - 2 * m, ph < 1 ? 1 : ph};
    } else {
        int side = (ow - 3 * m) * 3 / 10 < avail_h ? (ow - 3 * m) * 3 / 10 : avail_h;
        side = side < 28 ? 28 : side;
        l->canvas = (dp_rect){m, m, side, side};
        int pw = ow - side - 3 * m;
        l->panel = (dp_rect){2 * m + side, m, pw < 1 ? 1 : pw, avail_h < 1 ? 1 : avail_h};
    }
    fill_panel(l, l->panel, m);
}

int dp_layout_split_train(const dp_layout *l, dp_rect *train, dp_rect *bars)
{
    dp_rect b = l->bars;
    int m = dp_layout_px(l, L_MARGIN);
    int train_h = dp_layout_px(l, L_TRAIN_MIN), bars_min = dp_layout_px(l, L_BARS_MIN);
    if (b.h < train_h + m + bars_min) {
        *train = b;
        *bars = (dp_rect){b.x, b.y, 0, 0};
        return 0;
    }
    /* The bars keep their least height, the rest goes to the plot. */
    int th = b.h - m - bars_min;
    if (th > b.h / 2)
        th = (b.h - m) / 2;
    *train = (dp_rect){b.x, b.y, b.w, th};
    *bars = (dp_rect){b.x, b.y + th + m, b.w, b.h - th - m};
    return 1;
}

void dp_layout_to_box_raw(const dp_layout *l, float px, float py, float *bx, float *by)
{
    const dp_rect *c = &l->canvas;
    *bx = (px - (float)c->x) / (float)c->w * INK_BOX;
    *by = (py - (float)c->y) / (float)c->h * INK_BOX;
}

void dp_layout_to_box(const dp_layout *l, float px, float py, float *bx, float *by)
{
    float x, y;
    dp_layout_to_box_raw(l, px, py, &x, &y);
    const float hi = INK_BOX - 0.01f;
    *bx = x < 0.0f ? 0.0f : x > hi ? hi : x;
    *by = y < 0.0f ? 0.0f : y > hi ? hi : y;
}

int dp_clip_segment(float *x0, float *y0, float *x1, float *y1)
{
    const float lo = 0.0f, hi = INK_BOX - 0.01f;
    float dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0.0f, t1 = 1.0f;
    /* p·t <= q for each of the four edges. */
    const float p[4] = {-dx, dx, -dy, dy};
    const float q[4] = {*x0 - lo, hi - *x0, *y0 - lo, hi - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0f) {
            if (q[i] < 0.0f)
                return 0; /* parallel to this edge and outside it */
            continue;
        }
        float t = q[i] / p[i];
        if (p[i] < 0.0f) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    /* An end that was not cut stays exactly as it was (x0 + 1·dx need not
     * give x1 back in floating point). */
    float ax = t0 > 0.0f ? *x0 + t0 * dx : *x0, ay = t0 > 0.0f ? *y0 + t0 * dy : *y0;
    float bx = t1 < 1.0f ? *x0 + t1 * dx : *x1, by = t1 < 1.0f ? *y0 + t1 * dy : *y1;
    /* Rounding may leave an end a hair outside: clamp it in. */
    *x0 = ax < lo ? lo : ax > hi ? hi : ax;
    *y0 = ay < lo ? lo : ay > hi ? hi : ay;
    *x1 = bx < lo ? lo : bx > hi ? hi : bx;
    *y1 = by < lo ? lo : by > hi ? hi : by;
    return 1;
}

int dp_rect_contains(dp_rect r, float px, float py)
{
    return px >= (float)r.x && py >= (float)r.y && px < (float)(r.x + r.w) &&
           py < (float)(r.y + r.h);
}

int dp_layout_in_canvas(const dp_layout *l, float px, float py)
{
    return dp_rect_contains(l->canvas, px, py);
}

void dp_layout_box_to_px(const dp_layout *l, float bx, float by, float *px, float *py)
{
    const dp_rect *c = &l->canvas;
    *px = (float)c->x + bx / INK_BOX * (float)c->w;
    *py = (float)c->y + by / INK_BOX * (float)c->h;
}

void dp_layout_box_to_window(const dp_layout *l, float bx, float by, int *wx, int *wy)
{
    float px, py;
    dp_layout_box_to_px(l, bx, by, &px, &py);
    *wx = (int)lroundf(px / l->px_per_win);
    *wy = (int)lroundf(py / l->px_per_win);
}
