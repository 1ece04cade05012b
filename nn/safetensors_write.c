/* safetensors_write.c — saving models as safetensors (huggingface/
 * safetensors) with digitpad's metadata: the JSON header (I-JSON: UTF-8
 * only), the little-endian data, and the atomic save, which loads the
 * written file back before it replaces anything (see nn_file.h). */
#define _POSIX_C_SOURCE 200809L
#include "nn_file.h"
#include "fileio.h"
#include "safetensors_internal.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes are assembled explicitly, so the format does not depend on the
 * host's byte order. */
static void put_le32(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

/* ---------------------------------------------------------- serialise */

static int meta_reserved(const char *key)
{
    return !strcmp(key, "format") || !strcmp(key, "format_version") || !strcmp(key, "arch");
}

/* Builds the JSON header; NULL on allocation failure. */
static char *build_header(const nn_model *m, nn_error *err)
{
    const nn_arch *arch = nn_model_arch(m);
    char archbuf[1024];
    char *arch_s = archbuf;
    int need = nn_arch_format(arch, archbuf, sizeof archbuf);
    if (need < 0) {
        nn_fail(err, NN_EINVAL, "cannot format the model's architecture");
        return NULL;
    }
    if ((size_t)need >= sizeof archbuf) {
        arch_s = malloc((size_t)need + 1);
        if (!arch_s) {
            nn_fail(err, NN_ENOMEM, "out of memory writing a model header");
            return NULL;
        }
        nn_arch_format(arch, arch_s, (size_t)need + 1);
    }

    char *out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *meta = cJSON_CreateObject();
    int ok = root && meta && cJSON_AddItemToObject(root, "__metadata__", meta);
    if (!ok)
        cJSON_Delete(meta);
    char ver[16];
    snprintf(ver, sizeof ver, "%d", NN_FILE_VERSION);
    ok = ok && cJSON_AddStringToObject(meta, "format", NN_FILE_FORMAT);
    ok = ok && cJSON_AddStringToObject(meta, "format_version", ver);
    ok = ok && cJSON_AddStringToObject(meta, "arch", arch_s);
    /* Every model says how it was trained; BCE is digitpad's default. */
    const char *loss = nn_model_meta_get(m, "loss");
    ok = ok && cJSON_AddStringToObject(meta, "loss", loss ? loss : "bce");
    size_t nm = nn_model_meta_count(m);
    for (size_t i = 0; ok && i < nm; i++) {
        const char *k = NULL, *v = NULL;
        nn_model_meta_at(m, i, &k, &v);
        if (!k || !v || meta_reserved(k) || !strcmp(k, "loss"))
            continue;
        ok = cJSON_AddStringToObject(meta, k, v) != NULL;
    }

    size_t nt = nn_model_tensor_count(m);
    uint64_t off = 0;
    for (size_t i = 0; ok && i < nt; i++) {
        nn_tensor t;
        if (nn_model_tensor(m, i, &t) != NN_OK) {
            ok = 0;
            break;
        }
        cJSON *e = cJSON_CreateObject();
        if (!e || !cJSON_AddItemToObject(root, t.name, e)) {
            cJSON_Delete(e);
            ok = 0;
            break;
        }
        /* the key order safetensors itself writes */
        ok = cJSON_AddStringToObject(e, "dtype", "F32") != NULL;
        cJSON *shape = ok ? cJSON_AddArrayToObject(e, "shape") : NULL;
        cJSON *offs = shape ? cJSON_AddArrayToObject(e, "data_offsets") : NULL;
        ok = shape && offs;
        for (int d = 0; ok && d < t.ndim; d++) {
            cJSON *n = cJSON_CreateNumber((double)t.shape[d]);
            ok = n && cJSON_AddItemToArray(shape, n);
        }
        uint64_t end = off + (uint64_t)t.count * 4;
        cJSON *b = ok ? cJSON_CreateNumber((double)off) : NULL;
        ok = b && cJSON_AddItemToArray(offs, b);
        cJSON *en = ok ? cJSON_CreateNumber((double)end) : NULL;
        ok = en && cJSON_AddItemToArray(offs, en);
        off = end;
    }
    if (ok)
        out = cJSON_PrintUnformatted(root);
    if (!out)
        nn_fail(err, NN_ENOMEM, "out of memory writing a model header");
    /* The header must be I-JSON, which Python and PyTorch insist on:
     * nn_model_meta_set keeps metadata UTF-8, and this makes sure. */
    if (out && !text_utf8_valid(out, strlen(out), NULL)) {
        nn_fail(err, NN_EINVAL, "the model's metadata is not valid UTF-8");
        cJSON_free(out);
        out = NULL;
    }
    cJSON_Delete(root);
    if (arch_s != archbuf)
        free(arch_s);
    return out;
}

nn_status nn_model_serialize(const nn_model *m, void **out, size_t *len, nn_error *err)
{
    if (!m || !out || !len)
        return nn_fail(err, NN_EINVAL, "nn_model_serialize: NULL argument");
    *out = NULL;
    *len = 0;
    char *json = build_header(m, err);
    if (!json)
        return err ? err->status : NN_ENOMEM;
    size_t jl = strlen(json);
    /* safetensors pads the header with spaces so the data starts 8-byte
     * aligned, letting readers map the floats in place. */
    size_t hl = jl + (8 - (8 + jl) % 8) % 8;
    size_t np = nn_model_param_count(m);
    if (np > NN_MAX_PARAMS || hl > NN_FILE_MAX_HEADER) {
        free(json);
        return nn_fail(err, NN_ELIMIT, "model too large to save");
    }
    size_t total = 8 + hl + np * 4;
    unsigned char *buf = malloc(total);
    if (!buf) {
        free(json);
        return nn_fail(err, NN_ENOMEM, "out of memory serialising a model");
    }
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, json, jl);
    memset(buf + 8 + jl, ' ', hl - jl);
    free(json);
    /* Tensors are views into the one parameter buffer in file order, but
     * go through nn_model_tensor so the bytes follow the header exactly. */
    unsigned char *p = buf + 8 + hl;
    size_t nt = nn_model_tensor_count(m), written = 0;
    for (size_t i = 0; i < nt; i++) {
        nn_tensor t;
        if (nn_model_tensor(m, i, &t) != NN_OK || written + t.count > np) {
            free(buf);
            return nn_fail(err, NN_ESHAPE, "model tensors disagree with its parameter count");
        }
        for (size_t j = 0; j < t.count; j++, p += 4)
            put_le32(p, t.data[j]);
        written += t.count;
    }
    if (written != np) {
        free(buf);
        return nn_fail(err, NN_ESHAPE, "model tensors disagree with its parameter count");
    }
    *out = buf;
    *len = total;
    return NN_OK;
}

