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
 *   expected high-impact papers  p * min(hi_cap, hi_base * Q),
 * where staffing_c = min(1, H_c / F_c), researchers over the posts its GERD
 * funds (F_c = GERD_c / researcher_cost_c): money for posts that stay vacant
 * (talent.c: the graduate pipeline fills them only so fast) produces nothing,
 * and Hq_c / H_c counts every researcher working in c, foreign ones with the
 * quality they brought.
 * Knowledge grows with the expected counts each step; the counts the tracker
 * sees are drawn once a year, ~ Poisson(the year's expected count), keyed by
 * (seed, run, year, institution, technology), so the result does not depend
 * on the order in which institutions are visited. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/research/knowledge.h"
#include "model/research/research.h"
#include "model/research/talent.h"

/* Smallest basic-research share in the quality factor: a numerical floor
 * (a power of zero is not defined for negative elasticities). */
#define RESEARCH_BASIC_MIN 1e-9

/* Random streams of an institution are keyed by its country and its place
 * among that country's listed or generated institutions, never by its global
 * index: changing one country's institution count leaves every other
 * country's draws as they were. Scenario limits (1000 countries, 100000
 * institutions of each kind per country) fit the 10 + 1 + 19 bits used. */
/* Longest name of a generated institution, bytes (longer ones are cut). */
#define INST_NAME_MAX 96

static uint32_t inst_key(int country, int listed, int j)
{
    return ((uint32_t)country << 20) | ((uint32_t)(listed != 0) << 19) | (uint32_t)j;
}

static int inst_listed(uint32_t key)
{
    return (int)((key >> 19) & 1u);
}

/* Paper draws: one stream per (step, institution, technology); the
 * technology goes into the purpose word (at most 1000 technologies). */
static uint32_t papers_purpose(int k)
{
    return (uint32_t)TR_RNG_PAPERS_BASE + (uint32_t)k;
}

static int n_institutions(const tr_scenario *s)
{
    int ni = s->n_inst_specs;
    for (int c = 0; c < s->n_countries; c++)
        ni += s->countries[c].inst.count;
    return ni;
}

/* Bytes of a generated institution's name ("<country> institution <j>"). */
static size_t name_bytes(const tr_country *C, int j)
{
    char name[INST_NAME_MAX];
    int n = snprintf(name, sizeof name, "%s institution %d", C->name ? C->name : C->id, j + 1);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof name ? sizeof name - 1 : (size_t)n;
    return tr_alloc_bytes(len, 1);
}

size_t research_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    const size_t ni = (size_t)n_institutions(s);
    size_t b = 2 * tr_alloc_bytes(ni, sizeof(int)) + 3 * tr_alloc_bytes(ni, d) + tr_alloc_bytes(ni, sizeof(char *)) +
               tr_alloc_bytes(ni, sizeof(uint32_t)) + tr_alloc_bytes(nc + 1, sizeof(int)) +
               2 * tr_alloc_bytes(ni * nk, d) + 4 * tr_alloc_bytes(nc * nk, d) + tr_alloc_bytes(nc, d);
    for (int c = 0; c < s->n_countries; c++) {
        const tr_country *C = &s->countries[c];
        /* names grow by a digit at 10, 100, ...: count the longest for all */
        if (C->inst.count > 0)
            b += (size_t)C->inst.count * name_bytes(C, C->inst.count - 1);
    }
    return b;
}

