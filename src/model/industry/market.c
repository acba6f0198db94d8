/* market.c — process 7: markets, prices, output, profits and capacity.
 *
 * One market per country and technology. Each firm carries a share s of its
 * technology's world "sales potential", moved by replicator dynamics toward
 * firms that are more competitive (quality^quality_weight / price^price_weight):
 *     s <- s * (1 + replicator_speed * dt * (E / mean E - 1)),  renormalised.
 * A market m buys from a country c's firms in proportion to their summed
 * shares times an access factor: 1 + home_bias + buy_domestic preference (+
 * self-sufficiency push) for its own firms, and 1 / (1 + trade_cost +
 * tariff)^price_weight for imports. A firm's demand is therefore
 *     d = s * sum_m Q_m * access[m][c] / sum_c' access[m][c'] * S_c',
 * computed per country, so a step costs O(firms + countries^2) per
 * technology. World demand in units is the technology's market size (growing
 * at market_growth) at the start-year price, split over countries by GDP and
 * moved along the price elasticity by the average price.
 * Unit cost falls along the learning curve: cost = (E / E_0)^(-b) x the
 * country's cost level (wages, inputs: `firms.cost`) / q with
 * b = -log2(1 - learning_rate), experience E = own cumulative output +
 * learning_spill x the national industry's, and E_0 the firm's experience
 * when it started: every firm starts at the cost its country and
 * productivity give it, and learns as its experience multiplies (a large
 * incumbent gets no cost edge from its size alone). Price = cost x (1 - per-output
 * subsidy) x (1 + markup), the markup squeezed by competition (1 - HHI) and by
 * low capacity utilization (overcapacity). Output is demand capped by
 * capacity; profit = revenue + subsidy - cost x output - capacity_cost x cost
 * x capacity - R&D; capacity moves toward demand / target_utilization
 * (lowered by half the capacity-subsidy rate: subsidised capacity is built
 * ahead of demand). Net worth counts capacity at cost, so investing with own money leaves it
 * unchanged and capacity subsidies (events, local governments) add to it. */
#include <math.h>
#include <string.h>

#include "model/state.h"

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static double learning_b(const tr_technology *T)
{
    double lr = T->learning_rate;
    return lr > 0 && lr < 1 ? -log2(1.0 - lr) : 0.0;
}

static double experience(const tr_sim *sim, int f)
{
    const tr_params_firms *P = &sim->s->params.firms;
    int c = sim->f_country[f], k = sim->f_tech[f];
    return sim->f_cum[f] + P->learning_spill * sim->ct_cum[c * sim->nk + k];
}

static void gdp_shares(tr_sim *sim)
{
    double tot = 0;
    for (int c = 0; c < sim->nc; c++)
        tot += sim->gdp[c] > 0 ? sim->gdp[c] : 0;
    for (int c = 0; c < sim->nc; c++)
        sim->gdp_share[c] = tot > 0 && sim->gdp[c] > 0 ? sim->gdp[c] / tot : 1.0 / sim->nc;
}

