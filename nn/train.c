/* train.c — training: the trainer (per-thread workspaces and gradient
 * buffers reduced in a fixed order, so results depend only on the seed and
 * thread count), learning-rate schedules, steps and epochs over a dataset
 * with shuffling and augmentation, stopping on a non-finite loss.  The
 * backward pass is in forward.c, the optimizer in optimizer.c, the presets
 * in presets.c, evaluation in evaluate.c. */
#define _POSIX_C_SOURCE 199309L
#include "kernels.h"
#include "model_internal.h"
#include "nn_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef NN_HAVE_OPENMP
#include <omp.h>
#endif

/* ---------------------------------------------------------------- trainer */

struct nn_trainer {
    nn_model *m;
    nn_train_config cfg;
    int chunks;            /* the batch is split into this many parts, one per thread */
    size_t chunk_batch;    /* samples one workspace holds */
    nn_workspace **ws;     /* [chunks] */
    float **grad;          /* [chunks] gradient buffers, n_params each */
    double *chunk_loss;    /* [chunks] */
    size_t *chunk_kept;    /* [chunks] samples given a backward pass (skip_easy) */
    size_t seen;           /* samples stepped on */
    float *opt1, *opt2;    /* momentum velocity / Adam moments, n_params each */
    float *xbuf;           /* (batch, in) the current batch as floats */
    uint8_t *lbuf;         /* (batch) its labels */
    size_t *order;         /* sample order for an epoch */
    size_t order_cap;
    size_t step, steps_per_epoch, steps_total;
    int fused_sgd;         /* plain SGD on one chunk: backward writes straight into params */
    /* Per-sample fused SGD on a network that starts with a dense layer
     * (the seed): within nn_train_epoch that layer's weights live
     * transposed in w0t and only the input's non-zero pixels are visited
     * (kernels.h).  params is brought up to date before every progress
     * callback and before nn_train_epoch returns. */
    int sparse0;           /* this trainer may take that path */
    int w0t_live;          /* w0t, not params, holds layer 0's weights now */
    float *w0t;            /* (in, ld0) of layer 0, zero beyond its out columns */
    size_t ld0;            /* its out size rounded up to 8 floats: whole AVX vectors */
    size_t *nz;            /* (in) indices of the current sample's non-zero inputs */
    size_t nnz;
};

/* Steps between progress callbacks on the sparse path: each callback costs
 * two transposes of layer 0 (out of and back into w0t: ~80k floats each for
 * the seed, ~80 µs together measured), while 1024 seed steps take ~4 ms, so
 * stop requests are still seen within milliseconds.  A wider network whose
 * steps are slower gets its callback sooner: every SPARSE0_MAX_S seconds
 * (the clock is read every 64 steps). */
/* Style variants (nn_augment_style) work on a stack copy of the image;
 * bigger images than this train without them.  The salt separates their
 * random stream from the affine one. */
#define STYLE_MAX_PIXELS 4096
#define STYLE_SEED_SALT 0x5354594c45ull
#define NEGATIVE_SEED_SALT 0x4e45474154ull
#define SPARSE0_BLOCK 1024
#define SPARSE0_MAX_S 0.05

void nn_trainer_free(nn_trainer *t)
{
    if (!t)
        return;
    for (int c = 0; t->ws && c < t->chunks; c++)
        nn_workspace_free(t->ws[c]);
    for (int c = 0; t->grad && c < t->chunks; c++)
        free(t->grad[c]);
    free(t->ws);
    free(t->grad);
    free(t->chunk_loss);
    free(t->chunk_kept);
    free(t->opt1);
    free(t->opt2);
    free(t->xbuf);
    free(t->lbuf);
    free(t->order);
    free(t->w0t);
    free(t->nz);
    free(t);
}

