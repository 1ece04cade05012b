/* error.c — status names and the one-line error slot every fallible nn_
 * function fills (see nn.h, "errors"). */
#include "nn.h"

#include <stdarg.h>
#include <stdio.h>

const char *nn_status_str(nn_status s)
{
    switch (s) {
    case NN_OK: return "success";
    case NN_ENOMEM: return "out of memory";
    case NN_EINVAL: return "invalid argument";
    case NN_EIO: return "input/output error";
    case NN_EFORMAT: return "malformed input";
    case NN_ESHAPE: return "shape mismatch";
    case NN_ELIMIT: return "size limit exceeded";
    case NN_ESTOPPED: return "stopped";
    case NN_EDIVERGED: return "training diverged";
    case NN_ENOANSWER: return "outputs not numbers";
    }
    return "unknown status";
}

nn_status nn_fail(nn_error *err, nn_status s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = s;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}
