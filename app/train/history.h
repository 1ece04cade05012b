/* history.h — the person's recent drawings: what each was read as, the
 * label it was given and whether a fine-tune has learnt it.  The window
 * shows them newest first and brings one back on a click.
 *
 * On disk it is a strokes file (ink.h's format, so --predict-strokes reads
 * it too) in the data directory, "history.strokes", by the corrections'
 * rules: opened only if it is a regular file; a new drawing is appended as
 * one line under an exclusive lock (ink_append_sample: one write, fsync,
 * a failed write truncated back); everything else (delete, clear, the cap,
 * learnt marks) rewrites the file atomically (fileio_save: temp + rename),
 * after reading it again, so another window's appends are kept; a damaged
 * line (a write cut short by a crash, a hand edit) is skipped and counted.
 * The extra fields ride in the id token:
 *     <label|?> <id>.p<pred>.c<per mille>.u<unsure>.l<learnt> | strokes
 * (pred -1: no answer).  At most DP_HISTORY_MAX drawings are kept; the
 * oldest go first, and the calls that drop some say how many.
 *
 * Example
 *     dp_history *h = dp_history_open("/home/me/.local/share/digitpad/history.strokes",
 *                                     err, sizeof err);
 *     dp_history_add(h, &drawing, 7, 930, 0, -1, 0, &dropped, err, sizeof err);
 *     const dp_history_entry *e = dp_history_get(h, 0);   // newest
 *     dp_history_free(h);
 *
 * Used by the UI thread only: no lock. */
#ifndef DIGITPAD_HISTORY_H
#define DIGITPAD_HISTORY_H

#include <stddef.h>

#include "ink.h"

#define DP_HISTORY_NAME "history.strokes"
#define DP_HISTORY_MAX 200       /* drawings kept; the oldest go first */
#define DP_HISTORY_MAX_POINTS 20000 /* a bigger drawing is not kept */
#define DP_HISTORY_ID_LEN 64

typedef struct dp_history_entry {
    char id[DP_HISTORY_ID_LEN]; /* unique: time, process, random part */
    ink_drawing drawing;
    int pred;                   /* the digit it was read as, -1: none */
    int conf;                   /* that output's value, per mille */
    int unsure;                 /* below the model's threshold */
    int label;                  /* the person's label (a digit key), -1: none */
    int learnt;                 /* a fine-tune started after it was labelled */
} dp_history_entry;

typedef struct dp_history dp_history;

/* Opens the history at path, loading what is there (absent: empty), or a
 * history in memory only (path NULL).  A file with more than
 * DP_HISTORY_MAX drawings keeps the newest (the file is rewritten).
 * Returns the store, or NULL with err set (path not a regular file, an I/O
 * error, out of memory); the caller may then open one in memory. */
dp_history *dp_history_open(const char *path, char *err, size_t errlen);
/* Frees it; NULL is a no-op. */
void dp_history_free(dp_history *h);

/* How many drawings it holds; the i-th newest (0: the newest), borrowed
 * until the next call that changes the store; NULL past the end. */
size_t dp_history_count(const dp_history *h);
const dp_history_entry *dp_history_get(const dp_history *h, size_t i);
/* The index of the drawing with that id, or -1. */
long dp_history_find(const dp_history *h, const char *id);
/* Damaged lines the last load left out (0: none), and the first one's
 * "path:line: reason" in why. */
size_t dp_history_skipped(const dp_history *h, char *why, size_t len);
/* The file, or NULL in memory only. */
const char *dp_history_path(const dp_history *h);

/* Adds a drawing as the newest (copied; an empty one, or one of more than
 * DP_HISTORY_MAX_POINTS points, is refused).  *dropped (may be NULL) gets
 * how many of the oldest went to keep DP_HISTORY_MAX.  id (may be NULL)
 * gets the new drawing's id.  0, or -1 with err set (nothing changed in
 * memory or on disk). */
int dp_history_add(dp_history *h, const ink_drawing *d, int pred, int conf, int unsure,
                   int label, int learnt, size_t *dropped, char *id, size_t idlen, char *err,
                   size_t errlen);
/* Deletes the drawing with that id / every drawing.  0, or -1 with err set
 * (memory and file unchanged). */
int dp_history_delete(dp_history *h, const char *id, char *err, size_t errlen);
int dp_history_clear(dp_history *h, char *err, size_t errlen);
/* A fine-tune started: every labelled drawing counts as learnt.  0 (also
 * when none changed), or -1 with err set. */
int dp_history_mark_learnt(dp_history *h, char *err, size_t errlen);

#endif
