/* epochset.h — one epoch's training set for the background trainer:
 * MNIST images (all, or a fresh random subset) followed by the person's
 * drawings repeated so they make up a share of the epoch, each copy after
 * the first augmented differently.  No threads, no SDL. */
#ifndef DIGITPAD_EPOCHSET_H
#define DIGITPAD_EPOCHSET_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"
#include "nn_data.h"

/* Fills out (allocated here; free with nn_dataset_free) with m images of
 * base (all of them when m == base->n, else m drawn at random with rng) and
 * the un drawings uimg/ulab repeated so they make up user_fraction of the
 * set (at most user_max_repeat copies each; about 1000 samples when m is
 * 0).  aug NULL: copies are not augmented.  nn_train_epoch shuffles it.
 * NN_OK, or an error status with e filled (out of memory). */
nn_status dp_epoch_build(const nn_dataset *base, size_t m, const uint8_t *uimg,
                         const uint8_t *ulab, size_t un, double user_fraction,
                         size_t user_max_repeat, const nn_augment_config *aug, nn_rng *rng,
                         nn_dataset *out, nn_error *e);

#endif
