/* sim.c — one run: creation of the run state from the modules' _init
 * functions, the step loop, and the yearly report. The step runs the process
 * modules in the fixed order documented in docs/ODD.md and
 * docs/ARCHITECTURE.md; see model/state.h for the state layout. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "model/state.h"

/* Knowledge passes that set the initial stocks: output quality depends on
 * the stocks, so the steady state is found by iterating (three passes are
 * enough for the default scenario's stocks to settle to a few parts in a
 * thousand; fixed, as it shapes the initial conditions of every run). */
#define SIM_STEADY_STATE_PASSES 3

/* Every module's per-step scratch, bytes (what the step functions take from
 * the scratch arena, rounded up like TR_ALLOC). */
size_t sim_scratch_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double), in = sizeof(int);
    size_t nf = 0;
    for (int c = 0; c < s->n_countries; c++)
        nf += (size_t)firms_slots(s, c);
    return tr_alloc_bytes(nk, d) + tr_alloc_bytes(nc * nk, d)                         /* knowledge */
           + 2 * tr_alloc_bytes(nc * nc, d) + 2 * tr_alloc_bytes(nc, d)               /* talent */
           + tr_alloc_bytes(nk, d)                                                    /* local governments */
           + market_scratch_bytes(s, nf)                                              /* markets */
           + 2 * tr_alloc_bytes(nk + 1, in) + tr_alloc_bytes(nf + 1, d)               /* little giants */
           + tr_alloc_bytes(nc * nk, d)                                               /* tracker */
           + 2 * tr_alloc_bytes(nc * nk, d);                                          /* firm metrics */
}

/* Arena blocks are 64 KiB or one large allocation: each large allocation
 * can leave the rest of a small block unused. */
#define SIM_BLOCK_SLACK ((size_t)64 * 1024)

size_t tr_sim_memory_estimate(const tr_scenario *s)
{
    if (!s || s->n_countries < 1 || s->n_tech < 1)
        return 0;
    int ni = s->n_inst_specs;
    for (int c = 0; c < s->n_countries; c++)
        ni += s->countries[c].inst.count;
    size_t run = tr_alloc_bytes((size_t)s->n_events, 1) + policy_bytes(s) + budget_bytes(s) + research_bytes(s) +
                 knowledge_bytes(s) + talent_bytes(s) + firms_bytes(s) + funds_bytes(s) + market_bytes(s) +
                 localgov_bytes(s) + metrics_bytes(s, ni);
    size_t scratch = sim_scratch_bytes(s);
    return sizeof(tr_sim) + run + SIM_BLOCK_SLACK + (scratch > SIM_BLOCK_SLACK ? scratch : SIM_BLOCK_SLACK);
}

size_t sim_bytes_held(const tr_sim *sim)
{
    return sizeof *sim + sim->arena.total + sim->scratch.total;
}

static void year_reset(tr_sim *sim)
{
    report_year_start(&sim->met, &sim->run);
    talent_year_start(&sim->tal, &sim->run);
    market_year_start(&sim->mk, &sim->run);
    funds_year_start(&sim->fund, &sim->run);
    firms_year_start(&sim->fi);
    research_year_start(&sim->res, &sim->run);
}

static int year_finish(tr_sim *sim)
{
    const sim_ctx *run = &sim->run;
    tr_arena *scratch = &sim->scratch;
    int rc;
    report_research_year(&sim->met, run, &sim->tal, &sim->kn);
    exit_year(&sim->fi, &sim->mk, &sim->fund, run);
    if ((rc = firms_little_giants(&sim->fi, run, scratch)) != TR_OK)
        return rc;
    funds_year(&sim->fund, &sim->fi, run, &sim->pol, &sim->lg, tr_scenario_step_year(run->s, run->step));
    research_year_draw(&sim->res, run);
    report_hi_papers(&sim->met, run, &sim->res);
    if ((rc = tracker_year(&sim->met, run, &sim->res, scratch)) != TR_OK)
        return rc;
    if ((rc = firm_metrics_year(&sim->met, run, &sim->fi, &sim->mk, &sim->lg, &sim->fund, scratch)) != TR_OK)
        return rc;
    market_year_end(&sim->mk, run, sim->met.years_done == 0);
    sim->met.years_done++;
    sim->met.rep.year = run->s->start_year + run->step / run->spy;
    return TR_OK;
}

