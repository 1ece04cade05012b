/* arch.c — architecture specs: the text form (`conv32k5,relu,pool,...`),
 * the named presets, shape inference and the size limits that refuse a
 * hostile spec or model file before anything is allocated. */
#include "model_internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- presets */

static const struct {
    const char *name, *spec;
} presets[] = {
    {"seed", "fc100nb,sigmoid,fc10nb,sigmoid"},
    {"mlp", "fc256,relu,fc128,relu,fc10,sigmoid"},
    {"cnn", "conv32k5,relu,pool,conv64k5,relu,pool,fc128,relu,fc10,sigmoid"},
    /* issue 31: from nothing to 99% in seconds (docs/quick.md) */
    {"quick", "conv16k3,relu,pool,conv48k3,relu,pool,fc128,relu,fc10,sigmoid"},
};

const char *nn_preset_arch(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(name, presets[i].name) == 0)
            return presets[i].spec;
    return NULL;
}

/* ------------------------------------------------------------- analysis */

/* Sizes are checked against the limits as they grow, so no product below can
 * overflow a size_t: every factor is bounded well under 2^32. */
nn_status nn_arch_analyse(const nn_arch *a, nn_arch_info *info, nn_error *err)
{
    memset(info, 0, sizeof *info);
    if (a->n_layers < 1)
        return nn_fail(err, NN_ESHAPE, "architecture has no layers");
    if (a->n_layers > NN_MAX_LAYERS)
        return nn_fail(err, NN_ELIMIT, "architecture has %d layers (limit %d)", a->n_layers,
                       NN_MAX_LAYERS);
    if (a->in_c < 1 || a->in_h < 1 || a->in_w < 1 || a->in_c > 4096 || a->in_h > 4096 ||
        a->in_w > 4096)
        return nn_fail(err, NN_ESHAPE, "bad input shape %dx%dx%d", a->in_c, a->in_h, a->in_w);
    size_t c = (size_t)a->in_c, h = (size_t)a->in_h, w = (size_t)a->in_w;
    int flat = (a->in_h == 1 && a->in_w == 1);
    size_t params = 0, acts = c * h * w, max_act = acts, max_cols = 0, tensors = 0;
    if (acts > NN_MAX_ACTIVATIONS)
        return nn_fail(err, NN_ELIMIT, "input of %zu values exceeds the limit", acts);
    for (int i = 0; i < a->n_layers; i++) {
        const nn_layer_spec *s = &a->layer[i];
        nn_layer_info *L = &info->layer[i];
        L->in_c = (int)c, L->in_h = (int)h, L->in_w = (int)w;
        L->in_size = c * h * w;
        size_t wc = 0, bc = 0;
        switch (s->kind) {
        case NN_LAYER_DENSE: {
            /* A first fc takes the image as a flat vector, as nn.Linear does
             * on MNIST rows; later ones follow a flatten (nn_arch_parse). */
            if (s->units < 1)
                return nn_fail(err, NN_ESHAPE, "layer %d: fc with %d units", i, s->units);
            if ((size_t)s->units > NN_MAX_ACTIVATIONS)
                return nn_fail(err, NN_ELIMIT, "layer %d: fc%d exceeds the activation limit", i,
                               s->units);
            size_t in = c * h * w;
            if (in > NN_MAX_PARAMS / (size_t)s->units)
                return nn_fail(err, NN_ELIMIT, "layer %d: fc%d on %zu inputs exceeds the "
                               "parameter limit", i, s->units, in);
            wc = in * (size_t)s->units;
            bc = s->bias ? (size_t)s->units : 0;
            c = (size_t)s->units, h = 1, w = 1;
            flat = 1;
            break;
        }
        case NN_LAYER_CONV: {
            if (flat && i > 0)
                return nn_fail(err, NN_ESHAPE, "layer %d: conv after a flat layer", i);
            if (s->units < 1 || s->k < 1 || s->k % 2 == 0 || s->k > 15)
                return nn_fail(err, NN_ESHAPE, "layer %d: conv%dk%d needs >= 1 channels and an "
                               "odd kernel 1..15", i, s->units, s->k);
            if ((size_t)s->units > NN_MAX_ACTIVATIONS / (h * w))
                return nn_fail(err, NN_ELIMIT, "layer %d: conv%dk%d exceeds the activation "
                               "limit", i, s->units, s->k);
            size_t kk = c * (size_t)s->k * (size_t)s->k;
            if (kk > NN_MAX_PARAMS / (size_t)s->units)
                return nn_fail(err, NN_ELIMIT, "layer %d: conv%dk%d exceeds the parameter "
                               "limit", i, s->units, s->k);
            if (kk > NN_MAX_ACTIVATIONS / (h * w))
                return nn_fail(err, NN_ELIMIT, "layer %d: conv%dk%d needs too large an im2col "
                               "buffer", i, s->units, s->k);
            if (kk * h * w > max_cols)
                max_cols = kk * h * w;
            wc = kk * (size_t)s->units;
            bc = s->bias ? (size_t)s->units : 0;
            c = (size_t)s->units;
            break;
        }
        case NN_LAYER_MAXPOOL:
            if (h < 2 || w < 2)
                return nn_fail(err, NN_ESHAPE, "layer %d: pool on a %zux%zu input", i, h, w);
            h /= 2, w /= 2;
            break;
        case NN_LAYER_RELU:
        case NN_LAYER_SIGMOID:
            break;
        case NN_LAYER_FLATTEN:
            c = c * h * w, h = 1, w = 1;
            flat = 1;
            break;
        default:
            return nn_fail(err, NN_ESHAPE, "layer %d: unknown kind %d", i, (int)s->kind);
        }
        L->out_c = (int)c, L->out_h = (int)h, L->out_w = (int)w;
        L->out_size = c * h * w;
        if (wc) {
            if (wc + bc > NN_MAX_PARAMS - params)
                return nn_fail(err, NN_ELIMIT, "more than %zu parameters at layer %d",
                               NN_MAX_PARAMS, i);
            L->w_off = params, L->w_count = wc;
            params += wc;
            L->b_off = params, L->b_count = bc;
            params += bc;
            tensors += bc ? 2 : 1;
        }
        if (L->out_size > NN_MAX_ACTIVATIONS - acts)
            return nn_fail(err, NN_ELIMIT, "more than %zu activations per sample at layer %d",
                           NN_MAX_ACTIVATIONS, i);
        acts += L->out_size;
        if (L->out_size > max_act)
            max_act = L->out_size;
    }
    info->n_params = params;
    info->n_tensors = tensors;
    info->acts_per_sample = acts;
    info->max_act = max_act;
    info->max_cols = max_cols;
    return NN_OK;
}

