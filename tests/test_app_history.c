/* test_app_history.c — the history of drawings (history.h: round trip,
 * the cap, a damaged line skipped, delete / clear / learnt marks,
 * concurrent appends from two processes, a non-regular file refused),
 * bringing a drawing back (appstate.h: undoable, not stored twice), the
 * eraser that cuts strokes (geometry, one undo per gesture) and the
 * canvas brush, which never changes the network's input. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "appstate.h"
#include "history.h"

/* A vertical bar at x from y 150 to 850, n+1 points. */
static void bar(ink_drawing *d, float x, int n)
{
    ink_stroke_begin(d);
    for (int i = 0; i <= n; i++)
        ink_stroke_add(d, x, 150.0f + 700.0f * (float)i / (float)n);
}

static int same_drawing(const ink_drawing *a, const ink_drawing *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->strokes[i].n != b->strokes[i].n)
            return 0;
        for (size_t j = 0; j < a->strokes[i].n; j++)
            if (a->strokes[i].pts[j].x != b->strokes[i].pts[j].x ||
                a->strokes[i].pts[j].y != b->strokes[i].pts[j].y)
                return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ the store */

static void test_round_trip(const char *dir)
{
    char path[1400], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, DP_HISTORY_NAME);
    dp_history *h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == 0);
    ink_drawing d;
    ink_drawing_init(&d);
    bar(&d, 300.0f, 7);
    CHECK(dp_history_add(h, &d, 1, 930, 0, -1, 0, NULL, NULL, 0, err, sizeof err) == 0);
    bar(&d, 600.0f, 5);
    char id[DP_HISTORY_ID_LEN];
    CHECK(dp_history_add(h, &d, 4, 412, 1, 7, 1, NULL, id, sizeof id, err, sizeof err) == 0);
    ink_drawing empty;
    ink_drawing_init(&empty);
    CHECK(dp_history_add(h, &empty, 1, 1, 0, -1, 0, NULL, NULL, 0, err, sizeof err) == -1);
    dp_history_free(h);

    /* Read back: newest first, every field as stored. */
    h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == 2);
    const dp_history_entry *e = dp_history_get(h, 0);
    CHECK(e && strcmp(e->id, id) == 0 && e->pred == 4 && e->conf == 412 && e->unsure == 1 &&
          e->label == 7 && e->learnt == 1 && same_drawing(&e->drawing, &d));
    e = dp_history_get(h, 1);
    CHECK(e && e->pred == 1 && e->conf == 930 && e->label == -1 && e->learnt == 0 &&
          e->drawing.n == 1 && e->drawing.strokes[0].n == 8);
    CHECK(dp_history_get(h, 2) == NULL);
    CHECK(dp_history_find(h, id) == 0);

    /* A fine-tune started: the labelled one only counts as learnt. */
    bar(&d, 100.0f, 3);
    CHECK(dp_history_add(h, &d, 2, 500, 0, 3, 0, NULL, id, sizeof id, err, sizeof err) == 0);
    CHECK(dp_history_mark_learnt(h, err, sizeof err) == 0);
    CHECK(dp_history_get(h, 0)->learnt == 1 && dp_history_get(h, 2)->learnt == 0);
    /* Delete one, then all; each survives a reopen. */
    CHECK(dp_history_delete(h, id, err, sizeof err) == 0 && dp_history_count(h) == 2);
    dp_history_free(h);
    h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == 2 && dp_history_find(h, id) == -1);
    CHECK(dp_history_clear(h, err, sizeof err) == 0 && dp_history_count(h) == 0);
    dp_history_free(h);
    h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == 0);
    dp_history_free(h);
    ink_drawing_free(&d);
    /* No temporary files left behind by the rewrites. */
    CHECK(test_stray_files(dir, DP_HISTORY_NAME) == 0);
}

