/* ink.h — from what a person draws to what the network sees.
 *
 * Drawings are kept as strokes (lists of points) in a 1000×1000 box whose y
 * axis points down; the box maps onto the whole canvas whatever its size.
 * This module renders strokes with an anti-aliased round brush, and turns a
 * rendering (or any grey image) into a 28×28 MNIST-style input: crop to the
 * ink, fit into 20×20 keeping the aspect ratio with area averaging, and
 * place in 28×28 so the centre of mass sits at the centre (LeCun et al.'s
 * recipe for MNIST itself).  It also reads and writes strokes files and
 * reads PGM/BMP images.  No SDL, no printing; functions that can fail return
 * 0 on success or -1 with a one-line message in the caller's err buffer.
 *
 * Data flow:  strokes --ink_render--> canvas pixels --ink_normalize-->
 *             28×28 floats --nn_forward (nn.h)--> ten sigmoid outputs.
 * ink_preprocess() is that whole pipeline as the app and CLI both use it.
 *
 * Example
 *     ink_drawing d; ink_drawing_init(&d);
 *     ink_stroke_begin(&d); ink_stroke_add(&d, 500, 100); ink_stroke_add(&d, 500, 900);
 *     float x[INK_INPUT_SIZE];
 *     if (ink_preprocess(&d, x)) ... x is a centred "1" ...
 *     ink_drawing_free(&d);
 */
#ifndef DIGITPAD_INK_H
#define DIGITPAD_INK_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define INK_BOX 1000.0f     /* stroke coordinates span [0, INK_BOX) */
#define INK_SIDE 28         /* network input is INK_SIDE × INK_SIDE */
#define INK_INPUT_SIZE (INK_SIDE * INK_SIDE)
#define INK_FIT 20          /* the ink's bounding box is fitted into FIT×FIT */
#define INK_MIN_EXTENT 0.15f /* ink smaller than this part of the image is not enlarged further */
#define INK_COM 14.5        /* where the ink's centre of mass goes (x and y; pixel i
                               spans [i, i+1)): ink/normalize.c says why 14.5 */
#define INK_CANVAS_PX 560   /* the default canvas size in pixels */

/* ------------------------------------------------------------- drawings */

typedef struct ink_point { float x, y; } ink_point;

typedef struct ink_stroke {
    ink_point *pts;
    size_t n, cap;
} ink_stroke;

/* A drawing owns its strokes and their points. */
typedef struct ink_drawing {
    ink_stroke *strokes;
    size_t n, cap;
} ink_drawing;

void ink_drawing_init(ink_drawing *d);
/* Frees everything and re-inits; safe on an initialised empty drawing. */
void ink_drawing_free(ink_drawing *d);
/* Removes all strokes, keeping the allocations for reuse. */
void ink_drawing_clear(ink_drawing *d);
/* Starts a new, empty stroke.  0 or -1 on allocation failure. */
int ink_stroke_begin(ink_drawing *d);
/* Appends a point to the last stroke (starting one if there is none). */
int ink_stroke_add(ink_drawing *d, float x, float y);
/* Removes the last stroke; returns 1 if one was removed, 0 if empty. */
int ink_undo(ink_drawing *d);
/* Deep copy into dst (which must be initialised; its old content is freed). */
int ink_drawing_copy(ink_drawing *dst, const ink_drawing *src);
/* Total number of points in all strokes. */
size_t ink_point_count(const ink_drawing *d);

/* ------------------------------------------------------------ rendering */

/* The brush diameter in box units that the app draws with. */
float ink_default_brush(void);

/* The brush diameter in box units that d is rendered with for the network:
 * a fixed fraction of the drawing's larger extent, so the same digit drawn
 * small or large normalises to the same stroke width, as MNIST's digits
 * (written at one pen width, then scaled to 20×20) mostly do.  A drawing
 * filling the box gets ink_default_brush(); a tiny one no less than a
 * quarter of it.  0 for an empty drawing. */
