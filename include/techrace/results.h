/* results.h — the results database (SQLite) and its CSV export.
 *
 * One database file holds one or more runs (an experiment). Each run row
 * records the program version, the resolved scenario text and its hash, the
 * seed, the overrides and a status that is 'running' until the run ends
 * ('complete', 'interrupted' or 'failed'). Years are written in one
 * transaction each, so a run stopped at any point leaves a valid database
 * whose last complete year is there and whose run is not marked complete.
 * The schema is documented in docs/RESULTS.md. */
#ifndef TECHRACE_RESULTS_H
#define TECHRACE_RESULTS_H

#include "techrace/api.h"

#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_results tr_results;

#define TR_RESULTS_SCHEMA_VERSION 3
/* PRAGMA application_id of a results database ("TRAC"). Files written before
 * it was set have 0 and are recognised by their meta table. */
#define TR_RESULTS_APPLICATION_ID 0x54524143
/* The experiment databases' application_id ("TREX"; ensemble, compare, sweep,
 * sensitivity): a run refuses one by name. */
#define TR_EXPERIMENT_APPLICATION_ID 0x54524558

typedef struct tr_results_options {
    /* Every allocation of the results layer (the handle, buffered events,
     * SQL text, CSV export). NULL: the C library's. SQLite's own memory is
     * not included: SQLite has one process-global allocator. */
    const tr_allocator *alloc;
    /* How long a write waits for another connection's lock, in ms (0: 10000). */
    int busy_timeout_ms;
} tr_results_options;
#define TR_RESULTS_OPTIONS_INIT {NULL, 0}

/* Open (creating if needed) a results database. A file that exists and is
 * not a techrace results database (another SQLite database, or not SQLite)
 * is refused before anything is written to it, as bad input (TR_ERR_INPUT;
 * also an experiment database, or a results database of another schema
 * version). A file that cannot be created or written is reported with the
 * system's reason (errno). */
TR_API int tr_results_open_opts(tr_results **out, const char *path,
                                const tr_results_options *opts, tr_diag *diag);
/* Could tr_results_open create or write path? Only looks (creates nothing):
 * for checking an output before a long run. alloc may be NULL. */
TR_API int tr_results_check_path(const char *path, const tr_allocator *alloc, tr_diag *diag);
/* tr_results_open_opts with TR_RESULTS_OPTIONS_INIT. */
TR_API int tr_results_open(tr_results **out, const char *path, tr_diag *diag);
TR_API void tr_results_close(tr_results *r);

/* Start a run: writes the runs row (status 'running'), the scenario's
 * countries, technologies and the run's institutions. */
TR_API int tr_results_begin_run(tr_results *r, const tr_scenario *s, const tr_sim *sim,
                         uint64_t seed, int64_t *run_id, tr_diag *diag);
TR_API int tr_results_write_year(tr_results *r, int64_t run_id, const tr_sim *sim,
                          const tr_year_report *rep, tr_diag *diag);
TR_API int tr_results_write_event(tr_results *r, int64_t run_id, const tr_sim *sim,
                           const tr_event_applied *ev, tr_diag *diag);
/* status: "complete", "interrupted" or "failed". */
TR_API int tr_results_end_run(tr_results *r, int64_t run_id, const char *status,
                       tr_diag *diag);

/* Write one CSV per results table of the run into dir: run.csv,
 * countries.csv, technologies.csv, country_year.csv, country_tech_year.csv,
 * tracker.csv, tracker_top10.csv, events_applied.csv. Deterministic: the
 * same run gives the same bytes.
 *
 * The set is replaced as a whole: the files are written into a new sibling
 * directory (.NAME.XXXXXX next to dir) which is then swapped into place, so
 * dir holds either the complete previous set or the complete new one, never
 * a mix, and no link is ever followed inside it. An existing dir may hold
 * only files of a CSV export (the names above and their old ".tmp"
 * leftovers); anything else is refused before anything is written.
 * docs/RESULTS.md, "CSV export". */
TR_API int tr_results_export_csv(tr_results *r, int64_t run_id, const char *dir,
                          tr_diag *diag);

/* Would tr_results_export_csv accept dir? Only looks (creates nothing):
 * for checking an output before a long run. alloc may be NULL. */
TR_API int tr_results_check_csv_dir(const char *dir, const tr_allocator *alloc, tr_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
