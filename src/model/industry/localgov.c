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
 * Guidance funds: each year-end a country's `guidance_fund` money goes to
 * the technologies its policy targets, in proportion to their targeting
 * weight (the priority lists' extra weight plus the share of localities
 * backing them; seed 003), and the money of dedicated funds (`guidance_fund`
 * events, e.g. the IC Big Fund) to their technologies. In each technology it
 * buys equity in the largest domestic firms without a stake (about 20 stakes
 * a year, shared over the technologies in proportion to their money, at
 * least one each), equal amounts within a technology, as equity for research (seed 003: guidance funds are a source
 * of R&D funding for high-tech firms): the money raises their net worth and
 * they spend it on R&D over the fund's horizon, on top of their own
 * (firms_innovate: more innovation and imitation draws). After
 * `fund_horizon` years the fund exits; the
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
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech;
    return 2 * tr_alloc_bytes(n, sizeof(double)) + tr_alloc_bytes(n, sizeof(int)) +
           3 * tr_alloc_bytes(nc, sizeof(double)) + 2 * tr_alloc_bytes(nk, sizeof(double)) +
           2 * tr_alloc_bytes(nk, sizeof(int)) + tr_alloc_bytes(nk * FUNDS_PER_YEAR, sizeof(int));
}

int funds_init(tr_funds *fund, const sim_ctx *run, int nf_max, tr_arena *A)
{
    TR_ALLOC(A, fund->f_stake, nf_max);
    TR_ALLOC(A, fund->f_stake_W0, nf_max);
    TR_ALLOC(A, fund->f_stake_year, nf_max);
    TR_ALLOC(A, fund->yr_fund_in, run->nc);
    TR_ALLOC(A, fund->yr_fund_ret, run->nc);
    TR_ALLOC(A, fund->yr_fund_exits, run->nc);
    TR_ALLOC(A, fund->k_money, run->nk);
    TR_ALLOC(A, fund->k_dedic, run->nk);
    TR_ALLOC(A, fund->k_want, run->nk);
    TR_ALLOC(A, fund->k_got, run->nk);
    TR_ALLOC(A, fund->k_best, run->nk * FUNDS_PER_YEAR);
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

/* The funds' order within a technology: larger sales first (guidance funds
 * back a technology's established producers, as the IC Big Fund backed
 * SMIC, YMTC and Hua Hong); 1 when firm a comes strictly before firm b. */
static int fund_prefers(const tr_firms *fi, int a, int b)
{
    return fi->f_rev_rate[a] > fi->f_rev_rate[b];
}

/* Firm f can take a new stake from country c's funds: a live domestic firm
 * (not foreign-invested) without a stake. */
static int fund_eligible(const tr_funds *fund, const tr_firms *fi, int f, int c)
{
    return fi->f_alive[f] && fi->f_country[f] == c && fi->f_type[f] != TR_FIRM_FOREIGN && fund->f_stake[f] <= 0;
}

/* Targeting weight of technology k for country c's general funds (its
 * `guidance_fund` money): the priority lists' extra weight plus the share
 * of its local governments backing it (seed 003: local funding "almost
 * exclusively follows centrally-decided targets"); 0 where nobody targets. */
static double funds_weight(const tr_scenario *s, const tr_policy *pol, const tr_localgov *lg, int c, int k)
{
    const int i = c * s->n_tech + k;
    const int count = s->countries[c].local.count;
    const double w = fmax(0.0, pol->priority[i] - 1.0) + (count > 0 ? lg->ct_backers[i] / count : 0.0);
    return w > 0 ? w : 0.0;
}

/* Place country c's money of year yr: the general `budget` over the
 * targeted technologies that have an eligible firm, in proportion to their
 * weight (funds_weight), plus the dedicated funds' money of each technology
 * (policy_fund_year). A technology's money m_k is split equally over its
 * ceil(FUNDS_PER_YEAR x m_k / sum m) largest eligible firms (fewer if it has
 * fewer; firms are compared within a technology only). Returns what was put
 * in: money for a technology without an eligible firm is not spent. */
static double funds_place(tr_funds *fund, tr_firms *fi, const sim_ctx *run, const tr_policy *pol,
                          const tr_localgov *lg, int c, double budget, int yr)
{
    const tr_scenario *s = run->s;
    const int nk = run->nk, lo = fi->c_first[c], hi = fi->c_first[c + 1] < fi->nf ? fi->c_first[c + 1] : fi->nf;
    memset(fund->k_got, 0, sizeof(int) * (size_t)nk);
    for (int f = lo; f < hi; f++) /* k_got: 1 where the technology has an eligible firm */
        if (fund_eligible(fund, fi, f, c))
            fund->k_got[fi->f_tech[f]] = 1;
    double wsum = 0;
    for (int k = 0; k < nk; k++) {
        fund->k_want[k] = 0;
        fund->k_money[k] = budget > 0 && fund->k_got[k] ? funds_weight(s, pol, lg, c, k) : 0;
        wsum += fund->k_money[k];
    }
    /* k_dedic: the dedicated funds' money of each technology */
    policy_fund_year(run, c, yr, fund->k_dedic);
    double total = 0;
    for (int k = 0; k < nk; k++) {
        fund->k_money[k] = (wsum > 0 ? budget * fund->k_money[k] / wsum : 0) + (fund->k_got[k] ? fund->k_dedic[k] : 0);
        total += fund->k_money[k];
    }
    if (total <= 0)
        return 0;
    for (int k = 0; k < nk; k++) {
        const double w = fund->k_money[k] / total;
        fund->k_want[k] = w > 0 ? (int)ceil(FUNDS_PER_YEAR * w - FUNDS_YEAR_EPS) : 0;
        if (w > 0 && fund->k_want[k] < 1)
            fund->k_want[k] = 1;
        fund->k_got[k] = 0;
    }
    for (int f = lo; f < hi; f++) {
        if (!fund_eligible(fund, fi, f, c))
            continue;
        const int k = fi->f_tech[f], want = fund->k_want[k];
        if (want == 0)
            continue;
        int *best = fund->k_best + k * FUNDS_PER_YEAR;
        int n = fund->k_got[k];
        if (n == want && !fund_prefers(fi, f, best[want - 1]))
            continue;
        int p = n < want ? n++ : want - 1;
        while (p > 0 && fund_prefers(fi, f, best[p - 1])) {
            best[p] = best[p - 1];
            p--;
        }
        best[p] = f;
        fund->k_got[k] = n;
    }
    double placed = 0;
    for (int k = 0; k < nk; k++) {
        const int n = fund->k_got[k];
        if (n == 0)
            continue;
        const double each = fund->k_money[k] / n;
        for (int j = 0; j < n; j++) {
            const int f = fund->k_best[k * FUNDS_PER_YEAR + j];
            const double W = firms_invest_rd_equity(fi, f, each, s->params.firms.fund_horizon);
            fund->f_stake[f] = each;
            fund->f_stake_W0[f] = W > FUNDS_W0_MIN ? W : FUNDS_W0_MIN;
            fund->f_stake_year[f] = yr;
        }
        placed += fund->k_money[k];
    }
    return placed;
}

void funds_year(tr_funds *fund, tr_firms *fi, const sim_ctx *run, const tr_policy *pol, const tr_localgov *lg,
                double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
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
    /* New stakes: each country's money goes to the technologies it targets,
     * in proportion to their targeting weight (funds_weight), and within a
     * technology to its best eligible firms. */
    for (int c = 0; c < run->nc; c++) {
        double budget = tr_path_at(&s->countries[c].fund_budget, year);
        fund->yr_fund_in[c] += funds_place(fund, fi, run, pol, lg, c, budget, yr);
    }
}
