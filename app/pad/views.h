/* views.h — the window's looks inside the network (issue 15), without SDL:
 * which layers the layers view shows and under what names (from the
 * model's architecture), which 64 units of a wide layer, where every tile,
 * cell and bar goes, the pixels of the view (activations, first-layer
 * weights) as one ARGB picture, and the saliency overlay (gradient × input
 * or the input gradient, as red/blue) with its place on the canvas.
 * gui_views.c uploads and draws what this computes; tests/test_app_views.c
 * checks it without a display.
 *
 * Flow: app_update changed the input or the model -> dp_views_update
 * (forward with every layer kept, saliency) -> dp_views_paint (tiles into
 * the view's picture) -> the window draws the picture, the captions and
 * the bars at the places dp_views_place computed. */
#ifndef DIGITPAD_VIEWS_H
#define DIGITPAD_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "ink.h"
#include "layout.h"
#include "nn.h"

/* A layer with more units or maps than this shows its most active ones. */
#define DP_VIEW_MAX_UNITS 64
/* The weights view shows at most this many first-layer units or filters
 * (the seed's 100 hidden units all fit), the first ones by index, so a
 * tile stays the same unit while training changes it. */
#define DP_VIEW_MAX_WEIGHTS 100
/* A stage for the input, one per shown layer, one for the outputs. */
#define DP_VIEW_MAX_STAGES (NN_MAX_LAYERS + 1)

typedef enum dp_view_mode { DP_VIEW_OFF, DP_VIEW_LAYERS, DP_VIEW_WEIGHTS } dp_view_mode;

typedef enum dp_stage_kind {
    DP_STAGE_INPUT, /* the 28×28 input, one larger tile */
    DP_STAGE_MAPS,  /* c feature maps of h×w, a grid of tiles */
    DP_STAGE_CELLS, /* c units of a dense layer, a row of cells */
    DP_STAGE_BARS   /* the ten outputs, as bars */
} dp_stage_kind;

/* One row of the layers view: the output of one layer of the arch.  A conv
 * or dense layer followed by its activation is one stage (the activation's
 * output, named "conv32k5 · relu"); flatten is no stage. */
typedef struct dp_stage {
    dp_stage_kind kind;
    int layer;          /* index in the arch of the output shown; -1 input */
    char name[80];      /* from the spec: "conv32k5 · relu", "pool", "fc128 · relu" */
    char shape[64];     /* "32 maps 28×28", "128 units" */
    int c, h, w;        /* the layer's output shape */
    int n_shown;        /* c, or DP_VIEW_MAX_UNITS when c is larger */
    int shown[DP_VIEW_MAX_UNITS]; /* channels shown, ascending */
    /* Placement (dp_views_place), in drawable pixels. */
    dp_rect caption;    /* the stage's caption line */
    dp_rect body;       /* tiles, cells or bars */
    int tile_w, tile_h, cols, gap;
} dp_stage;

/* Everything the views need between frames.  Owned by the window; all
 * buffers are inside, so it is one plain value (no create/free). */
typedef struct dp_views {
    dp_view_mode mode;
    int saliency;       /* the overlay is on */
    int chosen;         /* -1: explain the top output (gradient × input);
                           0-9: that output's input gradient */
    /* The stages of the current model (dp_views_stages). */
    int n_stages;
    dp_stage stage[DP_VIEW_MAX_STAGES];
    /* The explorer's inspector (dp_views_place): beside the input tile, for
     * the pointed unit's filter or weights; w 0 when there is no room. */
    dp_rect inspect;
    /* Saliency of the current input: values in [-1, 1] (scaled so the
     * strongest pixel is ±1), valid when sal_valid; which output and
     * method they explain. */
    float sal[INK_INPUT_SIZE];
    int sal_valid, sal_output, sal_gradient_only;
    float sal_logit;
    int sal_method;             /* the method asked for (M cycles it): an
                                   nn_attr_method, or DP_SAL_BEST */
    nn_attr_method sal_shown;   /* the method sal holds */
    /* Where the 28×28 input lies on the canvas (dp_views_canvas_map): input
     * pixel (i, j) covers canvas pixels from map_x + i·map_px, map_y +
     * j·map_px, map_px wide; map_valid 0 for an empty canvas. */
    int map_valid;
    float map_x, map_y, map_px;
} dp_views;

/* The overlay's default: for each question the method that measured best
 * on MNIST test images (bench/bench_attr, docs/model.md): integrated
 * gradients for "why" (the deletion test), SmoothGrad for "why not" (the
 * insertion test). */
#define DP_SAL_BEST (-1)
nn_attr_method dp_saliency_best(int gradient_only);

/* Off, no overlay, explaining the top output. */
void dp_views_init(dp_views *v);

