/* sc_schema.c — THE table of scenario keys: type, default, range, unit and
 * meaning of every key at every place. The converter, the flattener and the
 * documentation check (tests/unit/test_scenario.c against docs/SCENARIO.md)
 * all read these tables, so code and docs cannot drift apart. */
#include "scenario/sc_internal.h"

#include <stddef.h>

#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define K(k) (1u << (k))
#define BIG 1e300

/* Field constructors: key, type, offset, count offset, flags, default, min, max,
 * ref, kinds, required kinds, sub-schema, unit, doc. */
#define NUM(st, key, mem, fl, d, lo, hi, unit, doc) \
    {key, SC_F_NUM, offsetof(st, mem), 0, fl, d, lo, hi, 0, 0, 0, NULL, unit, doc}
#define ENUM(st, key, mem, fl, d, lo, hi, kinds, unit, doc) \
    {key, SC_F_NUM, offsetof(st, mem), 0, fl, d, lo, hi, 0, kinds, 0, NULL, unit, doc}
#define INT(st, key, mem, fl, d, lo, hi, unit, doc) \
    {key, SC_F_INT, offsetof(st, mem), 0, fl, d, lo, hi, 0, 0, 0, NULL, unit, doc}
#define PATH(st, key, mem, fl, d, lo, hi, unit, doc) \
    {key, SC_F_PATH, offsetof(st, mem), 0, fl, d, lo, hi, 0, 0, 0, NULL, unit, doc}
#define STR(st, key, mem, fl, doc) \
    {key, SC_F_STR, offsetof(st, mem), 0, fl, 0, 0, 0, 0, 0, 0, NULL, "-", doc}
#define ID(st, doc) \
    {"id", SC_F_ID, offsetof(st, id), 0, SC_REQ, 0, 0, 0, 0, 0, 0, NULL, "-", doc}
#define REF(st, key, mem, ref, doc) \
    {key, SC_F_REF, offsetof(st, mem), 0, SC_REQ, 0, 0, 0, ref, 0, 0, NULL, "-", doc}
#define SUB(st, key, mem, fl, sub, doc) \
    {key, SC_F_SUB, offsetof(st, mem), 0, fl, 0, 0, 0, 0, 0, 0, &sub, "-", doc}
#define LIST(st, key, mem, nmem, fl, lo, hi, ref, sub, doc) \
    {key, SC_F_LIST, offsetof(st, mem), offsetof(st, nmem), fl, 0, lo, hi, ref, 0, 0, &sub, "-", doc}

/* ---- calendar ---------------------------------------------------------- */

static const sc_field calendar_fields[] = {
    INT(tr_scenario, "start", start_year, SC_REQ, 0, 1900, 2200, "year", "first simulated year"),
    INT(tr_scenario, "end", end_year, SC_REQ, 0, 1900, 2200, "year",
        "last simulated year (inclusive), >= `start`"),
    INT(tr_scenario, "steps_per_year", steps_per_year, 0, 4, 1, 52, "steps", "time steps per year"),
};
/* The calendar fields live directly in tr_scenario: the sub-schema's struct is
 * the scenario itself (offset 0). */
static const sc_schema calendar_schema = {"calendar", 0, calendar_fields, ARRAY_LEN(calendar_fields),
                                          sc_check_calendar};

/* ---- categories -------------------------------------------------------- */

static const sc_field category_fields[] = {
    ID(tr_category, "short name used in references, e.g. `energy`"),
    STR(tr_category, "name", name, SC_REQ, "full name"),
};
static const sc_schema category_schema = {"category", sizeof(tr_category), category_fields,
                                          ARRAY_LEN(category_fields), NULL};

/* ---- technologies ------------------------------------------------------ */