static void test_cap(const char *dir)
{
    char path[1400], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, DP_HISTORY_NAME);
    dp_history *h = dp_history_open(path, err, sizeof err);
    ink_drawing d;
    ink_drawing_init(&d);
    size_t dropped = 0, total = 0;
    for (int i = 0; i < DP_HISTORY_MAX + 3; i++) {
        ink_drawing_clear(&d);
        bar(&d, 10.0f + (float)i, 2);
        CHECK(dp_history_add(h, &d, i % 10, 500, 0, -1, 0, &dropped, NULL, 0, err,
                             sizeof err) == 0);
        total += dropped;
    }
    /* The oldest three went, one at a time, and the file agrees. */
    CHECK(total == 3 && dp_history_count(h) == DP_HISTORY_MAX);
    CHECK(dp_history_get(h, DP_HISTORY_MAX - 1)->drawing.strokes[0].pts[0].x == 13.0f);
    dp_history_free(h);
    h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == DP_HISTORY_MAX);
    CHECK(dp_history_get(h, 0)->drawing.strokes[0].pts[0].x == 10.0f + DP_HISTORY_MAX + 2);
    dp_history_free(h);
    ink_drawing_free(&d);
}

static void test_damaged(const char *dir)
{
    char path[1400], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, DP_HISTORY_NAME);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    /* a good line, a line cut short by a crash, a strokes line that is not
     * ours, a bad field, and a good one */
    fputs("? h1-1-aa.p7.c900.u0.l0 | 100,100 200,200\n", f);
    fputs("3 h2-1-bb.p3.c800.u0.l1 | 100,100 20\n", f);
    fputs("3 plain-id | 100,100 200,200\n", f);
    fputs("? h3-1-cc.p12.c900.u0.l0 | 100,100 200,200\n", f);
    fputs("5 h4-1-dd.p5.c999.u0.l1 | 300,300 400,400 ; 500,500\n", f);
    fclose(f);
    dp_history *h = dp_history_open(path, err, sizeof err);
    char why[300];
    CHECK(h && dp_history_count(h) == 2);
    CHECK(h && dp_history_skipped(h, why, sizeof why) == 3 && why[0]);
    CHECK(h && strcmp(dp_history_get(h, 0)->id, "h4-1-dd") == 0 &&
          dp_history_get(h, 0)->drawing.n == 2 && dp_history_get(h, 0)->learnt == 1);
    CHECK(h && strcmp(dp_history_get(h, 1)->id, "h1-1-aa") == 0);
    dp_history_free(h);

    /* A directory (or FIFO) where the file goes is refused, never replaced. */
    char sub[1300];
    snprintf(sub, sizeof sub, "%s/dir", dir);
    CHECK(mkdir(sub, 0755) == 0);
    char bad[1400];
    snprintf(bad, sizeof bad, "%s/%s", sub, DP_HISTORY_NAME);
    CHECK(mkdir(bad, 0755) == 0);
    CHECK(dp_history_open(bad, err, sizeof err) == NULL && strstr(err, "directory"));
}

/* Two processes append at once: every line arrives whole. */
static void test_concurrent(const char *dir)
{
    char path[1400], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, DP_HISTORY_NAME);
    enum { PER = 60 };
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            dp_history *h = dp_history_open(path, err, sizeof err);
            ink_drawing d;
            ink_drawing_init(&d);
            int bad = !h;
            for (int i = 0; i < PER && !bad; i++) {
                ink_drawing_clear(&d);
                bar(&d, 100.0f * (float)(k + 1) + (float)i, 40);
                bad = dp_history_add(h, &d, k, 100 + i, 0, -1, 0, NULL, NULL, 0, err,
                                     sizeof err) != 0;
            }
            dp_history_free(h);
            ink_drawing_free(&d);
            _exit(bad);
        }
    }
    int ok = 1;
    for (int k = 0; k < 2; k++) {
        int st = 0;
        ok &= kids[k] > 0 && waitpid(kids[k], &st, 0) == kids[k] && WIFEXITED(st) &&
              WEXITSTATUS(st) == 0;
    }
    CHECK(ok);
    dp_history *h = dp_history_open(path, err, sizeof err);
    CHECK(h && dp_history_count(h) == 2 * PER && dp_history_skipped(h, NULL, 0) == 0);
    size_t per[2] = {0, 0};
    for (size_t i = 0; h && i < dp_history_count(h); i++) {
        const dp_history_entry *e = dp_history_get(h, i);
        if (e->pred == 0 || e->pred == 1)
            per[e->pred] += e->drawing.strokes[0].n == 41;
    }
    CHECK(per[0] == PER && per[1] == PER);
    dp_history_free(h);
}

