/* kernels.c — forward/backward pairs for dense, convolution, max-pool,
 * ReLU, sigmoid and the two losses (contract in kernels.h), each optimised
 * kernel with its naive reference beside it. */
#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ----------------------------------------------------------------- dense */

/* One sample at a time (the seed's per-sample SGD, live prediction), sgemv
 * and sger spend most of their time on an input that is mostly zero: MNIST
 * digits are ~80% background.  So the one-sample kernels list the 8-float
 * blocks of x holding any non-zero value and touch only those columns of W;
 * skipped blocks would add exact zeros, so results are unchanged. */
#define NZ_BLOCK 8
#define NZ_MAX_IN 4096

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

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NZ_AVX 1

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
    /* 16x16 tiles: both sides stay in cache lines already loaded. */
    const size_t T = 16;
    for (size_t r0 = 0; r0 < rows; r0 += T)
        for (size_t c0 = 0; c0 < cols; c0 += T) {
            const size_t r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
            for (size_t r = r0; r < r1; r++)
                for (size_t c = c0; c < c1; c++)
                    dst[c * ldd + r] = src[r * lds + c];
        }
}

/* ------------------------------------------------------------------ conv */

void nn_im2col(const float *x, float *cols, size_t c, size_t h, size_t w, size_t k)
{
    const size_t pad = k / 2, hw = h * w;
    for (size_t ci = 0; ci < c; ci++)
        for (size_t ky = 0; ky < k; ky++)
            for (size_t kx = 0; kx < k; kx++) {
                float *restrict row = cols + ((ci * k + ky) * k + kx) * hw;
                const float *plane = x + ci * hw;
                /* Output columns ox in [x0, x1) read inside the image. */
                size_t x0 = kx < pad ? pad - kx : 0;
                size_t x1 = w + pad <= kx ? 0 : w + pad - kx < w ? w + pad - kx : w;
                /* Rows are short (14-28 floats for MNIST), so plain loops beat
                 * memcpy/memset calls (measured: im2col was 17% of a cnn
                 * inference with them). */
                for (size_t oy = 0; oy < h; oy++) {
                    float *restrict r = row + oy * w;
                    size_t iy = oy + ky; /* + pad offset below */
                    if (iy < pad || iy - pad >= h || x0 >= x1) {
                        for (size_t ox = 0; ox < w; ox++)
                            r[ox] = 0.0f;
                        continue;
                    }
                    const float *restrict src = plane + (iy - pad) * w;
                    for (size_t ox = 0; ox < x0; ox++)
                        r[ox] = 0.0f;
                    for (size_t ox = x0; ox < x1; ox++)
                        r[ox] = src[ox + kx - pad];
                    for (size_t ox = x1; ox < w; ox++)
                        r[ox] = 0.0f;
                }
            }
}

void nn_col2im_add(const float *cols, float *dx, size_t c, size_t h, size_t w, size_t k)
{
    const size_t pad = k / 2, hw = h * w;
    for (size_t ci = 0; ci < c; ci++)
        for (size_t ky = 0; ky < k; ky++)
            for (size_t kx = 0; kx < k; kx++) {
                const float *row = cols + ((ci * k + ky) * k + kx) * hw;
                float *plane = dx + ci * hw;
                size_t x0 = kx < pad ? pad - kx : 0;
                size_t x1 = w + pad <= kx ? 0 : w + pad - kx < w ? w + pad - kx : w;
                for (size_t oy = 0; oy < h; oy++) {
                    size_t iy = oy + ky;
                    if (iy < pad || iy - pad >= h || x0 >= x1)
                        continue;
                    const float *restrict r = row + oy * w;
                    float *restrict dst = plane + (iy - pad) * w;
                    for (size_t ox = x0; ox < x1; ox++)
                        dst[ox + kx - pad] += r[ox];
                }
            }
}

