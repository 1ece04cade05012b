/* kernels_conv.c — the convolution's forward/backward pair for one sample
 * by im2col and nn_gemm, im2col's adjoint, and the naive references the
 * tests compare them and the batched sparse kernels (kernels_conv_sparse.c)
 * against. */
#include "kernels.h"

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
