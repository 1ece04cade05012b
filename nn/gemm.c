/* gemm.c — the matrix product under dense layers and im2col convolutions:
 * CBLAS (OpenBLAS) when built with it, a cache-blocked plain loop otherwise,
 * and a naive reference the tests compare both against. */
#include "kernels.h"

#include <string.h>

#ifdef NN_HAVE_CBLAS
#include <cblas.h>
#endif

void nn_gemm_ref(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                 size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t p = 0; p < K; p++) {
                double a = ta ? A[p * lda + i] : A[i * lda + p];
                double b = tb ? B[j * ldb + p] : B[p * ldb + j];
                s += a * b;
            }
            double c = beta == 0.0f ? 0.0 : (double)beta * C[i * ldc + j];
            C[i * ldc + j] = (float)((double)alpha * s + c);
        }
}

/* Blocks of K keep a panel of B in L1/L2 while every row of C streams over
 * it; the innermost loops run over contiguous j so they vectorise. */
#define KB 256

void nn_gemm_plain(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                   size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    for (size_t i = 0; i < M; i++) {
        float *restrict c = C + i * ldc;
        if (beta == 0.0f)
            memset(c, 0, N * sizeof *c);
        else if (beta != 1.0f)
            for (size_t j = 0; j < N; j++)
                c[j] *= beta;
    }
    if (tb) {
        /* B is [N,K]: each C entry is a dot product of two contiguous rows
         * (when A is not transposed). */
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                const float *restrict b = B + j * ldb;
                float s = 0.0f;
                if (!ta) {
                    const float *restrict a = A + i * lda;
                    for (size_t p = 0; p < K; p++)
                        s += a[p] * b[p];
                } else {
                    for (size_t p = 0; p < K; p++)
                        s += A[p * lda + i] * b[p];
                }
                C[i * ldc + j] += alpha * s;
            }
        return;
    }
    for (size_t p0 = 0; p0 < K; p0 += KB) {
        size_t p1 = p0 + KB < K ? p0 + KB : K;
        for (size_t i = 0; i < M; i++) {
            float *restrict c = C + i * ldc;
            for (size_t p = p0; p < p1; p++) {
                float a = alpha * (ta ? A[p * lda + i] : A[i * lda + p]);
                if (a == 0.0f)
                    continue;
                const float *restrict b = B + p * ldb;
                for (size_t j = 0; j < N; j++)
                    c[j] += a * b[j];
            }
        }
    }
}

void nn_gemm(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
             size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    if (M == 0 || N == 0)
        return;
#ifdef NN_HAVE_CBLAS
    /* One-row and rank-1 products are BLAS-2 shapes: gemv and ger avoid
     * sgemm's packing overhead, which dominates per-sample training. */
    if (M == 1 && K > 0) {
        if (tb)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)K, alpha, B, (int)ldb, A,
                        ta ? (int)lda : 1, beta, C, 1);
        else
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)K, (int)N, alpha, B, (int)ldb, A,
                        ta ? (int)lda : 1, beta, C, 1);
        return;
    }
    if (K == 1 && beta == 1.0f) {
        cblas_sger(CblasRowMajor, (int)M, (int)N, alpha, A, ta ? 1 : (int)lda, B,
                   tb ? (int)ldb : 1, C, (int)ldc);
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)M, (int)N, (int)K, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
#else
    nn_gemm_plain(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#endif
}
