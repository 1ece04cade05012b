/* test_nn_inspect.c — looking inside a model: layer shapes, every layer's
 * output for one sample (the last equals nn_predict's answer, the first a
 * hand-computed golden value), and the input gradient of each output's
 * logit checked against central differences for the seed, mlp and a small
 * cnn (ReLU, max-pool, sigmoid hidden layers, a leading flatten); SmoothGrad
 * and integrated gradients against references built from it. */
#include "nn.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nn_model *make(const char *spec, uint64_t seed)
{
    nn_arch a;
    nn_error e;
    if (nn_arch_parse(spec, &a, &e) != NN_OK) {
        fprintf(stderr, "%s: %s\n", spec, e.msg);
        return NULL;
    }
    nn_model *m = nn_model_create(&a, &e);
    if (m) {
        nn_model_init_params(m, NN_INIT_AUTO, seed);
        /* non-zero biases, so the golden value and the gradients see them */
        nn_rng r;
        nn_rng_seed(&r, seed + 1);
        for (size_t t = 0; t < nn_model_tensor_count(m); t++) {
            nn_tensor ten;
            nn_model_tensor(m, t, &ten);
            if (ten.ndim == 1)
                for (size_t i = 0; i < ten.count; i++)
                    ten.data[i] = 0.1f * nn_rng_normal(&r);
        }
    }
    return m;
}

/* A digit-like input: a blank page with a random blob of ink.  blank 0:
 * random values instead of exact zeros, for the finite differences,
 * which are meaningless where max-pool sees ties (a blank region gives equal
 * values everywhere, and a step breaks the tie one way only). */
static void make_input(float *x, uint64_t seed, int blank)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int i = 0; i < 784; i++) {
        int y = i / 28, xx = i % 28;
        float d = hypotf((float)y - 14.0f, (float)xx - 13.0f);
        float faint = blank ? 0.0f : nn_rng_uniform(&r);
        x[i] = d < 7.0f ? 0.2f + 0.8f * nn_rng_uniform(&r) : faint;
    }
}

static void test_shapes(void)
{
    nn_model *m = make("cnn", 1);
    CHECK(m != NULL);
    if (!m)
        return;
    nn_layer_view v;
    nn_error e;
    CHECK(nn_layer_shape(m, 0, &v, &e) == NN_OK);
    CHECK(v.kind == NN_LAYER_CONV && v.c == 32 && v.h == 28 && v.w == 28 && v.size == 32 * 784);
    CHECK(nn_layer_shape(m, 2, &v, &e) == NN_OK); /* pool */
    CHECK(v.kind == NN_LAYER_MAXPOOL && v.c == 32 && v.h == 14 && v.w == 14 && !v.data);
    int last = nn_model_arch(m)->n_layers - 1;
    CHECK(nn_layer_shape(m, last, &v, &e) == NN_OK);
    CHECK(v.kind == NN_LAYER_SIGMOID && v.size == 10);
    CHECK(nn_layer_shape(m, last + 1, &v, &e) == NN_EINVAL && e.status == NN_EINVAL);
    CHECK(nn_layer_shape(m, -1, &v, &e) == NN_EINVAL);
    CHECK(nn_layer_shape(NULL, 0, &v, &e) == NN_EINVAL);
    nn_model_free(m);
}

static void test_forward_layers(const char *spec)
{
    nn_model *m = make(spec, 2);
    CHECK(m != NULL);
    if (!m)
        return;
    nn_error e;
    nn_workspace *ws = nn_workspace_create(m, 1, &e);
    CHECK(ws != NULL);
    float x[784], y[10];
    make_input(x, 3, 1);
    nn_layer_view v[NN_MAX_LAYERS];
    const nn_arch *a = nn_model_arch(m);
    CHECK(nn_forward_layers(m, ws, x, v, &e) == NN_OK);
    CHECK(nn_predict(m, x, y, &e) == NN_OK);
    int last = a->n_layers - 1;
    CHECK(v[last].size == 10 && memcmp(v[last].data, y, sizeof y) == 0);
    for (int i = 0; i < a->n_layers; i++)
        CHECK(v[i].data != NULL && v[i].index == i && v[i].kind == a->layer[i].kind);
    /* golden: unit 0 of the first dense layer, by hand */
    int d = 0;
    while (a->layer[d].kind != NN_LAYER_DENSE)
        d++;
    if (d <= 1) { /* fed by the input itself (a leading flatten at most) */
        nn_tensor w, b;
        nn_model_tensor(m, 0, &w);
        nn_model_tensor(m, 1, &b);
        double z = b.ndim == 1 ? b.data[0] : 0.0; /* the seed's layers have no bias */
        for (int j = 0; j < 784; j++)
            z += (double)w.data[j] * x[j];
        CHECK_NEAR(v[d].data[0], z, 1e-4);
    }
    /* a workspace for another arch is refused */
    nn_model *other = make("fc10,sigmoid", 4);
    CHECK(nn_forward_layers(other, ws, x, v, &e) == NN_ESHAPE);
    nn_model_free(other);
    nn_workspace_free(ws);
    nn_model_free(m);
}

