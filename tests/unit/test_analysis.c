/* test_analysis.c — designs, summaries, paired comparisons and sensitivity
 * indices, checked against analytic results (Ishigami and Sobol's G
 * function have known Sobol indices; a linear function has known
 * elementary effects). The model's sensitivity command goes through the
 * same sample and analyze functions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "techrace/analysis.h"
#include "techrace/diag.h"

#define PI 3.14159265358979323846

static void test_grid(void **state)
{
    (void)state;
    int levels[] = {3, 2, 1};
    size_t n = 0;
    assert_int_equal(tr_design_grid(3, levels, NULL, &n), TR_OK);
    assert_int_equal(n, 6);
    double x[18];
    assert_int_equal(tr_design_grid(3, levels, x, &n), TR_OK);
    /* every combination once: first dimension 0, .5, 1; second 0, 1; third .5 */
    int seen[3][2] = {{0}};
    for (size_t i = 0; i < n; i++) {
        int a = (int)lround(x[i * 3] * 2), b = (int)lround(x[i * 3 + 1]);
        assert_true(a >= 0 && a <= 2 && b >= 0 && b <= 1);
        seen[a][b]++;
        assert_true(x[i * 3 + 2] == 0.5);
    }
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 2; b++)
            assert_int_equal(seen[a][b], 1);
    int bad[] = {0};
    assert_int_equal(tr_design_grid(1, bad, NULL, &n), TR_ERR_INPUT);
}

static void test_lhs_strata(void **state)
{
    (void)state;
    enum { N = 97, D = 5 };
    double x[N * D];
    assert_int_equal(tr_design_lhs(N, D, 42, x), TR_OK);
    for (int j = 0; j < D; j++) {
        int hits[N] = {0};
        for (int i = 0; i < N; i++) {
            double v = x[i * D + j];
            assert_true(v > 0 && v < 1);
            hits[(int)floor(v * N)]++;
        }
        for (int s = 0; s < N; s++)
            assert_int_equal(hits[s], 1);
    }
    /* deterministic in the seed, different across seeds */
    double y[N * D], z[N * D];
    tr_design_lhs(N, D, 42, y);
    tr_design_lhs(N, D, 43, z);
    assert_memory_equal(x, y, sizeof x);
    assert_true(memcmp(x, z, sizeof x) != 0);
}

static void test_quantiles(void **state)
{
    (void)state;
    /* Reference values of R's qnorm and qt. */
    assert_true(fabs(tr_normal_quantile(0.975) - 1.959963984540054) < 1e-12);
    assert_true(fabs(tr_normal_quantile(0.001) + 3.090232306167813) < 1e-11);
    assert_true(fabs(tr_t_quantile(0.975, 1) - 12.70620473617471) < 1e-9);
    assert_true(fabs(tr_t_quantile(0.975, 2) - 4.302652729911275) < 1e-9);
    assert_true(fabs(tr_t_quantile(0.975, 3) - 3.182446305284263) < 1e-9);
    assert_true(fabs(tr_t_quantile(0.975, 10) - 2.228138851986274) < 1e-9);
    assert_true(fabs(tr_t_quantile(0.025, 29) + 2.045229642132703) < 1e-9);
    assert_true(isnan(tr_t_quantile(1.5, 3)));
}

static void test_summary(void **state)
{
    (void)state;
    double v[] = {5, 1, NAN, 3, 2, 4};
    tr_summary s;
    assert_int_equal(tr_summarize(v, 6, NULL, NULL, &s), TR_OK);
    assert_int_equal(s.n, 5);
    assert_true(fabs(s.mean - 3) < 1e-15);
    assert_true(fabs(s.sd - sqrt(2.5)) < 1e-15);
    assert_true(fabs(s.q50 - 3) < 1e-15);
    assert_true(fabs(s.q05 - 1.2) < 1e-12); /* type 7: 1 + 0.2 * (2 - 1) */
    assert_true(fabs(s.q95 - 4.8) < 1e-12);
}

