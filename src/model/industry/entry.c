/* entry.c — process 8: entry and exit of firms, and the yearly firm metrics.
 *
 * Entry, each step, per country and technology: entrants ~ Poisson(dt x
 * entry_rate x max(1, firms) x max(0, 1 + entry_margin x operating margin) x
 * (1 + entry_subsidy_effect x entry subsidies in US$ bn a year)), where entry
 * subsidies are the local governments' entry budget plus `per_entrant`
 * subsidy events times the base entry. Entrants take free slots (none free:
 * no entry), start below the national average productivity with small
 * capacity, no experience of their own, and equity worth half their
 * capacity plus the subsidy they receive. Foreign-invested entry is blocked
 * in the share given by `investment_screening`.
 *
 * Exit, at the end of each year: a private, small or foreign-invested firm
 * exits when its net worth falls below -exit_net_worth x its revenue or its
 * share of its technology's world sales potential below exit_share. A
 * state-owned firm never exits: below -bailout_limit x revenue the state
 * recapitalises it to zero net worth (the soft budget constraint), and the
 * cost is recorded as a bail-out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/state.h"

uint32_t firms_new_key(tr_sim *sim, int c);

void entry_step(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = sim->nc, nk = sim->nk;
    const double dt = sim->dt;

    for (int c = 0; c < nc; c++) {
        const tr_firm_gen *g = &s->countries[c].firms;
        for (int k = 0; k < nk; k++) {
            const int i = c * nk + k;
            double n = sim->ct_n[i];
            double base = P->entry_rate * (n > 1 ? n : 1);
            double subsidy_budget = sim->ct_local_entry[i] + sim->sub_entrant[i] * base;
            double lam = dt * base * fmax(0.0, 1 + P->entry_margin * sim->ct_margin[i]) *
                         (1 + P->entry_subsidy_effect * subsidy_budget);
            if (g->count <= 0 && n <= 0)
                continue; /* a country without firms in its scenario has no industry to enter */
            tr_rng r;
            tr_rng_init(&r, sim->seed, sim->run, (uint32_t)sim->step, (uint32_t)i, TR_RNG_ENTRY);
            uint64_t N = tr_rng_poisson(&r, lam);
            /* Reference entrant: the national industry's average productivity
             * and a small capacity. */
            double qsum = sim->ct_qsum[i], capsum = sim->ct_capsum[i], m = sim->ct_n[i];
            double qref = m > 0 ? qsum / m : (g->productivity > 0 ? g->productivity : 0.5);
            double capref = m > 0 ? 0.3 * capsum / m : 0.3 * sim->k_q0[k] / (sim->k_nf[k] > 0 ? sim->k_nf[k] : 1);
            double per_entrant_local = lam > 0 ? sim->ct_local_entry[i] * dt / lam : 0;
            int *stack = sim->free_slots + sim->c_first[c];
            for (uint64_t e = 0; e < N && sim->c_nfree[c] > 0; e++) {
                double u = tr_rng_uniform(&r);
                unsigned char type;
                if (u < g->foreign_share) {
                    if (tr_rng_uniform(&r) < sim->screen[i])
                        continue; /* blocked by investment screening */
                    type = TR_FIRM_FOREIGN;
                } else if (u < g->foreign_share + 0.5 * g->soe_share) {
                    type = TR_FIRM_SOE;
                } else if (tr_rng_uniform(&r) < g->sme_share) {
                    type = TR_FIRM_SME;
                } else {
                    type = TR_FIRM_PRIVATE;
                }
                int f = stack[--sim->c_nfree[c]];
                double sd = g->productivity_sd > 0 ? g->productivity_sd : 0.3;
                sim->f_key[f] = firms_new_key(sim, c);
                sim->f_country[f] = c;
                sim->f_tech[f] = k;
                sim->f_type[f] = type;
                sim->f_alive[f] = 1;
                sim->f_lg[f] = 0;
                sim->f_q[f] = 0.9 * qref * tr_rng_lognormal(&r, -0.5 * sd * sd, sd);
                /* A quarter-year of output at its capacity as its own
                 * experience, plus what it shares of the national industry's. */
                sim->f_cum[f] = 0.25 * capref * (type == TR_FIRM_SME ? 0.5 : 1.0) * P->target_utilization;
                /* It starts where its national industry stands on the learning
                 * curve (the world's, if the country has no firms here): its
                 * origin is set so that its learning factor equals theirs. */
                double xref = m > 0 ? sim->ct_xsum[i] / m : (sim->k_xn[k] > 0 ? sim->k_xsum[k] / sim->k_xn[k] : 1.0);
                double E = sim->f_cum[f] + P->learning_spill * sim->ct_cum[i];
                double b = sim->k_b[k];
                sim->f_E0[f] = b > 0 && xref > 0 ? E * exp(log(xref) / b) : E;
                sim->f_cap[f] = capref * (type == TR_FIRM_SME ? 0.5 : 1.0);
                double cost = xref * sim->c_costlvl[c] / sim->f_q[f];
                sim->f_cost[f] = cost;
                sim->f_price[f] = cost * sim->ct_pfactor[i];
                double paid = per_entrant_local + sim->sub_entrant[i];
                sim->f_W[f] = 0.5 * P->capex * cost * sim->f_cap[f] + paid;
                sim->f_rev[f] = sim->f_profit[f] = 0;
                sim->f_rev_rate[f] = 0;
                double rsd = 0.5; /* SMEs' R&D varies around the national path, as at the start */
                sim->f_rd_mult[f] = type == TR_FIRM_SME ? tr_rng_lognormal(&r, -0.5 * rsd * rsd, rsd) : 1.0;
                sim->f_rd_share[f] = tr_path_at(&g->rd_share, year) * sim->f_rd_mult[f];
                sim->f_born[f] = sim->step;
                sim->f_stake[f] = 0;
                sim->f_share[f] = sim->k_capsum[k] > 0 ? 0.5 * sim->f_cap[f] / sim->k_capsum[k] : 1e-6;
                sim->f_demand[f] = sim->f_y[f] = 0;
                sim->yr_entries[i] += 1;
                sim->yr_sub[i] += paid;
                sim->yr_sub_local[i] += per_entrant_local + sim->sub_entrant_local[i];
                sim->ct_n[i] += 1;
            }
        }
    }
}