/* The logit of output k at x: the input of the final sigmoid. */
static double logit_at(const nn_model *m, nn_workspace *ws, const float *x, int k)
{
    nn_layer_view v[NN_MAX_LAYERS];
    nn_forward_layers(m, ws, x, v, NULL);
    return v[nn_model_arch(m)->n_layers - 2].data[k];
}

/* Central differences on every pixel against nn_input_gradient, for two
 * outputs: each pixel within 1e-3 + 1% (the logit is float, so a step of
 * 1e-3 leaves ~1e-4 of rounding noise in the difference quotient).  ReLU
 * and max-pool have kinks that a finite step may cross, so for nets with
 * them a few pixels (at most 2%; 5 of 784 measured) may disagree; the whole
 * gradient must still agree to 5% in L2 (a wrong backward pass was off by
 * more than 100%). */
static void test_gradient(const char *spec, int has_kinks)
{
    nn_model *m = make(spec, 5);
    CHECK(m != NULL);
    if (!m)
        return;
    nn_error e;
    nn_workspace *ws = nn_workspace_create(m, 1, &e);
    float x[784], g[784], blank[784];
    make_input(x, 6, 0);
    make_input(blank, 6, 1);
    /* a smaller step for nets with kinks crosses fewer of them (measured on
     * the relu+pool net: 5 pixels off at 3e-4, 34 at 1e-3, 71 at 3e-3) */
    const double eps = has_kinks ? 3e-4 : 1e-3;
    for (int k = 0; k < 10; k += 7) {
        float z = 0;
        CHECK(nn_input_gradient(m, x, k, g, &z, &e) == NN_OK);
        CHECK_NEAR(z, logit_at(m, ws, x, k), 1e-6);
        int bad = 0;
        double num2 = 0, err2 = 0;
        for (int j = 0; j < 784; j++) {
            float keep = x[j];
            x[j] = (float)(keep + eps);
            double up = logit_at(m, ws, x, k);
            x[j] = (float)(keep - eps);
            double down = logit_at(m, ws, x, k);
            x[j] = keep;
            double n = (up - down) / (2 * eps);
            double diff = fabs(n - g[j]);
            bad += diff > 1e-3 + 1e-2 * fabs(n);
            num2 += n * n;
            err2 += diff * diff;
        }
        double rel = sqrt(err2 / (num2 + 1e-30));
        /* blank pixels get a gradient: "where ink would raise it" */
        CHECK(nn_input_gradient(m, blank, k, g, NULL, &e) == NN_OK);
        int blank_nonzero = 0;
        for (int j = 0; j < 784; j++)
            blank_nonzero += blank[j] == 0.0f && g[j] != 0.0f;
        printf("%s, output %d: %d of 784 pixels off, L2 relative error %.2e; "
               "%d blank pixels with a gradient\n",
               spec, k, bad, rel, blank_nonzero);
        CHECK(bad <= (has_kinks ? 16 : 0));
        CHECK(rel < 5e-2);
        CHECK(blank_nonzero > 100);
    }
    CHECK(nn_input_gradient(m, x, 10, g, NULL, &e) == NN_EINVAL);
    CHECK(nn_input_gradient(m, x, -1, g, NULL, &e) == NN_EINVAL);
    CHECK(nn_input_gradient(m, NULL, 0, g, NULL, &e) == NN_EINVAL);
    nn_workspace_free(ws);
    nn_model_free(m);
}

/* SmoothGrad and integrated gradients against references computed here
 * from nn_input_gradient alone: SmoothGrad is the mean of raw gradients at
 * noisy copies drawn with the same nn_rng stream (normal draws in pixel
 * order, copy after copy); IG is x ⊙ the mean gradient at the midpoints
 * (i + ½)/n · x, and with many steps its pixels sum to z(x) − z(0)
 * (completeness).  The same seed gives the same map, another seed another. */