/* ------------------------------------------------------------ app state */

static void test_restore(void)
{
    char err[512];
    dp_history *h = dp_history_open(NULL, err, sizeof err);
    app_state s;
    app_state_init(&s);
    app_stroke_begin(&s, 500.0f, 150.0f);
    app_stroke_point(&s, 500.0f, 850.0f);
    app_clear_to_history(&s, h);
    CHECK(s.drawing.n == 0 && dp_history_count(h) == 1);
    /* Brought back: undoable, and clearing it again adds nothing. */
    CHECK(app_history_restore(&s, h, 0) == 0 && s.drawing.n == 1);
    CHECK(strstr(s.message, "Brought back") != NULL);
    app_clear_to_history(&s, h);
    CHECK(dp_history_count(h) == 1);
    app_undo(&s, NULL); /* the clear */
    CHECK(s.drawing.n == 1);
    app_undo(&s, NULL); /* bringing it back */
    CHECK(s.drawing.n == 0 && strcmp(s.message, "Undid bringing the drawing back") == 0);
    /* A drawing on the canvas is kept first when another comes back. */
    app_stroke_begin(&s, 200.0f, 200.0f);
    app_stroke_point(&s, 800.0f, 200.0f);
    CHECK(app_history_restore(&s, h, 0) == 0);
    CHECK(dp_history_count(h) == 2 && s.drawing.strokes[0].pts[0].x == 500.0f);
    CHECK(app_history_restore(&s, h, 5) == -1);
    app_state_free(&s);
    dp_history_free(h);
}

static void test_eraser(void)
{
    /* Geometry: a horizontal line through the circle's middle leaves two
     * pieces ending on its edge; the points outside stay exactly. */
    ink_drawing d, out;
    ink_drawing_init(&d);
    ink_stroke_begin(&d);
    for (int i = 0; i <= 10; i++)
        ink_stroke_add(&d, 100.0f + 80.0f * (float)i, 500.0f);
    size_t cut = 0, removed = 0;
    CHECK(app_cut_drawing(&d, 500.0f, 500.0f, 100.0f, &out, &cut, &removed) == 1);
    CHECK(cut == 1 && removed == 0 && out.n == 2);
    CHECK(out.n == 2 && out.strokes[0].pts[0].x == 100.0f &&
          out.strokes[1].pts[out.strokes[1].n - 1].x == 900.0f);
    CHECK_NEAR(out.strokes[0].pts[out.strokes[0].n - 1].x, 400.0, 0.01);
    CHECK_NEAR(out.strokes[1].pts[0].x, 600.0, 0.01);
    for (size_t k = 0; k < out.n; k++)
        for (size_t j = 0; j < out.strokes[k].n; j++) {
            float dx = out.strokes[k].pts[j].x - 500.0f;
            CHECK(dx * dx >= 100.0f * 100.0f - 0.5f);
        }
    ink_drawing_free(&out);
    /* Missing it: nothing changes.  Covering it: removed. */
    CHECK(app_cut_drawing(&d, 500.0f, 700.0f, 100.0f, &out, &cut, &removed) == 0 && out.n == 0);
    CHECK(app_cut_drawing(&d, 500.0f, 500.0f, 600.0f, &out, &cut, &removed) == 1 &&
          removed == 1 && cut == 0 && out.n == 0);
    ink_drawing_free(&out);
    /* The end cut off: one piece, shorter. */
    CHECK(app_cut_drawing(&d, 900.0f, 500.0f, 50.0f, &out, &cut, &removed) == 1 && cut == 1 &&
          out.n == 1);
    CHECK_NEAR(out.strokes[0].pts[out.strokes[0].n - 1].x, 850.0, 0.01);
    ink_drawing_free(&out);
    /* A dot under the eraser goes. */
    ink_stroke_begin(&d);
    ink_stroke_add(&d, 300.0f, 300.0f);
    CHECK(app_cut_drawing(&d, 310.0f, 300.0f, 20.0f, &out, &cut, &removed) == 1 &&
          removed == 1 && out.n == 1);
    ink_drawing_free(&out);
    ink_drawing_free(&d);

    /* One gesture across two bars cuts both; one undo brings both back. */
    app_state s;
    app_state_init(&s);
    for (int k = 0; k < 2; k++) {
        app_stroke_begin(&s, 300.0f + 400.0f * (float)k, 150.0f);
        for (int i = 1; i <= 10; i++)
            app_stroke_point(&s, 300.0f + 400.0f * (float)k, 150.0f + 70.0f * (float)i);
    }
    app_erase_begin(&s, 100.0f, 500.0f);
    app_erase_to(&s, 500.0f, 500.0f);
    app_erase_to(&s, 900.0f, 500.0f);
    CHECK(app_erase_end(&s) == 2);
    CHECK(s.drawing.n == 4 && strstr(s.message, "2 strokes cut"));
    CHECK(s.n_undo == 3); /* two strokes and one erase */
    app_undo(&s, NULL);
    CHECK(s.drawing.n == 2 && s.drawing.strokes[0].n == 11 && s.drawing.strokes[1].n == 11);
    app_state_free(&s);
}