/* The k-th smallest of v[0..n-1] (0-based), reordering v: Hoare's
 * selection with a median-of-three pivot, O(n) on average, no allocation. */
static double select_kth(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

void exit_year(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = sim->nk;
    const int year_first_step = sim->step - sim->step % sim->spy;
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f] || sim->f_born[f] >= year_first_step)
            continue; /* dead, or entered this year: judged after a full year */
        const int i = sim->f_country[f] * nk + sim->f_tech[f];
        double rev = sim->f_rev[f] > 1e-12 ? sim->f_rev[f] : 1e-12;
        if (sim->f_type[f] == TR_FIRM_SOE) {
            if (sim->f_W[f] < -P->bailout_limit * rev) {
                sim->yr_bailouts[i] += -sim->f_W[f];
                sim->f_W[f] = 0;
            }
            continue;
        }
        if (sim->f_W[f] < -P->exit_net_worth * rev || sim->f_share[f] < P->exit_share) {
            sim->f_alive[f] = 0;
            sim->f_share[f] = 0;
            sim->yr_exits[i] += 1;
            sim->ct_n[i] -= 1;
            if (sim->f_stake[f] > 0) { /* the guidance fund loses its stake */
                int c = sim->f_country[f];
                sim->yr_fund_ret[c] += -1.0;
                sim->yr_fund_exits[c] += 1;
                sim->f_stake[f] = 0;
            }
            sim->free_slots[sim->c_first[sim->f_country[f]] + sim->c_nfree[sim->f_country[f]]++] = f;
        }
    }
    /* Little giants: small specialised firms in the top productivity
     * quantile of their technology with enough R&D. Productivities are
     * grouped by technology in one pass, then the quantile of each group is
     * selected in linear time. */
    int *off = sim->k_off;
    for (int k = 0; k <= nk; k++)
        off[k] = 0;
    for (int f = 0; f < sim->nf; f++)
        if (sim->f_alive[f])
            off[sim->f_tech[f] + 1]++;
    for (int k = 0; k < nk; k++)
        off[k + 1] += off[k];
    for (int k = 0; k < nk; k++)
        sim->ct_tmp_int[k] = off[k];
    for (int f = 0; f < sim->nf; f++)
        if (sim->f_alive[f])
            sim->q_scratch[sim->ct_tmp_int[sim->f_tech[f]]++] = sim->f_q[f];
    for (int k = 0; k < nk; k++) {
        int n = off[k + 1] - off[k];
        double *q = sim->q_scratch + off[k];
        if (n > 0) {
            sim->k_lgcut[k] = select_kth(q, n, (int)floor(P->little_giant_quantile * (n - 1)));
        } else {
            sim->k_lgcut[k] = INFINITY;
        }
    }
    for (int f = 0; f < sim->nf; f++)
        if (sim->f_alive[f])
            sim->f_lg[f] = sim->f_type[f] == TR_FIRM_SME && sim->f_q[f] >= sim->k_lgcut[sim->f_tech[f]] &&
                           sim->f_rd_share[f] >= P->little_giant_rd;
}
