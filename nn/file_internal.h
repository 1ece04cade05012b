/* file_internal.h — test hooks of nn/file.c, not part of the public API.
 * Only tests include this (the library's own include path is private). */
#ifndef DIGITPAD_NN_FILE_INTERNAL_H
#define DIGITPAD_NN_FILE_INTERNAL_H

/* The steps of an atomic save, in order. */
typedef enum nn_file_step {
    NN_FILE_STEP_NONE = 0,
    NN_FILE_STEP_CREATE, /* creating the temporary file */
    NN_FILE_STEP_WRITE,  /* writing it (fails after writing half) */
    NN_FILE_STEP_FSYNC,  /* flushing it to disk */
    NN_FILE_STEP_CLOSE,  /* closing it */
    NN_FILE_STEP_RENAME, /* renaming it over the target */
    NN_FILE_STEP_COUNT
} nn_file_step;

/* TEST HOOK: makes the next nn_model_save calls on this thread fail at
 * `step` as if the system call had failed (EIO), until reset with
 * NN_FILE_STEP_NONE.  The setting is thread-local, so it never leaks into
 * other threads; normal code never calls this. */
void nn_file_set_fail_step(nn_file_step step);

#endif
