/* policy.c — process 1: the policy timeline.
 *
 * An event is in force in every step whose interval [t, t + dt) overlaps the
 * event's [start, end): with quarterly steps and events on quarter
 * boundaries that is exactly the quarters from start to end; an event
 * shorter than a step, or starting inside one, still takes effect in the
 * step it falls in (for the whole step). Active events are folded into plain
 * modifier arrays that the other modules read; events of the same kind
 * combine (R&D scales and priority weights multiply; budgets, share changes,
 * per-output subsidies and tariffs add; restrictions, preferences and boosts
 * take the strongest; capacity subsidy rates take the strongest central and
 * the strongest local rate, which add up), so the result does not depend on
 * the order of events in the file. */
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
        sim->mega_firm[i] = 0.0;
    }
    memset(sim->visa, 0, sizeof(double) * (size_t)(nc * nc));
    memset(sim->joint, 0, sizeof(double) * (size_t)(nc * nc * nk));
    memset(sim->sub_output, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->sub_output_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->sub_capacity, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->sub_capacity_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->sub_entrant, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->sub_entrant_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->tariff, 0, sizeof(double) * (size_t)(nc * nc * nk));
    memset(sim->buy_dom, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->screen, 0, sizeof(double) * (size_t)(nc * nk));

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
                for (int j = 0; j < ev->n_techs; j++) {
                    sim->mega[a * nk + ev->techs[j]] += per * (1 - ev->firm_share);
                    sim->mega_firm[a * nk + ev->techs[j]] += per * ev->firm_share;
                }
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
        case TR_EV_SUBSIDY:
            for (int j = 0; j < ev->n_techs; j++) {
                int i = a * nk + ev->techs[j];
                sim->sub_output[i] += ev->per_output;
                if (ev->local)
                    sim->sub_output_local[i] += ev->per_output;
                sim->sub_entrant[i] += ev->per_entrant;
                if (ev->local) {
                    sim->sub_capacity_local[i] = maxd(sim->sub_capacity_local[i], ev->per_capacity);
                    sim->sub_entrant_local[i] += ev->per_entrant;
                } else {
                    sim->sub_capacity[i] = maxd(sim->sub_capacity[i], ev->per_capacity);
                }
            }
            break;
        case TR_EV_SELF_SUFFICIENCY:
            break; /* read by market.c, which knows the current domestic shares */
        case TR_EV_TARIFF:
            for (int d = 0; d < nc; d++) {
                if (d == a)
                    continue;
                int listed = ev->n_countries == 0;
                for (int j = 0; j < ev->n_countries && !listed; j++)
                    listed = ev->countries[j] == d;
                if (!listed)
                    continue;
                for (int j = 0; j < ev->n_techs; j++) {
                    double *x = &sim->tariff[(a * nc + d) * nk + ev->techs[j]];
                    *x += ev->rate;
                }
            }
            break;
        case TR_EV_BUY_DOMESTIC:
            for (int j = 0; j < ev->n_techs; j++)
                sim->buy_dom[a * nk + ev->techs[j]] = maxd(sim->buy_dom[a * nk + ev->techs[j]], ev->preference);
            break;
        case TR_EV_INVESTMENT_SCREENING:
            for (int j = 0; j < ev->n_techs; j++)
                sim->screen[a * nk + ev->techs[j]] = maxd(sim->screen[a * nk + ev->techs[j]], ev->severity);
            break;
        case TR_EV_KIND_COUNT:
            break;
        }
    }
    /* Capacity subsidies: the strongest central and the strongest local
     * rate add up (sub_capacity then holds the total). */
    for (int i = 0; i < nc * nk; i++)
        sim->sub_capacity[i] += sim->sub_capacity_local[i];
}
