/* gui_train.c — the window's side of background training (bgtrain.h): the
 * corrections store the digit keys fill, T and Shift+T start and stop a
 * run, Ctrl+S saves the model, and every frame installs the trainer's
 * newest snapshot. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#endif

#include "common.h"
#include "fileio.h"
#include "gui.h"
#include "gui_fetch.h"
#include "gui_internal.h"
#include "gui_train.h"
#include "keys.h"
#include "modelcard.h"
#include "nn_file.h"
#include "paths.h"

/* How much lower the worker's priority is than the window's (nice steps):
 * on a busy 2-core machine the drawing thread then wins the CPU when both
 * want it.  Measured with a load average of 2.7 while drawing without
 * pause: 99th-percentile frame 11 ms at nice 5 (9 ms at 10, 15-23 ms at
 * 0); nice 10 starved the worker (a fine-tune took 30 s instead of 13 s),
 * so 5.  Without other load nothing changes: each thread has a core. */
#define TRAIN_NICE 5
/* Shift+T's training threads: 0, every core (see gui_train_init). */
#define GUI_SCRATCH_THREADS 0

/* ----------------------------------------------------------- lifetime */

/* "47 MB", "12 KB", "300 bytes": sizes in the status line. */
static void size_words(uint64_t b, char *buf, size_t len)
{
    if (b >= 10000000)
        snprintf(buf, len, "%.0f MB", (double)b / 1e6);
    else if (b >= 1000000)
        snprintf(buf, len, "%.1f MB", (double)b / 1e6);
    else if (b >= 1000)
        snprintf(buf, len, "%.0f KB", (double)b / 1e3);
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)b);
}

/* What a window killed mid-save (SIGKILL, a power cut) left in the data
 * directory: temporary files of model and image saves, and images of
 * corrections and saved drawings whose strokes line was never appended.
 * Only files of processes that are gone are removed (fileio_sweep_temps,
 * dp_sweep_store), so another window's save in progress is never
 * touched.  Said after the start message, which stays (it may name the
 * model in use or why it did not load). */
static void sweep_leftovers(gui_app *a)
{
    const char *dir = a->train.user_dir;
    char err[600], strokes[1200], prefix[1200];
    fileio_swept sum_t = {0, 0}, sum_o = {0, 0};
    int bad = 0;
    if (fileio_sweep_temps(dir, DP_USER_MODEL_NAME, &sum_t, err, sizeof err) != 0)
        bad = 1;
    for (int k = 0; k < 2; k++) {
        fileio_swept t = {0, 0}, o = {0, 0};
        snprintf(strokes, sizeof strokes, "%s/%s", dir, k ? APP_DRAWINGS_NAME : BG_CORRECTIONS_NAME);
        if (k)
            snprintf(prefix, sizeof prefix, "%s/%s", dir, APP_DRAWING_PREFIX);
        else if (dp_corrections_pgm_prefix(strokes, prefix, sizeof prefix) != 0)
            continue;
        /* A file that cannot be read keeps every image; the corrections'
         * load says what is wrong with it. */
        if (dp_sweep_store(strokes, prefix, &t, &o, bad ? NULL : err, bad ? 0 : sizeof err) != 0)
            bad = 1;
        sum_t.files += t.files;
        sum_t.bytes += t.bytes;
        sum_o.files += o.files;
        sum_o.bytes += o.bytes;
    }
    char what[200] = "", size[32], line[APP_MSG_LEN + sizeof err];
    if (sum_t.files)
        snprintf(what, sizeof what, "%zu leftover temporary file%s", sum_t.files,
                 sum_t.files == 1 ? "" : "s");
    if (sum_o.files)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%zu image%s never recorded "
                 "in a strokes file", sum_t.files ? " and " : "", sum_o.files,
                 sum_o.files == 1 ? "" : "s");
    size_words(sum_t.bytes + sum_o.bytes, size, sizeof size);
    if (what[0])
        snprintf(line, sizeof line, "Removed %s (%s) of saves that were interrupted", what, size);
    else if (bad)
        snprintf(line, sizeof line, "Leftovers of interrupted saves not removed: %s", err);
    else
        return;
    /* a copy: app_message writes the message it would read */
    char before[APP_MSG_LEN];
    snprintf(before, sizeof before, "%s", a->st.message);
    int error = a->st.message_error || (bad && !what[0]);
    if (before[0])
        app_message(&a->st, error, "%s \xC2\xB7 %s", before, line);
    else
        app_message(&a->st, error, "%s", line);
}

