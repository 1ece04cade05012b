/* cli_predict.c — `digitpad --predict-strokes FILE` and `--predict IMAGE...`
 * (PNG, JPEG, BMP, PGM):
 * classify drawings and images headless, through exactly the preprocessing
 * the window uses (ink.h), so scores here are what a person would see. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "ink.h"
#include "pen.h"
#include "text.h"
#include "views.h"

/* Drawings are preprocessed and run through the network this many at a time:
 * one batched forward is much faster than one call per drawing. */
#define PREDICT_BATCH 256

/* The first line of both modes' output: which model answered. */
static void print_model_line(const char *path, const char *origin)
{
    char shown[4096];
    printf("# model: %s (%s)\n", text_clean_copy(path, shown, sizeof shown), origin);
}

/* --------------------------------------------------------- strokes files */

typedef struct strokes_summary {
    size_t labelled, correct, unsure;
    size_t none; /* drawings the model gave no answer for (NaN outputs) */
    size_t confusion[10][10];
} strokes_summary;

static void print_strokes_summary(const strokes_summary *s, size_t n, double threshold,
                                  const char *th_what)
{
    if (s->labelled > 0) {
        printf("# accuracy: %.4f (%zu/%zu labelled drawings)\n",
               (double)s->correct / (double)s->labelled, s->correct, s->labelled);
    }
    printf("# unsure: %zu of %zu (top output below %s %.2f)\n", s->unsure, n, th_what,
           threshold);
    if (s->labelled > 0)
        dp_print_confusion(stdout, "# ", (const size_t(*)[10])s->confusion);
}

/* One writer's results, for --pen-test. */
typedef struct writer_score {
    char name[128];
    size_t n, correct, unsure;
} writer_score;

static int cmp_writer_worst(const void *a, const void *b)
{
    const writer_score *x = a, *y = b;
    /* lower accuracy first (cross-multiplied: exact), then by name */
    size_t l = x->correct * y->n, r = y->correct * x->n;
    if (l != r)
        return l < r ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* --pen-test's part of the summary: each writer's accuracy and unsure
 * count in file order, then the five worst.  pred[i] is drawing i's answer
 * and unsure[i] whether it was doubted. */
static int print_writers(const ink_sample *s, size_t n, const int *pred,
                         const unsigned char *unsure)
{
    writer_score *w = calloc(n ? n : 1, sizeof *w);
    if (!w) {
        dp_errorf("out of memory");
        return -1;
    }
    size_t nw = 0;
    for (size_t i = 0; i < n; i++) {
        char name[128];
        dp_pen_writer(s[i].id, name, sizeof name);
        size_t k = nw;
        /* a writer's drawings are consecutive in the pen files; search
         * back from the end so that case is quick */
        while (k > 0 && strcmp(w[k - 1].name, name) != 0)
            k--;
        if (k == 0 && (nw == 0 || strcmp(w[0].name, name) != 0)) {
            k = nw++;
            snprintf(w[k].name, sizeof w[k].name, "%s", name);
        } else {
            k--;
        }
        w[k].n++;
        w[k].correct += pred[i] == s[i].label;
        w[k].unsure += unsure[i];
    }
    printf("# per writer: %zu writers (accuracy, drawings, unsure)\n", nw);
    for (size_t k = 0; k < nw; k++) {
        char shown[128];
        printf("#   %-22s %7.2f%%  %4zu  %3zu\n", text_clean_copy(w[k].name, shown, sizeof shown),
               100.0 * (double)w[k].correct / (double)w[k].n, w[k].n, w[k].unsure);
    }
    qsort(w, nw, sizeof *w, cmp_writer_worst);
    printf("# five worst writers:");
    for (size_t k = 0; k < nw && k < 5; k++) {
        char shown[128];
        printf("%s %s %.2f%% (%zu/%zu)", k ? "," : "", text_clean_copy(w[k].name, shown, sizeof shown),
               100.0 * (double)w[k].correct / (double)w[k].n, w[k].correct, w[k].n);
    }
    printf("\n");
    free(w);
    return 0;
}

/* Keeps only the pen test set's drawings (dp_pen_test_writer), in order. */
static void keep_pen_test(ink_sample *s, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (dp_pen_test_writer(s[i].id))
            s[k++] = s[i];
        else
            ink_drawing_free(&s[i].drawing);
    }
    *n = k;
}

