/* nn.h — digitpad's neural-network library: architectures, models, training.
 *
 * Overview
 *   The library knows nothing of SDL, terminals or files of drawings: it turns
 *   float tensors (NCHW, 1×28×28 per sample, values in [0,1]) into ten sigmoid
 *   outputs and learns from labelled examples.  It never prints, exits or
 *   aborts on bad input; every fallible call returns an nn_status (or NULL) and
 *   fills an optional nn_error with a one-line message the caller can show.
 *
 *   Data flows one way:  nn_data.h (MNIST → uint8 images)  →  nn_trainer (this
 *   header)  →  nn_model  →  nn_file.h (safetensors on disk).  The app and CLI
 *   sit on top (app/); drawn strokes become network input in ink.h.
 *
 * Example
 *     nn_error err;
 *     nn_arch arch;
 *     if (nn_arch_parse("cnn", &arch, &err) != NN_OK) { puts(err.msg); ... }
 *     nn_model *m = nn_model_create(&arch, &err);
 *     nn_model_init_params(m, NN_INIT_HE, 42);
 *     nn_train_config cfg;
 *     nn_train_config_preset("cnn", &cfg, NULL);
 *     nn_trainer *t = nn_trainer_create(m, &cfg, train.n, &err);
 *     for (int e = 0; e < cfg.epochs; e++)
 *         nn_train_epoch(t, &train, e, NULL, NULL, NULL, &err);
 *     nn_trainer_free(t);
 *     float y[10];
 *     nn_predict(m, image784, y, &err);
 *     nn_model_free(m);
 *
 * Thread safety
 *   All state a caller creates lives in objects (models, workspaces,
 *   trainers, nn_rng).  The library keeps three pieces of process state,
 *   none of which two threads can race on:
 *   - the kernel path (nn_kernels_*): chosen once, at the first kernel call
 *     (pthread_once) or by nn_kernels_use, which must not run while kernels
 *     do; read with atomics (nn/dispatch.c);
 *   - each thread's packing buffer for the matrix products: thread-specific
 *     (never shared), kept so a product allocates nothing per call, freed
 *     when its thread ends (nn/gemm.c);
 *   - the file layer's failure-injection hook for tests: thread-local, off
 *     unless a test sets it (base/fileio.h).
 *   A model is read-only during nn_forward, so any
 *   number of threads may run nn_forward on one model at once, each with its
 *   own nn_workspace.  A trainer owns its model's parameters while it runs: to
 *   show a training model elsewhere, publish an nn_model_clone() snapshot.
 */
#ifndef DIGITPAD_NN_H
#define DIGITPAD_NN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NN_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------- errors */

/* New values only at the end: the numbers may be stored or compared. */
typedef enum nn_status {
    NN_OK = 0,
    NN_ENOMEM,   /* an allocation failed */
    NN_EINVAL,   /* a bad argument or setting (caller's mistake) */
    NN_EIO,      /* a file could not be opened, read, written or renamed */
    NN_EFORMAT,  /* a file or text is malformed */
    NN_ESHAPE,   /* tensors or layers whose shapes do not fit together */
    NN_ELIMIT,   /* a size beyond the library's sane limits (see NN_MAX_*) */
    NN_ESTOPPED, /* training stopped early because a callback asked it to */
    NN_EDIVERGED, /* training diverged: a non-finite loss or weight */
    NN_ENOANSWER  /* finite weights gave outputs that are NaN or infinite: no answer
                     (new values go last) */
} nn_status;

/* A caller-owned error slot: every fallible function takes one (or NULL) and,
 * on failure, stores the status and a one-line message without a trailing
 * newline.  Messages about a file start with the file's path. */
typedef struct nn_error {
    nn_status status;
    char msg[320];
} nn_error;

/* A static, human-readable name of a status ("out of memory", ...). */
const char *nn_status_str(nn_status s);

/* Fills err (if non-NULL) with status and a printf-style message; returns s,
 * so library code can write `return nn_fail(err, NN_EINVAL, "...")`. */
