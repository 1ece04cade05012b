/* test_nn_kernels.c — the compute kernels: every optimised kernel against
 * its naive reference, a numeric gradient check (central differences, in
 * double, absolute + relative tolerance) for every layer and loss, and a few
 * hand-computed golden values. */
#include "kernels.h"
#include "nn.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nn_rng rng;

static void fill(float *v, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        v[i] = lo + (hi - lo) * nn_rng_uniform(&rng);
}

static float *alloc(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (d > m || d != d)
            m = d != d ? INFINITY : d;
    }
    return m;
}

/* |a−n| <= abs + rel·|n| for every element; prints the first miss. */
static int close_enough(const double *analytic, const double *numeric, size_t n, double abs_tol,
                        double rel_tol, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!(fabs(analytic[i] - numeric[i]) <= abs_tol + rel_tol * fabs(numeric[i]))) {
            fprintf(stderr, "gradcheck %s: element %zu analytic %.8g numeric %.8g\n", what, i,
                    analytic[i], numeric[i]);
            return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ gemm */

static void test_gemm(void)
{
    /* Small shapes take the plain loop; the rest the packed micro-kernels,
     * with edge tiles in M and N, several K blocks (KC 256), M blocks (MC
     * 96) and N blocks (NC 512), as gemm.c blocks them. */
    const size_t shapes[][3] = {{1, 1, 1},     {1, 17, 9},    {7, 1, 5},     {5, 6, 1},
                                {13, 29, 300}, {64, 196, 33}, {3, 4, 0},     {6, 16, 64},
                                {8, 32, 64},   {97, 33, 257}, {100, 530, 20}, {64, 800, 196},
                                {800, 196, 64}, {2, 3136, 128}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int bi = 0; bi < 3; bi++) {
                    size_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
                    float beta = bi == 0 ? 0.0f : bi == 1 ? 1.0f : 0.5f, alpha = 0.75f;
                    size_t lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 1;
                    float *A = alloc((ta ? K : M) * lda + 1), *B = alloc((tb ? N : K) * ldb + 1);
                    float *C0 = alloc(M * ldc), *C1 = alloc(M * ldc), *C2 = alloc(M * ldc);
                    fill(A, (ta ? K : M) * lda, -1, 1);
                    fill(B, (tb ? N : K) * ldb, -1, 1);
                    fill(C0, M * ldc, -1, 1);
                    memcpy(C1, C0, M * ldc * sizeof *C0);
                    memcpy(C2, C0, M * ldc * sizeof *C0);
                    nn_gemm_ref(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C0, ldc);
                    nn_gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C1, ldc);
                    nn_gemm_plain(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C2, ldc);
                    double tol = 1e-5 * (double)(K + 1);
                    int ok1 = max_abs_diff(C0, C1, M * ldc) <= tol;
                    int ok2 = max_abs_diff(C0, C2, M * ldc) <= tol;
                    if (!ok1 || !ok2)
                        fprintf(stderr, "gemm %zux%zux%zu ta=%d tb=%d beta=%g\n", M, N, K, ta, tb,
                                beta);
                    CHECK(ok1);
                    CHECK(ok2);
                    free(A), free(B), free(C0), free(C1), free(C2);
                }
    /* A hand-computed product: [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]. */
    const float A[4] = {1, 2, 3, 4}, B[4] = {5, 6, 7, 8};
    float C[4] = {0};
    nn_gemm(0, 0, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
    CHECK(C[0] == 19 && C[1] == 22 && C[2] == 43 && C[3] == 50);
    nn_gemm(1, 1, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2); /* Aᵀ·Bᵀ = (B·A)ᵀ */
    CHECK(C[0] == 23 && C[1] == 31 && C[2] == 34 && C[3] == 46);
}

/* ------------------------------------------------ kernels vs references */

static void test_dense_vs_ref(void)
{
    const size_t cases[][3] = {{1, 784, 100}, {1, 13, 5}, {5, 37, 11}, {64, 100, 10}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c][0], in = cases[c][1], out = cases[c][2];
        float *x = alloc(n * in), *w = alloc(out * in), *b = alloc(out), *dy = alloc(n * out);
        float *y0 = alloc(n * out), *y1 = alloc(n * out);
        float *dx0 = alloc(n * in), *dx1 = alloc(n * in), *dw0 = alloc(out * in),
              *dw1 = alloc(out * in), *db0 = alloc(out), *db1 = alloc(out);
        fill(x, n * in, -1, 1);
        /* Mostly-zero input, like an MNIST digit, exercises the sparse path. */
        for (size_t i = 0; i < n * in; i++)
            if (nn_rng_uniform(&rng) < 0.7f)
                x[i] = 0.0f;
        fill(w, out * in, -1, 1);
        fill(b, out, -1, 1);
        fill(dy, n * out, -1, 1);
        for (int bias = 0; bias < 2; bias++) {
            nn_dense_forward_ref(x, w, bias ? b : NULL, y0, n, in, out);
            nn_dense_forward(x, w, bias ? b : NULL, y1, n, in, out);
            CHECK(max_abs_diff(y0, y1, n * out) <= 1e-4);
            fill(dx0, n * in, -1, 1);
            memcpy(dx1, dx0, n * in * sizeof *dx0);
            fill(dw0, out * in, -1, 1);
            memcpy(dw1, dw0, out * in * sizeof *dw0);
            fill(db0, out, -1, 1);
            memcpy(db1, db0, out * sizeof *db0);
            nn_dense_backward_ref(x, w, dy, dx0, dw0, bias ? db0 : NULL, n, in, out);
            nn_dense_backward(x, w, dy, dx1, dw1, bias ? db1 : NULL, n, in, out);
            CHECK(max_abs_diff(dx0, dx1, n * in) <= 1e-4);
            CHECK(max_abs_diff(dw0, dw1, out * in) <= 1e-4);
            CHECK(max_abs_diff(db0, db1, out) <= 1e-5);
        }
        free(x), free(w), free(b), free(dy), free(y0), free(y1), free(dx0), free(dx1);
        free(dw0), free(dw1), free(db0), free(db1);
    }
}

