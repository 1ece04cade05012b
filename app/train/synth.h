/* synth.h — drawings made by rule (include/ink_shapes.h) as data: a bank of
 * non-digit shapes and styled digits added to the training set, and the
 * test sets that measure how the model treats them.  SDL-free. */
#ifndef DIGITPAD_SYNTH_H
#define DIGITPAD_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ink_shapes.h"
#include "nn.h"
#include "nn_data.h"

/* The seed of the test sets.  Training banks derive theirs from the
 * training seed through a different mix, so no training drawing is ever
 * one of these. */
#define DP_SYNTH_TEST_SEED 20261202u
/* Drawings per kind and per style in a test set: a rate to about ±2%. */
#define DP_SYNTH_TEST_PER_KIND 300

/* Seeds r for image i of a set made from `seed` (salt tells the sets
 * apart): one stream per image, so a set does not depend on how its loop
 * is split between threads.  pen.c draws its pen widths the same way. */
void dp_synth_rng(ink_rng *r, uint64_t seed, uint64_t salt, size_t i);

/* Grows ds's arrays to hold `add` more images (ds->n is unchanged: the
 * caller fills them and then counts them).  NN_ENOMEM (ds as it was). */
nn_status dp_synth_grow(nn_dataset *ds, size_t add, nn_error *err);

/* Appends to ds (28×28 images) n_shapes non-digits of the training kinds
 * (every kind ink_shape_held_out does not hold out, in turn; label
 * NN_LABEL_NONE) and n_styles digits in the styles of ink_style (in turn;
 * their digit as label), each rendered and preprocessed as the window
 * does, from `seed`.  ds's arrays are replaced by larger ones holding the
 * old samples first.  NN_EINVAL for images that are not 28×28, NN_ENOMEM. */
nn_status dp_synth_extend(nn_dataset *ds, size_t n_shapes, size_t n_styles, uint64_t seed,
                          nn_error *err);

/* The range of brush_scale (see ink_redraw) redrawn digits get, uniform:
 * the window's pen at the size it was measured at (1) and a little
 * thinner, up to the boldness of a digit drawn on half the canvas. */
#define DP_REDRAW_BRUSH_MIN 0.8f
#define DP_REDRAW_BRUSH_MAX 1.4f

/* Appends to ds (28×28 images) n_add digits redrawn with the window's pen
 * (ink_redraw), each a copy of one of ds's first n_source samples picked at
 * random from `seed`, with that sample's label and a brush scale drawn from
 * the range above.  Samples with nothing to trace are copied unchanged.
 * NN_EINVAL for images that are not 28×28 or n_source out of range,
 * NN_ENOMEM. */
nn_status dp_synth_redraw(nn_dataset *ds, size_t n_source, size_t n_add, uint64_t seed,
                          nn_error *err);

/* Fills out (INK_INPUT_SIZE floats) with image i of ds (28×28, i < ds->n)
 * redrawn with the window's pen at its measured width (ink_redraw with
 * brush_scale 1), or the image itself when it has nothing to trace.  The
 * MNIST test set redrawn this way is the test set of digits in the
 * window's ink.  Allocates nothing: callers run it in OpenMP workers. */
void dp_synth_redraw_image(const nn_dataset *ds, size_t i, float *out);

/* What a model does with the test sets at a threshold. */
typedef struct dp_synth_report {
    double threshold;
    size_t per_kind;
    double shape_unsure[INK_SHAPE_COUNT]; /* share of each kind left unsure */
    int test_kinds; /* kinds in the test list: the rates below average these */
    double unsure_trained, unsure_held_out, unsure_all; /* over test kinds */
    double style_right[INK_STYLE_COUNT];  /* top output is the style's digit */
    double style_unsure[INK_STYLE_COUNT]; /* top output below the threshold */
} dp_synth_report;

/* Runs m on DP_SYNTH_TEST_PER_KIND drawings of every shape kind and every
 * style, drawn from DP_SYNTH_TEST_SEED, and fills r.  NN_EINVAL for a
 * model that does not take 28×28 inputs, NN_ENOMEM. */
nn_status dp_synth_evaluate(const nn_model *m, double threshold, dp_synth_report *r,
                            nn_error *err);

/* The report as the lines --eval prints. */
void dp_synth_print(FILE *f, const dp_synth_report *r);

#endif