/* Drawing number `no`'s id made safe for a file name (see save_input below). */
static void safe_name(const char *id, char *name, size_t len)
{
    size_t n = 0;
    for (const char *p = id; *p && n + 1 < len && n < 200; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && n > 0);
        name[n++] = ok ? c : '_';
    }
    name[n] = '\0';
}

/* Writes drawing number `no` (1-based, in file order) as dir/NNNNN-ID.pgm.
 * IDs come from the file being read, so anything but [A-Za-z0-9._-] becomes
 * '_' and a leading dot is replaced: an ID never names a path outside dir.
 * The number makes every name unique (ids "a/b" and "a_b", or one id
 * twice, would otherwise share a file) and the name deterministic; the
 * file must be new, so nothing is ever overwritten. */
static int save_input(const char *dir, size_t no, const char *id, const float *in)
{
    char name[256];
    safe_name(id, name, sizeof name);
    char path[4096 + 256], msg[512];
    snprintf(path, sizeof path, "%s/%05zu-%s.pgm", dir, no, name);
    if (ink_write_pgm_new(path, in, msg, sizeof msg) != 0) {
        dp_errorf("%s", msg);
        return -1;
    }
    return 0;
}

/* Why the model gave output `k` for input x: the attribution × input of
 * k's logit by `method` (dp_saliency: integrated gradients unless asked
 * otherwise),
 * written as dir/NNNNN-ID.saliency.pgm with 0 at grey 128, scaled so the
 * strongest pixel reaches black or white.  Times the input, not the
 * gradient alone, so the picture shows which of the drawn pixels mattered
 * (blank pixels stay grey). */
static int save_saliency(const char *dir, size_t no, const char *id, const nn_model *m,
                         const float *x, int k, nn_attr_method method)
{
    float g[INK_INPUT_SIZE], pic[INK_INPUT_SIZE];
    nn_error err;
    /* The window's overlay (X) shows the same values (views.h). */
    if (dp_saliency(m, x, k, 0, method, g, NULL, &err) != NN_OK) {
        dp_errorf("%s", err.msg);
        return -1;
    }
    for (int i = 0; i < INK_INPUT_SIZE; i++)
        pic[i] = 0.5f + 0.5f * g[i];
    char name[256], path[4096 + 256], msg[512];
    safe_name(id, name, sizeof name);
    snprintf(path, sizeof path, "%s/%05zu-%s.saliency.pgm", dir, no, name);
    if (ink_write_pgm_new(path, pic, msg, sizeof msg) != 0) {
        dp_errorf("%s", msg);
        return -1;
    }
    return 0;
}

