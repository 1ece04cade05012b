/* kernels_simd.h — whether the kernel files may use AVX2+FMA intrinsics
 * directly: the default x86-64 build compiles everything for AVX2+FMA (its
 * floor, checked at start by app/cpucheck.c), other builds take the plain
 * loops beside each intrinsic block.  The matrix product picks its own path
 * at run time instead (dispatch.c). */
#ifndef DIGITPAD_NN_KERNELS_SIMD_H
#define DIGITPAD_NN_KERNELS_SIMD_H

#include <stddef.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NZ_AVX 1
#endif

#ifdef NZ_AVX
/* d[i*ldd + j] = s[j*lds + i] for an 8x8 block, in registers: the
 * transposes of gemm.c's packing and of nn_transpose. */
static inline void nn_tr8x8(const float *s, size_t lds, float *d, size_t ldd)
{
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++)
        r[i] = _mm256_loadu_ps(s + (size_t)i * lds);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(d + (size_t)i * ldd, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(d + (size_t)(i + 4) * ldd, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}
#endif

#endif
