/* nn_file.h — model files: safetensors with digitpad's metadata.
 *
 * Layout (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON mapping tensor names to
 * {"dtype":"F32","shape":[...],"data_offsets":[begin,end]} plus a
 * "__metadata__" object of string→string, then the raw little-endian data.
 * Tensor names and shapes follow PyTorch's nn.Sequential state dict
 * ("0.weight" [out,in,kh,kw] for a convolution, [out,in] for a dense layer,
 * "0.bias" [out]), so files move freely between digitpad and PyTorch.
 *
 * Metadata digitpad writes and reads:
 *   format = "digitpad"      format_version = "1"
 *   arch   = canonical spec (nn_arch_format)     loss = "bce" | "mse"
 *   and, when known: dataset, epochs, seed, test_accuracy, date, command,
 *   threshold (confidence below which the app says "unsure").
 * A file without "arch" metadata is refused: the tensors alone do not say
 * where the activations go.
 */
#ifndef DIGITPAD_NN_FILE_H
#define DIGITPAD_NN_FILE_H

#include "nn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NN_FILE_FORMAT "digitpad"
#define NN_FILE_VERSION 1
/* Headers longer than this are refused before allocating. */
#define NN_FILE_MAX_HEADER ((uint64_t)1 << 24)

/* Loads and validates a model file: header length within the file,
 * well-formed JSON, format name and version, an arch that parses, every
 * tensor the arch needs present with dtype F32 and the right shape, offsets
 * in range, non-overlapping and covering the data exactly, all values
 * finite.  Returns a new model (caller frees) or NULL with err naming the
 * file and the first problem found.  Never allocates more than the file's
 * size plus the model's own parameters, and nothing for a file whose
 * 8-byte length prefix is already wrong. */
nn_model *nn_model_load(const char *path, nn_error *err);

/* The same from a buffer in memory; `name` is used in error messages. */
nn_model *nn_model_load_buffer(const void *data, size_t len, const char *name, nn_error *err);

/* Writes m to path atomically: a temporary file in the same directory,
 * flushed and fsync'd, then renamed over path.  On any failure the previous
 * file at path is untouched and the temporary is removed. */
nn_status nn_model_save(const nn_model *m, const char *path, nn_error *err);

/* How many leading bytes nn_model_sniff looks at. */
#define NN_FILE_SNIFF_BYTES 9
/* 1 if the first n bytes of a file start like a model file (an 8-byte
 * header length, then the JSON header's '{'), else 0: a cheap guess, for
 * telling a dropped model from an image before loading it; only
 * nn_model_load validates. */
int nn_model_sniff(const void *head, size_t n);

/* Serialises m into a new malloc'd buffer (*out, *len; caller frees). */
nn_status nn_model_serialize(const nn_model *m, void **out, size_t *len, nn_error *err);

#ifdef __cplusplus
}
#endif
#endif
