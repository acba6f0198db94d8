/* test_markets.c — demand per market, the bilateral trade table and the
 * learning floor (model/industry/market.c).
 *
 * A small hand-made economy of three countries of equal size and two
 * technologies, 2000-2007. Each mechanism is checked against an identical
 * run without the instrument (same seeds, common random numbers) over an
 * ensemble of seeds, on the year report (tr_year_report, its trade table
 * and the imports / buyer_price fields):
 *   - a tariff of AA on BB lowers AA's imports from BB, raises the shares of
 *     AA's purchases from its own firms and from CC (third country), raises
 *     AA's buyer price index and lowers the quantity AA buys;
 *   - a buy-domestic preference of AA where AA's firms are dearer raises
 *     AA's buyer price index and lowers its quantity;
 *   - exports, consumption, production and imports equal the sums of the
 *     trade table, every year;
 *   - an export control of AA on BB in T1 stops AA's sales of T1 to BB
 *     (severity 1), moves BB's purchases to its own and CC's firms, lowers
 *     AA's production; and takes AA's lead out of BB's reach: BB's firms
 *     imitate and install toward the best of BB's and CC's firms, so where AA
 *     leads, BB's productivity in T1 ends lower against CC's;
 *   - supply chains: the control on an input raises the target's cost of the
 *     product it goes into, and lowers its share of that product's sales;
 *   - embodied technical change: a laggard's new capacity carries technology
 *     toward the frontier, so it ends closer to it;
 *   - with a learning floor, no firm's unit cost falls below cost_floor x
 *     its country's cost level after a long run of fast learning (and the
 *     floor binds: without it cost falls well below). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/state.h"
#include "techrace/techrace.h"
#include "support.h"

static const char *ECON =
    "name: markets\n"
    "seed: 11\n"
    "calendar: {start: 2000, end: 2007, steps_per_year: 4}\n"
    "categories:\n"
    "  - {id: a, name: Alpha}\n"
    "technologies:\n"
    "  - {id: T1, name: One, category: a, market_size: 10}\n"
    "  - {id: T2, name: Two, category: a, market_size: 10}\n"
    "countries:\n"
    "  - {id: AA, name: Aland, gdp: 1000, rd_intensity: 0.02, researchers: 50, diaspora: 10,\n"
    "     researcher_cost: 200, openness: 0.8, institutions: {count: 5},\n"
    "     firms: {count: 30, soe_share: 0.2, foreign_share: 0.2, cost: %s}}\n"
    "  - {id: BB, name: Bland, gdp: 1000, rd_intensity: 0.02, researchers: 50, diaspora: 10,\n"
    "     researcher_cost: 200, openness: 0.8, institutions: {count: 5},\n"
    "     firms: {count: 30, soe_share: 0.2, foreign_share: 0.2}}\n"
    "  - {id: CC, name: Cland, gdp: 1000, rd_intensity: 0.02, researchers: 50, diaspora: 10,\n"
    "     researcher_cost: 200, openness: 0.8, institutions: {count: 5},\n"
    "     firms: {count: 30, soe_share: 0.2, foreign_share: 0.2}}\n"
    "%s";

enum { NC = 3, NK = 2, NY = 8, SEEDS = 8, AA = 0, BB = 1, CC = 2 };

static tr_scenario *load_text(const char *aa_cost, const char *extra, const char *const *sets, int n_sets)
{
    char buf[4096];
    snprintf(buf, sizeof buf, ECON, aa_cost, extra ? extra : "");
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {.text = buf, .text_name = "markets", .overrides = sets, .n_overrides = n_sets};
    int rc = tr_scenario_load(&s, &src, &d);
    if (rc != TR_OK)
        tr_diag_print(&d, stderr);
    assert_int_equal(rc, TR_OK);
    tr_diag_free(&d);
    return s;
}

/* The scenario with AA's producer cost level AA_COST at the same
 * productivity as the others (`productivity` is relative to competitiveness
 * parity, so AA's is set to 1 / parity): a dearer AA is really dearer. */
static tr_scenario *load(const char *aa_cost, const char *extra, const char *const *sets, int n_sets)
{
    tr_scenario *s = load_text(aa_cost, extra, sets, n_sets);
    double q = firms_parity_q(&s->techs[0], &s->params.firms, tr_path_at(&s->countries[AA].firms.cost, s->start_year));
    if (q == 1.0)
        return s;
    tr_scenario_destroy(s);
    char set[96];
    snprintf(set, sizeof set, "countries.AA.firms.productivity=%.17g", 1.0 / q);
    const char *all[16];
    assert_true(n_sets < 16);
    for (int i = 0; i < n_sets; i++)
        all[i] = sets[i];
    all[n_sets] = set;
    return load_text(aa_cost, extra, all, n_sets + 1);
}

