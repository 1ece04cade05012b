/* safetensors_internal.h — what nn/safetensors_write.c needs from
 * nn/safetensors_read.c; not part of the public API (nn_file.h). */
#ifndef DIGITPAD_NN_SAFETENSORS_INTERNAL_H
#define DIGITPAD_NN_SAFETENSORS_INTERNAL_H

#include "nn.h"

/* nn_model_load of the file at open_path, naming it `name` in messages: a
 * save loads its temporary file back under the target's name. */
nn_model *nn_safetensors_load_path(const char *open_path, const char *name, nn_error *err);

#endif