static void test_conv_vs_ref(void)
{
    const size_t cases[][5] = {/* c, h, w, o, k */ {1, 28, 28, 4, 5}, {3, 7, 9, 5, 3},
                               {2, 5, 4, 3, 1}, {2, 3, 3, 2, 7}, {4, 14, 14, 6, 5}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        size_t c = cases[t][0], h = cases[t][1], w = cases[t][2], o = cases[t][3], k = cases[t][4];
        size_t nx = c * h * w, ny = o * h * w, nw = o * c * k * k;
        float *x = alloc(nx), *wt = alloc(nw), *b = alloc(o), *dy = alloc(ny);
        float *y0 = alloc(ny), *y1 = alloc(ny), *cols = alloc(c * k * k * h * w);
        float *dx0 = alloc(nx), *dx1 = alloc(nx), *dw0 = alloc(nw), *dw1 = alloc(nw);
        float *db0 = alloc(o), *db1 = alloc(o);
        fill(x, nx, -1, 1);
        fill(wt, nw, -1, 1);
        fill(b, o, -1, 1);
        fill(dy, ny, -1, 1);
        nn_conv_forward_ref(x, wt, b, y0, c, h, w, o, k);
        nn_conv_forward(x, wt, b, y1, cols, c, h, w, o, k);
        CHECK(max_abs_diff(y0, y1, ny) <= 1e-4);
        fill(dx0, nx, -1, 1);
        memcpy(dx1, dx0, nx * sizeof *dx0);
        fill(dw0, nw, -1, 1);
        memcpy(dw1, dw0, nw * sizeof *dw0);
        fill(db0, o, -1, 1);
        memcpy(db1, db0, o * sizeof *db0);
        nn_conv_backward_ref(x, wt, dy, dx0, dw0, db0, c, h, w, o, k);
        nn_conv_backward(x, wt, dy, dx1, dw1, db1, cols, c, h, w, o, k);
        CHECK(max_abs_diff(dx0, dx1, nx) <= 1e-3);
        CHECK(max_abs_diff(dw0, dw1, nw) <= 1e-3);
        CHECK(max_abs_diff(db0, db1, o) <= 1e-3);
        free(x), free(wt), free(b), free(dy), free(y0), free(y1), free(cols), free(dx0);
        free(dx1), free(dw0), free(dw1), free(db0), free(db1);
    }
}

