/* sim.c — one run: creation of the run state, the step loop, and the yearly
 * report. The step runs the process modules in the fixed order documented in
 * docs/ODD.md; see model/state.h for the state layout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/state.h"

#define ALLOC(ptr, n)                                                     \
    do {                                                                  \
        (ptr) = tr_arena_calloc(&sim->arena, (size_t)(n) + 1, sizeof *(ptr)); \
        if (!(ptr))                                                       \
            goto nomem;                                                   \
    } while (0)

static void year_reset(tr_sim *sim)
{
    const int nc = sim->nc, nk = sim->nk;
    memset(sim->cy, 0, sizeof(tr_country_year) * (size_t)nc);
    memset(sim->cty, 0, sizeof(tr_ct_year) * (size_t)(nc * nk));
    memset(sim->inst_hi_year, 0, sizeof(double) * (size_t)sim->ni * (size_t)nk);
    memset(sim->out_y, 0, sizeof(double) * (size_t)nc);
    memset(sim->ret_y, 0, sizeof(double) * (size_t)nc);
    memset(sim->in_y, 0, sizeof(double) * (size_t)nc);
    double *yr[] = {sim->yr_rd, sim->yr_exports, sim->yr_y, sim->yr_cap, sim->yr_rev, sim->yr_cost, sim->yr_sub,
                    sim->yr_sub_local, sim->yr_cons, sim->yr_cons_u, sim->yr_dom_u, sim->yr_entries, sim->yr_exits, sim->yr_bailouts,
                    sim->yr_grants};
    for (size_t j = 0; j < sizeof yr / sizeof yr[0]; j++)
        memset(yr[j], 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->yr_fund_in, 0, sizeof(double) * (size_t)nc);
    memset(sim->yr_fund_ret, 0, sizeof(double) * (size_t)nc);
    memset(sim->yr_fund_exits, 0, sizeof(double) * (size_t)nc);
    for (int f = 0; f < sim->nf; f++)
        sim->f_rev[f] = sim->f_profit[f] = 0;
    research_year_start(sim);
}

/* Add this step's flows to the year's totals. Rates (US$ bn per year) are
 * averaged over the year, flows summed. */
static void year_accumulate(tr_sim *sim)
{
    const int nc = sim->nc, nk = sim->nk;
    const double w = sim->dt;
    for (int c = 0; c < nc; c++) {
        tr_country_year *y = &sim->cy[c];
        y->gdp += w * sim->gdp[c];
        y->rd_intensity += w * sim->rd_int[c];
        y->gerd += w * sim->gerd[c];
        y->gov_funding += w * sim->gov[c];
        y->central_funding += w * sim->central[c];
        y->local_funding += w * (sim->gov[c] - sim->central[c]);
        y->business_funding += w * sim->business[c];
        y->other_funding += w * sim->other[c];
        y->basic += w * sim->basic[c];
        y->applied += w * sim->applied[c];
        y->experimental += w * (sim->gerd[c] - sim->basic[c] - sim->applied[c]);
        y->public_research += w * sim->pubres[c];
        for (int k = 0; k < nk; k++) {
            tr_ct_year *ct = &sim->cty[c * nk + k];
            y->megaproject += w * (sim->mega[c * nk + k] + sim->mega_firm[c * nk + k]);
            ct->budget += w * sim->rbudget[c * nk + k];
            ct->papers += sim->papers_step[c * nk + k];
            y->papers += sim->papers_step[c * nk + k];
        }
    }
}

static void year_finish(tr_sim *sim)
{
    const int nc = sim->nc, nk = sim->nk;
    double world_gerd = 0;
    for (int c = 0; c < nc; c++)
        world_gerd += sim->cy[c].gerd;
    for (int c = 0; c < nc; c++) {
        tr_country_year *y = &sim->cy[c];
        y->researchers = sim->H[c];
        double d = 0;
        for (int e = 0; e < nc; e++)
            d += sim->M[c * nc + e];
        y->diaspora = d;
        y->outbound = sim->out_y[c];
        y->returnees = sim->ret_y[c];
        y->inbound_foreign = sim->in_y[c];
        y->talent_quality = sim->H[c] > 0 ? sim->Hq[c] / sim->H[c] : 0;
        y->world_rd_share = world_gerd > 0 ? y->gerd / world_gerd : 0;
        for (int k = 0; k < nk; k++)
            sim->cty[c * nk + k].knowledge = sim->K[c * nk + k];
    }
    exit_year(sim);
    funds_year(sim, tr_scenario_step_year(sim->s, sim->step));
    research_year_draw(sim);
    tracker_year(sim);
    firms_year_metrics(sim);
    sim->years_done++;
    sim->rep.year = sim->s->start_year + sim->step / sim->spy;
}

