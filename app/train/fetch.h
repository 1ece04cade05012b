/* fetch.h — gets MNIST by running the project's fetch script
 * (scripts/fetch-mnist.sh, installed as digitpad-fetch-mnist) as a child
 * process, without blocking: the caller polls it once a frame, reads its
 * progress and can cancel it.  The script checks every file's SHA-256 and
 * moves them into place only once all four are there, so a failed or
 * cancelled fetch leaves no partial dataset.  No SDL here.
 *
 *     dp_fetch *f = dp_fetch_start(script, dest, NULL, err, sizeof err);
 *     while (dp_fetch_poll(f) == DP_FETCH_RUNNING) draw(dp_fetch_line(f));
 *     dp_fetch_free(f);
 */
#ifndef DIGITPAD_FETCH_H
#define DIGITPAD_FETCH_H

#include <stddef.h>

#define DP_FETCH_FILES 4 /* MNIST's four files */

typedef enum dp_fetch_state {
    DP_FETCH_RUNNING,
    DP_FETCH_DONE,      /* all four files verified in dest */
    DP_FETCH_FAILED,    /* dp_fetch_reason says why */
    DP_FETCH_OFFLINE,   /* no source could be reached: no network */
    DP_FETCH_CANCELLED  /* dp_fetch_cancel, or the script was killed */
} dp_fetch_state;

typedef struct dp_fetch dp_fetch;

/* Finds the fetch script: digitpad-fetch-mnist beside the executable (an
 * install), else scripts/fetch-mnist.sh of the source tree (paths.h's
 * dp_find_data_file).  0 with the path in buf, or -1. */
int dp_fetch_script(char *buf, size_t len);

/* Runs `bash script [--from from] dest` in a process group of its own,
 * its output read through a pipe.  from: a local copy (raw or .gz files;
 * NULL: download).  Returns the running fetch, or NULL with a reason in
 * err. */
dp_fetch *dp_fetch_start(const char *script, const char *dest, const char *from, char *err,
                         size_t errlen);

/* Reads what the script printed since the last call and whether it has
 * ended; never blocks. */
dp_fetch_state dp_fetch_poll(dp_fetch *f);

/* The script's last line of output ("" before any), borrowed until the
 * next poll. */
const char *dp_fetch_line(const dp_fetch *f);

/* Files verified so far (0..DP_FETCH_FILES). */
int dp_fetch_files(const dp_fetch *f);

/* Why it failed: the script's first error line, or how it ended (borrowed). */
const char *dp_fetch_reason(const dp_fetch *f);

/* Asks the script (and its downloads) to stop: SIGTERM to its process
 * group.  dp_fetch_poll then reports DP_FETCH_CANCELLED once it has
 * ended. */
void dp_fetch_cancel(dp_fetch *f);

/* Cancels a fetch still running, waits for it (at most about 2 s, then
 * SIGKILL) and frees everything.  NULL is a no-op. */
void dp_fetch_free(dp_fetch *f);

#endif
