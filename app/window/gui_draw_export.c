/* gui_draw_export.c — Ctrl+E: the canvas and its bar chart (and an extra
 * view, such as the open layers view) drawn offscreen into one picture and
 * saved as a PNG through SDL_image, under a name no file has yet (see
 * gui_draw.h: gui_export_png). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL_image.h>

#include "fileio.h"
#include "gui_draw_private.h"

/* The picture as PNG bytes in a new buffer (*out, *len).  A PNG of w×h
 * RGB pixels is at most the raw size plus a filter byte a row, zlib's
 * stored-block overhead and the chunks, so the buffer is sized to that. */
static int encode_png(SDL_Surface *sf, unsigned char **out, size_t *len, char *err, size_t errlen)
{
    size_t cap = (size_t)sf->w * (size_t)sf->h * 4 + (size_t)sf->h + 65536;
    unsigned char *buf = cap <= 0x7fffffff ? malloc(cap) : NULL;
    if (!buf) {
        snprintf(err, errlen, "out of memory for the picture");
        return -1;
    }
    SDL_RWops *rw = SDL_RWFromMem(buf, (int)cap);
    if (!rw || IMG_SavePNG_RW(sf, rw, 0) != 0) {
        snprintf(err, errlen, "cannot encode the PNG: %s", SDL_GetError());
        if (rw)
            SDL_RWclose(rw);
        free(buf);
        return -1;
    }
    Sint64 pos = SDL_RWtell(rw);
    SDL_RWclose(rw);
    if (pos <= 0) {
        snprintf(err, errlen, "cannot encode the PNG");
        free(buf);
        return -1;
    }
    *out = buf;
    *len = (size_t)pos;
    return 0;
}

/* Saves bytes under dir/digitpad-<stamp>[-N].png, never over a file:
 * fileio_save links the finished temporary file to a name only if that
 * name is free; a name taken meanwhile (another window) moves on to the
 * next.  0 with the path in name, or -1. */
static int save_new(const char *dir, const unsigned char *buf, size_t len, char *name,
                    size_t namelen, char *err, size_t errlen)
{
    time_t now = time(NULL);
    struct tm tmv;
    char stamp[32];
    if (!localtime_r(&now, &tmv) || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    char path[1400];
    for (int i = 1; i <= 100; i++) {
        int w = i == 1 ? snprintf(path, sizeof path, "%s/digitpad-%s.png", dir, stamp)
                       : snprintf(path, sizeof path, "%s/digitpad-%s-%d.png", dir, stamp, i);
        if (w < 0 || (size_t)w >= sizeof path) {
            snprintf(err, errlen, "%s: path too long for the picture", dir);
            return -1;
        }
        if (access(path, F_OK) == 0 || errno != ENOENT)
            continue;
        if (fileio_save(path, buf, len, FILEIO_NO_REPLACE, NULL, NULL, err, errlen) == 0) {
            if (name && namelen)
                snprintf(name, namelen, "%s", path);
            return 0;
        }
        if (access(path, F_OK) != 0)
            return -1; /* failed for another reason than the name */
    }
    snprintf(err, errlen, "%s/digitpad-%s-*.png: no free name after 100 tries", dir, stamp);
    return -1;
}

/* The picture: canvas and bars side by side, the extra view below. */
static SDL_Surface *draw_picture(gui_app *a, gui_export_extra_fn extra, char *err, size_t errlen)
{
    SDL_Renderer *ren = a->paint.ren;
    const dp_layout *l = &a->frame.lay;
    int m = sc(a, 20), side = l->canvas.w, bw = l->bars.w, bh = l->bars.h;
    if (bh < side * 3 / 5)
        bh = side * 3 / 5; /* bars squeezed by a small window get room */
    if (bw < side / 2)
        bw = side / 2;
    int row_h = side > bh ? side : bh;
    SDL_Texture *view = NULL;
    SDL_Rect where = {0, 0, 0, 0};
    if (extra) {
        view = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, l->out_w,
                                 l->out_h);
        if (!view || SDL_SetRenderTarget(ren, view) != 0) {
            snprintf(err, errlen, "cannot draw offscreen: %s", SDL_GetError());
            if (view)
                SDL_DestroyTexture(view);
            return NULL;
        }
        set_color(a, COL_BG);
        SDL_RenderClear(ren);
        if (!extra(a, &where)) {
            where = (SDL_Rect){0, 0, 0, 0};
        }
    }
    int w = m + side + m + bw + m, h = m + row_h + m;
    if (where.w > 0) {
        if (w < where.w + 2 * m)
            w = where.w + 2 * m;
        h += where.h + m;
    }
    SDL_Texture *pic = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                         w, h);
    SDL_Surface *sf = pic ? SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888)
                          : NULL;
    if (!sf || SDL_SetRenderTarget(ren, pic) != 0) {
        snprintf(err, errlen, "cannot draw offscreen: %s", SDL_GetError());
        SDL_FreeSurface(sf);
        sf = NULL;
    } else {
        set_color(a, COL_BG);
        SDL_RenderClear(ren);
        SDL_Rect c = {m, m + (row_h - side) / 2, side, side};
        if (a->frame.canvas_tex)
            SDL_RenderCopy(ren, a->frame.canvas_tex, NULL, &c);
        else
            fill_rect(a, c, COL_PAPER);
        /* The bars' rows are placed from where the chart is drawn (the
         * frame's note of it, views.h's dp_bar_rows): the picture's place
         * for now, the window's again after. */
        dp_rect was = a->frame.bars_drawn;
        a->frame.bars_drawn = (dp_rect){m + side + m, m + (row_h - bh) / 2, bw, bh};
        gui_draw_bars(a, gui_rect(a->frame.bars_drawn));
        a->frame.bars_drawn = was;
        if (view && where.w > 0)
            SDL_RenderCopy(ren, view, &where, &(SDL_Rect){m, m + row_h + m, where.w, where.h});
        if (SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, sf->pixels, sf->pitch) != 0) {
            snprintf(err, errlen, "cannot read the picture back: %s", SDL_GetError());
            SDL_FreeSurface(sf);
            sf = NULL;
        }
    }
    SDL_SetRenderTarget(ren, NULL);
    if (pic)
        SDL_DestroyTexture(pic);
    if (view)
        SDL_DestroyTexture(view);
    return sf;
}

int gui_export_png(gui_app *a, const char *dir, gui_export_extra_fn extra, char *name,
                   size_t namelen, char *err, size_t errlen)
{
    if (!SDL_RenderTargetSupported(a->paint.ren)) {
        snprintf(err, errlen, "this renderer cannot draw offscreen");
        return -1;
    }
    /* The offscreen drawing is no part of the frame the layout check
     * reads. */
    int recording = a->paint.recording;
    gui_paint_set_recording(&a->paint, 0);
    SDL_Surface *sf = draw_picture(a, extra, err, errlen);
    gui_paint_set_recording(&a->paint, recording);
    /* The window's own frame is drawn again from scratch. */
    app_request_redraw(&a->st);
    if (!sf)
        return -1;
    unsigned char *buf = NULL;
    size_t len = 0;
    int r = encode_png(sf, &buf, &len, err, errlen);
    SDL_FreeSurface(sf);
    if (r == 0)
        r = save_new(dir, buf, len, name, namelen, err, errlen);
    free(buf);
    return r;
}