static tr_sim *make_sim(const tr_scenario *s, uint64_t seed)
{
    return tu_make_sim(s, seed);
}

/* What a run's year reports say about the markets. */
typedef struct yr {
    double trade_v[NC][NC][NK]; /* exporter, importer, tech: US$ bn at producer prices */
    double trade_u[NC][NC][NK]; /* units */
    double imports[NC][NK], buyer[NC][NK], cons[NC][NK], exports[NC][NK], prod[NC][NK];
    double ucost[NC][NK], wshare[NC][NK]; /* unit cost index, share of world sales */
} yr;

static void close_to(double a, double b)
{
    double tol = 1e-9 * (fabs(a) + fabs(b)) + 1e-12;
    if (fabs(a - b) > tol)
        fail_msg("%.17g != %.17g", a, b);
}

/* Run s with seed, store its year reports in y[NY], and check the trade
 * table against the country x technology accounts every year. */
static void run(const tr_scenario *s, uint64_t seed, yr *y)
{
    tr_sim *sim = make_sim(s, seed);
    const int ns = tr_scenario_n_steps(s);
    int n = 0;
    for (int st = 0; st < ns; st++) {
        const tr_year_report *rep = NULL;
        assert_true(tr_sim_step(sim, &rep) >= 0);
        if (!rep)
            continue;
        assert_true(n < NY);
        assert_int_equal(rep->n_countries, NC);
        assert_int_equal(rep->n_tech, NK);
        assert_non_null(rep->trade_value);
        assert_non_null(rep->trade_value_buyer);
        assert_non_null(rep->trade_units);
        yr *o = &y[n++];
        for (int c = 0; c < NC; c++)
            for (int m = 0; m < NC; m++)
                for (int k = 0; k < NK; k++) {
                    size_t b = ((size_t)c * NC + (size_t)m) * NK + (size_t)k;
                    o->trade_v[c][m][k] = rep->trade_value[b];
                    o->trade_u[c][m][k] = rep->trade_units[b];
                    /* buyer prices: domestic sales at producer prices, imports above them */
                    if (c == m)
                        close_to(rep->trade_value_buyer[b], rep->trade_value[b]);
                    else
                        assert_true(rep->trade_value_buyer[b] >= rep->trade_value[b]);
                }
        for (int c = 0; c < NC; c++)
            for (int k = 0; k < NK; k++) {
                const tr_ct_year *t = &rep->ct[c * NK + k];
                o->imports[c][k] = t->imports;
                o->buyer[c][k] = t->buyer_price;
                o->cons[c][k] = t->consumption;
                o->exports[c][k] = t->exports;
                o->prod[c][k] = t->production;
                o->ucost[c][k] = t->unit_cost;
                o->wshare[c][k] = t->world_share;
                double ex = 0, cons = 0, imp = 0, prod = 0;
                for (int m = 0; m < NC; m++) {
                    prod += o->trade_v[c][m][k];
                    cons += o->trade_v[m][c][k];
                    if (m != c) {
                        ex += o->trade_v[c][m][k];
                        imp += o->trade_v[m][c][k];
                    }
                }
                close_to(ex, t->exports);
                close_to(cons, t->consumption);
                close_to(imp, t->imports);
                close_to(prod, t->production);
            }
    }
    assert_int_equal(n, NY);
    tr_sim_destroy(sim);
}

static double units_bought(const yr *y, int m, int k)
{
    double u = 0;
    for (int c = 0; c < NC; c++)
        u += y->trade_u[c][m][k];
    return u;
}

/* Mean over seeds of b - a for f(year y) and the number of seeds where it is
 * positive. */
typedef double (*metric_fn)(const yr *y);

/* A tariff of AA on BB (100%, from 2003), 2006. */
static double m_imp_bb(const yr *y) { return y->trade_v[BB][AA][0]; }
static double m_share_cc(const yr *y) { return y->trade_u[CC][AA][0] / units_bought(y, AA, 0); }
static double m_share_dom(const yr *y) { return y->trade_u[AA][AA][0] / units_bought(y, AA, 0); }
static double m_buyer(const yr *y) { return y->buyer[AA][0]; }
static double m_qty(const yr *y) { return units_bought(y, AA, 0); }
static double m_imports(const yr *y) { return y->imports[AA][0]; }

