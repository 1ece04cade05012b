/* cli_eval.c — `digitpad --eval`: a model's accuracy on the MNIST test set,
 * overall and per digit, and the confusion matrix showing which digits it
 * mistakes for which. */
#include "cli.h"

#include <string.h>

#include "calibrate.h"
#include "ink.h"
#include "nn_data.h"
#include "progress.h"
#include "synth.h"
#include "text.h"

int dp_cli_eval(const dp_args *a)
{
    char path[4096];
    int rc = DP_EXIT_USAGE;
    const char *origin;
    dp_calibrate_start_threads(a->threads >= 0 ? a->threads : 0);
    nn_model *m = dp_load_model_as_window(a->model, a->shipped_model, path, sizeof path, &origin,
                                          &rc);
    if (!m)
        return rc;
    nn_error err;
    nn_dataset test = {0};
    char mnist[4200];
    const char *dir = dp_mnist_dir(a->data_dir, mnist, sizeof mnist);
    if (nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    nn_eval ev;
    memset(&ev, 0, sizeof ev);
    /* A model for 28x28 images also gets its unsure threshold checked on
     * the same pass over the test set (dp_calibrate_ex reports what
     * nn_evaluate would), plus the scribbles. */
    const int calibrate = test.rows == INK_SIDE && test.cols == INK_SIDE &&
                          nn_arch_in_size(nn_model_arch(m)) == INK_INPUT_SIZE;
    const char *th_what;
    const double th = dp_run_threshold(a, m, &th_what);
    const int threads = a->threads >= 0 ? a->threads : 0;
    dp_calibration cal;
    double t0 = dp_now();
    nn_status st = calibrate ? dp_calibrate_ex(m, &test, th, DP_CALIB_SCRIBBLES, test.n, threads, &cal,
                                               &ev, &err)
                             : nn_evaluate(m, &test, threads, &ev, &err);
    if (st == NN_ENOANSWER) { /* the model's fault: name it */
        char shown[4096];
        dp_errorf("%s: %s", text_clean_copy(path, shown, sizeof shown), err.msg);
        rc = DP_EXIT_USAGE;
        goto done;
    }
    if (st != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    double secs = dp_now() - t0;

    /* Metadata is text from the file: cleaned before it reaches stdout, so
     * "\u001b[2J" in a model cannot clear the screen (issue 18, row 6). */
    const char *arch = nn_model_meta_get(m, DP_CARD_KEY_ARCH);
    const char *recorded = nn_model_meta_get(m, DP_CARD_KEY_TEST_ACCURACY);
    const char *dataset = nn_model_meta_get(m, DP_CARD_KEY_DATASET);
    char c_path[4096], c_arch[1024], c_rec[64], c_data[256];
    printf("model     %s (%s)\n", text_clean_copy(path, c_path, sizeof c_path), origin);
    printf("arch      %s\n", arch ? text_clean_copy(arch, c_arch, sizeof c_arch) : "?");
    if (dataset || recorded)
        printf("trained   on %s, recorded test accuracy %s\n",
               dataset ? text_clean_copy(dataset, c_data, sizeof c_data) : "?",
               recorded ? text_clean_copy(recorded, c_rec, sizeof c_rec) : "?");
    printf("test set  %zu images from %s (%.2f s%s)\n", ev.n, dir, secs,
           calibrate ? ", with the scribbles" : "");
    printf("accuracy  %.2f%% (%zu/%zu correct)\n\n", 100.0 * ev.accuracy, ev.correct, ev.n);

    printf("digit  images  correct  accuracy\n");
    for (int d = 0; d < 10; d++) {
        size_t n = 0;
        for (int j = 0; j < 10; j++)
            n += ev.confusion[d][j];
        size_t ok = ev.confusion[d][d];
        if (n)
            printf("%5d  %6zu  %7zu  %7.2f%%\n", d, n, ok, 100.0 * (double)ok / (double)n);
        else
            printf("%5d  %6zu  %7zu  %8s\n", d, n, ok, "-");
    }
    printf("\n");
    dp_print_confusion(stdout, "", (const size_t(*)[10])ev.confusion);
    if (calibrate) {
        dp_card_th_source src;
        dp_card_threshold(m, &src);
        const char *th_note = a->threshold > 0 ? ""
                              : src == DP_CARD_TH_ABSENT ? " (default)"
                              : src == DP_CARD_TH_INVALID
                                  ? " (default: the model's threshold is not a number between 0 "
                                    "and 1)"
                                  : "";
        printf("\nunsure    top output below %s %.2f%s: %.2f%% of the test "
               "images (%.2f%% of the right answers, %.1f%% of the wrong ones); "
               "%.1f%% of %zu scribbles still get an answer\n",
               th_what, th, th_note,
               100.0 * cal.mnist_unsure, 100.0 * cal.correct_unsure, 100.0 * cal.wrong_unsure,
               100.0 * cal.scribble_sure, cal.n_scribbles);
        printf("redrawn   the test images redrawn with the window's pen: accuracy %.2f%%, "
               "unsure %.2f%% (%.2f%% of the right answers)\n",
               100.0 * cal.redrawn_accuracy, 100.0 * cal.redrawn_unsure,
               100.0 * cal.redrawn_correct_unsure);
        dp_synth_report sr;
        if (a->drawn && dp_synth_evaluate(m, th, &sr, &err) != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        if (a->drawn) {
            printf("\n");
            dp_synth_print(stdout, &sr);
        }
    }
    rc = DP_EXIT_OK;
done:
    nn_dataset_free(&test);
    nn_model_free(m);
    return rc;
}