int tr_sim_create(tr_sim **out, const tr_scenario *s, uint64_t seed, uint32_t run, tr_diag *diag)
{
    *out = NULL;
    if (!s || s->n_countries < 1 || s->n_tech < 1 || s->steps_per_year < 1) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "scenario has no countries, technologies or steps");
        return TR_ERR_INPUT;
    }
    tr_sim *sim = tr_xcalloc(1, sizeof *sim);
    if (!sim) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory creating the run");
        return TR_ERR_NOMEM;
    }
    tr_arena_init(&sim->arena, NULL);
    sim->s = s;
    sim->seed = seed;
    sim->run = run;
    sim->spy = s->steps_per_year;
    sim->dt = 1.0 / s->steps_per_year;
    sim->n_steps = tr_scenario_n_steps(s);
    sim->nc = s->n_countries;
    sim->nk = s->n_tech;
    sim->W = s->params.tracker.window_years > 0 ? s->params.tracker.window_years : 1;
    const int nc = sim->nc, nk = sim->nk;

    ALLOC(sim->ev_active, s->n_events);
    ALLOC(sim->ev_prev, s->n_events);
    ALLOC(sim->rd_scale, nc);
    ALLOC(sim->basic_add, nc);
    ALLOC(sim->gov_add, nc);
    ALLOC(sim->priority, nc * nk);
    ALLOC(sim->mega, nc * nk);
    ALLOC(sim->mega_firm, nc * nk);
    ALLOC(sim->yr_grants, nc * nk);
    ALLOC(sim->return_boost, nc);
    ALLOC(sim->attract_boost, nc);
    ALLOC(sim->visa, nc * nc);
    ALLOC(sim->joint, nc * nc * nk);
    ALLOC(sim->gdp, nc);
    ALLOC(sim->rd_int, nc);
    ALLOC(sim->gerd, nc);
    ALLOC(sim->gov, nc);
    ALLOC(sim->central, nc);
    ALLOC(sim->business, nc);
    ALLOC(sim->other, nc);
    ALLOC(sim->basic, nc);
    ALLOC(sim->applied, nc);
    ALLOC(sim->pubres, nc);
    ALLOC(sim->basic_share, nc);
    ALLOC(sim->open, nc);
    ALLOC(sim->rbudget, nc * nk);
    ALLOC(sim->papers_step, nc * nk);
    ALLOC(sim->hi_step, nc * nk);
    ALLOC(sim->staffing, nc);
    ALLOC(sim->quality_c, nc * nk);
    ALLOC(sim->K, nc * nk);
    ALLOC(sim->frontier, nk);
    ALLOC(sim->kgain, nk);
    ALLOC(sim->H, nc);
    ALLOC(sim->Hq, nc);
    ALLOC(sim->M, nc * nc);
    ALLOC(sim->attract, nc);
    ALLOC(sim->out_y, nc);
    ALLOC(sim->ret_y, nc);
    ALLOC(sim->in_y, nc);
    ALLOC(sim->flow_out, nc * nc);
    ALLOC(sim->flow_ret, nc * nc);
    ALLOC(sim->tq, nc);
    ALLOC(sim->inflow, nc);
    ALLOC(sim->ct_hi_ring, sim->W * nc * nk);
    ALLOC(sim->ct_hi_window, nc * nk);
    ALLOC(sim->ct_now, nc * nk);
    ALLOC(sim->cy, nc);
    ALLOC(sim->cty, nc * nk);
    ALLOC(sim->trk, nk);
    ALLOC(sim->top10_by_country, nk * nc);
    ALLOC(sim->sub_output, nc * nk);
    ALLOC(sim->sub_output_local, nc * nk);
    ALLOC(sim->sub_capacity, nc * nk);
    ALLOC(sim->sub_entrant, nc * nk);
    ALLOC(sim->buy_dom, nc * nk);
    ALLOC(sim->screen, nc * nk);
    ALLOC(sim->ct_cum, nc * nk);
    ALLOC(sim->ct_S, nc * nk);
    ALLOC(sim->ct_util, nc * nk);
    ALLOC(sim->ct_margin, nc * nk);
    ALLOC(sim->ct_n, nc * nk);
    ALLOC(sim->ct_prod_prev, nc * nk);
    ALLOC(sim->ct_prod_last, nc * nk);
    ALLOC(sim->ct_capex, nc * nk);
    ALLOC(sim->ct_capex_prev, nc * nk);
    ALLOC(sim->ct_lastK, nc * nk);
    ALLOC(sim->ss_pref, nc * nk);
    ALLOC(sim->ss_sub, nc * nk);
    ALLOC(sim->ct_kgrowth, nc * nk);
    ALLOC(sim->ct_sub_paid, nc * nk);
    ALLOC(sim->ct_dom, nc * nk);
    ALLOC(sim->ct_D, nc * nk);
    ALLOC(sim->ct_Q, nc * nk);
    ALLOC(sim->ct_ysum, nc * nk);
    ALLOC(sim->ct_capsum, nc * nk);
    ALLOC(sim->ct_revsum, nc * nk);
    ALLOC(sim->ct_costsum, nc * nk);
    ALLOC(sim->ct_local_cap_rate, nc * nk);
    ALLOC(sim->ct_local_cap_paid, nc * nk);
    ALLOC(sim->sub_capacity_local, nc * nk);
    ALLOC(sim->sub_entrant_local, nc * nk);
    ALLOC(sim->ss_start, nc * nk);
    ALLOC(sim->ct_pfactor, nc * nk);
    ALLOC(sim->ct_xsum, nc * nk);
    ALLOC(sim->k_xsum, nk);
    ALLOC(sim->k_xn, nk);
    ALLOC(sim->yr_cons_u, nc * nk);
    ALLOC(sim->yr_dom_u, nc * nk);
    ALLOC(sim->k_b, nk);
    ALLOC(sim->ct_qsum, nc * nk);
    ALLOC(sim->ct_backers, nc * nk);
    ALLOC(sim->ct_local_entry, nc * nk);
    ALLOC(sim->ct_local_cap, nc * nk);
    ALLOC(sim->yr_rd, nc * nk);
    ALLOC(sim->yr_exports, nc * nk);
    ALLOC(sim->yr_y, nc * nk);
    ALLOC(sim->yr_cap, nc * nk);
    ALLOC(sim->yr_rev, nc * nk);
    ALLOC(sim->yr_cost, nc * nk);
    ALLOC(sim->yr_sub, nc * nk);
    ALLOC(sim->yr_sub_local, nc * nk);
    ALLOC(sim->yr_cons, nc * nk);
    ALLOC(sim->yr_entries, nc * nk);
    ALLOC(sim->yr_exits, nc * nk);
    ALLOC(sim->yr_bailouts, nc * nk);
    ALLOC(sim->tariff, nc * nc * nk);
    ALLOC(sim->access, nk * nc * nc);
    ALLOC(sim->den, nk * nc);
    ALLOC(sim->gdp_share, nc);
    ALLOC(sim->ct_comm, nc);
    ALLOC(sim->c_costlvl, nc);
    ALLOC(sim->yr_fund_in, nc);
    ALLOC(sim->yr_fund_ret, nc);
    ALLOC(sim->yr_fund_exits, nc);
    ALLOC(sim->k_frontier, nk);
    ALLOC(sim->k_price0, nk);
    ALLOC(sim->k_q0, nk);
    ALLOC(sim->k_price, nk);
    ALLOC(sim->k_hhi, nk);
    ALLOC(sim->k_capsum, nk);
    ALLOC(sim->k_nf, nk);
    ALLOC(sim->k_ebar, nk);
    ALLOC(sim->k_ssum, nk);
    ALLOC(sim->k_lgcut, nk);
    ALLOC(sim->l_score, nk);
    ALLOC(sim->ct_tmp_int, nk);
    ALLOC(sim->k_off, nk + 1);

    if (research_init(sim) != TR_OK)
        goto nomem;
    for (int c = 0; c < nc; c++)
        if (sim->inst_first[c] == sim->inst_first[c + 1])
            tr_diag_add(diag, TR_DIAG_WARNING, NULL, 0, 0,
                        "country '%s' has no research institutions (institutions.count is 0 and none are "
                        "listed): its research budget produces no papers",
                        s->countries[c].id);

    /* Initial conditions: budgets and talent at the start date, then
     * knowledge stocks at the steady state of the initial research output
     * (three passes, since output quality depends on the stocks). */
    double y0 = tr_scenario_step_year(s, 0);
    policy_apply(sim, y0);
    budget_step(sim, y0);
    talent_init(sim);
    knowledge_init(sim);
    for (int i = 0; i < sim->ni; i++)
        sim->inst_noise[i] = 1.0;
    for (int pass = 0; pass < 3; pass++) {
        research_expected(sim);
        knowledge_set_steady_state(sim);
    }
    if (firms_init(sim) != TR_OK || localgov_init(sim) != TR_OK)
        goto nomem;
    market_init(sim);
    for (int f = 0; f < sim->nf; f++)
        if (sim->f_alive[f])
            sim->ct_n[sim->f_country[f] * nk + sim->f_tech[f]] += 1;

    sim->rep.n_countries = nc;
    sim->rep.n_tech = nk;
    sim->rep.country = sim->cy;
    sim->rep.ct = sim->cty;
    sim->rep.tracker = sim->trk;
    sim->rep.top10_by_country = sim->top10_by_country;
    *out = sim;
    return TR_OK;

