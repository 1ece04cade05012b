/* common.c — the app tier's message formatter and argmax (see common.h). */
#include "common.h"

#include <stdio.h>

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
