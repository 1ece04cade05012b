/* corrections.h — the person's labelled drawings, kept on disk and in
 * memory: one home for storing a labelled drawing (the S key, the digit
 * keys) and for the set the background trainer learns from (bgtrain.h).
 *
 * On disk a drawing is a line of a strokes file (ink.h) plus its 28×28
 * network input as a PGM beside it, named after the line's id.  The image is
 * written first and the line second, so the strokes file never names a
 * drawing whose image is missing; the image's name is reserved with O_EXCL
 * and ids carry the process id and a random part, so two windows storing
 * into one data directory never overwrite each other's pictures.
 *
 * Example
 *     dp_corrections *c = dp_corrections_open("<dir>/corrections.strokes", err, n);
 *     int k = dp_corrections_add(c, &drawing, 7, err, n);   // UI thread
 *     dp_corrections_snapshot(c, &img, &lab, &count);       // any thread
 *     dp_corrections_free(c);
 *
 * Thread safety: dp_corrections_add is for one thread at a time (the UI);
 * dp_corrections_snapshot and dp_corrections_counts may run on any thread
 * meanwhile (the store has its own lock). */
#ifndef DIGITPAD_CORRECTIONS_H
#define DIGITPAD_CORRECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "fileio.h"
#include "ink.h"

typedef struct dp_corrections dp_corrections;

/* Opens the store for the strokes file at path (NULL: memory only) and
 * loads the drawings it holds, leaving out damaged lines (counted, see
 * dp_corrections_counts) and lines without a digit label.  A missing file
 * is an empty store.  NULL with the reason in err on an I/O error or out of
 * memory. */
dp_corrections *dp_corrections_open(const char *path, char *err, size_t errlen);

/* Drawings above these sizes are left out when a file is loaded (counted,
 * see dp_corrections_report): a real drawing has a few hundred points, and
 * a file of huge lines must not cost minutes of rendering. */
#define DP_CORR_MAX_POINTS 20000
#define DP_CORR_MAX_DRAWINGS 20000

/* dp_corrections_open for the window: returns at once and loads the file
 * in a background thread, so the first frame never waits for it.  While
 * it loads, counts and snapshots hold the drawings loaded so far and
 * dp_corrections_add refuses ("still loading").  If the file cannot be
 * read the store keeps drawings in memory only (dp_corrections_path then
 * returns NULL) and dp_corrections_report says why.  NULL with the reason
 * in err only when out of memory or no thread could be started. */
dp_corrections *dp_corrections_open_background(const char *path, char *err, size_t errlen);

/* 1 while a background load is still running. */
int dp_corrections_loading(dp_corrections *c);

/* Once a load has finished: 1 and a one-line report in buf when there is
 * news (the file did not load, damaged lines or oversized drawings left
 * out), with *error set when it is a failure to read the file; 0 when
 * there is nothing to say or the load still runs.  Each report is given
 * once. */
int dp_corrections_report(dp_corrections *c, char *buf, size_t len, int *error);

/* Frees the store (stopping a background load first); NULL is a no-op.
 * Files are left as they are.  Returns within DP_CORR_STOP_MS even when a
 * background load is stuck in a read (a hung file system): the loader is
 * then left to finish on its own and frees the store itself, so quitting
 * the window never waits for it. */
void dp_corrections_free(dp_corrections *c);
#define DP_CORR_STOP_MS 500

/* For tests: the next background load this thread starts
 * (dp_corrections_open_background) first reads one byte from fd, so a test
 * can hold a loader as a stuck read would (a pipe's read end; writing a
 * byte or closing the write end lets it go).  The loader then closes fd:
 * it is the loader's from the call on, as only the loader knows when it
 * has stopped reading it.  -1: none (the default). */
void dp_corrections_test_hold_loader(int fd);

/* Stores a drawing labelled 0..9: renders its network input
 * (ink_preprocess), writes the image and the strokes line (when the store
 * has a file) and adds it to the in-memory set.  Returns how many drawings
 * now carry that label, or -1 (empty drawing, bad label, I/O error, out of
 * memory) with the reason in err; on an error nothing is added anywhere.
 * When the file's directory, there when the store opened, no longer
 * exists (the data directory deleted while the window runs; a directory
 * that was never there is an error as above), the drawing is added to the
 * in-memory set all the same and the store keeps drawings in memory only
 * from then on: dp_corrections_path returns NULL, dp_corrections_why_memory
 * says why. */