static nn_status check_config(const nn_model *m, const nn_train_config *c, nn_error *err)
{
    if (c->batch < 1 || c->batch > 65536)
        return nn_fail(err, NN_EINVAL, "training: batch must be 1..65536, not %zu", c->batch);
    if (c->epochs < 1)
        return nn_fail(err, NN_EINVAL, "training: epochs must be >= 1, not %d", c->epochs);
    if (!(c->lr > 0.0f) || !isfinite(c->lr))
        return nn_fail(err, NN_EINVAL, "training: learning rate must be > 0");
    if (!(c->weight_decay >= 0.0f) || !isfinite(c->weight_decay))
        return nn_fail(err, NN_EINVAL, "training: weight decay must be >= 0");
    if (c->optimizer != NN_OPT_SGD && c->optimizer != NN_OPT_MOMENTUM &&
        c->optimizer != NN_OPT_ADAM)
        return nn_fail(err, NN_EINVAL, "training: unknown optimizer %d", (int)c->optimizer);
    if (c->optimizer == NN_OPT_ADAM &&
        !(c->beta1 >= 0.0f && c->beta1 < 1.0f && c->beta2 >= 0.0f && c->beta2 < 1.0f &&
          c->eps > 0.0f))
        return nn_fail(err, NN_EINVAL, "training: Adam needs 0 <= beta < 1 and eps > 0");
    if (c->loss != NN_LOSS_MSE && c->loss != NN_LOSS_BCE)
        return nn_fail(err, NN_EINVAL, "training: unknown loss %d", (int)c->loss);
    const int L = m->arch.n_layers;
    if (c->seed_rule && (c->loss != NN_LOSS_MSE || L < 2 ||
                         m->arch.layer[L - 1].kind != NN_LAYER_SIGMOID ||
                         m->arch.layer[L - 2].kind != NN_LAYER_DENSE))
        return nn_fail(err, NN_EINVAL, "training: the seed rule needs MSE and a network "
                       "ending in fc,sigmoid");
    if (c->schedule == NN_SCHED_ONECYCLE && !(c->warmup >= 0.0f && c->warmup < 1.0f))
        return nn_fail(err, NN_EINVAL, "training: one-cycle warm-up must be a share from 0 "
                       "to below 1");
    if (!(c->skip_easy >= 0.0f && c->skip_easy < 1.0f))
        return nn_fail(err, NN_EINVAL, "training: skip_easy must be from 0 to below 1");
    if (c->schedule == NN_SCHED_STEP && c->step_epochs < 1)
        return nn_fail(err, NN_EINVAL, "training: step schedule needs step_epochs >= 1");
    if (m->arch.layer[m->arch.n_layers - 1].kind == NN_LAYER_SIGMOID)
        return NN_OK;
    if (c->loss == NN_LOSS_BCE)
        return nn_fail(err, NN_EINVAL, "training: BCE needs a network ending in sigmoid");
    return NN_OK;
}

