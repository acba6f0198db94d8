/* market.c — process 7: markets, prices, output, profits and capacity.
 *
 * One market per country and technology. Each firm carries a share s of its
 * technology's world "sales potential", which moves toward the share its
 * competitiveness E = quality^quality_weight / price^price_weight commands
 * among differentiated varieties (CES, elasticity share_elasticity):
 *     s <- s + replicator_speed * dt * (a E^sigma / sum a' E'^sigma - s),
 * the appeal a of each firm's variety its share when it first takes part
 * (a firm as competitive as the average keeps its share), then moving toward
 * its share of sales at appeal_adjust a year (its customer base).
 * A market m buys from a country c's firms in proportion to their summed
 * shares times an access factor: 1 + home_bias + buy_domestic preference (+
 * self-sufficiency push) for its own firms, and 1 / (1 + trade_cost +
 * tariff)^price_weight x (1 - export control of c on m) for imports. A firm's demand is therefore
 *     d = s * sum_m Q_m * access[m][c] / sum_c' access[m][c'] * S_c',
 * computed per country, so a step costs O(firms + countries^2) per
 * technology.
 * Demand per market: market m buys from c in proportion to the purchase
 * share w[m][c] = access[m][c] x S_c / sum_c' access[m][c'] x S_c', and its
 * buyers pay the delivered price index
 *     P_m = sum_c w[m][c] x p_c x (1 + [c != m] (trade_cost + tariff[m][c])),
 * p_c the share-weighted price of c's firms (per-output subsidies included).
 * Its demand in units is
 *     Q_m = Q0 x (1 + market_growth)^t x gdp_share_m x (P_m / P0)^(-price_elasticity),
 * Q0 the technology's start-year market size at the start-year price and P0
 * the GDP-weighted mean of the markets' delivered price indices in the first
 * step (so that world demand starts at the market size); world demand is
 * sum_m Q_m. A tariff raises P_m, shifts m's purchases to domestic and
 * third-country suppliers (through access) and lowers Q_m; a buy-domestic
 * preference raises P_m where the domestic supply is dearer.
 * Unit cost falls along the learning curve down to a floor of materials and
 * energy: cost = (cost_floor + (1 - cost_floor) x (E / E_0)^(-b) / q) x the
 * country's cost level (wages, inputs: `firms.cost`) x its supply-chain
 * input-cost factor (input_factors) with cost_floor the
 * share of the start-year frontier unit cost that neither learning nor
 * productivity q lowers, and
 * b = -log2(1 - learning_rate), experience E = own cumulative output +
 * learning_spill x the national industry's, and E_0 the firm's experience
 * when it started: every firm starts at the cost its country and
 * productivity give it, and learns as its experience multiplies (a large
 * incumbent gets no cost edge from its size alone). Price = cost x (1 - per-output
 * subsidy) x (1 + markup), the markup squeezed by competition (1 - HHI) and by
 * low capacity utilization (overcapacity). Output is demand capped by
 * capacity; profit = revenue + subsidy - cost x output - capacity_cost x cost
 * x capacity - overhead - R&D, the overhead a cost of running the firm
 * whatever its size (firm_overhead: a typical firm of its national industry
 * pays `overhead` of its revenue, a smaller one a larger share); capacity
 * moves toward demand / target_utilization (lowered by half the
 * capacity-subsidy rate: subsidised capacity is built ahead of demand).
 * Net worth counts capacity at cost, so investing with own money leaves it
 * unchanged and capacity subsidies (events, local governments) add to it.
 * Bilateral trade: each country's revenue and output split over the markets
 * in proportion to the demand each addressed to its firms; the yearly table
 * trade[c -> m] holds value at producer prices, at buyer prices (x (1 +
 * trade_cost + tariff) for imports) and units, so that exports of c =
 * sum_{m != c} trade[c -> m] and consumption of m = sum_c trade[c -> m]. */
#include <math.h>
#include <string.h>

#include "model/industry/market.h"
#include "model/research/talent.h"

/* Range of a country's industry size against its factor supply, relative
 * to the start, that moves its cost level (cost_pressure): outside, no
 * further. */
#define MARKET_PRESSURE_MIN 0.01
#define MARKET_PRESSURE_MAX 100.0
/* Most of a firm's unit cost (per-output subsidies) or of its capex
 * (capacity subsidies) that subsidies of all kinds together pay, share: no
 * government pays for all of it (fixed: the subsidy rates are the levers). */
#define MARKET_SUBSIDY_MAX 0.9
/* Experience of a firm at the start, in years of output at its initial
 * rate: MARKET_EXPERIENCE_NEW for a new technology (maturity 0) plus
 * MARKET_EXPERIENCE_MATURE x maturity (2 years for a new technology, 32 for
 * a mature one; fixed: where the industry stands on its learning curve). */
#define MARKET_EXPERIENCE_NEW 2.0
#define MARKET_EXPERIENCE_MATURE 30.0
/* Lowest utilization the markup responds to (share): below it, idle
 * capacity squeezes the markup no further. */
#define MARKET_UTIL_MIN 0.05
/* How much further ahead of demand subsidised capacity is built: the
 * target utilization falls by this share of the capacity-subsidy rate. */
#define MARKET_SUBSIDY_BUILD_AHEAD 0.5
/* Expected capex for the next year's local subsidy rate: a moving average
 * keeping this weight on the past (a boom or bust year does not swing the
 * rate). */
#define MARKET_CAPEX_MEMORY 0.7
#define MARKET_CAPEX_NEW 0.3
/* An entrant's net worth: this share of the cost of its capacity (plus the
 * subsidy it receives); its share of the world market: this share of its
 * capacity's share of world capacity, a tiny one where there is none yet. */
#define MARKET_ENTRANT_EQUITY 0.5
/* Own experience an entrant brings: this many years of output at its
 * capacity and target utilization (a quarter: a pilot line). */
#define MARKET_ENTRANT_EXPERIENCE 0.25
#define MARKET_ENTRANT_SHARE 0.5
#define MARKET_ENTRANT_SHARE_MIN 1e-6

/* Most that a buyer's access to an input's makers multiplies the input's
 * cost (rho in input_factors), and least, its inverse: a buyer cut off from
 * every maker pays this much (the model has no output collapse for lack of
 * an input; fixed). */
#define MARKET_INPUT_RHO_MAX 3.0

/* New firms holding all but this share of a technology count as all of
 * it (their appeal is then their share; numerical tolerance). */
#define MARKET_NEW_SHARE_TOL 1e-9

/* Largest whole share_elasticity raised to by repeated squaring rather
 * than exp and log (the default 8 takes three multiplications). */
#define MARKET_IPOW_MAX 64

/* x^n for a whole n >= 0, by repeated squaring. */
static double ipow(double x, int n)
{
    double r = 1;
    while (n > 0) {
        if (n & 1)
            r *= x;
        x *= x;
        n >>= 1;
    }
    return r;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static double learning_b(const tr_technology *T)
{
    double lr = T->learning_rate;
    return lr > 0 && lr < 1 ? -log2(1.0 - lr) : 0.0;
}

/* Unit cost over the country's cost level, at learning factor
 * x = (E / E_0)^(-b) and productivity q: the part cost_floor of the
 * start-year frontier unit cost (materials, energy) learns nothing and is
 * not divided by q (productivity saves labour and capital, not the
 * materials in the product); the rest falls along the learning curve. */
static double learned_cost(const tr_technology *T, double x, double q)
{
    return T->cost_floor + (1 - T->cost_floor) * x / q;
}

/* Share-weighted average unit cost of each technology (world), from the
 * firms' current costs: the reference the firms' prices follow in part. */
static void average_costs(tr_markets *mk, const tr_firms *fi, int nk)
{
    double *wsum = mk->k_cbar_w;
    for (int k = 0; k < nk; k++)
        mk->k_cbar[k] = wsum[k] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f] || fi->f_cost[f] <= 0)
            continue;
        int k = fi->f_tech[f];
        mk->k_cbar[k] += fi->f_share[f] * log(fi->f_cost[f]);
        wsum[k] += fi->f_share[f];
    }
    for (int k = 0; k < nk; k++)
        mk->k_cbar[k] = wsum[k] > 0 ? exp(mk->k_cbar[k] / wsum[k]) : 0;
}