void market_init(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = sim->nc, nk = sim->nk;

    gdp_shares(sim);
    for (int i = 0; i < nc * nk; i++) {
        sim->ct_util[i] = P->target_utilization;
        sim->ct_lastK[i] = sim->K[i];
        sim->ct_dom[i] = NAN;
        sim->ss_start[i] = NAN;
    }
    for (int k = 0; k < nk; k++) {
        sim->k_frontier[k] = 0;
        sim->k_capsum[k] = 0;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        sim->k_capsum[k] += sim->f_cap[f];
        if (sim->f_q[f] > sim->k_frontier[k])
            sim->k_frontier[k] = sim->f_q[f];
    }
    /* Start-year prices at unit experience, the markup of a market at target
     * utilization, then demand in units and capacity in units. */
    double *pw = sim->k_price;
    for (int k = 0; k < nk; k++) {
        pw[k] = 0;
        sim->k_hhi[k] = 0;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        double sh = sim->k_capsum[k] > 0 ? sim->f_cap[f] / sim->k_capsum[k] : 0;
        sim->f_share[f] = sh;
        sim->k_hhi[k] += sh * sh;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        double mu = P->markup * (1 - P->markup_competition * (1 - sim->k_hhi[k])) *
                    pow(P->target_utilization, P->markup_utilization);
        sim->f_cost[f] = tr_path_at(&s->countries[sim->f_country[f]].firms.cost, s->start_year) / sim->f_q[f];
        sim->f_price[f] = sim->f_cost[f] * (1 + mu);
        pw[k] += sim->f_share[f] * sim->f_price[f];
    }
    for (int k = 0; k < nk; k++) {
        sim->k_price0[k] = pw[k] > 0 ? pw[k] : 1.0;
        sim->k_q0[k] = s->techs[k].market_size / sim->k_price0[k];
        sim->k_nf[k] = 0;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        double units = sim->k_q0[k] / P->target_utilization;
        sim->f_cap[f] = sim->f_share[f] * units;
        /* Experience at the start: years of output at today's rate, more the
         * more mature the technology (2 years for a new one, 32 for a mature). */
        sim->f_cum[f] = (2.0 + 30.0 * s->techs[k].maturity) * sim->f_cap[f] * P->target_utilization;
        sim->ct_cum[sim->f_country[f] * nk + k] += sim->f_cum[f];
        sim->f_W[f] = P->capex * sim->f_cost[f] * sim->f_cap[f]; /* equity = its capacity */
        sim->f_rev_rate[f] = sim->f_price[f] * sim->f_cap[f] * P->target_utilization;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        sim->f_E0[f] = experience(sim, f);
        sim->k_nf[sim->f_tech[f]] += 1;
    }
}

/* Self-sufficiency targets: the required share follows a straight path from
 * the domestic share when the target was set to `target` in year `by`; the
 * gap between that path and the current domestic share (last step's) turns
 * into extra domestic preference and a per-output subsidy for the actor's
 * firms. */
static void self_sufficiency(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = sim->nk;
    memset(sim->ss_pref, 0, sizeof(double) * (size_t)(sim->nc * nk));
    memset(sim->ss_sub, 0, sizeof(double) * (size_t)(sim->nc * nk));
    for (int e = 0; e < s->n_events; e++) {
        const tr_event *ev = &s->events[e];
        if (!sim->ev_active[e] || ev->kind != TR_EV_SELF_SUFFICIENCY)
            continue;
        for (int j = 0; j < ev->n_techs; j++) {
            int i = ev->actor * nk + ev->techs[j];
            double dom = sim->ct_dom[i];
            if (isnan(dom))
                continue;
            if (isnan(sim->ss_start[i]))
                sim->ss_start[i] = dom;
            double s0 = sim->ss_start[i];
            double along = ev->by > ev->start ? clampd((year - ev->start) / (ev->by - ev->start), 0, 1) : 1;
            double gap = s0 + (ev->target - s0) * along - dom;
            if (gap <= 0)
                continue;
            if (P->target_preference * gap > sim->ss_pref[i])
                sim->ss_pref[i] = P->target_preference * gap;
            if (P->target_subsidy * gap > sim->ss_sub[i])
                sim->ss_sub[i] = P->target_subsidy * gap;
        }
    }
}

