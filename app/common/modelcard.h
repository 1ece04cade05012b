/* modelcard.h — what a model file says about itself, read in one place: the
 * metadata keys the app reads or writes, the unsure threshold (parse,
 * default, the unsure test), the phrase saying what its accuracy figure
 * measures, and which model a run starts with.  The window (pad/, window/)
 * and the command line (cli/) both call it, so they can never read a model
 * differently.  Never prints: every outcome is a value the caller words.
 *
 *   double th = dp_card_threshold(m, NULL);
 *   int unsure = dp_card_unsure(y[dp_argmax10(y)], th);
 */
#ifndef DIGITPAD_MODELCARD_H
#define DIGITPAD_MODELCARD_H

#include <stddef.h>

#include "nn.h"

/* ------------------------------------------------------ metadata keys */

/* Where "unsure" starts (cli_train.c writes it from calibrate.c) and why. */
#define DP_CARD_KEY_THRESHOLD "threshold"
#define DP_CARD_KEY_THRESHOLD_BASIS "threshold_basis"
/* --train's MNIST test accuracy and training set; "arch" is nn's own. */
#define DP_CARD_KEY_TEST_ACCURACY "test_accuracy"
#define DP_CARD_KEY_DATASET "dataset"
/* Which data sets trained it, with their credits (CC BY asks for them). */
#define DP_CARD_KEY_TRAINING_DATA "training_data"
#define DP_CARD_KEY_ARCH "arch"
/* A background trainer's snapshot (bgtrain_worker.c): its number, the
 * checksum of its parameters, and what its run measured after an epoch
 * ("none" until then, bgtrain.c). */
#define DP_CARD_KEY_BG_VERSION "bg_version"
#define DP_CARD_KEY_BG_PARAMS "bg_params_fnv1a"
#define DP_CARD_KEY_HELDOUT_ACCURACY "heldout_accuracy"
#define DP_CARD_KEY_HELDOUT_N "heldout_n"
#define DP_CARD_KEY_USER_ACCURACY "user_accuracy"
#define DP_CARD_KEY_USER_N "user_n"
/* The value of a measure key a run has not measured yet. */
#define DP_CARD_NOT_MEASURED "none"
/* The rest of --train's record (loss, epochs, seed, lr, ..., the unsure
 * rates beside the threshold) is written by cli_train.c alone and read by
 * no code: a table of its own there, not keys anyone shares. */

/* ---------------------------------------------------- the threshold */

/* Where "unsure" starts when a model names none (or an unusable one). */
#define DP_CARD_DEFAULT_THRESHOLD 0.5

/* The one parser for a threshold, the model's metadata and --threshold
 * alike: a number strictly between 0 and 1 (at 0 or 1 every answer would be
 * sure, or unsure), written as dp_parse_double wants it (no trailing junk,
 * no nan or inf).  0 and *out set, or -1 (NULL s included; callers then use
 * DP_CARD_DEFAULT_THRESHOLD). */
int dp_card_parse_threshold(const char *s, double *out);

/* How dp_card_threshold came by its value. */
typedef enum dp_card_th_source {
    DP_CARD_TH_MODEL = 0, /* the model's own threshold */
    DP_CARD_TH_ABSENT,    /* no threshold metadata: the default */
    DP_CARD_TH_INVALID    /* metadata dp_card_parse_threshold refuses: the default */
} dp_card_th_source;

/* The model's threshold, else DP_CARD_DEFAULT_THRESHOLD; *source (when not
 * NULL) says which. */
double dp_card_threshold(const nn_model *m, dp_card_th_source *source);

/* The unsure test, the one rule for the window, --predict, --eval and the
 * calibration sweep: the top output below the threshold.  (Promoting both
 * floats to double changes no comparison, so float callers agree.) */
static inline int dp_card_unsure(double top, double threshold)
{
    return top < threshold;
}

/* ------------------------------------------------- the accuracy phrase */

/* What the model's accuracy figure measures, from its metadata: "MNIST
 * test accuracy 99.55%", "held-out accuracy 99.20% on 2000 MNIST test
 * images" (a training run's snapshot), "90% of your 6 drawings right
 * (trained on them, not a test)", or "accuracy not measured yet".  Written
 * into buf (len bytes, always terminated when len > 0). */
void dp_card_accuracy(const nn_model *m, char *buf, size_t len);

/* ------------------------------------------------ the start-up model */

typedef enum dp_card_origin {
    DP_CARD_GIVEN = 0, /* the path the caller was given (--model FILE) */
    DP_CARD_USER,      /* the user's saved model (Ctrl+S, DP_USER_MODEL_NAME) */
    DP_CARD_SHIPPED    /* the shipped default model (DP_DEFAULT_MODEL_NAME) */
} dp_card_origin;

/* What dp_card_load_start chose and how it went. */
typedef struct dp_card_start {
    nn_model *model;        /* owned by the caller (nn_model_free); NULL: none */
    dp_card_origin origin;  /* where model came from, or which load failed */
    char path[4096];        /* the file used or tried; "" when no shipped
                               model was found */
    char user_error[320];   /* not "": the user's saved model did not load
                               (why); the shipped one was tried instead */
    nn_error err;           /* model NULL, path not "": why path did not load */
} dp_card_start;

/* The model a run starts with, the one rule for the window and the command
 * line: `given` when not NULL; else, unless shipped_only, the user's saved
 * model (dp_user_model_path) when it loads; else the shipped default model
 * (dp_find_data_file).  0 with out->model set, or -1: out->path "" (no
 * shipped model found) or out->err (the chosen file did not load). */
int dp_card_load_start(const char *given, int shipped_only, dp_card_start *out);

#endif
