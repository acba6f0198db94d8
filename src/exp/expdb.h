/* expdb.h — the experiment database: the runs of an ensemble (or of the
 * arms of a comparison, the points of a sweep) and their aggregates. One
 * connection, used by one thread. Schema: docs/RESULTS.md, "Experiment
 * databases". Internal. */
#ifndef TR_EXP_EXPDB_H
#define TR_EXP_EXPDB_H

#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"
#include "techrace/experiment.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"

/* Sizes of one run's data. */
typedef struct exp_dims {
    int nc, nk, ny, start_year;
    tr_keep keep;
    int n_cy;   /* country-year columns (the double fields, then techs_led) */
    int n_ctc;  /* compact country-technology metrics (float32 per run) */
    int n_ct;   /* all country-technology metrics (keep = all) */
    int max_events; /* event records a run can hold (keep = all): each event starts and ends once */
} exp_dims;

void exp_dims_init(exp_dims *d, const tr_scenario *s, tr_keep keep);

/* One entry of a top-10 list and one event applied, copied out of the run. */
typedef struct exp_top10 {
    int32_t inst;           /* institution index; -1: none */
    int32_t country;
    double hi_papers;       /* its high-impact papers in the technology over the window */
    char name[128];         /* longer names are cut (institution names are short) */
} exp_top10;

typedef struct exp_event {
    int32_t step, starting;
    double year;
    char id[TR_ID_MAX];
} exp_event;

/* One run's year reports, copied out of the simulation. */
typedef struct exp_run_data {
    const exp_dims *d;
    const tr_allocator *alloc;
    double *cy;   /* [ny][nc][n_cy] */
    float *ctc;   /* [ny][n_ctc][nc][nk] */
    double *ct;   /* [ny][nc][nk][n_ct], keep = all only */
    double *trk;  /* [ny][nk][EXP_TRK_COLS] */
    /* keep = all: the tracker's top-10 institutions and the events applied */
    exp_top10 *top;      /* [ny][nk][10] */
    exp_event *events;   /* [max_events], n_events used */
    int32_t n_events;
} exp_run_data;

enum { EXP_TRK_COLS = 6 }; /* leader, second, leader_share, second_share, lead_ratio, risk */

int exp_run_data_init(exp_run_data *r, const exp_dims *d, const tr_allocator *alloc);
void exp_run_data_clear(exp_run_data *r);
void exp_run_data_put_year(exp_run_data *r, const tr_sim *sim, const tr_year_report *rep);
void exp_run_data_put_event(exp_run_data *r, const tr_sim *sim, const tr_event_applied *ev);
void exp_run_data_free(exp_run_data *r);

/* What an experiment database was made for; resume refuses any difference.
 * Every point is a scenario (an arm of a comparison, a point of a sweep;
 * an ensemble has one) run with the same seed and run indices 0..runs-1, so
 * points are compared under common random numbers. */
typedef struct exp_header {
    const char *kind;                 /* "ensemble", "compare", "sweep", "sensitivity" */
    const tr_scenario *const *points; /* [n_points], all with the same dimensions; or NULL and: */
    const char *const *labels;        /* [n_points], e.g. "A", "B", or the overrides */
    uint32_t n_points;
    uint64_t seed;
    uint32_t runs;
    tr_keep keep;
    /* With points NULL, point p is loaded when needed (sweeps: one scenario
     * per point would not fit in memory) and destroyed after; load must be
     * safe to call from several threads at once. */
    int (*load)(void *ctx, uint32_t p, tr_scenario **out, tr_diag *diag);
    void *load_ctx;
} exp_header;

/* Point p of h: *s, and *owned (to pass to exp_point_put) when it was loaded. */
int exp_point_get(const exp_header *h, uint32_t p, const tr_scenario **s, tr_scenario **owned, tr_diag *diag);
void exp_point_put(tr_scenario *owned);

typedef struct exp_db exp_db;

/* Create (or with force replace, or with resume reopen) the database. */
int expdb_open(exp_db **out, const char *path, const exp_header *h, int force, int resume,
               const tr_allocator *alloc, tr_diag *diag);
int expdb_run_done(exp_db *db, uint32_t point, uint32_t run, int *done, tr_diag *diag);
/* Commit one run (all its years) in one transaction. */
int expdb_write_run(exp_db *db, uint32_t point, uint32_t run, const exp_run_data *r, int years, tr_diag *diag);
/* Aggregates of every point, from the stored runs in run order. */
int expdb_write_aggregates(exp_db *db, tr_diag *diag);
/* The comparisons table of a two-point experiment (docs/RESULTS.md). */
int expdb_write_comparison(exp_db *db, double alpha, tr_diag *diag);
/* A comparison of two complete ensemble databases made with the same seed,
 * runs and keep: out gets their runs as points 0 and 1, aggregates and the
 * comparisons table. */
int expdb_compare_databases(const char *a_path, const char *b_path, const char *out, int force, double alpha,
                            const tr_allocator *A, tr_diag *diag);
/* 1 when the experiment keeps aggregates of metric `name` at `level`
 * ("country", "country_tech" or "tech") with this keep mode. */
int expdb_metric_aggregated(const char *name, const char *level, tr_keep keep);
/* 1 when --resume opened an experiment that had already completed. */
int expdb_was_complete(const exp_db *db);
/* The connection, for the analyses that read runs back (compare). */
struct sqlite3 *expdb_handle(exp_db *db);
/* Record the status and close; with keep = aggregates and status
 * "complete", drop the per-run rows first. */
int expdb_close(exp_db *db, const char *status, tr_diag *diag);

#endif
