/* args.c — strict parsing of digitpad's command line.
 * Every flag is looked up in one table that says whether it takes a value
 * and which modes accept it, so "wrong mode" errors need no special cases. */
#include "args.h"
#include "common.h"
#include "modelcard.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the table */

enum {
    M_GUI = 1u << DP_MODE_GUI,
    M_HELP = 1u << DP_MODE_HELP,
    M_VERSION = 1u << DP_MODE_VERSION,
    M_TRAIN = 1u << DP_MODE_TRAIN,
    M_EVAL = 1u << DP_MODE_EVAL,
    M_PSTROKES = 1u << DP_MODE_PREDICT_STROKES,
    M_PREDICT = 1u << DP_MODE_PREDICT
};

typedef enum opt_id {
    O_HELP, O_VERSION, O_TRAIN, O_EVAL, O_PSTROKES, O_PREDICT,
    O_ARCH, O_EPOCHS, O_BATCH, O_LR, O_OPTIMIZER, O_SCHEDULE, O_WARMUP, O_SKIP_EASY, O_WD, O_SEED,
    O_AUGMENT, O_ELASTIC, O_STYLES, O_NEGATIVES, O_SHAPES, O_DRAWN_STYLES, O_REDRAWN,
    O_PEN, O_PEN_COPIES, O_PEN_WARP, O_PEN_DROP, O_PEN_FOLD, O_PEN_TEST, O_LIMIT, O_HOLDOUT, O_OUT, O_MINACC, O_DATA, O_THREADS, O_MODEL,
    O_SIZE, O_SCRIPT, O_SHIPPED, O_SAVE_INPUTS, O_SALIENCY, O_SALIENCY_METHOD, O_DRAWN, O_THRESHOLD, O_COUNT
} opt_id;

/* Where --help lists a flag: its section, its place there (1, 2, ...)
 * and its text (lines separated by '\n'). */
typedef struct opt_help {
    dp_help_section section; /* 0: not listed */
    int order;
    const char *text;
} opt_help;

/* One row per flag: how it parses and how --help explains it, together
 * (as keys.c keeps a key and its help line), so a flag cannot change
 * without its help text in sight. */
typedef struct opt_def {
    const char *name;
    int takes_value;
    int sets_mode;     /* -1, or the dp_mode this flag selects */
    unsigned modes;    /* modes that accept it (ignored for mode flags) */
    const char *arg;   /* --help's name for its value ("FILE"), or NULL */
    /* A flag the window and a mode both take (--data) is listed in each
     * section, in that section's words. */
    opt_help help[2];
} opt_def;

