/* common.h — the few small rules every file of the app tier shares, each
 * with one home: the message formatter (for error buffers, stderr lines and
 * the window's status line alike), the argmax over the ten outputs, and
 * strict number parsing (the command line's flags and the model card's
 * threshold, modelcard.h). */
#ifndef DIGITPAD_COMMON_H
#define DIGITPAD_COMMON_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into buf (len bytes, always terminated when len > 0) and cleans
 * it with text_clean (base/text.h: control characters and invalid UTF-8
 * become '?'): messages quote file names, arguments and
 * model metadata, and a newline or escape code in one must not break the
 * one-line message or drive the terminal.  NULL buf or len 0: no-op. */
void dp_vformat(char *buf, size_t len, const char *fmt, va_list ap);

/* dp_vformat for an error buffer; returns -1 so a failing function can
 * `return dp_set_err(err, errlen, "...", ...)`. */
int dp_set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Index of the largest of ten outputs (the first one on ties). */
int dp_argmax10(const float *y);

/* Strict number parsing: the whole string must be a base-10 integer (resp.
 * a finite decimal number, no hexadecimal, nan or inf) within [lo, hi],
 * with no blanks before and nothing after.  0 and *out set, or -1 (NULL s
 * included) with *out untouched. */
int dp_parse_long(const char *s, long lo, long hi, long *out);
int dp_parse_double(const char *s, double lo, double hi, double *out);

/* 1 if all ten outputs are finite numbers, 0 if any is NaN or infinite:
 * such outputs are no answer (nn_forward's NN_ENOANSWER). */
int dp_outputs_finite(const float *y);

struct nn_model;
/* Whether m answers at all: its outputs for four probe inputs (blank, all
 * ink, alternate pixels, a ramp) must be finite.  Finite weights can still
 * give NaN (±3e38 sums to inf - inf), and such a model must not be saved
 * as the next start's model nor fine-tuned.  0, or -1 with the reason in
 * err (also when the check itself cannot run: out of memory). */
int dp_model_gives_answers(const struct nn_model *m, char *err, size_t errlen);

#endif
