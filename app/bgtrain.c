/* bgtrain.c — the background trainer (see bgtrain.h): one worker thread
 * trains a private copy of the model on MNIST plus the user's drawings and
 * publishes complete snapshots behind a mutex; the UI thread only ever
 * takes finished models.  No SDL here. */
#define _POSIX_C_SOURCE 200809L
#include "bgtrain.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nn_data.h"

/* Images per nn_forward call when measuring accuracy: small enough that a
 * stop request between chunks is seen within a few milliseconds. */
#define EVAL_CHUNK 100
/* A user-only epoch (no MNIST) has about this many samples. */
#define USER_ONLY_EPOCH 1000
/* Seconds between two loss points of the live plot. */
#define HISTORY_EVERY_S 0.5

struct bg_trainer {
    bg_config cfg;            /* strings below replace the caller's */
    char *mnist_dir;
    char *user_path;

    pthread_t thread;
    int thread_live;          /* UI thread only: a thread to join exists */
    atomic_int stop;

    /* Everything below up to the worker section is guarded by mu. */
    pthread_mutex_t mu;
    nn_model *pending;        /* newest snapshot not yet taken */
    unsigned pending_version;
    unsigned version;         /* newest published (also written by worker only) */
    bg_status st;             /* history lives in the ring, not in st */
    bg_point ring[BG_HISTORY];
    int ring_head, ring_n;
    uint8_t *user_img;        /* user_n × 784 */
    uint8_t *user_lab;
    size_t user_n, user_cap;
    char skip_msg[300];       /* the first damaged line of the user's file */

    /* Worker only (handed over by bg_start before the thread starts and
     * never touched by the UI thread until it is joined). */
    nn_model *model;
    int from_scratch;
    unsigned run;
    int mnist_state;          /* 0 not tried, 1 loaded, -1 missing */
    char mnist_msg[200];
    nn_dataset mnist_train, mnist_test;
    double t0, last_check, last_publish, last_point;
};

/* ============================================================ helpers */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

