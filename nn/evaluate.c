/* evaluate.c — a model's accuracy and confusion matrix on a dataset,
 * split across threads, each batch sized to the activation budget. */
#include "model_internal.h"
#include "nn_data.h"

#include <stdlib.h>
#include <string.h>

#ifdef NN_HAVE_OPENMP
#include <omp.h>
#endif

#define EVAL_BATCH 128

size_t nn_argmax(const float *y, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (y[k] > y[best]) /* the first of equal maxima, as PyTorch's argmax */
            best = k;
    return best;
}

nn_status nn_evaluate(const nn_model *m, const nn_dataset *ds, int threads, nn_eval *out,
                      nn_error *err)
{
    if (!m || !ds || !out)
        return nn_fail(err, NN_EINVAL, "evaluate: missing model, dataset or result");
    memset(out, 0, sizeof *out);
    const size_t in = m->info.layer[0].in_size;
    const size_t n_out = m->info.layer[m->arch.n_layers - 1].out_size;
    if ((size_t)ds->rows * (size_t)ds->cols != in || n_out != 10)
        return nn_fail(err, NN_ESHAPE, "evaluate: %dx%d images do not fit the model", ds->rows,
                       ds->cols);
    int parts = nn_threads_resolve(threads);
    if ((size_t)parts > ds->n)
        parts = ds->n ? (int)ds->n : 1;
    /* All threads' workspaces together stay within the batch budget. */
    const size_t batch = nn_batch_cap(m, EVAL_BATCH, (size_t)parts);
    nn_eval *res = calloc((size_t)parts, sizeof *res);
    nn_workspace **ws = calloc((size_t)parts, sizeof *ws);
    float **xs = calloc((size_t)parts, sizeof *xs);
    int ok = res && ws && xs;
    /* Scratch is made before the threads start, so OpenBLAS's thread setting
     * (nn_threads_resolve) is never changed from inside them, and running
     * out of memory is reported before any work. */
    for (int c = 0; ok && c < parts; c++) {
        ws[c] = nn_workspace_create(m, batch, NULL);
        xs[c] = malloc(batch * in * sizeof(float));
        ok = ws[c] && xs[c];
    }
    if (ok) {
#ifdef NN_HAVE_OPENMP
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
        for (int c = 0; c < parts; c++) {
            size_t lo = ds->n * (size_t)c / (size_t)parts;
            size_t hi = ds->n * (size_t)(c + 1) / (size_t)parts;
            float *x = xs[c];
            for (size_t b = lo; b < hi; b += batch) {
                size_t n = hi - b < batch ? hi - b : batch;
                for (size_t j = 0; j < n; j++)
                    nn_dataset_image_f32(ds, b + j, x + j * in);
                const float *y = nn_forward_all(m, ws[c], x, n);
                for (size_t j = 0; j < n; j++) {
                    int nan;
                    if (nn_first_nonfinite(y + j * 10, 1, 10, &nan) == 0) {
                        res[c].n++; /* here: samples that gave no answer */
                        continue;
                    }
                    size_t best = nn_argmax(y + j * 10, 10);
                    unsigned label = ds->labels[b + j] < 10 ? ds->labels[b + j] : 0;
                    res[c].confusion[label][best]++;
                    res[c].correct += best == label;
                }
            }
        }
        for (int c = 0; c < parts; c++) {
            out->n += res[c].n;
            out->correct += res[c].correct;
            for (int i = 0; i < 10; i++)
                for (int j = 0; j < 10; j++)
                    out->confusion[i][j] += res[c].confusion[i][j];
        }
    }
    for (int c = 0; ws && xs && c < parts; c++) {
        nn_workspace_free(ws[c]);
        free(xs[c]);
    }
    free(ws);
    free(xs);
    free(res);
    if (!ok) {
        memset(out, 0, sizeof *out);
        return nn_fail(err, NN_ENOMEM, "evaluate: out of memory");
    }
    if (out->n) {
        size_t none = out->n;
        memset(out, 0, sizeof *out);
        return nn_fail(err, NN_ENOANSWER, "the model's outputs are NaN or infinite for %zu of "
                       "%zu images: its weights overflow, so it gives no answer and cannot be "
                       "evaluated", none, ds->n);
    }
    out->n = ds->n;
    out->accuracy = ds->n ? (double)out->correct / (double)ds->n : 0.0;
    return NN_OK;
}
