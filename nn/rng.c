/* rng.c — xoshiro256** seeded through splitmix64 (Blackman & Vigna,
 * https://prng.di.unimi.it/).  The state is a caller-owned value, so threads
 * never share hidden RNG state. */
#include "nn.h"

#include <math.h>

#include "mix64.h" /* splitmix64, shared with ink/ and app/ (base/) */

void nn_rng_seed(nn_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = mix64_next(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t nn_rng_u64(nn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

float nn_rng_uniform(nn_rng *r)
{
    /* The top 24 bits fill a float's mantissa exactly, so 1.0 never occurs. */
    return (float)(nn_rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

float nn_rng_normal(nn_rng *r)
{
    /* 1 - u lies in (0, 1], so the log is finite. */
    double u1 = 1.0 - (double)(nn_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
    double u2 = (double)(nn_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

size_t nn_rng_below(nn_rng *r, size_t n)
{
    if (n <= 1)
        return 0;
    /* Rejection keeps the result unbiased for any n (Lemire's threshold). */
    uint64_t un = (uint64_t)n;
    uint64_t limit = (uint64_t)0 - ((uint64_t)0 - un) % un;
    uint64_t x;
    do
        x = nn_rng_u64(r);
    while (limit != 0 && x >= limit);
    return (size_t)(x % un);
}
