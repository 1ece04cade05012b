/* gemm.c — the matrix product under dense layers and im2col convolutions:
 * a packed, cache-blocked driver around the micro-kernel of the path the CPU
 * takes (gemm_generic.c, gemm_avx2.c, gemm_avx512.c; chosen in dispatch.c),
 * a plain loop for tiny products, CBLAS when built with it and chosen, and
 * the naive reference the tests compare every path against. */
#include "gemm_internal.h"
#include "kernels.h"
#include "kernels_simd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef NN_HAVE_CBLAS
#include <cblas.h>
#endif

void nn_gemm_ref(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                 size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t p = 0; p < K; p++) {
                double a = ta ? A[p * lda + i] : A[i * lda + p];
                double b = tb ? B[j * ldb + p] : B[p * ldb + j];
                s += a * b;
            }
            double c = beta == 0.0f ? 0.0 : (double)beta * C[i * ldc + j];
            C[i * ldc + j] = (float)((double)alpha * s + c);
        }
}

/* Blocks of K keep a panel of B in L1/L2 while every row of C streams over
 * it; the innermost loops run over contiguous j so they vectorise. */
#define KB 256

void nn_gemm_plain(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                   size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    for (size_t i = 0; i < M; i++) {
        float *restrict c = C + i * ldc;
        if (beta == 0.0f)
            memset(c, 0, N * sizeof *c);
        else if (beta != 1.0f)
            for (size_t j = 0; j < N; j++)
                c[j] *= beta;
    }
    if (tb) {
        /* B is [N,K]: each C entry is a dot product of two contiguous rows
         * (when A is not transposed). */
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) {
                const float *restrict b = B + j * ldb;
                float s = 0.0f;
                if (!ta) {
                    const float *restrict a = A + i * lda;
                    for (size_t p = 0; p < K; p++)
                        s += a[p] * b[p];
                } else {
                    for (size_t p = 0; p < K; p++)
                        s += A[p * lda + i] * b[p];
                }
                C[i * ldc + j] += alpha * s;
            }
        return;
    }
    for (size_t p0 = 0; p0 < K; p0 += KB) {
        size_t p1 = p0 + KB < K ? p0 + KB : K;
        for (size_t i = 0; i < M; i++) {
            float *restrict c = C + i * ldc;
            for (size_t p = p0; p < p1; p++) {
                float a = alpha * (ta ? A[p * lda + i] : A[i * lda + p]);
                if (a == 0.0f)
                    continue;
                const float *restrict b = B + p * ldb;
                for (size_t j = 0; j < N; j++)
                    c[j] += a * b[j];
            }
        }
    }
}

/* ---------------------------------------------------------------- packed */

/* GotoBLAS's blocking (as in BLIS, OpenBLAS and ggml's sgemm): a KC x NC
 * panel of B is packed once and stays in L2/L3; an MC x KC block of A is
 * packed and stays in L2; the micro-kernel then streams one KC x NR sliver
 * of B (L1) against every MR-row sliver of A.  Packing makes every operand
 * contiguous and zero-pads the edges, so the micro-kernel never branches,
 * and it absorbs the transposes.  Sizes for ~1 MB of L2 per core. */
#define GEMM_KC 256
#define GEMM_MC 96 /* a multiple of every MR (6, 8) */
#define GEMM_NC 512 /* a multiple of every NR (16, 32) */


/* dst[p*ld + c] = src[c*lds + p] for c < width, p < kc (8x8 blocks in
 * registers: one float at a time this cost as much as the micro-kernel's
 * work on the fc layers' shapes, measured with perf): `width` rows of
 * a row-major matrix into a column panel of row length ld. */
static void pack_transposed(const float *src, size_t lds, size_t width, size_t kc, float *dst,
                            size_t ld)
{
    size_t p = 0;
#ifdef NZ_AVX
    if (width % 8 == 0)
        for (; p + 8 <= kc; p += 8)
            for (size_t c = 0; c < width; c += 8)
                nn_tr8x8(src + c * lds + p, lds, dst + p * ld + c, ld);
#endif
    for (size_t c = 0; c < width; c++)
        for (size_t q = p; q < kc; q++)
            dst[q * ld + c] = src[c * lds + q];
}

