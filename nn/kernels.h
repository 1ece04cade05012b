/* kernels.h — internal compute kernels of the network library: matrix
 * products and forward/backward pairs for every layer and loss.
 *
 * Conventions (after llm.c): row-major float32, NCHW, shapes in comments;
 * backward functions ADD (+=) into their gradient outputs, so the caller
 * zeroes them first and gradients of several samples or threads accumulate;
 * each optimised kernel has a naive *_ref twin that the tests compare with.
 */
#ifndef DIGITPAD_NN_KERNELS_H
#define DIGITPAD_NN_KERNELS_H

#include <stddef.h>

/* ------------------------------------------------------------------ gemm */

/* C[M,N] = alpha·op(A)·op(B) + beta·C, row-major; op(A) is [M,K] (A is
 * [K,M] when ta), op(B) is [K,N] (B is [N,K] when tb).  Runs on the active
 * kernel path (nn.h, dispatch.c): the packed micro-kernels of gemm_avx2.c or
 * gemm_avx512.c, CBLAS on the blas path, nn_gemm_plain on the generic path
 * and for products too small to be worth packing. */
void nn_gemm(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
             size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);
/* The textbook triple loop (accumulates in double), for tests. */
void nn_gemm_ref(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                 size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);
/* The plain-C loop of the generic path (exposed so tests cover it on every
 * path). */
void nn_gemm_plain(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                   size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);

/* ----------------------------------------------------------------- dense */

/* x (n,in), w (out,in), b (out) or NULL -> y (n,out) = x·wᵀ + b */
void nn_dense_forward(const float *x, const float *w, const float *b, float *y, size_t n,
                      size_t in, size_t out);
void nn_dense_forward_ref(const float *x, const float *w, const float *b, float *y, size_t n,
                          size_t in, size_t out);
/* dy (n,out) -> dw (out,in) += dyᵀ·x; db (out) += Σ dy (if b); dx (n,in) += dy·w
 * (if dx).  dx is computed before dw is touched, so dw may alias w (the
 * fused per-sample SGD step of the seed recipe relies on this). */
void nn_dense_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                       float *db, size_t n, size_t in, size_t out);
void nn_dense_backward_ref(const float *x, const float *w, const float *dy, float *dx,
                           float *dw, float *db, size_t n, size_t in, size_t out);

/* The trainer's per-sample SGD fast path (train.c) keeps a first dense
 * layer's weights transposed, wt (in,out), so the weights one input pixel
 * feeds are one contiguous row, and visits only the non-zero pixels of x
 * (~19% of an MNIST digit).  Same sums as nn_dense_forward/backward, in
 * another order, so results agree to float rounding. */

/* Writes the indices j of x (in) with x[j] != 0 to idx, ascending; returns
 * how many.  idx holds `in` entries. */
size_t nn_nonzero_index(const float *x, size_t in, size_t *idx);
/* y (out) = b + Σ_q x[idx[q]]·wt[idx[q],:]; wt (in,ld) with ld >= out (a
 * multiple of 8 takes the AVX path), b (out) or NULL. */
void nn_dense_forward_tsparse(const float *x, const size_t *idx, size_t nnz, const float *wt,
                              size_t ld, const float *b, float *y, size_t out);
/* dwt (in,ld) += x ⊗ dy over the listed rows (the rows of x's zeros would
 * get exact zeros; columns [out, ld) are left as they are); db (out) += dy
 * (if db). */
void nn_dense_backward_tsparse(const float *x, const size_t *idx, size_t nnz, const float *dy,
                               float *dwt, size_t ld, float *db, size_t out);
/* The same with every j and no index list, for tests. */
void nn_dense_forward_t_ref(const float *x, const float *wt, size_t ld, const float *b, float *y,
                            size_t in, size_t out);
void nn_dense_backward_t_ref(const float *x, const float *dy, float *dwt, size_t ld, float *db,
                             size_t in, size_t out);
/* dst (cols,·) with row stride ldd = src (rows,·) with row stride lds, transposed. */
void nn_transpose(const float *src, size_t lds, float *dst, size_t ldd, size_t rows,
                  size_t cols);

/* ------------------------------------------------------------------ conv */

/* One sample: x (c,h,w), wt (o,c,k,k), b (o) or NULL -> y (o,h,w); stride 1,
 * zero padding k/2.  cols: scratch of c·k·k·h·w floats. */
void nn_conv_forward(const float *x, const float *wt, const float *b, float *y, float *cols,
                     size_t c, size_t h, size_t w, size_t o, size_t k);
