/* bgtrain.h — training in a background thread while the window keeps
 * predicting, and the user's labelled corrections that it learns from.
 *
 * Overview
 *   A bg_trainer owns one worker thread (plain pthreads, no SDL).  bg_start
 *   copies the model the window shows; the worker trains that private copy
 *   on MNIST (when present) mixed with the user's own drawings, oversampled
 *   so a few dozen of them matter, with augmentation.  After every epoch,
 *   every `publish_every_s` seconds and when it stops, the worker publishes a
 *   complete snapshot (a fresh nn_model) behind a mutex-guarded pointer with
 *   a version number.  The UI thread polls bg_take_snapshot and swaps its
 *   model for the new one: it never sees a model that is being written.
 *
 *   Stopping is a flag the worker checks after every optimizer step (and
 *   between chunks of data preparation and evaluation), so bg_stop returns
 *   within about one training step.  bg_free stops and joins.
 *
 *   The person's drawings live in a corrections store (corrections.h); the
 *   worker copies its set at the start of every epoch, so a drawing stored
 *   while a run goes is learnt from the next epoch on.
 *
 * Example (the window's loop)
 *     bg_config c;  bg_config_defaults(&c);
 *     c.user_samples_path = "<data dir>/" BG_CORRECTIONS_NAME;
 *     bg_trainer *bg = bg_create(&c, err, sizeof err);       // once
 *     ...
 *     on T:        if (bg_running(bg)) bg_stop(bg); else bg_start(bg, model, 0, err, n);
 *     on Shift+T:  bg_start(bg, model, 1, err, n);
 *     on 0..9:     bg_add_user_sample(bg, &drawing, digit, err, n);
 *     every frame: nn_model *m = bg_take_snapshot(bg, &have_version);
 *                  if (m) { nn_model_free(model); model = m; }
 *                  bg_status st; bg_status_get(bg, &st);  // draw the panel
 *     on quit:     bg_free(bg);
 *
 * Thread safety
 *   All functions are for one controlling thread (the UI) except
 *   bg_take_snapshot, bg_status_get and bg_running, which may be called from
 *   any thread at any time.
 */
#ifndef DIGITPAD_BGTRAIN_H
#define DIGITPAD_BGTRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "ink.h"
#include "nn.h"
#include "corrections.h"
#include "nn_data.h"
#include "paths.h"

/* File names inside the user's data directory (paths.h: dp_user_data_dir). */
#define BG_CORRECTIONS_NAME "corrections.strokes"
#define BG_USER_MODEL_NAME DP_USER_MODEL_NAME

/* Points kept for the live loss/accuracy plot. */
#define BG_HISTORY 256

typedef struct bg_config {
    /* MNIST directory (NULL: dp_mnist_dir(NULL) in paths.h); a missing one is
     * not an error: training then uses the user's drawings only. */
    const char *mnist_dir;
    /* The person's labelled drawings (borrowed; must outlive the trainer).
     * NULL: bg_create opens its own store from user_samples_path (NULL
     * there too: corrections kept in memory only). */
    dp_corrections *corrections;
    const char *user_samples_path;
    /* The recipe (optimizer, lr, batch, augmentation, seed).  Its `epochs`
     * is how many epochs one bg_start runs (0: until bg_stop) and its
     * `threads` the training threads (1 by default, so the UI keeps a core).
     * From scratch uses it as it is; fine-tuning multiplies lr by
     * finetune_lr_scale and keeps the rate constant. */
    nn_train_config train;
    /* From scratch with a network and recipe of its own (the window's
     * Shift+T: the quick preset, bg_config_scratch_preset): when
     * scratch_set, a from-scratch run trains a new model of scratch_arch
     * with the `scratch` recipe as it is (epochs, threads, augmentation;
     * the user's drawings are still augmented per copy as `train` says).
     * 0: from scratch reinitialises a copy of the current model and trains
     * it with `train`. */
    int scratch_set;
    nn_arch scratch_arch;
    nn_train_config scratch;
    float finetune_lr_scale;
    /* Fine-tuning augments only the user's drawings unless this is set:
     * MNIST is plentiful, and a model trained on plain MNIST loses test
     * accuracy while it adapts to augmented images (measured: -0.7 points
     * vs -0.1 in tests/test_finetune.c).  From scratch augments everything. */
    int finetune_augment_mnist;
    /* MNIST training images per fine-tuning epoch, a fresh random subset
     * each epoch (0: all).  From scratch always uses all of them. */
    size_t finetune_mnist_per_epoch;
    /* Share of each epoch made of the user's drawings (repeated, each copy
     * augmented differently), and the cap on copies of one drawing. */
    float user_fraction;
    size_t user_max_repeat;
    /* MNIST test images for the held-out accuracy after each epoch (a fixed,
     * evenly spread subset; 0: none). */
    size_t heldout_n;
    /* Also publish a snapshot this often while an epoch runs (0: only at the
     * end of an epoch and on stop). */
    double publish_every_s;
    /* Optional in-memory data used instead of loading MNIST (borrowed; must
     * outlive the trainer).  For tests and for callers that already hold
     * the data. */
    const nn_dataset *train_data;
    const nn_dataset *heldout_data;
} bg_config;

/* Defaults: the mlp preset's recipe (Adam, BCE, batch 64) with
 * augmentation on, 1 thread, 3 epochs per start; fine-tuning at lr ×0.1 on
 * 6,000 fresh MNIST images per epoch with 2% of the user's drawings (at
 * most 64 copies of each), augmenting only the drawings; 2,000 held-out
 * images; a snapshot every 2 s.  tests/test_finetune.c measured these: a
 * larger user share or lr teaches the style no better and costs MNIST
 * accuracy (8% cost 0.4-0.6 points, 2% 0.07-0.17). */