static void paired(const yr (*a)[NY], const yr (*b)[NY], int year, metric_fn f, const char *what, double *mean,
                   int *pos)
{
    double s = 0;
    int p = 0;
    for (int r = 0; r < SEEDS; r++) {
        double d = f(&b[r][year]) - f(&a[r][year]);
        s += d;
        p += d > 0;
    }
    *mean = s / SEEDS;
    *pos = p;
    print_message("%-34s base %.4f  instrument %.4f  mean diff %+.4f  (positive in %d of %d seeds)\n", what,
                  f(&a[0][year]), f(&b[0][year]), *mean, p, SEEDS);
}

/* paired(), asserting that b - a has the sign `sign` in every seed. */
static void paired_all(const yr (*a)[NY], const yr (*b)[NY], int year, metric_fn f, const char *what, int sign)
{
    double d;
    int pos;
    paired(a, b, year, f, what, &d, &pos);
    if (sign > 0)
        assert_true(d > 0 && pos == SEEDS);
    else
        assert_true(d < 0 && pos == 0);
}

/* Release both arms' years and scenarios. */
static void free_arms(yr (*a)[NY], yr (*b)[NY], tr_scenario *base, tr_scenario *arm)
{
    free(a);
    free(b);
    tr_scenario_destroy(base);
    tr_scenario_destroy(arm);
}

/* Both arms over SEEDS seeds from SEED0 (common random numbers). */
static void run_arms(const tr_scenario *base, const tr_scenario *arm, uint64_t seed0, yr (*a)[NY], yr (*b)[NY])
{
    for (int r = 0; r < SEEDS; r++) {
        run(base, seed0 + (uint64_t)r, a[r]);
        run(arm, seed0 + (uint64_t)r, b[r]);
    }
}

static void test_tariff_cuts_imports_raises_buyer_price_lowers_quantity(void **state)
{
    (void)state;
    tr_scenario *base = load("1", NULL, NULL, 0);
    tr_scenario *tar = load("1",
                            "events:\n"
                            "  - {id: t, type: tariff, actor: AA, start: 2003, countries: [BB],\n"
                            "     technologies: [T1], rate: 1.0}\n",
                            NULL, 0);
    yr (*a)[NY] = calloc(SEEDS, sizeof *a), (*b)[NY] = calloc(SEEDS, sizeof *b);
    assert_true(a && b);
    run_arms(base, tar, 100, a, b);
    for (int r = 0; r < SEEDS; r++) /* same world before the tariff */
        close_to(a[r][2].buyer[AA][0], b[r][2].buyer[AA][0]);
    const int y = 6; /* 2006 */
    double d;
    int pos;
    paired_all(a, b, y, m_imp_bb, "AA imports from BB (US$ bn)", -1);
    paired(a, b, y, m_imports, "AA imports, all origins (US$ bn)", &d, &pos);
    assert_true(d < 0);
    /* purchases shift to the domestic and the third-country suppliers (in
     * units, CC's sales to AA stay about level: a larger share of a smaller
     * quantity) */
    paired_all(a, b, y, m_share_cc, "CC's share of AA's purchases", +1);
    paired_all(a, b, y, m_share_dom, "domestic share of AA's purchases", +1);
    paired_all(a, b, y, m_buyer, "AA buyer price index", +1);
    paired_all(a, b, y, m_qty, "AA quantity bought (units)", -1);
    free_arms(a, b, base, tar);
}

/* An export control of AA on BB in T1 (severity 1, from 2003), 2006. */
static double m_aa_to_bb(const yr *y) { return y->trade_v[AA][BB][0]; }
static double m_bb_dom(const yr *y) { return y->trade_u[BB][BB][0] / units_bought(y, BB, 0); }
static double m_bb_from_cc(const yr *y) { return y->trade_u[CC][BB][0] / units_bought(y, BB, 0); }
static double m_aa_prod(const yr *y) { return y->prod[AA][0]; }

static const char *XC_EVENT = "events:\n"
                              "  - {id: x, type: export_control, actor: AA, start: 2003, countries: [BB],\n"
                              "     technologies: [T1], severity: 1}\n";
/* the same in force from the start */
static const char *XC_EVENT_2000 = "events:\n"
                                   "  - {id: x, type: export_control, actor: AA, start: 2000, countries: [BB],\n"
                                   "     technologies: [T1], severity: 1}\n";