/* A firm's price: markup factor x (subsidised own unit cost)^pass-through x
 * (the technology's average cost)^(1 - pass-through). A firm whose cost falls
 * (an innovation, learning) passes part of the saving to buyers and keeps the
 * rest as margin; a per-output subsidy likewise. */
static double firm_price(const tr_markets *mk, const tr_params_firms *P, int i, int k, double cost)
{
    double own = cost * mk->ct_subf[i], ref = mk->k_cbar[k];
    double pi = P->cost_pass_through;
    if (pi >= 1.0 || ref <= 0 || own <= 0)
        return own * mk->ct_pfactor[i];
    return mk->ct_pfactor[i] * exp(pi * log(own) + (1.0 - pi) * log(ref));
}

static double experience(const tr_markets *mk, const tr_firms *fi, const sim_ctx *run, int f)
{
    const tr_params_firms *P = &run->s->params.firms;
    int c = fi->f_country[f], k = fi->f_tech[f];
    double home = mk->ct_cum[c * run->nk + k];
    return fi->f_cum[f] + P->learning_spill * (home + P->learning_spill_foreign * (mk->k_cum[k] - home));
}

/* Embodied technical change: production technology comes with the
 * equipment a firm installs (bought on the world market), so the share
 * `fresh` of its capacity that is new moves its productivity
 *     q <- q + embodied_catchup x fresh x (frontier - q)
 * (Dosi et al. 2010: machines embody their vintage's technology). A firm
 * at the frontier gains nothing; a fast-growing laggard the most. */
static void embody(tr_firms *fi, const tr_params_firms *P, int f, double fresh)
{
    const double front = fi->ct_front[fi->f_country[f] * fi->nk + fi->f_tech[f]];
    if (P->embodied_catchup > 0 && fresh > 0 && front > fi->f_q[f])
        fi->f_q[f] += P->embodied_catchup * (fresh < 1 ? fresh : 1) * (front - fi->f_q[f]);
}

/* Country c's factor use last step: its output's unit costs with its cost
 * level and the supply-chain input-cost factors divided out (dearer
 * imported inputs are not a use of its own factors; 0 before the first
 * step, when the level is still 0). */
static double factor_cost(const tr_markets *mk, int i)
{
    return mk->ct_costsum[i] / mk->ct_infac[i]; /* infac is exactly 1 without supply-chain inputs */
}

static double factor_use(const tr_markets *mk, int c, int nk)
{
    double sum = 0;
    for (int k = 0; k < nk; k++)
        sum += factor_cost(mk, c * nk + k);
    return mk->c_costlvl[c] > 0 ? sum / mk->c_costlvl[c] : 0;
}

/* Producers' cost level of each country this step: its input path (wages,
 * prices; `firms.cost`) times the pressure its industry puts on its factor
 * markets, (spec / spec_0)^cost_pressure, where spec is the country's share
 * of the world's factor use in the technologies over its share of the
 * world's factor supply, and spec_0 that of the first step with output: an
 * industry that grows faster than the factors it draws on bids up wages and
 * inputs (upward-sloping factor supply), one that shrinks relative to them
 * releases them. Factor use is last step's units times unit cost with the
 * cost level (input path and pressure) divided out: the inputs the output
 * took, at common input prices, so a product whose price fell (learning)
 * counts for the inputs it still takes (units valued at start-year prices
 * counted a product whose price fell 99% a hundred times over). Factor
 * supply is this step's GDP share^(1 - w) x researcher share^w, w =
 * cost_pressure_skill: skilled labour (the country's researchers after
 * talent_step; those paid by business R&D included) and the rest of its
 * economy. It moves relative costs, not the world's level as such (shares,
 * not levels). The pressure follows the industry's size gradually: its log
 * moves toward log(spec / spec_0) by min(1, cost_adjust x dt) of the gap a
 * step (wages and input prices are reset about once a year). At once, a step's high
 * output raised the next step's costs enough to cut output below the level
 * that set them: a two-step cycle of the cost level. A country without
 * researchers or GDP keeps its pressure. Before the first step's output
 * (cost levels still 0) there is nothing to measure. */
static void cost_levels(tr_markets *mk, const sim_ctx *run, const tr_talent *tal, double year)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    const double eta = s->params.firms.cost_pressure, w = s->params.firms.cost_pressure_skill;
    const double h = clampd(s->params.firms.cost_adjust * run->dt, 0, 1);
    double use = 0, staff = 0;
    for (int i = 0; i < nc * nk; i++)
        if (mk->c_costlvl[i / nk] > 0)
            use += factor_cost(mk, i) / mk->c_costlvl[i / nk];
    for (int c = 0; c < nc; c++)
        staff += tal->H[c] > 0 ? tal->H[c] : 0;
    for (int c = 0; c < nc; c++) {
        double lvl = tr_path_at(&s->countries[c].firms.cost, year);
        const double hs = staff > 0 && tal->H[c] > 0 ? tal->H[c] / staff : 0;
        const double supply = w <= 0 ? mk->gdp_share[c]
                              : w >= 1 ? hs
                                       : (hs > 0 ? exp((1 - w) * log(mk->gdp_share[c]) + w * log(hs)) : 0);
        const double spec = use > 0 && supply > 0 ? factor_use(mk, c, nk) / use / supply : 0;
        if (spec > 0 && isnan(mk->c_spec0[c]))
            mk->c_spec0[c] = spec; /* c_press is 0 from market_start: the pressure starts at 1 */
        /* once set, an industry that stopped producing moves toward the
         * lower bound, not back to its input path */
        if (mk->c_spec0[c] > 0 && supply > 0) {
            double z = log(clampd(spec / mk->c_spec0[c], MARKET_PRESSURE_MIN, MARKET_PRESSURE_MAX));
            mk->c_press[c] += h * (z - mk->c_press[c]);
        }
        if (eta != 0 && mk->c_spec0[c] > 0)
            lvl *= exp(eta * mk->c_press[c]);
        mk->c_costlvl[c] = lvl;
    }
}

/* Supply chains: the cost of c's makers of k moves with what its buyers pay
 * for k's inputs, relative to the start, in the share each input takes of
 * k's unit cost (the technology's `inputs`, a_kj):
 *     infac[c,k] = 1 + sum_j a_kj x (rho[c,j] - 1),
 *     rho[c,j] = (R[c,j] / R0[c,j])^(-1 / share_elasticity),
 * R[c,j] = sum_o A[c,o] Z[o,j] / sum_o Z[o,j], the share of j's attraction
 * (appeal x relative competitiveness^sigma, summed over o's firms) that
 * c's buyers can reach through their access A (home bias and preferences
 * for their own makers; trade cost, tariffs and export controls on imports),
 * and R0 its value in the first step. This is the change of c's CES price
 * index of j against the world's: a buyer cut off from the best suppliers
 * (an export control) pays more, one whose own makers grow (home bias)
 * pays less; the world-wide fall of j's price along its learning curve is
 * already in k's own learning curve and is not counted twice. R is
 * measured in each step's demand (where j has makers) and used from the
 * next step (inputs bought at last step's prices); R0 is its first
 * measurement (with the policies then in force: a control in force from
 * the start shows no input-cost effect). rho is kept within
 * 1 / MARKET_INPUT_RHO_MAX .. MARKET_INPUT_RHO_MAX; a buyer that reaches no
 * maker of j at all pays the maximum. */
