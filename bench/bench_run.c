/* bench_run.c — `make bench`: wall time of the default run.
 *
 * Measures, side by side in one process so machine noise hits all alike:
 * loading the embedded default scenario, a full 2000-2035 run without
 * output, and the same run writing a results database. Prints the median of
 * several repetitions and the ratios between them. Not part of `make test`:
 * timing belongs here, never in tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "techrace/techrace.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct dbctx {
    tr_results *db;
    int64_t run_id;
    tr_diag *d;
} dbctx;

static int write_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    dbctx *c = ctx;
    return tr_results_write_year(c->db, c->run_id, sim, rep, c->d) ? 1 : 0;
}

static int one(int with_db, double *t_load, double *t_run)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    double t0 = now();
    if (tr_scenario_load_default(&s, NULL, 0, &d) != TR_OK) {
        tr_diag_print(&d, stderr);
        return 1;
    }
    double t1 = now();
    tr_sim *sim = NULL;
    tr_results *db = NULL;
    dbctx ctx = {NULL, 0, &d};
    char path[] = "bench-results-XXXXXX";
    int rc = tr_sim_create(&sim, s, s->seed, 0, &d);
    if (rc == TR_OK && with_db) {
        int fd = mkstemp(path);
        if (fd >= 0)
            close(fd);
        unlink(path);
        rc = tr_results_open(&db, path, &d);
        if (rc == TR_OK)
            rc = tr_results_begin_run(db, s, sim, s->seed, &ctx.run_id, &d);
        ctx.db = db;
    }
    tr_sim_hooks h = {with_db ? write_year : NULL, NULL, &ctx, NULL};
    if (rc == TR_OK)
        rc = tr_sim_run(sim, &h);
    if (rc == TR_OK && db)
        rc = tr_results_end_run(db, ctx.run_id, "complete", &d);
    double t2 = now();
    if (rc != TR_OK)
        tr_diag_print(&d, stderr);
    tr_results_close(db);
    if (with_db) {
        char aux[64];
        unlink(path);
        snprintf(aux, sizeof aux, "%s-wal", path);
        unlink(aux);
        snprintf(aux, sizeof aux, "%s-shm", path);
        unlink(aux);
    }
    tr_sim_destroy(sim);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    *t_load = t1 - t0;
    *t_run = t2 - t1;
    return rc != TR_OK;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 7;
    if (reps < 1 || reps > 1000)
        reps = 7;
    double *load = calloc((size_t)reps, sizeof *load), *run = calloc((size_t)reps, sizeof *run);
    double *load2 = calloc((size_t)reps, sizeof *load2), *rundb = calloc((size_t)reps, sizeof *rundb);
    int failed = !load || !run || !load2 || !rundb;
    for (int i = 0; i < reps && !failed; i++) {
        /* Interleave the variants so drift affects both alike. */
        failed = one(0, &load[i], &run[i]) || one(1, &load2[i], &rundb[i]);
    }
    if (failed) {
        free(load);
        free(run);
        free(load2);
        free(rundb);
        return 1;
    }
    double ml = median(load, reps), mr = median(run, reps), mdb = median(rundb, reps);
    printf("default scenario, %d repetitions (median wall time)\n", reps);
    printf("  load scenario            %8.4f s\n", ml);
    printf("  run 2000-2035, no output %8.4f s\n", mr);
    printf("  run + results database   %8.4f s\n", mdb);
    printf("  total (load + run)       %8.4f s   goal < 0.5 s\n", ml + mr);
    printf("  ratio database/no output %8.2f\n", mdb / mr);
    printf("  ratio load/run           %8.2f\n", ml / mr);
    free(load);
    free(run);
    free(load2);
    free(rundb);
    return 0;
}
