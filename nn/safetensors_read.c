/* safetensors_read.c — loading safetensors model files (huggingface/
 * safetensors) with digitpad's metadata.  Every length, offset, shape and
 * value is checked before it is trusted, and the header must be I-JSON
 * (nn/ijson.c).  Saving is in safetensors_write.c. */
#define _POSIX_C_SOURCE 200809L
#include "nn_file.h"
#include "fileio.h"
#include "safetensors_internal.h"
#include "ijson.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A model file is its parameters (at most NN_MAX_PARAMS floats, 256 MB)
 * plus a header (at most NN_FILE_MAX_HEADER); anything larger is refused
 * before reading. */
#define FILE_MAX_SIZE ((uint64_t)512 * 1024 * 1024)
#define MAX_TENSORS (2 * NN_MAX_LAYERS)
/* digitpad writes about ten keys; a few hundred leaves room for any tool. */
#define MAX_META 256

/* ------------------------------------------------ little-endian helpers */

static float get_le32(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint64_t get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* ------------------------------------------------- the arch's tensors */

typedef struct tensor_spec {
    char name[32];
    int ndim;
    int64_t shape[4];
    uint64_t count;
} tensor_spec;

static void spec_add(tensor_spec *t, int *n, int layer, const char *what, int ndim,
                     const int64_t *shape)
{
    tensor_spec *s = &t[(*n)++];
    snprintf(s->name, sizeof s->name, "%d.%s", layer, what);
    s->ndim = ndim;
    s->count = 1;
    for (int i = 0; i < ndim; i++) {
        s->shape[i] = shape[i];
        s->count *= (uint64_t)shape[i];
    }
}

/* The tensors an architecture needs, in file order, named and shaped as
 * PyTorch's nn.Sequential state dict.  Computed from the arch alone so a
 * file's claims can be checked before the model is allocated. */
static nn_status arch_tensors(const nn_arch *a, tensor_spec *t, int *nt, uint64_t *total,
                              const char *name, nn_error *err)
{
    uint64_t c = (uint64_t)a->in_c, h = (uint64_t)a->in_h, w = (uint64_t)a->in_w;
    const uint64_t cap = (uint64_t)1 << 40; /* far beyond any limit, far below overflow */
    *nt = 0;
    *total = 0;
    for (int i = 0; i < a->n_layers && i < NN_MAX_LAYERS; i++) {
        const nn_layer_spec *l = &a->layer[i];
        uint64_t units = l->units > 0 ? (uint64_t)l->units : 0;
        switch (l->kind) {
        case NN_LAYER_CONV: {
            uint64_t k = l->k > 0 ? (uint64_t)l->k : 0;
            int64_t s[4] = {(int64_t)units, (int64_t)c, (int64_t)k, (int64_t)k};
            spec_add(t, nt, i, "weight", 4, s);
            if (l->bias)
                spec_add(t, nt, i, "bias", 1, s);
            c = units;
            break;
        }
        case NN_LAYER_MAXPOOL:
            h /= 2;
            w /= 2;
            break;
        case NN_LAYER_FLATTEN:
            c = c * h * w;
            h = w = 1;
            break;
        case NN_LAYER_DENSE: {
            int64_t s[2] = {(int64_t)units, (int64_t)(c * h * w)};
            spec_add(t, nt, i, "weight", 2, s);
            if (l->bias)
                spec_add(t, nt, i, "bias", 1, s);
            c = units;
            h = w = 1;
            break;
        }
        default:
            break;
        }
        if (c > cap || h > cap || w > cap || c * h > cap || c * h * w > cap)
            return nn_fail(err, NN_ELIMIT, "%s: the architecture is absurdly large", name);
    }
    for (int i = 0; i < *nt; i++) {
        if (t[i].count > cap)
            return nn_fail(err, NN_ELIMIT, "%s: the architecture is absurdly large", name);
        *total += t[i].count;
    }
    if (*total > NN_MAX_PARAMS)
        return nn_fail(err, NN_ELIMIT, "%s: the architecture needs %llu parameters, more than "
                       "the limit of %zu", name, (unsigned long long)*total,
                       (size_t)NN_MAX_PARAMS);
    return NN_OK;
}

static void shape_str(const int64_t *s, int ndim, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    used += (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%lld", i ? "," : "", (long long)s[i]);
    if (used < len)
        snprintf(buf + used, len - used, "]");
}

/* --------------------------------------------------------------- load */

typedef struct entry {
    const char *name;
    uint64_t begin, end;
    int spec; /* index into the arch's tensors */
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* A JSON number that is a non-negative integer no larger than max. */
static int as_uint(const cJSON *j, uint64_t max, uint64_t *out)
{
    if (!cJSON_IsNumber(j))
        return 0;
    double d = j->valuedouble;
    if (!(d >= 0.0) || d > (double)max || d != floor(d))
        return 0;
    *out = (uint64_t)d;
    return 1;
}

static nn_status check_tensor(const cJSON *e, const tensor_spec *specs, int nspecs,
                              uint64_t data_len, entry *out, const char *name, nn_error *err)
{
    const char *tn = e->string;
    if (!cJSON_IsObject(e))
        return nn_fail(err, NN_EFORMAT, "%s: header entry '%.40s' is not an object", name, tn);
    const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
    const cJSON *offs = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    if (!cJSON_IsString(dtype))
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s' has no dtype", name, tn);
    if (strcmp(dtype->valuestring, "F32") != 0)
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s' has dtype %.16s; digitpad reads "
                       "only F32",
                       name, tn, dtype->valuestring);
    if (!cJSON_IsArray(shape))
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s' has no shape array", name, tn);
    int ndim = cJSON_GetArraySize(shape);
    if (ndim > 8)
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s' has %d dimensions", name, tn, ndim);
    int64_t s[8];
    uint64_t count = 1;
    for (int d = 0; d < ndim; d++) {
        uint64_t v;
        if (!as_uint(cJSON_GetArrayItem(shape, d), (uint64_t)1 << 40, &v))
            return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s' has a bad shape", name, tn);
        s[d] = (int64_t)v;
        count = v == 0 || count <= UINT64_MAX / v ? count * v : UINT64_MAX;
    }
    if (count > NN_MAX_PARAMS)
        return nn_fail(err, NN_ELIMIT, "%s: tensor '%.40s' claims %llu values, more than the limit "
                       "of %zu", name, tn, (unsigned long long)count, (size_t)NN_MAX_PARAMS);
    uint64_t b, en;
    if (!cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2 ||
        !as_uint(cJSON_GetArrayItem(offs, 0), (uint64_t)1 << 53, &b) ||
        !as_uint(cJSON_GetArrayItem(offs, 1), (uint64_t)1 << 53, &en))
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s': data_offsets must be two integers",
                       name, tn);
    if (en < b)
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s': data_offsets [%llu,%llu] end before "
                       "they begin", name, tn, (unsigned long long)b, (unsigned long long)en);
    if (en > data_len)
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s': data_offsets [%llu,%llu] reach past "
                       "the %llu data bytes (truncated?)", name, tn, (unsigned long long)b,
                       (unsigned long long)en, (unsigned long long)data_len);
    if (en - b != count * 4)
        return nn_fail(err, NN_EFORMAT, "%s: tensor '%.40s': data_offsets span %llu bytes but its "
                       "shape needs %llu", name, tn, (unsigned long long)(en - b),
                       (unsigned long long)(count * 4));
    int k = 0;
    while (k < nspecs && strcmp(specs[k].name, tn) != 0)
        k++;
    if (k == nspecs)
        return nn_fail(err, NN_ESHAPE, "%s: unexpected tensor '%.40s': the architecture has no "
                       "such tensor", name, tn);
    int same = ndim == specs[k].ndim;
    for (int d = 0; same && d < ndim; d++)
        same = s[d] == specs[k].shape[d];
    if (!same) {
        char got[96], want[96];
        shape_str(s, ndim, got, sizeof got);
        shape_str(specs[k].shape, specs[k].ndim, want, sizeof want);
        return nn_fail(err, NN_ESHAPE, "%s: tensor '%.40s' has shape %s but the architecture "
                       "needs %s",
                       name, tn, got, want);
    }
    out->name = tn;
    out->begin = b;
    out->end = en;
    out->spec = k;
    return NN_OK;
}

