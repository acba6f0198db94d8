/* firms.c — the firm population and process 5: firm innovation.
 *
 * Firms are a structure of arrays over a fixed number of slots (scenario
 * firms x max_factor), so entry never allocates: an entrant takes a free slot
 * and an exiting firm gives its slot back. Each firm belongs to one country
 * and one technology (its sector) and has a type (state-owned, private,
 * small specialised firm, foreign-invested), a quality-adjusted productivity
 * q, capacity, cumulative output, net worth and an R&D share of revenue.
 *
 * Each step a firm:
 *  - innovates with probability 1 - exp(-innovation_zeta x R&D[US$ m] x dt),
 *    R&D being that of one of the `represents` real firms it stands for,
 *    raising q by innovation_gain x (1 - 0.8 x maturity) x Beta(1, 3)
 *    (bounded, mostly small, so innovation is lumpy; mature technologies
 *    improve less);
 *  - imitates with probability 1 - exp(-imitation_rate x (R&D share / 5%, at
 *    most 1) x q / frontier x openness x dt), closing imitation_catchup of its
 *    gap to the technology's frontier: more with R&D and absorptive capacity,
 *    less far from the frontier and behind closed borders;
 *  - gains from the commercialization channel: q grows by the country's
 *    `commercialization` rate times the growth of the national knowledge
 *    stock in its technology this step.
 * Learning by doing (unit cost falling along the learning curve) is in
 * market.c, where output happens. */
#include <math.h>
#include <string.h>

#include "model/state.h"

/* Entity word of a firm's random streams: its country and its slot in the
 * order the country's firms were created (10 + 22 bits). */
static uint32_t firm_key(int c, int j)
{
    return ((uint32_t)c << 22) | ((uint32_t)j & 0x3FFFFFu);
}

uint32_t firms_new_key(tr_sim *sim, int c);
uint32_t firms_new_key(tr_sim *sim, int c)
{
    return firm_key(c, sim->ct_created[c]++);
}

