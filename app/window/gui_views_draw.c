/* gui_views_draw.c — drawing the window's looks inside the network: the
 * saliency overlay on the canvas and the 28×28 preview, the open layers or
 * weights view over the panel with its header buttons and bars, and the
 * LAYERS button on the bar chart.  Separate from gui_views.c, which keeps
 * the views' state, recomputes their pictures (called from here before a
 * draw) and takes their clicks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gui_paint.h"
#include "gui_palette.h"
#include "gui_views_private.h"

/* ------------------------------------------------------------------ draw */

static int text(gui_app *a, int font, SDL_Color c, const char *s, int x, int y, int align)
{
    return gui_text(&a->paint, font, c, s, x, y, align, 1);
}

void gui_views_canvas(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    gui_views_refresh(a);
    if (!g->v.saliency)
        return;
    SDL_Rect c = gui_rect(a->frame.lay.canvas);
    char buf[160];
    if (g->v.sal_valid && g->v.map_valid && g->sal_tex && a->st.canvas_side > 0) {
        float k = (float)c.w / (float)a->st.canvas_side;
        SDL_Rect r = {c.x + (int)lroundf(g->v.map_x * k), c.y + (int)lroundf(g->v.map_y * k),
                      (int)lroundf(g->v.map_px * k * INK_SIDE),
                      (int)lroundf(g->v.map_px * k * INK_SIDE)};
        SDL_RenderSetClipRect(a->paint.ren, &c);
        SDL_RenderCopy(a->paint.ren, g->sal_tex, NULL, &r);
        SDL_RenderSetClipRect(a->paint.ren, NULL);
    }
    /* What the colours mean, in the canvas's top-left corner. */
    if (!a->st.pred.valid)
        snprintf(buf, sizeof buf, "why: draw a digit");
    else if (g->v.sal_gradient_only)
        snprintf(buf, sizeof buf, "what moves %d: red raises, blue lowers \xC2\xB7 %s",
                 g->v.sal_output,
                 g->v.sal_shown == NN_ATTR_IG ? "IG path gradient"
                                              : dp_saliency_method_label(g->v.sal_shown));
    else
        snprintf(buf, sizeof buf, "why %d: red pushed it up, blue down \xC2\xB7 %s%s",
                 g->v.sal_output, dp_saliency_method_label(g->v.sal_shown),
                 g->v.sal_shown == NN_ATTR_IG ? "" : " \xC3\x97 input");
    int pad = sc(a, 8), h = sc(a, 20);
    int w = gui_text_width(&a->paint, GUI_FONT_SMALL, buf) + 2 * pad;
    if (w > c.w)
        w = c.w;
    SDL_Rect bg = {c.x, c.y, w, h};
    gui_fill_rect(&a->paint, bg, (SDL_Color){8, 9, 12, 190});
    SDL_RenderSetClipRect(a->paint.ren, &c);
    text(a, GUI_FONT_SMALL, COL_TEXT, buf, c.x + pad, c.y + h / 2, AL_LEFT);
    /* The legend: the overlay's colours from the strongest minus (−1) to
     * the strongest plus (+1) of this map, and the key that changes the
     * method. */
    if (a->st.pred.valid) {
        const char *lo = "\xE2\x88\x92", *hi = "+", *key = "M: method";
        int sw = sc(a, 72), sh = sc(a, 8) > 3 ? sc(a, 8) : 4;
        int lw = gui_text_width(&a->paint, GUI_FONT_CAPTION, lo);
        int hw = gui_text_width(&a->paint, GUI_FONT_CAPTION, hi);
        int kw = gui_text_width(&a->paint, GUI_FONT_CAPTION, key);
        int lw_all = lw + hw + kw + sw + 4 * pad;
        int lh = sc(a, 16);
        if (lw_all <= c.w && h + lh <= c.h) {
            SDL_Rect lb = {c.x, c.y + h, lw_all, lh};
            gui_fill_rect(&a->paint, lb, (SDL_Color){8, 9, 12, 190});
            int x = c.x + pad, cy = lb.y + lh / 2;
            text(a, GUI_FONT_CAPTION, COL_TEXT, lo, x, cy, AL_LEFT);
            x += lw + pad / 2;
            for (int i = 0; i < sw; i++) {
                uint32_t argb = dp_argb_overlay(-1.0f + 2.0f * ((float)i + 0.5f) / (float)sw);
                /* On the dark paper, as on the canvas: alpha over it. */
                SDL_SetRenderDrawBlendMode(a->paint.ren, SDL_BLENDMODE_BLEND);
                SDL_SetRenderDrawColor(a->paint.ren, (Uint8)(argb >> 16), (Uint8)(argb >> 8),
                                       (Uint8)argb, (Uint8)(argb >> 24));
                SDL_RenderDrawLine(a->paint.ren, x + i, cy - sh / 2, x + i, cy + sh / 2);
            }
            x += sw + pad / 2;
            text(a, GUI_FONT_CAPTION, COL_TEXT, hi, x, cy, AL_LEFT);
            x += hw + pad;
            text(a, GUI_FONT_CAPTION, COL_DIM, key, x, cy, AL_LEFT);
        }
    }
    SDL_RenderSetClipRect(a->paint.ren, NULL);
}

