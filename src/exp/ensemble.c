/* ensemble.c — many runs of one scenario on worker threads, one writer.
 *
 * Workers take run indices from a shared counter, run the simulation into a
 * run buffer (the year reports copied out, so the writer never touches a
 * live simulation) and hand the buffer to the calling thread, which commits
 * each run in one transaction. A fixed pool of 2 x threads buffers bounds
 * memory whatever the number of runs: a worker waits for a free buffer.
 * Aggregates are computed at the end from the stored runs, in run order, so
 * the database does not depend on the thread count or completion order. */
#include "techrace/experiment.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "exp/expdb.h"
#include "exp/runner.h"
#include "exp/fields.h"
#include "techrace/analysis.h"
#include "techrace/sim.h"
#include "techrace/version.h"
#include "util/arena.h"

/* ---- run buffers ---- */

typedef struct run_buf {
    uint32_t point, run;
    int status;       /* TR_OK, or why the run failed */
    int years_seen;
    exp_run_data data;
    tr_diag diag;     /* the run's own messages (workers never share one) */
    struct run_buf *next;
} run_buf;

typedef struct ensemble {
    const exp_job *j;
    exp_dims dims;
    const tr_allocator *alloc;

    pthread_mutex_t mu;
    pthread_cond_t cv_free, cv_done;
    run_buf *free_list, *done_list, *done_tail;
    const uint32_t *todo; /* tasks still to compute: point * runs + run */
    uint32_t n_todo, next;
    int active;           /* workers still running */
    int stop;             /* no more runs to start */
} ensemble;

static void compute_run(ensemble *e, run_buf *b)
{
    tr_diag_free(&b->diag);
    tr_diag_init(&b->diag);
    b->diag.alloc = e->alloc;
    exp_run_data_clear(&b->data);
    exp_compute_run(e->j, b->point, b->run, &b->data, &b->years_seen, &b->status, &b->diag);
}

static void *worker(void *arg)
{
    ensemble *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->stop && e->next < e->n_todo && !e->free_list)
            pthread_cond_wait(&e->cv_free, &e->mu);
        if (e->stop || e->next >= e->n_todo)
            break;
        run_buf *b = e->free_list;
        e->free_list = b->next;
        uint32_t task = e->todo[e->next++];
        b->point = task / e->j->h.runs;
        b->run = task % e->j->h.runs;
        pthread_mutex_unlock(&e->mu);

        compute_run(e, b);

        pthread_mutex_lock(&e->mu);
        b->next = NULL;
        if (e->done_tail)
            e->done_tail->next = b;
        else
            e->done_list = b;
        e->done_tail = b;
        pthread_cond_signal(&e->cv_done);
    }
    e->active--;
    pthread_cond_broadcast(&e->cv_done);
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static void forward_diag(tr_diag *to, const tr_diag *from, uint32_t point, uint32_t run, int with_run)
{
    for (size_t i = 0; i < from->count; i++) {
        const tr_diag_msg *m = &from->msgs[i];
        if (with_run)
            tr_diag_add(to, m->level, m->file, m->line, m->col, "point %u, run %u: %s", point, run, m->text);
        else
            tr_diag_add(to, m->level, m->file, m->line, m->col, "%s", m->text);
    }
}

