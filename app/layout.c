/* layout.c — the window's boxes and coordinate mappings (see layout.h). */
#include "layout.h"

#include <math.h>

#include "ink.h"

int dp_layout_px(const dp_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

int dp_layout_compute(dp_layout *out, int ow, int oh, int ww)
{
    if (ow < 1 || oh < 1 || ww < 1)
        return -1;
    dp_layout lay, *l = &lay;
    l->out_w = ow;
    l->out_h = oh;
    l->px_per_win = (float)ow / (float)ww;
    float s = fminf((float)ow / DP_DEFAULT_W, (float)oh / DP_DEFAULT_H);
    l->scale = s < 0.5f ? 0.5f : s > 4.0f ? 4.0f : s;

    int m = dp_layout_px(l, 20), status_h = dp_layout_px(l, 40),
        panel_min = dp_layout_px(l, 300);
    int avail_h = oh - 2 * m - status_h;
    int side = avail_h;
    if (side > ow - 3 * m - panel_min)
        side = ow - 3 * m - panel_min;
    if (side < 28)
        side = 28;
    int top = m + (avail_h - side) / 2;
    if (top < m)
        top = m;
    l->canvas = (dp_rect){m, top, side, side};
    int px = m + side + m;
    int pw = ow - px - m;
    if (pw < 1)
        pw = 1;
    l->panel = (dp_rect){px, top, pw, side};
    int head_h = dp_layout_px(l, 216);
    if (head_h > side / 2)
        head_h = side / 2;
    l->head = (dp_rect){px, top, pw, head_h};
    l->bars = (dp_rect){px, top + head_h + m, pw, side - head_h - m};
    int gap = dp_layout_px(l, 8);
    l->status = (dp_rect){m, oh - m - status_h + gap, ow - 2 * m, status_h - gap};
    *out = lay;
    return 0;
}

void dp_layout_to_box(const dp_layout *l, float px, float py, float *bx, float *by)
{
    const dp_rect *c = &l->canvas;
    float x = (px - (float)c->x) / (float)c->w * INK_BOX;
    float y = (py - (float)c->y) / (float)c->h * INK_BOX;
    const float hi = INK_BOX - 0.01f;
    *bx = x < 0.0f ? 0.0f : x > hi ? hi : x;
    *by = y < 0.0f ? 0.0f : y > hi ? hi : y;
}

int dp_layout_in_canvas(const dp_layout *l, float px, float py)
{
    const dp_rect *c = &l->canvas;
    return px >= (float)c->x && py >= (float)c->y && px < (float)(c->x + c->w) &&
           py < (float)(c->y + c->h);
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
