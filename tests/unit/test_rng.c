/* test_rng.c — determinism and goodness of fit of the counter-based RNG.
 *
 * Every test uses fixed seeds, so it either always passes or always fails;
 * the statistical tests use critical values at alpha = 0.001 so that a
 * correct generator is very unlikely to be rejected by the seed chosen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techrace/rng.h"

#define N_FIT 100000

/* ---- statistics helpers ------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef double (*cdf_fn)(double x, const double *p);

/* Kolmogorov-Smirnov statistic of x[0..n) (sorted in place) against cdf. */
static double ks_stat(double *x, size_t n, cdf_fn cdf, const double *p)
{
    qsort(x, n, sizeof *x, cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], p);
        double lo = f - (double)i / (double)n;
        double hi = (double)(i + 1) / (double)n - f;
        if (lo > d)
            d = lo;
        if (hi > d)
            d = hi;
    }
    return d;
}

/* Asymptotic KS critical value at alpha = 0.001: sqrt(-ln(alpha/2)/2)/sqrt(n). */
static double ks_crit(size_t n)
{
    return 1.94947 / sqrt((double)n);
}

/* Chi-square critical value at alpha = 0.001 (Wilson-Hilferty). */
static double chi2_crit(double df)
{
    const double z = 3.090232;
    double h = 2.0 / (9.0 * df);
    double t = 1.0 - h + z * sqrt(h);
    return df * t * t * t;
}

static void check_ks(double *x, size_t n, cdf_fn cdf, const double *p, const char *what)
{
    double d = ks_stat(x, n, cdf, p);
    double c = ks_crit(n);
    if (!(d < c))
        fail_msg("%s: KS D = %g >= critical %g (n = %zu)", what, d, c, n);
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    double v = 0.0;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *var = v / (double)(n - 1);
}

static void check_close(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.10g, want %.10g +- %.3g", what, got, want, tol);
}

/* Regularized lower incomplete gamma P(a, x): series for x < a + 1,
 * continued fraction (modified Lentz) otherwise. */
static double gamma_p(double a, double x)
{
    if (x <= 0.0)
        return 0.0;
    double lg = lgamma(a);
    if (x < a + 1.0) {
        double ap = a, sum = 1.0 / a, del = sum;
        for (int i = 0; i < 1000; i++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-15)
                break;
        }
        return sum * exp(-x + a * log(x) - lg);
    }
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return 1.0 - exp(-x + a * log(x) - lg) * h;
}

/* Continued fraction of the incomplete beta function (Numerical Recipes). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < 1000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_i(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0))
        return bt * betacf(a, b, x) / a;
    return 1.0 - bt * betacf(b, a, 1.0 - x) / b;
}

static double cdf_uniform(double x, const double *p)
{
    (void)p;
    return x <= 0.0 ? 0.0 : x >= 1.0 ? 1.0 : x;
}

static double cdf_normal(double x, const double *p)
{
    return 0.5 * erfc(-(x - p[0]) / (p[1] * sqrt(2.0)));
}

static double cdf_exponential(double x, const double *p)
{
    return x <= 0.0 ? 0.0 : -expm1(-p[0] * x);
}

static double cdf_pareto(double x, const double *p)
{
    return x <= p[0] ? 0.0 : 1.0 - pow(p[0] / x, p[1]);
}

static double cdf_gamma(double x, const double *p)
{
    return gamma_p(p[0], x / p[1]);
}

static double cdf_beta(double x, const double *p)
{
    return beta_i(p[0], p[1], x);
}

static double *alloc_sample(void)
{
    double *x = malloc(N_FIT * sizeof *x);
    assert_non_null(x);
    return x;
}

/* ---- determinism ------------------------------------------------------- */