int dp_cli_predict_strokes(const dp_args *a)
{
    char path[4096];
    char msg[512];
    ink_sample *samples = NULL;
    size_t n = 0;
    /* A name that exists is one file even if it holds a comma; anything
     * else may be a list "a.txt,b.txt.gz" */
    int rd = access(a->strokes_path, F_OK) == 0
                 ? ink_read_file(a->strokes_path, &samples, &n, msg, sizeof msg)
                 : dp_pen_load(a->strokes_path, &samples, &n, msg, sizeof msg);
    if (rd != 0) {
        dp_errorf("%s", msg);
        return DP_EXIT_USAGE;
    }
    if (a->pen_test) {
        keep_pen_test(samples, &n);
        if (n == 0) {
            dp_errorf("%s: no drawing of the pen test set's writers (pendigits/tes-*, "
                      "uji2/w05 ... w60)", a->strokes_path);
            ink_samples_free(samples, n);
            return DP_EXIT_USAGE;
        }
    }
    int *preds = malloc((n ? n : 1) * sizeof *preds);
    unsigned char *doubted = malloc(n ? n : 1);
    if (!preds || !doubted) {
        dp_errorf("out of memory");
        free(preds);
        free(doubted);
        ink_samples_free(samples, n);
        return DP_EXIT_NOMEM;
    }
    int rc = DP_EXIT_USAGE;
    const char *origin;
    nn_model *m = dp_load_model_as_window(a->model, a->shipped_model, path, sizeof path, &origin,
                                          &rc);
    if (!m) {
        free(preds);
        free(doubted);
        ink_samples_free(samples, n);
        return rc;
    }
    print_model_line(path, origin);
    rc = DP_EXIT_USAGE;
    nn_error err;
    size_t in_size = nn_arch_in_size(nn_model_arch(m));
    /* batch x activations within the library's budget, whatever the model */
    const size_t batch = nn_batch_cap(m, PREDICT_BATCH, 1);
    float *x = malloc(sizeof *x * batch * INK_INPUT_SIZE);
    float *y = malloc(sizeof *y * batch * 10);
    nn_workspace *ws = nn_workspace_create(m, batch, &err);
    if (!ws) {
        rc = dp_fail(&err);
        goto done;
    }
    if (!x || !y) {
        dp_errorf("out of memory");
        rc = DP_EXIT_NOMEM;
        goto done;
    }
    if (in_size != INK_INPUT_SIZE) {
        dp_errorf("%s: the model takes %zu inputs, not a 28x28 image", path, in_size);
        goto done;
    }
    const char *th_what;
    double threshold = dp_run_threshold(a, m, &th_what);
    strokes_summary sum;
    memset(&sum, 0, sizeof sum);
    for (size_t start = 0; start < n; start += batch) {
        size_t count = n - start < batch ? n - start : batch;
        /* Rendering a 560×560 canvas per drawing dominates the run time, and
         * ink_preprocess keeps no shared state, so drawings are rendered in
         * parallel.  An empty drawing gives an all-zero input (0), which the
         * network still scores; only -1 (no memory) is an error. */
        int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 8) reduction(| : failed)
#endif
        for (long i = 0; i < (long)count; i++) {
            if (ink_preprocess(&samples[start + (size_t)i].drawing,
                               x + (size_t)i * INK_INPUT_SIZE) < 0)
                failed |= 1;
        }
        if (failed) {
            dp_errorf("out of memory preprocessing drawings");
            rc = DP_EXIT_NOMEM;
            goto done;
        }
        nn_status st = nn_forward(m, ws, x, count, y, &err);
        if (st != NN_OK && st != NN_ENOANSWER) {
            rc = dp_fail(&err);
            goto done;
        }
        for (size_t i = 0; i < count; i++) {
            const ink_sample *s = &samples[start + i];
            const float *out = y + i * 10;
            if (!dp_outputs_finite(out)) { /* never an answer (nn_forward) */
                char id[sizeof s->id];
                printf("%s ? - %c no-answer\n", text_clean_copy(s->id, id, sizeof id),
                       s->label >= 0 && s->label <= 9 ? '0' + s->label : '?');
                sum.none++;
                continue;
            }
            int pred = dp_argmax10(out);
            int unsure = dp_card_unsure(out[pred], threshold);
            sum.unsure += unsure;
            preds[start + i] = pred;
            doubted[start + i] = (unsigned char)unsure;
            char label[4] = "?";
            if (s->label >= 0 && s->label <= 9) {
                label[0] = (char)('0' + s->label);
                sum.labelled++;
                sum.correct += pred == s->label;
                sum.confusion[s->label][pred]++;
            }
            char id[sizeof s->id];
            /* the top output stays in column 2 whatever its size, so
             * accuracy figures and scripts keep their meaning; column 5
             * says what the window would show */
            printf("%s %d %.4f %s %s\n", text_clean_copy(s->id, id, sizeof id), pred,
                   (double)out[pred], label, unsure ? "unsure" : "sure");
            if (a->save_inputs && save_input(a->save_inputs, start + i + 1, s->id,
                                             x + i * INK_INPUT_SIZE) != 0)
                goto done;
            if (a->saliency && save_saliency(a->saliency, start + i + 1, s->id, m,
                                             x + i * INK_INPUT_SIZE, pred, a->saliency_method) != 0)
                goto done;
        }
    }
    print_strokes_summary(&sum, n, threshold, th_what);
    if (a->pen_test && print_writers(samples, n, preds, doubted) != 0) {
        rc = DP_EXIT_NOMEM;
        goto done;
    }
    rc = DP_EXIT_OK;
    if (sum.none) {
        fflush(stdout);
        dp_errorf("%s: the model's outputs are NaN or infinite for %zu of %zu drawings: its "
                  "weights overflow, so it gives no answer", path, sum.none, n);
        rc = DP_EXIT_USAGE;
    }
