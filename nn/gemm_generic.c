/* gemm_generic.c — the generic path's micro-kernel of the packed matrix
 * product (gemm.c): a 6x8 tile of C in twelve 4-float vectors, written with
 * GCC's vector extensions rather than one ISA's intrinsics, so it compiles
 * to SSE on any x86-64 (and to NEON or plain code elsewhere).  Six rows of
 * two vectors is the largest tile that fits SSE's 16 registers with the two
 * vectors of B and a broadcast of A.
 *
 * Why the generic path packs at all: the plain loops it used before
 * (nn_gemm_plain) spent 70% of a single drawing's 1.6-2.0 ms in a build for
 * CPUs without AVX2 (-march=x86-64-v2, measured with perf), over the
 * window's 1 ms budget.  With -std=c11 GCC does not contract a*b+c into an
 * FMA, so this kernel rounds the same in every build. */
#include "gemm_internal.h"

#define MR 6
#define NR 8

typedef float v4 __attribute__((vector_size(16)));

/* Loads and stores through memcpy: any alignment, no aliasing questions;
 * GCC turns each into one unaligned vector move. */
static inline v4 load4(const float *p)
{
    v4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(float *p, v4 v)
{
    __builtin_memcpy(p, &v, sizeof v);
}

/* Named accumulators, not an array, as in gemm_avx2.c: GCC keeps an array
 * indexed after the loop in memory. */
#define ROW(r) v4 c##r##0 = {0, 0, 0, 0}, c##r##1 = {0, 0, 0, 0}
#define MAC_ROW(r)                                                                           \
    do {                                                                                     \
        const v4 av = {a[r], a[r], a[r], a[r]};                                              \
        c##r##0 += av * b0;                                                                  \
        c##r##1 += av * b1;                                                                  \
    } while (0)

static void ukr_6x8(size_t kc, const float *restrict a, const float *restrict b, float *c,
                    size_t ldc, float alpha, float beta, size_t mr, size_t nr)
{
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
    ROW(4);
    ROW(5);
    for (size_t p = 0; p < kc; p++) {
        const v4 b0 = load4(b), b1 = load4(b + 4);
        MAC_ROW(0);
        MAC_ROW(1);
        MAC_ROW(2);
        MAC_ROW(3);
        MAC_ROW(4);
        MAC_ROW(5);
        a += MR;
        b += NR;
    }
    const v4 va = {alpha, alpha, alpha, alpha};
    const v4 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                           {c30, c31}, {c40, c41}, {c50, c51}};
    if (mr == MR && nr == NR) {
        const v4 vb = {beta, beta, beta, beta};
        for (int r = 0; r < MR; r++)
            for (int v = 0; v < 2; v++) {
                float *dst = c + (size_t)r * ldc + 4 * v;
                v4 t = va * acc[r][v];
                if (beta == 1.0f)
                    t = load4(dst) + t;
                else if (beta != 0.0f)
                    t = vb * load4(dst) + t;
                store4(dst, t);
            }
        return;
    }
    float tile[MR][NR];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < 2; v++)
            store4(&tile[r][4 * v], va * acc[r][v]);
    nn_gemm_tile_merge(&tile[0][0], NR, c, ldc, beta, mr, nr);
}

const nn_gemm_ukr nn_gemm_ukr_generic = {ukr_6x8, MR, NR};