nomem:
    tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory creating the run");
    tr_sim_destroy(sim);
    return TR_ERR_NOMEM;
}

void tr_sim_destroy(tr_sim *sim)
{
    if (!sim)
        return;
    tr_arena_free(&sim->arena);
    free(sim);
}

/* One step. Returns 0, or the non-zero value of an on_event hook (the run
 * then stops); *rep_out is set when the step ended a calendar year. */
static int do_step(tr_sim *sim, const tr_sim_hooks *hooks, const tr_year_report **rep_out)
{
    *rep_out = NULL;
    const tr_scenario *s = sim->s;
    double year = tr_scenario_step_year(s, sim->step);
    if (sim->step % sim->spy == 0)
        year_reset(sim);

    /* 1. Policy timeline, reporting events that start or end. */
    unsigned char *was = sim->ev_prev;
    memcpy(was, sim->ev_active, (size_t)s->n_events);
    policy_apply(sim, year);
    if (hooks && hooks->on_event) {
        for (int e = 0; e < s->n_events; e++) {
            if (was[e] == sim->ev_active[e] && sim->step > 0)
                continue;
            if (sim->step == 0 && !sim->ev_active[e])
                continue;
            tr_event_applied ev = {e, sim->step, year, sim->ev_active[e]};
            int rc = hooks->on_event(hooks->ctx, sim, &ev);
            if (rc) /* nothing of this step has run yet: it can be resumed */
                return rc;
        }
    }
    /* 2-8. Budgets and local governments, research, knowledge, talent,
     * firm innovation, markets, entry. */
    budget_step(sim, year);
    localgov_step(sim, year);
    research_step(sim);
    knowledge_step(sim);
    talent_step(sim, year);
    firms_innovate(sim, year);
    market_step(sim, year);
    entry_step(sim, year);
    year_accumulate(sim);

    sim->step++;
    if (sim->step % sim->spy == 0) {
        sim->step--; /* the report belongs to the year of the last step */
        year_finish(sim);
        sim->step++;
        *rep_out = &sim->rep;
    }
    return 0;
}