int nn_arch_equal(const nn_arch *a, const nn_arch *b)
{
    if (a->in_c != b->in_c || a->in_h != b->in_h || a->in_w != b->in_w ||
        a->n_layers != b->n_layers)
        return 0;
    for (int i = 0; i < a->n_layers; i++) {
        const nn_layer_spec *x = &a->layer[i], *y = &b->layer[i];
        if (x->kind != y->kind || x->units != y->units || x->k != y->k || x->bias != y->bias)
            return 0;
    }
    return 1;
}

size_t nn_arch_in_size(const nn_arch *a)
{
    return (size_t)a->in_c * (size_t)a->in_h * (size_t)a->in_w;
}

size_t nn_arch_out_size(const nn_arch *a)
{
    nn_arch_info info;
    if (nn_arch_analyse(a, &info, NULL) != NN_OK)
        return 0;
    return info.layer[a->n_layers - 1].out_size;
}

/* ---------------------------------------------------------------- parsing */

/* Reads a decimal number at *p; values beyond `max` saturate to max+1 so the
 * caller reports a limit error rather than a syntax error. */
static int read_number(const char **p, long max, long *out)
{
    const char *s = *p;
    long v = 0;
    if (!isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s)) {
        if (v <= max)
            v = v * 10 + (*s - '0');
        s++;
    }
    *out = v > max ? max + 1 : v;
    *p = s;
    return 1;
}