static void test_export_control_stops_sales_and_moves_purchases(void **state)
{
    (void)state;
    tr_scenario *base = load("1", NULL, NULL, 0);
    tr_scenario *xc = load("1", XC_EVENT, NULL, 0);
    yr (*a)[NY] = calloc(SEEDS, sizeof *a), (*b)[NY] = calloc(SEEDS, sizeof *b);
    assert_true(a && b);
    run_arms(base, xc, 500, a, b);
    for (int r = 0; r < SEEDS; r++) { /* the same world before it; none of AA's T1 reaches BB after */
        close_to(a[r][2].trade_v[AA][BB][0], b[r][2].trade_v[AA][BB][0]);
        assert_true(a[r][6].trade_v[AA][BB][0] > 0);
        assert_true(b[r][6].trade_v[AA][BB][0] == 0);
        assert_true(b[r][6].trade_v[AA][BB][1] > 0); /* T2 is not controlled */
    }
    const int y = 6; /* 2006 */
    paired_all(a, b, y, m_aa_to_bb, "AA's T1 sales to BB (US$ bn)", -1);
    paired_all(a, b, y, m_bb_dom, "domestic share of BB's purchases", +1);
    paired_all(a, b, y, m_bb_from_cc, "CC's share of BB's purchases", +1);
    paired_all(a, b, y, m_aa_prod, "AA's T1 production (US$ bn)", -1);
    free_arms(a, b, base, xc);
}

/* Supply chains: T2 buys half its unit cost from T1's makers. AA's export
 * control on T1 to BB cuts BB's makers of T2 off from AA's T1: their unit
 * cost rises against CC's (the same in all but the control) in every seed
 * (2006), and by the end (2007) BB's share of world T2 sales is lower in
 * every seed, though T2 itself is not controlled. */
static double m_bb_cc_t2_cost(const yr *y) { return y->ucost[BB][1] - y->ucost[CC][1]; }
static double m_bb_t2_share(const yr *y) { return y->wshare[BB][1]; }

static void test_export_control_on_an_input_raises_downstream_cost(void **state)
{
    (void)state;
    const char *sets[] = {"technologies.T2.inputs.T1=0.5"};
    tr_scenario *base = load("1", NULL, sets, 1);
    tr_scenario *xc = load("1", XC_EVENT, sets, 1);
    assert_int_equal(base->techs[1].n_inputs, 1);
    yr (*a)[NY] = calloc(SEEDS, sizeof *a), (*b)[NY] = calloc(SEEDS, sizeof *b);
    assert_true(a && b);
    run_arms(base, xc, 800, a, b);
    for (int r = 0; r < SEEDS; r++) /* the same world before the control */
        close_to(a[r][2].ucost[BB][1], b[r][2].ucost[BB][1]);
    paired_all(a, b, 6, m_bb_cc_t2_cost, "BB's T2 unit cost over CC's (difference)", +1);
    paired_all(a, b, 7, m_bb_t2_share, "BB's share of world T2 sales", -1);
    /* the link is the channel: without the input share, the same control
     * moves BB's T2 cost against CC's by far less */
    double with = 0, without = 0;
    for (int r = 0; r < SEEDS; r++)
        with += (m_bb_cc_t2_cost(&b[r][6]) - m_bb_cc_t2_cost(&a[r][6])) / SEEDS;
    free_arms(a, b, base, xc);
    base = load("1", NULL, NULL, 0);
    xc = load("1", XC_EVENT, NULL, 0);
    a = calloc(SEEDS, sizeof *a);
    b = calloc(SEEDS, sizeof *b);
    assert_true(a && b);
    run_arms(base, xc, 800, a, b);
    for (int r = 0; r < SEEDS; r++)
        without += (m_bb_cc_t2_cost(&b[r][6]) - m_bb_cc_t2_cost(&a[r][6])) / SEEDS;
    print_message("BB's T2 cost over CC's, control - none: %+.4f with the input link, %+.4f without\n", with, without);
    assert_true(fabs(without) < 0.25 * with);
    free_arms(a, b, base, xc);
}

/* AA's firms lead (productivity 3, the others 1); firms catch up by
 * imitation and by installing new capacity (embodied_catchup 1) and, so that
 * catch-up is the only change, do not innovate; the control is in force
 * from the start (catch-up is fast here): under it BB's reachable frontier in T1 is the best of BB's and CC's firms at every step
 * (CC's stays the world's), and BB's mean productivity in T1 at the end
 * (2007), against CC's (the same in all but the control), is lower than
 * without the control in every seed, and lower than without it in the mean
 * (CC's moves too: AA's firms, shut out of BB's market, hold a lower
 * frontier). */
