/* entry.h — submodel "entry and exit" of firms. No state of its own: it
 * creates and removes firms through firms.h and records them in the market
 * accounts through market.h. */
#ifndef TR_MODEL_ENTRY_H
#define TR_MODEL_ENTRY_H

#include "model/industry/firms.h"
#include "model/industry/localgov.h"
#include "model/industry/market.h"
#include "model/policy/policy.h"
#include "model/context.h"

void entry_step(tr_firms *fi, tr_markets *mk, const sim_ctx *run, const tr_policy *pol, const tr_localgov *lg,
                double year);
void exit_year(tr_firms *fi, tr_markets *mk, tr_funds *fund, const sim_ctx *run);

#endif