nn_trainer *nn_trainer_create(nn_model *m, const nn_train_config *cfg, size_t samples_per_epoch,
                              nn_error *err)
{
    if (!m || !cfg) {
        nn_fail(err, NN_EINVAL, "trainer: missing model or config");
        return NULL;
    }
    if (check_config(m, cfg, err) != NN_OK)
        return NULL;
    nn_trainer *t = calloc(1, sizeof *t);
    if (!t) {
        nn_fail(err, NN_ENOMEM, "trainer: out of memory");
        return NULL;
    }
    t->m = m;
    t->cfg = *cfg;
    int threads = nn_threads_resolve(cfg->threads);
    t->chunks = (size_t)threads > cfg->batch ? (int)cfg->batch : threads;
    t->chunk_batch = (cfg->batch + (size_t)t->chunks - 1) / (size_t)t->chunks;
    size_t spe = samples_per_epoch ? samples_per_epoch : cfg->batch;
    t->steps_per_epoch = (spe + cfg->batch - 1) / cfg->batch;
    t->steps_total = t->steps_per_epoch * (size_t)cfg->epochs;
    int has_conv = 0;
    for (int i = 0; i < m->arch.n_layers; i++)
        has_conv |= m->arch.layer[i].kind == NN_LAYER_CONV;
    /* Conv backward reuses its im2col buffer for dx after dw, so it cannot
     * update weights in place; dense backward can (kernels.h). */
    t->fused_sgd = cfg->optimizer == NN_OPT_SGD && cfg->weight_decay == 0.0f &&
                   t->chunks == 1 && !has_conv;
    t->sparse0 = t->fused_sgd && cfg->batch == 1 && m->arch.layer[0].kind == NN_LAYER_DENSE;
    for (int i = 1; i < m->arch.n_layers; i++) {
        nn_layer_kind k = m->arch.layer[i].kind;
        if (k != NN_LAYER_DENSE && k != NN_LAYER_RELU && k != NN_LAYER_SIGMOID)
            t->sparse0 = 0; /* forward_sparse0 knows only these */
    }
    const size_t np = m->info.n_params ? m->info.n_params : 1;
    const size_t in = m->info.layer[0].in_size;
    /* A batch's activations are bounded as a whole, not only per sample:
     * a wide convolution times a large batch would otherwise take
     * gigabytes.  Training refuses rather than shrinking the batch, which
     * is part of the recipe. */
    size_t unit = nn_workspace_unit(m, 1);
    if (cfg->batch > NN_MAX_BATCH_ACTIVATIONS / unit) {
        size_t fit = NN_MAX_BATCH_ACTIVATIONS / unit;
        nn_fail(err, NN_ELIMIT, "training: a batch of %zu needs %zu MB of activations (%zu "
                "floats a sample), beyond the limit of %zu MB; use a batch of %zu or less",
                cfg->batch, cfg->batch * unit / (1024 * 1024 / sizeof(float)), unit,
                NN_MAX_BATCH_ACTIVATIONS / (1024 * 1024 / sizeof(float)), fit ? fit : 1);
        nn_trainer_free(t);
        return NULL;
    }
    t->ws = calloc((size_t)t->chunks, sizeof *t->ws);
    t->grad = calloc((size_t)t->chunks, sizeof *t->grad);
    t->chunk_loss = calloc((size_t)t->chunks, sizeof *t->chunk_loss);
    t->chunk_kept = calloc((size_t)t->chunks, sizeof *t->chunk_kept);
    t->xbuf = aligned_alloc(64, (cfg->batch * in * sizeof *t->xbuf + 63) / 64 * 64);
    t->lbuf = malloc(cfg->batch);
    int ok = t->ws && t->grad && t->chunk_loss && t->chunk_kept && t->xbuf && t->lbuf;
    for (int c = 0; ok && c < t->chunks; c++) {
        t->ws[c] = nn_workspace_create_ex(m, t->chunk_batch, 1, err);
        if (!t->ws[c]) {
            nn_trainer_free(t);
            return NULL;
        }
        if (!t->fused_sgd)
            ok = (t->grad[c] = calloc(np, sizeof(float))) != NULL;
    }
    if (ok && t->sparse0) {
        const nn_layer_info *L0 = &m->info.layer[0];
        t->ld0 = (L0->out_size + 7) / 8 * 8;
        const size_t bytes = (in * t->ld0 * sizeof *t->w0t + 63) / 64 * 64;
        t->w0t = aligned_alloc(64, bytes);
        t->nz = malloc(in * sizeof *t->nz);
        ok = t->w0t && t->nz;
        if (ok)
            memset(t->w0t, 0, bytes);
    }
    if (ok && cfg->optimizer != NN_OPT_SGD)
        ok = (t->opt1 = calloc(np, sizeof(float))) != NULL;
    if (ok && cfg->optimizer == NN_OPT_ADAM)
        ok = (t->opt2 = calloc(np, sizeof(float))) != NULL;
    if (!ok) {
        nn_trainer_free(t);
        nn_fail(err, NN_ENOMEM, "trainer: out of memory");
        return NULL;
    }
    return t;
}