uint64_t bg_params_checksum(const nn_model *m)
{
    const unsigned char *p = (const unsigned char *)nn_model_params_const(m);
    size_t n = nn_model_param_count(m) * sizeof(float);
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a 64 offset basis and prime */
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static void to_u8(const float *x, uint8_t *out)
{
    for (size_t i = 0; i < INK_INPUT_SIZE; i++) {
        float v = x[i] < 0 ? 0 : x[i] > 1 ? 1 : x[i];
        out[i] = (uint8_t)lrintf(v * 255.0f);
    }
}

/* Called with mu held. */
static void status_msg(bg_trainer *bg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void status_msg(bg_trainer *bg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bg->st.message, sizeof bg->st.message, fmt, ap);
    va_end(ap);
}

/* Called with mu held. */
static void history_add(bg_trainer *bg, float t, float loss, float acc)
{
    bg->ring[bg->ring_head] = (bg_point){t, loss, acc};
    bg->ring_head = (bg->ring_head + 1) % BG_HISTORY;
    if (bg->ring_n < BG_HISTORY)
        bg->ring_n++;
}

/* Called with mu held; the caller has checked label and image. */
static int user_push(bg_trainer *bg, const uint8_t *img, int label)
{
    if (bg->user_n == bg->user_cap) {
        size_t cap = bg->user_cap ? bg->user_cap * 2 : 64;
        uint8_t *im = realloc(bg->user_img, cap * INK_INPUT_SIZE);
        if (!im)
            return -1;
        bg->user_img = im;
        uint8_t *lb = realloc(bg->user_lab, cap);
        if (!lb)
            return -1;
        bg->user_lab = lb;
        bg->user_cap = cap;
    }
    memcpy(bg->user_img + bg->user_n * INK_INPUT_SIZE, img, INK_INPUT_SIZE);
    bg->user_lab[bg->user_n] = (uint8_t)label;
    bg->user_n++;
    bg->st.user_total = bg->user_n;
    bg->st.user_count[label]++;
    return (int)bg->st.user_count[label];
}

/* ============================================================ config */

void bg_config_defaults(bg_config *c)
{
    memset(c, 0, sizeof *c);
    nn_train_config_preset("mlp", &c->train, NULL);
    c->train.epochs = 3;
    c->train.threads = 1;
    c->train.augment = 1;
    nn_augment_defaults(&c->train.aug);
    c->finetune_lr_scale = 0.1f;
    c->finetune_augment_mnist = 0;
    c->finetune_mnist_per_epoch = 6000;
    c->user_fraction = 0.02f;
    c->user_max_repeat = 64;
    c->heldout_n = 2000;
    c->publish_every_s = 2.0;
}

/* ============================================================ create/free */

static int load_user_file(bg_trainer *bg, char *err, size_t errlen)
{
    if (!bg->user_path || access(bg->user_path, F_OK) != 0)
        return 0; /* no corrections yet */
    ink_sample *s = NULL;
    size_t n = 0, skipped = 0;
    char first_bad[300] = "";
    /* The file is ours and only ever appended to: a damaged line (a write
     * cut short by a crash) costs that drawing, not all the others. */
    if (ink_read_file_skipping(bg->user_path, &s, &n, &skipped, first_bad, sizeof first_bad) != 0) {
        set_err(err, errlen, "%s", first_bad);
        return -1;
    }
    bg->st.user_skipped = skipped;
    if (skipped)
        snprintf(bg->skip_msg, sizeof bg->skip_msg, "%s", first_bad);
    float x[INK_INPUT_SIZE];
    uint8_t u[INK_INPUT_SIZE];
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (s[i].label < 0 || s[i].label > 9)
            continue;
        int r = ink_preprocess(&s[i].drawing, x);
        if (r < 0) {
            set_err(err, errlen, "%s: out of memory rendering drawings", bg->user_path);
            rc = -1;
        } else if (r == 1) {
            to_u8(x, u);
            if (user_push(bg, u, s[i].label) < 0) {
                set_err(err, errlen, "%s: out of memory", bg->user_path);
                rc = -1;
            }
        }
    }
    ink_samples_free(s, n);
    return rc;
}

bg_trainer *bg_create(const bg_config *c, char *err, size_t errlen)
{
    bg_trainer *bg = calloc(1, sizeof *bg);
    if (!bg) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    bg->cfg = *c;
    bg->mnist_dir = dup_str(nn_mnist_default_dir(c->mnist_dir));
    bg->user_path = dup_str(c->user_samples_path);
    if (!bg->mnist_dir || (c->user_samples_path && !bg->user_path)) {
        set_err(err, errlen, "out of memory");
        free(bg->mnist_dir);
        free(bg->user_path);
        free(bg);
        return NULL;
    }
    bg->cfg.mnist_dir = bg->mnist_dir;
    bg->cfg.user_samples_path = bg->user_path;
    if (pthread_mutex_init(&bg->mu, NULL) != 0) {
        set_err(err, errlen, "cannot create a mutex");
        free(bg->mnist_dir);
        free(bg->user_path);
        free(bg);
        return NULL;
    }
    atomic_init(&bg->stop, 0);
    bg->st.heldout_acc = -1;
    bg->st.user_acc = -1;
    bg->st.loss = NAN;
    bg->st.epochs = c->train.epochs;
    if (load_user_file(bg, err, errlen) != 0) {
        bg_free(bg);
        return NULL;
    }
    if (bg->st.user_skipped)
        status_msg(bg, "%zu labelled drawings of yours; %zu damaged line%s left out (%s)",
                   bg->user_n, bg->st.user_skipped, bg->st.user_skipped == 1 ? "" : "s",
                   bg->skip_msg);
    else if (bg->user_n)
        status_msg(bg, "%zu labelled drawings of yours", bg->user_n);
    return bg;
}

void bg_free(bg_trainer *bg)
{
    if (!bg)
        return;
    bg_stop(bg);
    nn_model_free(bg->pending);
    nn_model_free(bg->model);
    nn_dataset_free(&bg->mnist_train);
    nn_dataset_free(&bg->mnist_test);
    free(bg->user_img);
    free(bg->user_lab);
    free(bg->mnist_dir);
    free(bg->user_path);
    pthread_mutex_destroy(&bg->mu);
    free(bg);
}