void gui_views_preview(gui_app *a, SDL_Rect r)
{
    gui_views *g = a->views;
    if (g && g->v.saliency && g->v.sal_valid && g->sal_tex)
        SDL_RenderCopy(a->paint.ren, g->sal_tex, NULL, &r);
}

/* A small button; its rectangle is kept for clicks. */
static int pill(gui_app *a, dp_rect *keep, const char *label, int x, int cy, int on, int align)
{
    int w = gui_text_width(&a->paint, GUI_FONT_CAPTION, label) + sc(a, 14);
    int h = sc(a, 18);
    if (align == AL_RIGHT)
        x -= w;
    SDL_Rect r = {x, cy - h / 2, w, h};
    gui_fill_round(&a->paint, r, (float)h / 2.0f, on ? COL_ACCENT : COL_TRACK);
    gui_text(&a->paint, GUI_FONT_CAPTION, on ? COL_CARD : COL_TEXT, label, x + w / 2, cy,
             AL_CENTER, 1);
    *keep = (dp_rect){r.x, r.y, r.w, r.h};
    return w;
}

static void draw_header(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect p = gui_views_panel_rect(a);
    int pad = sc(a, 12), cy = p.y + pad + sc(a, 10), x = p.x + pad;
    static const char *const names[PILL_N] = {"LAYERS", "WEIGHTS", "WHY", "\xC3\x97"};
    int on[PILL_N] = {g->v.mode == DP_VIEW_LAYERS, g->v.mode == DP_VIEW_WEIGHTS,
                      g->v.saliency, 0};
    for (int i = 0; i < PILL_CLOSE; i++) {
        x += pill(a, &g->pill[i], names[i], x, cy, on[i], AL_LEFT) + sc(a, 6);
        g->pill_on[i] = 1;
    }
    pill(a, &g->pill[PILL_CLOSE], names[PILL_CLOSE], p.x + p.w - pad, cy, 0, AL_RIGHT);
    g->pill_on[PILL_CLOSE] = 1;
}

static void draw_view_bars(gui_app *a, const dp_stage *st)
{
    gui_views *g = a->views;
    const app_prediction *p = &a->st.pred;
    char buf[16];
    int lab_h = sc(a, 16);
    for (int d = 0; d < st->cols && d < 10; d++) {
        dp_rect s = dp_views_bar_rect(&g->v, d);
        int bw = s.w * 3 / 5 > 2 ? s.w * 3 / 5 : 2;
        int track_h = s.h - lab_h - sc(a, 2);
        if (track_h < 2)
            continue;
        SDL_Rect track = {s.x + (s.w - bw) / 2, s.y, bw, track_h};
        int is_top = p->valid && p->top == d;
        SDL_Color hi = p->unsure ? COL_UNSURE : COL_ACCENT;
        if (g->v.chosen == d) {
            int b = sc(a, 2) > 1 ? sc(a, 2) : 1;
            gui_fill_rect(&a->paint, (SDL_Rect){track.x - b, track.y - b, track.w + 2 * b,
                                                track.h + 2 * b}, COL_CHOSEN);
        }
        gui_fill_rect(&a->paint, track, COL_TRACK);
        float v = p->valid ? p->y[d] : 0.0f;
        int fh = (int)lroundf((float)track_h * (v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v));
        if (fh > 0)
            gui_fill_rect(&a->paint, (SDL_Rect){track.x, track.y + track_h - fh, bw, fh},
                          is_top ? hi : COL_BAR);
        snprintf(buf, sizeof buf, "%d", d);
        text(a, is_top ? GUI_FONT_BOLD : GUI_FONT_SMALL,
             g->v.chosen == d ? COL_CHOSEN : is_top ? hi : COL_TEXT, buf, s.x + s.w / 2,
             s.y + s.h - lab_h / 2, AL_CENTER);
    }
}