static void test_paired(void **state)
{
    (void)state;
    enum { N = 30 };
    double a[N], b[N], c[N];
    for (int i = 0; i < N; i++) {
        a[i] = sin(i * 1.7) * 10;       /* "seed noise" shared by both arms */
        b[i] = a[i];                     /* the same scenario */
        c[i] = a[i] + 0.5 + 0.3 * cos(i * 2.3); /* a real effect of about +0.5 */
    }
    tr_paired_diff d;
    assert_int_equal(tr_compare_paired(a, b, N, 0.05, &d), TR_OK);
    assert_int_equal(d.n, N);
    assert_true(d.diff == 0 && !d.distinguishable);
    assert_int_equal(tr_compare_paired(a, c, N, 0.05, &d), TR_OK);
    assert_true(d.distinguishable && d.diff > 0 && d.lo > 0 && d.lo < 0.5 && d.hi > 0.5);
    assert_int_equal(tr_compare_paired(c, a, N, 0.05, &d), TR_OK);
    assert_true(d.distinguishable && d.diff < 0);
    /* pure noise around zero is not distinguishable */
    for (int i = 0; i < N; i++)
        c[i] = a[i] + ((i % 2) ? 0.3 : -0.3);
    assert_int_equal(tr_compare_paired(a, c, N, 0.05, &d), TR_OK);
    assert_false(d.distinguishable);
}

static void test_morris_linear(void **state)
{
    (void)state;
    enum { D = 4, R = 10, P = 4 };
    const double coef[D] = {3, -2, 0.5, 0};
    double x[R * (D + 1) * D], y[R * (D + 1)];
    assert_int_equal(tr_morris_sample(D, R, P, 7, x), TR_OK);
    for (int i = 0; i < R * (D + 1); i++) {
        y[i] = 1;
        for (int j = 0; j < D; j++) {
            assert_true(x[i * D + j] >= 0 && x[i * D + j] <= 1);
            y[i] += coef[j] * x[i * D + j];
        }
    }
    tr_morris_index mi[D];
    assert_int_equal(tr_morris_analyze(D, R, x, y, 200, 0.95, 1, NULL, mi), TR_OK);
    for (int j = 0; j < D; j++) {
        assert_true(fabs(mi[j].mu - coef[j]) < 1e-12);
        assert_true(fabs(mi[j].mu_star - fabs(coef[j])) < 1e-12);
        assert_true(mi[j].sigma < 1e-12);
    }
}

/* Sobol's G function: V_i = 1 / (3 (1 + a_i)^2). */
static double g_function(const double *x, const double *a, int d)
{
    double g = 1;
    for (int j = 0; j < d; j++)
        g *= (fabs(4 * x[j] - 2) + a[j]) / (1 + a[j]);
    return g;
}

static void test_morris_g_ranking(void **state)
{
    (void)state;
    enum { D = 6, R = 60, P = 4 };
    const double a[D] = {0, 1, 4.5, 9, 99, 99};
    double *x = malloc(sizeof(double) * R * (D + 1) * D), *y = malloc(sizeof(double) * R * (D + 1));
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(tr_morris_sample(D, R, P, 11, x), TR_OK);
    for (int i = 0; i < R * (D + 1); i++)
        y[i] = g_function(x + i * D, a, D);
    tr_morris_index mi[D];
    assert_int_equal(tr_morris_analyze(D, R, x, y, 500, 0.95, 3, NULL, mi), TR_OK);
    /* importance falls with a_i: mu* ordered, the two a = 99 inputs near 0 */
    for (int j = 0; j + 1 < 4; j++)
        assert_true(mi[j].mu_star > mi[j + 1].mu_star);
    assert_true(mi[4].mu_star < 0.1 * mi[0].mu_star && mi[5].mu_star < 0.1 * mi[0].mu_star);
    for (int j = 0; j < D; j++)
        assert_true(mi[j].mu_star_lo <= mi[j].mu_star && mi[j].mu_star <= mi[j].mu_star_hi);
    free(x);
    free(y);
}

