/* kernels_dense_sparse.c — the seed recipe's per-sample dense kernels on
 * transposed weights that visit only an input's non-zero pixels, their
 * references, and the tiled transpose they and the sparse convolutions
 * use (contracts in kernels.h). */
#include "kernels.h"
#include "kernels_simd.h"

/* -------------------------------------------- dense, transposed, sparse */

size_t nn_nonzero_index(const float *x, size_t in, size_t *idx)
{
    size_t n = 0, j = 0;
#ifdef NZ_AVX
    /* One compare and mask per 8 pixels: background blocks cost no branch
     * per pixel. */
    const __m256 zero = _mm256_setzero_ps();
    for (; j + 8 <= in; j += 8) {
        unsigned mask = (unsigned)_mm256_movemask_ps(
            _mm256_cmp_ps(_mm256_loadu_ps(x + j), zero, _CMP_NEQ_UQ));
        if (!mask)
            continue;
        /* Branch-free within a block: how many of its pixels are ink is
         * unpredictable (measured: a ctz loop mispredicted enough to cost
         * 6% of a seed epoch). */
        for (unsigned k = 0; k < 8; k++) {
            idx[n] = j + k;
            n += (mask >> k) & 1u;
        }
    }
#endif
    for (; j < in; j++) {
        idx[n] = j;
        n += x[j] != 0.0f;
    }
    return n;
}

#ifdef NZ_AVX
/* Lanes [0, n) set, n clamped to 0..8. */
static __m256i lane_mask(size_t n)
{
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n > 8 ? 8 : (int)n), iota);
}

/* Columns [c0, c0 + 8·nv) of the forward with the nv accumulators in
 * registers, so each non-zero input costs nv loads and FMAs and no stores.
 * Inlined with a constant nv (<= 13: 13 accumulators and the broadcast fit
 * the 16 ymm registers). */
static inline __attribute__((always_inline)) void
fwd_tile(const float *x, const size_t *idx, size_t nnz, const float *wt, size_t ld,
         const float *b, float *y, size_t c0, size_t out, const int nv)
{
    __m256 acc[13];
    for (int v = 0; v < nv; v++)
        acc[v] = _mm256_setzero_ps();
    for (size_t q = 0; q < nnz; q++) {
        const __m256 a = _mm256_broadcast_ss(x + idx[q]);
        const float *r = wt + idx[q] * ld + c0;
        for (int v = 0; v < nv; v++)
            acc[v] = _mm256_fmadd_ps(a, _mm256_loadu_ps(r + 8 * v), acc[v]);
    }
    for (int v = 0; v < nv; v++) {
        float tmp[8];
        _mm256_storeu_ps(tmp, acc[v]);
        for (size_t k = 0, c = c0 + 8 * (size_t)v; k < 8 && c + k < out; k++)
            y[c + k] = (b ? b[c + k] : 0.0f) + tmp[k];
    }
}

/* Columns [c0, c0 + 8·nv) of the update with dy held in registers: each
 * non-zero input costs nv loads, FMAs and stores. */
static inline __attribute__((always_inline)) void
bwd_tile(const float *x, const size_t *idx, size_t nnz, const float *dy, float *dwt, size_t ld,
         size_t c0, size_t out, const int nv)
{
    __m256 d[13];
    for (int v = 0; v < nv; v++) {
        const size_t c = c0 + 8 * (size_t)v;
        d[v] = _mm256_maskload_ps(dy + c, lane_mask(c < out ? out - c : 0));
    }
    for (size_t q = 0; q < nnz; q++) {
        const __m256 a = _mm256_broadcast_ss(x + idx[q]);
        float *r = dwt + idx[q] * ld + c0;
        for (int v = 0; v < nv; v++)
            _mm256_storeu_ps(r + 8 * v, _mm256_fmadd_ps(a, d[v], _mm256_loadu_ps(r + 8 * v)));
    }
}

