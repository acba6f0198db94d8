/* task.c — one task of an experiment: run `run` of point `point` into a run
 * buffer (the year reports copied out), as thread workers and MPI ranks
 * both do. */
#include <string.h>

#include "exp/expdb.h"
#include "exp/runner.h"
#include "techrace/sim.h"

typedef struct task_ctx {
    exp_run_data *data;
    int years;
} task_ctx;

static int task_on_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    task_ctx *t = ctx;
    exp_run_data_put_year(t->data, sim, rep);
    t->years++;
    return 0;
}

static int task_on_event(void *ctx, const tr_sim *sim, const tr_event_applied *ev)
{
    task_ctx *t = ctx;
    exp_run_data_put_event(t->data, sim, ev);
    return 0;
}

void exp_compute_run(const exp_job *j, uint32_t point, uint32_t run, exp_run_data *data, int *years_seen,
                     int *status, tr_diag *diag)
{
    tr_sim_options so = TR_SIM_OPTIONS_INIT;
    so.seed = j->h.seed;
    so.run = run;
    so.alloc = j->alloc;
    so.max_bytes = j->max_bytes;
    const tr_scenario *s = NULL;
    tr_scenario *owned = NULL;
    tr_sim *sim = NULL;
    task_ctx t = {data, 0};
    int rc = exp_point_get(&j->h, point, &s, &owned, diag);
    if (rc == TR_OK)
        rc = tr_sim_create_opts(&sim, s, &so, diag);
    if (rc == TR_OK) {
        tr_sim_hooks h = {task_on_year, data->events ? task_on_event : NULL, &t, j->interrupt};
        rc = tr_sim_run(sim, &h);
    }
    tr_sim_destroy(sim);
    exp_point_put(owned);
    *years_seen = t.years;
    *status = rc;
}