void nn_conv_forward(const float *x, const float *wt, const float *b, float *y, float *cols,
                     size_t c, size_t h, size_t w, size_t o, size_t k)
{
    const size_t hw = h * w, ckk = c * k * k;
    for (size_t oc = 0; oc < o; oc++) {
        float *r = y + oc * hw;
        float v = b ? b[oc] : 0.0f;
        for (size_t i = 0; i < hw; i++)
            r[i] = v;
    }
    /* y (o,hw) += wt (o,ckk) · cols (ckk,hw) */
    nn_im2col(x, cols, c, h, w, k);
    nn_gemm(0, 0, o, hw, ckk, 1.0f, wt, ckk, cols, hw, 1.0f, y, hw);
}

void nn_conv_forward_ref(const float *x, const float *wt, const float *b, float *y, size_t c,
                         size_t h, size_t w, size_t o, size_t k)
{
    const long pad = (long)(k / 2);
    for (size_t oc = 0; oc < o; oc++)
        for (size_t oy = 0; oy < h; oy++)
            for (size_t ox = 0; ox < w; ox++) {
                double acc = b ? b[oc] : 0.0;
                for (size_t ci = 0; ci < c; ci++)
                    for (size_t ky = 0; ky < k; ky++)
                        for (size_t kx = 0; kx < k; kx++) {
                            long iy = (long)oy + (long)ky - pad, ix = (long)ox + (long)kx - pad;
                            if (iy < 0 || ix < 0 || iy >= (long)h || ix >= (long)w)
                                continue;
                            acc += (double)wt[((oc * c + ci) * k + ky) * k + kx] *
                                   x[(ci * h + (size_t)iy) * w + (size_t)ix];
                        }
                y[(oc * h + oy) * w + ox] = (float)acc;
            }
}

void nn_conv_backward(const float *x, const float *wt, const float *dy, float *dx, float *dwt,
                      float *db, float *cols, size_t c, size_t h, size_t w, size_t o, size_t k)
{
    const size_t hw = h * w, ckk = c * k * k;
    /* Recomputing im2col here is cheaper than keeping every sample's cols
     * (627 KB each for the cnn's second convolution) from the forward pass. */
    nn_im2col(x, cols, c, h, w, k);
    /* dwt (o,ckk) += dy (o,hw) · colsᵀ (hw,ckk) */
    nn_gemm(0, 1, o, ckk, hw, 1.0f, dy, hw, cols, hw, 1.0f, dwt, ckk);
    if (db)
        for (size_t oc = 0; oc < o; oc++) {
            const float *r = dy + oc * hw;
            float s = 0.0f;
            for (size_t i = 0; i < hw; i++)
                s += r[i];
            db[oc] += s;
        }
    if (dx) {
        /* dcols (ckk,hw) = wtᵀ (ckk,o) · dy (o,hw), then scatter-add. */
        nn_gemm(1, 0, ckk, hw, o, 1.0f, wt, ckk, dy, hw, 0.0f, cols, hw);
        nn_col2im_add(cols, dx, c, h, w, k);
    }
}

void nn_conv_backward_ref(const float *x, const float *wt, const float *dy, float *dx,
                          float *dwt, float *db, size_t c, size_t h, size_t w, size_t o, size_t k)
{
    const long pad = (long)(k / 2);
    for (size_t oc = 0; oc < o; oc++)
        for (size_t oy = 0; oy < h; oy++)
            for (size_t ox = 0; ox < w; ox++) {
                float g = dy[(oc * h + oy) * w + ox];
                if (db)
                    db[oc] += g;
                for (size_t ci = 0; ci < c; ci++)
                    for (size_t ky = 0; ky < k; ky++)
                        for (size_t kx = 0; kx < k; kx++) {
                            long iy = (long)oy + (long)ky - pad, ix = (long)ox + (long)kx - pad;
                            if (iy < 0 || ix < 0 || iy >= (long)h || ix >= (long)w)
                                continue;
                            size_t wi = ((oc * c + ci) * k + ky) * k + kx;
                            size_t xi = (ci * h + (size_t)iy) * w + (size_t)ix;
                            dwt[wi] += g * x[xi];
                            if (dx)
                                dx[xi] += g * wt[wi];
                        }
            }
}

/* ------------------------------------------------- conv, batched, sparse */