static double mean_q(const tr_sim *sim, int c, int k)
{
    double s = 0, n = 0;
    for (int f = 0; f < sim->fi.nf; f++)
        if (sim->fi.f_alive[f] && sim->fi.f_country[f] == c && sim->fi.f_tech[f] == k) {
            s += sim->fi.f_q[f];
            n += 1;
        }
    return n > 0 ? s / n : 0;
}

static void run_frontier(const tr_scenario *s, uint64_t seed, int check, double *q_bb, double *q_cc)
{
    tr_sim *sim = make_sim(s, seed);
    const int ns = tr_scenario_n_steps(s);
    for (int st = 0; st < ns; st++) {
        const tr_year_report *rep = NULL;
        assert_true(tr_sim_step(sim, &rep) >= 0);
        if (!check)
            continue;
        const tr_firms *fi = &sim->fi;
        double free_best = fmax(fi->ct_best[BB * NK + 0], fi->ct_best[CC * NK + 0]);
        close_to(fi->ct_front[BB * NK + 0], free_best);
        close_to(fi->ct_front[CC * NK + 0], fi->k_frontier[0]);
        close_to(fi->ct_front[BB * NK + 1], fi->k_frontier[1]); /* T2 is not controlled */
        if (fi->ct_best[AA * NK + 0] > free_best)
            assert_true(fi->ct_front[BB * NK + 0] < fi->k_frontier[0]);
    }
    *q_bb = mean_q(sim, BB, 0);
    *q_cc = mean_q(sim, CC, 0);
    tr_sim_destroy(sim);
}

static void test_export_control_keeps_the_lead_out_of_reach(void **state)
{
    (void)state;
    const char *sets[] = {"countries.AA.firms.productivity=3", "parameters.firms.embodied_catchup=1",
                          "parameters.firms.innovation_rate=0", "parameters.firms.imitation_rate=5"};
    tr_scenario *base = load("1", NULL, sets, 4);
    tr_scenario *xc = load("1", XC_EVENT_2000, sets, 4);
    double dbb = 0, dcc = 0;
    int lower = 0;
    for (int r = 0; r < SEEDS; r++) {
        double qa_bb, qa_cc, qb_bb, qb_cc;
        run_frontier(base, 600 + (uint64_t)r, 0, &qa_bb, &qa_cc);
        run_frontier(xc, 600 + (uint64_t)r, 1, &qb_bb, &qb_cc);
        dbb += (qb_bb - qa_bb) / SEEDS;
        dcc += (qb_cc - qa_cc) / SEEDS;
        lower += (qb_bb - qb_cc) < (qa_bb - qa_cc);
    }
    print_message("mean T1 productivity 2007, control - none: BB %+.4f, CC %+.4f; BB - CC lower under the control in "
                  "%d of %d seeds\n", dbb, dcc, lower, SEEDS);
    assert_true(dbb < 0 && dbb < dcc && lower == SEEDS);
    tr_scenario_destroy(base);
    tr_scenario_destroy(xc);
}

/* Embodied technical change: BB's firms start behind (productivity 0.6 of
 * parity, the others at parity); with embodied_catchup 0.5 the new capacity
 * they install carries technology toward the frontier, so by the end (2007)
 * their mean productivity relative to the world's frontier in T1 is higher
 * than without it, in every seed. */
static double rel_q_end(const tr_scenario *s, uint64_t seed)
{
    tr_sim *sim = make_sim(s, seed);
    const int ns = tr_scenario_n_steps(s);
    for (int st = 0; st < ns; st++) {
        const tr_year_report *rep = NULL;
        assert_true(tr_sim_step(sim, &rep) >= 0);
    }
    double r = mean_q(sim, BB, 0) / sim->fi.k_frontier[0];
    tr_sim_destroy(sim);
    return r;
}

static void test_embodied_catchup_closes_the_gap(void **state)
{
    (void)state;
    const char *off[] = {"countries.BB.firms.productivity=0.6", "parameters.firms.embodied_catchup=0"};
    const char *on[] = {"countries.BB.firms.productivity=0.6", "parameters.firms.embodied_catchup=0.5"};
    tr_scenario *a = load("1", NULL, off, 2), *b = load("1", NULL, on, 2);
    double d = 0;
    int higher = 0;
    for (int r = 0; r < SEEDS; r++) {
        double x = rel_q_end(a, 700 + (uint64_t)r), y = rel_q_end(b, 700 + (uint64_t)r);
        d += (y - x) / SEEDS;
        higher += y > x;
    }
    print_message("BB's mean T1 productivity / frontier 2007, embodied_catchup 0.5 - 0: %+.4f (higher in %d of %d)\n",
                  d, higher, SEEDS);
    assert_true(d > 0 && higher == SEEDS);
    tr_scenario_destroy(a);
    tr_scenario_destroy(b);
}