/* Parses one item (already stripped of spaces) into *s. */
static nn_status parse_item(const char *item, int index, nn_layer_spec *s, nn_error *err)
{
    const long max_units = 1L << 30;
    memset(s, 0, sizeof *s);
    if (strcmp(item, "pool") == 0) {
        s->kind = NN_LAYER_MAXPOOL;
        return NN_OK;
    }
    if (strcmp(item, "relu") == 0) {
        s->kind = NN_LAYER_RELU;
        return NN_OK;
    }
    if (strcmp(item, "sigmoid") == 0) {
        s->kind = NN_LAYER_SIGMOID;
        return NN_OK;
    }
    if (strcmp(item, "flatten") == 0) {
        s->kind = NN_LAYER_FLATTEN;
        return NN_OK;
    }
    const char *p = item;
    long units = 0, k = 0;
    if (strncmp(p, "fc", 2) == 0) {
        p += 2;
        s->kind = NN_LAYER_DENSE;
        if (!read_number(&p, max_units, &units))
            return nn_fail(err, NN_EFORMAT, "arch item %d '%s': expected fc<N>[nb]", index, item);
    } else if (strncmp(p, "conv", 4) == 0) {
        p += 4;
        s->kind = NN_LAYER_CONV;
        int ok = read_number(&p, max_units, &units) && *p == 'k';
        if (ok) {
            p++;
            ok = read_number(&p, 1000, &k);
        }
        if (!ok)
            return nn_fail(err, NN_EFORMAT, "arch item %d '%s': expected conv<C>k<K>[nb]", index,
                           item);
    } else {
        return nn_fail(err, NN_EFORMAT, "arch item %d '%s': unknown layer (use convCkK, pool, "
                       "fcN, relu, sigmoid, flatten)", index, item);
    }
    s->bias = 1;
    if (strcmp(p, "nb") == 0)
        s->bias = 0;
    else if (*p)
        return nn_fail(err, NN_EFORMAT, "arch item %d '%s': unexpected '%s'", index, item, p);
    if (units < 1)
        return nn_fail(err, NN_EFORMAT, "arch item %d '%s': needs at least 1 unit", index, item);
    if (units > max_units)
        return nn_fail(err, NN_ELIMIT, "arch item %d '%s': too many units", index, item);
    if (s->kind == NN_LAYER_CONV && (k < 1 || k > 15 || k % 2 == 0))
        return nn_fail(err, NN_EFORMAT, "arch item %d '%s': kernel size must be odd, 1..15",
                       index, item);
    s->units = (int)units;
    s->k = (int)k;
    return NN_OK;
}