int firms_init(tr_sim *sim)
{
    const tr_scenario *s = sim->s;
    const int nc = sim->nc, nk = sim->nk;
    tr_arena *A = &sim->arena;

    /* Each country owns a contiguous range of slots, max_factor x count of
     * them: entry in one country never takes another's room. */
    sim->c_first = tr_arena_calloc(A, (size_t)nc + 1, sizeof(int));
    sim->c_nfree = tr_arena_calloc(A, (size_t)nc + 1, sizeof(int));
    if (!sim->c_first || !sim->c_nfree)
        return TR_ERR_NOMEM;
    int total = 0;
    for (int c = 0; c < nc; c++) {
        const tr_firm_gen *g = &s->countries[c].firms;
        sim->c_first[c] = total;
        int room = (int)ceil(g->count * g->max_factor);
        total += room > g->count ? room : g->count;
    }
    sim->c_first[nc] = total;
    sim->nf_max = total;
    size_t n = (size_t)sim->nf_max + 1;
#define FA(ptr)                                       \
    do {                                              \
        (ptr) = tr_arena_calloc(A, n, sizeof *(ptr)); \
        if (!(ptr))                                   \
            return TR_ERR_NOMEM;                      \
    } while (0)
    FA(sim->f_country);
    FA(sim->f_tech);
    FA(sim->f_type);
    FA(sim->f_alive);
    FA(sim->f_lg);
    FA(sim->f_key);
    FA(sim->f_q);
    FA(sim->f_cum);
    FA(sim->f_rd_mult);
    FA(sim->f_E0);
    FA(sim->f_cap);
    FA(sim->f_cost);
    FA(sim->f_price);
    FA(sim->f_share);
    FA(sim->f_demand);
    FA(sim->f_y);
    FA(sim->f_W);
    FA(sim->f_rev);
    FA(sim->f_profit);
    FA(sim->f_rd_share);
    FA(sim->f_stake);
    FA(sim->f_stake_W0);
    FA(sim->f_stake_year);
    FA(sim->free_slots);
    FA(sim->f_born);
    FA(sim->f_rev_rate);
    FA(sim->q_scratch);
#undef FA
    sim->ct_created = tr_arena_calloc(A, (size_t)nc + 1, sizeof(int));
    if (!sim->ct_created)
        return TR_ERR_NOMEM;

    /* Firms of a country are spread over technologies in proportion to field
     * strength x world market size, by largest remainders (deterministic). */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        const tr_firm_gen *g = &C->firms;
        int f = sim->c_first[c];
        if (g->count <= 0)
            continue;
        double wsum = 0;
        for (int k = 0; k < nk; k++)
            wsum += C->strength[k] * C->industry[k] * (s->techs[k].market_size > 0 ? s->techs[k].market_size : 0);
        /* A country with at least one firm per technology has one in each
         * (no technology starts as one country's monopoly by rounding); the
         * rest are spread by weight. */
        int placed = 0, base = g->count >= nk ? 1 : 0;
        int spread = g->count - base * nk;
        int *cnt = sim->ct_tmp_int;
        double *rem = sim->l_score;
        for (int k = 0; k < nk; k++) {
            double want = wsum > 0 ? spread * C->strength[k] * C->industry[k] * s->techs[k].market_size / wsum
                                   : (double)spread / nk;
            cnt[k] = (int)floor(want);
            rem[k] = want - cnt[k];
            placed += cnt[k] + base;
        }
        while (placed < g->count) { /* largest remainder, lowest index on ties */
            int best = 0;
            for (int k = 1; k < nk; k++)
                if (rem[k] > rem[best])
                    best = k;
            cnt[best]++;
            rem[best] = -1;
            placed++;
        }
        for (int k = 0; k < nk; k++)
            cnt[k] += base;
        for (int k = 0; k < nk; k++) {
            for (int j = 0; j < cnt[k]; j++, f++) {
                tr_rng r;
                uint32_t key = firms_new_key(sim, c);
                tr_rng_init(&r, sim->seed, sim->run, 0, key, TR_RNG_FIRM_INIT);
                double u = tr_rng_uniform(&r);
                unsigned char type;
                if (u < g->soe_share)
                    type = TR_FIRM_SOE;
                else if (u < g->soe_share + g->foreign_share)
                    type = TR_FIRM_FOREIGN;
                else if (tr_rng_uniform(&r) < g->sme_share)
                    type = TR_FIRM_SME;
                else
                    type = TR_FIRM_PRIVATE;
                double sd = g->productivity_sd;
                sim->f_key[f] = key;
                sim->f_country[f] = c;
                sim->f_tech[f] = k;
                sim->f_type[f] = type;
                sim->f_alive[f] = 1;
                sim->f_born[f] = -1;
                sim->f_q[f] = g->productivity * tr_rng_lognormal(&r, -0.5 * sd * sd, sd);
                /* Capacity in relative units for now; market_init scales it. */
                double z = g->size_sigma;
                double size = g->size * tr_rng_lognormal(&r, -0.5 * z * z, z);
                if (type == TR_FIRM_SME)
                    size *= 0.2;
                else if (type == TR_FIRM_SOE)
                    size *= 2.0;
                sim->f_cap[f] = size;
                sim->f_rd_mult[f] = type == TR_FIRM_SME ? tr_rng_lognormal(&r, -0.125, 0.5) : 1.0;
                sim->f_rd_share[f] = tr_path_at(&g->rd_share, s->start_year) * sim->f_rd_mult[f];
            }
        }
    }
    sim->nf = sim->nf_max;
    /* Each country's free slots: a stack inside its own range of free_slots,
     * handed out from the lowest index up. */
    for (int c = 0; c < nc; c++) {
        int *stack = sim->free_slots + sim->c_first[c];
        int used = s->countries[c].firms.count > 0 ? s->countries[c].firms.count : 0;
        sim->c_nfree[c] = 0;
        for (int i = sim->c_first[c + 1] - 1; i >= sim->c_first[c] + used; i--)
            stack[sim->c_nfree[c]++] = i;
    }
    return TR_OK;
}

