/* policy.h — submodel "policy timeline": the events in force this step,
 * folded into modifier arrays that the other modules read (const). */
#ifndef TR_MODEL_POLICY_H
#define TR_MODEL_POLICY_H

#include "model/context.h"

typedef struct tr_policy {
    unsigned char *ev_active;  /* [n_events] in force this step */
    /* research side */
    double *rd_scale;          /* [nc] multiplier of R&D intensity */
    double *basic_add;         /* [nc] added to the basic-research share */
    double *gov_add;           /* [nc] added to the government share */
    double *priority;          /* [nc*nk] multiplier of research funding weight */
    double *mega;              /* [nc*nk] megaproject US$ bn per year for research institutions */
    double *mega_firm;         /* [nc*nk] megaproject US$ bn per year as R&D grants to firms */
    double *return_boost;      /* [nc] */
    double *attract_boost;     /* [nc] */
    double *visa;              /* [dest*nc + origin] share of flows from origin blocked by dest */
    double *joint;             /* [(c*nc + d)*nk + k] knowledge share exchanged c<->d in k */
    /* industrial side */
    double *sub_output;        /* [nc*nk] per-output subsidy, share of unit cost (central + local events) */
    double *sub_output_local;  /* [nc*nk] of which paid by local governments */
    double *sub_capacity;      /* [nc*nk] share of capex paid by events (central + local) */
    double *sub_capacity_local;/* [nc*nk] of which by local events */
    double *sub_entrant;       /* [nc*nk] US$ bn per entrant from events */
    double *sub_entrant_local; /* [nc*nk] of which by local events */
    double *tariff;            /* [(importer*nc + origin)*nk + k] ad-valorem */
    double *buy_dom;           /* [nc*nk] extra domestic preference */
    double *screen;            /* [nc*nk] share of foreign-invested entry blocked */
    double *xctl;              /* [(origin*nc + target)*nk + k] share of origin's sales of k to target denied (export controls) */
    int any_xctl;              /* some export control is in force this step */
} tr_policy;

/* Share of origin's sales of technology k to target denied by export
 * controls this step (0 for a country's own market). */
static inline double policy_xctl(const tr_policy *pol, int nc, int nk, int origin, int target, int k)
{
    return origin == target ? 0.0 : pol->xctl[((size_t)origin * (size_t)nc + (size_t)target) * (size_t)nk + (size_t)k];
}

int policy_init(tr_policy *pol, const sim_ctx *run, tr_arena *A);
size_t policy_bytes(const tr_scenario *s);
/* Fold the events in force in the step starting at `year` into the modifiers. */
void policy_apply(tr_policy *pol, const sim_ctx *run, double year);
/* Money of `guidance_fund` events of country c for calendar year yr, US$ bn
 * per technology, into out[nk]: each event's budget split evenly over its
 * technologies, times the share of the year it is in force. */
void policy_fund_year(const sim_ctx *run, int c, int yr, double *out);

#endif
