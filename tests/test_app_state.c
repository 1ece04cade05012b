/* test_app_state.c — the window's logic without a display: the key table
 * (keys.h: lookups, modifiers, repeats, one help row per binding), the
 * layout's boxes and mappings (layout.h) and the app state (appstate.h:
 * strokes, eraser, undo, model threshold, predictions, S and digit keys,
 * a data directory deleted while the window runs). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appstate.h"
#include "modelcard.h"
#include "keys.h"
#include "buttons.h"
#include "layout.h"
#include "nn_file.h"

/* ------------------------------------------------------------- key table */

static dp_action act(int key, int ctrl, int shift, int repeat)
{
    const dp_binding *b = dp_key_lookup(key, ctrl, shift, repeat);
    return b ? b->action : DP_ACT_NONE;
}

static void test_keys(void)
{
    CHECK(act('z', 1, 0, 0) == DP_ACT_UNDO);
    CHECK(act('z', 1, 1, 0) == DP_ACT_REDO);      /* Ctrl+Shift+Z */
    CHECK(act('y', 1, 0, 0) == DP_ACT_REDO);
    CHECK(act('r', 1, 0, 0) == DP_ACT_SHIPPED);
    CHECK(act('z', 0, 0, 0) == DP_ACT_NONE);      /* plain Z does nothing */
    CHECK(act('u', 0, 0, 1) == DP_ACT_UNDO);      /* undo repeats while held */
    CHECK(act('c', 0, 0, 0) == DP_ACT_CLEAR);
    CHECK(act('c', 1, 0, 0) == DP_ACT_NONE);      /* Ctrl+C is not "clear" */
    CHECK(act(DP_KEY_BACKSPACE, 0, 0, 0) == DP_ACT_CLEAR);
    CHECK(act(DP_KEY_DELETE, 1, 1, 0) == DP_ACT_CLEAR);
    CHECK(act('s', 0, 0, 0) == DP_ACT_SAVE_DRAWING);
    CHECK(act('s', 1, 0, 0) == DP_ACT_SAVE_MODEL);
    CHECK(act('s', 0, 0, 1) == DP_ACT_NONE);      /* a held S saves once */
    CHECK(act('t', 0, 0, 0) == DP_ACT_TRAIN);
    CHECK(act('t', 0, 1, 0) == DP_ACT_TRAIN_SCRATCH);
    CHECK(act('t', 1, 0, 0) == DP_ACT_NONE);
    CHECK(act('g', 0, 1, 0) == DP_ACT_PANEL);
    CHECK(act('h', 0, 0, 0) == DP_ACT_HELP && act(DP_KEY_F1, 0, 0, 0) == DP_ACT_HELP);
    CHECK(act('h', 0, 0, 1) == DP_ACT_NONE);
    CHECK(act(DP_KEY_ESCAPE, 0, 0, 0) == DP_ACT_ESCAPE);
    CHECK(act(DP_KEY_DIGIT, 0, 0, 0) == DP_ACT_CORRECTION);
    CHECK(act(DP_KEY_DIGIT, 0, 0, 1) == DP_ACT_NONE); /* a held digit stores once */
    CHECK(act('p', 0, 0, 0) == DP_ACT_COMPARE);
    CHECK(act('q', 0, 0, 0) == DP_ACT_NONE);
    CHECK(act(DP_KEY_POINTER, 0, 0, 0) == DP_ACT_NONE);

    /* No two bindings claim the same key press: the table order never
     * decides which one runs. */
    size_t n;
    const dp_binding *t = dp_key_table(&n);
    int ambiguous = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (t[i].key != t[j].key || t[i].key == DP_KEY_POINTER)
                continue;
            for (int m = 0; m < 4; m++) {
                const dp_binding *b = dp_key_lookup(t[i].key, m & 1, m >> 1, 0);
                int hits = 0;
                for (size_t k = 0; k < n; k++)
                    if (t[k].key == t[i].key && b && t[k].action != b->action &&
                        ((t[k].mods == DP_MODS_ANY) ||
                         (t[k].mods == DP_MODS_CTRL && m == 1) ||
                         (t[k].mods == DP_MODS_CTRL_SHIFT && m == 3) ||
                         (t[k].mods == DP_MODS_NO_CTRL && !(m & 1)) ||
                         (t[k].mods == DP_MODS_NONE && m == 0) ||
                         (t[k].mods == DP_MODS_SHIFT && m == 2)))
                        hits++;
                ambiguous |= hits > 0;
            }
        }
    CHECK(!ambiguous);

    /* Every binding is on a help row, and the rows read as before. */
    dp_help_row rows[32];
    size_t r = dp_help_rows(rows, 32);
    CHECK(r == 29); /* issue 30 added the arrows: two rows */
    int found_undo = 0, found_clear = 0, found_help = 0, found_digit = 0;
    for (size_t i = 0; i < r && i < 32; i++) {
        found_undo |= strcmp(rows[i].keys, "Ctrl+Z  or  U") == 0;
        found_clear |= strcmp(rows[i].keys, "C, Delete, Backspace") == 0;
        found_help |= strcmp(rows[i].keys, "H  or  F1") == 0;
        found_digit |= strcmp(rows[i].keys, "0 \xE2\x80\x93 9") == 0;
    }
    CHECK(found_undo && found_clear && found_help && found_digit);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        dp_key_name(&t[i], name, sizeof name);
        int listed = 0;
        for (size_t k = 0; k < r && k < 32; k++)
            listed |= strstr(rows[k].keys, name) != NULL && strcmp(rows[k].help, t[i].help) == 0;
        CHECK(listed);
    }
    CHECK(dp_help_rows(rows, 3) == 29); /* counts past max, fills only 3 */
    /* Issue 29's keys: Ctrl+H the history (H alone stays help), E the
     * eraser, Ctrl+E export, - and = the brush (held: repeats). */
    CHECK(act('h', 1, 0, 0) == DP_ACT_HISTORY && act('h', 0, 1, 0) == DP_ACT_HELP);
    CHECK(act('e', 0, 0, 0) == DP_ACT_ERASER && act('e', 1, 0, 0) == DP_ACT_EXPORT);
    CHECK(act('-', 0, 0, 1) == DP_ACT_BRUSH && act('=', 0, 1, 0) == DP_ACT_BRUSH);
}

