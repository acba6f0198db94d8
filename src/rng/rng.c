/* rng.c — counter-based random numbers (see include/techrace/rng.h).
 *
 * Philox4x32-10 from Random123 (header-only). A stream's 128-bit counter is
 * {run, step, entity, (purpose << 16) | block} and its 64-bit key is the seed
 * split into two 32-bit words; the limits and the block-overflow rule are in
 * rng.h. All distributions are built on tr_rng_uniform, tr_rng_u32 and the
 * cached standard normal, so every draw is a pure function of the key and of
 * the number of words the stream has handed out before it. */
#include "techrace/rng.h"

#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

/* Added to key[1] each time a stream's 16-bit block counter wraps. Odd, so
 * n * TR_RNG_WRAP_STEP (mod 2^32) differs for every n < 2^32. */
#define TR_RNG_WRAP_STEP 0x9E3779B9u
/* Added to key[0] once per unit of purpose >> 16 (purposes >= 65536). */
#define TR_RNG_PURPOSE_STEP 0x85EBCA6Bu

void tr_rng_init(tr_rng *r, uint64_t seed, uint32_t run, uint32_t step,
                 uint32_t entity, uint32_t purpose)
{
    uint32_t hi_purpose = purpose >> 16;
    r->key[0] = (uint32_t)(seed & 0xFFFFFFFFu) + hi_purpose * TR_RNG_PURPOSE_STEP;
    r->key[1] = (uint32_t)(seed >> 32);
    r->ctr[0] = run;
    r->ctr[1] = step;
    r->ctr[2] = entity;
    r->ctr[3] = (purpose & 0xFFFFu) << 16;
    r->out[0] = r->out[1] = r->out[2] = r->out[3] = 0;
    r->used = 4;
    r->spare = 0.0;
    r->has_spare = 0;
}

static void refill(tr_rng *r)
{
    philox4x32_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
    philox4x32_key_t k = {{r->key[0], r->key[1]}};
    philox4x32_ctr_t o = philox4x32(c, k);
    r->out[0] = o.v[0];
    r->out[1] = o.v[1];
    r->out[2] = o.v[2];
    r->out[3] = o.v[3];
    r->used = 0;
    /* Advance the 16-bit block counter; on wrap, move to a fresh key. */
    uint32_t block = r->ctr[3] & 0xFFFFu;
    if (block == 0xFFFFu) {
        r->ctr[3] &= 0xFFFF0000u;
        r->key[1] += TR_RNG_WRAP_STEP;
    } else {
        r->ctr[3] += 1u;
    }
}

uint32_t tr_rng_u32(tr_rng *r)
{
    if (r->used >= 4)
        refill(r);
    return r->out[r->used++];
}

uint64_t tr_rng_u64(tr_rng *r)
{
    uint64_t hi = tr_rng_u32(r);
    uint64_t lo = tr_rng_u32(r);
    return (hi << 32) | lo;
}

double tr_rng_uniform(tr_rng *r)
{
    for (;;) {
        uint64_t k = tr_rng_u64(r) >> 11; /* 53 bits */
        if (k != 0)
            return (double)k * 0x1.0p-53; /* in [2^-53, 1 - 2^-53], exact */
    }
}

/* A standard normal deviate (Box-Muller; the second value of each pair is
 * kept in the stream and returned by the next call). */
static double std_normal(tr_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = tr_rng_uniform(r);
    double u2 = tr_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double theta = 6.283185307179586476925 * u2;
    r->spare = rad * sin(theta);
    r->has_spare = 1;
    return rad * cos(theta);
}

double tr_rng_normal(tr_rng *r, double mean, double sd)
{
    if (isnan(mean) || isnan(sd) || sd < 0.0)
        return NAN;
    if (sd == 0.0)
        return mean;
    return mean + sd * std_normal(r);
}

double tr_rng_lognormal(tr_rng *r, double mu, double sigma)
{
    double z = tr_rng_normal(r, mu, sigma);
    return isnan(z) ? NAN : exp(z);
}

