/* cli.c — what the modes share: --help and --version text, error lines,
 * model loading with the default-model search, the confusion matrix table. */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "nn_file.h"
#include "paths.h"
#include "text.h"

#ifdef NN_HAVE_OPENMP
#include <omp.h>
#endif

#ifndef DIGITPAD_VERSION
#define DIGITPAD_VERSION NN_VERSION_STRING
#endif

void dp_errorf(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    dp_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "digitpad: %s\n", line);
}

void dp_print_kernels(FILE *f)
{
    const char *name = nn_kernels_name(), *core = nn_kernels_blas_core();
    if (strcmp(name, "blas") == 0)
        fprintf(f, "kernels: blas (OpenBLAS %s)\n", core ? core : "?");
    else
        fprintf(f, "kernels: %s (own)\n", name);
    if (nn_kernels_fallback()) {
        fflush(f);
        if (strcmp(name, "blas") == 0)
            dp_errorf("warning: OpenBLAS picked its generic %s kernels although this CPU "
                      "supports %s (DIGITPAD_KERNELS=%s takes the own ones)",
                      core ? core : "?", nn_kernels_best(), nn_kernels_best());
        else
            dp_errorf("warning: %s kernels in use although this CPU supports %s%s", name,
                      nn_kernels_best(),
                      getenv("DIGITPAD_KERNELS") ? " (DIGITPAD_KERNELS is set)" : "");
    }
}

int dp_exit_for(nn_status s)
{
    switch (s) {
    case NN_OK: return DP_EXIT_OK;
    case NN_ENOMEM: return DP_EXIT_NOMEM;
    case NN_EDIVERGED: return DP_EXIT_TRAIN;
    default: return DP_EXIT_USAGE;
    }
}

int dp_fail(const nn_error *err)
{
    dp_errorf("%s", err->msg);
    return dp_exit_for(err->status);
}

nn_model *dp_load_model_as_window(const char *path, int shipped, char *used, size_t len,
                                  const char **origin, int *rc)
{
    /* The choice is the model card's (modelcard.h), the window's too; the
     * words for each outcome are the command line's. */
    static const char *const ORIGIN[] = {
        [DP_CARD_GIVEN] = "given with --model",
        [DP_CARD_USER] = "your saved model, as the window uses (--shipped-model: the original)",
        [DP_CARD_SHIPPED] = "the shipped model"};
    dp_card_start c;
    int ok = dp_card_load_start(path, shipped, &c) == 0;
    *rc = DP_EXIT_USAGE;
    if (c.user_error[0])
        dp_errorf("note: your saved model did not load (%s); using the shipped one",
                  c.user_error);
    snprintf(used, len, "%s", c.path);
    if (origin)
        *origin = ORIGIN[c.origin];
    if (ok)
        return c.model;
    if (!c.path[0])
        dp_errorf("no default model found (looked for models/%s next to the executable, "
                  "in the source tree and in the install prefix); use --model FILE",
                  DP_DEFAULT_MODEL_NAME);
    else
        *rc = dp_fail(&c.err);
    return NULL;
}

double dp_run_threshold(const dp_args *a, const nn_model *m, const char **what)
{
    if (what)
        *what = a->threshold > 0 ? "--threshold" : "the model's threshold";
    return a->threshold > 0 ? a->threshold : dp_card_threshold(m, NULL);
}

void dp_print_confusion(FILE *f, const char *prefix, const size_t conf[10][10])
{
    size_t maxv = 0;
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 10; j++)
            if (conf[i][j] > maxv)
                maxv = conf[i][j];
    int w = 1;
    for (size_t v = maxv; v >= 10; v /= 10)
        w++;
    if (w < 3)
        w = 3;
    fprintf(f, "%sconfusion matrix (rows: true digit, columns: predicted)\n", prefix);
    fprintf(f, "%s%8s", prefix, "");
    for (int j = 0; j < 10; j++)
        fprintf(f, " %*d", w, j);
    fputc('\n', f);
    for (int i = 0; i < 10; i++) {
        fprintf(f, "%s%8d", prefix, i);
        for (int j = 0; j < 10; j++) {
            /* Zeros off the diagonal as dots, so the errors stand out. */
            if (conf[i][j] == 0 && i != j)
                fprintf(f, " %*s", w, ".");
            else
                fprintf(f, " %*zu", w, conf[i][j]);
        }
        fputc('\n', f);
    }
}

