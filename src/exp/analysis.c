/* analysis.c — designs, summaries, paired comparisons and global
 * sensitivity (see include/techrace/analysis.h for the contracts). */
#include "techrace/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "techrace/diag.h"
#include "techrace/rng.h"
#include "util/arena.h"

#define TR_PI 3.14159265358979323846

/* ---- designs ---- */

int tr_design_grid(size_t d, const int *levels, double *x, size_t *n_out)
{
    if (d == 0 || !levels || !n_out)
        return TR_ERR_INPUT;
    size_t n = 1;
    for (size_t j = 0; j < d; j++) {
        if (levels[j] < 1 || n > SIZE_MAX / (size_t)levels[j] / d)
            return TR_ERR_INPUT;
        n *= (size_t)levels[j];
    }
    *n_out = n;
    if (!x)
        return TR_OK;
    for (size_t i = 0; i < n; i++) {
        size_t rest = i;
        for (size_t jj = d; jj-- > 0;) {
            size_t L = (size_t)levels[jj];
            size_t idx = rest % L;
            rest /= L;
            x[i * d + jj] = L == 1 ? 0.5 : (double)idx / (double)(L - 1);
        }
    }
    return TR_OK;
}

/* Uniform integer in [0, n) without modulo bias. */
static size_t rng_below(tr_rng *r, size_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % (uint64_t)n;
    uint64_t v;
    do
        v = tr_rng_u64(r);
    while (v >= lim);
    return (size_t)(v % (uint64_t)n);
}

int tr_design_lhs(size_t n, size_t d, uint64_t seed, double *x)
{
    if (n == 0 || d == 0 || !x)
        return TR_ERR_INPUT;
    for (size_t j = 0; j < d; j++) {
        tr_rng r;
        tr_rng_init(&r, seed, 0, 0, (uint32_t)j, TR_RNG_DESIGN);
        for (size_t i = 0; i < n; i++)
            x[i * d + j] = ((double)i + tr_rng_uniform(&r)) / (double)n;
        /* Fisher-Yates over the column: which point gets which stratum. */
        for (size_t i = n - 1; i > 0; i--) {
            size_t k = rng_below(&r, i + 1);
            double t = x[i * d + j];
            x[i * d + j] = x[k * d + j];
            x[k * d + j] = t;
        }
    }
    return TR_OK;
}

void tr_design_scale(size_t n, size_t d, double *x, const double *lo, const double *hi)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = lo[j] + x[i * d + j] * (hi[j] - lo[j]);
}

