/* experiment.h — ensembles: many runs of one scenario with independent
 * random streams (the run index is a key of every stream), run on threads,
 * streamed into one experiment database with per-metric aggregates.
 *
 * Each finished run is committed atomically, so an interrupted ensemble
 * (Ctrl-C, SIGKILL, a crash) keeps every finished run and can be resumed:
 * the same call with resume = 1 computes only the missing runs and ends with
 * the same database as an uninterrupted one. Results do not depend on the
 * number of threads: run r is a pure function of (scenario, seed, r), and
 * aggregates are computed in run order. The schema is in docs/RESULTS.md,
 * "Experiment databases". */
#ifndef TECHRACE_EXPERIMENT_H
#define TECHRACE_EXPERIMENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/api.h"
#include "techrace/diag.h"
#include "techrace/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an ensemble keeps per run (aggregates are always kept). */
typedef enum tr_keep {
    TR_KEEP_COMPACT = 0,    /* country-year and tracker rows, the compact country-technology metrics */
    TR_KEEP_ALL = 1,        /* also every country-technology metric, as rows */
    TR_KEEP_AGGREGATES = 2  /* nothing per run once the ensemble is complete */
} tr_keep;

/* Options of every experiment (ensemble, comparison). */
typedef struct tr_experiment_options {
    uint64_t seed;          /* key of every random stream */
    uint32_t runs;          /* number of runs, run indices 0 .. runs - 1 */
    int threads;            /* worker threads (>= 1) */
    const char *out;        /* experiment database to write */
    tr_keep keep;
    int force;              /* replace an existing out file */
    int resume;             /* continue an interrupted ensemble in out */
    const tr_allocator *alloc;           /* NULL: malloc */
    volatile sig_atomic_t *interrupt;    /* non-zero: stop after the runs in progress */
    /* Called on the calling thread after each run is committed. */
    void (*progress)(void *ctx, uint32_t done, uint32_t total);
    void *ctx;
    double alpha;           /* comparisons: two-sided level of the intervals (0.05: 95%) */
    size_t max_bytes;       /* memory limit of one run (0: TR_SIM_DEFAULT_MAX_BYTES) */
} tr_experiment_options;

#define TR_EXPERIMENT_OPTIONS_INIT {1, 10, 1, NULL, TR_KEEP_COMPACT, 0, 0, NULL, NULL, NULL, NULL, 0.05, 0}

/* Run the ensemble. Returns TR_OK when every run is in the database and
 * the aggregates are written; TR_ERR_INTERRUPTED when stopped (finished runs
 * kept, status 'interrupted'); TR_ERR_INPUT for bad options or a refused
 * out file (exists without force/resume; resume of a different scenario,
 * seed or option set); TR_ERR_DB / TR_ERR_IO / TR_ERR_NOMEM otherwise. */
TR_API int tr_ensemble_run(const tr_scenario *s, const tr_experiment_options *o, tr_diag *diag);

/* Compare scenario b with scenario a under common random numbers: runs
 * 0 .. runs-1 of both arms share seed and run index (points 0 and 1 of the
 * database). Besides the runs and aggregates of each arm, the database gets
 * the table comparisons: per metric, year and country (and technology) the
 * mean of each arm, the mean difference b - a over paired runs, its standard
 * error and (1 - alpha) Student-t interval, and whether that interval
 * excludes 0. Labels name the arms (e.g. the files). Returns as
 * tr_ensemble_run. */
TR_API int tr_compare_run(const tr_scenario *a, const tr_scenario *b, const char *label_a, const char *label_b,
                          const tr_experiment_options *o, tr_diag *diag);

/* ---- sweeps and sensitivity ---- */

/* A parameter of a sweep: a numeric scenario key, exactly as --set takes it,
 * set to a value (op '='), scaled by a factor ('*': a time path is scaled
 * point by point) or shifted ('+'), between lo and hi. */
