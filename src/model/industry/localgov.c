/* localgov.c — local governments ("mayor economy") and guidance funds
 * (process 2, industrial side), and the yearly firm and market metrics.
 *
 * Local governments: a country's `local_governments.count` localities share
 * its `local_budget` equally. Each backs `picks` technologies, re-chosen when
 * its official's term ends (every `cycle` years, terms staggered across
 * localities). A locality scores each technology by
 *     priority x [on the central priority list] + herding x (share of the
 *     country's localities backing it) + growth x (national output growth in
 *     it last year, clipped to [-1, 1]) + Gumbel noise
 * and backs the best. Its budget per backed technology is split into entry
 * subsidies (`entry_share`) and capacity subsidies (the rest), which pay a
 * share of investment up to the budget (at most 80%). Herding and short-term
 * growth make localities pile into the same sectors: champions and
 * overcapacity.
 *
 * Guidance funds: each year a country's `guidance_fund` money buys equity in
 * the most productive private firms without a stake in technologies that
 * localities back or that are on a priority list, those short of finance
 * first (investment cut by market.c's finance rule last step), up to 20
 * firms a year, equal amounts, as equity for research (seed 003: guidance
 * funds are a source of R&D funding for high-tech firms): the money raises
 * their net worth and they spend it on R&D over the fund's horizon, on top
 * of their own (firms_innovate: more innovation and imitation draws). After `fund_horizon` years the fund exits; the
 * stake's value follows the firm's net worth, and the yearly return is
 * recorded (a firm that exits is a total loss). */
#include <math.h>
#include <string.h>

#include "model/industry/localgov.h"
#include "model/industry/market.h"

/* Most a local government pays of a firm's capacity investment (share of
 * capex): it co-invests, the firm pays the rest (fixed: the capacity budget
 * is the lever). */
#define LOCALGOV_CAP_RATE_MAX 0.8
/* Guidance funds take stakes in at most this many firms per country and year
 * (the most productive eligible ones, equal amounts; fixed: fund_budget is
 * the lever, this spreads it as real funds do over a portfolio). */
#define FUNDS_PER_YEAR 20

/* Smallest net worth, US$ bn, a stake's value is measured against (a
 * numerical floor). */
#define FUNDS_W0_MIN 1e-12
/* Tolerance when the calendar year is taken from a step's time (rounding). */
#define FUNDS_YEAR_EPS 1e-9

static void local_dims(const tr_scenario *s, int *nl, int *pm)
{
    *nl = 0;
    *pm = 1;
    for (int c = 0; c < s->n_countries; c++) {
        *nl += s->countries[c].local.count;
        if (s->countries[c].local.picks > *pm)
            *pm = s->countries[c].local.picks;
    }
    if (*pm > s->n_tech)
        *pm = s->n_tech;
}

size_t localgov_bytes(const tr_scenario *s)
{
    int nl, pm;
    local_dims(s, &nl, &pm);
    const size_t nck = (size_t)s->n_countries * (size_t)s->n_tech;
    return tr_alloc_bytes((size_t)nl, sizeof(int)) + tr_alloc_bytes((size_t)nl * (size_t)pm, sizeof(int)) +
           4 * tr_alloc_bytes(nck, sizeof(double));
}

int localgov_init(tr_localgov *lg, const sim_ctx *run, tr_arena *A)
{
    const tr_scenario *s = run->s;
    const int nck = run->nc * run->nk;
    int nl, pm;
    local_dims(s, &nl, &pm);
    lg->nl = nl;
    lg->picks_max = pm;
    TR_ALLOC(A, lg->l_country, nl);
    TR_ALLOC(A, lg->l_backs, (size_t)nl * (size_t)pm);
    TR_ALLOC(A, lg->ct_backers, nck);
    TR_ALLOC(A, lg->ct_local_entry, nck);
    TR_ALLOC(A, lg->ct_local_cap, nck);
    TR_ALLOC(A, lg->ct_local_cap_rate, nck);
    int l = 0;
    for (int c = 0; c < run->nc; c++)
        for (int j = 0; j < s->countries[c].local.count; j++)
            lg->l_country[l++] = c;
    for (int j = 0; j < nl * pm; j++)
        lg->l_backs[j] = -1;
    return TR_OK;
}

