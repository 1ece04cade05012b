/* test_nn_file.c — model files: bit-exact round trips for every preset, a
 * file laid out as Python's safetensors writes it, every kind of corrupt
 * file (each must fail with a one-line "PATH: problem"), and atomic saves
 * that fail at every step without touching the previous file. */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "nn_file.h"
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static const char *tmp(const char *name)
{
    static char buf[16][512];
    static int k;
    k = (k + 1) % 16;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static nn_model *make_model(const char *arch_text, uint64_t seed)
{
    nn_arch arch;
    nn_error err = {0};
    if (nn_arch_parse(arch_text, &arch, &err) != NN_OK) {
        fprintf(stderr, "arch %s: %s\n", arch_text, err.msg);
        return NULL;
    }
    nn_model *m = nn_model_create(&arch, &err);
    if (!m) {
        fprintf(stderr, "create %s: %s\n", arch_text, err.msg);
        return NULL;
    }
    nn_model_init_params(m, NN_INIT_AUTO, seed);
    /* Biases start at zero: give them values so a mix-up shows. */
    size_t nt = nn_model_tensor_count(m);
    for (size_t i = 0; i < nt; i++) {
        nn_tensor t;
        if (nn_model_tensor(m, i, &t) == NN_OK && strstr(t.name, "bias"))
            for (size_t j = 0; j < t.count; j++)
                t.data[j] = 0.001f * (float)(j + 1) + (float)i;
    }
    nn_model_meta_set(m, "loss", "mse", NULL);
    nn_model_meta_set(m, "dataset", "mnist", NULL);
    nn_model_meta_set(m, "epochs", "3", NULL);
    nn_model_meta_set(m, "seed", "42", NULL);
    nn_model_meta_set(m, "test_accuracy", "0.9912", NULL);
    nn_model_meta_set(m, "date", "2026-11-28T12:00:00Z", NULL);
    nn_model_meta_set(m, "command", "digitpad --train --arch \"x\"\\ \xc3\xa9", NULL);
    return m;
}

static int same_params(const nn_model *a, const nn_model *b)
{
    size_t n = nn_model_param_count(a);
    return n == nn_model_param_count(b) &&
           memcmp(nn_model_params_const(a), nn_model_params_const(b), n * sizeof(float)) == 0;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (!b)
        return -1;
    *out = b;
    *len = n;
    return 0;
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

/* ----------------------------------------------------------- round trip */

static void test_round_trip(const char *arch_text)
{
    nn_model *m = make_model(arch_text, 7);
    CHECK(m != NULL);
    if (!m)
        return;
    /* values that a careless float conversion would change */
    float *p = nn_model_params(m);
    size_t np = nn_model_param_count(m);
    float special[] = {-0.0f, FLT_MIN / 4, FLT_MAX, -FLT_MAX, FLT_EPSILON, 1e-38f};
    for (size_t i = 0; i < sizeof special / sizeof *special && i < np; i++)
        p[i] = special[i];

    const char *path = tmp("rt.safetensors");
    nn_error err = {0};
    CHECK(nn_model_save(m, path, &err) == NN_OK);
    nn_model *l = nn_model_load(path, &err);
    CHECK(l != NULL);
    if (!l) {
        fprintf(stderr, "%s: %s\n", arch_text, err.msg);
        nn_model_free(m);
        return;
    }
    CHECK(same_params(m, l));
    size_t nt = nn_model_tensor_count(m);
    CHECK(nt == nn_model_tensor_count(l));
    for (size_t i = 0; i < nt && i < nn_model_tensor_count(l); i++) {
        nn_tensor a, b;
        nn_model_tensor(m, i, &a);
        nn_model_tensor(l, i, &b);
        CHECK(strcmp(a.name, b.name) == 0 && a.ndim == b.ndim && a.count == b.count);
        CHECK(memcmp(a.data, b.data, a.count * sizeof(float)) == 0);
    }
    size_t nm = nn_model_meta_count(m);
    for (size_t i = 0; i < nm; i++) {
        const char *k, *v;
        nn_model_meta_at(m, i, &k, &v);
        const char *got = nn_model_meta_get(l, k);
        CHECK(got && strcmp(got, v) == 0);
    }
    CHECK(nn_model_meta_get(l, "format") && !strcmp(nn_model_meta_get(l, "format"), "digitpad"));
    CHECK(nn_model_meta_get(l, "format_version") &&
          !strcmp(nn_model_meta_get(l, "format_version"), "1"));
    char canon[1024];
    nn_arch_format(nn_model_arch(m), canon, sizeof canon);
    CHECK(nn_model_meta_get(l, "arch") && !strcmp(nn_model_meta_get(l, "arch"), canon));

    /* the file is exactly the serialisation, deterministic, and aligned */
    void *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0;
    unsigned char *disk = NULL;
    size_t dl = 0;
    CHECK(nn_model_serialize(m, &s1, &l1, &err) == NN_OK);
    CHECK(nn_model_serialize(l, &s2, &l2, &err) == NN_OK);
    CHECK(read_file(path, &disk, &dl) == 0);
    CHECK(s1 && s2 && disk && l1 == l2 && l1 == dl && !memcmp(s1, s2, l1) && !memcmp(s1, disk, l1));
    if (s1) {
        const unsigned char *b = s1;
        uint64_t hl = 0;
        for (int i = 7; i >= 0; i--)
            hl = hl << 8 | b[i];
        CHECK((8 + hl) % 8 == 0);
        CHECK(l1 == 8 + hl + np * 4);
        CHECK(b[8] == '{');
        /* the first float, -0.0, little-endian */
        if (np > 0 && strcmp(arch_text, "seed") == 0)
            CHECK(b[8 + hl] == 0 && b[8 + hl + 3] == 0x80);
    }
    free(s1);
    free(s2);
    free(disk);
    nn_model_free(l);
    nn_model_free(m);
}

/* --------------------------------------------- hand-built safetensors */

/* A file of arch "fc10,sigmoid" (tensors 0.weight [10,784], 0.bias [10])
 * assembled by hand the way Python's safetensors lays it out.  Every field
 * can be overridden by the corrupt-file tests. */
typedef struct fake {
    const char *meta;        /* JSON of __metadata__ (NULL: DEFAULT_META) */
    int no_meta;             /* omit __metadata__ */
    int meta_last;           /* put __metadata__ after the tensors */
    const char *w_entry;     /* whole JSON value for "0.weight" (NULL: default) */
    const char *b_entry;
    const char *extra;       /* extra ",\"k\":v" text appended to the object */
    const char *header;      /* whole header text, overriding everything */
    int nopad;               /* do not pad the header with spaces to 8 bytes */
    size_t data_extra;       /* extra data bytes appended */
    float w00;               /* weight[0][0] */
} fake;

#define W_COUNT (10 * 784)
#define DEFAULT_META \
    "{\"arch\":\"fc10,sigmoid\",\"format\":\"digitpad\",\"format_version\":\"1\",\"loss\":\"bce\"}"

/* Python's safetensors sorts tensors by name, so 0.bias's bytes come first. */
static unsigned char *fake_file(const fake *fin, size_t *len)
{
    fake fv = *fin, *f = &fv;
    f->meta = f->no_meta ? NULL : f->meta ? f->meta : DEFAULT_META;
    size_t hcap = 4096 + (f->header ? strlen(f->header) : 0);
    char *header = malloc(hcap);
    if (!header)
        exit(1);
    if (f->header) {
        snprintf(header, hcap, "%s", f->header);
    } else {
        char w[512], b[512], meta[1024] = "";
        snprintf(b, sizeof b, "%s",
                 f->b_entry ? f->b_entry
                            : "{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[0,40]}");
        snprintf(w, sizeof w, "%s",
                 f->w_entry ? f->w_entry
                            : "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40,31400]}");
        if (f->meta)
            snprintf(meta, sizeof meta, "\"__metadata__\":%s", f->meta);
        snprintf(header, hcap, "{%s%s\"0.bias\":%s,\"0.weight\":%s%s%s%s}",
                 f->meta && !f->meta_last ? meta : "", f->meta && !f->meta_last ? "," : "", b,
                 w, f->extra ? f->extra : "", f->meta && f->meta_last ? "," : "",
                 f->meta && f->meta_last ? meta : "");
    }
    size_t hl = strlen(header);
    if (!f->nopad)
        while ((8 + hl) % 8)
            header[hl++] = ' ';
    size_t data = 40 + W_COUNT * 4 + f->data_extra;
    *len = 8 + hl + data;
    unsigned char *buf = calloc(1, *len);
    if (!buf)
        exit(1);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, header, hl);
    free(header);
    float *vals = malloc((10 + W_COUNT) * sizeof(float));
    if (!vals)
        exit(1);
    for (int i = 0; i < 10; i++)
        vals[i] = 100.0f + (float)i; /* bias */
    for (int i = 0; i < W_COUNT; i++)
        vals[10 + i] = (float)i / W_COUNT - 0.5f;
    vals[10] = f->w00;
    unsigned char *p = buf + 8 + hl;
    for (int i = 0; i < 10 + W_COUNT; i++, p += 4) {
        uint32_t u;
        memcpy(&u, &vals[i], 4);
        p[0] = (unsigned char)u;
        p[1] = (unsigned char)(u >> 8);
        p[2] = (unsigned char)(u >> 16);
        p[3] = (unsigned char)(u >> 24);
    }
    free(vals);
    return buf;
}

static void test_python_layout(void)
{
    for (int variant = 0; variant < 4; variant++) {
        fake f = {.nopad = variant & 1, .meta_last = variant >> 1,
                  .w00 = 0.25f};
        size_t len;
        unsigned char *buf = fake_file(&f, &len);
        nn_error err = {0};
        nn_model *m = nn_model_load_buffer(buf, len, "python.safetensors", &err);
        CHECK(m != NULL);
        if (!m) {
            fprintf(stderr, "variant %d: %s\n", variant, err.msg);
            free(buf);
            continue;
        }
        nn_tensor w, b;
        CHECK(nn_model_tensor_count(m) == 2);
        nn_model_tensor(m, 0, &w);
        nn_model_tensor(m, 1, &b);
        CHECK(!strcmp(w.name, "0.weight") && !strcmp(b.name, "0.bias"));
        CHECK(w.data[0] == 0.25f && w.data[1] == 1.0f / W_COUNT - 0.5f);
        CHECK(b.data[0] == 100.0f && b.data[9] == 109.0f);
        CHECK(nn_model_meta_get(m, "loss") && !strcmp(nn_model_meta_get(m, "loss"), "bce"));
        nn_model_free(m);
        free(buf);
    }
    /* pretty-printed JSON with reordered keys also loads */
    fake f = {.header = "{\n  \"0.weight\": {\"data_offsets\": [40, 31400], \"shape\": [10, 784],"
                        " \"dtype\": \"F32\"},\n  \"__metadata__\": " DEFAULT_META ",\n"
                        "  \"0.bias\": {\"shape\": [10], \"dtype\": \"F32\", \"data_offsets\": [0, 40]}\n}",
             };
    size_t len;
    unsigned char *buf = fake_file(&f, &len);
    nn_error err = {0};
    nn_model *m = nn_model_load_buffer(buf, len, "pretty", &err);
    CHECK(m != NULL);
    if (!m)
        fprintf(stderr, "pretty: %s\n", err.msg);
    nn_model_free(m);
    free(buf);
}

/* ------------------------------------------------------ corrupt files */

static int fails_cleanly(const void *buf, size_t len, const char *needle, int line)
{
    nn_error err = {0};
    nn_model *m = nn_model_load_buffer(buf, len, "bad.safetensors", &err);
    int ok = m == NULL && err.status != NN_OK &&
             strncmp(err.msg, "bad.safetensors: ", 17) == 0 && !strchr(err.msg, '\n') &&
             (!needle || strstr(err.msg, needle));
    if (getenv("DIGITPAD_TEST_VERBOSE"))
        printf("line %d: %s\n", line, err.msg);
    if (!ok)
        fprintf(stderr, "line %d: %s \"%s\" (wanted ... %s)\n", line,
                m ? "loaded" : "failed with", err.msg, needle ? needle : "");
    nn_model_free(m);
    return ok;
}
#define FAILS(buf, len, needle) CHECK(fails_cleanly(buf, len, needle, __LINE__))

static void expect_fake_fails(const fake *f, const char *needle, int line)
{
    size_t len;
    unsigned char *buf = fake_file(f, &len);
    CHECK(fails_cleanly(buf, len, needle, line));
    free(buf);
}
#define FAKE_FAILS(needle, ...)                                   \
    do {                                                          \
        fake f_ = {__VA_ARGS__};          \
        expect_fake_fails(&f_, needle, __LINE__);                 \
    } while (0)

static void test_corrupt(void)
{
    /* the base case loads, so each failure below is the one change's fault */
    {
        fake f = {.w00 = 0.5f};
        size_t len;
        unsigned char *buf = fake_file(&f, &len);
        nn_error err = {0};
        nn_model *m = nn_model_load_buffer(buf, len, "ok", &err);
        CHECK(m != NULL);
        nn_model_free(m);

        /* truncated: at every byte of the header, and in the data */
        uint64_t hl = 0;
        for (int i = 7; i >= 0; i--)
            hl = hl << 8 | buf[i];
        for (size_t cut = 0; cut < 8 + hl + 8; cut++)
            FAILS(buf, cut, NULL);
        size_t cuts[] = {len - 1, len - 4, len - 40, 8 + hl + 39, 8 + hl + 40, len / 2};
        for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
            FAILS(buf, cuts[i], NULL);
        FAILS(buf, 0, "empty");
        FAILS(buf, 5, "too short");

        /* header length flipped */
        unsigned char *b2 = malloc(len);
        uint64_t lens[] = {len, len - 7, (uint64_t)1 << 63, NN_FILE_MAX_HEADER + 1, 0, 1,
                           hl - 1, hl + 8, UINT64_MAX};
        for (size_t k = 0; b2 && k < sizeof lens / sizeof *lens; k++) {
            memcpy(b2, buf, len);
            for (int i = 0; i < 8; i++)
                b2[i] = (unsigned char)(lens[k] >> (8 * i));
            FAILS(b2, len, NULL);
        }
        memcpy(b2, buf, len);
        b2[7] = 0x40;
        FAILS(b2, len, "header length");

        /* NaN and infinities in the weights */
        float bad[] = {NAN, INFINITY, -INFINITY};
        const char *what[] = {"NaN", "infinity", "infinity"};
        for (int k = 0; k < 3; k++) {
            memcpy(b2, buf, len);
            size_t at = 8 + hl + 40 + 4 * 1234;
            uint32_t u;
            memcpy(&u, &bad[k], 4);
            for (int i = 0; i < 4; i++)
                b2[at + i] = (unsigned char)(u >> (8 * i));
            FAILS(b2, len, what[k]);
        }
        /* every single-byte corruption of the header: never a crash */
        for (size_t i = 0; b2 && i < 8 + hl; i++) {
            memcpy(b2, buf, len);
            b2[i] ^= (unsigned char)(0x5a + i);
            nn_model_free(nn_model_load_buffer(b2, len, "flip", NULL));
        }
        free(b2);
        free(buf);
    }

    /* JSON problems */
    FAKE_FAILS("not valid JSON", .header = "{\"__metadata__\":{\"format\":\"digitpad\"");
    FAKE_FAILS("not valid JSON", .header = "{\"a\":tru}");
    FAKE_FAILS("not a JSON object", .header = "[1,2,3]");
    FAKE_FAILS("not a JSON object", .header = "\"digitpad\"");
    FAKE_FAILS("unexpected bytes", .header = "{} {}");
    FAKE_FAILS("twice", .extra = ",\"0.bias\":{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[0,40]}");

    /* metadata */
    FAKE_FAILS("no __metadata__", .no_meta = 1);
    FAKE_FAILS("not an object", .meta = "[\"digitpad\"]");
    FAKE_FAILS("not a string", .meta = "{\"format\":\"digitpad\",\"format_version\":1,\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("no format", .meta = "{\"format_version\":\"1\",\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("not \"digitpad\"", .meta = "{\"format\":\"gguf\",\"format_version\":\"1\",\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("no format_version", .meta = "{\"format\":\"digitpad\",\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("upgrade digitpad", .meta = "{\"format\":\"digitpad\",\"format_version\":\"2\",\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("reads version 1", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1.0\",\"arch\":\"fc10,sigmoid\"}");
    FAKE_FAILS("no arch", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\"}");
    FAKE_FAILS("arch \"fc10,sigmoid,bogus\"", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":\"fc10,sigmoid,bogus\"}");
    FAKE_FAILS("arch", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":\"\"}");
    /* an absurd arch is refused before any allocation */
    FAKE_FAILS(NULL, .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":"
                             "\"conv4000k15,conv4000k15,conv4000k15,fc100000,fc10,sigmoid\"}");
    /* another arch than the tensors: missing and unexpected tensors */
    FAKE_FAILS("unexpected tensor '0.bias'", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":\"fc10nb,sigmoid\"}");
    FAKE_FAILS("missing tensor '2.weight'", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":\"fc10,relu,fc10,sigmoid\"}");

    /* tensor entries */
    FAKE_FAILS("not an object", .w_entry = "[1,2]");
    FAKE_FAILS("not an object", .b_entry = "\"F32\"");
    FAKE_FAILS("dtype F16", .w_entry = "{\"dtype\":\"F16\",\"shape\":[10,784],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("no dtype", .w_entry = "{\"shape\":[10,784],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("no dtype", .w_entry = "{\"dtype\":32,\"shape\":[10,784],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("has shape [784,10] but the architecture needs [10,784]",
               .w_entry = "{\"dtype\":\"F32\",\"shape\":[784,10],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("has shape [10,783]", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,783],\"data_offsets\":[40,31360]}");
    FAKE_FAILS("has shape [7840]", .w_entry = "{\"dtype\":\"F32\",\"shape\":[7840],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("bad shape", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,-784],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("bad shape", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,78.4],\"data_offsets\":[40,31400]}");
    FAKE_FAILS("no shape", .w_entry = "{\"dtype\":\"F32\",\"shape\":10,\"data_offsets\":[40,31400]}");
    FAKE_FAILS("missing tensor '0.weight'", .header = "{\"__metadata__\":" DEFAULT_META
               ",\"0.bias\":{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[0,40]}}");
    FAKE_FAILS("unexpected tensor '0.w?eight'", .extra = ",\"0.w\\neight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[31400,31404]}", .data_extra = 4);
    FAKE_FAILS("header key 'loss' appears twice in '__metadata__'", .meta = "{\"format\":\"digitpad\",\"format_version\":\"1\",\"arch\":\"fc10,sigmoid\",\"loss\":\"bce\",\"loss\":\"mse\"}");
    FAKE_FAILS("unexpected tensor '1.weight'", .extra = ",\"1.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[31400,31404]}", .data_extra = 4);
    /* a tensor claiming 2 GB */
    FAKE_FAILS("more than the limit", .w_entry = "{\"dtype\":\"F32\",\"shape\":[536870912],\"data_offsets\":[40,2147483688]}");
    FAKE_FAILS("more than the limit", .w_entry = "{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[40,31400]}");

    /* data offsets */
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40,31400,5]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40.5,31400]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[\"40\",31400]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[-4,31356]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40,1e300]}");
    FAKE_FAILS("two integers", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784]}");
    FAKE_FAILS("reach past", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[44,31404]}");
    FAKE_FAILS("end before", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[31400,40]}");
    FAKE_FAILS("span", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[40,31396]}");
    FAKE_FAILS("overlap", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[36,31396]}");
    FAKE_FAILS("overlap", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[0,31360]}");
    FAKE_FAILS("unused data bytes", .w_entry = "{\"dtype\":\"F32\",\"shape\":[10,784],\"data_offsets\":[44,31404]}", .data_extra = 4);
    FAKE_FAILS("cover", .data_extra = 4);
    FAKE_FAILS("cover", .data_extra = 1);

    /* huge numbers of keys are refused before any quadratic work */
    {
        size_t cap = 2000000, n = 0;
        char *h = malloc(cap);
        CHECK(h != NULL);
        if (h) {
            n += (size_t)snprintf(h, cap, "{\"__metadata__\":{");
            for (int i = 0; i < 20000; i++)
                n += (size_t)snprintf(h + n, cap - n, "%s\"k%d\":\"v\"", i ? "," : "", i);
            snprintf(h + n, cap - n, "}}");
            FAKE_FAILS("metadata entries", .header = h);
            n = (size_t)snprintf(h, cap, "{");
            for (int i = 0; i < 20000; i++)
                n += (size_t)snprintf(h + n, cap - n, "%s\"t%d\":{}", i ? "," : "", i);
            snprintf(h + n, cap - n, "}");
            FAKE_FAILS("entries", .header = h);
            free(h);
        }
    }
}

/* --------------------------------------------------- files, not buffers */

static void test_load_paths(void)
{
    nn_error err = {0};
    CHECK(nn_model_load(tmp("nope.safetensors"), &err) == NULL);
    CHECK(strstr(err.msg, "nope.safetensors: no such file") != NULL);

    CHECK(nn_model_load(dir, &err) == NULL);
    CHECK(strncmp(err.msg, dir, strlen(dir)) == 0 && strstr(err.msg, "directory"));

    const char *empty = tmp("empty.safetensors");
    write_file(empty, "", 0);
    CHECK(nn_model_load(empty, &err) == NULL);
    CHECK(strncmp(err.msg, empty, strlen(empty)) == 0 && strstr(err.msg, "empty"));

    const char *fifo = tmp("fifo.safetensors");
    if (mkfifo(fifo, 0600) == 0) {
        /* must not block waiting for a writer */
        CHECK(nn_model_load(fifo, &err) == NULL);
        CHECK(strncmp(err.msg, fifo, strlen(fifo)) == 0 && strstr(err.msg, "is a FIFO, not a model file"));
    }

    const char *junk = tmp("junk.safetensors");
    write_file(junk, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    CHECK(nn_model_load(junk, &err) == NULL);
    CHECK(strncmp(err.msg, junk, strlen(junk)) == 0);

    if (geteuid() != 0) {
        const char *unreadable = tmp("unreadable.safetensors");
        write_file(unreadable, "12345678", 8);
        chmod(unreadable, 0);
        CHECK(nn_model_load(unreadable, &err) == NULL);
        CHECK(strstr(err.msg, "cannot open") != NULL);
    }
}

/* ----------------------------------------------------------- atomic save */

static void test_atomic_save(void)
{
    char sdir[400];
    snprintf(sdir, sizeof sdir, "%s/save", dir);
    CHECK(mkdir(sdir, 0700) == 0);
    char path[512];
    snprintf(path, sizeof path, "%s/model.safetensors", sdir);

    nn_model *a = make_model("mlp", 1), *b = make_model("mlp", 2);
    CHECK(a && b);
    if (!a || !b) {
        nn_model_free(a);
        nn_model_free(b);
        return;
    }
    nn_error err = {0};
    /* failing with no previous file leaves nothing behind */
    for (int step = FILEIO_STEP_OPEN; step < FILEIO_STEP_COUNT; step++) {
        fileio_set_fail_step((fileio_step)step);
        CHECK(nn_model_save(a, path, &err) != NN_OK);
        fileio_set_fail_step(FILEIO_STEP_NONE);
        CHECK(access(path, F_OK) != 0);
        CHECK(test_stray_files(sdir, "model.safetensors") == 0);
    }
    CHECK(nn_model_save(a, path, &err) == NN_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    unsigned char *before = NULL, *after = NULL, *before2 = NULL;
    size_t bl = 0, al = 0, bl2 = 0;
    CHECK(read_file(path, &before, &bl) == 0);

    for (int step = FILEIO_STEP_OPEN; step < FILEIO_STEP_COUNT; step++) {
        fileio_set_fail_step((fileio_step)step);
        err.msg[0] = '\0';
        nn_status s = nn_model_save(b, path, &err);
        fileio_set_fail_step(FILEIO_STEP_NONE);
        CHECK(s == NN_EIO);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0 && strstr(err.msg, "unchanged"));
        CHECK(read_file(path, &after, &al) == 0);
        CHECK(after && al == bl && memcmp(before, after, bl) == 0);
        free(after);
        after = NULL;
        CHECK(test_stray_files(sdir, "model.safetensors") == 0);
    }
    /* and then a real save replaces it */
    CHECK(nn_model_save(b, path, &err) == NN_OK);
    nn_model *l = nn_model_load(path, &err);
    CHECK(l && same_params(l, b));
    nn_model_free(l);
    CHECK(test_stray_files(sdir, "model.safetensors") == 0);

    /* targets that cannot be written */
    CHECK(nn_model_save(a, tmp("no/such/dir/m.safetensors"), &err) == NN_EIO);
    CHECK(strstr(err.msg, "no/such/dir/m.safetensors: ") == err.msg + strlen(dir) + 1);
    char notdir[600];
    snprintf(notdir, sizeof notdir, "%s/x", path); /* parent is a regular file */
    CHECK(nn_model_save(a, notdir, &err) == NN_EIO);
    CHECK(nn_model_save(a, sdir, &err) == NN_EIO); /* a directory as the target */
    CHECK(test_stray_files(sdir, "model.safetensors") == 0);
    if (geteuid() != 0) {
        CHECK(chmod(sdir, 0500) == 0);
        CHECK(nn_model_save(a, path, &err) == NN_EIO);
        CHECK(strstr(err.msg, "Permission denied") != NULL);
        chmod(sdir, 0700);
        CHECK(read_file(path, &after, &al) == 0);
        free(after);
    } else {
        printf("note: running as root, so the chmod'd read-only directory case is skipped\n");
    }
    /* /proc refuses new files even to root: a read-only directory anywhere */
    struct stat pst;
    if (stat("/proc/self", &pst) == 0) {
        CHECK(nn_model_save(a, "/proc/digitpad-test.safetensors", &err) == NN_EIO);
        CHECK(strncmp(err.msg, "/proc/digitpad-test.safetensors: cannot create", 46) == 0);
    }

    /* a model that would not load back (a NaN weight) never replaces the
     * good file, and neither target kind but a regular file is replaced */
    nn_tensor t0;
    CHECK(nn_model_tensor(b, 0, &t0) == NN_OK);
    t0.data[3] = NAN;
    CHECK(read_file(path, &before2, &bl2) == 0);
    CHECK(nn_model_save(b, path, &err) == NN_EIO);
    if (getenv("DIGITPAD_TEST_VERBOSE"))
        printf("NaN save: %s\n", err.msg);
    CHECK(strstr(err.msg, "does not load back (tensor '0.weight' holds NaN at element 3)") &&
          strstr(err.msg, "(any previous file is unchanged)"));
    CHECK(read_file(path, &after, &al) == 0);
    CHECK(after && al == bl2 && memcmp(before2, after, bl2) == 0);
    free(after);
    after = NULL;
    free(before2);
    CHECK(test_stray_files(sdir, "model.safetensors") == 0);
    char lnk[600], fifo[600];
    snprintf(lnk, sizeof lnk, "%s/link.safetensors", sdir);
    snprintf(fifo, sizeof fifo, "%s/fifo.safetensors", sdir);
    CHECK(symlink("model.safetensors", lnk) == 0);
    CHECK(nn_model_save(a, lnk, &err) == NN_EIO);
    CHECK(strstr(err.msg, "link.safetensors: is a symbolic link, not a regular file; refusing "
                 "to replace it") != NULL);
    struct stat lst;
    CHECK(lstat(lnk, &lst) == 0 && S_ISLNK(lst.st_mode));
    if (mkfifo(fifo, 0600) == 0) {
        CHECK(nn_model_save(a, fifo, &err) == NN_EIO);
        CHECK(strstr(err.msg, "fifo.safetensors: is a FIFO, not a regular file") != NULL);
        CHECK(lstat(fifo, &lst) == 0 && S_ISFIFO(lst.st_mode));
        unlink(fifo);
    }
    /* metadata must be UTF-8 text: the saved header is I-JSON */
    CHECK(nn_model_meta_set(a, "note", "m-\xff", &err) == NN_EINVAL);
    CHECK(nn_model_meta_set(a, "caf\xe9", "x", &err) == NN_EINVAL);
    CHECK(nn_model_meta_set(a, "note", "caf\xc3\xa9", &err) == NN_OK);
    CHECK(nn_model_save(a, "/dev/null", &err) == NN_EIO);
    CHECK(strcmp(err.msg, "/dev/null: is a character device, not a regular file; refusing to "
                 "replace it") == 0);
    unlink(lnk);
    free(before);
    nn_model_free(a);
    nn_model_free(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    const char *archs[] = {"seed", "mlp", "cnn", "quick", "conv8k3nb,relu,pool,fc10nb,sigmoid",
                           "conv4k1,sigmoid,conv2k3,pool,pool,fc16,relu,fc10,sigmoid"};
    for (size_t i = 0; i < sizeof archs / sizeof *archs; i++)
        test_round_trip(archs[i]);
    test_python_layout();
    test_corrupt();
    test_load_paths();
    test_atomic_save();
    return test_finish("test_nn_file");
}