/* ============================================================ worker */

/* Publishes a copy of the worker's model.  Worker thread only. */
static void publish(bg_trainer *bg)
{
    nn_model *snap = nn_model_clone(bg->model, NULL);
    if (!snap)
        return; /* out of memory: the UI keeps its model; try next time */
    unsigned v = bg->version + 1;
    char buf[32];
    snprintf(buf, sizeof buf, "%u", v);
    nn_model_meta_set(snap, "bg_version", buf, NULL);
    snprintf(buf, sizeof buf, "%016" PRIx64, bg_params_checksum(snap));
    nn_model_meta_set(snap, "bg_params_fnv1a", buf, NULL);
    pthread_mutex_lock(&bg->mu);
    nn_model_free(bg->pending); /* the UI never took it: it is ours to drop */
    bg->pending = snap;
    bg->pending_version = v;
    bg->version = v;
    bg->st.version = v;
    pthread_mutex_unlock(&bg->mu);
    bg->last_publish = now_s();
}

static int on_progress(const nn_progress *p, void *user)
{
    bg_trainer *bg = user;
    double t = now_s();
    double gap = t - bg->last_check;
    bg->last_check = t;
    pthread_mutex_lock(&bg->mu);
    if (gap > bg->st.worst_step_s)
        bg->st.worst_step_s = gap;
    bg->st.progress = p->total ? (float)((double)p->done / (double)p->total) : 0;
    bg->st.samples_per_s = p->samples_per_s;
    bg->st.loss = p->loss;
    bg->st.elapsed_s = t - bg->t0;
    if (t - bg->last_point >= HISTORY_EVERY_S) {
        history_add(bg, (float)(t - bg->t0), p->loss, -1);
        bg->last_point = t;
    }
    pthread_mutex_unlock(&bg->mu);
    int stop = atomic_load(&bg->stop);
    if (!stop && bg->cfg.publish_every_s > 0 && t - bg->last_publish >= bg->cfg.publish_every_s)
        publish(bg);
    return stop;
}

/* Accuracy of the worker's model on `idx` images of a uint8 set (idx NULL:
 * the first n).  -1 if stopped or out of memory. */
static double accuracy_u8(bg_trainer *bg, const uint8_t *img, const uint8_t *lab,
                          const size_t *idx, size_t n)
{
    if (n == 0)
        return -1;
    nn_workspace *ws = nn_workspace_create(bg->model, EVAL_CHUNK, NULL);
    float *x = malloc(sizeof(float) * INK_INPUT_SIZE * EVAL_CHUNK);
    float *y = malloc(sizeof(float) * 10 * EVAL_CHUNK);
    double acc = -1;
    size_t correct = 0, done = 0;
    if (!ws || !x || !y)
        goto out;
    while (done < n) {
        if (atomic_load(&bg->stop))
            goto out;
        size_t m = n - done < EVAL_CHUNK ? n - done : EVAL_CHUNK;
        for (size_t i = 0; i < m; i++) {
            size_t k = idx ? idx[done + i] : done + i;
            for (size_t j = 0; j < INK_INPUT_SIZE; j++)
                x[i * INK_INPUT_SIZE + j] = img[k * INK_INPUT_SIZE + j] / 255.0f;
        }
        if (nn_forward(bg->model, ws, x, m, y, NULL) != NN_OK)
            goto out;
        for (size_t i = 0; i < m; i++) {
            size_t k = idx ? idx[done + i] : done + i;
            int best = 0;
            for (int c = 1; c < 10; c++)
                if (y[i * 10 + c] > y[i * 10 + best])
                    best = c;
            correct += best == lab[k];
        }
        done += m;
        double t = now_s();
        pthread_mutex_lock(&bg->mu);
        if (t - bg->last_check > bg->st.worst_step_s)
            bg->st.worst_step_s = t - bg->last_check;
        pthread_mutex_unlock(&bg->mu);
        bg->last_check = t;
    }
    acc = (double)correct / (double)n;
out:
    nn_workspace_free(ws);
    free(x);
    free(y);
    return acc;
}

