/* gui_paint.c — the window's drawing primitives: fonts at the layout's
 * scale, cached text textures, rectangles (rounded), rings and streaming
 * textures.  Knows nothing of what the window shows; gui_draw*.c do. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include "appstate.h" /* app_wrap_text */
#include "gui_paint.h"
#include "paths.h"

#define GUI_PI 3.14159265f

int gui_sc(const gui_paint *p, float v)
{
    return (int)lroundf(v * p->scale);
}

/* ---------------------------------------------------------------- setup */

void gui_paint_set_renderer(gui_paint *p, SDL_Renderer *ren)
{
    p->ren = ren;
}

void gui_paint_set_recording(gui_paint *p, int on)
{
    p->recording = on;
}

void gui_paint_set_scale(gui_paint *p, float scale)
{
    p->scale = scale;
}

void gui_paint_set_ui(gui_paint *p, float ui)
{
    p->ui = ui;
}

/* ---------------------------------------------------------------- fonts */

/* fontconfig's best match for pattern (e.g. "DejaVu Sans:style=Bold"): it
 * substitutes a similar face when that family is missing, as any desktop
 * would.  0, or -1 when there is no font file at all. */
static int fc_find(const char *pattern, char *buf, size_t len)
{
    int rc = -1;
    if (!FcInit())
        return -1;
    FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
    if (!pat)
        return -1;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(NULL, pat, &res);
    FcChar8 *file = NULL;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file &&
        access((const char *)file, R_OK) == 0) {
        snprintf(buf, len, "%s", (const char *)file);
        rc = 0;
    }
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return rc;
}

int gui_fonts_find(gui_paint *p)
{
    /* DIGITPAD_FONT names a font file to use instead of the bundled one. */
    const char *want = getenv("DIGITPAD_FONT");
    if (want && *want) {
        if (access(want, R_OK) == 0) {
            snprintf(p->font_path, sizeof p->font_path, "%s", want);
            snprintf(p->bold_path, sizeof p->bold_path, "%s", want);
            return 0;
        }
    } else if (dp_find_data_file("fonts/" DP_FONT_NAME, p->font_path, sizeof p->font_path) == 0) {
        /* The bold face is optional: headings fall back to the regular one. */
        if (dp_find_data_file("fonts/DejaVuSans-Bold.ttf", p->bold_path, sizeof p->bold_path) != 0)
            snprintf(p->bold_path, sizeof p->bold_path, "%s", p->font_path);
        return 0;
    }
    const char *missing = want && *want ? want : "fonts/" DP_FONT_NAME;
    int found = fc_find("DejaVu Sans:style=Book", p->font_path, sizeof p->font_path) == 0 ||
                fc_find("sans-serif", p->font_path, sizeof p->font_path) == 0;
    if (found && fc_find("DejaVu Sans:style=Bold", p->bold_path, sizeof p->bold_path) != 0)
        snprintf(p->bold_path, sizeof p->bold_path, "%s", p->font_path);
    /* Only the file names are kept: fontconfig's caches can go now. */
    FcFini();
    if (!found) {
        if (want && *want)
            fprintf(stderr, "digitpad: cannot read DIGITPAD_FONT=%s, and fontconfig knows no "
                            "sans font either\n", want);
        else
            fprintf(stderr, "digitpad: cannot find %s (next to the executable, in the source "
                            "tree or the install prefix), and fontconfig knows no sans font "
                            "either\n", missing);
        return -1;
    }
    fprintf(stderr, "digitpad: note: %s not found; using %s (fontconfig)\n", missing,
            p->font_path);
    return 0;
}

static void text_cache_clear(gui_paint *p)
{
    for (size_t i = 0; i < GUI_TEXT_CACHE; i++) {
        if (p->text[i].tex)
            SDL_DestroyTexture(p->text[i].tex);
        p->text[i].tex = NULL;
    }
}

void gui_fonts_free(gui_paint *p)
{
    text_cache_clear(p);
    for (int i = 0; i < GUI_FONT_N; i++) {
        if (p->font[i])
            TTF_CloseFont(p->font[i]);
        p->font[i] = NULL;
        p->font_px[i] = 0;
    }
}