/* Zeroes each value of v with probability p, as ReLU and max-pool leave
 * a convolution's input and output gradient. */
static void sparsify(float *v, size_t n, double p)
{
    for (size_t i = 0; i < n; i++)
        if (nn_rng_uniform(&rng) < p)
            v[i] = 0.0f;
}

/* The batched convolutions (which pick a sparse or an im2col path per
 * sample) against the naive reference, one sample at a time: samples dense,
 * half, mostly and entirely zero, shapes that can and cannot take the
 * sparse path, with and without an input gradient.  Backward adds into
 * what is there, so the outputs start from random values. */
static void test_conv_n_vs_ref(void)
{
    const size_t cases[][5] = {/* c, h, w, o, k */ {1, 28, 28, 32, 5}, {32, 14, 14, 64, 5},
                               {8, 6, 5, 16, 3},    {8, 7, 7, 8, 1},     {3, 7, 9, 5, 3},
                               {16, 5, 5, 72, 3}};
    const double zero_p[] = {0.0, 0.6, 0.95, 1.0};
    const size_t n = sizeof zero_p / sizeof zero_p[0];
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        size_t c = cases[t][0], h = cases[t][1], w = cases[t][2], o = cases[t][3], k = cases[t][4];
        size_t nx = c * h * w, ny = o * h * w, nw = o * c * k * k;
        size_t ns = (nn_conv_scratch_floats(c, h, w, o, k) + 15) / 16 * 16;
        float *x = alloc(n * nx), *wt = alloc(nw), *b = alloc(o), *dy = alloc(n * ny);
        float *y0 = alloc(n * ny), *y1 = alloc(n * ny);
        float *scratch = aligned_alloc(64, ns * sizeof(float));
        float *dx0 = alloc(n * nx), *dx1 = alloc(n * nx), *dw0 = alloc(nw), *dw1 = alloc(nw);
        float *db0 = alloc(o), *db1 = alloc(o);
        CHECK(scratch != NULL);
        if (!scratch)
            return;
        fill(wt, nw, -1, 1);
        fill(b, o, -1, 1);
        fill(x, n * nx, 0, 1);
        fill(dy, n * ny, -1, 1);
        for (size_t j = 0; j < n; j++) {
            sparsify(x + j * nx, nx, zero_p[j]);
            sparsify(dy + j * ny, ny, zero_p[n - 1 - j]);
        }
        for (size_t j = 0; j < n; j++)
            nn_conv_forward_ref(x + j * nx, wt, b, y0 + j * ny, c, h, w, o, k);
        nn_conv_forward_n(x, wt, b, y1, scratch, n, c, h, w, o, k);
        CHECK(max_abs_diff(y0, y1, n * ny) <= 1e-4);
        for (int with_dx = 0; with_dx <= 1; with_dx++) {
            fill(dx0, n * nx, -1, 1);
            memcpy(dx1, dx0, n * nx * sizeof *dx0);
            fill(dw0, nw, -1, 1);
            memcpy(dw1, dw0, nw * sizeof *dw0);
            fill(db0, o, -1, 1);
            memcpy(db1, db0, o * sizeof *db0);
            for (size_t j = 0; j < n; j++)
                nn_conv_backward_ref(x + j * nx, wt, dy + j * ny, with_dx ? dx0 + j * nx : NULL,
                                     dw0, db0, c, h, w, o, k);
            nn_conv_backward_n(x, wt, dy, with_dx ? dx1 : NULL, dw1, db1, scratch, n, c, h, w,
                               o, k);
            CHECK(max_abs_diff(dx0, dx1, n * nx) <= 1e-3);
            CHECK(max_abs_diff(dw0, dw1, nw) <= 1e-3);
            CHECK(max_abs_diff(db0, db1, o) <= 1e-3);
        }
        free(x), free(wt), free(b), free(dy), free(y0), free(y1), free(scratch), free(dx0);
        free(dx1), free(dw0), free(dw1), free(db0), free(db1);
    }
}

