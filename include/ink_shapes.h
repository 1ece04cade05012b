/* ink_shapes.h — drawings made by rule, as strokes: things people draw on a
 * digit pad that are no digit (a dash, a plus, a star, ...) and digits in
 * writing styles MNIST rarely shows (a zero slashed through the middle, a
 * one with a foot, a four closed at the top, ...).  They go through the
 * same rendering and preprocessing as a person's drawing (ink_preprocess),
 * so the network sees them as it would see the real thing.
 *
 * Training uses some kinds and tests on all of them with another seed; the
 * kinds marked held out are never used in training, so a test on them
 * measures whether "unsure" generalises beyond the generator's own shapes.
 *
 * Example
 *     ink_rng r; ink_rng_seed(&r, 7);
 *     ink_drawing d; ink_drawing_init(&d);
 *     ink_draw_shape(&d, INK_SHAPE_STAR, &r);
 *     float x[INK_INPUT_SIZE];
 *     ink_preprocess(&d, x);          ... the network should be unsure ...
 *     ink_drawing_free(&d);
 */
#ifndef DIGITPAD_INK_SHAPES_H
#define DIGITPAD_INK_SHAPES_H

#include <stdint.h>

#include "ink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A small random stream (splitmix64) owned by the caller: ink does not
 * depend on nn, and a value the caller holds keeps threads apart. */
typedef struct ink_rng {
    uint64_t s;
} ink_rng;
void ink_rng_seed(ink_rng *r, uint64_t seed);
/* Uniform in [0, 1). */
float ink_rng_uniform(ink_rng *r);

/* Non-digits.  New kinds only at the end: the numbers name test sets. */
typedef enum ink_shape {
    INK_SHAPE_BLANK,      /* nothing at all (the canvas after a clear) */
    INK_SHAPE_SPECK,      /* a tiny scrap of a stroke */
    INK_SHAPE_DOT,        /* one tap */
    INK_SHAPE_DASH,       /* a short straight line, roughly level */
    INK_SHAPE_PLUS,
    INK_SHAPE_X,
    INK_SHAPE_CIRCLE_DOT, /* a circle with a dot inside */
    INK_SHAPE_HATCHING,   /* parallel slanted lines */
    INK_SHAPE_WAVE,       /* a wavy line */
    INK_SHAPE_TRIANGLE,
    /* held out: never used in training */
    INK_SHAPE_UNDERLINE,  /* a long level line (after cropping, a long dash) */
    INK_SHAPE_EQUALS,
    INK_SHAPE_TICK,       /* a check mark */
    INK_SHAPE_ARROW,
    INK_SHAPE_STAR,       /* five-pointed, in one stroke */
    INK_SHAPE_TWO_DOTS,
    /* trained on again (added after the held-out six, to keep numbers) */
    INK_SHAPE_MARKS,      /* two or three different small marks side by side */
    INK_SHAPE_SPIRAL,
    INK_SHAPE_LOOPS,      /* a row of joined loops, like a scribbled "eee" */
    INK_SHAPE_GRID,       /* a hash sign: two crossing pairs of strokes */
    INK_SHAPE_CHEVRON,    /* <, >, ^ or v: two arms of about equal length */
    INK_SHAPE_LINES,      /* three or four level lines stacked (a menu icon) */
    INK_SHAPE_PAIR,       /* two parallel strokes, upright or slanted: || or // */
    INK_SHAPE_COUNT
} ink_shape;

/* 1 for the kinds never used in training (underline ... two dots), 0 for
 * the others and for bad kinds. */
int ink_shape_held_out(ink_shape k);
/* 1 for the kinds added only to widen training (marks ... pair): they are
 * no part of the non-digit test list (blank ... two dots), whose rate would
 * otherwise rise just by adding kinds the model was trained on.  0 for the
 * others and for bad kinds. */
int ink_shape_training_only(ink_shape k);

/* "dash", "plus", ... (static strings); "?" for a bad kind. */
const char *ink_shape_name(ink_shape k);

/* Clears d and draws one random instance of kind k into it (size, place,
 * slant and hand jitter from r).  0, or -1 for a bad kind or when memory
 * runs out. */
int ink_draw_shape(ink_drawing *d, ink_shape k, ink_rng *r);

/* Digit styles MNIST rarely shows (the pen-digit errors the model card
 * lists).  New styles only at the end. */
typedef enum ink_style {
    INK_STYLE_ZERO_SLASHED,  /* a zero with a slash, from diagonal to nearly vertical */
    INK_STYLE_ONE_FOOT,      /* a one with a base serif (and often a flag) */
    INK_STYLE_ONE_FLAG,      /* a one with a long flag */
    INK_STYLE_SEVEN_SHORT,   /* a seven with a short or curved top */
    INK_STYLE_FOUR_CLOSED,   /* a four closed at the top */
    INK_STYLE_COUNT
} ink_style;

/* "slashed 0", ... (static strings); "?" for a bad style. */
const char *ink_style_name(ink_style s);
/* The digit a style writes (0..9), or -1 for a bad style. */
int ink_style_digit(ink_style s);

/* Clears d and draws one random digit in style s into it.  0, or -1. */
int ink_draw_style(ink_drawing *d, ink_style s, ink_rng *r);

#ifdef __cplusplus
}
#endif
#endif