static void test_known_answer(void **state)
{
    (void)state;
    /* Philox4x32-10 known-answer vectors from Random123's kat_vectors. */
    tr_rng r;
    tr_rng_init(&r, 0, 0, 0, 0, 0);
    assert_int_equal(tr_rng_u32(&r), 0x6627e8d5u);
    assert_int_equal(tr_rng_u32(&r), 0xe169c58du);
    assert_int_equal(tr_rng_u32(&r), 0xbc57ac4cu);
    assert_int_equal(tr_rng_u32(&r), 0x9b00dbd8u);

    /* key {a4093822, 299f31d0}, ctr {243f6a88, 85a308d3, 13198a2e, 03707344}:
     * purpose 0x0370, block 0x7344 -> skip 0x7344 blocks. */
    tr_rng_init(&r, 0x299f31d0a4093822ull, 0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x0370u);
    for (uint32_t i = 0; i < 0x7344u * 4u; i++)
        (void)tr_rng_u32(&r);
    assert_int_equal(tr_rng_u32(&r), 0xd16cfe09u);
    assert_int_equal(tr_rng_u32(&r), 0x94fdccebu);
    assert_int_equal(tr_rng_u32(&r), 0x5001e420u);
    assert_int_equal(tr_rng_u32(&r), 0x24126ea1u);

    /* u64 = first word in the high half. */
    tr_rng_init(&r, 0, 0, 0, 0, 0);
    assert_true(tr_rng_u64(&r) == 0x6627e8d5e169c58dull);
}

static void test_same_key_same_sequence(void **state)
{
    (void)state;
    tr_rng a, b;
    tr_rng_init(&a, 12345, 3, 17, 99, TR_RNG_PAPERS);
    tr_rng_init(&b, 12345, 3, 17, 99, TR_RNG_PAPERS);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(tr_rng_u32(&a), tr_rng_u32(&b));
        assert_true(tr_rng_normal(&a, 1, 2) == tr_rng_normal(&b, 1, 2));
        assert_true(tr_rng_gamma(&a, 0.7, 1) == tr_rng_gamma(&b, 0.7, 1));
        assert_true(tr_rng_poisson(&a, 33.0) == tr_rng_poisson(&b, 33.0));
    }
}

static void first_words(uint32_t out[8], uint64_t seed, uint32_t run, uint32_t step,
                        uint32_t entity, uint32_t purpose)
{
    tr_rng r;
    tr_rng_init(&r, seed, run, step, entity, purpose);
    for (int i = 0; i < 8; i++)
        out[i] = tr_rng_u32(&r);
}

static void test_streams_differ(void **state)
{
    (void)state;
    uint32_t base[8], other[8];
    first_words(base, 7, 1, 2, 3, 4);
    const uint32_t variants[][5] = {
        {8, 1, 2, 3, 4}, {7, 2, 2, 3, 4}, {7, 1, 3, 3, 4}, {7, 1, 2, 4, 4},
        {7, 1, 2, 3, 5}, {7, 1, 2, 3, 4 + 65536},
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        first_words(other, variants[v][0], variants[v][1], variants[v][2], variants[v][3],
                    variants[v][4]);
        int same = 0;
        for (int i = 0; i < 8; i++)
            same += base[i] == other[i];
        assert_true(same < 2);
    }
    /* The seed's high half counts too. */
    first_words(other, 7 + (1ull << 32), 1, 2, 3, 4);
    assert_memory_not_equal(base, other, sizeof base);
}

static void test_draws_independent_of_other_streams(void **state)
{
    (void)state;
    double alone[200], mixed[200];
    tr_rng a;
    tr_rng_init(&a, 99, 0, 5, 1, TR_RNG_TALENT);
    for (int i = 0; i < 200; i++)
        alone[i] = tr_rng_normal(&a, 0, 1);

    tr_rng a2, b, c;
    tr_rng_init(&a2, 99, 0, 5, 1, TR_RNG_TALENT);
    tr_rng_init(&b, 99, 0, 5, 2, TR_RNG_TALENT);
    tr_rng_init(&c, 99, 0, 5, 1, TR_RNG_PAPERS);
    for (int i = 0; i < 200; i++) {
        for (int j = 0; j < i % 7; j++) {
            (void)tr_rng_gamma(&b, 2.5, 1.0);
            (void)tr_rng_poisson(&c, 40.0);
        }
        mixed[i] = tr_rng_normal(&a2, 0, 1);
    }
    assert_memory_equal(alone, mixed, sizeof alone);
}

