/* entry.c — process 8: entry and exit of firms, and the yearly firm metrics.
 *
 * Entry, each step, per country and technology: entrants ~ Poisson(dt x
 * entry_rate x max(1, N) x max(0, 1 + entry_margin x profit margin) x
 * (1 + entry_subsidy_effect x entry subsidies in US$ bn a year)), N the
 * national industry's size in typical firms (its revenue over a typical full
 * firm's, market_typical_revenue: potential entrants scale with the
 * industry, not with how many small firms it counts) and the profit margin
 * its firms' last step (after all costs), where entry subsidies are the
 * local governments' entry budget plus `per_entrant`
 * subsidy events times the base entry. Entrants take free slots (none free:
 * no entry), start below the national average productivity (then, their
 * capacity all new, closer to the reachable frontier by embodied_catchup:
 * market_place_entrant) with small
 * capacity, no experience of their own, and equity worth half their
 * capacity plus the subsidy they receive. Foreign-invested entry is blocked
 * in the share given by `investment_screening`.
 *
 * Exit, at the end of each year: a private, small or foreign-invested firm
 * exits when its net worth falls below -exit_net_worth x its revenue or its
 * share of its technology's world sales potential below exit_share; the
 * overhead every firm pays (market.c) makes small and weak firms lose money
 * until they do. A state-owned firm never exits: below -bailout_limit x
 * revenue the state recapitalises it to zero net worth (the soft budget
 * constraint), and the cost is recorded as a bail-out. */
#include <math.h>
#include <string.h>

#include "model/industry/entry.h"

/* Smallest revenue, US$ bn, the exit and bail-out rules compare net worth
 * with: a numerical floor for firms that sold nothing. */
#define ENTRY_REV_MIN 1e-12

/* Entrants' productivity relative to their national industry's average:
 * they start a little behind (fixed; entry_rate and the exit rules are the
 * levers). */
#define ENTRY_Q_REL 0.9
/* Productivity spread (log sd) of entrants where the scenario gives none. */
#define ENTRY_Q_SD_DEFAULT 0.3
/* Productivity of an entrant where its country has no firms in the
 * technology and the scenario gives none (frontier at start = 1). */
#define ENTRY_Q_DEFAULT 0.5
/* An entrant's capacity relative to the average firm of its national
 * industry (small: it grows with its demand). */
#define ENTRY_CAP_REL 0.3
/* Capacity of an entrant by type relative to that: small specialised
 * firms half of it (fixed, with ENTRY_CAP_REL). */
#define ENTRY_SIZE_SME 0.5
/* An entrant is state-owned with probability ENTRY_SOE_REL x soe_share:
 * fewer state-owned firms enter than the initial population holds. */
#define ENTRY_SOE_REL 0.5