int gui_train_setup(gui_app *a)
{
    char err[512], path[1200];
    if (dp_user_data_dir(a->train.user_dir, sizeof a->train.user_dir, a->train.user_dir_err,
                         sizeof a->train.user_dir_err) != 0) {
        /* Training still works; corrections then live only in memory. */
        a->train.user_dir[0] = '\0';
        app_message(&a->st, 1, "No data directory (%s): corrections will not be kept",
                    a->train.user_dir_err);
        snprintf(a->train.corr_why, sizeof a->train.corr_why, "no data directory: %s", a->train.user_dir_err);
    }
    if (a->train.user_dir[0]) {
        sweep_leftovers(a);
        snprintf(path, sizeof path, "%s/%s", a->train.user_dir, BG_CORRECTIONS_NAME);
        /* Loaded in the background: a large file must not delay the
         * first frame (gui_train_poll reports what the load found). */
        a->train.corr = dp_corrections_open_background(path, err, sizeof err);
        /* A damaged corrections file must not cost the window its trainer:
         * keep the file for the person to look at, train without it. */
        if (!a->train.corr) {
            app_message(&a->st, 1, "Corrections not loaded: %s", err);
            snprintf(a->train.corr_why, sizeof a->train.corr_why, "the corrections file did not load: %s",
                     err);
        }
    }
    /* The history and the brush: the window works without either file. */
    if (a->train.user_dir[0]) {
        snprintf(path, sizeof path, "%s/%s", a->train.user_dir, DP_HISTORY_NAME);
        if (!(a->train.history = dp_history_open(path, err, sizeof err)))
            app_message(&a->st, 1, "History kept for this session only: %s", err);
        else if (dp_history_skipped(a->train.history, err, sizeof err))
            app_message(&a->st, 1, "History: %zu damaged line%s left out (%s)",
                        dp_history_skipped(a->train.history, NULL, 0),
                        dp_history_skipped(a->train.history, NULL, 0) == 1 ? "" : "s", err);
        app_brush_load(&a->st, a->train.user_dir);
    }
    if (!a->train.history)
        a->train.history = dp_history_open(NULL, err, sizeof err);
    if (!a->train.corr && !(a->train.corr = dp_corrections_open(NULL, err, sizeof err))) {
        app_message(&a->st, 1, "Corrections unavailable: %s", err);
        return -1;
    }
    bg_config c;
    bg_config_defaults(&c);
    c.mnist_dir = a->opt->data_dir;
    c.corrections = a->train.corr;
    /* Shift+T trains the quick preset, for watching a network learn, on
     * every core: its steps are short (a few ms), so the UI thread, which
     * needs a few ms a frame, waits at most one scheduler slice for a core
     * (issue 31 measured frame times while drawing; docs/benchmarks.md).
     * Fine-tuning (T) keeps the model's own network on one thread. */
    if (bg_config_scratch_preset(&c, "quick", GUI_SCRATCH_THREADS, err, sizeof err) != 0) {
        app_message(&a->st, 1, "Training unavailable: %s", err);
        return -1;
    }
    a->train.bg = bg_create(&c, err, sizeof err);
    if (!a->train.bg) {
        app_message(&a->st, 1, "Training unavailable: %s", err);
        return -1;
    }
    bg_status_get(a->train.bg, &a->train.status);
    snprintf(a->train.msg_seen, sizeof a->train.msg_seen, "%s", a->train.status.message);
    return 0;
}

void gui_train_free(gui_app *a)
{
    /* The drawing on the canvas at the end is kept in the history too. */
    app_history_record(&a->st, a->train.history);
    dp_history_free(a->train.history);
    a->train.history = NULL;
    bg_free(a->train.bg); /* stops and joins a running worker */
    a->train.bg = NULL;
    a->train.running = 0;
    dp_corrections_free(a->train.corr); /* after the worker that reads it */
    a->train.corr = NULL;
}

/* ------------------------------------------------------------- frames */

/* The trainer's status, without the figures and curve of a run whose model
 * is no longer the one in use (Ctrl+R, a dropped or loaded model): the
 * panel then speaks of the model shown, not of a discarded one. */
static void take_status(gui_app *a)
{
    bg_status *st = &a->train.status;
    bg_status_get(a->train.bg, st);
    if (st->running || a->st.model_serial == a->train.run_serial)
        return;
    st->epoch = 0;
    st->epochs = 0;
    st->progress = 0;
    st->samples_per_s = 0;
    st->loss = NAN;
    st->heldout_acc = -1;
    st->user_acc = -1;
    st->heldout_n = 0;
    st->version = 0;
    st->elapsed_s = 0;
    st->samples_seen = 0;
    st->epoch_size = 0;
    st->last_epoch_s = 0;
    st->n_history = 0;
    st->failed = 0;
    st->no_data = 0;
}

