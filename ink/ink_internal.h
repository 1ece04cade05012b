/* ink_internal.h — helpers shared by the ink/ sources, not part of the
 * public API (include/ink.h). */
#ifndef DIGITPAD_INK_INTERNAL_H
#define DIGITPAD_INK_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

/* Writes a printf-style one-line message into the caller's err buffer
 * (nothing if err is NULL or errlen is 0). */
void ink_set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* fopen(path, "rb") for a file that must be a regular file: a directory
 * or a FIFO gets a one-line message in err instead (`what` names the kind
 * of file expected, "an image"), and a FIFO never blocks the open.
 * Returns NULL on failure. */
FILE *ink_fopen_regular(const char *path, const char *what, char *err, size_t errlen);

/* ---------------------------------------------------------- test hook */

/* The system calls of the two writers, in order.  ink_append_sample goes
 * through OPEN, WRITE or SHORT_WRITE, FSYNC, CLOSE; ink_write_pgm through
 * OPEN (its mkstemp), WRITE or SHORT_WRITE, FSYNC, CLOSE, CHMOD, RENAME.
 * A step a writer does not have is ignored by it. */
typedef enum ink_file_step {
    INK_FILE_STEP_NONE = 0,
    INK_FILE_STEP_OPEN,        /* open / mkstemp fails (EIO) */
    INK_FILE_STEP_WRITE,       /* write fails (EIO) after storing half the bytes */
    INK_FILE_STEP_SHORT_WRITE, /* write stores half and returns that, as on a
                                * full disk; a retry then fails with ENOSPC */
    INK_FILE_STEP_FSYNC,       /* fsync fails (EIO) */
    INK_FILE_STEP_CLOSE,       /* close fails (EIO); the descriptor is gone */
    INK_FILE_STEP_CHMOD,       /* chmod of the temporary file fails (EIO) */
    INK_FILE_STEP_RENAME,      /* rename over the target fails (EIO) */
    INK_FILE_STEP_COUNT
} ink_file_step;

/* TEST HOOK: makes the next ink_append_sample / ink_write_pgm calls on this
 * thread fail at `step` as if the system call had failed, until reset with
 * INK_FILE_STEP_NONE.  Thread-local (like nn_file_set_fail_step), so it
 * never leaks into other threads; normal code never calls this. */
void ink_file_set_fail_step(ink_file_step step);

/* Used by ink/'s writers: 1 (with errno set) when the hook says `step`
 * must fail now. */
int ink_file_inject(ink_file_step step);

/* write(2) with the hook's WRITE and SHORT_WRITE steps applied; `first` is
 * 1 for the first write of a save (the injected short write happens there,
 * later writes of the same save fail). */
long ink_file_write(int fd, const void *buf, size_t len, int first);

#endif