int gui_fonts_update(gui_paint *p)
{
    static const float base[GUI_FONT_N] = {14, 12, 17, 17, 24, 132};
    static const int bold[GUI_FONT_N] = {0, 1, 0, 1, 1, 1};
    int want[GUI_FONT_N], same = 1;
    int least = (int)lroundf(8.0f * (p->ui > 0.0f ? p->ui : 1.0f));
    for (int i = 0; i < GUI_FONT_N; i++) {
        want[i] = gui_sc(p, base[i]);
        if (want[i] < least)
            want[i] = least;
        same &= p->font[i] != NULL && want[i] == p->font_px[i];
    }
    if (same)
        return 0;
    gui_fonts_free(p);
    for (int i = 0; i < GUI_FONT_N; i++) {
        const char *path = bold[i] ? p->bold_path : p->font_path;
        p->font[i] = TTF_OpenFont(path, want[i]);
        if (!p->font[i]) {
            fprintf(stderr, "digitpad: cannot open font %s: %s\n", path, TTF_GetError());
            gui_fonts_free(p);
            return -1;
        }
        p->font_px[i] = want[i];
    }
    return 0;
}

/* The inked part of a rendered string: the bounding box of its pixels with
 * any alpha, so the layout check measures what a person sees rather than
 * the font's line box. */
static SDL_Rect ink_box(SDL_Surface *surf)
{
    SDL_Rect r = {0, 0, 0, 0};
    Uint32 amask = surf->format->Amask;
    if (surf->format->BytesPerPixel != 4 || !amask || SDL_LockSurface(surf) != 0)
        return (SDL_Rect){0, 0, surf->w, surf->h};
    int x0 = surf->w, y0 = surf->h, x1 = -1, y1 = -1;
    for (int y = 0; y < surf->h; y++) {
        const Uint32 *row =
            (const Uint32 *)((const Uint8 *)surf->pixels + (size_t)y * (size_t)surf->pitch);
        for (int x = 0; x < surf->w; x++) {
            if (!(row[x] & amask))
                continue;
            x0 = x < x0 ? x : x0;
            x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0;
            y1 = y > y1 ? y : y1;
        }
    }
    SDL_UnlockSurface(surf);
    if (x1 >= 0)
        r = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return r;
}

/* Rendering text with FreeType every frame would dominate the frame time
 * while drawing, so finished textures are kept, least recently used out. */
static gui_text_entry *text_get(gui_paint *p, int font, SDL_Color c, const char *s)
{
    if (!s[0] || strlen(s) >= sizeof p->text[0].text)
        return NULL;
    size_t victim = 0;
    for (size_t i = 0; i < GUI_TEXT_CACHE; i++) {
        gui_text_entry *t = &p->text[i];
        if (t->tex && t->font == font && memcmp(&t->color, &c, sizeof c) == 0 &&
            strcmp(t->text, s) == 0) {
            t->last_used = ++p->text_clock;
            return t;
        }
        if (!t->tex || (p->text[victim].tex && t->last_used < p->text[victim].last_used))
            victim = i;
    }
    SDL_Surface *surf = TTF_RenderUTF8_Blended(p->font[font], s, c);
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(p->ren, surf);
    int w = surf->w, h = surf->h;
    SDL_Rect ink = ink_box(surf);
    SDL_FreeSurface(surf);
    if (!tex)
        return NULL;
    gui_text_entry *t = &p->text[victim];
    t->ink = ink;
    if (t->tex)
        SDL_DestroyTexture(t->tex);
    t->tex = tex;
    t->font = font;
    t->color = c;
    t->w = w;
    t->h = h;
    t->last_used = ++p->text_clock;
    snprintf(t->text, sizeof t->text, "%s", s);
    return t;
}

/* ------------------------------------------------------ layout records */

