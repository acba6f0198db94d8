/* research.c — process 3: research institutions produce papers.
 *
 * Institutions are created once per run: the scenario's listed institutions
 * first, then for each country `institutions.count` generated ones whose
 * sizes follow a Pareto law (heavy tail, so a few giants dominate as in real
 * science systems), whose quality is log-normal, and which each work in a
 * random subset of fields with log-normal weights around the country's field
 * strengths. An institution's share of its country's funding in a technology
 * is size x field weight over the country's total.
 *
 * Each step, institution i of country c in technology k gets
 *   budget  b = rbudget[c,k] * share[i,k]                  (US$ bn a year)
 *   papers  p = dt * papers_per_busd * (b / paper_cost_k)^scale_elasticity
 *               * staffing_c * noise_i
 *   quality Q = quality_i * (K[c,k] / frontier_k)^quality_elasticity
 *               * talent_quality_c^talent_elasticity * (basic_share_c / basic_ref)^basic_elasticity
 *   expected high-impact papers  p * min(hi_cap, hi_base * Q).
 * Knowledge grows with the expected counts each step; the counts the tracker
 * sees are drawn once a year, ~ Poisson(the year's expected count), keyed by
 * (seed, run, year, institution, technology), so the result does not depend
 * on the order in which institutions are visited. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/state.h"

/* Random streams of an institution are keyed by its country and its place
 * among that country's listed or generated institutions, never by its global
 * index: changing one country's institution count leaves every other
 * country's draws as they were. Scenario limits (1000 countries, 100000
 * institutions of each kind per country) fit the 10 + 1 + 19 bits used. */
static uint32_t inst_key(int country, int listed, int j)
{
    return ((uint32_t)country << 20) | ((uint32_t)(listed != 0) << 19) | (uint32_t)j;
}

/* Paper draws: one stream per (step, institution, technology); the
 * technology goes into the purpose word (at most 1000 technologies). */
static uint32_t papers_purpose(int k)
{
    return (uint32_t)TR_RNG_PAPERS_BASE + (uint32_t)k;
}