static void test_block_wrap(void **state)
{
    (void)state;
    /* 65536 blocks of 4 words, then the stream continues under a new key. */
    tr_rng r;
    tr_rng_init(&r, 5, 6, 7, 8, 9);
    uint32_t first[4], wrapped[4];
    for (int i = 0; i < 4; i++)
        first[i] = tr_rng_u32(&r);
    for (uint32_t i = 4; i < 65536u * 4u; i++)
        (void)tr_rng_u32(&r);
    for (int i = 0; i < 4; i++)
        wrapped[i] = tr_rng_u32(&r);
    assert_memory_not_equal(first, wrapped, sizeof first);
    assert_int_equal(r.ctr[3] & 0xFFFFu, 1u);
    assert_int_equal(r.ctr[3] >> 16, 9u);

    /* Deterministic: a second stream reaches the same words. */
    tr_rng s;
    tr_rng_init(&s, 5, 6, 7, 8, 9);
    for (uint32_t i = 0; i < 65536u * 4u; i++)
        (void)tr_rng_u32(&s);
    for (int i = 0; i < 4; i++)
        assert_int_equal(tr_rng_u32(&s), wrapped[i]);
}

static void test_invalid_parameters(void **state)
{
    (void)state;
    tr_rng r;
    tr_rng_init(&r, 1, 0, 0, 0, TR_RNG_TEST);
    assert_true(isnan(tr_rng_normal(&r, 0, -1)));
    assert_true(isnan(tr_rng_normal(&r, NAN, 1)));
    assert_true(isnan(tr_rng_normal(&r, 0, NAN)));
    assert_true(tr_rng_normal(&r, 3.5, 0) == 3.5);
    assert_true(isnan(tr_rng_lognormal(&r, 0, -1)));
    assert_true(tr_rng_lognormal(&r, 0, 0) == 1.0);
    assert_true(isnan(tr_rng_gamma(&r, 0, 1)));
    assert_true(isnan(tr_rng_gamma(&r, -1, 1)));
    assert_true(isnan(tr_rng_gamma(&r, NAN, 1)));
    assert_true(isnan(tr_rng_gamma(&r, 2, -1)));
    assert_true(tr_rng_gamma(&r, 2, 0) == 0.0);
    assert_true(isnan(tr_rng_beta(&r, 0, 1)));
    assert_true(isnan(tr_rng_beta(&r, 1, NAN)));
    assert_true(tr_rng_poisson(&r, 0) == 0);
    assert_true(tr_rng_poisson(&r, -3) == 0);
    assert_true(tr_rng_poisson(&r, NAN) == 0);
    assert_true(tr_rng_poisson(&r, INFINITY) == UINT64_MAX);
    assert_true(isnan(tr_rng_pareto(&r, 0, 1)));
    assert_true(isnan(tr_rng_pareto(&r, 1, -2)));
    assert_true(isnan(tr_rng_exponential(&r, 0)));
    assert_true(isnan(tr_rng_exponential(&r, NAN)));

    /* Extreme but valid parameters stay finite and in range. */
    for (int i = 0; i < 1000; i++) {
        double g = tr_rng_gamma(&r, 1e-3, 1.0);
        assert_true(g >= 0.0 && isfinite(g));
        double b = tr_rng_beta(&r, 1e-3, 1e-3);
        assert_true(b >= 0.0 && b <= 1.0);
        uint64_t k = tr_rng_poisson(&r, 1e9);
        assert_true(k > 900000000u && k < 1100000000u);
    }
}

static void test_uniform_open_interval(void **state)
{
    (void)state;
    tr_rng r;
    double lo = 1.0, hi = 0.0;
    for (uint32_t e = 0; e < 20; e++) {
        tr_rng_init(&r, 2024, 0, 0, e, TR_RNG_TEST);
        for (int i = 0; i < 100000; i++) {
            double u = tr_rng_uniform(&r);
            assert_true(u > 0.0 && u < 1.0);
            if (u < lo)
                lo = u;
            if (u > hi)
                hi = u;
        }
    }
    assert_true(lo < 1e-5 && hi > 1.0 - 1e-5);
    /* The extreme 53-bit values themselves stay inside. */
    assert_true(0x1.0p-53 > 0.0);
    assert_true((double)((1ull << 53) - 1) * 0x1.0p-53 < 1.0);
}

/* ---- goodness of fit --------------------------------------------------- */