/* Threads: workers compute, the calling thread commits. */
static int run_threads(ensemble *e, exp_db *db, uint32_t *n_done, uint32_t total, tr_diag *diag)
{
    const exp_job *j = e->j;
    int nt = j->threads;
    if ((uint32_t)nt > e->n_todo)
        nt = e->n_todo ? (int)e->n_todo : 1;
    size_t n_bufs = (size_t)nt * 2;
    run_buf *bufs = tr_mem_calloc(j->alloc, n_bufs, sizeof *bufs);
    pthread_t *tids = tr_mem_calloc(j->alloc, (size_t)nt, sizeof *tids);
    int rc = TR_OK;
    if (!bufs || !tids) {
        tr_mem_free(j->alloc, bufs);
        tr_mem_free(j->alloc, tids);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    for (size_t i = 0; i < n_bufs && rc == TR_OK; i++) {
        tr_diag_init(&bufs[i].diag);
        if (exp_run_data_init(&bufs[i].data, &e->dims, j->alloc) != TR_OK) {
            rc = TR_ERR_NOMEM;
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory for the run buffers");
            break;
        }
        bufs[i].next = e->free_list;
        e->free_list = &bufs[i];
    }
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv_free, NULL);
    pthread_cond_init(&e->cv_done, NULL);
    int started = 0;
    if (rc == TR_OK && e->n_todo) {
        int perr = 0;
        for (; started < nt; started++) {
            pthread_mutex_lock(&e->mu);
            e->active++;
            pthread_mutex_unlock(&e->mu);
            if ((perr = pthread_create(&tids[started], NULL, worker, e)) != 0) {
                pthread_mutex_lock(&e->mu);
                e->active--;
                pthread_mutex_unlock(&e->mu);
                break;
            }
        }
        if (started == 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "cannot start worker threads: %s", strerror(perr));
            rc = TR_ERR_INTERNAL;
        }
    }
    int first_error = TR_OK, warned = 0, interrupted = 0;
    if (started > 0) {
        pthread_mutex_lock(&e->mu);
        for (;;) {
            while (!e->done_list && e->active > 0)
                pthread_cond_wait(&e->cv_done, &e->mu);
            run_buf *b = e->done_list;
            if (!b)
                break;
            e->done_list = b->next;
            if (!e->done_list)
                e->done_tail = NULL;
            pthread_mutex_unlock(&e->mu);

            int wrc = TR_OK;
            if (first_error != TR_OK) {
                /* after a failure nothing more is written: the buffer goes back */
            } else if (b->status == TR_OK) {
                wrc = expdb_write_run(db, b->point, b->run, &b->data, b->years_seen, diag);
                if (wrc == TR_OK) {
                    ++*n_done;
                    if (!warned && b->point == 0 && b->run == 0) { /* the scenario's warnings, once */
                        forward_diag(diag, &b->diag, b->point, b->run, 0);
                        warned = 1;
                    }
                    if (j->progress)
                        j->progress(j->ctx, *n_done, total);
                }
            } else if (b->status == TR_ERR_INTERRUPTED) {
                interrupted = 1;
            } else {
                forward_diag(diag, &b->diag, b->point, b->run, 1);
                wrc = b->status;
            }
            if (wrc != TR_OK && first_error == TR_OK)
                first_error = wrc;

            pthread_mutex_lock(&e->mu);
            if (wrc != TR_OK || interrupted || (j->interrupt && *j->interrupt))
                e->stop = 1;
            b->next = e->free_list;
            e->free_list = b;
            pthread_cond_broadcast(&e->cv_free);
        }
        pthread_mutex_unlock(&e->mu);
        for (int i = 0; i < started; i++)
            pthread_join(tids[i], NULL);
    }
    pthread_cond_destroy(&e->cv_free);
    pthread_cond_destroy(&e->cv_done);
    pthread_mutex_destroy(&e->mu);
    for (size_t i = 0; i < n_bufs; i++) {
        exp_run_data_free(&bufs[i].data);
        tr_diag_free(&bufs[i].diag);
    }
    tr_mem_free(j->alloc, bufs);
    tr_mem_free(j->alloc, tids);
    if (rc == TR_OK)
        rc = first_error;
    if (rc == TR_OK && interrupted)
        rc = TR_ERR_INTERRUPTED;
    return rc;
}

