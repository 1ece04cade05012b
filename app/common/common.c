/* common.c — the app tier's message formatter, argmax, strict number
 * parsing and the check that a model gives answers (see common.h). */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"
#include "text.h"

void dp_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
    if (!buf || len == 0)
        return;
    vsnprintf(buf, len, fmt, ap);
    text_clean(buf);
}

int dp_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_vformat(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int dp_argmax10(const float *y)
{
    return (int)nn_argmax(y, 10);
}

/* ------------------------------------------------------------- numbers */

/* strtol/strtod skip leading blanks and accept a lone sign; we want the
 * argument to be exactly a number. */
static int starts_like_number(const char *s)
{
    if (!s || !*s)
        return 0;
    if (*s == '+' || *s == '-')
        s++;
    return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

int dp_parse_long(const char *s, long lo, long hi, long *out)
{
    if (!starts_like_number(s))
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int dp_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!starts_like_number(s))
        return -1;
    /* Hexadecimal floats and "infinity" are valid strtod input but not
     * numbers anyone types on purpose. */
    for (const char *p = s; *p; p++)
        if (*p == 'x' || *p == 'X')
            return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE && fabs(v) > 1.0)
        return -1;
    if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* -------------------------------------------------------------- answers */

int dp_outputs_finite(const float *y)
{
    for (int i = 0; i < 10; i++)
        if (!isfinite(y[i]))
            return 0;
    return 1;
}

int dp_model_gives_answers(const nn_model *m, char *err, size_t errlen)
{
    size_t in = nn_arch_in_size(nn_model_arch(m));
    float *x = malloc(in * sizeof *x), y[10];
    if (!x)
        return dp_set_err(err, errlen, "out of memory checking the model's outputs");
    nn_error e;
    nn_status st = NN_OK;
    for (int probe = 0; probe < 4 && st == NN_OK; probe++) {
        for (size_t i = 0; i < in; i++)
            x[i] = probe == 0 ? 0.0f : probe == 1 ? 1.0f : probe == 2 ? (float)(i % 2)
                                                                      : (float)i / (float)in;
        st = nn_predict(m, x, y, &e);
    }
    free(x);
    return st == NN_OK ? 0 : dp_set_err(err, errlen, "%s", e.msg);
}
