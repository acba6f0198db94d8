/* scenario.h — a scenario: the calendar, the countries, the technologies, the
 * research institutions, every mechanism's parameters and the policy timeline.
 *
 * A scenario is read from YAML (tr_scenario_load), possibly with `include:`d
 * files and command-line overrides (`--set path.to.key=value`), checked
 * completely, and turned into this plain, read-only structure. The model never
 * sees YAML. All memory of a scenario belongs to it and is released by
 * tr_scenario_destroy. docs/SCENARIO.md documents every key; the YAML key of
 * each field is given in its comment here, with its unit.
 *
 * Units: money in US$ billion at purchasing-power parity (PWT cgdpo basis);
 * shares and rates as fractions (0.025, not 2.5%); people in thousands; time
 * in calendar years (2006.25 is the start of 2006Q2). */
#ifndef TECHRACE_SCENARIO_H
#define TECHRACE_SCENARIO_H

#include "techrace/api.h"

#include <stddef.h>
#include <stdint.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TR_ID_MAX 32

/* A time path: piecewise-linear in calendar year between its points, flat
 * before the first and after the last. In YAML either a number (constant) or a
 * mapping year -> value, e.g. `{2000: 0.009, 2023: 0.0264}`. */
typedef struct tr_path {
    int n;          /* >= 1 */
    double *year;   /* strictly increasing */
    double *value;
} tr_path;

TR_API double tr_path_at(const tr_path *p, double year);

typedef struct tr_category {
    char id[TR_ID_MAX];   /* `id`, short name used in references, e.g. "energy" */
    char *name;           /* `name` */
} tr_category;

/* A knowledge-spillover link between two technologies (directed: from -> to). */
typedef struct tr_link {
    int to;               /* technology index */
    double weight;        /* share of the source's new knowledge that spills, 0..1 */
} tr_link;

typedef struct tr_technology {
    char id[TR_ID_MAX];   /* `id`, e.g. "T27" */
    char *name;           /* `name` */
    int category;         /* `category`: category id -> index */
    double maturity;      /* `maturity`, 0 (emerging) .. 1 (mature) at start */
    double market_size;   /* `market_size`, world market in the start year, US$ bn */
    double market_growth; /* `market_growth`, per year, e.g. 0.08 */
    double learning_rate; /* `learning_rate`, unit-cost fall per doubling of cumulative output, 0..1 */
    double dual_use;      /* `dual_use`, military relevance 0..1 */
    double paper_cost;    /* `paper_cost`, relative cost of a paper in this field (1 = average) */
    double price_elasticity; /* `price_elasticity`, of each market's demand (units) to the price its buyers pay (default 1) */
    double cost_floor;    /* `cost_floor`, share of the start-year unit cost (materials, energy) that does not learn, 0..1 */
    int n_links;          /* `spillovers`: mapping tech id -> weight */
    tr_link *links;
    int n_inputs;         /* `inputs`: mapping tech id -> share of this technology's unit cost bought from it */
    tr_link *inputs;
} tr_technology;

/* The firms of a country at the start (MODEL.md section 2, Firm). */
typedef struct tr_firm_gen {
    int count;            /* `firms.count`, firms at start over all technologies, 0..1000000 */
    double soe_share;     /* `firms.soe_share`, share that are state-owned */
    double foreign_share; /* `firms.foreign_share`, share that are foreign-invested */
    double sme_share;     /* `firms.sme_share`, share of private firms that are small and specialised */
    double productivity;  /* `firms.productivity`, mean quality-adjusted productivity, frontier = 1 at start */
    double productivity_sd; /* `firms.productivity_sd`, sd of log productivity across firms */
    double size_sigma;    /* `firms.size_sigma`, sd of log initial size (capacity) */
    tr_path rd_share;     /* `firms.rd_share`, R&D as share of revenue (time path) */
    double max_factor;    /* `firms.max_factor`, room for entrants: at most max_factor x count firms alive */
    double size;          /* `firms.size`, mean capacity of its firms relative to the world average (1) */
    double represents;    /* `firms.represents`, real firms one model firm stands for (scales reported counts) */
    tr_path cost;         /* `firms.cost`, relative unit cost of its producers (wages, inputs), 1 = world average */
    int little_giants;    /* `firms.little_giants`, 1 where the country designates "little giant" SMEs (default 0) */
} tr_firm_gen;