int tr_sim_step(tr_sim *sim, const tr_year_report **rep_out)
{
    const tr_year_report *rep = NULL;
    if (rep_out)
        *rep_out = NULL;
    if (sim->step >= sim->n_steps)
        return 0;
    do_step(sim, NULL, &rep);
    if (rep_out)
        *rep_out = rep;
    return rep != NULL;
}

int tr_sim_run(tr_sim *sim, const tr_sim_hooks *hooks)
{
    while (sim->step < sim->n_steps) {
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
    return sim->s;
}

uint64_t tr_sim_seed(const tr_sim *sim)
{
    return sim->seed;
}

uint32_t tr_sim_run_index(const tr_sim *sim)
{
    return sim->run;
}

int tr_sim_current_step(const tr_sim *sim)
{
    return sim->step;
}

int tr_sim_n_institutions(const tr_sim *sim)
{
    return sim->ni;
}

const char *tr_sim_inst_name(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->ni ? sim->inst_name[inst] : "";
}

int tr_sim_inst_country(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->ni ? sim->inst_country[inst] : -1;
}

double tr_sim_inst_size(const tr_sim *sim, int inst)
{
    return inst >= 0 && inst < sim->ni ? sim->inst_size[inst] : 0;
}

double tr_sim_inst_hi_window(const tr_sim *sim, int inst, int tech)
{
    if (inst < 0 || inst >= sim->ni || tech < 0 || tech >= sim->nk)
        return 0;
    return sim->inst_hi_window[(size_t)inst * (size_t)sim->nk + (size_t)tech];
}
