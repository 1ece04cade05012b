/* gemm_internal.h — what gemm.c's packed matrix product shares with the
 * micro-kernels (gemm_generic.c, gemm_avx2.c, gemm_avx512.c) and with dispatch.c,
 * which picks one of them from the CPU's features. */
#ifndef DIGITPAD_NN_GEMM_INTERNAL_H
#define DIGITPAD_NN_GEMM_INTERNAL_H

#include <stddef.h>

/* C (mr,nr), row stride ldc = alpha · Ap·Bp + beta·C, where Ap is kc steps
 * of MR floats (one column of an MR-row panel of A each) and Bp kc steps of
 * NR floats, both packed and zero-padded by gemm.c, 64-byte aligned.  mr <=
 * MR and nr <= NR say how much of the tile C really has; beta 0 never reads
 * C. */
typedef void (*nn_gemm_ukr_fn)(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                               float alpha, float beta, size_t mr, size_t nr);

typedef struct nn_gemm_ukr {
    nn_gemm_ukr_fn fn;
    size_t mr, nr; /* the tile it computes */
} nn_gemm_ukr;

/* Portable C (vector extensions): the generic path's. */
extern const nn_gemm_ukr nn_gemm_ukr_generic;
#if defined(__x86_64__)
extern const nn_gemm_ukr nn_gemm_ukr_avx2;
extern const nn_gemm_ukr nn_gemm_ukr_avx512;
#endif

/* C (mr,nr) = tile (mr,nr; row stride ldt) + beta·C, beta 0 not reading C:
 * the edge tiles' store, shared by the micro-kernels. */
void nn_gemm_tile_merge(const float *tile, size_t ldt, float *c, size_t ldc, float beta,
                        size_t mr, size_t nr);

/* nn_gemm's contract with micro-kernel u (GotoBLAS blocking: panels of B
 * and blocks of A packed into the calling thread's scratch, kept until the
 * thread ends).  Returns 0, having done nothing, when that scratch cannot
 * be allocated. */
int nn_gemm_packed(const nn_gemm_ukr *u, int ta, int tb, size_t M, size_t N, size_t K,
                   float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                   float beta, float *C, size_t ldc);

/* dispatch.c: the micro-kernel of the active path, NULL on the BLAS path. */
const nn_gemm_ukr *nn_kernels_ukr(void);
/* 1 when the active path is the CBLAS one (builds with NN_HAVE_CBLAS). */
int nn_kernels_use_blas(void);
/* nn_gemm through CBLAS (gemm.c; builds with NN_HAVE_CBLAS only). */
void nn_gemm_cblas(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                   size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);

#endif
