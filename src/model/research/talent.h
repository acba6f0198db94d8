/* talent.h — submodel "talent": researchers by country and their moves. */
#ifndef TR_MODEL_TALENT_H
#define TR_MODEL_TALENT_H

#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/context.h"

/* H[c] researchers working in c (all origins), thousands FTE; Hq[c] their
 * quality-weighted sum; M[c*nc+d] people of origin c working in d (d != c). */
struct tr_talent {
    double *H, *Hq, *M;
    double *attract;              /* [nc] opportunity index: US$ k per researcher x research standing^standing_elasticity */
    double *out_y, *ret_y, *in_y; /* [nc] flows this year, thousands */
    double *pipeline;             /* [nc] domestic graduates available to research, thousands a year */
    double *ret_step;             /* [c*nc+d] people of origin c who returned from d in the last step, thousands */
};

int talent_init(tr_talent *tal, const sim_ctx *run, tr_arena *A);
size_t talent_bytes(const tr_scenario *s);
/* Initial researchers and pipelines (needs the first step's budgets). */
void talent_start(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol);
/* The initial diaspora, over hosts by opportunity x size; hi: the initial
 * expected high-impact papers [nc*nk] (research standing), so run after the
 * research steady state. */
void talent_place_diaspora(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol,
                           const double *hi);
void talent_year_start(tr_talent *tal, const sim_ctx *run);
/* hi: this step's expected high-impact papers [nc*nk] (research.c), for
 * each country's research standing. */
int talent_step(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol, const double *hi,
                double year, tr_arena *scratch);

#endif