static void input_factors(tr_markets *mk, const sim_ctx *run)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    const double sig = s->params.firms.share_elasticity;
    for (int i = 0; i < nc * nk; i++)
        if (isnan(mk->ct_inacc0[i]) && mk->ct_inacc[i] > 0)
            mk->ct_inacc0[i] = mk->ct_inacc[i]; /* the first real measurement */
    for (int c = 0; c < nc; c++)
        for (int k = 0; k < nk; k++) {
            const tr_technology *T = &s->techs[k];
            double fac = 1;
            for (int l = 0; l < T->n_inputs; l++) {
                const int j = c * nk + T->inputs[l].to;
                const double r0 = mk->ct_inacc0[j], r = mk->ct_inacc[j];
                double rho = 1;
                if (r0 > 0 && r >= 0 && sig > 0) /* no makers yet (NAN): no change */
                    rho = r > 0 ? clampd(exp(-log(r / r0) / sig), 1 / MARKET_INPUT_RHO_MAX, MARKET_INPUT_RHO_MAX)
                                : MARKET_INPUT_RHO_MAX;
                fac += T->inputs[l].weight * (rho - 1);
            }
            mk->ct_infac[c * nk + k] = fac;
        }
}

/* The one round of reallocation (market_step, allocation) while export
 * controls are in force: the demand a firm of country c cannot serve is
 * split over the markets in proportion to what each addressed to c's firms
 * (Q_m x access[m][c] / den_m of D_c), and a firm of country o with spare
 * capacity takes market m's part in proportion to share x spare capacity x
 * (1 - xctl[o -> m]): a controlled supplier does not pick up the demand of
 * the buyers it may not serve. Without controls the same round pools each
 * technology's unmet demand (market_step). */
static void reallocate_controlled(tr_firms *fi, const tr_policy *pol, const sim_ctx *run, const double *access,
                                  const double *dens, const double *Q, const double *D, double *unmet_m,
                                  double *spare_m)
{
    const int nc = run->nc, nk = run->nk;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f];
        const double *acc = &access[(size_t)k * (size_t)nc * (size_t)nc], *den_k = &dens[k * nc];
        const double d = fi->f_demand[f], Dc = D[c * nk + k];
        for (int m = 0; m < nc; m++) {
            if (d > fi->f_cap[f]) {
                if (den_k[m] > 0 && Dc > 0)
                    unmet_m[k * nc + m] += (d - fi->f_cap[f]) * Q[m * nk + k] * acc[m * nc + c] / den_k[m] / Dc;
            } else {
                spare_m[k * nc + m] += fi->f_share[f] * (fi->f_cap[f] - d) * (1 - policy_xctl(pol, nc, nk, c, m, k));
            }
        }
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f];
        const double room = fi->f_cap[f] - fi->f_y[f];
        if (room <= 0)
            continue;
        double extra = 0;
        for (int m = 0; m < nc; m++) {
            const double ok = 1 - policy_xctl(pol, nc, nk, c, m, k);
            if (ok > 0 && spare_m[k * nc + m] > 0 && unmet_m[k * nc + m] > 0)
                extra += unmet_m[k * nc + m] * fi->f_share[f] * room * ok / spare_m[k * nc + m];
        }
        fi->f_y[f] += extra < room ? extra : room;
    }
}

static void gdp_shares(tr_markets *mk, const sim_ctx *run, const tr_budgets *bud)
{
    double tot = 0;
    for (int c = 0; c < run->nc; c++)
        tot += bud->gdp[c] > 0 ? bud->gdp[c] : 0;
    for (int c = 0; c < run->nc; c++)
        mk->gdp_share[c] = tot > 0 && bud->gdp[c] > 0 ? bud->gdp[c] / tot : 1.0 / run->nc;
}

/* Full firms' worth of overhead a firm carries: an SME FIRMS_SIZE_SME. */
static double firm_overhead_units(const tr_firms *fi, int f)
{
    return fi->f_type[f] == TR_FIRM_SME ? FIRMS_SIZE_SME : 1.0;
}

/* A firm's overhead, US$ bn a year: overhead x units x typical^(1 - e) x
 * (size / units)^e, typical the revenue of its industry's typical full firm,
 * units its full firms' worth (firm_overhead_units), size its revenue at
 * target utilization and e = overhead_elasticity: a typical-sized firm pays
 * the share `overhead` of its revenue, a smaller one a larger share. */
static double firm_overhead(const tr_params_firms *P, double typical, double units, double size)
{
    if (P->overhead <= 0 || typical <= 0)
        return 0;
    double base = P->overhead * units * typical;
    if (P->overhead_elasticity <= 0)
        return base;
    return size > 0 ? base * pow(size / (units * typical), P->overhead_elasticity) : 0;
}

/* Zeroes the step sums start_typical_firms borrows as scratch. */
static void typical_scratch_clear(tr_markets *mk, int nc, int nk)
{
    memset(mk->ct_revsum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->ct_ysum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->k_xsum, 0, sizeof(double) * (size_t)nk);
    memset(mk->k_xn, 0, sizeof(double) * (size_t)nk);
}

/* Typical firms at the start: the start-year revenue per full firm of
 * country c in technology k, an SME counting FIRMS_SIZE_SME of one. Where c
 * has no firms in k: the world's revenue per full firm in k, moved from the
 * revenue-weighted cost level of k's producers to c's. World sales and cost
 * levels at the start are the references a typical firm's revenue grows
 * with. Scratch: ct_revsum and ct_ysum (revenue and units per market),
 * k_xsum and k_xn (units and revenue x cost level per technology), all
 * zeroed again before the first step. */
static void start_typical_firms(tr_markets *mk, const tr_firms *fi, const sim_ctx *run)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc, nk = run->nk;
    double *rev = mk->ct_revsum, *units = mk->ct_ysum, *k_units = mk->k_xsum, *k_revcost = mk->k_xn;
    typical_scratch_clear(mk, nc, nk);
    for (int c = 0; c < nc; c++)
        mk->c_cost0[c] = tr_path_at(&s->countries[c].firms.cost, s->start_year);
    for (int k = 0; k < nk; k++)
        mk->k_sales0[k] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f], i = c * nk + k;
        const double u = firm_overhead_units(fi, f), r = fi->f_rev_rate[f];
        rev[i] += r;
        units[i] += u;
        mk->k_sales0[k] += r;
        k_units[k] += u;
        k_revcost[k] += r * mk->c_cost0[c];
    }
    for (int i = 0; i < nc * nk; i++) {
        const int c = i / nk, k = i % nk;
        double world = k_units[k] > 0 && k_revcost[k] > 0
                           ? mk->k_sales0[k] / k_units[k] * mk->c_cost0[c] / (k_revcost[k] / mk->k_sales0[k])
                           : 0;
        mk->ct_rev0[i] = units[i] > 0 ? rev[i] / units[i] : world;
    }
    memcpy(mk->k_sales, mk->k_sales0, sizeof(double) * (size_t)nk);
    typical_scratch_clear(mk, nc, nk);
}

