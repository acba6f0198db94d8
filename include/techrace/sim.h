/* sim.h — one simulation run of a scenario.
 *
 * tr_sim_create builds the run state (institutions drawn from the scenario's
 * distributions, knowledge stocks, talent stocks) once; tr_sim_step advances
 * one step (a quarter by default) by running each process module in the order
 * of docs/ODD.md; at the end of each calendar year the run fills a
 * tr_year_report that callers read (to print, or to store with results.h).
 * Every allocation of a run is made at creation, through the allocator of
 * its options; nothing is allocated inside the step loop. */
#ifndef TECHRACE_SIM_H
#define TECHRACE_SIM_H

#include "techrace/api.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"
#include "techrace/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_sim tr_sim;

/* Per country, one calendar year (flows are sums over the year's steps,
 * stocks are values at the end of the year). */
typedef struct tr_country_year {
    double gdp;             /* US$ bn PPP */
    double rd_intensity;    /* GERD / GDP after policy */
    double gerd;            /* US$ bn */
    double gov_funding;     /* US$ bn, government-funded R&D */
    double central_funding; /* US$ bn, of which central */
    double local_funding;   /* US$ bn, of which local */
    double business_funding;/* US$ bn */
    double other_funding;   /* US$ bn funded by higher education, non-profits and abroad */
    double basic;           /* US$ bn spent on basic research */
    double applied;         /* US$ bn on applied research */
    double experimental;    /* US$ bn on experimental development */
    double public_research; /* US$ bn reaching research institutions (incl. megaprojects) */
    double megaproject;     /* US$ bn of megaproject money this year */
    double researchers;     /* thousands FTE, end of year */
    double diaspora;        /* thousands abroad, end of year */
    double outbound;        /* thousands who left this year */
    double returnees;       /* thousands who came back this year */
    double inbound_foreign; /* thousands of foreign researchers who arrived this year */
    double talent_quality;  /* average quality of researchers, end of year */
    double papers;          /* papers this year */
    double hi_papers;       /* high-impact papers this year */
    double world_rd_share;  /* share of world GERD */
    int techs_led;          /* technologies led in the tracker this year */
    /* firms and markets (sums over technologies) */
    double production;      /* US$ bn sold by its firms in all markets */
    double exports;         /* US$ bn sold abroad */
    double consumption;     /* US$ bn bought in its market */
    double jobs;            /* thousands */
    double firm_rd;         /* US$ bn of R&D its firms fund themselves (share of revenue) */
    double firm_rd_grants;  /* US$ bn of R&D grants its firms received (megaproject firm_share) */
    double subsidies_central; /* US$ bn paid to firms by the central government */
    double subsidies_local;   /* US$ bn paid to firms by local governments */
    double fund_invested;   /* US$ bn of guidance-fund equity put in this year */
    double fund_return;     /* average yearly return of stakes exited this year (NaN if none) */
    double bailouts;        /* US$ bn spent recapitalising state-owned firms */
    double firms;           /* firms alive at the end of the year */
    double smes;            /* of which small specialised firms */
    double little_giants;   /* of which SMEs designated "little giants" */
    double entries;         /* firms that entered this year */
    double exits;           /* firms that exited this year */
} tr_country_year;

/* Per country and technology, one calendar year. */
typedef struct tr_ct_year {
    double budget;          /* US$ bn of research funding */
    double papers;
    double hi_papers;
    double knowledge;       /* knowledge stock at end of year */
    double hi_share;        /* share of world high-impact papers over the tracker window */
    /* firms and markets */
    double production;      /* US$ bn sold by its firms in all markets */
    double exports;         /* US$ bn of that sold abroad */
    double consumption;     /* US$ bn bought in its market */
    double imports;         /* US$ bn of that bought from foreign firms (producer prices) */
    double buyer_price;     /* delivered price index of its market (1 = the world's at the start), year average */
    double world_share;     /* share of world sales of the technology */
    double unit_share;      /* share of world units sold of the technology */
    double self_sufficiency;/* share of its market supplied by its own firms (NaN if no purchases) */
    double jobs;            /* thousands */
    double capacity;        /* US$ bn a year at current prices */
    double utilization;     /* output over capacity */
    double price_cost;      /* average price over unit cost (output-weighted) */
    double unit_cost;       /* average unit cost, index (1 = frontier at start) */
    double loss_share;      /* share of its firms making losses this year */
    double profit;          /* US$ bn: its firms' profits this year (after capacity costs, overheads and R&D; output subsidies included) */
    double subsidies;       /* US$ bn paid to its firms in this technology */
    double subsidy_per_unit;/* subsidies over production */
    double commercialization_gap; /* hi_share - world_share */
    double firms;           /* alive at the end of the year */
    double entries;
    double exits;
    double local_backers;   /* local governments backing it this year */
} tr_ct_year;

typedef enum { TR_RISK_LOW = 0, TR_RISK_MEDIUM = 1, TR_RISK_HIGH = 2 } tr_risk;

/* Tracker row for one technology, one year. */
typedef struct tr_tracker_row {
    int leader;             /* country index; -1 when no ranked country has high-impact papers */
    int second;             /* country index; -1 if none */
    double leader_share;    /* leader's share of world high-impact papers over the window */
    double second_share;
    double lead_ratio;      /* leader_share / second_share; NaN when there is no runner-up */
    int top10[10];          /* institution indices, best first; -1 if fewer */
    int leader_top10;       /* how many of the top 10 belong to the leader */
    tr_risk risk;
} tr_tracker_row;

