/* kernels_pointwise.c — max-pool, ReLU, sigmoid and the two losses:
 * forward/backward pairs (contracts in kernels.h) simple enough to be their
 * own reference, checked by the tests' numeric gradients and golden values. */
#include "kernels.h"
#include "kernels_simd.h"

#include <math.h>

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
    /* As the reference below, but which of the four wins is computed with
     * selects, not branches: in a ReLU output that is a coin toss per
     * window, and the mispredictions cost 8% of a cnn training step
     * (measured with perf). */
    const size_t oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < planes; p++) {
        const float *in = x + p * h * w;
        float *din = dx + p * h * w;
        const float *g = dy + p * oh * ow;
        for (size_t oy = 0; oy < oh; oy++) {
            const float *r0 = in + 2 * oy * w;
            float *d0 = din + 2 * oy * w;
            for (size_t ox = 0; ox < ow; ox++) {
                const size_t c = 2 * ox;
                const float a = r0[c], b = r0[c + 1], e = r0[w + c], f = r0[w + c + 1];
                /* all-ones masks and and/or: GCC turns plain ternaries on
                 * the offset back into branches */
                float m = b > a ? b : a;
                size_t off = (size_t)(b > a);
                const size_t me = (size_t)0 - (size_t)(e > m);
                m = e > m ? e : m;
                off = (off & ~me) | (w & me);
                const size_t mf = (size_t)0 - (size_t)(f > m);
                off = (off & ~mf) | ((w + 1) & mf);
                d0[c + off] += g[oy * ow + ox];
            }
        }
    }
}

#ifdef NZ_AVX
/* Four 2×2 windows of one row pair, in 128-bit registers, from the 8
 * columns they cover.  A row of ow >= 4 windows is done in groups at 0, 4,
 * 8, ... and a last one at ow - 4 that overlaps the one before: the fused
 * kernel below sets (never adds to) its outputs, so a window done twice
 * gives the same bits, and no load or store is masked (vmaskmov stores are
 * slow on AMD's cores: an 8-wide version with masked tails took twice
 * this one's share of a quick-preset training profile, 6.3% against 3.1%)
 * or leaves the row. */
static inline void split4(const float *r, __m128 *even, __m128 *odd)
{
    const __m128 lo = _mm_loadu_ps(r), hi = _mm_loadu_ps(r + 4);
    *even = _mm_shuffle_ps(lo, hi, 0x88);
    *odd = _mm_shuffle_ps(lo, hi, 0xdd);
}

static inline void join4(float *d, __m128 even, __m128 odd)
{
    _mm_storeu_ps(d, _mm_unpacklo_ps(even, odd));
    _mm_storeu_ps(d + 4, _mm_unpackhi_ps(even, odd));
}

/* nn_relu_maxpool_backward's scalar loop on four windows, lane by lane. */
static inline void relu_pool_bwd4(const float *r0, const float *r1, const float *g, float *d0,
                                  float *d1)
{
    __m128 a, b, e, f;
    split4(r0, &a, &b);
    split4(r1, &e, &f);
    const __m128 zero = _mm_setzero_ps();
    const __m128 wb = _mm_cmpgt_ps(b, a);
    const __m128 mab = _mm_blendv_ps(a, b, wb);
    const __m128 we = _mm_cmpgt_ps(e, mab);
    const __m128 mabe = _mm_blendv_ps(mab, e, we);
    const __m128 wf = _mm_cmpgt_ps(f, mabe);
    const __m128 m = _mm_blendv_ps(mabe, f, wf);
    const __m128 v = _mm_and_ps(_mm_cmpgt_ps(m, zero), _mm_add_ps(zero, _mm_loadu_ps(g)));
    join4(d0, _mm_andnot_ps(_mm_or_ps(wb, _mm_or_ps(we, wf)), v),
          _mm_and_ps(_mm_andnot_ps(_mm_or_ps(we, wf), wb), v));
    join4(d1, _mm_and_ps(_mm_andnot_ps(wf, we), v), _mm_and_ps(wf, v));
}

#endif

void nn_relu_maxpool_backward(const float *y, const float *dy, float *dx, size_t planes,
                              size_t h, size_t w)
{
    /* Training a conv net spends as long zeroing, scattering into and
     * re-reading these two gradients as in the max-pool itself (perf: the
     * pool, the ReLU and memset together ~11% of a quick-preset step), and
     * three quarters of what they write is zero.  The window's winner and
     * offset are found exactly as nn_maxpool_backward finds them; its value
     * is 0 + g, as adding g to a zeroed buffer gives (a -0 gradient
     * becomes +0 there too), and only where the ReLU let it through. */
    const size_t oh = h / 2, ow = w / 2;
    for (size_t p = 0; p < planes; p++) {
        const float *in = y + p * h * w;
        float *din = dx + p * h * w;
        const float *g = dy + p * oh * ow;
        for (size_t oy = 0; oy < oh; oy++) {
            const float *r0 = in + 2 * oy * w;
            float *d0 = din + 2 * oy * w;
            size_t ox = 0;
#ifdef NZ_AVX
            /* perf put the scalar loop at 10% of a quick-preset step */
            if (ow >= 4) {
                /* groups at 0, 4, 8, ..., the last at ow - 4 (see above) */
                for (size_t q = 0; q < ow; q += 4) {
                    const size_t at = q + 4 > ow ? ow - 4 : q;
                    relu_pool_bwd4(r0 + 2 * at, r0 + w + 2 * at, g + oy * ow + at, d0 + 2 * at,
                                   d0 + w + 2 * at);
                }
                ox = ow;
            }
#endif
            for (; ox < ow; ox++) {
                const size_t c = 2 * ox;
                const float a = r0[c], b = r0[c + 1], e = r0[w + c], f = r0[w + c + 1];
                /* The winner as four flags (first maximum, strict '>'),
                 * each output written once: no store waits on another. */
                const int wb = b > a;
                const float mab = wb ? b : a;
                const int we = e > mab;
                const float mabe = we ? e : mab;
                const int wf = f > mabe;
                const float m = wf ? f : mabe;
                const float v = m > 0.0f ? 0.0f + g[oy * ow + ox] : 0.0f;
                d0[c] = !wb && !we && !wf ? v : 0.0f;
                d0[c + 1] = wb && !we && !wf ? v : 0.0f;
                d0[w + c] = we && !wf ? v : 0.0f;
                d0[w + c + 1] = wf ? v : 0.0f;
            }
        }
    }
}

void nn_maxpool_backward_ref(const float *x, const float *dy, float *dx, size_t planes,
                             size_t h, size_t w)
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
