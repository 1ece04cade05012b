/* kernels_simd.h — whether the kernel files may use AVX2+FMA intrinsics
 * directly: the default x86-64 build compiles everything for AVX2+FMA (its
 * floor, checked at start by app/cpucheck.c), other builds take the plain
 * loops beside each intrinsic block.  The matrix product picks its own path
 * at run time instead (dispatch.c). */
#ifndef DIGITPAD_NN_KERNELS_SIMD_H
#define DIGITPAD_NN_KERNELS_SIMD_H

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NZ_AVX 1
#endif

#endif