int dp_corrections_add(dp_corrections *c, const ink_drawing *d, int label, char *err,
                       size_t errlen);

/* The longest id a drawing gets (dp_store_labelled's, or "mem-N" for a
 * memory-only store), with its terminator. */
#define DP_CORR_ID_LEN 128

/* dp_corrections_add that also gives the drawing's id (the handle
 * dp_corrections_retract takes) in id (idlen bytes; may be NULL). */
int dp_corrections_add_id(dp_corrections *c, const ink_drawing *d, int label, char *id,
                          size_t idlen, char *err, size_t errlen);

/* Takes a stored drawing back out (undo): removes it from the in-memory set
 * and, when the store has a file, appends a retraction record for its id
 * under the file's lock and deletes its image, so the next open leaves it
 * out; safe beside another window appending to the same file.  A model
 * already trained on it is not affected.  0, or -1 with the reason in err
 * (unknown id, still loading, I/O error: then nothing changed). */
int dp_corrections_retract(dp_corrections *c, const char *id, char *err, size_t errlen);

/* A copy of the in-memory set as of now: n images of INK_INPUT_SIZE bytes
 * (0..255) and n labels, both malloc'd (caller frees; never NULL on
 * success, even when n is 0).  0, or -1 when out of memory. */
int dp_corrections_snapshot(dp_corrections *c, uint8_t **img, uint8_t **lab, size_t *n);

/* Counts: total drawings, per digit (count may be NULL), damaged lines
 * left out at open (skipped may be NULL) and the first one's reason
 * ("path:line: reason", why may be NULL). */
void dp_corrections_counts(dp_corrections *c, size_t *total, size_t count[10], size_t *skipped,
                           char *why, size_t whylen);

/* The path of the strokes file, or NULL for a memory-only store (also
 * after a background load failed, or once the file's directory vanished). */
const char *dp_corrections_path(dp_corrections *c);

/* Why a store that was given a file keeps drawings in memory only: 1 and
 * the reason in buf ("<file>: is a FIFO, not a strokes file", "<dir> no
 * longer exists"), or 0 when it writes to its file or never had one. */
int dp_corrections_why_memory(dp_corrections *c, char *buf, size_t len);

/* The rule both stores follow, also for drawings saved with S: writes the
 * 28×28 input to "<pgm_prefix><id>.pgm" under a fresh unique id (O_EXCL),
 * then appends (label, id, strokes) to strokes_path; if the line cannot be
 * written the image is removed again.  id_prefix starts the id ("user-").
 * label is 0..9 or -1 ('?').  The id used goes to id (idlen bytes, may be
 * NULL).  0, or -1 with the reason in err, nothing left behind. */
int dp_store_labelled(const char *strokes_path, const char *pgm_prefix, const char *id_prefix,
                      const ink_drawing *d, const float input[INK_INPUT_SIZE], int label,
                      char *id, size_t idlen, char *err, size_t errlen);

/* Where a store keeps the images of the strokes file at path:
 * "<path without .strokes>-" in buf.  0, or -1 if it does not fit. */
int dp_corrections_pgm_prefix(const char *path, char *buf, size_t len);

/* Removes what a store's writer left when it was killed mid-save (the
 * window sweeps its data directory at start):
 * - temps: the temporary files of cut-short image saves beside the
 *   images, and of any file whose name starts with the same stem
 *   (fileio_sweep_temps: only those of processes that are gone);
 * - orphans: the images "<pgm_prefix><id>.pgm" dp_store_labelled wrote
 *   for a line it never appended: images whose id carries a pid (every id
 *   since issue 18) of a process that is gone (fileio_process_gone; never
 *   one of a live process, which may be about to append its line, nor
 *   our own) and that the strokes file does not mention anywhere.  Ids
 *   without a pid are left alone.  The file is read only when such an
 *   image exists.
 * Both count what was removed.  0, or -1 with the reason in err when the
 * directory or the file cannot be read (then no image is removed) or a
 * file cannot be removed. */
int dp_sweep_store(const char *strokes_path, const char *pgm_prefix, fileio_swept *temps,
                   fileio_swept *orphans, char *err, size_t errlen);

/* Converts a network input (floats in [0,1]) to bytes, rounding. */
void dp_input_to_u8(const float *x, uint8_t *out);

#endif
