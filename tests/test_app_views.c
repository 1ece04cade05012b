/* test_app_views.c — the window's looks inside the network without a
 * display (app/pad/views.h): stages named from the arch for the presets and a
 * free spec, the top-64 choice against brute force, byte scaling and
 * colours, placement (inside the area, no overlaps, bars found by a
 * click), the painted pixels of the layers and weights views, the
 * saliency rule against nn_input_gradient, and the overlay's place on the
 * canvas against ink_normalize's own result. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ink.h"
#include "keys.h"
#include "nn.h"
#include "views.h"

static nn_model *make(const char *spec, uint64_t seed)
{
    nn_arch a;
    nn_error e;
    if (nn_arch_parse(spec, &a, &e) != NN_OK) {
        fprintf(stderr, "%s: %s\n", spec, e.msg);
        return NULL;
    }
    nn_model *m = nn_model_create(&a, &e);
    if (m)
        nn_model_init_params(m, NN_INIT_AUTO, seed);
    return m;
}

/* A "1": a vertical bar of ink in the 28×28 input. */
static void one_input(float *x)
{
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        x[i] = (i % 28 >= 13 && i % 28 <= 15 && i / 28 >= 4 && i / 28 <= 23) ? 1.0f : 0.0f;
}

/* A cnn (seed) and one forward pass of the "1" keeping every layer: the
 * model, its workspace (*ws, the caller frees both), x the input. */
static nn_model *cnn_forward(uint64_t seed, nn_workspace **ws, float *x, nn_layer_view *lv)
{
    nn_model *m = make("cnn", seed);
    nn_error e;
    *ws = m ? nn_workspace_create(m, 1, &e) : NULL;
    one_input(x);
    CHECK(*ws && nn_forward_layers(m, *ws, x, lv, &e) == NN_OK);
    return m;
}

/* The views of a cnn (seed 3) placed in a 900×900 area. */
static nn_model *placed_cnn(dp_views *v)
{
    dp_views_init(v);
    nn_model *m = make("cnn", 3);
    dp_views_stages(v, m);
    CHECK(dp_views_place(v, (dp_rect){0, 0, 900, 900}, 17, 2) == 0);
    return m;
}

/* ---------------------------------------------------------------- stages */

static void test_stages(void)
{
    static dp_views v;
    dp_views_init(&v);
    CHECK(v.mode == DP_VIEW_OFF && v.chosen == -1 && !v.saliency);

    nn_model *m = make("seed", 1);
    dp_views_stages(&v, m);
    CHECK(v.n_stages == 3);
    CHECK(v.stage[0].kind == DP_STAGE_INPUT && v.stage[0].layer == -1);
    CHECK(strcmp(v.stage[1].name, "fc100 \xC2\xB7 sigmoid") == 0);
    CHECK(v.stage[1].kind == DP_STAGE_CELLS && v.stage[1].c == 100);
    CHECK(v.stage[1].n_shown == DP_VIEW_MAX_UNITS); /* more than 64: 64 shown */
    CHECK(strcmp(v.stage[1].shape, "100 units") == 0);
    CHECK(v.stage[2].kind == DP_STAGE_BARS && v.stage[2].c == 10 && v.stage[2].layer == 3);
    nn_model_free(m);

    m = make("mlp", 1);
    dp_views_stages(&v, m);
    CHECK(v.n_stages == 4);
    CHECK(strcmp(v.stage[1].name, "fc256 \xC2\xB7 relu") == 0 && v.stage[1].n_shown == 64);
    CHECK(strcmp(v.stage[2].name, "fc128 \xC2\xB7 relu") == 0 && v.stage[2].c == 128);
    nn_model_free(m);

    m = make("cnn", 1);
    dp_views_stages(&v, m);
    const char *names[] = {"input", "conv32k5 \xC2\xB7 relu", "pool", "conv64k5 \xC2\xB7 relu",
                           "pool", "fc128 \xC2\xB7 relu", "fc10 \xC2\xB7 sigmoid"};
    CHECK(v.n_stages == 7);
    for (int i = 0; i < 7 && i < v.n_stages; i++)
        CHECK(strcmp(v.stage[i].name, names[i]) == 0);
    CHECK(v.stage[1].kind == DP_STAGE_MAPS && v.stage[1].c == 32 && v.stage[1].h == 28);
    CHECK(strcmp(v.stage[1].shape, "32 maps 28\xC3\x97" "28") == 0);
    CHECK(v.stage[4].h == 7 && v.stage[4].c == 64 && v.stage[4].n_shown == 64);
    CHECK(v.stage[5].kind == DP_STAGE_CELLS && v.stage[5].n_shown == 64);
    nn_model_free(m);

    /* Any spec: a conv with no activation after it, an activation after a
     * pool, a dense layer without one, a 100-map conv (64 shown). */
    m = make("conv100k3,pool,relu,fc20,fc10,sigmoid", 1);
    dp_views_stages(&v, m);
    CHECK(v.n_stages == 6);
    if (v.n_stages == 6) {
        CHECK(strcmp(v.stage[1].name, "conv100k3") == 0 && v.stage[1].n_shown == 64);
        CHECK(strcmp(v.stage[2].name, "pool") == 0 && v.stage[2].h == 14);
        CHECK(strcmp(v.stage[3].name, "relu") == 0);
        CHECK(strcmp(v.stage[4].name, "fc20") == 0 && v.stage[4].kind == DP_STAGE_CELLS);
        CHECK(v.stage[5].kind == DP_STAGE_BARS);
    }
    nn_model_free(m);

    dp_views_stages(&v, NULL);
    CHECK(v.n_stages == 0);
}

/* ----------------------------------------------------------------- top-k */