/* Inside the cnn, a convolution's input is a ReLU (often pooled) output and
 * its output gradient comes back through max-pool and ReLU, so most of both
 * are exact zeros: after a 2x2 pool at most 1 in 4 positions of dy is
 * non-zero.  The batched kernels below measure each sample's density and,
 * when it is low, visit only the non-zero entries; the products they skip
 * are exact zeros.  Dense samples take the im2col + GEMM path above.  Each
 * path sums in a fixed order, so results depend only on the data. */
#define CONV_SPARSE_MAX_DENSITY 0.5
#define CONV_SPARSE_MAX_NV 8 /* output rows of up to 64 floats: 8 ymm */

typedef struct conv_scratch {
    float *cols;    /* (ckk, hw): the dense path's im2col */
    float *wtr;     /* weights re-laid for the sparse path: (ckk, o) or (o·kk, c) */
    int32_t *start; /* (G + 1): per padded position, where its entries start */
    int32_t *idx;   /* (hw·max(c,o)): channel of each non-zero entry */
    float *val;     /* its value */
    float *outT;    /* (hw, max(c,o)): a result with channels innermost */
    float *xp;      /* (G, c): the input, zero-padded, channels innermost */
    float *dwb;     /* (o, kk, c): weight gradient with channels innermost */
    int32_t *pos;   /* (hw): the padded position of each non-zero of one dy row */
    float *pval;    /* its value */
} conv_scratch;

static size_t conv_scratch_layout(size_t c, size_t h, size_t w, size_t o, size_t k,
                                  float *base, conv_scratch *s)
{
    const size_t hw = h * w, kk = k * k, ckk = c * kk, m = c > o ? c : o;
    const size_t G = (h + k - 1) * (w + k - 1);
    /* Every part starts on a 64-byte boundary (base is aligned so). */
    const size_t sizes[10] = {ckk * hw, ckk * o, G + 1, hw * m, hw * m,
                              hw * m,   G * c,   o * kk * c, hw, hw};
    size_t off = 0;
    float *p[10];
    for (int i = 0; i < 10; i++) {
        p[i] = base ? base + off : NULL;
        off += (sizes[i] + 15) / 16 * 16;
    }
    if (s) {
        s->cols = p[0], s->wtr = p[1], s->start = (int32_t *)(void *)p[2];
        s->idx = (int32_t *)(void *)p[3], s->val = p[4], s->outT = p[5], s->xp = p[6];
        s->dwb = p[7], s->pos = (int32_t *)(void *)p[8], s->pval = p[9];
    }
    return off;
}

size_t nn_conv_scratch_floats(size_t c, size_t h, size_t w, size_t o, size_t k)
{
    return conv_scratch_layout(c, h, w, o, k, NULL, NULL);
}

static size_t count_nonzero(const float *x, size_t n)
{
    size_t nz = 0;
    for (size_t i = 0; i < n; i++)
        nz += x[i] != 0.0f;
    return nz;
}

/* Lists the non-zero channels of t (nch, h, w) per position of a grid padded
 * by `pad` on every side (row length Wp, G positions): position g's entries
 * are [start[g], start[g+1]). */
static void list_by_position(const float *t, size_t nch, size_t h, size_t w, size_t pad,
                             size_t Wp, size_t G, int32_t *start, int32_t *idx, float *val)
{
    const size_t hw = h * w;
    int32_t n = 0;
    for (size_t g = 0; g < G; g++) {
        start[g] = n;
        const size_t gy = g / Wp, gx = g % Wp;
        if (gy < pad || gx < pad || gy - pad >= h || gx - pad >= w)
            continue;
        const float *src = t + (gy - pad) * w + (gx - pad);
        for (size_t ch = 0; ch < nch; ch++) {
            const float v = src[ch * hw];
            idx[n] = (int32_t)ch;
            val[n] = v;
            n += v != 0.0f; /* branch-free: ~half the channels are zero */
        }
    }
    start[G] = n;
}

/* outT (h·w, 8·nv): for each output position, init (or 0) plus the sum over
 * the k×k window of padded positions and their listed entries of
 * val · W[(idx·kk + tap)·8nv ...].  flip selects the tap of the mirrored
 * kernel (the input gradient's full correlation). */
