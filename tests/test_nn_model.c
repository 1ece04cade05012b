/* test_nn_model.c — architecture specs (accepted, rejected, limits,
 * canonical form), the model object (tensor names and shapes in PyTorch's
 * state-dict form, initialisation), metadata, clone and copy_params. */
#include "nn.h"
#include "nn_data.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static nn_status parse(const char *spec, nn_arch *a)
{
    nn_error err = {NN_OK, ""};
    nn_status st = nn_arch_parse(spec, a, &err);
    if (st != NN_OK) {
        /* A message is one line, names the problem, and matches the status. */
        CHECK(err.status == st);
        CHECK(err.msg[0] != '\0');
        CHECK(strchr(err.msg, '\n') == NULL);
    }
    return st;
}

static void test_parse_accepts(void)
{
    nn_arch a;
    char buf[256];
    CHECK(parse("cnn", &a) == NN_OK);
    CHECK(a.in_c == 1 && a.in_h == 28 && a.in_w == 28);
    CHECK(a.n_layers == 11);
    CHECK(a.layer[0].kind == NN_LAYER_CONV && a.layer[0].units == 32 && a.layer[0].k == 5 &&
          a.layer[0].bias == 1);
    CHECK(a.layer[2].kind == NN_LAYER_MAXPOOL);
    CHECK(a.layer[6].kind == NN_LAYER_FLATTEN);
    CHECK(a.layer[7].kind == NN_LAYER_DENSE && a.layer[7].units == 128);
    CHECK(a.layer[10].kind == NN_LAYER_SIGMOID);
    nn_arch_format(&a, buf, sizeof buf);
    CHECK(strcmp(buf, "conv32k5,relu,pool,conv64k5,relu,pool,flatten,fc128,relu,fc10,sigmoid") ==
          0);
    CHECK(nn_arch_in_size(&a) == 784 && nn_arch_out_size(&a) == 10);

    CHECK(parse("seed", &a) == NN_OK);
    nn_arch_format(&a, buf, sizeof buf);
    CHECK(strcmp(buf, "fc100nb,sigmoid,fc10nb,sigmoid") == 0);
    CHECK(a.layer[0].bias == 0 && a.layer[2].bias == 0);
    CHECK(parse("mlp", &a) == NN_OK);
    CHECK(a.n_layers == 6);

    /* Spaces are ignored; an explicit flatten is not doubled. */
    CHECK(parse(" conv8k3 , relu,pool , flatten, fc10 ,sigmoid ", &a) == NN_OK);
    CHECK(a.n_layers == 6 && a.layer[3].kind == NN_LAYER_FLATTEN &&
          a.layer[4].kind == NN_LAYER_DENSE);
    /* The canonical form parses back to the same arch. */
    nn_arch b;
    CHECK(parse("cnn", &a) == NN_OK);
    nn_arch_format(&a, buf, sizeof buf);
    CHECK(parse(buf, &b) == NN_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(parse("conv4k1nb,sigmoid,fc10,sigmoid", &a) == NN_OK);
    CHECK(a.layer[0].bias == 0 && a.layer[0].k == 1);

    /* nn_arch_format behaves like snprintf when the buffer is short. */
    CHECK(parse("mlp", &a) == NN_OK);
    char small[8];
    int need = nn_arch_format(&a, small, sizeof small);
    CHECK(need == (int)strlen("fc256,relu,fc128,relu,fc10,sigmoid"));
    CHECK(strlen(small) == 7 && strncmp(small, "fc256,r", 7) == 0);

    CHECK(nn_preset_arch("cnn") != NULL && nn_preset_arch("nope") == NULL);
    /* quick: its network and its recipe, as docs/quick.md chose them */
    CHECK(parse("quick", &a) == NN_OK && a.n_layers == 11 && a.layer[0].k == 3 &&
          a.layer[0].units == 16 && a.layer[3].units == 48 && a.layer[7].units == 128);
    nn_train_config q;
    CHECK(nn_train_config_preset("quick", &q, NULL) == NN_OK && q.epochs == 2 &&
          q.batch == 128 && q.schedule == NN_SCHED_ONECYCLE && q.augment == 0 &&
          q.lr == 5e-3f && q.warmup == 0.2f && q.skip_easy == 0.1f);
}

static void test_parse_rejects(void)
{
    nn_arch a;
    const char *bad_syntax[] = {"", ",", "fc10,,sigmoid", "fc10", "fc10,relu", "fc5,sigmoid",
                                "fc10,sigmoid,", "relu,sigmoid", "fc,fc10,sigmoid",
                                "fc0,fc10,sigmoid", "fc12x,fc10,sigmoid", "conv8,fc10,sigmoid",
                                "conv8k4,fc10,sigmoid", "conv8k17,fc10,sigmoid",
                                "convk3,fc10,sigmoid", "dense10,fc10,sigmoid",
                                "FC10,SIGMOID", "fc100,pool,fc10,sigmoid",
                                "fc100,conv8k3,fc10,sigmoid",
                                "pool,pool,pool,pool,pool,fc10,sigmoid",
                                "conv8k3nbx,fc10,sigmoid", "fc10nb nb,sigmoid"};
    for (size_t i = 0; i < sizeof bad_syntax / sizeof bad_syntax[0]; i++) {
        nn_status st = parse(bad_syntax[i], &a);
        if (st != NN_EFORMAT)
            fprintf(stderr, "spec '%s' gave %d\n", bad_syntax[i], (int)st);
        CHECK(st == NN_EFORMAT);
    }
    const char *too_big[] = {"fc100000000,fc10,sigmoid", "fc99999999999999999999,fc10,sigmoid",
                             "conv2000k15,conv2000k15,fc10,sigmoid",
                             "conv30000k1,fc10,sigmoid", "fc70000,fc70000,fc10,sigmoid"};
    for (size_t i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
        nn_status st = parse(too_big[i], &a);
        if (st != NN_ELIMIT)
            fprintf(stderr, "spec '%s' gave %d\n", too_big[i], (int)st);
        CHECK(st == NN_ELIMIT);
    }
    /* More than NN_MAX_LAYERS items. */
    char many[1024] = "";
    for (int i = 0; i < NN_MAX_LAYERS; i++)
        strcat(many, "relu,");
    strcat(many, "fc10,sigmoid");
    CHECK(parse(many, &a) == NN_ELIMIT);
    /* The message names the bad item. */
    nn_error err;
    CHECK(nn_arch_parse("fc100,relu,bogus,fc10,sigmoid", &a, &err) == NN_EFORMAT);
    CHECK(strstr(err.msg, "bogus") != NULL);
    CHECK(nn_arch_parse(NULL, &a, &err) == NN_EINVAL);
}

/* Hand-built archs reach nn_model_create without the parser (model files). */
static void test_model_limits(void)
{
    nn_arch a;
    memset(&a, 0, sizeof a);
    a.in_c = 1, a.in_h = 28, a.in_w = 28;
    a.n_layers = 3;
    a.layer[0] = (nn_layer_spec){NN_LAYER_DENSE, 1 << 20, 0, 1};
    a.layer[1] = (nn_layer_spec){NN_LAYER_DENSE, 1 << 20, 0, 1};
    a.layer[2] = (nn_layer_spec){NN_LAYER_SIGMOID, 0, 0, 0};
    nn_error err;
    CHECK(nn_model_create(&a, &err) == NULL && err.status == NN_ELIMIT);
    a.layer[0] = (nn_layer_spec){NN_LAYER_CONV, 8, 4, 1}; /* even kernel */
    CHECK(nn_model_create(&a, &err) == NULL && err.status == NN_ESHAPE);
    a.n_layers = 0;
    CHECK(nn_model_create(&a, &err) == NULL && err.status == NN_ESHAPE);
    a.n_layers = NN_MAX_LAYERS + 1;
    CHECK(nn_model_create(&a, &err) == NULL && err.status == NN_ELIMIT);
    a.n_layers = 2;
    a.layer[0] = (nn_layer_spec){NN_LAYER_DENSE, 10, 0, 1};
    a.layer[1] = (nn_layer_spec){NN_LAYER_MAXPOOL, 0, 0, 0}; /* pool on 10×1×1 */
    CHECK(nn_model_create(&a, &err) == NULL && err.status == NN_ESHAPE);
    CHECK(nn_model_create(NULL, &err) == NULL && err.status == NN_EINVAL);
}

static void test_tensors(void)
{
    nn_arch a;
    nn_error err;
    CHECK(parse("cnn", &a) == NN_OK);
    nn_model *m = nn_model_create(&a, &err);
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(nn_model_param_count(m) == 832 + 51264 + 401536 + 1290);
    CHECK(nn_model_tensor_count(m) == 8);
    const struct {
        const char *name;
        int ndim;
        int64_t shape[4];
    } want[8] = {{"0.weight", 4, {32, 1, 5, 5}}, {"0.bias", 1, {32}},
                 {"3.weight", 4, {64, 32, 5, 5}}, {"3.bias", 1, {64}},
                 {"7.weight", 2, {128, 3136}},   {"7.bias", 1, {128}},
                 {"9.weight", 2, {10, 128}},     {"9.bias", 1, {10}}};
    float *base = nn_model_params(m);
    size_t offset = 0;
    for (size_t i = 0; i < 8; i++) {
        nn_tensor t;
        CHECK(nn_model_tensor(m, i, &t) == NN_OK);
        CHECK(strcmp(t.name, want[i].name) == 0);
        CHECK(t.ndim == want[i].ndim);
        size_t count = 1;
        for (int d = 0; d < t.ndim; d++) {
            CHECK(t.shape[d] == want[i].shape[d]);
            count *= (size_t)t.shape[d];
        }
        CHECK(t.count == count);
        /* Weight then bias, layer by layer, back to back in one buffer. */
        CHECK(t.data == base + offset);
        offset += t.count;
    }
    CHECK(offset == nn_model_param_count(m));
    nn_tensor t;
    CHECK(nn_model_tensor(m, 8, &t) == NN_EINVAL);
    nn_model_free(m);

    CHECK(parse("seed", &a) == NN_OK);
    m = nn_model_create(&a, &err);
    CHECK(m && nn_model_tensor_count(m) == 2);
    if (m) {
        CHECK(nn_model_tensor(m, 1, &t) == NN_OK && strcmp(t.name, "2.weight") == 0 &&
              t.shape[0] == 10 && t.shape[1] == 100);
        CHECK(nn_model_tensor(m, 0, &t) == NN_OK && t.shape[0] == 100 && t.shape[1] == 784);
    }
    nn_model_free(m);
}

static void test_init(void)
{
    nn_arch a;
    nn_error err;
    CHECK(parse("mlp", &a) == NN_OK);
    nn_model *m = nn_model_create(&a, &err), *m2 = nn_model_create(&a, &err);
    CHECK(m && m2);
    if (!m || !m2)
        return;
    const size_t np = nn_model_param_count(m);
    int all_zero = 1;
    for (size_t i = 0; i < np; i++)
        all_zero &= nn_model_params(m)[i] == 0.0f;
    CHECK(all_zero);
    nn_model_init_params(m, NN_INIT_HE, 7);
    nn_model_init_params(m2, NN_INIT_HE, 7);
    CHECK(memcmp(nn_model_params(m), nn_model_params(m2), np * sizeof(float)) == 0);
    nn_model_init_params(m2, NN_INIT_HE, 8);
    CHECK(memcmp(nn_model_params(m), nn_model_params(m2), np * sizeof(float)) != 0);
    /* He: the first layer's weights have variance ≈ 2/784; biases zero. */
    nn_tensor w, b;
    nn_model_tensor(m, 0, &w);
    nn_model_tensor(m, 1, &b);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < w.count; i++)
        s += w.data[i], s2 += (double)w.data[i] * w.data[i];
    double mean = s / (double)w.count, var = s2 / (double)w.count - mean * mean;
    CHECK(fabs(mean) < 0.002);
    CHECK_NEAR(var, 2.0 / 784.0, 0.05 * 2.0 / 784.0);
    int zero = 1;
    for (size_t i = 0; i < b.count; i++)
        zero &= b.data[i] == 0.0f;
    CHECK(zero);
    /* Uniform: within (−0.5, 0.5), mean ≈ 0, variance ≈ 1/12. */
    nn_model_init_params(m, NN_INIT_UNIFORM, 1);
    s = 0, s2 = 0;
    float lo = 1, hi = -1;
    for (size_t i = 0; i < w.count; i++) {
        float v = w.data[i];
        s += v, s2 += (double)v * v;
        lo = v < lo ? v : lo, hi = v > hi ? v : hi;
    }
    CHECK(lo >= -0.5f && hi < 0.5f && lo < -0.49f && hi > 0.49f);
    CHECK_NEAR(s2 / (double)w.count, 1.0 / 12.0, 0.002);
    /* Xavier: bounded by sqrt(6/(784+256)). */
    nn_model_init_params(m, NN_INIT_XAVIER, 1);
    float lim = sqrtf(6.0f / (784 + 256)), mx = 0;
    for (size_t i = 0; i < w.count; i++)
        mx = fabsf(w.data[i]) > mx ? fabsf(w.data[i]) : mx;
    CHECK(mx <= lim && mx > 0.95f * lim);
    nn_model_free(m);
    nn_model_free(m2);
}