static void test_top_active(void)
{
    /* mean |a|: 1, 5, 7, 5, 0 */
    const float d[10] = {1, 1, 4, 6, -7, -7, 10, 0, 0, 0};
    int idx[DP_VIEW_MAX_UNITS];
    CHECK(dp_top_active(d, 5, 2, 3, idx) == 3);
    CHECK(idx[0] == 1 && idx[1] == 2 && idx[2] == 3);
    CHECK(dp_top_active(d, 5, 2, 2, idx) == 2);
    CHECK(idx[0] == 1 && idx[1] == 2); /* the tie of 1 and 3 goes to 1 */
    CHECK(dp_top_active(d, 5, 2, 10, idx) == 5);
    CHECK(idx[0] == 0 && idx[4] == 4);
    CHECK(dp_top_active(d, 5, 2, 0, idx) == 0);

    /* 300 channels of 9 values against brute force. */
    enum { C = 300, HW = 9 };
    static float big[C * HW];
    nn_rng r;
    nn_rng_seed(&r, 7);
    for (int i = 0; i < C * HW; i++)
        big[i] = nn_rng_normal(&r);
    int n = dp_top_active(big, C, HW, 64, idx);
    CHECK(n == 64);
    float score[C];
    for (int c = 0; c < C; c++) {
        double s = 0;
        for (int i = 0; i < HW; i++)
            s += fabsf(big[c * HW + i]);
        score[c] = (float)(s / HW);
    }
    int in[C] = {0}, ascending = 1;
    float worst_in = INFINITY, best_out = -INFINITY;
    for (int i = 0; i < n; i++) {
        in[idx[i]] = 1;
        ascending &= i == 0 || idx[i] > idx[i - 1];
    }
    for (int c = 0; c < C; c++) {
        if (in[c] && score[c] < worst_in)
            worst_in = score[c];
        if (!in[c] && score[c] > best_out)
            best_out = score[c];
    }
    CHECK(ascending);
    CHECK(worst_in >= best_out);
}

static void test_select(void)
{
    static dp_views v;
    dp_views_init(&v);
    nn_model *m = make("cnn", 3);
    nn_error e;
    nn_workspace *ws = nn_workspace_create(m, 1, &e);
    CHECK(m && ws);
    if (!m || !ws) {
        nn_model_free(m);
        return;
    }
    float x[INK_INPUT_SIZE];
    one_input(x);
    nn_layer_view lv[NN_MAX_LAYERS];
    CHECK(nn_forward_layers(m, ws, x, lv, &e) == NN_OK);
    dp_views_stages(&v, m);
    dp_views_select(&v, lv);
    const dp_stage *fc = &v.stage[5];
    CHECK(fc->n_shown == 64 && fc->layer == 8);
    /* Every shown unit is at least as active as every hidden one. */
    int in[128] = {0};
    for (int i = 0; i < fc->n_shown; i++)
        in[fc->shown[i]] = 1;
    float worst_in = INFINITY, best_out = -INFINITY;
    for (int u = 0; u < 128; u++) {
        float a = fabsf(lv[8].data[u]);
        if (in[u] && a < worst_in)
            worst_in = a;
        if (!in[u] && a > best_out)
            best_out = a;
    }
    CHECK(worst_in >= best_out);
    nn_workspace_free(ws);
    nn_model_free(m);
}

/* --------------------------------------------------------------- colours */

static void test_bytes_colours(void)
{
    const float u[6] = {0.0f, 0.5f, 1.0f, 2.0f, -1.0f, NAN};
    uint8_t b[6];
    dp_bytes_unsigned(u, 6, 1.0f, b);
    CHECK(b[0] == 0 && b[1] == 128 && b[2] == 255 && b[3] == 255 && b[4] == 0 && b[5] == 0);
    dp_bytes_unsigned(u, 3, 0.0f, b);
    CHECK(b[0] == 0 && b[1] == 0 && b[2] == 0);
    const float s[5] = {0.0f, 2.0f, -2.0f, 1.0f, -4.0f};
    dp_bytes_signed(s, 5, 2.0f, b);
    CHECK(b[0] == 128 && b[1] == 255 && b[2] == 1 && b[3] == 192 && b[4] == 1);
    dp_bytes_signed(s, 2, 0.0f, b);
    CHECK(b[0] == 128 && b[1] == 128);

    CHECK(dp_argb_grey(0) == 0xFF0C0D11u);   /* the window's paper */
    CHECK(dp_argb_grey(255) == 0xFFF5F6FAu); /* and ink */
    uint32_t z = dp_argb_diverging(128), up = dp_argb_diverging(255), dn = dp_argb_diverging(0);
#define R(c) (((c) >> 16) & 255u)
#define G(c) (((c) >> 8) & 255u)
#define B(c) ((c)&255u)
#define A(c) ((c) >> 24)
    CHECK(R(z) == G(z) && G(z) == B(z));
    CHECK(R(up) > 200 && R(up) > 2 * B(up));
    CHECK(B(dn) > 200 && B(dn) > 2 * R(dn));
    CHECK(A(dp_argb_overlay(0.0f)) == 0);
    CHECK(A(dp_argb_overlay(NAN)) == 0);
    uint32_t o1 = dp_argb_overlay(1.0f), o2 = dp_argb_overlay(-1.0f), oh = dp_argb_overlay(0.5f);
    CHECK(A(o1) == 235 && R(o1) > B(o1));
    CHECK(A(o2) == 235 && B(o2) > R(o2));
    CHECK(A(oh) > 0 && A(oh) < A(o1));
}

/* ------------------------------------------------------------- placement */

