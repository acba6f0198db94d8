/* analysis.h — experimental designs and the statistics of ensembles:
 * full grids and Latin hypercubes, summaries (mean, sd, quantiles), paired
 * comparisons with confidence intervals, and global sensitivity analysis
 * (Morris elementary effects; Sobol first-order and total indices).
 *
 * Sensitivity follows the sample -> evaluate -> analyse pattern: a *_sample
 * function writes the design (points in the unit cube, one row per point,
 * d columns; tr_design_scale maps them onto parameter ranges), the caller
 * evaluates its model at every row (an ensemble of simulation runs, or an
 * analytic test function — the same path), and *_analyze turns the outputs
 * into indices with bootstrap confidence intervals. Every random choice is
 * drawn from Random123 streams keyed by the seed given, so a design and its
 * intervals are the same on any machine. Functions return TR_OK,
 * TR_ERR_INPUT for bad sizes, or TR_ERR_NOMEM. */
#ifndef TECHRACE_ANALYSIS_H
#define TECHRACE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- designs (points in [0,1]^d, row-major: x[i * d + j]) ---- */

/* Full grid: levels[j] >= 1 evenly spaced values in [0,1] per dimension (a
 * single level is 0.5), sum over j of rows = prod levels[j]; the last
 * dimension varies fastest. *n_out gets the number of rows; x may be NULL to
 * only count. */
TR_API int tr_design_grid(size_t d, const int *levels, double *x, size_t *n_out);
/* Latin hypercube of n points: in each dimension every stratum
 * [i/n, (i+1)/n) holds exactly one point, placed uniformly within it. */
TR_API int tr_design_lhs(size_t n, size_t d, uint64_t seed, double *x);
/* Map unit-cube points onto [lo[j], hi[j]] in place. */
TR_API void tr_design_scale(size_t n, size_t d, double *x, const double *lo, const double *hi);

/* ---- summaries ---- */

typedef struct tr_summary {
    size_t n;          /* finite values used (NaN are skipped) */
    double mean, sd;   /* sd with n - 1 in the denominator (0 when n < 2) */
    double q05, q50, q95; /* quantiles, linear interpolation (type 7) */
} tr_summary;

/* Summary of n values; scratch needs n doubles (NULL: allocated with alloc). */
TR_API int tr_summarize(const double *v, size_t n, double *scratch, const tr_allocator *alloc,
                        tr_summary *out);

/* Difference of means B - A over n paired runs (common random numbers: run
 * j of A and of B share seed and run index): the mean difference, its
 * standard error and a two-sided (1 - alpha) Student-t interval. A pair
 * with a NaN on either side is skipped. distinguishable = 1 when the
 * interval excludes 0. */
typedef struct tr_paired_diff {
    size_t n;
    double mean_a, mean_b, diff, se, lo, hi;
    int distinguishable;
} tr_paired_diff;
TR_API int tr_compare_paired(const double *a, const double *b, size_t n, double alpha, tr_paired_diff *out);

/* Quantiles of the standard normal and of Student's t with df degrees of
 * freedom (p in (0,1)). */
TR_API double tr_normal_quantile(double p);
TR_API double tr_t_quantile(double p, double df);

/* ---- Morris elementary effects (Morris 1991; mu* of Campolongo et al. 2007) ---- */

/* r trajectories of d + 1 points on a p-level grid (p even, >= 2), step
 * delta = p / (2 (p - 1)); rows = r * (d + 1). */
TR_API int tr_morris_sample(size_t d, size_t r, int p, uint64_t seed, double *x);

typedef struct tr_morris_index {
    double mu, mu_star, sigma;     /* mean, mean |EE| and sd of the elementary effects */
    double mu_star_lo, mu_star_hi; /* bootstrap interval of mu_star */
} tr_morris_index;
/* y[r * (d + 1)] outputs at the rows of x (unit cube, as sampled). Effects
 * are per unit of the unit cube; divide by (hi - lo) for parameter units. */
TR_API int tr_morris_analyze(size_t d, size_t r, const double *x, const double *y, size_t n_boot,
                             double conf, uint64_t seed, const tr_allocator *alloc, tr_morris_index *out);

/* ---- Sobol indices (Saltelli 2002 design; Saltelli et al. 2010 first-order
 * and Jansen 1999 total-effect estimators) ---- */

/* Rows = n * (d + 2): block 0 is A, block 1 is B, block 2 + i is A with
 * column i taken from B (each block n rows). */
TR_API int tr_sobol_sample(size_t d, size_t n, uint64_t seed, double *x);

typedef struct tr_sobol_index {
    double s1, s1_lo, s1_hi;   /* first-order index and bootstrap interval */
    double st, st_lo, st_hi;   /* total-effect index and bootstrap interval */
} tr_sobol_index;
/* y[n * (d + 2)] outputs in the row order of tr_sobol_sample. */
TR_API int tr_sobol_analyze(size_t d, size_t n, const double *y, size_t n_boot, double conf,
                            uint64_t seed, const tr_allocator *alloc, tr_sobol_index *out);

#ifdef __cplusplus
}
#endif
#endif
