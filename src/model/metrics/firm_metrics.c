/* firm_metrics.c — the yearly report of firms and markets: per country and
 * technology, production, exports, consumption, world share,
 * self-sufficiency, jobs, capacity and its utilization, price over unit cost,
 * loss-making firms, subsidies, entry and exit, the commercialization gap
 * (research share minus market share); per country, their sums and the
 * counts of firms, small specialised firms and "little giants". */
#include <math.h>
#include <string.h>

#include "model/metrics/metrics.h"

int firm_metrics_year(tr_metrics *met, const sim_ctx *run, const tr_firms *fi, const tr_markets *mk,
                      const tr_localgov *lg, const tr_funds *fund, tr_arena *scratch)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = run->nc, nk = run->nk;
    /* scratch: loss-making firms and capacity value per country and technology */
    double *loss = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    double *capv = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    if (!loss || !capv)
        return TR_ERR_NOMEM;
    for (int c = 0; c < nc; c++) {
        met->cy[c].firms = met->cy[c].smes = met->cy[c].little_giants = 0;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], i = c * nk + fi->f_tech[f];
        const double rep = s->countries[c].firms.represents;
        loss[i] += fi->f_profit[f] < 0;
        capv[i] += fi->f_cap[f] * fi->f_price[f];
        met->cy[c].firms += rep;
        if (fi->f_type[f] == TR_FIRM_SME) {
            met->cy[c].smes += rep;
            met->cy[c].little_giants += fi->f_lg[f] ? rep : 0;
        }
    }
    for (int k = 0; k < nk; k++) {
        double world = 0, world_u = 0;
        for (int c = 0; c < nc; c++) {
            world += mk->yr_rev[c * nk + k];
            world_u += mk->yr_y[c * nk + k];
        }
        for (int c = 0; c < nc; c++) {
            const int i = c * nk + k;
            const double rep = s->countries[c].firms.represents;
            tr_ct_year *y = &met->cty[i];
            y->production = mk->yr_rev[i];
            y->exports = mk->yr_exports[i];
            y->consumption = mk->yr_cons[i];
            y->imports = mk->yr_imports[i];
            y->buyer_price = mk->yr_pbuy[i];
            y->world_share = world > 0 ? mk->yr_rev[i] / world : 0;
            y->unit_share = world_u > 0 ? mk->yr_y[i] / world_u : 0;
            y->self_sufficiency = mk->yr_cons_u[i] > 0 ? mk->yr_dom_u[i] / mk->yr_cons_u[i] : NAN;
            y->jobs = mk->yr_rev[i] * P->jobs_per_busd;
            y->capacity = capv[i];
            y->utilization = mk->yr_cap[i] > 0 ? mk->yr_y[i] / mk->yr_cap[i] : NAN;
            y->price_cost = mk->yr_cost[i] > 0 ? mk->yr_rev[i] / mk->yr_cost[i] : NAN;
            y->unit_cost = mk->yr_y[i] > 0 ? mk->yr_cost[i] / mk->yr_y[i] : NAN;
            y->loss_share = fi->ct_n[i] > 0 ? loss[i] / fi->ct_n[i] : NAN;
            y->profit = mk->yr_profit[i];
            y->subsidies = mk->yr_sub[i];
            y->subsidy_per_unit = mk->yr_rev[i] > 0 ? mk->yr_sub[i] / mk->yr_rev[i] : NAN;
            y->commercialization_gap = y->hi_share - y->world_share;
            y->firms = fi->ct_n[i] * rep;
            y->entries = mk->yr_entries[i] * rep;
            y->exits = mk->yr_exits[i] * rep;
            y->local_backers = lg->ct_backers[i];

            tr_country_year *cy = &met->cy[c];
            cy->production += y->production;
            cy->exports += y->exports;
            cy->consumption += y->consumption;
            cy->jobs += y->jobs;
            cy->firm_rd += mk->yr_rd[i];
            cy->firm_rd_grants += mk->yr_grants[i];
            cy->subsidies_local += mk->yr_sub_local[i];
            cy->subsidies_central += mk->yr_sub[i] - mk->yr_sub_local[i];
            cy->bailouts += mk->yr_bailouts[i];
            cy->entries += y->entries;
            cy->exits += y->exits;
        }
    }
    for (int c = 0; c < nc; c++) {
        met->cy[c].fund_invested = fund->yr_fund_in[c];
        met->cy[c].fund_return = fund->yr_fund_exits[c] > 0 ? fund->yr_fund_ret[c] / fund->yr_fund_exits[c] : NAN;
    }
    met->rep.trade_value = mk->tr_value;
    met->rep.trade_value_buyer = mk->tr_value_buyer;
    met->rep.trade_units = mk->tr_units;
    return TR_OK;
}
