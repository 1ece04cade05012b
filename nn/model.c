/* model.c — the model object: one contiguous parameter buffer with
 * PyTorch-named tensor views into it ("0.weight", "0.bias", ...), weight
 * initialisation, string metadata, clone and copy. */
#include "model_internal.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nn_model *nn_model_create(const nn_arch *arch, nn_error *err)
{
    if (!arch) {
        nn_fail(err, NN_EINVAL, "model: no architecture given");
        return NULL;
    }
    nn_arch_info info;
    if (nn_arch_analyse(arch, &info, err) != NN_OK)
        return NULL;
    nn_model *m = calloc(1, sizeof *m);
    /* 64-byte aligned (a cache line): the kernels' 8-float blocks then never
     * straddle two lines.  At least one line, so a parameter-free arch still
     * has a buffer. */
    size_t bytes = (info.n_params * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes ? bytes : 64);
    if (p)
        memset(p, 0, bytes ? bytes : 64);
    if (!m || !p) {
        free(m);
        free(p);
        nn_fail(err, NN_ENOMEM, "model: out of memory for %zu parameters", info.n_params);
        return NULL;
    }
    m->arch = *arch;
    m->info = info;
    m->params = p;
    return m;
}

void nn_model_free(nn_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->meta_n; i++) {
        free(m->meta[i].key);
        free(m->meta[i].value);
    }
    free(m->meta);
    free(m->params);
    free(m);
}

nn_model *nn_model_clone(const nn_model *m, nn_error *err)
{
    if (!m) {
        nn_fail(err, NN_EINVAL, "model clone: no model");
        return NULL;
    }
    nn_model *c = nn_model_create(&m->arch, err);
    if (!c)
        return NULL;
    memcpy(c->params, m->params, m->info.n_params * sizeof *c->params);
    for (size_t i = 0; i < m->meta_n; i++) {
        if (nn_model_meta_set(c, m->meta[i].key, m->meta[i].value, err) != NN_OK) {
            nn_model_free(c);
            return NULL;
        }
    }
    return c;
}

nn_status nn_model_copy_params(nn_model *dst, const nn_model *src, nn_error *err)
{
    if (!dst || !src)
        return nn_fail(err, NN_EINVAL, "model copy: no model");
    if (!nn_arch_equal(&dst->arch, &src->arch))
        return nn_fail(err, NN_ESHAPE, "model copy: the two models have different architectures");
    if (dst != src)
        memcpy(dst->params, src->params, src->info.n_params * sizeof *dst->params);
    return NN_OK;
}

/* ---------------------------------------------------------------- init */

/* The activation a layer's output reaches first decides He vs Xavier. */
static nn_init auto_init(const nn_arch *a, int i)
{
    for (int j = i + 1; j < a->n_layers; j++) {
        nn_layer_kind k = a->layer[j].kind;
        if (k == NN_LAYER_RELU)
            return NN_INIT_HE;
        if (k == NN_LAYER_SIGMOID || k == NN_LAYER_DENSE || k == NN_LAYER_CONV)
            return NN_INIT_XAVIER;
    }
    return NN_INIT_XAVIER;
}

void nn_model_init_params(nn_model *m, nn_init init, uint64_t seed)
{
    if (!m)
        return;
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (int i = 0; i < m->arch.n_layers; i++) {
        const nn_layer_spec *s = &m->arch.layer[i];
        const nn_layer_info *L = &m->info.layer[i];
        if (!L->w_count)
            continue;
        size_t kk = s->kind == NN_LAYER_CONV ? (size_t)s->k * (size_t)s->k : 1;
        double fan_in = (double)L->in_c * (s->kind == NN_LAYER_CONV ? (double)kk : 1.0);
        if (s->kind == NN_LAYER_DENSE)
            fan_in = (double)L->in_size;
        double fan_out = (double)s->units * (double)kk;
        nn_init how = init == NN_INIT_AUTO ? auto_init(&m->arch, i) : init;
        float *w = m->params + L->w_off;
        for (size_t j = 0; j < L->w_count; j++) {
            switch (how) {
            case NN_INIT_HE:
                w[j] = nn_rng_normal(&rng) * (float)sqrt(2.0 / fan_in);
                break;
            case NN_INIT_UNIFORM:
                w[j] = nn_rng_uniform(&rng) - 0.5f;
                break;
            default: {
                float lim = (float)sqrt(6.0 / (fan_in + fan_out));
                w[j] = (2.0f * nn_rng_uniform(&rng) - 1.0f) * lim;
                break;
            }
            }
        }
        memset(m->params + L->b_off, 0, L->b_count * sizeof(float));
    }
}