static void test_meta_clone_copy(void)
{
    nn_arch a;
    nn_error err;
    CHECK(parse("mlp", &a) == NN_OK);
    nn_model *m = nn_model_create(&a, &err);
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(nn_model_meta_count(m) == 0 && nn_model_meta_get(m, "arch") == NULL);
    CHECK(nn_model_meta_set(m, "arch", "mlp", &err) == NN_OK);
    CHECK(nn_model_meta_set(m, "loss", "bce", &err) == NN_OK);
    char key[32];
    for (int i = 0; i < 20; i++) { /* grows past the first allocation */
        snprintf(key, sizeof key, "k%d", i);
        CHECK(nn_model_meta_set(m, key, "v", &err) == NN_OK);
    }
    CHECK(nn_model_meta_count(m) == 22);
    CHECK(nn_model_meta_set(m, "arch", "cnn", &err) == NN_OK); /* replace keeps order */
    CHECK(nn_model_meta_count(m) == 22);
    CHECK(strcmp(nn_model_meta_get(m, "arch"), "cnn") == 0);
    const char *k, *v;
    nn_model_meta_at(m, 0, &k, &v);
    CHECK(strcmp(k, "arch") == 0 && strcmp(v, "cnn") == 0);
    nn_model_meta_at(m, 1, &k, &v);
    CHECK(strcmp(k, "loss") == 0 && strcmp(v, "bce") == 0);
    nn_model_meta_at(m, 99, &k, &v);
    CHECK(k == NULL && v == NULL);
    CHECK(nn_model_meta_set(m, NULL, "x", &err) == NN_EINVAL);
    /* The value is copied, not borrowed. */
    char val[8] = "abc";
    CHECK(nn_model_meta_set(m, "copy", val, &err) == NN_OK);
    val[0] = 'z';
    CHECK(strcmp(nn_model_meta_get(m, "copy"), "abc") == 0);

    nn_model_init_params(m, NN_INIT_HE, 3);
    nn_model *c = nn_model_clone(m, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(nn_model_param_count(c) == nn_model_param_count(m));
        CHECK(memcmp(nn_model_params(c), nn_model_params(m),
                     nn_model_param_count(m) * sizeof(float)) == 0);
        CHECK(nn_model_params(c) != nn_model_params(m));
        CHECK(nn_model_meta_count(c) == nn_model_meta_count(m));
        CHECK(strcmp(nn_model_meta_get(c, "arch"), "cnn") == 0);
        /* Independent: changing the clone leaves the original alone. */
        nn_model_params(c)[0] += 1.0f;
        nn_model_meta_set(c, "arch", "seed", &err);
        CHECK(nn_model_params(c)[0] != nn_model_params(m)[0]);
        CHECK(strcmp(nn_model_meta_get(m, "arch"), "cnn") == 0);
        CHECK(nn_model_copy_params(c, m, &err) == NN_OK);
        CHECK(memcmp(nn_model_params(c), nn_model_params(m),
                     nn_model_param_count(m) * sizeof(float)) == 0);
        CHECK(strcmp(nn_model_meta_get(c, "arch"), "seed") == 0); /* metadata untouched */
    }
    nn_arch other;
    CHECK(parse("seed", &other) == NN_OK);
    nn_model *o = nn_model_create(&other, &err);
    CHECK(o && nn_model_copy_params(o, m, &err) == NN_ESHAPE);
    nn_model_free(o);
    nn_model_free(c);
    nn_model_free(m);
    nn_model_free(NULL); /* a no-op */
    nn_workspace_free(NULL);
    nn_trainer_free(NULL);
}