static nn_status check_metadata(const cJSON *meta, nn_arch *arch, const char *name,
                                nn_error *err)
{
    if (!meta)
        return nn_fail(err, NN_EFORMAT, "%s: no __metadata__ with format \"%s\": not a digitpad "
                       "model (add the metadata described in docs/model-format.md)", name,
                       NN_FILE_FORMAT);
    if (!cJSON_IsObject(meta))
        return nn_fail(err, NN_EFORMAT, "%s: __metadata__ is not an object", name);
    int n = cJSON_GetArraySize(meta);
    if (n > MAX_META)
        return nn_fail(err, NN_ELIMIT, "%s: %d metadata entries, more than the limit of %d",
                       name, n, MAX_META);
    for (const cJSON *e = meta->child; e; e = e->next) {
        if (!cJSON_IsString(e))
            return nn_fail(err, NN_EFORMAT, "%s: metadata '%.40s' is not a string", name,
                           e->string);
    } /* duplicate keys: nn_ijson_check_keys, before this */
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(meta, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(meta, "format_version");
    const cJSON *ar = cJSON_GetObjectItemCaseSensitive(meta, "arch");
    if (!fmt)
        return nn_fail(err, NN_EFORMAT, "%s: no format in __metadata__: not a digitpad model",
                       name);
    if (strcmp(fmt->valuestring, NN_FILE_FORMAT) != 0)
        return nn_fail(err, NN_EFORMAT, "%s: format is \"%.40s\", not \"%s\"", name,
                       fmt->valuestring, NN_FILE_FORMAT);
    if (!ver)
        return nn_fail(err, NN_EFORMAT, "%s: no format_version in __metadata__", name);
    char want[16];
    snprintf(want, sizeof want, "%d", NN_FILE_VERSION);
    if (strcmp(ver->valuestring, want) != 0)
        return nn_fail(err, NN_EFORMAT, "%s: format_version \"%.20s\": this digitpad (%s) reads "
                       "version %s; upgrade digitpad to load this model", name, ver->valuestring,
                       NN_VERSION_STRING, want);
    if (!ar)
        return nn_fail(err, NN_EFORMAT, "%s: no arch in __metadata__: the tensors alone do not "
                       "say where the activations go", name);
    nn_error perr = {0};
    nn_status st = nn_arch_parse(ar->valuestring, arch, &perr);
    if (st != NN_OK)
        return nn_fail(err, st, "%s: arch \"%.60s\": %s", name, ar->valuestring, perr.msg);
    return NN_OK;
}

static nn_model *load_buffer(const void *data, size_t len, const char *name, nn_error *err);

nn_model *nn_model_load_buffer(const void *data, size_t len, const char *name, nn_error *err)
{
    nn_model *m = load_buffer(data, len, name, err);
    /* Messages quote names and values from the file; a JSON "\n" or other
     * control character in them must not break the one-line promise (the
     * window shows them too, not only the terminal). */
    if (!m && err)
        text_clean(err->msg);
    return m;
}

int nn_model_sniff(const void *head, size_t n)
{
    /* The layout's first JSON byte follows the 8-byte length. */
    return n >= NN_FILE_SNIFF_BYTES && ((const unsigned char *)head)[8] == '{';
}

/* The checks the first 8 bytes (the header length) allow, for a file of
 * len bytes; buf holds at least min(len, 8) bytes.  Shared by the buffer
 * loader and nn_model_load, which makes them before reading the rest: a
 * large file dropped by mistake is refused without being read. */
static int check_prefix(const unsigned char *buf, size_t len, const char *name, uint64_t *hl_out,
                        nn_error *err)
{
    if (len == 0) {
        nn_fail(err, NN_EFORMAT, "%s: empty file", name);
        return -1;
    }
    if (len < 8) {
        nn_fail(err, NN_EFORMAT, "%s: %zu bytes is too short for a model file", name, len);
        return -1;
    }
    uint64_t hl = get_le64(buf);
    if (hl > NN_FILE_MAX_HEADER) {
        nn_fail(err, NN_EFORMAT, "%s: header length %llu is beyond the limit of %llu (not a "
                "model file, or corrupt)", name, (unsigned long long)hl,
                (unsigned long long)NN_FILE_MAX_HEADER);
        return -1;
    }
    if (hl > len - 8) {
        nn_fail(err, NN_EFORMAT, "%s: header length %llu is larger than the file (%zu bytes): "
                "truncated?", name, (unsigned long long)hl, len);
        return -1;
    }
    if (hl < 2) {
        nn_fail(err, NN_EFORMAT, "%s: header too short to hold JSON", name);
        return -1;
    }
    *hl_out = hl;
    return 0;
}

static nn_model *load_buffer(const void *data, size_t len, const char *name, nn_error *err)
{
    if (!name)
        name = "(model)";
    if (!data && len) {
        nn_fail(err, NN_EINVAL, "%s: NULL buffer", name);
        return NULL;
    }
    const unsigned char *buf = data;
    uint64_t hl;
    if (check_prefix(buf, len, name, &hl, err) != 0)
        return NULL;
    uint64_t data_len = len - 8 - hl;
    const unsigned char *dat = buf + 8 + hl;

    /* I-JSON's rules on the text first: cJSON would accept what breaks them. */
    char why[200];
    if (nn_ijson_check_text((const char *)buf + 8, (size_t)hl, why, sizeof why) != 0) {
        nn_fail(err, NN_EFORMAT, "%s: %s", name, why);
        return NULL;
    }
    /* cJSON needs a terminated string; the copy is bounded by the limit. */
    char *json = malloc((size_t)hl + 1);
    if (!json) {
        nn_fail(err, NN_ENOMEM, "%s: out of memory reading the header", name);
        return NULL;
    }
    memcpy(json, buf + 8, (size_t)hl);
    json[hl] = '\0';
    nn_model *m = NULL;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, (size_t)hl, &end, 0);
    if (!root) {
        size_t at = end && end >= json && end <= json + hl ? (size_t)(end - json) : 0;
        nn_fail(err, NN_EFORMAT, "%s: the header is not valid JSON (near its byte %zu of %llu)",
                name, at, (unsigned long long)hl);
        goto out;
    }
    for (const char *p = end; p < json + hl; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            nn_fail(err, NN_EFORMAT, "%s: unexpected bytes after the JSON header", name);
            goto out;
        }
    if (!cJSON_IsObject(root)) {
        nn_fail(err, NN_EFORMAT, "%s: the header is not a JSON object", name);
        goto out;
    }
    /* Bounded before the quadratic duplicate check: a 16 MiB header could
     * otherwise hold a million keys. */
    int nkeys = cJSON_GetArraySize(root);
    if (nkeys > MAX_TENSORS + 1) {
        nn_fail(err, NN_EFORMAT, "%s: the header has %d entries; no architecture has more "
                "than %d tensors", name, nkeys, MAX_TENSORS);
        goto out;
    }
    /* Duplicate keys, at any depth, would let two entries claim one name
     * or one tensor two shapes. */
    if (nn_ijson_check_keys(root, why, sizeof why) != 0) {
        nn_fail(err, NN_EFORMAT, "%s: %s", name, why);
        goto out;
    }

    nn_arch arch;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "__metadata__");
    if (check_metadata(meta, &arch, name, err) != NN_OK)
        goto out;
    tensor_spec specs[MAX_TENSORS];
    int nspecs = 0;
    uint64_t total = 0;
    if (arch_tensors(&arch, specs, &nspecs, &total, name, err) != NN_OK)
        goto out;

    entry ents[MAX_TENSORS];
    int ne = 0;
    for (const cJSON *e = root->child; e; e = e->next) {
        if (e == meta)
            continue;
        if (ne == MAX_TENSORS || ne == nspecs) {
            if (check_tensor(e, specs, nspecs, data_len, &ents[0], name, err) == NN_OK)
                nn_fail(err, NN_EFORMAT, "%s: more tensors than the architecture has", name);
            goto out;
        }
        if (check_tensor(e, specs, nspecs, data_len, &ents[ne], name, err) != NN_OK)
            goto out;
        ne++;
    }
    for (int k = 0; k < nspecs; k++) {
        int found = 0;
        for (int i = 0; i < ne && !found; i++)
            found = ents[i].spec == k;
        if (!found) {
            nn_fail(err, NN_ESHAPE, "%s: missing tensor '%s' that the architecture needs", name,
                    specs[k].name);
            goto out;
        }
    }
    /* The tensors must tile the data region: no overlap, no gap, no tail. */
    qsort(ents, (size_t)ne, sizeof *ents, cmp_entry);
    uint64_t pos = 0;
    for (int i = 0; i < ne; i++) {
        if (ents[i].begin < pos) {
            nn_fail(err, NN_EFORMAT, "%s: tensors '%s' and '%s' overlap in the data", name,
                    ents[i - 1].name, ents[i].name);
            goto out;
        }
        if (ents[i].begin > pos) {
            nn_fail(err, NN_EFORMAT, "%s: %llu unused data bytes before tensor '%s'", name,
                    (unsigned long long)(ents[i].begin - pos), ents[i].name);
            goto out;
        }
        pos = ents[i].end;
    }
    if (pos != data_len) {
        nn_fail(err, NN_EFORMAT, "%s: the tensors cover %llu data bytes but the file has %llu",
                name, (unsigned long long)pos, (unsigned long long)data_len);
        goto out;
    }
    /* Check values before allocating the model. */
    for (int i = 0; i < ne; i++)
        for (uint64_t o = ents[i].begin; o < ents[i].end; o += 4) {
            float v = get_le32(dat + o);
            if (!isfinite(v)) {
                nn_fail(err, NN_EFORMAT, "%s: tensor '%s' holds %s at element %llu", name,
                        ents[i].name, isnan(v) ? "NaN" : "infinity",
                        (unsigned long long)((o - ents[i].begin) / 4));
                goto out;
            }
        }

    nn_error merr = {0};
    m = nn_model_create(&arch, &merr);
    if (!m) {
        nn_fail(err, merr.status ? merr.status : NN_ENOMEM, "%s: %s", name, merr.msg);
        goto out;
    }
    if (nn_model_tensor_count(m) != (size_t)nspecs || nn_model_param_count(m) != total) {
        nn_fail(err, NN_ESHAPE, "%s: internal error: the model's tensors differ from the file "
                "layout", name);
        goto fail;
    }
    for (int k = 0; k < nspecs; k++) {
        nn_tensor t;
        int same = nn_model_tensor(m, (size_t)k, &t) == NN_OK &&
                   !strcmp(t.name, specs[k].name) && t.ndim == specs[k].ndim &&
                   t.count == specs[k].count;
        for (int d = 0; same && d < t.ndim; d++)
            same = t.shape[d] == specs[k].shape[d];
        if (!same) {
            nn_fail(err, NN_ESHAPE, "%s: internal error: model tensor %d is not '%s'", name, k,
                    specs[k].name);
            goto fail;
        }
        for (int i = 0; i < ne; i++)
            if (ents[i].spec == k) {
                const unsigned char *p = dat + ents[i].begin;
                for (size_t j = 0; j < t.count; j++, p += 4)
                    t.data[j] = get_le32(p);
            }
    }
    for (const cJSON *e = meta->child; e; e = e->next) {
        nn_error serr = {0};
        if (nn_model_meta_set(m, e->string, e->valuestring, &serr) != NN_OK) {
            nn_fail(err, serr.status ? serr.status : NN_EFORMAT, "%s: metadata '%.40s': %s",
                    name, e->string, serr.msg);
            goto fail;
        }
    }
    goto out;