static const opt_def OPTS[O_COUNT] = {
    [O_HELP] = {"--help", 0, DP_MODE_HELP, 0},
    [O_VERSION] = {"--version", 0, DP_MODE_VERSION, 0},
    [O_TRAIN] = {"--train", 0, DP_MODE_TRAIN, 0},
    [O_EVAL] = {"--eval", 0, DP_MODE_EVAL, 0},
    [O_PSTROKES] = {"--predict-strokes", 1, DP_MODE_PREDICT_STROKES, 0, "FILE",
        {{DP_HELP_PREDICT, 1, "classify every drawing of a strokes file (plain or .gz;\nseveral as FILE,FILE), rendered and preprocessed exactly\nas the window does; prints 'id predicted confidence label'\nper drawing and, when the file has labels, '#' lines:\naccuracy, confusion matrix"}}},
    [O_PREDICT] = {"--predict", 0, DP_MODE_PREDICT, 0, "IMAGE...",
        {{DP_HELP_PREDICT, 4, "classify PGM (P2/P5) or BMP images of any size; prints\n'path predicted confidence' per image"}}},
    [O_ARCH] = {"--arch", 1, -1, M_TRAIN, "A",
        {{DP_HELP_TRAIN, 1, "preset seed, mlp, cnn (default) or quick, or a spec such as\nfc256,relu,fc128,relu,fc10,sigmoid (see docs or nn.h)"}}},
    [O_EPOCHS] = {"--epochs", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 2, "passes over the training set (default: the preset's)"}}},
    [O_BATCH] = {"--batch", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 3, "minibatch size, 1 to 60000"}}},
    [O_LR] = {"--lr", 1, -1, M_TRAIN, "X",
        {{DP_HELP_TRAIN, 4, "learning rate, above 0"}}},
    [O_OPTIMIZER] = {"--optimizer", 1, -1, M_TRAIN, "O",
        {{DP_HELP_TRAIN, 5, "sgd, momentum or adam"}}},
    [O_SCHEDULE] = {"--schedule", 1, -1, M_TRAIN, "S",
        {{DP_HELP_TRAIN, 6, "learning-rate schedule: constant, step, cosine or\nonecycle (warm-up, then cosine; see --warmup)"}}},
    [O_WARMUP] = {"--warmup", 1, -1, M_TRAIN, "X",
        {{DP_HELP_TRAIN, 6, "onecycle's warm-up: the share of all steps (0 to below 1)\nover which the rate climbs from a tenth to --lr"}}},
    [O_SKIP_EASY] = {"--skip-easy", 1, -1, M_TRAIN, "X",
        {{DP_HELP_TRAIN, 6, "no backward pass for a sample whose outputs are all\nwithin X of their targets (0 to 0.5; default the\npreset's: 0.1 for quick, 0 (off) for the others)"}}},
    [O_WD] = {"--weight-decay", 1, -1, M_TRAIN, "X",
        {{DP_HELP_TRAIN, 7, "0 to 1"}}},
    [O_SEED] = {"--seed", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 8, "random seed (same seed, threads and kernels: the same model)"}}},
    [O_AUGMENT] = {"--augment", 0, -1, M_TRAIN, NULL,
        {{DP_HELP_TRAIN, 10, "random rotation, scale, shear, shift and stroke thickness"}}},
    [O_ELASTIC] = {"--elastic", 1, -1, M_TRAIN, "A",
        {{DP_HELP_TRAIN, 11, "also elastic distortion of strength A pixels (implies\n--augment; 34 is Simard et al.'s value for MNIST)"}}},
    [O_STYLES] = {"--styles", 1, -1, M_TRAIN, "P",
        {{DP_HELP_TRAIN, 12, "also, with probability P, redraw a 0, 1 or 7 in a\ncommon variant: slashed zero, flagged one, crossed seven"}}},
    [O_NEGATIVES] = {"--negatives", 1, -1, M_TRAIN, "P",
        {{DP_HELP_TRAIN, 13, "also replace a fraction P (up to 0.5) of the samples by\nnon-digits made of overlaid MNIST digits, with every\noutput's target 0, so scribbles get low outputs"}}},
    [O_SHAPES] = {"--shapes", 1, -1, M_TRAIN, "P",
        {{DP_HELP_TRAIN, 14, "also add P x the training set of non-digits drawn as\nstrokes (dash, plus, x, circle with a dot, hatching, wavy\nline, triangle, dots, blank, chevrons, ...), every\ntarget 0"}}},
    [O_DRAWN_STYLES] = {"--drawn-styles", 1, -1, M_TRAIN, "P",
        {{DP_HELP_TRAIN, 15, "also add P x the training set of digits drawn as strokes\nin styles MNIST rarely shows (slashed 0, 1 with a foot or\na long flag, 7 with a short top, 4 closed at the top)"}}},
    [O_REDRAWN] = {"--redrawn", 1, -1, M_TRAIN, "P",
        {{DP_HELP_TRAIN, 16, "also add P x the training set of its own digits redrawn\nas the window draws: traced to their centre line and\ninked again with the round pen"}}},
    [O_PEN] = {"--pen", 1, -1, M_TRAIN, "FILE[,FILE]",
        {{DP_HELP_TRAIN, 17, "also train on the pen drawings of these strokes files\n(plain or .gz; e.g. datasets/pen-digits/*.txt.gz), each\nrendered as the window does; the pen test set's writers\nare always left out"}}},
    [O_PEN_COPIES] = {"--pen-copies", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 18, "images per pen drawing, 1 to 16 (default 2): the first\nwith the window's pen, the others with its width scaled\nby 0.8 to 1.4"}}},
    [O_PEN_WARP] = {"--pen-warp", 1, -1, M_TRAIN, "W",
        {{DP_HELP_TRAIN, 18, "bend, slant, stretch and turn the pen's path of every\ncopy after the first at random, at strength W (0 to 1;\ndefault 0: as drawn), as another writer might draw it"}}},
    [O_PEN_DROP] = {"--pen-drop", 1, -1, M_TRAIN, "FILE",
        {{DP_HELP_TRAIN, 19, "leave out the pen drawings FILE lists, one 'LABEL ID' a\nline ('#' comments), e.g. ones whose label is wrong"}}},
    [O_PEN_FOLD] = {"--pen-fold", 1, -1, M_TRAIN, "K/N",
        {{DP_HELP_TRAIN, 20, "validation by writer: deal the pen writers into N folds,\ntrain on all but fold K (1..N) and report how the model\nreads fold K's drawings"}}},
    [O_PEN_TEST] = {"--pen-test", 0, -1, M_PSTROKES, NULL,
        {{DP_HELP_PREDICT, 6, "with --predict-strokes: score only the drawings of the\npen test set's writers, and add each writer's accuracy\nand the five worst writers"}}},
    [O_LIMIT] = {"--limit", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 21, "train on the first N training images (test set stays full)\nand at most N pen drawings"}}},
    [O_HOLDOUT] = {"--holdout", 1, -1, M_TRAIN, "N",
        {{DP_HELP_TRAIN, 21, "keep the last N MNIST training images out of training and\nreport the accuracy on them each epoch (to choose a recipe\nwithout looking at the test set, which is scored once, at\nthe end)"}}},
    [O_OUT] = {"--out", 1, -1, M_TRAIN, "FILE",
        {{DP_HELP_TRAIN, 23, "where to save the model\n(default: " DP_DEFAULT_OUT ")"}}},
    [O_MINACC] = {"--min-accuracy", 1, -1, M_TRAIN, "X",
        {{DP_HELP_TRAIN, 24, "exit 1 if the final test accuracy is below X (0 to 1);\nthe model is saved anyway"}}},
    [O_DATA] = {"--data", 1, -1, M_TRAIN | M_EVAL | M_GUI, "DIR",
        {{DP_HELP_WINDOW, 3, "MNIST for training in the window (default as for --train)"},
         {DP_HELP_TRAIN, 22, "MNIST directory (default: $DIGITPAD_DATA, else data/mnist)"}}},
    [O_THREADS] = {"--threads", 1, -1, M_TRAIN | M_EVAL, "N",
        {{DP_HELP_TRAIN, 9, "worker threads, 0 = all cores (default)"}}},
    [O_MODEL] = {"--model", 1, -1, M_EVAL | M_PSTROKES | M_PREDICT | M_GUI, "FILE",
        {{DP_HELP_WINDOW, 1, "model to load (default: the one you saved with Ctrl+S,\nif any, else the shipped default model)"}}},
    [O_SIZE] = {"--size", 1, -1, M_GUI, "WxH",
        {{DP_HELP_WINDOW, 4, "initial window size in pixels, e.g. 1280x800"}}},
    [O_SCRIPT] = {"--script", 1, -1, M_GUI, "FILE",
        {{DP_HELP_WINDOW, 5, "test mode: replay input events from FILE, print what the\nwindow shows, then quit"}}},
    [O_SHIPPED] = {"--shipped-model", 0, -1, M_GUI | M_EVAL | M_PSTROKES | M_PREDICT, NULL,
        {{DP_HELP_WINDOW, 2, "use the shipped default model even if you saved your own"}}},
    [O_SAVE_INPUTS] = {"--save-inputs", 1, -1, M_PSTROKES, "DIR",
        {{DP_HELP_PREDICT, 2, "with --predict-strokes: also write what the network saw\nfor each drawing as DIR/NNNNN-ID.pgm, numbered in file\norder (DIR must exist; existing files are not replaced)"}}},
    [O_SALIENCY] = {"--saliency", 1, -1, M_PSTROKES | M_PREDICT, "DIR",
        {{DP_HELP_PREDICT, 3, "with --predict-strokes or --predict: also write why each\nanswer, as DIR/NNNNN-ID.saliency.pgm: attribution of the\ntop output's logit (--saliency-method); grey 128 is no\neffect, lighter pushed the answer up, darker pushed it down"}}},
    [O_SALIENCY_METHOD] = {"--saliency-method", 1, -1, M_PSTROKES | M_PREDICT, "M",
        {{DP_HELP_PREDICT, 3, "with --saliency: ig (the default: integrated gradients\nfrom a blank input, best at the deletion test of\ndocs/model.md), smoothgrad (the mean gradient at 32\nnoisy copies, times the input) or raw (gradient x input)"}}},
    [O_DRAWN] = {"--drawn", 0, -1, M_EVAL, NULL,
        {{DP_HELP_EVAL, 1, "also how often the model is unsure on 16 kinds of non-digit\ndrawn as strokes (6 never used in training), and how it\nreads 5 digit styles MNIST rarely shows (a few seconds)"}}},
    [O_THRESHOLD] = {"--threshold", 1, -1, M_EVAL | M_PSTROKES | M_PREDICT, "X",
        {{DP_HELP_PREDICT, 5, "with --eval, --predict-strokes or --predict: call a top\noutput below X (between 0 and 1) unsure instead of below\nthe model's own threshold, to see what another trades"}}},
};

