/* test_talent.c — scarce talent: a visa restriction lowers the host's
 * researchers and research; the graduate pipeline limits how fast vacant
 * posts are filled; people-embodied knowledge flows shrink with migration
 * and returnees bring knowledge home. Small ensembles of a tiny scenario,
 * common random numbers (same seed in both arms). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "techrace/techrace.h"
#include "support.h"

/* Three countries, four technologies, 2000-2009, quarterly. AA's economy
 * grows ~5% a year, so its funded posts run ahead of its researchers. */
static const char *TINY =
    "name: tiny-talent\n"
    "seed: 11\n"
    "calendar: {start: 2000, end: 2009, steps_per_year: 4}\n"
    "categories:\n"
    "  - {id: a, name: Alpha}\n"
    "  - {id: b, name: Beta}\n"
    "technologies:\n"
    "  - {id: T1, name: One, category: a, spillovers: {T2: 0.2}}\n"
    "  - {id: T2, name: Two, category: a}\n"
    "  - {id: T3, name: Three, category: b}\n"
    "  - {id: T4, name: Four, category: b}\n"
    "countries:\n"
    "  - {id: AA, name: Aland, gdp: {2000: 1000, 2009: 1550}, rd_intensity: 0.02, researchers: 100,\n"
    "     diaspora: 20, researcher_cost: 200, openness: 0.8, institutions: {count: 30}}\n"
    "  - {id: BB, name: Bland, gdp: 1000, rd_intensity: 0.02, researchers: 100, diaspora: 20,\n"
    "     researcher_cost: 200, openness: 0.8, outbound_rate: 0.05, institutions: {count: 30}}\n"
    "  - {id: CC, name: Cland, gdp: 500, rd_intensity: 0.015, researchers: 40, diaspora: 10,\n"
    "     researcher_cost: 200, openness: 0.8, outbound_rate: 0.05, institutions: {count: 20}, ranked: false}\n";

#define NSEEDS 8
#define NYEARS 10
#define NC 3
#define NK 4

typedef struct collected {
    int years;
    double researchers[NYEARS][NC];
    double papers[NYEARS][NC][NK];
    double hi[NYEARS][NC];
    double know[NYEARS][NC][NK];
    double returnees[NYEARS][NC];
} collected;

static int collect(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    (void)sim;
    collected *c = ctx;
    int y = c->years++;
    if (y >= NYEARS)
        return 1;
    for (int i = 0; i < rep->n_countries && i < NC; i++) {
        c->researchers[y][i] = rep->country[i].researchers;
        c->hi[y][i] = rep->country[i].hi_papers;
        c->returnees[y][i] = rep->country[i].returnees;
        for (int k = 0; k < rep->n_tech && k < NK; k++) {
            c->papers[y][i][k] = rep->ct[i * rep->n_tech + k].papers;
            c->know[y][i][k] = rep->ct[i * rep->n_tech + k].knowledge;
        }
    }
    return 0;
}

static tr_scenario *load(const char *extra, const char *const *sets, int n_sets)
{
    return tu_load(TINY, extra, "tiny-talent", sets, n_sets);
}

static void run_collect(const tr_scenario *s, uint64_t seed, collected *out)
{
    memset(out, 0, sizeof *out);
    tu_run(s, seed, collect, out);
    assert_int_equal(out->years, NYEARS);
}

/* Mean and standard error of paired differences. */
static void mean_se(const double *x, int n, double *mean, double *se)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *se = n > 1 ? sqrt(v / (n - 1) / n) : 0;
}

/* (a) AA blocks researchers from BB and CC from 2003: AA has fewer
 * researchers and produces fewer papers in every technology, and fewer
 * high-impact papers, by more than twice the standard error of the paired
 * difference over 8 seeds. */