/* Local governments of a country ("mayor economy", MODEL.md section 2). */
typedef struct tr_local_gen {
    int count;            /* `local_governments.count`, 0..10000 (0 = none) */
    int picks;            /* `local_governments.picks`, technologies each backs per plan cycle */
    int cycle;            /* `local_governments.cycle`, years between choices (official's term) */
    double herding;       /* `local_governments.herding`, weight of what peers back */
    double priority;      /* `local_governments.priority`, weight of the central priority list */
    double growth;        /* `local_governments.growth`, weight of visible recent output growth */
    double entry_share;   /* `local_governments.entry_share`, share of the budget spent on entry subsidies
                             (the rest on capacity) */
} tr_local_gen;

/* Research institutions of a country that are generated rather than listed. */
typedef struct tr_inst_gen {
    int count;            /* `institutions.count`, 0..100000 */
    double pareto_alpha;  /* `institutions.pareto_alpha`, tail index of sizes, > 0.5 */
    double quality_sd;    /* `institutions.quality_sd`, sd of log quality */
    double field_sd;      /* `institutions.field_sd`, sd of log field weights around the country's */
    double field_focus;   /* `institutions.field_focus`, share of fields an institution works in, 0..1 */
} tr_inst_gen;

typedef struct tr_country {
    char id[TR_ID_MAX];   /* `id`, e.g. "CN" */
    char *name;           /* `name` */
    char alliance[TR_ID_MAX]; /* `alliance`, free label, e.g. "us-allies"; "" = none */
    tr_path gdp;          /* `gdp`, US$ bn PPP per year */
    tr_path population;   /* `population`, millions */
    tr_path rd_intensity; /* `rd_intensity`, GERD / GDP */
    tr_path basic_share;  /* `basic_share`, share of GERD spent on basic research */
    tr_path applied_share;/* `applied_share`, share on applied research (experimental = rest) */
    tr_path gov_share;    /* `gov_share`, share of GERD funded by government */
    tr_path other_share;  /* `other_share`, share of GERD funded neither by government nor business
                             (higher education's own funds, non-profits, abroad); business funds the rest */
    tr_path central_share;/* `central_share`, central share of government R&D funding */
    tr_path public_perf;  /* `public_performance`, share of GERD performed by universities and public labs */
    tr_path openness;     /* `openness`, 0 (closed) .. 1 (fully open) to knowledge and people */
    tr_path researcher_cost; /* `researcher_cost`, US$ thousand PPP per FTE researcher-year incl. overheads */
    double researchers0;  /* `researchers`, FTE researchers at start, thousands */
    double diaspora0;     /* `diaspora`, researchers and advanced students abroad at start, thousands */
    double outbound_rate; /* `outbound_rate`, share of the researcher stock going abroad per year at equal opportunity */
    double return_rate;   /* `return_rate`, base share of the diaspora returning per year */
    tr_path talent_quality; /* `talent_quality`, quality of researchers trained at home, 1 = world average (time path) */
    double *strength;     /* `strength`: n_tech field strengths (category or technology keys), default 1 */
    double *industry;     /* `industry_strength`: n_tech industrial specialisation, weights for where its firms are, default 1 */
    tr_inst_gen inst;     /* `institutions` */
    tr_firm_gen firms;    /* `firms` */
    tr_local_gen local;   /* `local_governments` */
    tr_path local_budget; /* `local_budget`, local governments' industrial support, US$ bn a year */
    tr_path fund_budget;  /* `guidance_fund`, guidance-fund equity into firms, US$ bn a year */
    double home_bias;     /* `home_bias`, extra preference of its buyers for domestic products (0.3 = +30%) */
    tr_path commercialization; /* `commercialization`, share of national knowledge growth reaching firms' capability */
    int ranked;           /* `ranked`, boolean (default true): false for aggregate blocs (EU,
                             rest of world) that the tracker reports but does not rank as leader */
} tr_country;