/* ---- summaries ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of sorted v[0..n-1]. */
static double quantile_sorted(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

int tr_summarize(const double *v, size_t n, double *scratch, const tr_allocator *alloc, tr_summary *out)
{
    if (!out || (n && !v))
        return TR_ERR_INPUT;
    double *s = scratch;
    if (!s && n) {
        s = tr_mem_calloc(alloc, n, sizeof *s);
        if (!s)
            return TR_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            s[m++] = v[i];
    double sum = 0;
    for (size_t i = 0; i < m; i++)
        sum += s[i];
    double mean = m ? sum / (double)m : NAN;
    double ss = 0;
    for (size_t i = 0; i < m; i++)
        ss += (s[i] - mean) * (s[i] - mean);
    qsort(s, m, sizeof *s, cmp_double);
    out->n = m;
    out->mean = mean;
    out->sd = m > 1 ? sqrt(ss / (double)(m - 1)) : (m ? 0 : NAN);
    out->q05 = quantile_sorted(s, m, 0.05);
    out->q50 = quantile_sorted(s, m, 0.50);
    out->q95 = quantile_sorted(s, m, 0.95);
    if (s != scratch)
        tr_mem_free(alloc, s);
    return TR_OK;
}

/* ---- quantile functions ---- */

double tr_normal_quantile(double p)
{
    /* Acklam's rational approximation, refined by one Halley step on erfc. */
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01,  -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double e[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (!(p > 0 && p < 1))
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    const double plow = 0.02425;
    double x;
    if (p < plow || p > 1 - plow) {
        double q = sqrt(-2 * log(p < plow ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((e[0] * q + e[1]) * q + e[2]) * q + e[3]) * q + 1);
        if (p > plow)
            x = -x;
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double err = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = err * sqrt(2 * TR_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

/* Continued fraction of the regularized incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return h;
}

static double betai(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2))
        return exp(lbt) * betacf(a, b, x) / a;
    return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

/* Student t distribution function. */
static double t_cdf(double t, double df)
{
    double tail = 0.5 * betai(df / 2, 0.5, df / (df + t * t));
    return t > 0 ? 1 - tail : tail;
}

double tr_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (df == 1)
        return tan(TR_PI * (p - 0.5));
    if (df == 2)
        return (2 * p - 1) / sqrt(2 * p * (1 - p));
    /* Cornish-Fisher start (Abramowitz & Stegun 26.7.5), then Newton on the cdf. */
    double z = tr_normal_quantile(p), z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    double t = z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
    double lc = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * TR_PI);
    for (int it = 0; it < 20; it++) {
        double pdf = exp(lc - (df + 1) / 2 * log1p(t * t / df));
        double step = (t_cdf(t, df) - p) / pdf;
        t -= step;
        if (fabs(step) < 1e-13 * (1 + fabs(t)))
            break;
    }
    return t;
}

int tr_compare_paired(const double *a, const double *b, size_t n, double alpha, tr_paired_diff *out)
{
    if (!out || (n && (!a || !b)) || !(alpha > 0 && alpha < 1))
        return TR_ERR_INPUT;
    size_t m = 0;
    double sa = 0, sb = 0, sd = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i]))
            continue;
        m++;
        sa += a[i];
        sb += b[i];
        sd += b[i] - a[i];
    }
    memset(out, 0, sizeof *out);
    out->n = m;
    if (m == 0) {
        out->mean_a = out->mean_b = out->diff = out->se = out->lo = out->hi = NAN;
        return TR_OK;
    }
    double mean = sd / (double)m;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i]))
            ss += (b[i] - a[i] - mean) * (b[i] - a[i] - mean);
    out->mean_a = sa / (double)m;
    out->mean_b = sb / (double)m;
    out->diff = mean;
    if (m < 2) {
        out->se = out->lo = out->hi = NAN;
        return TR_OK;
    }
    out->se = sqrt(ss / (double)(m - 1) / (double)m);
    double t = tr_t_quantile(1 - alpha / 2, (double)(m - 1));
    out->lo = mean - t * out->se;
    out->hi = mean + t * out->se;
    out->distinguishable = out->lo > 0 || out->hi < 0;
    return TR_OK;
}

/* ---- bootstrap helper ---- */

static void percentile_interval(double *v, size_t n, double conf, double *lo, double *hi)
{
    qsort(v, n, sizeof *v, cmp_double);
    *lo = quantile_sorted(v, n, (1 - conf) / 2);
    *hi = quantile_sorted(v, n, (1 + conf) / 2);
}

/* ---- Morris ---- */

