/* talent.c — process 4: researchers and their moves between countries.
 *
 * Each country employs H researchers (thousands, all origins) with an
 * average quality Hq/H; M[c,d] counts people of origin c working in d.
 * Every step:
 *  - domestic intake closes part of the gap to the number of researchers the
 *    country's GERD can pay for (GERD / researcher_cost) and replaces
 *    attrition; new researchers have the country's `talent_quality` (a time
 *    path: the quality of its universities' graduates);
 *  - researchers leave for abroad at `outbound_rate` times the country's
 *    openness, more when opportunity abroad (R&D money per researcher) is
 *    higher than at home, spread over destinations by opportunity, size and
 *    openness; a destination's
 *    `visa_restriction` blocks that share of the flow; inflows to one country
 *    are capped at `foreign_share_max` of its stock per year;
 *  - people abroad return at `return_rate`, more when home offers relatively
 *    more and under a `talent_programme`; returnees bring `returnee_quality`
 *    times the quality of the system they worked in, so talent raises
 *    research quality where it lands. */
#include <math.h>
#include <string.h>

#include "model/state.h"

static double minf(double a, double b)
{
    return a < b ? a : b;
}

static void set_attract(tr_sim *sim)
{
    for (int c = 0; c < sim->nc; c++) {
        double per = sim->H[c] > 0 ? sim->gerd[c] * 1e3 / sim->H[c] : 0; /* US$ k per researcher */
        sim->attract[c] = per * (1.0 + sim->attract_boost[c]);
    }
}

void talent_init(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const int nc = sim->nc;
    const double y0 = tr_scenario_step_year(s, 0);
    for (int c = 0; c < nc; c++) {
        sim->H[c] = s->countries[c].researchers0;
        sim->Hq[c] = sim->H[c] * tr_path_at(&s->countries[c].talent_quality, y0);
    }
    set_attract(sim);
    /* The initial diaspora sits where opportunity times size is largest. It
     * is part of its hosts' researchers, so no host can hold more foreign
     * researchers than half its stock: larger diasporas are scaled down. */
    for (int c = 0; c < nc; c++) {
        double wsum = 0;
        for (int d = 0; d < nc; d++)
            if (d != c)
                wsum += sim->attract[d] * sim->H[d];
        for (int d = 0; d < nc; d++)
            sim->M[c * nc + d] =
                (d != c && wsum > 0) ? s->countries[c].diaspora0 * sim->attract[d] * sim->H[d] / wsum : 0;
    }
    for (int d = 0; d < nc; d++) {
        double foreign = 0;
        for (int c = 0; c < nc; c++)
            foreign += sim->M[c * nc + d];
        if (foreign > 0.5 * sim->H[d])
            for (int c = 0; c < nc; c++)
                sim->M[c * nc + d] *= 0.5 * sim->H[d] / foreign;
    }
}

/* Share of a stock that moves in a step at annual rate `rate`: never more
 * than the stock, and equal to rate * dt for small rates. */
static double moved(double rate, double dt)
{
    return rate > 0 ? 1.0 - exp(-rate * dt) : 0.0;
}

void talent_step(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_talent *P = &s->params.talent;
    const int nc = sim->nc;
    const double dt = sim->dt;
    const double eps = P->opportunity_elasticity;
    double *O = sim->flow_out, *R = sim->flow_ret, *in = sim->inflow;

    set_attract(sim);
    double *q = sim->tq;
    for (int c = 0; c < nc; c++)
        q[c] = sim->H[c] > 0 ? sim->Hq[c] / sim->H[c] : tr_path_at(&s->countries[c].talent_quality, year);

    /* Outflows and returns, all computed from the same snapshot. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double wsum = 0, abar = 0;
        for (int d = 0; d < nc; d++) {
            if (d == c)
                continue;
            wsum += sim->attract[d] * sim->H[d] * sim->open[d];
            abar += sim->attract[d] * sim->H[d] * sim->open[d] * sim->attract[d];
        }
        abar = wsum > 0 ? abar / wsum : 0;
        double pull = sim->attract[c] > 0 ? minf(3.0, pow(abar / sim->attract[c], eps)) : 3.0;
        double total = sim->H[c] * moved(C->outbound_rate * sim->open[c] * pull, dt);
        for (int d = 0; d < nc; d++) {
            double o = 0, r = 0;
            if (d != c && wsum > 0) {
                o = total * sim->attract[d] * sim->H[d] * sim->open[d] / wsum * (1.0 - sim->visa[d * nc + c]);
                double back = sim->attract[d] > 0 ? minf(3.0, pow(sim->attract[c] / sim->attract[d], eps)) : 3.0;
                r = sim->M[c * nc + d] * moved(C->return_rate * (1.0 + sim->return_boost[c]) * back, dt);
            }
            O[c * nc + d] = o;
            R[c * nc + d] = r;
        }
    }
    /* Cap inflows into each destination. */
    for (int d = 0; d < nc; d++) {
        double tot = 0;
        for (int c = 0; c < nc; c++)
            tot += O[c * nc + d];
        double cap = P->foreign_share_max * sim->H[d] * dt;
        if (tot > cap && tot > 0)
            for (int c = 0; c < nc; c++)
                O[c * nc + d] *= cap / tot;
        in[d] = 0;
    }
    /* Apply. */
    for (int c = 0; c < nc; c++) {
        for (int d = 0; d < nc; d++) {
            if (d == c)
                continue;
            double o = O[c * nc + d], r = R[c * nc + d];
            /* leaving c for d */
            sim->H[c] -= o;
            sim->Hq[c] -= o * q[c];
            sim->H[d] += o;
            sim->Hq[d] += o * q[c];
            sim->M[c * nc + d] += o;
            /* returning from d to c */
            sim->H[d] -= r;
            sim->Hq[d] -= r * q[d];
            sim->H[c] += r;
            sim->Hq[c] += r * P->returnee_quality * q[d];
            sim->M[c * nc + d] -= r;
            sim->out_y[c] += o;
            sim->ret_y[c] += r;
            in[d] += o;
        }
    }
    for (int d = 0; d < nc; d++)
        sim->in_y[d] += in[d];

    /* People abroad retire like everyone else in their host. */
    const double keep = 1.0 - moved(P->attrition, dt);
    for (int j = 0; j < nc * nc; j++)
        sim->M[j] *= keep;

    /* Domestic intake and attrition. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double cost = tr_path_at(&C->researcher_cost, year);
        double target = cost > 0 ? sim->gerd[c] * 1e3 / cost : sim->H[c];
        double gap = target - sim->H[c];
        double intake = dt * (P->intake_rate * (gap > 0 ? gap : 0) + P->attrition * sim->H[c]);
        double leave = sim->H[c] * moved(P->attrition, dt);
        double tq = tr_path_at(&C->talent_quality, year);
        double qa = sim->H[c] > 0 ? sim->Hq[c] / sim->H[c] : tq;
        sim->H[c] += intake - leave;
        sim->Hq[c] += intake * tq - leave * qa;
        if (sim->H[c] < 1e-6) {
            sim->H[c] = 1e-6;
            sim->Hq[c] = 1e-6 * tq;
        }
    }
}
