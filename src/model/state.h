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
 *   policy_apply -> budget_step (+ localgov_step) -> research_step ->
 *   knowledge_step -> talent_step -> firms_innovate -> market_step ->
 *   entry_step -> (end of year) exit_year, funds_year, tracker_year + report. */
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
    double *mega;              /* [nc*nk] megaproject US$ bn per year for research institutions */
    double *mega_firm;         /* [nc*nk] megaproject US$ bn per year as R&D grants to firms */
    double *yr_grants;         /* [nc*nk] R&D grants paid this year */
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

    /* policy.c: industrial modifiers */
    double *sub_output;        /* [nc*nk] per-output subsidy, share of unit cost (central + local events) */
    double *sub_output_local;  /* [nc*nk] of which paid by local governments */
    double *sub_capacity;      /* [nc*nk] share of capex paid by events */
    double *sub_capacity_local;/* [nc*nk] of which by local events */
    double *sub_entrant;       /* [nc*nk] US$ bn per entrant from events */
    double *sub_entrant_local; /* [nc*nk] of which by local events */
    double *ss_start;          /* [nc*nk] domestic share when a self-sufficiency target began (NaN: none) */
    double *tariff;            /* [(importer*nc + origin)*nk + k] ad-valorem */
    double *buy_dom;           /* [nc*nk] extra domestic preference */
    double *screen;            /* [nc*nk] share of foreign-invested entry blocked */

    /* firms.c: firms, structure of arrays over nf_max slots */
    int nf_max;                /* slots */
    int nf;                    /* slots ever used (high-water mark) */
    int *f_country, *f_tech;
    unsigned char *f_type;     /* TR_FIRM_* */
    unsigned char *f_alive;
    unsigned char *f_lg;       /* little giant this year */
    uint32_t *f_key;           /* entity word of its random streams */
    double *f_q;               /* quality-adjusted productivity (frontier 1 at start) */
    double *f_cum;             /* cumulative output, units */
    double *f_E0;              /* experience when it started (learning-curve origin) */
    double *f_cap;             /* capacity, units a year */
    double *f_cost;            /* unit cost this step */
    double *f_price;           /* price this step */
    double *f_share;           /* share of the technology's world sales potential (replicator state) */
    double *f_demand;          /* units a year demanded this step */
    double *f_y;               /* output, units a year, this step */
    double *f_W;               /* net worth, US$ bn */
    double *f_rev;             /* revenue this year, US$ bn */
    double *f_profit;          /* profit this year, US$ bn */
    double *f_rd_share;        /* R&D share of revenue */
    double *f_rd_mult;         /* its R&D share relative to its country's path */
    double *f_stake;           /* guidance-fund equity, US$ bn (0 = none) */
    double *f_stake_W0;        /* net worth when the stake was taken */
    int *f_stake_year;         /* year the stake was taken */
    double *f_rev_rate;        /* revenue this step, US$ bn a year */
    int *free_slots;           /* per country, a stack of its free slots at free_slots + c_first[c] */
    int *c_first;              /* [nc+1] country c's slots are c_first[c] .. c_first[c+1]-1 */
    int *c_nfree;              /* [nc] free slots on country c's stack */
    int *f_born;               /* step it entered (-1 for firms present at the start) */

    /* market.c: per country x technology and per technology */
    double *ct_cum;            /* [nc*nk] national cumulative output, units */
    double *ct_S;              /* [nc*nk] sum of shares of the country's firms */
    double *ct_util;           /* [nc*nk] utilization last step */
    double *ct_margin;         /* [nc*nk] operating margin last step */
    double *ct_n;              /* [nc*nk] firms alive */
    double *ct_prod_prev;      /* [nc*nk] production the year before last, for growth */
    double *ct_prod_last;      /* [nc*nk] production last year */
    double *ct_capex;          /* [nc*nk] capex spent this year, US$ bn */
    double *ct_capex_prev;     /* [nc*nk] expected capex: moving average of past years' */
    double *ct_lastK;          /* [nc*nk] knowledge at the previous step (commercialization) */
    double *access;            /* [(k*nc + m)*nc + c] this step's access of c's firms to market m */
    double *den;               /* [k*nc + m] market m's sum of access x shares this step */
    double *k_frontier;        /* [nk] best productivity */
    double *k_price0;          /* [nk] average price at start */
    double *k_q0;              /* [nk] world demand in units at start */
    double *k_price;           /* [nk] average price this step */
    double *k_hhi;             /* [nk] */
    double *ss_pref;           /* [nc*nk] preference from self-sufficiency targets */
    double *ss_sub;            /* [nc*nk] output subsidy from self-sufficiency targets */
    double *gdp_share;         /* [nc] demand shares */
    int *ct_created;           /* [nc] firms ever created (keys) */
    int *ct_tmp_int;           /* [nk] scratch */
    double *ct_kgrowth;        /* [nc*nk] knowledge growth this step */
    double *ct_comm;           /* [nc] commercialization rate this step */
    double *c_costlvl;         /* [nc] producers' cost level this step */
    double *ct_sub_paid;       /* [nc*nk] subsidies paid this step, US$ bn */
    double *ct_dom;            /* [nc*nk] domestic share of the market (units), last step */
    double *ct_D;              /* [nc*nk] units demanded per unit of share from c's firms */
    double *ct_Q;              /* [nc*nk] units demanded in market c */
    double *ct_ysum, *ct_capsum, *ct_revsum, *ct_costsum; /* [nc*nk] this step */
    double *ct_local_cap_rate; /* [nc*nk] share of capex paid by local governments */
    double *ct_local_cap_paid; /* [nc*nk] local capacity subsidies paid so far this year */
    double *k_capsum, *k_nf, *k_ebar, *k_ssum, *k_b; /* [nk] */
    double *ct_pfactor;        /* [nc*nk] price over unit cost this step */
    double *ct_xsum;           /* [nc*nk] sum of firms' learning factors this step */
    double *k_xsum, *k_xn;     /* [nk] sum and count of learning factors, world */
    /* yearly sums [nc*nk] */
    double *yr_rd, *yr_exports, *yr_y, *yr_cap, *yr_rev, *yr_cost, *yr_sub, *yr_sub_local, *yr_cons, *yr_cons_u, *yr_dom_u;
    double *yr_entries, *yr_exits, *yr_bailouts;
    double *yr_fund_in, *yr_fund_ret, *yr_fund_exits; /* [nc] */
    double *q_scratch;         /* [nf_max] for quantiles */
    double *ct_qsum;           /* [nc*nk] sum of productivity of live firms, this step */
    int *k_off;                /* [nk+1] scratch */
    double *k_lgcut;           /* [nk] little-giant productivity threshold */

    /* localgov.c */
    int nl;                    /* local governments, all countries */
    int *l_country;            /* [nl] */
    int *l_backs;              /* [nl * picks_max] technologies backed, -1 = none */
    int picks_max;
    double *l_score;           /* [nk] scratch */
    double *ct_backers;        /* [nc*nk] local governments backing */
    double *ct_local_entry;    /* [nc*nk] US$ bn a year for entry subsidies */
    double *ct_local_cap;      /* [nc*nk] US$ bn a year for capacity subsidies */

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