/* Runs TILE(nv) over ceil(out/8) vectors: tiles of 13, then the rest. */
#define NZ_TILES(out, TILE)                                                                  \
    do {                                                                                     \
        size_t nvt_ = ((out) + 7) / 8, c0 = 0;                                               \
        for (; nvt_ >= 13; nvt_ -= 13, c0 += 104)                                            \
            TILE(13);                                                                        \
        switch (nvt_) {                                                                      \
        case 1: TILE(1); break;                                                              \
        case 2: TILE(2); break;                                                              \
        case 3: TILE(3); break;                                                              \
        case 4: TILE(4); break;                                                              \
        case 5: TILE(5); break;                                                              \
        case 6: TILE(6); break;                                                              \
        case 7: TILE(7); break;                                                              \
        case 8: TILE(8); break;                                                              \
        case 9: TILE(9); break;                                                              \
        case 10: TILE(10); break;                                                            \
        case 11: TILE(11); break;                                                            \
        case 12: TILE(12); break;                                                            \
        default: break;                                                                      \
        }                                                                                    \
    } while (0)
#endif

void nn_dense_forward_tsparse(const float *x, const size_t *idx, size_t nnz, const float *wt,
                              size_t ld, const float *b, float *y, size_t out)
{
#ifdef NZ_AVX
    if (ld % 8 == 0) {
#define FWD(nv) fwd_tile(x, idx, nnz, wt, ld, b, y, c0, out, nv)
        NZ_TILES(out, FWD);
#undef FWD
        return;
    }
#endif
    float *restrict yy = y;
    for (size_t o = 0; o < out; o++)
        yy[o] = b ? b[o] : 0.0f;
    for (size_t q = 0; q < nnz; q++) {
        const float a = x[idx[q]];
        const float *restrict r = wt + idx[q] * ld;
        for (size_t o = 0; o < out; o++)
            yy[o] += a * r[o];
    }
}

void nn_dense_backward_tsparse(const float *x, const size_t *idx, size_t nnz, const float *dy,
                               float *dwt, size_t ld, float *db, size_t out)
{
#ifdef NZ_AVX
    if (ld % 8 == 0) {
#define BWD(nv) bwd_tile(x, idx, nnz, dy, dwt, ld, c0, out, nv)
        NZ_TILES(out, BWD);
#undef BWD
    } else
#endif
        for (size_t q = 0; q < nnz; q++) {
            const float a = x[idx[q]];
            const float *restrict d = dy;
            float *restrict r = dwt + idx[q] * ld;
            for (size_t o = 0; o < out; o++)
                r[o] += a * d[o];
        }
    if (db)
        for (size_t o = 0; o < out; o++)
            db[o] += dy[o];
}

void nn_dense_forward_t_ref(const float *x, const float *wt, size_t ld, const float *b, float *y,
                            size_t in, size_t out)
{
    for (size_t o = 0; o < out; o++) {
        double acc = b ? b[o] : 0.0;
        for (size_t j = 0; j < in; j++)
            acc += (double)x[j] * wt[j * ld + o];
        y[o] = (float)acc;
    }
}

void nn_dense_backward_t_ref(const float *x, const float *dy, float *dwt, size_t ld, float *db,
                             size_t in, size_t out)
{
    for (size_t j = 0; j < in; j++)
        for (size_t o = 0; o < out; o++)
            dwt[j * ld + o] += (float)((double)x[j] * dy[o]);
    if (db)
        for (size_t o = 0; o < out; o++)
            db[o] += dy[o];
}

void nn_transpose(const float *src, size_t lds, float *dst, size_t ldd, size_t rows,
                  size_t cols)
{
    size_t r8 = 0, c8 = 0;
#ifdef NZ_AVX
    /* 8x8 blocks through registers (the sparse convolutions transpose every
     * sample's output: 5% of a cnn training step one float at a time), the
     * ragged edges below. */
    r8 = rows / 8 * 8, c8 = cols / 8 * 8;
    for (size_t r0 = 0; r0 < r8; r0 += 8)
        for (size_t c0 = 0; c0 < c8; c0 += 8)
            nn_tr8x8(src + r0 * lds + c0, lds, dst + c0 * ldd + r0, ldd);
    for (size_t r = 0; r < r8; r++)
        for (size_t c = c8; c < cols; c++)
            dst[c * ldd + r] = src[r * lds + c];
#endif
    /* The rest in 16x16 tiles: both sides stay in cache lines already loaded. */
    const size_t T = 16;
    (void)c8;
    for (size_t r0 = r8; r0 < rows; r0 += T)
        for (size_t c0 = 0; c0 < cols; c0 += T) {
            const size_t r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
            for (size_t r = r0; r < r1; r++)
                for (size_t c = c0; c < c1; c++)
                    dst[c * ldd + r] = src[r * lds + c];
        }
}
