/* state.h — the run state of one simulation (struct tr_sim) and the process
 * modules that advance it. Internal to the library.
 *
 * Layout: everything a step reads or writes is here, in flat arrays indexed
 * by country c (0..nc), technology k (0..nk) and institution i (0..ni);
 * country x technology arrays are [c * nk + k], institution x technology
 * arrays [i * nk + k], country x country arrays [from * nc + to]. All arrays
 * are allocated once in tr_sim_create from the run's arena; the step loop
 * allocates nothing.
 *
 * Order of processes in a step (docs/ODD.md, "Process overview"):
 *   policy_apply -> budget_step -> research_step -> knowledge_step ->
 *   talent_step -> (end of year) tracker_year + report. */
#ifndef TR_MODEL_STATE_H
#define TR_MODEL_STATE_H

#include <stdint.h>

#include "techrace/rng.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"
#include "util/arena.h"

struct tr_sim {
    const tr_scenario *s;
    uint64_t seed;
    uint32_t run;
    int step;            /* next step to run, 0-based */
    int n_steps;
    int spy;             /* steps per year */
    double dt;           /* years per step */
    int nc, nk, ni;
    tr_arena arena;

    /* policy.c: modifiers from the events active this step */
    unsigned char *ev_active;  /* [n_events] */
    unsigned char *ev_prev;    /* [n_events] scratch: active in the previous step */
    double *rd_scale;          /* [nc] multiplier of R&D intensity */
    double *basic_add;         /* [nc] */
    double *gov_add;           /* [nc] */
    double *priority;          /* [nc*nk] multiplier of research funding weight */
    double *mega;              /* [nc*nk] megaproject US$ bn per year */
    double *return_boost;      /* [nc] */
    double *attract_boost;     /* [nc] */
    double *visa;              /* [dest*nc + origin] share of flows from origin blocked by dest */
    double *joint;             /* [(c*nc + d)*nk + k] knowledge share exchanged c<->d in k */

    /* budget.c: this step's money, US$ bn per year */
    double *gdp, *rd_int, *gerd, *gov, *central, *business, *other;
    double *basic, *applied, *pubres;
    double *basic_share;       /* [nc] effective basic share */
    double *rbudget;           /* [nc*nk] research funding by technology */

    /* research.c: institutions, structure of arrays */
    int *inst_country;         /* [ni] */
    double *inst_size;         /* [ni] */
    double *inst_quality;      /* [ni] */
    const char **inst_name;    /* [ni] */
    uint32_t *inst_key;        /* [ni] entity word of its random streams (research.c) */
    double *inst_share;        /* [ni*nk] share of its country's funding in k (0 = inactive) */
    double *inst_noise;        /* [ni] this year's productivity shock */
    int *inst_first;           /* [nc+1] institutions of c are inst_first[c]..inst_first[c+1]-1 */
    double *inst_hi_year;      /* [ni*nk] high-impact papers this year */
    double *inst_hi_ring;      /* [W*ni*nk] last W years */
    double *inst_hi_window;    /* [ni*nk] sum over the window */
    double *papers_step;       /* [nc*nk] papers this step */
    double *hi_step;           /* [nc*nk] high-impact papers this step */
    double *staffing;          /* [nc] researchers available / researchers funded, capped at 1 */
    double *quality_c;         /* [nc*nk] country-level quality factor this step (without institution) */

    /* knowledge.c */
    double *K;                 /* [nc*nk] knowledge stock */
    double *frontier;          /* [nk] max over countries of K */
    double *kgain;             /* [nk] scratch */
    double *open;              /* [nc] openness this step */

    /* talent.c: H[c] researchers working in c (all origins); M[c*nc+d] people of
     * origin c working in d (d != c); Hq quality-weighted stock */
    double *H, *Hq, *M;
    double *attract;           /* [nc] opportunity index */
    double *out_y, *ret_y, *in_y; /* [nc] flows this year, thousands */
    double *flow_out, *flow_ret;  /* [nc*nc] scratch: this step's moves */
    double *tq;                   /* [nc] scratch: average quality */
    double *inflow;               /* [nc] scratch: arrivals this step */

    /* yearly accumulators and the report */
    int W;                     /* tracker window, years */
    int ring_pos;              /* slot of the current year in the rings */
    int years_done;
    double *ct_hi_ring;        /* [W*nc*nk] */
    double *ct_hi_window;      /* [nc*nk] */
    double *ct_now;            /* [nc*nk] scratch: this year's counts */
    tr_country_year *cy;       /* [nc] */
    tr_ct_year *cty;           /* [nc*nk] */
    tr_tracker_row *trk;       /* [nk] */
    int *top10_by_country;     /* [nk*nc] */
    tr_year_report rep;
};

/* Modules. Each is a file of its own in src/model/. */
void policy_apply(tr_sim *sim, double year);
void budget_step(tr_sim *sim, double year);
int research_init(tr_sim *sim);
void research_year_start(tr_sim *sim);
void research_step(tr_sim *sim);
/* Like research_step but with expected instead of drawn counts (initial conditions). */
void research_expected(tr_sim *sim);
void knowledge_init(tr_sim *sim);
void knowledge_set_steady_state(tr_sim *sim);
void knowledge_step(tr_sim *sim);
void talent_init(tr_sim *sim);
void talent_step(tr_sim *sim, double year);
void tracker_year(tr_sim *sim);

#endif
