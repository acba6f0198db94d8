/* knowledge.c — process 3b: knowledge stocks.
 *
 * Each country holds a knowledge stock per technology. It grows with the
 * papers its institutions produce (high-impact papers count much more than
 * ordinary ones), with spillovers from related technologies at home (the
 * scenario's spillover links), with foreign spillovers that close part of
 * the gap to the world frontier (scaled by both sides' openness and by the
 * country's absorptive capacity, its own stock relative to the frontier), and
 * with partners' new knowledge under `joint_research` agreements, and with
 * the research part of the firms' own R&D (add_firm_research); it
 * depreciates at a constant rate. Initial stocks are the steady state of the
 * first year's output, so the run starts without a transient.
 *
 * People-embodied flows (co-authorship, diaspora networks, returnees), from
 * the talent state of the last step (talent.c):
 *  - country c gains people_spill x L[c,d] x n[d,k] of partner d's new
 *    knowledge n, where L[c,d] = (M[c,d] + M[d,c]) / H[d] is the share of d's
 *    researchers linked to c by migration (c's emigrants working in d and
 *    d's emigrants working in c): fewer migrants, less flow both ways;
 *  - returnees bring the host's lead home: c gains returnee_knowledge x
 *    (ret[c,d] / H[c]) x max(0, K[d,k] - K[c,k]) for its ret[c,d] researchers
 *    who came back from d in the last step (stocks from before this step's
 *    update, so the order of countries does not matter). */
#include <math.h>
#include <string.h>

#include "model/research/knowledge.h"
#include "model/research/talent.h"

/* Smallest knowledge stock: a numerical floor so that ratios to the
 * frontier stay defined. */
#define KNOWLEDGE_MIN 1e-9

static void update_frontier(tr_knowledge *kn, const sim_ctx *run)
{
    for (int k = 0; k < run->nk; k++) {
        double f = 0;
        for (int c = 0; c < run->nc; c++)
            if (kn->K[c * run->nk + k] > f)
                f = kn->K[c * run->nk + k];
        kn->frontier[k] = f;
    }
}

/* New knowledge of country c in technology k this step (before spillovers). */
static double fresh(const tr_research *res, const sim_ctx *run, int c, int k)
{
    const tr_params_research *P = &run->s->params.research;
    return P->knowledge_per_hi * res->hi_step[c * run->nk + k] +
           P->knowledge_per_paper * res->papers_step[c * run->nk + k];
}

size_t knowledge_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return tr_alloc_bytes(nc * nk, d) + tr_alloc_bytes(nk, d);
}

int knowledge_init(tr_knowledge *kn, const sim_ctx *run, tr_arena *A)
{
    TR_ALLOC(A, kn->K, run->nc * run->nk);
    TR_ALLOC(A, kn->frontier, run->nk);
    /* Stocks start at 1 so that quality factors are defined; one research
     * step at the initial budgets then gives the steady state K = flow / delta. */
    const int nc = run->nc, nk = run->nk;
    for (int i = 0; i < nc * nk; i++)
        kn->K[i] = 1.0;
    update_frontier(kn, run);
    return TR_OK;
}

void knowledge_set_steady_state(tr_knowledge *kn, const sim_ctx *run, const tr_research *res)
{
    const int nc = run->nc, nk = run->nk;
    const double delta = run->s->params.research.knowledge_depreciation;
    for (int c = 0; c < nc; c++)
        for (int k = 0; k < nk; k++) {
            double flow = fresh(res, run, c, k) / run->dt; /* per year */
            double k0 = delta > 0 ? flow / delta : flow;
            kn->K[c * nk + k] = k0 > KNOWLEDGE_MIN ? k0 : KNOWLEDGE_MIN;
        }
    update_frontier(kn, run);
}

/* Firms' research: the share firm_research_share of the R&D the country's
 * firms fund in a technology (last step, US$ bn a year) adds knowledge at the
 * yield of the country's public research there this step (new knowledge per
 * US$ bn of research budget): dK = firm_research_share x firm_rd x fresh / rbudget.
 * Where the country funds no public research in the technology, its firms'
 * research adds nothing (no yield to measure it by). */