/* Loads MNIST once per trainer (kept for later runs).  Worker only. */
static void ensure_mnist(bg_trainer *bg)
{
    if (bg->cfg.train_data || bg->mnist_state != 0)
        return;
    nn_error e;
    if (nn_mnist_load(&bg->mnist_train, bg->mnist_dir, NN_MNIST_TRAIN, &e) != NN_OK) {
        bg->mnist_state = -1;
        snprintf(bg->mnist_msg, sizeof bg->mnist_msg,
                 "MNIST not found in %s: run scripts/fetch-mnist.sh", bg->mnist_dir);
        return;
    }
    bg->mnist_state = 1;
    if (bg->cfg.heldout_n &&
        nn_mnist_load(&bg->mnist_test, bg->mnist_dir, NN_MNIST_TEST, &e) != NN_OK)
        nn_dataset_free(&bg->mnist_test); /* no held-out accuracy, still trains */
}

/* The user's drawings as of now (copied under the lock, so corrections
 * made during an epoch count from the next one). */
static int user_snapshot(bg_trainer *bg, uint8_t **img, uint8_t **lab, size_t *n)
{
    pthread_mutex_lock(&bg->mu);
    size_t un = bg->user_n;
    uint8_t *i = malloc(un * INK_INPUT_SIZE + 1), *l = malloc(un + 1);
    if (i && l) {
        memcpy(i, bg->user_img ? bg->user_img : i, un * INK_INPUT_SIZE);
        memcpy(l, bg->user_lab ? bg->user_lab : l, un);
    }
    pthread_mutex_unlock(&bg->mu);
    if (!i || !l) {
        free(i);
        free(l);
        return -1;
    }
    *img = i;
    *lab = l;
    *n = un;
    return 0;
}

/* An epoch's set: M MNIST images (all, or a random subset) followed by the
 * user's drawings repeated `reps` times; nn_train_epoch shuffles it. */
static nn_status build_epoch(bg_trainer *bg, const nn_dataset *base, size_t m,
                             const uint8_t *uimg, const uint8_t *ulab, size_t un,
                             const nn_augment_config *aug, nn_rng *rng, nn_dataset *out,
                             nn_error *e)
{
    size_t reps = 0;
    if (un) {
        double f = bg->cfg.user_fraction;
        if (m == 0)
            reps = (USER_ONLY_EPOCH + un - 1) / un;
        else if (f > 0 && f < 1)
            reps = (size_t)ceil(f * (double)m / ((1 - f) * (double)un));
        else if (f >= 1)
            reps = bg->cfg.user_max_repeat;
        if (m && reps > bg->cfg.user_max_repeat)
            reps = bg->cfg.user_max_repeat;
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
            to_u8(f32, dst + i * INK_INPUT_SIZE);
        }
    }
    return NN_OK;
}

static void worker_fail(bg_trainer *bg, const char *msg)
{
    pthread_mutex_lock(&bg->mu);
    bg->st.failed = 1;
    status_msg(bg, "training failed: %s", msg);
    pthread_mutex_unlock(&bg->mu);
}