/* A layer's item of the spec as nn_arch_parse reads it, bias aside
 * ("conv32k5", "fc128", "pool", "relu"), into buf. */
void dp_layer_token(const nn_layer_spec *s, char *buf, size_t len);

/* Fills v->stage for model m (NULL: none) from its architecture and layer
 * shapes; the `shown` lists are 0..n_shown-1 until dp_views_select. */
void dp_views_stages(dp_views *v, const nn_model *m);

/* The k channels of data (c channels of hw values each) with the largest
 * mean |activation|, ties to the lower index, written to idx in ascending
 * order.  k is clamped to c; returns how many were written. */
int dp_top_active(const float *data, int c, int hw, int k, int *idx);

/* Chooses each stage's shown channels from the activations of one forward
 * pass (views[i] for layer i, as nn_forward_layers fills them). */
void dp_views_select(dp_views *v, const nn_layer_view *views);

/* Values into bytes: unsigned 0..max -> 0..255 (max <= 0: all 0), signed
 * -m..m -> 1..255 with 0 at 128 (m <= 0: all 128); clamped.  The scale is
 * the caller's, so a stage's tiles share one and stay comparable. */
void dp_bytes_unsigned(const float *x, size_t n, float max, uint8_t *out);
void dp_bytes_signed(const float *x, size_t n, float m, uint8_t *out);

/* ARGB (0xAARRGGBB) for a byte: a grey ramp between paper and ink for
 * activations; red above 128 (pushes up, positive) and blue below (down,
 * negative) for signed values, grey-dark at 128.  The overlay colour has
 * alpha growing with |v| so the drawing shows through where nothing
 * matters. */
uint32_t dp_argb_grey(uint8_t v);
uint32_t dp_argb_diverging(uint8_t v);
uint32_t dp_argb_overlay(float s);  /* s in [-1, 1] */

/* Lays the stages out in `area` (the panel): captions cap_h high, the
 * input tile, one tile size for every map stage (the largest that fits,
 * from a quarter of the width, at most 96 px, down to 4 px), cells in
 * rows, bars at the bottom.  Room left over goes to the input tile first
 * (up to a third of the width, whole px per pixel), which also gives the
 * inspector beside it its height, then to the bars (up to a third of the
 * height).  Returns 0, or -1 when even the smallest tiles do not fit
 * (stages then clipped to the area). */
int dp_views_place(dp_views *v, dp_rect area, int cap_h, int gap);

/* The output whose bar holds drawable pixel (px, py) in the layers view's
 * bar stage, or -1. */
int dp_views_bar_at(const dp_views *v, int px, int py);
/* The rectangle of output d's bar in the bar stage (for tests and clicks). */
dp_rect dp_views_bar_rect(const dp_views *v, int d);

/* The rows of the window's own bar chart (gui_draw_panel.c's gui_draw_bars and the
 * click that chooses an output share this): the first row's top and the
 * row height inside the bars' card (l->bars, or its lower part while the
 * training card sits above it), below the card's padding and caption. */
#define DP_BARS_PAD 14     /* design pixels (layout.h) */
#define DP_BARS_CAPTION 26
void dp_bar_rows(const dp_layout *l, dp_rect bars, int *top, int *row_h);

/* Paints the layers view's tiles and cells into argb (area.w × area.h,
 * row pitch in pixels; area's own coordinates are subtracted): the input
 * (with the saliency overlay blended in when on) and each stage's shown
 * channels, one scale per stage.  views as from nn_forward_layers; input
 * is the 28×28 network input.  Background pixels get `bg`. */
void dp_views_paint_layers(const dp_views *v, const nn_layer_view *views, const float *input,
                           dp_rect area, uint32_t *argb, int pitch, uint32_t bg);

/* ----------------------------------------- the weights of a layer (W) */

/* How a weighted layer's weights are drawn (views_weights.c decides,
 * views_paint.c paints): pictures of ph×pw values, per_unit per unit. */
typedef enum dp_wpage_kind {
    DP_WPAGE_FILTERS, /* conv on one input channel: each filter, k×k */
    DP_WPAGE_KERNELS, /* conv on several: per output map the kernels of its
                         DP_WPAGE_TOP strongest input channels (by Σ|w|) */
    DP_WPAGE_IMAGE,   /* dense on the 28×28 input: each unit's weights as
                         a 28×28 image */
    DP_WPAGE_MAPSUM,  /* dense on c maps of h×w (a flatten between): each
                         unit's weights summed over the c maps, h×w */
    DP_WPAGE_MATRIX   /* dense on units: the whole matrix, a row a unit */
} dp_wpage_kind;

#define DP_WPAGE_TOP 3

