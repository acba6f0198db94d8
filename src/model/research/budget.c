/* budget.c — process 2: R&D budgets.
 *
 * The R&D intensity path (scaled by active `rd_funding` events) times GDP
 * gives the money the government and other sources (higher education,
 * non-profits, abroad) put into R&D: gov = GDP x rd_intensity x gov_share,
 * other = GDP x rd_intensity x other_share (inputs). Business-funded R&D is
 * the rest of the business sector's, on its path, plus the model's firms':
 *   business = path x (1 - coverage) + the R&D the firms fund (share of
 *              their sales, last step),
 * with path = GDP x rd_intensity x (1 - gov_share - other_share) and
 * coverage the firms' R&D as a share of the path in the start year (at most
 * 1): the firms cover the scenario's technologies, the rest of the economy
 * keeps its data. GERD = gov + other + business, so a higher firm R&D share
 * raises business R&D, GERD and R&D intensity one for one, and through
 * public_performance the research budget. A country without firms keeps
 * business R&D on its path. GERD splits by kind (basic, applied,
 * experimental) along the paths. The part
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
    TR_ALLOC(A, bud->coverage, nc);
    return TR_OK;
}

size_t budget_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return 13 * tr_alloc_bytes(nc, d) + tr_alloc_bytes(nc * nk, d);
}

static double firm_rd_of(const double *firm_rd, int c, int nk)
{
    double x = 0;
    for (int k = 0; k < nk; k++)
        x += firm_rd[c * nk + k];
    return x;
}

void budget_start_business(tr_budgets *bud, const sim_ctx *run, const double *firm_rd)
{
    for (int c = 0; c < run->nc; c++) {
        double x = firm_rd_of(firm_rd, c, run->nk);
        double cov = bud->business[c] > 0 && x > 0 ? x / bud->business[c] : 0;
        bud->coverage[c] = cov < 1 ? cov : 1;
    }
}

void budget_step(tr_budgets *bud, const sim_ctx *run, const tr_policy *pol, const double *ct_firms,
                 const double *firm_rd, double year)
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
        if (firm_rd && bud->coverage[c] > 0) { /* the rest of the business sector, plus the firms' R&D */
            bud->business[c] = bud->business[c] * (1 - bud->coverage[c]) + firm_rd_of(firm_rd, c, nk);
            gerd = bud->gov[c] + bud->other[c] + bud->business[c];
            bud->gerd[c] = gerd;
            bud->rd_int[c] = gdp > 0 ? gerd / gdp : 0;
        }
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