double market_typical_revenue(const tr_markets *mk, int c, int k, int i)
{
    double r = mk->ct_rev0[i];
    if (r <= 0)
        return 0;
    if (mk->k_sales0[k] > 0)
        r *= mk->k_sales[k] / mk->k_sales0[k];
    if (mk->c_cost0[c] > 0)
        r *= mk->c_costlvl[c] / mk->c_cost0[c];
    return r;
}

void market_start(tr_markets *mk, tr_firms *fi, const sim_ctx *run, const tr_budgets *bud)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = run->nc, nk = run->nk;

    gdp_shares(mk, run, bud);
    for (int i = 0; i < nc * nk; i++) {
        mk->ct_util[i] = P->target_utilization;
        mk->ct_dom[i] = NAN;
        mk->ss_start[i] = NAN;
        mk->ct_pbuy[i] = 1;
        mk->ct_inacc[i] = NAN;  /* measured from the first step where the input has makers */
        mk->ct_inacc0[i] = NAN;
        mk->ct_infac[i] = 1;
    }
    for (int k = 0; k < nk; k++) {
        mk->k_capsum[k] = 0;
        mk->k_pbuy0[k] = NAN; /* set by the first step */
    }
    for (int c = 0; c < nc; c++) {
        mk->c_spec0[c] = NAN; /* set by the first step with output */
        mk->c_press[c] = 0;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        mk->k_capsum[fi->f_tech[f]] += fi->f_cap[f];
    }
    /* Start-year prices at unit experience, the markup of a market at target
     * utilization, then demand in units and capacity in units. */
    double *pw = mk->k_price;
    for (int k = 0; k < nk; k++) {
        pw[k] = 0;
        mk->k_hhi[k] = 0;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        double sh = mk->k_capsum[k] > 0 ? fi->f_cap[f] / mk->k_capsum[k] : 0;
        fi->f_share[f] = sh;
        mk->k_hhi[k] += sh * sh;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        double mu = P->markup * (1 - P->markup_competition * (1 - mk->k_hhi[k])) *
                    pow(P->target_utilization, P->markup_utilization);
        fi->f_cost[f] = tr_path_at(&s->countries[fi->f_country[f]].firms.cost, s->start_year) *
                        learned_cost(&s->techs[k], 1.0, fi->f_q[f]);
        mk->ct_pfactor[fi->f_country[f] * nk + k] = 1 + mu;
        mk->ct_subf[fi->f_country[f] * nk + k] = 1;
    }
    average_costs(mk, fi, nk);
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f], i = fi->f_country[f] * nk + k;
        fi->f_price[f] = firm_price(mk, P, i, k, fi->f_cost[f]);
        pw[k] += fi->f_share[f] * fi->f_price[f];
    }
    for (int k = 0; k < nk; k++) {
        mk->k_price0[k] = pw[k] > 0 ? pw[k] : 1.0;
        mk->k_q0[k] = s->techs[k].market_size / mk->k_price0[k];
        mk->k_nf[k] = 0;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        double units = mk->k_q0[k] / P->target_utilization;
        fi->f_cap[f] = fi->f_share[f] * units;
        /* Experience at the start: years of output at today's rate, more the
         * more mature the technology (2 years for a new one, 32 for a mature). */
        fi->f_cum[f] = (MARKET_EXPERIENCE_NEW + MARKET_EXPERIENCE_MATURE * s->techs[k].maturity) * fi->f_cap[f] *
                      P->target_utilization;
        mk->ct_cum[fi->f_country[f] * nk + k] += fi->f_cum[f];
        mk->k_cum[k] += fi->f_cum[f];
        fi->f_W[f] = P->capex * fi->f_cost[f] * fi->f_cap[f]; /* equity = its capacity */
        fi->f_rev_rate[f] = fi->f_price[f] * fi->f_cap[f] * P->target_utilization;
        mk->ct_rd[fi->f_country[f] * nk + k] += fi->f_rd_share[f] * fi->f_rev_rate[f];
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        fi->f_E0[f] = experience(mk, fi, run, f);
        mk->k_nf[fi->f_tech[f]] += 1;
    }
    start_typical_firms(mk, fi, run);
}

/* Self-sufficiency targets: the required share follows a straight path from
 * the domestic share when the target was set to `target` in year `by`; the
 * gap between that path and the current domestic share (last step's) turns
 * into extra domestic preference and a per-output subsidy for the actor's
 * firms. */
static void self_sufficiency(tr_markets *mk, const sim_ctx *run, const tr_policy *pol, double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nk = run->nk;
    memset(mk->ss_pref, 0, sizeof(double) * (size_t)(run->nc * nk));
    memset(mk->ss_sub, 0, sizeof(double) * (size_t)(run->nc * nk));
    for (int e = 0; e < s->n_events; e++) {
        const tr_event *ev = &s->events[e];
        if (!pol->ev_active[e] || ev->kind != TR_EV_SELF_SUFFICIENCY)
            continue;
        for (int j = 0; j < ev->n_techs; j++) {
            int i = ev->actor * nk + ev->techs[j];
            double dom = mk->ct_dom[i];
            if (isnan(dom))
                continue;
            if (isnan(mk->ss_start[i]))
                mk->ss_start[i] = dom;
            double s0 = mk->ss_start[i];
            double along = ev->by > ev->start ? clampd((year - ev->start) / (ev->by - ev->start), 0, 1) : 1;
            double gap = s0 + (ev->target - s0) * along - dom;
            if (gap <= 0)
                continue;
            if (P->target_preference * gap > mk->ss_pref[i])
                mk->ss_pref[i] = P->target_preference * gap;
            if (P->target_subsidy * gap > mk->ss_sub[i])
                mk->ss_sub[i] = P->target_subsidy * gap;
        }
    }
}

