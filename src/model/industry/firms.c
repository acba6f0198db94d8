/* firms.c — the firm population and process 5: firm innovation.
 *
 * Firms are a structure of arrays over a fixed number of slots (scenario
 * firms x max_factor), so entry never allocates: an entrant takes a free slot
 * and an exiting firm gives its slot back. Each firm belongs to one country
 * and one technology (its sector) and has a type (state-owned, private,
 * small specialised firm, foreign-invested), a quality-adjusted productivity
 * q, capacity, cumulative output, net worth and an R&D share of revenue.
 *
 * A model firm stands for a cohort of n = `represents` real firms with the
 * same state; its productivity is the cohort's average. Each step:
 *  - its R&D budget is RD = R&D share x sales + its part of the R&D grants
 *    (US$ bn a year), and its R&D relative to the technology's scale for a
 *    firm of its size is r = RD / (rd_reference x its sales in the
 *    technology): an R&D intensity against the reference, so growing
 *    markets do not drive the hazard to 1, a firm's size gives it no edge in
 *    proportional productivity growth (Gibrat), and neither its size nor how
 *    many real firms it stands for changes the mean (only the dispersion);
 *  - each real firm of the cohort innovates at the rate
 *    lambda = innovation_rate x r^innovation_elasticity a year (diminishing
 *    returns to R&D, an interior optimum against its cost in margin);
 *    the number of innovations this step is k ~ Poisson(n x (1 - exp(-lambda dt)))
 *    and q grows by (1/n) x the sum of k gains innovation_gain x
 *    (1 - FIRMS_MATURITY_DAMPING x maturity) x Beta(1, 3) (bounded, mostly
 *    small: innovation is lumpy for a small cohort, smooth for a large one;
 *    mature technologies improve less; large counts and sums are drawn from
 *    their normal approximations, FIRMS_COUNT_EXACT);
 *  - imitates: each real firm with probability 1 - exp(-imitation_rate x
 *    r^imitation_elasticity x a^absorptive_elasticity x openness x dt), a
 *    the country's knowledge intensity in the technology against the most
 *    intensive country's (the same R&D and the country's knowledge buy
 *    absorptive capacity), and the share of the cohort that did (k/n,
 *    k ~ Poisson) closes imitation_catchup of its gap to the frontier its
 *    country can reach (the technology's best, less the part of a
 *    controlling country's lead that export controls put out of reach;
 *    frontiers(), computed at the start of the step and again after
 *    innovation for the capacity installed in market.c): more with R&D,
 *    less behind closed borders, and the further behind the larger the
 *    gain (the advantage of backwardness);
 *  - gains from the commercialization channel: q grows by the country's
 *    `commercialization` rate times the growth of the national knowledge
 *    stock in its technology, seen through an exponential lag of mean
 *    commercialization_lag years (g_s += (g - g_s) dt / lag).
 * Learning by doing (unit cost falling along the learning curve) is in
 * market.c, where output happens. */
#include <math.h>
#include <string.h>

#include "model/industry/firms.h"
#include "model/industry/market.h"

/* Capacity of a firm of the initial population relative to the drawn size,
 * by type: small specialised firms are FIRMS_SIZE_SME (firms.h) of the
 * typical size, state-owned ones twice it (fixed: the scenario's size and
 * size_sigma set the level and spread; the ratios are calibrated with them,
 * docs/CALIBRATION.md). */
#define FIRMS_INIT_SIZE_SOE 2.0
/* Spread (log sd) of an SME's R&D share around its country's path: the
 * scenario gives one path per country, SMEs scatter around it (fixed). */
#define FIRMS_SME_RD_SD 0.5
/* How much less a mature technology gains from an innovation: the gain is
 * scaled by 1 - FIRMS_MATURITY_DAMPING x maturity (maturity 0..1; fixed
 * with innovation_gain, which sets the level). */