static inline __attribute__((always_inline)) void
gather_conv(const int32_t *start, const int32_t *idx, const float *val, const float *W,
            size_t k, size_t Wp, int flip, const float *init, float *outT, size_t h, size_t w,
            const int nv)
{
    const size_t kk = k * k, nout = 8 * (size_t)nv;
    for (size_t oy = 0; oy < h; oy++)
        for (size_t ox = 0; ox < w; ox++) {
#ifdef NZ_AVX
            __m256 a0[CONV_SPARSE_MAX_NV], a1[CONV_SPARSE_MAX_NV];
            for (int v = 0; v < nv; v++) {
                a0[v] = init ? _mm256_loadu_ps(init + 8 * v) : _mm256_setzero_ps();
                a1[v] = _mm256_setzero_ps();
            }
#else
            float a0[8 * CONV_SPARSE_MAX_NV];
            for (size_t j = 0; j < nout; j++)
                a0[j] = init ? init[j] : 0.0f;
#endif
            for (size_t ky = 0; ky < k; ky++)
                for (size_t kx = 0; kx < k; kx++) {
                    const size_t g = (oy + ky) * Wp + ox + kx;
                    const size_t tap = flip ? kk - 1 - (ky * k + kx) : ky * k + kx;
                    int32_t e = start[g];
                    const int32_t e1 = start[g + 1];
#ifdef NZ_AVX
                    /* Two accumulator sets: twice the independent FMA chains. */
                    for (; e + 1 < e1; e += 2) {
                        const __m256 b0 = _mm256_broadcast_ss(val + e);
                        const __m256 b1 = _mm256_broadcast_ss(val + e + 1);
                        const float *r0 = W + ((size_t)idx[e] * kk + tap) * nout;
                        const float *r1 = W + ((size_t)idx[e + 1] * kk + tap) * nout;
                        for (int v = 0; v < nv; v++) {
                            a0[v] = _mm256_fmadd_ps(b0, _mm256_loadu_ps(r0 + 8 * v), a0[v]);
                            a1[v] = _mm256_fmadd_ps(b1, _mm256_loadu_ps(r1 + 8 * v), a1[v]);
                        }
                    }
                    if (e < e1) {
                        const __m256 b0 = _mm256_broadcast_ss(val + e);
                        const float *r0 = W + ((size_t)idx[e] * kk + tap) * nout;
                        for (int v = 0; v < nv; v++)
                            a0[v] = _mm256_fmadd_ps(b0, _mm256_loadu_ps(r0 + 8 * v), a0[v]);
                    }
#else
                    for (; e < e1; e++) {
                        const float *r0 = W + ((size_t)idx[e] * kk + tap) * nout;
                        for (size_t j = 0; j < nout; j++)
                            a0[j] += val[e] * r0[j];
                    }
#endif
                }
            float *dst = outT + (oy * w + ox) * nout;
#ifdef NZ_AVX
            for (int v = 0; v < nv; v++)
                _mm256_storeu_ps(dst + 8 * v, _mm256_add_ps(a0[v], a1[v]));
#else
            memcpy(dst, a0, nout * sizeof *dst);
#endif
        }
}

static void gather_conv_nv(const int32_t *start, const int32_t *idx, const float *val,
                           const float *W, size_t k, size_t Wp, int flip, const float *init,
                           float *outT, size_t h, size_t w, size_t nout)
{
#define GC(nv) gather_conv(start, idx, val, W, k, Wp, flip, init, outT, h, w, nv)
    switch (nout / 8) {
    case 1: GC(1); break;
    case 2: GC(2); break;
    case 3: GC(3); break;
    case 4: GC(4); break;
    case 5: GC(5); break;
    case 6: GC(6); break;
    case 7: GC(7); break;
    default: GC(8); break;
    }
#undef GC
}

/* dwb (o, kk, c) += for row oc of dy (h, w), over its listed non-zeros
 * (padded top-left window positions pos, values pval): pval · xp[pos + tap]. */