static int overlap(dp_rect a, dp_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int within(dp_rect in, dp_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static void test_place(void)
{
    static dp_views v;
    const char *specs[] = {"seed", "mlp", "cnn"};
    for (int k = 0; k < 3; k++) {
        dp_views_init(&v);
        nn_model *m = make(specs[k], 1);
        dp_views_stages(&v, m);
        dp_rect area = {612, 76, 356, 492};
        CHECK(dp_views_place(&v, area, 17, 2) == 0);
        int ok = 1;
        for (int s = 0; s < v.n_stages; s++) {
            const dp_stage *st = &v.stage[s];
            ok &= within(st->caption, area) && within(st->body, area);
            ok &= !overlap(st->caption, st->body);
            for (int t = s + 1; t < v.n_stages; t++)
                ok &= !overlap(st->body, v.stage[t].body) &&
                      !overlap(st->caption, v.stage[t].caption);
            if (st->kind == DP_STAGE_MAPS) {
                int rows = (st->n_shown + st->cols - 1) / st->cols;
                ok &= st->cols * (st->tile_w + st->gap) - st->gap <= area.w;
                ok &= rows * (st->tile_h + st->gap) - st->gap == st->body.h;
                ok &= st->tile_w >= 4;
                /* whole screen pixels per map pixel once a tile is that wide */
                ok &= st->tile_w < st->w || st->tile_w % st->w == 0;
            }
        }
        CHECK(ok);
        for (int d = 0; d < 10; d++) {
            dp_rect r = dp_views_bar_rect(&v, d);
            CHECK(r.w > 0 && dp_views_bar_at(&v, r.x + r.w / 2, r.y + r.h / 2) == d);
        }
        CHECK(dp_views_bar_at(&v, area.x + 2, area.y + 2) == -1);
        CHECK(dp_views_bar_rect(&v, 10).w == 0);
        /* A hopelessly small area says so (and still places something). */
        CHECK(dp_views_place(&v, (dp_rect){0, 0, 60, 40}, 17, 2) == -1);
        nn_model_free(m);
    }
    /* The seed's few stages leave room: its bars grow, within a third. */
    dp_views_init(&v);
    nn_model *m = make("seed", 1);
    dp_views_stages(&v, m);
    dp_views_place(&v, (dp_rect){0, 0, 356, 492}, 17, 2);
    CHECK(v.stage[2].body.h == 492 / 3);
    nn_model_free(m);

    int top, row_h;
    dp_layout l;
    CHECK(dp_layout_compute(&l, 2000, 1280, 1000) == 0); /* HiDPI: scale 2 */
    dp_bar_rows(&l, l.bars, &top, &row_h);
    CHECK(top == l.bars.y + 28 + 52);
    CHECK(row_h == (l.bars.y + l.bars.h - 28 - top) / 10 && row_h > 10);
    /* a smaller card (the training card above it): rows follow the card */
    dp_rect lower = {l.bars.x, l.bars.y + 300, l.bars.w, l.bars.h - 300};
    dp_bar_rows(&l, lower, &top, &row_h);
    CHECK(top == lower.y + 28 + 52);
    CHECK(row_h == (lower.y + lower.h - 28 - top) / 10);
}

/* ---------------------------------------------------------------- pixels */

static void test_paint_layers(void)
{
    static dp_views v;
    static uint32_t px[356 * 492];
    dp_views_init(&v);
    nn_workspace *ws;
    float x[INK_INPUT_SIZE];
    nn_layer_view lv[NN_MAX_LAYERS];
    nn_model *m = cnn_forward(5, &ws, x, lv);
    nn_error e;
    dp_views_stages(&v, m);
    dp_views_select(&v, lv);
    dp_rect area = {100, 50, 356, 492};
    dp_views_place(&v, area, 17, 2);
    const uint32_t bg = 0xFF22252Du;
    dp_views_paint_layers(&v, lv, x, area, px, 356, bg);
    /* The input tile: ink where the "1" is, paper beside it. */
    const dp_stage *in = &v.stage[0];
    int k = in->tile_w / 28;
    int ix = in->body.x - area.x, iy = in->body.y - area.y;
    CHECK(px[(size_t)(iy + 10 * k) * 356 + (size_t)(ix + 14 * k)] == dp_argb_grey(255));
    CHECK(px[(size_t)(iy + 10 * k) * 356 + (size_t)(ix + 3 * k)] == dp_argb_grey(0));
    /* Captions stay background (text goes there); every map stage has some
     * pixel that is neither background nor the darkest grey. */
    CHECK(px[(size_t)(v.stage[1].caption.y - area.y) * 356 + 5] == bg);
    for (int s = 1; s < v.n_stages - 1; s++) {
        const dp_stage *st = &v.stage[s];
        int lit = 0;
        for (int y = st->body.y - area.y; y < st->body.y - area.y + st->body.h; y++)
            for (int xx = 0; xx < 356; xx++) {
                uint32_t c = px[(size_t)y * 356 + (size_t)xx];
                lit |= c != bg && c != dp_argb_grey(0);
            }
        CHECK(lit);
    }
    /* With the overlay on, the input tile is tinted where the saliency is. */
    v.saliency = 1;
    CHECK(dp_views_saliency(&v, m, x, 1, &e) == 0 && v.sal_valid);
    int strong = 0;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        strong = fabsf(v.sal[i]) > fabsf(v.sal[strong]) ? i : strong;
    dp_views_paint_layers(&v, lv, x, area, px, 356, bg);
    uint32_t c = px[(size_t)(iy + (strong / 28) * k) * 356 + (size_t)(ix + (strong % 28) * k)];
    CHECK(c != dp_argb_grey(255) && c != dp_argb_grey(0));
    nn_workspace_free(ws);
    nn_model_free(m);
}

/* The tensor "i.weight" of m, found by name here (not through views). */
static int weight_tensor(const nn_model *m, int i, nn_tensor *t)
{
    char want[32];
    snprintf(want, sizeof want, "%d.weight", i);
    for (size_t k = 0; k < nn_model_tensor_count(m); k++)
        if (nn_model_tensor(m, k, t) == NN_OK && strcmp(t->name, want) == 0)
            return 1;
    return 0;
}

/* Every pixel of every tile of a painted page is the colour of the value
 * it stands for (nearest neighbour), tiles lie inside the area below the
 * caption and apart by the gap at least; returns the pixels that differ. */
static long page_diff(const nn_model *m, const dp_wpage *pg, const dp_wlayout *l, dp_rect area,
                      int cap_h, int gap, const uint32_t *px, float range)
{
    static float vals[INK_INPUT_SIZE * 16];
    static uint8_t b[INK_INPUT_SIZE * 16];
    long bad = 0;
    size_t pic = (size_t)pg->ph * (size_t)pg->pw;
    for (int u = 0; u < pg->shown; u++)
        for (int k = 0; k < pg->per_unit; k++) {
            dp_rect r = dp_wlayout_tile(l, u, k);
            if (!within(r, (dp_rect){area.x, area.y + cap_h, area.w, area.h - cap_h}) ||
                dp_weights_picture(m, pg, u, k, vals, NULL) != 0)
                return -1;
            /* the next tile in the row keeps the gap */
            int last_in_row = (u * pg->per_unit + k + 1) % (l->cols * pg->per_unit) == 0;
            if (pg->kind != DP_WPAGE_MATRIX && !last_in_row) {
                dp_rect n = k + 1 < pg->per_unit ? dp_wlayout_tile(l, u, k + 1)
                                                 : dp_wlayout_tile(l, u + 1, 0);
                bad += n.x - (r.x + r.w) < gap;
            }
            dp_bytes_signed(vals, pic, range, b);
            for (int y = 0; y < r.h; y++)
                for (int x = 0; x < r.w; x++) {
                    uint8_t v = b[(y * pg->ph / r.h) * pg->pw + x * pg->pw / r.w];
                    size_t at = (size_t)(r.y - area.y + y) * (size_t)area.w +
                                (size_t)(r.x - area.x + x);
                    bad += px[at] != dp_argb_diverging(v);
                }
        }
    return bad;
}

static void test_paint_weights(void)
{
    static uint32_t px[356 * 492];
    dp_rect area = {0, 0, 356, 492};
    const uint32_t bg = 0xFF22252Du;
    dp_wpage pg;
    dp_wlayout l;
    nn_model *m = make("seed", 1);
    float *p = nn_model_params(m);
    int layers[NN_MAX_LAYERS];
    CHECK(dp_weights_layers(m, layers, NN_MAX_LAYERS) == 2 && layers[0] == 0 && layers[1] == 2);
    /* Unit 0: +1 at the top-left pixel, -1 at the bottom-right, 0 between;
     * the other units all 0. */
    memset(p, 0, 784 * 100 * sizeof *p);
    p[0] = 1.0f;
    p[783] = -1.0f;
    CHECK(dp_weights_page(m, 0, &pg) == 0 && pg.kind == DP_WPAGE_IMAGE);
    CHECK(pg.layer == 0 && pg.units == 100 && pg.shown == 100 && pg.ph == 28 && pg.pw == 28);
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, 1.0f, &l) == 0);
    int t = l.tile_w;
    CHECK(t >= 28 && t % 28 == 0 && l.tile_h == t); /* whole screen pixels per weight */
    CHECK(l.x0 == 1 && l.y0 == 18);                  /* inside its frame, below the caption */
    CHECK(px[18 * 356 + 1] == dp_argb_diverging(255));
    CHECK(px[(size_t)(18 + t - 1) * 356 + (size_t)t] == dp_argb_diverging(1));
    CHECK(px[(size_t)(18 + t / 2) * 356 + (size_t)(t / 2)] == dp_argb_diverging(128));
    CHECK(px[17 * 356 + 0] == DP_ARGB_WEIGHT_FRAME); /* the frame in the gap */
    CHECK(px[5] == bg);                               /* the caption line */
    CHECK(page_diff(m, &pg, &l, area, 17, 2, px, 1.0f) == 0);
    /* The range is the caller's: halving it deepens every colour. */
    float range = dp_weights_range(m, &pg);
    CHECK(range == 1.0f);
    for (size_t i = 0; i < 784 * 100; i++)
        p[i] *= 0.5f;
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, range, &l) == 0);
    CHECK(px[18 * 356 + 1] == dp_argb_diverging(192)); /* 0.5 of the range */
    CHECK(dp_weights_range(m, &pg) == 0.5f);
    /* The seed's second layer: a matrix, a row per output over 100 inputs. */
    CHECK(dp_weights_page(m, 2, &pg) == 0 && pg.kind == DP_WPAGE_MATRIX);
    CHECK(pg.shown == 10 && pg.ph == 1 && pg.pw == 100);
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, 0.3f, &l) == 0);
    CHECK(l.tile_w == 3 * 100 && page_diff(m, &pg, &l, area, 17, 2, px, 0.3f) == 0);
    CHECK(dp_weights_page(m, 1, &pg) == -1 && pg.layer == -1); /* sigmoid: no weights */
    nn_model_free(m);

    m = make("mlp", 1); /* 256 units: the first 100 */
    CHECK(dp_weights_page(m, 0, &pg) == 0 && pg.units == 256 && pg.shown == DP_VIEW_MAX_WEIGHTS);
    nn_model_free(m);

    /* The cnn: filters, kernels, maps summed, the matrix. */
    m = make("cnn", 1);
    CHECK(dp_weights_layers(m, layers, NN_MAX_LAYERS) == 4);
    CHECK(dp_weights_page(m, 0, &pg) == 0 && pg.kind == DP_WPAGE_FILTERS && pg.units == 32 &&
          pg.shown == 32 && pg.ph == 5 && pg.per_unit == 1);
    float r0 = dp_weights_range(m, &pg);
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, r0, &l) == 0);
    CHECK(page_diff(m, &pg, &l, area, 17, 2, px, r0) == 0);
    CHECK(dp_weights_page(m, 3, &pg) == 0 && pg.kind == DP_WPAGE_KERNELS && pg.units == 64 &&
          pg.per_unit == DP_WPAGE_TOP && pg.in_c == 32);
    nn_tensor w;
    CHECK(weight_tensor(m, 3, &w));
    /* Kernel slots: the input channels by Σ|w|, strongest first. */
    float kern[25], most = 0.0f;
    int ch = -1, best = 0, second = -1;
    float l1[32];
    for (int c = 0; c < 32; c++) {
        l1[c] = 0.0f;
        for (int i = 0; i < 25; i++)
            l1[c] += fabsf(w.data[(size_t)(7 * 32 + c) * 25 + (size_t)i]);
        best = l1[c] > l1[best] ? c : best;
    }
    for (int c = 0; c < 32; c++)
        if (c != best && (second < 0 || l1[c] > l1[second]))
            second = c;
    CHECK(dp_weights_picture(m, &pg, 7, 0, kern, &ch) == 0 && ch == best);
    CHECK(memcmp(kern, w.data + (size_t)(7 * 32 + best) * 25, sizeof kern) == 0);
    CHECK(dp_weights_picture(m, &pg, 7, 1, kern, &ch) == 0 && ch == second);
    CHECK(dp_weights_picture(m, &pg, 7, 3, kern, &ch) == -1);
    for (size_t i = 0; i < w.count; i++)
        most = fmaxf(most, fabsf(w.data[i]));
    CHECK(dp_weights_range(m, &pg) == most);
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, most, &l) == 0);
    CHECK(page_diff(m, &pg, &l, area, 17, 2, px, most) == 0);
    CHECK(l.step_x - (3 * l.tile_w + 2 * 2) >= 4); /* units apart by twice the gap */
    /* fc128 after flatten of 64 maps 7×7: each unit's weights over the maps. */
    CHECK(dp_weights_page(m, 7, &pg) == 0 && pg.kind == DP_WPAGE_MAPSUM && pg.in_c == 64 &&
          pg.ph == 7 && pg.pw == 7 && pg.units == 128 && pg.shown == 100);
    CHECK(weight_tensor(m, 7, &w));
    float sum[49];
    CHECK(dp_weights_picture(m, &pg, 5, 0, sum, NULL) == 0);
    double want = 0.0;
    for (int c = 0; c < 64; c++)
        want += w.data[5 * 3136 + c * 49 + 10];
    CHECK_NEAR(sum[10], want, 1e-4);
    float rs = dp_weights_range(m, &pg);
    CHECK(dp_views_paint_weights(m, &pg, area, 17, 2, px, 356, bg, rs, &l) == 0);
    CHECK(page_diff(m, &pg, &l, area, 17, 2, px, rs) == 0);
    CHECK(dp_weights_page(m, 9, &pg) == 0 && pg.kind == DP_WPAGE_MATRIX && pg.pw == 128);
    nn_model_free(m);
    CHECK(dp_weights_page(NULL, 0, &pg) == -1);
    CHECK(dp_views_paint_weights(NULL, &pg, area, 17, 2, px, 356, bg, 1.0f, &l) == -1);
    CHECK(px[100] == bg);

    /* The inspector's pictures: side by side, framed, whole px per value. */
    float a3[9] = {1, 0, -1, 0, 0, 0, -1, 0, 1}, b3[9] = {0};
    const float *pics[2] = {a3, b3};
    dp_rect where[2];
    dp_rect ia = {10, 20, 200, 60};
    CHECK(dp_views_paint_pictures(pics, 2, 3, 3, 1.0f, ia, 12, 6, px, 200, bg, where) == 2);
    CHECK(where[0].w == where[0].h && where[0].w % 3 == 0 && where[0].y == 20 + 12 + 1);
    CHECK(where[1].x - (where[0].x + where[0].w) >= 6 && within(where[1], ia));
    size_t top_left = (size_t)(where[0].y - 20) * 200 + (size_t)(where[0].x - 10);
    CHECK(px[top_left] == dp_argb_diverging(255));
    CHECK(px[top_left + (size_t)where[0].w - 1] == dp_argb_diverging(1));
    CHECK(dp_views_paint_pictures(pics, 2, 3, 3, 1.0f, (dp_rect){0, 0, 200, 14}, 12, 6, px, 200,
                                  bg, where) == 0); /* no room under the label */
}

