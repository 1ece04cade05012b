/* bgtrain_worker.c — the background trainer's worker thread (see
 * bgtrain.h): epochs on MNIST plus the person's drawings, accuracy
 * measurements, and publishing snapshots behind the mutex.  Separate from
 * bgtrain.c, which creates the trainer and starts, stops and polls it from
 * the UI thread; calls point from there to here.  No SDL here. */
#define _POSIX_C_SOURCE 200809L
#include "bgtrain_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"
#include "epochset.h"
#include "modelcard.h"

/* Images per nn_forward call measuring accuracy: a stop is seen within ms. */
#define EVAL_CHUNK 100
/* Seconds between two loss points of the live plot. */
#define HISTORY_EVERY_S 0.5

/* ============================================================ helpers */

double bg_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
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

/* Called with mu held. */
void bg_status_msg(bg_trainer *bg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_vformat(bg->st.message, sizeof bg->st.message, fmt, ap);
    va_end(ap);
}

/* Called with mu held. */
static void history_add(bg_trainer *bg, float t, float loss, float acc, int epoch_end)
{
    bg->ring[bg->ring_head] = (bg_point){t, loss, acc, bg->st.samples_seen, epoch_end};
    bg->ring_head = (bg->ring_head + 1) % BG_HISTORY;
    if (bg->ring_n < BG_HISTORY)
        bg->ring_n++;
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
    nn_model_meta_set(snap, DP_CARD_KEY_BG_VERSION, buf, NULL);
    snprintf(buf, sizeof buf, "%016" PRIx64, bg_params_checksum(snap));
    nn_model_meta_set(snap, DP_CARD_KEY_BG_PARAMS, buf, NULL);
    pthread_mutex_lock(&bg->mu);
    nn_model_free(bg->pending); /* the UI never took it: it is ours to drop */
    bg->pending = snap;
    bg->pending_version = v;
    bg->version = v;
    bg->st.version = v;
    pthread_mutex_unlock(&bg->mu);
    bg->last_publish = bg_now_s();
}

static int on_progress(const nn_progress *p, void *user)
{
    bg_trainer *bg = user;
    double t = bg_now_s();
    double gap = t - bg->last_check;
    bg->last_check = t;
    pthread_mutex_lock(&bg->mu);
    if (gap > bg->st.worst_step_s)
        bg->st.worst_step_s = gap;
    bg->st.progress = p->total ? (float)((double)p->done / (double)p->total) : 0;
    bg->st.samples_per_s = p->samples_per_s;
    bg->st.loss = p->loss;
    bg->st.elapsed_s = t - bg->t0;
    bg->st.samples_seen = bg->samples_before + (double)p->done;
    if (t - bg->last_point >= HISTORY_EVERY_S) {
        history_add(bg, (float)(t - bg->t0), p->loss, -1, 0);
        bg->last_point = t;
    }
    pthread_mutex_unlock(&bg->mu);
    int stop = atomic_load(&bg->stop);
    if (!stop && bg->cfg.publish_every_s > 0 && t - bg->last_publish >= bg->cfg.publish_every_s)
        publish(bg);
    return stop;
}

/* Accuracy of the worker's model on `idx` images of a 28x28 set (idx
 * NULL: the first n).  -1 if stopped or out of memory. */