static inline __attribute__((always_inline)) void
dw_rows(const int32_t *pos, const float *pval, size_t nz, const float *xp, size_t k, size_t Wp,
        float *dwrow, const int nv)
{
    const size_t c = 8 * (size_t)nv;
    for (size_t ky = 0; ky < k; ky++)
        for (size_t kx = 0; kx < k; kx++) {
            const size_t off = ky * Wp + kx;
            float *dst = dwrow + (ky * k + kx) * c;
#ifdef NZ_AVX
            __m256 a0[CONV_SPARSE_MAX_NV], a1[CONV_SPARSE_MAX_NV];
            for (int v = 0; v < nv; v++) {
                a0[v] = _mm256_loadu_ps(dst + 8 * v);
                a1[v] = _mm256_setzero_ps();
            }
            size_t e = 0;
            for (; e + 1 < nz; e += 2) {
                const __m256 b0 = _mm256_broadcast_ss(pval + e);
                const __m256 b1 = _mm256_broadcast_ss(pval + e + 1);
                const float *r0 = xp + ((size_t)pos[e] + off) * c;
                const float *r1 = xp + ((size_t)pos[e + 1] + off) * c;
                for (int v = 0; v < nv; v++) {
                    a0[v] = _mm256_fmadd_ps(b0, _mm256_loadu_ps(r0 + 8 * v), a0[v]);
                    a1[v] = _mm256_fmadd_ps(b1, _mm256_loadu_ps(r1 + 8 * v), a1[v]);
                }
            }
            if (e < nz) {
                const __m256 b0 = _mm256_broadcast_ss(pval + e);
                const float *r0 = xp + ((size_t)pos[e] + off) * c;
                for (int v = 0; v < nv; v++)
                    a0[v] = _mm256_fmadd_ps(b0, _mm256_loadu_ps(r0 + 8 * v), a0[v]);
            }
            for (int v = 0; v < nv; v++)
                _mm256_storeu_ps(dst + 8 * v, _mm256_add_ps(a0[v], a1[v]));
#else
            for (size_t e = 0; e < nz; e++) {
                const float *r0 = xp + ((size_t)pos[e] + off) * c;
                for (size_t j = 0; j < c; j++)
                    dst[j] += pval[e] * r0[j];
            }
#endif
        }
}

static void dw_rows_nv(const int32_t *pos, const float *pval, size_t nz, const float *xp,
                       size_t k, size_t Wp, float *dwrow, size_t c)
{
#define DW(nv) dw_rows(pos, pval, nz, xp, k, Wp, dwrow, nv)
    switch (c / 8) {
    case 1: DW(1); break;
    case 2: DW(2); break;
    case 3: DW(3); break;
    case 4: DW(4); break;
    case 5: DW(5); break;
    case 6: DW(6); break;
    case 7: DW(7); break;
    default: DW(8); break;
    }
#undef DW
}

static int sparse_ok(size_t ch)
{
    return ch % 8 == 0 && ch / 8 >= 1 && ch / 8 <= CONV_SPARSE_MAX_NV;
}

void nn_conv_forward_n(const float *x, const float *wt, const float *b, float *y,
                       float *scratch, size_t n, size_t c, size_t h, size_t w, size_t o,
                       size_t k)
{
    conv_scratch s;
    conv_scratch_layout(c, h, w, o, k, scratch, &s);
    const size_t hw = h * w, ckk = c * k * k, pad = k / 2, Wp = w + k - 1;
    const size_t G = (h + k - 1) * Wp;
    int have_wtr = 0;
    float bias[8 * CONV_SPARSE_MAX_NV];
    for (size_t j = 0; j < n; j++) {
        const float *xj = x + j * c * hw;
        float *yj = y + j * o * hw;
        if (!sparse_ok(o) ||
            (double)count_nonzero(xj, c * hw) > CONV_SPARSE_MAX_DENSITY * (double)(c * hw)) {
            nn_conv_forward(xj, wt, b, yj, s.cols, c, h, w, o, k);
            continue;
        }
        if (!have_wtr) {
            /* (o, ckk) -> (ckk, o): one output position's weights per tap
             * and channel in one contiguous row. */
            nn_transpose(wt, ckk, s.wtr, o, o, ckk);
            for (size_t oc = 0; oc < o; oc++)
                bias[oc] = b ? b[oc] : 0.0f;
            have_wtr = 1;
        }
        list_by_position(xj, c, h, w, pad, Wp, G, s.start, s.idx, s.val);
        gather_conv_nv(s.start, s.idx, s.val, s.wtr, k, Wp, 0, bias, s.outT, h, w, o);
        nn_transpose(s.outT, o, yj, hw, hw, o);
    }
}

