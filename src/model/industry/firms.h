/* firms.h — submodel "firms": the firm population (structure of arrays over
 * a fixed number of slots) and firm innovation. The only module that creates
 * or removes firms: firms_create and firms_remove. */
#ifndef TR_MODEL_FIRMS_H
#define TR_MODEL_FIRMS_H

#include "model/policy/policy.h"
#include "model/research/budget.h"
#include "model/research/knowledge.h"
#include "model/context.h"

enum { TR_FIRM_SOE = 0, TR_FIRM_PRIVATE = 1, TR_FIRM_SME = 2, TR_FIRM_FOREIGN = 3, TR_FIRM_TYPES = 4 };

/* Size of a small specialised firm (SME) against a full firm of its
 * industry: the initial population's capacity ratio, and the share of a full
 * firm's overhead an SME carries (a lean firm: market.c). Fixed. */
#define FIRMS_SIZE_SME 0.2

typedef struct tr_firms {
    int nf_max;                /* slots */
    int nf;                    /* slots ever used (high-water mark) */
    int nk;                    /* technologies (stride of the [nc*nk] arrays) */
    int *f_country, *f_tech;   /* [nf_max] its country, its technology (sector) */
    unsigned char *f_type;     /* [nf_max] TR_FIRM_* */
    unsigned char *f_alive;    /* [nf_max] */
    unsigned char *f_lg;       /* [nf_max] little giant this year */
    unsigned char *f_short;    /* [nf_max] its investment was cut short by finance last step */
    uint32_t *f_key;           /* [nf_max] entity word of its random streams */
    double *f_q;               /* [nf_max] quality-adjusted productivity (frontier 1 at start) */
    double *f_cum;             /* [nf_max] cumulative output, units */
    double *f_E0;              /* [nf_max] experience when it started (learning-curve origin) */
    double *f_cap;             /* [nf_max] capacity, units a year */
    double *f_cost;            /* [nf_max] unit cost this step */
    double *f_price;           /* [nf_max] price this step */
    double *f_share;           /* [nf_max] share of the technology's world sales potential (replicator state) */
    double *f_rd_equity;       /* [nf_max] R&D a year paid from outside equity (guidance funds), US$ bn */
    double *f_appeal;          /* [nf_max] taste weight of its variety (CES); NAN until the market sets it */
    double *f_demand;          /* [nf_max] units a year demanded this step */
    double *f_y;               /* [nf_max] output, units a year, this step */
    double *f_W;               /* [nf_max] net worth, US$ bn */
    double *f_rev;             /* [nf_max] revenue this year, US$ bn */
    double *f_profit;          /* [nf_max] profit this year, US$ bn */
    double *f_rd_share;        /* [nf_max] R&D share of revenue */
    double *f_rd_mult;         /* [nf_max] its R&D share relative to its country's path */
    double *f_rev_rate;        /* [nf_max] revenue this step, US$ bn a year */
    int *f_born;               /* [nf_max] step it entered (-1 for firms present at the start) */
    int *free_slots;           /* per country, a stack of its free slots at free_slots + c_first[c] */
    int *c_first;              /* [nc+1] country c's slots are c_first[c] .. c_first[c+1]-1 */
    int *c_nfree;              /* [nc] free slots on country c's stack */
    int *ct_created;           /* [nc] firms ever created (keys) */
    double *ct_n;              /* [nc*nk] firms alive */
    double *k_frontier;        /* [nk] best productivity of a live firm */
    double *ct_best;           /* [nc*nk] best productivity of country c's live firms in k */
    double *ct_front;          /* [nc*nk] the frontier c's firms can reach (imitate, install): export controls exclude part of the controlling countries' */
    double *k_lgcut;           /* [nk] little-giant productivity threshold */
    double *ct_lastK;          /* [nc*nk] knowledge at the previous step (commercialization) */
    double *ct_kgrowth;        /* [nc*nk] knowledge growth this step */
    double *ct_absorb;         /* [nc*nk] absorptive capacity (knowledge intensity / largest)^absorptive_elasticity */
    double *ct_comm;           /* [nc] commercialization rate this step */
} tr_firms;