/* A conv pixel's strongest inputs by contribution, against a plain sum. */
static void test_contrib(void)
{
    nn_workspace *ws;
    float x[INK_INPUT_SIZE];
    nn_layer_view lv[NN_MAX_LAYERS];
    nn_model *m = cnn_forward(4, &ws, x, lv);
    nn_tensor w;
    CHECK(weight_tensor(m, 3, &w));
    const float *in = lv[2].data; /* the pool before conv64k5: 32 maps 14×14 */
    int ch[3];
    float val[3];
    int o = 9, px = 6, py = 0; /* the top row: the window hangs over the edge */
    CHECK(dp_conv_contrib(m, 3, in, o, px, py, 3, ch, val) == 3);
    float c[32];
    int top = 0;
    for (int k = 0; k < 32; k++) {
        double s = 0.0;
        for (int ky = 0; ky < 5; ky++)
            for (int kx = 0; kx < 5; kx++) {
                int iy = py + ky - 2, ix = px + kx - 2;
                if (iy >= 0 && iy < 14 && ix >= 0 && ix < 14)
                    s += w.data[(size_t)(o * 32 + k) * 25 + (size_t)(ky * 5 + kx)] *
                         in[k * 196 + iy * 14 + ix];
            }
        c[k] = (float)s;
        top = fabsf(c[k]) > fabsf(c[top]) ? k : top;
    }
    CHECK(ch[0] == top);
    CHECK_NEAR(val[0], c[top], 1e-5);
    CHECK(fabsf(val[1]) <= fabsf(val[0]) && fabsf(val[2]) <= fabsf(val[1]));
    /* conv1 reads the input itself; dense layers and bad pixels: none. */
    CHECK(dp_conv_contrib(m, 0, x, 0, 14, 14, 3, ch, val) == 1 && ch[0] == 0);
    CHECK(dp_conv_contrib(m, 7, in, 0, 0, 0, 3, ch, val) == 0);
    CHECK(dp_conv_contrib(m, 3, in, 0, 14, 0, 3, ch, val) == 0);
    nn_workspace_free(ws);
    nn_model_free(m);
}