#define FIRMS_MATURITY_DAMPING 0.8
/* Range searched for the productivity at competitiveness parity. */
#define FIRMS_PARITY_MIN 1e-3
#define FIRMS_PARITY_MAX 1e3
/* Commercialization: new knowledge counts at most this share of the
 * frontier a year. */
#define FIRMS_COMM_GROWTH_MAX 0.1
/* Draws of a cohort's innovations and imitations. While the expected count
 * mu is at most FIRMS_COUNT_EXACT, the count is drawn (Poisson) and then, up
 * to FIRMS_GAINS_EXACT innovations, each gain (Beta(1, 3)); a larger count's
 * summed gain is drawn from its normal approximation (mean k/4, variance
 * 3k/80, skewness 0.86/sqrt(k)). Above FIRMS_COUNT_EXACT the cohort's total
 * is drawn from the normal approximation of the compound Poisson: summed
 * gain mean mu/4, variance mu/10 (E[X^2] = 1/10), skewness 1.58/sqrt(mu);
 * imitations mean mu, variance mu (skewness 1/sqrt(mu)); clamped at 0. One
 * or two draws per cohort and step, whatever its size (fixed). */
#define FIRMS_COUNT_EXACT 10.0
#define FIRMS_GAINS_EXACT 4
/* Firm keys: 10 bits of country, 22 of the firm's creation index. */
#define FIRMS_KEY_BITS 22

/* Entity word of a firm's random streams: its country and its slot in the
 * order the country's firms were created (10 + 22 bits). */
static uint32_t firm_key(int c, int j)
{
    return ((uint32_t)c << FIRMS_KEY_BITS) | ((uint32_t)j & ((1u << FIRMS_KEY_BITS) - 1u));
}

uint32_t firms_new_key(tr_firms *fi, int c)
{
    return firm_key(c, fi->ct_created[c]++);
}

int firms_slots(const tr_scenario *s, int c)
{
    const tr_firm_gen *g = &s->countries[c].firms;
    int room = (int)ceil(g->count * g->max_factor);
    return room > g->count ? room : g->count;
}

static size_t n_slots(const tr_scenario *s)
{
    size_t total = 0;
    for (int c = 0; c < s->n_countries; c++)
        total += (size_t)firms_slots(s, c);
    return total;
}

size_t firms_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    const size_t n = n_slots(s);
    /* per slot: 17 double arrays, 4 int, 4 byte, 1 key */
    return 17 * tr_alloc_bytes(n, d) + 4 * tr_alloc_bytes(n, sizeof(int)) + 4 * tr_alloc_bytes(n, 1) +
           tr_alloc_bytes(n, sizeof(uint32_t)) + 3 * tr_alloc_bytes(nc + 1, sizeof(int)) +
           6 * tr_alloc_bytes(nc * nk, d) + 2 * tr_alloc_bytes(nk, d) + tr_alloc_bytes(nc, d);
}

/* The frontiers: the best productivity of any live firm in each
 * technology (k_frontier), of each country's firms (ct_best), and the one
 * each country's firms can reach by imitation and by installing equipment
 * (ct_front). Export controls (pol->xctl, origin o -> target c, severity s)
 * take the share s of the lead a controlling country's firms hold over the
 * best the target may draw on freely (A: the best of its own firms and of
 * uncontrolled origins) out of its reach:
 *     front_c = max(A, max_o A + (1 - s_oc) x (best_o - A)).
 * Without controls (pol NULL or none in force) every country reaches the
 * world's frontier. */