static void test_visa_lowers_host_research(void **state)
{
    (void)state;
    tr_scenario *base = load(NULL, NULL, 0);
    tr_scenario *vr = load("events:\n"
                           "  - {id: v, type: visa_restriction, actor: AA, countries: [BB, CC], start: 2003,\n"
                           "     severity: 0.9}\n",
                           NULL, 0);
    collected *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    double dr[NSEEDS], dp[NK][NSEEDS], dh[NSEEDS];
    for (int r = 0; r < NSEEDS; r++) {
        run_collect(base, 100 + (uint64_t)r, a);
        run_collect(vr, 100 + (uint64_t)r, b);
        /* nothing differs before the restriction */
        assert_true(fabs(b->researchers[2][0] - a->researchers[2][0]) < 1e-9);
        dr[r] = b->researchers[8][0] - a->researchers[8][0];
        dh[r] = 0;
        for (int y = 5; y <= 9; y++)
            dh[r] += b->hi[y][0] - a->hi[y][0];
        for (int k = 0; k < NK; k++)
            dp[k][r] = b->papers[8][0][k] - a->papers[8][0][k];
    }
    double m, se;
    mean_se(dr, NSEEDS, &m, &se);
    assert_true(m < 0 && m + 2 * se < 0);
    for (int k = 0; k < NK; k++) {
        mean_se(dp[k], NSEEDS, &m, &se);
        assert_true(m < 0 && m + 2 * se < 0);
    }
    mean_se(dh, NSEEDS, &m, &se);
    assert_true(m < 0 && m + 2 * se < 0);
    free(a);
    free(b);
    tr_scenario_destroy(base);
    tr_scenario_destroy(vr);
}

/* (b) With no migration, AA's funded posts double in 2003 (its R&D
 * doubles): the posts are filled no faster than a pipeline that grows by
 * pipeline_growth_max of itself a year allows, and a faster pipeline fills
 * them faster. The bound iterates the model's inequalities: intake <= G a
 * year, G grows by at most g x max(G, attrition x H) a year, retirements
 * H x (1 - exp(-attrition dt)) a step. */
static void test_pipeline_limits_refilling(void **state)
{
    (void)state;
    const char *ev = "events:\n"
                     "  - {id: r, type: rd_funding, actor: AA, start: 2003, rd_intensity_scale: 2.0}\n";
    const char *slow_sets[] = {"parameters.talent.foreign_share_max=0", "countries.AA.diaspora=0",
                               "countries.BB.diaspora=0",                "countries.CC.diaspora=0",
                               "countries.AA.gdp=1000",                  "parameters.talent.pipeline_growth_max=0.05"};
    const char *fast_sets[] = {"parameters.talent.foreign_share_max=0", "countries.AA.diaspora=0",
                               "countries.BB.diaspora=0",                "countries.CC.diaspora=0",
                               "countries.AA.gdp=1000",                  "parameters.talent.pipeline_growth_max=1"};
    tr_scenario *slow = load(ev, slow_sets, 6), *fast = load(ev, fast_sets, 6);
    const tr_params_talent *P = &slow->params.talent;
    collected *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    for (int r = 0; r < 4; r++) {
        run_collect(slow, 200 + (uint64_t)r, a);
        run_collect(fast, 200 + (uint64_t)r, b);
        /* posts were filled before the shock: the pipeline ran at the
         * replacement flow (a little more: attrition H, plus intake_rate of a
         * gap of less than 1%) */
        double H0 = a->researchers[2][0];
        assert_true(fabs(H0 - 100) < 1.0);
        double Hb = H0, Gb = P->attrition * H0 + P->intake_rate * 1.0;
        const double dt = 0.25, g = P->pipeline_growth_max, m = 1 - exp(-P->attrition * dt);
        for (int n = 0; n < 16; n++) { /* 2003-2006 */
            Hb = Hb * (1 - m) + dt * Gb;
            Gb += g * dt * (Gb > P->attrition * Hb ? Gb : P->attrition * Hb);
        }
        assert_true(a->researchers[6][0] <= Hb + 1e-9);
        /* the posts (about 200) stay mostly vacant with a slow pipeline */
        assert_true(a->researchers[6][0] < 110);
        /* a fast pipeline fills them faster, beyond the slow one's bound */
        assert_true(b->researchers[6][0] > Hb + 10);
        /* and the vacant posts cost research: papers follow staffing */
        double pa = 0, pb = 0;
        for (int k = 0; k < NK; k++) {
            pa += a->papers[6][0][k];
            pb += b->papers[6][0][k];
        }
        assert_true(pb > 1.1 * pa);
    }
    free(a);
    free(b);
    tr_scenario_destroy(slow);
    tr_scenario_destroy(fast);
}

/* (c) The people-embodied gain of knowledge (people_spill 0.5 against 0)
 * is smaller when AA and BB block each other's researchers from 2001: fewer
 * migrants link the two, less knowledge flows both ways. */