nn_status nn_arch_parse(const char *text, nn_arch *out, nn_error *err)
{
    if (!text || !out)
        return nn_fail(err, NN_EINVAL, "arch: no spec given");
    const char *preset = nn_preset_arch(text);
    if (preset)
        text = preset;
    nn_arch a;
    memset(&a, 0, sizeof a);
    a.in_c = 1, a.in_h = 28, a.in_w = 28;
    int spatial = 1; /* the current activation is still an image */
    int index = 0;
    const char *p = text;
    for (;;) {
        char item[64];
        size_t len = 0;
        int too_long = 0;
        index++;
        while (*p && *p != ',') {
            if (!isspace((unsigned char)*p)) {
                if (len + 1 < sizeof item)
                    item[len++] = *p;
                else
                    too_long = 1;
            }
            p++;
        }
        item[len] = '\0';
        if (too_long)
            return nn_fail(err, NN_EFORMAT, "arch item %d '%s...': too long", index, item);
        if (len == 0)
            return nn_fail(err, NN_EFORMAT, "arch item %d is empty in '%s'", index, text);
        nn_layer_spec s;
        nn_status st = parse_item(item, index, &s, err);
        if (st != NN_OK)
            return st;
        /* nn.Flatten sits between the last image layer and the first fc, so
         * layer numbers match the PyTorch model's state-dict keys. */
        if (s.kind == NN_LAYER_DENSE && spatial && a.n_layers > 0) {
            if (a.n_layers >= NN_MAX_LAYERS)
                return nn_fail(err, NN_ELIMIT, "arch: more than %d layers", NN_MAX_LAYERS);
            a.layer[a.n_layers++].kind = NN_LAYER_FLATTEN;
        }
        if (s.kind == NN_LAYER_DENSE || s.kind == NN_LAYER_FLATTEN)
            spatial = 0;
        if ((s.kind == NN_LAYER_CONV || s.kind == NN_LAYER_MAXPOOL) && !spatial)
            return nn_fail(err, NN_EFORMAT, "arch item %d '%s': conv/pool after fc or flatten",
                           index, item);
        if (a.n_layers >= NN_MAX_LAYERS)
            return nn_fail(err, NN_ELIMIT, "arch: more than %d layers", NN_MAX_LAYERS);
        a.layer[a.n_layers++] = s;
        if (!*p)
            break;
        p++;
    }
    if (a.n_layers < 2 || a.layer[a.n_layers - 1].kind != NN_LAYER_SIGMOID ||
        a.layer[a.n_layers - 2].kind != NN_LAYER_DENSE || a.layer[a.n_layers - 2].units != 10)
        return nn_fail(err, NN_EFORMAT, "arch '%s': must end with fc10,sigmoid", text);
    nn_arch_info info;
    nn_status st = nn_arch_analyse(&a, &info, err);
    if (st == NN_ESHAPE) {
        /* For a spec, a shape that does not fit is a mistake in the text. */
        if (err)
            err->status = NN_EFORMAT;
        return NN_EFORMAT;
    }
    if (st != NN_OK)
        return st;
    *out = a;
    return NN_OK;
}

int nn_arch_format(const nn_arch *a, char *buf, size_t len)
{
    size_t used = 0;
    int truncated = 0;
    char tmp[64];
    if (len > 0)
        buf[0] = '\0';
    for (int i = 0; i < a->n_layers; i++) {
        const nn_layer_spec *s = &a->layer[i];
        const char *sep = i ? "," : "";
        switch (s->kind) {
        case NN_LAYER_DENSE:
            snprintf(tmp, sizeof tmp, "%sfc%d%s", sep, s->units, s->bias ? "" : "nb");
            break;
        case NN_LAYER_CONV:
            snprintf(tmp, sizeof tmp, "%sconv%dk%d%s", sep, s->units, s->k, s->bias ? "" : "nb");
            break;
        case NN_LAYER_MAXPOOL: snprintf(tmp, sizeof tmp, "%spool", sep); break;
        case NN_LAYER_RELU: snprintf(tmp, sizeof tmp, "%srelu", sep); break;
        case NN_LAYER_SIGMOID: snprintf(tmp, sizeof tmp, "%ssigmoid", sep); break;
        case NN_LAYER_FLATTEN: snprintf(tmp, sizeof tmp, "%sflatten", sep); break;
        default: snprintf(tmp, sizeof tmp, "%s?", sep); break;
        }
        size_t n = strlen(tmp);
        if (!truncated && used + n < len) {
            memcpy(buf + used, tmp, n + 1);
        } else if (!truncated && used < len) {
            memcpy(buf + used, tmp, len - used - 1);
            buf[len - 1] = '\0';
            truncated = 1;
        }
        used += n;
    }
    return used > INT_MAX ? INT_MAX : (int)used;
}