/* Run the Sobol pipeline on f over [lo, hi]^d and check every index's
 * bootstrap interval (99%) holds the analytic value. */
static void check_sobol(int d, size_t n, double lo, double hi, double (*f)(const double *, int),
                        const double *s1, const double *st)
{
    size_t rows = n * (size_t)(d + 2);
    double *x = malloc(sizeof(double) * rows * (size_t)d), *y = malloc(sizeof(double) * rows);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(tr_sobol_sample((size_t)d, n, 2024, x), TR_OK);
    double los[8], his[8];
    for (int j = 0; j < d; j++) {
        los[j] = lo;
        his[j] = hi;
    }
    tr_design_scale(rows, (size_t)d, x, los, his);
    for (size_t i = 0; i < rows; i++)
        y[i] = f(x + i * (size_t)d, d);
    tr_sobol_index si[8];
    assert_int_equal(tr_sobol_analyze((size_t)d, n, y, 400, 0.99, 5, NULL, si), TR_OK);
    for (int j = 0; j < d; j++) {
        print_message("  x%d: S1 %.4f [%.4f, %.4f] (true %.4f)  ST %.4f [%.4f, %.4f] (true %.4f)\n", j + 1,
                      si[j].s1, si[j].s1_lo, si[j].s1_hi, s1[j], si[j].st, si[j].st_lo, si[j].st_hi, st[j]);
        assert_true(si[j].s1_lo <= s1[j] && s1[j] <= si[j].s1_hi);
        assert_true(si[j].st_lo <= st[j] && st[j] <= si[j].st_hi);
        assert_true(si[j].s1_hi - si[j].s1_lo < 0.1 && si[j].st_hi - si[j].st_lo < 0.1);
    }
    free(x);
    free(y);
}

static double ishigami(const double *x, int d)
{
    (void)d;
    const double a = 7, b = 0.1;
    return sin(x[0]) + a * sin(x[1]) * sin(x[1]) + b * pow(x[2], 4) * sin(x[0]);
}

static void test_sobol_ishigami(void **state)
{
    (void)state;
    const double a = 7, b = 0.1, p4 = pow(PI, 4), p8 = pow(PI, 8);
    double V1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5), V2 = a * a / 8;
    double V13 = b * b * p8 * (1.0 / 18 - 1.0 / 50);
    double V = V1 + V2 + V13;
    double s1[3] = {V1 / V, V2 / V, 0}, st[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    check_sobol(3, 20000, -PI, PI, ishigami, s1, st);
}

static const double g_a[6] = {0, 0.5, 3, 9, 99, 99};

static double g6(const double *x, int d)
{
    return g_function(x, g_a, d);
}

static void test_sobol_g(void **state)
{
    (void)state;
    double Vi[6], prod = 1;
    for (int j = 0; j < 6; j++) {
        Vi[j] = 1.0 / (3 * (1 + g_a[j]) * (1 + g_a[j]));
        prod *= 1 + Vi[j];
    }
    double V = prod - 1, s1[6], st[6];
    for (int j = 0; j < 6; j++) {
        s1[j] = Vi[j] / V;
        st[j] = Vi[j] * prod / (1 + Vi[j]) / V;
    }
    check_sobol(6, 20000, 0, 1, g6, s1, st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),         cmocka_unit_test(test_lhs_strata),
        cmocka_unit_test(test_quantiles),    cmocka_unit_test(test_summary),
        cmocka_unit_test(test_paired),       cmocka_unit_test(test_morris_linear),
        cmocka_unit_test(test_morris_g_ranking), cmocka_unit_test(test_sobol_ishigami),
        cmocka_unit_test(test_sobol_g),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