/* Ap: ceil(mc/mr) panels of kc x mr, rows past mc zero. */
static void pack_a(int ta, const float *A, size_t lda, size_t i0, size_t mc, size_t p0,
                   size_t kc, size_t mr, float *restrict Ap)
{
    for (size_t q = 0; q < mc; q += mr, Ap += kc * mr) {
        const size_t rows = mc - q < mr ? mc - q : mr;
        if (ta) { /* op(A) row i is column i of A: each step p reads mr contiguous floats */
            for (size_t p = 0; p < kc; p++) {
                const float *src = A + (p0 + p) * lda + i0 + q;
                float *dst = Ap + p * mr;
                size_t r = 0;
                for (; r < rows; r++)
                    dst[r] = src[r];
                for (; r < mr; r++)
                    dst[r] = 0.0f;
            }
        } else {
            pack_transposed(A + (i0 + q) * lda + p0, lda, rows, kc, Ap, mr);
            for (size_t r = rows; r < mr; r++)
                for (size_t p = 0; p < kc; p++)
                    Ap[p * mr + r] = 0.0f;
        }
    }
}

/* Bp: ceil(nc/nr) panels of kc x nr, columns past nc zero. */
static void pack_b(int tb, const float *B, size_t ldb, size_t p0, size_t kc, size_t j0,
                   size_t nc, size_t nr, float *restrict Bp)
{
    for (size_t q = 0; q < nc; q += nr, Bp += kc * nr) {
        const size_t cols = nc - q < nr ? nc - q : nr;
        if (!tb) {
            for (size_t p = 0; p < kc; p++) {
                const float *src = B + (p0 + p) * ldb + j0 + q;
                float *dst = Bp + p * nr;
                size_t c = 0;
                for (; c < cols; c++)
                    dst[c] = src[c];
                for (; c < nr; c++)
                    dst[c] = 0.0f;
            }
        } else { /* op(B) column j is row j of B */
            pack_transposed(B + (j0 + q) * ldb + p0, ldb, cols, kc, Bp, nr);
            for (size_t c = cols; c < nr; c++)
                for (size_t p = 0; p < kc; p++)
                    Bp[p * nr + c] = 0.0f;
        }
    }
}

void nn_gemm_tile_merge(const float *tile, size_t ldt, float *c, size_t ldc, float beta,
                        size_t mr, size_t nr)
{
    for (size_t r = 0; r < mr; r++)
        for (size_t j = 0; j < nr; j++) {
            const float t = tile[r * ldt + j];
            c[r * ldc + j] = beta == 0.0f ? t : t + beta * c[r * ldc + j];
        }
}

/* Each thread's packing buffer (~0.6 MB at most), kept between calls and
 * freed when the thread ends.  Allocating it per call cost system time on
 * every product (glibc hands blocks this large to mmap; under `ulimit -v`,
 * with no room for per-thread arenas, --eval took twice as long, measured),
 * and the products' callers have no workspace to lend.  Per thread, so no
 * two threads ever share it. */
static pthread_key_t pack_key;
static pthread_once_t pack_once = PTHREAD_ONCE_INIT;
static int pack_key_ok;

typedef struct pack_buf {
    float *p;
    size_t cap;
} pack_buf;

static void pack_buf_free(void *v)
{
    pack_buf *b = v;
    free(b->p);
    free(b);
}

static void pack_key_make(void)
{
    pack_key_ok = pthread_key_create(&pack_key, pack_buf_free) == 0;
}