/* -------------------------------------------------------------- saliency */

static void test_saliency(void)
{
    nn_model *m = make("seed", 9);
    float x[INK_INPUT_SIZE], g[INK_INPUT_SIZE], s[INK_INPUT_SIZE], z, z2;
    one_input(x);
    nn_error e;
    CHECK(nn_input_gradient(m, x, 4, g, &z, &e) == NN_OK);
    CHECK(dp_saliency(m, x, 4, 0, NN_ATTR_RAW, s, &z2, &e) == NN_OK);
    CHECK(z == z2);
    float most = 0.0f, smax = 0.0f;
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        most = fabsf(g[i] * x[i]) > most ? fabsf(g[i] * x[i]) : most;
        smax = fabsf(s[i]) > smax ? fabsf(s[i]) : smax;
    }
    CHECK_NEAR(smax, 1.0, 1e-6);
    int same = 1, blank_zero = 1;
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        same &= fabsf(s[i] - g[i] * x[i] / most) < 1e-5f;
        blank_zero &= x[i] != 0.0f || s[i] == 0.0f;
    }
    CHECK(same && blank_zero);
    /* The gradient alone: non-zero on blank pixels too ("why not 4"). */
    CHECK(dp_saliency(m, x, 4, 1, NN_ATTR_RAW, s, NULL, &e) == NN_OK);
    int blank_nonzero = 0;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        blank_nonzero += x[i] == 0.0f && s[i] != 0.0f;
    CHECK(blank_nonzero > 300);
    /* SmoothGrad: the library's mean gradient (the same seed every call),
     * times the input for "why"; IG is the library's as it is. */
    nn_attr_config c;
    nn_attr_config_defaults(&c, NN_ATTR_SMOOTHGRAD);
    CHECK(nn_input_attribution(m, x, 4, &c, g, NULL, &e) == NN_OK);
    CHECK(dp_saliency(m, x, 4, 0, NN_ATTR_SMOOTHGRAD, s, NULL, &e) == NN_OK);
    most = 0.0f;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        most = fabsf(g[i] * x[i]) > most ? fabsf(g[i] * x[i]) : most;
    same = 1;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        same &= fabsf(s[i] - g[i] * x[i] / most) < 1e-5f;
    CHECK(same);
    float s2[INK_INPUT_SIZE];
    CHECK(dp_saliency(m, x, 4, 0, NN_ATTR_SMOOTHGRAD, s2, NULL, &e) == NN_OK);
    CHECK(memcmp(s, s2, sizeof s) == 0);
    CHECK(dp_saliency(m, x, 4, 0, NN_ATTR_IG, s, NULL, &e) == NN_OK);
    nn_attr_config_defaults(&c, NN_ATTR_IG);
    CHECK(nn_input_attribution(m, x, 4, &c, g, NULL, &e) == NN_OK);
    most = 0.0f;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        most = fabsf(g[i]) > most ? fabsf(g[i]) : most;
    same = 1;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        same &= fabsf(s[i] - g[i] / most) < 1e-5f;
    CHECK(same);

    /* The views' choice: the top answer by gradient × input, a chosen one
     * by its gradient; a bad output is the library's error. */
    static dp_views v;
    dp_views_init(&v);
    CHECK(v.sal_method == DP_SAL_BEST); /* the default */
    CHECK(dp_views_saliency(&v, m, x, 7, &e) == 0 && v.sal_shown == NN_ATTR_IG);
    v.chosen = 2;
    CHECK(dp_views_saliency(&v, m, x, 7, &e) == 0 && v.sal_shown == NN_ATTR_SMOOTHGRAD);
    v.chosen = -1;
    v.sal_method = NN_ATTR_RAW;
    CHECK(dp_views_saliency(&v, m, x, 7, &e) == 0);
    CHECK(v.sal_shown == NN_ATTR_RAW);
    CHECK(v.sal_valid && v.sal_output == 7 && !v.sal_gradient_only);
    v.chosen = 2;
    CHECK(dp_views_saliency(&v, m, x, 7, &e) == 0);
    CHECK(v.sal_valid && v.sal_output == 2 && v.sal_gradient_only);
    v.chosen = 12;
    CHECK(dp_views_saliency(&v, m, x, 7, &e) == -1 && !v.sal_valid && e.status == NN_EINVAL);
    nn_model_free(m);
}

