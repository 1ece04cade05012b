/* kernels_conv_sparse.h — the inner loops of the sparse convolutions that
 * kernels_conv_sparse.c hands to kernels_conv_avx512.c on the avx512
 * kernel path (channel counts a multiple of 16, up to 64). */
#ifndef DIGITPAD_NN_KERNELS_CONV_SPARSE_H
#define DIGITPAD_NN_KERNELS_CONV_SPARSE_H

#include <stddef.h>
#include <stdint.h>

/* outT (h·w, nout): per output position, init (or 0) plus the k×k window's
 * listed entries (start/idx/val per padded position, row length Wp) times
 * their rows of W (·, kk, nout); flip mirrors the kernel. */
void nn_gather_conv_avx512(const int32_t *start, const int32_t *idx, const float *val,
                           const float *W, size_t k, size_t Wp, int flip, const float *init,
                           float *outT, size_t h, size_t w, size_t nout);
/* dwrow (kk, c) += per tap, the listed non-zeros pval at padded positions pos
 * times their rows of xp (G, c). */
void nn_dw_rows_avx512(const int32_t *pos, const float *pval, size_t nz, const float *xp,
                       size_t k, size_t Wp, float *dwrow, size_t c);
/* 1 on the avx512 kernel path (dispatch.c). */
int nn_kernels_on_avx512(void);

#endif