static void frontiers(tr_firms *fi, const sim_ctx *run, const tr_policy *pol)
{
    const int nc = run->nc, nk = run->nk;
    for (int k = 0; k < nk; k++)
        fi->k_frontier[k] = 0;
    for (int i = 0; i < nc * nk; i++)
        fi->ct_best[i] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int k = fi->f_tech[f], i = fi->f_country[f] * nk + k;
        if (fi->f_q[f] > fi->k_frontier[k])
            fi->k_frontier[k] = fi->f_q[f];
        if (fi->f_q[f] > fi->ct_best[i])
            fi->ct_best[i] = fi->f_q[f];
    }
    for (int c = 0; c < nc; c++)
        for (int k = 0; k < nk; k++) {
            double front = fi->k_frontier[k];
            if (pol && pol->any_xctl) {
                double free_best = 0, best = 0;
                for (int o = 0; o < nc; o++)
                    if (policy_xctl(pol, nc, nk, o, c, k) <= 0 && fi->ct_best[o * nk + k] > free_best)
                        free_best = fi->ct_best[o * nk + k];
                best = free_best;
                for (int o = 0; o < nc; o++) {
                    const double sev = policy_xctl(pol, nc, nk, o, c, k);
                    const double lead = fi->ct_best[o * nk + k] - free_best;
                    if (sev > 0 && lead > 0 && free_best + (1 - sev) * lead > best)
                        best = free_best + (1 - sev) * lead;
                }
                front = best;
            }
            fi->ct_front[c * nk + k] = front;
        }
}

int firms_init(tr_firms *fi, const sim_ctx *run, tr_arena *A)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;

    /* Each country owns a contiguous range of slots, max_factor x count of
     * them: entry in one country never takes another's room. */
    TR_ALLOC(A, fi->c_first, nc + 1);
    TR_ALLOC(A, fi->c_nfree, nc);
    TR_ALLOC(A, fi->ct_created, nc);
    int total = 0;
    for (int c = 0; c < nc; c++) {
        fi->c_first[c] = total;
        total += firms_slots(s, c);
    }
    fi->c_first[nc] = total;
    fi->nf_max = total;
    fi->nk = nk;
    const int n = fi->nf_max;
    TR_ALLOC(A, fi->f_country, n);
    TR_ALLOC(A, fi->f_tech, n);
    TR_ALLOC(A, fi->f_type, n);
    TR_ALLOC(A, fi->f_alive, n);
    TR_ALLOC(A, fi->f_lg, n);
    TR_ALLOC(A, fi->f_short, n);
    TR_ALLOC(A, fi->f_key, n);
    TR_ALLOC(A, fi->f_q, n);
    TR_ALLOC(A, fi->f_cum, n);
    TR_ALLOC(A, fi->f_rd_mult, n);
    TR_ALLOC(A, fi->f_E0, n);
    TR_ALLOC(A, fi->f_appeal, n);
    TR_ALLOC(A, fi->f_rd_equity, n);
    TR_ALLOC(A, fi->f_cap, n);
    TR_ALLOC(A, fi->f_cost, n);
    TR_ALLOC(A, fi->f_price, n);
    TR_ALLOC(A, fi->f_share, n);
    TR_ALLOC(A, fi->f_demand, n);
    TR_ALLOC(A, fi->f_y, n);
    TR_ALLOC(A, fi->f_W, n);
    TR_ALLOC(A, fi->f_rev, n);
    TR_ALLOC(A, fi->f_profit, n);
    TR_ALLOC(A, fi->f_rd_share, n);
    TR_ALLOC(A, fi->free_slots, n);
    TR_ALLOC(A, fi->f_born, n);
    TR_ALLOC(A, fi->f_rev_rate, n);
    TR_ALLOC(A, fi->ct_n, nc * nk);
    TR_ALLOC(A, fi->ct_lastK, nc * nk);
    TR_ALLOC(A, fi->ct_kgrowth, nc * nk);
    TR_ALLOC(A, fi->ct_absorb, nc * nk);
    TR_ALLOC(A, fi->k_frontier, nk);
    TR_ALLOC(A, fi->ct_best, nc * nk);
    TR_ALLOC(A, fi->ct_front, nc * nk);
    TR_ALLOC(A, fi->k_lgcut, nk);
    TR_ALLOC(A, fi->ct_comm, nc);
    /* Each country's free slots: a stack inside its own range of free_slots,
     * handed out from the lowest index up. */
    for (int c = 0; c < nc; c++) {
        int *stack = fi->free_slots + fi->c_first[c];
        fi->c_nfree[c] = 0;
        for (int i = fi->c_first[c + 1] - 1; i >= fi->c_first[c]; i--)
            stack[fi->c_nfree[c]++] = i;
    }
    return TR_OK;
}