static const sc_field technology_fields[] = {
    ID(tr_technology, "e.g. `T27`"),
    STR(tr_technology, "name", name, SC_REQ, "full name"),
    REF(tr_technology, "category", category, SC_REF_CATEGORY, "id of its category"),
    NUM(tr_technology, "maturity", maturity, 0, 0.5, 0, 1, "fraction",
        "0 (emerging) .. 1 (mature) at the start"),
    NUM(tr_technology, "market_size", market_size, 0, 10, 0, 1e6, "US$ bn",
        "world market in the start year"),
    NUM(tr_technology, "market_growth", market_growth, 0, 0.05, -0.5, 1, "per year",
        "growth rate of the world market"),
    NUM(tr_technology, "learning_rate", learning_rate, 0, 0.1, 0, 0.95, "fraction",
        "unit-cost fall per doubling of cumulative output"),
    NUM(tr_technology, "dual_use", dual_use, 0, 0, 0, 1, "fraction", "military relevance"),
    NUM(tr_technology, "paper_cost", paper_cost, SC_MIN_EXCL, 1, 0, 100, "relative",
        "cost of a paper in this field (1 = average)"),
    {"spillovers", SC_F_SPILL, offsetof(tr_technology, links), offsetof(tr_technology, n_links), 0, 0, 0, 1,
     0, 0, 0, NULL, "fraction",
     "technology id -> share of this technology's new knowledge spilling to it (0..1); none by default"},
};
static const sc_schema technology_schema = {"technology", sizeof(tr_technology), technology_fields,
                                            ARRAY_LEN(technology_fields), NULL};

/* ---- countries --------------------------------------------------------- */

static const sc_field inst_gen_fields[] = {
    INT(tr_inst_gen, "count", count, 0, 50, 0, 100000, "institutions",
        "number of generated research institutions"),
    NUM(tr_inst_gen, "pareto_alpha", pareto_alpha, SC_MIN_EXCL, 1.3, 0.5, 10, "index",
        "Pareto tail index of institution sizes"),
    NUM(tr_inst_gen, "quality_sd", quality_sd, 0, 0.3, 0, 5, "log sd", "sd of log institution quality"),
    NUM(tr_inst_gen, "field_sd", field_sd, 0, 0.5, 0, 5, "log sd",
        "sd of log field weights around the country's strengths"),
    NUM(tr_inst_gen, "field_focus", field_focus, SC_MIN_EXCL, 0.5, 0, 1, "fraction",
        "share of fields an institution works in"),
};
static const sc_schema inst_gen_schema = {"institutions", sizeof(tr_inst_gen), inst_gen_fields,
                                          ARRAY_LEN(inst_gen_fields), NULL};

