/* layout.h — where the window's parts go: every box in drawable (renderer
 * output) pixels, computed from the output size alone, so resizing and
 * HiDPI need no special cases; and the mappings between window, drawable
 * and the 1000-unit ink box of the canvas.  No SDL here. */
#ifndef DIGITPAD_LAYOUT_H
#define DIGITPAD_LAYOUT_H

#define DP_DEFAULT_W 1000 /* the window's default size, window units */
#define DP_DEFAULT_H 640

typedef struct dp_rect {
    int x, y, w, h;
} dp_rect;

typedef struct dp_layout {
    int out_w, out_h;  /* renderer output size */
    float scale;       /* UI scale: 1.0 at the default window on a 1x screen */
    float px_per_win;  /* drawable pixels per window coordinate (HiDPI) */
    dp_rect canvas;    /* the square drawing area */
    dp_rect panel;     /* the right-hand column */
    dp_rect head;      /* top of the panel: big digit + previews, or the
                          training panel while it is shown */
    dp_rect bars;      /* the ten bars */
    dp_rect status;    /* bottom line */
} dp_layout;

/* Computes every box for a drawable of out_w × out_h pixels in a window
 * win_w units wide.  0, or -1 (l untouched) when a size is below 1. */
int dp_layout_compute(dp_layout *l, int out_w, int out_h, int win_w);

/* v design pixels (at the default window on a 1x screen) in drawable
 * pixels under this layout's scale. */
int dp_layout_px(const dp_layout *l, float v);

/* Drawable pixel -> ink box, clamped to the box so a stroke leaving the
 * canvas runs along its edge instead of ending. */
void dp_layout_to_box(const dp_layout *l, float px, float py, float *bx, float *by);

/* 1 if the drawable pixel lies on the canvas. */
int dp_layout_in_canvas(const dp_layout *l, float px, float py);

/* Ink box -> drawable pixel (not clamped). */
void dp_layout_box_to_px(const dp_layout *l, float bx, float by, float *px, float *py);

/* Ink box -> window coordinates (the units of mouse events), rounded. */
void dp_layout_box_to_window(const dp_layout *l, float bx, float by, int *wx, int *wy);

#endif
