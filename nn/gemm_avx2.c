/* gemm_avx2.c — the AVX2+FMA micro-kernel of the packed matrix product
 * (gemm.c): a 6x16 tile of C in 12 ymm accumulators, the shape BLIS and
 * OpenBLAS use on Haswell (12 FMAs per 2 loads of B and 6 broadcasts of A). */
#include "gemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define MR 6
#define NR 16

/* Twelve named accumulators, not an array: GCC keeps an array that is
 * indexed after the loop in memory and stores it on every step (measured:
 * 16 GFLOP/s instead of 50). */
#define ROW(r) __m256 c##r##0 = _mm256_setzero_ps(), c##r##1 = _mm256_setzero_ps()
#define FMA_ROW(r)                                                                           \
    do {                                                                                     \
        const __m256 av = _mm256_broadcast_ss(a + r);                                        \
        c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                                          \
        c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1);                                          \
    } while (0)

__attribute__((target("avx2,fma"))) static void
ukr_6x16(size_t kc, const float *restrict a, const float *restrict b, float *c, size_t ldc,
         float alpha, float beta, size_t mr, size_t nr)
{
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
    ROW(4);
    ROW(5);
    for (size_t p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        FMA_ROW(0);
        FMA_ROW(1);
        FMA_ROW(2);
        FMA_ROW(3);
        FMA_ROW(4);
        FMA_ROW(5);
        a += MR;
        b += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    float tile[MR][NR];
    const __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                               {c30, c31}, {c40, c41}, {c50, c51}};
    if (mr == MR && nr == NR) {
        const __m256 vb = _mm256_set1_ps(beta);
        for (int r = 0; r < MR; r++)
            for (int v = 0; v < 2; v++) {
                float *dst = c + (size_t)r * ldc + 8 * v;
                __m256 t = _mm256_mul_ps(va, acc[r][v]);
                if (beta == 1.0f)
                    t = _mm256_add_ps(_mm256_loadu_ps(dst), t);
                else if (beta != 0.0f)
                    t = _mm256_fmadd_ps(vb, _mm256_loadu_ps(dst), t);
                _mm256_storeu_ps(dst, t);
            }
        return;
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < 2; v++)
            _mm256_storeu_ps(&tile[r][8 * v], _mm256_mul_ps(va, acc[r][v]));
    nn_gemm_tile_merge(&tile[0][0], NR, c, ldc, beta, mr, nr);
}

const nn_gemm_ukr nn_gemm_ukr_avx2 = {ukr_6x16, MR, NR};
#endif