static const sc_field country_fields[] = {
    ID(tr_country, "e.g. `CN`"),
    STR(tr_country, "name", name, SC_REQ, "full name"),
    {"alliance", SC_F_LABEL, offsetof(tr_country, alliance), 0, 0, 0, 0, 0, 0, 0, 0, NULL, "-",
     "free label of at most 31 bytes, e.g. `us-allies`; empty = none"},
    PATH(tr_country, "gdp", gdp, SC_REQ | SC_MIN_EXCL, 0, 0, 1e7, "US$ bn PPP", "GDP per year (time path)"),
    PATH(tr_country, "population", population, SC_MIN_EXCL, 1, 0, 1e5, "millions", "population (time path)"),
    PATH(tr_country, "rd_intensity", rd_intensity, SC_REQ, 0, 0, 1, "fraction",
         "gross domestic expenditure on R&D (GERD) / GDP (time path)"),
    PATH(tr_country, "basic_share", basic_share, 0, 0.15, 0, 1, "fraction",
         "share of GERD spent on basic research (time path)"),
    PATH(tr_country, "applied_share", applied_share, 0, 0.25, 0, 1, "fraction",
         "share of GERD spent on applied research; experimental development is the rest, so "
         "`basic_share` + `applied_share` <= 1 at every point (time path)"),
    PATH(tr_country, "gov_share", gov_share, 0, 0.3, 0, 1, "fraction",
         "share of GERD funded by government (time path)"),
    PATH(tr_country, "other_share", other_share, 0, 0, 0, 1, "fraction",
         "share of GERD funded neither by government nor by business (higher education's own funds, "
         "non-profits, abroad); business funds the rest (time path)"),
    PATH(tr_country, "central_share", central_share, 0, 0.5, 0, 1, "fraction",
         "central share of government R&D funding (time path)"),
    PATH(tr_country, "public_performance", public_perf, 0, 0.3, 0, 1, "fraction",
         "share of GERD performed by universities and public labs (time path)"),
    PATH(tr_country, "critical_share", critical_share, 0, 1, 0, 1, "fraction",
         "share of public research spent in the scenario's technologies; the rest goes to other "
         "science such as medicine (time path)"),
    PATH(tr_country, "openness", openness, 0, 0.7, 0, 1, "fraction",
         "0 (closed) .. 1 (fully open) to knowledge and people (time path)"),
    PATH(tr_country, "researcher_cost", researcher_cost, SC_MIN_EXCL, 200, 0, 1e4, "US$ thousand PPP",
         "cost per FTE researcher-year incl. overheads (time path)"),
    NUM(tr_country, "researchers", researchers0, 0, 100, 0, 1e5, "thousands", "FTE researchers at the start"),
    NUM(tr_country, "diaspora", diaspora0, 0, 0, 0, 1e5, "thousands",
        "researchers and advanced students abroad at the start"),
    NUM(tr_country, "outbound_rate", outbound_rate, 0, 0.01, 0, 1, "per year",
        "share of the researcher stock going abroad per year at equal opportunity at home and abroad"),
    NUM(tr_country, "return_rate", return_rate, 0, 0.05, 0, 1, "per year",
        "base share of the diaspora returning"),
    PATH(tr_country, "talent_quality", talent_quality, SC_MIN_EXCL, 1, 0, 10, "relative",
         "research quality of researchers trained at home, 1 = world average (time path)"),
    {"strength", SC_F_STRENGTH, offsetof(tr_country, strength), 0, SC_MIN_EXCL, 1, 0, 1000, 0, 0, 0, NULL,
     "relative",
     "category or technology id -> relative field strength; technology keys override their "
     "category's; unlisted = 1"},
    SUB(tr_country, "institutions", inst, 0, inst_gen_schema, "generated research institutions (keys below)"),
    {"ranked", SC_F_BOOL, offsetof(tr_country, ranked), 0, 0, 1, 0, 1, 0, 0, 0, NULL, "-",
     "false for aggregate blocs (EU, rest of world) that the tracker reports but never ranks as leader"},
};
static const sc_schema country_schema = {"country", sizeof(tr_country), country_fields,
                                         ARRAY_LEN(country_fields), sc_check_country};

/* ---- listed research institutions -------------------------------------- */

static const sc_field inst_spec_fields[] = {
    ID(tr_inst_spec, "e.g. `CAS`"),
    {"name", SC_F_STR, offsetof(tr_inst_spec, name), 0, SC_DEF_ID, 0, 0, 0, 0, 0, 0, NULL, "-",
     "full name (default: the id)"},
    REF(tr_inst_spec, "country", country, SC_REF_COUNTRY, "id of its country"),
    NUM(tr_inst_spec, "size", size, SC_MIN_EXCL, 1, 0, 1e4, "relative",
        "size relative to the country's generated median institution (1)"),
    NUM(tr_inst_spec, "quality", quality, SC_MIN_EXCL, 1, 0, 100, "relative",
        "quality multiplier, 1 = country average"),
    {"strength", SC_F_STRENGTH, offsetof(tr_inst_spec, strength), 0, SC_MIN_EXCL, 1, 0, 1000, 0, 0, 0, NULL,
     "relative", "category or technology id -> multiplier of the country's strength; unlisted = 1"},
};
static const sc_schema inst_spec_schema = {"research institution", sizeof(tr_inst_spec), inst_spec_fields,
                                           ARRAY_LEN(inst_spec_fields), NULL};

