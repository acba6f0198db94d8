/* run.c — a scenario run into results (see include/techrace/run.h).
 *
 * The sequence, in order:
 *   1. load and check the scenario (with the overrides);
 *   2. check the outputs: the database file can be created or written, the
 *      CSV directory can receive a set (nothing is created yet, so a bad
 *      scenario or output leaves no file behind);
 *   3. create the run (tr_sim_create);
 *   4. open the results database (this call owns the connection until it
 *      returns) and add the run's row, status 'running';
 *   5. on_start; run every step: each year is written in one transaction
 *      with the events applied in it, then on_year;
 *   6. write the run's final status: complete, interrupted or failed;
 *   7. if complete and a CSV directory was given, export the set (written
 *      beside it and swapped in whole); if that fails the run is marked
 *      failed after all (the old set, if any, is left as it was);
 *   8. on_end; close the database, free the run and the scenario.
 * All memory comes from opts->alloc; nothing is static or global. */
#include "techrace/run.h"

#include <stdio.h>
#include <string.h>

#include "techrace/results.h"
#include "util/arena.h"

typedef struct run_state {
    const tr_run_options *o;
    tr_results *db;
    int64_t run_id;
    tr_diag *diag;
    int db_failed;    /* a write failed: the status is TR_ERR_DB or similar */
    int last_year;
} run_state;

static int on_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    run_state *st = ctx;
    if (st->db) {
        int rc = tr_results_write_year(st->db, st->run_id, sim, rep, st->diag);
        if (rc != TR_OK) {
            st->db_failed = 1;
            return rc;
        }
    }
    st->last_year = rep->year;
    if (st->o->hooks.on_year)
        return st->o->hooks.on_year(st->o->hooks.ctx, sim, rep);
    return 0;
}

static int on_event(void *ctx, const tr_sim *sim, const tr_event_applied *ev)
{
    run_state *st = ctx;
    if (st->db) {
        int rc = tr_results_write_event(st->db, st->run_id, sim, ev, st->diag);
        if (rc != TR_OK) {
            st->db_failed = 1;
            return rc;
        }
    }
    return 0;
}

/* The one place the scenario is loaded, with the run's allocator. */
static int load_scenario(const tr_run_options *o, tr_scenario **s, tr_diag *diag)
{
    tr_scenario_source src;
    memset(&src, 0, sizeof src);
    if (o->scenario_path && strcmp(o->scenario_path, "default") != 0) {
        src.path = o->scenario_path;
    } else if (!o->scenario_path && o->scenario_text) {
        src.text = o->scenario_text;
        src.text_name = o->scenario_name ? o->scenario_name : "scenario";
    } else {
        src.text = tr_scenario_default_text();
        src.text_name = "default";
    }
    src.overrides = o->overrides;
    src.n_overrides = o->n_overrides;
    src.alloc = o->alloc;
    return tr_scenario_load(s, &src, diag);
}

/* The one place the run is created, with the run's allocator. */
static int create_sim(const tr_run_options *o, const tr_scenario *s, uint64_t seed, tr_sim **sim,
                      tr_diag *diag)
{
    tr_sim_options so = TR_SIM_OPTIONS_INIT;
    so.seed = seed;
    so.run = o->run_index;
    so.alloc = o->alloc;
    so.max_bytes = o->max_bytes;
    return tr_sim_create_opts(sim, s, &so, diag);
}

/* Write the run's final status. A lock held by another connection may
 * outlast one busy timeout: try up to four times. On failure the row keeps 'running';
 * say so plainly. */
static int end_run(run_state *st, const char *status_text, tr_run_result *res, int last_try)
{
    int rc = tr_results_end_run(st->db, st->run_id, status_text, st->diag);
    for (int i = 0; i < 3 && rc == TR_ERR_DB; i++)
        rc = tr_results_end_run(st->db, st->run_id, status_text, st->diag);
    if (rc == TR_OK) {
        res->db_status = status_text;
    } else if (last_try) {
        tr_diag_add(st->diag, TR_DIAG_ERROR, st->o->db_path, 0, 0,
                    "run %lld could not be marked %s and is left marked 'running': it is a "
                    "failed run (docs/RESULTS.md, \"Run status\")",
                    (long long)st->run_id, status_text);
    }
    return rc;
}