/* ---------------------------------------------------------------- layout */

static int inside(dp_rect in, dp_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static int overlap(dp_rect a, dp_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_layout(void)
{
    dp_layout l;
    CHECK(dp_layout_compute(&l, 0, 640, 1000) == -1);
    CHECK(dp_layout_compute(&l, 1000, 640, 0) == -1);
    /* The default window: boxes as designed (margin 20, status 40). */
    CHECK(dp_layout_compute(&l, 1000, 640, 1000) == 0);
    CHECK(l.scale == 1.0f && l.px_per_win == 1.0f);
    CHECK(l.canvas.x == 20 && l.canvas.y == 20 && l.canvas.w == 560 && l.canvas.h == 560);
    CHECK(l.panel.x == 600 && l.panel.w == 380);
    CHECK(l.head.h == 216 && l.bars.y == l.head.y + 216 + 20);
    CHECK(l.status.y == 640 - 20 - 40 + 8 && l.status.h == 32);
    /* At many sizes (and a HiDPI factor of 2) the boxes stay in the
     * window, the canvas square, and nothing overlaps the canvas. */
    int bad = 0;
    static const int sizes[][2] = {{480, 320}, {1000, 640}, {1920, 1080}, {640, 1200},
                                   {2000, 1280}, {3840, 2160}, {700, 700}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (int hidpi = 1; hidpi <= 2; hidpi++) {
            int w = sizes[i][0] * hidpi, h = sizes[i][1] * hidpi;
            if (dp_layout_compute(&l, w, h, sizes[i][0]) != 0) {
                bad++;
                continue;
            }
            dp_rect win = {0, 0, w, h};
            bad += !inside(l.canvas, win) || !inside(l.panel, win) || !inside(l.status, win);
            bad += l.canvas.w != l.canvas.h || l.canvas.w < 28;
            bad += overlap(l.canvas, l.panel) || overlap(l.canvas, l.status);
            bad += overlap(l.head, l.bars) || !inside(l.head, l.panel) || !inside(l.bars, l.panel);
            bad += overlap(l.bars, l.tools) || overlap(l.head, l.tools) || !inside(l.tools, l.panel);
            bad += overlap(l.panel, l.status) || l.tools.h < 22;
            /* The training panel: in the bars' box, beside the bars or
             * instead of them, never over the head. */
            dp_rect tr, br;
            int both = dp_layout_split_train(&l, &tr, &br);
            bad += !inside(tr, l.bars) || overlap(tr, l.head);
            bad += both ? (!inside(br, l.bars) || overlap(tr, br)) : br.w != 0;
            /* The tools row's buttons: in the row, apart. */
            dp_rect b[6];
            dp_tools_place(&l, 6, b);
            for (int k = 0; k < 6; k++) {
                bad += !inside(b[k], l.tools) || b[k].w < 20;
                bad += k > 0 && overlap(b[k - 1], b[k]);
            }
            /* The picker: in the bars' box, eleven buttons apart. */
            dp_rect card, title, pk[DP_PICKER_N];
            dp_picker_place(&l, &card, &title, pk);
            bad += !inside(card, l.bars) || !inside(title, card);
            for (int k = 0; k < DP_PICKER_N; k++) {
                bad += !inside(pk[k], card) || overlap(pk[k], title) || pk[k].h < 8;
                for (int j = 0; j < k; j++)
                    bad += overlap(pk[j], pk[k]);
            }
            bad += l.px_per_win != (float)hidpi;
            /* Window -> box -> window round trip at the canvas's centre. */
            int wx, wy;
            float bx, by, px, py;
            dp_layout_box_to_window(&l, 500.0f, 500.0f, &wx, &wy);
            dp_layout_to_box(&l, (float)wx * l.px_per_win, (float)wy * l.px_per_win, &bx, &by);
            bad += bx < 490.0f || bx > 510.0f || by < 490.0f || by > 510.0f;
            dp_layout_box_to_px(&l, 0.0f, 0.0f, &px, &py);
            bad += !dp_layout_in_canvas(&l, px, py) || dp_layout_in_canvas(&l, px - 1, py);
        }
    }
    CHECK(bad == 0);
    /* Tall windows put the panel below the canvas, wide ones beside it;
     * the canvas is the larger for it (480×800 was a 300 px canvas). */
    CHECK(dp_layout_compute(&l, 480, 800, 480) == 0);
    CHECK(l.portrait == 1 && l.canvas.w >= 400 && l.panel.y >= l.canvas.y + l.canvas.h);
    CHECK(l.panel.x + l.panel.w <= 480 && l.panel.y + l.panel.h <= l.status.y);
    CHECK(dp_layout_compute(&l, 1000, 640, 1000) == 0 && l.portrait == 0);
    CHECK(dp_layout_compute(&l, 1920, 1080, 1920) == 0 && l.portrait == 0);
    CHECK(dp_layout_compute(&l, 700, 1200, 700) == 0 && l.portrait == 1);
    /* At the minimum size the panel keeps the 190 px its 8 px text needs. */
    CHECK(dp_layout_compute(&l, 480, 320, 480) == 0 && l.portrait == 0 && l.panel.w >= 190);
    /* A tall panel (a tall portrait window) holds the training card above
     * the bars; the default window's does not (the card takes the bars'
     * place). */
    dp_rect tr, br;
    CHECK(dp_layout_compute(&l, 1000, 640, 1000) == 0 && !dp_layout_split_train(&l, &tr, &br));
    CHECK(tr.y == l.bars.y && tr.h == l.bars.h && br.w == 0);
    CHECK(dp_layout_compute(&l, 480, 1200, 480) == 0 && dp_layout_split_train(&l, &tr, &br));
    CHECK(tr.y == l.bars.y && br.y > tr.y + tr.h && br.y + br.h == l.bars.y + l.bars.h);
    /* Hit tests: the first rectangle holding the point. */
    dp_rect rs[2] = {{0, 0, 10, 10}, {10, 0, 10, 10}};
    CHECK(dp_rect_hit(rs, 2, 9.5f, 5.0f) == 0 && dp_rect_hit(rs, 2, 10.0f, 5.0f) == 1);
    CHECK(dp_rect_hit(rs, 2, 20.0f, 5.0f) == -1 && dp_rect_hit(rs, 2, 5.0f, -0.1f) == -1);
    /* The button table: Clear, Undo, Redo, Label, Pen, History,
     * Shipped model and Help,
     * each a key's action; the picker's ten digits store their digit. */
    size_t nb;
    const dp_button *tb = dp_tool_buttons(&nb);
    int seen = 0;
    for (size_t i = 0; i < nb; i++)
        seen |= (tb[i].action == DP_ACT_CLEAR) | (tb[i].action == DP_ACT_UNDO) << 1 |
                (tb[i].action == DP_ACT_LABEL) << 2 | (tb[i].action == DP_ACT_HELP) << 3 |
                (tb[i].action == DP_ACT_REDO) << 4 | (tb[i].action == DP_ACT_SHIPPED) << 5 |
                (tb[i].action == DP_ACT_PEN) << 6 | (tb[i].action == DP_ACT_HISTORY) << 7;
    CHECK(seen == 255 && nb == 8 && nb <= DP_TOOLS_MAX);
    const dp_button *pb = dp_picker_buttons();
    for (int d = 0; d < 10; d++)
        CHECK(pb[d].action == DP_ACT_CORRECTION && pb[d].digit == d);
    CHECK(pb[10].action == DP_ACT_NONE);
    /* Clipping strokes to the box: inside stays, crossing is cut at the
     * edges, outside is dropped. */
    float x0 = 100, y0 = 100, x1 = 900, y1 = 500;
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && x0 == 100 && y1 == 500);
    x0 = -500, y0 = 500, x1 = 500, y1 = 500; /* entering from the left */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && x0 == 0.0f && y0 == 500 && x1 == 500);
    x0 = 500, y0 = 500, x1 = 500, y1 = 1500; /* leaving at the bottom */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && y1 > 999.9f && y1 < INK_BOX);
    /* Ends inside come back bit for bit (a pen inside must not be taken
     * for one that left). */
    x0 = 123.456f, y0 = 987.654f, x1 = 0.1f, y1 = 333.333f;
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && x0 == 123.456f && y0 == 987.654f &&
          x1 == 0.1f && y1 == 333.333f);
    x0 = -100, y0 = 500, x1 = 1100, y1 = 500; /* straight across */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && x0 == 0.0f && x1 > 999.9f);
    x0 = -100, y0 = -100, x1 = -50, y1 = 2000; /* beside the box */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 0 && x0 == -100);
    x0 = -100, y0 = 50, x1 = 50, y1 = -100; /* past the corner, outside */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 0);
    x0 = -100, y0 = 300, x1 = 300, y1 = -100; /* across the corner */
    CHECK(dp_clip_segment(&x0, &y0, &x1, &y1) == 1 && x0 == 0.0f && y0 == 200 && y1 == 0.0f &&
          x1 == 200);
    /* Off the canvas, points clamp to the box's edge. */
    CHECK(dp_layout_compute(&l, 1000, 640, 1000) == 0);
    float bx, by;
    dp_layout_to_box(&l, -50.0f, 5000.0f, &bx, &by);
    CHECK(bx == 0.0f && by > 999.9f && by < INK_BOX);
}