fail:
    nn_model_free(m);
    m = NULL;
out:
    cJSON_Delete(root);
    free(json);
    return m;
}

/* Opens path read-only, refusing anything but a regular file. */
static int open_regular(const char *path, uint64_t *size, nn_error *err)
{
    char msg[sizeof err->msg];
    int fd = fileio_open_regular(path, "a model file", size, msg, sizeof msg);
    if (fd < 0)
        nn_fail(err, NN_EIO, "%s", msg);
    return fd;
}

/* Reads up to len bytes into buf; the count read (short if the file shrank
 * meanwhile), or -1 with err set. */
static ssize_t read_upto(int fd, unsigned char *buf, size_t len, const char *path, nn_error *err)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            nn_fail(err, NN_EIO, "%s: read error: %s", path, strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Loads the file at `open_path`, naming it `path` in messages (a save
 * loads its temporary file back under the target's name). */
nn_model *nn_safetensors_load_path(const char *open_path, const char *path, nn_error *err)
{
    uint64_t size = 0;
    int fd = open_regular(open_path, &size, err);
    if (fd < 0)
        return NULL;
    if (size > FILE_MAX_SIZE) {
        nn_fail(err, NN_ELIMIT, "%s: %llu bytes is larger than any digitpad model (limit %llu)",
                path, (unsigned long long)size, (unsigned long long)FILE_MAX_SIZE);
        close(fd);
        return NULL;
    }
    /* The length prefix first: a large file dropped on the window by
     * mistake is refused without being read or allocated for. */
    unsigned char head[8];
    ssize_t h = read_upto(fd, head, size < 8 ? (size_t)size : 8, path, err);
    uint64_t hl;
    if (h < 0 || (h == 8 && check_prefix(head, (size_t)size, path, &hl, err) != 0)) {
        close(fd);
        return NULL;
    }
    unsigned char *buf = malloc(size ? (size_t)size : 1);
    if (!buf) {
        nn_fail(err, NN_ENOMEM, "%s: out of memory reading the file", path);
        close(fd);
        return NULL;
    }
    memcpy(buf, head, (size_t)h);
    ssize_t rest = h == 8 ? read_upto(fd, buf + 8, (size_t)size - 8, path, err) : 0;
    close(fd);
    if (rest < 0) {
        free(buf);
        return NULL;
    }
    /* A file that shrank while being read is validated as it now is. */
    nn_model *m = nn_model_load_buffer(buf, (size_t)h + (size_t)rest, path, err);
    free(buf);
    return m;
}

nn_model *nn_model_load(const char *path, nn_error *err)
{
    if (!path) {
        nn_fail(err, NN_EINVAL, "nn_model_load: NULL path");
        return NULL;
    }
    return nn_safetensors_load_path(path, path, err);
}
