/* budget.c — process 2: R&D budgets.
 *
 * Each country's GERD is GDP times its R&D intensity (scaled by active
 * `rd_funding` events). It splits by source (government, of which central and
 * local; other domestic and foreign sources; business the rest) and by kind (basic, applied, experimental). The part
 * performed by universities and public labs, times the share of it spent in
 * the scenario's technologies, is the research budget: that share is
 * `research.critical_share` (a bloc of world-average field mix) times the
 * bloc's mean field strength over the technologies, at most 1, so a bloc
 * specialised in the technologies' fields spends more of its public research
 * there (strengths are activity indices of its publications). The budget is
 * allocated across technologies in proportion to field strength times the
 * weight of any active priority list, and megaproject money is added on top
 * for its technologies (and to GERD, as central-government funding of applied
 * research). Money is in US$ bn (PPP) per year. */
#include "model/research/budget.h"

static double clamp01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

int budget_init(tr_budgets *bud, const sim_ctx *run, tr_arena *A)
{
    const int nc = run->nc;
    TR_ALLOC(A, bud->gdp, nc);
    TR_ALLOC(A, bud->rd_int, nc);
    TR_ALLOC(A, bud->gerd, nc);
    TR_ALLOC(A, bud->gov, nc);
    TR_ALLOC(A, bud->central, nc);
    TR_ALLOC(A, bud->business, nc);
    TR_ALLOC(A, bud->other, nc);
    TR_ALLOC(A, bud->basic, nc);
    TR_ALLOC(A, bud->applied, nc);
    TR_ALLOC(A, bud->pubres, nc);
    TR_ALLOC(A, bud->basic_share, nc);
    TR_ALLOC(A, bud->open, nc);
    TR_ALLOC(A, bud->rbudget, nc * run->nk);
    return TR_OK;
}

size_t budget_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return 12 * tr_alloc_bytes(nc, d) + tr_alloc_bytes(nc * nk, d);
}

void budget_step(tr_budgets *bud, const sim_ctx *run, const tr_policy *pol, const double *ct_firms, double year)
{
    const tr_scenario *s = run->s;
    const int nk = run->nk;
    for (int c = 0; c < run->nc; c++) {
        const tr_country *C = &s->countries[c];
        double gdp = tr_path_at(&C->gdp, year);
        double rd = tr_path_at(&C->rd_intensity, year) * pol->rd_scale[c];
        double gerd = gdp * rd;
        double gshare = clamp01(tr_path_at(&C->gov_share, year) + pol->gov_add[c]);
        double bshare = clamp01(tr_path_at(&C->basic_share, year) + pol->basic_add[c]);
        double ashare = tr_path_at(&C->applied_share, year);
        if (ashare > 1 - bshare)
            ashare = 1 - bshare;
        double central = tr_path_at(&C->central_share, year);
        double mega_total = 0, mega_firms = 0;
        for (int k = 0; k < nk; k++) {
            mega_total += pol->mega[c * nk + k];
            mega_firms += pol->mega_firm[c * nk + k];
        }

        bud->gdp[c] = gdp;
        bud->rd_int[c] = rd;
        bud->gerd[c] = gerd;
        bud->gov[c] = gerd * gshare;
        bud->central[c] = gerd * gshare * central;
        double oshare = clamp01(tr_path_at(&C->other_share, year));
        if (oshare > 1 - gshare)
            oshare = 1 - gshare;
        bud->other[c] = gerd * oshare;
        bud->business[c] = gerd * (1 - gshare - oshare);
        bud->basic[c] = gerd * bshare;
        bud->applied[c] = gerd * ashare;
        bud->basic_share[c] = bshare;
        bud->open[c] = clamp01(tr_path_at(&C->openness, year));
        double smean = 0;
        for (int k = 0; k < nk; k++)
            smean += C->strength[k] / nk;
        double pub = gerd * clamp01(tr_path_at(&C->public_perf, year)) *
                     clamp01(s->params.research.critical_share * smean);
        bud->pubres[c] = pub + mega_total;
        /* Megaproject money is central-government R&D on top of the path
         * (applied research, performed by public institutions): it counts in
         * GERD and its shares, so R&D intensity reported rises with it. */
        bud->gerd[c] += mega_total + mega_firms;
        bud->rd_int[c] = gdp > 0 ? bud->gerd[c] / gdp : 0;
        bud->gov[c] += mega_total + mega_firms;
        bud->central[c] += mega_total + mega_firms;
        bud->applied[c] += mega_total + mega_firms;

        double wsum = 0;
        for (int k = 0; k < nk; k++)
            wsum += C->strength[k] * pol->priority[c * nk + k];
        for (int k = 0; k < nk; k++) {
            double w = C->strength[k] * pol->priority[c * nk + k];
            /* Grants meant for firms go to research where the country has no
             * firms in the technology. */
            double nofirms = ct_firms[c * nk + k] <= 0 ? pol->mega_firm[c * nk + k] : 0;
            bud->rbudget[c * nk + k] = (wsum > 0 ? pub * w / wsum : 0) + pol->mega[c * nk + k] + nofirms;
        }
    }
}
