/* cpucheck.c — refuses to start, in one line, on a CPU without the
 * instructions the build was compiled for, instead of dying of SIGILL
 * somewhere later.  This file alone is compiled without -mavx2 -mfma
 * (CMakeLists.txt), and its check runs as a constructor, before main and
 * before any code that may use AVX2. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(DIGITPAD_FLOOR_AVX2) && defined(__x86_64__)
#if defined(__AVX__) || defined(__AVX2__) || defined(__FMA__)
#error "cpucheck.c must be compiled without AVX: it runs on CPUs that lack it"
#endif

__attribute__((constructor(101))) static void dp_cpu_check(void)
{
    __builtin_cpu_init();
    /* __builtin_cpu_supports also checks that the OS saves the AVX state. */
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return;
    static const char msg[] =
        "digitpad: this CPU lacks AVX2 and FMA, which this build needs (any x86-64 CPU "
        "since 2013-2015 has them); rebuild on this machine with -DDIGITPAD_NATIVE=ON\n";
    /* write, not stdio: nothing else has run yet and nothing should. */
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
        /* nothing more to say */
    }
    _exit(2);
}
#endif
