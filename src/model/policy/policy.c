/* policy.c — process 1: the policy timeline.
 *
 * An event is in force in every step whose interval [t, t + dt) overlaps the
 * event's [start, end): with quarterly steps and events on quarter
 * boundaries that is exactly the quarters from start to end; an event
 * shorter than a step, or starting inside one, still takes effect in the
 * step it falls in (for the whole step). Active events are folded into plain
 * modifier arrays that the other modules read; events of the same kind
 * combine (R&D scales and priority weights multiply; budgets, share changes,
 * per-output subsidies and tariffs add; restrictions (export controls
 * included), preferences and boosts take the strongest; capacity subsidy rates take the strongest central and
 * the strongest local rate, which add up), so the result does not depend on
 * the order of events in the file. */
#include <math.h>
#include <string.h>

#include "model/policy/policy.h"

/* Tolerance, years, that keeps step boundaries exact despite rounding: an
 * event ending on a step boundary is not in force in the next step. */
#define POLICY_TIME_EPS 1e-9

static double maxd(double a, double b)
{
    return a > b ? a : b;
}

int policy_init(tr_policy *pol, const sim_ctx *run, tr_arena *A)
{
    const int nc = run->nc, nk = run->nk;
    TR_ALLOC(A, pol->ev_active, run->s->n_events);
    TR_ALLOC(A, pol->rd_scale, nc);
    TR_ALLOC(A, pol->basic_add, nc);
    TR_ALLOC(A, pol->gov_add, nc);
    TR_ALLOC(A, pol->priority, nc * nk);
    TR_ALLOC(A, pol->mega, nc * nk);
    TR_ALLOC(A, pol->mega_firm, nc * nk);
    TR_ALLOC(A, pol->return_boost, nc);
    TR_ALLOC(A, pol->attract_boost, nc);
    TR_ALLOC(A, pol->visa, (size_t)nc * (size_t)nc);
    TR_ALLOC(A, pol->joint, (size_t)nc * (size_t)nc * (size_t)nk);
    TR_ALLOC(A, pol->sub_output, nc * nk);
    TR_ALLOC(A, pol->sub_output_local, nc * nk);
    TR_ALLOC(A, pol->sub_capacity, nc * nk);
    TR_ALLOC(A, pol->sub_capacity_local, nc * nk);
    TR_ALLOC(A, pol->sub_entrant, nc * nk);
    TR_ALLOC(A, pol->sub_entrant_local, nc * nk);
    TR_ALLOC(A, pol->tariff, (size_t)nc * (size_t)nc * (size_t)nk);
    TR_ALLOC(A, pol->buy_dom, nc * nk);
    TR_ALLOC(A, pol->screen, nc * nk);
    TR_ALLOC(A, pol->xctl, (size_t)nc * (size_t)nc * (size_t)nk);
    return TR_OK;
}

size_t policy_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return tr_alloc_bytes((size_t)s->n_events, 1) + 5 * tr_alloc_bytes(nc, d) + 12 * tr_alloc_bytes(nc * nk, d) +
           tr_alloc_bytes(nc * nc, d) + 3 * tr_alloc_bytes(nc * nc * nk, d);
}