static int create_state(tr_sim *sim, tr_diag *diag)
{
    const sim_ctx *run = &sim->run;
    const tr_scenario *s = run->s;
    tr_arena *A = &sim->arena;
    int rc;
    TR_ALLOC(A, sim->ev_prev, s->n_events);
    if ((rc = policy_init(&sim->pol, run, A)) != TR_OK || (rc = budget_init(&sim->bud, run, A)) != TR_OK ||
        (rc = research_init(&sim->res, run, A)) != TR_OK || (rc = knowledge_init(&sim->kn, run, A)) != TR_OK ||
        (rc = talent_init(&sim->tal, run, A)) != TR_OK || (rc = firms_init(&sim->fi, run, A)) != TR_OK ||
        (rc = funds_init(&sim->fund, run, sim->fi.nf_max, A)) != TR_OK ||
        (rc = market_init(&sim->mk, run, A)) != TR_OK || (rc = localgov_init(&sim->lg, run, A)) != TR_OK ||
        (rc = metrics_init(&sim->met, run, sim->res.ni, A)) != TR_OK)
        return rc;
    /* One scratch block for the whole run: steps allocate nothing. */
    if (!tr_arena_alloc(&sim->scratch, sim_scratch_bytes(s)))
        return TR_ERR_NOMEM;
    tr_arena_reset(&sim->scratch);

    for (int c = 0; c < run->nc; c++)
        if (sim->res.inst_first[c] == sim->res.inst_first[c + 1])
            tr_diag_add(diag, TR_DIAG_WARNING, NULL, 0, 0,
                        "country '%s' has no research institutions (institutions.count is 0 and none are "
                        "listed): its research budget produces no papers",
                        s->countries[c].id);

    /* Initial conditions: budgets and talent at the start date, then
     * knowledge stocks at the steady state of the initial research output
     * (several passes, since output quality depends on the stocks). */
    double y0 = tr_scenario_step_year(s, 0);
    policy_apply(&sim->pol, run, y0);
    budget_step(&sim->bud, run, &sim->pol, sim->fi.ct_n, NULL, y0);
    talent_start(&sim->tal, run, &sim->bud, &sim->pol);
    for (int pass = 0; pass < SIM_STEADY_STATE_PASSES; pass++) {
        research_expected(&sim->res, run, &sim->bud, &sim->kn, &sim->tal);
        knowledge_set_steady_state(&sim->kn, run, &sim->res);
    }
    talent_place_diaspora(&sim->tal, run, &sim->bud, &sim->pol, sim->res.hi_step);
    rc = firms_populate(&sim->fi, run, &sim->kn, &sim->scratch);
    tr_arena_reset(&sim->scratch);
    if (rc != TR_OK)
        return rc;
    market_start(&sim->mk, &sim->fi, run, &sim->bud);
    budget_start_business(&sim->bud, run, sim->mk.ct_rd);
    knowledge_start_firm_research(&sim->kn, run, &sim->res, &sim->bud, sim->mk.ct_rd);
    firms_start_knowledge(&sim->fi, run, &sim->kn);
    return TR_OK;
}

/* A size for messages: GiB, MiB or KiB. */
static void format_bytes(char *buf, size_t n, size_t bytes)
{
    const double b = (double)bytes;
    if (b >= 1024.0 * 1024.0 * 1024.0)
        snprintf(buf, n, "%.1f GiB", b / (1024.0 * 1024.0 * 1024.0));
    else if (b >= 1024.0 * 1024.0)
        snprintf(buf, n, "%.0f MiB", b / (1024.0 * 1024.0));
    else
        snprintf(buf, n, "%.0f KiB", b / 1024.0);
}

/* Firm slots of the run, for messages. */
static double max_firms(const tr_scenario *s)
{
    double n = 0;
    for (int c = 0; c < s->n_countries; c++)
        n += firms_slots(s, c);
    return n;
}