/* Max-pool backward against its reference on values with many ties (ReLU
 * outputs are mostly exact zeros), odd sizes included: the same bits. */
static void test_maxpool_vs_ref(void)
{
    const size_t cases[][3] = {{3, 28, 28}, {5, 14, 14}, {2, 7, 9}, {4, 2, 2}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const size_t planes = cases[t][0], h = cases[t][1], w = cases[t][2];
        const size_t nx = planes * h * w, ny = planes * (h / 2) * (w / 2);
        float *x = alloc(nx), *dy = alloc(ny), *d0 = alloc(nx), *d1 = alloc(nx);
        for (size_t i = 0; i < nx; i++)
            x[i] = (float)nn_rng_below(&rng, 3) * 0.5f; /* 0, 0.5 or 1: ties everywhere */
        fill(dy, ny, -1, 1);
        fill(d0, nx, -1, 1);
        memcpy(d1, d0, nx * sizeof *d0);
        nn_maxpool_backward_ref(x, dy, d0, planes, h, w);
        nn_maxpool_backward(x, dy, d1, planes, h, w);
        CHECK(memcmp(d0, d1, nx * sizeof *d0) == 0);
        free(x), free(dy), free(d0), free(d1);
    }
}

/* The fused ReLU + max-pool backward against the two passes it replaces
 * (zeroed buffers, pool then ReLU): the same bits, on ReLU outputs full of
 * tied zeros, with negative and -0 gradients, and every element of dx set
 * whatever it held before. */
static void test_relu_maxpool_fused(void)
{
    /* rows of 14, 7, 5, 1, 16 and 9 windows: whole and masked groups of 8 */
    const size_t cases[][3] = {{3, 28, 28}, {5, 14, 14}, {2, 6, 10}, {4, 2, 2}, {2, 4, 32},
                               {3, 6, 18}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const size_t planes = cases[t][0], h = cases[t][1], w = cases[t][2];
        const size_t nx = planes * h * w, ny = planes * (h / 2) * (w / 2);
        float *y = alloc(nx), *dy = alloc(ny), *dp = alloc(nx), *d0 = alloc(nx);
        float *d1 = alloc(nx);
        for (size_t i = 0; i < nx; i++)
            y[i] = (float)nn_rng_below(&rng, 3) * 0.5f; /* 0, 0.5 or 1 */
        fill(dy, ny, -1, 1);
        for (size_t i = 0; i < ny; i += 7)
            dy[i] = i % 2 ? -0.0f : 0.0f;
        memset(dp, 0, nx * sizeof *dp);
        memset(d0, 0, nx * sizeof *d0);
        nn_maxpool_backward(y, dy, dp, planes, h, w);
        nn_relu_backward(y, dp, d0, nx);
        fill(d1, nx, -1, 1); /* stale values the fused pass must overwrite */
        nn_relu_maxpool_backward(y, dy, d1, planes, h, w);
        CHECK(memcmp(d0, d1, nx * sizeof *d0) == 0);
        free(y), free(dy), free(dp), free(d0), free(d1);
    }
}