/* Re-choose the technologies locality l backs. */
static void choose(tr_localgov *lg, const sim_ctx *run, const tr_policy *pol, const tr_markets *mk, double *score,
                   int l, int first_index, int year_index)
{
    const tr_scenario *s = run->s;
    const int nk = run->nk, c = lg->l_country[l];
    const tr_local_gen *L = &s->countries[c].local;
    const int picks = L->picks < nk ? L->picks : nk;
    tr_rng r;
    tr_rng_init(&r, run->seed, run->run_index, (uint32_t)year_index, (uint32_t)(l - first_index) | ((uint32_t)c << 20),
                TR_RNG_LOCAL);
    for (int k = 0; k < nk; k++) {
        int i = c * nk + k;
        double peers = L->count > 0 ? lg->ct_backers[i] / L->count : 0;
        double prev = mk->ct_prod_prev[i], now = mk->ct_prod_last[i];
        double growth = prev > 0 ? now / prev - 1 : 0;
        if (growth > 1)
            growth = 1;
        if (growth < -1)
            growth = -1;
        double gumbel = -log(-log(tr_rng_uniform(&r)));
        score[k] = L->priority * (pol->priority[i] > 1.0 ? 1.0 : 0.0) + L->herding * peers + L->growth * growth +
                   gumbel;
    }
    int *backs = &lg->l_backs[l * lg->picks_max];
    for (int j = 0; j < picks; j++) {
        int best = -1;
        for (int k = 0; k < nk; k++)
            if (score[k] > -INFINITY && (best < 0 || score[k] > score[best]))
                best = k;
        backs[j] = best;
        if (best >= 0)
            score[best] = -INFINITY;
    }
}

int localgov_step(tr_localgov *lg, const sim_ctx *run, const tr_policy *pol, const tr_markets *mk,
                  tr_arena *scratch, double year)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    const int year_index = run->step / run->spy;

    if (run->step % run->spy == 0 && lg->nl > 0) {
        double *score = tr_arena_calloc(scratch, (size_t)nk, sizeof(double)); /* a locality's scores */
        if (!score)
            return TR_ERR_NOMEM;
        int first = 0;
        for (int c = 0; c < nc; c++) {
            const tr_local_gen *L = &s->countries[c].local;
            for (int j = 0; j < L->count; j++) {
                int l = first + j;
                if (year_index == 0 || (year_index + j) % L->cycle == 0)
                    choose(lg, run, pol, mk, score, l, first, year_index);
            }
            first += L->count;
        }
        memset(lg->ct_backers, 0, sizeof(double) * (size_t)(nc * nk));
        for (int l = 0; l < lg->nl; l++)
            for (int j = 0; j < lg->picks_max; j++) {
                int k = lg->l_backs[l * lg->picks_max + j];
                if (k >= 0)
                    lg->ct_backers[lg->l_country[l] * nk + k] += 1;
            }
    }
    for (int c = 0; c < nc; c++) {
        const tr_local_gen *L = &s->countries[c].local;
        double budget = tr_path_at(&s->countries[c].local_budget, year);
        int picks = L->picks < nk ? L->picks : nk;
        for (int k = 0; k < nk; k++) {
            int i = c * nk + k;
            double b = L->count > 0 && picks > 0 ? budget * lg->ct_backers[i] / ((double)L->count * picks) : 0;
            lg->ct_local_entry[i] = b * L->entry_share;
            lg->ct_local_cap[i] = b * (1 - L->entry_share);
            /* Capacity subsidy rate: the budget over expected capex (a moving
             * average of past years'), at most 80%; market.c also stops paying
             * when the year's budget is spent. */
            double capex = mk->ct_capex_prev[i];
            double rate = capex > 0 ? lg->ct_local_cap[i] / capex : (lg->ct_local_cap[i] > 0 ? LOCALGOV_CAP_RATE_MAX : 0);
            lg->ct_local_cap_rate[i] = rate < LOCALGOV_CAP_RATE_MAX ? rate : LOCALGOV_CAP_RATE_MAX;
        }
    }
    return TR_OK;
}

size_t funds_bytes(const tr_scenario *s)
{
    size_t n = 0;
    for (int c = 0; c < s->n_countries; c++)
        n += (size_t)firms_slots(s, c);
    const size_t nc = (size_t)s->n_countries;
    return 2 * tr_alloc_bytes(n, sizeof(double)) + tr_alloc_bytes(n, sizeof(int)) +
           3 * tr_alloc_bytes(nc, sizeof(double));
}