/* The overlay's square on the canvas agrees with what ink_normalize made
 * of the same pixels: a 100×300 block lands where its ink is in the input. */
static void test_canvas_map(void)
{
    enum { S = 560 };
    static float pix[S * S];
    static dp_views v;
    dp_views_init(&v);
    dp_views_canvas_map(&v, pix, S);
    CHECK(!v.map_valid); /* empty */
    for (int y = 100; y < 400; y++)
        for (int x = 200; x < 300; x++)
            pix[y * S + x] = 1.0f;
    dp_views_canvas_map(&v, pix, S);
    CHECK(v.map_valid);
    CHECK_NEAR(v.map_px, 15.0, 1e-4);        /* 300 px onto 20 */
    CHECK_NEAR(v.map_x, 250.0 - 14.5 * 15.0, 1e-3); /* centre of mass at 14.5 */
    CHECK_NEAR(v.map_y, 250.0 - 14.5 * 15.0, 1e-3);
    float in[INK_INPUT_SIZE];
    CHECK(ink_normalize(pix, S, S, in) == 1);
    /* The block's edges in input pixels by the map, and by the ink. */
    float left = (200.0f - v.map_x) / v.map_px, right = (300.0f - v.map_x) / v.map_px;
    float top = (100.0f - v.map_y) / v.map_px, bottom = (400.0f - v.map_y) / v.map_px;
    int c0 = 28, c1 = -1, r0 = 28, r1 = -1;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        if (in[i] > 0.01f) {
            c0 = i % 28 < c0 ? i % 28 : c0;
            c1 = i % 28 > c1 ? i % 28 : c1;
            r0 = i / 28 < r0 ? i / 28 : r0;
            r1 = i / 28 > r1 ? i / 28 : r1;
        }
    CHECK(fabsf(left - (float)c0) < 1.0f && fabsf(right - (float)(c1 + 1)) < 1.0f);
    CHECK(fabsf(top - (float)r0) < 1.0f && fabsf(bottom - (float)(r1 + 1)) < 1.0f);
}