/* A research institution listed by name in the scenario (`research_institutions`). */
typedef struct tr_inst_spec {
    char id[TR_ID_MAX];   /* `id` */
    char *name;           /* `name` */
    int country;          /* `country` -> index */
    double size;          /* `size`, relative to the country's generated median (1) */
    double quality;       /* `quality`, multiplier, 1 = country average */
    double *strength;     /* `strength`: n_tech, multiplies the country's; default 1 */
} tr_inst_spec;

typedef struct tr_params_research {
    double papers_per_busd;     /* `papers_per_busd`: papers per US$ bn (PPP) of public research at paper_cost 1 */
    double critical_share;      /* `critical_share`: share of public research spent in the scenario's technologies by a
                                   bloc of world-average field mix (a bloc: this x its mean `strength`, at most 1) */
    double hi_base;             /* `hi_base`: high-impact share of papers at world-average quality (0.10 = top 10%) */
    double quality_elasticity;  /* `quality_elasticity`: of high-impact share to relative knowledge stock */
    double talent_elasticity;   /* `talent_elasticity`: of high-impact share to talent quality */
    double scale_elasticity;    /* `scale_elasticity`: of papers to institution budget (returns to scale) */
    double knowledge_depreciation; /* `knowledge_depreciation`: per year */
    double knowledge_per_hi;    /* `knowledge_per_hi`: knowledge units from one high-impact paper */
    double knowledge_per_paper; /* `knowledge_per_paper`: knowledge units from an ordinary paper */
    double spill_domestic;      /* `spill_domestic`: scale of links between technologies */
    double spill_foreign;       /* `spill_foreign`: share of the knowledge gap to the frontier absorbed per year at openness 1 */
    double absorptive_elasticity; /* `absorptive_elasticity`: of foreign spillover to own relative stock */
    double basic_elasticity;    /* `basic_elasticity`: of high-impact share to the country's basic-research share */
    double basic_ref;           /* `basic_ref`: basic share at which that factor is 1 (e.g. 0.15) */
    double hi_cap;              /* `hi_cap`: upper bound of the high-impact share of an institution's papers */
    double noise_sd;            /* `noise_sd`: sd of log annual productivity shock of an institution */
    double firm_research_share; /* `firm_research_share`: share of firms' R&D that adds to the knowledge stock */
} tr_params_research;

typedef struct tr_params_talent {
    double opportunity_elasticity; /* `opportunity_elasticity`: of flows to relative R&D per researcher */
    double standing_elasticity;  /* `standing_elasticity`: of opportunity to research standing (high-impact papers per researcher) */
    double intake_rate;         /* `intake_rate`: new researchers per year as share of stock at target */
    double attrition;           /* `attrition`: retirement and exit per year */
    double returnee_quality;    /* `returnee_quality`: quality of returnees relative to stay-at-home researchers */
    double foreign_share_max;   /* `foreign_share_max`: cap on inflows as share of destination stock per year */
    double pipeline_growth_max; /* `pipeline_growth_max`: most the graduate pipeline grows or shrinks a year, share */
    double people_spill;        /* `people_spill`: share of a linked researcher's part of a partner's new knowledge gained */
    double returnee_knowledge;  /* `returnee_knowledge`: share of the host's knowledge lead a returnee brings home */
    double return_push;         /* `return_push`: rise of the return rate per unit of the host's visa restriction */
} tr_params_talent;

typedef struct tr_params_tracker {
    int window_years;           /* `window_years`: rolling window of high-impact papers, 1..20 */
    double high_ratio;          /* `high_ratio`: lead ratio for high monopoly risk */
    int high_top10;             /* `high_top10`: leader's institutions in the top 10 for high risk */
    double medium_ratio;        /* `medium_ratio`: lead ratio for medium risk */
    int medium_top10;           /* `medium_top10`: leader's institutions in the top 10 for medium risk */
} tr_params_tracker;