int tr_morris_sample(size_t d, size_t r, int p, uint64_t seed, double *x)
{
    if (d == 0 || r == 0 || p < 2 || p % 2 || !x || d > UINT32_MAX)
        return TR_ERR_INPUT;
    const double delta = (double)p / (2.0 * (double)(p - 1));
    for (size_t t = 0; t < r; t++) {
        tr_rng g;
        tr_rng_init(&g, seed, 1, 0, (uint32_t)t, TR_RNG_DESIGN);
        double *row = x + t * (d + 1) * d;
        /* Base point on the lower half of the grid, a direction per
         * dimension (start high and step down for -1), a random order. */
        for (size_t j = 0; j < d; j++) {
            double base = (double)rng_below(&g, (size_t)p / 2) / (double)(p - 1);
            row[j] = (tr_rng_u32(&g) & 1u) ? base + delta : base;
        }
        for (size_t k = 1; k <= d; k++)
            memcpy(row + k * d, row + (k - 1) * d, d * sizeof *row);
        /* order: a permutation of the dimensions, built in the last row's
         * slots would need memory; draw it as a sequence of distinct picks. */
        for (size_t k = 0; k < d; k++) {
            /* the k-th dimension to move: the (rng_below(d - k))-th of those
             * not moved yet (still equal to the first row's value) */
            size_t pick = rng_below(&g, d - k), j = 0;
            for (;; j++)
                if (row[k * d + j] == row[j] && pick-- == 0)
                    break;
            double to = row[j] >= delta ? row[j] - delta : row[j] + delta;
            /* bases are < delta; a raised start is >= delta */
            for (size_t m = k + 1; m <= d; m++)
                row[m * d + j] = to;
        }
    }
    return TR_OK;
}

int tr_morris_analyze(size_t d, size_t r, const double *x, const double *y, size_t n_boot, double conf,
                      uint64_t seed, const tr_allocator *alloc, tr_morris_index *out)
{
    if (d == 0 || r == 0 || !x || !y || !out)
        return TR_ERR_INPUT;
    double *ee = tr_mem_calloc(alloc, r * d, sizeof *ee);
    double *boot = n_boot ? tr_mem_calloc(alloc, n_boot, sizeof *boot) : NULL;
    if (!ee || (n_boot && !boot)) {
        tr_mem_free(alloc, ee);
        tr_mem_free(alloc, boot);
        return TR_ERR_NOMEM;
    }
    for (size_t t = 0; t < r; t++) {
        const double *row = x + t * (d + 1) * d;
        const double *yt = y + t * (d + 1);
        for (size_t k = 0; k < d; k++) {
            size_t j = 0;
            while (j < d && row[(k + 1) * d + j] == row[k * d + j])
                j++;
            if (j == d) { /* not a trajectory of tr_morris_sample */
                tr_mem_free(alloc, ee);
                tr_mem_free(alloc, boot);
                return TR_ERR_INPUT;
            }
            ee[t * d + j] = (yt[k + 1] - yt[k]) / (row[(k + 1) * d + j] - row[k * d + j]);
        }
    }
    for (size_t j = 0; j < d; j++) {
        double s = 0, sa = 0;
        for (size_t t = 0; t < r; t++) {
            s += ee[t * d + j];
            sa += fabs(ee[t * d + j]);
        }
        double mu = s / (double)r, ss = 0;
        for (size_t t = 0; t < r; t++)
            ss += (ee[t * d + j] - mu) * (ee[t * d + j] - mu);
        out[j].mu = mu;
        out[j].mu_star = sa / (double)r;
        out[j].sigma = r > 1 ? sqrt(ss / (double)(r - 1)) : 0;
        out[j].mu_star_lo = out[j].mu_star_hi = out[j].mu_star;
        if (n_boot) {
            tr_rng g;
            tr_rng_init(&g, seed, 2, 0, (uint32_t)j, TR_RNG_BOOTSTRAP);
            for (size_t b = 0; b < n_boot; b++) {
                double acc = 0;
                for (size_t t = 0; t < r; t++)
                    acc += fabs(ee[rng_below(&g, r) * d + j]);
                boot[b] = acc / (double)r;
            }
            percentile_interval(boot, n_boot, conf, &out[j].mu_star_lo, &out[j].mu_star_hi);
        }
    }
    tr_mem_free(alloc, ee);
    tr_mem_free(alloc, boot);
    return TR_OK;
}

/* ---- Sobol ---- */

