/* ink_brush_stats.c — measures how drawn digits compare with MNIST's after
 * preprocessing, to choose ink_default_brush() (issue 6): per-class mean ink,
 * fraction of pixels above 0.5, mean of inked pixels, centre of mass, render
 * and normalize times, and a contact sheet (dev digits above, MNIST below).
 *   gcc -O2 -std=c11 -Iinclude scripts/ink_brush_stats.c ink/[a-z]*.c -lm -o /tmp/brush
 *   /tmp/brush [BRUSH] [SHEET.pgm]      (reads ../shared; MNIST via zcat)  */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEV "../shared/pen-digits/dev.txt"
#define MNIST_X "zcat ../shared/mnist/train-images-idx3-ubyte.gz"
#define MNIST_Y "zcat ../shared/mnist/train-labels-idx1-ubyte.gz"
#define NM 60000

typedef struct acc { double mass, frac, core, cx, cy; int n; } acc;

static void add(acc *a, const float *x)
{
    double m = 0, f = 0, mx = 0, my = 0, on = 0;
    int non = 0;
    for (int j = 0; j < 28; j++)
        for (int i = 0; i < 28; i++) {
            double v = x[j * 28 + i];
            m += v;
            f += v > 0.5;
            mx += v * i;
            my += v * j;
            if (v > 0.1) {
                on += v;
                non++;
            }
        }
    a->mass += m;
    a->frac += f / 784;
    a->core += non ? on / non : 0;
    a->cx += m > 0 ? mx / m : 0;
    a->cy += m > 0 ? my / m : 0;
    a->n++;
}

static double secs(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);   /* CPU time: robust to a busy machine */
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    float brush = argc > 1 ? (float)atof(argv[1]) : ink_default_brush();
    ink_sample *s;
    size_t n;
    char err[512];
    if (ink_read_file(DEV, &s, &n, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    float *pix = malloc(sizeof(float) * INK_CANVAS_PX * INK_CANVAS_PX);
    float *dev = malloc(sizeof(float) * 784 * n);
    unsigned char *im = malloc((size_t)NM * 784), *lb = malloc(NM), hdr[16];
    if (!pix || !dev || !im || !lb)
        return 1;
    acc da[10] = {{0}}, ma[10] = {{0}}, dall = {0}, mall = {0};
    double tr = 0, tn = 0;
    for (size_t k = 0; k < n; k++) {
        double t0 = secs();
        ink_render(&s[k].drawing, pix, INK_CANVAS_PX, INK_CANVAS_PX, brush);
        double t1 = secs();
        ink_normalize(pix, INK_CANVAS_PX, INK_CANVAS_PX, dev + k * 784);
        tr += t1 - t0;
        tn += secs() - t1;
        add(&da[s[k].label], dev + k * 784);
        add(&dall, dev + k * 784);
    }
    FILE *fx = popen(MNIST_X, "r"), *fy = popen(MNIST_Y, "r");
    if (!fx || !fy || fread(hdr, 1, 16, fx) != 16 || fread(im, 1, (size_t)NM * 784, fx) != (size_t)NM * 784 ||
        fread(hdr, 1, 8, fy) != 8 || fread(lb, 1, NM, fy) != NM) {
        fprintf(stderr, "cannot read MNIST\n");
        return 1;
    }
    pclose(fx);
    pclose(fy);
    float x[784];
    for (int k = 0; k < NM; k++) {
        for (int i = 0; i < 784; i++)
            x[i] = im[(size_t)k * 784 + i] / 255.0f;
        add(&ma[lb[k]], x);
        add(&mall, x);
    }
    printf("brush %.1f: render %.3f ms, normalize %.3f ms per dev digit (%zu digits)\n", brush,
           1e3 * tr / n, 1e3 * tn / n, n);
    printf("centre of mass (index)  dev (%.3f, %.3f)  MNIST (%.3f, %.3f)\n", dall.cx / dall.n,
           dall.cy / dall.n, mall.cx / mall.n, mall.cy / mall.n);
    printf("digit  ink/image dev MNIST   frac>0.5 dev MNIST   mean(>0.1) dev MNIST\n");
    double ratio = 0;
    for (int l = 0; l < 10; l++) {
        printf("%d      %6.1f %6.1f        %.3f %.3f          %.3f %.3f\n", l,
               da[l].mass / da[l].n, ma[l].mass / ma[l].n, da[l].frac / da[l].n,
               ma[l].frac / ma[l].n, da[l].core / da[l].n, ma[l].core / ma[l].n);
        ratio += (da[l].mass / da[l].n) / (ma[l].mass / ma[l].n) / 10;
    }
    printf("mean per-class ink ratio dev/MNIST: %.3f\n", ratio);
    if (argc > 2) {   /* 20 of each digit: dev above, MNIST below */
        int W = 20 * 29, H = 2 * 10 * 29 + 10;
        unsigned char *img = malloc((size_t)W * H);
        if (!img)
            return 1;
        memset(img, 40, (size_t)W * H);
        for (int l = 0; l < 10; l++) {
            int c = 0;
            for (size_t k = 0; k < n && c < 20; k++)
                if (s[k].label == l && k % 5 == 0) {
                    for (int i = 0; i < 784; i++)
                        img[(l * 29 + i / 28) * W + c * 29 + i % 28] = (unsigned char)(dev[k * 784 + i] * 255);
                    c++;
                }
            c = 0;
            for (int k = 0; k < NM && c < 20; k++)
                if (lb[k] == l) {
                    for (int i = 0; i < 784; i++)
                        img[(300 + l * 29 + i / 28) * W + c * 29 + i % 28] = im[(size_t)k * 784 + i];
                    c++;
                }
        }
        FILE *o = fopen(argv[2], "wb");
        if (!o || fprintf(o, "P5\n%d %d\n255\n", W, H) < 0 || fwrite(img, 1, (size_t)W * H, o) != (size_t)W * H ||
            fclose(o) != 0) {
            fprintf(stderr, "cannot write %s\n", argv[2]);
            return 1;
        }
        free(img);
    }
    ink_samples_free(s, n);
    free(pix);
    free(dev);
    free(im);
    free(lb);
    return 0;
}