int market_step(tr_markets *mk, tr_firms *fi, const sim_ctx *run, const tr_policy *pol, const tr_budgets *bud,
                const tr_talent *tal, const tr_localgov *lg, tr_arena *scratch, double year)
{
    const tr_scenario *s = run->s;
    const tr_params_firms *P = &s->params.firms;
    const int nc = run->nc, nk = run->nk;
    const double dt = run->dt;
    const double t = year - s->start_year;

    /* scratch: each firm's competitiveness; per technology the mean
     * competitiveness, the sum of shares, then unmet demand and spare
     * capacity, the total attraction, the share of firms new to the market,
     * their appeal per unit of share and their attraction per unit of
     * appeal; demand per unit of share of each country's firms, demand of
     * each market, access of each country's firms to each market and its
     * denominator */
    double *comp = tr_arena_calloc(scratch, (size_t)fi->nf + 1, sizeof(double));
    double *Ebar = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *ssum = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *unmet = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *spare = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *D = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    double *Q = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    double *psum = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    double *Z = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double));
    double *unmet_m = tr_arena_calloc(scratch, (size_t)(nk * nc), sizeof(double));
    double *spare_m = tr_arena_calloc(scratch, (size_t)(nk * nc), sizeof(double));
    double *access = tr_arena_calloc(scratch, (size_t)nk * (size_t)nc * (size_t)nc, sizeof(double));
    double *dens = tr_arena_calloc(scratch, (size_t)(nk * nc), sizeof(double));
    double *attr = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *snew = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *scale = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    double *snew_r = tr_arena_calloc(scratch, (size_t)nk, sizeof(double));
    if (!comp || !Ebar || !ssum || !unmet || !spare || !D || !Q || !psum || !Z || !unmet_m || !spare_m || !access || !dens || !attr ||
        !snew || !scale || !snew_r)
        return TR_ERR_NOMEM;
    /* R&D grants are paid where the country's firms had sales last step. */
    for (int i = 0; i < nc * nk; i++)
        if (mk->ct_revsum[i] > 0)
            mk->yr_grants[i] += pol->mega_firm[i] * dt;
    if (run->step % run->spy == 0)
        memset(mk->ct_local_cap_paid, 0, sizeof(double) * (size_t)(nc * nk));

    gdp_shares(mk, run, bud);
    self_sufficiency(mk, run, pol, year);
    memset(mk->ct_sub_paid, 0, sizeof(double) * (size_t)(nc * nk));

    /* Per-technology and per-country-technology sums, one pass each. */
    double *pbar = mk->k_price;
    for (int k = 0; k < nk; k++) {
        Ebar[k] = pbar[k] = ssum[k] = mk->k_hhi[k] = mk->k_capsum[k] = 0;
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        ssum[k] += fi->f_share[f];
    }
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        double sh = ssum[k] > 0 ? fi->f_share[f] / ssum[k] : 0;
        fi->f_share[f] = sh;
        mk->k_hhi[k] += sh * sh;
    }
    /* Markups and price factors per country and technology, learning
     * exponents per technology: computed once, used by every firm. */
    for (int k = 0; k < nk; k++)
        mk->k_b[k] = learning_b(&s->techs[k]);
    for (int i = 0; i < nc * nk; i++) {
        int k = i % nk;
        double sub = clampd(pol->sub_output[i] + mk->ss_sub[i], 0, MARKET_SUBSIDY_MAX);
        double mu = P->markup * (1 - P->markup_competition * (1 - mk->k_hhi[k])) *
                    pow(clampd(mk->ct_util[i], MARKET_UTIL_MIN, 1), P->markup_utilization);
        mk->ct_pfactor[i] = 1 + mu;
        mk->ct_subf[i] = 1 - sub;
    }
    average_costs(mk, fi, nk);
    const double qw = P->quality_weight, pw = P->price_weight;
    memset(mk->ct_xsum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->k_xsum, 0, sizeof(double) * (size_t)nk);
    memset(mk->k_xn, 0, sizeof(double) * (size_t)nk);
    cost_levels(mk, run, tal, year);
    if (mk->any_inputs) /* after cost_levels, which divides last step's factors out */
        input_factors(mk, run);
    /* Costs, prices and competitiveness. */
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f], i = c * nk + k;
        double b = mk->k_b[k];
        double E = experience(mk, fi, run, f);
        double x = b > 0 && fi->f_E0[f] > 0 ? exp(-b * log(E / fi->f_E0[f])) : 1.0;
        mk->ct_xsum[i] += x;
        mk->k_xsum[k] += x;
        mk->k_xn[k] += 1;
        double cost = learned_cost(&s->techs[k], x, fi->f_q[f]) * mk->c_costlvl[c] * mk->ct_infac[i];
        double p = firm_price(mk, P, i, k, cost);
        fi->f_cost[f] = cost;
        fi->f_price[f] = p;
        double E_f;
        if (qw == 0.5 && pw == 1.0) /* the default exponents, without pow */
            E_f = sqrt(fi->f_q[f]) / p;
        else
            E_f = exp(qw * log(fi->f_q[f]) - pw * log(p));
        comp[f] = E_f;
        Ebar[k] += fi->f_share[f] * E_f;
    }
    /* Selection: each firm's share moves toward the share its
     * competitiveness commands among differentiated varieties (CES),
     *     target_f = a_f (E_f / Ebar)^sigma / sum_g a_g (E_g / Ebar)^sigma,
     *     s_f <- s_f + min(1, replicator_speed x dt) x (target_f - s_f),
     * a replicator on attraction per unit of share. The appeal a_f of a
     * firm's variety is its share the first step it takes part in (an
     * entrant's scaled to the incumbents' attraction), so that a firm as
     * competitive as the average keeps its share, and a lasting lead in
     * competitiveness gives a lasting, bounded gain. */
    const double sig = P->share_elasticity;
    const int sig_int = sig == floor(sig) && sig <= MARKET_IPOW_MAX; /* whole: by multiplication */
    for (int k = 0; k < nk; k++)
        attr[k] = snew[k] = snew_r[k] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int k = fi->f_tech[f];
        double rel = Ebar[k] > 0 ? comp[f] / Ebar[k] : 1;
        double r = sig_int ? ipow(rel, (int)sig) : (rel > 0 ? exp(sig * log(rel)) : 0);
        comp[f] = r;
        if (isnan(fi->f_appeal[f])) {
            snew[k] += fi->f_share[f];
            snew_r[k] += fi->f_share[f] * r;
        } else {
            attr[k] += fi->f_appeal[f] * r;
        }
    }
    for (int k = 0; k < nk; k++) {
        /* new firms' appeal: share x scale, so that an average one keeps its share */
        scale[k] = attr[k] > 0 && snew[k] < 1 - MARKET_NEW_SHARE_TOL ? attr[k] / (1 - snew[k]) : 1;
        attr[k] += scale[k] * snew_r[k];
    }
    const double g = clampd(P->replicator_speed * dt, 0, 1);
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int k = fi->f_tech[f];
        if (isnan(fi->f_appeal[f]))
            fi->f_appeal[f] = fi->f_share[f] * scale[k];
        Z[fi->f_country[f] * nk + k] += fi->f_appeal[f] * comp[f]; /* its country's attraction */
        double target = attr[k] > 0 ? fi->f_appeal[f] * comp[f] / attr[k] : fi->f_share[f];
        double sh = fi->f_share[f] + g * (target - fi->f_share[f]);
        fi->f_share[f] = sh > 0 ? sh : 0;
    }
    /* Renormalise. */
    for (int k = 0; k < nk; k++)
        ssum[k] = 0;
    for (int f = 0; f < fi->nf; f++)
        if (fi->f_alive[f])
            ssum[fi->f_tech[f]] += fi->f_share[f];
    memset(mk->ct_S, 0, sizeof(double) * (size_t)(nc * nk));
    for (int k = 0; k < nk; k++)
        attr[k] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        int k = fi->f_tech[f];
        fi->f_share[f] = ssum[k] > 0 ? fi->f_share[f] / ssum[k] : 0;
        attr[k] += fi->f_appeal[f];
        mk->ct_S[fi->f_country[f] * nk + k] += fi->f_share[f];
        psum[fi->f_country[f] * nk + k] += fi->f_share[f] * fi->f_price[f];
        pbar[k] += fi->f_share[f] * fi->f_price[f];
    }

    /* Customer base: each variety's appeal moves toward its share of sales
     * (of the technology's total appeal), a_f <- a_f + h (s_f A - a_f),
     * h = min(1, appeal_adjust x dt), A = sum_g a_g (kept): a firm that
     * sells more builds its customer base and keeps it (Foster, Haltiwanger
     * & Syverson 2016: demand accumulates with past sales). */
    const double h = clampd(P->appeal_adjust * dt, 0, 1);
    if (h > 0)
        for (int f = 0; f < fi->nf; f++)
            if (fi->f_alive[f])
                fi->f_appeal[f] += h * (fi->f_share[f] * attr[fi->f_tech[f]] - fi->f_appeal[f]);

    /* Demand of each market at the delivered price its buyers pay, demand
     * per unit of share for each country's firms, and the domestic share of
     * each market. */
    for (int k = 0; k < nk; k++) {
        double *acc = &access[(size_t)k * (size_t)nc * (size_t)nc], *den_k = &dens[k * nc];
        const tr_technology *T = &s->techs[k];
        double level = mk->k_q0[k] * pow(1 + T->market_growth, t);
        double pfall = pbar[k] > 0 ? pbar[k] : mk->k_price0[k]; /* a market no firm reaches */
        for (int m = 0; m < nc; m++) {
            double den = 0, pidx = 0;
            for (int c = 0; c < nc; c++) {
                double a, markup_trade = 1;
                if (c == m) {
                    a = 1 + s->countries[m].home_bias + pol->buy_dom[m * nk + k] + mk->ss_pref[m * nk + k];
                } else {
                    markup_trade = 1 + P->trade_cost + pol->tariff[(m * nc + c) * nk + k];
                    a = P->price_weight == 1.0 ? 1 / markup_trade : pow(markup_trade, -P->price_weight);
                    if (pol->any_xctl) /* export controls of c on sales to m */
                        a *= 1 - policy_xctl(pol, nc, nk, c, m, k);
                }
                acc[m * nc + c] = a;
                den += a * mk->ct_S[c * nk + k];
                pidx += a * psum[c * nk + k] * markup_trade; /* w[m][c] x p_c x delivery, times den */
            }
            den_k[m] = den;
            if (mk->any_inputs) { /* the access-weighted share of the technology's attraction */
                double za = 0, zs = 0;
                for (int c = 0; c < nc; c++) {
                    za += acc[m * nc + c] * Z[c * nk + k];
                    zs += Z[c * nk + k];
                }
                if (zs > 0) /* 0: every maker is out of reach (a full embargo) */
                    mk->ct_inacc[m * nk + k] = za / zs;
            }
            mk->ct_pbuy[m * nk + k] = den > 0 && pidx > 0 ? pidx / den : pfall; /* raw P_m for now */
            mk->ct_dom[m * nk + k] = den > 0 ? acc[m * nc + m] * mk->ct_S[m * nk + k] / den : NAN;
        }
        if (isnan(mk->k_pbuy0[k])) {
            double p0 = 0;
            for (int m = 0; m < nc; m++)
                p0 += mk->gdp_share[m] * mk->ct_pbuy[m * nk + k];
            mk->k_pbuy0[k] = p0 > 0 ? p0 : 1;
        }
        for (int m = 0; m < nc; m++) {
            const int i = m * nk + k;
            double r = mk->ct_pbuy[i] / mk->k_pbuy0[k];
            mk->ct_pbuy[i] = r;
            mk->yr_pbuy[i] += r * dt;
            double resp = T->price_elasticity == 1.0 ? 1 / r : pow(r, -T->price_elasticity);
            Q[i] = level * mk->gdp_share[m] * resp;
        }
        for (int c = 0; c < nc; c++) {
            double d = 0;
            for (int m = 0; m < nc; m++)
                if (den_k[m] > 0)
                    d += Q[m * nk + k] * acc[m * nc + c] / den_k[m];
            D[c * nk + k] = d;
        }
    }

    /* Allocation: each firm first serves its own demand up to capacity;
     * demand it cannot serve goes to the firms of the same technology with
     * spare capacity, in proportion to share x spare capacity (one round). */
    for (int k = 0; k < nk; k++)
        unmet[k] = spare[k] = 0;
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int k = fi->f_tech[f];
        double d = fi->f_share[f] * D[fi->f_country[f] * nk + k];
        fi->f_demand[f] = d;
        if (d > fi->f_cap[f]) {
            unmet[k] += d - fi->f_cap[f];
            fi->f_y[f] = fi->f_cap[f];
        } else {
            fi->f_y[f] = d;
            spare[k] += fi->f_share[f] * (fi->f_cap[f] - d);
        }
    }
    if (pol->any_xctl)
        reallocate_controlled(fi, pol, run, access, dens, Q, D, unmet_m, spare_m);
    else
        for (int f = 0; f < fi->nf; f++) {
            if (!fi->f_alive[f])
                continue;
            const int k = fi->f_tech[f];
            double room = fi->f_cap[f] - fi->f_y[f];
            if (room > 0 && spare[k] > 0 && unmet[k] > 0) {
                double extra = unmet[k] * fi->f_share[f] * room / spare[k];
                fi->f_y[f] += extra < room ? extra : room;
            }
        }

    /* Output, profits, capacity. */
    double *ys = mk->ct_ysum, *caps = mk->ct_capsum, *revs = mk->ct_revsum, *costs = mk->ct_costsum;
    memset(ys, 0, sizeof(double) * (size_t)(nc * nk));
    memset(caps, 0, sizeof(double) * (size_t)(nc * nk));
    memset(revs, 0, sizeof(double) * (size_t)(nc * nk));
    memset(costs, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->ct_profsum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->k_sales_acc, 0, sizeof(double) * (size_t)nk);
    memset(mk->ct_qsum, 0, sizeof(double) * (size_t)(nc * nk));
    memset(mk->ct_rd, 0, sizeof(double) * (size_t)(nc * nk));
    for (int f = 0; f < fi->nf; f++) {
        if (!fi->f_alive[f])
            continue;
        const int c = fi->f_country[f], k = fi->f_tech[f], i = c * nk + k;
        const tr_technology *T = &s->techs[k];
        double cost = fi->f_cost[f], p = fi->f_price[f];
        double d = fi->f_demand[f];
        double y = fi->f_y[f];
        /* The competitive share carried to the next step: a firm that could
         * not serve its demand keeps only the part it served (it grows no
         * faster than its capacity); demand it picked up from others'
         * shortfall, and what home bias or tariffs bring it, are not added
         * (markets re-apply them every step, so they do not compound). */
        if (d > 0 && y < d)
            fi->f_share[f] *= y / d;
        double R = p * y;
        double sub = clampd(pol->sub_output[i] + mk->ss_sub[i], 0, MARKET_SUBSIDY_MAX);
        double subsidy = sub * cost * y;
        double rd = fi->f_rd_share[f] * R + fi->f_rd_equity[f]; /* own, and equity-financed */
        double overhead = firm_overhead(P, market_typical_revenue(mk, c, k, i), firm_overhead_units(fi, f),
                                        p * fi->f_cap[f] * P->target_utilization);
        double profit = R + subsidy - cost * y - P->capacity_cost * cost * fi->f_cap[f] - rd - overhead;
        mk->k_sales_acc[k] += R;
        fi->f_rev_rate[f] = R;
        fi->f_W[f] += profit * dt;
        fi->f_rev[f] += R * dt;
        fi->f_profit[f] += profit * dt;
        mk->yr_profit[i] += profit * dt;
        /* The entry signal leaves out the R&D a fund's equity pays for: that
         * money came in as equity (firms_invest_rd_equity), not from sales. */
        mk->ct_profsum[i] += profit + fi->f_rd_equity[f];
        fi->f_cum[f] += y * dt;
        mk->ct_cum[i] += y * dt;
        mk->k_cum[k] += y * dt;
        mk->ct_sub_paid[i] += subsidy * dt;
        double local_part = pol->sub_output[i] > 0 ? pol->sub_output_local[i] / (pol->sub_output[i] + mk->ss_sub[i]) : 0;
        mk->yr_sub_local[i] += subsidy * dt * clampd(local_part, 0, 1);
        ys[i] += y;
        caps[i] += fi->f_cap[f];
        mk->k_capsum[k] += fi->f_cap[f];
        mk->ct_qsum[i] += fi->f_q[f];
        revs[i] += R;
        costs[i] += cost * y;
        mk->yr_rd[i] += rd * dt;
        mk->ct_rd[i] += rd;

        /* Invest toward demand at target utilization; capacity subsidies from
         * events and from the local governments' capacity budget. */
        /* Cheap capacity (subsidised) is built further ahead of demand. */
        double loc_room = lg->ct_local_cap[i] * dt * (run->step % run->spy + 1) - mk->ct_local_cap_paid[i];
        double srate = clampd(pol->sub_capacity[i] + (loc_room > 0 ? lg->ct_local_cap_rate[i] : 0), 0, MARKET_SUBSIDY_MAX);
        double util_goal = P->target_utilization * (1 - MARKET_SUBSIDY_BUILD_AHEAD * srate);
        double want = d * (1 + (T->market_growth > 0 ? T->market_growth : 0)) / util_goal;
        double gap = want - fi->f_cap[f];
        /* Finance: a private firm pays the unsubsidised part of its capex from
         * its liquid funds (net worth less its capacity at cost) and debt of at
         * most credit_limit x a year's sales; state-owned firms are not
         * constrained (soft budget). Equity (guidance funds) and retained
         * profit therefore buy growth, and R&D, paid from margin, costs it. */
        double finance = fi->f_W[f] - P->capex * cost * fi->f_cap[f] + P->credit_limit * R;
        const int soe = fi->f_type[f] == TR_FIRM_SOE;
        fi->f_short[f] = gap > 0 && !soe && finance <= 0;
        if (gap > 0 && (soe || finance > 0)) {
            double inv = P->investment_speed * gap * dt;
            double capex = P->capex * cost * inv;
            double own = capex * (1 - srate);
            fi->f_short[f] = !soe && own > finance;
            if (fi->f_short[f]) {
                inv *= finance / own;
                capex *= finance / own;
            }
            /* Event subsidies pay their rate; local governments pay up to
             * their rate (at most 80%, localgov.c) but never more than their capacity budget so far this year. */
            double ev_paid = capex * clampd(pol->sub_capacity[i], 0, MARKET_SUBSIDY_MAX);
            double ev_local = pol->sub_capacity[i] > 0 ? ev_paid * pol->sub_capacity_local[i] / pol->sub_capacity[i] : 0;
            double room = lg->ct_local_cap[i] * dt * (run->step % run->spy + 1) - mk->ct_local_cap_paid[i];
            double loc_paid = clampd(capex * lg->ct_local_cap_rate[i], 0, room > 0 ? room : 0);
            if (ev_paid + loc_paid > MARKET_SUBSIDY_MAX * capex)
                loc_paid = fmax(0.0, MARKET_SUBSIDY_MAX * capex - ev_paid);
            /* Net worth counts capacity at cost: buying it with own money
             * changes nothing, a subsidy adds to it (the yearly cost of
             * capacity, wear included, is in capacity_cost). */
            fi->f_W[f] += ev_paid + loc_paid;
            /* New capacity embodies the production technology its equipment
             * carries: the capacity-weighted productivity moves toward the
             * frontier in proportion to the new share of capacity. */
            embody(fi, P, f, inv / (fi->f_cap[f] + inv));
            fi->f_cap[f] += inv;
            mk->ct_sub_paid[i] += ev_paid + loc_paid;
            mk->yr_sub_local[i] += loc_paid + ev_local;
            mk->ct_local_cap_paid[i] += loc_paid;
            mk->ct_capex[i] += capex;
        }
        fi->f_cap[f] -= P->capacity_depreciation * fi->f_cap[f] * dt;
    }
    memcpy(mk->k_sales, mk->k_sales_acc, sizeof(double) * (size_t)nk);
    /* Markups respond to utilization as prices are revised, about once a
     * year: the utilization they see closes min(1, markup_adjust x dt) of its
     * gap to this step's. At once, a step's high use raised the next step's
     * markups, which cost share (share_elasticity) and use, which cut the
     * markups again: a two-step cycle of use, markups and shares. */
    const double hu = clampd(P->markup_adjust * dt, 0, 1);
    for (int i = 0; i < nc * nk; i++) {
        double u = caps[i] > 0 ? ys[i] / caps[i] : P->target_utilization;
        mk->ct_util[i] += hu * (u - mk->ct_util[i]);
        mk->ct_margin[i] = revs[i] > 0 ? mk->ct_profsum[i] / revs[i] : 0;
        /* yearly sums */
        mk->yr_y[i] += ys[i] * dt;
        mk->yr_cap[i] += caps[i] * dt;
        mk->yr_rev[i] += revs[i] * dt;
        mk->yr_cost[i] += costs[i] * dt;
        mk->yr_sub[i] += mk->ct_sub_paid[i];
    }
    /* Where each country's sales went: its firms' revenue splits over the
     * markets in proportion to the demand each market addressed to them; this
     * gives exports, each market's purchases (consumption, in value and in
     * units) and the part its own firms supplied (self-sufficiency, in units,
     * so that a subsidy that cuts prices does not look like a loss of
     * supply), all consistent with production. */
    for (int k = 0; k < nk; k++) {
        const double *acc = &access[(size_t)k * (size_t)nc * (size_t)nc], *den_k = &dens[k * nc];
        for (int c = 0; c < nc; c++) {
            const int i = c * nk + k;
            if (revs[i] <= 0 || D[i] <= 0)
                continue;
            for (int m = 0; m < nc; m++) {
                if (den_k[m] <= 0)
                    continue;
                double part = Q[m * nk + k] * acc[m * nc + c] / den_k[m] / D[i];
                double v = revs[i] * part * dt;
                double u = ys[i] * part * dt;
                const size_t b = ((size_t)c * (size_t)nc + (size_t)m) * (size_t)nk + (size_t)k;
                mk->yr_cons[m * nk + k] += v;
                mk->yr_cons_u[m * nk + k] += u;
                mk->tr_value[b] += v;
                mk->tr_units[b] += u;
                if (m == c) {
                    mk->yr_dom_u[i] += u;
                    mk->tr_value_buyer[b] += v;
                } else {
                    mk->yr_exports[i] += v;
                    mk->yr_imports[m * nk + k] += v;
                    mk->tr_value_buyer[b] += v * (1 + P->trade_cost + pol->tariff[(m * nc + c) * nk + k]);
                }
            }
        }
    }
    return TR_OK;
}