int firms_has_room(const tr_firms *fi, int c)
{
    return fi->c_nfree[c] > 0;
}

double firms_cohort_sd(double sd, double n)
{
    if (!(n > 1) || sd <= 0)
        return sd;
    return sqrt(log1p(expm1(sd * sd) / n));
}

int firms_create(tr_firms *fi, const tr_firm_spec *sp, tr_rng *r)
{
    const int c = sp->country;
    if (fi->c_nfree[c] <= 0)
        return -1;
    const int f = fi->free_slots[fi->c_first[c] + --fi->c_nfree[c]];
    const unsigned char type = sp->type;
    const double sd = firms_cohort_sd(sp->q_sd, sp->cohort);
    fi->f_key[f] = sp->key;
    fi->f_country[f] = c;
    fi->f_tech[f] = sp->tech;
    fi->f_type[f] = type;
    fi->f_alive[f] = 1;
    fi->f_lg[f] = 0;
    fi->f_short[f] = 0;
    fi->f_born[f] = sp->born;
    fi->f_q[f] = sp->q_scale * tr_rng_lognormal(r, -0.5 * sd * sd, sd);
    double size = sp->size;
    if (sp->size_sigma >= 0) {
        const double z = firms_cohort_sd(sp->size_sigma, sp->cohort);
        size = sp->size * tr_rng_lognormal(r, -0.5 * z * z, z);
    }
    fi->f_cap[f] = size * sp->size_factor[type];
    const double rsd = firms_cohort_sd(FIRMS_SME_RD_SD, sp->cohort);
    fi->f_rd_mult[f] = type == TR_FIRM_SME ? tr_rng_lognormal(r, -0.5 * rsd * rsd, rsd) : 1.0;
    fi->f_rd_share[f] = sp->rd_base * fi->f_rd_mult[f];
    /* the market state is set by the market (market_start, market_place_entrant) */
    fi->f_cum[f] = fi->f_E0[f] = fi->f_cost[f] = fi->f_price[f] = fi->f_W[f] = fi->f_share[f] = 0;
    fi->f_rev[f] = fi->f_profit[f] = fi->f_rev_rate[f] = 0;
    fi->f_demand[f] = fi->f_y[f] = fi->f_rd_equity[f] = 0;
    fi->f_appeal[f] = NAN; /* set by the first market step it takes part in */
    fi->ct_n[c * fi->nk + sp->tech] += 1;
    return f;
}
void firms_remove(tr_firms *fi, int f)
{
    const int c = fi->f_country[f];
    fi->f_alive[f] = 0;
    fi->f_share[f] = 0;
    fi->ct_n[c * fi->nk + fi->f_tech[f]] -= 1;
    fi->free_slots[fi->c_first[c] + fi->c_nfree[c]++] = f;
}

double firms_add_equity(tr_firms *fi, int f, double amount)
{
    fi->f_W[f] += amount;
    return fi->f_W[f];
}

double firms_invest_rd_equity(tr_firms *fi, int f, double amount, double years)
{
    fi->f_W[f] += amount;
    fi->f_rd_equity[f] += years > 0 ? amount / years : amount;
    return fi->f_W[f];
}

void firms_end_rd_equity(tr_firms *fi, int f)
{
    fi->f_rd_equity[f] = 0;
}

void firms_year_start(tr_firms *fi)
{
    for (int f = 0; f < fi->nf; f++)
        fi->f_rev[f] = fi->f_profit[f] = 0;
}

/* The initial firms of country c in each technology scatter around the
 * country's data, not the luck of a few draws: their capacities are scaled
 * so that they sum to size x the type mix's expected factor per firm
 * (neither the size draws nor how many of each type were drawn move it), and
 * their productivities so that the capacity-weighted mean is the country's
 * `productivity` times the productivity at competitiveness parity given its
 * start-year cost level (firms_parity_q): the start is a rest point of the
 * replicator, the data's shares are where the blocs stand. Each firm keeps its draws relative to
 * the others (size and productivity dispersion within the country), while
 * the country's starting position in a technology is the same in every run.
 * w: [nk] scratch. */
