/* metrics.h — submodel "observation": the technology tracker, the yearly
 * report (tr_year_report) and what it is built from. */
#ifndef TR_MODEL_METRICS_H
#define TR_MODEL_METRICS_H

#include "techrace/sim.h"

#include "model/industry/firms.h"
#include "model/industry/localgov.h"
#include "model/industry/market.h"
#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/research/knowledge.h"
#include "model/research/research.h"
#include "model/research/talent.h"
#include "model/context.h"

typedef struct tr_metrics {
    int W;                     /* tracker window, years */
    int ring_pos;              /* slot of the current year in the rings */
    int years_done;
    double *ct_hi_ring;        /* [W*nc*nk] high-impact papers of the last W years */
    double *ct_hi_window;      /* [nc*nk] sum over the window */
    double *inst_hi_ring;      /* [W*ni*nk] */
    double *inst_hi_window;    /* [ni*nk] */
    tr_country_year *cy;       /* [nc] */
    tr_ct_year *cty;           /* [nc*nk] */
    tr_tracker_row *trk;       /* [nk] */
    int *top10_by_country;     /* [nk*nc] */
    tr_year_report rep;
} tr_metrics;

int metrics_init(tr_metrics *met, const sim_ctx *run, int ni, tr_arena *A);
size_t metrics_bytes(const tr_scenario *s, int ni);
void report_year_start(tr_metrics *met, const sim_ctx *run);
/* Add this step's flows to the year's totals. */
void report_accumulate(tr_metrics *met, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol,
                       const tr_research *res);
/* End of a year: stocks of the research layer. */
void report_research_year(tr_metrics *met, const sim_ctx *run, const tr_talent *tal, const tr_knowledge *kn);
/* The year's drawn high-impact papers, summed by country. */
void report_hi_papers(tr_metrics *met, const sim_ctx *run, const tr_research *res);
int tracker_year(tr_metrics *met, const sim_ctx *run, const tr_research *res, tr_arena *scratch);
int firm_metrics_year(tr_metrics *met, const sim_ctx *run, const tr_firms *fi, const tr_markets *mk,
                      const tr_localgov *lg, const tr_funds *fund, tr_arena *scratch);

#endif
