/* progress.h — training progress on stderr: a live one-line bar on a
 * terminal, or a plain line every few seconds when the output is a log
 * (CI), so logs stay readable. */
#ifndef DIGITPAD_PROGRESS_H
#define DIGITPAD_PROGRESS_H

#include <stdio.h>

#include "nn.h"

typedef struct dp_progress {
    FILE *out;
    int tty;              /* 1: redraw one line in place */
    double interval_s;    /* time between updates */
    double last_s;        /* monotonic time of the last update, < 0: none */
    int columns;          /* terminal width (tty mode) */
    int bar_shown;        /* a bar is on screen and must be cleared */
} dp_progress;

/* Monotonic seconds (CLOCK_MONOTONIC). */
double dp_now(void);

/* Sets up for out (usually stderr); tty mode if out is a terminal and the
 * environment variable DIGITPAD_PROGRESS is not "plain". */
void dp_progress_init(dp_progress *p, FILE *out);

/* An nn_progress_fn: `user` is a dp_progress.  Never asks to stop. */
int dp_progress_cb(const nn_progress *np, void *user);

/* Removes a live bar (before printing a normal line). */
void dp_progress_clear(dp_progress *p);

/* Decimal digits of n >= 0 (for aligning "epoch  3/12"). */
int dp_digits(long n);

/* "1:02:03", "4:05" or "7s" for a duration in seconds. */
void dp_format_duration(double s, char *buf, size_t len);

#endif
