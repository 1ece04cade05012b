/* cli.h — digitpad's headless modes: --train, --eval, --predict-strokes,
 * --predict, --help and --version.  Each takes the parsed arguments and
 * returns the process exit code (DP_EXIT_* in args.h); only these functions
 * and main.c talk to the user. */
#ifndef DIGITPAD_CLI_H
#define DIGITPAD_CLI_H

#include <stdio.h>

#include "args.h"
#include "common.h" /* dp_argmax10, dp_vformat */
#include "ink.h" /* ink_image_decoder */
#include "modelcard.h"
#include "paths.h"
#include "nn.h"

int dp_cli_train(const dp_args *a);
int dp_cli_eval(const dp_args *a);
int dp_cli_predict_strokes(const dp_args *a);
/* decode reads PNG and JPEG (the window's SDL_image decoder, gui_image.h);
 * NULL in a build without the window, which then refuses them by name. */
int dp_cli_predict(const dp_args *a, ink_image_decoder decode);

void dp_print_help(FILE *f);
void dp_print_version(FILE *f);
/* One line "kernels: <path> (own)" or "kernels: blas (OpenBLAS <core>)";
 * plus a one-line warning on stderr when a generic fallback runs on a CPU
 * that supports more (nn_kernels_fallback). */
void dp_print_kernels(FILE *f);

/* ------------------------------------------------- shared by the modes */

/* Prints "digitpad: <message>" and a newline on stderr, the message
 * cleaned of control characters (text_clean in base/text.h). */
void dp_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The exit code (DP_EXIT_* in args.h) for a library failure: out of
 * memory 4, a diverged training run 3, anything else (bad input) 2. */
int dp_exit_for(nn_status s);

/* Prints err's message as dp_errorf does and returns dp_exit_for(its status). */
int dp_fail(const nn_error *err);

/* The model the window would use (dp_card_load_start in modelcard.h):
 * `path` when given; else, unless `shipped`, the user's saved model when
 * it loads (a note on stderr when it does not); else the shipped one.  The
 * path actually used goes to used (len bytes); *origin (if non-NULL) gets a
 * static phrase saying which it is, for a "# model" line.  NULL after
 * printing the error, with *rc set to the exit code for it. */
nn_model *dp_load_model_as_window(const char *path, int shipped, char *used, size_t len,
                                  const char **origin, int *rc);

/* The threshold a command-line run uses: --threshold when given, else the
 * model's (dp_card_threshold).  *what (when what is not NULL) names it
 * for the output: "the model's threshold" or "--threshold". */
double dp_run_threshold(const dp_args *a, const nn_model *m, const char **what);

/* Prints a 10×10 confusion matrix (rows: true digit, columns: predicted),
 * each line starting with prefix ("" or "# "). */
void dp_print_confusion(FILE *f, const char *prefix, const size_t conf[10][10]);

#endif
