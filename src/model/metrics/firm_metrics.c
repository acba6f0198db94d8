/* firm_metrics.c — the yearly report of firms and markets: per country and
 * technology, production, exports, consumption, world share,
 * self-sufficiency, jobs, capacity and its utilization, price over unit cost,
 * loss-making firms, subsidies, entry and exit, the commercialization gap
 * (research share minus market share); per country, their sums and the
 * counts of firms, small specialised firms and "little giants". */
#include <math.h>
#include <string.h>

#include "model/state.h"

void firms_year_metrics(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = sim->nc, nk = sim->nk;
    /* scratch arrays that the next market step recomputes before reading */
    double *loss = sim->ct_qsum, *capv = sim->ct_costsum;
    memset(loss, 0, sizeof(double) * (size_t)(nc * nk));
    memset(capv, 0, sizeof(double) * (size_t)(nc * nk));
    for (int c = 0; c < nc; c++) {
        sim->cy[c].firms = sim->cy[c].smes = sim->cy[c].little_giants = 0;
    }
    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int c = sim->f_country[f], i = c * nk + sim->f_tech[f];
        const double rep = s->countries[c].firms.represents;
        loss[i] += sim->f_profit[f] < 0;
        capv[i] += sim->f_cap[f] * sim->f_price[f];
        sim->cy[c].firms += rep;
        if (sim->f_type[f] == TR_FIRM_SME) {
            sim->cy[c].smes += rep;
            sim->cy[c].little_giants += sim->f_lg[f] ? rep : 0;
        }
    }
    for (int k = 0; k < nk; k++) {
        double world = 0;
        for (int c = 0; c < nc; c++)
            world += sim->yr_rev[c * nk + k];
        for (int c = 0; c < nc; c++) {
            const int i = c * nk + k;
            const double rep = s->countries[c].firms.represents;
            tr_ct_year *y = &sim->cty[i];
            y->production = sim->yr_rev[i];
            y->exports = sim->yr_exports[i];
            y->consumption = sim->yr_cons[i];
            y->world_share = world > 0 ? sim->yr_rev[i] / world : 0;
            y->self_sufficiency = sim->yr_cons_u[i] > 0 ? sim->yr_dom_u[i] / sim->yr_cons_u[i] : NAN;
            y->jobs = sim->yr_rev[i] * P->jobs_per_busd;
            y->capacity = capv[i];
            y->utilization = sim->yr_cap[i] > 0 ? sim->yr_y[i] / sim->yr_cap[i] : NAN;
            y->price_cost = sim->yr_cost[i] > 0 ? sim->yr_rev[i] / sim->yr_cost[i] : NAN;
            y->unit_cost = sim->yr_y[i] > 0 ? sim->yr_cost[i] / sim->yr_y[i] : NAN;
            y->loss_share = sim->ct_n[i] > 0 ? loss[i] / sim->ct_n[i] : NAN;
            y->subsidies = sim->yr_sub[i];
            y->subsidy_per_unit = sim->yr_rev[i] > 0 ? sim->yr_sub[i] / sim->yr_rev[i] : NAN;
            y->commercialization_gap = y->hi_share - y->world_share;
            y->firms = sim->ct_n[i] * rep;
            y->entries = sim->yr_entries[i] * rep;
            y->exits = sim->yr_exits[i] * rep;
            y->local_backers = sim->ct_backers[i];

            tr_country_year *cy = &sim->cy[c];
            cy->production += y->production;
            cy->exports += y->exports;
            cy->consumption += y->consumption;
            cy->jobs += y->jobs;
            cy->firm_rd += sim->yr_rd[i];
            cy->firm_rd_grants += sim->yr_grants[i];
            cy->subsidies_local += sim->yr_sub_local[i];
            cy->subsidies_central += sim->yr_sub[i] - sim->yr_sub_local[i];
            cy->bailouts += sim->yr_bailouts[i];
            cy->entries += y->entries;
            cy->exits += y->exits;

            /* Memory for next year's choices and subsidy rates. */
            sim->ct_prod_prev[i] = sim->ct_prod_last[i];
            sim->ct_prod_last[i] = sim->yr_rev[i];
            /* Capex expected next year: a moving average, so that one year's
             * boom or bust does not swing the subsidy rate (localgov.c). */
            sim->ct_capex_prev[i] = sim->years_done == 0 ? sim->ct_capex[i]
                                                         : 0.7 * sim->ct_capex_prev[i] + 0.3 * sim->ct_capex[i];
            sim->ct_capex[i] = 0;
        }
    }
    for (int c = 0; c < nc; c++) {
        sim->cy[c].fund_invested = sim->yr_fund_in[c];
        sim->cy[c].fund_return = sim->yr_fund_exits[c] > 0 ? sim->yr_fund_ret[c] / sim->yr_fund_exits[c] : NAN;
    }
}
