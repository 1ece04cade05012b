/* ink_internal.h — helpers shared by the ink/ sources, not part of the
 * public API (include/ink.h). */
#ifndef DIGITPAD_INK_INTERNAL_H
#define DIGITPAD_INK_INTERNAL_H

#include <stddef.h>

/* Writes a printf-style one-line message into the caller's err buffer
 * (nothing if err is NULL or errlen is 0). */
void ink_set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