static void test_uniform_fit(void **state)
{
    (void)state;
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, 1, 0, 0, 0, TR_RNG_TEST);
    size_t bins[100] = {0};
    for (size_t i = 0; i < N_FIT; i++) {
        x[i] = tr_rng_uniform(&r);
        bins[(size_t)(x[i] * 100.0)]++;
    }
    double e = N_FIT / 100.0, chi2 = 0.0;
    for (int b = 0; b < 100; b++)
        chi2 += ((double)bins[b] - e) * ((double)bins[b] - e) / e;
    if (!(chi2 < chi2_crit(99)))
        fail_msg("uniform chi2 = %g >= %g", chi2, chi2_crit(99));
    double m, v;
    mean_var(x, N_FIT, &m, &v);
    check_close(m, 0.5, 5 * sqrt(1.0 / 12.0 / N_FIT), "uniform mean");
    check_ks(x, N_FIT, cdf_uniform, NULL, "uniform");
    free(x);
}

static void test_normal_fit(void **state)
{
    (void)state;
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, 2, 0, 0, 0, TR_RNG_TEST);
    const double p[2] = {3.0, 2.0};
    for (size_t i = 0; i < N_FIT; i++)
        x[i] = tr_rng_normal(&r, p[0], p[1]);
    double m, v;
    mean_var(x, N_FIT, &m, &v);
    check_close(m, 3.0, 5 * 2.0 / sqrt(N_FIT), "normal mean");
    check_close(v, 4.0, 5 * 4.0 * sqrt(2.0 / N_FIT), "normal variance");
    check_ks(x, N_FIT, cdf_normal, p, "normal");
    free(x);
}

static void test_lognormal_fit(void **state)
{
    (void)state;
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, 3, 0, 0, 0, TR_RNG_TEST);
    const double p[2] = {-0.5, 0.8};
    for (size_t i = 0; i < N_FIT; i++) {
        double y = tr_rng_lognormal(&r, p[0], p[1]);
        assert_true(y > 0.0);
        x[i] = log(y);
    }
    check_ks(x, N_FIT, cdf_normal, p, "log of lognormal");
    free(x);
}

static void test_exponential_fit(void **state)
{
    (void)state;
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, 4, 0, 0, 0, TR_RNG_TEST);
    const double p[1] = {2.5};
    for (size_t i = 0; i < N_FIT; i++)
        x[i] = tr_rng_exponential(&r, p[0]);
    double m, v;
    mean_var(x, N_FIT, &m, &v);
    check_close(m, 0.4, 5 * 0.4 / sqrt(N_FIT), "exponential mean");
    check_ks(x, N_FIT, cdf_exponential, p, "exponential");
    free(x);
}

static void test_pareto_fit(void **state)
{
    (void)state;
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, 5, 0, 0, 0, TR_RNG_TEST);
    const double p[2] = {1.5, 1.16};
    for (size_t i = 0; i < N_FIT; i++) {
        x[i] = tr_rng_pareto(&r, p[0], p[1]);
        assert_true(x[i] >= p[0]);
    }
    check_ks(x, N_FIT, cdf_pareto, p, "pareto");
    free(x);
}

static void gamma_case(double shape, double scale, uint64_t seed)
{
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, seed, 0, 0, 0, TR_RNG_TEST);
    const double p[2] = {shape, scale};
    for (size_t i = 0; i < N_FIT; i++) {
        x[i] = tr_rng_gamma(&r, shape, scale);
        assert_true(x[i] >= 0.0);
    }
    double m, v;
    mean_var(x, N_FIT, &m, &v);
    double sd = sqrt(shape) * scale;
    check_close(m, shape * scale, 5 * sd / sqrt(N_FIT), "gamma mean");
    char what[64];
    snprintf(what, sizeof what, "gamma(%g, %g)", shape, scale);
    check_ks(x, N_FIT, cdf_gamma, p, what);
    free(x);
}

static void test_gamma_fit(void **state)
{
    (void)state;
    gamma_case(0.5, 1.0, 6);
    gamma_case(2.0, 3.0, 7);
    gamma_case(9.0, 0.5, 8);
}