static void test_people_flow_needs_migrants(void **state)
{
    (void)state;
    const char *vis = "events:\n"
                      "  - {id: v1, type: visa_restriction, actor: AA, countries: [BB], start: 2001, severity: 1}\n"
                      "  - {id: v2, type: visa_restriction, actor: BB, countries: [AA], start: 2001, severity: 1}\n";
    const char *on[] = {"parameters.talent.people_spill=0.5", "parameters.talent.returnee_knowledge=0"};
    const char *off[] = {"parameters.talent.people_spill=0", "parameters.talent.returnee_knowledge=0"};
    tr_scenario *base_on = load(NULL, on, 2), *base_off = load(NULL, off, 2);
    tr_scenario *vis_on = load(vis, on, 2), *vis_off = load(vis, off, 2);
    collected *x = malloc(sizeof *x), *y = malloc(sizeof *y), *u = malloc(sizeof *u), *v = malloc(sizeof *v);
    for (int country = 0; country < 2; country++) {
        double gain_base = 0, gain_vis = 0;
        for (int r = 0; r < 4; r++) {
            run_collect(base_on, 300 + (uint64_t)r, x);
            run_collect(base_off, 300 + (uint64_t)r, y);
            run_collect(vis_on, 300 + (uint64_t)r, u);
            run_collect(vis_off, 300 + (uint64_t)r, v);
            for (int k = 0; k < NK; k++) {
                gain_base += x->know[8][country][k] - y->know[8][country][k];
                gain_vis += u->know[8][country][k] - v->know[8][country][k];
            }
        }
        assert_true(gain_base > 0);
        assert_true(gain_vis < 0.85 * gain_base);
    }
    free(x);
    free(y);
    free(u);
    free(v);
    tr_scenario_destroy(base_on);
    tr_scenario_destroy(base_off);
    tr_scenario_destroy(vis_on);
    tr_scenario_destroy(vis_off);
}

/* Returnees bring the host's lead home: CC, the smallest system, knows more
 * with returnee_knowledge 1 than with 0; more returns (a talent programme)
 * bring more. */
static void test_returnees_bring_knowledge(void **state)
{
    (void)state;
    const char *on[] = {"parameters.talent.returnee_knowledge=1"};
    const char *off[] = {"parameters.talent.returnee_knowledge=0"};
    const char *tp = "events:\n"
                     "  - {id: t, type: talent_programme, actor: CC, start: 2002, return_boost: 2.0}\n";
    tr_scenario *s_on = load(NULL, on, 1), *s_off = load(NULL, off, 1);
    tr_scenario *t_on = load(tp, on, 1), *t_off = load(tp, off, 1);
    collected *a = malloc(sizeof *a), *b = malloc(sizeof *b), *c = malloc(sizeof *c), *d = malloc(sizeof *d);
    double gain = 0, gain_tp = 0;
    for (int r = 0; r < 4; r++) {
        run_collect(s_on, 400 + (uint64_t)r, a);
        run_collect(s_off, 400 + (uint64_t)r, b);
        run_collect(t_on, 400 + (uint64_t)r, c);
        run_collect(t_off, 400 + (uint64_t)r, d);
        for (int k = 0; k < NK; k++) {
            gain += a->know[8][2][k] - b->know[8][2][k];
            gain_tp += c->know[8][2][k] - d->know[8][2][k];
        }
        assert_true(c->returnees[6][2] > a->returnees[6][2]);
    }
    assert_true(gain > 0);
    assert_true(gain_tp > gain);
    free(a);
    free(b);
    free(c);
    free(d);
    tr_scenario_destroy(s_on);
    tr_scenario_destroy(s_off);
    tr_scenario_destroy(t_on);
    tr_scenario_destroy(t_off);
}

/* BB's returnees summed over years y0..y1: paired differences B - A over
 * NSEEDS seeds from seed0 (common random numbers), their mean and standard
 * error, and arm A's mean (base); check(a, b, ctx), if given, runs on each
 * pair. */
typedef struct paired {
    double m, se, base;
} paired;

