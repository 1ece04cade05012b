/* calibrate.h — choosing a model's "unsure" threshold from data: the top
 * sigmoid output on the MNIST test set against synthetic scribbles (inputs
 * that are no digit at all), both through the window's own preprocessing. */
#ifndef DIGITPAD_CALIBRATE_H
#define DIGITPAD_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"
#include "nn_data.h"

/* Scribbles per calibration: enough for a rate to ±1% at 95%.  The
 * threshold itself is chosen from the MNIST answers alone; the scribbles
 * only measure how many non-digits it lets through, so the end of a
 * `--train` run, which must stay short beside an epoch (issue 13), draws
 * the first DP_CALIB_SCRIBBLES_TRAIN of the same scribbles (rate to ±3%),
 * and `--eval` all of them. */
#define DP_CALIB_SCRIBBLES 2000
#define DP_CALIB_SCRIBBLES_TRAIN 500
/* Test images the --train tail redraws with the pen (the first ones; its
 * rate to about ±0.3%): all 10,000 would add a second or two to it, and
 * the redrawn set is measured, not budgeted on.  --eval redraws them all. */
#define DP_CALIB_REDRAWN_TRAIN 2000
#define DP_CALIB_SEED 20261128u
/* The share of right answers the threshold may call unsure. */
#define DP_CALIB_MAX_DOUBT 0.01

typedef struct dp_calibration {
    double threshold;      /* what the window should call "unsure" below */
    double mnist_unsure;   /* fraction of MNIST test images below it */
    double correct_unsure; /* fraction of the correctly classified ones below it */
    double wrong_unsure;   /* fraction of the misclassified ones below it */
    double scribble_sure;  /* fraction of scribbles at or above it */
    double redrawn_accuracy;       /* the test set redrawn with the pen (dp_synth_redraw_all) */
    double redrawn_unsure;         /* fraction of its images below the threshold */
    double redrawn_correct_unsure; /* fraction of its right answers below it */
    size_t n_test, n_scribbles, n_redrawn;
} dp_calibration;

/* Fills out (n × INK_INPUT_SIZE floats) with n synthetic non-digits drawn
 * as strokes and preprocessed exactly as the window does: dots, zigzags,
 * hatching, tangles and filled blobs, chosen and shaped from `seed`.  The
 * same n and seed always give the same inputs.  Returns 0, or -1 when out
 * of memory. */
int dp_make_scribbles(size_t n, uint64_t seed, float *out);

/* Starts the OpenMP threads a calibration on `threads` threads (0: all
 * cores) will use, now.  libgomp ends the process ("Thread creation
 * failed", exit 1) when it cannot start a thread, and a thread's stack is
 * 8 MB of address space: started before the model and test set are loaded,
 * a tight `ulimit -v` gives a clean out-of-memory error later instead
 * (tests/test_kernels.sh).  No-op without OpenMP. */
void dp_calibrate_start_threads(int threads);

/* Runs m on every image of test and on DP_CALIB_SCRIBBLES scribbles and
 * picks the highest threshold t (in steps of 0.01 from 0.95 down to 0.05)
 * at which at most DP_CALIB_MAX_DOUBT of the right MNIST answers fall below
 * t: the window may doubt one right answer in a hundred, and within that
 * budget says "unsure" to as many scribbles as it can.  (Weighing both
 * errors alike instead chose 0.95 and doubted 2-6% of right answers, since
 * an MNIST-trained net answers many scribbles confidently.)  It also runs m
 * on the test set redrawn with the window's pen (dp_synth_redraw_all) and
 * reports its accuracy and doubt at t, without budgeting on it.  With `fixed` in
 * [0, 1] it picks nothing and reports the rates at that threshold instead
 * (pass -1 to pick).  Returns NN_OK, or an error in err (out of memory, a
 * model that does not take 28×28 inputs). */
nn_status dp_calibrate(const nn_model *m, const nn_dataset *test, double fixed,
                       dp_calibration *c, nn_error *err);
/* The same with `scribbles` scribbles (1 to DP_CALIB_SCRIBBLES; the
 * first ones of the same sequence) and the first `redrawn` test images
 * redrawn (0 to test->n), on `threads` threads (0: all cores),
 * also filling *ev (if not NULL) with the test set's accuracy and
 * confusion matrix, bit-identical to what nn_evaluate with the same
 * threads reports: one pass over the test set serves both. */
nn_status dp_calibrate_ex(const nn_model *m, const nn_dataset *test, double fixed,
                          size_t scribbles, size_t redrawn, int threads, dp_calibration *c,
                          nn_eval *ev, nn_error *err);

#endif