int research_init(tr_research *res, const sim_ctx *run, tr_arena *A)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;

    const int ni = n_institutions(s);
    res->ni = ni;
    TR_ALLOC(A, res->inst_country, ni);
    TR_ALLOC(A, res->inst_size, ni);
    TR_ALLOC(A, res->inst_quality, ni);
    TR_ALLOC(A, res->inst_name, ni);
    TR_ALLOC(A, res->inst_noise, ni);
    TR_ALLOC(A, res->inst_key, ni);
    TR_ALLOC(A, res->inst_first, nc + 1);
    TR_ALLOC(A, res->inst_share, (size_t)ni * (size_t)nk);
    TR_ALLOC(A, res->inst_hi_year, (size_t)ni * (size_t)nk);
    TR_ALLOC(A, res->papers_step, nc * nk);
    TR_ALLOC(A, res->hi_step, nc * nk);
    TR_ALLOC(A, res->quality_c, nc * nk);
    TR_ALLOC(A, res->gen_qnorm, nc * nk);
    TR_ALLOC(A, res->staffing, nc);
    for (int i = 0; i < ni; i++)
        res->inst_noise[i] = 1.0; /* no shock until the first year draws one */

    /* Institutions are stored grouped by country: listed ones of the country
     * first, then its generated ones. */
    int i = 0;
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        res->inst_first[c] = i;
        int nlisted = 0;
        for (int j = 0; j < s->n_inst_specs; j++) {
            const tr_inst_spec *sp = &s->inst_specs[j];
            if (sp->country != c)
                continue;
            res->inst_country[i] = c;
            res->inst_size[i] = sp->size;
            res->inst_quality[i] = sp->quality;
            res->inst_name[i] = sp->name;
            res->inst_key[i] = inst_key(c, 1, nlisted++);
            /* Listed institutions work in every field, weighted by their own
             * strength on top of the country's. */
            for (int k = 0; k < nk; k++)
                res->inst_share[(size_t)i * (size_t)nk + (size_t)k] =
                    sp->size * C->strength[k] * sp->strength[k];
            i++;
        }
        const tr_inst_gen *g = &C->inst;
        /* Pareto sizes scaled so that the median generated institution is 1. */
        double median = pow(2.0, 1.0 / g->pareto_alpha);
        for (int j = 0; j < g->count; j++, i++) {
            tr_rng r;
            const uint32_t key = inst_key(c, 0, j);
            res->inst_key[i] = key;
            tr_rng_init(&r, run->seed, run->run_index, 0, key, TR_RNG_INST_SIZE);
            double size = tr_rng_pareto(&r, 1.0, g->pareto_alpha) / median;
            tr_rng_init(&r, run->seed, run->run_index, 0, key, TR_RNG_INST_QUALITY);
            double q = tr_rng_lognormal(&r, -0.5 * g->quality_sd * g->quality_sd, g->quality_sd);
            res->inst_country[i] = c;
            res->inst_size[i] = size;
            res->inst_quality[i] = q;
            char name[INST_NAME_MAX];
            snprintf(name, sizeof name, "%s institution %d", C->name ? C->name : C->id, j + 1);
            res->inst_name[i] = tr_arena_strdup(A, name);
            if (!res->inst_name[i])
                return TR_ERR_NOMEM;
            tr_rng_init(&r, run->seed, run->run_index, 0, key, TR_RNG_INST_FIELDS);
            int any = 0;
            for (int k = 0; k < nk; k++) {
                double u = tr_rng_uniform(&r);
                double w = tr_rng_lognormal(&r, -0.5 * g->field_sd * g->field_sd, g->field_sd);
                if (u < g->field_focus) {
                    res->inst_share[(size_t)i * (size_t)nk + (size_t)k] = size * C->strength[k] * w;
                    any = 1;
                }
            }
            if (!any) {
                int k = (int)(tr_rng_u32(&r) % (uint32_t)nk);
                res->inst_share[(size_t)i * (size_t)nk + (size_t)k] = size * C->strength[k];
            }
        }
    }
    res->inst_first[nc] = i;

    /* Normalize to shares of each country's funding per technology. A field
     * no institution of the country works in goes to its largest one. */
    for (int c = 0; c < nc; c++) {
        int lo = res->inst_first[c], hi = res->inst_first[c + 1];
        if (lo == hi)
            continue;
        int biggest = lo;
        for (int j = lo; j < hi; j++)
            if (res->inst_size[j] > res->inst_size[biggest])
                biggest = j;
        for (int k = 0; k < nk; k++) {
            double sum = 0;
            for (int j = lo; j < hi; j++)
                sum += res->inst_share[(size_t)j * (size_t)nk + (size_t)k];
            if (sum <= 0) {
                res->inst_share[(size_t)biggest * (size_t)nk + (size_t)k] = 1.0;
                continue;
            }
            for (int j = lo; j < hi; j++)
                res->inst_share[(size_t)j * (size_t)nk + (size_t)k] /= sum;
        }
        /* The generated institutions' quality is dispersion about the
         * country's, not a draw of it: their mean in each technology,
         * weighted by the funding they get there, is 1 (a heavy-tailed
         * population would otherwise hand one run's country a star and its
         * lead in the field). */
        for (int k = 0; k < nk; k++) {
            double w = 0, wq = 0;
            for (int j = lo; j < hi; j++)
                if (!inst_listed(res->inst_key[j])) {
                    double sh = res->inst_share[(size_t)j * (size_t)nk + (size_t)k];
                    w += sh;
                    wq += sh * res->inst_quality[j];
                }
            res->gen_qnorm[c * nk + k] = w > 0 && wq > 0 ? wq / w : 1.0;
        }
    }
    return TR_OK;
}