/* ---- parameters -------------------------------------------------------- */

#define RP(key, mem, fl, d, lo, hi, unit, doc) NUM(tr_params_research, key, mem, fl, d, lo, hi, unit, doc)
static const sc_field research_fields[] = {
    RP("papers_per_busd", papers_per_busd, SC_MIN_EXCL, 4000, 0, 1e6, "papers / US$ bn",
       "papers per US$ bn (PPP) of public research at paper_cost 1"),
    RP("hi_base", hi_base, SC_MIN_EXCL | SC_MAX_EXCL, 0.10, 0, 1, "fraction",
       "high-impact share of papers at world-average quality (0.10 = top 10%)"),
    RP("quality_elasticity", quality_elasticity, 0, 0.6, 0, 5, "elasticity",
       "of the high-impact share to the relative knowledge stock"),
    RP("talent_elasticity", talent_elasticity, 0, 0.5, 0, 5, "elasticity",
       "of the high-impact share to talent quality"),
    RP("scale_elasticity", scale_elasticity, SC_MIN_EXCL, 1.0, 0, 2, "elasticity",
       "of papers to institution budget (returns to scale)"),
    RP("knowledge_depreciation", knowledge_depreciation, 0, 0.08, 0, 1, "per year",
       "depreciation of knowledge stocks"),
    RP("knowledge_per_hi", knowledge_per_hi, 0, 1.0, 0, 1000, "knowledge units",
       "from one high-impact paper"),
    RP("knowledge_per_paper", knowledge_per_paper, 0, 0.05, 0, 1000, "knowledge units",
       "from one ordinary paper"),
    RP("spill_domestic", spill_domestic, 0, 0.3, 0, 10, "scale", "scale of links between technologies"),
    RP("spill_foreign", spill_foreign, 0, 0.15, 0, 1, "per year",
       "share of the knowledge gap to the frontier absorbed per year at openness 1"),
    RP("absorptive_elasticity", absorptive_elasticity, 0, 0.5, 0, 5, "elasticity",
       "of foreign spillover to the own relative stock"),
    RP("basic_elasticity", basic_elasticity, 0, 0.3, 0, 5, "elasticity",
       "of the high-impact share to the country's basic-research share"),
    RP("basic_ref", basic_ref, SC_MIN_EXCL, 0.15, 0, 1, "fraction",
       "basic share at which that factor is 1"),
    RP("hi_cap", hi_cap, SC_MIN_EXCL, 0.5, 0, 1, "fraction",
       "upper bound of the high-impact share of an institution's papers"),
    RP("noise_sd", noise_sd, 0, 0.1, 0, 2, "log sd", "sd of the log annual productivity shock of an institution"),
};
static const sc_schema research_schema = {"parameters.research", sizeof(tr_params_research), research_fields,
                                          ARRAY_LEN(research_fields), NULL};

#define TP(key, mem, fl, d, lo, hi, unit, doc) NUM(tr_params_talent, key, mem, fl, d, lo, hi, unit, doc)
static const sc_field talent_fields[] = {
    TP("opportunity_elasticity", opportunity_elasticity, 0, 1.0, 0, 10, "elasticity",
       "of talent flows to relative R&D spending per researcher"),
    TP("intake_rate", intake_rate, 0, 0.15, 0, 1, "per year",
       "new researchers per year as a share of the stock at target"),
    TP("attrition", attrition, 0, 0.03, 0, 1, "per year", "retirement and exit"),
    TP("returnee_quality", returnee_quality, SC_MIN_EXCL, 1.3, 0, 10, "relative",
       "quality of returnees relative to stay-at-home researchers"),
    TP("foreign_share_max", foreign_share_max, 0, 0.05, 0, 1, "per year",
       "cap on inflows as a share of the destination stock"),
};
static const sc_schema talent_schema = {"parameters.talent", sizeof(tr_params_talent), talent_fields,
                                        ARRAY_LEN(talent_fields), NULL};

