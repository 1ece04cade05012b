/* test_ink_redraw.c — ink_redraw (ink/redraw.c): a thick bar redrawn is the
 * line the window draws; a stroke that swells comes back of even width; a
 * ring stays a ring; a dot too small for thinning stays a dot; blank and
 * out-of-range input give 0; and the result is deterministic. */
#include "ink.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double ink_sum(const float *x)
{
    double s = 0.0;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        s += x[i];
    return s;
}

/* Columns in row y of x with ink above 0.5. */
static int row_width(const float *x, int y)
{
    int w = 0;
    for (int i = 0; i < INK_SIDE; i++)
        w += x[y * INK_SIDE + i] > 0.5f;
    return w;
}

/* A vertical bar six pixels wide, scanned, and the same line drawn in the
 * window as one stroke: after redrawing they are the same input, to within
 * the thinning's end effects (a centre line stops short of the bar's ends
 * by about half its width, which ink_normalize then scales up). */
static void test_bar_is_the_windows_line(void)
{
    float img[INK_INPUT_SIZE] = {0}, a[INK_INPUT_SIZE], b[INK_INPUT_SIZE];
    for (int y = 4; y < 24; y++)
        for (int x = 11; x < 17; x++)
            img[y * INK_SIDE + x] = 1.0f;
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 1);
    ink_drawing d;
    ink_drawing_init(&d);
    CHECK(ink_stroke_begin(&d) == 0);
    CHECK(ink_stroke_add(&d, 500.0f, 150.0f) == 0);
    CHECK(ink_stroke_add(&d, 500.0f, 850.0f) == 0);
    CHECK(ink_preprocess(&d, b) == 1);
    ink_drawing_free(&d);
    double diff = 0.0;
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        diff += fabs((double)a[i] - (double)b[i]);
    printf("bar: redrawn ink %.2f, drawn ink %.2f, sum of |difference| %.2f\n", ink_sum(a),
           ink_sum(b), diff);
    CHECK(diff < 0.15 * ink_sum(b));
    /* the redrawn bar is the pen's width (2-3 pixels), not the scan's 6 */
    CHECK(row_width(a, 14) >= 2 && row_width(a, 14) <= 3);
}

/* A wedge, one pixel wide at the top and seven at the bottom: its centre
 * line redrawn has one width all the way down. */
static void test_even_width(void)
{
    float img[INK_INPUT_SIZE] = {0}, a[INK_INPUT_SIZE];
    for (int y = 4; y < 24; y++) {
        int half = (y - 4) * 3 / 19; /* 0 .. 3 */
        for (int x = 14 - half; x <= 14 + half; x++)
            img[y * INK_SIDE + x] = 1.0f;
    }
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 1);
    int lo = INK_SIDE, hi = 0;
    for (int y = 9; y < 20; y++) {
        int w = row_width(a, y);
        lo = w < lo ? w : lo;
        hi = w > hi ? w : hi;
    }
    printf("wedge: redrawn width %d to %d pixels along its middle\n", lo, hi);
    CHECK(lo >= 2 && hi - lo <= 1);
}

/* A thick ring stays closed, with its hole, and its centre of mass lands
 * where ink_normalize puts every input's. */
static void test_ring(void)
{
    float img[INK_INPUT_SIZE] = {0}, a[INK_INPUT_SIZE];
    for (int y = 0; y < INK_SIDE; y++)
        for (int x = 0; x < INK_SIDE; x++) {
            double r = hypot(x + 0.5 - 14.0, y + 0.5 - 14.0);
            img[y * INK_SIDE + x] = r > 6.0 && r < 10.0 ? 1.0f : 0.0f;
        }
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 1);
    CHECK(a[14 * INK_SIDE + 14] < 0.05f); /* the hole */
    /* ink crossed on all four sides of the middle */
    float up = 0, down = 0, left = 0, right = 0;
    for (int k = 0; k < 14; k++) {
        up = fmaxf(up, a[k * INK_SIDE + 14]);
        down = fmaxf(down, a[(27 - k) * INK_SIDE + 14]);
        left = fmaxf(left, a[14 * INK_SIDE + k]);
        right = fmaxf(right, a[14 * INK_SIDE + 27 - k]);
    }
    CHECK(up > 0.9f && down > 0.9f && left > 0.9f && right > 0.9f);
    double m = 0, mx = 0, my = 0;
    for (int j = 0; j < INK_SIDE; j++)
        for (int i = 0; i < INK_SIDE; i++) {
            m += a[j * INK_SIDE + i];
            mx += a[j * INK_SIDE + i] * i;
            my += a[j * INK_SIDE + i] * j;
        }
    CHECK_NEAR(mx / m, 14.0, 0.1);
    CHECK_NEAR(my / m, 14.0, 0.1);
}

/* Edge cases: blank, a dot Zhang-Suen would erase, a bolder pen, bad
 * arguments, determinism. */
static void test_edges(void)
{
    float img[INK_INPUT_SIZE] = {0}, a[INK_INPUT_SIZE], b[INK_INPUT_SIZE];
    a[3] = 1.0f;
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 0 && ink_sum(a) == 0.0);
    /* faint ink below the tracing level is nothing to redraw */
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        img[i] = 0.3f;
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 0 && ink_sum(a) == 0.0);
    memset(img, 0, sizeof img);
    img[5] = 1.0f; /* one pixel in the top row: a 2x2-ish blob when enlarged */
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 1 && ink_sum(a) > 1.0);
    /* a bolder pen, more ink; the same call twice, the same bytes */
    for (int y = 4; y < 24; y++)
        img[y * INK_SIDE + 10 + (y - 4) / 3] = 1.0f;
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, a) == 1);
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.0f, b) == 1);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 1.4f, b) == 1);
    CHECK(ink_sum(b) > 1.15 * ink_sum(a));
    /* arguments out of range: 0, out cleared, never a read past img */
    b[0] = 1.0f;
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, 0.0f, b) == 0 && ink_sum(b) == 0.0);
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, NAN, b) == 0);
    CHECK(ink_redraw(img, INK_SIDE, INK_SIDE, -1.0f, b) == 0);
    CHECK(ink_redraw(img, 0, INK_SIDE, 1.0f, b) == 0);
    CHECK(ink_redraw(img, 113, 1, 1.0f, b) == 0);
    CHECK(ink_redraw(NULL, INK_SIDE, INK_SIDE, 1.0f, b) == 0);
    /* a non-square image: 14 wide, 28 tall, the top-left quarter of img */
    float tall[14 * INK_SIDE];
    for (int y = 0; y < INK_SIDE; y++)
        for (int x = 0; x < 14; x++)
            tall[y * 14 + x] = img[y * INK_SIDE + x];
    CHECK(ink_redraw(tall, 14, INK_SIDE, 1.0f, b) == 1 && ink_sum(b) > 1.0);
}

int main(void)
{
    test_bar_is_the_windows_line();
    test_even_width();
    test_ring();
    test_edges();
    return test_finish("test_ink_redraw");
}