typedef struct tr_params_firms {
    double innovation_rate;     /* `innovation_rate`: innovations a year of a real firm at the reference R&D */
    double innovation_elasticity; /* `innovation_elasticity`: of the innovation rate to R&D relative to the reference */
    double rd_reference;        /* `rd_reference`: R&D share of sales of the technology's reference firm */
    double commercialization_lag; /* `commercialization_lag`: mean lag from knowledge growth to firms, years */
    double innovation_gain;     /* `innovation_gain`: largest productivity gain of one innovation (Beta(1,3) x gain) */
    double imitation_rate;      /* `imitation_rate`: imitation chances a year at full absorptive capacity and openness */
    double imitation_elasticity; /* `imitation_elasticity`: of the imitation rate to R&D relative to the reference */
    double imitation_catchup;   /* `imitation_catchup`: share of the gap to the frontier closed by one imitation */
    double embodied_catchup;    /* `embodied_catchup`: share of the gap to the frontier new capacity closes (technology embodied in equipment) */
    double absorptive_elasticity; /* `absorptive_elasticity`: of the imitation rate to national knowledge / frontier */
    double learning_spill;      /* `learning_spill`: weight of the national industry's experience in a firm's own */
    double learning_spill_foreign; /* `learning_spill_foreign`: weight of foreign industries' experience, relative */
    double replicator_speed;    /* `replicator_speed`: of shares toward their competitive target, per year */
    double appeal_adjust;       /* `appeal_adjust`: speed of a variety's appeal toward its share of sales, per year */
    double share_elasticity;    /* `share_elasticity`: of a firm's target share to its competitiveness (CES) */
    double price_weight;        /* `price_weight`: exponent of price in competitiveness */
    double quality_weight;      /* `quality_weight`: exponent of productivity (quality) in competitiveness */
    double trade_cost;          /* `trade_cost`: ad-valorem cost of selling abroad */
    double cost_pressure;       /* `cost_pressure`: elasticity of the cost level to the industry's factor use against its factor supply */
    double cost_pressure_skill; /* `cost_pressure_skill`: weight of researchers (skilled labour) in a bloc's factor supply, the rest its GDP */
    double cost_adjust;         /* `cost_adjust`: speed of the cost level toward that pressure, per year */
    double markup;              /* `markup`: price over unit cost in a concentrated market at full utilization */
    double markup_competition;  /* `markup_competition`: how much competition (1 - HHI) squeezes the markup */
    double markup_utilization;  /* `markup_utilization`: elasticity of the markup to capacity utilization */
    double markup_adjust;       /* `markup_adjust`: speed of the utilization markups respond to, per year */
    double cost_pass_through;   /* `cost_pass_through`: elasticity of a firm's price to its own unit cost */
    double capacity_cost;       /* `capacity_cost`: yearly cost of a unit of capacity as share of unit cost */
    double overhead;            /* `overhead`: yearly overhead of a typical-sized firm, share of its revenue */
    double overhead_elasticity; /* `overhead_elasticity`: of a firm's overhead to its size (0: fixed, 1: proportional) */
    double capex;               /* `capex`: cost of a new unit of capacity as multiple of unit cost */
    double capacity_depreciation; /* `capacity_depreciation`: per year */
    double target_utilization;  /* `target_utilization`: utilization firms invest toward */
    double investment_speed;    /* `investment_speed`: share of the capacity gap closed a year */
    double credit_limit;        /* `credit_limit`: most debt a private firm carries, in years of sales */
    double entry_rate;          /* `entry_rate`: entrants a year per typical firm of the national industry at zero margin */
    double entry_margin;        /* `entry_margin`: rise of entry per unit of profit margin */
    double entry_subsidy_effect;/* `entry_subsidy_effect`: rise of entry per US$ bn of entry subsidy */
    double exit_net_worth;      /* `exit_net_worth`: exit when net worth < -this x revenue */
    double exit_share;          /* `exit_share`: exit when share of the technology's world market falls below */
    double jobs_per_busd;       /* `jobs_per_busd`: jobs (thousands) per US$ bn of output */
    double little_giant_quantile; /* `little_giant_quantile`: productivity quantile an SME must reach */
    double little_giant_rd;     /* `little_giant_rd`: R&D share an SME must reach */
    double target_preference;   /* `target_preference`: domestic preference per unit of gap to a self-sufficiency target */
    double target_subsidy;      /* `target_subsidy`: per-output subsidy (share of unit cost) per unit of gap */
    double bailout_limit;       /* `bailout_limit`: state-owned firms are recapitalised when net worth < -this x revenue */
    double fund_return_target;  /* `fund_return_target`: guidance funds' target return a year */
    int fund_horizon;           /* `fund_horizon`: years before a guidance fund exits a stake */
} tr_params_firms;

