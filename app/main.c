/* main.c — digitpad's entry point: parse the command line, then run the
 * chosen headless mode (cli.h) or open the window (gui.h). */
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "nn.h"
#include "threads.h"

#ifdef DIGITPAD_HAVE_GUI
#include "gui.h"
#include "gui_image.h"
/* --predict decodes PNG and JPEG as the window does */
#define PREDICT_DECODER gui_decode_image
#else
#define PREDICT_DECODER NULL
#endif

static int run_window(const dp_args *a, const char *note)
{
#ifdef DIGITPAD_HAVE_GUI
    gui_options opt = {.note = note,
                       .model_path = a->model,
                       .script_path = a->script,
                       .width = a->width,
                       .height = a->height,
                       .data_dir = a->data_dir,
                       .shipped_model = a->shipped_model};
    return gui_run(&opt);
#else
    (void)a, (void)note;
    dp_errorf("this build has no window (configured with DIGITPAD_GUI=OFF); "
              "the command line works: see 'digitpad --help'");
    return DP_EXIT_USAGE;
#endif
}

int main(int argc, char **argv)
{
    dp_args a;
    char err[512];
    if (dp_parse_args(argc, argv, &a, err, sizeof err) != 0) {
        dp_errorf("%s", err);
        fputs("Try 'digitpad --help'.\n", stderr);
        dp_args_free(&a);
        return DP_EXIT_USAGE;
    }
    /* A DIGITPAD_KERNELS this CPU or build cannot honour is refused before
     * any work, rather than silently ignored. */
    nn_error kerr;
    if (a.mode != DP_MODE_HELP && nn_kernels_init(&kerr) != NN_OK) {
        dp_errorf("%s", kerr.msg);
        dp_args_free(&a);
        return DP_EXIT_USAGE;
    }
    /* Every OpenMP team is sized here, before any parallel region: no
     * more threads than this process can start (threads.h).  The window
     * says so in its status line, the command line in one stderr line. */
    char note[256] = "";
    if (a.mode != DP_MODE_HELP && a.mode != DP_MODE_VERSION) {
        dp_threads_clamp(&a.threads, a.mode != DP_MODE_GUI, note, sizeof note);
        if (note[0] && a.mode != DP_MODE_GUI)
            dp_errorf("%s", note);
    }
    int rc;
    switch (a.mode) {
    case DP_MODE_HELP:
        dp_print_help(stdout);
        rc = DP_EXIT_OK;
        break;
    case DP_MODE_VERSION:
        dp_print_version(stdout);
        rc = DP_EXIT_OK;
        break;
    case DP_MODE_TRAIN:
        rc = dp_cli_train(&a);
        break;
    case DP_MODE_EVAL:
        rc = dp_cli_eval(&a);
        break;
    case DP_MODE_PREDICT_STROKES:
        rc = dp_cli_predict_strokes(&a);
        break;
    case DP_MODE_PREDICT:
        rc = dp_cli_predict(&a, PREDICT_DECODER);
        break;
    case DP_MODE_GUI:
    default:
        rc = run_window(&a, note);
        break;
    }
    dp_args_free(&a);
    if (fflush(stdout) != 0 && rc == DP_EXIT_OK) {
        dp_errorf("cannot write to standard output");
        rc = DP_EXIT_USAGE;
    }
    return rc;
}
