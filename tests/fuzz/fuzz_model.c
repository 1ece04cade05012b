/* fuzz_model.c — libFuzzer target: any byte string handed to the model
 * loader must give a model or a one-line error, never a crash or a leak. */
#include "nn_file.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_error err;
    memset(&err, 0, sizeof err);
    nn_model *m = nn_model_load_buffer(data, size, "fuzz", &err);
    if (m) {
        /* whatever loads must also save and load back */
        void *buf = NULL;
        size_t len = 0;
        if (nn_model_serialize(m, &buf, &len, &err) == NN_OK) {
            nn_model *again = nn_model_load_buffer(buf, len, "again", &err);
            if (!again)
                __builtin_trap();
            nn_model_free(again);
        }
        free(buf);
        nn_model_free(m);
    } else if (err.msg[0] == '\0' || strchr(err.msg, '\n')) {
        __builtin_trap();
    }
    return 0;
}