/* Log competitiveness, against the reference, of a firm at cost level cl
 * and productivity exp(x) at the start: increasing in x. */
static double parity_v(const tr_technology *T, const tr_params_firms *P, double e, double cl, double x)
{
    return P->quality_weight * x - e * log((T->cost_floor + (1 - T->cost_floor) / exp(x)) * cl);
}

/* Productivity at competitiveness parity: the q at which a firm of a
 * country with producer cost level cl is as competitive at the start as a
 * firm at the reference (q = 1, cl = 1), quality and price together:
 * q^quality_weight x ((floor + (1 - floor) / q) x cl)^(-pass-through x
 * price_weight) = 1 (the start year's learning factor is 1 and markups are
 * alike). Increasing in q, so bisection in log q. */
double firms_parity_q(const tr_technology *T, const tr_params_firms *P, double cl)
{
    const double e = P->cost_pass_through * P->price_weight;
    if (!(cl > 0) || e <= 0 || cl == 1.0)
        return 1.0;
    double lo = log(FIRMS_PARITY_MIN), hi = log(FIRMS_PARITY_MAX);
    /* v(x) = log competitiveness at q = exp(x), increasing; no root in the
     * range (e.g. quality_weight 0 with a floor that costs more than the
     * reference's whole unit cost): no parity to find, productivity 1 */
    if (!(parity_v(T, P, e, cl, lo) < 0 && parity_v(T, P, e, cl, hi) > 0))
        return 1.0;
    for (int it = 0; it < 60; it++) {
        double x = 0.5 * (lo + hi);
        if (parity_v(T, P, e, cl, x) < 0)
            lo = x;
        else
            hi = x;
    }
    return exp(0.5 * (lo + hi));
}

static void center_cohorts(tr_firms *fi, const tr_scenario *s, int c, int nk, const tr_firm_gen *g,
                           const double *size_factor, double *w)
{
    const int lo = fi->c_first[c], hi = fi->c_first[c + 1];
    const double cl = tr_path_at(&s->countries[c].firms.cost, s->start_year);
    for (int k = 0; k < nk; k++)
        w[k] = 0;
    /* capacity each would have without its size draw, at the type mix's
     * expected factor (how many of each type were drawn does not move the
     * country's capacity either) */
    const double foreign = g->foreign_share < 1 - g->soe_share ? g->foreign_share : 1 - g->soe_share;
    const double dom = 1 - g->soe_share - foreign;
    const double mean_factor = g->soe_share * size_factor[TR_FIRM_SOE] + foreign * size_factor[TR_FIRM_FOREIGN] +
                               (dom > 0 ? dom : 0) * (g->sme_share * size_factor[TR_FIRM_SME] +
                                                      (1 - g->sme_share) * size_factor[TR_FIRM_PRIVATE]);
    for (int f = lo; f < hi; f++)
        if (fi->f_alive[f])
            w[fi->f_tech[f]] += g->size * mean_factor;
    for (int k = 0; k < nk; k++) {
        double cap = 0, qw = 0;
        for (int f = lo; f < hi; f++)
            if (fi->f_alive[f] && fi->f_tech[f] == k)
                cap += fi->f_cap[f];
        if (cap <= 0)
            continue;
        for (int f = lo; f < hi; f++)
            if (fi->f_alive[f] && fi->f_tech[f] == k) {
                fi->f_cap[f] *= w[k] / cap;
                qw += fi->f_cap[f] * fi->f_q[f];
            }
        double qbar = w[k] > 0 ? qw / w[k] : 0;
        double target = g->productivity * firms_parity_q(&s->techs[k], &s->params.firms, cl);
        if (qbar > 0)
            for (int f = lo; f < hi; f++)
                if (fi->f_alive[f] && fi->f_tech[f] == k)
                    fi->f_q[f] *= target / qbar;
    }
}