float ink_brush_for(const ink_drawing *d);

/* Renders d into pix (w×h floats, row-major, 0 = paper, 1 = ink), which it
 * first clears.  The box maps onto the whole w×h area; brush is the pen's
 * diameter in box units.  Each stroke is a chain of round-capped segments
 * with anti-aliased edges (coverage from the distance to the segment), so a
 * fast stroke has no gaps and a single point is a dot. */
void ink_render(const ink_drawing *d, float *pix, int w, int h, float brush);

/* ---------------------------------------------------------- preprocessing */

/* MNIST-style normalisation of a grey image (w×h floats, ink high): crop to
 * the ink's bounding box, scale to fit INK_FIT×INK_FIT keeping the aspect
 * ratio with area averaging (ink smaller than INK_MIN_EXTENT of the image's
 * larger side is enlarged only as much as ink of that size), and place it
 * in 28×28 so that the centre of mass lands on the centre (pixel index
 * (14, 14), where MNIST's own digits have theirs, with sub-pixel precision).  out gets 784 floats in [0,1].
 * Returns 1, or 0 (out all zero) when the image has no ink. */
int ink_normalize(const float *pix, int w, int h, float out[INK_INPUT_SIZE]);

/* Where ink_normalize puts an image's ink: its bounding box (x0..x1,
 * y0..y1, inclusive, in source pixels), its centre of mass (com_x, com_y;
 * pixel x spans [x, x+1)) and the scale (input pixels per source pixel).
 * Source point (x, y) lands at input coordinate
 * (INK_COM + (x - com_x)·scale, INK_COM + (y - com_y)·scale), before
 * ink_normalize's correction passes move it by a fraction of a pixel.  For
 * whatever must sit on the ink the input came from, e.g. a saliency
 * overlay on the canvas, so it is measured by the same rule. */
typedef struct ink_placement {
    int x0, y0, x1, y1;
    double com_x, com_y;
    double scale;
} ink_placement;

/* Measures *p for a w×h grey image (ink high) as ink_normalize would.
 * Returns 1, or 0 (*p untouched) when the image has no ink or no pixels. */
int ink_normalize_placement(const float *pix, int w, int h, ink_placement *p);

/* The raw canvas shrunk to 28×28 by area averaging, without cropping or
 * centring: what a naive app would feed the network (the app's P view). */
void ink_downsample(const float *pix, int w, int h, float out[INK_INPUT_SIZE]);

/* The whole pipeline the app feeds the network with: render d on the
 * default-size canvas with ink_brush_for(d), then ink_normalize.  Returns 1,
 * or 0 for an empty drawing, or -1 if scratch memory could not be had. */
int ink_preprocess(const ink_drawing *d, float out[INK_INPUT_SIZE]);

/* ink_preprocess with the pen brush_scale times as wide as ink_brush_for(d)
 * (1: exactly ink_preprocess), for training on drawings in the range of
 * widths the window's ink takes (see DP_REDRAW_BRUSH_MIN in the app's
 * synth.h).  0 also for a brush_scale that is not above 0. */
int ink_preprocess_brush(const ink_drawing *d, float brush_scale, float out[INK_INPUT_SIZE]);

/* img (w×h floats, ink high, at most 112 pixels a side: an MNIST digit,
 * say) redrawn as if with the app's pen: the ink at grey level 0.5 or more
 * is thinned to its one-pixel centre line on a grid enlarged to about 112
 * pixels a side, inked again along that line with a round anti-aliased
 * brush of even width, brush_scale times the width ink_brush_for() gives a
 * drawing of that extent, then ink_normalize()d.  So a scanned pen-and-paper
 * digit becomes the kind of input the window makes from a drawing, for
 * training and for testing on (see docs/model.md).  Returns 1, or 0 (out
 * all zero) when nothing reaches 0.5 or the arguments are out of range, or
 * -1 if scratch memory could not be had. */