/* ------------------------------------------------------------------ keys */

static void test_keys(void)
{
    const dp_binding *b = dp_key_lookup('v', 0, 0, 0);
    CHECK(b && b->action == DP_ACT_LAYERS);
    CHECK((b = dp_key_lookup('w', 0, 0, 0)) && b->action == DP_ACT_WEIGHTS);
    CHECK((b = dp_key_lookup('x', 0, 0, 0)) && b->action == DP_ACT_SALIENCY);
    CHECK((b = dp_key_lookup('[', 0, 0, 1)) && b->action == DP_ACT_CHOOSE_OUTPUT);
    CHECK((b = dp_key_lookup(']', 0, 0, 0)) && b->action == DP_ACT_CHOOSE_OUTPUT);
    CHECK((b = dp_key_lookup('m', 0, 0, 0)) && b->action == DP_ACT_SAL_METHOD);
    CHECK(dp_key_lookup('v', 0, 0, 1) == NULL); /* a held V does not flicker */
    /* The help names the saliency methods. */
    dp_help_row rows[32];
    size_t n = dp_help_rows(rows, 32);
    int method = 0, pair = 0;
    for (size_t i = 0; i < n && i < 32; i++) {
        method |= strstr(rows[i].help, "the ink behind the answer (IG)") != NULL;
        pair |= strcmp(rows[i].keys, "[  or  ]") == 0;
    }
    CHECK(method && pair);
    /* The arrows step through the explorer (Shift read by the window), not
     * with Ctrl; one help row for each pair. */
    CHECK((b = dp_key_lookup(DP_KEY_LEFT, 0, 0, 1)) && b->action == DP_ACT_STEP);
    CHECK((b = dp_key_lookup(DP_KEY_DOWN, 0, 1, 0)) && b->action == DP_ACT_STEP);
    CHECK(dp_key_lookup(DP_KEY_UP, 1, 0, 0) == NULL);
    int lr = 0, ud = 0;
    for (size_t i = 0; i < n && i < 32; i++) {
        lr |= strcmp(rows[i].keys, "\xE2\x86\x90  or  \xE2\x86\x92") == 0;
        ud |= strcmp(rows[i].keys, "\xE2\x86\x91  or  \xE2\x86\x93") == 0;
    }
    CHECK(lr && ud);
}

/* Pointing at units of the cnn's layers view: the unit under a pixel, its
 * receptive field through conv (k 5, same padding) and pool, and what
 * feeds it (a dense unit's strongest weights, a conv2 pixel's strongest
 * input channels), against values worked out here from the weights. */
static void test_units(void)
{
    static dp_views v;
    nn_model *m = placed_cnn(&v);
    /* stage 1: conv32k5 · relu, 28×28 maps, channel 0 first */
    const dp_stage *c1 = &v.stage[1];
    int s = c1->tile_w / c1->w;
    CHECK(s >= 1 && c1->tile_w == s * c1->w);
    dp_unit u = dp_views_unit_at(&v, c1->body.x + 14 * s, c1->body.y + 9 * s);
    CHECK(u.stage == 1 && u.c == c1->shown[0] && u.x == 14 && u.y == 9);
    int x0, y0, x1, y1;
    CHECK(dp_views_receptive(&v, m, u, &x0, &y0, &x1, &y1) == 0);
    CHECK(x0 == 12 && x1 == 16 && y0 == 7 && y1 == 11); /* 5×5 around it */
    u = (dp_unit){1, 0, 0, 0};
    CHECK(dp_views_receptive(&v, m, u, &x0, &y0, &x1, &y1) == 0);
    CHECK(x0 == 0 && x1 == 2 && y0 == 0 && y1 == 2); /* cut at the edge */
    /* stage 3: conv64k5 after a pool: 5×5 of 14×14 is 10×10 input pixels,
     * and widened by conv1's 2 on each side */
    u = (dp_unit){3, 0, 7, 7};
    CHECK(dp_views_receptive(&v, m, u, &x0, &y0, &x1, &y1) == 0);
    CHECK(x0 == 8 && x1 == 21 && y0 == 8 && y1 == 21);
    /* a dense unit sees everything */
    int last = v.n_stages - 1;
    u = (dp_unit){last, 3, 0, 0};
    CHECK(dp_views_receptive(&v, m, u, &x0, &y0, &x1, &y1) == 0);
    CHECK(x0 == 0 && y0 == 0 && x1 == 27 && y1 == 27);
    /* the output's strongest weights: check against a plain scan */
    int pi[3], ni[3], np, nn;
    float pv[3], nv[3];
    CHECK(dp_views_inputs(&v, m, u, 3, pi, pv, &np, ni, nv, &nn) == 0);
    nn_tensor t;
    const nn_arch *ar = nn_model_arch(m);
    char want[32];
    snprintf(want, sizeof want, "%d.weight", v.stage[last].layer - 1);
    int found = 0;
    for (size_t i = 0; i < nn_model_tensor_count(m) && !found; i++)
        found = nn_model_tensor(m, i, &t) == NN_OK && strcmp(t.name, want) == 0;
    CHECK(found && t.ndim == 2);
    if (found) {
        const float *row = t.data + 3 * (size_t)t.shape[1];
        int best = 0, worst = 0;
        for (int j = 1; j < (int)t.shape[1]; j++) {
            best = row[j] > row[best] ? j : best;
            worst = row[j] < row[worst] ? j : worst;
        }
        CHECK(np == 3 && pi[0] == best && pv[0] == row[best] && pv[1] <= pv[0]);
        CHECK(nn == 3 && ni[0] == worst && nv[0] == row[worst] && nv[1] >= nv[0]);
    }
    /* conv1 has one input channel: nothing more to say than its filter */
    CHECK(dp_views_inputs(&v, m, (dp_unit){1, 0, 3, 3}, 3, pi, pv, &np, ni, nv, &nn) == -1);
    /* conv2: input channels ranked by their summed weights */
    CHECK(dp_views_inputs(&v, m, (dp_unit){3, 5, 3, 3}, 3, pi, pv, &np, ni, nv, &nn) == 0);
    CHECK(np + nn > 0 && (np == 0 || (pi[0] >= 0 && pi[0] < 32 && pv[0] > 0.0f)));
    /* the pool stage has no weights */
    CHECK(dp_views_inputs(&v, m, (dp_unit){2, 0, 3, 3}, 3, pi, pv, &np, ni, nv, &nn) == -1);
    (void)ar;
    /* nothing under a pixel outside the stages */
    CHECK(dp_views_unit_at(&v, 1, 1).stage == -1); /* a caption */
    nn_model_free(m);
}