static void *worker(void *arg)
{
    bg_trainer *bg = arg;
    const bg_config *c = &bg->cfg;
    nn_trainer *tr = NULL;
    size_t *held_idx = NULL;
    uint8_t *uimg = NULL, *ulab = NULL;
    nn_dataset ep = {0};
    nn_error e;
    int steps_since_publish = 0, epoch = 0, done_epochs = 0;
    char done_msg[160] = "";

    ensure_mnist(bg);
    const nn_dataset *train = c->train_data ? c->train_data
                              : bg->mnist_state == 1 ? &bg->mnist_train : NULL;
    const nn_dataset *test = c->heldout_data ? c->heldout_data
                             : bg->mnist_test.n ? &bg->mnist_test : NULL;
    if (train && (train->rows != INK_SIDE || train->cols != INK_SIDE))
        train = NULL;
    if (test && (test->rows != INK_SIDE || test->cols != INK_SIDE))
        test = NULL;
    size_t held_n = test ? (c->heldout_n < test->n ? c->heldout_n : test->n) : 0;
    if (held_n) {
        held_idx = malloc(held_n * sizeof *held_idx);
        if (!held_idx) {
            worker_fail(bg, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < held_n; i++) /* evenly spread, the same every run */
            held_idx[i] = i * test->n / held_n;
    }

    nn_train_config tc = c->train;
    tc.seed = c->train.seed + 1000003u * (uint64_t)bg->run;
    if (!bg->from_scratch) {
        tc.lr *= c->finetune_lr_scale;
        tc.schedule = NN_SCHED_CONSTANT; /* a short nudge, not a new schedule */
        tc.augment = c->train.augment && c->finetune_augment_mnist;
    }
    /* When MNIST is not augmented on the fly, the user's copies still are:
     * here, once per copy, so no two copies of a drawing are alike. */
    const nn_augment_config *user_aug = c->train.augment && !tc.augment ? &c->train.aug : NULL;
    if (tc.epochs <= 0)
        tc.schedule = NN_SCHED_CONSTANT; /* no end to anneal towards */
    if (bg->from_scratch)
        nn_model_init_params(bg->model, tc.init, tc.seed);
    nn_rng rng;
    nn_rng_seed(&rng, tc.seed ^ 0x5eed);

    for (epoch = 0; tc.epochs <= 0 || epoch < tc.epochs; epoch++) {
        if (atomic_load(&bg->stop))
            break;
        size_t un = 0;
        free(uimg);
        free(ulab);
        uimg = ulab = NULL;
        if (user_snapshot(bg, &uimg, &ulab, &un) != 0) {
            worker_fail(bg, "out of memory");
            goto done;
        }
        if (!train && un == 0) {
            pthread_mutex_lock(&bg->mu);
            bg->st.failed = 1;
            status_msg(bg, "nothing to train on: %s, and no drawings labelled yet "
                           "(draw a digit, press its key)",
                       bg->mnist_msg[0] ? bg->mnist_msg : "no MNIST");
            pthread_mutex_unlock(&bg->mu);
            goto done;
        }
        size_t m = 0;
        if (train)
            m = bg->from_scratch || c->finetune_mnist_per_epoch == 0 ||
                        c->finetune_mnist_per_epoch > train->n
                    ? train->n
                    : c->finetune_mnist_per_epoch;
        nn_dataset_free(&ep);
        if (build_epoch(bg, train, m, uimg, ulab, un, user_aug, &rng, &ep, &e) != NN_OK) {
            worker_fail(bg, e.msg);
            goto done;
        }
        if (!tr) {
            nn_train_config tcc = tc;
            if (tcc.epochs <= 0)
                tcc.epochs = 1; /* the schedule is constant: any length will do */
            tr = nn_trainer_create(bg->model, &tcc, ep.n, &e);
            if (!tr) {
                worker_fail(bg, e.msg);
                goto done;
            }
        }
        pthread_mutex_lock(&bg->mu);
        bg->st.epoch = epoch;
        bg->st.progress = 0;
        bg->st.epoch_size = ep.n;
        if (train)
            status_msg(bg, "%s epoch %d%s: %zu MNIST + %zu of your drawings ×%zu",
                       bg->from_scratch ? "training from scratch," : "fine-tuning,",
                       epoch + 1, tc.epochs > 0 ? "" : " (T stops)", m, un,
                       un ? (ep.n - m) / un : 0);
        else
            status_msg(bg, "%s — training on your %zu drawings only", bg->mnist_msg, un);
        pthread_mutex_unlock(&bg->mu);

        double te = now_s();
        bg->last_check = te; /* worst_step_s times steps, not data preparation */
        float mean = NAN;
        nn_status s = nn_train_epoch(tr, &ep, epoch, on_progress, bg, &mean, &e);
        steps_since_publish = 1;
        if (s == NN_ESTOPPED)
            break;
        if (s != NN_OK) {
            worker_fail(bg, e.msg);
            goto done;
        }
        bg->last_check = now_s();
        double held = accuracy_u8(bg, test ? test->images : NULL, test ? test->labels : NULL,
                                  held_idx, held_n);
        double uacc = accuracy_u8(bg, uimg, ulab, NULL, un);
        if (held >= 0) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.4f", held);
            nn_model_meta_set(bg->model, "heldout_accuracy", buf, NULL);
        }
        publish(bg);
        steps_since_publish = 0;
        done_epochs++;
        double t = now_s();
        pthread_mutex_lock(&bg->mu);
        bg->st.last_epoch_s = t - te;
        bg->st.progress = 1;
        bg->st.loss = mean;
        if (held >= 0) {
            bg->st.heldout_acc = (float)held;
            bg->st.heldout_n = held_n;
        }
        if (uacc >= 0)
            bg->st.user_acc = (float)uacc;
        history_add(bg, (float)(t - bg->t0), mean, held >= 0 ? (float)held : (float)uacc);
        bg->last_point = t;
        pthread_mutex_unlock(&bg->mu);
        if (held >= 0)
            snprintf(done_msg, sizeof done_msg, "held-out accuracy %.2f%%", 100 * held);
        else if (uacc >= 0)
            snprintf(done_msg, sizeof done_msg, "%.0f%% of your drawings right", 100 * uacc);
    }
    if (steps_since_publish)
        publish(bg); /* stopped mid-epoch: hand over what was reached */
    pthread_mutex_lock(&bg->mu);
    if (atomic_load(&bg->stop))
        status_msg(bg, "stopped after %d full epoch%s%s%s", done_epochs,
                   done_epochs == 1 ? "" : "s", done_msg[0] ? "; " : "", done_msg);
    else
        status_msg(bg, "done: %d epochs%s%s%s", done_epochs, done_msg[0] ? ", " : "", done_msg,
                   train ? "" : " (MNIST not found: run scripts/fetch-mnist.sh)");
    pthread_mutex_unlock(&bg->mu);
done:
    nn_trainer_free(tr);
    nn_dataset_free(&ep);
    free(held_idx);
    free(uimg);
    free(ulab);
    pthread_mutex_lock(&bg->mu);
    bg->st.running = 0;
    bg->st.elapsed_s = now_s() - bg->t0;
    pthread_mutex_unlock(&bg->mu);
    return NULL;
}

