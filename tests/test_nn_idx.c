/* test_nn_idx.c — the IDX reader: small hand-written files (raw and gzip)
 * load exactly; every malformed case fails with a message that starts with
 * the file's path; real MNIST (when ../shared has it) has the known counts. */
#define _POSIX_C_SOURCE 200809L
#include "nn_data.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[256];

static const char *tmp(const char *name)
{
    /* A ring of buffers, so a test can hold many names at once. */
    static char buf[64][512];
    static int k;
    k = (k + 1) % 64;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Builds an IDX file in memory: magic, dims, then len data bytes. */
static size_t build(unsigned char *out, uint32_t magic, int ndim, const uint32_t *dims,
                    const unsigned char *data, size_t len)
{
    put32(out, magic);
    for (int i = 0; i < ndim; i++)
        put32(out + 4 + 4 * i, dims[i]);
    size_t h = 4 + 4 * (size_t)ndim;
    if (len)
        memcpy(out + h, data, len);
    return h + len;
}

static void write_file(const char *path, const void *buf, size_t len, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        if (!f || (len && gzwrite(f, buf, (unsigned)len) != (int)len) || gzclose(f) != Z_OK) {
            fprintf(stderr, "cannot write %s\n", path);
            exit(1);
        }
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

/* n images of 3×4 pixels with pixel j of image i = 10*i + j, and labels i%10. */
#define NI 5
#define IR 3
#define IC 4
static unsigned char pixels[NI * IR * IC], labels[NI];

static size_t images_file(unsigned char *out)
{
    uint32_t d[3] = {NI, IR, IC};
    return build(out, 0x803, 3, d, pixels, sizeof pixels);
}

static size_t labels_file(unsigned char *out)
{
    uint32_t d[1] = {NI};
    return build(out, 0x801, 1, d, labels, sizeof labels);
}

static int zeroed(const nn_dataset *ds)
{
    return ds->n == 0 && ds->images == NULL && ds->labels == NULL && ds->rows == 0;
}

/* Expects failure with a message starting with `who` (and containing
 * `needle` if given). */
static void expect_fail(const char *ip, const char *lp, const char *who, const char *needle,
                        int line)
{
    nn_dataset ds;
    nn_error err = {0};
    memset(&ds, 0x55, sizeof ds);
    nn_status st = nn_idx_load(&ds, ip, lp, &err);
    int ok = st != NN_OK && zeroed(&ds) && strncmp(err.msg, who, strlen(who)) == 0 &&
             (!needle || strstr(err.msg, needle)) && !strchr(err.msg, '\n');
    if (getenv("DIGITPAD_TEST_VERBOSE"))
        printf("line %d: %s\n", line, err.msg);
    if (!ok)
        fprintf(stderr, "line %d: status %d, message \"%s\" (wanted %s ... %s)\n", line, st,
                err.msg, who, needle ? needle : "");
    CHECK(ok);
    nn_dataset_free(&ds);
}
#define EXPECT_FAIL(ip, lp, who, needle) expect_fail(ip, lp, who, needle, __LINE__)

static void test_good(void)
{
    unsigned char ib[256], lb[64];
    size_t il = images_file(ib), ll = labels_file(lb);
    for (int variant = 0; variant < 4; variant++) {
        int igz = variant & 1, lgz = variant >> 1;
        const char *ip = tmp(igz ? "good-i.gz" : "good-i");
        const char *lp = tmp(lgz ? "good-l.gz" : "good-l");
        write_file(ip, ib, il, igz);
        write_file(lp, lb, ll, lgz);
        nn_dataset ds;
        nn_error err = {0};
        nn_status st = nn_idx_load(&ds, ip, lp, &err);
        CHECK(st == NN_OK);
        if (st != NN_OK) {
            fprintf(stderr, "  %s\n", err.msg);
            continue;
        }
        CHECK(ds.n == NI && ds.rows == IR && ds.cols == IC);
        CHECK(memcmp(ds.images, pixels, sizeof pixels) == 0);
        CHECK(memcmp(ds.labels, labels, sizeof labels) == 0);
        nn_dataset_free(&ds);
        CHECK(zeroed(&ds));
    }
}

static void test_bad(void)
{
    unsigned char ib[256], lb[64], buf[512];
    size_t il = images_file(ib), ll = labels_file(lb);
    const char *ip = tmp("i"), *lp = tmp("l");
    write_file(ip, ib, il, 0);
    write_file(lp, lb, ll, 0);

    /* wrong magic, and the two files swapped */
    const char *bad = tmp("bad");
    memcpy(buf, ib, il);
    put32(buf, 0x12345678);
    write_file(bad, buf, il, 0);
    EXPECT_FAIL(bad, lp, bad, "magic");
    EXPECT_FAIL(lp, ip, lp, "swapped");
    EXPECT_FAIL(ip, ip, ip, "magic");

    /* wrong number of dimensions in the magic */
    memcpy(buf, ib, il);
    put32(buf, 0x804);
    write_file(bad, buf, il, 0);
    EXPECT_FAIL(bad, lp, bad, "magic");

    /* count mismatch: 4 labels for 5 images */
    {
        uint32_t d[1] = {4};
        size_t n = build(buf, 0x801, 1, d, labels, 4);
        write_file(bad, buf, n, 0);
        EXPECT_FAIL(ip, bad, bad, "labels");
    }

    /* truncated and trailing data, raw and gz, images and labels */
    for (int gz = 0; gz <= 1; gz++) {
        const char *p = tmp(gz ? "t.gz" : "t");
        write_file(p, ib, il - 1, gz);
        EXPECT_FAIL(p, lp, p, "truncated");
        memcpy(buf, ib, il);
        buf[il] = 7;
        write_file(p, buf, il + 1, gz);
        EXPECT_FAIL(p, lp, p, "trailing");
        write_file(p, lb, ll - 1, gz);
        EXPECT_FAIL(ip, p, p, "truncated");
        memcpy(buf, lb, ll);
        buf[ll] = 1;
        write_file(p, buf, ll + 1, gz);
        EXPECT_FAIL(ip, p, p, "trailing");
    }

    /* a label that is not a digit */
    memcpy(buf, lb, ll);
    buf[ll - 2] = 10;
    write_file(bad, buf, ll, 0);
    EXPECT_FAIL(ip, bad, bad, "label 10");

    /* zero and absurd dimensions */
    uint32_t dims[][3] = {{NI, 0, IC}, {NI, IR, 0}, {0, IR, IC}, {NI, 5000, 4},
                          {0xffffffffu, 1024, 1024}, {1u << 20, 1024, 1024}};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        size_t n = build(buf, 0x803, 3, dims[k], pixels, sizeof pixels);
        write_file(bad, buf, n, 0);
        EXPECT_FAIL(bad, lp, bad, NULL);
        /* gz: refused by the limits or the compression-ratio bound, before
         * allocating (ASan would report a huge allocation otherwise). */
        const char *g = tmp("bad.gz");
        write_file(g, buf, n, 1);
        EXPECT_FAIL(g, lp, g, NULL);
    }
    /* a gz claiming 60000 images with a few bytes of data */
    {
        uint32_t d[3] = {60000, 28, 28};
        size_t n = build(buf, 0x803, 3, d, pixels, sizeof pixels);
        const char *g = tmp("claim.gz");
        write_file(g, buf, n, 1);
        EXPECT_FAIL(g, lp, g, "truncated");
    }

    /* empty file, missing file, a directory, a FIFO */
    const char *empty = tmp("empty");
    write_file(empty, "", 0, 0);
    EXPECT_FAIL(empty, lp, empty, "empty");
    EXPECT_FAIL(tmp("nope"), lp, tmp("nope"), "no such file");
    EXPECT_FAIL(dir, lp, dir, "directory");
    const char *fifo = tmp("fifo");
    if (mkfifo(fifo, 0600) == 0) {
        EXPECT_FAIL(fifo, lp, fifo, "is a FIFO, not an IDX file");
        EXPECT_FAIL(ip, fifo, fifo, "is a FIFO, not an IDX file");
    } else {
        fprintf(stderr, "note: mkfifo failed, FIFO case not tested\n");
    }

    /* a corrupt gzip stream: valid gzip header, garbage after it */
    {
        const char *g = tmp("corrupt.gz");
        write_file(g, ib, il, 1);
        FILE *f = fopen(g, "r+b");
        CHECK(f != NULL);
        if (f) {
            fseek(f, 12, SEEK_SET);
            fwrite("\xff\xff\xff\xff\xff\xff", 1, 6, f);
            fclose(f);
        }
        EXPECT_FAIL(g, lp, g, NULL);
    }
}

/* Every prefix of a valid file, raw and gzip, must fail cleanly. */
static void test_every_truncation(void)
{
    unsigned char ib[256], lb[64];
    size_t il = images_file(ib), ll = labels_file(lb);
    const char *ip = tmp("i"), *lp = tmp("l");
    write_file(ip, ib, il, 0);
    write_file(lp, lb, ll, 0);
    const char *p = tmp("cut");
    for (size_t cut = 0; cut < il; cut++) {
        write_file(p, ib, cut, 0);
        EXPECT_FAIL(p, lp, p, NULL);
    }
    for (size_t cut = 0; cut < ll; cut++) {
        write_file(p, lb, cut, 0);
        EXPECT_FAIL(ip, p, p, NULL);
    }
    /* a complete gzip file cut at every byte */
    const char *g = tmp("full.gz"), *c = tmp("cut.gz");
    write_file(g, ib, il, 1);
    FILE *f = fopen(g, "rb");
    unsigned char gzb[1024];
    size_t gl = f ? fread(gzb, 1, sizeof gzb, f) : 0;
    if (f)
        fclose(f);
    CHECK(gl > 20);
    for (size_t cut = 0; cut < gl; cut++) {
        write_file(c, gzb, cut, 0);
        EXPECT_FAIL(c, lp, c, NULL);
    }
}

static void test_mnist_default_dir(void)
{
    unsigned char ib[256], lb[64];
    size_t il = images_file(ib), ll = labels_file(lb);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/mnist", dir);
    CHECK(mkdir(sub, 0700) == 0);
    char p[600];
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", sub);
    write_file(p, ib, il, 1);
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", sub);
    write_file(p, lb, ll, 0);
    nn_dataset ds;
    nn_error err = {0};
    CHECK(nn_mnist_load(&ds, sub, NN_MNIST_TEST, &err) == NN_OK);
    CHECK(ds.n == NI);
    nn_dataset_free(&ds);

    /* the train split is missing: the message names it and says what to do */
    CHECK(nn_mnist_load(&ds, sub, NN_MNIST_TRAIN, &err) != NN_OK);
    CHECK(zeroed(&ds));
    CHECK(strncmp(err.msg, sub, strlen(sub)) == 0);
    CHECK(strstr(err.msg, "train-images-idx3-ubyte") != NULL);
    CHECK(strstr(err.msg, "fetch-mnist.sh") != NULL);
    CHECK(strstr(err.msg, "--data") != NULL && strstr(err.msg, "DIGITPAD_DATA") != NULL);

    CHECK(strcmp(nn_mnist_default_dir("x/y"), "x/y") == 0);
    setenv("DIGITPAD_DATA", "/env/dir", 1);
    CHECK(strcmp(nn_mnist_default_dir(NULL), "/env/dir") == 0);
    CHECK(strcmp(nn_mnist_default_dir("x"), "x") == 0);
    unsetenv("DIGITPAD_DATA");
    CHECK(strcmp(nn_mnist_default_dir(NULL), "data/mnist") == 0);
}

static void test_real_mnist(void)
{
    char mdir[4096];
    snprintf(mdir, sizeof mdir, "%s", test_mnist_dir());
    nn_dataset tr, te;
    nn_error err = {0};
    nn_status st = nn_mnist_load(&tr, mdir, NN_MNIST_TRAIN, &err);
    CHECK(st == NN_OK);
    if (st != NN_OK) {
        fprintf(stderr, "  %s\n", err.msg);
        return;
    }
    st = nn_mnist_load(&te, mdir, NN_MNIST_TEST, &err);
    CHECK(st == NN_OK);
    if (st != NN_OK) {
        fprintf(stderr, "  %s\n", err.msg);
        nn_dataset_free(&tr);
        return;
    }
    CHECK(tr.n == 60000 && te.n == 10000);
    CHECK(tr.rows == 28 && tr.cols == 28 && te.rows == 28 && te.cols == 28);
    size_t ctr[10] = {0}, cte[10] = {0};
    for (size_t i = 0; i < tr.n; i++)
        ctr[tr.labels[i]]++;
    for (size_t i = 0; i < te.n; i++)
        cte[te.labels[i]]++;
    /* MNIST's published class counts */
    static const size_t want_tr[10] = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    static const size_t want_te[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    CHECK(memcmp(ctr, want_tr, sizeof ctr) == 0);
    CHECK(memcmp(cte, want_te, sizeof cte) == 0);
    double sum = 0;
    size_t np = tr.n * 784;
    for (size_t i = 0; i < np; i++)
        sum += tr.images[i];
    CHECK_NEAR(sum / np / 255.0, 0.1307, 0.0005);
    nn_dataset_free(&tr);
    nn_dataset_free(&te);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (unsigned char)(10 * (i / (IR * IC)) + i % (IR * IC));
    for (int i = 0; i < NI; i++)
        labels[i] = (unsigned char)(i % 10);
    test_good();
    test_bad();
    test_every_truncation();
    test_mnist_default_dir();
    test_real_mnist();
    return test_finish("test_nn_idx");
}
