/* kernels_conv_sparse.c — batched convolutions that pick, per sample, a
 * path visiting only the non-zeros of mostly-zero inputs and gradients, or
 * the im2col path of kernels_conv.c; tested per sample against the naive
 * reference there (contract in kernels.h). */
#include "kernels.h"
#include "kernels_conv_sparse.h"
#include "kernels_simd.h"

#include <stdint.h>
#include <string.h>

/* ------------------------------------------------- conv, batched, sparse */

/* Inside the cnn, a convolution's input is a ReLU (often pooled) output and
 * its output gradient comes back through max-pool and ReLU, so most of both
 * are exact zeros: after a 2x2 pool at most 1 in 4 positions of dy is
 * non-zero.  The batched kernels below measure each sample's density and,
 * when it is low, visit only the non-zero entries; the products they skip
 * are exact zeros.  Dense samples take the im2col + GEMM path above.  Each
 * path sums in a fixed order, so results depend only on the data. */
/* Measured (single sample, conv64k5 on 14x14x32, min of 300 runs): the
 * sparse path beats im2col + GEMM up to ~65% non-zero on the avx2 path and
 * ~55% on the avx512 one, whose GEMM gains more from the wider registers. */
#define CONV_SPARSE_MAX_DENSITY 0.5
#define CONV_SPARSE_MAX_DENSITY_512 0.55
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
#if defined(__x86_64__)
    if (nout % 16 == 0 && nn_kernels_on_avx512()) {
        nn_gather_conv_avx512(start, idx, val, W, k, Wp, flip, init, outT, h, w, nout);
        return;
    }
#endif
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
#if defined(__x86_64__)
    if (c % 16 == 0 && nn_kernels_on_avx512()) {
        nn_dw_rows_avx512(pos, pval, nz, xp, k, Wp, dwrow, c);
        return;
    }
#endif
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

/* The density up to which the sparse path beats im2col + GEMM for rows of
 * ch channels: on the avx512 path both run twice as wide. */
static double max_density(size_t ch)
{
#if defined(__x86_64__)
    if (ch % 16 == 0 && nn_kernels_on_avx512())
        return CONV_SPARSE_MAX_DENSITY_512;
#endif
    (void)ch;
    return CONV_SPARSE_MAX_DENSITY;
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
        if (!sparse_ok(o) || (double)count_nonzero(xj, c * hw) > max_density(o) * (double)(c * hw)) {
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
        if (!sparse_ok(c) || (double)count_nonzero(dyj, o * hw) > max_density(c) * (double)(o * hw)) {
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
            for (size_t oy = 0; oy < h; oy++)
                for (size_t ox = 0; ox < w; ox++) {
                    const float v = r[oy * w + ox];
                    s.pos[nz] = (int32_t)(oy * Wp + ox);
                    s.pval[nz] = v;
                    nz += v != 0.0f;
                }
            if (db) {
                /* The bias gradient over the listed values only, in the
                 * same order: adding the skipped zeros changed nothing but
                 * kept one add's latency per position on the critical
                 * path (perf: a third of this function's time). */
                float sum = 0.0f;
                for (size_t e = 0; e < nz; e++)
                    sum += s.pval[e];
                db[oc] += sum;
            }
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
