/* gui_image.c — PNG and JPEG through SDL_image for ink_image_load_with
 * (gui_image.h).  Only bytes that ink_image_probe has typed and sized reach
 * it, and it asks SDL_image for exactly that type, so no other decoder of
 * SDL_image's (TGA, XCF, SVG, ...) ever sees a dropped file. */
#include "gui_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>

int gui_decode_image(void *user, const unsigned char *buf, size_t len, ink_image_type type,
                     float **pix, int *w, int *h, char *err, size_t errlen)
{
    (void)user;
    *pix = NULL;
    if (type != INK_IMAGE_PNG && type != INK_IMAGE_JPEG) {
        snprintf(err, errlen, "not a PNG or JPEG");
        return -1;
    }
    /* ink's reader caps files at 1 GiB, within an int */
    SDL_RWops *rw = len <= (size_t)0x7fffffff ? SDL_RWFromConstMem(buf, (int)len) : NULL;
    SDL_Surface *img = rw ? IMG_LoadTyped_RW(rw, 1, type == INK_IMAGE_PNG ? "PNG" : "JPG") : NULL;
    SDL_Surface *rgba = img ? SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_RGBA32, 0) : NULL;
    if (!rgba) {
        snprintf(err, errlen, "cannot decode the %s: %s", ink_image_type_name(type),
                 SDL_GetError());
        SDL_FreeSurface(img);
        return -1;
    }
    SDL_FreeSurface(img);
    size_t n = (size_t)rgba->w * (size_t)rgba->h;
    float *out = NULL;
    if (rgba->w > 0 && rgba->h > 0 && n <= INK_IMAGE_MAX_PIXELS && SDL_LockSurface(rgba) == 0) {
        out = malloc(n * sizeof *out);
        for (int y = 0; out && y < rgba->h; y++) {
            const Uint8 *row = (const Uint8 *)rgba->pixels + (size_t)y * (size_t)rgba->pitch;
            for (int x = 0; x < rgba->w; x++) {
                const Uint8 *p = row + 4 * x;
                float luma = ink_luma(p[0] / 255.0f, p[1] / 255.0f, p[2] / 255.0f);
                float alpha = p[3] / 255.0f;
                out[(size_t)y * rgba->w + x] = alpha * luma + (1.0f - alpha);
            }
        }
        SDL_UnlockSurface(rgba);
    }
    *w = rgba->w;
    *h = rgba->h;
    SDL_FreeSurface(rgba);
    if (!out) {
        snprintf(err, errlen, "out of memory decoding the %s", ink_image_type_name(type));
        return -1;
    }
    *pix = out;
    return 0;
}

int gui_drop_image(const char *path, const char *base, float **pix, int *w, int *h, char *err,
                   size_t errlen)
{
    char msg[1024];
    if (ink_image_load_with(path, gui_decode_image, NULL, pix, w, h, msg, sizeof msg) == 0)
        return 0;
    static const char unknown[] = "unsupported image format: ";
    /* The reader names the file by the path it was given: the status line
     * names it by base, so the path's folder goes. */
    const char *at = strstr(msg, path);
    size_t plen = strlen(path);
    if (strncmp(msg, unknown, sizeof unknown - 1) == 0)
        snprintf(err, errlen, "Not a model or image: %s (digitpad reads PNG, JPEG, BMP and PGM)",
                 base);
    else if (at)
        snprintf(err, errlen, "%.*s%s%s", (int)(at - msg), msg, base, at + plen);
    else
        snprintf(err, errlen, "%s", msg);
    return -1;
}