/* The arrow keys' steps through the cnn's stages (dp_views_step). */
static void test_step(void)
{
    static dp_views v;
    nn_model *m = placed_cnn(&v);
    dp_unit none = {-1, 0, 0, 0};
    /* from nothing: conv1's first map, its middle pixel */
    dp_unit u = dp_views_step(&v, none, 1, 0, 0);
    CHECK(u.stage == 1 && u.c == 0 && u.x == 14 && u.y == 14);
    u = dp_views_step(&v, u, 1, 0, 0);
    CHECK(u.stage == 1 && u.c == 0 && u.x == 15 && u.y == 14);
    /* along the row past the map's edge: the next map's first pixel */
    u = (dp_unit){1, 0, 27, 5};
    u = dp_views_step(&v, u, 1, 0, 0);
    CHECK(u.stage == 1 && u.c == 1 && u.x == 0 && u.y == 5);
    u = dp_views_step(&v, u, -1, 0, 0);
    CHECK(u.stage == 1 && u.c == 0 && u.x == 27 && u.y == 5);
    u = dp_views_step(&v, (dp_unit){1, 0, 0, 5}, -1, 0, 0); /* the first: stays */
    CHECK(u.stage == 1 && u.c == 0 && u.x == 0);
    /* Shift: a whole map along, the same pixel */
    u = dp_views_step(&v, (dp_unit){1, 4, 9, 5}, 1, 0, 1);
    CHECK(u.stage == 1 && u.c == 5 && u.x == 9 && u.y == 5);
    /* down a row, and off the bottom into the pool below: the same map,
     * its top row, the column halved */
    u = dp_views_step(&v, (dp_unit){1, 4, 9, 5}, 0, 1, 0);
    CHECK(u.stage == 1 && u.y == 6);
    u = dp_views_step(&v, (dp_unit){1, 4, 9, 27}, 0, 1, 0);
    CHECK(u.stage == 2 && u.c == 4 && u.x == 4 && u.y == 0);
    /* up off the top of the pool: conv1's bottom row */
    u = dp_views_step(&v, u, 0, -1, 0);
    CHECK(u.stage == 1 && u.c == 4 && u.x == 8 && u.y == 27);
    /* Shift+Down: the stage below at once, the place kept */
    u = dp_views_step(&v, (dp_unit){1, 4, 10, 10}, 0, 1, 1);
    CHECK(u.stage == 2 && u.x == 5 && u.y == 5);
    /* from the 7×7 pool down to the dense cells, then to the outputs */
    u = dp_views_step(&v, (dp_unit){4, 3, 2, 6}, 0, 1, 0);
    CHECK(u.stage == 5 && u.c == v.stage[5].shown[3] && u.x == 0 && u.y == 0);
    u = dp_views_step(&v, u, 1, 0, 0);
    CHECK(u.stage == 5 && u.c == v.stage[5].shown[4]);
    u = dp_views_step(&v, u, 0, 1, 0);
    CHECK(u.stage == 6 && u.c == 4);
    u = dp_views_step(&v, (dp_unit){6, 9, 0, 0}, 1, 0, 0); /* the last output: stays */
    CHECK(u.stage == 6 && u.c == 9);
    u = dp_views_step(&v, u, 0, 1, 0); /* nothing below the outputs */
    CHECK(u.stage == 6 && u.c == 9);
    u = dp_views_step(&v, (dp_unit){0, 0, 3, 0}, 0, -1, 0); /* nor above the input */
    CHECK(u.stage == 0 && u.y == 0);
    /* the input's bottom row down: conv1, its top row, same column */
    u = dp_views_step(&v, (dp_unit){0, 0, 3, 27}, 0, 1, 0);
    CHECK(u.stage == 1 && u.c == 0 && u.x == 3 && u.y == 0);
    /* the inspector sits right of the input tile, inside the area, clear of
     * the other stages; the input took the room left at whole px per pixel */
    dp_rect ins = v.inspect;
    CHECK(ins.w > 0 && ins.h == v.stage[0].tile_h && ins.x > v.stage[0].body.x + v.stage[0].tile_w);
    CHECK(within(ins, (dp_rect){0, 0, 900, 900}) && v.stage[0].tile_w % 28 == 0);
    for (int s = 1; s < v.n_stages; s++)
        CHECK(!overlap(ins, v.stage[s].body) && !overlap(ins, v.stage[s].caption));
    dp_views_stages(&v, NULL);
    CHECK(dp_views_step(&v, none, 1, 0, 0).stage == -1);
    nn_model_free(m);
}

int main(void)
{
    test_step();
    test_contrib();
    test_units();
    test_stages();
    test_top_active();
    test_select();
    test_bytes_colours();
    test_place();
    test_paint_layers();
    test_paint_weights();
    test_saliency();
    test_canvas_map();
    test_keys();
    return test_finish("test_app_views");
}
