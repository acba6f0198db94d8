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
    size_t max_bytes;       /* memory limit of one run (0: the default) */
    volatile sig_atomic_t *interrupt;
    void (*progress)(void *ctx, uint32_t done, uint32_t total);
    void *ctx;
    /* Called once every run is stored and the aggregates are written, before
     * the database is closed (e.g. a comparison's table). May be NULL. */
    int (*finish)(void *ctx, exp_db *db, tr_diag *diag);
    void *finish_ctx;
} exp_job;

int exp_run_job(const exp_job *j, tr_diag *diag);

/* One (point, run) into data (task.c; thread workers and MPI ranks alike):
 * *status is TR_OK or why the run failed, its messages go to diag; data
 * must be cleared before. */
void exp_compute_run(const exp_job *j, uint32_t point, uint32_t run, exp_run_data *data, int *years_seen,
                     int *status, tr_diag *diag);

/* MPI (mpi.c; without MPI, size 1 and the rest unused). Rank 0 opens the
 * database, hands tasks (point * runs + run) to the other ranks one at a
 * time as they ask (a dynamic queue: runs differ in cost) and commits what
 * they send back; it is the only writer. */
int exp_mpi_size(void);
int exp_mpi_rank(void);
int exp_mpi_worker(const exp_dims *d, const exp_job *j, tr_diag *diag);
int exp_mpi_dispatch(const exp_dims *d, const exp_job *j, exp_db *db, const uint32_t *todo, uint32_t n_todo,
                     uint32_t *n_done, uint32_t total, tr_diag *diag);
/* Rank 0 could not start: answer every worker's request with "stop". */
void exp_mpi_release(void);
/* A failure that may be this rank's alone: print diag and abort every rank. */
void exp_mpi_abort(const tr_diag *diag, int rc);

#endif