const char *dp_mode_flag(dp_mode m)
{
    for (int i = 0; i < O_COUNT; i++)
        if (OPTS[i].sets_mode == (int)m)
            return OPTS[i].name;
    return "";
}

size_t dp_flag_help_rows(dp_help_section s, dp_flag_help *rows, size_t max)
{
    size_t n = 0;
    /* Rows by their place in the section; the table keeps parsing order. */
    for (int order = 1;; order++) {
        int found = 0;
        for (int i = 0; i < O_COUNT; i++)
            for (int h = 0; h < 2; h++) {
                const opt_help *oh = &OPTS[i].help[h];
                if (oh->section != s || oh->order != order)
                    continue;
                if (n < max)
                    rows[n] = (dp_flag_help){OPTS[i].name, OPTS[i].arg, oh->text};
                n++;
                found = 1;
            }
        if (!found)
            return n;
    }
}

/* What the modes that accept a flag are called, for "needs --train". */
static void modes_text(unsigned modes, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
    int first = 1;
    for (int m = 0; m <= DP_MODE_PREDICT; m++) {
        if (!(modes & (1u << m)))
            continue;
        const char *name = m == DP_MODE_GUI ? "the window (no mode flag)" : dp_mode_flag((dp_mode)m);
        int w = snprintf(buf + used, len - used, "%s%s", first ? "" : " or ", name);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
        first = 0;
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* "640x480" (also "640X480"). */
static int parse_size(const char *s, int *w, int *h)
{
    const char *x = strpbrk(s, "xX");
    if (!x || x == s || (size_t)(x - s) >= 16)
        return -1;
    char left[16];
    memcpy(left, s, (size_t)(x - s));
    left[x - s] = '\0';
    long lw, lh;
    if (dp_parse_long(left, DP_MIN_WINDOW, DP_MAX_WINDOW, &lw) != 0 ||
        dp_parse_long(x + 1, DP_MIN_WINDOW, DP_MAX_WINDOW, &lh) != 0)
        return -1;
    if (left[0] == '+' || x[1] == '+')
        return -1;
    *w = (int)lw;
    *h = (int)lh;
    return 0;
}

/* ------------------------------------------------------------ one value */

static int set_value(dp_args *a, opt_id id, const char *flag, const char *v, char *err,
                     size_t errlen)
{
    long l;
    double d;
    switch (id) {
    case O_PSTROKES:
        if (!*v)
            return dp_set_err(err, errlen, "%s needs a file name", flag);
        a->strokes_path = v;
        return 0;
    case O_ARCH:
        if (!*v)
            return dp_set_err(err, errlen, "--arch needs a preset (seed, mlp, cnn, quick) or a spec");
        a->arch = v;
        return 0;
    case O_EPOCHS:
        if (dp_parse_long(v, 1, DP_MAX_EPOCHS, &l) != 0)
            return dp_set_err(err, errlen, "--epochs: '%s' is not a whole number from 1 to %d", v,
                        DP_MAX_EPOCHS);
        a->epochs = (int)l;
        return 0;
    case O_BATCH:
        if (dp_parse_long(v, 1, DP_MAX_BATCH, &l) != 0)
            return dp_set_err(err, errlen, "--batch: '%s' is not a whole number from 1 to %d", v,
                        DP_MAX_BATCH);
        a->batch = (size_t)l;
        return 0;
    case O_LR:
        if (dp_parse_double(v, 0.0, DP_MAX_LR, &d) != 0 || d <= 0.0)
            return dp_set_err(err, errlen, "--lr: '%s' is not a number above 0 and at most %g", v,
                        DP_MAX_LR);
        a->lr = d;
        return 0;
    case O_OPTIMIZER:
        /* Values match nn_optimizer (NN_OPT_SGD, NN_OPT_MOMENTUM, NN_OPT_ADAM). */
        if (strcmp(v, "sgd") == 0)
            a->optimizer = 0;
        else if (strcmp(v, "momentum") == 0)
            a->optimizer = 1;
        else if (strcmp(v, "adam") == 0)
            a->optimizer = 2;
        else
            return dp_set_err(err, errlen, "--optimizer: '%s' is not one of sgd, momentum, adam", v);
        return 0;
    case O_WARMUP:
        if (dp_parse_double(v, 0.0, 0.99, &d) != 0)
            return dp_set_err(err, errlen, "--warmup: '%s' is not a share from 0 to 0.99", v);
        a->warmup = d;
        return 0;
    case O_SKIP_EASY:
        if (dp_parse_double(v, 0.0, 0.5, &d) != 0)
            return dp_set_err(err, errlen, "--skip-easy: '%s' is not a number from 0 to 0.5", v);
        a->skip_easy = d;
        return 0;
    case O_SCHEDULE:
        /* Values match nn_schedule (CONSTANT, STEP, COSINE, ONECYCLE). */
        if (strcmp(v, "constant") == 0)
            a->schedule = 0;
        else if (strcmp(v, "step") == 0)
            a->schedule = 1;
        else if (strcmp(v, "cosine") == 0)
            a->schedule = 2;
        else if (strcmp(v, "onecycle") == 0)
            a->schedule = 3;
        else
            return dp_set_err(err, errlen,
                              "--schedule: '%s' is not one of constant, step, cosine, onecycle", v);
        return 0;
    case O_WD:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--weight-decay: '%s' is not a number from 0 to 1", v);
        a->weight_decay = d;
        return 0;
    case O_SEED:
        if (parse_u64(v, &a->seed) != 0)
            return dp_set_err(err, errlen, "--seed: '%s' is not a whole number from 0 to %llu", v,
                        (unsigned long long)UINT64_MAX);
        a->have_seed = 1;
        return 0;
    case O_ELASTIC:
        if (dp_parse_double(v, 0.0, DP_MAX_ELASTIC, &d) != 0)
            return dp_set_err(err, errlen, "--elastic: '%s' is not a strength from 0 to %g (pixels)", v,
                        DP_MAX_ELASTIC);
        a->elastic = d;
        return 0;
    case O_STYLES:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--styles: '%s' is not a probability from 0 to 1", v);
        a->styles = d;
        return 0;
    case O_NEGATIVES:
        if (dp_parse_double(v, 0.0, 0.5, &d) != 0)
            return dp_set_err(err, errlen, "--negatives: '%s' is not a fraction from 0 to 0.5", v);
        a->negatives = d;
        return 0;
    case O_SHAPES:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--shapes: '%s' is not a fraction from 0 to 1", v);
        a->shapes = d;
        return 0;
    case O_DRAWN_STYLES:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--drawn-styles: '%s' is not a fraction from 0 to 1", v);
        a->drawn_styles = d;
        return 0;
    case O_REDRAWN:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--redrawn: '%s' is not a fraction from 0 to 1", v);
        a->redrawn = d;
        return 0;
    case O_PEN:
        if (!*v)
            return dp_set_err(err, errlen, "--pen needs a strokes file (or several, with commas)");
        a->pen = v;
        return 0;
    case O_PEN_COPIES:
        if (dp_parse_long(v, 1, DP_MAX_PEN_COPIES, &l) != 0)
            return dp_set_err(err, errlen, "--pen-copies: '%s' is not a whole number from 1 to %d",
                              v, DP_MAX_PEN_COPIES);
        a->pen_copies = (int)l;
        return 0;
    case O_PEN_WARP:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen, "--pen-warp: '%s' is not a strength from 0 to 1", v);
        a->pen_warp = d;
        return 0;
    case O_PEN_DROP:
        if (!*v)
            return dp_set_err(err, errlen, "--pen-drop needs a file name");
        a->pen_drop = v;
        return 0;
    case O_PEN_FOLD: {
        const char *slash = strchr(v, '/');
        char left[16];
        long k, n;
        if (!slash || slash == v || (size_t)(slash - v) >= sizeof left)
            return dp_set_err(err, errlen, "--pen-fold: '%s' is not K/N (fold K of N, e.g. 1/3)", v);
        memcpy(left, v, (size_t)(slash - v));
        left[slash - v] = '\0';
        if (dp_parse_long(slash + 1, 2, DP_MAX_PEN_FOLDS, &n) != 0 ||
            dp_parse_long(left, 1, n, &k) != 0 || left[0] == '+' || slash[1] == '+')
            return dp_set_err(err, errlen,
                              "--pen-fold: '%s' is not K/N with N from 2 to %d and K from 1 to N",
                              v, DP_MAX_PEN_FOLDS);
        a->pen_fold = (int)k;
        a->pen_folds = (int)n;
        return 0;
    }
    case O_LIMIT:
        if (dp_parse_long(v, 1, LONG_MAX, &l) != 0)
            return dp_set_err(err, errlen, "--limit: '%s' is not a whole number of images (1 or more)",
                        v);
        a->limit = (size_t)l;
        return 0;
    case O_HOLDOUT:
        if (dp_parse_long(v, 1, LONG_MAX, &l) != 0)
            return dp_set_err(err, errlen,
                              "--holdout: '%s' is not a whole number of images (1 or more)", v);
        a->holdout = (size_t)l;
        return 0;
    case O_OUT:
        if (!*v)
            return dp_set_err(err, errlen, "--out needs a file name");
        a->out = v;
        return 0;
    case O_MINACC:
        if (dp_parse_double(v, 0.0, 1.0, &d) != 0)
            return dp_set_err(err, errlen,
                        "--min-accuracy: '%s' is not a fraction from 0 to 1 (e.g. 0.98)", v);
        a->min_accuracy = d;
        return 0;
    case O_DATA:
        if (!*v)
            return dp_set_err(err, errlen, "--data needs a directory");
        a->data_dir = v;
        return 0;
    case O_THREADS:
        if (dp_parse_long(v, 0, DP_MAX_THREADS, &l) != 0)
            return dp_set_err(err, errlen,
                        "--threads: '%s' is not a whole number from 0 (all cores) to %d", v,
                        DP_MAX_THREADS);
        a->threads = (int)l;
        return 0;
    case O_MODEL:
        if (!*v)
            return dp_set_err(err, errlen, "--model needs a file name");
        a->model = v;
        return 0;
    case O_SIZE:
        if (parse_size(v, &a->width, &a->height) != 0)
            return dp_set_err(err, errlen, "--size: '%s' is not WIDTHxHEIGHT with each from %d to %d",
                        v, DP_MIN_WINDOW, DP_MAX_WINDOW);
        return 0;
    case O_SAVE_INPUTS:
        if (!*v)
            return dp_set_err(err, errlen, "--save-inputs needs a directory");
        a->save_inputs = v;
        return 0;
    case O_THRESHOLD:
        if (dp_card_parse_threshold(v, &a->threshold) != 0)
            return dp_set_err(err, errlen, "--threshold: '%s' is not a number between 0 and 1", v);
        return 0;
    case O_SALIENCY:
        if (!*v)
            return dp_set_err(err, errlen, "--saliency needs a directory");
        a->saliency = v;
        return 0;
    case O_SALIENCY_METHOD:
        if (nn_attr_method_parse(v, &a->saliency_method) != 0)
            return dp_set_err(err, errlen, "--saliency-method: '%s' is not smoothgrad, raw or ig", v);
        return 0;
    case O_SCRIPT:
        if (!*v)
            return dp_set_err(err, errlen, "--script needs a file name");
        a->script = v;
        return 0;
    default:
        return dp_set_err(err, errlen, "%s takes no value", flag);
    }
}

/* ---------------------------------------------------------------- parse */

static void args_defaults(dp_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->mode = DP_MODE_GUI;
    a->saliency_method = NN_ATTR_IG; /* dp_saliency_best(0): measured best for "why" */
    a->lr = -1.0;
    a->optimizer = -1;
    a->schedule = -1;
    a->warmup = -1.0;
    a->skip_easy = -1.0;
    a->weight_decay = -1.0;
    a->min_accuracy = -1.0;
    a->threads = -1;
    a->argc = argc;
    a->argv = argv;
}

void dp_args_free(dp_args *a)
{
    if (!a)
        return;
    free((void *)a->images);
    a->images = NULL;
    a->n_images = 0;
}

static int lookup(const char *name, size_t len)
{
    for (int i = 0; i < O_COUNT; i++)
        if (strlen(OPTS[i].name) == len && strncmp(OPTS[i].name, name, len) == 0)
            return i;
    return -1;
}

int dp_parse_args(int argc, char **argv, dp_args *a, char *err, size_t errlen)
{
    args_defaults(a, argc, argv);
    if (err && errlen)
        err[0] = '\0';
    if (argc > 0) {
        a->images = malloc((size_t)argc * sizeof *a->images);
        if (!a->images)
            return dp_set_err(err, errlen, "out of memory");
    }

    int seen[O_COUNT] = {0};
    int mode_opt = -1;
    const char *first_positional = NULL;
    int only_positional = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!first_positional)
                first_positional = arg;
            a->images[a->n_images++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0)
            arg = "--help";
        else if (strcmp(arg, "-V") == 0)
            arg = "--version";

        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        int id = arg[1] == '-' ? lookup(arg, name_len) : -1;
        if (id < 0)
            return dp_set_err(err, errlen, "unknown option '%.*s'", (int)(name_len > 60 ? 60 : name_len),
                        arg);
        const opt_def *o = &OPTS[id];
        if (seen[id])
            return dp_set_err(err, errlen, "%s given twice", o->name);
        seen[id] = 1;

        const char *value = NULL;
        if (o->takes_value) {
            if (eq) {
                value = eq + 1;
            } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                value = argv[++i];
            } else {
                return dp_set_err(err, errlen, "%s needs a value", o->name);
            }
        } else if (eq) {
            return dp_set_err(err, errlen, "%s takes no value", o->name);
        }

        if (o->sets_mode >= 0) {
            if (mode_opt >= 0)
                return dp_set_err(err, errlen, "%s and %s cannot be used together", OPTS[mode_opt].name,
                            o->name);
            mode_opt = id;
            a->mode = (dp_mode)o->sets_mode;
        }
        if (id == O_AUGMENT) {
            a->augment = 1;
        } else if (id == O_SHIPPED) {
            a->shipped_model = 1;
        } else if (id == O_DRAWN) {
            a->drawn = 1;
        } else if (id == O_PEN_TEST) {
            a->pen_test = 1;
        } else if (value && set_value(a, (opt_id)id, o->name, value, err, errlen) != 0) {
            return -1;
        }
    }

    /* Checked after the loop so flags may come before or after the mode. */
    for (int id = 0; id < O_COUNT; id++) {
        if (!seen[id] || OPTS[id].sets_mode >= 0)
            continue;
        if (!(OPTS[id].modes & (1u << a->mode))) {
            char need[160];
            modes_text(OPTS[id].modes, need, sizeof need);
            if (a->mode == DP_MODE_GUI)
                return dp_set_err(err, errlen, "%s needs %s", OPTS[id].name, need);
            return dp_set_err(err, errlen, "%s cannot be used with %s (it goes with %s)", OPTS[id].name,
                        dp_mode_flag(a->mode), need);
        }
    }
    /* Both name the model to use, as two --model flags would (issue 26
     * row 9: --model silently won). */
    if (seen[O_SALIENCY_METHOD] && !seen[O_SALIENCY])
        return dp_set_err(err, errlen, "--saliency-method needs --saliency");
    if (seen[O_MODEL] && seen[O_SHIPPED])
        return dp_set_err(err, errlen, "--model and --shipped-model both name a model; give one");
    /* The pen settings only mean something with pen drawings to train on. */
    static const int needs_pen[] = {O_PEN_COPIES, O_PEN_WARP, O_PEN_DROP, O_PEN_FOLD};
    for (size_t k = 0; k < sizeof needs_pen / sizeof *needs_pen; k++)
        if (seen[needs_pen[k]] && !seen[O_PEN])
            return dp_set_err(err, errlen, "%s needs --pen", OPTS[needs_pen[k]].name);
    if (a->mode == DP_MODE_PREDICT) {
        if (a->n_images == 0)
            return dp_set_err(err, errlen, "--predict needs at least one image file");
    } else if (a->mode == DP_MODE_GUI && a->n_images == 1 && !seen[O_MODEL] &&
               !seen[O_SHIPPED] && strlen(first_positional) > 12 &&
               strcmp(first_positional + strlen(first_positional) - 12, ".safetensors") == 0) {
        /* `digitpad FILE.safetensors`: what a file manager's "Open with"
         * runs; the same as --model FILE.  Only that suffix, so a stray
         * word stays a usage error rather than a model that will not load. */
        a->model = first_positional;
        a->n_images = 0;
    } else if (first_positional) {
        if (a->mode == DP_MODE_GUI && a->n_images == 1 && (seen[O_MODEL] || seen[O_SHIPPED]))
            return dp_set_err(err, errlen, "'%.80s' and %s both name a model", first_positional,
                              seen[O_MODEL] ? "--model" : "--shipped-model");
        return dp_set_err(err, errlen, "unexpected argument '%.80s'", first_positional);
    }
    return 0;
}