typedef struct tr_params {
    tr_params_research research; /* `parameters.research` */
    tr_params_talent talent;     /* `parameters.talent` */
    tr_params_tracker tracker;   /* `parameters.tracker` */
    tr_params_firms firms;       /* `parameters.firms` */
} tr_params;

/* The event kinds, in enum order: X(ENUM, "yaml name", "what it does").
 * The one list from which the enum, tr_event_kind_name, the loader's
 * messages and the event-type table of docs/SCENARIO.md are generated; add a
 * kind here (at the end, to keep the values of the others). */
#define TR_EVENT_KINDS(X) \
    X(TR_EV_RD_FUNDING, "rd_funding", \
      "changes the actor's R&D intensity and funding mix") \
    X(TR_EV_MEGAPROJECT, "megaproject", \
      "extra money for the listed technologies: research institutions get `budget × (1 − firm_share)`, the actor's firms in those technologies `budget × firm_share` as R&D grants (in proportion to sales); all of it counts in GERD") \
    X(TR_EV_PRIORITY_LIST, "priority_list", \
      "raises the funding weight of the listed technologies") \
    X(TR_EV_TALENT_PROGRAMME, "talent_programme", \
      "draws the diaspora home and attracts foreigners") \
    X(TR_EV_VISA_RESTRICTION, "visa_restriction", \
      "the actor blocks researcher flows from `countries`") \
    X(TR_EV_JOINT_RESEARCH, "joint_research", \
      "the actor and `countries` exchange new knowledge") \
    X(TR_EV_SUBSIDY, "subsidy", \
      "pays the actor's firms in `technologies`: a central subsidy, or a local one with `local: true` (counted in `subsidies_local` of the results)") \
    X(TR_EV_SELF_SUFFICIENCY, "self_sufficiency_target", \
      "while in force, the gap between `target` and the actor's domestic share of its market in each of `technologies` (the share its own firms supply) adds domestic preference of `parameters.firms.target_preference` x gap and a central per-output subsidy of `parameters.firms.target_subsidy` x gap (share of unit cost); nothing once the target is met") \
    X(TR_EV_TARIFF, "tariff", \
      "ad-valorem tariff `rate` on the actor's imports in `technologies` from `countries` (none listed: from every other country)") \
    X(TR_EV_BUY_DOMESTIC, "buy_domestic", \
      "the actor's buyers prefer domestic products in `technologies` by an extra `preference` (0.5 = +50%), on top of the country's `home_bias`") \
    X(TR_EV_INVESTMENT_SCREENING, "investment_screening", \
      "blocks the share `severity` of foreign-invested entry into the actor's `technologies`") \
    X(TR_EV_GUIDANCE_FUND, "guidance_fund", \
      "a guidance fund dedicated to `technologies` (e.g. China's IC Big Fund): `budget` US$ bn a year of equity, split evenly over them and invested each year-end in the largest firms of the actor there, on top of the country's `guidance_fund` money; the equity pays for R&D over `parameters.firms.fund_horizon` years") \
    X(TR_EV_EXPORT_CONTROL, "export_control", \
      "the actor's firms may not sell `technologies` to buyers in `countries`, in the share `severity` (1: no licences), and the targets' firms lose that share of their access to the technology embodied in the actor's equipment and products (the frontier they imitate and install, when the actor's firms hold it); blocked demand moves to the targets' own and third-country suppliers. A material export ban is an export control by the producer (e.g. China on T15); allies who join enact their own event")