int ink_redraw(const float *img, int w, int h, float brush_scale, float out[INK_INPUT_SIZE]);

/* ---------------------------------------------------------- strokes files */

/* One line of a strokes file:
 *     <label> <id> | x,y x,y x,y ; x,y x,y
 * label is a digit or '?'; id is a token without spaces; strokes are
 * separated by ';' and points by spaces.  '#' starts a comment line. */
typedef struct ink_sample {
    int label;        /* 0..9, or -1 for '?' */
    char id[128];
    ink_drawing drawing;
} ink_sample;

/* Parses one line.  Returns 1 for a sample (caller frees out->drawing with
 * ink_drawing_free), 0 for a blank or comment line (out untouched), -1 for a
 * malformed line with the reason in err. */
int ink_parse_line(const char *line, ink_sample *out, char *err, size_t errlen);

/* Reads every sample of a strokes file into a new array (*out, *n).  Free it
 * with ink_samples_free.  -1 with "path:line: reason" in err on the first
 * malformed line or on an I/O error; nothing is returned then.  A file that
 * starts with gzip's magic (1f 8b) is inflated in memory first (at most
 * 256 MiB of text); a stream cut short, a bad CRC or bytes after the stream
 * fail with "path: reason" (this and ink_read_file_skipping alike). */
int ink_read_file(const char *path, ink_sample **out, size_t *n, char *err, size_t errlen);

/* ink_read_file for a file digitpad keeps appending to (the corrections):
 * a malformed line, such as the half line a killed writer can leave, is
 * left out rather than costing every other drawing.  *skipped counts them;
 * when it is non-zero, err holds the first one's "path:line: reason" even
 * though the call returns 0.  I/O errors and over-long lines still fail. */
int ink_read_file_skipping(const char *path, ink_sample **out, size_t *n, size_t *skipped,
                           char *err, size_t errlen);
void ink_samples_free(ink_sample *s, size_t n);

/* Formats s as one line (without newline) into a new malloc'd string, or
 * NULL on allocation failure.  Coordinates are written with up to one
 * decimal, enough for the 1000-unit box. */
char *ink_format_line(const ink_sample *s);

/* Appends s as one line to the strokes file at path (created if missing),
 * under an exclusive lock, with one write and fsync.  A write that fails is
 * truncated back, so an error never leaves half a line; a process killed
 * inside the write can, and ink_read_file_skipping leaves that line out.
 * 0, or -1 with the reason in err (the file is then as it was). */
int ink_append_sample(const char *path, const ink_sample *s, char *err, size_t errlen);

/* Reads one line of a strokes file (without its '\n') into *buf, which
 * grows as needed up to 4 MiB (*buf and *cap: the caller's, NULL and 0 at
 * first; free *buf at the end).  Returns 1 for a line, 0 at end of file, -1
 * on an error or, unless skip_long, a line longer than 4 MiB (reason in
 * *why), -2 for a line that was read past and must be left out (a NUL
 * byte in it or, with skip_long, longer than 4 MiB; reason in *why).  The
 * memory a line costs is capped whatever the file holds. */
int ink_read_line(FILE *f, char **buf, size_t *cap, int skip_long, const char **why);

/* ----------------------------------------------------------------- images */

/* The image formats digitpad reads, told apart by their first bytes. */
typedef enum ink_image_type {
    INK_IMAGE_UNKNOWN = 0,
    INK_IMAGE_PGM,
    INK_IMAGE_BMP,
    INK_IMAGE_PNG,
    INK_IMAGE_JPEG
} ink_image_type;

/* No image larger than this many pixels is decoded (a 64 Mpixel image is
 * already 256 MB of floats). */
#define INK_IMAGE_MAX_PIXELS (64u << 20)

