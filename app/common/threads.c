/* threads.c — the start-up thread probe (threads.h). */
#define _POSIX_C_SOURCE 200809L
#include "threads.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "common.h"

#ifdef _OPENMP
#include <omp.h>

/* OMP_STACKSIZE's value in bytes ("number[B|K|M|G]", K by default, as
 * libgomp reads it); 0 if unset or malformed (libgomp then keeps the
 * default stack size, and so does the probe). */
static size_t omp_stacksize(void)
{
    const char *s = getenv("OMP_STACKSIZE");
    if (!s || !*s)
        s = getenv("GOMP_STACKSIZE");
    if (!s || !*s)
        return 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return 0;
    while (isspace((unsigned char)*end))
        end++;
    unsigned shift = 10;
    switch (toupper((unsigned char)*end)) {
    case 'B': shift = 0; end++; break;
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
    while (isspace((unsigned char)*end))
        end++;
    if (*end || v > (~0ULL >> shift))
        return 0;
    return (size_t)(v << shift);
}

typedef struct probe {
    pthread_mutex_t mu;
    pthread_cond_t go;
    int released;
} probe;

/* A probe thread only waits: all must exist at once, as a team's do. */
static void *probe_main(void *arg)
{
    probe *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->released)
        pthread_cond_wait(&p->go, &p->mu);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* How many of want threads (the caller counts as one) can exist at once. */
static int probe_threads(int want)
{
    if (want <= 1)
        return 1;
    pthread_t *t = malloc((size_t)(want - 1) * sizeof *t);
    pthread_attr_t attr;
    if (!t || pthread_attr_init(&attr) != 0) {
        free(t);
        return 1;
    }
    size_t stack = omp_stacksize();
    if (stack)
        (void)pthread_attr_setstacksize(&attr, stack);
    probe p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    int made = 0;
    while (made < want - 1 && pthread_create(&t[made], &attr, probe_main, &p) == 0)
        made++;
    pthread_mutex_lock(&p.mu);
    p.released = 1;
    pthread_cond_broadcast(&p.go);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < made; i++)
        pthread_join(t[i], NULL);
    pthread_attr_destroy(&attr);
    free(t);
    return made + 1;
}
#endif

int dp_threads_clamp(int *threads, int start_team, char *note, size_t notelen)
{
    if (notelen)
        note[0] = '\0';
#ifdef _OPENMP
    const int procs = omp_get_num_procs(), icv = omp_get_max_threads();
    const int asked = *threads >= 0 ? *threads : procs;
    const int want = asked > icv ? asked : icv;
    int could = probe_threads(want);
    /* Under an address-space limit (ulimit -v) the probe's count is what
     * fits with nothing loaded yet; the data, the model and the workspaces
     * come after.  Stacks filling the limit left libgomp unable to make
     * its threads again later (its fatal exit 1, seen at 400 MB with 23
     * threads and an arena each), so no more count as able to start than
     * fit in half of it; half of those are then used. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
#ifdef __GLIBC__
        /* glibc gives threads that malloc at once their own arenas, each
         * reserving 64 MB of address space: under the limit those
         * reservations, not the work, ran out first.  Our threads malloc
         * rarely (their pack buffers, once), so one arena costs nothing. */
        mallopt(M_ARENA_MAX, 1);
#endif
        size_t stack = omp_stacksize();
        pthread_attr_t attr;
        if (!stack && pthread_attr_init(&attr) == 0) {
            (void)pthread_attr_getstacksize(&attr, &stack);
            pthread_attr_destroy(&attr);
        }
        if (stack) {
            unsigned long long fit = (unsigned long long)rl.rlim_cur / 2 / stack;
            if (fit < 1)
                fit = 1;
            if ((unsigned long long)could > fit)
                could = (int)fit;
        }
    }
    /* At the limit, the threads' stacks would take all the memory the
     * work needs, and libgomp makes a team's threads again after a smaller
     * team ran (it ends the spare ones): half of what could start leaves
     * room for both. */
    const int n = could < want ? (could / 2 > 1 ? could / 2 : 1) : want;
    if (n < want) {
        const char *env = getenv("OMP_NUM_THREADS");
        if (*threads > n)
            dp_set_err(note, notelen, "--threads %d: only %d thread%s could be started (a memory "
                       "or process limit?); using %d", *threads, could, could == 1 ? "" : "s", n);
        else if (icv > n)
            dp_set_err(note, notelen, "OMP_NUM_THREADS=%s: only %d thread%s could be started (a "
                       "memory or process limit?); using %d", env ? env : "?", could,
                       could == 1 ? "" : "s", n);
        else
            dp_set_err(note, notelen, "only %d of %d threads could be started (a memory or "
                       "process limit?); using %d", could, want, n);
        if (icv > n)
            omp_set_num_threads(n);
        if (*threads > n || (*threads < 0 && procs > n))
            *threads = n;
    }
    /* The team now, before anything is loaded: libgomp keeps its threads
     * for later regions, so none needs to be made once memory is in use. */
    if (start_team) {
        int started = 0;
#pragma omp parallel num_threads(n) reduction(+ : started)
        started += 1;
        (void)started;
    }
    return n;
#else
    (void)threads;
    (void)start_team;
    return 1;
#endif
}
