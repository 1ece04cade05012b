/* fileio.h — the one small POSIX file layer under nn/ and ink/: open a
 * regular file only, save a file atomically, the test hook that fails one
 * step of a save.  Internal (not in include/): nn/ and ink/ link it, and it
 * links nothing of theirs, so dependencies point down (app -> nn, ink ->
 * base).  It never prints: every failure is one line in the caller's err
 * buffer, starting with the path, for the caller's tier to pass on. */
#ifndef DIGITPAD_BASE_FILEIO_H
#define DIGITPAD_BASE_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kind of node a stat mode names, for messages: "directory", "FIFO",
 * "character device", "block device", "socket", "symbolic link" or
 * "regular file". */
const char *fileio_kind(mode_t mode);

/* Opens path read-only (close-on-exec) if it is a regular file, and sets
 * *size (if not NULL) to its size.  A FIFO never blocks the open (O_NONBLOCK
 * until fstat has looked; the returned descriptor blocks as usual).  Returns
 * the descriptor, or -1 with err set to "PATH: no such file", "PATH: cannot
 * open: <reason>" or "PATH: is a <kind>, not <what>" (what: "a model file",
 * "an image", ...). */
int fileio_open_regular(const char *path, const char *what, uint64_t *size, char *err,
                        size_t errlen);

/* 0 if path is absent or a regular file (a symbolic link counts as a link,
 * not as what it points to), else -1 with err "PATH: is a <kind>, not a
 * regular file; refusing to replace it".  Saves call it first, so a device,
 * a FIFO or a link is never replaced by a regular file. */
int fileio_check_target(const char *path, char *err, size_t errlen);

/* Opens path for appending (read-write, O_APPEND, close-on-exec), creating
 * it (0644) if absent.  Like a save, it never writes through a symbolic
 * link (O_NOFOLLOW) or into a FIFO or device: those are refused with
 * "PATH: is a <kind>, not a regular file; refusing to append to it".
 * Returns the descriptor, or -1 with err set ("PATH: cannot open: ..."). */
int fileio_open_append(const char *path, char *err, size_t errlen);

/* Called by fileio_save with the finished temporary file (written, synced,
 * closed) before it replaces the target: 0 to go on, or -1 with a reason in
 * err (without the path; the save adds it). */
typedef int (*fileio_check_fn)(const char *tmp_path, void *user, char *err, size_t errlen);

enum {
    FILEIO_REPLACE = 0,    /* replace an existing regular file */
    FILEIO_NO_REPLACE = 1  /* fail if path exists: never overwrite anything */
};

/* Writes len bytes to path atomically: path must be absent or a regular
 * file (fileio_check_target); the bytes go to PATH.tmp.<pid>.XXXXXX beside
 * it (<pid>: this process's, see fileio_sweep_temps),
 * which is fsync'd, closed, given the previous file's mode (else 0644),
 * checked by `check` (may be NULL), then renamed over path (NO_REPLACE:
 * linked to it, failing if it exists), and the directory is fsync'd.  On
 * any failure the temporary file is removed, whatever was at path is
 * untouched, and err says so: "PATH: <step>: <reason> (any previous file is
 * unchanged)".  Returns 0 or -1. */
int fileio_save(const char *path, const void *data, size_t len, int flags,
                fileio_check_fn check, void *user, char *err, size_t errlen);

/* ----------------------------------------- leftovers of killed saves */

/* 1 if no process pid exists (kill(pid, 0) fails with ESRCH), so whatever
 * it was writing will never be finished; 0 for a live process (also one
 * of another user: EPERM), for our own pid and for a pid <= 0.  A pid can
 * be reused, which only ever makes a dead writer look alive. */
int fileio_process_gone(long pid);

/* Temporary files untouched for longer than this (seconds) count as
 * abandoned when their name carries no pid (fileio_sweep_temps). */
#define FILEIO_OLD_TEMP_AGE 3600

/* What fileio_sweep_temps removed. */
typedef struct fileio_swept {
    size_t files;
    uint64_t bytes;
} fileio_swept;

/* Removes from dir the temporary files of saves (fileio_save) that were
 * cut short, of final names starting with prefix ("model.safetensors"
 * sweeps its own; "corrections-" the images of corrections): regular files
 * named "<name>.tmp.<pid>.XXXXXX" whose process is gone
 * (fileio_process_gone), never one of a live process or of this one, and
 * "<name>.tmp.XXXXXX" (written before pids were in the names) last
 * modified over FILEIO_OLD_TEMP_AGE seconds ago.  *out counts what was
 * removed.  0 (also when dir does not exist), or -1 with err set when dir
 * cannot be listed or a file could not be removed (*out still counts the
 * others). */
int fileio_sweep_temps(const char *dir, const char *prefix, fileio_swept *out, char *err,
                       size_t errlen);

/* ---------------------------------------------------------- test hook */

/* The system calls of the writers, in order.  fileio_save goes through
 * OPEN (its mkstemp), WRITE or SHORT_WRITE, FSYNC, CLOSE, CHMOD, RENAME;
 * ink_append_sample through OPEN, WRITE or SHORT_WRITE, FSYNC, CLOSE.  A
 * step a writer does not have is ignored by it. */
typedef enum fileio_step {
    FILEIO_STEP_NONE = 0,
    FILEIO_STEP_OPEN,        /* open / mkstemp fails (EIO) */
    FILEIO_STEP_WRITE,       /* write fails (EIO) after storing half the bytes */
    FILEIO_STEP_SHORT_WRITE, /* write stores half and returns that, as on a
                              * full disk; a retry then fails with ENOSPC */
    FILEIO_STEP_FSYNC,       /* fsync fails (EIO) */
    FILEIO_STEP_CLOSE,       /* close fails (EIO); the descriptor is gone */
    FILEIO_STEP_CHMOD,       /* setting the temporary file's mode fails (EIO) */
    FILEIO_STEP_RENAME,      /* rename (or link) over the target fails (EIO) */
    FILEIO_STEP_COUNT
} fileio_step;

/* TEST HOOK: makes the next saves on this thread fail at `step` as if the
 * system call had failed, until reset with FILEIO_STEP_NONE.  Thread-local,
 * so it never leaks into other threads; normal code never calls this. */
void fileio_set_fail_step(fileio_step step);

/* For writers built on this layer: 1 (with errno set to EIO) when the hook
 * says `step` must fail now. */
int fileio_inject(fileio_step step);

/* write(2) with the hook's WRITE and SHORT_WRITE steps applied; `first` is
 * 1 for the first write of a save (the injected short write happens there,
 * later writes of the same save fail). */
long fileio_write(int fd, const void *buf, size_t len, int first);

#endif
