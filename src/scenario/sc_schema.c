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
    NUM(tr_technology, "price_elasticity", price_elasticity, 0, 1.0, 0, 10, "elasticity",
        "of each market's demand (in units) to the delivered price its buyers pay (index over the start)"),
    NUM(tr_technology, "cost_floor", cost_floor, 0, 0, 0, 1, "share",
        "share of the start-year unit cost (materials, energy) that does not fall along the learning curve"),
    {"spillovers", SC_F_SPILL, offsetof(tr_technology, links), offsetof(tr_technology, n_links), 0, 0, 0, 1,
     0, 0, 0, NULL, "fraction",
     "technology id -> share of this technology's new knowledge spilling to it (0..1); none by default"},
    {"inputs", SC_F_SPILL, offsetof(tr_technology, inputs), offsetof(tr_technology, n_inputs), 0, 0, 0, 0.9,
     0, 0, 0, NULL, "fraction",
     "technology id -> share of this technology's unit cost that is bought from that technology's makers (the "
     "supply chain; at most 0.9 in all): where its buyers' access to the input changes (export controls, tariffs, "
     "a domestic supplier industry), that share of its cost moves with the input's price there; none by default"},
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

static const sc_field firm_gen_fields[] = {
    INT(tr_firm_gen, "count", count, 0, 0, 0, 1000000, "firms",
        "firms at the start, spread over technologies by field strength times market size"),
    NUM(tr_firm_gen, "soe_share", soe_share, 0, 0.1, 0, 1, "fraction", "share that are state-owned"),
    NUM(tr_firm_gen, "foreign_share", foreign_share, 0, 0.1, 0, 1, "fraction",
        "share that are foreign-invested"),
    NUM(tr_firm_gen, "sme_share", sme_share, 0, 0.5, 0, 1, "fraction",
        "share of the private firms that are small specialised firms (SMEs)"),
    NUM(tr_firm_gen, "productivity", productivity, SC_MIN_EXCL, 1, 0, 10, "relative",
        "mean quality-adjusted productivity at the start relative to competitiveness parity (1: as competitive as a firm of cost level 1 and productivity 1, given the bloc's start-year cost level)"),
    NUM(tr_firm_gen, "productivity_sd", productivity_sd, 0, 0.3, 0, 5, "log sd",
        "sd of log productivity across real firms (a model firm draws its cohort's mean: less spread)"),
    NUM(tr_firm_gen, "size_sigma", size_sigma, 0, 1.2, 0, 5, "log sd",
        "sd of log initial capacity across real firms (a model firm draws its cohort's mean)"),
    PATH(tr_firm_gen, "rd_share", rd_share, 0, 0.05, 0, 1, "fraction",
         "R&D spending as a share of revenue of its average firm (time path; SMEs vary around it)"),
    NUM(tr_firm_gen, "max_factor", max_factor, 0, 3, 1, 100, "factor",
        "room for entrants: at most this times `count` firms alive at once"),
    NUM(tr_firm_gen, "size", size, SC_MIN_EXCL, 1, 0, 1e6, "relative",
        "mean initial capacity of its firms relative to a world-average firm (1)"),
    PATH(tr_firm_gen, "cost", cost, SC_MIN_EXCL, 1, 0, 100, "relative",
         "relative unit cost level of its producers (wages, inputs, energy), 1 = the reference (the US in the default "
         "scenario); moved by parameters.firms.cost_pressure (time path)"),
    NUM(tr_firm_gen, "represents", represents, SC_MIN_EXCL, 1, 0, 1e6, "firms",
        "real firms one model firm stands for (a cohort): scales the reported counts of firms, SMEs and "
        "little giants, and shrinks the spread of its initial draws and its innovation draws to a cohort's "
        "(never their mean)"),
    INT(tr_firm_gen, "little_giants", little_giants, 0, 0, 0, 1, "flag",
        "1 where the country runs a \"little giant\" programme (China's MIIT designation of specialised SMEs): only "
        "there are SMEs designated, by parameters.firms.little_giant_quantile and little_giant_rd"),
};
static const sc_schema firm_gen_schema = {"firms", sizeof(tr_firm_gen), firm_gen_fields,
                                          ARRAY_LEN(firm_gen_fields), NULL};