typedef enum tr_event_kind {
#define TR_EVENT_KIND_ENUM_(e, name, doc) e,
    TR_EVENT_KINDS(TR_EVENT_KIND_ENUM_)
#undef TR_EVENT_KIND_ENUM_
    TR_EV_KIND_COUNT
} tr_event_kind;

/* A policy event. Which numeric fields apply depends on the kind; the rest
 * keep their defaults (listed in docs/SCENARIO.md). */
typedef struct tr_event {
    char id[TR_ID_MAX];     /* `id`, unique */
    char *name;             /* `name`, optional description */
    tr_event_kind kind;     /* `type` */
    double start;           /* `start`: year (2006) or quarter ("2006Q2") -> 2006.25 */
    double end;             /* `end`: exclusive; absent = never ends (INFINITY) */
    int actor;              /* `actor`: country index */
    int n_countries;        /* `countries`: target/partner countries, ids -> indices */
    int *countries;
    int n_techs;            /* `technologies`: ids or category ids, expanded to technology indices */
    int *techs;
    /* rd_funding */
    double rd_intensity_scale; /* `rd_intensity_scale`: multiplies the actor's R&D intensity (default 1) */
    double basic_share_add;    /* `basic_share_add`: added to basic share (default 0) */
    double gov_share_add;      /* `gov_share_add`: added to government share (default 0) */
    /* megaproject */
    double budget;          /* `budget`: US$ bn per year, split evenly over `technologies` (megaproject, guidance_fund) */
    double firm_share;      /* `firm_share`: share of the budget given to the actor's firms as R&D grants (default 0) */
    /* priority_list */
    double weight;          /* `weight`: multiplier of research funding weight of listed technologies (default 1.5) */
    /* talent_programme */
    double return_boost;    /* `return_boost`: relative rise of the return rate (0.5 = +50%) */
    double attract_boost;   /* `attract_boost`: relative rise of attractiveness to foreign researchers */
    /* visa_restriction (actor restricts people from `countries`) */
    double severity;        /* `severity`: share of flows from targets blocked, 0..1 */
    /* joint_research (actor and `countries` are partners) */
    double knowledge_share; /* `knowledge_share`: extra share of partners' new knowledge exchanged, 0..1 */
    /* subsidy (actor's firms in `technologies`) */
    int local;              /* `local`: boolean, paid by local governments (default false: central) */
    double per_output;      /* `per_output`: share of unit cost paid per unit sold */
    double per_capacity;    /* `per_capacity`: share of capacity investment paid */
    double per_entrant;     /* `per_entrant`: US$ bn to each entrant */
    /* self_sufficiency_target (actor's market in `technologies`) */
    double target;          /* `target`: domestic share of the actor's market aimed at, 0..1 */
    double by;              /* `by`: year the target is for */
    /* tariff (actor taxes imports from `countries`, all if none listed) */
    double rate;            /* `rate`: ad-valorem tariff, e.g. 0.25 */
    /* buy_domestic (actor's buyers in `technologies`) */
    double preference;      /* `preference`: extra preference for domestic products (0.5 = +50%) */
    /* investment_screening uses `severity`: share of foreign-invested entry into the actor blocked */
} tr_event;