int firms_populate(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn, tr_arena *scratch)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    /* scratch: firms per technology and the remainders of the split */
    int *cnt = tr_arena_calloc(scratch, (size_t)nk, sizeof(int));
    double *rem = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    if (!cnt || !rem)
        return TR_ERR_NOMEM;
    const double size_factor[TR_FIRM_TYPES] = {
        [TR_FIRM_SOE] = FIRMS_INIT_SIZE_SOE, [TR_FIRM_PRIVATE] = 1.0,
        [TR_FIRM_SME] = FIRMS_SIZE_SME, [TR_FIRM_FOREIGN] = 1.0};

    /* Firms of a country are spread over technologies in proportion to its
     * industrial specialisation (`industry_strength`, from value-added data)
     * x world market size, by largest remainders (deterministic). */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        const tr_firm_gen *g = &C->firms;
        if (g->count <= 0)
            continue;
        double wsum = 0;
        for (int k = 0; k < nk; k++)
            wsum += C->industry[k] * (s->techs[k].market_size > 0 ? s->techs[k].market_size : 0);
        /* A country with at least one firm per technology has one in each
         * (no technology starts as one country's monopoly by rounding); the
         * rest are spread by weight. */
        int placed = 0, base = g->count >= nk ? 1 : 0;
        int spread = g->count - base * nk;
        for (int k = 0; k < nk; k++) {
            double want = wsum > 0 ? spread * C->industry[k] * s->techs[k].market_size / wsum
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
        const double rd_base = tr_path_at(&g->rd_share, s->start_year);
        for (int k = 0; k < nk; k++) {
            for (int j = 0; j < cnt[k]; j++) {
                tr_rng r;
                uint32_t key = firms_new_key(fi, c);
                tr_rng_init(&r, run->seed, run->run_index, 0, key, TR_RNG_FIRM_INIT);
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
                /* Capacity in relative units for now; market_start scales it. */
                const tr_firm_spec sp = {.country = c, .tech = k, .type = type, .key = key, .born = -1,
                                         .q_scale = g->productivity, .q_sd = g->productivity_sd,
                                         .size = g->size, .size_sigma = g->size_sigma,
                                         .size_factor = size_factor, .rd_base = rd_base,
                                         .cohort = g->represents};
                if (firms_create(fi, &sp, &r) < 0)
                    return TR_ERR_INTERNAL; /* cannot happen: a country has at least count slots */
            }
        }
        center_cohorts(fi, s, c, nk, g, size_factor, rem);
    }
    fi->nf = fi->nf_max;
    for (int i = 0; i < nc * nk; i++)
        fi->ct_lastK[i] = kn->K[i];
    frontiers(fi, run, NULL);
    return TR_OK;
}

void firms_start_knowledge(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn)
{
    for (int i = 0; i < run->nc * run->nk; i++)
        fi->ct_lastK[i] = kn->K[i];
}

/* Absorptive capacity for imitation, ct_absorb = a^absorptive_elasticity
 * with a the knowledge intensity of country c in technology k (its stock per
 * unit of GDP) relative to the largest intensity of any country, in [0, 1]:
 * an economy absorbs what it knows for its size (Cohen & Levinthal 1990), so
 * an aggregate of many economies (the rest of the world) or a large one is
 * not credited with the sum of their stocks. */
static void absorptive_capacity(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn, const tr_budgets *bud)
{
    const double el = run->s->params.firms.absorptive_elasticity;
    const int nc = run->nc, nk = run->nk;
    for (int k = 0; k < nk; k++) {
        double best = 0;
        for (int c = 0; c < nc; c++) {
            double x = bud->gdp[c] > 0 ? kn->K[c * nk + k] / bud->gdp[c] : 0;
            best = x > best ? x : best;
        }
        for (int c = 0; c < nc; c++) {
            double x = bud->gdp[c] > 0 ? kn->K[c * nk + k] / bud->gdp[c] : 0;
            fi->ct_absorb[c * nk + k] = el == 0 ? 1 : pow(best > 0 ? x / best : 1, el);
        }
    }
}