static void start_run(gui_app *a, int from_scratch);

/* Called once per frame before predictions are brought up to date, so a
 * new snapshot is predicted with in the same frame. */
void gui_train_poll(gui_app *a)
{
    char news[600];
    int error;
    /* What the corrections' background load found, once it is done:
     * damaged lines or oversized drawings left out, or a file that did
     * not load (then they live in memory only, and the digit keys say so). */
    if (a->train.corr && dp_corrections_report(a->train.corr, news, sizeof news, &error)) {
        app_message(&a->st, error, "%s", news);
        if (!dp_corrections_path(a->train.corr))
            snprintf(a->train.corr_why, sizeof a->train.corr_why, "%s", news);
    }
    /* MNIST downloaded by F after T or Shift+T found none: that run now,
     * without asking again (the person asked for it twice already). */
    int want = gui_fetch_poll(a);
    if (!a->train.bg)
        return;
    if (want && !a->train.running && !bg_running(a->train.bg) && a->st.model)
        start_run(a, want == 2);
    /* Status first: the worker publishes its last snapshot before it reads
     * as stopped, so a run seen as over has nothing left to take after the
     * take below, and the loop may go idle. */
    int was = a->train.running;
    take_status(a);
    unsigned v = a->train.version;
    nn_model *m = bg_take_snapshot(a->train.bg, &v);
    if (m) {
        /* Named as new, and by what was done to it, kind first: the footer
         * may shorten the end, never the part that says what it is. */
        char name[sizeof a->st.model_name];
        const bg_status *st = &a->train.status;
        int epochs = st->epoch + (st->progress >= 1.0f ? 1 : 0);
        snprintf(name, sizeof name, "%s \xC2\xB7 %s \xC2\xB7 %d epoch%s", a->train.base,
                 st->from_scratch ? "from scratch" : "fine-tuned", epochs, epochs == 1 ? "" : "s");
        /* On failure app_install_snapshot frees m, keeps the old model and
         * says why; the next snapshot tries again. */
        if (app_install_snapshot(&a->st, m, name) == 0)
            a->train.run_serial = a->st.model_serial;
        a->train.version = v;
    }
    a->train.running = a->train.status.running;
    if (a->train.running || was)
        app_request_redraw(&a->st);
    int files;
    const char *line;
    /* A download's progress changes without input too. */
    a->train.animating = a->train.running || gui_fetch_progress(a, &files, &line);
    /* A run that ended on an error says why every time, even when the
     * last run said the same (or the worker wrote it before T's own line
     * was put up): a repeated error is not hidden as already seen. */
    int failed_now = was && !a->train.running && a->train.status.failed;
    if (failed_now || strcmp(a->train.status.message, a->train.msg_seen) != 0) {
        snprintf(a->train.msg_seen, sizeof a->train.msg_seen, "%s", a->train.status.message);
        if (a->train.status.message[0])
            app_message(&a->st, a->train.status.failed && !a->train.status.no_data, "%s",
                        a->train.status.message);
    }
}

/* ------------------------------------------------------------ control */

#ifdef __linux__
typedef struct start_job {
    gui_app *a;
    int from_scratch, rc;
    char err[256];
} start_job;

/* Linux keeps a nice value per thread and a new thread inherits its
 * creator's, so a short-lived helper that lowers its own priority and then
 * calls bg_start gives the worker the lower priority while the window's
 * thread keeps its own (raising it back would need privileges).  The UI
 * thread waits for the helper, so bg_start still has one caller at a time. */
static void *start_niced(void *arg)
{
    start_job *j = arg;
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && cur < 19)
        (void)setpriority(PRIO_PROCESS, 0, cur + TRAIN_NICE > 19 ? 19 : cur + TRAIN_NICE);
    j->rc = bg_start(j->a->train.bg, j->a->st.model, j->from_scratch, j->err, sizeof j->err);
    return NULL;
}
#endif

/* bg_start with the worker at a lower priority where that is possible. */
static int start_worker(gui_app *a, int from_scratch, char *err, size_t errlen)
{
#ifdef __linux__
    start_job j = {a, from_scratch, -1, ""};
    pthread_t t;
    if (pthread_create(&t, NULL, start_niced, &j) == 0) {
        pthread_join(t, NULL);
        snprintf(err, errlen, "%s", j.err);
        return j.rc;
    }
#endif
    return bg_start(a->train.bg, a->st.model, from_scratch, err, errlen);
}