typedef struct dp_wpage {
    int layer;              /* arch index of the weighted layer; -1: none */
    dp_wpage_kind kind;
    int units;              /* the layer's units or output maps */
    int shown;              /* the first `shown` units are drawn (at most
                               DP_VIEW_MAX_WEIGHTS; a matrix: every row) */
    int per_unit;           /* pictures per unit: DP_WPAGE_TOP (fewer
                               input channels: that many) for KERNELS, else 1 */
    int ph, pw;             /* one picture's rows and columns */
    int in_c, in_h, in_w;   /* the layer's input as maps (a flatten undone) */
} dp_wpage;

/* The arch indices of m's weighted layers (conv, dense) in order, at most
 * max written; returns how many there are (0 for NULL). */
int dp_weights_layers(const nn_model *m, int *layers, int max);
/* Layer i's weight tensor ("i.weight", borrowed from m); 0, or -1 when it
 * has none or m is NULL. */
int dp_weights_tensor(const nn_model *m, int i, nn_tensor *t);
/* Describes how layer `layer` of m is drawn; 0, or -1 (pg->layer -1) for
 * no model, a bad index or a layer without weights. */
int dp_weights_page(const nn_model *m, int layer, dp_wpage *pg);
/* The ph×pw values of picture `slot` of unit `unit` into out: a filter,
 * the slot-th strongest input channel's kernel (*channel gets the channel;
 * -1 where there is none to name), a unit's weights, or their sum over
 * the maps.  0, or -1 for an index out of range. */
int dp_weights_picture(const nn_model *m, const dp_wpage *pg, int unit, int slot, float *out,
                       int *channel);
/* Filter o's kernel for input channel c of conv layer `layer` (k×k
 * values) into out; 0, or -1 for no such layer, filter or channel. */
int dp_weights_kernel(const nn_model *m, int layer, int o, int c, float *out);
/* The largest |value| the page can show (every weight of the layer; the
 * sums for MAPSUM), 1 when all are 0: the colour range the window fixes
 * for the session, so a change while training is real change. */
float dp_weights_range(const nn_model *m, const dp_wpage *pg);
/* The input channels that fed pixel (x, y) of conv layer `layer`'s output
 * map o most: in is that layer's input (c×h×w, the layer before's output
 * or the 28×28 input), the contribution of channel c is the sum over the
 * k×k window of weight × input (zeros outside the map, bias aside).  Up to
 * n channels into ch and their signed contributions into val, the largest
 * |contribution| first; returns how many (0 for a bad layer or pixel). */
int dp_conv_contrib(const nn_model *m, int layer, const float *in, int o, int x, int y, int n,
                    int *ch, float *val);

/* Where dp_views_paint_weights put the pictures: unit u's picture s is
 * dp_wlayout_tile's rectangle. */
typedef struct dp_wlayout {
    int x0, y0;             /* unit 0's first picture, drawable px */
    int tile_w, tile_h;     /* one picture: whole screen px per value
                               where it is at least as large as the values */
    int cols;               /* units in a row */
    int step_x, step_y;     /* from a unit to the next in a row / column */
    int gap;                /* between a unit's pictures */
} dp_wlayout;
dp_rect dp_wlayout_tile(const dp_wlayout *l, int unit, int slot);

/* The light frame around each weights tile (in gaps of 2 px or more). */
#define DP_ARGB_WEIGHT_FRAME 0xFF5A606Eu
/* Paints page pg of m into argb (area.w × area.h, row pitch in pixels;
 * area's own coordinates are subtracted), below a caption line cap_h
 * high, gaps of `gap` (units of several pictures get twice that between
 * them), signed red/blue on ±range (range > 0; values beyond it are
 * clamped).  Background pixels get bg.  *out (if non-NULL) gets the
 * places.  0, or -1 (nothing but bg) without a page or memory. */
int dp_views_paint_weights(const nn_model *m, const dp_wpage *pg, dp_rect area, int cap_h,
                           int gap, uint32_t *argb, int pitch, uint32_t bg, float range,
                           dp_wlayout *out);
/* The explorer's inspector: n pictures of ph×pw values (pics[i]) side by
 * side in area, label_h left free above each for its label, as large as
 * fits at whole screen px per value, each framed, on ±range; where[i]
 * gets each picture's rectangle (drawable px).  Returns how many fitted
 * (0: none, the area is too small). */
int dp_views_paint_pictures(const float *const *pics, int n, int ph, int pw, float range,
                            dp_rect area, int label_h, int gap, uint32_t *argb, int pitch,
                            uint32_t bg, dp_rect *where);

/* Recomputes the saliency for input x on model m by v->sal_method (its
 * best method when DP_SAL_BEST): output
 * k = v->chosen, or the top output `top` when chosen is -1; "why" for the
 * top, "what moves it" for a chosen output (dp_saliency).  Scaled to
 * [-1, 1].  0, or -1 with the library's message in err (sal_valid 0).
 * The window runs dp_saliency off its thread and stores the result with
 * dp_views_saliency_set; tests call this. */
