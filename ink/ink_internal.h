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
 * drawing's prediction): ink_render_box clears and draws only the
 * rectangle the strokes can reach, [box[0], box[2]) × [box[1], box[3])
 * (empty, all 0, when nothing is drawn), leaving the rest of pix as it
 * was; ink_normalize_box reads only that rectangle and gives exactly what
 * ink_normalize gives for the whole canvas with zeros outside it, bit for
 * bit (the pixels it skips are paper, which adds nothing to any sum). */
struct ink_drawing;
void ink_render_box(const struct ink_drawing *d, float *pix, int w, int h, float brush,
                    int box[4]);
int ink_normalize_box(const float *pix, int w, int h, const int box[4], float out[784]);

/* Saves and their test hook live in base/fileio.h. */

#endif
