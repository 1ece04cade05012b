/* test_ink_shapes.c — drawings made by rule: every shape kind and digit
 * style draws something of its own (blank nothing), inside the box, the
 * same for the same seed and different for another, and survives the
 * window's preprocessing; names and digits; bad kinds refused. */
#include "ink_shapes.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int same(const ink_drawing *a, const ink_drawing *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t s = 0; s < a->n; s++) {
        if (a->strokes[s].n != b->strokes[s].n)
            return 0;
        if (memcmp(a->strokes[s].pts, b->strokes[s].pts, a->strokes[s].n * sizeof(ink_point)))
            return 0;
    }
    return 1;
}

static int inside(const ink_drawing *d)
{
    for (size_t s = 0; s < d->n; s++)
        for (size_t i = 0; i < d->strokes[s].n; i++) {
            ink_point p = d->strokes[s].pts[i];
            if (!(p.x >= 0 && p.x < INK_BOX && p.y >= 0 && p.y < INK_BOX))
                return 0;
        }
    return 1;
}

/* Draws item `which` (a shape if is_shape, else a style) with seed. */
static int draw(ink_drawing *d, int is_shape, int which, uint64_t seed)
{
    ink_rng r;
    ink_rng_seed(&r, seed);
    return is_shape ? ink_draw_shape(d, (ink_shape)which, &r)
                    : ink_draw_style(d, (ink_style)which, &r);
}

static void check_item(int is_shape, int which)
{
    ink_drawing a, b;
    ink_drawing_init(&a);
    ink_drawing_init(&b);
    int blank = is_shape && which == INK_SHAPE_BLANK;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        CHECK(draw(&a, is_shape, which, seed) == 0);
        CHECK(draw(&b, is_shape, which, seed) == 0);
        CHECK(same(&a, &b));
        CHECK(inside(&a));
        CHECK(blank ? ink_point_count(&a) == 0 : ink_point_count(&a) > 0);
        float x[INK_INPUT_SIZE];
        int r = ink_preprocess(&a, x);
        CHECK(r == (blank ? 0 : 1));
        if (!blank) {
            float ink = 0;
            for (int i = 0; i < INK_INPUT_SIZE; i++)
                ink += x[i];
            CHECK(ink > 0.5f);
            CHECK(draw(&b, is_shape, which, seed + 1000) == 0);
            CHECK(!same(&a, &b)); /* another seed, another drawing */
        }
    }
    ink_drawing_free(&a);
    ink_drawing_free(&b);
}

/* Degrees between level and the line from a stroke's first point to its
 * last (0..90). */
static double stroke_tilt(const ink_stroke *st)
{
    ink_point a = st->pts[0], b = st->pts[st->n - 1];
    return atan2(fabs((double)b.y - a.y), fabs((double)b.x - a.x)) * 180.0 / 3.14159265358979;
}

/* The training-only kinds that stand next to held-out ones keep their
 * distance: a pair of strokes is never level (that would be an equals
 * sign), stacked lines always are (three or four of them, never two). */
static void check_neighbours_of_held_out(void)
{
    ink_drawing d;
    ink_drawing_init(&d);
    double pair_min = 90, lines_max = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        CHECK(draw(&d, 1, INK_SHAPE_PAIR, seed) == 0);
        CHECK(d.n == 2);
        for (size_t s = 0; s < d.n; s++)
            pair_min = fmin(pair_min, stroke_tilt(&d.strokes[s]));
        CHECK(draw(&d, 1, INK_SHAPE_LINES, seed) == 0);
        CHECK(d.n == 3 || d.n == 4);
        for (size_t s = 0; s < d.n; s++)
            lines_max = fmax(lines_max, stroke_tilt(&d.strokes[s]));
    }
    CHECK(pair_min >= 30.0);
    CHECK(lines_max <= 20.0);
    ink_drawing_free(&d);
}

int main(void)
{
    check_neighbours_of_held_out();
    for (int k = 0; k < INK_SHAPE_COUNT; k++) {
        check_item(1, k);
        CHECK(strcmp(ink_shape_name((ink_shape)k), "?") != 0);
        for (int j = 0; j < k; j++) /* every name its own */
            CHECK(strcmp(ink_shape_name((ink_shape)k), ink_shape_name((ink_shape)j)) != 0);
    }
    for (int s = 0; s < INK_STYLE_COUNT; s++) {
        check_item(0, s);
        int d = ink_style_digit((ink_style)s);
        CHECK(d >= 0 && d <= 9);
        CHECK(strchr(ink_style_name((ink_style)s), '0' + d) != NULL); /* "slashed 0" */
    }
    /* the six kinds the issue holds out, and nothing else */
    int held = 0;
    for (int k = 0; k < INK_SHAPE_COUNT; k++)
        held += ink_shape_held_out((ink_shape)k);
    CHECK(held == 6);
    CHECK(ink_shape_held_out(INK_SHAPE_EQUALS) && ink_shape_held_out(INK_SHAPE_TWO_DOTS));
    CHECK(!ink_shape_held_out(INK_SHAPE_DASH) && !ink_shape_held_out(INK_SHAPE_GRID));
    CHECK(!ink_shape_held_out(INK_SHAPE_COUNT));
    /* the kinds added to widen training are neither held out nor tested */
    for (int k = INK_SHAPE_MARKS; k <= INK_SHAPE_PAIR; k++)
        CHECK(ink_shape_training_only((ink_shape)k) && !ink_shape_held_out((ink_shape)k));
    CHECK(!ink_shape_training_only(INK_SHAPE_TRIANGLE) && !ink_shape_training_only(INK_SHAPE_STAR));
    ink_drawing d;
    ink_drawing_init(&d);
    ink_rng r;
    ink_rng_seed(&r, 1);
    CHECK(ink_draw_shape(&d, INK_SHAPE_COUNT, &r) == -1);
    CHECK(ink_draw_style(&d, INK_STYLE_COUNT, &r) == -1);
    CHECK(ink_style_digit(INK_STYLE_COUNT) == -1);
    CHECK(strcmp(ink_shape_name(INK_SHAPE_COUNT), "?") == 0);
    /* the stream is uniform enough: mean of many draws near 1/2, all in [0,1) */
    double sum = 0;
    int in_range = 1;
    for (int i = 0; i < 100000; i++) {
        float u = ink_rng_uniform(&r);
        in_range &= u >= 0.0f && u < 1.0f;
        sum += u;
    }
    CHECK(in_range);
    CHECK_NEAR(sum / 100000, 0.5, 0.005);
    ink_drawing_free(&d);
    return test_finish("test_ink_shapes");
}
