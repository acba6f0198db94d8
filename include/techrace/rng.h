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
 * stream per (entity, purpose) where it is used; it costs nothing to make. */
#ifndef TECHRACE_RNG_H
#define TECHRACE_RNG_H

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

void tr_rng_init(tr_rng *r, uint64_t seed, uint32_t run, uint32_t step,
                 uint32_t entity, uint32_t purpose);
uint32_t tr_rng_u32(tr_rng *r);
uint64_t tr_rng_u64(tr_rng *r);
/* Uniform on the open interval (0, 1): never 0, never 1. */
double tr_rng_uniform(tr_rng *r);
double tr_rng_normal(tr_rng *r, double mean, double sd);
/* exp(N(mu, sigma^2)) */
double tr_rng_lognormal(tr_rng *r, double mu, double sigma);
double tr_rng_gamma(tr_rng *r, double shape, double scale);
double tr_rng_beta(tr_rng *r, double a, double b);
/* Poisson with mean lambda >= 0; exact for small lambda, PTRS above 10. */
uint64_t tr_rng_poisson(tr_rng *r, double lambda);
/* Pareto type I: x_min * U^(-1/alpha), support [x_min, inf). */
double tr_rng_pareto(tr_rng *r, double x_min, double alpha);
double tr_rng_exponential(tr_rng *r, double rate);

#ifdef __cplusplus
}
#endif
#endif