void policy_apply(tr_policy *pol, const sim_ctx *run, double year)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;

    for (int c = 0; c < nc; c++) {
        pol->rd_scale[c] = 1.0;
        pol->basic_add[c] = 0.0;
        pol->gov_add[c] = 0.0;
        pol->return_boost[c] = 0.0;
        pol->attract_boost[c] = 0.0;
    }
    for (int i = 0; i < nc * nk; i++) {
        pol->priority[i] = 1.0;
        pol->mega[i] = 0.0;
        pol->mega_firm[i] = 0.0;
    }
    memset(pol->visa, 0, sizeof(double) * (size_t)(nc * nc));
    memset(pol->joint, 0, sizeof(double) * (size_t)(nc * nc * nk));
    memset(pol->sub_output, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->sub_output_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->sub_capacity, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->sub_capacity_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->sub_entrant, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->sub_entrant_local, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->tariff, 0, sizeof(double) * (size_t)(nc * nc * nk));
    memset(pol->buy_dom, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->screen, 0, sizeof(double) * (size_t)(nc * nk));
    memset(pol->xctl, 0, sizeof(double) * (size_t)(nc * nc * nk));
    pol->any_xctl = 0;

    const double eps = POLICY_TIME_EPS, t0 = year, t1 = year + run->dt;
    for (int e = 0; e < s->n_events; e++) {
        const tr_event *ev = &s->events[e];
        int on = ev->start < t1 - eps && ev->end > t0 + eps;
        pol->ev_active[e] = (unsigned char)on;
        if (!on)
            continue;
        const int a = ev->actor;
        switch (ev->kind) {
        case TR_EV_RD_FUNDING:
            pol->rd_scale[a] *= ev->rd_intensity_scale;
            pol->basic_add[a] += ev->basic_share_add;
            pol->gov_add[a] += ev->gov_share_add;
            break;
        case TR_EV_MEGAPROJECT:
            if (ev->n_techs > 0) {
                double per = ev->budget / ev->n_techs;
                for (int j = 0; j < ev->n_techs; j++) {
                    pol->mega[a * nk + ev->techs[j]] += per * (1 - ev->firm_share);
                    pol->mega_firm[a * nk + ev->techs[j]] += per * ev->firm_share;
                }
            }
            break;
        case TR_EV_PRIORITY_LIST:
            for (int j = 0; j < ev->n_techs; j++)
                pol->priority[a * nk + ev->techs[j]] *= ev->weight;
            break;
        case TR_EV_TALENT_PROGRAMME:
            pol->return_boost[a] = maxd(pol->return_boost[a], ev->return_boost);
            pol->attract_boost[a] = maxd(pol->attract_boost[a], ev->attract_boost);
            break;
        case TR_EV_VISA_RESTRICTION:
            for (int j = 0; j < ev->n_countries; j++) {
                int o = ev->countries[j];
                pol->visa[a * nc + o] = maxd(pol->visa[a * nc + o], ev->severity);
            }
            break;
        case TR_EV_JOINT_RESEARCH:
            for (int j = 0; j < ev->n_countries; j++) {
                int d = ev->countries[j];
                if (d == a)
                    continue;
                for (int m = 0; m < ev->n_techs; m++) {
                    int k = ev->techs[m];
                    double *x = &pol->joint[(a * nc + d) * nk + k];
                    double *y = &pol->joint[(d * nc + a) * nk + k];
                    *x = maxd(*x, ev->knowledge_share);
                    *y = maxd(*y, ev->knowledge_share);
                }
            }
            break;
        case TR_EV_SUBSIDY:
            for (int j = 0; j < ev->n_techs; j++) {
                int i = a * nk + ev->techs[j];
                pol->sub_output[i] += ev->per_output;
                if (ev->local)
                    pol->sub_output_local[i] += ev->per_output;
                pol->sub_entrant[i] += ev->per_entrant;
                if (ev->local) {
                    pol->sub_capacity_local[i] = maxd(pol->sub_capacity_local[i], ev->per_capacity);
                    pol->sub_entrant_local[i] += ev->per_entrant;
                } else {
                    pol->sub_capacity[i] = maxd(pol->sub_capacity[i], ev->per_capacity);
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
                    double *x = &pol->tariff[(a * nc + d) * nk + ev->techs[j]];
                    *x += ev->rate;
                }
            }
            break;
        case TR_EV_BUY_DOMESTIC:
            for (int j = 0; j < ev->n_techs; j++)
                pol->buy_dom[a * nk + ev->techs[j]] = maxd(pol->buy_dom[a * nk + ev->techs[j]], ev->preference);
            break;
        case TR_EV_INVESTMENT_SCREENING:
            for (int j = 0; j < ev->n_techs; j++)
                pol->screen[a * nk + ev->techs[j]] = maxd(pol->screen[a * nk + ev->techs[j]], ev->severity);
            break;
        case TR_EV_GUIDANCE_FUND:
            break; /* yearly money: policy_fund_year, read by the funds (localgov.c) */
        case TR_EV_EXPORT_CONTROL:
            for (int j = 0; j < ev->n_countries; j++)
                for (int m = 0; m < ev->n_techs; m++) {
                    double *x = &pol->xctl[((size_t)a * (size_t)nc + (size_t)ev->countries[j]) * (size_t)nk +
                                           (size_t)ev->techs[m]];
                    *x = maxd(*x, ev->severity);
                    pol->any_xctl |= ev->severity > 0;
                }
            break;
        case TR_EV_KIND_COUNT:
            break;
        }
    }
    /* Capacity subsidies: the strongest central and the strongest local
     * rate add up (sub_capacity then holds the total). */
    for (int i = 0; i < nc * nk; i++)
        pol->sub_capacity[i] += pol->sub_capacity_local[i];
}

void policy_fund_year(const sim_ctx *run, int c, int yr, double *out)
{
    const tr_scenario *s = run->s;
    memset(out, 0, sizeof(double) * (size_t)run->nk);
    for (int e = 0; e < s->n_events; e++) {
        const tr_event *ev = &s->events[e];
        if (ev->kind != TR_EV_GUIDANCE_FUND || ev->actor != c || ev->n_techs <= 0)
            continue;
        const double from = ev->start > yr ? ev->start : yr, to = ev->end < yr + 1 ? ev->end : yr + 1;
        if (to <= from + POLICY_TIME_EPS)
            continue;
        const double per = ev->budget * (to - from) / ev->n_techs;
        for (int j = 0; j < ev->n_techs; j++)
            out[ev->techs[j]] += per;
    }
}
