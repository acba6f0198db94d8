/* budget.c — process 2: R&D budgets.
 *
 * Each country's GERD is GDP times its R&D intensity (scaled by active
 * `rd_funding` events). It splits by source (government, of which central and
 * local; other domestic and foreign sources; business the rest) and by kind (basic, applied, experimental). The part
 * performed by universities and public labs, times the share of it spent in
 * the scenario's technologies (`critical_share`), is the research budget; it is
 * allocated across technologies in proportion to field strength times the
 * weight of any active priority list, and megaproject money is added on top
 * for its technologies (and to GERD, as central-government funding of applied
 * research). Money is in US$ bn (PPP) per year. */
#include "model/state.h"

static double clamp01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

void budget_step(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const int nk = sim->nk;
    for (int c = 0; c < sim->nc; c++) {
        const tr_country *C = &s->countries[c];
        double gdp = tr_path_at(&C->gdp, year);
        double rd = tr_path_at(&C->rd_intensity, year) * sim->rd_scale[c];
        double gerd = gdp * rd;
        double gshare = clamp01(tr_path_at(&C->gov_share, year) + sim->gov_add[c]);
        double bshare = clamp01(tr_path_at(&C->basic_share, year) + sim->basic_add[c]);
        double ashare = tr_path_at(&C->applied_share, year);
        if (ashare > 1 - bshare)
            ashare = 1 - bshare;
        double central = tr_path_at(&C->central_share, year);
        double mega_total = 0, mega_firms = 0;
        for (int k = 0; k < nk; k++) {
            mega_total += sim->mega[c * nk + k];
            mega_firms += sim->mega_firm[c * nk + k];
        }

        sim->gdp[c] = gdp;
        sim->rd_int[c] = rd;
        sim->gerd[c] = gerd;
        sim->gov[c] = gerd * gshare;
        sim->central[c] = gerd * gshare * central;
        double oshare = clamp01(tr_path_at(&C->other_share, year));
        if (oshare > 1 - gshare)
            oshare = 1 - gshare;
        sim->other[c] = gerd * oshare;
        sim->business[c] = gerd * (1 - gshare - oshare);
        sim->basic[c] = gerd * bshare;
        sim->applied[c] = gerd * ashare;
        sim->basic_share[c] = bshare;
        sim->open[c] = clamp01(tr_path_at(&C->openness, year));
        double pub = gerd * clamp01(tr_path_at(&C->public_perf, year)) *
                     clamp01(tr_path_at(&C->critical_share, year));
        sim->pubres[c] = pub + mega_total;
        /* Megaproject money is central-government R&D on top of the path
         * (applied research, performed by public institutions): it counts in
         * GERD and its shares, so R&D intensity reported rises with it. */
        sim->gerd[c] += mega_total + mega_firms;
        sim->rd_int[c] = gdp > 0 ? sim->gerd[c] / gdp : 0;
        sim->gov[c] += mega_total + mega_firms;
        sim->central[c] += mega_total + mega_firms;
        sim->applied[c] += mega_total + mega_firms;

        double wsum = 0;
        for (int k = 0; k < nk; k++)
            wsum += C->strength[k] * sim->priority[c * nk + k];
        for (int k = 0; k < nk; k++) {
            double w = C->strength[k] * sim->priority[c * nk + k];
            /* Grants meant for firms go to research where the country has no
             * firms in the technology. */
            double nofirms = sim->ct_n[c * nk + k] <= 0 ? sim->mega_firm[c * nk + k] : 0;
            sim->rbudget[c * nk + k] = (wsum > 0 ? pub * w / wsum : 0) + sim->mega[c * nk + k] + nofirms;
        }
    }
}
