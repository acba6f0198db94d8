/* talent.c — process 4: researchers and their moves between countries.
 *
 * Each country employs H researchers (thousands, all origins) with an
 * average quality Hq/H; M[c,d] counts people of origin c working in d.
 * Every step:
 *  - researchers leave for abroad at `outbound_rate` times the country's
 *    openness, more when opportunity abroad (R&D money per researcher) is
 *    higher than at home, spread over destinations by opportunity, size and
 *    openness; inflows to one country are capped at `foreign_share_max` of
 *    its stock per year (the applicants it can absorb), and then a
 *    destination's `visa_restriction` blocks that share of the admitted flow
 *    from the countries it names: a refused place is not taken by another
 *    foreigner, it stays vacant until the domestic pipeline fills it;
 *    movers take their origin's average quality to where they work;
 *  - people abroad return at `return_rate`, more when home offers relatively
 *    more, under a `talent_programme`, and when their host restricts people
 *    from their country (x (1 + return_push x severity): the restriction's
 *    chilling effect on those already there); returnees bring `returnee_quality`
 *    times the quality of the system they worked in, so talent raises
 *    research quality where it lands (ret_step keeps the last step's returns
 *    for the knowledge they bring home, knowledge.c);
 *  - domestic hiring: funded posts F = GERD / researcher_cost; the demand for
 *    new domestic researchers is D = max(0, attrition x H + intake_rate x
 *    (F - H)) a year (replacing retirements and closing part of the gap;
 *    a country with more researchers than posts hires fewer than retire);
 *    the hires are intake = min(D, G) a year, where G is the graduate
 *    pipeline (domestic graduates available to research, thousands a year).
 *    The pipeline moves toward the demand by at most `pipeline_growth_max` of
 *    itself a year (measured against at least the replacement flow
 *    attrition x H), so researchers lost abroad or to a visa restriction are
 *    refilled only as fast as universities can train more; posts left
 *    vacant produce nothing (research.c: staffing = min(1, H / F)). New
 *    researchers have the country's `talent_quality` (a time path: the
 *    quality of its universities' graduates). At the start G = D. */
#include <math.h>
#include <string.h>

#include "model/research/talent.h"

/* Most of a host's initial researchers that the initial diaspora may be
 * (share): larger diasporas are scaled down (fixed: diaspora0 is the lever). */
#define TALENT_FOREIGN_MAX0 0.5
/* Most that relative opportunity multiplies a leaving or returning rate:
 * keeps flows finite where a country offers almost nothing (fixed). */
#define TALENT_PULL_MAX 3.0
/* Fewest researchers a country keeps, thousands: a numerical floor so that
 * averages stay defined. */
#define TALENT_H_MIN 1e-6
/* Range of a country's research standing (high-impact papers per
 * researcher over the world's) that moves its opportunity: a country that
 * publishes nothing cited offers a twentieth of the money-only opportunity
 * at standing_elasticity 1, not none (fixed: standing_elasticity is the lever). */
#define TALENT_STANDING_MIN 0.05
#define TALENT_STANDING_MAX 20.0

static double minf(double a, double b)
{
    return a < b ? a : b;
}

