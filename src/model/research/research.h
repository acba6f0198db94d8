/* research.h — submodel "research institutions": who they are and the
 * papers they produce each step. */
#ifndef TR_MODEL_RESEARCH_H
#define TR_MODEL_RESEARCH_H

#include "model/research/budget.h"
#include "model/context.h"

typedef struct tr_research {
    int ni;                    /* institutions, all countries */
    int *inst_country;         /* [ni] */
    double *inst_size;         /* [ni] */
    double *inst_quality;      /* [ni] */
    const char **inst_name;    /* [ni] */
    uint32_t *inst_key;        /* [ni] entity word of its random streams */
    double *inst_share;        /* [ni*nk] share of its country's funding in k (0 = inactive) */
    double *inst_noise;        /* [ni] this year's productivity shock */
    int *inst_first;           /* [nc+1] institutions of c are inst_first[c]..inst_first[c+1]-1 */
    double *inst_hi_year;      /* [ni*nk] high-impact papers this year (expected, then drawn) */
    double *papers_step;       /* [nc*nk] papers this step */
    double *hi_step;           /* [nc*nk] expected high-impact papers this step */
    double *staffing;          /* [nc] researchers available / researchers funded, capped at 1 */
    double *quality_c;         /* [nc*nk] country-level quality factor this step (without institution) */
    double *gen_qnorm;         /* [nc*nk] divides generated institutions' quality: their funding-weighted mean in k */
} tr_research;

/* Institutions of the scenario (listed and generated). */
int research_init(tr_research *res, const sim_ctx *run, tr_arena *A);
size_t research_bytes(const tr_scenario *s);
/* Start of a year: every institution's productivity shock. */
void research_year_start(tr_research *res, const sim_ctx *run);
void research_step(tr_research *res, const sim_ctx *run, const tr_budgets *bud, const tr_knowledge *kn,
                   const tr_talent *tal);
/* Like research_step but with expected instead of drawn counts (initial conditions). */
void research_expected(tr_research *res, const sim_ctx *run, const tr_budgets *bud, const tr_knowledge *kn,
                       const tr_talent *tal);
/* End of a year: draw the year's high-impact papers of each institution. */
void research_year_draw(tr_research *res, const sim_ctx *run);

#endif