static void test_attribution(const char *spec)
{
    nn_model *m = make(spec, 9);
    CHECK(m != NULL);
    if (!m)
        return;
    nn_error e;
    float x[784], pt[784], g[784], ref[784], out[784], again[784], zero[784] = {0};
    make_input(x, 10, 1);
    const int k = 3, n = 8;
    nn_attr_config c;

    /* SmoothGrad */
    nn_attr_config_defaults(&c, NN_ATTR_SMOOTHGRAD);
    c.samples = n;
    c.seed = 77;
    memset(ref, 0, sizeof ref);
    nn_rng r;
    nn_rng_seed(&r, 77);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < 784; j++)
            pt[j] = x[j] + c.noise * nn_rng_normal(&r);
        CHECK(nn_input_gradient(m, pt, k, g, NULL, &e) == NN_OK);
        for (int j = 0; j < 784; j++)
            ref[j] += g[j] / (float)n;
    }
    float z = 0, z_raw = 0;
    CHECK(nn_input_attribution(m, x, k, &c, out, &z, &e) == NN_OK);
    CHECK(nn_input_gradient(m, x, k, g, &z_raw, &e) == NN_OK);
    CHECK(z == z_raw); /* the logit at x, not at a noisy copy */
    double worst = 0, scale = 0;
    for (int j = 0; j < 784; j++) {
        worst = fmax(worst, fabs(out[j] - ref[j]));
        scale = fmax(scale, fabs(ref[j]));
    }
    printf("%s smoothgrad: max |diff| %.2e of max %.2e\n", spec, worst, scale);
    CHECK(scale > 0 && worst <= 1e-5 * scale);
    CHECK(nn_input_attribution(m, x, k, &c, again, NULL, &e) == NN_OK);
    CHECK(memcmp(out, again, sizeof out) == 0);
    c.seed = 78;
    CHECK(nn_input_attribution(m, x, k, &c, again, NULL, &e) == NN_OK);
    CHECK(memcmp(out, again, sizeof out) != 0);

    /* Raw equals nn_input_gradient. */
    nn_attr_config_defaults(&c, NN_ATTR_RAW);
    CHECK(nn_input_attribution(m, x, k, &c, out, NULL, &e) == NN_OK);
    CHECK(memcmp(out, g, sizeof out) == 0);

    /* Integrated gradients: the reference, then completeness. */
    nn_attr_config_defaults(&c, NN_ATTR_IG);
    c.samples = n;
    memset(ref, 0, sizeof ref);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < 784; j++)
            pt[j] = ((float)i + 0.5f) / (float)n * x[j];
        CHECK(nn_input_gradient(m, pt, k, g, NULL, &e) == NN_OK);
        for (int j = 0; j < 784; j++)
            ref[j] += g[j] / (float)n;
    }
    CHECK(nn_input_attribution(m, x, k, &c, out, NULL, &e) == NN_OK);
    c.path_gradient = 1;
    CHECK(nn_input_attribution(m, x, k, &c, again, NULL, &e) == NN_OK);
    worst = scale = 0;
    for (int j = 0; j < 784; j++) {
        worst = fmax(worst, fabs(out[j] - ref[j] * x[j]) + fabs(again[j] - ref[j]));
        scale = fmax(scale, fabs(ref[j]));
    }
    CHECK(scale > 0 && worst <= 1e-5 * scale);
    c.path_gradient = 0;
    c.samples = 512;
    CHECK(nn_input_attribution(m, x, k, &c, out, &z, &e) == NN_OK);
    float z0 = 0;
    CHECK(nn_input_gradient(m, zero, k, g, &z0, &e) == NN_OK);
    double sum = 0;
    for (int j = 0; j < 784; j++)
        sum += out[j];
    printf("%s ig: sum %.5f, z(x) - z(0) = %.5f\n", spec, sum, (double)(z - z0));
    CHECK(fabs(sum - (z - z0)) <= 0.02 * fabs(z - z0) + 1e-3);

    /* Bad arguments. */
    c.samples = 0;
    CHECK(nn_input_attribution(m, x, k, &c, out, NULL, &e) == NN_EINVAL);
    c.samples = 4;
    CHECK(nn_input_attribution(m, x, 10, &c, out, NULL, &e) == NN_EINVAL);
    c.method = (nn_attr_method)7;
    CHECK(nn_input_attribution(m, x, k, &c, out, NULL, &e) == NN_EINVAL);
    CHECK(nn_input_attribution(m, x, k, NULL, out, NULL, &e) == NN_EINVAL);
    nn_attr_method meth;
    CHECK(nn_attr_method_parse("ig", &meth) == 0 && meth == NN_ATTR_IG);
    CHECK(nn_attr_method_parse("smoothgrad", &meth) == 0 && meth == NN_ATTR_SMOOTHGRAD);
    CHECK(nn_attr_method_parse("raw", &meth) == 0 && meth == NN_ATTR_RAW);
    CHECK(nn_attr_method_parse("SmoothGrad!", &meth) == -1);
    nn_model_free(m);
}

int main(void)
{
    test_shapes();
    test_forward_layers("seed");
    test_forward_layers("mlp");
    test_forward_layers("conv4k3,relu,pool,conv6k5,relu,pool,fc16,relu,fc10,sigmoid");
    test_gradient("seed", 0);
    test_gradient("flatten,fc32,sigmoid,fc10,sigmoid", 0);
    test_gradient("mlp", 1);
    test_gradient("conv4k3,relu,pool,conv6k5,relu,pool,fc16,relu,fc10,sigmoid", 1);
    test_gradient("conv3k1nb,sigmoid,fc10,sigmoid", 0);
    test_gradient("conv3k3,relu,fc10,sigmoid", 1);
    test_gradient("conv3k3,sigmoid,pool,fc10,sigmoid", 1);
    test_gradient("conv4k3,sigmoid,conv3k3,sigmoid,fc10,sigmoid", 0);
    test_attribution("mlp");
    test_attribution("conv4k3,relu,pool,conv6k5,relu,pool,fc16,relu,fc10,sigmoid");
    return test_finish("test_nn_inspect");
}