int research_init(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const int nc = sim->nc, nk = sim->nk;
    tr_arena *A = &sim->arena;

    int ni = s->n_inst_specs;
    for (int c = 0; c < nc; c++)
        ni += s->countries[c].inst.count;
    sim->ni = ni;

    sim->inst_country = tr_arena_calloc(A, (size_t)ni + 1, sizeof(int));
    sim->inst_size = tr_arena_calloc(A, (size_t)ni + 1, sizeof(double));
    sim->inst_quality = tr_arena_calloc(A, (size_t)ni + 1, sizeof(double));
    sim->inst_name = tr_arena_calloc(A, (size_t)ni + 1, sizeof(char *));
    sim->inst_noise = tr_arena_calloc(A, (size_t)ni + 1, sizeof(double));
    sim->inst_key = tr_arena_calloc(A, (size_t)ni + 1, sizeof(uint32_t));
    sim->inst_first = tr_arena_calloc(A, (size_t)nc + 1, sizeof(int));
    size_t nik = (size_t)ni * (size_t)nk + 1;
    sim->inst_share = tr_arena_calloc(A, nik, sizeof(double));
    sim->inst_hi_year = tr_arena_calloc(A, nik, sizeof(double));
    sim->inst_hi_window = tr_arena_calloc(A, nik, sizeof(double));
    sim->inst_hi_ring = tr_arena_calloc(A, nik * (size_t)sim->W, sizeof(double));
    if (!sim->inst_country || !sim->inst_size || !sim->inst_quality || !sim->inst_name ||
        !sim->inst_noise || !sim->inst_key || !sim->inst_first || !sim->inst_share || !sim->inst_hi_year ||
        !sim->inst_hi_window || !sim->inst_hi_ring)
        return TR_ERR_NOMEM;

    /* Institutions are stored grouped by country: listed ones of the country
     * first, then its generated ones. */
    int i = 0;
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        sim->inst_first[c] = i;
        int nlisted = 0;
        for (int j = 0; j < s->n_inst_specs; j++) {
            const tr_inst_spec *sp = &s->inst_specs[j];
            if (sp->country != c)
                continue;
            sim->inst_country[i] = c;
            sim->inst_size[i] = sp->size;
            sim->inst_quality[i] = sp->quality;
            sim->inst_name[i] = sp->name;
            sim->inst_key[i] = inst_key(c, 1, nlisted++);
            /* Listed institutions work in every field, weighted by their own
             * strength on top of the country's. */
            for (int k = 0; k < nk; k++)
                sim->inst_share[(size_t)i * (size_t)nk + (size_t)k] =
                    sp->size * C->strength[k] * sp->strength[k];
            i++;
        }
        const tr_inst_gen *g = &C->inst;
        /* Pareto sizes scaled so that the median generated institution is 1. */
        double median = pow(2.0, 1.0 / g->pareto_alpha);
        for (int j = 0; j < g->count; j++, i++) {
            tr_rng r;
            const uint32_t key = inst_key(c, 0, j);
            sim->inst_key[i] = key;
            tr_rng_init(&r, sim->seed, sim->run, 0, key, TR_RNG_INST_SIZE);
            double size = tr_rng_pareto(&r, 1.0, g->pareto_alpha) / median;
            tr_rng_init(&r, sim->seed, sim->run, 0, key, TR_RNG_INST_QUALITY);
            double q = tr_rng_lognormal(&r, -0.5 * g->quality_sd * g->quality_sd, g->quality_sd);
            sim->inst_country[i] = c;
            sim->inst_size[i] = size;
            sim->inst_quality[i] = q;
            char name[96];
            snprintf(name, sizeof name, "%s institution %d", C->name ? C->name : C->id, j + 1);
            sim->inst_name[i] = tr_arena_strdup(A, name);
            if (!sim->inst_name[i])
                return TR_ERR_NOMEM;
            tr_rng_init(&r, sim->seed, sim->run, 0, key, TR_RNG_INST_FIELDS);
            int any = 0;
            for (int k = 0; k < nk; k++) {
                double u = tr_rng_uniform(&r);
                double w = tr_rng_lognormal(&r, -0.5 * g->field_sd * g->field_sd, g->field_sd);
                if (u < g->field_focus) {
                    sim->inst_share[(size_t)i * (size_t)nk + (size_t)k] = size * C->strength[k] * w;
                    any = 1;
                }
            }
            if (!any) {
                int k = (int)(tr_rng_u32(&r) % (uint32_t)nk);
                sim->inst_share[(size_t)i * (size_t)nk + (size_t)k] = size * C->strength[k];
            }
        }
    }
    sim->inst_first[nc] = i;

    /* Normalize to shares of each country's funding per technology. A field
     * no institution of the country works in goes to its largest one. */
    for (int c = 0; c < nc; c++) {
        int lo = sim->inst_first[c], hi = sim->inst_first[c + 1];
        if (lo == hi)
            continue;
        int biggest = lo;
        for (int j = lo; j < hi; j++)
            if (sim->inst_size[j] > sim->inst_size[biggest])
                biggest = j;
        for (int k = 0; k < nk; k++) {
            double sum = 0;
            for (int j = lo; j < hi; j++)
                sum += sim->inst_share[(size_t)j * (size_t)nk + (size_t)k];
            if (sum <= 0) {
                sim->inst_share[(size_t)biggest * (size_t)nk + (size_t)k] = 1.0;
                continue;
            }
            for (int j = lo; j < hi; j++)
                sim->inst_share[(size_t)j * (size_t)nk + (size_t)k] /= sum;
        }
    }
    return TR_OK;
}

void research_year_start(tr_sim *sim)
{
    const double sd = sim->s->params.research.noise_sd;
    int year_index = sim->step / sim->spy;
    for (int i = 0; i < sim->ni; i++) {
        tr_rng r;
        tr_rng_init(&r, sim->seed, sim->run, (uint32_t)year_index, sim->inst_key[i], TR_RNG_INST_NOISE);
        sim->inst_noise[i] = sd > 0 ? tr_rng_lognormal(&r, -0.5 * sd * sd, sd) : 1.0;
    }
}