static double clampf(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* Funded researcher posts of c at `year`, thousands: GERD over the cost of
 * a researcher-year (none when the cost is not positive). */
static double funded_posts(const tr_scenario *s, const tr_budgets *bud, int c, double year)
{
    double cost = tr_path_at(&s->countries[c].researcher_cost, year);
    return cost > 0 ? bud->gerd[c] * 1e3 / cost : -1.0;
}

/* Demand for new domestic researchers, thousands a year: replace
 * retirements and close intake_rate of the gap to the funded posts (fewer
 * than retire when there are more researchers than posts). */
static double hiring_demand(const tr_params_talent *P, double H, double funded)
{
    if (funded < 0) /* no cost given: keep the stock */
        return P->attrition * H;
    double D = P->attrition * H + P->intake_rate * (funded - H);
    return D > 0 ? D : 0;
}

/* Opportunity a country offers researchers: R&D money per researcher
 * times its research standing^standing_elasticity, the standing its
 * high-impact papers per researcher over the world's this step (hi; 1 at
 * the start, before any research: NULL), kept within TALENT_STANDING_MIN..
 * MAX (where cited work is done: returnees weigh the research environment at
 * home, Zweig & Wang 2013), times a talent programme's attraction boost. */
static void set_attract(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol,
                        const double *hi)
{
    const int nc = run->nc, nk = run->nk;
    const double th = run->s->params.talent.standing_elasticity;
    double world = 0, Hw = 0; /* papers and researchers of the world */
    if (hi && th != 0)
        for (int c = 0; c < nc; c++) {
            for (int k = 0; k < nk; k++)
                world += hi[c * nk + k];
            Hw += tal->H[c];
        }
    for (int c = 0; c < nc; c++) {
        double per = tal->H[c] > 0 ? bud->gerd[c] * 1e3 / tal->H[c] : 0; /* US$ k per researcher */
        double st = 1.0;
        if (world > 0 && Hw > 0 && tal->H[c] > 0) {
            double own = 0;
            for (int k = 0; k < nk; k++)
                own += hi[c * nk + k];
            double r = own / tal->H[c] / (world / Hw);
            st = pow(clampf(r, TALENT_STANDING_MIN, TALENT_STANDING_MAX), th);
        }
        tal->attract[c] = per * st * (1.0 + pol->attract_boost[c]);
    }
}

int talent_init(tr_talent *tal, const sim_ctx *run, tr_arena *A)
{
    const int nc = run->nc;
    TR_ALLOC(A, tal->H, nc);
    TR_ALLOC(A, tal->Hq, nc);
    TR_ALLOC(A, tal->M, (size_t)nc * (size_t)nc);
    TR_ALLOC(A, tal->attract, nc);
    TR_ALLOC(A, tal->out_y, nc);
    TR_ALLOC(A, tal->ret_y, nc);
    TR_ALLOC(A, tal->in_y, nc);
    TR_ALLOC(A, tal->pipeline, nc);
    TR_ALLOC(A, tal->ret_step, (size_t)nc * (size_t)nc);
    return TR_OK;
}

size_t talent_bytes(const tr_scenario *s)
{
    const size_t nc = (size_t)s->n_countries, d = sizeof(double);
    return 7 * tr_alloc_bytes(nc, d) + 2 * tr_alloc_bytes(nc * nc, d);
}

void talent_year_start(tr_talent *tal, const sim_ctx *run)
{
    memset(tal->out_y, 0, sizeof(double) * (size_t)run->nc);
    memset(tal->ret_y, 0, sizeof(double) * (size_t)run->nc);
    memset(tal->in_y, 0, sizeof(double) * (size_t)run->nc);
}

void talent_start(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc;
    const double y0 = tr_scenario_step_year(s, 0);
    for (int c = 0; c < nc; c++) {
        tal->H[c] = s->countries[c].researchers0;
        tal->Hq[c] = tal->H[c] * tr_path_at(&s->countries[c].talent_quality, y0);
        /* the pipeline starts in balance with the initial demand */
        double D = hiring_demand(&s->params.talent, tal->H[c], funded_posts(s, bud, c, y0));
        double floor = s->params.talent.attrition * tal->H[c];
        tal->pipeline[c] = D > floor ? D : floor;
    }
    set_attract(tal, run, bud, pol, NULL);
}

void talent_place_diaspora(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol,
                           const double *hi)
{
    const tr_scenario *s = run->s;
    const int nc = run->nc;
    /* Opportunity as the steps will see it: research standing from the
     * initial research output (hi), so that the first step does not move it. */
    set_attract(tal, run, bud, pol, hi);
    /* The initial diaspora sits where opportunity times size is largest. It
     * is part of its hosts' researchers, so no host can hold more foreign
     * researchers than half its stock: larger diasporas are scaled down. */
    for (int c = 0; c < nc; c++) {
        double wsum = 0;
        for (int d = 0; d < nc; d++)
            if (d != c)
                wsum += tal->attract[d] * tal->H[d];
        for (int d = 0; d < nc; d++)
            tal->M[c * nc + d] =
                (d != c && wsum > 0) ? s->countries[c].diaspora0 * tal->attract[d] * tal->H[d] / wsum : 0;
    }
    for (int d = 0; d < nc; d++) {
        double foreign = 0;
        for (int c = 0; c < nc; c++)
            foreign += tal->M[c * nc + d];
        if (foreign > TALENT_FOREIGN_MAX0 * tal->H[d])
            for (int c = 0; c < nc; c++)
                tal->M[c * nc + d] *= TALENT_FOREIGN_MAX0 * tal->H[d] / foreign;
    }
}

/* Share of a stock that moves in a step at annual rate `rate`: never more
 * than the stock, and equal to rate * dt for small rates. */
static double moved(double rate, double dt)
{
    return rate > 0 ? 1.0 - exp(-rate * dt) : 0.0;
}

int talent_step(tr_talent *tal, const sim_ctx *run, const tr_budgets *bud, const tr_policy *pol, const double *hi,
                double year, tr_arena *scratch)
{
    const tr_scenario *s = run->s;
    const tr_params_talent *P = &s->params.talent;
    const int nc = run->nc;
    const double dt = run->dt;
    const double eps = P->opportunity_elasticity;
    /* scratch: this step's moves from c to d (out, returns), arrivals, average quality */
    double *O = tr_arena_calloc(scratch, (size_t)nc * (size_t)nc, sizeof(double));
    double *R = tr_arena_calloc(scratch, (size_t)nc * (size_t)nc, sizeof(double));
    double *in = tr_arena_calloc(scratch, (size_t)nc, sizeof(double));
    double *q = tr_arena_calloc(scratch, (size_t)nc, sizeof(double));
    if (!O || !R || !in || !q)
        return TR_ERR_NOMEM;

    set_attract(tal, run, bud, pol, hi);
    for (int c = 0; c < nc; c++)
        q[c] = tal->H[c] > 0 ? tal->Hq[c] / tal->H[c] : tr_path_at(&s->countries[c].talent_quality, year);

    /* Outflows and returns, all computed from the same snapshot. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double wsum = 0, abar = 0;
        for (int d = 0; d < nc; d++) {
            if (d == c)
                continue;
            wsum += tal->attract[d] * tal->H[d] * bud->open[d];
            abar += tal->attract[d] * tal->H[d] * bud->open[d] * tal->attract[d];
        }
        abar = wsum > 0 ? abar / wsum : 0;
        double pull = tal->attract[c] > 0 ? minf(TALENT_PULL_MAX, pow(abar / tal->attract[c], eps)) : TALENT_PULL_MAX;
        double total = tal->H[c] * moved(C->outbound_rate * bud->open[c] * pull, dt);
        for (int d = 0; d < nc; d++) {
            double o = 0, r = 0;
            if (d != c && wsum > 0) {
                o = total * tal->attract[d] * tal->H[d] * bud->open[d] / wsum; /* applicants; visas below */
                double back = tal->attract[d] > 0 ? minf(TALENT_PULL_MAX, pow(tal->attract[c] / tal->attract[d], eps))
                                                  : TALENT_PULL_MAX;
                /* a host's restriction on c's people also pushes those already there home */
                double push = 1.0 + P->return_push * pol->visa[d * nc + c];
                r = tal->M[c * nc + d] * moved(C->return_rate * (1.0 + pol->return_boost[c]) * back * push, dt);
            }
            O[c * nc + d] = o;
            R[c * nc + d] = r;
        }
    }
    /* Cap the applicants each destination admits, then its visa
     * restrictions block their share of the admitted: a refused place is
     * not given to another foreigner. */
    for (int d = 0; d < nc; d++) {
        double tot = 0;
        for (int c = 0; c < nc; c++)
            tot += O[c * nc + d];
        double cap = P->foreign_share_max * tal->H[d] * dt;
        double scale = (tot > cap && tot > 0) ? cap / tot : 1.0;
        for (int c = 0; c < nc; c++)
            O[c * nc + d] *= scale * (1.0 - pol->visa[d * nc + c]);
        in[d] = 0;
    }
    /* Apply. */
    for (int c = 0; c < nc; c++) {
        for (int d = 0; d < nc; d++) {
            if (d == c)
                continue;
            double o = O[c * nc + d], r = R[c * nc + d];
            /* leaving c for d */
            tal->H[c] -= o;
            tal->Hq[c] -= o * q[c];
            tal->H[d] += o;
            tal->Hq[d] += o * q[c];
            tal->M[c * nc + d] += o;
            /* returning from d to c */
            tal->H[d] -= r;
            tal->Hq[d] -= r * q[d];
            tal->H[c] += r;
            tal->Hq[c] += r * P->returnee_quality * q[d];
            tal->M[c * nc + d] -= r;
            tal->ret_step[c * nc + d] = r;
            tal->out_y[c] += o;
            tal->ret_y[c] += r;
            in[d] += o;
        }
    }
    for (int d = 0; d < nc; d++)
        tal->in_y[d] += in[d];

    /* People abroad retire like everyone else in their host. */
    const double keep = 1.0 - moved(P->attrition, dt);
    for (int j = 0; j < nc * nc; j++)
        tal->M[j] *= keep;

    /* Domestic intake from the graduate pipeline, and attrition. */
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        double D = hiring_demand(P, tal->H[c], funded_posts(s, bud, c, year));
        double G = tal->pipeline[c];
        double intake = dt * minf(D, G);
        /* the pipeline moves toward the demand, at most pipeline_growth_max
         * of itself (at least of the replacement flow) a year */
        double base = G > P->attrition * tal->H[c] ? G : P->attrition * tal->H[c];
        double step_max = P->pipeline_growth_max * base * dt;
        double move = D - G;
        tal->pipeline[c] = G + (move > step_max ? step_max : move < -step_max ? -step_max : move);
        double leave = tal->H[c] * moved(P->attrition, dt);
        double tq = tr_path_at(&C->talent_quality, year);
        double qa = tal->H[c] > 0 ? tal->Hq[c] / tal->H[c] : tq;
        tal->H[c] += intake - leave;
        tal->Hq[c] += intake * tq - leave * qa;
        if (tal->H[c] < TALENT_H_MIN) {
            tal->H[c] = TALENT_H_MIN;
            tal->Hq[c] = TALENT_H_MIN * tq;
        }
    }
    return TR_OK;
}