int exp_run_job(const exp_job *j, tr_diag *diag)
{
    const exp_header *h = &j->h;
    if ((!h->points && !h->load) || h->n_points < 1 || !j->out || !*j->out) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "%s: no scenario or no output database", h->kind);
        return TR_ERR_INPUT;
    }
    if (h->runs < 1 || j->threads < 1 || j->threads > 1024 || (uint64_t)h->runs * h->n_points > UINT32_MAX) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    "%s: runs must be at least 1 (and runs x points below 2^32) and threads between 1 and 1024 "
                    "(got %u runs, %u points, %d threads)",
                    h->kind, h->runs, h->n_points, j->threads);
        return TR_ERR_INPUT;
    }
    if (j->force && j->resume) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "%s: --force and --resume exclude each other", h->kind);
        return TR_ERR_INPUT;
    }
    int rc = TR_OK;
    ensemble e;
    memset(&e, 0, sizeof e);
    e.j = j;
    e.alloc = j->alloc;
    {
        const tr_scenario *s0 = NULL;
        tr_scenario *owned = NULL;
        rc = exp_point_get(h, 0, &s0, &owned, diag);
        if (rc == TR_OK)
            exp_dims_init(&e.dims, s0, h->keep);
        exp_point_put(owned);
    }
    const int mpi = exp_mpi_size() > 1;
    if (rc != TR_OK) {
        /* The scenarios were checked on every rank before this call, so a
         * failure here (memory) may hit one rank only: the others would
         * wait for it for ever. */
        if (mpi)
            exp_mpi_abort(diag, rc);
        return rc;
    }
    if (mpi && exp_mpi_rank() != 0)
        return exp_mpi_worker(&e.dims, j, diag); /* ranks > 0 compute what rank 0 asks */

    exp_db *db = NULL;
    rc = expdb_open(&db, j->out, h, j->force, j->resume, j->alloc, diag);
    if (rc != TR_OK) {
        if (mpi)
            exp_mpi_release(); /* the workers wait for tasks: tell them there are none */
        return rc;
    }
    const uint32_t total = h->runs * h->n_points;
    uint32_t *todo = tr_mem_calloc(j->alloc, total, sizeof *todo);
    uint32_t n_todo = 0, n_done = 0;
    if (!todo) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        rc = TR_ERR_NOMEM;
    }
    for (uint32_t t = 0; rc == TR_OK && t < total; t++) {
        int done = 0;
        rc = expdb_run_done(db, t / h->runs, t % h->runs, &done, diag);
        if (done)
            n_done++;
        else
            todo[n_todo++] = t;
    }
    e.todo = todo;
    e.n_todo = n_todo;
    if (rc == TR_OK)
        rc = mpi ? exp_mpi_dispatch(&e.dims, j, db, todo, n_todo, &n_done, total, diag)
                 : run_threads(&e, db, &n_done, total, diag);
    else if (mpi)
        exp_mpi_release();
    if (rc == TR_OK && j->interrupt && *j->interrupt && n_done < total)
        rc = TR_ERR_INTERRUPTED;
    const int redo = !expdb_was_complete(db); /* a completed experiment resumed: all is there */
    if (rc == TR_OK && n_done == total && redo)
        rc = expdb_write_aggregates(db, diag);
    if (rc == TR_OK && j->finish && redo)
        rc = j->finish(j->finish_ctx, db, diag);
    tr_mem_free(j->alloc, todo);
    const char *status = rc == TR_OK ? "complete" : rc == TR_ERR_INTERRUPTED ? "interrupted" : "failed";
    int crc = expdb_close(db, status, diag);
    return rc == TR_OK ? crc : rc;
}

int tr_ensemble_run(const tr_scenario *s, const tr_experiment_options *o, tr_diag *diag)
{
    if (!s || !o) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "ensemble: no scenario or no options");
        return TR_ERR_INPUT;
    }
    const tr_scenario *pts[1] = {s};
    const char *labels[1] = {"ensemble"};
    exp_job j = {{"ensemble", pts, labels, 1, o->seed, o->runs, o->keep, NULL, NULL},
                 o->threads, o->out, o->force, o->resume, o->alloc, o->max_bytes, o->interrupt, o->progress, o->ctx,
                 NULL, NULL};
    return exp_run_job(&j, diag);
}

static int compare_finish(void *ctx, exp_db *db, tr_diag *diag)
{
    const tr_experiment_options *o = ctx;
    return expdb_write_comparison(db, o->alpha, diag);
}

int tr_compare_run(const tr_scenario *a, const tr_scenario *b, const char *label_a, const char *label_b,
                   const tr_experiment_options *o, tr_diag *diag)
{
    if (!a || !b || !o) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "compare: two scenarios and options are needed");
        return TR_ERR_INPUT;
    }
    if (!(o->alpha > 0 && o->alpha < 1)) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "compare: alpha must be between 0 and 1 (got %g)", o->alpha);
        return TR_ERR_INPUT;
    }
    if (o->runs < 2) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "compare: at least 2 runs per arm are needed for an interval");
        return TR_ERR_INPUT;
    }
    const tr_scenario *pts[2] = {a, b};
    const char *labels[2] = {label_a ? label_a : "A", label_b ? label_b : "B"};
    exp_job j = {{"compare", pts, labels, 2, o->seed, o->runs, o->keep, NULL, NULL},
                 o->threads, o->out, o->force, o->resume, o->alloc, o->max_bytes, o->interrupt, o->progress, o->ctx,
                 compare_finish, (void *)o};
    return exp_run_job(&j, diag);
}

int tr_compare_databases(const char *a_path, const char *b_path, const tr_experiment_options *o, tr_diag *diag)
{
    if (!a_path || !b_path || !o || !o->out || !*o->out) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "compare: two databases and an output are needed");
        return TR_ERR_INPUT;
    }
    if (!(o->alpha > 0 && o->alpha < 1)) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "compare: alpha must be between 0 and 1 (got %g)", o->alpha);
        return TR_ERR_INPUT;
    }
    return expdb_compare_databases(a_path, b_path, o->out, o->force, o->alpha, o->alloc, diag);
}

int tr_metric_exists(const char *name, const char *level, tr_keep keep)
{
    return name && level && expdb_metric_aggregated(name, level, keep);
}