static int rec_add(gui_paint *p, SDL_Rect r, int is_text, const char *what)
{
    if (p->n_rec == p->cap_rec) {
        size_t cap = p->cap_rec ? p->cap_rec * 2 : 128;
        gui_rec *n = realloc(p->rec, cap * sizeof *n);
        if (!n) {
            p->rec_lost = 1; /* the check then misses this box; it says so */
            return -1;
        }
        p->rec = n;
        p->cap_rec = cap;
    }
    gui_rec *g = &p->rec[p->n_rec];
    g->r = r;
    g->is_text = is_text;
    g->owner = p->rec_owner;
    g->layer = p->rec_layer;
    g->color = (SDL_Color){0, 0, 0, 0};
    snprintf(g->what, sizeof g->what, "%s", what);
    return (int)p->n_rec++;
}

/* A text as seen: what a clip rectangle (the status line's) leaves of it. */
static void rec_text(gui_paint *p, SDL_Rect r, const char *s, SDL_Color c)
{
    if (SDL_RenderIsClipEnabled(p->ren)) {
        SDL_Rect clip, vis;
        SDL_RenderGetClipRect(p->ren, &clip);
        if (!SDL_IntersectRect(&r, &clip, &vis))
            return;
        r = vis;
    }
    int i = rec_add(p, r, 1, s);
    if (i >= 0)
        p->rec[i].color = c;
}

void gui_rec_begin(gui_paint *p)
{
    p->n_rec = 0;
    p->rec_lost = 0;
    p->rec_owner = -1;
    p->rec_layer = 0;
}

int gui_rec_part(gui_paint *p, SDL_Rect r, const char *name)
{
    if (!p->recording)
        return -1;
    int i = rec_add(p, r, 0, name);
    if (i >= 0)
        p->rec_owner = i;
    return i;
}

void gui_rec_owner(gui_paint *p, int part)
{
    p->rec_owner = part;
}

void gui_rec_layer(gui_paint *p)
{
    p->rec_layer++;
    p->rec_owner = -1;
}

void gui_rec_free(gui_paint *p)
{
    free(p->rec);
    p->rec = NULL;
    p->n_rec = p->cap_rec = 0;
}