int tr_run(const tr_run_options *opts, tr_run_result *res_out, tr_diag *diag)
{
    tr_run_options defaults = TR_RUN_OPTIONS_INIT;
    const tr_run_options *o = opts ? opts : &defaults;
    tr_run_result res;
    memset(&res, 0, sizeof res);
    res.stage = TR_RUN_LOAD;
    tr_scenario *s = NULL;
    tr_sim *sim = NULL;
    run_state st;
    memset(&st, 0, sizeof st);
    st.o = o;
    st.diag = diag;

    int rc = load_scenario(o, &s, diag);
    if (rc != TR_OK)
        goto done;
    res.seed = o->use_seed ? o->seed : s->seed;

    res.stage = TR_RUN_OUTPUTS;
    if (o->db_path && (rc = tr_results_check_path(o->db_path, o->alloc, diag)) != TR_OK)
        goto done;
    if (o->csv_dir && (rc = tr_results_check_csv_dir(o->csv_dir, o->alloc, diag)) != TR_OK)
        goto done;

    res.stage = TR_RUN_CREATE;
    rc = create_sim(o, s, res.seed, &sim, diag);
    if (rc != TR_OK)
        goto done;

    res.stage = TR_RUN_OPEN;
    if (o->db_path || o->csv_dir) {
        tr_results_options ro = TR_RESULTS_OPTIONS_INIT;
        ro.alloc = o->alloc;
        ro.busy_timeout_ms = o->busy_timeout_ms;
        rc = tr_results_open_opts(&st.db, o->db_path ? o->db_path : ":memory:", &ro, diag);
        if (rc == TR_OK)
            rc = tr_results_begin_run(st.db, s, sim, res.seed, &st.run_id, diag);
        if (rc != TR_OK)
            goto done;
        res.run_id = st.run_id;
    }

    res.stage = TR_RUN_STEPS;
    if (o->hooks.on_start && (rc = o->hooks.on_start(o->hooks.ctx, sim, diag)) != TR_OK) {
        if (st.db)
            end_run(&st, "failed", &res, 1);
        goto done;
    }
    tr_sim_hooks hooks = {on_year, on_event, &st, o->interrupt};
    rc = tr_sim_run(sim, &hooks);
    res.last_year = st.last_year;
    if (rc != TR_OK) {
        if (st.db)
            end_run(&st, rc == TR_ERR_INTERRUPTED ? "interrupted" : "failed", &res, 1);
        goto done;
    }

    if (st.db) {
        res.stage = TR_RUN_END;
        rc = end_run(&st, "complete", &res, 0);
        if (rc != TR_OK) {
            /* Not complete: try to say failed instead. */
            end_run(&st, "failed", &res, 1);
            goto done;
        }
        if (o->csv_dir) {
            res.stage = TR_RUN_EXPORT;
            rc = tr_results_export_csv(st.db, st.run_id, o->csv_dir, diag);
            if (rc != TR_OK) {
                /* The outputs asked for are not all there: the run failed
                 * (its years are complete in the database). */
                end_run(&st, "failed", &res, 1);
                goto done;
            }
        }
    }
    res.stage = TR_RUN_DONE;

done:
    res.status = rc;
    if (sim)
        res.steps = tr_sim_current_step(sim);
    if (sim && o->hooks.on_end)
        o->hooks.on_end(o->hooks.ctx, sim, &res);
    tr_results_close(st.db);
    tr_sim_destroy(sim);
    tr_scenario_destroy(s);
    if (res_out)
        *res_out = res;
    return rc;
}
