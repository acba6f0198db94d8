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

#include "techrace/diag.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_results tr_results;

#define TR_RESULTS_SCHEMA_VERSION 1

/* Open (creating if needed) a results database. */
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

/* Write one CSV per results table of the run into dir (created if needed):
 * country_year.csv, country_tech_year.csv, tracker.csv, tracker_top10.csv,
 * events_applied.csv. Deterministic: the same run gives the same bytes. */
TR_API int tr_results_export_csv(tr_results *r, int64_t run_id, const char *dir,
                          tr_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