static const sc_field local_gen_fields[] = {
    INT(tr_local_gen, "count", count, 0, 0, 0, 10000, "governments", "local governments (0 = none)"),
    INT(tr_local_gen, "picks", picks, 0, 5, 1, 1000, "technologies", "technologies each backs per plan cycle"),
    INT(tr_local_gen, "cycle", cycle, 0, 5, 1, 50, "years", "years between choices (an official's term)"),
    NUM(tr_local_gen, "herding", herding, 0, 1, 0, 100, "weight", "weight of what peer localities back"),
    NUM(tr_local_gen, "priority", priority, 0, 1, 0, 100, "weight", "weight of the central priority list"),
    NUM(tr_local_gen, "growth", growth, 0, 1, 0, 100, "weight",
        "weight of visible recent output growth (promotion incentive)"),
    NUM(tr_local_gen, "entry_share", entry_share, 0, 0.5, 0, 1, "fraction",
        "share of the budget spent on entry subsidies; the rest subsidises capacity"),
};
static const sc_schema local_gen_schema = {"local_governments", sizeof(tr_local_gen), local_gen_fields,
                                           ARRAY_LEN(local_gen_fields), NULL};

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
     "category or technology id -> relative field strength (e.g. the activity index of its "
     "publications, 1 = world average); technology keys override their category's written in the same file, and "
     "a category written later (in an including file or by --set) replaces its technologies' keys written "
     "before; unlisted = 1"},
    {"industry_strength", SC_F_STRENGTH, offsetof(tr_country, industry), 0, SC_MIN_EXCL, 1, 0, 1000, 0, 0, 0, NULL,
     "relative",
     "category or technology id -> industrial specialisation (e.g. value-added share relative to the "
     "world's): weight, times world market size, for placing its firms at the start; unlisted = 1"},
    SUB(tr_country, "institutions", inst, 0, inst_gen_schema, "generated research institutions (keys below)"),
    {"ranked", SC_F_BOOL, offsetof(tr_country, ranked), 0, 0, 1, 0, 1, 0, 0, 0, NULL, "-",
     "false for aggregate blocs (EU, rest of world) that the tracker reports but never ranks as leader"},
    SUB(tr_country, "firms", firms, 0, firm_gen_schema, "its firms at the start (keys below)"),
    SUB(tr_country, "local_governments", local, 0, local_gen_schema, "its local governments (keys below)"),
    PATH(tr_country, "local_budget", local_budget, 0, 0, 0, 1e5, "US$ bn / year",
         "local governments' industrial support: entry and capacity subsidies (time path)"),
    PATH(tr_country, "guidance_fund", fund_budget, 0, 0, 0, 1e5, "US$ bn / year",
         "government guidance funds' equity injections into firms (time path)"),
    NUM(tr_country, "home_bias", home_bias, 0, 0.2, 0, 10, "relative",
        "extra preference of its buyers for domestic products (0.2 = +20%)"),
    PATH(tr_country, "commercialization", commercialization, 0, 0.1, 0, 1, "fraction",
         "share of national knowledge growth that reaches its firms' productivity (time path)"),
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
    RP("critical_share", critical_share, 0, 1, 0, 1, "fraction",
       "share of public research spent in the scenario's technologies by a bloc of world-average field mix; "
       "a bloc spends this x the mean of its `strength` over the technologies (at most all of it), the rest "
       "goes to other science such as medicine"),
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
    RP("firm_research_share", firm_research_share, 0, 0.2, 0, 1, "fraction",
       "share of firms' own R&D that is research and adds to the national knowledge stock (at the yield of "
       "the country's public research in the technology)"),
};
static const sc_schema research_schema = {"parameters.research", sizeof(tr_params_research), research_fields,
                                          ARRAY_LEN(research_fields), NULL};

