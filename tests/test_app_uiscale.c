/* test_app_uiscale.c — the display's scale factor (uiscale.h) from its
 * sources in their order, the platform's own scaling taken out, invalid
 * settings; and the layout on a 2x display (layout.h): the least window
 * twice as large as on a 1x one, with everything in it twice as large. */
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "testutil.h"
#include "uiscale.h"

static float choose(const char *dp, const char *gdk, const char *qt, float dpi, float ppw,
                    char *warn, const char **src)
{
    dp_ui_scale_in in = {dp, gdk, qt, dpi, ppw};
    return dp_ui_scale_choose(&in, warn, 200, src);
}

static void test_choose(void)
{
    char warn[200];
    const char *src;
    /* Nothing known: 1. */
    CHECK_NEAR(choose(NULL, NULL, NULL, 0.0f, 1.0f, warn, &src), 1.0, 1e-6);
    CHECK(strcmp(src, "none") == 0 && warn[0] == '\0');
    /* DIGITPAD_SCALE first, then GDK_SCALE, QT_SCALE_FACTOR, the DPI. */
    CHECK_NEAR(choose("1.5", "2", "3", 288.0f, 1.0f, warn, &src), 1.5, 1e-6);
    CHECK(strcmp(src, "DIGITPAD_SCALE") == 0);
    CHECK_NEAR(choose(NULL, "2", "3", 288.0f, 1.0f, warn, &src), 2.0, 1e-6);
    CHECK(strcmp(src, "GDK_SCALE") == 0);
    CHECK_NEAR(choose(NULL, NULL, "1.25", 288.0f, 1.0f, warn, &src), 1.25, 1e-6);
    CHECK(strcmp(src, "QT_SCALE_FACTOR") == 0);
    CHECK_NEAR(choose(NULL, NULL, NULL, 192.0f, 1.0f, warn, &src), 2.0, 1e-6);
    CHECK(strcmp(src, "display DPI") == 0);
    /* A DPI near 96 (a misreported 1x screen) counts for nothing; one of
     * HiDPI is rounded to a quarter. */
    CHECK_NEAR(choose(NULL, NULL, NULL, 110.0f, 1.0f, warn, &src), 1.0, 1e-6);
    CHECK(strcmp(src, "none") == 0);
    CHECK_NEAR(choose(NULL, NULL, NULL, 163.0f, 1.0f, warn, &src), 1.75, 1e-6);
    /* A platform that scales itself (drawable 2x the window): a 2x
     * display needs nothing more, its physical DPI is not counted again,
     * and DIGITPAD_SCALE=1 asks for one pixel per unit. */
    CHECK_NEAR(choose(NULL, "2", NULL, 0.0f, 2.0f, warn, &src), 1.0, 1e-6);
    CHECK_NEAR(choose(NULL, NULL, NULL, 220.0f, 2.0f, warn, &src), 1.0, 1e-6);
    CHECK_NEAR(choose("1", NULL, NULL, 0.0f, 2.0f, warn, &src), 0.5, 1e-6);
    CHECK_NEAR(choose("3", NULL, NULL, 0.0f, 2.0f, warn, &src), 1.5, 1e-6);
    /* An invalid DIGITPAD_SCALE: one line saying so, then the next source. */
    static const char *const bad[] = {"abc", "0", "-1", "5", "2x", " 2", "nan", "inf", "1e9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_NEAR(choose(bad[i], "2", NULL, 0.0f, 1.0f, warn, &src), 2.0, 1e-6);
        CHECK(strstr(warn, "DIGITPAD_SCALE=") != NULL && strstr(warn, "ignored") != NULL);
        CHECK(strchr(warn, '\n') == NULL);
    }
    /* Other programs' invalid settings: ignored without a word. */
    CHECK_NEAR(choose(NULL, "two", "0", 0.0f, 1.0f, warn, &src), 1.0, 1e-6);
    CHECK(warn[0] == '\0');
    /* An empty DIGITPAD_SCALE is unset, not invalid. */
    CHECK_NEAR(choose("", NULL, NULL, 0.0f, 1.0f, warn, &src), 1.0, 1e-6);
    CHECK(warn[0] == '\0');
}

/* On a 2x display the least window (960×640) is the 1x one (480×320)
 * drawn twice as large, box for box; larger windows keep the 1x rule. */
static void test_layout_2x(void)
{
    dp_layout one, two;
    CHECK(dp_layout_compute_ui(&one, 480, 320, 480, 1.0f) == 0);
    CHECK(dp_layout_compute_ui(&two, 960, 640, 960, 2.0f) == 0);
    CHECK_NEAR(two.scale, 2.0 * one.scale, 1e-5);
    CHECK(two.portrait == one.portrait);
    CHECK(abs(two.canvas.w - 2 * one.canvas.w) <= 2);
    CHECK(abs(two.tools.h - 2 * one.tools.h) <= 1);
    CHECK(abs(two.panel.w - 2 * one.panel.w) <= 2);
    CHECK(abs(two.status.h - 2 * one.status.h) <= 1);
    /* The smallest window of a 1x display is far smaller. */
    dp_layout flat;
    CHECK(dp_layout_compute_ui(&flat, 480, 320, 480, 2.0f) == 0);
    CHECK_NEAR(flat.scale, 1.0, 1e-5); /* never below half the display's factor */
    /* The default window: scale 1 at 1x, 2 at 2x. */
    CHECK(dp_layout_compute_ui(&two, 2 * DP_DEFAULT_W, 2 * DP_DEFAULT_H, 2 * DP_DEFAULT_W, 2.0f) ==
          0);
    CHECK_NEAR(two.scale, 2.0, 1e-5);
    CHECK(dp_layout_compute(&one, DP_DEFAULT_W, DP_DEFAULT_H, DP_DEFAULT_W) == 0);
    CHECK_NEAR(one.scale, 1.0, 1e-5);
    CHECK_NEAR(one.ui, 1.0, 1e-6);
    CHECK(dp_layout_compute_ui(&one, 100, 100, 100, 0.0f) == -1);
}

int main(void)
{
    test_choose();
    test_layout_2x();
    return test_finish("test_app_uiscale");
}