static int inside(SDL_Rect in, SDL_Rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

/* 1 if part a is b or holds it (directly or further up). */
static int holds(const gui_paint *p, int a, int b)
{
    for (int k = b; k >= 0; k = p->rec[k].owner)
        if (k == a)
            return 1;
    return 0;
}

int gui_rec_check(const gui_paint *p, int w, int h, const char *state, int max_lines)
{
    int bad = 0;
    const SDL_Rect win = {0, 0, w, h};
#define PROBLEM(...)                                                               \
    do {                                                                           \
        if (bad++ < max_lines) {                                                   \
            printf("FAIL layout %dx%d %s: ", w, h, state);                         \
            printf(__VA_ARGS__);                                                   \
            printf("\n");                                                          \
        }                                                                          \
    } while (0)
    if (p->rec_lost)
        PROBLEM("records lost (out of memory)");
    for (size_t i = 0; i < p->n_rec; i++) {
        const gui_rec *a = &p->rec[i];
        SDL_Rect box = a->owner >= 0 ? p->rec[a->owner].r : win;
        const char *in = a->owner >= 0 ? p->rec[a->owner].what : "window";
        if (!inside(a->r, box))
            PROBLEM("%s \"%s\" [%d,%d %dx%d] leaves %s [%d,%d %dx%d]", a->is_text ? "text" : "part",
                    a->what, a->r.x, a->r.y, a->r.w, a->r.h, in, box.x, box.y, box.w, box.h);
        for (size_t j = i + 1; j < p->n_rec; j++) {
            const gui_rec *b = &p->rec[j];
            if (a->layer != b->layer || !SDL_HasIntersection(&a->r, &b->r))
                continue;
            if (!a->is_text && !b->is_text) {
                if (a->owner != b->owner)
                    continue; /* parts only clash with their siblings */
            } else if (a->is_text != b->is_text) {
                /* A text may lie on the parts that hold it. */
                const gui_rec *t = a->is_text ? a : b;
                int part = a->is_text ? (int)j : (int)i;
                if (holds(p, part, t->owner))
                    continue;
            }
            PROBLEM("%s \"%s\" [%d,%d %dx%d] overlaps %s \"%s\" [%d,%d %dx%d]",
                    a->is_text ? "text" : "part", a->what, a->r.x, a->r.y, a->r.w, a->r.h,
                    b->is_text ? "text" : "part", b->what, b->r.x, b->r.y, b->r.w, b->r.h);
        }
    }
    /* Every button says what it does: a part named "button ..." must hold
     * a text with ink (a box too narrow for any label is a blank button). */
    for (size_t i = 0; i < p->n_rec; i++) {
        const gui_rec *b = &p->rec[i];
        if (b->is_text || strncmp(b->what, "button ", 7) != 0)
            continue;
        int ink = 0;
        for (size_t j = i + 1; j < p->n_rec && !ink; j++)
            ink = p->rec[j].is_text && p->rec[j].owner == (int)i && p->rec[j].r.w > 0 &&
                  p->rec[j].r.h > 0;
        if (!ink)
            PROBLEM("part \"%s\" [%d,%d %dx%d] shows no label (no ink inside it)", b->what, b->r.x,
                    b->r.y, b->r.w, b->r.h);
    }
#undef PROBLEM
    return bad;
}

/* Draws s with its top at y (or centred on y when vcenter); returns its
 * width, 0 if nothing was drawn. */
int gui_text(gui_paint *p, int font, SDL_Color c, const char *s, int x, int y, int align,
             int vcenter)
{
    gui_text_entry *t = text_get(p, font, c, s);
    SDL_Surface *surf = NULL;
    SDL_Texture *tex;
    SDL_Rect ink;
    int w, h;
    if (t) {
        tex = t->tex;
        w = t->w;
        h = t->h;
        ink = t->ink;
    } else {
        /* Too long for the cache (long paths in messages): draw it once. */
        if (!s[0] || !(surf = TTF_RenderUTF8_Blended(p->font[font], s, c)))
            return 0;
        tex = SDL_CreateTextureFromSurface(p->ren, surf);
        w = surf->w;
        h = surf->h;
        ink = ink_box(surf);
        SDL_FreeSurface(surf);
        if (!tex)
            return 0;
    }
    SDL_Rect r = {x - (align == AL_CENTER ? w / 2 : align == AL_RIGHT ? w : 0),
                  vcenter ? y - h / 2 : y, w, h};
    SDL_RenderCopy(p->ren, tex, NULL, &r);
    if (p->recording && ink.w > 0)
        rec_text(p, (SDL_Rect){r.x + ink.x, r.y + ink.y, ink.w, ink.h}, s, c);
    if (!t)
        SDL_DestroyTexture(tex);
    return w;
}

int gui_text_fit(gui_paint *p, int font, SDL_Color c, const char *const *alts, int n, int x, int y,
                 int align, int vcenter, int max_w)
{
    for (int i = 0; i < n; i++)
        if (alts[i][0] && gui_text_width(p, font, alts[i]) <= max_w)
            return gui_text(p, font, c, alts[i], x, y, align, vcenter);
    return 0;
}

int gui_text_width(gui_paint *p, int font, const char *s)
{
    /* A text drawn lately has its width in the cache, in any colour: the
     * same figure TTF_SizeUTF8 would shape the string again for (SDL_ttf
     * sizes a rendered surface with it), and the fitting of captions,
     * labels and the status line asks for a few dozen widths a frame. */
    if (s[0] && strlen(s) < sizeof p->text[0].text)
        for (size_t i = 0; i < GUI_TEXT_CACHE; i++)
            if (p->text[i].tex && p->text[i].font == font && strcmp(p->text[i].text, s) == 0)
                return p->text[i].w;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(p->font[font], s, &w, &h) != 0)
        return 0;
    return w;
}

/* ------------------------------------------------------ text in lines */

/* A font to measure with: app_wrap_text's context. */
typedef struct measure {
    gui_paint *p;
    int font;
} measure;

/* The width of n bytes of t in the measure's font (app_wrap_text's
 * measure). */
static int measure_width(void *ctx, const char *t, size_t n)
{
    const measure *m = ctx;
    char buf[APP_MSG_LEN + 16];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, t, n);
    buf[n] = '\0';
    return buf[0] ? gui_text_width(m->p, m->font, buf) : 0;
}

