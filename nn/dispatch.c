/* dispatch.c — which kernel path runs: chosen once per process from the
 * CPU's features (cpuid via __builtin_cpu_supports, which also checks that
 * the OS saves the wide registers), never from its model number, so a CPU
 * newer than this code still gets the best path it supports.  The
 * environment variable DIGITPAD_KERNELS may force a lower path. */
#include "gemm_internal.h"
#include "kernels_conv_sparse.h"
#include "nn.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#ifdef NN_HAVE_CBLAS
#include <cblas.h>
#endif

/* Best first; a path is available when the CPU has its features. */
typedef enum { PATH_AVX512, PATH_AVX2, PATH_GENERIC, PATH_BLAS, PATH_COUNT } path_id;

static const char *const path_names[PATH_COUNT] = {"avx512", "avx2", "generic", "blas"};

static int path_available(path_id p)
{
    switch (p) {
#if defined(__x86_64__)
    case PATH_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
    case PATH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    case PATH_GENERIC:
        return 1;
#ifdef NN_HAVE_CBLAS
    case PATH_BLAS:
        return 1;
#endif
    default:
        return 0;
    }
}

/* The best own path (avx512, avx2 or generic). */
static path_id best_own(void)
{
    for (int p = 0; p < PATH_GENERIC; p++)
        if (path_available((path_id)p))
            return (path_id)p;
    return PATH_GENERIC;
}

/* The one piece of process-wide state: written before any kernel runs (by
 * the first call, once) or by nn_kernels_use, whose contract forbids
 * calling it while kernels run; read with relaxed atomics. */
static atomic_int active = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int lookup(const char *name)
{
    for (int p = 0; p < PATH_COUNT; p++)
        if (strcmp(name, path_names[p]) == 0)
            return p;
    return -1;
}

/* The default: DIGITPAD_KERNELS if it names an available path, else the
 * BLAS the library was built with, else the best own path. */
static void init_default(void)
{
    const char *env = getenv("DIGITPAD_KERNELS");
    int p = env && *env ? lookup(env) : -1;
    if (p < 0 || !path_available((path_id)p))
#ifdef NN_HAVE_CBLAS
        p = PATH_BLAS;
#else
        p = best_own();
#endif
    atomic_store_explicit(&active, p, memory_order_relaxed);
}

static path_id current(void)
{
    pthread_once(&once, init_default);
    return (path_id)atomic_load_explicit(&active, memory_order_relaxed);
}

const nn_gemm_ukr *nn_kernels_ukr(void)
{
    switch (current()) {
#if defined(__x86_64__)
    case PATH_AVX512:
        return &nn_gemm_ukr_avx512;
    case PATH_AVX2:
        return &nn_gemm_ukr_avx2;
#endif
    case PATH_GENERIC:
        return &nn_gemm_ukr_generic;
    default:
        return NULL;
    }
}

int nn_kernels_on_avx512(void)
{
    return current() == PATH_AVX512;
}

int nn_kernels_use_blas(void)
{
    return current() == PATH_BLAS;
}

const char *nn_kernels_name(void)
{
    return path_names[current()];
}

const char *nn_kernels_best(void)
{
    return path_names[best_own()];
}

int nn_kernels_available(const char *name)
{
    int p = name ? lookup(name) : -1;
    return p >= 0 && path_available((path_id)p);
}

const char *nn_kernels_blas_core(void)
{
#ifdef NN_HAVE_CBLAS
    return openblas_get_corename();
#else
    return NULL;
#endif
}

int nn_kernels_fallback(void)
{
    const path_id p = current();
    if (p == PATH_GENERIC)
        return best_own() != PATH_GENERIC;
#ifdef NN_HAVE_CBLAS
    if (p == PATH_BLAS && best_own() != PATH_GENERIC) {
        /* OpenBLAS's names of its kernels for CPUs with AVX2; any other
         * (Prescott, Nehalem, Sandybridge, ...) wastes this CPU. */
        static const char *const fast[] = {"haswell",   "zen",        "skylakex",
                                           "cooperlake", "sapphirerapids", "excavator"};
        const char *core = openblas_get_corename();
        for (size_t i = 0; core && i < sizeof fast / sizeof *fast; i++) {
            size_t n = strlen(fast[i]);
            int same = strlen(core) == n;
            for (size_t k = 0; same && k < n; k++)
                same = (core[k] | 0x20) == fast[i][k];
            if (same)
                return 0;
        }
        return 1;
    }
#endif
    return 0;
}

nn_status nn_kernels_use(const char *name, nn_error *err)
{
    pthread_once(&once, init_default);
    int p = name ? lookup(name) : -1;
    if (p < 0)
        return nn_fail(err, NN_EINVAL,
                       "unknown kernel path '%s' (use avx512, avx2, generic%s)",
                       name ? name : "(null)",
#ifdef NN_HAVE_CBLAS
                       " or blas"
#else
                       ""
#endif
        );
    if (!path_available((path_id)p))
        return nn_fail(err, NN_EINVAL, "kernel path '%s' is not available on this %s "
                       "(best: %s)", name, p == PATH_BLAS ? "build" : "CPU",
                       path_names[best_own()]);
    atomic_store_explicit(&active, p, memory_order_relaxed);
    return NN_OK;
}

nn_status nn_kernels_init(nn_error *err)
{
    const char *env = getenv("DIGITPAD_KERNELS");
    if (!env || !*env) {
        current();
        return NN_OK;
    }
    nn_error e;
    if (nn_kernels_use(env, &e) != NN_OK)
        return nn_fail(err, NN_EINVAL, "DIGITPAD_KERNELS=%s: %s", env, e.msg);
    return NN_OK;
}