/* The rectangle of tile i of a map or input stage. */
static SDL_Rect tile_rect(const dp_stage *st, int i)
{
    int col = i % (st->cols > 0 ? st->cols : 1), row = i / (st->cols > 0 ? st->cols : 1);
    return (SDL_Rect){st->body.x + col * (st->tile_w + st->gap),
                      st->body.y + row * (st->tile_h + st->gap), st->tile_w, st->tile_h};
}

/* Input pixels x0..x1 × y0..y1 as a rectangle on the input tile. */
static SDL_Rect input_box(const dp_stage *in, int x0, int y0, int x1, int y1)
{
    int s = in->tile_w / INK_SIDE > 0 ? in->tile_w / INK_SIDE : 1;
    return (SDL_Rect){in->body.x + x0 * s, in->body.y + y0 * s, (x1 - x0 + 1) * s,
                      (y1 - y0 + 1) * s};
}

/* The unit pointed at: its pixel (or cell) outlined, its receptive field
 * on the input tile and on the canvas, and for a dense unit fed by the
 * pixels its three strongest positive (red) and negative (blue) weights
 * where they come from. */
static void draw_unit(gui_app *a)
{
    gui_views *g = a->views;
    dp_unit u = g->unit;
    if (u.stage < 0 || u.stage >= g->v.n_stages || !a->st.model)
        return;
    const dp_stage *st = &g->v.stage[u.stage], *in = &g->v.stage[0];
    SDL_Color mark = g->pinned ? COL_ACCENT : (SDL_Color){255, 255, 255, 220};
    gui_set_color(&a->paint, mark);
    if (st->kind == DP_STAGE_MAPS) {
        int i = -1;
        for (int k = 0; k < st->n_shown; k++)
            if (st->shown[k] == u.c)
                i = k;
        if (i >= 0 && st->w > 0) {
            SDL_Rect t = tile_rect(st, i);
            int s = st->tile_w / st->w > 0 ? st->tile_w / st->w : 1;
            SDL_RenderDrawRect(a->paint.ren, &t);
            SDL_Rect p = {t.x + u.x * s, t.y + u.y * s, s, s};
            SDL_RenderDrawRect(a->paint.ren, &p);
        }
    } else if (st->kind == DP_STAGE_CELLS) {
        for (int k = 0; k < st->n_shown; k++)
            if (st->shown[k] == u.c) {
                SDL_Rect c = {st->body.x + k % st->cols * st->tile_w,
                              st->body.y + k / st->cols * st->tile_h, st->tile_w, st->tile_h};
                SDL_RenderDrawRect(a->paint.ren, &c);
            }
    }
    if (in->kind != DP_STAGE_INPUT)
        return;
    int x0, y0, x1, y1;
    if (st->kind == DP_STAGE_MAPS || st->kind == DP_STAGE_INPUT) {
        if (dp_views_receptive(&g->v, a->st.model, u, &x0, &y0, &x1, &y1) != 0)
            return;
        SDL_Rect r = input_box(in, x0, y0, x1, y1);
        gui_set_color(&a->paint, mark);
        SDL_RenderDrawRect(a->paint.ren, &r);
        /* The same box on the canvas, where the input lies on the drawing. */
        if (g->v.map_valid && a->st.canvas_side > 0) {
            SDL_Rect c = gui_rect(a->frame.lay.canvas);
            float k = (float)c.w / (float)a->st.canvas_side;
            SDL_Rect cr = {c.x + (int)lroundf((g->v.map_x + (float)x0 * g->v.map_px) * k),
                           c.y + (int)lroundf((g->v.map_y + (float)y0 * g->v.map_px) * k),
                           (int)lroundf((float)(x1 - x0 + 1) * g->v.map_px * k),
                           (int)lroundf((float)(y1 - y0 + 1) * g->v.map_px * k)};
            SDL_RenderSetClipRect(a->paint.ren, &c);
            SDL_RenderDrawRect(a->paint.ren, &cr);
            SDL_RenderSetClipRect(a->paint.ren, NULL);
        }
        return;
    }
    /* A dense unit reading the pixels: where its strongest weights sit. */
    const nn_arch *ar = nn_model_arch(a->st.model);
    int li = st->layer;
    while (li > 0 && ar->layer[li].kind != NN_LAYER_DENSE)
        li--;
    int first = 1;
    for (int j = 0; j < li; j++)
        first &= ar->layer[j].kind == NN_LAYER_FLATTEN;
    int pi[3], ni[3], np, nn;
    float pv[3], nv[3];
    if (!first || dp_views_inputs(&g->v, a->st.model, u, 3, pi, pv, &np, ni, nv, &nn) != 0)
        return;
    gui_set_color(&a->paint, (SDL_Color){230, 80, 70, 255});
    for (int i = 0; i < np; i++) {
        SDL_Rect r = input_box(in, pi[i] % INK_SIDE, pi[i] / INK_SIDE, pi[i] % INK_SIDE,
                               pi[i] / INK_SIDE);
        SDL_RenderDrawRect(a->paint.ren, &r);
    }
    gui_set_color(&a->paint, (SDL_Color){80, 140, 240, 255});
    for (int i = 0; i < nn; i++) {
        SDL_Rect r = input_box(in, ni[i] % INK_SIDE, ni[i] / INK_SIDE, ni[i] % INK_SIDE,
                               ni[i] / INK_SIDE);
        SDL_RenderDrawRect(a->paint.ren, &r);
    }
}