/* Modules: src/model/policy/, research/, industry/, metrics/. */
void policy_apply(tr_sim *sim, double year);
void budget_step(tr_sim *sim, double year);
int research_init(tr_sim *sim);
void research_year_start(tr_sim *sim);
void research_step(tr_sim *sim);
void research_year_draw(tr_sim *sim);
/* Like research_step but with expected instead of drawn counts (initial conditions). */
void research_expected(tr_sim *sim);
void knowledge_init(tr_sim *sim);
void knowledge_set_steady_state(tr_sim *sim);
void knowledge_step(tr_sim *sim);
void talent_init(tr_sim *sim);
void talent_step(tr_sim *sim, double year);
void tracker_year(tr_sim *sim);
int firms_init(tr_sim *sim);
void firms_innovate(tr_sim *sim, double year);
void market_init(tr_sim *sim);
void market_step(tr_sim *sim, double year);
void entry_step(tr_sim *sim, double year);
void exit_year(tr_sim *sim);
void firms_year_metrics(tr_sim *sim);
int localgov_init(tr_sim *sim);
void localgov_step(tr_sim *sim, double year);
void funds_year(tr_sim *sim, double year);

enum { TR_FIRM_SOE = 0, TR_FIRM_PRIVATE = 1, TR_FIRM_SME = 2, TR_FIRM_FOREIGN = 3 };

#endif
