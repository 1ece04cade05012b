/* bench_attr.c — does the "why" overlay point at what matters?  The
 * deletion and insertion tests of attribution maps (Petsiuk et al., RISE,
 * 2018) on MNIST test images, for each method of dp_saliency (views.h):
 *
 *  - deletion, for "why": the drawn pixels ranked by the top answer's
 *    attribution × input are wiped (set to 0) in that order, 10% of the ink
 *    at a time; the mean of the answer's probability over the 11 steps
 *    (0% ... 100% wiped) is the area under the curve: lower means the map
 *    found the ink the answer rests on sooner.  Random order is the bar.
 *  - insertion, for "why not": for the runner-up output c, the blank pixels
 *    ranked by c's gradient (the map the window shows after a click on c's
 *    bar) get ink (1.0), 10, 20, 40 and 80 of them; the mean rise of c's
 *    probability over the four steps: higher means the map knows where ink
 *    would make it a c.  Random blank pixels are the bar.
 *
 * Usage: bench_attr [--model FILE] [--data DIR] [--n N] [--seed S]
 * Prints one line per method and the CPU; docs/model.md keeps the figures.
 * Deterministic for a seed (SmoothGrad's noise is seeded in dp_saliency). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime's CPU clock; -fopenmp hid its absence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn.h"
#include "nn_data.h"
#include "nn_file.h"
#include "views.h"

#define SIDE 28
#define NPIX (SIDE * SIDE)
#define DEL_STEPS 10
static const int INS_K[] = {10, 20, 40, 80};
#define INS_STEPS ((int)(sizeof INS_K / sizeof *INS_K))

typedef struct {
    const nn_model *m;
    nn_workspace *ws;
} net;

static float prob(net *n, const float *x, int k)
{
    float y[10];
    nn_error e;
    if (nn_forward(n->m, n->ws, x, 1, y, &e) != NN_OK)
        return 0.0f;
    return y[k];
}

typedef struct {
    float score;
    int idx;
} ranked;

/* Descending score, ties to the lower index. */
static int by_score(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    if (p->score != q->score)
        return p->score > q->score ? -1 : 1;
    return p->idx - q->idx;
}

/* Puts idx[0..cnt) in order of score (descending). */
static void rank(const float *score, int *idx, int cnt)
{
    ranked r[NPIX];
    for (int i = 0; i < cnt; i++)
        r[i] = (ranked){score[idx[i]], idx[i]};
    qsort(r, (size_t)cnt, sizeof *r, by_score);
    for (int i = 0; i < cnt; i++)
        idx[i] = r[i].idx;
}

