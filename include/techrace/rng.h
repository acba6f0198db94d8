/* rng.h — deterministic, counter-based random numbers.
 *
 * Every random draw in techrace is a pure function of a key
 * (seed, run, step, entity, purpose) and a draw index, computed with
 * Random123's Philox4x32-10. No generator state is carried between steps, so
 * results do not depend on thread count, process count or iteration order:
 * the entity that draws, not the order it is visited in, fixes the numbers.
 *
 * A tr_rng is a small stream bound to one key: it hands out the 4 words of
 * each Philox block in turn and then advances its block counter. Open one
 * stream per (entity, purpose) where it is used; it costs nothing to make.
 *
 * Layout and limits. The Philox key is the seed's two 32-bit halves
 * {seed & 0xffffffff, seed >> 32}; the counter is
 * {run, step, entity, (purpose << 16) | block}, block a 16-bit count of the
 * blocks the stream has used. So:
 *  - purpose should be < 65536. Larger purposes still work: purpose >> 16 is
 *    folded into key[0] (adding (purpose >> 16) * 0x85EBCA6B), which keeps
 *    them distinct from each other within a seed, but such a stream may
 *    coincide with a stream of some other seed.
 *  - a stream has 65536 blocks = 262144 32-bit words (131072 u64 or uniform
 *    draws) under its own key. When the block count wraps past 0xFFFF the
 *    stream continues deterministically with key[1] += 0x9E3779B9 and block
 *    0, so it never repeats within itself for 2^32 wraps (2^50 words); those
 *    continuation blocks are, in principle, blocks of another seed's streams.
 *    Draw-hungry loops should open one stream per entity rather than rely on
 *    this.
 * Two streams with equal (seed, run, step, entity, purpose) give identical
 * sequences; the k-th draw of a stream depends only on its key and on the
 * draws made before it from the same stream.
 *
 * Distributions and invalid parameters (never crash, never loop forever):
 *  - tr_rng_uniform: k * 2^-53 for a 53-bit k != 0 (k = 0 is redrawn), so in
 *    [2^-53, 1 - 2^-53]; never 0 or 1.
 *  - normal: Box-Muller; the second deviate of each pair is cached in the
 *    stream (spare) and used by the next normal/lognormal/gamma draw.
 *    NaN mean or sd, or sd < 0 -> NaN; sd == 0 -> mean (no draw).
 *  - lognormal: exp(normal(mu, sigma)); same guards (sigma < 0 -> NaN).
 *  - gamma(shape, scale): Marsaglia-Tsang; shape < 1 via
 *    G(shape + 1) * U^(1/shape). shape <= 0, NaN or inf, or scale < 0, NaN or
 *    inf -> NaN; scale == 0 -> 0. Mean shape * scale.
 *  - beta(a, b): X / (X + Y) with X ~ G(a), Y ~ G(b), computed from log X and
 *    log Y so small shapes do not give 0/0. a or b <= 0, NaN or inf -> NaN.
 *  - poisson(lambda): inversion for lambda < 10, PTRS (Hoermann 1993) for
 *    10 <= lambda <= 1e7, and round(N(lambda, lambda)) (clamped at 0) above
 *    1e7, where the skewness is below 3.2e-4. lambda <= 0 or NaN -> 0;
 *    lambda = inf or >= 2^63 -> UINT64_MAX.
 *  - pareto(x_min, alpha): x_min * U^(-1/alpha). x_min or alpha <= 0, NaN or
 *    inf -> NaN.
 *  - exponential(rate): -log(U) / rate (mean 1 / rate). rate <= 0, NaN or
 *    inf -> NaN. */
#ifndef TECHRACE_RNG_H
#define TECHRACE_RNG_H

#include "techrace/api.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Purposes: one per kind of draw, so that adding a draw in one process never
 * shifts the numbers another process sees. Append only; never renumber. */
typedef enum {
    TR_RNG_INST_SIZE = 1,
    TR_RNG_INST_QUALITY = 2,
    TR_RNG_INST_FIELDS = 3,
    TR_RNG_PAPERS = 4,
    TR_RNG_TALENT = 5,
    TR_RNG_KNOWLEDGE = 6,
    TR_RNG_INST_NOISE = 7,
    TR_RNG_FIRM_INIT = 8,
    TR_RNG_FIRM_STEP = 9,
    TR_RNG_ENTRY = 10,
    TR_RNG_LOCAL = 11,
    TR_RNG_DESIGN = 12,      /* experimental designs (analysis.h) */
    TR_RNG_BOOTSTRAP = 13,   /* bootstrap resampling (analysis.h) */
    TR_RNG_PAPERS_BASE = 0x1000, /* + technology index: high-impact paper draws */
    TR_RNG_TEST = 1000
} tr_rng_purpose;

typedef struct tr_rng {
    uint32_t key[2];     /* seed (64 bits) */
    uint32_t ctr[4];     /* run, step, entity, purpose<<16 | block */
    uint32_t out[4];     /* current block */
    unsigned used;       /* words of out already handed out (4 = empty) */
    /* spare normal from Box-Muller */
    double spare;
    int has_spare;
} tr_rng;

TR_API void tr_rng_init(tr_rng *r, uint64_t seed, uint32_t run, uint32_t step,
                 uint32_t entity, uint32_t purpose);
TR_API uint32_t tr_rng_u32(tr_rng *r);
TR_API uint64_t tr_rng_u64(tr_rng *r);
/* Uniform on the open interval (0, 1): never 0, never 1. */
TR_API double tr_rng_uniform(tr_rng *r);
TR_API double tr_rng_normal(tr_rng *r, double mean, double sd);
/* exp(N(mu, sigma^2)) */
TR_API double tr_rng_lognormal(tr_rng *r, double mu, double sigma);
TR_API double tr_rng_gamma(tr_rng *r, double shape, double scale);
TR_API double tr_rng_beta(tr_rng *r, double a, double b);
/* Poisson with mean lambda >= 0; exact for small lambda, PTRS above 10. */
TR_API uint64_t tr_rng_poisson(tr_rng *r, double lambda);
/* Pareto type I: x_min * U^(-1/alpha), support [x_min, inf). */
TR_API double tr_rng_pareto(tr_rng *r, double x_min, double alpha);
TR_API double tr_rng_exponential(tr_rng *r, double rate);

#ifdef __cplusplus
}
#endif
#endif