int funds_init(tr_funds *fund, const sim_ctx *run, int nf_max, tr_arena *A)
{
    TR_ALLOC(A, fund->f_stake, nf_max);
    TR_ALLOC(A, fund->f_stake_W0, nf_max);
    TR_ALLOC(A, fund->f_stake_year, nf_max);
    TR_ALLOC(A, fund->yr_fund_in, run->nc);
    TR_ALLOC(A, fund->yr_fund_ret, run->nc);
    TR_ALLOC(A, fund->yr_fund_exits, run->nc);
    return TR_OK;
}

void funds_year_start(tr_funds *fund, const sim_ctx *run)
{
    memset(fund->yr_fund_in, 0, sizeof(double) * (size_t)run->nc);
    memset(fund->yr_fund_ret, 0, sizeof(double) * (size_t)run->nc);
    memset(fund->yr_fund_exits, 0, sizeof(double) * (size_t)run->nc);
}

void funds_firm_exited(tr_funds *fund, int f, int c)
{
    if (fund->f_stake[f] > 0) { /* the guidance fund loses its stake */
        fund->yr_fund_ret[c] += -1.0;
        fund->yr_fund_exits[c] += 1;
        fund->f_stake[f] = 0;
    }
}

/* The funds' order: firms short of finance before the others, then higher
 * productivity; 1 when firm a comes strictly before firm b. */
static int fund_prefers(const tr_firms *fi, int a, int b)
{
    if (fi->f_short[a] != fi->f_short[b])
        return fi->f_short[a] > fi->f_short[b];
    return fi->f_q[a] > fi->f_q[b];
}

void funds_year(tr_funds *fund, tr_firms *fi, const sim_ctx *run, const tr_policy *pol, const tr_localgov *lg,
                double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = run->nk;
    const int yr = (int)floor(year + FUNDS_YEAR_EPS);

    /* Exits first. */
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f] || fund->f_stake[f] <= 0 || yr - fund->f_stake_year[f] < P->fund_horizon)
            continue;
        int c = fi->f_country[f];
        double W0 = fund->f_stake_W0[f];
        double value = W0 > 0 ? fund->f_stake[f] * fmax(0.0, fi->f_W[f] / W0) : 0;
        double years = yr - fund->f_stake_year[f];
        double ret = value > 0 ? pow(value / fund->f_stake[f], 1.0 / years) - 1 : -1;
        fund->yr_fund_ret[c] += ret;
        fund->yr_fund_exits[c] += 1;
        fund->f_stake[f] = 0;
        firms_end_rd_equity(fi, f);
    }
    /* New stakes: the FUNDS_PER_YEAR most productive eligible firms of each country. */
    enum { PER_YEAR = FUNDS_PER_YEAR };
    for (int c = 0; c < run->nc; c++) {
        double budget = tr_path_at(&s->countries[c].fund_budget, year);
        if (budget <= 0)
            continue;
        int best[PER_YEAR];
        int n = 0;
        for (int f = 0; f < fi->nf; f++) {
            if (!fi->f_alive[f] || fi->f_country[f] != c || fund->f_stake[f] > 0)
                continue;
            int i = c * nk + fi->f_tech[f];
            if (lg->ct_backers[i] <= 0 && pol->priority[i] <= 1.0)
                continue;
            /* Firms short of finance first (their investment was cut by
             * their liquid funds and credit last step, market.c); among
             * them, and then among the rest, the most productive. */
            if (n == PER_YEAR && !fund_prefers(fi, f, best[PER_YEAR - 1]))
                continue;
            int p = n < PER_YEAR ? n++ : PER_YEAR - 1;
            while (p > 0 && fund_prefers(fi, f, best[p - 1])) {
                best[p] = best[p - 1];
                p--;
            }
            best[p] = f;
        }
        if (n == 0)
            continue;
        double each = budget / n;
        for (int j = 0; j < n; j++) {
            int f = best[j];
            const double W = firms_invest_rd_equity(fi, f, each, P->fund_horizon);
            fund->f_stake[f] = each;
            fund->f_stake_W0[f] = W > FUNDS_W0_MIN ? W : FUNDS_W0_MIN;
            fund->f_stake_year[f] = yr;
        }
        fund->yr_fund_in[c] += budget;
    }
}