typedef struct tr_scenario {
    char *name;              /* `name` */
    char *description;       /* `description` */
    int start_year;          /* `calendar.start`, 1900..2200 */
    int end_year;            /* `calendar.end`, inclusive, >= start */
    int steps_per_year;      /* `calendar.steps_per_year`, 1..52 (default 4) */
    uint64_t seed;           /* `seed` (default 1); --seed overrides */

    int n_categories;        /* `categories` */
    tr_category *categories;
    int n_tech;              /* `technologies` */
    tr_technology *techs;
    int n_countries;         /* `countries` */
    tr_country *countries;
    int n_inst_specs;        /* `research_institutions` */
    tr_inst_spec *inst_specs;
    tr_params params;        /* `parameters` */
    int n_events;            /* `events` */
    tr_event *events;

    /* Provenance, for the results database. */
    char *source_name;       /* file name the scenario came from, or "default" */
    char *resolved_text;     /* canonical YAML dump after includes and overrides */
    char hash[17];           /* hex of a 64-bit hash of resolved_text */
    int n_overrides;
    char **overrides;        /* the --set strings as given */
} tr_scenario;

/* Where a scenario comes from. */
typedef struct tr_scenario_source {
    const char *path;        /* file to read; NULL with text = embedded text */
    const char *text;        /* YAML text when path is NULL */
    const char *text_name;   /* name shown in diagnostics for text, e.g. "default" */
    const char *const *overrides; /* "a.b.c=value" strings, may be NULL */
    int n_overrides;
    /* Optional, [n_overrides]: the option that gave each override, as its
     * error messages name it (e.g. "--set-b"); NULL (or a NULL entry): "--set". */
    const char *const *override_options;
    /* Optional: how files are read (path itself when text is NULL, and every
     * `include:`d file), e.g. from memory. Called with the path as joined
     * (the including file's directory + the include entry) and normalized
     * ("." and empty segments dropped, "x/.." folded), which also identifies
     * the file for "each file once"; sets *text and *len to the file's bytes,
     * which must stay valid until tr_scenario_load returns (the loader copies
     * what it keeps), and returns 0, or an errno value (ENOENT, ...) that the
     * error message shows. NULL: the file system (regular files only). */
    int (*read_file)(void *ctx, const char *path, const char **text, size_t *len);
    void *read_ctx;
    /* Where every allocation of the load and of the scenario comes from
     * (NULL: the C library's malloc); the scenario keeps it for
     * tr_scenario_destroy and tr_scenario_flatten. libyaml's own parser and
     * emitter buffers are beyond its reach and use malloc. */
    const tr_allocator *alloc;
} tr_scenario_source;

/* Read, resolve and check a scenario. Returns 0 and *out on success; on any
 * error returns TR_ERR_INPUT (or TR_ERR_IO / TR_ERR_NOMEM) with every problem
 * found appended to diag and *out = NULL. Never crashes on any input. */
TR_API int tr_scenario_load(tr_scenario **out, const tr_scenario_source *src, tr_diag *diag);
TR_API void tr_scenario_destroy(tr_scenario *s);

/* The embedded default scenario (scenarios/default.yaml compiled in). */
TR_API const char *tr_scenario_default_text(void);
TR_API int tr_scenario_load_default(tr_scenario **out, const char *const *overrides,
                             int n_overrides, tr_diag *diag);

/* Canonical flattened form "path = value" one per line, sorted by path as
 * declared, used by `scenario diff`. Returns text allocated with the
 * scenario's allocator (NULL if that fails): release it with
 * tr_scenario_free_text (or free() when the scenario was loaded with the
 * default allocator). */
TR_API char *tr_scenario_flatten(const tr_scenario *s);
TR_API void tr_scenario_free_text(const tr_scenario *s, char *text);

TR_API int tr_scenario_find_country(const tr_scenario *s, const char *id);
TR_API int tr_scenario_find_tech(const tr_scenario *s, const char *id);
TR_API const char *tr_event_kind_name(tr_event_kind k);
/* Step index (0-based) of a calendar year, e.g. 2006.25 -> (2006.25 - start) * spy. */
TR_API int tr_scenario_n_steps(const tr_scenario *s);
TR_API double tr_scenario_step_year(const tr_scenario *s, int step);

#ifdef __cplusplus
}
#endif
#endif