/* ------------------------------------------------------------- app state */

static void draw_bar(app_state *s, float x)
{
    app_stroke_begin(s, x, 150.0f);
    for (int i = 1; i <= 10; i++)
        app_stroke_point(s, x, 150.0f + 70.0f * (float)i);
}

static nn_model *tiny_model(const char *threshold)
{
    nn_error e;
    nn_arch arch;
    if (nn_arch_parse("fc10,sigmoid", &arch, &e) != NN_OK)
        return NULL;
    nn_model *m = nn_model_create(&arch, &e);
    if (!m)
        return NULL;
    nn_model_init_params(m, NN_INIT_XAVIER, 7);
    if (threshold)
        nn_model_meta_set(m, "threshold", threshold, NULL);
    return m;
}

static void test_state(const char *dir)
{
    app_state s;
    app_state_init(&s);
    char title[128];
    /* Strokes, undo, eraser. */
    draw_bar(&s, 300.0f);
    draw_bar(&s, 700.0f);
    CHECK(s.drawing.n == 2);
    CHECK(app_erase_at(&s, 500.0f, 500.0f) == 0); /* nothing within reach */
    /* The eraser's edge just reaches the bar at 300: it is cut in two
     * (test_app_history tests the geometry). */
    CHECK(app_erase_at(&s, 300.0f + app_eraser_radius() - 1.0f, 500.0f) == 1);
    CHECK(s.drawing.n == 3 && s.drawing.strokes[2].pts[0].x == 700.0f);
    CHECK(strcmp(s.message, "Erased: 1 stroke cut \xC2\xB7 Ctrl+Z undoes") == 0);
    /* Undo walks back erase, strokes; redo forward again; a new edit
     * ends redo. */
    app_undo(&s, NULL);
    CHECK(s.drawing.n == 2 && strcmp(s.message, "Undid the erase") == 0);
    app_undo(&s, NULL);
    CHECK(s.drawing.n == 1 && strcmp(s.message, "Undid the stroke") == 0);
    app_undo(&s, NULL);
    CHECK(s.drawing.n == 0);
    app_undo(&s, NULL);
    CHECK(strcmp(s.message, "Nothing to undo") == 0);
    app_redo(&s, NULL);
    app_redo(&s, NULL);
    CHECK(s.drawing.n == 2 && strcmp(s.message, "Redid the stroke") == 0);
    app_clear(&s);
    CHECK(s.drawing.n == 0);
    app_undo(&s, NULL);
    CHECK(s.drawing.n == 2 && strcmp(s.message, "Undid the clear") == 0);
    app_redo(&s, NULL);
    CHECK(s.drawing.n == 0);
    app_undo(&s, NULL);
    draw_bar(&s, 500.0f); /* a new edit: nothing left to redo */
    app_redo(&s, NULL);
    CHECK(s.drawing.n == 3 && strcmp(s.message, "Nothing to redo") == 0);
    app_clear(&s);
    /* No model: the canvas renders, nothing is predicted. */
    draw_bar(&s, 500.0f);
    CHECK((app_update(&s, 280) & 3) == 3);
    CHECK(app_update(&s, 280) == 0); /* nothing new */
    CHECK(!s.pred.valid);
    app_title(&s, title, sizeof title);
    CHECK(strcmp(title, "digitpad") == 0);

    /* The threshold rule (dp_card_parse_threshold, the command line's too): a
     * number strictly inside (0,1) with nothing after it, else 0.5. */
    static const struct { const char *meta; float want; } th[] = {
        {"0.69", 0.69f}, {"1", 0.5f}, {"0", 0.5f}, {"nan", 0.5f}, {"-0.2", 0.5f},
        {"0.3abc", 0.5f}, {NULL, 0.5f}};
    for (size_t i = 0; i < sizeof th / sizeof th[0]; i++) {
        nn_model *m = tiny_model(th[i].meta);
        CHECK(m != NULL);
        if (m) {
            CHECK(app_install_model(&s, m, "tiny") == 0);
            CHECK_NEAR(s.threshold, th[i].want, 1e-6);
        }
    }
    /* Predictions: argmax and the unsure flag follow the outputs. */
    app_update(&s, 280);
    CHECK(s.pred.valid);
    int top = 0;
    for (int k = 1; k < 10; k++)
        top = s.pred.y[k] > s.pred.y[top] ? k : top;
    CHECK(s.pred.top == top && s.pred.conf == s.pred.y[top]);
    CHECK(s.pred.unsure == (s.pred.conf < s.threshold));
    app_title(&s, title, sizeof title);
    CHECK(strncmp(title, "digitpad \xE2\x80\x94 ", 12) == 0);
    /* A dropped image: its normalised input is predicted and shown on the
     * canvas; an empty one is refused; the next stroke ends it. */
    {
        float img[40 * 40] = {0};
        CHECK(app_show_image(&s, img, 40, 40, "blank.png") == -1);
        CHECK(s.message_error && strcmp(s.message, "blank.png: no ink found in the image") == 0);
        for (int y = 5; y < 35; y++)
            img[y * 40 + 20] = img[y * 40 + 21] = 1.0f;
        size_t strokes = s.drawing.n;
        CHECK(app_show_image(&s, img, 40, 40, "bar.png") == 0 && s.image_mode);
        CHECK(s.drawing.n == 0);
        float want[INK_INPUT_SIZE];
        CHECK(ink_normalize(img, 40, 40, want) == 1);
        CHECK((app_update(&s, 280) & 3) == 3);
        CHECK(memcmp(s.input, want, sizeof want) == 0 && s.pred.valid);
        CHECK(s.canvas_pix[140 * 280 + 140] == want[14 * 28 + 14]);
        app_undo(&s, NULL); /* the drawing it replaced comes back */
        CHECK(!s.image_mode && s.drawing.n == strokes);
    }
    /* A file that is no model keeps the old one. */
    char bad[1024];
    snprintf(bad, sizeof bad, "%s/bad.safetensors", dir);
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("no model\n", f);
        fclose(f);
    }
    CHECK(app_load_model_file(&s, bad) == -1);
    CHECK(s.model && strcmp(s.model_name, "tiny") == 0 && s.message_error);
    CHECK(strncmp(s.message, "Could not load model: ", 22) == 0);

    /* Digit keys: one drawing, one correction; S: image and line. */
    char err[256];
    dp_corrections *c = dp_corrections_open(NULL, err, sizeof err);
    CHECK(c != NULL);
    CHECK(app_store_correction(&s, NULL, 4, 0, NULL) == 0 && s.message_error);
    /* A store without a file says plainly that it keeps nothing on disk. */
    CHECK(app_store_correction(&s, c, 4, 0, "no data directory: HOME unset") == 1);
    CHECK(s.message_error && strstr(s.message, "Kept as a 4 for this session only, not on disk "
                                               "(no data directory: HOME unset)") != NULL);
    dp_corrections_free(c);
    app_drawing_edited(&s);
    char cpath[1100];
    snprintf(cpath, sizeof cpath, "%s/corrections.strokes", dir);
    c = dp_corrections_open(cpath, err, sizeof err);
    CHECK(c != NULL);
    CHECK(app_store_correction(&s, c, 4, 0, NULL) == 1);
    CHECK(!s.message_error && strstr(s.message, "Saved as a 4") != NULL);
    CHECK(app_store_correction(&s, c, 4, 0, NULL) == 0); /* already stored */
    CHECK(strstr(s.message, "Already stored as a 4") != NULL);
    /* Another digit replaces the label: still one correction, now a 5. */
    size_t total = 0, count[10];
    CHECK(app_store_correction(&s, c, 5, 0, NULL) == 1);
    dp_corrections_counts(c, &total, count, NULL, NULL, 0);
    CHECK(total == 1 && count[5] == 1 && count[4] == 0);
    CHECK(strstr(s.message, "Now a 5, not a 4") != NULL);
    /* Undo puts the 4 back, undo again takes it out; redo stores again.
     * After a training run the message says the model keeps it. */
    app_undo(&s, c);
    dp_corrections_counts(c, &total, count, NULL, NULL, 0);
    CHECK(total == 1 && count[4] == 1 && s.correction_label == 4);
    s.train_runs++;
    app_undo(&s, c);
    dp_corrections_counts(c, &total, count, NULL, NULL, 0);
    CHECK(total == 0 && s.correction_label == -1 && s.drawing.n == 1);
    CHECK(strstr(s.message, "the 4 is out of your corrections (the model already "
                            "fine-tuned on it keeps what it learnt)") != NULL);
    app_redo(&s, c);
    dp_corrections_counts(c, &total, count, NULL, NULL, 0);
    CHECK(total == 1 && count[4] == 1 && s.correction_label == 4);
    app_redo(&s, c);
    dp_corrections_counts(c, &total, count, NULL, NULL, 0);
    CHECK(total == 1 && count[5] == 1 && s.correction_label == 5);
    /* The file agrees: a fresh open sees only the 5. */
    dp_corrections *c2 = dp_corrections_open(cpath, err, sizeof err);
    CHECK(c2 != NULL);
    if (c2) {
        dp_corrections_counts(c2, &total, count, NULL, NULL, 0);
        CHECK(total == 1 && count[5] == 1);
        dp_corrections_free(c2);
    }
    app_stroke_point(&s, 510.0f, 900.0f);            /* an edit: a new drawing */
    CHECK(app_store_correction(&s, c, 6, 1, NULL) == 1);
    CHECK(strstr(s.message, "2 corrections; the next epoch") != NULL);
    dp_corrections_free(c);
    app_save_drawing(&s, NULL, "HOME unset");
    CHECK(strcmp(s.message, "Not saved: HOME unset") == 0);
    /* S uses this drawing's label. */
    app_save_drawing(&s, dir, NULL);
    CHECK(strncmp(s.message, "Saved labelled 6 to ", 20) == 0);
    app_stroke_point(&s, 520.0f, 910.0f);            /* unlabelled now */
    app_save_drawing(&s, dir, NULL);
    CHECK(strncmp(s.message, "Saved without a label (?)", 25) == 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/drawings.strokes", dir);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    CHECK(text && text[0] == '6' && strstr(text, "\n? ") != NULL);
    free(text);
    app_clear(&s);
    CHECK(s.drawing.n == 0);
    app_clear(&s);
    CHECK(strcmp(s.message, "The canvas is empty") == 0);
    app_save_drawing(&s, dir, NULL);
    CHECK(strcmp(s.message, "Nothing to save: the canvas is empty") == 0);
    /* Messages are one line whatever they quote. */
    app_message(&s, 0, "a\nb\x1b[2J");
    CHECK(strcmp(s.message, "a?b?[2J") == 0);
    app_state_free(&s);
}