static const sc_field tracker_fields[] = {
    INT(tr_params_tracker, "window_years", window_years, 0, 5, 1, 20, "years",
        "rolling window of high-impact papers"),
    NUM(tr_params_tracker, "high_ratio", high_ratio, SC_MIN_EXCL, 3, 1, 100, "ratio",
        "lead ratio (leader / runner-up) for high monopoly risk"),
    INT(tr_params_tracker, "high_top10", high_top10, 0, 8, 0, 10, "institutions",
        "leader's institutions in the top 10 for high risk"),
    NUM(tr_params_tracker, "medium_ratio", medium_ratio, SC_MIN_EXCL, 2, 1, 100, "ratio",
        "lead ratio for medium risk, <= `high_ratio`"),
    INT(tr_params_tracker, "medium_top10", medium_top10, 0, 5, 0, 10, "institutions",
        "leader's institutions in the top 10 for medium risk, <= `high_top10`"),
};
static const sc_schema tracker_schema = {"parameters.tracker", sizeof(tr_params_tracker), tracker_fields,
                                         ARRAY_LEN(tracker_fields), sc_check_tracker};

static const sc_field params_fields[] = {
    SUB(tr_params, "research", research, 0, research_schema, "research production (keys below)"),
    SUB(tr_params, "talent", talent, 0, talent_schema, "researcher flows (keys below)"),
    SUB(tr_params, "tracker", tracker, 0, tracker_schema, "monopoly-risk tracker (keys below)"),
};
static const sc_schema params_schema = {"parameters", sizeof(tr_params), params_fields,
                                        ARRAY_LEN(params_fields), NULL};

/* ---- events ------------------------------------------------------------ */

#define EV_ALL 0u
#define EV_RD K(TR_EV_RD_FUNDING)
#define EV_MEGA K(TR_EV_MEGAPROJECT)
#define EV_PRIO K(TR_EV_PRIORITY_LIST)
#define EV_TAL K(TR_EV_TALENT_PROGRAMME)
#define EV_VISA K(TR_EV_VISA_RESTRICTION)
#define EV_JOINT K(TR_EV_JOINT_RESEARCH)
#define EVNUM(key, mem, fl, d, lo, hi, kinds, unit, doc) ENUM(tr_event, key, mem, fl, d, lo, hi, kinds, unit, doc)