void nn_conv_forward_ref(const float *x, const float *wt, const float *b, float *y, size_t c,
                         size_t h, size_t w, size_t o, size_t k);
/* One sample: dy (o,h,w) -> dwt (o,c,k,k) += ..., db (o) += ... (if db),
 * dx (c,h,w) += ... (if dx).  cols: scratch as above. */
void nn_conv_backward(const float *x, const float *wt, const float *dy, float *dx, float *dwt,
                      float *db, float *cols, size_t c, size_t h, size_t w, size_t o, size_t k);
void nn_conv_backward_ref(const float *x, const float *wt, const float *dy, float *dx,
                          float *dwt, float *db, size_t c, size_t h, size_t w, size_t o, size_t k);
/* x (c,h,w) -> cols (c·k·k, h·w), and its adjoint (cols added into dx). */
void nn_im2col(const float *x, float *cols, size_t c, size_t h, size_t w, size_t k);
void nn_col2im_add(const float *cols, float *dx, size_t c, size_t h, size_t w, size_t k);

/* The same over n samples (x (n,c,h,w) -> y (n,o,h,w); backward adds as
 * above), each sample by whichever of two paths suits it: samples whose x
 * (forward) or dy (backward) is mostly exact zeros, as ReLU and max-pool
 * leave them, visit only the non-zeros; the others take im2col + GEMM.
 * scratch: nn_conv_scratch_floats(...) floats, 64-byte aligned. */
size_t nn_conv_scratch_floats(size_t c, size_t h, size_t w, size_t o, size_t k);
void nn_conv_forward_n(const float *x, const float *wt, const float *b, float *y,
                       float *scratch, size_t n, size_t c, size_t h, size_t w, size_t o,
                       size_t k);
void nn_conv_backward_n(const float *x, const float *wt, const float *dy, float *dx,
                        float *dwt, float *db, float *scratch, size_t n, size_t c, size_t h,
                        size_t w, size_t o, size_t k);

/* --------------------------------------------------------------- maxpool */

/* x (n·c,h,w) -> y (n·c,h/2,w/2): 2×2 windows, stride 2, odd edges dropped. */
void nn_maxpool_forward(const float *x, float *y, size_t planes, size_t h, size_t w);
/* dy -> dx += dy at each window's first maximum of x (PyTorch's tie rule). */
void nn_maxpool_backward(const float *x, const float *dy, float *dx, size_t planes, size_t h,
                         size_t w);
/* The backward pass of a ReLU followed by a max-pool, in one pass with no
 * zeroed buffer first: y is the ReLU's output (the pool's input), dy the
 * pool's output gradient, and dx (n·c,h,w) is SET (not added to) to the
 * ReLU's input gradient.  Bit for bit what zeroing dx, nn_maxpool_backward
 * into a zeroed buffer and nn_relu_backward give; h and w must be even. */
void nn_relu_maxpool_backward(const float *y, const float *dy, float *dx, size_t planes,
                              size_t h, size_t w);
/* The same with branches, the comparisons written out, for tests. */
void nn_maxpool_backward_ref(const float *x, const float *dy, float *dx, size_t planes,
                             size_t h, size_t w);

/* ----------------------------------------------------------- activations */

/* count elements; backward works from the forward's output y. */
void nn_relu_forward(const float *x, float *y, size_t count);
void nn_relu_backward(const float *y, const float *dy, float *dx, size_t count);
void nn_sigmoid_forward(const float *x, float *y, size_t count);
void nn_sigmoid_backward(const float *y, const float *dy, float *dx, size_t count);

/* ---------------------------------------------------------------- losses */

/* y, t (n,k).  The forward returns the SUM over the n samples (the caller
 * divides by the batch size); backward adds scale·∂loss/∂y into dy. */
double nn_mse_forward(const float *y, const float *t, size_t n, size_t k);     /* ½Σ(y−t)² */
void nn_mse_backward(const float *y, const float *t, float *dy, size_t n, size_t k, float scale);
/* −Σ[t log y + (1−t) log(1−y)], logs clamped at −100 as PyTorch's BCELoss. */
double nn_bce_forward(const float *y, const float *t, size_t n, size_t k);
void nn_bce_backward(const float *y, const float *t, float *dy, size_t n, size_t k, float scale);
/* BCE of y = sigmoid(z) computed from the logits z (stable for any z), and
 * its gradient with respect to z, which is simply y − t. */
double nn_bce_logits_forward(const float *z, const float *t, size_t n, size_t k);
void nn_bce_logits_backward(const float *y, const float *t, float *dz, size_t n, size_t k,
                            float scale);

#endif
