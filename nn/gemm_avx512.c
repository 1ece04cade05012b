/* gemm_avx512.c — the AVX-512F micro-kernel of the packed matrix product
 * (gemm.c): an 8x32 tile of C in 16 zmm accumulators, A broadcast straight
 * from memory.  Only this file is compiled for AVX-512 (CMakeLists.txt); it
 * runs only where the CPU reports avx512f (dispatch.c). */
#include "gemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 8
#define NR 32

/* Sixteen named accumulators, not an array, so they stay in registers
 * (see gemm_avx2.c). */
#define ROW(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps()
#define FMA_ROW(r)                                                                           \
    do {                                                                                     \
        const __m512 av = _mm512_set1_ps(a[r]);                                              \
        c##r##0 = _mm512_fmadd_ps(av, b0, c##r##0);                                          \
        c##r##1 = _mm512_fmadd_ps(av, b1, c##r##1);                                          \
    } while (0)

__attribute__((target("avx512f"))) static void
ukr_8x32(size_t kc, const float *restrict a, const float *restrict b, float *c, size_t ldc,
         float alpha, float beta, size_t mr, size_t nr)
{
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
    ROW(4);
    ROW(5);
    ROW(6);
    ROW(7);
    for (size_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        FMA_ROW(0);
        FMA_ROW(1);
        FMA_ROW(2);
        FMA_ROW(3);
        FMA_ROW(4);
        FMA_ROW(5);
        FMA_ROW(6);
        FMA_ROW(7);
        a += MR;
        b += NR;
    }
    const __m512 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                               {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    /* Whole tiles store whole rows; edge tiles mask the lanes past nr, so
     * nothing outside C is read or written. */
    const __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
    const __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xffffu : nr <= 16 ? 0u : (1u << (nr - 16)) - 1u);
    const __mmask16 mk[2] = {m0, m1};
    for (size_t r = 0; r < mr; r++)
        for (int v = 0; v < 2; v++) {
            float *dst = c + r * ldc + 16 * v;
            __m512 t = _mm512_mul_ps(va, acc[r][v]);
            if (beta == 1.0f)
                t = _mm512_add_ps(_mm512_maskz_loadu_ps(mk[v], dst), t);
            else if (beta != 0.0f)
                t = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mk[v], dst), t);
            _mm512_mask_storeu_ps(dst, mk[v], t);
        }
}

const nn_gemm_ukr nn_gemm_ukr_avx512 = {ukr_8x32, MR, NR};
#endif