void market_place_entrant(const tr_markets *mk, tr_firms *fi, const sim_ctx *run, int f, double m, double capref,
                          double fac, double paid)
{
    const tr_params_firms *P = &run->s->params.firms;
    const int c = fi->f_country[f], k = fi->f_tech[f], i = c * run->nk + k;
    /* All of an entrant's capacity is new: its equipment carries the same
     * embodied technology as an incumbent's new capacity (market_step). */
    embody(fi, P, f, 1.0);
    /* A quarter-year of output at its capacity as its own experience, plus
     * what it shares of the national industry's. */
    fi->f_cum[f] = MARKET_ENTRANT_EXPERIENCE * capref * fac * P->target_utilization;
    /* It starts where its national industry stands on the learning curve
     * (the world's, if the country has no firms here): its origin is set so
     * that its learning factor equals theirs. */
    double xref = m > 0 ? mk->ct_xsum[i] / m : (mk->k_xn[k] > 0 ? mk->k_xsum[k] / mk->k_xn[k] : 1.0);
    double E = fi->f_cum[f] + P->learning_spill * (mk->ct_cum[i] + P->learning_spill_foreign * (mk->k_cum[k] - mk->ct_cum[i]));
    double b = mk->k_b[k];
    fi->f_E0[f] = b > 0 && xref > 0 ? E * exp(log(xref) / b) : E;
    double cost = learned_cost(&run->s->techs[k], xref, fi->f_q[f]) * mk->c_costlvl[c] * mk->ct_infac[i];
    fi->f_cost[f] = cost;
    fi->f_price[f] = firm_price(mk, P, i, k, cost);
    fi->f_W[f] = MARKET_ENTRANT_EQUITY * P->capex * cost * fi->f_cap[f] + paid;
    fi->f_share[f] = mk->k_capsum[k] > 0 ? MARKET_ENTRANT_SHARE * fi->f_cap[f] / mk->k_capsum[k]
                                         : MARKET_ENTRANT_SHARE_MIN;
}