/* ============================================================ control */

static void join_worker(bg_trainer *bg)
{
    if (!bg->thread_live)
        return;
    pthread_join(bg->thread, NULL);
    bg->thread_live = 0;
    nn_model_free(bg->model);
    bg->model = NULL;
}

int bg_start(bg_trainer *bg, const nn_model *current, int from_scratch, char *err,
             size_t errlen)
{
    if (bg_running(bg)) {
        set_err(err, errlen, "training is already running");
        return -1;
    }
    join_worker(bg);
    nn_error e;
    bg->model = nn_model_clone(current, &e);
    if (!bg->model) {
        set_err(err, errlen, "%s", e.msg);
        return -1;
    }
    bg->from_scratch = from_scratch;
    bg->run++;
    atomic_store(&bg->stop, 0);
    bg->t0 = now_s();
    bg->last_check = bg->last_publish = bg->last_point = bg->t0;
    pthread_mutex_lock(&bg->mu);
    bg->st.running = 1;
    bg->st.failed = 0;
    bg->st.from_scratch = from_scratch;
    bg->st.epoch = 0;
    bg->st.epochs = bg->cfg.train.epochs;
    bg->st.progress = 0;
    bg->st.samples_per_s = 0;
    bg->st.loss = NAN;
    bg->st.elapsed_s = 0;
    bg->st.worst_step_s = 0;
    bg->ring_n = bg->ring_head = 0;
    status_msg(bg, "preparing data…");
    pthread_mutex_unlock(&bg->mu);
    int rc = pthread_create(&bg->thread, NULL, worker, bg);
    if (rc != 0) {
        pthread_mutex_lock(&bg->mu);
        bg->st.running = 0;
        pthread_mutex_unlock(&bg->mu);
        nn_model_free(bg->model);
        bg->model = NULL;
        set_err(err, errlen, "cannot start the training thread: %s", strerror(rc));
        return -1;
    }
    bg->thread_live = 1;
    return 0;
}