static void test_status_and_rng(void)
{
    CHECK(strcmp(nn_status_str(NN_ENOMEM), "out of memory") == 0);
    CHECK(nn_status_str((nn_status)99) != NULL);
    nn_error err;
    CHECK(nn_fail(&err, NN_EIO, "x %d", 5) == NN_EIO && err.status == NN_EIO &&
          strcmp(err.msg, "x 5") == 0);
    CHECK(nn_fail(NULL, NN_EIO, "no slot") == NN_EIO);
    nn_rng r1, r2;
    nn_rng_seed(&r1, 42);
    nn_rng_seed(&r2, 42);
    int same = 1;
    for (int i = 0; i < 100; i++)
        same &= nn_rng_u64(&r1) == nn_rng_u64(&r2);
    CHECK(same);
    /* xoshiro256** reference: first output after seeding s = {1, 2, 3, 4}
     * is rotl(2·5, 7)·9 = 11520. */
    nn_rng k = {{1, 2, 3, 4}};
    CHECK(nn_rng_u64(&k) == 11520);
    size_t counts[7] = {0};
    double s = 0, s2 = 0;
    int in_range = 1;
    for (int i = 0; i < 70000; i++) {
        size_t v = nn_rng_below(&r1, 7);
        in_range &= v < 7;
        counts[v < 7 ? v : 0]++;
        float u = nn_rng_uniform(&r1);
        in_range &= u >= 0.0f && u < 1.0f;
        float z = nn_rng_normal(&r1);
        s += z, s2 += (double)z * z;
    }
    CHECK(in_range);
    for (int i = 0; i < 7; i++)
        CHECK(counts[i] > 9500 && counts[i] < 10500);
    CHECK(fabs(s / 70000) < 0.02 && fabs(s2 / 70000 - 1.0) < 0.03);
    CHECK(nn_rng_below(&r1, 1) == 0);
}