static paired bb_returns(const tr_scenario *s0, const tr_scenario *s1, uint64_t seed0, int y0, int y1,
                         void (*check)(const collected *, const collected *, void *), void *ctx)
{
    collected *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_true(a && b);
    double d[NSEEDS];
    paired p = {0, 0, 0};
    for (int r = 0; r < NSEEDS; r++) {
        run_collect(s0, seed0 + (uint64_t)r, a);
        run_collect(s1, seed0 + (uint64_t)r, b);
        if (check)
            check(a, b, ctx);
        d[r] = 0;
        for (int y = y0; y <= y1; y++) {
            d[r] += b->returnees[y][1] - a->returnees[y][1];
            p.base += a->returnees[y][1] / NSEEDS;
        }
    }
    mean_se(d, NSEEDS, &p.m, &p.se);
    free(a);
    free(b);
    return p;
}

/* Before the restriction starts (2002) the two arms agree. */
static void same_before_2003(const collected *a, const collected *b, void *ctx)
{
    (void)ctx;
    assert_true(fabs(b->returnees[2][1] - a->returnees[2][1]) < 1e-12);
}

/* (e) A restriction pushes people home: AA restricts researchers from BB
 * from 2003 (severity 0.5). With return_push 4 more of BB's researchers in
 * AA return in 2004-2008 than with return_push 0 (same seeds), by more than
 * twice the standard error of the paired difference; before 2003 the two
 * arms are identical. */
static void test_restriction_pushes_returns(void **state)
{
    (void)state;
    const char *ev = "events:\n"
                     "  - {id: v, type: visa_restriction, actor: AA, countries: [BB], start: 2003, severity: 0.5}\n";
    const char *off[] = {"parameters.talent.return_push=0"}, *on[] = {"parameters.talent.return_push=4"};
    tr_scenario *a0 = load(ev, off, 1), *a1 = load(ev, on, 1);
    paired p = bb_returns(a0, a1, 300, 4, 8, same_before_2003, NULL);
    print_message("return push: BB's returnees 2004-2008 %+.3f [se %.3f] (thousands; %.3f without the push)\n", p.m,
                  p.se, p.base);
    assert_true(p.m > 0 && p.m - 2 * p.se > 0);
    assert_true(p.m > 0.3 * p.base);
    tr_scenario_destroy(a0);
    tr_scenario_destroy(a1);
}

/* Adds arm A's ratio of BB's to AA's high-impact papers per researcher in
 * 2005, over NSEEDS, to *ctx. */
static void add_hi_ratio(const collected *a, const collected *b, void *ctx)
{
    (void)b;
    *(double *)ctx += (a->hi[5][1] / a->researchers[5][1]) / (a->hi[5][0] / a->researchers[5][0]) / NSEEDS;
}

/* (f) Research standing draws researchers home: BB's researchers are of
 * higher quality (talent_quality 2), so BB writes more high-impact papers
 * per researcher than the others with the same R&D money per researcher.
 * With standing_elasticity 2 its diaspora returns more than with 0 (money
 * alone): about 4% more, 5 standard errors over 8 seeds (9% when the
 * initial diasporas were still placed by money alone). */
static void test_standing_draws_returns(void **state)
{
    (void)state;
    const char *off[] = {"countries.BB.talent_quality=2", "parameters.talent.standing_elasticity=0"};
    const char *on[] = {"countries.BB.talent_quality=2", "parameters.talent.standing_elasticity=2"};
    tr_scenario *a0 = load(NULL, off, 2), *a1 = load(NULL, on, 2);
    double hi_ratio = 0;
    paired p = bb_returns(a0, a1, 400, 2, 8, add_hi_ratio, &hi_ratio);
    print_message("standing: BB's high-impact papers per researcher %.2fx AA's; BB's returnees 2002-2008 %+.3f [se %.3f] "
                  "(thousands; %.3f with money alone)\n", hi_ratio, p.m, p.se, p.base);
    assert_true(hi_ratio > 1.2);
    assert_true(p.m > 0 && p.m - 2 * p.se > 0);
    assert_true(p.m > 0.02 * p.base);
    tr_scenario_destroy(a0);
    tr_scenario_destroy(a1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visa_lowers_host_research),
        cmocka_unit_test(test_pipeline_limits_refilling),
        cmocka_unit_test(test_people_flow_needs_migrants),
        cmocka_unit_test(test_returnees_bring_knowledge),
        cmocka_unit_test(test_restriction_pushes_returns),
        cmocka_unit_test(test_standing_draws_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