double nn_trainer_backward_share(const nn_trainer *t)
{
    if (!t || t->seen == 0)
        return 1.0;
    if (!(t->cfg.skip_easy > 0.0f))
        return 1.0;
    size_t kept = 0;
    for (int c = 0; c < t->chunks; c++)
        kept += t->chunk_kept[c];
    return (double)kept / (double)t->seen;
}

float nn_trainer_lr(const nn_trainer *t)
{
    const nn_train_config *c = &t->cfg;
    switch (c->schedule) {
    case NN_SCHED_STEP: {
        size_t k = t->step / (t->steps_per_epoch * (size_t)c->step_epochs);
        return c->lr * powf(c->step_gamma, (float)k);
    }
    case NN_SCHED_COSINE: {
        double p = t->steps_total ? (double)t->step / (double)t->steps_total : 1.0;
        if (p > 1.0)
            p = 1.0;
        return (float)(c->lr * 0.5 * (1.0 + cos(3.14159265358979323846 * p)));
    }
    case NN_SCHED_ONECYCLE: {
        double p = t->steps_total ? (double)t->step / (double)t->steps_total : 1.0;
        double w = c->warmup;
        if (p > 1.0)
            p = 1.0;
        if (p < w)
            return (float)(c->lr * (0.1 + 0.9 * p / w));
        double q = w < 1.0 ? (p - w) / (1.0 - w) : 1.0;
        return (float)(c->lr * 0.5 * (1.0 + cos(3.14159265358979323846 * q)));
    }
    default:
        return c->lr;
    }
}

/* ---------------------------------------------------------------- steps */

/* Mixes (seed, a, b) into one well-spread seed for nn_rng_seed.  Not
 * splitmix64 (base/mix64.h) although it borrows its constants: two rounds
 * with other shifts, one per input.  Every training run's batches and
 * augmentation come from it, so it stays as it is: changing it would
 * change every trained model and the tests' golden weights. */
static uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t h = seed ^ 0x6a09e667f3bcc908ULL;
    h = (h ^ (a + 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    h = (h ^ (b + 0x632be59bd9b4e019ULL)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 29);
}

/* Where a step's samples come from: floats (x) or dataset indices (ds). */
typedef struct step_source {
    const float *x;
    const nn_dataset *ds;
    const size_t *idx; /* dataset index of each sample */
    int epoch;
} step_source;

/* nn_forward_all for one sample while the sparse path is live: layer 0 from
 * w0t over x's non-zero inputs, the rest (dense, ReLU, sigmoid) as usual. */
static void forward_sparse0(nn_trainer *t, nn_workspace *ws, const float *x)
{
    const nn_model *m = t->m;
    const nn_layer_info *L0 = &m->info.layer[0];
    t->nnz = nn_nonzero_index(x, L0->in_size, t->nz);
    nn_dense_forward_tsparse(x, t->nz, t->nnz, t->w0t, t->ld0,
                             L0->b_count ? m->params + L0->b_off : NULL, ws->act[0],
                             L0->out_size);
    for (int i = 1; i < m->arch.n_layers; i++) {
        const nn_layer_info *L = &m->info.layer[i];
        const float *in = ws->act[i - 1];
        switch (m->arch.layer[i].kind) {
        case NN_LAYER_DENSE:
            nn_dense_forward(in, m->params + L->w_off,
                             L->b_count ? m->params + L->b_off : NULL, ws->act[i], 1,
                             L->in_size, L->out_size);
            break;
        case NN_LAYER_RELU:
            nn_relu_forward(in, ws->act[i], L->in_size);
            break;
        default: /* sigmoid: nn_trainer_create admits nothing else */
            nn_sigmoid_forward(in, ws->act[i], L->in_size);
            break;
        }
    }
}

/* Starts (live 1) or ends (live 0) the sparse path: moves layer 0's
 * weights between params and the transposed copy. */
static void sparse0_set(nn_trainer *t, int live)
{
    if (!t->sparse0 || t->w0t_live == live)
        return;
    const nn_layer_info *L0 = &t->m->info.layer[0];
    float *w = t->m->params + L0->w_off;
    if (live)
        nn_transpose(w, L0->in_size, t->w0t, t->ld0, L0->out_size, L0->in_size);
    else
        nn_transpose(t->w0t, t->ld0, w, L0->in_size, L0->in_size, L0->out_size);
    t->w0t_live = live;
}

/* Whether training sample id is replaced by a non-digit this epoch (all
 * targets 0, see nn_augment_negative).  Decided by its own random stream
 * from (seed, epoch, id), so the image and the targets agree without
 * storing the decision. */
static int is_negative(const nn_trainer *t, int epoch, size_t id)
{
    if (!t->cfg.augment || !(t->cfg.aug.negative_p > 0.0f) ||
        t->m->info.layer[0].in_size > STYLE_MAX_PIXELS)
        return 0;
    nn_rng r;
    nn_rng_seed(&r, mix_seed(t->cfg.seed ^ NEGATIVE_SEED_SALT ^ 1u, (uint64_t)epoch + 1, id));
    return nn_rng_uniform(&r) < t->cfg.aug.negative_p;
}

/* Moves the samples of a forward pass (n in ws, inputs x) that are not
 * easy -- some output further than tau from its target -- to the front,
 * in order, and returns how many there are.  x is compacted into xw (the
 * chunk's own rows of the trainer's batch buffer; x itself when it lives
 * there).  Only what the backward pass reads is moved: a layer's output
 * is skipped when the next layer is an activation, which reads its own
 * output instead. */
static size_t keep_hard(const nn_model *m, nn_workspace *ws, const float *x, float *xw,
                        size_t n, float tau)
{
    const int L = m->arch.n_layers;
    const size_t out = m->info.layer[L - 1].out_size, in = m->info.layer[0].in_size;
    size_t kept = 0;
    for (size_t j = 0; j < n; j++) {
        const float *y = ws->act[L - 1] + j * out, *tg = ws->targets + j * out;
        int hard = 0;
        for (size_t k = 0; k < out; k++)
            hard |= !(fabsf(y[k] - tg[k]) < tau); /* a NaN counts as hard */
        if (!hard)
            continue;
        if (kept != j || x != xw) /* distinct rows, or distinct buffers */
            memcpy(xw + kept * in, x + j * in, in * sizeof *xw);
        if (kept != j) {
            memcpy(ws->targets + kept * out, tg, out * sizeof *tg);
            for (int i = 0; i < L; i++) {
                const nn_layer_kind next = i + 1 < L ? m->arch.layer[i + 1].kind : NN_LAYER_DENSE;
                const nn_layer_kind self = m->arch.layer[i].kind;
                if (self == NN_LAYER_FLATTEN && i > 0)
                    continue; /* its memory is its input's, moved already */
                if (i + 1 < L && (next == NN_LAYER_RELU || next == NN_LAYER_SIGMOID) &&
                    self != NN_LAYER_RELU && self != NN_LAYER_SIGMOID)
                    continue;
                const size_t sz = m->info.layer[i].out_size;
                memcpy(ws->act[i] + kept * sz, ws->act[i] + j * sz, sz * sizeof(float));
            }
        }
        kept++;
    }
    return kept;
}

/* Forward + backward over samples [lo, hi) of the step, on one chunk. */
static double run_chunk(nn_trainer *t, int c, const step_source *src, size_t lo, size_t hi,
                        float scale, float *g)
{
    const nn_model *m = t->m;
    nn_workspace *ws = t->ws[c];
    const size_t in = m->info.layer[0].in_size;
    const size_t out = m->info.layer[m->arch.n_layers - 1].out_size;
    double loss = 0.0;
    for (size_t b = lo; b < hi; b += ws->max_batch) {
        size_t n = hi - b < ws->max_batch ? hi - b : ws->max_batch;
        const float *x;
        if (src->ds) {
            float *dst = t->xbuf + b * in;
            const nn_dataset *ds = src->ds;
            for (size_t j = 0; j < n; j++) {
                size_t id = src->idx[b + j];
                if (t->cfg.augment) {
                    nn_rng r;
                    nn_rng_seed(&r, mix_seed(t->cfg.seed, (uint64_t)src->epoch + 1, id));
                    const uint8_t *img = ds->images + id * in;
                    uint8_t styled[STYLE_MAX_PIXELS];
                    if (is_negative(t, src->epoch, id)) {
                        nn_rng rn;
                        nn_rng_seed(&rn, mix_seed(t->cfg.seed ^ NEGATIVE_SEED_SALT,
                                                  (uint64_t)src->epoch + 1, id));
                        nn_augment_negative(ds, styled, &rn);
                        img = styled;
                    } else if (t->cfg.aug.style_p > 0.0f && in <= STYLE_MAX_PIXELS) {
                        /* Its own stream, so turning styles on does not
                         * change the affine draws of any image. */
                        nn_rng rs;
                        nn_rng_seed(&rs, mix_seed(t->cfg.seed ^ STYLE_SEED_SALT,
                                                  (uint64_t)src->epoch + 1, id));
                        memcpy(styled, img, in);
                        if (nn_augment_style(styled, ds->rows, ds->cols,
                                             ds->labels[id], &t->cfg.aug, &rs))
                            img = styled;
                    }
                    nn_augment_image(img, ds->rows, ds->cols, dst + j * in, &t->cfg.aug, &r);
                } else {
                    nn_dataset_image_f32(ds, id, dst + j * in);
                }
            }
            x = dst;
        } else {
            x = src->x + b * in;
        }
        memset(ws->targets, 0, n * out * sizeof *ws->targets);
        for (size_t j = 0; j < n; j++)
            if (t->lbuf[b + j] != NN_LABEL_NONE &&
                (!src->ds || !is_negative(t, src->epoch, src->idx[b + j])))
                ws->targets[j * out + t->lbuf[b + j]] = 1.0f;
        nn_layer0_sparse s0 = {t->w0t, t->ld0, t->nz, 0};
        if (t->w0t_live) { /* n == 1 here: the path needs batch 1 */
            forward_sparse0(t, ws, x);
            s0.nnz = t->nnz;
        } else {
            nn_forward_all(m, ws, x, n);
        }
        loss += nn_batch_loss(m, ws, n, t->cfg.loss);
        size_t nb = n;
        if (t->cfg.skip_easy > 0.0f) {
            float *xw = t->xbuf + b * in;
            nb = keep_hard(m, ws, x, xw, n, t->cfg.skip_easy);
            x = xw;
            t->chunk_kept[c] += nb;
            if (nb == 0)
                continue;
        }
        nn_model_backward(m, ws, x, nb, t->cfg.loss, t->cfg.seed_rule, scale, g,
                 t->w0t_live ? &s0 : NULL);
    }
    return loss;
}

static nn_status run_step(nn_trainer *t, const step_source *src, size_t n, float *loss_out)
{
    const int used = (size_t)t->chunks < n ? t->chunks : (int)n;
    const float lr = nn_trainer_lr(t);
    const int fused = t->fused_sgd; /* implies one chunk */
    const float scale = (fused ? -lr : 1.0f) / (float)n;
    const size_t np = t->m->info.n_params;
    /* Adam's bias corrections for the step about to be taken. */
    const double s = (double)(t->step + 1);
    const float bc1 = (float)(1.0 - pow(t->cfg.beta1, s));
    const float bc2 = (float)(1.0 - pow(t->cfg.beta2, s));
    if (used == 1) {
        float *g = fused ? t->m->params : t->grad[0];
        if (!fused)
            memset(g, 0, np * sizeof *g);
        t->chunk_loss[0] = run_chunk(t, 0, src, 0, n, scale, g);
        if (!fused)
            nn_optimizer_update(&t->cfg, t->m->params, t->grad, 1, t->opt1, t->opt2, 0, np,
                                lr, bc1, bc2);
    } else {
        /* One parallel region for both phases: chunk c's samples, then a
         * barrier, then slice k of the parameters.  Which thread runs which
         * chunk or slice does not change a single bit of the result. */
#ifdef NN_HAVE_OPENMP
#pragma omp parallel num_threads(used)
#endif
        {
#ifdef NN_HAVE_OPENMP
#pragma omp for schedule(static, 1)
#endif
            for (int c = 0; c < used; c++) {
                size_t lo = n * (size_t)c / (size_t)used, hi = n * (size_t)(c + 1) / (size_t)used;
                memset(t->grad[c], 0, np * sizeof(float));
                t->chunk_loss[c] = run_chunk(t, c, src, lo, hi, scale, t->grad[c]);
            }
#ifdef NN_HAVE_OPENMP
#pragma omp for schedule(static, 1)
#endif
            for (int k = 0; k < used; k++)
                nn_optimizer_update(&t->cfg, t->m->params, t->grad, used, t->opt1, t->opt2,
                                    np * (size_t)k / (size_t)used,
                                    np * (size_t)(k + 1) / (size_t)used, lr, bc1, bc2);
        }
    }
    t->step++;
    t->seen += n;
    double loss = 0.0;
    for (int c = 0; c < used; c++)
        loss += t->chunk_loss[c];
    if (loss_out)
        *loss_out = (float)(loss / (double)n);
    return NN_OK;
}

nn_status nn_trainer_step(nn_trainer *t, const float *x, const uint8_t *labels, size_t n,
                          float *loss, nn_error *err)
{
    if (!t || !x || !labels || n == 0)
        return nn_fail(err, NN_EINVAL, "train step: missing trainer, data or samples");
    if (n > t->cfg.batch)
        return nn_fail(err, NN_EINVAL, "train step: %zu samples exceed the batch size %zu", n,
                       t->cfg.batch);
    const size_t out = t->m->info.layer[t->m->arch.n_layers - 1].out_size;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] >= out && labels[i] != NN_LABEL_NONE)
            return nn_fail(err, NN_EINVAL, "train step: label %u out of range",
                           (unsigned)labels[i]);
        t->lbuf[i] = labels[i];
    }
    step_source src = {x, NULL, NULL, 0};
    float l = 0.0f;
    nn_status st = run_step(t, &src, n, &l);
    if (loss)
        *loss = l;
    if (st == NN_OK && !isfinite(l))
        return nn_fail(err, NN_EDIVERGED, "training diverged: the loss became %s (is the "
                       "learning rate %g too high?)", isnan(l) ? "NaN" : "infinite",
                       (double)t->cfg.lr);
    return st;
}