static void shuffle(int *idx, int cnt, nn_rng *r)
{
    for (int i = cnt - 1; i > 0; i--) {
        int j = (int)nn_rng_below(r, (size_t)i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

/* Deletion area for one order of the ink pixels. */
static double deletion(net *n, const float *x, int top, const int *order, int cnt)
{
    float w[NPIX];
    memcpy(w, x, sizeof w);
    double sum = prob(n, w, top);
    int done = 0;
    for (int s = 1; s <= DEL_STEPS; s++) {
        int upto = cnt * s / DEL_STEPS;
        for (; done < upto; done++)
            w[order[done]] = 0.0f;
        sum += prob(n, w, top);
    }
    return sum / (DEL_STEPS + 1);
}

/* Mean rise of output c's probability after inking the first K[i] of order. */
static double insertion(net *n, const float *x, int c, const int *order, int cnt)
{
    float w[NPIX];
    double base = prob(n, x, c), sum = 0.0;
    for (int s = 0; s < INS_STEPS; s++) {
        memcpy(w, x, sizeof w);
        int k = INS_K[s] < cnt ? INS_K[s] : cnt;
        for (int i = 0; i < k; i++)
            w[order[i]] = 1.0f;
        sum += prob(n, w, c) - base;
    }
    return sum / INS_STEPS;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: a loaded machine's wall clock says nothing */
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *model_path = "models/default.safetensors", *dir = NULL;
    long n_img = 500;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc)
            model_path = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--n") && i + 1 < argc)
            n_img = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_attr [--model FILE] [--data DIR] [--n N] [--seed S]\n");
            return 2;
        }
    }
    nn_error e;
    nn_model *m = nn_model_load(model_path, &e);
    if (!m) {
        fprintf(stderr, "bench_attr: %s\n", e.msg);
        return 1;
    }
    nn_dataset test;
    if (nn_mnist_load(&test, nn_mnist_default_dir(dir), NN_MNIST_TEST, &e) != NN_OK) {
        fprintf(stderr, "bench_attr: %s\n", e.msg);
        nn_model_free(m);
        return 1;
    }
    if (n_img < 1 || (size_t)n_img > test.n)
        n_img = (long)test.n;
    net nt = {m, nn_workspace_create(m, 1, &e)};
    if (!nt.ws) {
        fprintf(stderr, "bench_attr: %s\n", e.msg);
        return 1;
    }
    static const nn_attr_method methods[] = {NN_ATTR_RAW, NN_ATTR_SMOOTHGRAD, NN_ATTR_IG};
    enum { NM = 3 };
    double del[NM] = {0}, ins[NM] = {0}, secs[NM] = {0}, del_rand = 0, ins_rand = 0;
    long used = 0;
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (long s = 0; s < n_img; s++) {
        size_t i = (size_t)s * test.n / (size_t)n_img; /* evenly spread */
        float x[NPIX], y[10];
        nn_dataset_image_f32(&test, i, x);
        if (nn_forward(m, nt.ws, x, 1, y, &e) != NN_OK)
            continue;
        int top = 0, second = -1;
        for (int d = 1; d < 10; d++)
            if (y[d] > y[top])
                top = d;
        for (int d = 0; d < 10; d++)
            if (d != top && (second < 0 || y[d] > y[second]))
                second = d;
        int ink[NPIX], blank[NPIX], n_ink = 0, n_blank = 0;
        for (int p = 0; p < NPIX; p++) {
            if (x[p] > 0.0f)
                ink[n_ink++] = p;
            else
                blank[n_blank++] = p;
        }
        if (n_ink < 10 || n_blank < INS_K[INS_STEPS - 1])
            continue;
        used++;
        for (int k = 0; k < NM; k++) {
            float a[NPIX];
            double t0 = now_s();
            if (dp_attribution(m, x, top, 0, methods[k], a, NULL, &e) != NN_OK) {
                fprintf(stderr, "bench_attr: %s\n", e.msg);
                return 1;
            }
            secs[k] += now_s() - t0;
            rank(a, ink, n_ink);
            del[k] += deletion(&nt, x, top, ink, n_ink);
            if (dp_attribution(m, x, second, 1, methods[k], a, NULL, &e) != NN_OK) {
                fprintf(stderr, "bench_attr: %s\n", e.msg);
                return 1;
            }
            rank(a, blank, n_blank);
            ins[k] += insertion(&nt, x, second, blank, n_blank);
        }
        shuffle(ink, n_ink, &rng);
        del_rand += deletion(&nt, x, top, ink, n_ink);
        shuffle(blank, n_blank, &rng);
        ins_rand += insertion(&nt, x, second, blank, n_blank);
    }
    char cpu[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
                snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = '\0';
                break;
            }
        fclose(f);
    }
    printf("bench_attr: %s, %ld MNIST test images, seed %llu, %s\n", model_path, used, seed, cpu);
    printf("%-12s %-26s %-26s %s\n", "method", "deletion AUC (why, lower)",
           "insertion rise (why not)", "CPU ms per map");
    for (int k = 0; k < NM; k++)
        printf("%-12s %-26.4f %-26.4f %.2f\n", nn_attr_method_name(methods[k]), del[k] / (double)used,
               ins[k] / (double)used, 1000.0 * secs[k] / (double)used);
    printf("%-12s %-26.4f %-26.4f -\n", "random", del_rand / (double)used,
           ins_rand / (double)used);
    nn_workspace_free(nt.ws);
    nn_dataset_free(&test);
    nn_model_free(m);
    return 0;
}