nn_status nn_fail(nn_error *err, nn_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ------------------------------------------------------------------- rng */

/* xoshiro256** (Blackman & Vigna, 2018): small, fast, and good enough for
 * initialisation, shuffling and augmentation.  The state is a value the caller
 * owns, so two threads never share hidden RNG state. */
typedef struct nn_rng {
    uint64_t s[4];
} nn_rng;

/* Seeds via splitmix64, so nearby seeds give unrelated streams. */
void nn_rng_seed(nn_rng *r, uint64_t seed);
uint64_t nn_rng_u64(nn_rng *r);
/* Uniform in [0, 1). */
float nn_rng_uniform(nn_rng *r);
/* Standard normal (Box–Muller). */
float nn_rng_normal(nn_rng *r);
/* Uniform integer in [0, n); n > 0. */
size_t nn_rng_below(nn_rng *r, size_t n);

/* ---------------------------------------------------------- architecture */

#define NN_MAX_LAYERS 32
/* Refuse models beyond these before allocating (a hostile model file or spec
 * must not make us allocate gigabytes). */
#define NN_MAX_PARAMS ((size_t)64 * 1024 * 1024)      /* 256 MB of float32 */
#define NN_MAX_ACTIVATIONS ((size_t)16 * 1024 * 1024) /* floats per sample */
/* ... and per batch: batch x per-sample activations stays under this, in
 * every workspace (evaluation, calibration and prediction shrink their
 * batch to fit; training refuses a batch that does not). */
#define NN_MAX_BATCH_ACTIVATIONS ((size_t)64 * 1024 * 1024) /* 256 MB of floats */

typedef enum nn_layer_kind {
    NN_LAYER_DENSE,   /* fully connected: y = W x (+ b), W [out,in] */
    NN_LAYER_CONV,    /* k×k convolution, stride 1, zero padding k/2, W [out,in,k,k] */
    NN_LAYER_MAXPOOL, /* 2×2 max-pool, stride 2 (odd edges dropped, as PyTorch) */
    NN_LAYER_RELU,
    NN_LAYER_SIGMOID,
    NN_LAYER_FLATTEN  /* no-op on memory; keeps indices equal to nn.Sequential's */
} nn_layer_kind;

typedef struct nn_layer_spec {
    nn_layer_kind kind;
    int units;    /* dense: outputs; conv: output channels; else 0 */
    int k;        /* conv: kernel size (odd); else 0 */
    int bias;     /* dense/conv: 1 if the layer has a bias vector */
} nn_layer_spec;

/* An architecture: the input shape and the list of layers, one entry per
 * module of the equivalent PyTorch nn.Sequential, so that layer i owns the
 * tensors "i.weight" and "i.bias" of the model file. */
typedef struct nn_arch {
    int in_c, in_h, in_w;   /* always 1×28×28 from nn_arch_parse */
    int n_layers;
    nn_layer_spec layer[NN_MAX_LAYERS];
} nn_arch;

/* Parses an architecture spec or a preset name ("seed", "mlp", "cnn",
 * "quick").
 *
 * Spec syntax: comma-separated items, spaces ignored, case-sensitive:
 *   conv<C>k<K>[nb]  convolution with C output channels, K×K kernel (odd,
 *                    1..15), padding K/2; "nb" drops the bias
 *   pool             2×2 max-pool
 *   fc<N>[nb]        dense layer with N outputs; "nb" drops the bias
 *   relu | sigmoid   activations
 *   flatten          optional: inserted automatically before the first fc
 *                    that follows a conv or pool, as nn.Flatten would be
 * The network must end in fc10,sigmoid: digitpad shows ten independent
 * sigmoid outputs.  Example: "conv32k5,relu,pool,conv64k5,relu,pool,fc128,
 * relu,fc10,sigmoid" is the cnn preset.
 * Fails with NN_EFORMAT (bad syntax) or NN_ELIMIT (too large). */
nn_status nn_arch_parse(const char *text, nn_arch *out, nn_error *err);

/* Writes the canonical spec (with explicit flatten) into buf; returns the
 * length it needed, like snprintf. */
int nn_arch_format(const nn_arch *a, char *buf, size_t len);

/* The spec a preset name stands for, or NULL if name is not a preset. */
const char *nn_preset_arch(const char *name);

/* Output size of the network (always 10 for a parsed arch) and input size. */
size_t nn_arch_in_size(const nn_arch *a);
size_t nn_arch_out_size(const nn_arch *a);

/* ----------------------------------------------------------------- model */

typedef struct nn_model nn_model; /* opaque: parameters, shapes, metadata */

/* Creates a model with all parameters zero.  Owned by the caller; free with
 * nn_model_free.  NULL on failure (NN_ESHAPE, NN_ELIMIT, NN_ENOMEM). */
nn_model *nn_model_create(const nn_arch *arch, nn_error *err);

/* Frees the model; NULL is a no-op. */
void nn_model_free(nn_model *m);

/* A deep copy (parameters and metadata); NULL on allocation failure. */
nn_model *nn_model_clone(const nn_model *m, nn_error *err);

/* Copies parameters from src into dst; both must share an architecture
 * (NN_ESHAPE otherwise).  Metadata is not touched. */
nn_status nn_model_copy_params(nn_model *dst, const nn_model *src, nn_error *err);

typedef enum nn_init {
    NN_INIT_HE,       /* N(0, 2/fan_in): for ReLU layers */
    NN_INIT_XAVIER,   /* U(±sqrt(6/(fan_in+fan_out))): for sigmoid layers */
    NN_INIT_UNIFORM,  /* U(−0.5, 0.5): the seed blog post's */
    NN_INIT_AUTO      /* He before a ReLU, Xavier before a sigmoid */
} nn_init;

/* (Re)initialises every weight from seed; biases become zero. */
void nn_model_init_params(nn_model *m, nn_init init, uint64_t seed);

const nn_arch *nn_model_arch(const nn_model *m);

/* All trainable parameters live in one contiguous float buffer, in layer
 * order, weight then bias.  The pointer is borrowed and stays valid until
 * nn_model_free. */
size_t nn_model_param_count(const nn_model *m);
float *nn_model_params(nn_model *m);
const float *nn_model_params_const(const nn_model *m);

/* A named view into the parameter buffer, in PyTorch state-dict form. */
typedef struct nn_tensor {
    char name[32];      /* "0.weight", "0.bias", ... */
    int ndim;           /* 1, 2 or 4 */
    int64_t shape[4];
    size_t count;       /* product of shape */
    float *data;        /* borrowed from the model */
} nn_tensor;

size_t nn_model_tensor_count(const nn_model *m);
/* Fills *out with tensor i (0 <= i < count), in file order; NN_EINVAL if i is
 * out of range. */
nn_status nn_model_tensor(const nn_model *m, size_t i, nn_tensor *out);

/* String metadata ("arch", "loss", "test_accuracy", ...).  set copies both
 * strings (replacing an existing key) and refuses (NN_EINVAL) a key or value
 * that is not valid UTF-8, which no saved header may hold; get returns a
 * borrowed pointer valid
 * until the key is set again or the model is freed, or NULL if absent. */
nn_status nn_model_meta_set(nn_model *m, const char *key, const char *value, nn_error *err);
const char *nn_model_meta_get(const nn_model *m, const char *key);
size_t nn_model_meta_count(const nn_model *m);
/* Entry i in insertion order; both pointers borrowed. */
void nn_model_meta_at(const nn_model *m, size_t i, const char **key, const char **value);

/* ------------------------------------------------------------- inference */

typedef struct nn_workspace nn_workspace; /* scratch for forward/backward */

/* Scratch for running m on up to max_batch samples.  One per thread.  Owned
 * by the caller; works for any model of the same architecture.  When built
 * with OpenBLAS this also sets OpenBLAS to one thread (here and in
 * nn_trainer_create / nn_evaluate): the library parallelises over samples
 * itself, and nested BLAS threads would oversubscribe the cores. */
nn_workspace *nn_workspace_create(const nn_model *m, size_t max_batch, nn_error *err);

/* The largest batch, at most `want`, whose inference workspace keeps within
 * NN_MAX_BATCH_ACTIVATIONS floats of activations; `share` workspaces that
 * live at once (one per thread) split that budget.  Never below 1 (one
 * sample always fits: NN_MAX_ACTIVATIONS is smaller).  Use it to size the
 * batch of nn_workspace_create for a model from a file. */
size_t nn_batch_cap(const nn_model *m, size_t want, size_t share);
void nn_workspace_free(nn_workspace *ws);

/* x: n samples of nn_arch_in_size floats (NCHW); y: n×10 sigmoid outputs.
 * n must not exceed the workspace's max_batch (NN_EINVAL).  Finite weights
 * can still overflow to inf - inf (weights near ±3e38): an output that is
 * NaN or infinite is never an answer, so that fails with NN_ENOANSWER and
 * a message naming the sample (y is still written, for inspection). */
nn_status nn_forward(const nn_model *m, nn_workspace *ws, const float *x, size_t n,
                     float *y, nn_error *err);

/* One sample, allocating its own scratch: simple, not for hot loops. */
nn_status nn_predict(const nn_model *m, const float *x, float y[10], nn_error *err);

/* ------------------------------------------------------------ inspection */

/* One layer's output for one sample, as nn_forward_layers exposes it: the
 * window's layers view draws conv outputs as c maps of h×w, dense outputs
 * as a row of c cells (h = w = 1). */
typedef struct nn_layer_view {
    int index;          /* position in the arch (the PyTorch module index) */
    nn_layer_kind kind;
    int c, h, w;        /* output shape */
    size_t size;        /* c·h·w */
    const float *data;  /* borrowed from the workspace; NULL from nn_layer_shape */
} nn_layer_view;

/* The output shape of layer i (data NULL).  NN_EINVAL for a bad i. */
nn_status nn_layer_shape(const nn_model *m, int i, nn_layer_view *out, nn_error *err);

/* Runs one sample x and fills views[0..n_layers-1] with every layer's
 * output.  The data pointers are borrowed from ws and stay valid until ws
 * is used again or freed.  NN_ESHAPE if ws was made for another arch. */
nn_status nn_forward_layers(const nn_model *m, nn_workspace *ws, const float *x,
                            nn_layer_view *views, nn_error *err);

/* Why the model answers what it does: grad (nn_arch_in_size floats) =
 * ∂z_k/∂x, the gradient with respect to the input of output k's
 * pre-sigmoid value z_k (the logit: sigmoid's input, so it does not fade
 * where the output saturates), and *logit (if non-NULL) = z_k.  Where it
 * is positive, more ink there would raise output k, blank pixels included;
 * grad·x (gradient × input) says which drawn pixels pushed it up or down.
 * Allocates its own scratch per call: one sample, not for hot loops.
 * NN_EINVAL for k outside the outputs. */
nn_status nn_input_gradient(const nn_model *m, const float *x, int k, float *grad, float *logit,
                            nn_error *err);

/* Attribution people can read.  The raw input gradient jumps from pixel
 * to pixel (salt and pepper over the whole canvas); two published fixes
 * average gradients over many nearby inputs:
 *  - SmoothGrad (Smilkov et al., 2017): the mean of ∂z_k/∂x at `samples`
 *    copies x + ε, ε ~ N(0, noise²) per pixel (not clipped), drawn from
 *    nn_rng seeded with `seed`: the same seed gives the same map.
 *  - Integrated gradients (Sundararajan et al., 2017): x ⊙ the mean of
 *    ∂z_k/∂x at α·x for α = (i + ½)/samples (the midpoint rule from the
 *    blank input, zeros); its pixels sum to about z_k(x) − z_k(0)
 *    (completeness).  It is zero where x is, so it answers "which of the
 *    drawn ink", never "where would ink help"; path_gradient = 1 returns
 *    the mean gradient along the path without the ⊙ x, for that.
 *  - NN_ATTR_RAW: ∂z_k/∂x itself (nn_input_gradient). */
typedef enum nn_attr_method { NN_ATTR_RAW, NN_ATTR_SMOOTHGRAD, NN_ATTR_IG } nn_attr_method;

#define NN_ATTR_DEFAULT_SAMPLES 32
#define NN_ATTR_DEFAULT_NOISE 0.15f /* 15% of the input range [0, 1], as the paper's 10–20% */
#define NN_ATTR_MAX_SAMPLES 4096

typedef struct nn_attr_config {
    nn_attr_method method;
    int samples;       /* noisy copies or path steps, 1..NN_ATTR_MAX_SAMPLES (not raw) */
    float noise;       /* SmoothGrad's σ in input units, 0..10 */
    uint64_t seed;     /* SmoothGrad's noise */
    int path_gradient; /* IG: the mean path gradient, without ⊙ x */
} nn_attr_config;

/* The defaults for a method: NN_ATTR_DEFAULT_SAMPLES, _NOISE, seed 1. */
void nn_attr_config_defaults(nn_attr_config *c, nn_attr_method method);
/* "raw", "smoothgrad", "ig" (NULL for an unknown value), and back: 0, or
 * -1 for a name that is none of them. */
const char *nn_attr_method_name(nn_attr_method method);
int nn_attr_method_parse(const char *name, nn_attr_method *out);

/* out (nn_arch_in_size floats) = the attribution of output k's logit to
 * each input of x by c's method (above); *logit (if non-NULL) = z_k at x.
 * Costs `samples` forward and backward passes of one sample (raw: one),
 * allocating its own scratch per call; thread-safe for a model no one
 * writes meanwhile.  NN_EINVAL for k outside the outputs or a config out
 * of range, NN_ENOMEM. */
nn_status nn_input_attribution(const nn_model *m, const float *x, int k, const nn_attr_config *c,
                               float *out, float *logit, nn_error *err);

/* -------------------------------------------------------------- training */

typedef enum nn_loss {
    NN_LOSS_MSE, /* ½Σ(y−t)² over the ten outputs, mean over the batch (the seed's) */
    NN_LOSS_BCE  /* −Σ[t log y + (1−t) log(1−y)], mean over the batch */
} nn_loss;

typedef enum nn_optimizer { NN_OPT_SGD, NN_OPT_MOMENTUM, NN_OPT_ADAM } nn_optimizer;

typedef enum nn_schedule {
    NN_SCHED_CONSTANT,
    NN_SCHED_STEP,    /* lr × gamma every step_epochs epochs */
    NN_SCHED_COSINE,  /* lr × ½(1 + cos(π·progress)), progress over all steps */
    /* One cycle (Smith, 2018): from lr/10 up to lr linearly over the first
     * `warmup` share of all steps, then cosine down to 0 over the rest: a
     * high rate is safe once the first steps have settled the weights, and
     * a short run needs it (the quick preset). */
    NN_SCHED_ONECYCLE
} nn_schedule;

/* On-the-fly augmentation of training images (see nn_data.h). */
typedef struct nn_augment_config {
    float rotate_deg;     /* max |rotation| */
    float scale;          /* max relative scale change, e.g. 0.15 → [0.85,1.15] */
    float shear;          /* max |shear| (x offset per unit y) */
    float shift_px;       /* max |translation| in pixels */
    float thickness_p;    /* probability of a dilate or erode */
    float elastic_alpha;  /* elastic distortion strength in pixels; 0 = off */
    float elastic_sigma;  /* its smoothness in pixels */
    float style_p;        /* probability of a writing-style variant (nn_augment_style) */
    float negative_p;     /* probability a sample becomes a non-digit with all
                             targets 0 (nn_augment_negative); needs an MNIST-like set */
} nn_augment_config;

typedef struct nn_train_config {
    nn_loss loss;
    nn_optimizer optimizer;
    float lr;
    float momentum;      /* NN_OPT_MOMENTUM */
    float beta1, beta2, eps; /* NN_OPT_ADAM */
    float weight_decay;  /* decoupled (AdamW-style) for Adam, L2 for SGD */
    nn_schedule schedule;
    int step_epochs;     /* NN_SCHED_STEP */
    float step_gamma;    /* NN_SCHED_STEP */
    float warmup;        /* NN_SCHED_ONECYCLE: share of all steps, 0..1 */
    size_t batch;        /* >= 1 */
    int epochs;          /* >= 1 */
    int shuffle;         /* 1: reshuffle each epoch; 0: dataset order (seed) */
    nn_init init;
    uint64_t seed;       /* init, shuffling and augmentation */
    int threads;         /* 0: all cores */
    int augment;         /* 0: off (default); 1: use `aug` */
    nn_augment_config aug;
    /* 1 (the seed preset): the blog post's backpropagation, which hands the
     * layers below the output W_outᵀ(t−y) without the output sigmoid's
     * derivative, as its numpy program does (not the exact MSE gradient;
     * it learns faster in one epoch).  Needs MSE and a net ending in
     * fc,sigmoid; 0 everywhere else. */
    int seed_rule;
    /* 0: off.  Above 0: a sample whose ten outputs are all within skip_easy
     * of their targets after the forward pass gets no backward pass (its
     * gradient is at most that small per output; the batch's mean keeps
     * dividing by the whole batch).  With the quick preset's 0.1, four
     * samples in five over its run are such (nine in ten in its second
     * epoch), and the backward pass is two thirds of a step's work: the
     * preset's saving.  0 <= skip_easy < 1. */
    float skip_easy;
} nn_train_config;

/* Fills cfg with the training recipe of preset "seed", "mlp", "cnn" or
 * "quick" (the quick one: 2 epochs, batch 128, one-cycle Adam, skip_easy
 * 0.1; the seed's is exactly the blog post's: MSE, per-sample SGD lr 0.02,
 * uniform init, dataset order, 1 epoch).  For a name that is not a
 * preset, fills the mlp recipe and returns NN_EINVAL. */
nn_status nn_train_config_preset(const char *name, nn_train_config *cfg, nn_error *err);

typedef struct nn_trainer nn_trainer; /* optimizer state, gradients, threads */

/* A trainer for m.  m stays owned by the caller and must outlive the trainer;
 * the trainer updates its parameters in place.  samples_per_epoch sets the
 * length of the learning-rate schedule.  Does not reinitialise m. */
nn_trainer *nn_trainer_create(nn_model *m, const nn_train_config *cfg,
                              size_t samples_per_epoch, nn_error *err);
void nn_trainer_free(nn_trainer *t);

/* One optimizer step on n samples (x as for nn_forward, labels 0..9).
 * *loss (if non-NULL) receives the mean loss before the step.  A NaN or
 * infinite loss returns NN_EDIVERGED: the model's weights are then not
 * usable (keep a copy to go back to). */
nn_status nn_trainer_step(nn_trainer *t, const float *x, const uint8_t *labels,
                          size_t n, float *loss, nn_error *err);

/* The learning rate the next step will use. */
float nn_trainer_lr(const nn_trainer *t);

/* The share of the samples stepped on so far that got a backward pass: 1
 * unless cfg.skip_easy is on (and before the first step). */
double nn_trainer_backward_share(const nn_trainer *t);

/* Progress report during nn_train_epoch. */
typedef struct nn_progress {
    int epoch;            /* 0-based */
    int epochs;
    size_t done;          /* samples done this epoch */
    size_t total;         /* samples in this epoch */
    float loss;           /* running mean loss this epoch */
    double samples_per_s;
    double elapsed_s;     /* this epoch */
} nn_progress;

/* Called after every step, except on the per-sample plain-SGD path (batch 1,
 * SGD without weight decay, a network of dense/ReLU/sigmoid layers, e.g. the
 * seed), where it is called after every block of up to 1024 steps (fewer
 * when steps are slow: about every 50 ms at most) and after the last step;
 * the model's parameters are up to date whenever it runs.
 * Return non-zero to stop training (the model is left consistent, after a
 * whole step). */
typedef int (*nn_progress_fn)(const nn_progress *p, void *user);

struct nn_dataset;

/* One epoch over ds (shuffled per cfg, augmented per cfg, in batches of
 * cfg.batch).  The same seed, epoch and thread count give bit-identical
 * results.  Returns NN_ESTOPPED if cb asked to stop, and NN_EDIVERGED as
 * soon as a step's loss is NaN or infinite, or when a weight is at the end
 * (the message says which, where, and names the learning rate): the model
 * is then broken and must not be saved or published. */
nn_status nn_train_epoch(nn_trainer *t, const struct nn_dataset *ds, int epoch,
                         nn_progress_fn cb, void *user, float *mean_loss, nn_error *err);

/* ------------------------------------------------------------ evaluation */

typedef struct nn_eval {
    size_t n, correct;
    double accuracy;               /* correct / n */
    size_t confusion[10][10];      /* [true label][predicted] */
} nn_eval;

/* The index of the largest of y[0..n) (the first of equal ones); 0 for
 * n = 0.  The one argmax every tier uses. */
size_t nn_argmax(const float *y, size_t n);

/* Classifies every sample of ds (argmax of the outputs) using `threads`
 * threads (0: all cores).  NN_ENOANSWER (nn_forward) when any output is
 * NaN or infinite, naming how many samples gave no answer. */
nn_status nn_evaluate(const nn_model *m, const struct nn_dataset *ds, int threads,
                      nn_eval *out, nn_error *err);

/* --------------------------------------------------------------- kernels */

/* The matrix products under dense layers and convolutions run on one of
 * these kernel paths, chosen once per process from the CPU's features
 * (cpuid), never from its model number:
 *   "avx512"   own packed micro-kernels for AVX-512F
 *   "avx2"     own packed micro-kernels for AVX2+FMA (the default build's
 *              floor: it needs these instructions anyway)
 *   "generic"  plain C loops, for other CPUs, or forced for comparison
 *   "blas"     the CBLAS the library was built with (-DDIGITPAD_BLAS=ON);
 *              when present it is the default
 * The first kernel call picks the best path, or the one the environment
 * variable DIGITPAD_KERNELS names if this CPU and build have it.  Results
 * are deterministic for a given path and thread count; paths differ in
 * float rounding only (each is tested against the naive reference). */

/* Applies DIGITPAD_KERNELS now.  NN_EINVAL, naming the variable, when it
 * names an unknown path or one this CPU or build lacks (the default path
 * stays).  Programs call it once at start so such a setting is reported. */
nn_status nn_kernels_init(nn_error *err);
/* Makes `name` the active path.  NN_EINVAL when unknown or unavailable.
 * Not thread-safe: call it while no kernel runs (tests, start-up). */
nn_status nn_kernels_use(const char *name, nn_error *err);
/* The active path's name (a static string). */
const char *nn_kernels_name(void);
/* The best own path this CPU supports: "avx512", "avx2" or "generic". */
const char *nn_kernels_best(void);
/* 1 if this CPU and build can take path `name`. */
int nn_kernels_available(const char *name);
/* 1 when a generic fallback runs although the CPU supports more: the
 * "generic" path, or a BLAS that picked kernels older than AVX2 (OpenBLAS
 * does when it does not know the CPU model). */
int nn_kernels_fallback(void);
/* OpenBLAS's name for the kernels it picked ("Haswell", "Prescott", ...),
 * or NULL in a build without BLAS.  Static string. */
const char *nn_kernels_blas_core(void);

#ifdef __cplusplus
}
#endif
#endif