void entry_step(tr_firms *fi, tr_markets *mk, const sim_ctx *run, const tr_policy *pol, const tr_localgov *lg,
                double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = run->nc, nk = run->nk;
    const double dt = run->dt;
    const double size_factor[TR_FIRM_TYPES] = {
        [TR_FIRM_SOE] = 1.0, [TR_FIRM_PRIVATE] = 1.0, [TR_FIRM_SME] = ENTRY_SIZE_SME, [TR_FIRM_FOREIGN] = 1.0};

    for (int c = 0; c < nc; c++) {
        const tr_firm_gen *g = &s->countries[c].firms;
        const double rd_base = tr_path_at(&g->rd_share, year);
        for (int k = 0; k < nk; k++) {
            const int i = c * nk + k;
            double n = fi->ct_n[i];
            /* Potential entrants scale with the national industry's size in
             * typical firms (its revenue over a typical firm's), not with how
             * many firms it counts: a fringe of small firms breeds no entry. */
            double typical = market_typical_revenue(mk, c, k, i);
            double size = typical > 0 ? mk->ct_revsum[i] / typical : n;
            double base = P->entry_rate * (size > 1 ? size : 1);
            double subsidy_budget = lg->ct_local_entry[i] + pol->sub_entrant[i] * base;
            double lam = dt * base * fmax(0.0, 1 + P->entry_margin * mk->ct_margin[i]) *
                         (1 + P->entry_subsidy_effect * subsidy_budget);
            if (g->count <= 0 && n <= 0)
                continue; /* a country without firms in its scenario has no industry to enter */
            tr_rng r;
            tr_rng_init(&r, run->seed, run->run_index, (uint32_t)run->step, (uint32_t)i, TR_RNG_ENTRY);
            uint64_t N = tr_rng_poisson(&r, lam);
            /* Reference entrant: the national industry's average productivity
             * and a small capacity. */
            double qsum = mk->ct_qsum[i], capsum = mk->ct_capsum[i], m = fi->ct_n[i];
            double qref = m > 0 ? qsum / m : (g->productivity > 0 ? g->productivity : ENTRY_Q_DEFAULT);
            double capref = m > 0 ? ENTRY_CAP_REL * capsum / m
                                  : ENTRY_CAP_REL * mk->k_q0[k] / (mk->k_nf[k] > 0 ? mk->k_nf[k] : 1);
            double per_entrant_local = lam > 0 ? lg->ct_local_entry[i] * dt / lam : 0;
            for (uint64_t e = 0; e < N && firms_has_room(fi, c); e++) {
                double u = tr_rng_uniform(&r);
                unsigned char type;
                if (u < g->foreign_share) {
                    if (tr_rng_uniform(&r) < pol->screen[i])
                        continue; /* blocked by investment screening */
                    type = TR_FIRM_FOREIGN;
                } else if (u < g->foreign_share + ENTRY_SOE_REL * g->soe_share) {
                    type = TR_FIRM_SOE;
                } else if (tr_rng_uniform(&r) < g->sme_share) {
                    type = TR_FIRM_SME;
                } else {
                    type = TR_FIRM_PRIVATE;
                }
                const tr_firm_spec sp = {.country = c, .tech = k, .type = type, .key = firms_new_key(fi, c),
                                         .born = run->step, .q_scale = ENTRY_Q_REL * qref,
                                         .q_sd = g->productivity_sd > 0 ? g->productivity_sd : ENTRY_Q_SD_DEFAULT,
                                         .size = capref, .size_sigma = -1, .size_factor = size_factor,
                                         .rd_base = rd_base, .cohort = g->represents};
                int f = firms_create(fi, &sp, &r);
                if (f < 0)
                    break; /* cannot happen: firms_has_room was checked */
                double paid = per_entrant_local + pol->sub_entrant[i];
                market_place_entrant(mk, fi, run, f, m, capref, size_factor[type], paid);
                market_record_entry(mk, i, paid, per_entrant_local + pol->sub_entrant_local[i]);
            }
        }
    }
}

void exit_year(tr_firms *fi, tr_markets *mk, tr_funds *fund, const sim_ctx *run)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = run->nk;
    const int year_first_step = run->step - run->step % run->spy;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f] || fi->f_born[f] >= year_first_step)
            continue; /* dead, or entered this year: judged after a full year */
        const int i = fi->f_country[f] * nk + fi->f_tech[f];
        double rev = fi->f_rev[f] > ENTRY_REV_MIN ? fi->f_rev[f] : ENTRY_REV_MIN;
        if (fi->f_type[f] == TR_FIRM_SOE) {
            if (fi->f_W[f] < -P->bailout_limit * rev) {
                market_record_bailout(mk, i, -fi->f_W[f]);
                firms_add_equity(fi, f, -fi->f_W[f]);
            }
            continue;
        }
        if (fi->f_W[f] < -P->exit_net_worth * rev || fi->f_share[f] < P->exit_share) {
            market_record_exit(mk, i);
            funds_firm_exited(fund, f, fi->f_country[f]);
            firms_remove(fi, f);
        }
    }
}