static void produce(tr_sim *sim, int expected)
{
    const tr_scenario *s = sim->s;
    const tr_params_research *P = &s->params.research;
    const int nc = sim->nc, nk = sim->nk;
    const double dt = sim->dt;

    /* Country-level factors. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double tq = sim->H[c] > 0 ? sim->Hq[c] / sim->H[c] : 1.0;
        double basic = sim->basic_share[c] > 1e-9 ? sim->basic_share[c] : 1e-9;
        double f = pow(tq, P->talent_elasticity) * pow(basic / P->basic_ref, P->basic_elasticity);
        for (int k = 0; k < nk; k++) {
            double rel = sim->frontier[k] > 0 ? sim->K[c * nk + k] / sim->frontier[k] : 1.0;
            sim->quality_c[c * nk + k] = f * pow(rel, P->quality_elasticity);
        }
        /* Funded positions: public research money over cost per researcher;
         * if fewer researchers are available, output falls in proportion. */
        double cost = tr_path_at(&C->researcher_cost, tr_scenario_step_year(s, sim->step));
        double funded = cost > 0 ? sim->gerd[c] * 1e3 / cost : 0; /* thousands */
        double st = funded > 0 ? sim->H[c] / funded : 1.0;
        sim->staffing[c] = st < 1 ? st : 1;
    }
    memset(sim->papers_step, 0, sizeof(double) * (size_t)(nc * nk));
    memset(sim->hi_step, 0, sizeof(double) * (size_t)(nc * nk));

    for (int c = 0; c < nc; c++) {
        for (int i = sim->inst_first[c]; i < sim->inst_first[c + 1]; i++) {
            const double *share = &sim->inst_share[(size_t)i * (size_t)nk];
            double *hi_year = &sim->inst_hi_year[(size_t)i * (size_t)nk];
            double pscale = P->papers_per_busd * sim->staffing[c] * sim->inst_noise[i];
            for (int k = 0; k < nk; k++) {
                if (share[k] <= 0)
                    continue;
                /* The elasticity applies to the annual budget, so that output
                 * does not depend on the step length. */
                double real = sim->rbudget[c * nk + k] * share[k] / s->techs[k].paper_cost;
                double papers = dt * pscale * (P->scale_elasticity == 1.0 ? real : pow(real, P->scale_elasticity));
                double rate = P->hi_base * sim->inst_quality[i] * sim->quality_c[c * nk + k];
                if (rate > P->hi_cap)
                    rate = P->hi_cap;
                double hi = papers * rate;
                if (!expected)
                    hi_year[k] += hi; /* the year's expected count; drawn at its end */
                sim->papers_step[c * nk + k] += papers;
                sim->hi_step[c * nk + k] += hi;
            }
        }
    }
}

void research_step(tr_sim *sim)
{
    produce(sim, 0);
}

void research_expected(tr_sim *sim)
{
    produce(sim, 1);
}

/* End of a year: the year's high-impact papers of each institution in each
 * technology ~ Poisson(expected count over the year's steps), one draw keyed
 * by (year, institution, technology); the countries' counts are their sums. */
void research_year_draw(tr_sim *sim)
{
    const int nk = sim->nk;
    const uint32_t year_index = (uint32_t)(sim->step / sim->spy);
    for (int c = 0; c < sim->nc; c++) {
        for (int k = 0; k < nk; k++)
            sim->cty[c * nk + k].hi_papers = 0;
        sim->cy[c].hi_papers = 0;
        for (int i = sim->inst_first[c]; i < sim->inst_first[c + 1]; i++) {
            double *hy = &sim->inst_hi_year[(size_t)i * (size_t)nk];
            for (int k = 0; k < nk; k++) {
                if (hy[k] <= 0)
                    continue;
                tr_rng r;
                tr_rng_init(&r, sim->seed, sim->run, year_index, sim->inst_key[i], papers_purpose(k));
                hy[k] = (double)tr_rng_poisson(&r, hy[k]);
                sim->cty[c * nk + k].hi_papers += hy[k];
                sim->cy[c].hi_papers += hy[k];
            }
        }
    }
}