/* The data directory deleted while the window runs: the digit key keeps
 * the drawing for the session and says so, as with no data directory. */
static void test_dir_gone(const char *dir)
{
    char sub[1024], path[1100], err[256], file[1400];
    snprintf(sub, sizeof sub, "%s/gone", dir);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%s/corrections.strokes", sub);
    dp_corrections *c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    app_state s;
    app_state_init(&s);
    draw_bar(&s, 400.0f);
    CHECK(app_store_correction(&s, c, 7, 0, "") == 1 && !s.message_error);
    CHECK(strstr(s.message, "Saved as a 7") != NULL);
    /* its image and line, then the directory */
    snprintf(file, sizeof file, "%s/corrections-%s.pgm", sub, s.correction_id);
    CHECK(unlink(file) == 0);
    CHECK(unlink(path) == 0 && rmdir(sub) == 0);
    app_clear(&s);
    draw_bar(&s, 600.0f);
    CHECK(app_store_correction(&s, c, 7, 0, "") == 1);
    char want[1300];
    snprintf(want, sizeof want, "Kept as a 7 for this session only, not on disk (%s no longer "
             "exists) \xE2\x80\x94 2 corrections", sub);
    if (strcmp(s.message, want) != 0)
        fprintf(stderr, "got:  %s\nwant: %s\n", s.message, want);
    CHECK(s.message_error && strcmp(s.message, want) == 0);
    /* S says why it saved nothing */
    app_save_drawing(&s, sub, NULL);
    snprintf(want, sizeof want, "Not saved: %s/drawing-", sub);
    CHECK(s.message_error && strncmp(s.message, want, strlen(want)) == 0 &&
          strstr(s.message, ".pgm: No such file or directory") != NULL);
    app_undo(&s, c); /* takes it back out of memory */
    size_t total = 0;
    dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    CHECK(total == 1);
    app_state_free(&s);
    dp_corrections_free(c);
}

