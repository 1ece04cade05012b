/* kernels_dense.c — the fully connected layer's forward/backward pair
 * (contract in kernels.h) with its naive reference beside it: batches go
 * through nn_gemm, single samples through kernels that skip the input's
 * zero blocks. */
#include "kernels.h"
#include "kernels_simd.h"

#include <string.h>

/* ----------------------------------------------------------------- dense */

/* One sample at a time (the seed's per-sample SGD, live prediction), sgemv
 * and sger spend most of their time on an input that is mostly zero: MNIST
 * digits are ~80% background.  So the one-sample kernels list the 8-float
 * blocks of x holding any non-zero value and touch only those columns of W;
 * skipped blocks would add exact zeros, so results are unchanged. */
#define NZ_BLOCK 8 /* dense_forward_one splits a block into two 4-float vectors */
#define NZ_MAX_IN 4096
_Static_assert(NZ_BLOCK == 8, "dense_forward_one's vector loop assumes 8-float blocks");

static size_t nonzero_blocks(const float *x, size_t in, unsigned short *list)
{
    size_t nb = 0;
    for (size_t j = 0; j + NZ_BLOCK <= in; j += NZ_BLOCK) {
        int any = 0;
        for (size_t k = 0; k < NZ_BLOCK; k++)
            any |= x[j + k] != 0.0f;
        if (any)
            list[nb++] = (unsigned short)j;
    }
    return nb;
}
#ifdef NZ_AVX

static float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

/* Dot product of row r with x over the listed blocks and the tail. */
static float dot_blocks(const float *restrict r, const float *restrict x,
                        const unsigned short *list, size_t nb, size_t tail, size_t in)
{
    float s = 0.0f;
#ifdef NZ_AVX
    __m256 acc = _mm256_setzero_ps();
    for (size_t q = 0; q < nb; q++)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r + list[q]), _mm256_loadu_ps(x + list[q]), acc);
    s = hsum8(acc);
#else
    float acc[NZ_BLOCK] = {0};
    for (size_t q = 0; q < nb; q++)
        for (size_t k = 0; k < NZ_BLOCK; k++)
            acc[k] += r[list[q] + k] * x[list[q] + k];
    for (size_t k = 0; k < NZ_BLOCK; k++)
        s += acc[k];
#endif
    for (size_t j = tail; j < in; j++)
        s += r[j] * x[j];
    return s;
}

/* y (out) = w (out,in) · x (in) + b, over x's non-zero blocks. */
static void dense_forward_one(const float *restrict x, const float *restrict w,
                              const float *restrict b, float *restrict y, size_t in, size_t out)
{
    unsigned short list[NZ_MAX_IN / NZ_BLOCK];
    const size_t nb = nonzero_blocks(x, in, list), tail = in - in % NZ_BLOCK;
    size_t o = 0;
#ifdef NZ_AVX
    /* Four rows at once: four independent FMA chains hide FMA latency. */
    for (; o + 4 <= out; o += 4) {
        const float *r0 = w + o * in, *r1 = r0 + in, *r2 = r1 + in, *r3 = r2 + in;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t q = 0; q < nb; q++) {
            const size_t j = list[q];
            const __m256 v = _mm256_loadu_ps(x + j);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + j), v, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + j), v, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + j), v, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + j), v, a3);
        }
        const __m256 acc[4] = {a0, a1, a2, a3};
        for (size_t k = 0; k < 4; k++) {
            const float *r = w + (o + k) * in;
            float s = hsum8(acc[k]);
            for (size_t j = tail; j < in; j++)
                s += r[j] * x[j];
            y[o + k] = (b ? b[o + k] : 0.0f) + s;
        }
    }
#else
    /* Four rows at once here too, each with dot_blocks' eight lanes summed
     * in its order, so the results are dot_blocks' to the bit: one row at a
     * time waited on each add's latency (18% of a drawing's time in a build
     * without AVX, measured with perf). */
    typedef float v4 __attribute__((vector_size(16)));
    for (; o + 4 <= out; o += 4) {
        const float *r[4] = {w + o * in, w + (o + 1) * in, w + (o + 2) * in, w + (o + 3) * in};
        /* lanes 0-3 and 4-7 of each row's eight, as GCC vector types (it
         * did not vectorise the plain-array form) */
        v4 acc[4][2] = {{{0}}};
        for (size_t q = 0; q < nb; q++) {
            const size_t j = list[q];
            v4 x0, x1;
            __builtin_memcpy(&x0, x + j, sizeof x0);
            __builtin_memcpy(&x1, x + j + 4, sizeof x1);
            for (size_t k = 0; k < 4; k++) {
                v4 w0, w1;
                __builtin_memcpy(&w0, r[k] + j, sizeof w0);
                __builtin_memcpy(&w1, r[k] + j + 4, sizeof w1);
                acc[k][0] += w0 * x0;
                acc[k][1] += w1 * x1;
            }
        }
        for (size_t k = 0; k < 4; k++) {
            float lanes[NZ_BLOCK];
            __builtin_memcpy(lanes, acc[k], sizeof lanes);
            float s = 0.0f;
            for (size_t l = 0; l < NZ_BLOCK; l++)
                s += lanes[l];
            for (size_t j = tail; j < in; j++)
                s += r[k][j] * x[j];
            y[o + k] = (b ? b[o + k] : 0.0f) + s;
        }
    }
