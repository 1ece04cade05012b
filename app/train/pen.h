/* pen.h — pen-drawn digits (strokes files, e.g. datasets/pen-digits/) as
 * training data: who drew a drawing, the project's fixed pen test set, folds
 * of writers for choosing a recipe, the list of drawings training leaves
 * out, and the rendering that turns each drawing into training images
 * exactly as the window feeds the network.  SDL-free; never prints.
 *
 * Example (what --train --pen does)
 *     ink_sample *s; size_t n;
 *     dp_pen_load("a.txt.gz,b.txt.gz", &s, &n, err, sizeof err);
 *     int *fold = malloc(n * sizeof *fold);
 *     dp_pen_folds(s, n, 1, fold);           // -1: the pen test set
 *     ... keep[k++] = i for every i with fold[i] == 0 ...
 *     dp_pen_extend(&train, s, keep, k, 2, 0.0f, seed, &nerr);
 */
#ifndef DIGITPAD_PEN_H
#define DIGITPAD_PEN_H

#include <stddef.h>
#include <stdint.h>

#include "ink.h"
#include "nn.h"
#include "nn_data.h"

/* At most this many folds of writers (--pen-fold K/N). */
#define DP_PEN_MAX_FOLDS 20

/* The writer of a drawing, from its id: everything before the last '-'
 * ("pendigits/tra-w01-12" -> "pendigits/tra-w01", "uji2/w05-1" ->
 * "uji2/w05"), or the whole id when it has none.  Written into buf
 * (len bytes, truncated to fit). */
void dp_pen_writer(const char *id, char *buf, size_t len);

/* 1 if the drawing with this id is in the project's pen test set, else 0.
 * The set is fixed: every writer of pendigits' original test part
 * ("pendigits/tes-*", 14 writers) and UJI writers w05, w10, ..., w60
 * ("uji2/wNN" with NN a multiple of 5, 12 writers).  Training never uses
 * it and nothing is chosen from it; this function is the one place that
 * says which drawings it holds. */
int dp_pen_test_writer(const char *id);

/* Reads a comma-separated list of strokes files (plain or gzip, see
 * ink_read_file) into one new array, in list order; free it with
 * ink_samples_free.  0, or -1 with "path:line: reason" (or "--pen: ..."
 * for an empty name in the list) in err and nothing returned. */
int dp_pen_load(const char *list, ink_sample **out, size_t *n, char *err, size_t errlen);

/* What a drawing's source (its id up to the first '/': "pendigits",
 * "uji2") is, with its authors, licence and DOI, for a model's record of
 * its training data; NULL for a source this table does not know. */
const char *dp_pen_source_credit(const char *id);

/* Assigns every drawing a fold by its writer: -1 for the pen test set
 * (dp_pen_test_writer) and for drawings without a digit label, else
 * 0..nfolds-1, the writers sorted by name and dealt out in turn, so each
 * fold holds whole writers and about as many of each source.  The same
 * files give the same folds whatever their order.  0, or -1 (nfolds out
 * of 1..DP_PEN_MAX_FOLDS, or no memory). */
int dp_pen_folds(const ink_sample *s, size_t n, int nfolds, int *fold);

/* The drawings training leaves out: a file of lines "<label> <id>
 * [reason]", as a strokes line starts (UJI's ids name a writer's
 * repetition, which its ten digits share, so the label is part of the
 * key); '#' starts a comment.  Sets drop[i] = 1 for each listed drawing
 * and 0 for the rest.  A line naming no drawing, or one of the pen test
 * set (which is scored as labelled, never cleaned), is an error, so a
 * typo cannot silently keep a drawing in.  0, or -1 with "path:line:
 * reason" in err. */
int dp_pen_read_drop(const char *path, const ink_sample *s, size_t n, unsigned char *drop,
                     char *err, size_t errlen);

/* Appends to ds (28x28 images) `copies` images of each drawing s[idx[k]]
 * (k < count), labelled with its digit: copy 0 preprocessed exactly as the
 * window does (ink_preprocess), each further copy with the pen's width
 * scaled by a factor drawn uniformly from DP_REDRAW_BRUSH_MIN..MAX (synth.h:
 * the range the window's ink takes) from `seed`, one random stream per
 * image; with warp > 0 each further copy's path is also bent, slanted,
 * stretched and turned at random first (strength warp, 0..1: at 1 up to
 * about 8 degrees of turn, a slant of 0.2, a 15% stretch and parts moved by
 * 6% of the drawing's size), as another writer might draw the same digit;
 * warp 0 keeps the path as drawn.  Training's augmentation then moves them
 * like every other sample.  NN_EINVAL for images that are not 28x28,
 * copies outside 1..16 or warp outside 0..1, NN_ENOMEM. */
nn_status dp_pen_extend(nn_dataset *ds, const ink_sample *s, const size_t *idx, size_t count,
                        int copies, float warp, uint64_t seed, nn_error *err);

/* How a model reads a set of labelled drawings at a threshold. */
typedef struct dp_pen_score {
    size_t n, correct, unsure;
    size_t correct_unsure; /* right answers below the threshold */
} dp_pen_score;

/* Runs m on the drawings s[idx[k]] (k < count), preprocessed as the
 * window does, and stores for each the top output in top[k], the digit it
 * names in pred[k] and whether that is the drawing's label in right[k]
 * (any of the three may be NULL).  NN_EINVAL for a model that does not take
 * 28x28 inputs, NN_ENOMEM. */
nn_status dp_pen_run(const nn_model *m, const ink_sample *s, const size_t *idx, size_t count,
                     float *top, unsigned char *right, int *pred, nn_error *err);

/* The score of count answers (top, right as dp_pen_run gives them) at a
 * threshold. */
dp_pen_score dp_pen_score_at(const float *top, const unsigned char *right, size_t count,
                             double threshold);

#endif