/* nn_transpose in 8x8 register blocks with ragged edges, strided. */
static void test_transpose(void)
{
    const size_t cases[][2] = {{196, 64}, {37, 21}, {8, 8}, {9, 17}, {64, 800}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const size_t rows = cases[t][0], cols = cases[t][1], lds = cols + 3, ldd = rows + 5;
        float *src = alloc(rows * lds), *dst = alloc(cols * ldd);
        fill(src, rows * lds, -1, 1);
        fill(dst, cols * ldd, -1, 1);
        nn_transpose(src, lds, dst, ldd, rows, cols);
        int ok = 1;
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                ok &= dst[c * ldd + r] == src[r * lds + c];
        CHECK(ok);
        free(src), free(dst);
    }
}

/* col2im is im2col's adjoint: <im2col(x), c> = <x, col2im(c)>. */
static void test_im2col_adjoint(void)
{
    const size_t c = 2, h = 5, w = 6, k = 3, nc = c * k * k * h * w;
    float *x = alloc(c * h * w), *cols = alloc(nc), *r = alloc(nc), *back = alloc(c * h * w);
    fill(x, c * h * w, -1, 1);
    fill(r, nc, -1, 1);
    nn_im2col(x, cols, c, h, w, k);
    nn_col2im_add(r, back, c, h, w, k);
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < nc; i++)
        lhs += (double)cols[i] * r[i];
    for (size_t i = 0; i < c * h * w; i++)
        rhs += (double)x[i] * back[i];
    CHECK_NEAR(lhs, rhs, 1e-4);
    free(x), free(cols), free(r), free(back);
}

/* ------------------------------------------------------ gradient checks */

/* A layer under test: forward from (x, p) to y; the check compares the
 * backward pass's dx and dp (for dy = r) with central differences of
 * L = Σ r·y in double. */
typedef struct layer_case {
    const char *name;
    size_t nx, np, ny;
    void (*fwd)(const struct layer_case *lc, const float *x, const float *p, float *y);
    void (*bwd)(const struct layer_case *lc, const float *x, const float *p, const float *y,
                const float *dy, float *dx, float *dp);
    size_t n, c, h, w, o, k; /* shape parameters the callbacks read */
    int bias;
} layer_case;

static double weighted_sum(const layer_case *lc, const float *x, const float *p, const float *r,
                           float *y)
{
    lc->fwd(lc, x, p, y);
    double s = 0;
    for (size_t i = 0; i < lc->ny; i++)
        s += (double)r[i] * y[i];
    return s;
}

static int gradcheck(const layer_case *lc, float *x, float *p, double eps, double abs_tol,
                     double rel_tol)
{
    float *y = alloc(lc->ny), *r = alloc(lc->ny), *dx = alloc(lc->nx), *dp = alloc(lc->np);
    double *an = malloc((lc->nx + lc->np + 1) * sizeof *an);
    double *nu = malloc((lc->nx + lc->np + 1) * sizeof *nu);
    if (!an || !nu)
        exit(1);
    fill(r, lc->ny, -1, 1);
    lc->fwd(lc, x, p, y);
    lc->bwd(lc, x, p, y, r, dx, dp);
    for (size_t i = 0; i < lc->nx; i++)
        an[i] = dx[i];
    for (size_t i = 0; i < lc->np; i++)
        an[lc->nx + i] = dp[i];
    for (size_t i = 0; i < lc->nx + lc->np; i++) {
        float *v = i < lc->nx ? &x[i] : &p[i - lc->nx];
        float keep = *v;
        *v = (float)(keep + eps);
        double up = weighted_sum(lc, x, p, r, y);
        *v = (float)(keep - eps);
        double down = weighted_sum(lc, x, p, r, y);
        *v = keep;
        nu[i] = (up - down) / (2 * eps);
    }
    int ok = close_enough(an, nu, lc->nx + lc->np, abs_tol, rel_tol, lc->name);
    free(y), free(r), free(dx), free(dp), free(an), free(nu);
    return ok;
}