static double accuracy_u8(bg_trainer *bg, const nn_dataset *set, const size_t *idx, size_t n)
{
    if (n == 0 || !set)
        return -1;
    const size_t chunk = nn_batch_cap(bg->model, EVAL_CHUNK, 1); /* wide models: smaller */
    nn_workspace *ws = nn_workspace_create(bg->model, chunk, NULL);
    float *x = malloc(sizeof(float) * INK_INPUT_SIZE * chunk);
    float *y = malloc(sizeof(float) * 10 * chunk);
    double acc = -1;
    size_t correct = 0, done = 0;
    if (!ws || !x || !y)
        goto out;
    while (done < n) {
        if (atomic_load(&bg->stop))
            goto out;
        size_t m = n - done < chunk ? n - done : chunk;
        for (size_t i = 0; i < m; i++) {
            size_t k = idx ? idx[done + i] : done + i;
            nn_dataset_image_f32(set, k, x + i * INK_INPUT_SIZE); /* the one byte -> float */
        }
        if (nn_forward(bg->model, ws, x, m, y, NULL) != NN_OK)
            goto out;
        for (size_t i = 0; i < m; i++) {
            size_t k = idx ? idx[done + i] : done + i;
            correct += dp_argmax10(y + i * 10) == set->labels[k];
        }
        done += m;
        double t = bg_now_s();
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

/* Loads MNIST once per trainer (kept for later runs; a miss is retried by
 * the next run, bg_start's refresh_mnist).  Worker only. */
static void ensure_mnist(bg_trainer *bg)
{
    if (bg->cfg.train_data || bg->mnist_state != 0)
        return;
    nn_error e;
    if (nn_mnist_load(&bg->mnist_train, bg->mnist_dir, NN_MNIST_TRAIN, &e) != NN_OK) {
        bg->mnist_state = -1;
        /* The loader's reason too: a damaged file is not a missing one. */
        if (dp_mnist_present(bg->mnist_dir))
            snprintf(bg->mnist_msg, sizeof bg->mnist_msg, "MNIST in %s did not load (%s)",
                     bg->mnist_dir, e.msg);
        else
            snprintf(bg->mnist_msg, sizeof bg->mnist_msg, "no MNIST in %s", bg->mnist_dir);
        return;
    }
    bg->mnist_state = 1;
    if (bg->cfg.heldout_n &&
        nn_mnist_load(&bg->mnist_test, bg->mnist_dir, NN_MNIST_TEST, &e) != NN_OK)
        nn_dataset_free(&bg->mnist_test); /* no held-out accuracy, still trains */
}

static void worker_fail(bg_trainer *bg, const char *msg)
{
    pthread_mutex_lock(&bg->mu);
    bg->st.failed = 1;
    bg_status_msg(bg, "training failed: %s", msg);
    pthread_mutex_unlock(&bg->mu);
}

void *bg_worker(void *arg)
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

    nn_train_config tc = bg->from_scratch && c->scratch_set ? c->scratch : c->train;
    tc.seed += 1000003u * (uint64_t)bg->run;
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
        /* The person's drawings as of now: corrections made during an
         * epoch count from the next one. */
        if (dp_corrections_snapshot(bg->corr, &uimg, &ulab, &un) != 0) {
            worker_fail(bg, "out of memory");
            goto done;
        }
        if (!train && un == 0) {
            pthread_mutex_lock(&bg->mu);
            bg->st.failed = 1;
            bg->st.no_data = 1;
            bg_status_msg(bg, "no training data: %s (F fetches it), and no drawings labelled "
                           "yet (draw a digit, press its key)",
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
        if (dp_epoch_build(train, m, uimg, ulab, un, c->user_fraction, c->user_max_repeat, user_aug,
                           &rng, &ep, &e) != NN_OK) {
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
            bg_status_msg(bg, "%s epoch %d%s: %zu MNIST + %zu of your drawings ×%zu",
                       bg->from_scratch ? "training from scratch," : "fine-tuning,",
                       epoch + 1, tc.epochs > 0 ? "" : " (T stops)", m, un,
                       un ? (ep.n - m) / un : 0);
        else
            bg_status_msg(bg, "%s (F fetches it) — training on your %zu drawings only",
                          bg->mnist_msg, un);
        pthread_mutex_unlock(&bg->mu);

        double te = bg_now_s();
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
        bg->last_check = bg_now_s();
        const nn_dataset user = {un, INK_SIDE, INK_SIDE, uimg, ulab};
        double held = accuracy_u8(bg, test, held_idx, held_n);
        double uacc = accuracy_u8(bg, &user, NULL, un);
        if (held >= 0) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.4f", held);
            nn_model_meta_set(bg->model, DP_CARD_KEY_HELDOUT_ACCURACY, buf, NULL);
            snprintf(buf, sizeof buf, "%zu", held_n);
            nn_model_meta_set(bg->model, DP_CARD_KEY_HELDOUT_N, buf, NULL);
        } else if (uacc >= 0) {
            char buf[48];
            snprintf(buf, sizeof buf, "%.4f", uacc);
            nn_model_meta_set(bg->model, DP_CARD_KEY_USER_ACCURACY, buf, NULL);
            snprintf(buf, sizeof buf, "%zu", un);
            nn_model_meta_set(bg->model, DP_CARD_KEY_USER_N, buf, NULL);
        }
        publish(bg);
        steps_since_publish = 0;
        done_epochs++;
        double t = bg_now_s();
        pthread_mutex_lock(&bg->mu);
        bg->st.last_epoch_s = t - te;
        bg->st.progress = 1;
        bg->samples_before += (double)ep.n;
        bg->st.samples_seen = bg->samples_before;
        bg->st.loss = mean;
        if (held >= 0) {
            bg->st.heldout_acc = (float)held;
            bg->st.heldout_n = held_n;
        }
        if (uacc >= 0)
            bg->st.user_acc = (float)uacc;
        history_add(bg, (float)(t - bg->t0), mean, held >= 0 ? (float)held : (float)uacc,
                    done_epochs);
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
        bg_status_msg(bg, "stopped after %d full epoch%s%s%s", done_epochs,
                   done_epochs == 1 ? "" : "s", done_msg[0] ? "; " : "", done_msg);
    else
        /* A run on the drawings alone says why once more: its per-epoch
         * message may have come and gone between two frames. */
        bg_status_msg(bg, "done: %d epochs%s%s%s%s%s", done_epochs, done_msg[0] ? ", " : "",
                      done_msg, train ? "" : " (on your drawings alone: ",
                      train ? "" : (bg->mnist_msg[0] ? bg->mnist_msg : "no MNIST"),
                      train ? "" : " (F fetches it))");
    pthread_mutex_unlock(&bg->mu);
done:
    nn_trainer_free(tr);
    nn_dataset_free(&ep);
    free(held_idx);
    free(uimg);
    free(ulab);
    pthread_mutex_lock(&bg->mu);
    bg->st.running = 0;
    bg->st.elapsed_s = bg_now_s() - bg->t0;
    pthread_mutex_unlock(&bg->mu);
    return NULL;
}
