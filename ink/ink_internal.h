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

/* Saves and their test hook live in base/fileio.h. */

#endif