int dp_views_saliency(dp_views *v, const nn_model *m, const float *x, int top, nn_error *err);
/* Stores a finished dp_saliency result for output k by method (sal_valid 1). */
void dp_views_saliency_set(dp_views *v, const float sal[INK_INPUT_SIZE], float logit, int k,
                           int gradient_only, nn_attr_method method);

/* The attribution of output k's logit (nn_input_attribution) by method:
 * for "why" (gradient_only 0) which drawn pixels pushed it up or down:
 * attribution × input for raw and SmoothGrad, integrated gradients as they
 * are; for "what moves it" (gradient_only 1) where ink would raise or lower
 * it, blank pixels included: the raw or SmoothGrad gradient, or the mean
 * gradient along IG's path.  Scaled so the strongest pixel is ±1 (all 0
 * when nothing matters): the one home of the saliency rule, shared by the
 * window, --saliency and the attribution benchmark.  SmoothGrad's noise
 * uses a fixed seed, so the same drawing gives the same picture.  *logit
 * (if non-NULL) gets z_k.  NN_OK or the library's status. */
nn_status dp_saliency(const nn_model *m, const float *x, int k, int gradient_only,
                      nn_attr_method method, float out[INK_INPUT_SIZE], float *logit,
                      nn_error *err);
/* The unscaled values dp_saliency scales (for measurements that compare
 * magnitudes, not pictures). */
nn_status dp_attribution(const nn_model *m, const float *x, int k, int gradient_only,
                         nn_attr_method method, float out[INK_INPUT_SIZE], float *logit,
                         nn_error *err);
/* "SmoothGrad", "raw gradient", "integrated gradients": the legend's name. */
const char *dp_saliency_method_label(nn_attr_method method);

/* ------------------------------------------------ pointing at a unit */

/* One unit of the layers view: stage s of v->stage, channel c of that
 * stage's layer, and for a map its pixel (x, y) (0, 0 for a dense unit or
 * an output).  stage -1: none. */
typedef struct dp_unit {
    int stage, c, x, y;
} dp_unit;

/* The unit under drawable pixel (px, py) in the placed layers view (input
 * pixels, map pixels, cells and bars), or stage -1 when none is there. */
dp_unit dp_views_unit_at(const dp_views *v, int px, int py);

/* The unit the arrow keys reach from u (the explorer's keyboard
 * pointing): dx -1/+1 the unit before / after along a row (a map's pixel
 * row continues into the next shown map's; cells and outputs one by
 * one), dy -1/+1 the pixel row above / below, off a map's edge (or from
 * cells and outputs) the stage above / below; jump (Shift) moves a whole
 * map along, or a whole stage up or down, at once.  Entering a stage
 * keeps the channel where it is shown (conv -> pool), else its place in
 * the list, and the pixel's place in the map.  Stops at the first and
 * last unit.  From no unit (stage -1): the first layer's first shown
 * unit, its middle pixel. */
dp_unit dp_views_step(const dp_views *v, dp_unit u, int dx, int dy, int jump);

/* The input pixels that can reach unit u (its receptive field), as an
 * inclusive box in 28×28 input coordinates: convolutions (odd k, same
 * padding) widen it by k/2 on each side, pools double it, a dense layer
 * sees the whole input.  0, or -1 for no unit or model. */
int dp_views_receptive(const dp_views *v, const nn_model *m, dp_unit u, int *x0, int *y0,
                       int *x1, int *y1);

/* What feeds unit u, strongest first: for a dense unit or an output its
 * incoming weights (index = input unit, or flattened input pixel / map
 * pixel), for a conv map pixel the summed |weight| of its filter per input
 * channel (index = input channel, value = the sum of that channel's
 * weights).  Up to n of the largest positive values into pos and of the
 * most negative into neg (count written to *npos, *nneg); idx/val pairs.
 * 0, or -1 when u has no weights (input, pool, activation) or is a conv
 * on a single input channel (the filter then is all there is to say). */
int dp_views_inputs(const dp_views *v, const nn_model *m, dp_unit u, int n, int *pos_idx,
                    float *pos_val, int *npos, int *neg_idx, float *neg_val, int *nneg);

/* Where the network's 28×28 input lies on a canvas of side×side pixels
 * holding the drawing: ink_normalize's crop, scale and centre of mass
 * (ink_normalize_placement) measured on these pixels, so
 * the overlay sits on the ink it explains (to within a pixel or so: the
 * network's input is rendered with the drawing's own brush). */
void dp_views_canvas_map(dp_views *v, const float *pix, int side);

#endif
