/* localgov.h — submodel "local governments and guidance funds". */
#ifndef TR_MODEL_LOCALGOV_H
#define TR_MODEL_LOCALGOV_H

#include "model/industry/firms.h"
#include "model/policy/policy.h"
#include "model/context.h"

typedef struct tr_localgov {
    int nl;                    /* local governments, all countries */
    int picks_max;             /* largest `picks` (at most nk) */
    int *l_country;            /* [nl] */
    int *l_backs;              /* [nl * picks_max] technologies backed, -1 = none */
    double *ct_backers;        /* [nc*nk] local governments backing */
    double *ct_local_entry;    /* [nc*nk] US$ bn a year for entry subsidies */
    double *ct_local_cap;      /* [nc*nk] US$ bn a year for capacity subsidies */
    double *ct_local_cap_rate; /* [nc*nk] share of capex paid by local governments */
} tr_localgov;

/* New stakes per country and year that guidance funds aim at, shared over
 * the technologies in proportion to their money (at least one each, so a
 * long list takes more; fixed: the money is the lever, this spreads it over
 * a portfolio). */
#define FUNDS_PER_YEAR 20

typedef struct tr_funds {
    double *f_stake;           /* [nf_max] guidance-fund equity, US$ bn (0 = none) */
    double *f_stake_W0;        /* [nf_max] net worth when the stake was taken */
    int *f_stake_year;         /* [nf_max] year the stake was taken */
    double *yr_fund_in;        /* [nc] equity put in this year, US$ bn */
    double *yr_fund_ret;       /* [nc] sum of yearly returns of stakes exited this year */
    double *yr_fund_exits;     /* [nc] stakes exited this year */
    /* the year's allocation by technology (scratch of funds_year) */
    double *k_money;           /* [nk] US$ bn for the technology's new stakes */
    double *k_dedic;           /* [nk] of which from dedicated funds (guidance_fund events) */
    int *k_want;               /* [nk] stakes the technology gets (0: none) */
    int *k_got;                /* [nk] firms picked so far */
    int *k_best;               /* [nk * FUNDS_PER_YEAR] picked firms, best first */
} tr_funds;

int localgov_init(tr_localgov *lg, const sim_ctx *run, tr_arena *A);
size_t localgov_bytes(const tr_scenario *s);
int localgov_step(tr_localgov *lg, const sim_ctx *run, const tr_policy *pol, const tr_markets *mk,
                  tr_arena *scratch, double year);

int funds_init(tr_funds *fund, const sim_ctx *run, int nf_max, tr_arena *A);
size_t funds_bytes(const tr_scenario *s);
void funds_year_start(tr_funds *fund, const sim_ctx *run);
/* Firm f of country c exited: a stake in it is a total loss. */
void funds_firm_exited(tr_funds *fund, int f, int c);
void funds_year(tr_funds *fund, tr_firms *fi, const sim_ctx *run, const tr_policy *pol, const tr_localgov *lg,
                double year);

#endif