void market_step(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = sim->nc, nk = sim->nk;
    const double dt = sim->dt;
    const double t = year - s->start_year;

    gdp_shares(sim);
    self_sufficiency(sim, year);
    memset(sim->ct_sub_paid, 0, sizeof(double) * (size_t)(nc * nk));

    /* Per-technology and per-country-technology sums, one pass each. */
    double *Ebar = sim->k_ebar, *pbar = sim->k_price, *ssum = sim->k_ssum;
    for (int k = 0; k < nk; k++) {
        Ebar[k] = pbar[k] = ssum[k] = sim->k_hhi[k] = sim->k_capsum[k] = 0;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        ssum[k] += sim->f_share[f];
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        double sh = ssum[k] > 0 ? sim->f_share[f] / ssum[k] : 0;
        sim->f_share[f] = sh;
        sim->k_hhi[k] += sh * sh;
    }
    /* Markups and price factors per country and technology, learning
     * exponents per technology: computed once, used by every firm. */
    for (int k = 0; k < nk; k++)
        sim->k_b[k] = learning_b(&s->techs[k]);
    for (int i = 0; i < nc * nk; i++) {
        int k = i % nk;
        double sub = clampd(sim->sub_output[i] + sim->ss_sub[i], 0, 0.9);
        double mu = P->markup * (1 - P->markup_competition * (1 - sim->k_hhi[k])) *
                    pow(clampd(sim->ct_util[i], 0.05, 1), P->markup_utilization);
        sim->ct_pfactor[i] = (1 - sub) * (1 + mu);
    }
    const double qw = P->quality_weight, pw = P->price_weight;
    memset(sim->ct_xsum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->k_xsum, 0, sizeof(double) * (size_t)nk);
    memset(sim->k_xn, 0, sizeof(double) * (size_t)nk);
    for (int c = 0; c < nc; c++)
        sim->c_costlvl[c] = tr_path_at(&s->countries[c].firms.cost, year);
    /* Costs, prices and competitiveness. */
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int c = sim->f_country[f], k = sim->f_tech[f], i = c * nk + k;
        double b = sim->k_b[k];
        double E = experience(sim, f);
        double x = b > 0 && sim->f_E0[f] > 0 ? exp(-b * log(E / sim->f_E0[f])) : 1.0;
        sim->ct_xsum[i] += x;
        sim->k_xsum[k] += x;
        sim->k_xn[k] += 1;
        double cost = x * sim->c_costlvl[c] / sim->f_q[f];
        double p = cost * sim->ct_pfactor[i];
        sim->f_cost[f] = cost;
        sim->f_price[f] = p;
        double E_f;
        if (qw == 0.5 && pw == 1.0) /* the default exponents, without pow */
            E_f = sqrt(sim->f_q[f]) / p;
        else
            E_f = exp(qw * log(sim->f_q[f]) - pw * log(p));
        sim->f_y[f] = E_f; /* competitiveness, kept here until output is known */
        Ebar[k] += sim->f_share[f] * E_f;
    }
    /* Replicator dynamics, then renormalise. */
    for (int k = 0; k < nk; k++)
        ssum[k] = 0;
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        double rel = Ebar[k] > 0 ? sim->f_y[f] / Ebar[k] - 1 : 0;
        double sh = sim->f_share[f] * (1 + P->replicator_speed * dt * rel);
        sim->f_share[f] = sh > 0 ? sh : 0;
        ssum[k] += sim->f_share[f];
    }
    memset(sim->ct_S, 0, sizeof(double) * (size_t)(nc * nk));
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        int k = sim->f_tech[f];
        sim->f_share[f] = ssum[k] > 0 ? sim->f_share[f] / ssum[k] : 0;
        sim->ct_S[sim->f_country[f] * nk + k] += sim->f_share[f];
        pbar[k] += sim->f_share[f] * sim->f_price[f];
    }

    /* Demand per unit of share, for each country's firms, and the domestic
     * share of each market. */
    double *D = sim->ct_D;
    for (int k = 0; k < nk; k++) {
        double *acc = &sim->access[k * nc * nc], *den_k = &sim->den[k * nc];
        const tr_technology *T = &s->techs[k];
        double level = sim->k_q0[k] * pow(1 + T->market_growth, t);
        double pr = pbar[k] > 0 ? pbar[k] / sim->k_price0[k] : 1;
        double Qworld = level * pow(pr, -T->price_elasticity);
        for (int m = 0; m < nc; m++) {
            double den = 0;
            for (int c = 0; c < nc; c++) {
                double a;
                if (c == m)
                    a = 1 + s->countries[m].home_bias + sim->buy_dom[m * nk + k] + sim->ss_pref[m * nk + k];
                else
                    a = pow(1 + P->trade_cost + sim->tariff[(m * nc + c) * nk + k], -P->price_weight);
                acc[m * nc + c] = a;
                den += a * sim->ct_S[c * nk + k];
            }
            den_k[m] = den;
            sim->ct_Q[m * nk + k] = Qworld * sim->gdp_share[m];
            sim->ct_dom[m * nk + k] = den > 0 ? acc[m * nc + m] * sim->ct_S[m * nk + k] / den : NAN;
        }
        for (int c = 0; c < nc; c++) {
            double d = 0;
            for (int m = 0; m < nc; m++)
                if (den_k[m] > 0)
                    d += sim->ct_Q[m * nk + k] * acc[m * nc + c] / den_k[m];
            D[c * nk + k] = d;
        }
    }

    /* Allocation: each firm first serves its own demand up to capacity;
     * demand it cannot serve goes to the firms of the same technology with
     * spare capacity, in proportion to share x spare capacity (one round). */
    double *unmet = sim->k_ebar, *spare = sim->k_ssum; /* reuse [nk] scratch */
    for (int k = 0; k < nk; k++)
        unmet[k] = spare[k] = 0;
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int k = sim->f_tech[f];
        double d = sim->f_share[f] * D[sim->f_country[f] * nk + k];
        sim->f_demand[f] = d;
        if (d > sim->f_cap[f]) {
            unmet[k] += d - sim->f_cap[f];
            sim->f_y[f] = sim->f_cap[f];
        } else {
            sim->f_y[f] = d;
            spare[k] += sim->f_share[f] * (sim->f_cap[f] - d);
        }
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int k = sim->f_tech[f];
        double room = sim->f_cap[f] - sim->f_y[f];
        if (room > 0 && spare[k] > 0 && unmet[k] > 0) {
            double extra = unmet[k] * sim->f_share[f] * room / spare[k];
            sim->f_y[f] += extra < room ? extra : room;
        }
    }

    /* Output, profits, capacity. */
    double *ys = sim->ct_ysum, *caps = sim->ct_capsum, *revs = sim->ct_revsum, *costs = sim->ct_costsum;
    memset(ys, 0, sizeof(double) * (size_t)(nc * nk));
    memset(caps, 0, sizeof(double) * (size_t)(nc * nk));
    memset(revs, 0, sizeof(double) * (size_t)(nc * nk));
    memset(costs, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->ct_qsum, 0, sizeof(double) * (size_t)(nc * nk));
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int c = sim->f_country[f], k = sim->f_tech[f], i = c * nk + k;
        const tr_technology *T = &s->techs[k];
        double cost = sim->f_cost[f], p = sim->f_price[f];
        double d = sim->f_demand[f];
        double y = sim->f_y[f];
        /* The competitive share carried to the next step: a firm that could
         * not serve its demand keeps only the part it served (it grows no
         * faster than its capacity); demand it picked up from others'
         * shortfall, and what home bias or tariffs bring it, are not added
         * (markets re-apply them every step, so they do not compound). */
        if (d > 0 && y < d)
            sim->f_share[f] *= y / d;
        double R = p * y;
        double sub = clampd(sim->sub_output[i] + sim->ss_sub[i], 0, 0.9);
        double subsidy = sub * cost * y;
        double rd = sim->f_rd_share[f] * R;
        double profit = R + subsidy - cost * y - P->capacity_cost * cost * sim->f_cap[f] - rd;
        sim->f_rev_rate[f] = R;
        sim->f_W[f] += profit * dt;
        sim->f_rev[f] += R * dt;
        sim->f_profit[f] += profit * dt;
        sim->f_cum[f] += y * dt;
        sim->ct_cum[i] += y * dt;
        sim->ct_sub_paid[i] += subsidy * dt;
        double local_part = sim->sub_output[i] > 0 ? sim->sub_output_local[i] / (sim->sub_output[i] + sim->ss_sub[i]) : 0;
        sim->yr_sub_local[i] += subsidy * dt * clampd(local_part, 0, 1);
        ys[i] += y;
        caps[i] += sim->f_cap[f];
        sim->k_capsum[k] += sim->f_cap[f];
        sim->ct_qsum[i] += sim->f_q[f];
        revs[i] += R;
        costs[i] += cost * y;
        sim->yr_rd[i] += rd * dt;

        /* Invest toward demand at target utilization; capacity subsidies from
         * events and from the local governments' capacity budget. */
        /* Cheap capacity (subsidised) is built further ahead of demand. */
        double loc_room = sim->ct_local_cap[i] * dt * (sim->step % sim->spy + 1) - sim->ct_local_cap_paid[i];
        double srate = clampd(sim->sub_capacity[i] + (loc_room > 0 ? sim->ct_local_cap_rate[i] : 0), 0, 0.9);
        double util_goal = P->target_utilization * (1 - 0.5 * srate);
        double want = d * (1 + (T->market_growth > 0 ? T->market_growth : 0)) / util_goal;
        double gap = want - sim->f_cap[f];
        if (gap > 0 && (sim->f_W[f] > 0 || sim->f_type[f] == TR_FIRM_SOE)) {
            double inv = P->investment_speed * gap * dt;
            double capex = P->capex * cost * inv;
            /* Event subsidies pay their rate; local governments pay up to
             * 80% but never more than their capacity budget so far this year. */
            double ev_paid = capex * clampd(sim->sub_capacity[i], 0, 0.9);
            double ev_local = sim->sub_capacity[i] > 0 ? ev_paid * sim->sub_capacity_local[i] / sim->sub_capacity[i] : 0;
            double room = sim->ct_local_cap[i] * dt * (sim->step % sim->spy + 1) - sim->ct_local_cap_paid[i];
            double loc_paid = clampd(capex * sim->ct_local_cap_rate[i], 0, room > 0 ? room : 0);
            if (ev_paid + loc_paid > 0.9 * capex)
                loc_paid = fmax(0.0, 0.9 * capex - ev_paid);
            /* Net worth counts capacity at cost: buying it with own money
             * changes nothing, a subsidy adds to it (the yearly cost of
             * capacity, wear included, is in capacity_cost). */
            sim->f_W[f] += ev_paid + loc_paid;
            sim->f_cap[f] += inv;
            sim->ct_sub_paid[i] += ev_paid + loc_paid;
            sim->yr_sub_local[i] += loc_paid + ev_local;
            sim->ct_local_cap_paid[i] += loc_paid;
            sim->ct_capex[i] += capex;
        }
        sim->f_cap[f] -= P->capacity_depreciation * sim->f_cap[f] * dt;
    }
    for (int i = 0; i < nc * nk; i++) {
        sim->ct_util[i] = caps[i] > 0 ? ys[i] / caps[i] : P->target_utilization;
        sim->ct_margin[i] = revs[i] > 0 ? (revs[i] - costs[i]) / revs[i] : 0;
        /* yearly sums */
        sim->yr_y[i] += ys[i] * dt;
        sim->yr_cap[i] += caps[i] * dt;
        sim->yr_rev[i] += revs[i] * dt;
        sim->yr_cost[i] += costs[i] * dt;
        sim->yr_sub[i] += sim->ct_sub_paid[i];
    }
    /* Where each country's sales went: its firms' revenue splits over the
     * markets in proportion to the demand each market addressed to them; this
     * gives exports, each market's purchases (consumption, in value and in
     * units) and the part its own firms supplied (self-sufficiency, in units,
     * so that a subsidy that cuts prices does not look like a loss of
     * supply), all consistent with production. */
    for (int k = 0; k < nk; k++) {
        const double *acc = &sim->access[k * nc * nc], *den_k = &sim->den[k * nc];
        for (int c = 0; c < nc; c++) {
            const int i = c * nk + k;
            if (revs[i] <= 0 || D[i] <= 0)
                continue;
            for (int m = 0; m < nc; m++) {
                if (den_k[m] <= 0)
                    continue;
                double part = sim->ct_Q[m * nk + k] * acc[m * nc + c] / den_k[m] / D[i];
                double v = revs[i] * part * dt;
                double u = ys[i] * part * dt;
                sim->yr_cons[m * nk + k] += v;
                sim->yr_cons_u[m * nk + k] += u;
                if (m == c)
                    sim->yr_dom_u[i] += u;
                else
                    sim->yr_exports[i] += v;
            }
        }
    }
}
