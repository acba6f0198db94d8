/* mpi.c — experiments over MPI ranks: rank 0 dispatches and writes, the
 * other ranks compute runs (see runner.h). Built with MPI when CMake finds
 * it (TR_HAVE_MPI); otherwise every function here reports one rank.
 *
 * Protocol, all point-to-point with rank 0:
 *   worker -> 0  TAG_READY  (empty)            asks for a task
 *   0 -> worker  TAG_TASK   uint32 task or STOP
 *   worker -> 0  TAG_RESULT bytes: int32 task, status, years; then the
 *                run's data (cy, trk doubles; ctc floats; ct doubles)
 *                — then asks again with TAG_READY.
 * Ranks are assumed to share byte order and floating-point format (a
 * homogeneous cluster). A run's numbers do not depend on which rank ran it,
 * so the database equals the single-process one. */
#include "exp/runner.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

#ifdef TR_HAVE_MPI
#include <mpi.h>

enum { TAG_READY = 101, TAG_TASK = 102, TAG_RESULT = 103 };
#define TASK_STOP UINT32_MAX

static int world(int *rank, int *size)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (!init || fin)
        return 0;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 1;
}

int exp_mpi_size(void)
{
    int r = 0, s = 1;
    return world(&r, &s) ? s : 1;
}

int exp_mpi_rank(void)
{
    int r = 0, s = 1;
    return world(&r, &s) ? r : 0;
}

static size_t payload_bytes(const exp_dims *d)
{
    size_t ny = (size_t)d->ny, nc = (size_t)d->nc, nk = (size_t)d->nk;
    size_t n = 3 * sizeof(int32_t);
    n += ny * nc * (size_t)d->n_cy * sizeof(double);
    n += ny * nk * EXP_TRK_COLS * sizeof(double);
    n += ny * nc * nk * (size_t)d->n_ctc * sizeof(float);
    if (d->keep == TR_KEEP_ALL) {
        n += ny * nc * nk * (size_t)d->n_ct * sizeof(double);
        n += ny * nk * 10 * sizeof(exp_top10) + (size_t)d->max_events * sizeof(exp_event) + sizeof(int32_t);
    }
    return n;
}

/* Copy the run's arrays to or from a message (to_msg = 1: pack). */
static void pack(const exp_dims *d, exp_run_data *r, unsigned char *msg, int to_msg)
{
    size_t ny = (size_t)d->ny, nc = (size_t)d->nc, nk = (size_t)d->nk;
    struct {
        void *p;
        size_t n;
    } parts[] = {{r->cy, ny * nc * (size_t)d->n_cy * sizeof(double)},
                 {r->trk, ny * nk * EXP_TRK_COLS * sizeof(double)},
                 {r->ctc, ny * nc * nk * (size_t)d->n_ctc * sizeof(float)},
                 {r->ct, d->keep == TR_KEEP_ALL ? ny * nc * nk * (size_t)d->n_ct * sizeof(double) : 0},
                 {r->top, d->keep == TR_KEEP_ALL ? ny * nk * 10 * sizeof(exp_top10) : 0},
                 {r->events, d->keep == TR_KEEP_ALL ? (size_t)d->max_events * sizeof(exp_event) : 0},
                 {&r->n_events, d->keep == TR_KEEP_ALL ? sizeof(int32_t) : 0}};
    unsigned char *q = msg + 3 * sizeof(int32_t);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].n)
            continue;
        if (to_msg)
            memcpy(q, parts[i].p, parts[i].n);
        else
            memcpy(parts[i].p, q, parts[i].n);
        q += parts[i].n;
    }
}