#define TP(key, mem, fl, d, lo, hi, unit, doc) NUM(tr_params_talent, key, mem, fl, d, lo, hi, unit, doc)
static const sc_field talent_fields[] = {
    TP("opportunity_elasticity", opportunity_elasticity, 0, 1.0, 0, 10, "elasticity",
       "of talent flows to relative R&D spending per researcher"),
    TP("standing_elasticity", standing_elasticity, 0, 0, 0, 5, "elasticity",
       "of a country's opportunity for researchers to its research standing: its high-impact papers per "
       "researcher over the world's (0: R&D money per researcher alone)"),
    TP("intake_rate", intake_rate, 0, 0.15, 0, 1, "per year",
       "new researchers per year as a share of the stock at target"),
    TP("attrition", attrition, 0, 0.03, 0, 1, "per year", "retirement and exit"),
    TP("returnee_quality", returnee_quality, SC_MIN_EXCL, 1.3, 0, 10, "relative",
       "quality of returnees relative to stay-at-home researchers"),
    TP("foreign_share_max", foreign_share_max, 0, 0.05, 0, 1, "per year",
       "cap on inflows as a share of the destination stock"),
    TP("pipeline_growth_max", pipeline_growth_max, 0, 0.15, 0, 1, "per year",
       "most the domestic graduate pipeline (new researchers a year) grows or shrinks toward the hiring "
       "demand in a year, as a share of itself"),
    TP("people_spill", people_spill, 0, 0.2, 0, 10, "fraction",
       "share of a partner's new knowledge a country gains per unit of the partner's researchers linked to "
       "it by migration (its emigrants there and the partner's emigrants in it, over the partner's stock)"),
    TP("returnee_knowledge", returnee_knowledge, 0, 1, 0, 10, "fraction",
       "share of the host's knowledge lead (per home researcher) that a returnee brings home"),
    TP("return_push", return_push, 0, 0, 0, 100, "per severity",
       "rise of the return rate of a country's researchers in a host per unit of the host's visa restriction on that country"),
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

#define FP(key, mem, fl, d, lo, hi, unit, doc) NUM(tr_params_firms, key, mem, fl, d, lo, hi, unit, doc)
static const sc_field firms_fields[] = {
    FP("innovation_rate", innovation_rate, 0, 0.5, 0, 100, "per year",
       "innovations a year of a real firm whose R&D equals the technology's reference"),
    FP("innovation_elasticity", innovation_elasticity, 0, 0.5, 0, 5, "elasticity",
       "of the innovation rate to a firm's R&D relative to the technology's reference"),
    FP("rd_reference", rd_reference, SC_MIN_EXCL, 0.05, 0, 1, "fraction",
       "R&D share of sales of the reference firm (its R&D x the average firm's sales sets the scale)"),
    FP("commercialization_lag", commercialization_lag, 0, 0, 0, 50, "years",
       "mean lag (exponential) from national knowledge growth to firms' productivity; 0: none"),
    FP("innovation_gain", innovation_gain, 0, 0.2, 0, 10, "fraction",
       "largest productivity gain of one innovation (gain x Beta(1, 3))"),
    FP("imitation_rate", imitation_rate, 0, 0.1, 0, 100, "per year",
       "imitation chances a year at full absorptive capacity and openness"),
    FP("imitation_elasticity", imitation_elasticity, 0, 0.5, 0, 5, "elasticity",
       "of the imitation rate to a firm's R&D relative to the reference (absorptive capacity)"),
    FP("imitation_catchup", imitation_catchup, 0, 0.2, 0, 1, "fraction",
       "share of the gap to the frontier closed by one imitation"),
    FP("embodied_catchup", embodied_catchup, 0, 0, 0, 1, "fraction",
       "share of the gap between a firm's productivity and the frontier its country can reach (the technology's "
       "best, less what export controls put out of reach) that its new capacity closes (production technology "
       "embodied in equipment bought on the world market): q moves by embodied_catchup x (frontier - q) x new "
       "capacity / capacity"),
    FP("absorptive_elasticity", absorptive_elasticity, 0, 0.5, 0, 5, "elasticity",
       "of the imitation rate to the country's knowledge intensity in the technology (stock per GDP) relative to the "
       "most knowledge-intensive country's"),
    FP("learning_spill", learning_spill, 0, 0.1, 0, 10, "weight",
       "weight of the national industry's cumulative output in a firm's experience"),
    FP("learning_spill_foreign", learning_spill_foreign, 0, 1.0, 0, 10, "relative",
       "weight of other countries' cumulative output in a firm's experience, relative to `learning_spill`"),
    FP("replicator_speed", replicator_speed, 0, 0.1, 0, 100, "per year",
       "speed at which shares move toward the share their competitiveness commands (share of the gap closed a year)"),
    FP("appeal_adjust", appeal_adjust, 0, 0, 0, 10, "per year",
       "speed at which a variety's appeal (its customer base) moves toward its share of the technology's sales "
       "(share of the gap closed a year; 0: the appeal stays at the share it entered with)"),
    FP("share_elasticity", share_elasticity, 0, 4.0, 0, 50, "elasticity",
       "of a firm's target share of its technology to its competitiveness relative to its rivals' (elasticity of "
       "substitution between suppliers' varieties)"),
    FP("price_weight", price_weight, 0, 1.0, 0, 20, "exponent", "of price in competitiveness"),
    FP("quality_weight", quality_weight, 0, 0.5, 0, 20, "exponent", "of productivity (quality) in competitiveness"),
    FP("trade_cost", trade_cost, 0, 0.1, 0, 10, "fraction", "ad-valorem cost of selling abroad"),
    FP("cost_pressure", cost_pressure, 0, 0, 0, 5, "elasticity",
       "of a country's producer cost level to its share of the world's factor use in the technologies (units x unit "
       "cost before the cost level) over its share of the world's factor supply (cost_pressure_skill), against the start"),
    FP("cost_pressure_skill", cost_pressure_skill, 0, 0.5, 0, 1, "fraction",
       "weight of skilled labour (the country's researchers) in its factor supply to the technologies, against which "
       "cost_pressure measures its industry; the rest is its economy (GDP): supply = GDP share^(1 - w) x researcher "
       "share^w"),
    FP("cost_adjust", cost_adjust, SC_MIN_EXCL, 0.5, 0, 100, "per year",
       "speed at which a country's factor-market pressure (cost_pressure) follows its industry's size (share of the "
       "gap closed a year): wages and input prices follow over a year or two, not every step"),
    FP("markup", markup, 0, 0.6, 0, 10, "fraction", "price over unit cost in a concentrated market at full use"),
    FP("markup_competition", markup_competition, 0, 0.5, 0, 1, "fraction",
       "how much competition (1 - HHI) squeezes the markup"),
    FP("markup_utilization", markup_utilization, 0, 1.0, 0, 10, "elasticity",
       "of the markup to capacity utilization (overcapacity squeezes margins)"),
    FP("markup_adjust", markup_adjust, SC_MIN_EXCL, 1.0, 0, 100, "per year",
       "speed at which the utilization that markups respond to follows each step's (share of the gap closed a "
       "year): prices are revised about once a year, not every step"),
    FP("cost_pass_through", cost_pass_through, 0, 0.65, 0, 1, "elasticity",
       "of a firm's price to its own unit cost; the rest follows the technology's average cost"),
    FP("capacity_cost", capacity_cost, 0, 0.1, 0, 10, "fraction",
       "yearly fixed cost of a unit of capacity (capital and the overhead that grows with plant size) as a share of "
       "unit cost; the cost of running a firm whatever its size is `overhead`"),
    FP("overhead", overhead, 0, 0.07, 0, 10, "fraction",
       "yearly overhead (headquarters, sales, fixed staff) of a typical full firm of its national industry, as a "
       "share of that firm's revenue; the typical full firm's revenue is the start-year revenue per full firm (an "
       "SME counting a fifth), grown with its technology's world sales and its country's cost level"),
    FP("overhead_elasticity", overhead_elasticity, 0, 0, 0, 1, "elasticity",
       "of a firm's overhead to its size (revenue at target utilization): 0 a cost fixed per firm, 1 a cost "
       "proportional to size; below 1, small firms carry more overhead per unit of sales"),
    FP("capex", capex, 0, 1.0, 0, 100, "multiple", "cost of a new unit of capacity as a multiple of unit cost"),
    FP("capacity_depreciation", capacity_depreciation, 0, 0.1, 0, 1, "per year", "capacity wear-out"),
    FP("target_utilization", target_utilization, SC_MIN_EXCL, 0.85, 0, 1, "fraction",
       "utilization firms invest toward"),
    FP("investment_speed", investment_speed, 0, 2.0, 0, 10, "per year", "share of the capacity gap closed a year"),
    FP("credit_limit", credit_limit, 0, 0.5, 0, 100, "years of sales",
       "most debt (capacity at cost beyond net worth) a private firm may carry to pay for capacity"),
    FP("entry_rate", entry_rate, 0, 0.03, 0, 10, "per year",
       "entrants a year per typical firm of the national industry (its revenue over a typical full firm's; see "
       "`overhead`) at zero profit margin"),
    FP("entry_margin", entry_margin, 0, 1.0, 0, 100, "per margin",
       "rise of entry per unit of the national industry's profit margin (profits after all costs over sales)"),
    FP("entry_subsidy_effect", entry_subsidy_effect, 0, 0.1, 0, 1000, "per US$ bn",
       "rise of the entry rate per US$ bn a year of entry subsidies"),
    FP("exit_net_worth", exit_net_worth, 0, 0.5, 0, 100, "fraction of revenue",
       "a private firm exits when its net worth falls below -this x its revenue"),
    FP("exit_share", exit_share, 0, 1e-5, 0, 1, "fraction",
       "a private firm exits when its share of the technology's world sales falls below this"),
    FP("bailout_limit", bailout_limit, 0, 0.5, 0, 100, "fraction of revenue",
       "state-owned firms are recapitalised to zero net worth below -this x revenue (soft budget)"),
    FP("jobs_per_busd", jobs_per_busd, 0, 3.0, 0, 1e4, "thousand jobs / US$ bn", "jobs per unit of output"),
    FP("little_giant_quantile", little_giant_quantile, 0, 0.9, 0, 1, "quantile",
       "productivity quantile (within its technology) an SME must reach to be a little giant"),
    FP("little_giant_rd", little_giant_rd, 0, 0.05, 0, 1, "fraction",
       "R&D share of revenue an SME must reach to be a little giant"),
    FP("target_preference", target_preference, 0, 3.0, 0, 100, "per unit gap",
       "domestic preference added per unit of gap to a self-sufficiency target"),
    FP("target_subsidy", target_subsidy, 0, 0.5, 0, 10, "per unit gap",
       "per-output subsidy (share of unit cost) per unit of gap to a self-sufficiency target"),
    FP("fund_return_target", fund_return_target, 0, 0.08, -1, 10, "per year", "guidance funds' target return"),
    INT(tr_params_firms, "fund_horizon", fund_horizon, 0, 7, 1, 100, "years",
        "years before a guidance fund exits a stake"),
};
static const sc_schema firms_schema = {"parameters.firms", sizeof(tr_params_firms), firms_fields,
                                       ARRAY_LEN(firms_fields), NULL};

static const sc_field params_fields[] = {
    SUB(tr_params, "research", research, 0, research_schema, "research production (keys below)"),
    SUB(tr_params, "talent", talent, 0, talent_schema, "researcher flows (keys below)"),
    SUB(tr_params, "tracker", tracker, 0, tracker_schema, "monopoly-risk tracker (keys below)"),
    SUB(tr_params, "firms", firms, 0, firms_schema, "firms, markets, entry and exit (keys below)"),
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
#define EV_SUB K(TR_EV_SUBSIDY)
#define EV_SS K(TR_EV_SELF_SUFFICIENCY)
#define EV_TARIFF K(TR_EV_TARIFF)
#define EV_BUY K(TR_EV_BUY_DOMESTIC)
#define EV_SCREEN K(TR_EV_INVESTMENT_SCREENING)
#define EV_FUND K(TR_EV_GUIDANCE_FUND)
#define EV_XC K(TR_EV_EXPORT_CONTROL)
#define KIND_QUOTED_(e, name, doc) "`" name "`, "
#define EVNUM(key, mem, fl, d, lo, hi, kinds, unit, doc) ENUM(tr_event, key, mem, fl, d, lo, hi, kinds, unit, doc)

static const sc_field event_fields[] = {
    ID(tr_event, "unique among events"),
    {"type", SC_F_KIND, offsetof(tr_event, kind), 0, SC_REQ, 0, 0, 0, 0, 0, 0, NULL, "-",
     "one of " TR_EVENT_KINDS(KIND_QUOTED_) "described under Event types"},
    STR(tr_event, "name", name, 0, "description"),
    {"actor", SC_F_REF, offsetof(tr_event, actor), 0, SC_REQ, 0, 0, 0, SC_REF_COUNTRY, 0, 0, NULL, "-",
     "country that enacts the policy"},
    {"start", SC_F_YEAR, offsetof(tr_event, start), 0, SC_REQ, 0, 1900, 2201, 0, 0, 0, NULL, "year",
     "year (2006, 2006.5) or quarter (\"2006Q2\" = 2006.25); may lie outside the calendar"},
    {"end", SC_F_YEAR, offsetof(tr_event, end), 0, SC_DEF_INF, 0, 1900, 2201, 0, 0, 0, NULL, "year",
     "exclusive end, after `start`; absent = never ends"},
    {"countries", SC_F_REFLIST, offsetof(tr_event, countries), offsetof(tr_event, n_countries), 0, 0, 1,
     1000, SC_REF_COUNTRY, EV_VISA | EV_JOINT | EV_TARIFF | EV_XC, EV_VISA | EV_JOINT | EV_XC, NULL, "-",
     "country ids: the targets (visa_restriction, export_control; tariff, where none = every other country) or "
     "partners (joint_research); not the actor"},
    {"technologies", SC_F_TECHLIST, offsetof(tr_event, techs), offsetof(tr_event, n_techs), SC_DEF_ALL, 0, 1, 10000,
     SC_REF_TECH, EV_MEGA | EV_PRIO | EV_JOINT | EV_SUB | EV_SS | EV_TARIFF | EV_BUY | EV_SCREEN | EV_FUND | EV_XC,
     EV_MEGA | EV_PRIO | EV_SS | EV_FUND | EV_XC, NULL, "-",
     "technology ids, category ids (all their technologies) or `all`; required for megaproject, "
     "priority_list, self_sufficiency_target, guidance_fund and export_control, default all for the others"},
    EVNUM("rd_intensity_scale", rd_intensity_scale, SC_MIN_EXCL, 1, 0, 10, EV_RD, "factor",
          "multiplies the actor's R&D intensity"),
    EVNUM("basic_share_add", basic_share_add, 0, 0, -1, 1, EV_RD, "fraction",
          "added to the actor's basic-research share (result clamped to 0..1 by the model)"),
    EVNUM("gov_share_add", gov_share_add, 0, 0, -1, 1, EV_RD, "fraction",
          "added to the actor's government-funded share (result clamped to 0..1 by the model)"),
    {"budget", SC_F_NUM, offsetof(tr_event, budget), 0, 0, 0, 0, 1e4, 0, EV_MEGA | EV_FUND, EV_FUND, NULL,
     "US$ bn / year",
     "megaproject: extra funding; guidance_fund: equity invested (times the part of each year in force); split evenly "
     "over `technologies`; required for guidance_fund"},
    EVNUM("firm_share", firm_share, 0, 0, 0, 1, EV_MEGA, "fraction",
          "share of the budget given to the actor's firms in `technologies` as R&D grants (in proportion to "
          "their sales); the rest funds research institutions"),
    EVNUM("weight", weight, SC_MIN_EXCL, 1.5, 0, 100, EV_PRIO, "factor",
          "multiplies the research funding weight of the listed technologies"),
    EVNUM("return_boost", return_boost, 0, 0, 0, 100, EV_TAL, "relative",
          "relative rise of the diaspora return rate (0.5 = +50%)"),
    EVNUM("attract_boost", attract_boost, 0, 0, 0, 100, EV_TAL, "relative",
          "relative rise of attractiveness to foreign researchers"),
    EVNUM("severity", severity, 0, 0.5, 0, 1, EV_VISA | EV_SCREEN | EV_XC, "fraction",
          "visa_restriction: share of researcher flows from `countries` to the actor that is blocked; "
          "investment_screening: share of foreign-invested entry into the actor that is blocked; "
          "export_control: share of the actor's sales of `technologies` to `countries` that is denied, and of "
          "the targets' access to the technology the actor's firms embody"),
    EVNUM("knowledge_share", knowledge_share, 0, 0.2, 0, 1, EV_JOINT, "fraction",
          "extra share of the partners' new knowledge exchanged"),
    {"local", SC_F_BOOL, offsetof(tr_event, local), 0, 0, 0, 0, 1, 0, EV_SUB, 0, NULL, "-",
     "true: paid by the actor's local governments; false (default): by the central government"},
    EVNUM("per_output", per_output, 0, 0, 0, 10, EV_SUB, "fraction of unit cost", "paid per unit sold"),
    EVNUM("per_capacity", per_capacity, 0, 0, 0, 1, EV_SUB, "fraction", "share of capacity investment paid"),
    EVNUM("per_entrant", per_entrant, 0, 0, 0, 1e3, EV_SUB, "US$ bn", "paid to each entrant"),
    EVNUM("target", target, 0, 0.5, 0, 1, EV_SS, "fraction", "domestic share of the actor's market aimed at"),
    {"by", SC_F_YEAR, offsetof(tr_event, by), 0, 0, 2025, 1900, 2201, 0, EV_SS, 0, NULL, "year",
     "year the target is for; the gap is measured against a straight path from the start"},
    EVNUM("rate", rate, 0, 0.25, 0, 100, EV_TARIFF, "fraction", "ad-valorem tariff on imports from `countries`"),
    EVNUM("preference", preference, 0, 0.5, 0, 100, EV_BUY, "relative",
          "extra preference of the actor's buyers for domestic products (0.5 = +50%)"),
};
static const sc_schema event_schema = {"event", sizeof(tr_event), event_fields, ARRAY_LEN(event_fields),
                                       sc_check_event};

/* ---- the scenario ------------------------------------------------------ */

static const sc_field scenario_fields[] = {
    {"include", SC_F_INCLUDE, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, "-",
     "files merged under this one (paths relative to this file) or `default`; top level only; each file once, regular files only, at most 64 MiB of text in all"},
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

/* The YAML name and the description of each event kind, generated from the
 * one list, TR_EVENT_KINDS (techrace/scenario.h). */
#define SC_KIND_NAME_(e, name, doc) name,
#define SC_KIND_DOC_(e, name, doc) doc,
const char *const sc_kind_names[TR_EV_KIND_COUNT] = {TR_EVENT_KINDS(SC_KIND_NAME_)};
const char *const sc_kind_docs[TR_EV_KIND_COUNT] = {TR_EVENT_KINDS(SC_KIND_DOC_)};
#undef SC_KIND_NAME_
#undef SC_KIND_DOC_