void firms_innovate(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn, const tr_budgets *bud,
                    const tr_policy *pol, const tr_markets *mk, double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = run->nk;
    const double dt = run->dt;
    (void)year;

    /* The frontiers each country can reach under this step's export
     * controls (firms entered and exited since the last step's). */
    frontiers(fi, run, pol);

    /* Commercialization: new national knowledge this step measured in units
     * of the research frontier (the largest national stock in the
     * technology): only
     * knowledge new to the world moves the frontier of what firms can make,
     * so a follower that re-learns what others know gains little from it
     * (that is imitation's part), at most 10% a year. */
    for (int i = 0; i < run->nc * nk; i++) {
        double K = kn->K[i], K0 = fi->ct_lastK[i], F = kn->frontier[i % nk];
        double base = F > K0 ? F : K0;
        double g = base > 0 && K > K0 ? (K - K0) / base : 0;
        g = g < FIRMS_COMM_GROWTH_MAX * dt ? g : FIRMS_COMM_GROWTH_MAX * dt;
        /* A distributed (exponential) lag: firms use knowledge growth of
         * about commercialization_lag years ago. */
        const double lag = P->commercialization_lag;
        fi->ct_kgrowth[i] = lag > dt ? fi->ct_kgrowth[i] + (g - fi->ct_kgrowth[i]) * dt / lag : g;
        fi->ct_lastK[i] = K;
    }
    absorptive_capacity(fi, run, kn, bud);
    for (int c = 0; c < run->nc; c++)
        fi->ct_comm[c] = tr_path_at(&s->countries[c].commercialization, year);
    if (run->step % run->spy == 0) /* firms follow their country's R&D intensity path */
        for (int f = 0; f < fi->nf; f++)
            if (fi->f_alive[f])
                fi->f_rd_share[f] =
                    tr_path_at(&s->countries[fi->f_country[f]].firms.rd_share, year) * fi->f_rd_mult[f];

    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f];
        tr_rng r;
        tr_rng_init(&r, run->seed, run->run_index, (uint32_t)run->step, fi->f_key[f], TR_RNG_FIRM_STEP);
        /* R&D, US$ bn a year: self-funded (share of revenue) plus its part of
         * the R&D grants to its country's firms in its technology (in
         * proportion to sales), relative to the reference R&D for a firm of
         * its sales in the technology. */
        double rev_ck = mk->ct_revsum[c * nk + k];
        double grant = rev_ck > 0 ? pol->mega_firm[c * nk + k] * fi->f_rev_rate[f] / rev_ck : 0;
        double rd = fi->f_rd_share[f] * fi->f_rev_rate[f] + grant + fi->f_rd_equity[f];
        double scale = P->rd_reference * fi->f_rev_rate[f];
        double rel = scale > 0 ? rd / scale : fi->f_rd_share[f] / P->rd_reference;
        double n = s->countries[c].firms.represents;
        if (n < 1)
            n = 1;
        double q = fi->f_q[f];
        /* rel^elasticity for innovation and imitation from one logarithm */
        const double lrel = rel > 0 ? log(rel) : 0;
        double lambda = rel > 0 ? P->innovation_rate * (P->innovation_elasticity == 0.5 ? sqrt(rel) /* the default */
                                                                                      : exp(P->innovation_elasticity * lrel))
                                : 0;
        if (lambda > 0) {
            const double mu = -n * expm1(-lambda * dt);
            /* Beta(1, 3) by inversion (or a normal approximation, above);
             * mature technologies improve less. */
            double room = 1.0 - FIRMS_MATURITY_DAMPING * s->techs[k].maturity, gain = 0;
            if (mu > FIRMS_COUNT_EXACT) {
                gain = tr_rng_normal(&r, mu / 4.0, sqrt(mu / 10.0));
            } else {
                double kinn = (double)tr_rng_poisson(&r, mu);
                if (kinn <= FIRMS_GAINS_EXACT)
                    for (int j = 0; j < (int)kinn; j++)
                        gain += 1.0 - cbrt(1.0 - tr_rng_uniform(&r));
                else
                    gain = tr_rng_normal(&r, kinn / 4.0, sqrt(3.0 * kinn / 80.0));
                gain = gain < kinn ? gain : kinn;
            }
            gain = gain > 0 ? gain : 0;
            q *= 1.0 + P->innovation_gain * room * gain / n;
        }
        double front = fi->ct_front[c * nk + k];
        if (front > q) {
            /* The same R&D, relative to the technology's scale, and the
             * country's knowledge intensity, relative to the largest, buy imitation
             * chances (absorptive capacity); the gain grows with the gap, the
             * advantage of backwardness. */
            double rdf = rel > 0 ? exp(P->imitation_elasticity * lrel) : 0;
            const double mu = -n * expm1(-P->imitation_rate * rdf * fi->ct_absorb[c * nk + k] * bud->open[c] * dt);
            double kim = mu > FIRMS_COUNT_EXACT ? tr_rng_normal(&r, mu, sqrt(mu)) : (double)tr_rng_poisson(&r, mu);
            kim = kim > 0 ? kim : 0;
            double part = kim / n < 1 ? kim / n : 1;
            q += part * P->imitation_catchup * (front - q);
        }
        q *= 1.0 + fi->ct_comm[c] * fi->ct_kgrowth[c * nk + k];
        fi->f_q[f] = q;
    }
    frontiers(fi, run, pol);
}

