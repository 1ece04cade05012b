/* gui_stats.c — what the scripted test mode measures and captures: frame
 * times (the first frame apart, then max and 99th percentile, also while
 * training) and screenshots of the frame just rendered. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gui_stats.h"


static void push_ms(double **arr, size_t *n, size_t *cap, double ms)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        double *p = realloc(*arr, c * sizeof *p);
        if (!p)
            return;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = ms;
}

double gui_stats_cpu_ms(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
        return 0.0;
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

void gui_stats_frame(gui_stats *s, double ms, double cpu_ms, int training)
{
    /* The first frame pays for start-up (fonts, textures, the GL context):
     * reported on its own, not mixed into the steady-state statistics. */
    if (s->frames++ == 0) {
        s->first_frame_ms = ms;
        return;
    }
    if (ms > s->max_frame_ms)
        s->max_frame_ms = ms;
    if (training && ms > s->train_max_frame_ms)
        s->train_max_frame_ms = ms;
    push_ms(&s->frame_ms, &s->n_frame_ms, &s->cap_frame_ms, ms);
    if (training) {
        push_ms(&s->train_frame_ms, &s->n_train_frame_ms, &s->cap_train_frame_ms, ms);
        push_ms(&s->train_cpu_ms, &s->n_train_cpu_ms, &s->cap_train_cpu_ms, cpu_ms);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

static double p99(double *ms, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(ms, n, sizeof *ms, cmp_double);
    size_t i = (size_t)ceil(0.99 * (double)n) - 1;
    return ms[i < n ? i : n - 1];
}

void gui_stats_report(gui_stats *s, SDL_Renderer *ren, int was_training, double stop_ms)
{
    SDL_RendererInfo info;
    const char *rname = SDL_GetRendererInfo(ren, &info) == 0 ? info.name : "?";
    printf("frames=%llu max_frame_ms=%.2f p99_frame_ms=%.2f first_frame_ms=%.2f "
           "renderer=%s\n",
           (unsigned long long)s->frames, s->max_frame_ms, p99(s->frame_ms, s->n_frame_ms),
           s->first_frame_ms, rname);
    printf("train_frames=%zu train_max_frame_ms=%.2f train_p99_frame_ms=%.2f "
           "train_p99_cpu_ms=%.2f quit_while_training=%d quit_to_joined_ms=%.1f\n",
           s->n_train_frame_ms, s->train_max_frame_ms,
           p99(s->train_frame_ms, s->n_train_frame_ms), p99(s->train_cpu_ms, s->n_train_cpu_ms),
           was_training, stop_ms);
    fflush(stdout);
}

void gui_stats_screenshot(gui_app *a)
{
    int w = a->frame.lay.out_w, h = a->frame.lay.out_h;
    SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!sf) {
        fprintf(stderr, "digitpad: screenshot: %s\n", SDL_GetError());
        a->script.screenshot_failed = 1;
    } else {
        if (SDL_RenderReadPixels(a->paint.ren, NULL, SDL_PIXELFORMAT_ARGB8888, sf->pixels,
                                 sf->pitch) != 0 ||
            SDL_SaveBMP(sf, a->script.screenshot_path) != 0) {
            fprintf(stderr, "digitpad: screenshot %s: %s\n", a->script.screenshot_path, SDL_GetError());
            a->script.screenshot_failed = 1;
        }
        SDL_FreeSurface(sf);
    }
    free(a->script.screenshot_path);
    a->script.screenshot_path = NULL;
}

void gui_stats_free(gui_stats *s)
{
    free(s->frame_ms);
    free(s->train_frame_ms);
    free(s->train_cpu_ms);
    s->frame_ms = s->train_frame_ms = s->train_cpu_ms = NULL;
}