static void beta_case(double a, double b, uint64_t seed)
{
    double *x = alloc_sample();
    tr_rng r;
    tr_rng_init(&r, seed, 0, 0, 0, TR_RNG_TEST);
    const double p[2] = {a, b};
    for (size_t i = 0; i < N_FIT; i++) {
        x[i] = tr_rng_beta(&r, a, b);
        assert_true(x[i] >= 0.0 && x[i] <= 1.0);
    }
    double m, v;
    mean_var(x, N_FIT, &m, &v);
    double mean = a / (a + b);
    double var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
    check_close(m, mean, 5 * sqrt(var / N_FIT), "beta mean");
    char what[64];
    snprintf(what, sizeof what, "beta(%g, %g)", a, b);
    check_ks(x, N_FIT, cdf_beta, p, what);
    free(x);
}

static void test_beta_fit(void **state)
{
    (void)state;
    beta_case(2.0, 5.0, 9);
    beta_case(0.5, 0.5, 10);
}

static double poisson_pmf(double lambda, long k)
{
    return exp((double)k * log(lambda) - lambda - lgamma((double)k + 1.0));
}

/* Chi-square of Poisson draws against the exact pmf, cells merged from the
 * left until each expects >= 5; the last cell takes the upper tail. */
static void poisson_case(double lambda, uint64_t seed)
{
    long kmax = (long)(lambda + 12.0 * sqrt(lambda) + 30.0);
    size_t *count = calloc((size_t)kmax + 2, sizeof *count);
    assert_non_null(count);
    tr_rng r;
    tr_rng_init(&r, seed, 0, 0, 0, TR_RNG_TEST);
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 0; i < N_FIT; i++) {
        uint64_t k = tr_rng_poisson(&r, lambda);
        count[k > (uint64_t)kmax ? (size_t)kmax + 1 : (size_t)k]++;
        sum += (double)k;
        sum2 += (double)k * (double)k;
    }
    double m = sum / N_FIT;
    double v = (sum2 - N_FIT * m * m) / (N_FIT - 1);
    check_close(m, lambda, 5 * sqrt(lambda / N_FIT), "poisson mean");
    check_close(v, lambda, 5 * sqrt((lambda + 2 * lambda * lambda) / N_FIT), "poisson variance");

    double chi2 = 0.0, cell_e = 0.0, cell_o = 0.0, cum_p = 0.0;
    int cells = 0;
    for (long k = 0; k <= kmax; k++) {
        double pk = poisson_pmf(lambda, k);
        cum_p += pk;
        cell_e += pk * N_FIT;
        cell_o += (double)count[k];
        if (cell_e >= 5.0 && (1.0 - cum_p) * N_FIT >= 5.0) {
            chi2 += (cell_o - cell_e) * (cell_o - cell_e) / cell_e;
            cells++;
            cell_e = cell_o = 0.0;
        }
    }
    /* Last cell: what is left, plus the tail beyond kmax. */
    cell_e += (1.0 - cum_p > 0.0 ? 1.0 - cum_p : 0.0) * N_FIT;
    cell_o += (double)count[kmax + 1];
    chi2 += (cell_o - cell_e) * (cell_o - cell_e) / cell_e;
    cells++;
    assert_true(cells >= 2);
    double crit = chi2_crit(cells - 1);
    if (!(chi2 < crit))
        fail_msg("poisson(%g): chi2 = %g >= %g (%d cells)", lambda, chi2, crit, cells);
    free(count);
}

static void test_poisson_fit(void **state)
{
    (void)state;
    poisson_case(0.3, 11);
    poisson_case(3.0, 12);
    poisson_case(12.0, 13);
    poisson_case(50.0, 14);
    poisson_case(1000.0, 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_same_key_same_sequence),
        cmocka_unit_test(test_streams_differ),
        cmocka_unit_test(test_draws_independent_of_other_streams),
        cmocka_unit_test(test_block_wrap),
        cmocka_unit_test(test_invalid_parameters),
        cmocka_unit_test(test_uniform_open_interval),
        cmocka_unit_test(test_uniform_fit),
        cmocka_unit_test(test_normal_fit),
        cmocka_unit_test(test_lognormal_fit),
        cmocka_unit_test(test_exponential_fit),
        cmocka_unit_test(test_pareto_fit),
        cmocka_unit_test(test_gamma_fit),
        cmocka_unit_test(test_beta_fit),
        cmocka_unit_test(test_poisson_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