void nn_conv_backward_n(const float *x, const float *wt, const float *dy, float *dx,
                        float *dwt, float *db, float *scratch, size_t n, size_t c, size_t h,
                        size_t w, size_t o, size_t k)
{
    conv_scratch s;
    conv_scratch_layout(c, h, w, o, k, scratch, &s);
    const size_t hw = h * w, kk = k * k, pad = k / 2, Wp = w + k - 1;
    const size_t G = (h + k - 1) * Wp;
    int have_wtr = 0, have_dwb = 0;
    for (size_t j = 0; j < n; j++) {
        const float *xj = x + j * c * hw, *dyj = dy + j * o * hw;
        float *dxj = dx ? dx + j * c * hw : NULL;
        if (!sparse_ok(c) ||
            (double)count_nonzero(dyj, o * hw) > CONV_SPARSE_MAX_DENSITY * (double)(o * hw)) {
            nn_conv_backward(xj, wt, dyj, dxj, dwt, db, s.cols, c, h, w, o, k);
            continue;
        }
        if (!have_dwb) {
            memset(s.dwb, 0, o * kk * c * sizeof *s.dwb);
            have_dwb = 1;
        }
        /* Weight gradient: the input zero-padded with channels innermost,
         * then per output channel its non-zero gradients times input rows. */
        memset(s.xp, 0, G * c * sizeof *s.xp);
        for (size_t ci = 0; ci < c; ci++)
            for (size_t iy = 0; iy < h; iy++)
                for (size_t ix = 0; ix < w; ix++)
                    s.xp[((iy + pad) * Wp + ix + pad) * c + ci] = xj[(ci * h + iy) * w + ix];
        for (size_t oc = 0; oc < o; oc++) {
            const float *r = dyj + oc * hw;
            size_t nz = 0;
            float sum = 0.0f;
            for (size_t oy = 0; oy < h; oy++)
                for (size_t ox = 0; ox < w; ox++) {
                    const float v = r[oy * w + ox];
                    sum += v;
                    s.pos[nz] = (int32_t)(oy * Wp + ox);
                    s.pval[nz] = v;
                    nz += v != 0.0f;
                }
            if (db)
                db[oc] += sum;
            dw_rows_nv(s.pos, s.pval, nz, s.xp, k, Wp, s.dwb + oc * kk * c, c);
        }
        if (!dxj)
            continue;
        if (!have_wtr) {
            /* (o, c, kk) -> (o, kk, c): per output channel and tap, the
             * weights of all input channels in one row. */
            for (size_t oc = 0; oc < o; oc++)
                nn_transpose(wt + oc * c * kk, kk, s.wtr + oc * kk * c, c, c, kk);
            have_wtr = 1;
        }
        /* Input gradient: the full correlation of dy with the mirrored
         * kernel, gathered per input position over dy's non-zeros. */
        list_by_position(dyj, o, h, w, pad, Wp, G, s.start, s.idx, s.val);
        gather_conv_nv(s.start, s.idx, s.val, s.wtr, k, Wp, 1, NULL, s.outT, h, w, c);
        for (size_t ci = 0; ci < c; ci++) {
            float *restrict d = dxj + ci * hw;
            const float *restrict src = s.outT + ci;
            for (size_t p = 0; p < hw; p++)
                d[p] += src[p * c];
        }
    }
    if (have_dwb)
        for (size_t oc = 0; oc < o; oc++)
            for (size_t ci = 0; ci < c; ci++)
                for (size_t t = 0; t < kk; t++)
                    dwt[(oc * c + ci) * kk + t] += s.dwb[(oc * kk + t) * c + ci];
}

/* --------------------------------------------------------------- maxpool */