static int params_finite(const nn_model *m)
{
    const float *p = m->params;
    for (size_t i = 0; i < m->info.n_params; i++)
        if (!isfinite(p[i]))
            return 0;
    return 1;
}

static nn_status diverged(const nn_trainer *t, nn_error *err, const char *what, int epoch,
                          size_t done, size_t total)
{
    return nn_fail(err, NN_EDIVERGED, "training diverged: %s in epoch %d after %zu of %zu "
                   "samples (is the learning rate %g too high?)", what, epoch + 1, done, total,
                   (double)t->cfg.lr);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

nn_status nn_train_epoch(nn_trainer *t, const nn_dataset *ds, int epoch, nn_progress_fn cb,
                         void *user, float *mean_loss, nn_error *err)
{
    if (!t || !ds)
        return nn_fail(err, NN_EINVAL, "train epoch: missing trainer or dataset");
    const nn_model *m = t->m;
    const size_t in = m->info.layer[0].in_size;
    const size_t out = m->info.layer[m->arch.n_layers - 1].out_size;
    if (m->arch.in_c != 1 || (size_t)ds->rows * (size_t)ds->cols != in ||
        ds->rows != m->arch.in_h)
        return nn_fail(err, NN_ESHAPE, "train epoch: %dx%d images do not fit a %dx%dx%d input",
                       ds->rows, ds->cols, m->arch.in_c, m->arch.in_h, m->arch.in_w);
    if (ds->n == 0)
        return nn_fail(err, NN_EINVAL, "train epoch: the dataset is empty");
    if (ds->n > t->order_cap) {
        size_t *o = realloc(t->order, ds->n * sizeof *o);
        if (!o)
            return nn_fail(err, NN_ENOMEM, "train epoch: out of memory for %zu samples", ds->n);
        t->order = o;
        t->order_cap = ds->n;
    }
    for (size_t i = 0; i < ds->n; i++) {
        if (ds->labels[i] >= out && ds->labels[i] != NN_LABEL_NONE)
            return nn_fail(err, NN_EINVAL, "train epoch: sample %zu has label %u", i,
                           (unsigned)ds->labels[i]);
        t->order[i] = i;
    }
    if (t->cfg.shuffle) {
        nn_rng r;
        nn_rng_seed(&r, mix_seed(t->cfg.seed, (uint64_t)epoch + 1, UINT64_MAX));
        for (size_t i = ds->n - 1; i > 0; i--) {
            size_t j = nn_rng_below(&r, i + 1);
            size_t tmp = t->order[i];
            t->order[i] = t->order[j];
            t->order[j] = tmp;
        }
    }
    nn_progress p = {epoch, t->cfg.epochs, 0, ds->n, 0.0f, 0.0, 0.0};
    double loss_sum = 0.0;
    const double t0 = now_s();
    sparse0_set(t, 1);
    size_t since_cb = 0;
    double last_cb = t0;
    for (size_t b = 0; b < ds->n; b += t->cfg.batch) {
        size_t n = ds->n - b < t->cfg.batch ? ds->n - b : t->cfg.batch;
        for (size_t j = 0; j < n; j++)
            t->lbuf[j] = ds->labels[t->order[b + j]];
        step_source src = {NULL, ds, t->order + b, epoch};
        float loss;
        nn_status st = run_step(t, &src, n, &loss);
        if (st != NN_OK) {
            sparse0_set(t, 0);
            return nn_fail(err, st, "train epoch: step failed");
        }
        /* NaN or infinity never recovers: the weights it came from (or
         * the step just taken with it) are lost, so training stops here
         * rather than carrying a broken model to the end. */
        if (!isfinite(loss)) {
            sparse0_set(t, 0);
            return diverged(t, err, isnan(loss) ? "the loss became NaN" :
                            "the loss became infinite", epoch, b + n, ds->n);
        }
        loss_sum += (double)loss * (double)n;
        p.done = b + n;
        p.loss = (float)(loss_sum / (double)p.done);
        if (cb && t->w0t_live && ++since_cb < SPARSE0_BLOCK && p.done < ds->n &&
            (since_cb % 64 || now_s() - last_cb < SPARSE0_MAX_S))
            continue;
        since_cb = 0;
        if (cb) {
            sparse0_set(t, 0); /* the callback may read (or change) the weights */
            p.elapsed_s = now_s() - t0;
            p.samples_per_s = p.elapsed_s > 0 ? (double)p.done / p.elapsed_s : 0.0;
            if (cb(&p, user)) {
                if (mean_loss)
                    *mean_loss = p.loss;
                return nn_fail(err, NN_ESTOPPED, "training stopped");
            }
            sparse0_set(t, 1);
            last_cb = now_s();
        }
    }
    sparse0_set(t, 0);
    if (mean_loss)
        *mean_loss = (float)(loss_sum / (double)ds->n);
    /* A finite loss can still hide an overflowed weight (a dead unit). */
    if (!params_finite(t->m))
        return diverged(t, err, "a weight became NaN or infinite", epoch, ds->n, ds->n);
    return NN_OK;
}