/* Issue 26 row 7: finite weights can give NaN.  Layer 0's 3e38s sum any
 * ink to +inf (whatever the kernel's order of additions), and layer 2's
 * +1s and -1s make inf - inf; nn_forward and nn_evaluate say NN_ENOANSWER
 * instead of an answer. */
static void test_no_answer(void)
{
    nn_error err;
    nn_arch a;
    nn_model *m = nn_arch_parse("fc10,relu,fc10,sigmoid", &a, &err) == NN_OK
                      ? nn_model_create(&a, &err)
                      : NULL;
    CHECK(m != NULL);
    if (!m)
        return;
    nn_tensor t;
    for (size_t k = 0; k < nn_model_tensor_count(m); k++)
        if (nn_model_tensor(m, k, &t) == NN_OK)
            for (size_t i = 0; i < t.count; i++)
                t.data[i] = strcmp(t.name, "0.weight") == 0 ? 3e38f
                            : strcmp(t.name, "2.weight") == 0 ? (i % 2 ? -1.0f : 1.0f)
                                                              : 0.0f;
    nn_workspace *ws = nn_workspace_create(m, 2, &err);
    static float x[2 * 784];
    float y[20];
    for (size_t i = 0; i < 2 * 784; i++)
        x[i] = i >= 784 ? 1.0f : 0.0f; /* a blank image, then all ink */
    CHECK(ws && nn_forward(m, ws, x, 1, y, &err) == NN_OK); /* blank: the biases */
    CHECK(ws && nn_forward(m, ws, x, 2, y, &err) == NN_ENOANSWER);
    CHECK(strcmp(err.msg, "the model's outputs are NaN (input 2 of 2): its weights overflow, "
                          "so it gives no answer") == 0);
    CHECK(nn_predict(m, x + 784, y, &err) == NN_ENOANSWER);
    uint8_t img[3 * 784], lab[3] = {1, 2, 3};
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = i < 784 ? 0 : 255;
    nn_dataset ds = {3, 28, 28, img, lab};
    nn_eval ev;
    CHECK(nn_evaluate(m, &ds, 1, &ev, &err) == NN_ENOANSWER);
    CHECK(strstr(err.msg, "NaN or infinite for 2 of 3 images") != NULL);
    CHECK(strcmp(nn_status_str(NN_ENOANSWER), "outputs not numbers") == 0);
    nn_workspace_free(ws);
    nn_model_free(m);
}

int main(void)
{
    test_parse_accepts();
    test_parse_rejects();
    test_model_limits();
    test_tensors();
    test_init();
    test_meta_clone_copy();
    test_status_and_rng();
    test_no_answer();
    return test_finish("test_nn_model");
}
