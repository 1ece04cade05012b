/* test_ink_drawing.c — the stroke container: growth past many reallocations,
 * undo, clear keeping allocations, deep copy independence, point counts. */
#include "ink.h"
#include "testutil.h"

int main(void)
{
    ink_drawing d;
    ink_drawing_init(&d);
    CHECK(d.n == 0 && ink_point_count(&d) == 0);
    CHECK(ink_undo(&d) == 0);

    /* A point with no stroke begun starts one. */
    CHECK(ink_stroke_add(&d, 1, 2) == 0);
    CHECK(d.n == 1 && d.strokes[0].n == 1);
    CHECK(d.strokes[0].pts[0].x == 1 && d.strokes[0].pts[0].y == 2);

    /* Many strokes and many points force repeated growth. */
    for (int s = 0; s < 99; s++) {
        CHECK(ink_stroke_begin(&d) == 0);
        for (int k = 0; k < 1000; k++)
            if (ink_stroke_add(&d, (float)k, (float)s) != 0)
                CHECK(!"stroke_add failed");
    }
    CHECK(d.n == 100);
    CHECK(ink_point_count(&d) == 1 + 99 * 1000);
    CHECK(d.strokes[57].pts[999].x == 999 && d.strokes[57].pts[999].y == 56);

    ink_drawing c;
    ink_drawing_init(&c);
    CHECK(ink_stroke_add(&c, 5, 5) == 0);   /* old content must be replaced */
    CHECK(ink_drawing_copy(&c, &d) == 0);
    CHECK(c.n == d.n && ink_point_count(&c) == ink_point_count(&d));
    CHECK(c.strokes[3].pts != d.strokes[3].pts);
    d.strokes[3].pts[0].x = -7;
    CHECK(c.strokes[3].pts[0].x == 0);

    CHECK(ink_undo(&d) == 1);
    CHECK(d.n == 99 && ink_point_count(&d) == 1 + 98 * 1000);
    /* A new stroke after undo starts empty, not with the undone points. */
    CHECK(ink_stroke_begin(&d) == 0);
    CHECK(d.strokes[d.n - 1].n == 0);

    ink_drawing_clear(&d);
    CHECK(d.n == 0 && ink_point_count(&d) == 0);
    CHECK(d.cap >= 100);   /* kept for reuse */
    CHECK(ink_stroke_add(&d, 3, 4) == 0);
    CHECK(d.n == 1 && d.strokes[0].n == 1 && d.strokes[0].pts[0].x == 3);

    /* Copying an empty drawing empties the destination. */
    ink_drawing e;
    ink_drawing_init(&e);
    CHECK(ink_drawing_copy(&c, &e) == 0);
    CHECK(c.n == 0);
    CHECK(ink_drawing_copy(&c, &c) == 0);

    ink_drawing_free(&d);
    ink_drawing_free(&c);
    ink_drawing_free(&e);
    ink_drawing_free(&e);   /* twice is fine: free re-inits */
    ink_drawing_free(NULL);
    CHECK(d.strokes == NULL && d.n == 0);
    return test_finish("test_ink_drawing");
}
