/* fields.h — the metrics of a year report, one X-macro list per level, so
 * that every writer (the results database, the experiment database, CSV)
 * and the docs name the same fields in the same order. Internal.
 *
 * X(field, unit, compact, description): field is the member of
 * tr_country_year / tr_ct_year (a double); compact = 1 when an ensemble
 * keeps it per run by default (docs/RESULTS.md, "Experiment databases"). */
#ifndef TR_EXP_FIELDS_H
#define TR_EXP_FIELDS_H

#include <stddef.h>

#include "techrace/sim.h"

#define TR_CY_FIELDS(X)                                                                        \
    X(gdp, "US$ bn PPP", 1, "GDP")                                                             \
    X(rd_intensity, "share of GDP", 1, "GERD / GDP after policy")                              \
    X(gerd, "US$ bn", 1, "gross domestic expenditure on R&D")                                  \
    X(gov_funding, "US$ bn", 1, "government-funded R&D")                                       \
    X(central_funding, "US$ bn", 1, "of which central government")                             \
    X(local_funding, "US$ bn", 1, "of which local governments")                                \
    X(business_funding, "US$ bn", 1, "business-funded R&D")                                    \
    X(other_funding, "US$ bn", 1, "R&D funded by higher education, non-profits and abroad")   \
    X(basic, "US$ bn", 1, "spent on basic research")                                           \
    X(applied, "US$ bn", 1, "spent on applied research")                                       \
    X(experimental, "US$ bn", 1, "spent on experimental development")                          \
    X(public_research, "US$ bn", 1, "reaching research institutions (incl. megaprojects)")     \
    X(megaproject, "US$ bn", 1, "megaproject money")                                           \
    X(researchers, "thousand FTE", 1, "researchers, end of year")                              \
    X(diaspora, "thousand", 1, "researchers abroad, end of year")                              \
    X(outbound, "thousand", 1, "researchers who left this year")                               \
    X(returnees, "thousand", 1, "researchers who came back this year")                         \
    X(inbound_foreign, "thousand", 1, "foreign researchers who arrived this year")             \
    X(talent_quality, "index", 1, "average quality of researchers")                            \
    X(papers, "papers", 1, "papers this year")                                                 \
    X(hi_papers, "papers", 1, "high-impact papers this year")                                  \
    X(world_rd_share, "share", 1, "share of world GERD")                                       \
    X(production, "US$ bn", 1, "sold by its firms in all markets")                             \
    X(exports, "US$ bn", 1, "sold abroad")                                                     \
    X(consumption, "US$ bn", 1, "bought in its market")                                        \
    X(jobs, "thousand", 1, "jobs in its firms")                                                \
    X(firm_rd, "US$ bn", 1, "R&D its firms fund themselves")                                   \
    X(firm_rd_grants, "US$ bn", 1, "R&D grants its firms received")                            \
    X(subsidies_central, "US$ bn", 1, "paid to firms by the central government")               \
    X(subsidies_local, "US$ bn", 1, "paid to firms by local governments")                      \
    X(fund_invested, "US$ bn", 1, "guidance-fund equity put in this year")                     \
    X(fund_return, "per year", 1, "average yearly return of stakes exited (NaN if none)")      \
    X(bailouts, "US$ bn", 1, "spent recapitalising state-owned firms")                         \
    X(firms, "firms", 1, "firms alive, end of year")                                           \
    X(smes, "firms", 1, "of which small specialised firms")                                    \
    X(little_giants, "firms", 1, "of which designated little giants")                          \
    X(entries, "firms", 1, "firms that entered this year")                                     \
    X(exits, "firms", 1, "firms that exited this year")

#define TR_CT_FIELDS(X)                                                                        \
    X(budget, "US$ bn", 0, "research funding")                                                 \
    X(papers, "papers", 0, "papers")                                                           \
    X(hi_papers, "papers", 0, "high-impact papers")                                            \
    X(knowledge, "index", 1, "knowledge stock, end of year")                                   \
    X(hi_share, "share", 1, "share of world high-impact papers over the tracker window")      \
    X(production, "US$ bn", 1, "sold by its firms in all markets")                             \
    X(exports, "US$ bn", 0, "of that sold abroad")                                             \
    X(consumption, "US$ bn", 0, "bought in its market")                                        \
    X(imports, "US$ bn", 0, "of that bought from foreign firms (producer prices)")             \
    X(buyer_price, "index", 0, "delivered price index of its market (1 = world at start)")     \
    X(world_share, "share", 1, "share of world sales of the technology")                      \
    X(unit_share, "share", 1, "share of world units sold of the technology")                  \
    X(self_sufficiency, "share", 1, "share of its market supplied by its own firms")          \
    X(jobs, "thousand", 0, "jobs")                                                             \
    X(capacity, "US$ bn a year", 1, "capacity at current prices")                              \
    X(utilization, "share", 1, "output over capacity")                                         \
    X(price_cost, "ratio", 1, "average price over unit cost")                                  \
    X(unit_cost, "index", 0, "average unit cost (1 = frontier at start)")                      \
    X(loss_share, "share", 1, "share of its firms making losses")                              \
    X(profit, "US$ bn", 0, "after capacity costs, overheads and R&D, output subsidies incl.")  \
    X(subsidies, "US$ bn", 1, "paid to its firms in this technology")                          \
    X(subsidy_per_unit, "ratio", 0, "subsidies over production")                               \
    X(commercialization_gap, "share", 0, "hi_share - world_share")                             \
    X(firms, "firms", 0, "alive, end of year")                                                 \
    X(entries, "firms", 0, "entered this year")                                                \
    X(exits, "firms", 0, "exited this year")                                                   \
    X(local_backers, "governments", 0, "local governments backing it")

typedef struct tr_field {
    const char *name;
    const char *unit;
    int compact;
    const char *description;
    size_t off;
} tr_field;

#endif