/* What differs between a firm of the initial population and an entrant:
 * the caller passes it; firms_create makes the draws in a fixed order
 * (productivity, then size if size_sigma >= 0, then the R&D multiplier of an
 * SME) from the caller's stream. The spreads (q_sd, size_sigma, the SME R&D
 * spread) are those of one real firm; a model firm standing for a cohort of
 * n real firms draws the cohort's mean, whose log sd firms_cohort_sd gives. */
typedef struct tr_firm_spec {
    int country, tech;
    unsigned char type;        /* TR_FIRM_* */
    uint32_t key;              /* from firms_new_key */
    int born;                  /* step of entry, -1 for the initial population */
    double q_scale;            /* productivity = q_scale x LogNormal(mean 1, q_sd) */
    double q_sd;
    double size;               /* capacity before the type factor, relative or in units */
    double size_sigma;         /* < 0: no draw; else capacity = size x LogNormal(mean 1, size_sigma) */
    const double *size_factor; /* [TR_FIRM_TYPES] capacity factor by type */
    double rd_base;            /* its country's R&D share of revenue; SMEs scatter around it */
    double cohort;             /* real firms it stands for (`represents`; 1 or more) */
} tr_firm_spec;

/* Log sd of the mean of n independent real firms' draws, each LogNormal with
 * mean 1 and log sd sd, matched by a lognormal (Fenton-Wilkinson): the mean
 * has variance (exp(sd^2) - 1) / n, so sqrt(log(1 + (exp(sd^2) - 1) / n));
 * sd itself for n <= 1. */
double firms_cohort_sd(double sd, double n);
/* The productivity at which a firm with producer cost level cl is as
 * competitive in technology T at the start as one at the reference (q = 1,
 * cost level 1). */
double firms_parity_q(const tr_technology *T, const tr_params_firms *P, double cl);

int firms_init(tr_firms *fi, const sim_ctx *run, tr_arena *A);
size_t firms_bytes(const tr_scenario *s);
/* Slots of country c per the scenario (firms.count x max_factor). */
int firms_slots(const tr_scenario *s, int c);
/* The initial population, spread over technologies; scratch is reset by the caller. */
int firms_populate(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn, tr_arena *scratch);
/* Key of the next firm created in country c. */
uint32_t firms_new_key(tr_firms *fi, int c);
/* 1 when country c has a free slot. */
int firms_has_room(const tr_firms *fi, int c);
/* Create a firm in a free slot of its country; returns the slot, -1 if none. */
int firms_create(tr_firms *fi, const tr_firm_spec *spec, tr_rng *r);
/* Remove firm f (exit): its slot goes back to its country. */
void firms_remove(tr_firms *fi, int f);
/* Add equity to firm f (negative: a bail-out's write-off, entry.c); returns
 * its new net worth. Guidance funds use firms_invest_rd_equity. */
double firms_add_equity(tr_firms *fi, int f, double amount);
/* Equity for research (guidance funds): net worth rises by the amount, and
 * the firm spends it on R&D, amount / years a year on top of its own (the
 * spending, paid in market_step, draws its net worth back down); returns
 * its new net worth. */
double firms_invest_rd_equity(tr_firms *fi, int f, double amount, double years);
/* The fund has exited firm f: no more equity-financed R&D. */
void firms_end_rd_equity(tr_firms *fi, int f);
/* Start of a year: revenue and profit of the year back to zero. */
void firms_year_start(tr_firms *fi);
/* The knowledge stocks the commercialization channel measures growth from
 * (after the initial stocks are final). */
void firms_start_knowledge(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn);
void firms_innovate(tr_firms *fi, const sim_ctx *run, const tr_knowledge *kn, const tr_budgets *bud,
                    const tr_policy *pol, const tr_markets *mk, double year);
/* End of a year: little giants, small firms in the top productivity quantile
 * of their technology with enough R&D. */
int firms_little_giants(tr_firms *fi, const sim_ctx *run, tr_arena *scratch);

#endif
