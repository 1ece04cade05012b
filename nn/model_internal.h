/* model_internal.h — what model.c, forward.c and train.c share about a
 * model: the struct behind the opaque nn_model, per-layer shapes and where
 * each layer's parameters sit in the one contiguous buffer. */
#ifndef DIGITPAD_NN_MODEL_INTERNAL_H
#define DIGITPAD_NN_MODEL_INTERNAL_H

#include "nn.h"

/* Shapes and parameter placement of one layer (sizes per sample). */
typedef struct nn_layer_info {
    int in_c, in_h, in_w;
    int out_c, out_h, out_w;
    size_t in_size, out_size; /* c*h*w */
    size_t w_off, w_count;    /* weight: offset in params, element count */
    size_t b_off, b_count;    /* bias (b_count 0 when absent) */
} nn_layer_info;

/* Shape facts of a whole arch, computed without allocating. */
typedef struct nn_arch_info {
    nn_layer_info layer[NN_MAX_LAYERS];
    size_t n_params;
    size_t n_tensors;
    size_t acts_per_sample; /* floats of all layer outputs, input included */
    size_t max_act;         /* largest single layer input/output */
    size_t max_cols;        /* largest im2col matrix of one sample */
} nn_arch_info;

/* Validates a (possibly hand-built or file-supplied) arch and fills *info.
 * NN_ESHAPE for layers that do not fit together, NN_ELIMIT beyond NN_MAX_*. */
nn_status nn_arch_analyse(const nn_arch *a, nn_arch_info *info, nn_error *err);

typedef struct nn_meta {
    char *key, *value;
} nn_meta;

struct nn_model {
    nn_arch arch;
    nn_arch_info info;
    float *params;
    nn_meta *meta;
    size_t meta_n, meta_cap;
};

/* Scratch for one thread: every layer's output for up to max_batch samples,
 * an im2col buffer, and (training workspaces only) two gradient buffers the
 * backward pass ping-pongs between plus one-hot targets. */
struct nn_workspace {
    nn_arch arch;
    nn_arch_info info;
    size_t max_batch;
    float *act[NN_MAX_LAYERS]; /* act[i]: output of layer i, (max_batch, out_size) */
    float *cols;               /* conv scratch: im2col and the sparse paths (kernels.h) */
    float *grad_a, *grad_b;    /* (max_batch, info.max_act) each, or NULL */
    float *targets;            /* (max_batch, out) or NULL */
    float *block;              /* the one allocation all of the above live in */
};

/* Floats of workspace one sample of a batch takes (with_grad: training's
 * too); batch x this is what NN_MAX_BATCH_ACTIVATIONS bounds. */
size_t nn_workspace_unit(const nn_model *m, int with_grad);

/* A workspace; with_grad adds what training's backward pass needs. */
nn_workspace *nn_workspace_create_ex(const nn_model *m, size_t max_batch, int with_grad,
                                     nn_error *err);

/* Runs the forward pass over n <= max_batch samples, leaving every layer's
 * output in ws->act; returns the network's output (ws->act[last]). */
const float *nn_forward_all(const nn_model *m, nn_workspace *ws, const float *x, size_t n);

/* The first of n samples of k outputs y that holds a NaN or an infinity
 * (*nan: 1 if that value is a NaN), or n when all are finite. */
size_t nn_first_nonfinite(const float *y, size_t n, size_t k, int *nan);

/* ------------------------------------------------------- training parts */

/* Layer 0's transposed weights and the sample's non-zero inputs, while the
 * trainer's sparse path for a leading dense layer is live (train.c). */
typedef struct nn_layer0_sparse {
    float *wt;
    size_t ld;
    const size_t *idx;
    size_t nnz;
} nn_layer0_sparse;

/* Gradient of the batch loss (scaled by `scale`) with respect to every
 * parameter, added into g (forward.c).  Needs the forward pass of x (n
 * samples) in ws.  seed_rule: the blog's update (see nn_train_config);
 * s0: layer 0's sparse path, or NULL. */
void nn_model_backward(const nn_model *m, nn_workspace *ws, const float *x, size_t n,
                       nn_loss loss, int seed_rule, float scale, float *g,
                       const nn_layer0_sparse *s0);

/* Loss of the batch in ws (sum over its n samples; forward.c). */
double nn_batch_loss(const nn_model *m, const nn_workspace *ws, size_t n, nn_loss loss);

/* Sums grad[0..used) into grad[0] and applies c's optimizer to the
 * parameters p over the range [lo, hi) (optimizer.c).  opt1/opt2: momentum
 * velocity or Adam's moments.  Element-wise, so any split of the range
 * gives the same bits. */
void nn_optimizer_update(const nn_train_config *c, float *restrict p, float *const *grad,
                         int used, float *opt1, float *opt2, size_t lo, size_t hi, float lr,
                         float bc1, float bc2);

/* 1 if a and b describe the same network. */
int nn_arch_equal(const nn_arch *a, const nn_arch *b);

/* The number of OpenMP threads `threads` asks for (0: all cores; always 1
 * without OpenMP).  Also keeps OpenBLAS single-threaded, since we
 * parallelise over samples ourselves and nested threads oversubscribe. */
int nn_threads_resolve(int threads);

#endif
