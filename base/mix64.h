/* mix64.h — splitmix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014; constants from Vigna's
 * public-domain splitmix64.c), the one home of the mixer nn/ (seeding
 * xoshiro256**), ink/ (ink_rng, the rule-drawn shapes) and app/ (the
 * corrections' unique ids) share.  In base/ because it is the one tier all
 * three may include without a dependency pointing up (ink/ does not link
 * nn/).  Header-only static inline functions: ink_rng calls it per random
 * number, and inlining keeps that as fast as the copies it replaces; the
 * outputs are bit for bit the same, which trained weights and the tests'
 * golden values depend on. */
#ifndef DIGITPAD_BASE_MIX64_H
#define DIGITPAD_BASE_MIX64_H

#include <stdint.h>

/* splitmix64's increment: 2^64 divided by the golden ratio. */
#define MIX64_GOLDEN 0x9e3779b97f4a7c15ULL

/* The finaliser: a bijection of 64-bit values that spreads every input bit
 * over every output bit (a hash of z, not a stream). */
static inline uint64_t mix64_fmix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The next value of the stream whose state is *x (advanced by the golden
 * increment, then finalised). */
static inline uint64_t mix64_next(uint64_t *x)
{
    return mix64_fmix(*x += MIX64_GOLDEN);
}

#endif
