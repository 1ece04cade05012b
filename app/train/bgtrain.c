/* bgtrain.c — the background trainer (see bgtrain.h): one worker thread
 * trains a private copy of the model on MNIST plus the user's drawings and
 * publishes complete snapshots behind a mutex; the UI thread only ever
 * takes finished models.  No SDL here.
 * The worker thread itself is in bgtrain_worker.c. */
#define _POSIX_C_SOURCE 200809L
#include "bgtrain_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "modelcard.h"
#include "paths.h"

/* ============================================================ helpers */

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

/* Where the command line looks too (paths.h), as an absolute path even
 * for a relative --data: the window's messages must name one place
 * wherever it was started. */
static const char *mnist_lookup(const char *given, char *buf, size_t len)
{
    char found[4200];
    const char *d = dp_mnist_dir(given, found, sizeof found);
    if (dp_abs_path(d, buf, len) != 0)
        snprintf(buf, len, "%s", d);
    return buf;
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

int bg_config_scratch_preset(bg_config *c, const char *name, int threads, char *err,
                             size_t errlen)
{
    nn_error e;
    if (!nn_preset_arch(name) || nn_arch_parse(name, &c->scratch_arch, &e) != NN_OK ||
        nn_train_config_preset(name, &c->scratch, &e) != NN_OK) {
        dp_set_err(err, errlen, "no preset '%s'", name ? name : "(null)");
        return -1;
    }
    c->scratch.threads = threads;
    c->scratch_set = 1;
    return 0;
}

/* ============================================================ create/free */

bg_trainer *bg_create(const bg_config *c, char *err, size_t errlen)
{
    bg_trainer *bg = calloc(1, sizeof *bg);
    if (!bg) {
        dp_set_err(err, errlen, "out of memory");
        return NULL;
    }
    bg->cfg = *c;
    char mnist[4200];
    bg->mnist_dir = dup_str(mnist_lookup(c->mnist_dir, mnist, sizeof mnist));
    bg->mnist_given = c->mnist_dir ? dup_str(c->mnist_dir) : NULL;
    if (!bg->mnist_dir || (c->mnist_dir && !bg->mnist_given)) {
        dp_set_err(err, errlen, "out of memory");
        free(bg->mnist_dir);
        free(bg->mnist_given);
        free(bg);
        return NULL;
    }
    bg->cfg.mnist_dir = bg->mnist_dir;
    if (pthread_mutex_init(&bg->mu, NULL) != 0) {
        dp_set_err(err, errlen, "cannot create a mutex");
        free(bg->mnist_dir);
        free(bg->mnist_given);
        free(bg);
        return NULL;
    }
    atomic_init(&bg->stop, 0);
    bg->st.heldout_acc = -1;
    bg->st.user_acc = -1;
    bg->st.loss = NAN;
    bg->st.epochs = c->train.epochs;
    bg->corr = c->corrections;
    if (!bg->corr) {
        bg->corr = dp_corrections_open(c->user_samples_path, err, errlen);
        if (!bg->corr) {
            bg_free(bg);
            return NULL;
        }
        bg->own_corr = 1;
    }
    bg->cfg.corrections = bg->corr;
    bg->cfg.user_samples_path = dp_corrections_path(bg->corr);
    size_t total, skipped;
    char why[300];
    dp_corrections_counts(bg->corr, &total, NULL, &skipped, why, sizeof why);
    if (skipped)
        bg_status_msg(bg, "%zu labelled drawings of yours; %zu damaged line%s left out (%s)",
                   total, skipped, skipped == 1 ? "" : "s", why);
    else if (total)
        bg_status_msg(bg, "%zu labelled drawings of yours", total);
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
    if (bg->own_corr)
        dp_corrections_free(bg->corr);
    free(bg->mnist_dir);
    free(bg->mnist_given);
    pthread_mutex_destroy(&bg->mu);
    free(bg);
}

/* ============================================================ control */

int bg_has_mnist(bg_trainer *bg, char *dir, size_t dirlen)
{
    /* Looked up afresh, as the next bg_start will: MNIST fetched or
     * copied in since the window started counts at once. */
    char buf[4200];
    const char *d = mnist_lookup(bg->mnist_given, buf, sizeof buf);
    if (dir && dirlen)
        snprintf(dir, dirlen, "%s", d);
    /* The files, not the worker's mnist_state: that belongs to the worker
     * thread, and the files are what its next load will read. */
    return bg->cfg.train_data != NULL || dp_mnist_present(d);
}

/* Before a run (worker joined): where MNIST is now.  A directory that
 * changed drops the data loaded from the old one, and a miss is never
 * kept, so the next run loads what a fetch has put there meanwhile. */
static void refresh_mnist(bg_trainer *bg)
{
    char buf[4200];
    const char *d = mnist_lookup(bg->mnist_given, buf, sizeof buf);
    if (strcmp(d, bg->mnist_dir) != 0) {
        char *n = dup_str(d);
        if (n) { /* out of memory: the old directory stays */
            free(bg->mnist_dir);
            bg->mnist_dir = n;
            bg->cfg.mnist_dir = n;
            nn_dataset_free(&bg->mnist_train);
            nn_dataset_free(&bg->mnist_test);
            bg->mnist_state = 0;
        }
    }
    if (bg->mnist_state == -1) {
        bg->mnist_state = 0;
        bg->mnist_msg[0] = '\0';
    }
}

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
        dp_set_err(err, errlen, "training is already running");
        return -1;
    }
    join_worker(bg);
    refresh_mnist(bg);
    nn_error e;
    const int own_arch = from_scratch && bg->cfg.scratch_set;
    /* From scratch with a preset of its own: a new network, nothing of the
     * current one (its metadata would describe another model). */
    bg->model = own_arch ? nn_model_create(&bg->cfg.scratch_arch, &e) : nn_model_clone(current, &e);
    if (!bg->model) {
        dp_set_err(err, errlen, "%s", e.msg);
        return -1;
    }
    /* The copy starts unmeasured: the figures it carries belong to the
     * model it came from, and a run stopped before its first epoch ends
     * must not show them as its own. */
    static const char *const MEASURES[] = {DP_CARD_KEY_HELDOUT_ACCURACY, DP_CARD_KEY_HELDOUT_N,
                                           DP_CARD_KEY_USER_ACCURACY, DP_CARD_KEY_USER_N};
    for (size_t i = 0; i < sizeof MEASURES / sizeof MEASURES[0]; i++)
        if (nn_model_meta_set(bg->model, MEASURES[i], DP_CARD_NOT_MEASURED, &e) != NN_OK) {
            nn_model_free(bg->model);
            bg->model = NULL;
            dp_set_err(err, errlen, "%s", e.msg);
            return -1;
        }
    bg->from_scratch = from_scratch;
    bg->run++;
    atomic_store(&bg->stop, 0);
    bg->t0 = bg_now_s();
    bg->last_check = bg->last_publish = bg->last_point = bg->t0;
    pthread_mutex_lock(&bg->mu);
    bg->st.running = 1;
    bg->st.failed = 0;
    bg->st.no_data = 0;
    bg->st.from_scratch = from_scratch;
    bg->st.epoch = 0;
    bg->st.epochs = own_arch ? bg->cfg.scratch.epochs : bg->cfg.train.epochs;
    bg->st.progress = 0;
    bg->st.samples_per_s = 0;
    bg->st.loss = NAN;
    bg->st.heldout_acc = -1; /* this run's figures, not the last run's */
    bg->st.user_acc = -1;
    bg->st.elapsed_s = 0;
    bg->st.samples_seen = 0;
    bg->samples_before = 0;
    bg->st.worst_step_s = 0;
    bg->ring_n = bg->ring_head = 0;
    bg_status_msg(bg, "preparing data…");
    pthread_mutex_unlock(&bg->mu);
    int rc = pthread_create(&bg->thread, NULL, bg_worker, bg);
    if (rc != 0) {
        pthread_mutex_lock(&bg->mu);
        bg->st.running = 0;
        pthread_mutex_unlock(&bg->mu);
        nn_model_free(bg->model);
        bg->model = NULL;
        dp_set_err(err, errlen, "cannot start the training thread: %s", strerror(rc));
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
    dp_corrections_counts(bg->corr, &out->user_total, out->user_count, &out->user_skipped, NULL,
                          0);
}

/* ============================================================ corrections */

int bg_add_user_sample(bg_trainer *bg, const ink_drawing *d, int label, char *err,
                       size_t errlen)
{
    return dp_corrections_add(bg->corr, d, label, err, errlen);
}