static float *pack_buffer(size_t floats)
{
    pthread_once(&pack_once, pack_key_make);
    if (!pack_key_ok)
        return NULL;
    pack_buf *b = pthread_getspecific(pack_key);
    if (!b) {
        if (!(b = calloc(1, sizeof *b)))
            return NULL;
        if (pthread_setspecific(pack_key, b) != 0) {
            free(b);
            return NULL;
        }
    }
    if (b->cap < floats) {
        float *p = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
        if (!p)
            return NULL;
        free(b->p);
        b->p = p;
        b->cap = (floats * sizeof(float) + 63) / 64 * 64 / sizeof(float);
    }
    return b->p;
}

int nn_gemm_packed(const nn_gemm_ukr *u, int ta, int tb, size_t M, size_t N, size_t K,
                   float alpha, const float *A, size_t lda, const float *B, size_t ldb,
                   float beta, float *C, size_t ldc)
{
    const size_t mr = u->mr, nr = u->nr;
    const size_t kcap = K < GEMM_KC ? K : GEMM_KC;
    const size_t mcap = (M < GEMM_MC ? M : GEMM_MC) + mr - 1;
    const size_t ncap = (N < GEMM_NC ? N : GEMM_NC) + nr - 1;
    /* Bp starts on a cache line too: the micro-kernels load B aligned. */
    const size_t a_floats = (mcap / mr * mr * kcap + 15) / 16 * 16;
    const size_t b_floats = ncap / nr * nr * kcap;
    float *buf = pack_buffer(a_floats + b_floats);
    if (!buf)
        return 0;
    float *Ap = buf, *Bp = buf + a_floats;
    for (size_t jc = 0; jc < N; jc += GEMM_NC) {
        const size_t nc = N - jc < GEMM_NC ? N - jc : GEMM_NC;
        for (size_t pc = 0; pc < K; pc += GEMM_KC) {
            const size_t kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
            const float beta_k = pc == 0 ? beta : 1.0f; /* later K blocks add */
            pack_b(tb, B, ldb, pc, kc, jc, nc, nr, Bp);
            for (size_t ic = 0; ic < M; ic += GEMM_MC) {
                const size_t mc = M - ic < GEMM_MC ? M - ic : GEMM_MC;
                pack_a(ta, A, lda, ic, mc, pc, kc, mr, Ap);
                for (size_t jr = 0; jr < nc; jr += nr)
                    for (size_t ir = 0; ir < mc; ir += mr)
                        u->fn(kc, Ap + ir * kc, Bp + jr * kc, C + (ic + ir) * ldc + jc + jr,
                              ldc, alpha, beta_k, mc - ir < mr ? mc - ir : mr,
                              nc - jr < nr ? nc - jr : nr);
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------- dispatch */

/* Below this many multiply-adds packing costs more than it saves. */
#define GEMM_PACK_MIN 4096.0

void nn_gemm(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
             size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    if (M == 0 || N == 0)
        return;
#ifdef NN_HAVE_CBLAS
    if (nn_kernels_use_blas()) {
        nn_gemm_cblas(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
#endif
    const nn_gemm_ukr *u = nn_kernels_ukr();
    if (u && M > 1 && K > 0 && (double)M * (double)N * (double)K >= GEMM_PACK_MIN &&
        nn_gemm_packed(u, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc))
        return;
    nn_gemm_plain(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

#ifdef NN_HAVE_CBLAS
void nn_gemm_cblas(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
                   size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    /* One-row and rank-1 products are BLAS-2 shapes: gemv and ger avoid
     * sgemm's packing overhead, which dominates per-sample training. */
    if (M == 1 && K > 0) {
        if (tb)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)K, alpha, B, (int)ldb, A,
                        ta ? (int)lda : 1, beta, C, 1);
        else
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)K, (int)N, alpha, B, (int)ldb, A,
                        ta ? (int)lda : 1, beta, C, 1);
        return;
    }
    if (K == 1 && beta == 1.0f) {
        cblas_sger(CblasRowMajor, (int)M, (int)N, alpha, A, ta ? 1 : (int)lda, B,
                   tb ? (int)ldb : 1, C, (int)ldc);
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)M, (int)N, (int)K, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}
#endif
