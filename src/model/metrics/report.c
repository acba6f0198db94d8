/* report.c — the yearly report (tr_year_report): its arrays, the year's
 * research-layer totals added step by step, and the stocks at the end of
 * each year. The firm and market part is in firm_metrics.c, the tracker in
 * tracker.c. */
#include <string.h>

#include "model/metrics/metrics.h"

size_t metrics_bytes(const tr_scenario *s, int ni)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    const size_t W = (size_t)(s->params.tracker.window_years > 0 ? s->params.tracker.window_years : 1);
    const size_t nik = (size_t)ni * nk;
    return tr_alloc_bytes(W * nc * nk, d) + tr_alloc_bytes(nc * nk, d) + tr_alloc_bytes(W * nik, d) +
           tr_alloc_bytes(nik, d) + tr_alloc_bytes(nc, sizeof(tr_country_year)) +
           tr_alloc_bytes(nc * nk, sizeof(tr_ct_year)) + tr_alloc_bytes(nk, sizeof(tr_tracker_row)) +
           tr_alloc_bytes(nk * nc, sizeof(int));
}

int metrics_init(tr_metrics *met, const sim_ctx *run, int ni, tr_arena *A)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    met->W = s->params.tracker.window_years > 0 ? s->params.tracker.window_years : 1;
    const size_t nik = (size_t)ni * (size_t)nk;
    TR_ALLOC(A, met->ct_hi_ring, (size_t)met->W * (size_t)(nc * nk));
    TR_ALLOC(A, met->ct_hi_window, nc * nk);
    TR_ALLOC(A, met->inst_hi_ring, (size_t)met->W * nik);
    TR_ALLOC(A, met->inst_hi_window, nik);
    TR_ALLOC(A, met->cy, nc);
    TR_ALLOC(A, met->cty, nc * nk);
    TR_ALLOC(A, met->trk, nk);
    TR_ALLOC(A, met->top10_by_country, nk * nc);
    met->rep.n_countries = nc;
    met->rep.n_tech = nk;
    met->rep.country = met->cy;
    met->rep.ct = met->cty;
    met->rep.tracker = met->trk;
    met->rep.top10_by_country = met->top10_by_country;
    return TR_OK;
}

void report_year_start(tr_metrics *met, const sim_ctx *run)
{
    memset(met->cy, 0, sizeof(tr_country_year) * (size_t)run->nc);
    memset(met->cty, 0, sizeof(tr_ct_year) * (size_t)(run->nc * run->nk));
}

/* Rates (US$ bn per year) are averaged over the year, flows summed. */
void report_accumulate(tr_metrics *met, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol,
                       const tr_research *res)
{
    const int nc = run->nc, nk = run->nk;
    const double w = run->dt;
    for (int c = 0; c < nc; c++) {
        tr_country_year *y = &met->cy[c];
        y->gdp += w * bud->gdp[c];
        y->rd_intensity += w * bud->rd_int[c];
        y->gerd += w * bud->gerd[c];
        y->gov_funding += w * bud->gov[c];
        y->central_funding += w * bud->central[c];
        y->local_funding += w * (bud->gov[c] - bud->central[c]);
        y->business_funding += w * bud->business[c];
        y->other_funding += w * bud->other[c];
        y->basic += w * bud->basic[c];
        y->applied += w * bud->applied[c];
        y->experimental += w * (bud->gerd[c] - bud->basic[c] - bud->applied[c]);
        y->public_research += w * bud->pubres[c];
        for (int k = 0; k < nk; k++) {
            tr_ct_year *ct = &met->cty[c * nk + k];
            y->megaproject += w * (pol->mega[c * nk + k] + pol->mega_firm[c * nk + k]);
            ct->budget += w * bud->rbudget[c * nk + k];
            ct->papers += res->papers_step[c * nk + k];
            y->papers += res->papers_step[c * nk + k];
        }
    }
}

void report_research_year(tr_metrics *met, const sim_ctx *run, const tr_talent *tal, const tr_knowledge *kn)
{
    const int nc = run->nc, nk = run->nk;
    double world_gerd = 0;
    for (int c = 0; c < nc; c++)
        world_gerd += met->cy[c].gerd;
    for (int c = 0; c < nc; c++) {
        tr_country_year *y = &met->cy[c];
        y->researchers = tal->H[c];
        double d = 0;
        for (int e = 0; e < nc; e++)
            d += tal->M[c * nc + e];
        y->diaspora = d;
        y->outbound = tal->out_y[c];
        y->returnees = tal->ret_y[c];
        y->inbound_foreign = tal->in_y[c];
        y->talent_quality = tal->H[c] > 0 ? tal->Hq[c] / tal->H[c] : 0;
        y->world_rd_share = world_gerd > 0 ? y->gerd / world_gerd : 0;
        for (int k = 0; k < nk; k++)
            met->cty[c * nk + k].knowledge = kn->K[c * nk + k];
    }
}

void report_hi_papers(tr_metrics *met, const sim_ctx *run, const tr_research *res)
{
    const int nk = run->nk;
    for (int c = 0; c < run->nc; c++) {
        for (int k = 0; k < nk; k++)
            met->cty[c * nk + k].hi_papers = 0;
        met->cy[c].hi_papers = 0;
        for (int i = res->inst_first[c]; i < res->inst_first[c + 1]; i++) {
            const double *hy = &res->inst_hi_year[(size_t)i * (size_t)nk];
            for (int k = 0; k < nk; k++) {
                if (hy[k] <= 0)
                    continue; /* nothing expected, nothing drawn */
                met->cty[c * nk + k].hi_papers += hy[k];
                met->cy[c].hi_papers += hy[k];
            }
        }
    }
}