static void add_firm_research(tr_knowledge *kn, const sim_ctx *run, const tr_research *res, const tr_budgets *bud,
                              const double *firm_rd, double scale)
{
    const double share = run->s->params.research.firm_research_share;
    const int nk = run->nk;
    if (share <= 0)
        return;
    for (int c = 0; c < run->nc; c++)
        for (int k = 0; k < nk; k++) {
            const int i = c * nk + k;
            if (bud->rbudget[i] > 0 && firm_rd[i] > 0)
                kn->K[i] += scale * share * firm_rd[i] * fresh(res, run, c, k) / bud->rbudget[i];
        }
}

int knowledge_step(tr_knowledge *kn, const sim_ctx *run, const tr_research *res, const tr_budgets *bud,
                   const tr_policy *pol, tr_arena *scratch, const tr_talent *tal, const double *firm_rd)
{
    const tr_scenario *s = run->s;
    const tr_params_research *P = &s->params.research;
    const int nc = run->nc, nk = run->nk;
    const double dt = run->dt;
    double *gain = tr_arena_calloc(scratch, (size_t)nk, sizeof(double)); /* this step's gain of country c */
    if (!gain)
        return TR_ERR_NOMEM;
    /* stocks at the start of the step, for the returnees' knowledge */
    double *K0 = tr_arena_calloc(scratch, (size_t)nc * (size_t)nk, sizeof(double));
    if (!K0)
        return TR_ERR_NOMEM;
    memcpy(K0, kn->K, sizeof(double) * (size_t)nc * (size_t)nk);
    const tr_params_talent *PT = &s->params.talent;

    for (int c = 0; c < nc; c++) {
        /* Openness of the rest of the world as seen from c. */
        double orest = 0;
        for (int d = 0; d < nc; d++)
            if (d != c)
                orest += bud->open[d];
        orest = nc > 1 ? orest / (nc - 1) : 0;

        for (int k = 0; k < nk; k++)
            gain[k] = fresh(res, run, c, k);
        /* Domestic spillovers along the links between technologies. */
        for (int j = 0; j < nk; j++) {
            const tr_technology *T = &s->techs[j];
            double fj = fresh(res, run, c, j);
            for (int l = 0; l < T->n_links; l++)
                gain[T->links[l].to] += P->spill_domestic * T->links[l].weight * fj;
        }
        for (int k = 0; k < nk; k++) {
            double *K = &kn->K[c * nk + k];
            /* Catch-up toward the frontier, through open borders on both sides. */
            double F = kn->frontier[k];
            if (F > *K && F > 0) {
                double absorb = pow(*K / F, P->absorptive_elasticity);
                gain[k] += P->spill_foreign * bud->open[c] * orest * absorb * (F - *K) * dt;
            }
            /* Joint research partners share part of their new knowledge. */
            for (int d = 0; d < nc; d++) {
                double js = pol->joint[(c * nc + d) * nk + k];
                if (js > 0)
                    gain[k] += js * fresh(res, run, d, k);
            }
            /* People-embodied flows: migrants' links and returnees. */
            for (int d = 0; d < nc; d++) {
                if (d == c)
                    continue;
                double link = tal->H[d] > 0 ? (tal->M[c * nc + d] + tal->M[d * nc + c]) / tal->H[d] : 0;
                gain[k] += PT->people_spill * link * fresh(res, run, d, k);
                double lead = K0[d * nk + k] - K0[c * nk + k];
                if (lead > 0 && tal->H[c] > 0)
                    gain[k] += PT->returnee_knowledge * tal->ret_step[c * nc + d] / tal->H[c] * lead;
            }
            *K += gain[k] - P->knowledge_depreciation * dt * *K;
            if (*K < KNOWLEDGE_MIN)
                *K = KNOWLEDGE_MIN;
        }
    }
    add_firm_research(kn, run, res, bud, firm_rd, 1.0);
    update_frontier(kn, run);
    return TR_OK;
}

/* The initial stocks include the steady state of the firms' research flow
 * (flow a year / depreciation), so the run starts without a transient. */
void knowledge_start_firm_research(tr_knowledge *kn, const sim_ctx *run, const tr_research *res,
                                   const tr_budgets *bud, const double *firm_rd)
{
    const double delta = run->s->params.research.knowledge_depreciation;
    add_firm_research(kn, run, res, bud, firm_rd, 1.0 / (run->dt * (delta > 0 ? delta : 1.0)));
    update_frontier(kn, run);
}
