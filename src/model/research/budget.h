/* budget.h — submodel "R&D budgets": this step's money by country, from the
 * scenario's paths and the policy modifiers. US$ bn (PPP) per year. */
#ifndef TR_MODEL_BUDGET_H
#define TR_MODEL_BUDGET_H

#include "model/policy/policy.h"
#include "model/context.h"

typedef struct tr_budgets {
    double *gdp, *rd_int, *gerd;     /* [nc] GDP, R&D intensity after policy, GERD */
    double *gov, *central;           /* [nc] government-funded R&D, of which central */
    double *business, *other;        /* [nc] business-funded, other sources */
    double *basic, *applied;         /* [nc] spent on basic, applied research */
    double *pubres;                  /* [nc] reaching research institutions (incl. megaprojects) */
    double *basic_share;             /* [nc] effective basic share */
    double *open;                    /* [nc] openness this step, 0..1 */
    double *rbudget;                 /* [nc*nk] research funding by technology */
    double *coverage;                /* [nc] firms' R&D / business-funded R&D at the start, <= 1 (0: none) */
} tr_budgets;

int budget_init(tr_budgets *bud, const sim_ctx *run, tr_arena *A);
size_t budget_bytes(const tr_scenario *s);
/* ct_firms: [nc*nk] firms alive (grants meant for firms go to research
 * where a country has none). */
/* firm_rd: [nc*nk] R&D the firms funded last step (US$ bn a year), or NULL
 * before the firms exist: business-funded R&D then follows its path. */
void budget_step(tr_budgets *bud, const sim_ctx *run, const tr_policy *pol, const double *ct_firms,
                 const double *firm_rd, double year);
/* After the firms' first market state: their R&D as a share of the start
 * year's business-funded R&D (the coverage that scales it ever after). */
void budget_start_business(tr_budgets *bud, const sim_ctx *run, const double *firm_rd);

#endif