void research_year_start(tr_research *res, const sim_ctx *run)
{
    memset(res->inst_hi_year, 0, sizeof(double) * (size_t)res->ni * (size_t)run->nk);
    const double sd = run->s->params.research.noise_sd;
    int year_index = run->step / run->spy;
    for (int i = 0; i < res->ni; i++) {
        tr_rng r;
        tr_rng_init(&r, run->seed, run->run_index, (uint32_t)year_index, res->inst_key[i], TR_RNG_INST_NOISE);
        res->inst_noise[i] = sd > 0 ? tr_rng_lognormal(&r, -0.5 * sd * sd, sd) : 1.0;
    }
}

static void produce(tr_research *res, const sim_ctx *run, const tr_budgets *bud, const tr_knowledge *kn,
                    const tr_talent *tal, int expected)
{
    const tr_scenario *s = run->s;
    const tr_params_research *P = &s->params.research;
    const int nc = run->nc, nk = run->nk;
    const double dt = run->dt;

    /* Country-level factors. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double tq = tal->H[c] > 0 ? tal->Hq[c] / tal->H[c] : 1.0;
        double basic = bud->basic_share[c] > RESEARCH_BASIC_MIN ? bud->basic_share[c] : RESEARCH_BASIC_MIN;
        double f = pow(tq, P->talent_elasticity) * pow(basic / P->basic_ref, P->basic_elasticity);
        for (int k = 0; k < nk; k++) {
            double rel = kn->frontier[k] > 0 ? kn->K[c * nk + k] / kn->frontier[k] : 1.0;
            res->quality_c[c * nk + k] = f * pow(rel, P->quality_elasticity);
        }
        /* Funded positions: public research money over cost per researcher;
         * if fewer researchers are available, output falls in proportion. */
        double cost = tr_path_at(&C->researcher_cost, tr_scenario_step_year(s, run->step));
        double funded = cost > 0 ? bud->gerd[c] * 1e3 / cost : 0; /* thousands */
        double st = funded > 0 ? tal->H[c] / funded : 1.0;
        res->staffing[c] = st < 1 ? st : 1;
    }
    memset(res->papers_step, 0, sizeof(double) * (size_t)(nc * nk));
    memset(res->hi_step, 0, sizeof(double) * (size_t)(nc * nk));

    for (int c = 0; c < nc; c++) {
        for (int i = res->inst_first[c]; i < res->inst_first[c + 1]; i++) {
            const double *share = &res->inst_share[(size_t)i * (size_t)nk];
            double *hi_year = &res->inst_hi_year[(size_t)i * (size_t)nk];
            double pscale = P->papers_per_busd * res->staffing[c] * res->inst_noise[i];
            for (int k = 0; k < nk; k++) {
                if (share[k] <= 0)
                    continue;
                /* The elasticity applies to the annual budget, so that output
                 * does not depend on the step length. */
                double real = bud->rbudget[c * nk + k] * share[k] / s->techs[k].paper_cost;
                double papers = dt * pscale * (P->scale_elasticity == 1.0 ? real : pow(real, P->scale_elasticity));
                double q = res->inst_quality[i] / (inst_listed(res->inst_key[i]) ? 1.0 : res->gen_qnorm[c * nk + k]);
                double rate = P->hi_base * q * res->quality_c[c * nk + k];
                if (rate > P->hi_cap)
                    rate = P->hi_cap;
                double hi = papers * rate;
                if (!expected)
                    hi_year[k] += hi; /* the year's expected count; drawn at its end */
                res->papers_step[c * nk + k] += papers;
                res->hi_step[c * nk + k] += hi;
            }
        }
    }
}

void research_step(tr_research *res, const sim_ctx *run, const tr_budgets *bud, const tr_knowledge *kn,
                   const tr_talent *tal)
{
    produce(res, run, bud, kn, tal, 0);
}

void research_expected(tr_research *res, const sim_ctx *run, const tr_budgets *bud, const tr_knowledge *kn,
                       const tr_talent *tal)
{
    produce(res, run, bud, kn, tal, 1);
}

/* End of a year: the year's high-impact papers of each institution in each
 * technology ~ Poisson(expected count over the year's steps), one draw keyed
 * by (year, institution, technology); the countries' counts are their sums
 * (report_hi_papers). */
void research_year_draw(tr_research *res, const sim_ctx *run)
{
    const int nk = run->nk;
    const uint32_t year_index = (uint32_t)(run->step / run->spy);
    for (int c = 0; c < run->nc; c++) {
        for (int i = res->inst_first[c]; i < res->inst_first[c + 1]; i++) {
            double *hy = &res->inst_hi_year[(size_t)i * (size_t)nk];
            for (int k = 0; k < nk; k++) {
                if (hy[k] <= 0)
                    continue;
                tr_rng r;
                tr_rng_init(&r, run->seed, run->run_index, year_index, res->inst_key[i], papers_purpose(k));
                hy[k] = (double)tr_rng_poisson(&r, hy[k]);
            }
        }
    }
}