void dp_print_version(FILE *f)
{
    fprintf(f, "digitpad %s (nn library %s)\n", DIGITPAD_VERSION, NN_VERSION_STRING);
#ifdef NN_HAVE_OPENMP
    fprintf(f, "OpenMP: yes (up to %d threads)\n", omp_get_max_threads());
#else
    fprintf(f, "OpenMP: no\n");
#endif
    dp_print_kernels(f);
#ifdef DIGITPAD_HAVE_BLAS
    fprintf(f, "BLAS:   yes (CBLAS, OpenBLAS %s)\n", nn_kernels_blas_core());
#else
    fprintf(f, "BLAS:   no (own micro-kernels)\n");
#endif
#ifdef DIGITPAD_HAVE_GUI
    fprintf(f, "window: yes (SDL2, SDL2_ttf)\n");
#else
    fprintf(f, "window: no (built with DIGITPAD_GUI=OFF)\n");
#endif
    char path[4096];
    fprintf(f, "default model: %s\n",
            dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, path, sizeof path) == 0
                ? path : "(none found)");
    fprintf(f, "font:          %s\n",
            dp_find_data_file("fonts/" DP_FONT_NAME, path, sizeof path) == 0 ? path : "(none found)");
}

/* The flags of one --help section from the flag table (args.c), each as
 * "  --flag ARG" in a 20-column field, its text's later lines indented to
 * match. */
static void print_flags(FILE *f, dp_help_section s)
{
    dp_flag_help rows[32];
    size_t n = dp_flag_help_rows(s, rows, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < n && i < sizeof rows / sizeof rows[0]; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", rows[i].flag, rows[i].arg ? " " : "",
                 rows[i].arg ? rows[i].arg : "");
        fprintf(f, "  %-18s  ", left);
        for (const char *t = rows[i].text; *t;) {
            const char *nl = strchr(t, '\n');
            size_t len = nl ? (size_t)(nl - t) : strlen(t);
            fprintf(f, "%s%.*s\n", t == rows[i].text ? "" : "                      ", (int)len,
                    t);
            t += len + (nl != NULL);
        }
    }
}

void dp_print_help(FILE *f)
{
    fputs(
        "Usage: digitpad [--model FILE] [--size WxH]      open the drawing window\n"
        "       digitpad FILE.safetensors                 the window with that model\n"
        "       digitpad --train [options]                train a model on MNIST\n"
        "       digitpad --eval [--model FILE]            test a model on MNIST\n"
        "       digitpad --predict-strokes FILE [--model FILE]\n"
        "       digitpad --predict IMAGE... [--model FILE]\n"
        "       digitpad --help | --version\n"
        "\n"
        "Draw a digit with the mouse and watch a neural network, written from scratch\n"
        "in C, recognise it live.\n"
        "\n"
        "Window:\n",
        f);
    print_flags(f, DP_HELP_WINDOW);
    fputs("\n", f);
    /* The controls come from the window's key table, the one list the
     * handler and the help overlay use too. */
    fputs("  Controls:\n", f);
    dp_help_row rows[32];
    size_t n = dp_help_rows(rows, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < n && i < sizeof rows / sizeof rows[0]; i++) {
        /* Pad by characters, not bytes: labels hold UTF-8 ("0 – 9"). */
        int chars = 0;
        for (const char *c = rows[i].keys; *c; chars++) {
            size_t len = text_utf8_char((const unsigned char *)c, strlen(c), NULL);
            c += len ? len : 1;
        }
        fprintf(f, "    %s%*s  %s\n", rows[i].keys, chars < 26 ? 26 - chars : 0, "",
                rows[i].help);
    }
    fputs("\nTraining (--train):\n", f);
    print_flags(f, DP_HELP_TRAIN);
    fputs("\n"
          "Evaluation (--eval): test accuracy, per-class accuracy and the confusion matrix\n"
          "  --model FILE, --data DIR, --threads N as above\n",
          f);
    print_flags(f, DP_HELP_EVAL);
    fputs("\nPrediction:\n", f);
    print_flags(f, DP_HELP_PREDICT);
    fputs(
        "\n"
        "Environment:\n"
        "  DIGITPAD_DATA       MNIST directory when --data is not given\n"
        "  DIGITPAD_HOME       your data directory (saved drawings, corrections, your\n"
        "                      model);\n"
        "                      default $XDG_DATA_HOME/digitpad or ~/.local/share/digitpad\n"
        "  DIGITPAD_PROGRESS   'plain' prints training progress as log lines even on a\n"
        "                      terminal\n"
        "\n"
        "Exit status (every mode):\n"
        "  0  success\n"
        "  1  --train: the final test accuracy is below --min-accuracy (model saved)\n"
        "  2  bad usage or bad input (unreadable data, model, image or save target)\n"
        "  3  --train failed: the loss, a weight or the outputs became NaN or infinite, or the\n"
        "     final test accuracy is below 20% (nothing saved)\n"
        "  4  out of memory\n",
        f);
}
