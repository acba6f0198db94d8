/* state.h — the run state of one simulation (struct tr_sim): a container of
 * the model modules' own states plus the run-level context. Internal to the
 * library.
 *
 * Each module declares its state and functions in its own header
 * (policy/policy.h, research/{budget,research,knowledge,talent}.h,
 * industry/{firms,market,entry,localgov}.h, metrics/metrics.h), allocates it
 * in its _init from the run arena, and takes the other modules' states it
 * reads as const pointers: a process's signature says what it reads and
 * writes. docs/ARCHITECTURE.md lists the owner of every array.
 *
 * Order of processes in a step (docs/ODD.md, "Process overview"):
 *   policy_apply -> budget_step, localgov_step -> research_step ->
 *   knowledge_step -> talent_step -> firms_innovate -> market_step ->
 *   entry_step -> (end of year) exit_year, funds_year, research_year_draw,
 *   tracker_year, firm_metrics_year. */
#ifndef TR_MODEL_STATE_H
#define TR_MODEL_STATE_H

#include "techrace/alloc.h"
#include "techrace/sim.h"

#include "model/industry/entry.h"
#include "model/industry/firms.h"
#include "model/industry/localgov.h"
#include "model/industry/market.h"
#include "model/metrics/metrics.h"
#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/research/knowledge.h"
#include "model/research/research.h"
#include "model/research/talent.h"
#include "model/context.h"
#include "util/arena.h"

struct tr_sim {
    sim_ctx run;                /* scenario, stream keys, clock, dimensions */
    const tr_allocator *alloc; /* every allocation of the run (NULL: default) */
    tr_arena arena;            /* the modules' states, for the whole run */
    tr_arena scratch;          /* per-step scratch, reset at the start of every step */
    unsigned char *ev_prev;    /* [n_events] events in force in the previous step (for on_event) */

    tr_policy pol;
    tr_budgets bud;
    tr_research res;
    tr_knowledge kn;
    tr_talent tal;
    tr_firms fi;
    tr_markets mk;
    tr_localgov lg;
    tr_funds fund;
    tr_metrics met;
};

/* Bytes of per-step scratch a step of this scenario takes at most (the
 * scratch arena is sized to it at creation, so steps allocate nothing). */
size_t sim_scratch_bytes(const tr_scenario *s);
/* What a created run holds: the tr_sim struct and the blocks of its run and
 * scratch arenas (what tr_sim_memory_estimate estimates; for tests). */
size_t sim_bytes_held(const tr_sim *sim);

#endif