void nn_maxpool_forward(const float *x, float *y, size_t planes, size_t h, size_t w)
{
    const size_t oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < planes; p++) {
        const float *in = x + p * h * w;
        float *out = y + p * oh * ow;
        for (size_t oy = 0; oy < oh; oy++) {
            const float *r0 = in + 2 * oy * w, *r1 = r0 + w;
            for (size_t ox = 0; ox < ow; ox++) {
                float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
                float m = a;
                if (b > m)
                    m = b;
                if (c > m)
                    m = c;
                if (d > m)
                    m = d;
                out[oy * ow + ox] = m;
            }
        }
    }
}

void nn_maxpool_backward(const float *x, const float *dy, float *dx, size_t planes, size_t h,
                         size_t w)
{
    const size_t oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < planes; p++) {
        const float *in = x + p * h * w;
        float *din = dx + p * h * w;
        const float *g = dy + p * oh * ow;
        for (size_t oy = 0; oy < oh; oy++) {
            const float *r0 = in + 2 * oy * w, *r1 = r0 + w;
            float *d0 = din + 2 * oy * w, *d1 = d0 + w;
            for (size_t ox = 0; ox < ow; ox++) {
                /* The same comparisons, in the same order, as the forward:
                 * strict '>' keeps the first maximum. */
                const size_t c = 2 * ox;
                float m = r0[c];
                float *best = d0 + c;
                if (r0[c + 1] > m)
                    m = r0[c + 1], best = d0 + c + 1;
                if (r1[c] > m)
                    m = r1[c], best = d1 + c;
                if (r1[c + 1] > m)
                    best = d1 + c + 1;
                *best += g[oy * ow + ox];
            }
        }
    }
}

/* ----------------------------------------------------------- activations */

void nn_relu_forward(const float *x, float *y, size_t count)
{
    for (size_t i = 0; i < count; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void nn_relu_backward(const float *y, const float *dy, float *dx, size_t count)
{
    for (size_t i = 0; i < count; i++)
        dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
}

void nn_sigmoid_forward(const float *x, float *y, size_t count)
{
    for (size_t i = 0; i < count; i++)
        y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void nn_sigmoid_backward(const float *y, const float *dy, float *dx, size_t count)
{
    for (size_t i = 0; i < count; i++)
        dx[i] += dy[i] * y[i] * (1.0f - y[i]);
}

/* ---------------------------------------------------------------- losses */

double nn_mse_forward(const float *y, const float *t, size_t n, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < n * k; i++) {
        double d = (double)y[i] - t[i];
        s += 0.5 * d * d;
    }
    return s;
}

void nn_mse_backward(const float *y, const float *t, float *dy, size_t n, size_t k, float scale)
{
    for (size_t i = 0; i < n * k; i++)
        dy[i] += scale * (y[i] - t[i]);
}

/* PyTorch's BCELoss clamps each log at −100 so a saturated output gives a
 * large but finite loss. */
static double clamped_log(double v)
{
    double l = v > 0.0 ? log(v) : -100.0;
    return l < -100.0 ? -100.0 : l;
}

double nn_bce_forward(const float *y, const float *t, size_t n, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < n * k; i++)
        s -= t[i] * clamped_log(y[i]) + (1.0 - t[i]) * clamped_log(1.0 - (double)y[i]);
    return s;
}

void nn_bce_backward(const float *y, const float *t, float *dy, size_t n, size_t k, float scale)
{
    /* The same clamp as the forward, on the denominators: y(1−y) ≥ 1e-12. */
    for (size_t i = 0; i < n * k; i++) {
        double d = (double)y[i] * (1.0 - (double)y[i]);
        if (d < 1e-12)
            d = 1e-12;
        dy[i] += (float)(scale * ((double)y[i] - t[i]) / d);
    }
}

double nn_bce_logits_forward(const float *z, const float *t, size_t n, size_t k)
{
    /* max(z,0) − z·t + log(1 + e^−|z|): never overflows, never logs zero. */
    double s = 0;
    for (size_t i = 0; i < n * k; i++) {
        double v = z[i];
        s += (v > 0 ? v : 0) - v * t[i] + log1p(exp(-fabs(v)));
    }
    return s;
}

void nn_bce_logits_backward(const float *y, const float *t, float *dz, size_t n, size_t k,
                            float scale)
{
    for (size_t i = 0; i < n * k; i++)
        dz[i] += scale * (y[i] - t[i]);
}
