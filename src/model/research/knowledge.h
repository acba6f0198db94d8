/* knowledge.h — submodel "knowledge stocks" per country and technology. */
#ifndef TR_MODEL_KNOWLEDGE_H
#define TR_MODEL_KNOWLEDGE_H

#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/research/research.h"
#include "model/context.h"

struct tr_knowledge {
    double *K;                 /* [nc*nk] knowledge stock */
    double *frontier;          /* [nk] max over countries of K */
};

int knowledge_init(tr_knowledge *kn, const sim_ctx *run, tr_arena *A);
size_t knowledge_bytes(const tr_scenario *s);
void knowledge_set_steady_state(tr_knowledge *kn, const sim_ctx *run, const tr_research *res);
/* tal: the researchers and their moves of the last step (people-embodied
 * flows: migrants' links and returnees). */
int knowledge_step(tr_knowledge *kn, const sim_ctx *run, const tr_research *res, const tr_budgets *bud,
                   const tr_policy *pol, tr_arena *scratch, const tr_talent *tal, const double *firm_rd);
/* knowledge_step: firm_rd [nc*nk] is the R&D the firms funded last step
 * (US$ bn a year), whose research part adds to the stocks; at the start,
 * knowledge_start_firm_research adds its steady state. */
void knowledge_start_firm_research(tr_knowledge *kn, const sim_ctx *run, const tr_research *res,
                                   const tr_budgets *bud, const double *firm_rd);

#endif