int tr_sobol_sample(size_t d, size_t n, uint64_t seed, double *x)
{
    if (d == 0 || n == 0 || !x || n > UINT32_MAX)
        return TR_ERR_INPUT;
    for (size_t i = 0; i < n; i++) {
        tr_rng ga, gb;
        tr_rng_init(&ga, seed, 3, 0, (uint32_t)i, TR_RNG_DESIGN);
        tr_rng_init(&gb, seed, 4, 0, (uint32_t)i, TR_RNG_DESIGN);
        double *A = x + i * d, *B = x + (n + i) * d;
        for (size_t j = 0; j < d; j++) {
            A[j] = tr_rng_uniform(&ga);
            B[j] = tr_rng_uniform(&gb);
        }
        for (size_t c = 0; c < d; c++) {
            double *AB = x + ((2 + c) * n + i) * d;
            memcpy(AB, A, d * sizeof *AB);
            AB[c] = B[c];
        }
    }
    return TR_OK;
}

/* Indices of column c from the rows idx[0..n-1] (NULL: 0..n-1). */
static void sobol_estimate(size_t n, const double *y, size_t c, const size_t *idx, double *s1, double *st)
{
    const double *fa = y, *fb = y + n, *fab = y + (2 + c) * n;
    double sum = 0;
    for (size_t m = 0; m < n; m++) {
        size_t i = idx ? idx[m] : m;
        sum += fa[i] + fb[i];
    }
    double mean = sum / (double)(2 * n), var = 0, num1 = 0, numt = 0;
    /* Saltelli et al. (2010), table 2 (b) for S1 and (f) (Jansen) for ST. */
    for (size_t m = 0; m < n; m++) {
        size_t i = idx ? idx[m] : m;
        var += (fa[i] - mean) * (fa[i] - mean) + (fb[i] - mean) * (fb[i] - mean);
        /* centred: the same expectation, less variance when the mean is large */
        num1 += (fb[i] - mean) * (fab[i] - fa[i]);
        numt += (fa[i] - fab[i]) * (fa[i] - fab[i]);
    }
    var /= (double)(2 * n - 1);
    *s1 = var > 0 ? num1 / (double)n / var : NAN;
    *st = var > 0 ? numt / (2.0 * (double)n) / var : NAN;
}

int tr_sobol_analyze(size_t d, size_t n, const double *y, size_t n_boot, double conf, uint64_t seed,
                     const tr_allocator *alloc, tr_sobol_index *out)
{
    if (d == 0 || n < 2 || !y || !out)
        return TR_ERR_INPUT;
    size_t *idx = n_boot ? tr_mem_calloc(alloc, n, sizeof *idx) : NULL;
    double *b1 = n_boot ? tr_mem_calloc(alloc, n_boot, sizeof *b1) : NULL;
    double *bt = n_boot ? tr_mem_calloc(alloc, n_boot, sizeof *bt) : NULL;
    if (n_boot && (!idx || !b1 || !bt)) {
        tr_mem_free(alloc, idx);
        tr_mem_free(alloc, b1);
        tr_mem_free(alloc, bt);
        return TR_ERR_NOMEM;
    }
    for (size_t c = 0; c < d; c++) {
        sobol_estimate(n, y, c, NULL, &out[c].s1, &out[c].st);
        out[c].s1_lo = out[c].s1_hi = out[c].s1;
        out[c].st_lo = out[c].st_hi = out[c].st;
        if (!n_boot)
            continue;
        /* The same resamples for every column, so intervals are comparable. */
        for (size_t b = 0; b < n_boot; b++) {
            tr_rng g;
            tr_rng_init(&g, seed, 5, 0, (uint32_t)b, TR_RNG_BOOTSTRAP);
            for (size_t m = 0; m < n; m++)
                idx[m] = rng_below(&g, n);
            sobol_estimate(n, y, c, idx, &b1[b], &bt[b]);
        }
        percentile_interval(b1, n_boot, conf, &out[c].s1_lo, &out[c].s1_hi);
        percentile_interval(bt, n_boot, conf, &out[c].st_lo, &out[c].st_hi);
    }
    tr_mem_free(alloc, idx);
    tr_mem_free(alloc, b1);
    tr_mem_free(alloc, bt);
    return TR_OK;
}