/* --------------------------------------------------------------- save */

/* The save's check before the rename: the temporary file loads back with
 * every check nn_model_load makes, so a model that could not be loaded
 * (NaN weights, say) never replaces a good one. */
static int loads_back(const char *tmp, void *user, char *why, size_t len)
{
    nn_error lerr = {0};
    nn_model *back = nn_safetensors_load_path(tmp, (const char *)user, &lerr);
    if (!back) {
        /* lerr names the target already; the save puts it in front again */
        const char *name = user, *reason = lerr.msg;
        size_t nl = strlen(name);
        if (!strncmp(reason, name, nl) && !strncmp(reason + nl, ": ", 2))
            reason += nl + 2;
        snprintf(why, len, "the written model does not load back (%s)", reason);
        return -1;
    }
    nn_model_free(back);
    return 0;
}

nn_status nn_model_save(const nn_model *m, const char *path, nn_error *err)
{
    if (!m || !path || !*path)
        return nn_fail(err, NN_EINVAL, "nn_model_save: NULL argument");
    char msg[sizeof err->msg];
    if (fileio_check_target(path, msg, sizeof msg) != 0)
        return nn_fail(err, NN_EIO, "%s", msg);
    void *data = NULL;
    size_t len = 0;
    nn_error serr = {0};
    nn_status st = nn_model_serialize(m, &data, &len, &serr);
    if (st != NN_OK)
        return nn_fail(err, st, "%s: %s", path, serr.msg);
    int r = fileio_save(path, data, len, FILEIO_REPLACE, loads_back, (void *)path, msg,
                        sizeof msg);
    free(data);
    return r == 0 ? NN_OK : nn_fail(err, NN_EIO, "%s", msg);
}
