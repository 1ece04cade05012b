/* optimizer.c — the optimizer step over a range of parameters: SGD,
 * momentum and AdamW, as flat loops over the one parameter buffer (the
 * gradients of the threads' chunks summed first, in a fixed order). */
#include "model_internal.h"

#include <math.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

void nn_optimizer_update(const nn_train_config *c, float *restrict p, float *const *grad,
                         int used, float *opt1, float *opt2, size_t lo, size_t hi, float lr,
                         float bc1, float bc2)
{
    float *restrict g = grad[0];
    for (int k = 1; k < used; k++) {
        const float *restrict gk = grad[k];
        for (size_t i = lo; i < hi; i++)
            g[i] += gk[i];
    }
    const float wd = c->weight_decay;
    switch (c->optimizer) {
    case NN_OPT_SGD:
        for (size_t i = lo; i < hi; i++)
            p[i] -= lr * (g[i] + wd * p[i]);
        break;
    case NN_OPT_MOMENTUM: {
        float *restrict v = opt1;
        const float mu = c->momentum;
        for (size_t i = lo; i < hi; i++) {
            v[i] = mu * v[i] + g[i] + wd * p[i];
            p[i] -= lr * v[i];
        }
        break;
    }
    case NN_OPT_ADAM: {
        /* AdamW (Loshchilov & Hutter, 2019): decay is applied to the weight
         * directly, not through the adaptive gradient, as torch.optim.AdamW. */
        float *restrict m1 = opt1, *restrict m2 = opt2;
        const float b1 = c->beta1, b2 = c->beta2, eps = c->eps;
        size_t i = lo;
#if defined(__AVX2__)
        /* sqrtf may set errno, so GCC will not vectorise this loop itself
         * (measured: the scalar update cost more than the mlp's matrix
         * products).  Same operations in the same order as the scalar tail,
         * no FMA, and IEEE sqrt/div: bit-identical to it. */
        const __m256 vb1 = _mm256_set1_ps(b1), vb2 = _mm256_set1_ps(b2);
        const __m256 vb1c = _mm256_set1_ps(1.0f - b1), vb2c = _mm256_set1_ps(1.0f - b2);
        const __m256 vlr = _mm256_set1_ps(lr), vlrwd = _mm256_set1_ps(lr * wd);
        const __m256 vbc1 = _mm256_set1_ps(bc1), vbc2 = _mm256_set1_ps(bc2);
        const __m256 veps = _mm256_set1_ps(eps);
        for (; i + 8 <= hi; i += 8) {
            __m256 gi = _mm256_loadu_ps(g + i), pi = _mm256_loadu_ps(p + i);
            __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m1 + i)),
                                      _mm256_mul_ps(vb1c, gi));
            __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(m2 + i)),
                                      _mm256_mul_ps(_mm256_mul_ps(vb2c, gi), gi));
            _mm256_storeu_ps(m1 + i, mi);
            _mm256_storeu_ps(m2 + i, vi);
            pi = _mm256_sub_ps(pi, _mm256_mul_ps(vlrwd, pi));
            __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_div_ps(vi, vbc2)), veps);
            __m256 step = _mm256_div_ps(_mm256_div_ps(mi, vbc1), den);
            _mm256_storeu_ps(p + i, _mm256_sub_ps(pi, _mm256_mul_ps(vlr, step)));
        }
#endif
        for (; i < hi; i++) {
            m1[i] = b1 * m1[i] + (1.0f - b1) * g[i];
            m2[i] = b2 * m2[i] + (1.0f - b2) * g[i] * g[i];
            p[i] -= (lr * wd) * p[i];
            p[i] -= lr * ((m1[i] / bc1) / (sqrtf(m2[i] / bc2) + eps));
        }
        break;
    }
    }
}