void market_record_entry(tr_markets *mk, int i, double paid, double paid_local)
{
    mk->yr_entries[i] += 1;
    mk->yr_sub[i] += paid;
    mk->yr_sub_local[i] += paid_local;
}

void market_record_exit(tr_markets *mk, int i)
{
    mk->yr_exits[i] += 1;
}

void market_record_bailout(tr_markets *mk, int i, double amount)
{
    mk->yr_bailouts[i] += amount;
}

void market_year_start(tr_markets *mk, const sim_ctx *run)
{
    const size_t n = (size_t)run->nc * (size_t)run->nk;
    double *yr[] = {mk->yr_rd,    mk->yr_exports, mk->yr_y,       mk->yr_cap,    mk->yr_rev,
                    mk->yr_cost,  mk->yr_sub,     mk->yr_sub_local, mk->yr_cons, mk->yr_cons_u,
                    mk->yr_dom_u, mk->yr_entries, mk->yr_exits,   mk->yr_bailouts, mk->yr_grants,
                    mk->yr_imports, mk->yr_pbuy, mk->yr_profit};
    for (size_t j = 0; j < sizeof yr / sizeof yr[0]; j++)
        memset(yr[j], 0, sizeof(double) * n);
    double *tr[] = {mk->tr_value, mk->tr_value_buyer, mk->tr_units};
    for (size_t j = 0; j < sizeof tr / sizeof tr[0]; j++)
        memset(tr[j], 0, sizeof(double) * n * (size_t)run->nc);
}

