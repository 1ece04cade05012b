/* ijson.h — the I-JSON rules (RFC 7493) a model header must follow, beyond
 * what cJSON checks: UTF-8 only, no NUL or unpaired surrogate in a string,
 * no duplicate keys in any object.  Internal to nn/. */
#ifndef DIGITPAD_NN_IJSON_H
#define DIGITPAD_NN_IJSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Checks the JSON text (n bytes) before it is parsed: valid UTF-8, and in
 * every string no raw control character, no \u0000 and no \uD800-\uDFFF
 * escape that is not a high surrogate followed by a low one.  0, or -1
 * with the problem and its byte offset in why. */
int nn_ijson_check_text(const char *json, size_t n, char *why, size_t len);

/* Checks that no object in the parsed tree has a key twice (cJSON keeps
 * both).  0, or -1 with the key and where in why. */
int nn_ijson_check_keys(const cJSON *root, char *why, size_t len);

#endif