/* Stops a run; the final snapshot is installed by the next poll unless
 * discard is set (a model dropped on the window replaces it). */
void gui_train_stop(gui_app *a, int discard)
{
    if (!a->train.bg || !a->train.running)
        return;
    /* bg_stop waits for the step in progress; the window is frozen that
     * long, so it is measured (script mode prints it). */
    Uint64 t0 = SDL_GetPerformanceCounter();
    bg_stop(a->train.bg);
    a->train.last_stop_ms = (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 /
                      (double)SDL_GetPerformanceFrequency();
    if (discard) {
        nn_model_free(bg_take_snapshot(a->train.bg, &a->train.version));
    }
    take_status(a);
    a->train.running = 0;
    a->train.animating = 0;
    app_request_redraw(&a->st);
}

/* Protects the model from runs that would wreck it: training from scratch
 * without MNIST is refused (it would learn the person's few drawings and
 * nothing else); from scratch with MNIST, training on the drawings alone
 * (no MNIST), and drawings of fewer than 3 digits each need a second press
 * within APP_CONFIRM_SECONDS, the status line saying why.  1: go ahead. */
static int confirm_training(gui_app *a, int from_scratch)
{
    char dir[1024], digits[32] = "", q[APP_MSG_LEN + 1400];
    int mnist = bg_has_mnist(a->train.bg, dir, sizeof dir);
    size_t total = 0, count[10] = {0};
    if (a->train.corr)
        dp_corrections_counts(a->train.corr, &total, count, NULL, NULL, 0);
    int distinct = 0;
    for (int d = 0; d < 10; d++)
        if (count[d]) {
            size_t u = strlen(digits);
            snprintf(digits + u, sizeof digits - u, "%s%d", distinct++ ? ", " : "", d);
        }
    char narrow[200] = "";
    if (total > 0 && distinct < 3)
        snprintf(narrow, sizeof narrow, "your %zu drawing%s cover%s only %s, so the model would "
                 "learn to answer only %s", total, total == 1 ? "" : "s", total == 1 ? "s" : "",
                 digits, distinct == 1 ? "that digit" : "those digits");
    if (!mnist && (from_scratch || total == 0)) {
        /* Not a failure: nothing is wrong but the data being absent, and
         * F gets it (then starts this very run: gui_fetch.c). */
        gui_fetch_offer(a, from_scratch);
        if (from_scratch)
            app_message(&a->st, 0, "No training data for a model from scratch: MNIST is not "
                        "in %s (your drawings alone would make a model that knows only them) "
                        "\xC2\xB7 press F to download it (about 11 MB), then training starts",
                        dir);
        else
            app_message(&a->st, 0, "No training data: MNIST is not in %s and no drawing is "
                        "labelled yet \xC2\xB7 press F to download MNIST (about 11 MB), or "
                        "draw a digit and press its key", dir);
        return 0;
    }
    if (from_scratch) {
        snprintf(q, sizeof q, "Shift+T again within %.0f s replaces this model by a new one "
                 "trained from scratch (Ctrl+R goes back to the shipped one)",
                 APP_CONFIRM_SECONDS);
        return app_confirm(&a->st, DP_ACT_TRAIN_SCRATCH, q);
    }
    if (!mnist && total > 0) {
        snprintf(q, sizeof q, "No MNIST in %s (F downloads it): T again within %.0f s to train "
                 "on your %zu drawing%s alone%s%s", dir, APP_CONFIRM_SECONDS, total, total == 1 ? "" : "s",
                 narrow[0] ? "; " : "", narrow);
        return app_confirm(&a->st, DP_ACT_TRAIN, q);
    }
    if (narrow[0]) {
        snprintf(q, sizeof q, "T again within %.0f s to fine-tune anyway: %s (MNIST keeps the "
                 "others in mind, but draw a few more digits first)", APP_CONFIRM_SECONDS, narrow);
        return app_confirm(&a->st, DP_ACT_TRAIN, q);
    }
    return 1;
}

void gui_train_toggle(gui_app *a, int from_scratch)
{
    if (!a->train.bg) {
        app_message(&a->st, 1, "Training is unavailable in this session");
        return;
    }
    if (a->train.running || bg_running(a->train.bg)) {
        gui_train_stop(a, 0);
        /* Its "stopped after ..." line reaches the status line at the next
         * poll. */
        return;
    }
    if (!a->st.model) {
        app_message(&a->st, 1, "No model to train: load one (drop a .safetensors file) or "
                          "start with --model FILE");
        return;
    }
    /* Fine-tuning keeps the weights: from one that gives no answer (NaN
     * outputs) every step's loss is NaN.  From scratch starts afresh. */
    char why[400];
    if (!from_scratch && dp_model_gives_answers(a->st.model, why, sizeof why) != 0) {
        app_message(&a->st, 1, "Not fine-tuning: %s (Shift+T trains from scratch)", why);
        return;
    }
    if (!confirm_training(a, from_scratch))
        return;
    start_run(a, from_scratch);
}

/* Starts a run (asked for and confirmed) and says so. */
static void start_run(gui_app *a, int from_scratch)
{
    char err[256];
    if (start_worker(a, from_scratch, err, sizeof err) != 0) {
        app_message(&a->st, 1, "Cannot start training: %s", err);
        return;
    }
    /* Snapshots are named after the model the first run started from; a
     * run that continues from an earlier run's snapshot keeps that name. */
    if (from_scratch)
        snprintf(a->train.base, sizeof a->train.base, "new model"); /* nothing of the old is left */
    else if (!a->train.base[0] || !nn_model_meta_get(a->st.model, DP_CARD_KEY_BG_VERSION) ||
             strncmp(a->st.model_name, a->train.base, strlen(a->train.base)) != 0)
        snprintf(a->train.base, sizeof a->train.base, "%.*s", (int)sizeof a->train.base - 1,
                 a->st.model_name);
    app_training_started(&a->st);
    if (dp_history_mark_learnt(a->train.history, err, sizeof err) != 0)
        app_message(&a->st, 1, "History not updated: %s", err);
    a->train.running = 1;
    a->train.animating = 1;
    a->train.show = 1;
    a->train.run_serial = a->st.model_serial;
    take_status(a);
    app_message(&a->st, 0, "%s in the background \xC2\xB7 keep drawing \xC2\xB7 T stops",
                from_scratch ? "Training from scratch" : "Fine-tuning");
    snprintf(a->train.msg_seen, sizeof a->train.msg_seen, "%s", a->train.status.message);
}

void gui_train_panel(gui_app *a)
{
    a->train.show = !a->train.show;
    if (a->train.show && a->train.bg)
        take_status(a);
}

void gui_train_save_model(gui_app *a)
{
    char path[1200];
    nn_error err;
    if (!a->st.model) {
        app_message(&a->st, 1, "No model to save");
        return;
    }
    if (!a->train.user_dir[0]) {
        app_message(&a->st, 1, "Model not saved: no data directory (see DIGITPAD_HOME)");
        return;
    }
    char why[400];
    if (dp_model_gives_answers(a->st.model, why, sizeof why) != 0) {
        app_message(&a->st, 1, "Model not saved: %s", why);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", a->train.user_dir, BG_USER_MODEL_NAME);
    /* nn_model_save writes a temporary file and renames it, so a crash
     * never leaves half a model where the next start would load it. */
    if (nn_model_save(a->st.model, path, &err) != NN_OK) {
        app_message(&a->st, 1, "Model not saved: %s", err.msg);
        return;
    }
    app_model_saved(&a->st);
    app_message(&a->st, 0, "Model saved to %s \xC2\xB7 used at the next start%s", path,
                a->train.running ? " (training goes on: Ctrl+S again for a newer one)" : "");
}

void gui_train_shipped(gui_app *a)
{
    char path[1024], saved[1200];
    if (dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, path, sizeof path) != 0) {
        app_message(&a->st, 1, "The shipped model (%s) is not installed", DP_DEFAULT_MODEL_NAME);
        return;
    }
    if (!app_discard_request(&a->st, DP_ACT_SHIPPED, "Shipped model (Ctrl+R) again"))
        return;
    int discarded = a->st.model_unsaved;
    /* A running trainer's next snapshot would replace it again. */
    if (a->train.running)
        gui_train_stop(a, 1);
    if (app_load_model_file(&a->st, path) != 0)
        return; /* the message says why; the current model stays */
    int user = !a->opt->shipped_model && dp_user_model_path(saved, sizeof saved);
    app_message(&a->st, 0, "Back to the shipped model %s%s%s", DP_DEFAULT_MODEL_NAME,
                discarded ? " \xC2\xB7 the trained one was discarded" : "",
                user ? " \xC2\xB7 your saved model still loads at start (Ctrl+S replaces it)"
                     : "");
}
