/* run.h — run a scenario into results: what `techrace run` does, as one call.
 *
 * tr_run loads the scenario, checks that the outputs can be written (before
 * anything is created or run), creates the run, opens the results database
 * and adds the run's row, runs every step (writing each year as it ends),
 * marks the run complete, interrupted or failed, and exports its CSV set.
 * Whatever happens, the database file is left valid (or not created) and its
 * run row never stays 'running' unless the database itself could not be
 * written (then the result says so; docs/RESULTS.md, "Run status").
 *
 * Nothing is process-global: each call owns its scenario, run and database
 * connection, so several may run at once (one per thread) with their own
 * options. Signals are the caller's business: point `interrupt` at a flag a
 * handler sets. */
#ifndef TECHRACE_RUN_H
#define TECHRACE_RUN_H

#include "techrace/api.h"

#include <signal.h>
#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where tr_run stopped (the stage that failed; TR_RUN_DONE on success). */
typedef enum tr_run_stage {
    TR_RUN_LOAD = 0,   /* reading and checking the scenario */
    TR_RUN_OUTPUTS,    /* checking the database file and CSV directory */
    TR_RUN_CREATE,     /* creating the run (tr_sim_create) */
    TR_RUN_OPEN,       /* opening the database, adding the run's row */
    TR_RUN_STEPS,      /* running (a year's write, a hook, an interrupt) */
    TR_RUN_END,        /* writing the run's final status */
    TR_RUN_EXPORT,     /* the CSV export */
    TR_RUN_DONE
} tr_run_stage;

typedef struct tr_run_result {
    int status;            /* what tr_run returned */
    tr_run_stage stage;    /* where it stopped */
    uint64_t seed;         /* the seed used (0 before the scenario is loaded) */
    int64_t run_id;        /* the run's row in the database; 0 when none */
    int steps;             /* steps done */
    int last_year;         /* last complete year written or reported; 0 if none */
    /* Final status of the run's row: "complete", "interrupted", "failed", or
     * NULL when there is no row or its status could not be written (then
     * the row says 'running' and is a failed run). */
    const char *db_status;
} tr_run_result;

typedef struct tr_run_hooks {
    /* After the run is created and the outputs opened, before the first
     * step. diag holds the warnings so far (the hook may print and reset
     * it). Non-zero stops the run as failed, with that status. */
    int (*on_start)(void *ctx, const tr_sim *sim, tr_diag *diag);
    /* At the end of each calendar year, after the year is written to the
     * database. Non-zero stops the run as failed, with that status. */
    int (*on_year)(void *ctx, const tr_sim *sim, const tr_year_report *rep);
    /* Once, at the very end, when a run was created (res is final). */
    void (*on_end)(void *ctx, const tr_sim *sim, const tr_run_result *res);
    void *ctx;
} tr_run_hooks;

typedef struct tr_run_options {
    /* The scenario: a file, or YAML text (named scenario_name in messages),
     * or neither (or the path "default"): the embedded default scenario. */
    const char *scenario_path;
    const char *scenario_text;
    const char *scenario_name;
    const char *const *overrides;  /* "a.b.c=value" strings, like --set */
    int n_overrides;
    int use_seed;                  /* 1: seed below; 0: the scenario's `seed` */
    uint64_t seed;
    uint32_t run_index;            /* second key of the random streams */
    /* Outputs: a results database file (NULL: none; an in-memory one is
     * used when only csv_dir is given) and a CSV directory (NULL: none). */
    const char *db_path;
    const char *csv_dir;
    const tr_allocator *alloc;     /* every allocation of the run; NULL: malloc */
    volatile sig_atomic_t *interrupt; /* non-zero: stop at the next step */
    int busy_timeout_ms;           /* database lock wait (0: 10000) */
    tr_run_hooks hooks;
    size_t max_bytes;              /* the run's memory limit (0: TR_SIM_DEFAULT_MAX_BYTES, 8 GiB) */
} tr_run_options;

#define TR_RUN_OPTIONS_INIT \
    {NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, {NULL, NULL, NULL, NULL}, 0}

/* Run as described above. Returns TR_OK, or the first error: TR_ERR_INPUT
 * (scenario, outputs), TR_ERR_IO, TR_ERR_NOMEM, TR_ERR_DB,
 * TR_ERR_INTERRUPTED, or a hook's value. Every problem is in diag; res (may
 * be NULL) says where it stopped. */
TR_API int tr_run(const tr_run_options *opts, tr_run_result *res, tr_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