static void dense_f(const layer_case *lc, const float *x, const float *p, float *y)
{
    nn_dense_forward(x, p, lc->bias ? p + lc->o * lc->c : NULL, y, lc->n, lc->c, lc->o);
}
static void dense_b(const layer_case *lc, const float *x, const float *p, const float *y,
                    const float *dy, float *dx, float *dp)
{
    (void)y;
    nn_dense_backward(x, p, dy, dx, dp, lc->bias ? dp + lc->o * lc->c : NULL, lc->n, lc->c,
                      lc->o);
}
static void conv_f(const layer_case *lc, const float *x, const float *p, float *y)
{
    float *cols = alloc(lc->c * lc->k * lc->k * lc->h * lc->w);
    size_t nw = lc->o * lc->c * lc->k * lc->k;
    nn_conv_forward(x, p, lc->bias ? p + nw : NULL, y, cols, lc->c, lc->h, lc->w, lc->o, lc->k);
    free(cols);
}
static void conv_b(const layer_case *lc, const float *x, const float *p, const float *y,
                   const float *dy, float *dx, float *dp)
{
    (void)y;
    float *cols = alloc(lc->c * lc->k * lc->k * lc->h * lc->w);
    size_t nw = lc->o * lc->c * lc->k * lc->k;
    nn_conv_backward(x, p, dy, dx, dp, lc->bias ? dp + nw : NULL, cols, lc->c, lc->h, lc->w,
                     lc->o, lc->k);
    free(cols);
}
static void pool_f(const layer_case *lc, const float *x, const float *p, float *y)
{
    (void)p;
    nn_maxpool_forward(x, y, lc->c, lc->h, lc->w);
}
static void pool_b(const layer_case *lc, const float *x, const float *p, const float *y,
                   const float *dy, float *dx, float *dp)
{
    (void)p, (void)y, (void)dp;
    nn_maxpool_backward(x, dy, dx, lc->c, lc->h, lc->w);
}
static void relu_f(const layer_case *lc, const float *x, const float *p, float *y)
{
    (void)p;
    nn_relu_forward(x, y, lc->nx);
}
static void relu_b(const layer_case *lc, const float *x, const float *p, const float *y,
                   const float *dy, float *dx, float *dp)
{
    (void)x, (void)p, (void)dp;
    nn_relu_backward(y, dy, dx, lc->nx);
}
static void sigm_f(const layer_case *lc, const float *x, const float *p, float *y)
{
    (void)p;
    nn_sigmoid_forward(x, y, lc->nx);
}
static void sigm_b(const layer_case *lc, const float *x, const float *p, const float *y,
                   const float *dy, float *dx, float *dp)
{
    (void)x, (void)p, (void)dp;
    nn_sigmoid_backward(y, dy, dx, lc->nx);
}

