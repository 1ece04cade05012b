/* modelcard.c — a model's metadata read in one place: the threshold, the
 * accuracy phrase, the start-up model (see modelcard.h). */
#include "modelcard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nn_file.h"
#include "paths.h"

/* ---------------------------------------------------- the threshold */

int dp_card_parse_threshold(const char *s, double *out)
{
    double v;
    if (dp_parse_double(s, 0.0, 1.0, &v) != 0 || v <= 0.0 || v >= 1.0)
        return -1;
    *out = v;
    return 0;
}

double dp_card_threshold(const nn_model *m, dp_card_th_source *source)
{
    const char *s = nn_model_meta_get(m, DP_CARD_KEY_THRESHOLD);
    double v = DP_CARD_DEFAULT_THRESHOLD;
    dp_card_th_source src = !s ? DP_CARD_TH_ABSENT
                            : dp_card_parse_threshold(s, &v) != 0 ? DP_CARD_TH_INVALID
                                                                  : DP_CARD_TH_MODEL;
    if (source)
        *source = src;
    return src == DP_CARD_TH_MODEL ? v : DP_CARD_DEFAULT_THRESHOLD;
}

/* ------------------------------------------------- the accuracy phrase */

/* A fraction in [0,1] from metadata (also written as a percentage), or -1. */
static double meta_fraction(const nn_model *m, const char *key)
{
    const char *v = nn_model_meta_get(m, key);
    char *end;
    double x = v ? strtod(v, &end) : -1.0;
    if (!v || end == v || x < 0.0)
        return -1.0;
    return x > 1.0 && x <= 100.0 ? x / 100.0 : x <= 1.0 ? x : -1.0;
}

void dp_card_accuracy(const nn_model *m, char *buf, size_t len)
{
    /* A trainer's snapshot (or a model saved from one) still carries the
     * test accuracy of the model it started from; what it has earned is
     * what its run measured after an epoch (bgtrain.c marks it "none"
     * until then). */
    const char *n_held = nn_model_meta_get(m, DP_CARD_KEY_HELDOUT_N);
    const char *n_user = nn_model_meta_get(m, DP_CARD_KEY_USER_N);
    double v;
    if (nn_model_meta_get(m, DP_CARD_KEY_BG_VERSION)) {
        if ((v = meta_fraction(m, DP_CARD_KEY_HELDOUT_ACCURACY)) >= 0.0)
            snprintf(buf, len, "held-out accuracy %.2f%% on %s MNIST test images", v * 100.0,
                     n_held && strcmp(n_held, DP_CARD_NOT_MEASURED) != 0 ? n_held : "some");
        else if ((v = meta_fraction(m, DP_CARD_KEY_USER_ACCURACY)) >= 0.0)
            snprintf(buf, len, "%.0f%% of your %s drawings right (trained on them, not a test)",
                     v * 100.0,
                     n_user && strcmp(n_user, DP_CARD_NOT_MEASURED) != 0 ? n_user : "");
        else
            snprintf(buf, len, "accuracy not measured yet");
    } else if ((v = meta_fraction(m, DP_CARD_KEY_TEST_ACCURACY)) >= 0.0) {
        snprintf(buf, len, "MNIST test accuracy %.2f%%", v * 100.0);
    } else {
        snprintf(buf, len, "accuracy not measured yet");
    }
}

/* ------------------------------------------------ the start-up model */

/* Loads out->path as origin o: 0, or -1 with out->err. */
static int load_as(dp_card_start *out, dp_card_origin o)
{
    out->origin = o;
    out->model = nn_model_load(out->path, &out->err);
    return out->model ? 0 : -1;
}

int dp_card_load_start(const char *given, int shipped_only, dp_card_start *out)
{
    memset(out, 0, sizeof *out);
    if (given) {
        snprintf(out->path, sizeof out->path, "%s", given);
        return load_as(out, DP_CARD_GIVEN);
    }
    /* The user's fine-tuned model (Ctrl+S) first: the window starts with
     * it, and the command line answers as the window would. */
    if (!shipped_only && dp_user_model_path(out->path, sizeof out->path)) {
        if (load_as(out, DP_CARD_USER) == 0)
            return 0;
        snprintf(out->user_error, sizeof out->user_error, "%s", out->err.msg);
    }
    out->origin = DP_CARD_SHIPPED;
    if (dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, out->path, sizeof out->path) != 0) {
        out->path[0] = '\0';
        return -1;
    }
    return load_as(out, DP_CARD_SHIPPED);
}