/* Messages expire, errors wait for an action; confirmations; quitting
 * with an unsaved model. */
static void test_messages(void)
{
    app_state s;
    app_state_init(&s);
    app_tick(&s, 100.0);
    app_message(&s, 0, "Cleared");
    app_tick(&s, 104.0);
    CHECK(strcmp(s.message, "Cleared") == 0);
    app_tick(&s, 105.5);
    CHECK(s.message[0] == '\0');
    /* A long one stays until it can be read: 120 bytes, 10 s. */
    app_message(&s, 0, "%0120d", 0);
    app_tick(&s, 114.0);
    CHECK(s.message[0] != '\0');
    app_tick(&s, 116.0);
    CHECK(s.message[0] == '\0');
    app_message(&s, 1, "Model not saved: disk full");
    app_tick(&s, 200.0);
    CHECK(s.message[0] != '\0');       /* errors stay... */
    app_user_action(&s);
    CHECK(s.message[0] == '\0');       /* ...until the next action */
    /* A second press within the time confirms; later, it asks again. */
    CHECK(app_confirm(&s, 7, "again?") == 0 && strcmp(s.message, "again?") == 0);
    app_tick(&s, 203.0);
    CHECK(app_confirm(&s, 7, "again?") == 1);
    CHECK(app_confirm(&s, 7, "again?") == 0);
    app_tick(&s, 209.0);
    CHECK(app_confirm(&s, 7, "again?") == 0);
    CHECK(app_confirm(&s, 8, "other?") == 0); /* another action starts over */
    CHECK(app_confirm(&s, 7, "again?") == 0);
    /* Quit: at once when nothing is unsaved; else ask, then quit. */
    CHECK(app_quit_request(&s) == 1);
    s.model_unsaved = 1;
    CHECK(app_quit_request(&s) == 0);
    CHECK(strcmp(s.message, "Unsaved model: Ctrl+S saves it, quit again to discard") == 0);
    app_tick(&s, 212.0);
    CHECK(app_quit_request(&s) == 1);
    app_tick(&s, 230.0);
    CHECK(app_quit_request(&s) == 0); /* the question lapsed */
    /* Replacing the model asks alike, each action for itself: a quit's
     * question is not a yes to Ctrl+R. */
    CHECK(app_discard_request(&s, 42, "Ctrl+R again") == 0);
    CHECK(strcmp(s.message, "Unsaved model: Ctrl+S saves it, Ctrl+R again to discard") == 0);
    CHECK(app_discard_request(&s, 42, "Ctrl+R again") == 1);
    s.model_unsaved = 0;
    CHECK(app_discard_request(&s, 42, "Ctrl+R again") == 1); /* nothing to lose */
    app_state_free(&s);
}

