/* runner.h — runs every (point, run) of an experiment on worker threads
 * and commits each to the experiment database (ensemble.c). Ensembles,
 * comparisons, sweeps and sensitivity analyses are all jobs. Internal. */
#ifndef TR_EXP_RUNNER_H
#define TR_EXP_RUNNER_H

#include <signal.h>

#include "exp/expdb.h"

typedef struct exp_job {
    exp_header h;
    int threads;
    const char *out;
    int force, resume;
    const tr_allocator *alloc;
    volatile sig_atomic_t *interrupt;
    void (*progress)(void *ctx, uint32_t done, uint32_t total);
    void *ctx;
    /* Called once every run is stored and the aggregates are written, before
     * the database is closed (e.g. a comparison's table). May be NULL. */
    int (*finish)(void *ctx, exp_db *db, tr_diag *diag);
    void *finish_ctx;
} exp_job;

int exp_run_job(const exp_job *j, tr_diag *diag);

#endif
