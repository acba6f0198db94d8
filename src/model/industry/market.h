/* market.h — submodel "markets": one market per country and technology;
 * prices, output, profits, capacity, and the yearly market accounts. */
#ifndef TR_MODEL_MARKET_H
#define TR_MODEL_MARKET_H

#include "model/industry/firms.h"
#include "model/industry/localgov.h"
#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/context.h"

struct tr_markets {
    /* per country x technology [nc*nk] */
    double *ct_cum;            /* national cumulative output, units */
    double *ct_S;              /* sum of shares of the country's firms */
    double *ct_util;           /* utilization the markup responds to: follows each step's at markup_adjust */
    double *ct_margin;         /* profit margin last step: profits (after all costs; the R&D paid by guidance-fund equity added back) over revenue: the entry signal */
    double *ct_profsum;        /* this step: profits of the country's firms plus the R&D their fund equity pays for, US$ bn a year */
    double *ct_prod_prev;      /* production the year before last, US$ bn, for growth */
    double *ct_prod_last;      /* production last year, US$ bn */
    double *ct_capex;          /* capex spent this year, US$ bn */
    double *ct_capex_prev;     /* expected capex: moving average of past years' */
    double *ss_pref;           /* preference from self-sufficiency targets */
    double *ss_sub;            /* output subsidy from self-sufficiency targets */
    double *ss_start;          /* domestic share when a self-sufficiency target began (NaN: none) */
    double *ct_sub_paid;       /* subsidies paid this step, US$ bn */
    double *ct_dom;            /* domestic share of the market (units), last step */
    double *ct_ysum, *ct_capsum, *ct_revsum, *ct_costsum; /* this step: output, capacity, revenue, cost */
    double *ct_local_cap_paid; /* local capacity subsidies paid so far this year */
    double *ct_pfactor;        /* markup factor 1 + markup this step */
    double *ct_subf;           /* 1 - per-output subsidy rate this step */
    double *ct_rd;             /* R&D its firms fund themselves this step, US$ bn a year */
    double *ct_xsum;           /* sum of firms' learning factors this step */
    double *ct_qsum;           /* sum of productivity of live firms, this step */
    double *ct_pbuy;           /* delivered price index of the market this step (over k_pbuy0) */
    double *ct_inacc;          /* [m*nk + j] market m's access-weighted share of j's attraction, sum_c A[m,c] Z_c / sum_c Z_c, this step */
    double *ct_inacc0;         /* the same in the first step (NAN until then) */
    double *ct_infac;          /* [c*nk + k] input-cost factor of c's makers of k: 1 + sum_j a_kj (rho_cj - 1), from the last step */
    int any_inputs;            /* some technology has supply-chain inputs (the scenario's `inputs`) */
    double *ct_rev0;           /* a typical full firm's revenue at the start (per full firm, an SME a fifth), US$ bn a year */
    /* per technology [nk] */
    double *k_price0;          /* average price at start */
    double *k_q0;              /* world demand in units at start */
    double *k_price;           /* average price this step */
    double *k_hhi;             /* Herfindahl index of shares */
    double *k_capsum;          /* capacity of live firms */
    double *k_nf;              /* firms at the start */
    double *k_b;               /* learning exponent */
    double *k_xsum, *k_xn;     /* sum and count of learning factors, world */
    double *k_cum;             /* world cumulative output, units */
    double *k_cbar, *k_cbar_w; /* share-weighted (geometric) average unit cost, and its weight */
    double *k_pbuy0;           /* reference delivered price: GDP-weighted mean over markets, first step */
    double *k_sales0;          /* world sales at the start, US$ bn a year */
    double *k_sales;           /* world sales last step, US$ bn a year (overheads grow with it) */
    double *k_sales_acc;       /* world sales this step, being summed */
    /* per country [nc] */
    double *gdp_share;         /* demand shares */
    double *c_costlvl;         /* producers' cost level this step: input path x factor-market pressure */
    double *c_spec0;           /* first step's share of world factor use over share of world factor supply (GDP, researchers) */
    double *c_press;           /* log of the factor-market pressure, following log(spec / spec0) at cost_adjust */
    double *c_cost0;           /* producers' cost level at the start (overheads grow with the cost level) */
    /* yearly accounts [nc*nk], US$ bn (units where _u) */
    double *yr_rd, *yr_exports, *yr_y, *yr_cap, *yr_rev, *yr_cost, *yr_sub, *yr_sub_local, *yr_cons, *yr_cons_u,
        *yr_dom_u;
    double *yr_entries, *yr_exits, *yr_bailouts;
    double *yr_grants;         /* R&D grants paid to firms this year */
    double *yr_imports;        /* purchases of the market from foreign firms, US$ bn at producer prices */
    double *yr_pbuy;           /* time average of ct_pbuy over the year */
    double *yr_profit;         /* its firms' profits this year (after fixed costs and R&D, output subsidies included) */
    /* bilateral trade this year [nc*nc*nk], index (c * nc + m) * nk + k for
     * exporter c (c == m: domestic sales) and importer m */
    double *tr_value;          /* US$ bn at producer prices */
    double *tr_value_buyer;    /* US$ bn at buyer prices (trade cost and tariff included) */
    double *tr_units;          /* units */
};

int market_init(tr_markets *mk, const sim_ctx *run, tr_arena *A);
size_t market_bytes(const tr_scenario *s);
/* Scratch market_step takes (nf: firm slots): competitiveness, per-technology
 * sums, demand per unit of share D[c*nk+k], market demand Q[m*nk+k], the
 * share-weighted price sum of each country's firms [c*nk+k], access
 * [(k*nc + m)*nc + c] of c's firms to market m and its denominators [k*nc + m]. */
size_t market_scratch_bytes(const tr_scenario *s, size_t nf);
/* Initial prices, demand, capacity in units and experience of the initial
 * population (sets the firms' market state). */
void market_start(tr_markets *mk, tr_firms *fi, const sim_ctx *run, const tr_budgets *bud);
int market_step(tr_markets *mk, tr_firms *fi, const sim_ctx *run, const tr_policy *pol, const tr_budgets *bud,
                const tr_talent *tal, const tr_localgov *lg, tr_arena *scratch, double year);
/* Revenue of a typical full firm of country c in technology k (i = c*nk + k)
 * this step, US$ bn a year: its national industry's revenue per full firm at
 * the start (an SME counting FIRMS_SIZE_SME), grown with the technology's
 * world sales (last step) and the country's cost level. A firm's overhead is `overhead` times it; entry
 * scales with the national industry's revenue over it (entry.c). */
double market_typical_revenue(const tr_markets *mk, int c, int k, int i);
/* An entrant's market state: experience, learning-curve origin, cost, price,
 * net worth and share. m: live firms of its country and technology before
 * this step's entry; capref x fac: its capacity; paid: subsidy it receives. */
void market_place_entrant(const tr_markets *mk, tr_firms *fi, const sim_ctx *run, int f, double m, double capref,
                          double fac, double paid);
void market_record_entry(tr_markets *mk, int i, double paid, double paid_local);
void market_record_exit(tr_markets *mk, int i);
void market_record_bailout(tr_markets *mk, int i, double amount);
void market_year_start(tr_markets *mk, const sim_ctx *run);
/* End of a year, after the report: memory for next year's choices. */
void market_year_end(tr_markets *mk, const sim_ctx *run, int first_year);

#endif
