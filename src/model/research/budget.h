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
} tr_budgets;

int budget_init(tr_budgets *bud, const sim_ctx *run, tr_arena *A);
size_t budget_bytes(const tr_scenario *s);
/* ct_firms: [nc*nk] firms alive (grants meant for firms go to research
 * where a country has none). */
void budget_step(tr_budgets *bud, const sim_ctx *run, const tr_policy *pol, const double *ct_firms, double year);

#endif