/* AA's firms are 30% dearer (cost level 1.3); a buy-domestic preference of
 * AA on T1 from 2003 moves its purchases to them: its buyer price rises and
 * it buys fewer units. */
static void test_buy_domestic_raises_buyer_price_where_domestic_is_dearer(void **state)
{
    (void)state;
    tr_scenario *base = load("1.3", NULL, NULL, 0);
    tr_scenario *buy = load("1.3",
                            "events:\n"
                            "  - {id: b, type: buy_domestic, actor: AA, start: 2003, technologies: [T1],\n"
                            "     preference: 1.0}\n",
                            NULL, 0);
    yr (*a)[NY] = calloc(SEEDS, sizeof *a), (*b)[NY] = calloc(SEEDS, sizeof *b);
    assert_true(a && b);
    run_arms(base, buy, 200, a, b);
    double d;
    int pos;
    paired(a, b, 5, m_imports, "AA imports (US$ bn)", &d, &pos);
    assert_true(d < 0);
    paired(a, b, 5, m_buyer, "AA buyer price index", &d, &pos);
    assert_true(d > 0);
    paired(a, b, 5, m_qty, "AA quantity bought (units)", &d, &pos);
    assert_true(d < 0);
    free_arms(a, b, base, buy);
}

/* Fast learning (learning_rate 0.5) in a market growing 40% a year for 30
 * years: the lowest unit cost of any firm over its country's cost level
 * stays at or above cost_floor; without the floor it falls far below. */
static double lowest_cost_over_level(const char *floor)
{
    char over[2][64];
    snprintf(over[0], sizeof over[0], "technologies.T1.cost_floor=%s", floor);
    snprintf(over[1], sizeof over[1], "technologies.T2.cost_floor=%s", floor);
    const char *sets[] = {over[0], over[1], "technologies.T1.learning_rate=0.5", "technologies.T2.learning_rate=0.5",
                          "technologies.T1.market_growth=0.4", "technologies.T2.market_growth=0.4",
                          "calendar.end=2029"};
    tr_scenario *s = load("1", NULL, sets, (int)(sizeof sets / sizeof sets[0]));
    double lo = INFINITY;
    for (int r = 0; r < 3; r++) {
        tr_sim *sim = make_sim(s, 300 + (uint64_t)r);
        const int ns = tr_scenario_n_steps(s);
        for (int st = 0; st < ns; st++) {
            const tr_year_report *rep = NULL;
            assert_true(tr_sim_step(sim, &rep) >= 0);
            for (int f = 0; f < sim->fi.nf; f++) {
                if (!sim->fi.f_alive[f])
                    continue;
                double x = sim->fi.f_cost[f] / sim->mk.c_costlvl[sim->fi.f_country[f]];
                if (x < lo)
                    lo = x;
            }
        }
        tr_sim_destroy(sim);
    }
    tr_scenario_destroy(s);
    return lo;
}

static void test_learning_floor_holds(void **state)
{
    (void)state;
    const double floor = 0.2;
    double with = lowest_cost_over_level("0.2"), without = lowest_cost_over_level("0");
    print_message("lowest unit cost / cost level after 30 years: floor 0.2 -> %.4f, no floor -> %.4f\n", with,
                  without);
    assert_true(with >= floor * (1 - 1e-12));
    assert_true(with < 1.5 * floor);   /* the floor binds */
    assert_true(without < 0.5 * floor); /* and without it cost falls far below */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tariff_cuts_imports_raises_buyer_price_lowers_quantity),
        cmocka_unit_test(test_buy_domestic_raises_buyer_price_where_domestic_is_dearer),
        cmocka_unit_test(test_export_control_stops_sales_and_moves_purchases),
        cmocka_unit_test(test_export_control_keeps_the_lead_out_of_reach),
        cmocka_unit_test(test_export_control_on_an_input_raises_downstream_cost),
        cmocka_unit_test(test_embodied_catchup_closes_the_gap),
        cmocka_unit_test(test_learning_floor_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
