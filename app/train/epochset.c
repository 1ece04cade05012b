/* epochset.c — one epoch's training set for the background trainer (see
 * epochset.h). */
#include "epochset.h"

#include <math.h>
#include <string.h>

#include "corrections.h"

/* A user-only epoch (no MNIST) has about this many samples. */
#define USER_ONLY_EPOCH 1000

nn_status dp_epoch_build(const nn_dataset *base, size_t m, const uint8_t *uimg,
                         const uint8_t *ulab, size_t un, double user_fraction,
                         size_t user_max_repeat, const nn_augment_config *aug, nn_rng *rng,
                         nn_dataset *out, nn_error *e)
{
    size_t reps = 0;
    if (un) {
        double f = user_fraction;
        if (m == 0)
            reps = (USER_ONLY_EPOCH + un - 1) / un;
        else if (f > 0 && f < 1)
            reps = (size_t)ceil(f * (double)m / ((1 - f) * (double)un));
        else if (f >= 1)
            reps = user_max_repeat;
        if (m && reps > user_max_repeat)
            reps = user_max_repeat;
    }
    size_t n = m + un * reps;
    nn_status s = nn_dataset_alloc(out, n, INK_SIDE, INK_SIDE, e);
    if (s != NN_OK)
        return s;
    size_t bn = base ? base->n : 0;
    for (size_t i = 0; i < m; i++) {
        /* A full pass keeps every image once; a subset is drawn at random
         * (with replacement: simple, and a 10% subset rarely repeats). */
        size_t k = m == bn ? i : nn_rng_below(rng, bn);
        memcpy(out->images + i * INK_INPUT_SIZE, base->images + k * INK_INPUT_SIZE,
               INK_INPUT_SIZE);
        out->labels[i] = base->labels[k];
    }
    float f32[INK_INPUT_SIZE];
    for (size_t r = 0; r < reps; r++) {
        uint8_t *dst = out->images + (m + r * un) * INK_INPUT_SIZE;
        memcpy(dst, uimg, un * INK_INPUT_SIZE);
        memcpy(out->labels + m + r * un, ulab, un);
        if (!aug || r == 0)
            continue; /* one plain copy of each drawing */
        for (size_t i = 0; i < un; i++) {
            nn_augment_image(uimg + i * INK_INPUT_SIZE, INK_SIDE, INK_SIDE, f32, aug, rng);
            dp_input_to_u8(f32, dst + i * INK_INPUT_SIZE);
        }
    }
    return NN_OK;
}

