/* bgtrain_internal.h — private to bgtrain.c and bgtrain_worker.c: the
 * trainer's state, shared by the control functions (UI thread) and the
 * worker thread, and the helpers both use.  No SDL here. */
#ifndef DIGITPAD_BGTRAIN_INTERNAL_H
#define DIGITPAD_BGTRAIN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "bgtrain.h"
#include "nn_data.h"


struct bg_trainer {
    bg_config cfg;            /* strings below replace the caller's */
    char *mnist_dir;          /* where the next run looks (absolute) */
    char *mnist_given;        /* the caller's directory (NULL: looked up) */
    dp_corrections *corr;     /* the person's drawings (corrections.h) */
    int own_corr;             /* opened by bg_create from user_samples_path */

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

    /* Worker only (handed over by bg_start before the thread starts and
     * never touched by the UI thread until it is joined). */
    nn_model *model;
    int from_scratch;
    unsigned run;
    int mnist_state;          /* 0 not tried, 1 loaded, -1 missing */
    char mnist_msg[1024];     /* an absolute path and the loader's reason */
    nn_dataset mnist_train, mnist_test;
    double t0, last_check, last_publish, last_point;
    double samples_before;    /* samples of this run's finished epochs */
};

/* Monotonic clock in seconds. */
double bg_now_s(void);

/* The status message (printf-style).  Called with mu held. */
void bg_status_msg(bg_trainer *bg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The worker thread's body (pthread_create's start routine; arg: the
 * bg_trainer, set up by bg_start). */
void *bg_worker(void *arg);

#endif