/* The canvas brush changes the canvas, never the input: byte-identical
 * at three widths, and a canvas that differs. */
static void test_brush(void)
{
    app_state s;
    app_state_init(&s);
    app_stroke_begin(&s, 420.0f, 440.0f);
    for (int i = 1; i <= 20; i++)
        app_stroke_point(&s, 420.0f + 60.0f * sinf((float)i * 0.3f),
                         440.0f + 40.0f * cosf((float)i * 0.3f));
    float in[3][INK_INPUT_SIZE], ink_sum[3];
    const int levels[3] = {0, APP_BRUSH_DEFAULT, APP_BRUSH_LEVELS - 1};
    for (int k = 0; k < 3; k++) {
        app_set_brush(&s, levels[k]);
        s.drawing_changed = 1;
        app_update(&s, INK_CANVAS_PX);
        memcpy(in[k], s.input, sizeof in[k]);
        ink_sum[k] = 0.0f;
        for (int i = 0; i < INK_CANVAS_PX * INK_CANVAS_PX; i++)
            ink_sum[k] += s.canvas_pix[i];
    }
    CHECK(memcmp(in[0], in[1], sizeof in[0]) == 0 && memcmp(in[1], in[2], sizeof in[0]) == 0);
    CHECK(ink_sum[0] < ink_sum[1] && ink_sum[1] < ink_sum[2]);
    CHECK(app_brush_step(&s, -1) == APP_BRUSH_LEVELS - 2 && strstr(s.message, "Brush 4 of 5"));
    CHECK(app_brush_step(&s, 1) == APP_BRUSH_LEVELS - 1);
    CHECK(app_brush_step(&s, 1) == APP_BRUSH_LEVELS - 1); /* stays at the widest */
    CHECK(app_brush_step(&s, 0) == 0);                    /* the button goes round */
    /* Remembered in the data directory. */
    const char *dir = test_tmpdir();
    char err[512];
    CHECK(app_brush_save(&s, dir, err, sizeof err) == 0);
    app_state t;
    app_state_init(&t);
    CHECK(t.brush_level == APP_BRUSH_DEFAULT);
    app_brush_load(&t, dir);
    CHECK(t.brush_level == 0);
    app_state_free(&t);
    app_state_free(&s);
}

int main(void)
{
    char sub[4][1200];
    const char *dir = test_tmpdir();
    for (int i = 0; i < 4; i++) {
        snprintf(sub[i], sizeof sub[i], "%s/h%d", dir, i);
        CHECK(mkdir(sub[i], 0755) == 0);
    }
    test_round_trip(sub[0]);
    test_cap(sub[1]);
    test_damaged(sub[2]);
    test_concurrent(sub[3]);
    test_restore();
    test_eraser();
    test_brush();
    return test_finish("app_history");
}