/* The k-th smallest of v[0..n-1] (0-based), reordering v: Hoare's
 * selection with a median-of-three pivot, O(n) on average, no allocation. */
static double select_kth(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

int firms_little_giants(tr_firms *fi, const sim_ctx *run, tr_arena *scratch)
{
    const tr_params_firms *P = &run->s->params.firms;
    const int nk = run->nk;
    /* Little giants: small specialised firms in the top productivity
     * quantile of their technology with enough R&D, in the countries that
     * designate them. Productivities are
     * grouped by technology in one pass, then the quantile of each group is
     * selected in linear time. */
    /* scratch: offsets of each technology's group, fill positions, the groups */
    int *off = tr_arena_calloc(scratch, (size_t)nk + 1, sizeof(int));
    int *pos = tr_arena_calloc(scratch, (size_t)nk + 1, sizeof(int));
    double *qs = tr_arena_calloc(scratch, (size_t)fi->nf + 1, sizeof(double));
    if (!off || !pos || !qs)
        return TR_ERR_NOMEM;
    for (int k = 0; k <= nk; k++)
        off[k] = 0;
    for (int f = 0; f < fi->nf; f++)
        if (fi->f_alive[f])
            off[fi->f_tech[f] + 1]++;
    for (int k = 0; k < nk; k++)
        off[k + 1] += off[k];
    for (int k = 0; k < nk; k++)
        pos[k] = off[k];
    for (int f = 0; f < fi->nf; f++)
        if (fi->f_alive[f])
            qs[pos[fi->f_tech[f]]++] = fi->f_q[f];
    for (int k = 0; k < nk; k++) {
        int n = off[k + 1] - off[k];
        double *q = qs + off[k];
        if (n > 0) {
            fi->k_lgcut[k] = select_kth(q, n, (int)floor(P->little_giant_quantile * (n - 1)));
        } else {
            fi->k_lgcut[k] = INFINITY;
        }
    }
    /* Designated only where the country runs the programme (firms.little_giants);
     * the threshold is the technology's world quantile either way. */
    for (int f = 0; f < fi->nf; f++)
        if (fi->f_alive[f])
            fi->f_lg[f] = run->s->countries[fi->f_country[f]].firms.little_giants && fi->f_type[f] == TR_FIRM_SME &&
                          fi->f_q[f] >= fi->k_lgcut[fi->f_tech[f]] && fi->f_rd_share[f] >= P->little_giant_rd;
    return TR_OK;
}