int gui_wrap(gui_paint *p, int font, const char *s, int w, int max_lines, char *out,
             size_t outlen)
{
    measure m = {p, font};
    return app_wrap_text(s, w, max_lines, measure_width, &m, out, outlen);
}

void gui_text_lines(gui_paint *p, int font, SDL_Color c, const char *t, int x, int y, int line_h,
                    int align)
{
    char line[APP_MSG_LEN + 16];
    while (*t) {
        size_t n = strcspn(t, "\n");
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, t, n);
        line[n] = '\0';
        gui_text(p, font, c, line, x, y + line_h / 2, align, 1);
        y += line_h;
        t += n;
        if (*t == '\n')
            t++;
    }
}

int gui_lines_width(gui_paint *p, int font, const char *t)
{
    measure m = {p, font};
    int widest = 0;
    while (*t) {
        size_t n = strcspn(t, "\n");
        int w = measure_width(&m, t, n);
        widest = w > widest ? w : widest;
        t += n;
        if (*t == '\n')
            t++;
    }
    return widest;
}

void gui_set_color(gui_paint *p, SDL_Color c)
{
    SDL_SetRenderDrawColor(p->ren, c.r, c.g, c.b, c.a);
}

void gui_fill_rect(gui_paint *p, SDL_Rect r, SDL_Color c)
{
    gui_set_color(p, c);
    if (c.a < 255) {
        SDL_RenderFillRect(p->ren, &r);
        return;
    }
    /* An opaque fill is a plain copy: the software renderer (the test
     * drivers, a machine without a GPU) otherwise blends every pixel of a
     * card with alpha 255, most of an explorer frame (perf, issue 30). */
    SDL_SetRenderDrawBlendMode(p->ren, SDL_BLENDMODE_NONE);
    SDL_RenderFillRect(p->ren, &r);
    SDL_SetRenderDrawBlendMode(p->ren, SDL_BLENDMODE_BLEND);
}

/* A rounded rectangle: three plain rectangles for the body and a triangle
 * fan per corner.  Keeping the triangles small matters: the software
 * renderer (Xvfb, the test drivers) rasterises triangles far slower than
 * it fills rectangles. */
void gui_fill_round(gui_paint *p, SDL_Rect r, float rad, SDL_Color c)
{
    enum { SEG = 6, NV = 4 * (SEG + 2) };
    if (rad > (float)r.w / 2.0f)
        rad = (float)r.w / 2.0f;
    if (rad > (float)r.h / 2.0f)
        rad = (float)r.h / 2.0f;
    int ri = (int)rad;
    if (ri < 1) {
        gui_fill_rect(p, r, c);
        return;
    }
    rad = (float)ri;
    gui_fill_rect(p, (SDL_Rect){r.x + ri, r.y, r.w - 2 * ri, r.h}, c);
    gui_fill_rect(p, (SDL_Rect){r.x, r.y + ri, ri, r.h - 2 * ri}, c);
    gui_fill_rect(p, (SDL_Rect){r.x + r.w - ri, r.y + ri, ri, r.h - 2 * ri}, c);
    SDL_Vertex v[NV];
    int idx[4 * SEG * 3];
    const float cx[4] = {(float)(r.x + r.w) - rad, (float)r.x + rad, (float)r.x + rad,
                         (float)(r.x + r.w) - rad};
    const float cy[4] = {(float)(r.y + r.h) - rad, (float)(r.y + r.h) - rad, (float)r.y + rad,
                         (float)r.y + rad};
    int n = 0, m = 0;
    for (int k = 0; k < 4; k++) {
        int centre = n;
        v[n].position = (SDL_FPoint){cx[k], cy[k]};
        v[n].color = c;
        v[n].tex_coord = (SDL_FPoint){0, 0};
        n++;
        for (int i = 0; i <= SEG; i++) {
            float ang = ((float)k + (float)i / SEG) * GUI_PI / 2.0f;
            v[n].position = (SDL_FPoint){cx[k] + rad * cosf(ang), cy[k] + rad * sinf(ang)};
            v[n].color = c;
            v[n].tex_coord = (SDL_FPoint){0, 0};
            if (i > 0) {
                idx[m++] = centre;
                idx[m++] = n - 1;
                idx[m++] = n;
            }
            n++;
        }
    }
    SDL_RenderGeometry(p->ren, NULL, v, n, idx, m);
}