/* A fixed-pitch "font": 10 px per character (UTF-8 continuation bytes
 * do not count), so the expected lines are easy to write down. */
static int width10(void *ctx, const char *t, size_t n)
{
    (void)ctx;
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)t[i] & 0xC0) != 0x80 ? 10 : 0;
    return w;
}

static void test_wrap(void)
{
    char out[600];
    /* Fits: one line, as it is. */
    CHECK(app_wrap_text("Cleared", 200, 2, width10, NULL, out, sizeof out) == 1);
    CHECK(strcmp(out, "Cleared") == 0);
    /* Two lines at the space, never mid-word. */
    CHECK(app_wrap_text("Model saved to /home/x/model.safetensors used at the next start", 300,
                        3, width10, NULL, out, sizeof out) == 3);
    CHECK(strcmp(out, "Model saved to\n/home/x/model.safetensors used\nat the next start") == 0);
    /* Too long for the lines there are: whole words, then an ellipsis. */
    CHECK(app_wrap_text("--shipped-model for the original one", 200, 1, width10, NULL, out,
                        sizeof out) == 1);
    CHECK(strcmp(out, "--shipped-model for\xE2\x80\xA6") == 0);
    CHECK(app_wrap_text("--shipped-model for the original one", 180, 1, width10, NULL, out,
                        sizeof out) == 1);
    CHECK(strcmp(out, "--shipped-model\xE2\x80\xA6") == 0);
    CHECK(app_wrap_text("a b c d e f g h i j k l", 60, 2, width10, NULL, out, sizeof out) == 2);
    CHECK(strcmp(out, "a b c\nd e f\xE2\x80\xA6") == 0);
    /* A word wider than the line is cut at a character, not inside one. */
    CHECK(app_wrap_text("\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94", 30, 1, width10,
                        NULL, out, sizeof out) == 1);
    CHECK(strcmp(out, "\xE2\x80\x94\xE2\x80\x94\xE2\x80\xA6") == 0);
    /* A path wider than a line breaks after the last '/' that fits (else
     * at a character when it starts the line): no part of it is lost. */
    CHECK(app_wrap_text("MNIST is not in /home/someone/projects/digitpad/data/mnist so", 200,
                        APP_WRAP_ALL, width10, NULL, out, sizeof out) == 4);
    CHECK(strcmp(out, "MNIST is not in\n/home/someone/\nprojects/digitpad/\ndata/mnist so") ==
          0);
    CHECK(app_wrap_text("in /abcdefghijklmnopqrstuvwxyz/x", 100, APP_WRAP_ALL, width10, NULL, out,
                        sizeof out) == 4);
    CHECK(strcmp(out, "in\n/abcdefghi\njklmnopqrs\ntuvwxyz/x") == 0);
    /* Every line fits. */
    const char *msg = "MNIST not found in /tmp/no-mnist: T again within 5 s to train on your 8 "
                      "drawings alone; your 8 drawings cover only 1, 7, so the model would learn "
                      "to answer only those digits";
    int n = app_wrap_text(msg, 250, 4, width10, NULL, out, sizeof out);
    CHECK(n == 4);
    for (char *line = out; line; ) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        CHECK(width10(NULL, line, len) <= 250);
        CHECK(len == 0 || line[len - 1] != ' ');
        line = nl ? nl + 1 : NULL;
    }
}