static const sc_field event_fields[] = {
    ID(tr_event, "unique among events"),
    {"type", SC_F_KIND, offsetof(tr_event, kind), 0, SC_REQ, 0, 0, 0, 0, 0, 0, NULL, "-",
     "`rd_funding`, `megaproject`, `priority_list`, `talent_programme`, `visa_restriction` or "
     "`joint_research`"},
    STR(tr_event, "name", name, 0, "description"),
    {"actor", SC_F_REF, offsetof(tr_event, actor), 0, SC_REQ, 0, 0, 0, SC_REF_COUNTRY, 0, 0, NULL, "-",
     "country that enacts the policy"},
    {"start", SC_F_YEAR, offsetof(tr_event, start), 0, SC_REQ, 0, 1900, 2201, 0, 0, 0, NULL, "year",
     "year (2006, 2006.5) or quarter (\"2006Q2\" = 2006.25); may lie outside the calendar"},
    {"end", SC_F_YEAR, offsetof(tr_event, end), 0, SC_DEF_INF, 0, 1900, 2201, 0, 0, 0, NULL, "year",
     "exclusive end, after `start`; absent = never ends"},
    {"countries", SC_F_REFLIST, offsetof(tr_event, countries), offsetof(tr_event, n_countries), 0, 0, 1,
     1000, SC_REF_COUNTRY, EV_VISA | EV_JOINT, EV_VISA | EV_JOINT, NULL, "-",
     "country ids: the targets (visa_restriction) or partners (joint_research); not the actor"},
    {"technologies", SC_F_TECHLIST, offsetof(tr_event, techs), offsetof(tr_event, n_techs), SC_DEF_ALL, 0, 1, 10000,
     SC_REF_TECH, EV_MEGA | EV_PRIO | EV_JOINT, EV_MEGA | EV_PRIO, NULL, "-",
     "technology ids, category ids (all their technologies) or `all`; for joint_research the default "
     "is all"},
    EVNUM("rd_intensity_scale", rd_intensity_scale, SC_MIN_EXCL, 1, 0, 10, EV_RD, "factor",
          "multiplies the actor's R&D intensity"),
    EVNUM("basic_share_add", basic_share_add, 0, 0, -1, 1, EV_RD, "fraction",
          "added to the actor's basic-research share (result clamped to 0..1 by the model)"),
    EVNUM("gov_share_add", gov_share_add, 0, 0, -1, 1, EV_RD, "fraction",
          "added to the actor's government-funded share (result clamped to 0..1 by the model)"),
    EVNUM("budget", budget, 0, 0, 0, 1e4, EV_MEGA, "US$ bn / year",
          "extra funding, split evenly over `technologies`"),
    EVNUM("weight", weight, SC_MIN_EXCL, 1.5, 0, 100, EV_PRIO, "factor",
          "multiplies the research funding weight of the listed technologies"),
    EVNUM("return_boost", return_boost, 0, 0, 0, 100, EV_TAL, "relative",
          "relative rise of the diaspora return rate (0.5 = +50%)"),
    EVNUM("attract_boost", attract_boost, 0, 0, 0, 100, EV_TAL, "relative",
          "relative rise of attractiveness to foreign researchers"),
    EVNUM("severity", severity, 0, 0.5, 0, 1, EV_VISA, "fraction",
          "share of researcher flows from `countries` to the actor that is blocked"),
    EVNUM("knowledge_share", knowledge_share, 0, 0.2, 0, 1, EV_JOINT, "fraction",
          "extra share of the partners' new knowledge exchanged"),
};
static const sc_schema event_schema = {"event", sizeof(tr_event), event_fields, ARRAY_LEN(event_fields),
                                       sc_check_event};

/* ---- the scenario ------------------------------------------------------ */

static const sc_field scenario_fields[] = {
    {"include", SC_F_INCLUDE, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, "-",
     "files merged under this one (paths relative to this file) or `default`; top level only"},
    STR(tr_scenario, "name", name, 0, "title"),
    STR(tr_scenario, "description", description, 0, "free text"),
    {"seed", SC_F_U64, offsetof(tr_scenario, seed), 0, 0, 1, 0, 18446744073709551615.0, 0, 0, 0, NULL,
     "-", "random seed of runs (`--seed` overrides)"},
    {"calendar", SC_F_SUB, 0, 0, SC_REQ, 0, 0, 0, 0, 0, 0, &calendar_schema, "-", "keys below"},
    LIST(tr_scenario, "categories", categories, n_categories, SC_REQ, 1, 1000, SC_REF_CATEGORY,
         category_schema, "technology categories"),
    LIST(tr_scenario, "technologies", techs, n_tech, SC_REQ, 1, 1000, SC_REF_TECH, technology_schema,
         "technologies"),
    LIST(tr_scenario, "countries", countries, n_countries, SC_REQ, 1, 1000, SC_REF_COUNTRY, country_schema,
         "countries"),
    LIST(tr_scenario, "research_institutions", inst_specs, n_inst_specs, 0, 0, 100000, 0, inst_spec_schema,
         "research institutions listed by name"),
    SUB(tr_scenario, "parameters", params, 0, params_schema, "mechanism parameters (keys below)"),
    LIST(tr_scenario, "events", events, n_events, 0, 0, 100000, 0, event_schema, "policy events"),
};
const sc_schema sc_schema_scenario = {"scenario", sizeof(tr_scenario), scenario_fields,
                                      ARRAY_LEN(scenario_fields), sc_check_scenario};