void market_year_end(tr_markets *mk, const sim_ctx *run, int first_year)
{
    for (int i = 0; i < run->nc * run->nk; i++) {
        /* Memory for next year's choices and subsidy rates. */
        mk->ct_prod_prev[i] = mk->ct_prod_last[i];
        mk->ct_prod_last[i] = mk->yr_rev[i];
        /* Capex expected next year: a moving average, so that one year's
         * boom or bust does not swing the subsidy rate (localgov.c). */
        mk->ct_capex_prev[i] = first_year ? mk->ct_capex[i]
                                          : MARKET_CAPEX_MEMORY * mk->ct_capex_prev[i] + MARKET_CAPEX_NEW * mk->ct_capex[i];
        mk->ct_capex[i] = 0;
    }
}

/* Arrays of the market state by dimension. */
enum { MARKET_CK_ARRAYS = 47, MARKET_K_ARRAYS = 16, MARKET_C_ARRAYS = 5, MARKET_CCK_ARRAYS = 3 };

size_t market_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return MARKET_CK_ARRAYS * tr_alloc_bytes(nc * nk, d) + MARKET_K_ARRAYS * tr_alloc_bytes(nk, d) +
           MARKET_C_ARRAYS * tr_alloc_bytes(nc, d) + MARKET_CCK_ARRAYS * tr_alloc_bytes(nc * nc * nk, d);
}

size_t market_scratch_bytes(const tr_scenario *s, size_t nf)
{
    const size_t nc = (size_t)s->n_countries, nk = (size_t)s->n_tech, d = sizeof(double);
    return tr_alloc_bytes(nf + 1, d) + 8 * tr_alloc_bytes(nk, d) + 6 * tr_alloc_bytes(nc * nk, d) +
           tr_alloc_bytes(nk * nc * nc, d) + tr_alloc_bytes(nk * nc, d);
}

int market_init(tr_markets *mk, const sim_ctx *run, tr_arena *A)
{
    const int nc = run->nc, nk = run->nk, nck = nc * nk;
    double **ck[] = {&mk->ct_cum,      &mk->ct_S,        &mk->ct_util,      &mk->ct_margin,   &mk->ct_prod_prev,
                     &mk->ct_prod_last, &mk->ct_capex,   &mk->ct_capex_prev, &mk->ss_pref,    &mk->ss_sub,
                     &mk->ss_start,    &mk->ct_sub_paid, &mk->ct_dom,
                     &mk->ct_ysum,     &mk->ct_capsum,   &mk->ct_revsum,    &mk->ct_costsum,  &mk->ct_local_cap_paid,
                     &mk->ct_pfactor,  &mk->ct_subf, &mk->ct_rd, &mk->ct_xsum,     &mk->ct_qsum,      &mk->yr_rd,       &mk->yr_exports,
                     &mk->yr_y,        &mk->yr_cap,      &mk->yr_rev,       &mk->yr_cost,     &mk->yr_sub,
                     &mk->yr_sub_local, &mk->yr_cons,    &mk->yr_cons_u,    &mk->yr_dom_u,    &mk->yr_entries,
                     &mk->yr_exits,    &mk->yr_bailouts, &mk->yr_grants,    &mk->ct_pbuy,     &mk->yr_imports,
                     &mk->yr_pbuy,     &mk->yr_profit,   &mk->ct_rev0,      &mk->ct_profsum,  &mk->ct_inacc,
                     &mk->ct_inacc0,   &mk->ct_infac};
    double **kk[] = {&mk->k_price0, &mk->k_q0,   &mk->k_price, &mk->k_hhi, &mk->k_capsum, &mk->k_nf,
                     &mk->k_b,     &mk->k_xsum, &mk->k_xn, &mk->k_cbar, &mk->k_cbar_w, &mk->k_cum, &mk->k_pbuy0,
                     &mk->k_sales0, &mk->k_sales, &mk->k_sales_acc};
    _Static_assert(sizeof ck / sizeof ck[0] == MARKET_CK_ARRAYS, "market_bytes counts the [nc*nk] arrays");
    _Static_assert(sizeof kk / sizeof kk[0] == MARKET_K_ARRAYS, "market_bytes counts the [nk] arrays");
    for (size_t j = 0; j < sizeof ck / sizeof ck[0]; j++)
        TR_ALLOC(A, *ck[j], nck);
    for (size_t j = 0; j < sizeof kk / sizeof kk[0]; j++)
        TR_ALLOC(A, *kk[j], nk);
    TR_ALLOC(A, mk->tr_value, (size_t)nck * (size_t)nc);
    TR_ALLOC(A, mk->tr_value_buyer, (size_t)nck * (size_t)nc);
    TR_ALLOC(A, mk->tr_units, (size_t)nck * (size_t)nc);
    double **cc[] = {&mk->gdp_share, &mk->c_costlvl, &mk->c_spec0, &mk->c_cost0, &mk->c_press};
    _Static_assert(sizeof cc / sizeof cc[0] == MARKET_C_ARRAYS, "market_bytes counts the [nc] arrays");
    for (size_t j = 0; j < sizeof cc / sizeof cc[0]; j++)
        TR_ALLOC(A, *cc[j], nc);
    mk->any_inputs = 0;
    for (int k = 0; k < nk; k++)
        mk->any_inputs |= run->s->techs[k].n_inputs > 0;
    return TR_OK;
}