int tr_sim_create_opts(tr_sim **out, const tr_scenario *s, const tr_sim_options *o, tr_diag *diag)
{
    static const tr_sim_options defaults = TR_SIM_OPTIONS_INIT;
    if (!o)
        o = &defaults;
    *out = NULL;
    if (!s || s->n_countries < 1 || s->n_tech < 1 || s->steps_per_year < 1) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "scenario has no countries, technologies or steps");
        return TR_ERR_INPUT;
    }
    const size_t limit = o->max_bytes ? o->max_bytes : TR_SIM_DEFAULT_MAX_BYTES;
    const size_t need = tr_sim_memory_estimate(s);
    if (need > limit) {
        char needs[32], lims[32];
        format_bytes(needs, sizeof needs, need);
        format_bytes(lims, sizeof lims, limit);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    "the run would need about %s (%d countries, %d technologies, up to %.0f firms), more than "
                    "the limit of %s: use a smaller scenario or raise the limit (--max-memory, or "
                    "tr_sim_options.max_bytes)",
                    needs, s->n_countries, s->n_tech, max_firms(s), lims);
        return TR_ERR_INPUT;
    }
    tr_sim *sim = tr_mem_calloc(o->alloc, 1, sizeof *sim);
    if (!sim) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory creating the run");
        return TR_ERR_NOMEM;
    }
    sim->alloc = o->alloc;
    tr_arena_init(&sim->arena, o->alloc);
    tr_arena_init(&sim->scratch, o->alloc);
    sim->run.s = s;
    sim->run.seed = o->seed;
    sim->run.run_index = o->run;
    sim->run.spy = s->steps_per_year;
    sim->run.dt = 1.0 / s->steps_per_year;
    sim->run.n_steps = tr_scenario_n_steps(s);
    sim->run.nc = s->n_countries;
    sim->run.nk = s->n_tech;

    int rc = create_state(sim, diag);
    if (rc != TR_OK) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    rc == TR_ERR_NOMEM ? "out of memory creating the run" : "internal error creating the run");
        tr_sim_destroy(sim);
        return rc;
    }
    *out = sim;
    return TR_OK;
}

int tr_sim_create(tr_sim **out, const tr_scenario *s, uint64_t seed, uint32_t run, tr_diag *diag)
{
    tr_sim_options o = TR_SIM_OPTIONS_INIT;
    o.seed = seed;
    o.run = run;
    return tr_sim_create_opts(out, s, &o, diag);
}

void tr_sim_destroy(tr_sim *sim)
{
    if (!sim)
        return;
    tr_arena_free(&sim->arena);
    tr_arena_free(&sim->scratch);
    tr_mem_free(sim->alloc, sim);
}

/* The processes of one step, in order; each takes the states it reads
 * (const) and those it changes. */
static int run_processes(tr_sim *sim, double year)
{
    const sim_ctx *run = &sim->run;
    tr_arena *scratch = &sim->scratch;
    int rc;
    budget_step(&sim->bud, run, &sim->pol, sim->fi.ct_n, sim->mk.ct_rd, year);
    if ((rc = localgov_step(&sim->lg, run, &sim->pol, &sim->mk, scratch, year)) != TR_OK)
        return rc;
    research_step(&sim->res, run, &sim->bud, &sim->kn, &sim->tal);
    if ((rc = knowledge_step(&sim->kn, run, &sim->res, &sim->bud, &sim->pol, scratch, &sim->tal,
                             sim->mk.ct_rd)) != TR_OK)
        return rc;
    if ((rc = talent_step(&sim->tal, run, &sim->bud, &sim->pol, sim->res.hi_step, year, scratch)) != TR_OK)
        return rc;
    firms_innovate(&sim->fi, run, &sim->kn, &sim->bud, &sim->pol, &sim->mk, year);
    if ((rc = market_step(&sim->mk, &sim->fi, run, &sim->pol, &sim->bud, &sim->tal, &sim->lg, scratch, year)) != TR_OK)
        return rc;
    entry_step(&sim->fi, &sim->mk, run, &sim->pol, &sim->lg, year);
    report_accumulate(&sim->met, run, &sim->bud, &sim->pol, &sim->res);
    return TR_OK;
}