done:
    if (fflush(stdout) != 0 && rc == DP_EXIT_OK) {
        dp_errorf("cannot write the results");
        rc = DP_EXIT_USAGE;
    }
    nn_workspace_free(ws);
    free(x);
    free(y);
    free(preds);
    free(doubted);
    nn_model_free(m);
    ink_samples_free(samples, n);
    return rc;
}

/* ---------------------------------------------------------------- images */

int dp_cli_predict(const dp_args *a, ink_image_decoder decode)
{
    char path[4096];
    int rc = DP_EXIT_USAGE;
    const char *origin;
    nn_model *m = dp_load_model_as_window(a->model, a->shipped_model, path, sizeof path, &origin,
                                          &rc);
    if (!m)
        return rc;
    if (nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE) {
        dp_errorf("%s: the model does not take a 28x28 image", path);
        nn_model_free(m);
        return DP_EXIT_USAGE;
    }
    nn_error err;
    nn_workspace *ws = nn_workspace_create(m, 1, &err);
    if (!ws) {
        rc = dp_fail(&err);
        nn_model_free(m);
        return rc;
    }
    rc = DP_EXIT_OK;
    print_model_line(path, origin);
    const double threshold = dp_run_threshold(a, m, NULL);
    for (size_t i = 0; i < a->n_images; i++) {
        const char *img = a->images[i];
        char msg[512];
        float *pix = NULL;
        int w = 0, h = 0;
        if (ink_image_load_with(img, decode, NULL, &pix, &w, &h, msg, sizeof msg) != 0) {
            fflush(stdout);
            dp_errorf("%s", msg);
            rc = DP_EXIT_USAGE;
            continue;
        }
        float x[INK_INPUT_SIZE], y[10];
        int inked = ink_normalize(pix, w, h, x);
        free(pix);
        char shown[4096];
        text_clean_copy(img, shown, sizeof shown);
        if (!inked) { /* as the window shows nothing for an empty canvas */
            printf("%s ? 0.0000 (no ink)\n", shown);
            continue;
        }
        if (nn_forward(m, ws, x, 1, y, &err) != NN_OK) {
            if (err.status == NN_ENOANSWER)
                printf("%s ? - (no answer)\n", shown);
            fflush(stdout);
            dp_errorf("%s: %s", img, err.msg);
            rc = dp_exit_for(err.status);
            continue;
        }
        int pred = dp_argmax10(y);
        const char *base = strrchr(img, '/');
        if (a->saliency && save_saliency(a->saliency, i + 1, base ? base + 1 : img, m, x, pred, a->saliency_method) != 0) {
            rc = DP_EXIT_USAGE;
            break;
        }
        if (dp_card_unsure(y[pred], threshold)) /* as the window says it */
            printf("%s ? %.4f (best %d)\n", shown, (double)y[pred], pred);
        else
            printf("%s %d %.4f\n", shown, pred, (double)y[pred]);
    }
    if (fflush(stdout) != 0) {
        dp_errorf("cannot write the results");
        rc = DP_EXIT_USAGE;
    }
    nn_workspace_free(ws);
    nn_model_free(m);
    return rc;
}
