/* dataset.c — the in-memory labelled image set (uint8 images, converted to
 * floats one sample at a time); loading lives in idx.c. */
#include "nn_data.h"

#include <stdlib.h>
#include <string.h>

void nn_dataset_free(nn_dataset *ds)
{
    if (!ds)
        return;
    free(ds->images);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

nn_status nn_dataset_alloc(nn_dataset *ds, size_t n, int rows, int cols, nn_error *err)
{
    if (!ds)
        return nn_fail(err, NN_EINVAL, "dataset: no dataset given");
    memset(ds, 0, sizeof *ds);
    if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096)
        return nn_fail(err, NN_EINVAL, "dataset: bad image size %dx%d", rows, cols);
    size_t px = (size_t)rows * (size_t)cols;
    if (n > ((size_t)1 << 40) / px)
        return nn_fail(err, NN_ELIMIT, "dataset: %zu images of %dx%d is too large", n, rows,
                       cols);
    /* calloc(0) may return NULL; keep a real pointer for an empty set. */
    uint8_t *img = calloc(n ? n * px : 1, 1);
    uint8_t *lab = calloc(n ? n : 1, 1);
    if (!img || !lab) {
        free(img);
        free(lab);
        return nn_fail(err, NN_ENOMEM, "dataset: out of memory for %zu images", n);
    }
    ds->n = n;
    ds->rows = rows;
    ds->cols = cols;
    ds->images = img;
    ds->labels = lab;
    return NN_OK;
}

void nn_dataset_image_f32(const nn_dataset *ds, size_t i, float *out)
{
    const size_t px = (size_t)ds->rows * (size_t)ds->cols;
    const uint8_t *src = ds->images + i * px;
    for (size_t j = 0; j < px; j++)
        out[j] = (float)src[j] / 255.0f;
}