/* The format of the bytes buf[0..len) by their signature (PNG's 8 bytes,
 * JPEG's FF D8 FF, BMP's "BM", PGM's "P2"/"P5"); INK_IMAGE_UNKNOWN else. */
ink_image_type ink_image_sniff(const unsigned char *buf, size_t len);

/* "PNG", "JPEG", "BMP", "PGM" or "unknown", for messages. */
const char *ink_image_type_name(ink_image_type t);

/* Reads the format and the size a file's header declares (PNG IHDR, JPEG
 * SOF, BMP info header, PGM), without decoding anything, and refuses a
 * size over INK_IMAGE_MAX_PIXELS: a declared size never costs memory.
 * name is the file's name for messages.  0 with *type, *w and *h set, or
 * -1 with err "unsupported image format: NAME (...)", "NAME: a PNG whose
 * header gives no valid size (...)" or "NAME: a PNG of WxH pixels, larger
 * than 64 Mpixel" (*type still says what the signature was). */
int ink_image_probe(const char *name, const unsigned char *buf, size_t len,
                    ink_image_type *type, int *w, int *h, char *err, size_t errlen);

/* Decodes a PNG or JPEG that ink_image_probe passed as w×h pixels into a new
 * array of w×h grey floats in [0,1] (as the image looks: ink not yet made
 * high; transparent pixels as paper), for ink_image_load_with.  user is the
 * caller's.  0, or -1 with a one-line reason in err. */
typedef int (*ink_image_decoder)(void *user, const unsigned char *buf, size_t len,
                                 ink_image_type type, float **pix, int *w, int *h, char *err,
                                 size_t errlen);

/* Reads an image file (a regular file only, at most 1 GiB) into a new array
 * of w×h floats with ink = 1 and paper = 0: dark-on-light images are
 * inverted, detected from the border pixels.  The header's size is checked
 * (ink_image_probe) before anything is decoded.  PGM (P2 or P5, maxval up
 * to 65535) and uncompressed BMP (1, 4, 8, 24 or 32 bits per pixel) are
 * decoded here, PNG and JPEG by decode (NULL: refused with "NAME: a PNG;
 * this digitpad reads PNG and JPEG only when built with the window
 * (DIGITPAD_GUI=ON)"), whose result must have the header's size.  Caller
 * frees *pix.  0, or -1 with the reason in err. */
int ink_image_load_with(const char *path, ink_image_decoder decode, void *user, float **pix,
                        int *w, int *h, char *err, size_t errlen);

/* ink_image_load_with without a PNG/JPEG decoder: PGM and BMP only. */
int ink_image_load(const char *path, float **pix, int *w, int *h, char *err, size_t errlen);

/* The grey of a colour (channels in [0,1], result in [0,1]): ITU-R BT.601
 * weights, the one rule for ink_image_load's BMPs and the window's PNG and
 * JPEG drops. */
float ink_luma(float r, float g, float b);

/* ink_image_load's polarity rule, for images decoded elsewhere (the
 * window's PNG and JPEG drops): the border is paper, so an image whose
 * border is light (dark ink on light paper) is inverted in place so that
 * ink is high.  pix holds w×h floats in [0,1]. */
void ink_image_polarity(float *pix, int w, int h);

/* Writes a 28×28 input (floats in [0,1]) as a binary PGM (P5), white ink on
 * black like MNIST, atomically (temporary file, fsync, rename), replacing a
 * regular file at path; anything else there (a link, a FIFO, a device) is
 * refused.  0, or -1 with a one-line message in err. */
int ink_write_pgm(const char *path, const float in[INK_INPUT_SIZE], char *err, size_t errlen);

/* The same, but for a new file only: if path exists (whatever it is), it
 * fails with "PATH: already exists; not overwritten" and nothing changes.
 * The file appears whole or not at all (written beside it, then linked). */
int ink_write_pgm_new(const char *path, const float in[INK_INPUT_SIZE], char *err,
                      size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
