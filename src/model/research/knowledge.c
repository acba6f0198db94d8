/* knowledge.c — process 3b: knowledge stocks.
 *
 * Each country holds a knowledge stock per technology. It grows with the
 * papers its institutions produce (high-impact papers count much more than
 * ordinary ones), with spillovers from related technologies at home (the
 * scenario's spillover links), with foreign spillovers that close part of
 * the gap to the world frontier (scaled by both sides' openness and by the
 * country's absorptive capacity, its own stock relative to the frontier), and
 * with partners' new knowledge under `joint_research` agreements; it
 * depreciates at a constant rate. Initial stocks are the steady state of the
 * first year's output, so the run starts without a transient. */
#include <math.h>
#include <string.h>

#include "model/state.h"

static void update_frontier(tr_sim *sim)
{
    for (int k = 0; k < sim->nk; k++) {
        double f = 0;
        for (int c = 0; c < sim->nc; c++)
            if (sim->K[c * sim->nk + k] > f)
                f = sim->K[c * sim->nk + k];
        sim->frontier[k] = f;
    }
}

/* New knowledge of country c in technology k this step (before spillovers). */
static double fresh(const tr_sim *sim, int c, int k)
{
    const tr_params_research *P = &sim->s->params.research;
    return P->knowledge_per_hi * sim->hi_step[c * sim->nk + k] +
           P->knowledge_per_paper * sim->papers_step[c * sim->nk + k];
}

void knowledge_init(tr_sim *sim)
{
    /* Stocks start at 1 so that quality factors are defined; one research
     * step at the initial budgets then gives the steady state K = flow / delta. */
    const int nc = sim->nc, nk = sim->nk;
    for (int i = 0; i < nc * nk; i++)
        sim->K[i] = 1.0;
    update_frontier(sim);
}

void knowledge_set_steady_state(tr_sim *sim)
{
    const int nc = sim->nc, nk = sim->nk;
    const double delta = sim->s->params.research.knowledge_depreciation;
    for (int c = 0; c < nc; c++)
        for (int k = 0; k < nk; k++) {
            double flow = fresh(sim, c, k) / sim->dt; /* per year */
            double k0 = delta > 0 ? flow / delta : flow;
            sim->K[c * nk + k] = k0 > 1e-9 ? k0 : 1e-9;
        }
    update_frontier(sim);
}

void knowledge_step(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const tr_params_research *P = &s->params.research;
    const int nc = sim->nc, nk = sim->nk;
    const double dt = sim->dt;
    double *gain = sim->kgain;

    for (int c = 0; c < nc; c++) {
        /* Openness of the rest of the world as seen from c. */
        double orest = 0;
        for (int d = 0; d < nc; d++)
            if (d != c)
                orest += sim->open[d];
        orest = nc > 1 ? orest / (nc - 1) : 0;

        for (int k = 0; k < nk; k++)
            gain[k] = fresh(sim, c, k);
        /* Domestic spillovers along the links between technologies. */
        for (int j = 0; j < nk; j++) {
            const tr_technology *T = &s->techs[j];
            double fj = fresh(sim, c, j);
            for (int l = 0; l < T->n_links; l++)
                gain[T->links[l].to] += P->spill_domestic * T->links[l].weight * fj;
        }
        for (int k = 0; k < nk; k++) {
            double *K = &sim->K[c * nk + k];
            /* Catch-up toward the frontier, through open borders on both sides. */
            double F = sim->frontier[k];
            if (F > *K && F > 0) {
                double absorb = pow(*K / F, P->absorptive_elasticity);
                gain[k] += P->spill_foreign * sim->open[c] * orest * absorb * (F - *K) * dt;
            }
            /* Joint research partners share part of their new knowledge. */
            for (int d = 0; d < nc; d++) {
                double js = sim->joint[(c * nc + d) * nk + k];
                if (js > 0)
                    gain[k] += js * fresh(sim, d, k);
            }
            *K += gain[k] - P->knowledge_depreciation * dt * *K;
            if (*K < 1e-9)
                *K = 1e-9;
        }
    }
    update_frontier(sim);
}
