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

nn_model *dp_load_model(const char *path, char *used, size_t len, int *rc)
{
    return dp_load_model_as_window(path, 1, used, len, NULL, rc);
}

nn_model *dp_load_model_as_window(const char *path, int shipped, char *used, size_t len,
                                  const char **origin, int *rc)
{
    *rc = DP_EXIT_USAGE;
    if (origin)
        *origin = path ? "given with --model" : "the shipped model";
    if (!path && !shipped && dp_user_model_path(used, len)) {
        /* the window starts with the user's saved model: so do we */
        nn_error err;
        nn_model *m = nn_model_load(used, &err);
        if (m) {
            if (origin)
                *origin = "your saved model, as the window uses (--shipped-model: the original)";
            return m;
        }
        dp_errorf("note: your saved model did not load (%s); using the shipped one", err.msg);
    }
    if (!path) {
        if (dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, used, len) != 0) {
            dp_errorf("no default model found (looked for models/%s next to the executable, "
                      "in the source tree and in the install prefix); use --model FILE",
                      DP_DEFAULT_MODEL_NAME);
            return NULL;
        }
    } else {
        snprintf(used, len, "%s", path);
    }
    nn_error err;
    nn_model *m = nn_model_load(used, &err);
    if (!m)
        *rc = dp_fail(&err);
    return m;
}

double dp_model_threshold(const nn_model *m)
{
    double v;
    return dp_parse_threshold(nn_model_meta_get(m, "threshold"), &v) == 0 ? v
                                                                          : DP_DEFAULT_THRESHOLD;
}

double dp_run_threshold(const dp_args *a, const nn_model *m, const char **what)
{
    if (what)
        *what = a->threshold > 0 ? "--threshold" : "the model's threshold";
    return a->threshold > 0 ? a->threshold : dp_model_threshold(m);
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
        "Window:\n"
        "  --model FILE        model to load (default: the one you saved with Ctrl+S,\n"
        "                      if any, else the shipped default model)\n"
        "  --shipped-model     use the shipped default model even if you saved your own\n"
        "  --data DIR          MNIST for training in the window (default as for --train)\n"
        "  --size WxH          initial window size in pixels, e.g. 1280x800\n"
        "  --script FILE       test mode: replay input events from FILE, print what the\n"
        "                      window shows, then quit\n"
        "\n",
        f);
    /* The controls come from the window's key table, the one list the
     * handler and the help overlay use too. */
    fputs("  Controls:\n", f);
    dp_help_row rows[32];
    size_t n = dp_help_rows(rows, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < n && i < sizeof rows / sizeof rows[0]; i++) {
        /* Pad by characters, not bytes: labels hold UTF-8 ("0 – 9"). */
        int chars = 0;
        for (const char *c = rows[i].keys; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        fprintf(f, "    %s%*s  %s\n", rows[i].keys, chars < 26 ? 26 - chars : 0, "",
                rows[i].help);
    }
    fputs("\n", f);
    /* Split so that each literal stays within C's 4095-character minimum. */
    fputs(
        "Training (--train):\n"
        "  --arch A            preset seed, mlp or cnn (default), or a spec such as\n"
        "                      fc256,relu,fc128,relu,fc10,sigmoid (see docs or nn.h)\n"
        "  --epochs N          passes over the training set (default: the preset's)\n"
        "  --batch N           minibatch size, 1 to 60000\n"
        "  --lr X              learning rate, above 0\n"
        "  --optimizer O       sgd, momentum or adam\n"
        "  --schedule S        learning-rate schedule: constant, step or cosine\n"
        "  --weight-decay X    0 to 1\n"
        "  --seed N            random seed (same seed, threads and kernels: the same model)\n"
        "  --threads N         worker threads, 0 = all cores (default)\n"
        "  --augment           random rotation, scale, shear, shift and stroke thickness\n"
        "  --elastic A         also elastic distortion of strength A pixels (implies\n"
        "                      --augment; 34 is Simard et al.'s value for MNIST)\n"
        "  --styles P          also, with probability P, redraw a 0, 1 or 7 in a\n"
        "                      common variant: slashed zero, flagged one, crossed seven\n"
        "  --negatives P       also replace a fraction P (up to 0.5) of the samples by\n"
        "                      non-digits made of overlaid MNIST digits, with every\n"
        "                      output's target 0, so scribbles get low outputs\n"
        "  --shapes P          also add P x the training set of non-digits drawn as\n"
        "                      strokes (dash, plus, x, circle with a dot, hatching, wavy\n"
        "                      line, triangle, dots, blank, chevrons, ...), every\n"
        "                      target 0\n"
        "  --drawn-styles P    also add P x the training set of digits drawn as strokes\n"
        "                      in styles MNIST rarely shows (slashed 0, 1 with a foot or\n"
        "                      a long flag, 7 with a short top, 4 closed at the top)\n"
        "  --redrawn P         also add P x the training set of its own digits redrawn\n"
        "                      as the window draws: traced to their centre line and\n"
        "                      inked again with the round pen\n"
        "  --limit N           train on the first N training images (test set stays full)\n"
        "  --data DIR          MNIST directory (default: $DIGITPAD_DATA, else data/mnist)\n"
        "  --out FILE          where to save the model\n"
        "                      (default: " DP_DEFAULT_OUT ")\n"
        "  --min-accuracy X    exit 1 if the final test accuracy is below X (0 to 1);\n"
        "                      the model is saved anyway\n"
        "\n"
        , f);
    /* two literals: C keeps one within 4095 characters */
    fputs(
        "Evaluation (--eval): test accuracy, per-class accuracy and the confusion matrix\n"
        "  --model FILE, --data DIR, --threads N as above\n"
        "  --drawn             also how often the model is unsure on 16 kinds of non-digit\n"
        "                      drawn as strokes (6 never used in training), and how it\n"
        "                      reads 5 digit styles MNIST rarely shows (a few seconds)\n"
        "\n"
        "Prediction:\n"
        "  --predict-strokes FILE  classify every drawing of a strokes file, rendered and\n"
        "                      preprocessed exactly as the window does; prints\n"
        "                      'id predicted confidence label' per drawing and, when the\n"
        "                      file has labels, '#' lines: accuracy, confusion matrix\n"
        "  --save-inputs DIR   with --predict-strokes: also write what the network saw\n"
        "                      for each drawing as DIR/NNNNN-ID.pgm, numbered in file\n"
        "                      order (DIR must exist; existing files are not replaced)\n"
        "  --saliency DIR      with --predict-strokes or --predict: also write why each\n"
        "                      answer, as DIR/NNNNN-ID.saliency.pgm: gradient x input\n"
        "                      of the top output's logit; grey 128 is no effect,\n"
        "                      lighter pushed the answer up, darker pushed it down\n"
        "  --predict IMAGE...  classify PGM (P2/P5) or BMP images of any size; prints\n"
        "                      'path predicted confidence' per image\n"
        "  --threshold X       with --eval, --predict-strokes or --predict: call a top\n"
        "                      output below X (between 0 and 1) unsure instead of below\n"
        "                      the model's own threshold, to see what another trades\n"
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