void gui_card(gui_paint *p, SDL_Rect r, SDL_Color border, SDL_Color fill)
{
    int b = gui_sc(p, 1) > 0 ? gui_sc(p, 1) : 1;
    gui_fill_round(p, r, (float)gui_sc(p, 10), border);
    SDL_Rect inner = {r.x + b, r.y + b, r.w - 2 * b, r.h - 2 * b};
    gui_fill_round(p, inner, (float)gui_sc(p, 10) - (float)b, fill);
}

void gui_ring(gui_paint *p, float x, float y, float r0, float r1, SDL_Color c)
{
    enum { SEG = 40 };
    SDL_Vertex v[2 * SEG];
    int idx[6 * SEG];
    for (int i = 0; i < SEG; i++) {
        float ang = (float)i * 2.0f * GUI_PI / SEG;
        v[2 * i].position = (SDL_FPoint){x + r0 * cosf(ang), y + r0 * sinf(ang)};
        v[2 * i + 1].position = (SDL_FPoint){x + r1 * cosf(ang), y + r1 * sinf(ang)};
        v[2 * i].color = v[2 * i + 1].color = c;
        v[2 * i].tex_coord = v[2 * i + 1].tex_coord = (SDL_FPoint){0, 0};
        int j = (i + 1) % SEG;
        int q[6] = {2 * i, 2 * i + 1, 2 * j, 2 * j, 2 * i + 1, 2 * j + 1};
        memcpy(&idx[6 * i], q, sizeof q);
    }
    SDL_RenderGeometry(p->ren, NULL, v, 2 * SEG, idx, 6 * SEG);
}

/* ------------------------------------------------------------- textures */

SDL_Texture *gui_make_stream(gui_paint *p, int w, int h, int nearest, char *err, size_t errlen)
{
    SDL_Texture *t =
        SDL_CreateTexture(p->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!t) {
        snprintf(err, errlen, "Cannot create a texture: %s", SDL_GetError());
        return NULL;
    }
    if (nearest)
        SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    return t;
}

int gui_ensure_stream(gui_paint *p, SDL_Texture **t, int *tw, int *th, int w, int h, int nearest,
                      char *err, size_t errlen)
{
    if (*t && (*tw != w || *th != h)) {
        SDL_DestroyTexture(*t);
        *t = NULL;
    }
    if (!*t) {
        if (!(*t = gui_make_stream(p, w, h, nearest, err, errlen)))
            return -1;
        *tw = w;
        *th = h;
    }
    return 0;
}

int gui_upload(SDL_Texture *t, const float *pix, int w, int h, SDL_Color paper, SDL_Color ink,
               char *err, size_t errlen)
{
    void *mem;
    int pitch;
    if (SDL_LockTexture(t, NULL, &mem, &pitch) != 0) {
        snprintf(err, errlen, "Cannot update a texture: %s", SDL_GetError());
        return -1;
    }
    uint32_t lut[256];
    for (int i = 0; i < 256; i++) {
        float v = (float)i / 255.0f;
        uint32_t r = (uint32_t)(paper.r + (ink.r - paper.r) * v + 0.5f);
        uint32_t g = (uint32_t)(paper.g + (ink.g - paper.g) * v + 0.5f);
        uint32_t b = (uint32_t)(paper.b + (ink.b - paper.b) * v + 0.5f);
        lut[i] = 0xFF000000u | (r << 16) | (g << 8) | b;
    }
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)((unsigned char *)mem + (size_t)y * (size_t)pitch);
        const float *src = pix + (size_t)y * (size_t)w;
        for (int x = 0; x < w; x++) {
            float v = src[x] * 255.0f + 0.5f;
            row[x] = lut[v <= 0.0f ? 0 : v >= 255.0f ? 255 : (int)v];
        }
    }
    SDL_UnlockTexture(t);
    return 0;
}
