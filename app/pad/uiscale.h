/* uiscale.h — the display's scale factor (HiDPI): how many times larger
 * than on a 1x screen the window's text and controls are drawn, chosen
 * once at start-up.  No SDL or getenv here: gui.c passes what the
 * environment and SDL say, so tests/test_app_uiscale.c can try any mix. */
#ifndef DIGITPAD_UISCALE_H
#define DIGITPAD_UISCALE_H

#include <stddef.h>

#define DP_UI_SCALE_MIN 0.5f
#define DP_UI_SCALE_MAX 4.0f

/* What is known about the display. */
typedef struct dp_ui_scale_in {
    const char *digitpad; /* $DIGITPAD_SCALE (NULL: unset): the person's choice */
    const char *gdk;      /* $GDK_SCALE: the desktop's integer factor */
    const char *qt;       /* $QT_SCALE_FACTOR */
    float dpi;            /* the display's diagonal DPI (SDL_GetDisplayDPI), 0 unknown */
    float px_per_win;     /* drawable pixels per window unit: above 1 when the
                             platform scales windows itself (SDL_WINDOW_ALLOW_HIGHDPI
                             on Wayland or macOS) */
} dp_ui_scale_in;

/* The factor digitpad applies on top of the platform's own scaling, within
 * DP_UI_SCALE_MIN .. DP_UI_SCALE_MAX: the display's factor, from the first
 * of DIGITPAD_SCALE, GDK_SCALE, QT_SCALE_FACTOR and the DPI that gives
 * one, divided by px_per_win (a platform that already draws 2 pixels per
 * unit needs no more for a 2x display).  The DPI counts only when the
 * platform does not scale and it says clearly HiDPI (at least 1.25 × 96),
 * rounded to a quarter, so a 1x screen whose size is misreported stays 1.
 * An invalid DIGITPAD_SCALE (not a number from 0.5 to 4) is ignored and
 * warn gets a one-line reason for stderr (else ""); invalid GDK_SCALE or
 * QT_SCALE_FACTOR, other programs' settings, are ignored silently.
 * *source (may be NULL) names what decided: "DIGITPAD_SCALE", "GDK_SCALE",
 * "QT_SCALE_FACTOR", "display DPI" or "none". */
float dp_ui_scale_choose(const dp_ui_scale_in *in, char *warn, size_t warn_len,
                         const char **source);

#endif
