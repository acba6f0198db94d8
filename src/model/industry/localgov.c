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
 * the most productive firms without a stake in technologies that localities
 * back or that are on a priority list (up to 20 firms a year, equal amounts),
 * raising their net worth. After `fund_horizon` years the fund exits; the
 * stake's value follows the firm's net worth, and the yearly return is
 * recorded (a firm that exits is a total loss). */
#include <math.h>
#include <string.h>

#include "model/state.h"

int localgov_init(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    int nl = 0, pm = 1;
    for (int c = 0; c < sim->nc; c++) {
        nl += s->countries[c].local.count;
        if (s->countries[c].local.picks > pm)
            pm = s->countries[c].local.picks;
    }
    if (pm > sim->nk)
        pm = sim->nk;
    sim->nl = nl;
    sim->picks_max = pm;
    sim->l_country = tr_arena_calloc(&sim->arena, (size_t)nl + 1, sizeof(int));
    sim->l_backs = tr_arena_calloc(&sim->arena, (size_t)nl * (size_t)pm + 1, sizeof(int));
    if (!sim->l_country || !sim->l_backs)
        return TR_ERR_NOMEM;
    int l = 0;
    for (int c = 0; c < sim->nc; c++)
        for (int j = 0; j < s->countries[c].local.count; j++)
            sim->l_country[l++] = c;
    for (int j = 0; j < nl * pm; j++)
        sim->l_backs[j] = -1;
    return TR_OK;
}

/* Re-choose the technologies locality l backs. */
static void choose(tr_sim *sim, int l, int first_index, int year_index)
{
    const tr_scenario *s = sim->s;
    const int nk = sim->nk, c = sim->l_country[l];
    const tr_local_gen *L = &s->countries[c].local;
    const int picks = L->picks < nk ? L->picks : nk;
    double *score = sim->l_score;
    tr_rng r;
    tr_rng_init(&r, sim->seed, sim->run, (uint32_t)year_index, (uint32_t)(l - first_index) | ((uint32_t)c << 20),
                TR_RNG_LOCAL);
    for (int k = 0; k < nk; k++) {
        int i = c * nk + k;
        double peers = L->count > 0 ? sim->ct_backers[i] / L->count : 0;
        double prev = sim->ct_prod_prev[i], now = sim->ct_prod_last[i];
        double growth = prev > 0 ? now / prev - 1 : 0;
        if (growth > 1)
            growth = 1;
        if (growth < -1)
            growth = -1;
        double gumbel = -log(-log(tr_rng_uniform(&r)));
        score[k] = L->priority * (sim->priority[i] > 1.0 ? 1.0 : 0.0) + L->herding * peers + L->growth * growth +
                   gumbel;
    }
    int *backs = &sim->l_backs[l * sim->picks_max];
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

void localgov_step(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const int nc = sim->nc, nk = sim->nk;
    const int year_index = sim->step / sim->spy;

    if (sim->step % sim->spy == 0 && sim->nl > 0) {
        int first = 0;
        for (int c = 0; c < nc; c++) {
            const tr_local_gen *L = &s->countries[c].local;
            for (int j = 0; j < L->count; j++) {
                int l = first + j;
                if (year_index == 0 || (year_index + j) % L->cycle == 0)
                    choose(sim, l, first, year_index);
            }
            first += L->count;
        }
        memset(sim->ct_backers, 0, sizeof(double) * (size_t)(nc * nk));
        for (int l = 0; l < sim->nl; l++)
            for (int j = 0; j < sim->picks_max; j++) {
                int k = sim->l_backs[l * sim->picks_max + j];
                if (k >= 0)
                    sim->ct_backers[sim->l_country[l] * nk + k] += 1;
            }
    }
    for (int c = 0; c < nc; c++) {
        const tr_local_gen *L = &s->countries[c].local;
        double budget = tr_path_at(&s->countries[c].local_budget, year);
        int picks = L->picks < nk ? L->picks : nk;
        for (int k = 0; k < nk; k++) {
            int i = c * nk + k;
            double b = L->count > 0 && picks > 0 ? budget * sim->ct_backers[i] / ((double)L->count * picks) : 0;
            sim->ct_local_entry[i] = b * L->entry_share;
            sim->ct_local_cap[i] = b * (1 - L->entry_share);
            /* Capacity subsidy rate: the budget over expected capex (a moving
             * average of past years'), at most 80%; market.c also stops paying
             * when the year's budget is spent. */
            double capex = sim->ct_capex_prev[i];
            double rate = capex > 0 ? sim->ct_local_cap[i] / capex : (sim->ct_local_cap[i] > 0 ? 0.8 : 0);
            sim->ct_local_cap_rate[i] = rate < 0.8 ? rate : 0.8;
            if (sim->step % sim->spy == 0)
                sim->ct_local_cap_paid[i] = 0;
        }
    }
}

void funds_year(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = sim->nk;
    const int yr = (int)floor(year + 1e-9);

    /* Exits first. */
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f] || sim->f_stake[f] <= 0 || yr - sim->f_stake_year[f] < P->fund_horizon)
            continue;
        int c = sim->f_country[f];
        double W0 = sim->f_stake_W0[f];
        double value = W0 > 0 ? sim->f_stake[f] * fmax(0.0, sim->f_W[f] / W0) : 0;
        double years = yr - sim->f_stake_year[f];
        double ret = value > 0 ? pow(value / sim->f_stake[f], 1.0 / years) - 1 : -1;
        sim->yr_fund_ret[c] += ret;
        sim->yr_fund_exits[c] += 1;
        sim->f_stake[f] = 0;
    }
    /* New stakes: the 20 most productive eligible firms of each country. */
    enum { PER_YEAR = 20 };
    for (int c = 0; c < sim->nc; c++) {
        double budget = tr_path_at(&s->countries[c].fund_budget, year);
        if (budget <= 0)
            continue;
        int best[PER_YEAR];
        int n = 0;
        for (int f = 0; f < sim->nf; f++) {
            if (!sim->f_alive[f] || sim->f_country[f] != c || sim->f_stake[f] > 0)
                continue;
            int i = c * nk + sim->f_tech[f];
            if (sim->ct_backers[i] <= 0 && sim->priority[i] <= 1.0)
                continue;
            double q = sim->f_q[f];
            if (n == PER_YEAR && q <= sim->f_q[best[PER_YEAR - 1]])
                continue;
            int p = n < PER_YEAR ? n++ : PER_YEAR - 1;
            while (p > 0 && sim->f_q[best[p - 1]] < q) {
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
            sim->f_W[f] += each;
            sim->f_stake[f] = each;
            sim->f_stake_W0[f] = sim->f_W[f] > 1e-12 ? sim->f_W[f] : 1e-12;
            sim->f_stake_year[f] = yr;
        }
        sim->yr_fund_in[c] += budget;
    }
}