/* The diverging ramp from −range to +range as a bar w × h at (x, y): one
 * small texture made once, stretched (no per-pixel drawing calls). */
static void draw_ramp(gui_app *a, int x, int y, int w, int h)
{
    gui_views *g = a->views;
    enum { RAMP = 64 };
    if (!g->ramp_tex) {
        char err[160];
        int tw = 0, th = 0;
        void *mem;
        int pitch;
        if (gui_ensure_stream(&a->paint, &g->ramp_tex, &tw, &th, RAMP, 1, 0, err, sizeof err) !=
                0 ||
            SDL_LockTexture(g->ramp_tex, NULL, &mem, &pitch) != 0)
            return;
        for (int i = 0; i < RAMP; i++)
            ((uint32_t *)mem)[i] =
                dp_argb_diverging((uint8_t)(1 + (254 * i + RAMP / 2) / (RAMP - 1)));
        SDL_UnlockTexture(g->ramp_tex);
        SDL_SetTextureBlendMode(g->ramp_tex, SDL_BLENDMODE_NONE);
    }
    SDL_RenderCopy(a->paint.ren, g->ramp_tex, NULL, &(SDL_Rect){x, y, w, h});
}

/* The legend of a fixed colour range, "−0.52 ▬▬ +0.52", ending at x_right
 * and centred on cy; its width when draw is 0 (nothing drawn). */
static int legend(gui_app *a, float range, int x_right, int cy, int draw)
{
    char lo[24], hi[24];
    snprintf(lo, sizeof lo, "\xE2\x88\x92%.2g", (double)range);
    snprintf(hi, sizeof hi, "+%.2g", (double)range);
    int lw = gui_text_width(&a->paint, GUI_FONT_CAPTION, lo);
    int hw = gui_text_width(&a->paint, GUI_FONT_CAPTION, hi);
    int bw = sc(a, 40), bh = sc(a, 8) > 3 ? sc(a, 8) : 4, pad = sc(a, 4) > 1 ? sc(a, 4) : 2;
    int w = lw + pad + bw + pad + hw;
    if (!draw)
        return w;
    int x = x_right - w;
    text(a, GUI_FONT_CAPTION, COL_DIM, lo, x, cy, AL_LEFT);
    draw_ramp(a, x + lw + pad, cy - bh / 2, bw, bh);
    text(a, GUI_FONT_CAPTION, COL_DIM, hi, x_right, cy, AL_RIGHT);
    return w;
}

/* The inspector beside the input tile: its pictures (repainted only when
 * the unit, the input or the model changed), a title and a label over
 * each, and the legend of the layer's range where they fit. */