void bg_config_defaults(bg_config *c);

/* Makes from-scratch runs train preset `name`'s network with its recipe
 * (nn_preset_arch, nn_train_config_preset) on `threads` threads (0: all
 * cores).  0, or -1 with a reason in err for an unknown preset. */
int bg_config_scratch_preset(bg_config *c, const char *name, int threads, char *err,
                             size_t errlen);

typedef struct bg_point {
    float t_s;      /* seconds since this run started */
    float loss;     /* running training loss */
    float accuracy; /* at an epoch's end: held-out accuracy in [0,1] (without
                       MNIST: on the user's drawings); -1 between epochs */
    double samples; /* training samples seen this run when it was taken */
    int epoch_end;  /* epochs finished this run if taken at an epoch's end,
                       else 0 (the plot's epoch marks) */
} bg_point;

typedef struct bg_status {
    int running;          /* the worker is preparing, training or evaluating */
    int from_scratch;
    int failed;           /* the last run ended on an error (see message) */
    int no_data;          /* ...because there was nothing to train on: no
                             MNIST and no drawings (not a fault) */
    int epoch;            /* 0-based epoch in progress (or last finished) */
    int epochs;           /* per run; 0 = until stopped */
    float progress;       /* fraction of this epoch done, 0..1 */
    double samples_per_s;
    float loss;           /* running mean loss this epoch (NAN before a step) */
    float heldout_acc;    /* last MNIST held-out accuracy, -1 if none yet */
    float user_acc;       /* accuracy on the user's drawings, -1 if none.
                             They are few and all used for training, so this
                             says "learnt them", not "generalises" */
    size_t heldout_n;     /* images behind heldout_acc */
    size_t epoch_size;    /* samples per epoch (MNIST + repeated user's) */
    unsigned version;     /* newest published snapshot (0: none yet) */
    double elapsed_s;     /* this run */
    double samples_seen;  /* training samples seen this run */
    double last_epoch_s;  /* duration of the last finished epoch */
    double worst_step_s;  /* longest gap between two stop checks while
                             training or measuring accuracy this run (the
                             one-off MNIST load, ~0.15 s, is not counted) */
    size_t user_skipped;  /* damaged lines of the user's file left out at
                             creation (message says which was first) */
    size_t user_total;    /* labelled drawings, and per digit */
    size_t user_count[10];
    int n_history;        /* history[0] is the oldest point */
    bg_point history[BG_HISTORY];
    char message[256];    /* one line for the status bar */
} bg_status;

typedef struct bg_trainer bg_trainer;

/* Creates an idle trainer: copies *c (strings are copied too; corrections,
 * train_data and heldout_data stay borrowed).  Without c->corrections it
 * opens a store of its own from user_samples_path (corrections.h: damaged
 * lines are left out and counted in bg_status.user_skipped).
 * MNIST is loaded by the worker on first use, not here, so this is quick.
 * NULL with a reason in err if the user file cannot be read, or no memory. */
bg_trainer *bg_create(const bg_config *c, char *err, size_t errlen);

/* Stops and joins the worker, frees everything, including a snapshot not
 * yet taken.  NULL is a no-op. */
void bg_free(bg_trainer *bg);

/* Starts a run on a private copy of `current` (borrowed only during the
 * call).  from_scratch: reinitialise the copy's weights first.  If a run
 * has finished on its own its thread is joined first.  0, or -1 if a run
 * is already going or the copy/thread could not be made (reason in err). */
int bg_start(bg_trainer *bg, const nn_model *current, int from_scratch, char *err,
             size_t errlen);

/* Asks the worker to stop, waits for it (about one training step) and
 * publishes the weights it reached as a final snapshot.  No-op when idle. */
void bg_stop(bg_trainer *bg);

/* 1 while the worker is working (a finished run reads 0 before bg_start
 * joins it). */
int bg_running(bg_trainer *bg);

/* Takes ownership of the newest snapshot if its version is newer than
 * *version, and updates *version.  Versions count from 1 per trainer (start
 * *version at 0 for a new trainer).  Returns the model (caller frees it with
 * nn_model_free) or NULL if nothing newer was published.  Snapshots carry
 * metadata "bg_version" and "bg_params_fnv1a" (a 64-bit FNV-1a of the
 * parameter bytes at publish time, hex) besides the model's own. */
nn_model *bg_take_snapshot(bg_trainer *bg, unsigned *version);

/* 1 if a run would have MNIST to learn from (in-memory data, loaded, or
 * the files present in the trainer's MNIST directory), else 0; the
 * directory looked in goes to dir (may be NULL).  UI thread. */
int bg_has_mnist(bg_trainer *bg, char *dir, size_t dirlen);

/* Copies the current status (under the trainer's lock). */
void bg_status_get(bg_trainer *bg, bg_status *out);

/* dp_corrections_add on the trainer's store: the set the next epoch trains
 * on.  Returns the number of drawings now labelled with that digit, or -1
 * with a reason in err (nothing added). */
int bg_add_user_sample(bg_trainer *bg, const ink_drawing *d, int label, char *err,
                       size_t errlen);

/* 64-bit FNV-1a over a model's parameter bytes (the checksum above). */
uint64_t bg_params_checksum(const nn_model *m);

#endif