int exp_mpi_worker(const exp_dims *d, const exp_job *j, tr_diag *diag)
{
    exp_run_data data;
    size_t nb = payload_bytes(d);
    unsigned char *msg = nb <= (size_t)INT32_MAX ? tr_mem_alloc(j->alloc, nb) : NULL; /* MPI counts are ints */
    int have = msg && exp_run_data_init(&data, d, j->alloc) == TR_OK;
    for (;;) {
        MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD);
        uint32_t task;
        MPI_Recv(&task, 1, MPI_UINT32_T, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (task == TASK_STOP)
            break;
        int32_t head[3] = {(int32_t)task, TR_ERR_NOMEM, 0};
        int years = 0, status = TR_ERR_NOMEM;
        if (have) {
            tr_diag run_diag;
            tr_diag_init(&run_diag);
            exp_run_data_clear(&data);
            exp_compute_run(j, task / j->h.runs, task % j->h.runs, &data, &years, &status, &run_diag);
            tr_diag_free(&run_diag);
            head[1] = status;
            head[2] = years;
            pack(d, &data, msg, 1);
            memcpy(msg, head, sizeof head);
            MPI_Send(msg, (int)nb, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        } else {
            MPI_Send(head, (int)sizeof head, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        }
    }
    if (have)
        exp_run_data_free(&data);
    tr_mem_free(j->alloc, msg);
    (void)diag;
    return TR_OK;
}

int exp_mpi_dispatch(const exp_dims *d, const exp_job *j, exp_db *db, const uint32_t *todo, uint32_t n_todo,
                     uint32_t *n_done, uint32_t total, tr_diag *diag)
{
    int size = exp_mpi_size();
    size_t nb = payload_bytes(d);
    unsigned char *msg = tr_mem_alloc(j->alloc, nb);
    exp_run_data data;
    int rc = TR_OK;
    if (!msg || exp_run_data_init(&data, d, j->alloc) != TR_OK) {
        tr_mem_free(j->alloc, msg);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        exp_mpi_release();
        return TR_ERR_NOMEM;
    }
    uint32_t next = 0;
    int running = size - 1; /* workers not yet told to stop */
    int interrupted = 0;
    while (running > 0) {
        MPI_Status st;
        MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG == TAG_READY) {
            MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (j->interrupt && *j->interrupt)
                interrupted = 1;
            uint32_t task = TASK_STOP;
            if (rc == TR_OK && !interrupted && next < n_todo)
                task = todo[next++];
            MPI_Send(&task, 1, MPI_UINT32_T, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
            if (task == TASK_STOP)
                running--;
        } else if (st.MPI_TAG == TAG_RESULT) {
            int count = 0;
            MPI_Get_count(&st, MPI_BYTE, &count);
            if (count < (int)(3 * sizeof(int32_t)) || (size_t)count > nb) {
                /* not a result of this experiment (another build or scenario on that rank) */
                unsigned char *junk = count > 0 ? tr_mem_alloc(j->alloc, (size_t)count) : NULL;
                MPI_Recv(junk, junk ? count : 0, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                tr_mem_free(j->alloc, junk);
                if (rc == TR_OK) {
                    tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                                "rank %d sent a result of %d bytes, expected %zu: do all ranks run the same build "
                                "and scenario?", st.MPI_SOURCE, count, nb);
                    rc = TR_ERR_INTERNAL;
                }
                continue;
            }
            MPI_Recv(msg, count, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            int32_t head[3];
            memcpy(head, msg, sizeof head);
            uint32_t task = (uint32_t)head[0];
            if (head[1] == TR_ERR_INTERRUPTED) {
                interrupted = 1;
            } else if (head[1] != TR_OK || (size_t)count != nb) {
                if (rc == TR_OK) {
                    tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "point %u, run %u failed on rank %d: %s",
                                task / j->h.runs, task % j->h.runs, st.MPI_SOURCE,
                                head[1] != TR_OK ? tr_strerror(head[1]) : "a result of the wrong size");
                    rc = head[1] != TR_OK ? head[1] : TR_ERR_INTERNAL;
                }
            } else if (rc == TR_OK) {
                pack(d, &data, msg, 0);
                rc = expdb_write_run(db, task / j->h.runs, task % j->h.runs, &data, head[2], diag);
                if (rc == TR_OK) {
                    ++*n_done;
                    if (j->progress)
                        j->progress(j->ctx, *n_done, total);
                }
            }
        } else { /* not ours: drain it */
            MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
    }
    exp_run_data_free(&data);
    tr_mem_free(j->alloc, msg);
    if (rc == TR_OK && interrupted)
        rc = TR_ERR_INTERRUPTED;
    return rc;
}

void exp_mpi_release(void)
{
    /* Called before any task was handed out: the workers' only messages
     * are READY (empty). */
    int size = exp_mpi_size();
    for (int running = size - 1; running > 0; running--) {
        MPI_Status st;
        MPI_Recv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, TAG_READY, MPI_COMM_WORLD, &st);
        uint32_t task = TASK_STOP;
        MPI_Send(&task, 1, MPI_UINT32_T, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
    }
}

void exp_mpi_abort(const tr_diag *diag, int rc)
{
    tr_diag_print(diag, stderr);
    fprintf(stderr, "techrace: rank %d: %s; stopping every rank\n", exp_mpi_rank(), tr_strerror(rc));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int tr_mpi_init(int *argc, char ***argv)
{
    int init = 0;
    MPI_Initialized(&init);
    if (!init && MPI_Init(argc, argv) != MPI_SUCCESS)
        return TR_ERR_INTERNAL;
    return TR_OK;
}

void tr_mpi_finalize(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin)
        MPI_Finalize();
}

int tr_mpi_available(void)
{
    return 1;
}

#else /* no MPI */

int exp_mpi_size(void)
{
    return 1;
}

int exp_mpi_rank(void)
{
    return 0;
}

int exp_mpi_worker(const exp_dims *d, const exp_job *j, tr_diag *diag)
{
    (void)d, (void)j, (void)diag;
    return TR_ERR_INTERNAL;
}

int exp_mpi_dispatch(const exp_dims *d, const exp_job *j, exp_db *db, const uint32_t *todo, uint32_t n_todo,
                     uint32_t *n_done, uint32_t total, tr_diag *diag)
{
    (void)d, (void)j, (void)db, (void)todo, (void)n_todo, (void)n_done, (void)total, (void)diag;
    return TR_ERR_INTERNAL;
}

void exp_mpi_release(void)
{
}

void exp_mpi_abort(const tr_diag *diag, int rc)
{
    (void)diag, (void)rc;
}

int tr_mpi_init(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return TR_OK;
}

void tr_mpi_finalize(void)
{
}

int tr_mpi_available(void)
{
    return 0;
}

#endif

int tr_mpi_rank(void)
{
    return exp_mpi_rank();
}

int tr_mpi_size(void)
{
    return exp_mpi_size();
}
