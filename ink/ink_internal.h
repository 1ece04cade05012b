/* ink_internal.h — helpers shared by the ink/ sources, not part of the
 * public API (include/ink.h). */
#ifndef DIGITPAD_INK_INTERNAL_H
#define DIGITPAD_INK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
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

/* The PGM header's tokens (image_probe.c), shared by the probe and the
 * PGM reader (image.c): a cursor over the file's bytes, netpbm's
 * whitespace, and an unsigned decimal after whitespace and '#' comments
 * (at most max; -1 if absent or larger). */
typedef struct ink_cursor {
    const unsigned char *p, *end;
} ink_cursor;
int ink_pgm_space(unsigned char c);
long ink_pgm_uint(ink_cursor *c, long max);

/* A little-endian 32-bit value (BMP headers). */
uint32_t ink_le32(const unsigned char *p);

/* The window's preprocessing without touching the whole canvas (a 560×560
 * float canvas is 1.2 MB, and clearing and scanning it was a third of a
 * drawing's prediction): ink_render_rows draws d as ink_render does but
 * clears and draws each row j only on [lo[j], hi[j]), the hull of the
 * spans the brush reaches there (lo[j] >= hi[j]: nothing; lo and hi hold
 * h ints), leaving the rest of pix as it was, whatever that is;
 * ink_normalize_rows reads only those spans and gives exactly what
 * ink_normalize gives for the whole canvas with zeros outside them, bit for
 * bit (the pixels it skips are paper, which adds nothing to any sum), or
 * -1 when out of memory. */
struct ink_drawing;
void ink_render_rows(const struct ink_drawing *d, float *pix, int w, int h, float brush, int *lo,
                     int *hi);
int ink_normalize_rows(const float *pix, int w, int h, const int *lo, const int *hi,
                       float out[784]);

/* Saves and their test hook live in base/fileio.h. */

#endif