static void test_gradchecks(void)
{
    for (int bias = 0; bias < 2; bias++)
        for (size_t n = 1; n <= 3; n += 2) {
            layer_case lc = {"dense", 0, 0, 0, dense_f, dense_b, n, 7, 1, 1, 4, 0, bias};
            lc.nx = n * 7, lc.np = 4 * 7 + (bias ? 4 : 0), lc.ny = n * 4;
            float *x = alloc(lc.nx), *p = alloc(lc.np);
            fill(x, lc.nx, -1, 1);
            fill(p, lc.np, -1, 1);
            CHECK(gradcheck(&lc, x, p, 1e-2, 1e-3, 1e-3));
            free(x), free(p);
        }
    for (int bias = 0; bias < 2; bias++) {
        layer_case lc = {"conv", 0, 0, 0, conv_f, conv_b, 1, 2, 5, 4, 3, 3, bias};
        lc.nx = 2 * 5 * 4, lc.np = 3 * 2 * 9 + (bias ? 3 : 0), lc.ny = 3 * 5 * 4;
        float *x = alloc(lc.nx), *p = alloc(lc.np);
        fill(x, lc.nx, -1, 1);
        fill(p, lc.np, -1, 1);
        CHECK(gradcheck(&lc, x, p, 1e-2, 1e-3, 1e-3));
        free(x), free(p);
    }
    {
        /* Odd sizes (5×7: last row and column dropped); distinct values far
         * apart compared with eps, so no perturbation changes a window's max. */
        layer_case lc = {"maxpool", 2 * 5 * 7, 0, 2 * 2 * 3, pool_f, pool_b, 1, 2, 5, 7, 0, 0, 0};
        float *x = alloc(lc.nx), p[1] = {0};
        for (size_t i = 0; i < lc.nx; i++)
            x[i] = (float)((i * 37) % lc.nx) * 0.1f - 3.0f;
        CHECK(gradcheck(&lc, x, p, 1e-3, 1e-3, 1e-3));
        free(x);
    }
    {
        layer_case lc = {"relu", 40, 0, 40, relu_f, relu_b, 1, 0, 0, 0, 0, 0, 0};
        float *x = alloc(lc.nx), p[1] = {0};
        fill(x, lc.nx, -1, 1);
        for (size_t i = 0; i < lc.nx; i++) /* keep away from the kink */
            if (fabsf(x[i]) < 0.05f)
                x[i] = 0.3f;
        CHECK(gradcheck(&lc, x, p, 1e-3, 1e-3, 1e-3));
        free(x);
    }
    {
        layer_case lc = {"sigmoid", 40, 0, 40, sigm_f, sigm_b, 1, 0, 0, 0, 0, 0, 0};
        float *x = alloc(lc.nx), p[1] = {0};
        fill(x, lc.nx, -4, 4);
        CHECK(gradcheck(&lc, x, p, 1e-2, 1e-4, 1e-3));
        free(x);
    }
}

/* Loss gradients: central differences of the summed loss. */
static void test_loss_gradients(void)
{
    const size_t n = 3, k = 10;
    float y[30], t[30], z[30], g[30];
    fill(z, n * k, -3, 3);
    nn_sigmoid_forward(z, y, n * k);
    memset(t, 0, sizeof t);
    for (size_t s = 0; s < n; s++)
        t[s * k + (s * 3) % k] = 1.0f;
    double an[30], nu[30];
    const double eps = 1e-3;
    for (int which = 0; which < 3; which++) {
        memset(g, 0, sizeof g);
        if (which == 0)
            nn_mse_backward(y, t, g, n, k, 1.0f);
        else if (which == 1)
            nn_bce_backward(y, t, g, n, k, 1.0f);
        else
            nn_bce_logits_backward(y, t, g, n, k, 1.0f);
        for (size_t i = 0; i < n * k; i++) {
            float *v = which == 2 ? &z[i] : &y[i];
            float keep = *v;
            double up, down;
            *v = (float)(keep + eps);
            up = which == 0   ? nn_mse_forward(y, t, n, k)
                 : which == 1 ? nn_bce_forward(y, t, n, k)
                              : nn_bce_logits_forward(z, t, n, k);
            *v = (float)(keep - eps);
            down = which == 0   ? nn_mse_forward(y, t, n, k)
                   : which == 1 ? nn_bce_forward(y, t, n, k)
                                : nn_bce_logits_forward(z, t, n, k);
            *v = keep;
            nu[i] = (up - down) / (2 * eps);
            an[i] = g[i];
        }
        const char *names[3] = {"mse", "bce", "bce_logits"};
        CHECK(close_enough(an, nu, n * k, 2e-3, 2e-3, names[which]));
    }
    /* The scale multiplies the gradient (it carries 1/batch). */
    float g2[30] = {0};
    memset(g, 0, sizeof g);
    nn_mse_backward(y, t, g, n, k, 1.0f);
    nn_mse_backward(y, t, g2, n, k, 0.25f);
    CHECK_NEAR(g2[4], 0.25f * g[4], 1e-7);
    /* Both BCE forms agree, and saturated outputs stay finite. */
    CHECK_NEAR(nn_bce_logits_forward(z, t, n, k), nn_bce_forward(y, t, n, k), 1e-3);
    float ysat[2] = {0.0f, 1.0f}, tsat[2] = {1.0f, 0.0f}, zsat[2] = {-200.0f, 200.0f};
    CHECK_NEAR(nn_bce_forward(ysat, tsat, 1, 2), 200.0, 1e-9);
    CHECK_NEAR(nn_bce_logits_forward(zsat, tsat, 1, 2), 400.0, 1e-6);
}