#endif
    for (; o < out; o++)
        y[o] = (b ? b[o] : 0.0f) + dot_blocks(w + o * in, x, list, nb, tail, in);
}

/* dx (in) += wᵀ·dy; then dw (out,in) += dy ⊗ x over x's non-zero blocks. */
static void dense_backward_one(const float *restrict x, const float *w, const float *restrict dy,
                               float *restrict dx, float *dw, float *restrict db, size_t in,
                               size_t out)
{
    if (dx)
        for (size_t o = 0; o < out; o++) {
            const float a = dy[o];
            const float *restrict r = w + o * in;
            for (size_t j = 0; j < in; j++)
                dx[j] += a * r[j];
        }
    unsigned short list[NZ_MAX_IN / NZ_BLOCK];
    const size_t nb = nonzero_blocks(x, in, list), tail = in - in % NZ_BLOCK;
    for (size_t o = 0; o < out; o++) {
        const float a = dy[o];
        float *restrict r = dw + o * in;
#ifdef NZ_AVX
        const __m256 va = _mm256_set1_ps(a);
        for (size_t q = 0; q < nb; q++) {
            float *p = r + list[q];
            _mm256_storeu_ps(p, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + list[q]),
                                                _mm256_loadu_ps(p)));
        }
#else
        for (size_t q = 0; q < nb; q++)
            for (size_t k = 0; k < NZ_BLOCK; k++)
                r[list[q] + k] += a * x[list[q] + k];
#endif
        for (size_t j = tail; j < in; j++)
            r[j] += a * x[j];
        if (db)
            db[o] += a;
    }
}

void nn_dense_forward(const float *x, const float *w, const float *b, float *y, size_t n,
                      size_t in, size_t out)
{
    if (n == 1 && in <= NZ_MAX_IN) {
        dense_forward_one(x, w, b, y, in, out);
        return;
    }
    /* Bias first, then accumulate the product into it: one pass over y. */
    for (size_t s = 0; s < n; s++) {
        if (b)
            memcpy(y + s * out, b, out * sizeof *y);
        else
            memset(y + s * out, 0, out * sizeof *y);
    }
    nn_gemm(0, 1, n, out, in, 1.0f, x, in, w, in, 1.0f, y, out);
}

void nn_dense_forward_ref(const float *x, const float *w, const float *b, float *y, size_t n,
                          size_t in, size_t out)
{
    for (size_t s = 0; s < n; s++)
        for (size_t o = 0; o < out; o++) {
            double acc = b ? b[o] : 0.0;
            for (size_t i = 0; i < in; i++)
                acc += (double)x[s * in + i] * w[o * in + i];
            y[s * out + o] = (float)acc;
        }
}

void nn_dense_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                       float *db, size_t n, size_t in, size_t out)
{
    if (n == 1 && in <= NZ_MAX_IN) {
        dense_backward_one(x, w, dy, dx, dw, db, in, out);
        return;
    }
    if (dx)
        nn_gemm(0, 0, n, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
    nn_gemm(1, 0, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
    if (db)
        for (size_t s = 0; s < n; s++)
            for (size_t o = 0; o < out; o++)
                db[o] += dy[s * out + o];
}

void nn_dense_backward_ref(const float *x, const float *w, const float *dy, float *dx,
                           float *dw, float *db, size_t n, size_t in, size_t out)
{
    if (dx)
        for (size_t s = 0; s < n; s++)
            for (size_t i = 0; i < in; i++) {
                double acc = 0;
                for (size_t o = 0; o < out; o++)
                    acc += (double)dy[s * out + o] * w[o * in + i];
                dx[s * in + i] += (float)acc;
            }
    for (size_t o = 0; o < out; o++)
        for (size_t i = 0; i < in; i++) {
            double acc = 0;
            for (size_t s = 0; s < n; s++)
                acc += (double)dy[s * out + o] * x[s * in + i];
            dw[o * in + i] += (float)acc;
        }
    if (db)
        for (size_t o = 0; o < out; o++) {
            double acc = 0;
            for (size_t s = 0; s < n; s++)
                acc += dy[s * out + o];
            db[o] += (float)acc;
        }
}
