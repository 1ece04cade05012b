/* uiscale.c — the display's scale factor from the environment, the
 * display's DPI and the platform's own scaling (see uiscale.h). */
#include "uiscale.h"

#include <math.h>
#include <stdio.h>

#include "common.h"

/* The factor a setting gives, or 0 when it is unset or no number in range. */
static float factor(const char *s)
{
    double v;
    if (!s || !*s || dp_parse_double(s, DP_UI_SCALE_MIN, DP_UI_SCALE_MAX, &v) != 0)
        return 0.0f;
    return (float)v;
}

float dp_ui_scale_choose(const dp_ui_scale_in *in, char *warn, size_t warn_len,
                         const char **source)
{
    const char *src = "none";
    float f = 0.0f, platform = in->px_per_win > 0.0f ? in->px_per_win : 1.0f;
    if (warn_len)
        warn[0] = '\0';
    if (in->digitpad && *in->digitpad) {
        if ((f = factor(in->digitpad)) > 0.0f)
            src = "DIGITPAD_SCALE";
        else
            snprintf(warn, warn_len, "digitpad: DIGITPAD_SCALE=%.40s ignored: give a number "
                     "from %.1f to %.0f (e.g. 1, 1.5, 2)", in->digitpad,
                     (double)DP_UI_SCALE_MIN, (double)DP_UI_SCALE_MAX);
    }
    if (f == 0.0f && (f = factor(in->gdk)) > 0.0f)
        src = "GDK_SCALE";
    if (f == 0.0f && (f = factor(in->qt)) > 0.0f)
        src = "QT_SCALE_FACTOR";
    if (f == 0.0f && platform < 1.01f && in->dpi >= 1.25f * 96.0f) {
        f = roundf(in->dpi / 96.0f * 4.0f) / 4.0f;
        src = "display DPI";
    }
    if (source)
        *source = src;
    if (f == 0.0f)
        return 1.0f; /* nothing known: what the platform does, no more */
    f /= platform;
    return f < DP_UI_SCALE_MIN ? DP_UI_SCALE_MIN : f > DP_UI_SCALE_MAX ? DP_UI_SCALE_MAX : f;
}