static void draw_inspector(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect r = g->v.inspect;
    int lab_h = sc(a, 15), gap = sc(a, 10) > 4 ? sc(a, 10) : 4;
    gui_views_inspector(a, lab_h, gap);
    if (r.w < 1 || !g->insp_tex || !g->insp_title[0])
        return;
    SDL_RenderCopy(a->paint.ren, g->insp_tex, NULL, &(SDL_Rect){r.x, r.y, g->insp_w, g->insp_h});
    if (r.h < lab_h)
        return;
    int cy = r.y + lab_h / 2;
    const char *title[] = {g->insp_title, ""};
    /* The legend only with pictures and where the title leaves it room. */
    int lw = g->insp_n > 0 ? legend(a, g->insp_range, 0, 0, 0) + sc(a, 10) : 0;
    int tw = gui_text_fit(&a->paint, GUI_FONT_CAPTION, COL_TEXT, title, 1, r.x, cy, AL_LEFT, 1,
                          r.w - lw);
    if (g->insp_n > 0 && tw > 0)
        legend(a, g->insp_range, r.x + r.w, cy, 1);
    for (int i = 0; i < g->insp_n && i < DP_WPAGE_TOP; i++) {
        dp_rect p = g->insp_where[i];
        const char *lab[] = {g->insp_label[i], g->insp_mid[i], g->insp_short[i]};
        if (g->insp_label[i][0])
            gui_text_fit(&a->paint, GUI_FONT_CAPTION, COL_DIM, lab, 3, p.x - 1,
                         p.y - 1 - lab_h / 2, AL_LEFT, 1, p.w + gap);
    }
}

static void draw_layers(gui_app *a)
{
    gui_views *g = a->views;
    char buf[96];
    if (g->v.n_stages == 0)
        text(a, GUI_FONT_SMALL, COL_DIM, "no model loaded", g->area.x, g->area.y + sc(a, 9),
             AL_LEFT);
    for (int s = 0; s < g->v.n_stages; s++) {
        const dp_stage *st = &g->v.stage[s];
        int cy = st->caption.y + st->caption.h / 2;
        if (st->caption.y + st->caption.h > g->area.y + g->area.h)
            break;
        int lw = text(a, GUI_FONT_CAPTION, COL_TEXT, st->name, st->caption.x, cy, AL_LEFT);
        if (st->n_shown < st->c)
            snprintf(buf, sizeof buf, "%s \xC2\xB7 %d most active", st->shape, st->n_shown);
        else
            snprintf(buf, sizeof buf, "%s", st->shape);
        /* The shape only where it does not run into the name. */
        if (gui_text_width(&a->paint, GUI_FONT_CAPTION, buf) + lw + sc(a, 10) <= st->caption.w)
            text(a, GUI_FONT_CAPTION, COL_DIM, buf, st->caption.x + st->caption.w, cy, AL_RIGHT);
        if (st->kind == DP_STAGE_BARS)
            draw_view_bars(a, st);
    }
    draw_inspector(a);
    draw_unit(a);
}

/* The caption of a weights page, longest form first: the layer, which of
 * how many, what each picture is. */
static int weights_captions(gui_app *a, char (*alt)[256])
{
    gui_views *g = a->views;
    const dp_wpage *pg = &g->w_pg;
    char tok[48], what[96], first[32] = "";
    dp_layer_token(&nn_model_arch(a->st.model)->layer[pg->layer], tok, sizeof tok);
    switch (pg->kind) {
    case DP_WPAGE_FILTERS:
        snprintf(what, sizeof what, "%d filters %d\xC3\x97%d", pg->units, pg->ph, pg->pw);
        break;
    case DP_WPAGE_KERNELS:
        snprintf(what, sizeof what, "each map's %d strongest input kernels", pg->per_unit);
        break;
    case DP_WPAGE_IMAGE:
        snprintf(what, sizeof what, "each unit's input weights, %d\xC3\x97%d", pg->ph, pg->pw);
        break;
    case DP_WPAGE_MAPSUM:
        snprintf(what, sizeof what, "each unit's weights summed over %d maps", pg->in_c);
        break;
    case DP_WPAGE_MATRIX:
        snprintf(what, sizeof what, "a row per unit, %d inputs", pg->pw);
        break;
    }
    if (pg->shown < pg->units)
        snprintf(first, sizeof first, " (first %d)", pg->shown);
    snprintf(alt[0], 256, "%s \xC2\xB7 layer %d of %d \xC2\xB7 %s%s", tok, g->w_page + 1,
             g->w_n_pages, what, first);
    snprintf(alt[1], 256, "%s \xC2\xB7 %d/%d \xC2\xB7 %s%s", tok, g->w_page + 1, g->w_n_pages,
             what, first);
    snprintf(alt[2], 256, "%s \xC2\xB7 %d/%d", tok, g->w_page + 1, g->w_n_pages);
    snprintf(alt[3], 256, "%s", tok);
    return 4;
}