typedef struct tr_year_report {
    int year;
    int n_countries;
    int n_tech;
    const tr_country_year *country;   /* [n_countries] */
    const tr_ct_year *ct;             /* [n_countries * n_tech], index c * n_tech + k */
    const tr_tracker_row *tracker;    /* [n_tech] */
    const int *top10_by_country;      /* [n_tech * n_countries]: institutions in the top 10 */
    /* Bilateral trade this year, [n_countries * n_countries * n_tech], index
     * (c * n_countries + m) * n_tech + k for exporter c and importer m
     * (c == m: sales of m's firms in m). */
    const double *trade_value;        /* US$ bn at producer prices */
    const double *trade_value_buyer;  /* US$ bn at buyer prices (trade cost and tariff included) */
    const double *trade_units;        /* units (start-year US$ bn at the start-year price) */
} tr_year_report;

/* An event starting or ending; reported as it is applied. */
typedef struct tr_event_applied {
    int event;              /* index into scenario events */
    int step;
    double year;
    int starting;           /* 1 = started, 0 = ended */
} tr_event_applied;

typedef struct tr_sim_hooks {
    /* Called at the end of each calendar year. Return non-zero to stop the run
     * (tr_sim_run then returns that value). */
    int (*on_year)(void *ctx, const tr_sim *sim, const tr_year_report *rep);
    /* Called for each event as it starts or ends, before anything else of
     * that step runs. Return non-zero to stop the run (tr_sim_run then
     * returns that value). */
    int (*on_event)(void *ctx, const tr_sim *sim, const tr_event_applied *ev);
    void *ctx;
    /* When set and non-zero, the run stops at the next step boundary and
     * returns TR_ERR_INTERRUPTED (set it from a signal handler). */
    volatile sig_atomic_t *interrupt;
} tr_sim_hooks;

/* Options of a run. Start from TR_SIM_OPTIONS_INIT and set what differs. */
typedef struct tr_sim_options {
    uint64_t seed;            /* first key of the random streams */
    uint32_t run;             /* run index, second key of the random streams */
    const tr_allocator *alloc;/* every allocation of the run (NULL: malloc/free) */
    size_t max_bytes;         /* refuse runs estimated to need more (0: TR_SIM_DEFAULT_MAX_BYTES) */
} tr_sim_options;
#define TR_SIM_OPTIONS_INIT {1, 0, NULL, 0}
/* The default limit on a run's memory: 8 GiB. */
#define TR_SIM_DEFAULT_MAX_BYTES (sizeof(size_t) > 4 ? (size_t)8 << 30 : (size_t)-1)

/* Create a run of scenario s (which must outlive it). Before allocating,
 * the run's memory is estimated from the scenario's dimensions
 * (tr_sim_memory_estimate); above o->max_bytes the run is refused with
 * TR_ERR_INPUT and a diagnostic giving the estimate and the limit. o may be
 * NULL (TR_SIM_OPTIONS_INIT). Returns TR_OK, TR_ERR_INPUT or TR_ERR_NOMEM;
 * on error *out is NULL and nothing is left allocated. */
TR_API int tr_sim_create_opts(tr_sim **out, const tr_scenario *s, const tr_sim_options *o, tr_diag *diag);
/* tr_sim_create_opts with the given seed and run index, default allocator and limit. */
TR_API int tr_sim_create(tr_sim **out, const tr_scenario *s, uint64_t seed,
                  uint32_t run, tr_diag *diag);
/* Bytes a run of s would hold (its state, per-step scratch and the run
 * struct), computed from the dimensions (countries, technologies,
 * institutions, firm slots incl. max_factor, local governments, events)
 * without allocating; 0 for a scenario without countries or technologies. */
TR_API size_t tr_sim_memory_estimate(const tr_scenario *s);
TR_API void tr_sim_destroy(tr_sim *sim);
/* Run every remaining step, calling hooks. Returns 0 when the run is
 * complete, TR_ERR_INTERRUPTED when hooks->interrupt was set, or the first
 * non-zero value a hook returned. */
TR_API int tr_sim_run(tr_sim *sim, const tr_sim_hooks *hooks);
/* Advance one step; fills *rep_out (and returns 1) when a year ended, 0
 * otherwise; a negative TR_ERR_* when the step failed (the run cannot go on). */
TR_API int tr_sim_step(tr_sim *sim, const tr_year_report **rep_out);

TR_API const tr_scenario *tr_sim_scenario(const tr_sim *sim);
TR_API int tr_sim_current_step(const tr_sim *sim);
TR_API uint64_t tr_sim_seed(const tr_sim *sim);
/* The run index given to tr_sim_create (second key of the random streams). */
TR_API uint32_t tr_sim_run_index(const tr_sim *sim);
TR_API int tr_sim_n_institutions(const tr_sim *sim);
TR_API const char *tr_sim_inst_name(const tr_sim *sim, int inst);
TR_API int tr_sim_inst_country(const tr_sim *sim, int inst);
TR_API double tr_sim_inst_size(const tr_sim *sim, int inst);
/* High-impact papers of an institution in a technology over the tracker window. */
TR_API double tr_sim_inst_hi_window(const tr_sim *sim, int inst, int tech);

#ifdef __cplusplus
}
#endif
#endif
