/* threads.h — how many OpenMP threads this process can really start, found
 * at start-up, before any parallel region.  libgomp ends the process with
 * "Thread creation failed" (exit 1, which the exit table gives to
 * --min-accuracy) when it cannot start a team's thread, for instance under
 * `ulimit -v` with --threads 64 or OMP_NUM_THREADS=64; a probe with the
 * stack size libgomp uses finds the count that works first, and the
 * process then never asks for more. */
#ifndef DIGITPAD_THREADS_H
#define DIGITPAD_THREADS_H

#include <stddef.h>

/* Probes how many threads can run at once (the caller plus workers made
 * with libgomp's stack size: OMP_STACKSIZE or GOMP_STACKSIZE, else the
 * default), for the larger of *threads (--threads; < 0: one a core) and
 * the OpenMP default (OMP_NUM_THREADS); under an address-space limit
 * (ulimit -v) no more count than fit their stacks in half of it, and
 * glibc is held to one malloc arena.  If fewer can run, the count used
 * is half of those (at least 1: the rest of the memory is the work's), the
 * OpenMP default is lowered to it, *threads is clamped to it (a default
 * that would exceed it becomes it) and note gets one line saying so, e.g.
 * "--threads 64: only 12 threads could be started (a memory or process
 * limit?); using 6"; else note is "".  Then, when start_team is set, starts
 * the calling thread's team, so libgomp's threads exist before anything is
 * loaded.  The window passes 0: its UI thread runs no parallel region, and
 * a team kept idle there would count against the trainer's (libgomp stops
 * spinning at barriers when it manages more threads than there are cores,
 * and the trainer's threads then sleep and wake at every step).  Returns
 * the count (>= 1: the calling thread always works).  Without OpenMP: 1,
 * nothing done. */
int dp_threads_clamp(int *threads, int start_team, char *note, size_t notelen);

#endif