/* What each accuracy figure says it measures. */
static void test_accuracy_text(void)
{
    char buf[128];
    nn_model *m = tiny_model(NULL);
    CHECK(m != NULL);
    if (!m)
        return;
    dp_card_accuracy(m, buf, sizeof buf);
    CHECK(strcmp(buf, "accuracy not measured yet") == 0);
    nn_model_meta_set(m, "test_accuracy", "0.9955", NULL);
    dp_card_accuracy(m, buf, sizeof buf);
    CHECK(strcmp(buf, "MNIST test accuracy 99.55%") == 0);
    /* A snapshot: its own figures only, "none" until an epoch measured. */
    nn_model_meta_set(m, "bg_version", "3", NULL);
    nn_model_meta_set(m, "heldout_accuracy", "none", NULL);
    dp_card_accuracy(m, buf, sizeof buf);
    CHECK(strcmp(buf, "accuracy not measured yet") == 0);
    nn_model_meta_set(m, "heldout_accuracy", "0.9920", NULL);
    nn_model_meta_set(m, "heldout_n", "2000", NULL);
    dp_card_accuracy(m, buf, sizeof buf);
    CHECK(strcmp(buf, "held-out accuracy 99.20% on 2000 MNIST test images") == 0);
    nn_model_meta_set(m, "heldout_accuracy", "none", NULL);
    nn_model_meta_set(m, "user_accuracy", "1.0", NULL);
    nn_model_meta_set(m, "user_n", "6", NULL);
    dp_card_accuracy(m, buf, sizeof buf);
    CHECK(strcmp(buf, "100% of your 6 drawings right (trained on them, not a test)") == 0);
    nn_model_free(m);
}

int main(void)
{
    test_messages();
    test_wrap();
    test_accuracy_text();
    test_keys();
    test_layout();
    test_state(test_tmpdir());
    test_dir_gone(test_tmpdir());
    return test_finish("app_state");
}