/* ----------------------------------------------------------- golden values */

static void test_golden(void)
{
    /* 3×3 all-ones kernel on 1..9 with zero padding: each output is the sum
     * of its 3×3 neighbourhood.  Worked by hand:
     *   12 21 16
     *   27 45 33
     *   24 39 28      (+ bias 0.5) */
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, b[1] = {0.5f};
    const float want[9] = {12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f};
    float y[9], cols[81];
    nn_conv_forward(x, w, b, y, cols, 1, 3, 3, 1, 3);
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(y[i], want[i], 1e-6);
    /* Max-pool of a 4×4 ramp keeps each window's bottom-right value, and the
     * gradient goes there. */
    float r[16], p[4], dy[4] = {1, 2, 3, 4}, dr[16] = {0};
    for (int i = 0; i < 16; i++)
        r[i] = (float)i;
    nn_maxpool_forward(r, p, 1, 4, 4);
    CHECK(p[0] == 5 && p[1] == 7 && p[2] == 13 && p[3] == 15);
    nn_maxpool_backward(r, dy, dr, 1, 4, 4);
    CHECK(dr[5] == 1 && dr[7] == 2 && dr[13] == 3 && dr[15] == 4 && dr[0] == 0 && dr[4] == 0);
    /* Ties go to the first element of the window, as in PyTorch. */
    float tie[4] = {2, 2, 2, 2}, dt[4] = {0}, one[1] = {1}, pm[1];
    nn_maxpool_forward(tie, pm, 1, 2, 2);
    nn_maxpool_backward(tie, one, dt, 1, 2, 2);
    CHECK(pm[0] == 2 && dt[0] == 1 && dt[1] == 0 && dt[2] == 0 && dt[3] == 0);
    /* σ(0) = ½; MSE ½Σ(y−t)² of (0.5, 0.25) against (1, 0) = ½(0.25 + 0.0625). */
    float s0 = 0, s1;
    nn_sigmoid_forward(&s0, &s1, 1);
    CHECK_NEAR(s1, 0.5, 1e-7);
    const float ym[2] = {0.5f, 0.25f}, tm[2] = {1, 0};
    CHECK_NEAR(nn_mse_forward(ym, tm, 1, 2), 0.15625, 1e-9);
    /* BCE of the same: −ln 0.5 − ln 0.75 = 0.98082925... */
    CHECK_NEAR(nn_bce_forward(ym, tm, 1, 2), 0.9808292530117262, 1e-7);
}

int main(void)
{
    /* Every kernel path this CPU and build can take (nn.h), each against
     * the naive references. */
    static const char *const paths[] = {"avx512", "avx2", "generic", "blas"};
    int ran = 0;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        if (!nn_kernels_available(paths[i])) {
            printf("kernel path %s: not available on this CPU or build, skipped\n", paths[i]);
            continue;
        }
        nn_error err;
        CHECK(nn_kernels_use(paths[i], &err) == NN_OK);
        CHECK(strcmp(nn_kernels_name(), paths[i]) == 0);
        printf("kernel path %s\n", paths[i]);
        nn_rng_seed(&rng, 1234);
        test_gemm();
        test_dense_vs_ref();
        test_conv_vs_ref();
        test_conv_n_vs_ref();
        test_im2col_adjoint();
        test_maxpool_vs_ref();
    test_relu_maxpool_fused();
        test_transpose();
        test_gradchecks();
        ran++;
    }
    CHECK(ran >= 1);
    CHECK(nn_kernels_available("generic"));
    nn_error err;
    CHECK(nn_kernels_use("avx9000", &err) == NN_EINVAL);
    test_loss_gradients();
    test_golden();
    return test_finish("test_nn_kernels");
}
