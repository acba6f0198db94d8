/* policy.c — process 1: the policy timeline.
 *
 * An event is in force in every step whose interval [t, t + dt) overlaps the
 * event's [start, end): with quarterly steps and events on quarter
 * boundaries that is exactly the quarters from start to end; an event
 * shorter than a step, or starting inside one, still takes effect in the
 * step it falls in (for the whole step). Active events are folded into plain
 * modifier arrays that the other modules read; events of the same kind
 * combine (R&D scales and priority weights multiply, budgets and share
 * changes add, restrictions and boosts take the strongest), so the result
 * does not depend on the order of events in the file. */
#include <math.h>
#include <string.h>

#include "model/state.h"

static double maxd(double a, double b)
{
    return a > b ? a : b;
}

void policy_apply(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const int nc = sim->nc, nk = sim->nk;

    for (int c = 0; c < nc; c++) {
        sim->rd_scale[c] = 1.0;
        sim->basic_add[c] = 0.0;
        sim->gov_add[c] = 0.0;
        sim->return_boost[c] = 0.0;
        sim->attract_boost[c] = 0.0;
    }
    for (int i = 0; i < nc * nk; i++) {
        sim->priority[i] = 1.0;
        sim->mega[i] = 0.0;
    }
    memset(sim->visa, 0, sizeof(double) * (size_t)(nc * nc));
    memset(sim->joint, 0, sizeof(double) * (size_t)(nc * nc * nk));

    /* A small tolerance keeps step boundaries exact despite rounding. */
    const double eps = 1e-9, t0 = year, t1 = year + sim->dt;
    for (int e = 0; e < s->n_events; e++) {
        const tr_event *ev = &s->events[e];
        int on = ev->start < t1 - eps && ev->end > t0 + eps;
        sim->ev_active[e] = (unsigned char)on;
        if (!on)
            continue;
        const int a = ev->actor;
        switch (ev->kind) {
        case TR_EV_RD_FUNDING:
            sim->rd_scale[a] *= ev->rd_intensity_scale;
            sim->basic_add[a] += ev->basic_share_add;
            sim->gov_add[a] += ev->gov_share_add;
            break;
        case TR_EV_MEGAPROJECT:
            if (ev->n_techs > 0) {
                double per = ev->budget / ev->n_techs;
                for (int j = 0; j < ev->n_techs; j++)
                    sim->mega[a * nk + ev->techs[j]] += per;
            }
            break;
        case TR_EV_PRIORITY_LIST:
            for (int j = 0; j < ev->n_techs; j++)
                sim->priority[a * nk + ev->techs[j]] *= ev->weight;
            break;
        case TR_EV_TALENT_PROGRAMME:
            sim->return_boost[a] = maxd(sim->return_boost[a], ev->return_boost);
            sim->attract_boost[a] = maxd(sim->attract_boost[a], ev->attract_boost);
            break;
        case TR_EV_VISA_RESTRICTION:
            for (int j = 0; j < ev->n_countries; j++) {
                int o = ev->countries[j];
                sim->visa[a * nc + o] = maxd(sim->visa[a * nc + o], ev->severity);
            }
            break;
        case TR_EV_JOINT_RESEARCH:
            for (int j = 0; j < ev->n_countries; j++) {
                int d = ev->countries[j];
                if (d == a)
                    continue;
                for (int m = 0; m < ev->n_techs; m++) {
                    int k = ev->techs[m];
                    double *x = &sim->joint[(a * nc + d) * nk + k];
                    double *y = &sim->joint[(d * nc + a) * nk + k];
                    *x = maxd(*x, ev->knowledge_share);
                    *y = maxd(*y, ev->knowledge_share);
                }
            }
            break;
        case TR_EV_KIND_COUNT:
            break;
        }
    }
}