typedef struct tr_param {
    char path[256];
    char op;            /* '=', '*' or '+' */
    double lo, hi;
    int levels;         /* full grids: values lo .. hi, evenly spaced (0 when not given) */
} tr_param;

/* Parse "path=LO:HI[:N]", "path*=LO:HI[:N]" or "path+=LO:HI[:N]". Returns 0,
 * or -1 with a message in diag. */
TR_API int tr_param_parse(const char *text, tr_param *out, tr_diag *diag);

typedef enum tr_design_kind {
    TR_DESIGN_GRID = 0,   /* every combination of each parameter's levels */
    TR_DESIGN_LHS = 1,    /* Latin hypercube of n points */
    TR_DESIGN_MORRIS = 2, /* n trajectories of d + 1 points (levels: morris_levels) */
    TR_DESIGN_SOBOL = 3   /* Saltelli design of n (d + 2) points */
} tr_design_kind;

typedef struct tr_sweep_spec {
    /* The base scenario: a file (NULL or "default": the embedded one) and
     * overrides applied to every point before the parameters'. */
    const char *scenario_path;
    const char *const *overrides;
    int n_overrides;
    const tr_param *params;
    int n_params;
    tr_design_kind design;
    uint32_t n;            /* LHS points, Morris trajectories or Sobol base samples */
    int morris_levels;     /* even, >= 2 (0: 4) */
    /* Sensitivity (Morris, Sobol): outputs "NAME:COUNTRY@YEAR",
     * "NAME:COUNTRY:TECH@YEAR" or "NAME::TECH@YEAR" (a metric of the table
     * metrics at its level; YEAR defaults to the last); the output of a
     * point is its mean over the runs. */
    const char *const *metrics;
    int n_metrics;
    uint32_t n_boot;       /* bootstrap resamples of the intervals (0: 1000) */
    double conf;           /* interval level (0: 0.95) */
} tr_sweep_spec;

/* Run every point of the design (each an ensemble of o->runs runs, same seed
 * and run indices) into the experiment database, with the table design
 * (point, parameter, its unit-cube coordinate and value). With the Morris or
 * Sobol design and metrics, also the table sensitivity: per metric and
 * parameter, Morris mu, mu* (with bootstrap interval) and sigma, or Sobol
 * first-order and total indices with bootstrap intervals. */
TR_API int tr_sweep_run(const tr_sweep_spec *sp, const tr_experiment_options *o, tr_diag *diag);

/* MPI. When the program runs under mpirun (or srun) with more than one
 * rank, experiments distribute their runs: rank 0 opens the database,
 * hands runs to the other ranks as they ask, and writes what they send;
 * every rank must make the same call with the same scenarios and options.
 * The database equals the single-process one. tr_mpi_init is a no-op (and
 * tr_mpi_available() 0) in a library built without MPI. Call tr_mpi_init
 * before, and tr_mpi_finalize after, any experiment. */
TR_API int tr_mpi_init(int *argc, char ***argv);
TR_API void tr_mpi_finalize(void);
TR_API int tr_mpi_available(void);
TR_API int tr_mpi_rank(void);
TR_API int tr_mpi_size(void);

/* The same comparison from two finished ensemble databases (tr_ensemble_run)
 * made with the same seed, number of runs and keep mode: o->out gets both
 * arms' runs (points 0 and 1), aggregates and comparisons. Uses o->out,
 * o->force, o->alpha and o->alloc. */
TR_API int tr_compare_databases(const char *a_path, const char *b_path, const tr_experiment_options *o,
                                tr_diag *diag);

/* 1 when experiments keep per-run values and aggregates of metric `name`
 * at `level` ("country", "country_tech" or "tech") under this keep mode
 * (the table metrics of an experiment database lists them). */
TR_API int tr_metric_exists(const char *name, const char *level, tr_keep keep);

TR_API const char *tr_keep_name(tr_keep k);
/* Parses "compact", "all" or "aggregates"; returns 0 on success. */
TR_API int tr_keep_parse(const char *name, tr_keep *out);

#ifdef __cplusplus
}
#endif
#endif
