/* nn_data.h — labelled image sets for training and testing: IDX files
 * (MNIST's format, raw or gzip-compressed), and on-the-fly augmentation.
 *
 * Images stay uint8 in memory (60,000 MNIST images are 47 MB, not 188 MB of
 * floats) and become floats in [0,1] one batch at a time.
 *
 * Example
 *     nn_dataset train;
 *     nn_error err;
 *     if (nn_mnist_load(&train, "data/mnist", NN_MNIST_TRAIN, &err) != NN_OK)
 *         fprintf(stderr, "digitpad: %s\n", err.msg);
 *     ...
 *     nn_dataset_free(&train);
 */
#ifndef DIGITPAD_NN_DATA_H
#define DIGITPAD_NN_DATA_H

#include "nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of n grey images of rows×cols bytes (0 = background, 255 = ink),
 * row-major, one after another, with a label 0..9 each, or NN_LABEL_NONE
 * in a training set.  The arrays are owned by the dataset and freed by
 * nn_dataset_free. */
typedef struct nn_dataset {
    size_t n;
    int rows, cols;
    uint8_t *images; /* n * rows * cols */
    uint8_t *labels; /* n */
} nn_dataset;

/* The label of a training image that is no digit at all (a dash, a star,
 * a scribble): training pushes all ten outputs towards 0 for it, which is
 * what lets the window say "unsure".  nn_train_epoch and nn_trainer_step
 * accept it; IDX files cannot hold it (their labels must be 0..9), and
 * nn_evaluate, which scores digits, must not be given it. */
#define NN_LABEL_NONE 255

/* Frees the arrays and zeroes *ds; safe on a zeroed or already-freed set. */
void nn_dataset_free(nn_dataset *ds);

/* Allocates an empty set of n rows×cols images (zero-filled). */
nn_status nn_dataset_alloc(nn_dataset *ds, size_t n, int rows, int cols, nn_error *err);

/* Reads an IDX image file (magic 0x00000803, 3 dims) and an IDX label file
 * (0x00000801, 1 dim), each raw or gzip-compressed (detected, not guessed
 * from the name).  Validates magic, dimensions, that the counts agree, that
 * the data is exactly as long as the header says and that labels are 0..9.
 * On failure *ds is left zeroed and err names the file and the problem. */
nn_status nn_idx_load(nn_dataset *ds, const char *images_path, const char *labels_path,
                      nn_error *err);

typedef enum nn_mnist_split { NN_MNIST_TRAIN, NN_MNIST_TEST } nn_mnist_split;

/* Loads MNIST's train or t10k pair from dir, accepting each file either as
 * "<name>" or "<name>.gz".  When a file is missing the message says how to
 * fetch the data (scripts/fetch-mnist.sh). */
nn_status nn_mnist_load(nn_dataset *ds, const char *dir, nn_mnist_split split, nn_error *err);

/* The MNIST directory to use: `explicit_dir` if non-NULL, else the
 * environment variable DIGITPAD_DATA, else "data/mnist".  Borrowed string. */
const char *nn_mnist_default_dir(const char *explicit_dir);

/* Converts image i of ds to floats in [0,1] (÷255). */
void nn_dataset_image_f32(const nn_dataset *ds, size_t i, float *out);

/* Sensible augmentation for digits drawn by people: small rotations, scale,
 * shear and shifts, occasional thickening or thinning. */
void nn_augment_defaults(nn_augment_config *a);

/* Writes an augmented float copy of one rows×cols uint8 image into dst
 * (rows×cols floats in [0,1]): a random affine map about the centre
 * (rotation, scale, shear, translation) with bilinear sampling, then with
 * probability thickness_p a 3×3 grey dilation or erosion, then elastic
 * distortion if enabled.  Deterministic in rng's state. */
void nn_augment_image(const uint8_t *src, int rows, int cols, float *dst,
                      const nn_augment_config *a, nn_rng *rng);

/* With probability a->style_p, draws into img (rows×cols uint8, a digit of
 * class `label` as MNIST centres it) a stroke that turns it into a common
 * handwriting variant MNIST has few of: a slashed zero, a one with a long
 * flag (sometimes also a foot), a seven with a crossbar.  Other labels, an
 * image with too little ink to locate the digit, or a lost draw leave img
 * unchanged.  Returns 1 if it drew, else 0.  Meant to run on a copy before
 * nn_augment_image, so the affine and elastic steps bend the new stroke with
 * the rest of the digit.  Deterministic in rng's state. */
int nn_augment_style(uint8_t *img, int rows, int cols, int label, const nn_augment_config *a,
                     nn_rng *rng);

/* Writes into out (ds->rows × ds->cols bytes) a non-digit made from pieces
 * of ds's images: two or three digits of different classes overlaid with
 * offsets, or a mosaic of quadrants of four digits.  Trained with all ten
 * targets at 0, such images teach the sigmoid outputs to stay low on
 * scribbles, so "unsure" means something; they are built from MNIST alone,
 * so the training data stays public.  ds must have at least two classes.
 * Deterministic in rng's state. */
void nn_augment_negative(const nn_dataset *ds, uint8_t *out, nn_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