/* ------------------------------------------------------------ accessors */

const nn_arch *nn_model_arch(const nn_model *m)
{
    return &m->arch;
}

size_t nn_model_param_count(const nn_model *m)
{
    return m->info.n_params;
}

float *nn_model_params(nn_model *m)
{
    return m->params;
}

const float *nn_model_params_const(const nn_model *m)
{
    return m->params;
}

size_t nn_model_tensor_count(const nn_model *m)
{
    return m->info.n_tensors;
}

nn_status nn_model_tensor(const nn_model *m, size_t i, nn_tensor *out)
{
    if (!m || !out || i >= m->info.n_tensors)
        return nn_fail(NULL, NN_EINVAL, "tensor index out of range");
    size_t t = 0;
    for (int l = 0; l < m->arch.n_layers; l++) {
        const nn_layer_spec *s = &m->arch.layer[l];
        const nn_layer_info *L = &m->info.layer[l];
        if (!L->w_count)
            continue;
        int is_bias = 0;
        if (t == i) {
            is_bias = 0;
        } else if (L->b_count && t + 1 == i) {
            is_bias = 1;
        } else {
            t += L->b_count ? 2 : 1;
            continue;
        }
        memset(out, 0, sizeof *out);
        snprintf(out->name, sizeof out->name, "%d.%s", l, is_bias ? "bias" : "weight");
        if (is_bias) {
            out->ndim = 1;
            out->shape[0] = s->units;
            out->count = L->b_count;
            out->data = m->params + L->b_off;
        } else if (s->kind == NN_LAYER_CONV) {
            out->ndim = 4;
            out->shape[0] = s->units;
            out->shape[1] = L->in_c;
            out->shape[2] = s->k;
            out->shape[3] = s->k;
            out->count = L->w_count;
            out->data = m->params + L->w_off;
        } else {
            out->ndim = 2;
            out->shape[0] = s->units;
            out->shape[1] = (int64_t)L->in_size;
            out->count = L->w_count;
            out->data = m->params + L->w_off;
        }
        return NN_OK;
    }
    return NN_EINVAL;
}

/* ------------------------------------------------------------- metadata */

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

nn_status nn_model_meta_set(nn_model *m, const char *key, const char *value, nn_error *err)
{
    if (!m || !key || !value)
        return nn_fail(err, NN_EINVAL, "metadata: missing model, key or value");
    /* Saved headers are I-JSON (RFC 7493): UTF-8 text only. */
    if (!text_utf8_valid(key, strlen(key), NULL) || !text_utf8_valid(value, strlen(value), NULL))
        return nn_fail(err, NN_EINVAL, "metadata: key or value of '%.40s' is not valid UTF-8 "
                       "text", key);
    char *v = dup_string(value);
    if (!v)
        return nn_fail(err, NN_ENOMEM, "metadata: out of memory for key '%s'", key);
    for (size_t i = 0; i < m->meta_n; i++) {
        if (strcmp(m->meta[i].key, key) == 0) {
            free(m->meta[i].value);
            m->meta[i].value = v;
            return NN_OK;
        }
    }
    if (m->meta_n == m->meta_cap) {
        size_t cap = m->meta_cap ? m->meta_cap * 2 : 8;
        nn_meta *grown = realloc(m->meta, cap * sizeof *grown);
        if (!grown) {
            free(v);
            return nn_fail(err, NN_ENOMEM, "metadata: out of memory for key '%s'", key);
        }
        m->meta = grown;
        m->meta_cap = cap;
    }
    char *k = dup_string(key);
    if (!k) {
        free(v);
        return nn_fail(err, NN_ENOMEM, "metadata: out of memory for key '%s'", key);
    }
    m->meta[m->meta_n].key = k;
    m->meta[m->meta_n].value = v;
    m->meta_n++;
    return NN_OK;
}

const char *nn_model_meta_get(const nn_model *m, const char *key)
{
    if (!m || !key)
        return NULL;
    for (size_t i = 0; i < m->meta_n; i++)
        if (strcmp(m->meta[i].key, key) == 0)
            return m->meta[i].value;
    return NULL;
}

size_t nn_model_meta_count(const nn_model *m)
{
    return m ? m->meta_n : 0;
}

void nn_model_meta_at(const nn_model *m, size_t i, const char **key, const char **value)
{
    const char *k = NULL, *v = NULL;
    if (m && i < m->meta_n) {
        k = m->meta[i].key;
        v = m->meta[i].value;
    }
    if (key)
        *key = k;
    if (value)
        *value = v;
}
