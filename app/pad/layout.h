/* layout.h — where the window's parts go: every box in drawable (renderer
 * output) pixels, computed from the output size alone, so resizing and
 * HiDPI need no special cases; and the mappings between window, drawable
 * and the 1000-unit ink box of the canvas.  No SDL here. */
#ifndef DIGITPAD_LAYOUT_H
#define DIGITPAD_LAYOUT_H

#define DP_DEFAULT_W 1000 /* the window's default size, window units */
#define DP_DEFAULT_H 640
#define DP_PORTRAIT_W 720 /* the design of a tall window: scale 1 here */
#define DP_PORTRAIT_H 1000
#define DP_MIN_W 480 /* the least window on a 1x screen */
#define DP_MIN_H 320

typedef struct dp_rect {
    int x, y, w, h;
} dp_rect;

typedef struct dp_layout {
    int out_w, out_h;  /* renderer output size */
    float scale;       /* UI scale: 1.0 at the default window (DP_PORTRAIT_W ×
                          DP_PORTRAIT_H when portrait) on a 1x screen */
    float ui;          /* the display's scale factor (uiscale.h) the scale's
                          bounds and the least sizes are multiplied by */
    float px_per_win;  /* drawable pixels per window coordinate (HiDPI) */
    int portrait;      /* 1: the panel is below the canvas, 0: beside it */
    dp_rect canvas;    /* the square drawing area */
    dp_rect panel;     /* beside (landscape) or below (portrait) the canvas;
                          holds head, bars and tools */
    dp_rect head;      /* top of the panel: big digit + previews */
    dp_rect bars;      /* the ten bars (shared with the training panel:
                          dp_layout_split_train) */
    dp_rect tools;     /* the row of on-screen buttons (buttons.h) */
    dp_rect status;    /* bottom line */
} dp_layout;

/* Computes every box for a drawable of out_w × out_h pixels in a window
 * win_w units wide: the panel goes beside the canvas or below it,
 * whichever leaves the larger canvas.  0, or -1 (l untouched) when a size
 * is below 1. */
int dp_layout_compute(dp_layout *l, int out_w, int out_h, int win_w);
/* The same on a display of scale factor ui (uiscale.h; 1: as above): the
 * layout of an out_w/ui × out_h/ui drawable, ui times larger, so a 2x
 * screen's least window (DP_MIN_W × DP_MIN_H times 2) looks as a 1x
 * screen's does.  -1 also when ui is not positive. */
int dp_layout_compute_ui(dp_layout *l, int out_w, int out_h, int win_w, float ui);

/* Explorer mode (the layers view, V): the network takes most of the
 * window, the canvas stays drawable as a smaller square (about 3/10 of the
 * width beside the panel, or of the height above it); the panel gets the
 * rest and its boxes are stacked again.  Call after dp_layout_compute. */
void dp_layout_explorer(dp_layout *l);

/* Where the training panel (G) goes: the upper part of the bars' box when
 * that is tall enough for both (returns 1, *bars gets the rest), else the
 * whole box (returns 0, the bars give way and *bars is the empty rect).
 * The head (digit, preview, unsure) stays either way. */
int dp_layout_split_train(const dp_layout *l, dp_rect *train, dp_rect *bars);

/* v design pixels (at the default window on a 1x screen) in drawable
 * pixels under this layout's scale. */
int dp_layout_px(const dp_layout *l, float v);

/* Drawable pixel -> ink box, clamped to the box. */
void dp_layout_to_box(const dp_layout *l, float px, float py, float *bx, float *by);

/* Drawable pixel -> ink box, not clamped (outside the canvas the values
 * fall outside 0..INK_BOX). */
void dp_layout_to_box_raw(const dp_layout *l, float px, float py, float *bx, float *by);

/* Clips the segment (x0,y0)-(x1,y1), in ink box units, to the box (Liang-
 * Barsky): 1 with the visible part written back, 0 (untouched) when no
 * part lies in the box.  A pen that leaves the canvas lifts at the edge
 * and comes down again where it re-enters, instead of being flattened
 * along the edge. */
int dp_clip_segment(float *x0, float *y0, float *x1, float *y1);

/* 1 if the drawable pixel lies in r / on the canvas. */
int dp_rect_contains(dp_rect r, float px, float py);
int dp_layout_in_canvas(const dp_layout *l, float px, float py);

/* Ink box -> drawable pixel (not clamped). */
void dp_layout_box_to_px(const dp_layout *l, float bx, float by, float *px, float *py);

/* Ink box -> window coordinates (the units of mouse events), rounded. */
void dp_layout_box_to_window(const dp_layout *l, float bx, float by, int *wx, int *wy);

#endif