static void draw_weights(gui_app *a)
{
    gui_views *g = a->views;
    if (g->w_pg.layer < 0 || !a->st.model) {
        text(a, GUI_FONT_SMALL, COL_DIM, a->st.model ? "this model has no weights to show"
                                                     : "no model loaded",
             g->area.x, g->area.y + sc(a, 9), AL_LEFT);
        return;
    }
    char alt[4][256];
    int n = weights_captions(a, alt);
    const char *alts[4] = {alt[0], alt[1], alt[2], alt[3]};
    int cy = g->area.y + sc(a, 8);
    /* The legend of the layer's fixed range on the right; the caption the
     * longest that fits beside it. */
    int lw = legend(a, g->w_range_used, 0, 0, 0);
    int room = g->area.w - lw - sc(a, 10);
    int tw = gui_text_fit(&a->paint, GUI_FONT_CAPTION, COL_TEXT, alts, n, g->area.x, cy, AL_LEFT, 1,
                          room);
    if (lw <= g->area.w)
        legend(a, g->w_range_used, g->area.x + g->area.w, cy, 1);
    if (a->train.running || a->train.version) {
        char buf[32];
        snprintf(buf, sizeof buf, "%sv%u", a->train.running ? "training " : "", a->train.version);
        int vw = gui_text_width(&a->paint, GUI_FONT_CAPTION, buf);
        if (tw + vw + 2 * sc(a, 10) <= room)
            text(a, GUI_FONT_CAPTION, a->train.running ? COL_ACCENT : COL_DIM, buf,
                 g->area.x + room, cy, AL_RIGHT);
    }
}

/* The LAYERS button in the bar chart's caption line, between the caption
 * and the threshold, where there is room. */
void gui_views_bars_toggle(gui_app *a)
{
    gui_views *g = a->views;
    dp_rect r = a->frame.bars_drawn;
    g->toggle_on = 0;
    if (g->v.mode != DP_VIEW_OFF || r.w <= 0)
        return;
    int pad = sc(a, DP_BARS_PAD);
    int cap_w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "SIGMOID OUTPUTS");
    int right_w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "threshold 100%");
    int x = r.x + pad + cap_w + sc(a, 10);
    int w = gui_text_width(&a->paint, GUI_FONT_CAPTION, "LAYERS") + sc(a, 14);
    g->toggle_on = x + w + sc(a, 10) <= r.x + r.w - pad - right_w;
    if (g->toggle_on)
        pill(a, &g->toggle, "LAYERS", x, r.y + pad + sc(a, 7), 0, AL_LEFT);
}

/* The chosen output on the window's own bar chart: a frame round its row. */
static void draw_chosen_row(gui_app *a)
{
    gui_views *g = a->views;
    if (g->v.chosen < 0)
        return;
    int top, row_h;
    dp_bar_rows(&a->frame.lay, a->frame.bars_drawn, &top, &row_h);
    if (row_h < 4)
        return;
    dp_rect r = a->frame.bars_drawn;
    SDL_Rect f = {r.x + sc(a, 6), top + g->v.chosen * row_h, r.w - sc(a, 12), row_h};
    SDL_SetRenderDrawColor(a->paint.ren, COL_CHOSEN.r, COL_CHOSEN.g, COL_CHOSEN.b, 255);
    SDL_RenderDrawRect(a->paint.ren, &f);
}

int gui_views_open(const gui_app *a)
{
    return a->views && a->views->v.mode != DP_VIEW_OFF;
}

void gui_views_panel(gui_app *a)
{
    gui_views *g = a->views;
    if (!g)
        return;
    gui_views_refresh(a);
    for (int i = 0; i < PILL_N; i++)
        g->pill_on[i] = 0;
    if (g->v.mode == DP_VIEW_OFF) {
        draw_chosen_row(a);
        return;
    }
    g->toggle_on = 0;
    gui_card(&a->paint, gui_rect(gui_views_panel_rect(a)), COL_BORDER, COL_CARD);
    draw_header(a);
    if (g->tex)
        SDL_RenderCopy(a->paint.ren, g->tex, NULL, &(SDL_Rect){g->area.x, g->area.y, g->tex_w,
                                                               g->tex_h});
    if (g->v.mode == DP_VIEW_LAYERS)
        draw_layers(a);
    else
        draw_weights(a);
}

int gui_views_export(gui_app *a, SDL_Rect *where)
{
    if (!gui_views_open(a))
        return 0;
    gui_views_panel(a);
    *where = gui_rect(gui_views_panel_rect(a));
    return 1;
}