/* One step. Returns 0, TR_ERR_NOMEM, or the non-zero value of an on_event
 * hook (the run then stops); *rep_out is set when the step ended a calendar
 * year. */
static int do_step(tr_sim *sim, const tr_sim_hooks *hooks, const tr_year_report **rep_out)
{
    *rep_out = NULL;
    sim_ctx *run = &sim->run;
    const tr_scenario *s = run->s;
    double year = tr_scenario_step_year(s, run->step);
    tr_arena_reset(&sim->scratch);
    if (run->step % run->spy == 0)
        year_reset(sim);

    /* 1. Policy timeline, reporting events that start or end. */
    unsigned char *was = sim->ev_prev;
    memcpy(was, sim->pol.ev_active, (size_t)s->n_events);
    policy_apply(&sim->pol, run, year);
    if (hooks && hooks->on_event) {
        for (int e = 0; e < s->n_events; e++) {
            if (was[e] == sim->pol.ev_active[e] && run->step > 0)
                continue;
            if (run->step == 0 && !sim->pol.ev_active[e])
                continue;
            tr_event_applied ev = {e, run->step, year, sim->pol.ev_active[e]};
            int rc = hooks->on_event(hooks->ctx, sim, &ev);
            if (rc) /* nothing of this step has run yet: it can be resumed */
                return rc;
        }
    }
    /* 2-8. Budgets and local governments, research, knowledge, talent,
     * firm innovation, markets, entry. */
    int rc = run_processes(sim, year);
    if (rc != TR_OK)
        return rc;

    run->step++;
    if (run->step % run->spy == 0) {
        run->step--; /* the report belongs to the year of the last step */
        rc = year_finish(sim);
        run->step++;
        if (rc != TR_OK)
            return rc;
        *rep_out = &sim->met.rep;
    }
    return 0;
}

int tr_sim_step(tr_sim *sim, const tr_year_report **rep_out)
{
    const tr_year_report *rep = NULL;
    if (rep_out)
        *rep_out = NULL;
    if (sim->run.step >= sim->run.n_steps)
        return 0;
    int rc = do_step(sim, NULL, &rep);
    if (rc != TR_OK)
        return rc;
    if (rep_out)
        *rep_out = rep;
    return rep != NULL;
}

int tr_sim_run(tr_sim *sim, const tr_sim_hooks *hooks)
{
    while (sim->run.step < sim->run.n_steps) {
        if (hooks && hooks->interrupt && *hooks->interrupt)
            return TR_ERR_INTERRUPTED;
        const tr_year_report *rep = NULL;
        int rc = do_step(sim, hooks, &rep);
        if (rc)
            return rc;
        if (rep && hooks && hooks->on_year) {
            int hr = hooks->on_year(hooks->ctx, sim, rep);
            if (hr)
                return hr;
        }
    }
    return TR_OK;
}

const tr_scenario *tr_sim_scenario(const tr_sim *sim)
{
    return sim->run.s;
}

uint64_t tr_sim_seed(const tr_sim *sim)
{
    return sim->run.seed;
}

uint32_t tr_sim_run_index(const tr_sim *sim)
{
    return sim->run.run_index;
}

int tr_sim_current_step(const tr_sim *sim)
{
    return sim->run.step;
}

int tr_sim_n_institutions(const tr_sim *sim)
{
    return sim->res.ni;
}

const char *tr_sim_inst_name(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->res.ni ? sim->res.inst_name[inst] : "";
}

int tr_sim_inst_country(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->res.ni ? sim->res.inst_country[inst] : -1;
}

double tr_sim_inst_size(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->res.ni ? sim->res.inst_size[inst] : 0;
}

double tr_sim_inst_hi_window(const tr_sim *sim, int inst, int tech)
{
    if (inst < 0 || inst >= sim->res.ni || tech < 0 || tech >= sim->run.nk)
        return 0;
    return sim->met.inst_hi_window[(size_t)inst * (size_t)sim->run.nk + (size_t)tech];
}