/* Marsaglia & Tsang (2000) for shape >= 1: a standard gamma deviate. */
static double gamma_mt(tr_rng *r, double shape)
{
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = std_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = tr_rng_uniform(r);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

/* log of a standard gamma deviate, for any shape > 0. For shape < 1 uses the
 * boost G(a) = G(a + 1) * U^(1/a), kept in logs so that tiny shapes do not
 * underflow before the caller combines values (beta). */
static double log_std_gamma(tr_rng *r, double shape)
{
    if (shape >= 1.0)
        return log(gamma_mt(r, shape));
    double g = gamma_mt(r, shape + 1.0);
    double u = tr_rng_uniform(r);
    return log(g) + log(u) / shape;
}

static int bad_pos(double x)
{
    return !(x > 0.0) || isinf(x);
}

double tr_rng_gamma(tr_rng *r, double shape, double scale)
{
    if (bad_pos(shape) || isnan(scale) || scale < 0.0 || isinf(scale))
        return NAN;
    if (scale == 0.0)
        return 0.0;
    if (shape >= 1.0)
        return gamma_mt(r, shape) * scale;
    return exp(log_std_gamma(r, shape)) * scale;
}

double tr_rng_beta(tr_rng *r, double a, double b)
{
    if (bad_pos(a) || bad_pos(b))
        return NAN;
    double lx = log_std_gamma(r, a);
    double ly = log_std_gamma(r, b);
    /* X / (X + Y) = 1 / (1 + exp(ly - lx)), stable when both are tiny. */
    return 1.0 / (1.0 + exp(ly - lx));
}

/* log(k!) — exact table for small k, Stirling series beyond (as in NumPy's
 * random_loggam). Own routine because lgamma() writes the global signgam. */
static double log_factorial(double k)
{
    static const double table[] = {
        0.0, 0.0, 0.69314718055994530942, 1.79175946922805500081,
        3.17805383034794561965, 4.78749174278204599425, 6.57925121201010099506,
        8.52516136106541430017, 10.60460290274525022842, 12.80182748008146961121,
    };
    if (k < 10.0)
        return table[(int)k];
    double x = k + 1.0; /* log Gamma(x) */
    static const double a[] = {
        8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
        -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
        6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01,
        -1.39243221690590e+00,
    };
    double x2 = 1.0 / (x * x);
    double gl0 = a[9];
    for (int i = 8; i >= 0; i--)
        gl0 = gl0 * x2 + a[i];
    return gl0 / x + 0.5 * log(6.283185307179586476925) + (x - 0.5) * log(x) - x;
}

/* Poisson by inversion (sequential search); lambda < 10. */
static uint64_t poisson_inversion(tr_rng *r, double lambda)
{
    double u = tr_rng_uniform(r);
    double p = exp(-lambda);
    double f = p;
    uint64_t k = 0;
    /* With lambda < 10 the tail beyond 200 is far below 2^-53; the bound only
     * guards against rounding leaving u above the computed total. */
    while (u > f && k < 200) {
        k++;
        p *= lambda / (double)k;
        f += p;
    }
    return k;
}

/* Hörmann (1993), "The transformed rejection method for generating Poisson
 * random variables" (PTRS); lambda >= 10. */
static uint64_t poisson_ptrs(tr_rng *r, double lambda)
{
    double slam = sqrt(lambda);
    double loglam = log(lambda);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = tr_rng_uniform(r) - 0.5;
        double v = tr_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
            -lambda + k * loglam - log_factorial(k))
            return (uint64_t)k;
    }
}

uint64_t tr_rng_poisson(tr_rng *r, double lambda)
{
    if (!(lambda > 0.0))
        return 0; /* lambda <= 0 or NaN */
    if (lambda < 10.0)
        return poisson_inversion(r, lambda);
    if (lambda <= 1e7)
        return poisson_ptrs(r, lambda);
    /* Normal approximation: the skewness 1/sqrt(lambda) < 3.2e-4. */
    if (isinf(lambda) || lambda >= 0x1.0p63)
        return UINT64_MAX;
    double x = floor(lambda + sqrt(lambda) * std_normal(r) + 0.5);
    return x <= 0.0 ? 0 : (uint64_t)x;
}

double tr_rng_pareto(tr_rng *r, double x_min, double alpha)
{
    if (bad_pos(x_min) || bad_pos(alpha))
        return NAN;
    return x_min * exp(-log(tr_rng_uniform(r)) / alpha);
}

double tr_rng_exponential(tr_rng *r, double rate)
{
    if (bad_pos(rate))
        return NAN;
    return -log(tr_rng_uniform(r)) / rate;
}