void bg_stop(bg_trainer *bg)
{
    if (!bg || !bg->thread_live)
        return;
    atomic_store(&bg->stop, 1);
    join_worker(bg);
}

int bg_running(bg_trainer *bg)
{
    pthread_mutex_lock(&bg->mu);
    int r = bg->st.running;
    pthread_mutex_unlock(&bg->mu);
    return r;
}

nn_model *bg_take_snapshot(bg_trainer *bg, unsigned *version)
{
    nn_model *m = NULL;
    pthread_mutex_lock(&bg->mu);
    if (bg->pending && bg->pending_version > *version) {
        m = bg->pending;
        *version = bg->pending_version;
        bg->pending = NULL;
    }
    pthread_mutex_unlock(&bg->mu);
    return m;
}

void bg_status_get(bg_trainer *bg, bg_status *out)
{
    pthread_mutex_lock(&bg->mu);
    memcpy(out, &bg->st, offsetof(bg_status, history));
    out->n_history = bg->ring_n;
    int first = (bg->ring_head - bg->ring_n + BG_HISTORY) % BG_HISTORY;
    for (int i = 0; i < bg->ring_n; i++)
        out->history[i] = bg->ring[(first + i) % BG_HISTORY];
    memcpy(out->message, bg->st.message, sizeof out->message);
    pthread_mutex_unlock(&bg->mu);
}

/* ============================================================ corrections */

int bg_add_user_sample(bg_trainer *bg, const ink_drawing *d, int label, char *err,
                       size_t errlen)
{
    if (label < 0 || label > 9) {
        set_err(err, errlen, "label %d is not a digit", label);
        return -1;
    }
    float x[INK_INPUT_SIZE];
    int r = ink_preprocess(d, x);
    if (r <= 0) {
        set_err(err, errlen, r == 0 ? "nothing drawn" : "out of memory");
        return -1;
    }
    uint8_t u[INK_INPUT_SIZE];
    to_u8(x, u);
    if (bg->user_path) {
        ink_sample s;
        memset(&s, 0, sizeof s);
        s.label = label;
        pthread_mutex_lock(&bg->mu);
        size_t n = bg->user_n;
        pthread_mutex_unlock(&bg->mu);
        snprintf(s.id, sizeof s.id, "user-%lld-%zu", (long long)time(NULL), n + 1);
        s.drawing = *d; /* borrowed for formatting only */
        /* The 28×28 input beside it, "<file without .strokes>-<id>.pgm", so a
         * person can see exactly what the network learnt from. */
        char pgm[4096];
        size_t stem = strlen(bg->user_path);
        if (stem > 8 && strcmp(bg->user_path + stem - 8, ".strokes") == 0)
            stem -= 8;
        int w = snprintf(pgm, sizeof pgm, "%.*s-%s.pgm", (int)stem, bg->user_path, s.id);
        if (w < 0 || (size_t)w >= sizeof pgm) {
            set_err(err, errlen, "%s: path too long for the 28x28 image", bg->user_path);
            return -1;
        }
        /* The image first: if it cannot be written, nothing is recorded, so
         * the strokes file never holds a correction the trainer did not get. */
        if (ink_write_pgm(pgm, x, err, errlen) != 0)
            return -1;
        if (ink_append_sample(bg->user_path, &s, err, errlen) != 0) {
            remove(pgm);
            return -1;
        }
    }
    pthread_mutex_lock(&bg->mu);
    int count = user_push(bg, u, label);
    pthread_mutex_unlock(&bg->mu);
    if (count < 0)
        set_err(err, errlen, "out of memory");
    return count;
}
