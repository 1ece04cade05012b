/* kernels_conv_avx512.c — the sparse convolutions' two inner loops
 * (kernels_conv_sparse.c) in AVX-512F: a row of 16·nv output channels in nv
 * zmm registers instead of 2·nv ymm, so each listed non-zero costs half the
 * loads and FMAs.  Per lane the operations and their order are those of the
 * AVX2 loops (two accumulator sets, alternate entries), so both paths give
 * the same bits.  Runs only on the avx512 kernel path (dispatch.c). */
#include "kernels_conv_sparse.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

static inline __attribute__((always_inline)) AVX512 void
gather16(const int32_t *start, const int32_t *idx, const float *val, const float *W, size_t k,
         size_t Wp, int flip, const float *init, float *outT, size_t h, size_t w, const int nv)
{
    const size_t kk = k * k, nout = 16 * (size_t)nv;
    for (size_t oy = 0; oy < h; oy++)
        for (size_t ox = 0; ox < w; ox++) {
            __m512 a0[4], a1[4];
            for (int v = 0; v < nv; v++) {
                a0[v] = init ? _mm512_loadu_ps(init + 16 * v) : _mm512_setzero_ps();
                a1[v] = _mm512_setzero_ps();
            }
            for (size_t ky = 0; ky < k; ky++)
                for (size_t kx = 0; kx < k; kx++) {
                    const size_t g = (oy + ky) * Wp + ox + kx;
                    const size_t tap = flip ? kk - 1 - (ky * k + kx) : ky * k + kx;
                    int32_t e = start[g];
                    const int32_t e1 = start[g + 1];
                    for (; e + 1 < e1; e += 2) {
                        const __m512 b0 = _mm512_set1_ps(val[e]);
                        const __m512 b1 = _mm512_set1_ps(val[e + 1]);
                        const float *r0 = W + ((size_t)idx[e] * kk + tap) * nout;
                        const float *r1 = W + ((size_t)idx[e + 1] * kk + tap) * nout;
                        for (int v = 0; v < nv; v++) {
                            a0[v] = _mm512_fmadd_ps(b0, _mm512_loadu_ps(r0 + 16 * v), a0[v]);
                            a1[v] = _mm512_fmadd_ps(b1, _mm512_loadu_ps(r1 + 16 * v), a1[v]);
                        }
                    }
                    if (e < e1) {
                        const __m512 b0 = _mm512_set1_ps(val[e]);
                        const float *r0 = W + ((size_t)idx[e] * kk + tap) * nout;
                        for (int v = 0; v < nv; v++)
                            a0[v] = _mm512_fmadd_ps(b0, _mm512_loadu_ps(r0 + 16 * v), a0[v]);
                    }
                }
            float *dst = outT + (oy * w + ox) * nout;
            for (int v = 0; v < nv; v++)
                _mm512_storeu_ps(dst + 16 * v, _mm512_add_ps(a0[v], a1[v]));
        }
}

AVX512 void nn_gather_conv_avx512(const int32_t *start, const int32_t *idx, const float *val,
                                  const float *W, size_t k, size_t Wp, int flip,
                                  const float *init, float *outT, size_t h, size_t w,
                                  size_t nout)
{
#define GC(nv) gather16(start, idx, val, W, k, Wp, flip, init, outT, h, w, nv)
    switch (nout / 16) {
    case 1: GC(1); break;
    case 2: GC(2); break;
    case 3: GC(3); break;
    default: GC(4); break;
    }
#undef GC
}

static inline __attribute__((always_inline)) AVX512 void
dw16(const int32_t *pos, const float *pval, size_t nz, const float *xp, size_t k, size_t Wp,
     float *dwrow, const int nv)
{
    const size_t c = 16 * (size_t)nv;
    for (size_t ky = 0; ky < k; ky++)
        for (size_t kx = 0; kx < k; kx++) {
            const size_t off = ky * Wp + kx;
            float *dst = dwrow + (ky * k + kx) * c;
            __m512 a0[4], a1[4];
            for (int v = 0; v < nv; v++) {
                a0[v] = _mm512_loadu_ps(dst + 16 * v);
                a1[v] = _mm512_setzero_ps();
            }
            size_t e = 0;
            for (; e + 1 < nz; e += 2) {
                const __m512 b0 = _mm512_set1_ps(pval[e]);
                const __m512 b1 = _mm512_set1_ps(pval[e + 1]);
                const float *r0 = xp + ((size_t)pos[e] + off) * c;
                const float *r1 = xp + ((size_t)pos[e + 1] + off) * c;
                for (int v = 0; v < nv; v++) {
                    a0[v] = _mm512_fmadd_ps(b0, _mm512_loadu_ps(r0 + 16 * v), a0[v]);
                    a1[v] = _mm512_fmadd_ps(b1, _mm512_loadu_ps(r1 + 16 * v), a1[v]);
                }
            }
            if (e < nz) {
                const __m512 b0 = _mm512_set1_ps(pval[e]);
                const float *r0 = xp + ((size_t)pos[e] + off) * c;
                for (int v = 0; v < nv; v++)
                    a0[v] = _mm512_fmadd_ps(b0, _mm512_loadu_ps(r0 + 16 * v), a0[v]);
            }
            for (int v = 0; v < nv; v++)
                _mm512_storeu_ps(dst + 16 * v, _mm512_add_ps(a0[v], a1[v]));
        }
}

AVX512 void nn_dw_rows_avx512(const int32_t *pos, const float *pval, size_t nz, const float *xp,
                              size_t k, size_t Wp, float *dwrow, size_t c)
{
#define DW(nv) dw16(pos, pval, nz, xp, k, Wp, dwrow, nv)
    switch (c / 16) {
    case 1: DW(1); break;
    case 2: DW(2); break;
    case 3: DW(3); break;
    default: DW(4); break;
    }
#undef DW
}
#endif