void firms_innovate(tr_sim *sim, double year)
{
    const tr_scenario *s = sim->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = sim->nk;
    const double dt = sim->dt;
    (void)year;

    /* Commercialization: growth of national knowledge this step, measured
     * against at least 1% of the world frontier (a country starting from
     * nothing does not get infinite growth) and at most 10% a year. */
    for (int i = 0; i < sim->nc * nk; i++) {
        double K = sim->K[i], K0 = sim->ct_lastK[i];
        double base = K0 > 0.01 * sim->frontier[i % nk] ? K0 : 0.01 * sim->frontier[i % nk];
        double g = base > 0 && K > K0 ? (K - K0) / base : 0;
        sim->ct_kgrowth[i] = g < 0.1 * dt ? g : 0.1 * dt;
        sim->ct_lastK[i] = K;
    }
    for (int c = 0; c < sim->nc; c++)
        sim->ct_comm[c] = tr_path_at(&s->countries[c].commercialization, year);
    for (int i = 0; i < sim->nc * nk; i++) /* grants are paid where the country has sales */
        if (sim->ct_revsum[i] > 0)
            sim->yr_grants[i] += sim->mega_firm[i] * dt;
    if (sim->step % sim->spy == 0) /* firms follow their country's R&D intensity path */
        for (int f = 0; f < sim->nf; f++)
            if (sim->f_alive[f])
                sim->f_rd_share[f] =
                    tr_path_at(&s->countries[sim->f_country[f]].firms.rd_share, year) * sim->f_rd_mult[f];

    for (int f = 0; f < sim->nf; f++) {
        if (!sim->f_alive[f])
            continue;
        const int c = sim->f_country[f], k = sim->f_tech[f];
        tr_rng r;
        tr_rng_init(&r, sim->seed, sim->run, (uint32_t)sim->step, sim->f_key[f], TR_RNG_FIRM_STEP);
        /* R&D of one of the real firms this model firm stands for, US$ m a
         * year: self-funded (share of revenue) plus its part of the R&D grants
         * to its country's firms in its technology (in proportion to sales). */
        double rev_ck = sim->ct_revsum[c * nk + k];
        double grant = rev_ck > 0 ? sim->mega_firm[c * nk + k] * sim->f_rev_rate[f] / rev_ck : 0;
        double rd_musd = (sim->f_rd_share[f] * sim->f_rev_rate[f] + grant) * 1000.0 / s->countries[c].firms.represents;
        double q = sim->f_q[f];
        if (tr_rng_uniform(&r) < 1.0 - exp(-P->innovation_zeta * rd_musd * dt)) {
            double u = tr_rng_uniform(&r);
            /* Beta(1, 3) by inversion; mature technologies improve less. */
            double room = 1.0 - 0.8 * s->techs[k].maturity;
            q *= 1.0 + P->innovation_gain * room * (1.0 - cbrt(1.0 - u));
        }
        double front = sim->k_frontier[k];
        if (front > q) {
            double rdf = sim->f_rd_share[f] / 0.05;
            if (rdf > 1)
                rdf = 1;
            double p = 1.0 - exp(-P->imitation_rate * rdf * (q / front) * sim->open[c] * dt);
            if (tr_rng_uniform(&r) < p)
                q += P->imitation_catchup * (front - q);
        }
        q *= 1.0 + sim->ct_comm[c] * sim->ct_kgrowth[c * nk + k];
        sim->f_q[f] = q;
    }
    /* The frontier: best productivity of any live firm in each technology. */
    for (int k = 0; k < nk; k++)
        sim->k_frontier[k] = 0;
    for (int f = 0; f < sim->nf; f++)
        if (sim->f_alive[f] && sim->f_q[f] > sim->k_frontier[sim->f_tech[f]])
            sim->k_frontier[sim->f_tech[f]] = sim->f_q[f];
}
