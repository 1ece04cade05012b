/* args.h — digitpad's command line, parsed strictly into a plain struct.
 * Knows nothing of training or windows: it only says which mode was asked
 * for and with which validated settings (main.c and cli_*.c act on them). */
#ifndef DIGITPAD_ARGS_H
#define DIGITPAD_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "common.h" /* dp_parse_long, dp_parse_double: the flags' numbers */
#include "nn.h"     /* nn_attr_method */

/* Exit codes shared by every mode: the one table, also in README.md and
 * --help.  dp_exit_for (cli.h) maps a library status onto it. */
#define DP_EXIT_OK 0
#define DP_EXIT_BELOW 1 /* --train: final test accuracy below --min-accuracy */
#define DP_EXIT_USAGE 2 /* bad usage or bad input (file, data, model, save target) */
#define DP_EXIT_TRAIN 3 /* --train failed: the loss, a weight or the outputs became NaN or
                           infinite, or the final test accuracy is below 20% */
#define DP_EXIT_NOMEM 4 /* out of memory */

/* Limits on values; anything beyond is refused as a usage error. */
#define DP_MAX_EPOCHS 10000
#define DP_MAX_BATCH 60000
#define DP_MAX_THREADS 256
#define DP_MAX_LR 10.0
#define DP_MAX_ELASTIC 100.0 /* Simard et al. used 34 for 28x28 digits */
#define DP_MAX_PEN_COPIES 16 /* images per pen drawing (pen.c renders at most these) */
#define DP_MAX_PEN_FOLDS 20  /* DP_PEN_MAX_FOLDS in pen.h */
#define DP_MIN_WINDOW 200
#define DP_MAX_WINDOW 16384

typedef enum dp_mode {
    DP_MODE_GUI = 0,  /* no mode flag: open the window */
    DP_MODE_HELP,
    DP_MODE_VERSION,
    DP_MODE_TRAIN,
    DP_MODE_EVAL,
    DP_MODE_PREDICT_STROKES,
    DP_MODE_PREDICT
} dp_mode;

/* Parsed arguments.  Strings are borrowed from argv.  A setting that was not
 * given keeps its "unset" value (noted per field), so the mode can tell it
 * apart from an explicit one and fall back to the preset's. */
typedef struct dp_args {
    dp_mode mode;

    /* --train */
    const char *arch;      /* NULL: "cnn" */
    int epochs;            /* 0: preset */
    size_t batch;          /* 0: preset */
    double lr;             /* < 0: preset */
    int optimizer;         /* -1: preset, else an nn_optimizer */
    int schedule;          /* -1: preset, else an nn_schedule */
    double warmup;         /* --warmup X: onecycle's warm-up share; < 0: preset */
    double skip_easy;      /* --skip-easy X: nn_train_config.skip_easy; < 0: preset */
    double weight_decay;   /* < 0: preset */
    int have_seed;
    uint64_t seed;
    int augment;           /* 0/1 */
    double elastic;        /* --elastic ALPHA: 0 off; implies augment */
    double styles;         /* --styles P: 0 off; implies augment */
    double negatives;      /* --negatives P: 0 off; implies augment */
    double shapes;         /* --shapes P: non-digits drawn by rule, P x the training set */
    double drawn_styles;   /* --drawn-styles P: styled digits drawn by rule, likewise */
    double redrawn;        /* --redrawn P: training digits redrawn with the pen, likewise */
    const char *pen;       /* --pen FILE[,FILE]: pen drawings to train on, NULL: none */
    int pen_copies;        /* --pen-copies N: 0: the default (2) */
    double pen_warp;       /* --pen-warp W: 0 (the default): copies keep the path as drawn */
    const char *pen_drop;  /* --pen-drop FILE: ids of pen drawings to leave out */
    int pen_fold, pen_folds; /* --pen-fold K/N: hold out fold K of N; 0/0: none */
    size_t limit;          /* 0: every training image */
    size_t holdout;        /* --holdout N: the last N training images are not trained
                              on but scored each epoch; 0: none */
    const char *out;       /* NULL: DP_DEFAULT_OUT */
    double min_accuracy;   /* < 0: no check */

    /* --train, --eval and the window (background training) */
    const char *data_dir;  /* NULL: dp_mnist_dir(NULL) (paths.h) */
    int threads;           /* -1: library default (all cores) */

    /* --eval, --predict-strokes, --predict and the window */
    const char *model;     /* NULL: the shipped default model */
    /* --threshold X (--eval, --predict-strokes, --predict): where "unsure"
     * starts instead of the model's own, to see what another would trade;
     * 0: the model's */
    double threshold;

    /* --predict-strokes FILE */
    const char *strokes_path;
    const char *save_inputs;  /* --save-inputs DIR: each drawing's 28x28 input */
    int drawn;                /* --eval --drawn: also the rule-drawn test sets */
    int pen_test;             /* --pen-test: only the pen test set, per writer */
    const char *saliency;     /* --saliency DIR: why each answer, as a PGM */
    nn_attr_method saliency_method; /* --saliency-method (default IG) */
    /* --predict IMAGE... (array owned by the struct: dp_args_free) */
    const char **images;
    size_t n_images;

    /* the window */
    int width, height;     /* 0: default */
    const char *script;
    int shipped_model;     /* --shipped-model: not the user's fine-tuned one */

    /* the whole command line, for the model's "command" metadata */
    int argc;
    char **argv;
} dp_args;

#define DP_DEFAULT_OUT "digitpad-model.safetensors"

/* Parses argv into *a.  Returns 0, or -1 with a one-line reason (without the
 * "digitpad: " prefix) in err: an unknown flag, a missing or bad value, a
 * flag given twice, two modes at once, or a flag that the chosen mode does
 * not take.  *a must be released with dp_args_free either way. */
int dp_parse_args(int argc, char **argv, dp_args *a, char *err, size_t errlen);

/* Frees what dp_parse_args allocated; safe to call twice. */
void dp_args_free(dp_args *a);

/* The flag that selects a mode ("--train", ... ; "" for the window). */
const char *dp_mode_flag(dp_mode m);

/* --help's sections that list flags, in its order. */
typedef enum dp_help_section {
    DP_HELP_WINDOW = 1,
    DP_HELP_TRAIN,
    DP_HELP_EVAL,
    DP_HELP_PREDICT
} dp_help_section;

/* One flag as --help lists it: "--model", "FILE" (NULL: no value) and its
 * text, lines separated by '\n'.  Strings are static. */
typedef struct dp_flag_help {
    const char *flag, *arg, *text;
} dp_flag_help;

/* The flags --help lists in section s, in order, from the flag table (each
 * row holds how a flag parses and its help together).  Fills at most max;
 * returns how many there are. */
size_t dp_flag_help_rows(dp_help_section s, dp_flag_help *rows, size_t max);

#endif
