/* test_scenario.c — the scenario layer: loading, defaults, time paths,
 * includes and merging, overrides, flattening, event expansion, error
 * reporting, allocation-failure injection, a fuzz-ish robustness loop, and the
 * agreement of docs/SCENARIO.md with the schema table.
 *
 * Set TR_PRINT_SCHEMA_DOCS=1 to print the key tables of docs/SCENARIO.md
 * (generated from the schema) instead of running the tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario/sc_internal.h"
#include "techrace/scenario.h"
#include "util/arena.h"

static const char good_yaml[] =
    "name: \"Unit\"\n"
    "seed: 42\n"
    "calendar: {start: 2000, end: 2010}\n"
    "categories:\n"
    "  - {id: ict, name: \"ICT\"}\n"
    "  - {id: energy, name: \"Energy\"}\n"
    "technologies:\n"
    "  - {id: T01, name: \"Chips\", category: ict, maturity: 0.6, spillovers: {T02: 0.1, T03: 0.05}}\n"
    "  - {id: T02, name: \"AI\", category: ict}\n"
    "  - {id: T03, name: \"Batteries\", category: energy}\n"
    "  - {id: T04, name: \"Solar\", category: energy, dual_use: 0.2}\n"
    "countries:\n"
    "  - id: US\n"
    "    name: \"United States\"\n"
    "    alliance: us-allies\n"
    "    gdp: {2000: 10000, 2010: 15000}\n"
    "    rd_intensity: 0.027\n"
    "    strength: {ict: 1.5, T02: 2.0}\n"
    "  - id: CN\n"
    "    name: \"China\"\n"
    "    gdp: {2000: 3700, 2023: 34000}\n"
    "    rd_intensity: {2000: 0.009, 2023: 0.0264}\n"
    "    basic_share: 0.06\n"
    "    institutions: {count: 200}\n"
    "    ranked: false\n"
    "  - {id: JP, name: \"Japan\", gdp: 4000, rd_intensity: 0.03}\n"
    "research_institutions:\n"
    "  - {id: CAS, country: CN, size: 40, strength: {energy: 2, T04: 3}}\n"
    "parameters:\n"
    "  research: {hi_base: 0.11}\n"
    "  tracker: {window_years: 3}\n"
    "events:\n"
    "  - {id: mlp, type: megaproject, actor: CN, start: 2006, end: 2010, technologies: [T01, energy], budget: 5.5}\n"
    "  - {id: visa, type: visa_restriction, actor: US, start: \"2008Q2\", countries: [CN]}\n"
    "  - {id: jr, type: joint_research, actor: US, start: 2001.5, countries: [JP]}\n"
    "  - {id: prio, type: priority_list, actor: JP, start: 2003, technologies: all}\n"
    "  - {id: rd, type: rd_funding, actor: CN, start: 2002, rd_intensity_scale: 1.2}\n"
    "  - {id: tal, type: talent_programme, actor: CN, start: 2008, return_boost: 0.5}\n";

static int load_text(tr_scenario **s, const char *yaml, const char *const *sets, int n, tr_diag *d)
{
    tr_scenario_source src = {0};
    src.text = yaml;
    src.text_name = "test.yaml";
    src.overrides = sets;
    src.n_overrides = n;
    return tr_scenario_load(s, &src, d);
}

static void print_diag(const tr_diag *d)
{
    tr_diag_print(d, stderr);
}

/* The first message of a failed load, formatted like tr_diag_print. */
static const char *first_msg(const tr_diag *d, char *buf, size_t n)
{
    buf[0] = 0;
    if (d->count > 0) {
        const tr_diag_msg *m = &d->msgs[0];
        snprintf(buf, n, "%s:%d:%d: %s", m->file ? m->file : "", m->line, m->col, m->text);
    }
    return buf;
}

static tr_scenario *load_good(void)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_text(&s, good_yaml, NULL, 0, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_non_null(s);
    tr_diag_free(&d);
    return s;
}

/* Expect a load to fail with a first message containing `want`. */
static void expect_error(const char *yaml, const char *const *sets, int n, const char *want)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_text(&s, yaml, sets, n, &d);
    char buf[1200];
    first_msg(&d, buf, sizeof buf);
    if (rc != TR_ERR_INPUT || !strstr(buf, want)) {
        print_diag(&d);
        fprintf(stderr, "wanted: %s\n", want);
    }
    assert_int_equal(rc, TR_ERR_INPUT);
    assert_null(s);
    assert_non_null(strstr(buf, want));
    tr_diag_free(&d);
}

static char *source_path(const char *rel)
{
    const char *dir = getenv("TR_SOURCE_DIR");
    if (!dir)
        dir = "../..";
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* ---- tests ------------------------------------------------------------- */

static void test_fields_and_defaults(void **state)
{
    (void)state;
    tr_scenario *s = load_good();
    assert_string_equal(s->name, "Unit");
    assert_string_equal(s->description, "");
    assert_true(s->seed == 42);
    assert_int_equal(s->start_year, 2000);
    assert_int_equal(s->end_year, 2010);
    assert_int_equal(s->steps_per_year, 4);
    assert_int_equal(tr_scenario_n_steps(s), 44);
    assert_true(fabs(tr_scenario_step_year(s, 5) - 2001.25) < 1e-12);
    assert_int_equal(s->n_categories, 2);
    assert_int_equal(s->n_tech, 4);
    assert_int_equal(s->n_countries, 3);
    assert_int_equal(tr_scenario_find_country(s, "CN"), 1);
    assert_int_equal(tr_scenario_find_country(s, "XX"), -1);
    assert_int_equal(tr_scenario_find_tech(s, "T03"), 2);
    assert_int_equal(tr_scenario_find_tech(s, "nope"), -1);

    const tr_technology *t = &s->techs[0];
    assert_string_equal(t->name, "Chips");
    assert_int_equal(t->category, 0);
    assert_true(t->maturity == 0.6);
    assert_true(t->market_size == 10 && t->market_growth == 0.05 && t->learning_rate == 0.1);
    assert_true(t->paper_cost == 1 && t->dual_use == 0);
    assert_int_equal(t->n_links, 2);
    assert_int_equal(t->links[0].to, 1);
    assert_true(t->links[0].weight == 0.1);
    assert_int_equal(s->techs[3].category, 1);

    const tr_country *us = &s->countries[0], *cn = &s->countries[1], *jp = &s->countries[2];
    assert_string_equal(us->alliance, "us-allies");
    assert_string_equal(jp->alliance, "");
    assert_int_equal(us->gdp.n, 2);
    assert_true(tr_path_at(&jp->population, 2005) == 1);
    assert_true(tr_path_at(&jp->basic_share, 2005) == 0.15);
    assert_true(tr_path_at(&jp->applied_share, 2005) == 0.25);
    assert_true(tr_path_at(&jp->gov_share, 2005) == 0.3);
    assert_true(tr_path_at(&jp->central_share, 2005) == 0.5);
    assert_true(tr_path_at(&jp->public_perf, 2005) == 0.3);
    assert_true(tr_path_at(&jp->openness, 2005) == 0.7);
    assert_true(tr_path_at(&jp->researcher_cost, 2005) == 200);
    assert_true(tr_path_at(&cn->basic_share, 2005) == 0.06);
    assert_true(jp->researchers0 == 100 && jp->diaspora0 == 0 && jp->outbound_rate == 0.01);
    assert_true(jp->return_rate == 0.05 && tr_path_at(&jp->talent_quality, 2000) == 1.0);
    assert_int_equal(jp->inst.count, 50);
    assert_int_equal(cn->inst.count, 200);
    assert_true(jp->inst.pareto_alpha == 1.3 && jp->inst.quality_sd == 0.3);
    assert_true(jp->inst.field_sd == 0.5 && jp->inst.field_focus == 0.5);
    /* strength: category, then technology override, default 1 */
    assert_true(us->strength[0] == 1.5 && us->strength[1] == 2.0);
    assert_true(us->strength[2] == 1.0 && us->strength[3] == 1.0);
    assert_true(jp->strength[0] == 1.0);
    assert_int_equal(jp->ranked, 1);
    assert_int_equal(cn->ranked, 0);

    assert_int_equal(s->n_inst_specs, 1);
    const tr_inst_spec *cas = &s->inst_specs[0];
    assert_string_equal(cas->name, "CAS"); /* default: the id */
    assert_int_equal(cas->country, 1);
    assert_true(cas->size == 40 && cas->quality == 1);
    assert_true(cas->strength[0] == 1 && cas->strength[2] == 2 && cas->strength[3] == 3);

    const tr_params *p = &s->params;
    assert_true(p->research.papers_per_busd == 4000 && p->research.hi_base == 0.11);
    assert_true(p->research.quality_elasticity == 0.6 && p->research.talent_elasticity == 0.5);
    assert_true(p->research.scale_elasticity == 1.0 && p->research.knowledge_depreciation == 0.08);
    assert_true(p->research.knowledge_per_hi == 1.0 && p->research.knowledge_per_paper == 0.05);
    assert_true(p->research.spill_domestic == 0.3 && p->research.spill_foreign == 0.15);
    assert_true(p->research.absorptive_elasticity == 0.5 && p->research.basic_elasticity == 0.3);
    assert_true(p->research.basic_ref == 0.15 && p->research.hi_cap == 0.5 && p->research.noise_sd == 0.1);
    assert_true(p->talent.opportunity_elasticity == 1.0 && p->talent.intake_rate == 0.15);
    assert_true(p->talent.attrition == 0.03 && p->talent.returnee_quality == 1.3);
    assert_true(p->talent.foreign_share_max == 0.05);
    assert_int_equal(p->tracker.window_years, 3);
    assert_true(p->tracker.high_ratio == 3 && p->tracker.medium_ratio == 2);
    assert_int_equal(p->tracker.high_top10, 8);
    assert_int_equal(p->tracker.medium_top10, 5);

    assert_int_equal(s->n_events, 6);
    const tr_event *e = &s->events[1];
    assert_string_equal(e->id, "visa");
    assert_int_equal(e->kind, TR_EV_VISA_RESTRICTION);
    assert_string_equal(tr_event_kind_name(e->kind), "visa_restriction");
    assert_true(e->start == 2008.25);
    assert_true(isinf(e->end));
    assert_true(e->severity == 0.5);
    assert_int_equal(e->n_countries, 1);
    assert_int_equal(e->countries[0], 1);
    assert_true(s->events[2].start == 2001.5 && s->events[2].knowledge_share == 0.2);
    assert_true(s->events[3].weight == 1.5);
    assert_true(s->events[4].rd_intensity_scale == 1.2 && s->events[4].basic_share_add == 0);
    assert_true(s->events[5].return_boost == 0.5 && s->events[5].attract_boost == 0);
    assert_string_equal(tr_event_kind_name((tr_event_kind)99), "unknown");

    assert_string_equal(s->source_name, "test.yaml");
    assert_int_equal((int)strlen(s->hash), 16);
    assert_non_null(s->resolved_text);
    assert_int_equal(s->n_overrides, 0);
    tr_scenario_destroy(s);
    tr_scenario_destroy(NULL);
}

static void test_event_technologies(void **state)
{
    (void)state;
    tr_scenario *s = load_good();
    const tr_event *mlp = &s->events[0];
    assert_int_equal(mlp->n_techs, 3); /* T01 + energy = T03, T04 */
    assert_int_equal(mlp->techs[0], 0);
    assert_int_equal(mlp->techs[1], 2);
    assert_int_equal(mlp->techs[2], 3);
    assert_true(mlp->budget == 5.5 && mlp->end == 2010);
    const tr_event *prio = &s->events[3];
    assert_int_equal(prio->n_techs, 4);
    const tr_event *jr = &s->events[2];
    assert_int_equal(jr->n_techs, 4); /* joint_research default: all */
    assert_int_equal(s->events[1].n_techs, 0);
    tr_scenario_destroy(s);
}

static void test_path_at(void **state)
{
    (void)state;
    double y[] = {2000, 2010, 2020, 2030};
    double v[] = {1, 2, 4, 8};
    tr_path p = {4, y, v};
    assert_true(tr_path_at(&p, 1990) == 1);
    assert_true(tr_path_at(&p, 2000) == 1);
    assert_true(fabs(tr_path_at(&p, 2005) - 1.5) < 1e-12);
    assert_true(tr_path_at(&p, 2010) == 2);
    assert_true(fabs(tr_path_at(&p, 2025) - 6) < 1e-12);
    assert_true(tr_path_at(&p, 2030) == 8);
    assert_true(tr_path_at(&p, 2100) == 8);
    tr_path one = {1, y, v};
    assert_true(tr_path_at(&one, 1900) == 1 && tr_path_at(&one, 2200) == 1);
    assert_true(tr_path_at(NULL, 2000) == 0);

    tr_scenario *s = load_good();
    const tr_path *cn = &s->countries[1].rd_intensity;
    assert_true(fabs(tr_path_at(cn, 2000) - 0.009) < 1e-15);
    assert_true(fabs(tr_path_at(cn, 2011.5) - (0.009 + 0.5 * (0.0264 - 0.009))) < 1e-12);
    assert_true(fabs(tr_path_at(cn, 2050) - 0.0264) < 1e-15);
    tr_scenario_destroy(s);
}

static void test_includes_and_merge(void **state)
{
    (void)state;
    char *path = source_path("tests/scenarios/good/override.yaml");
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.path = path;
    int rc = tr_scenario_load(&s, &src, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(s->name, "Test override");
    assert_int_equal(s->n_countries, 3); /* US, CN merged; JP removed; KR added */
    assert_string_equal(s->countries[0].id, "US");
    assert_string_equal(s->countries[1].id, "CN");
    assert_string_equal(s->countries[2].id, "KR");
    assert_string_equal(s->countries[1].name, "China"); /* kept from base */
    assert_true(tr_path_at(&s->countries[1].rd_intensity, 2020) == 0.02);
    assert_true(tr_path_at(&s->countries[1].basic_share, 2020) == 0.06);
    assert_int_equal(s->n_events, 3);
    assert_string_equal(s->events[0].id, "mlp2006");
    assert_true(s->events[0].budget == 8);
    assert_string_equal(s->events[2].id, "prio");
    assert_string_equal(s->source_name, path);
    assert_null(strstr(s->resolved_text, "include"));
    assert_null(strstr(s->resolved_text, "remove"));
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(path);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_includes_tmp(void **state)
{
    (void)state;
    char dir[512];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tr_scenario_XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    assert_non_null(mkdtemp(dir));
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(dir, "sub/base.yaml",
               "calendar: {start: 2000, end: 2005}\n"
               "categories: [{id: c, name: C}]\n"
               "technologies: [{id: T1, name: A, category: c}, {id: T2, name: B, category: c}]\n"
               "countries: [{id: A, name: A, gdp: {2000: 1, 2005: 2}, rd_intensity: 0.01, strength: {T1: 2}}]\n");
    write_file(dir, "sub/mid.yaml",
               "include: base.yaml\n"
               "countries: [{id: A, gdp: {2003: 5}, strength: {T3: 3}}]\n"
               "technologies: [{id: T2, remove: true}, {id: T3, name: C3, category: c}]\n");
    write_file(dir, "top.yaml",
               "include: [sub/mid.yaml, default]\n"
               "description: top\n");
    write_file(dir, "cyc1.yaml", "include: cyc2.yaml\n");
    write_file(dir, "cyc2.yaml", "include: [cyc1.yaml]\n");
    write_file(dir, "missing.yaml", "include: [sub/nothere.yaml]\n");

    char p[700];
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.path = p;
    /* the embedded default comes after sub/mid.yaml, so its lists win where
     * ids differ only by merging: techs T1, T3 stay, default's are added */
    snprintf(p, sizeof p, "%s/top.yaml", dir);
    int rc = tr_scenario_load(&s, &src, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(s->description, "top");
    assert_int_equal(tr_scenario_find_tech(s, "T1"), 0);
    assert_int_equal(tr_scenario_find_tech(s, "T2"), -1);
    assert_int_equal(tr_scenario_find_tech(s, "T3"), 1);
    int a = tr_scenario_find_country(s, "A");
    assert_true(a >= 0);
    assert_int_equal(s->countries[a].gdp.n, 1); /* a time path replaces */
    assert_true(s->countries[a].gdp.year[0] == 2003 && s->countries[a].gdp.value[0] == 5);
    assert_true(s->countries[a].strength[0] == 2 && s->countries[a].strength[1] == 3); /* strength merges */
    tr_scenario_destroy(s);
    tr_diag_free(&d);

    char buf[1200];
    snprintf(p, sizeof p, "%s/cyc1.yaml", dir);
    rc = tr_scenario_load(&s, &src, &d);
    assert_int_equal(rc, TR_ERR_INPUT);
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "cyc2.yaml:1:11: include cycle: "));
    assert_non_null(strstr(buf, "cyc1.yaml -> "));
    tr_diag_free(&d);

    snprintf(p, sizeof p, "%s/missing.yaml", dir);
    rc = tr_scenario_load(&s, &src, &d);
    assert_int_equal(rc, TR_ERR_INPUT);
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "missing.yaml:1:11: cannot read included file"));
    assert_non_null(strstr(buf, "sub/nothere.yaml"));
    tr_diag_free(&d);

    snprintf(p, sizeof p, "%s/absent.yaml", dir);
    rc = tr_scenario_load(&s, &src, &d);
    assert_int_equal(rc, TR_ERR_IO);
    assert_null(s);
    assert_true(d.errors == 1);
    tr_diag_free(&d);

    const char *names[] = {"sub/base.yaml", "sub/mid.yaml", "top.yaml", "cyc1.yaml", "cyc2.yaml", "missing.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(sub);
    rmdir(dir);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *make_tmpdir(char *dir, size_t n)
{
    const char *tmpdir = getenv("TMPDIR");
    snprintf(dir, n, "%s/tr_scenario_XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static int load_path(tr_scenario **s, const char *path, tr_diag *d)
{
    tr_scenario_source src = {0};
    src.path = path;
    return tr_scenario_load(s, &src, d);
}

/* Each file is included once per resolution: a chain of files that each
 * include the next twice, a diamond, and a thousand `default`s load fast and
 * merge as if each file came once (where it first comes). */
/* A category key written in a later layer (an including file, --set)
 * replaces the technology keys of that category written before it; within
 * one layer technology keys win; the resolved text reads back to the same
 * values. */
static void test_strength_category_layers(void **state)
{
    (void)state;
    char dir[512];
    make_tmpdir(dir, sizeof dir);
    write_file(dir, "base.yaml",
               "calendar: {start: 2000, end: 2005}\n"
               "categories: [{id: c, name: C}, {id: e, name: E}]\n"
               "technologies: [{id: T1, name: A, category: c}, {id: T2, name: B, category: c},\n"
               "               {id: T3, name: D, category: e}]\n"
               "countries: [{id: A, name: A, gdp: {2000: 1}, rd_intensity: 0.01,\n"
               "             strength: {T1: 2, T2: 3, T3: 4}}]\n");
    write_file(dir, "cat.yaml", "include: base.yaml\ncountries: [{id: A, strength: {c: 5}}]\n");
    write_file(dir, "both.yaml", "include: base.yaml\ncountries: [{id: A, strength: {c: 5, T2: 6}}]\n");
    write_file(dir, "one.yaml",
               "calendar: {start: 2000, end: 2005}\n"
               "categories: [{id: c, name: C}, {id: e, name: E}]\n"
               "technologies: [{id: T1, name: A, category: c}, {id: T2, name: B, category: c},\n"
               "               {id: T3, name: D, category: e}]\n"
               "countries: [{id: A, name: A, gdp: {2000: 1}, rd_intensity: 0.01, strength: {T1: 2}}]\n");
    char p[700];
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario_source src = {0};
    src.path = p;
    struct {
        const char *file, *set;
        double want[3];
    } cases[] = {
        {"base.yaml", NULL, {2, 3, 4}},
        {"cat.yaml", NULL, {5, 5, 4}},   /* the later category replaces both technologies */
        {"both.yaml", NULL, {5, 6, 4}},  /* within one layer the technology wins */
        {"base.yaml", "countries.A.strength.c=7", {7, 7, 4}},
        {"both.yaml", "countries.A.strength.e=8", {5, 6, 8}},
        /* *= on a category the mapping does not list scales each of its technologies */
        {"base.yaml", "countries.A.strength.c*=2", {4, 6, 4}},
        {"base.yaml", "countries.A.strength.e+=0.5", {2, 3, 4.5}},
        {"cat.yaml", "countries.A.strength.c*=2", {10, 10, 4}}, /* a listed category: its value */
        {"one.yaml", "countries.A.strength.c*=2", {4, 2, 1}},   /* an unlisted technology scales from 1 */
    };
    for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
        snprintf(p, sizeof p, "%s/%s", dir, cases[n].file);
        const char *sets[1] = {cases[n].set};
        src.overrides = cases[n].set ? sets : NULL;
        src.n_overrides = cases[n].set ? 1 : 0;
        tr_scenario *s = NULL;
        int rc = tr_scenario_load(&s, &src, &d);
        if (rc)
            print_diag(&d);
        assert_int_equal(rc, 0);
        for (int t = 0; t < 3; t++)
            assert_true(s->countries[0].strength[t] == cases[n].want[t]);
        /* the resolved text, loaded as one file, gives the same strengths */
        tr_scenario_source again = {0};
        again.text = s->resolved_text;
        again.text_name = "resolved";
        tr_scenario *r = NULL;
        assert_int_equal(tr_scenario_load(&r, &again, &d), 0);
        for (int t = 0; t < 3; t++)
            assert_true(r->countries[0].strength[t] == cases[n].want[t]);
        tr_scenario_destroy(r);
        tr_scenario_destroy(s);
    }
    tr_diag_free(&d);
    const char *names[] = {"base.yaml", "cat.yaml", "both.yaml"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        remove(p);
    }
    rmdir(dir);
}

static void test_includes_once(void **state)
{
    (void)state;
    char dir[512], p[700], name[64], text[128];
    make_tmpdir(dir, sizeof dir);
    /* chain: f0 -> [f1, f1] -> ... -> f12 -> [default, default]: 2^13 before */
    for (int i = 0; i < 13; i++) {
        snprintf(name, sizeof name, "f%d.yaml", i);
        if (i < 12)
            snprintf(text, sizeof text, "include: [f%d.yaml, ./f%d.yaml]\n", i + 1, i + 1);
        else
            snprintf(text, sizeof text, "include: [default, default]\n");
        write_file(dir, name, text);
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL, *def = NULL;
    assert_int_equal(tr_scenario_load_default(&def, NULL, 0, &d), 0);
    snprintf(p, sizeof p, "%s/f0.yaml", dir);
    double t0 = now_s();
    int rc = load_path(&s, p, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_true(now_s() - t0 < 10);
    assert_string_equal(s->hash, def->hash); /* nothing but the default, once */
    assert_string_equal(s->resolved_text, def->resolved_text);
    tr_scenario_destroy(s);

    /* a thousand defaults */
    size_t cap = 16 + 1000 * 9;
    char *many = malloc(cap);
    assert_non_null(many);
    size_t o = (size_t)snprintf(many, cap, "include: [");
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(many + o, cap - o, "%sdefault", i ? ", " : "");
    snprintf(many + o, cap - o, "]\n");
    t0 = now_s();
    rc = load_text(&s, many, NULL, 0, &d);
    assert_int_equal(rc, 0);
    assert_true(now_s() - t0 < 10);
    assert_string_equal(s->hash, def->hash);
    tr_scenario_destroy(s);
    free(many);

    /* a diamond: top -> [a, b], a -> base, b -> base. base comes once (under
     * a), so what a changes in it stays changed */
    write_file(dir, "base.yaml",
               "calendar: {start: 2000, end: 2005}\n"
               "categories: [{id: c, name: C}]\n"
               "technologies: [{id: T1, name: A, category: c}]\n"
               "countries: [{id: A, name: A, gdp: 1, rd_intensity: 0.01}, {id: B, name: B, gdp: 2, rd_intensity: 0.02}]\n");
    write_file(dir, "a.yaml", "include: base.yaml\ncountries: [{id: A, gdp: 10}]\n");
    write_file(dir, "b.yaml", "include: [base.yaml]\ncountries: [{id: B, gdp: 20}]\n");
    write_file(dir, "top.yaml", "include: [a.yaml, b.yaml]\nname: diamond\n");
    snprintf(p, sizeof p, "%s/top.yaml", dir);
    rc = load_path(&s, p, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(s->name, "diamond");
    assert_int_equal(s->n_countries, 2);
    assert_true(s->countries[0].gdp.value[0] == 10 && s->countries[1].gdp.value[0] == 20);
    tr_scenario_destroy(s);
    /* the same through a symbolic link: still once (device and inode) */
    char target[700];
    snprintf(target, sizeof target, "%s/base.yaml", dir);
    snprintf(p, sizeof p, "%s/link.yaml", dir);
    assert_int_equal(symlink(target, p), 0);
    write_file(dir, "b.yaml", "include: [link.yaml]\ncountries: [{id: B, gdp: 20}]\n");
    snprintf(p, sizeof p, "%s/top.yaml", dir);
    rc = load_path(&s, p, &d);
    assert_int_equal(rc, 0);
    assert_true(s->countries[0].gdp.value[0] == 10 && s->countries[1].gdp.value[0] == 20);
    tr_scenario_destroy(s);
    tr_scenario_destroy(def);
    tr_diag_free(&d);

    const char *names[] = {"base.yaml", "a.yaml", "b.yaml", "top.yaml", "link.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    for (int i = 0; i < 13; i++) {
        snprintf(p, sizeof p, "%s/f%d.yaml", dir, i);
        unlink(p);
    }
    rmdir(dir);
}

/* A FIFO (or any file that is not a regular file) is refused at once, as the
 * top-level file and as an include: reading it would block. */
static void test_non_regular(void **state)
{
    (void)state;
    char dir[512], p[700], buf[1200];
    make_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "%s/fifo", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    write_file(dir, "inc.yaml", "name: x\ninclude: [fifo]\n");
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_path(&s, p, &d);
    assert_int_equal(rc, TR_ERR_IO);
    assert_null(s);
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "fifo:0:0: cannot read file: not a regular file (a FIFO)"));
    tr_diag_free(&d);

    snprintf(p, sizeof p, "%s/inc.yaml", dir);
    rc = load_path(&s, p, &d);
    assert_int_equal(rc, TR_ERR_INPUT);
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "inc.yaml:2:11: cannot read included file '"));
    assert_non_null(strstr(buf, "/fifo': not a regular file (a FIFO)"));
    tr_diag_free(&d);

    rc = load_path(&s, dir, &d); /* a directory */
    assert_int_equal(rc, TR_ERR_IO);
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "not a regular file (a directory)"));
    tr_diag_free(&d);

    unlink(p);
    snprintf(p, sizeof p, "%s/fifo", dir);
    unlink(p);
    rmdir(dir);
}

/* Files from memory through the read_file callback. */
typedef struct memfs {
    int n;
    const char *const *names;
    const char *const *texts;
    size_t big; /* > 0: every file not listed is this many bytes of comment */
    char *big_text;
    int calls;
} memfs;

static int memfs_read(void *ctx, const char *path, const char **text, size_t *len)
{
    memfs *m = ctx;
    m->calls++;
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->names[i], path)) {
            *text = m->texts[i];
            *len = strlen(m->texts[i]);
            return 0;
        }
    if (m->big) {
        *text = m->big_text;
        *len = m->big;
        return 0;
    }
    return ENOENT;
}

static void test_read_callback(void **state)
{
    (void)state;
    const char *names[] = {"top.yaml", "sub/mid.yaml", "sub/base.yaml"};
    const char *texts[] = {
        "include: [sub/mid.yaml, sub/../sub/mid.yaml]\nname: mem\n",
        "include: [./base.yaml, base.yaml, default]\ndescription: mid\n",
        "seed: 7\n",
    };
    memfs m = {3, names, texts, 0, NULL, 0};
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.path = "top.yaml";
    src.read_file = memfs_read;
    src.read_ctx = &m;
    int rc = tr_scenario_load(&s, &src, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(s->name, "mem");
    assert_string_equal(s->description, "mid");
    assert_true(s->seed == 1); /* default (after base) wins */
    tr_scenario_destroy(s);

    /* a missing one */
    src.path = "nothere.yaml";
    rc = tr_scenario_load(&s, &src, &d);
    assert_int_equal(rc, TR_ERR_IO);
    char buf[1200];
    first_msg(&d, buf, sizeof buf);
    assert_non_null(strstr(buf, "cannot read file: No such file or directory"));
    tr_diag_free(&d);

    /* the bound on all included text: two files of 40 MiB */
    const char *big_names[] = {"top.yaml"};
    const char *big_texts[] = {"include: [a.yaml, b.yaml]\n"};
    memfs b = {1, big_names, big_texts, (size_t)40 << 20, NULL, 0};
    b.big_text = malloc(b.big);
    assert_non_null(b.big_text);
    memset(b.big_text, ' ', b.big);
    b.big_text[0] = '#';
    src.path = "top.yaml";
    src.read_ctx = &b;
    rc = tr_scenario_load(&s, &src, &d);
    assert_int_equal(rc, TR_ERR_INPUT);
    first_msg(&d, buf, sizeof buf);
    if (!strstr(buf, "top.yaml:1:19: including 'b.yaml' exceeds the limit of 64 MiB"))
        print_diag(&d);
    assert_non_null(strstr(buf, "top.yaml:1:19: including 'b.yaml' exceeds the limit of 64 MiB"));
    tr_diag_free(&d);
    free(b.big_text);
}

/* A huge value is quoted in messages by its start and its length, not whole. */
static void test_long_values(void **state)
{
    (void)state;
    size_t n = 120000;
    char *set = malloc(n + 32);
    assert_non_null(set);
    strcpy(set, "seed=");
    memset(set + 5, 'x', n);
    set[5 + n] = 0;
    const char *sets[] = {set};
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    assert_int_equal(tr_scenario_load_default(&s, sets, 1, &d), TR_ERR_INPUT);
    char buf[1200];
    first_msg(&d, buf, sizeof buf);
    assert_true(strlen(buf) < 300);
    assert_non_null(strstr(buf, "--set:1:6: expected a number for 'seed', got 'xxxxxxxxxx"));
    assert_non_null(strstr(buf, "x\u2026 (120000 bytes)' [--set seed=xxx"));
    assert_non_null(strstr(buf, "x\u2026 (120005 bytes)]"));
    tr_diag_free(&d);
    /* in a file, too */
    size_t ylen = strlen(good_yaml) + n + 200;
    char *y = malloc(ylen);
    assert_non_null(y);
    snprintf(y, ylen, "%s  - {id: z, type: %s, actor: CN, start: 2002}\n", good_yaml, set + 5);
    assert_int_equal(load_text(&s, y, NULL, 0, &d), TR_ERR_INPUT);
    first_msg(&d, buf, sizeof buf);
    assert_true(strlen(buf) < 500);
    if (!strstr(buf, "unknown event type 'xxxx"))
        fprintf(stderr, "%.300s\n", buf);
    assert_non_null(strstr(buf, "unknown event type 'xxxx"));
    assert_non_null(strstr(buf, "\u2026 (120000 bytes)' (expected rd_funding, "));
    tr_diag_free(&d);
    free(y);
    free(set);
}

static void test_overrides_good(void **state)
{
    (void)state;
    const char *sets[] = {
        "countries.CN.rd_intensity=0.03",
        "events.mlp.budget=8",
        "parameters.research.hi_base=0.12",
        "calendar.end=2030",
        "countries.US.gdp={2000: 1, 2020: 2}",
        "countries.US.gdp.2010=5",
        "countries.JP.strength.energy=3",
        "parameters.talent.attrition=0.05",
        "name=Changed",
        "countries.JP.population=127",
    };
    int n = (int)(sizeof sets / sizeof sets[0]);
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_text(&s, good_yaml, sets, n, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_true(tr_path_at(&s->countries[1].rd_intensity, 2005) == 0.03);
    assert_true(s->events[0].budget == 8);
    assert_true(s->params.research.hi_base == 0.12);
    assert_int_equal(s->end_year, 2030);
    const tr_path *g = &s->countries[0].gdp;
    assert_int_equal(g->n, 3);
    assert_true(g->year[1] == 2010 && g->value[1] == 5);
    assert_true(s->countries[2].strength[2] == 3 && s->countries[2].strength[0] == 1);
    assert_true(s->params.talent.attrition == 0.05);
    assert_string_equal(s->name, "Changed");
    assert_true(tr_path_at(&s->countries[2].population, 2000) == 127);
    assert_int_equal(s->n_overrides, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(s->overrides[i], sets[i]);
    assert_non_null(strstr(s->resolved_text, "hi_base: 0.12"));

    /* the hash follows the resolved text */
    tr_scenario *s0 = load_good();
    assert_string_not_equal(s0->hash, s->hash);
    tr_scenario *s1 = load_good();
    assert_string_equal(s0->hash, s1->hash);
    tr_scenario_destroy(s0);
    tr_scenario_destroy(s1);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
}

static void test_overrides_bad(void **state)
{
    (void)state;
    const char *a[] = {"countries.CN.rd_intensty=0.03"};
    expect_error(good_yaml, a, 1,
                 "--set:1:14: unknown key 'rd_intensty' in country (did you mean 'rd_intensity'?) "
                 "[--set countries.CN.rd_intensty=0.03]");
    const char *b[] = {"calendar.end=2030", "countries.CM.gdp=1"};
    expect_error(good_yaml, b, 2, "--set:2:11: no country with id 'CM' (did you mean 'CN'?)");
    const char *c[] = {"countries.CN.basic_share=1.5"};
    expect_error(good_yaml, c, 1, "--set:1:26: 'basic_share' must be between 0 and 1, got 1.5");
    const char *e[] = {"nonsense"};
    expect_error(good_yaml, e, 1, "--set:1:1: expected key.path=value");
    const char *f[] = {"events.visa.budget=3"};
    expect_error(good_yaml, f, 1, "key 'budget' does not apply to events of type 'visa_restriction'");
    const char *g[] = {"calendar..end=3"};
    expect_error(good_yaml, g, 1, "--set:1:10: empty key in path");
    const char *h[] = {"calendar.end=[1"};
    expect_error(good_yaml, h, 1, "--set:1:");
    const char *i[] = {"include=x.yaml"};
    expect_error(good_yaml, i, 1, "'include' cannot be set with --set");
    const char *j[] = {"seed.x=1"};
    expect_error(good_yaml, j, 1, "'seed' is a single value and has no keys below it");
    const char *k[] = {"calendar.end=\"2030\""};
    expect_error(good_yaml, k, 1, "got the string \"2030\"");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("calendar: {start: 2000, end: 2010}\nfoo: [\n", NULL, 0, "test.yaml:3:1: YAML syntax error");
    expect_error("a: 1\n---\nb: 2\n", NULL, 0, "one YAML document");
    expect_error("x: &a 1\ny: *a\n", NULL, 0, "aliases are not supported");
    expect_error("", NULL, 0, "missing required key 'calendar' in scenario");
    expect_error("just a string\n", NULL, 0, "must be a mapping");
    /* errors keep being collected after the first */
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    char *bad = malloc(sizeof good_yaml + 200);
    assert_non_null(bad);
    strcpy(bad, good_yaml);
    char *m = strstr(bad, "maturity: 0.6");
    memcpy(m, "maturity: 9.6", 13);
    m = strstr(bad, "dual_use: 0.2");
    memcpy(m, "dual_use: .in", 13);
    strcat(bad, "bogus: 1\n");
    assert_int_equal(load_text(&s, bad, NULL, 0, &d), TR_ERR_INPUT);
    assert_true(d.errors == 3);
    free(bad);
    tr_diag_free(&d);
    /* ids */
    expect_error("calendar: {start: 2000, end: 2001}\ncategories: [{id: \"a.b\", name: x}]\n", NULL, 0,
                 "invalid id 'a.b'");
    expect_error("calendar: {start: 2000, end: 2001}\ncategories: [{id: all, name: x}]\n", NULL, 0,
                 "'all' is reserved");
    expect_error("calendar: {start: 2000, end: 2001}\n"
                 "categories: [{id: c, name: x}]\n"
                 "technologies: [{id: c, name: x, category: c}]\n"
                 "countries: [{id: A, name: A, gdp: 1, rd_intensity: 0.01}]\n",
                 NULL, 0, "technology id 'c' is also a category id");
    expect_error("calendar: {start: 2000, end: 2001, steps_per_year: 2.5}\n", NULL, 0,
                 "expected a whole number for 'steps_per_year', got 2.5");
    const char *sd[] = {"seed=-1"};
    expect_error(good_yaml, sd, 1, "'seed' must be a whole number");
    const char *rk[] = {"countries.JP.ranked=maybe"};
    expect_error(good_yaml, rk, 1, "expected true or false for 'ranked', got 'maybe'");
    expect_error("calendar: {start: 2000, end: 2001}\n"
                 "categories: [{id: c, name: x}]\n"
                 "technologies: [{id: T, name: x, category: c, spillovers: {T: 0.1}}]\n",
                 NULL, 0, "cannot spill over to itself");
    const char *tr[] = {"parameters.tracker.medium_ratio=4"};
    expect_error(good_yaml, tr, 1, "--set:1:33: medium_ratio 4 must not exceed high_ratio 3");
}

/* Load and return the number of errors (the load must fail iff want_fail). */
static size_t count_errors(const char *yaml, const char *const *sets, int n, int want_fail)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_text(&s, yaml, sets, n, &d);
    size_t errors = d.errors;
    if ((rc != 0) != want_fail)
        print_diag(&d);
    assert_int_equal(rc, want_fail ? TR_ERR_INPUT : 0);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    return errors;
}

static void test_diagnostics(void **state)
{
    (void)state;
    /* a list that fails to convert does not drag along every reference to it */
    static const char cascade[] = "include: [default]\n"
                                  "countries:\n"
                                  "  US: {name: \"United States\", gdp: 10000, rd_intensity: 0.027}\n";
    expect_error(cascade, NULL, 0, "test.yaml:3:3: expected a list for 'countries', got a mapping");
    assert_int_equal(count_errors(cascade, NULL, 0, 1), 1);
    assert_int_equal(count_errors("include: [default]\ncategories: ict\n", NULL, 0, 1), 1);
    assert_int_equal(count_errors("include: [default]\ntechnologies: []\n", NULL, 0, 1), 1);
    assert_int_equal(count_errors("calendar: {start: 2000, end: 2001}\n"
                                  "technologies: [{id: T, name: x, category: c}]\n"
                                  "countries: [{id: A, name: A, gdp: 1, rd_intensity: 0.01, strength: {c: 2}}]\n"
                                  "events: [{id: e, type: priority_list, actor: A, start: 2000, "
                                  "technologies: [c]}]\n",
                                  NULL, 0, 1),
                     1); /* only "missing required key 'categories'" */
    const char *ci[] = {"countries.US.gdp=1"};
    expect_error(cascade, ci, 1, "--set:1:1: cannot set items of 'countries': it is not a list");
    /* other reference errors are still reported */
    assert_int_equal(count_errors("include: [default]\ncountries: {}\n"
                                  "technologies: [{id: T01x, name: x, category: nope}]\n",
                                  NULL, 0, 1),
                     2);

    /* cross-field checks blame the override that broke them */
    const char *cs[] = {"calendar.start=2040"};
    expect_error(good_yaml, cs, 1,
                 "--set:1:16: calendar start 2040 is after its end 2010 [--set calendar.start=2040]");
    const char *ce[] = {"calendar.end=1999"};
    expect_error(good_yaml, ce, 1, "--set:1:14: calendar end 1999 is before its start 2000");
    const char *ce2[] = {"calendar.start=2005", "calendar.end=2003"};
    expect_error(good_yaml, ce2, 2, "--set:2:14: calendar end 2003 is before its start 2005");
    const char *es[] = {"events.mlp.start=2012"};
    expect_error(good_yaml, es, 1,
                 "--set:1:18: event starts (2012) after or when it ends (2010) [--set events.mlp.start=2012]");
    const char *ee[] = {"events.mlp.end=2004"};
    expect_error(good_yaml, ee, 1, "--set:1:16: event ends (2004) before or when it starts (2006)");
    const char *sa[] = {"countries.CN.applied_share=0.99"};
    expect_error(good_yaml, sa, 1, "--set:1:28: basic_share + applied_share = 1.05 exceeds 1");
    const char *sb[] = {"countries.US.basic_share=0.9"};
    expect_error(good_yaml, sb, 1, "--set:1:26: basic_share + applied_share = 1.15 exceeds 1");
    const char *sp[] = {"countries.US.basic_share.2005=0.6"};
    expect_error("calendar: {start: 2000, end: 2010}\n"
                 "categories: [{id: ict, name: ICT}]\n"
                 "technologies: [{id: T01, name: Chips, category: ict}]\n"
                 "countries: [{id: US, name: US, gdp: 1, rd_intensity: 0.01,\n"
                 "             basic_share: {2000: 0.1, 2010: 0.2}, applied_share: 0.5}]\n",
                 sp, 1, "--set:1:31: basic_share + applied_share = 1.1 exceeds 1 in 2005");
    const char *hr[] = {"parameters.tracker.high_ratio=1.5"};
    expect_error(good_yaml, hr, 1, "--set:1:31: high_ratio 1.5 must not be below medium_ratio 2");
    const char *ht[] = {"parameters.tracker.high_top10=4"};
    expect_error(good_yaml, ht, 1, "--set:1:31: high_top10 4 must not be below medium_top10 5");
    const char *ac[] = {"events.jr.actor=JP"};
    expect_error(good_yaml, ac, 1, "--set:1:17: the actor 'JP' cannot also be one of the event's countries");

    /* remove: did you mean, and booleans */
    expect_error("include: [default]\nevents:\n  - {id: thousand_talents, remove: true}\n", NULL, 0,
                 "test.yaml:3:36: cannot remove 'thousand_talents': no item with this id comes before it "
                 "(did you mean 'cn_thousand_talents'?)");
    expect_error("include: [default]\nevents:\n  - {id: cn_thousand_talents, remove: yes}\n", NULL, 0,
                 "test.yaml:3:39: expected true or false for 'remove', got 'yes'");
    expect_error("include: [default]\nevents:\n  - {id: cn_thousand_talents, remove: \"true\"}\n", NULL, 0,
                 "expected true or false for 'remove', got the string \"true\"");
    expect_error("include: [default]\nevents:\n  - {id: cn_thousand_talents, remove: [1]}\n", NULL, 0,
                 "expected true or false for 'remove', got a list");
    const char *const cands[] = {"us_china_initiative", "cn_thousand_talents", "mlp2006"};
    assert_string_equal(sc_suggest_id("talents", cands, 3), "cn_thousand_talents");
    assert_string_equal(sc_suggest_id("THOUSAND_talents", cands, 3), "cn_thousand_talents");
    assert_string_equal(sc_suggest_id("us_china_initiative_2018", cands, 3), "us_china_initiative");
    assert_string_equal(sc_suggest_id("mlp2007", cands, 3), "mlp2006");
    assert_null(sc_suggest_id("ml", cands, 3));
    assert_null(sc_suggest_id("quantum", cands, 3));
    assert_null(sc_suggest("talents", cands, 3));

    /* an empty value for an optional list or mapping means its default */
    static const char nulls[] = "calendar: {start: 2000, end: 2010}\n"
                                "categories: [{id: ict, name: ICT}]\n"
                                "technologies: [{id: T01, name: Chips, category: ict, spillovers: ~}]\n"
                                "countries:\n"
                                "  - {id: US, name: US, gdp: 1, rd_intensity: 0.01, strength: , institutions: null}\n"
                                "  - {id: CN, name: CN, gdp: 1, rd_intensity: 0.01}\n"
                                "research_institutions:\n"
                                "parameters: ~\n"
                                "events:\n"
                                "  - {id: j, type: joint_research, actor: US, start: 2001, countries: [CN],"
                                " technologies: }\n";
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load_text(&s, nulls, NULL, 0, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(s->n_inst_specs, 0);
    assert_int_equal(s->n_events, 1);
    assert_int_equal(s->events[0].n_techs, 1);
    assert_int_equal(s->techs[0].n_links, 0);
    assert_true(s->countries[0].strength[0] == 1);
    assert_int_equal(s->countries[0].inst.count, 50);
    assert_true(s->params.research.hi_base == 0.10);
    /* the resolved text (empty values in flow mappings written as ~) reads back the same */
    tr_scenario *s2 = NULL;
    rc = load_text(&s2, s->resolved_text, NULL, 0, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    char *f1 = tr_scenario_flatten(s), *f2 = tr_scenario_flatten(s2);
    assert_non_null(f1);
    assert_non_null(f2);
    assert_string_equal(f1, f2);
    assert_string_equal(s->hash, s2->hash);
    free(f1);
    free(f2);
    tr_scenario_destroy(s2);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    const char *ev[] = {"events=", "research_institutions=~"};
    assert_int_equal(count_errors(good_yaml, ev, 2, 0), 0);
    /* ... and is still an error for a required one */
    expect_error("calendar: {start: 2000, end: 2010}\ncategories:\n", NULL, 0,
                 "test.yaml:2:12: expected a list for 'categories', got nothing");
    expect_error("calendar:\n", NULL, 0, "expected a mapping for 'calendar', got nothing");
    expect_error("calendar: {start: 2000, end: 2010}\n"
                 "categories: [{id: ict, name: ICT}]\n"
                 "technologies: [{id: T01, name: Chips, category: ict}]\n"
                 "countries: [{id: US, name: US, gdp: 1, rd_intensity: 0.01}]\n"
                 "events: [{id: v, type: visa_restriction, actor: US, start: 2001, countries: ~}]\n",
                 NULL, 0, "expected a list of ids for 'countries', got nothing");
}

/* tr_diag_print: messages in the order of the text, each note after its
 * error, whatever order the checking passes found them in; an override's
 * error names the option that gave it; a missing required key that an
 * unknown key misspells is reported once, as the misspelling. */
static void test_diag_print_order(void **state)
{
    (void)state;
    static const char bad[] = "include: [default]\n"
                              "calendar: {start: 2000, end: 1990}\n"                  /* line 2: cross-field pass */
                              "parameters: {firms: {markup: -3, bogus: 1}}\n"         /* line 3: range, unknown */
                              "countries:\n"
                              "  - {id: US, name: a, gdp: 1, rd_intensity: 0.02}\n"   /* line 5 */
                              "  - {id: US, name: b, gdp: 1, rd_intensity: 0.02}\n"; /* line 6: duplicate id */
    tr_scenario *s = NULL;
    tr_diag d;
    tr_diag_init(&d);
    assert_int_equal(load_text(&s, bad, NULL, 0, &d), TR_ERR_INPUT);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    tr_diag_print(&d, f);
    fclose(f);
    int last = 0, n = 0, notes = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
        int line = 0, col = 0;
        char kind[16] = "";
        assert_int_equal(sscanf(p, "test.yaml:%d:%d: %15[a-z]", &line, &col, kind), 3);
        if (!strcmp(kind, "note")) { /* "'US' first defined here": line 5, right after the duplicate */
            assert_int_equal(line, 5);
            assert_int_equal(last, 6);
            notes++;
            continue;
        }
        assert_true(line >= last);
        last = line;
        n++;
    }
    assert_true(n >= 4);
    assert_int_equal(notes, 1);
    free(text);
    tr_diag_free(&d);

    /* the option that gave an override */
    tr_scenario_source src = {0};
    const char *sets[] = {"seed=2", "parameters.firms.markup=abc"};
    const char *opts[] = {"--set", "--set-b"};
    src.text = good_yaml;
    src.text_name = "test.yaml";
    src.overrides = sets;
    src.n_overrides = 2;
    src.override_options = opts;
    tr_diag_init(&d);
    assert_int_equal(tr_scenario_load(&s, &src, &d), TR_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.msgs[0].text, "[--set-b parameters.firms.markup=abc]"));
    tr_diag_free(&d);

    /* a misspelled required key: one error, the misspelling's */
    static const char typo[] = "include: [default]\n"
                               "countries:\n"
                               "  - {id: US, name: a, gdp: 1, rd_intensty: 0.02}\n";
    tr_diag_init(&d);
    assert_int_equal(load_text(&s, typo, NULL, 0, &d), TR_ERR_INPUT);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.msgs[0].text, "did you mean 'rd_intensity'"));
    tr_diag_free(&d);
}

static void test_flatten(void **state)
{
    (void)state;
    tr_scenario *s = load_good();
    char *f = tr_scenario_flatten(s);
    assert_non_null(f);
    assert_non_null(strstr(f, "\ncountries.CN.rd_intensity = {2000: 0.009, 2023: 0.0264}\n"));
    assert_non_null(strstr(f, "\ncountries.JP.population = 1\n"));
    assert_non_null(strstr(f, "\ncountries.US.strength.T02 = 2\n"));
    assert_non_null(strstr(f, "\ntechnologies.T01.spillovers = {T02: 0.1, T03: 0.05}\n"));
    assert_non_null(strstr(f, "\nevents.mlp.technologies = [T01, T03, T04]\n"));
    assert_non_null(strstr(f, "\nevents.visa.end = never\n"));
    assert_non_null(strstr(f, "\nparameters.research.papers_per_busd = 4000\n"));
    assert_non_null(strstr(f, "\ncalendar.steps_per_year = 4\n"));
    assert_null(strstr(f, "events.visa.budget"));
    assert_true(strncmp(f, "name = \"Unit\"\n", 14) == 0);

    /* the resolved text reloads to the same scenario */
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *r = NULL;
    int rc = load_text(&r, s->resolved_text, NULL, 0, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    char *f2 = tr_scenario_flatten(r);
    assert_string_equal(f, f2);
    assert_string_equal(s->hash, r->hash);
    free(f2);
    tr_scenario_destroy(r);

    /* an override changes exactly its line */
    const char *sets[] = {"countries.CN.openness=0.5"};
    rc = load_text(&r, good_yaml, sets, 1, &d);
    assert_int_equal(rc, 0);
    f2 = tr_scenario_flatten(r);
    assert_non_null(strstr(f2, "\ncountries.CN.openness = 0.5\n"));
    assert_int_equal(strlen(f), strlen(f2));
    size_t ndiff = 0;
    for (size_t i = 0; f[i]; i++)
        ndiff += f[i] != f2[i];
    assert_int_equal(ndiff, 1); /* 0.7 -> 0.5 */
    free(f2);
    free(f);
    tr_scenario_destroy(r);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    assert_null(tr_scenario_flatten(NULL));
}

/* load -> resolved text -> load: the same text, hash and settings. */
static void roundtrip_text(const char *what, const char *yaml, const char *path)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *a = NULL, *b = NULL;
    tr_scenario_source src = {0};
    src.path = path;
    src.text = yaml;
    src.text_name = what;
    int rc = tr_scenario_load(&a, &src, &d);
    if (rc) {
        fprintf(stderr, "%s:\n", what);
        print_diag(&d);
    }
    assert_int_equal(rc, 0);
    rc = load_text(&b, a->resolved_text, NULL, 0, &d);
    if (rc) {
        fprintf(stderr, "%s, resolved:\n%s\n", what, a->resolved_text);
        print_diag(&d);
    }
    assert_int_equal(rc, 0);
    if (strcmp(a->resolved_text, b->resolved_text))
        fprintf(stderr, "%s: not a fixed point:\n%s\n---\n%s\n", what, a->resolved_text, b->resolved_text);
    assert_string_equal(a->resolved_text, b->resolved_text);
    assert_string_equal(a->hash, b->hash);
    char *fa = tr_scenario_flatten(a), *fb = tr_scenario_flatten(b);
    assert_non_null(fa);
    assert_non_null(fb);
    assert_string_equal(fa, fb);
    free(fa);
    free(fb);
    tr_scenario_destroy(a);
    tr_scenario_destroy(b);
    tr_diag_free(&d);
}

/* The resolved text is canonical: one style per value, so that load -> show
 * -> load -> show is a fixed point and the hash is stable (a plain value with
 * a tab used to come out as `! "a\tb"`, and differently the next time). */
static void test_canonical_text(void **state)
{
    (void)state;
    roundtrip_text("default", tr_scenario_default_text(), NULL);
    static const char *const good[] = {"tests/scenarios/good/base.yaml", "tests/scenarios/good/example.yaml",
                                       "tests/scenarios/good/override.yaml", "scenarios/no-local-subsidy.yaml"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *p = source_path(good[i]);
        roundtrip_text(good[i], NULL, p);
        free(p);
    }
    /* tricky values, in block context (description) and in flow mappings
     * (a category's name, written back as a flow mapping) */
    static const char *const tricky[] = {
        "a\tb", "a, b [c] {d}", "x: y", "a #b", "a#b", "'single'", "\"dq\"", "- x", "-x", "---x", "...",
        "? q", "?q", ":x", "x:", "%p", "@a", "`b", "!t", "&a", "*a", "|", ">", "Z\xc3\xbcrich", "\xf0\x9f\x98\x80",
        "\357\273\277bom", "null", "~", "true", "1e3", "0x1F", "2006Q2", "", "  lead", "trail  ", "a\\nb",
        "tab\tend", "\xc2\xa0nbsp", "\xe2\x80\xa8ls", "multi word value", "a  b",
    };
    static const char *const forms[] = {"%s", "\"%s\"", "'%s'"};
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            char val[128], y[4096];
            if (f == 0 && (strchr(tricky[i], '\'') || strchr(tricky[i], '"')))
                continue; /* not written plain */
            if (f == 1 && strchr(tricky[i], '"'))
                continue;
            if (f == 2 && strchr(tricky[i], '\''))
                continue;
            snprintf(val, sizeof val, forms[f], tricky[i]);
            snprintf(y, sizeof y,
                     "description: %s\n"
                     "name: %s\n"
                     "calendar: {start: 2000, end: 2001}\n"
                     "categories:\n  - id: c\n    name: %s\n"
                     "technologies: [{id: T1, name: A, category: c}]\n"
                     "countries: [{id: A, name: A, gdp: 1, rd_intensity: 0.01}]\n",
                     val, val, val);
            tr_diag d;
            tr_diag_init(&d);
            tr_scenario *s = NULL;
            int rc = load_text(&s, y, NULL, 0, &d);
            tr_scenario_destroy(s);
            tr_diag_free(&d);
            if (rc == 0) /* some are not valid YAML plain (e.g. "x: y"): nothing to check */
                roundtrip_text(val, y, NULL);
        }
    }
    /* a tab in a plain value: double-quoted without a tag */
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    assert_int_equal(load_text(&s, "name: a\tb\ncalendar: {start: 2000, end: 2001}\n"
                                   "categories: [{id: c, name: C}]\ntechnologies: [{id: T1, name: A, category: c}]\n"
                                   "countries: [{id: A, name: A, gdp: 1, rd_intensity: 0.01}]\n", NULL, 0, &d), 0);
    assert_non_null(strstr(s->resolved_text, "name: \"a\\tb\"\n"));
    assert_null(strchr(s->resolved_text, '!'));
    tr_scenario_destroy(s);
    tr_diag_free(&d);
}

static void test_default(void **state)
{
    (void)state;
    const char *t = tr_scenario_default_text();
    assert_non_null(t);
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = tr_scenario_load_default(&s, NULL, 0, &d);
    if (rc)
        print_diag(&d);
    assert_int_equal(rc, 0);
    assert_string_equal(s->source_name, "default");
    assert_true(s->n_countries >= 1 && s->n_tech >= 1);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
}

/* One load (and flatten) of a variant through an allocator; returns the
 * load's status, with *flat_ok set when the flattened text came back too. */
static int alloc_run(int variant, const tr_allocator *alloc, const char *path, int *flat_ok)
{
    static const char *const sets[] = {"countries.CN.rd_intensity=0.03", "countries.US.strength.T02=3"};
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    if (variant == 0) {
        src.text = good_yaml;
        src.text_name = "t";
    } else if (variant == 2) {
        src.text = tr_scenario_default_text();
        src.text_name = "default";
    } else {
        src.path = path;
    }
    src.overrides = variant == 2 ? NULL : sets;
    src.n_overrides = variant == 2 ? 0 : 2;
    src.alloc = alloc;
    int rc = tr_scenario_load(&s, &src, &d);
    *flat_ok = 0;
    if (rc == 0) {
        assert_non_null(s);
        char *flat = tr_scenario_flatten(s);
        *flat_ok = flat != NULL;
        tr_scenario_free_text(s, flat);
        tr_scenario_destroy(s);
    } else {
        if (rc != TR_ERR_NOMEM) {
            fprintf(stderr, "variant %d: rc %d\n", variant, rc);
            print_diag(&d);
        }
        assert_int_equal(rc, TR_ERR_NOMEM);
        assert_null(s);
        assert_true(d.errors >= 1);
    }
    tr_diag_free(&d);
    return rc;
}

/* Every allocation, refused in turn by a tr_fault_allocator: a clean
 * TR_ERR_NOMEM (or a NULL flattened text), no leak (LeakSanitizer in the
 * ASan build), no crash. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char *path = source_path("tests/scenarios/good/override.yaml");
    /* 0: text, 1: a file with includes and overrides, 2: the embedded default */
    for (int variant = 0; variant < 3; variant++) {
        tr_fault_allocator f;
        int flat_ok;
        tr_fault_allocator_init(&f, NULL, -1);
        assert_int_equal(alloc_run(variant, &f.base, path, &flat_ok), 0);
        assert_true(flat_ok);
        long total = f.count;
        assert_true(total >= 3);
        long n;
        for (n = 0;; n++) {
            tr_fault_allocator_init(&f, NULL, n);
            int rc = alloc_run(variant, &f.base, path, &flat_ok);
            if (!f.failed) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_true(rc == TR_ERR_NOMEM || !flat_ok);
        }
        assert_int_equal(n, total);
    }
    free(path);
}

/* Truncations and byte changes of a good scenario: never a crash. */
static void test_fuzz(void **state)
{
    (void)state;
    size_t len = strlen(good_yaml);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    int ok = 0, bad = 0;
    for (size_t cut = 0; cut <= len; cut += 3) {
        memcpy(buf, good_yaml, cut);
        buf[cut] = 0;
        tr_diag d;
        tr_diag_init(&d);
        tr_scenario *s = NULL;
        int rc = load_text(&s, buf, NULL, 0, &d);
        assert_true(rc == 0 || rc == TR_ERR_INPUT);
        assert_true((rc == 0) == (s != NULL));
        rc == 0 ? ok++ : bad++;
        tr_scenario_destroy(s);
        tr_diag_free(&d);
    }
    const char junk[] = {':', '[', '{', '}', '\n', '-', ' ', '&', '*', '!', '"', '#', '\'', '|', '>', '9',
                         '.', (char)0xff, (char)0xc3, '\t', '%', '@', '?', ','};
    unsigned rng = 12345;
    for (size_t i = 0; i < len; i++) {
        memcpy(buf, good_yaml, len + 1);
        rng = rng * 1103515245u + 12345u;
        buf[i] = junk[(rng >> 16) % sizeof junk];
        if (i + 7 < len && (rng & 1)) {
            rng = rng * 1103515245u + 12345u;
            buf[i + 7] = junk[(rng >> 16) % sizeof junk];
        }
        tr_diag d;
        tr_diag_init(&d);
        tr_scenario *s = NULL;
        const char *sets[] = {"countries.CN.rd_intensity=0.03"};
        int rc = load_text(&s, buf, sets, (int)(i & 1), &d);
        assert_true(rc == 0 || rc == TR_ERR_INPUT);
        assert_true((rc == 0) == (s != NULL));
        if (rc)
            assert_true(d.errors > 0);
        rc == 0 ? ok++ : bad++;
        if (s) {
            char *f = tr_scenario_flatten(s);
            assert_non_null(f);
            free(f);
        }
        tr_scenario_destroy(s);
        tr_diag_free(&d);
    }
    free(buf);
    assert_true(ok > 0 && bad > 0);

    /* pathological inputs */
    static const char *const odd[] = {
        "calendar: {start: 1e999, end: -1e999}\n",
        "calendar: {start: .nan, end: .inf}\n",
        "countries: [{id: A, gdp: {2000: nan}}]\n",
        "? [a, b]\n: c\n",
        "!!map {calendar: !!str x}\n",
        "%YAML 1.1\n---\ncalendar: 1\n",
        "\357\273\277calendar: {}\n", /* UTF-8 byte-order mark */
        "events: [{id: e, type: megaproject, start: 2000Q9}]\n",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        tr_diag d;
        tr_diag_init(&d);
        tr_scenario *s = NULL;
        assert_int_equal(load_text(&s, odd[i], NULL, 0, &d), TR_ERR_INPUT);
        tr_diag_free(&d);
    }
    /* very deep nesting and a long flat list */
    size_t deep = 100000;
    char *big = malloc(2 * deep + 32);
    assert_non_null(big);
    strcpy(big, "calendar: ");
    size_t o = strlen(big);
    for (size_t i = 0; i < deep; i++)
        big[o++] = '[';
    for (size_t i = 0; i < deep; i++)
        big[o++] = ']';
    big[o] = 0;
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    assert_int_equal(load_text(&s, big, NULL, 0, &d), TR_ERR_INPUT);
    tr_diag_free(&d);
    free(big);
}

/* The event kinds come from one table: names, the enum, and the message for
 * an unknown type, which lists every kind. */
static void test_event_kinds(void **state)
{
    (void)state;
    char want[1024];
    size_t o = (size_t)snprintf(want, sizeof want, "unknown event type 'zzz' (expected ");
    for (int k = 0; k < TR_EV_KIND_COUNT; k++) {
        const char *name = tr_event_kind_name((tr_event_kind)k);
        assert_string_equal(name, sc_kind_names[k]);
        assert_non_null(sc_kind_docs[k]);
        for (int j = 0; j < k; j++)
            assert_string_not_equal(name, sc_kind_names[j]);
        o += (size_t)snprintf(want + o, sizeof want - o, "%s%s", k == 0 ? "" : k == TR_EV_KIND_COUNT - 1 ? " or " : ", ",
                              name);
    }
    snprintf(want + o, sizeof want - o, ")");
    assert_int_equal(TR_EV_RD_FUNDING, 0);
    assert_int_equal(TR_EV_INVESTMENT_SCREENING, 10);
    assert_string_equal(tr_event_kind_name(TR_EV_SELF_SUFFICIENCY), "self_sufficiency_target");
    char *y = malloc(strlen(good_yaml) + 200);
    assert_non_null(y);
    strcpy(y, good_yaml);
    strcat(y, "  - {id: z, type: zzz, actor: CN, start: 2002}\n");
    expect_error(y, NULL, 0, want);
    free(y);
}

/* ---- docs/SCENARIO.md against the schema -------------------------------- */

static const char *type_name(const sc_field *f)
{
    switch (f->type) {
    case SC_F_STR: return "string";
    case SC_F_ID: return "id";
    case SC_F_LABEL: return "string";
    case SC_F_INT: return "integer";
    case SC_F_U64: return "integer";
    case SC_F_BOOL: return "boolean";
    case SC_F_NUM: return "number";
    case SC_F_PATH: return "time path";
    case SC_F_YEAR: return "year";
    case SC_F_KIND: return "word";
    case SC_F_REF: return "id";
    case SC_F_REFLIST: return "list of ids";
    case SC_F_TECHLIST: return "list of ids";
    case SC_F_STRENGTH: return "mapping";
    case SC_F_SPILL: return "mapping";
    case SC_F_SUB: return "mapping";
    case SC_F_LIST: return "list";
    case SC_F_INCLUDE: return "list";
    }
    return "?";
}

static void kinds_text(unsigned mask, char *buf, size_t n)
{
    buf[0] = 0;
    size_t o = 0;
    for (int k = 0; k < TR_EV_KIND_COUNT; k++)
        if (mask & (1u << k))
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", tr_event_kind_name((tr_event_kind)k));
}

static void doc_row(const sc_field *f, char *buf, size_t n)
{
    char def[64], range[96], req[320], lo[32], hi[32];
    snprintf(lo, sizeof lo, "%.10g", f->min);
    snprintf(hi, sizeof hi, "%.10g", f->max);
    range[0] = 0;
    switch (f->type) {
    case SC_F_INT:
    case SC_F_NUM:
    case SC_F_PATH:
        if (!(f->flags & (SC_MIN_EXCL | SC_MAX_EXCL)))
            snprintf(range, sizeof range, "%s .. %s", lo, hi);
        else
            snprintf(range, sizeof range, "%s %s, %s %s", (f->flags & SC_MIN_EXCL) ? ">" : ">=", lo,
                     (f->flags & SC_MAX_EXCL) ? "<" : "<=", hi);
        break;
    case SC_F_STRENGTH:
        snprintf(range, sizeof range, "values > %s, <= %s", lo, hi);
        break;
    case SC_F_SPILL:
        snprintf(range, sizeof range, "values %s .. %s", lo, hi);
        break;
    case SC_F_U64: snprintf(range, sizeof range, "0 .. 2^64-1"); break;
    case SC_F_YEAR: snprintf(range, sizeof range, "%s .. %s", lo, hi); break;
    case SC_F_ID: snprintf(range, sizeof range, "1-31 of A-Z a-z 0-9 _ -"); break;
    case SC_F_LABEL: snprintf(range, sizeof range, "<= 31 bytes"); break;
    case SC_F_BOOL: snprintf(range, sizeof range, "true, false"); break;
    case SC_F_LIST:
    case SC_F_REFLIST:
    case SC_F_TECHLIST:
        snprintf(range, sizeof range, "%s .. %s items", lo, hi);
        break;
    case SC_F_INCLUDE: snprintf(range, sizeof range, "depth <= %d", SC_MAX_INCLUDE_DEPTH); break;
    default: snprintf(range, sizeof range, "-"); break;
    }
    if (f->flags & SC_REQ) {
        snprintf(def, sizeof def, "-");
    } else {
        switch (f->type) {
        case SC_F_STR: snprintf(def, sizeof def, (f->flags & SC_DEF_ID) ? "the id" : "\"\""); break;
        case SC_F_LABEL: snprintf(def, sizeof def, "\"\""); break;
        case SC_F_BOOL: snprintf(def, sizeof def, f->def != 0 ? "true" : "false"); break;
        case SC_F_INT:
        case SC_F_NUM:
        case SC_F_U64:
        case SC_F_PATH:
        case SC_F_STRENGTH: snprintf(def, sizeof def, "%.10g", f->def); break;
        case SC_F_YEAR: /* a year with a default (an event's `by`) shows it */
            if (f->flags & SC_DEF_INF)
                snprintf(def, sizeof def, "never");
            else if (f->def != 0)
                snprintf(def, sizeof def, "%.10g", f->def);
            else
                snprintf(def, sizeof def, "-");
            break;
        case SC_F_SPILL: snprintf(def, sizeof def, "none"); break;
        case SC_F_SUB: snprintf(def, sizeof def, "all defaults"); break;
        case SC_F_LIST: snprintf(def, sizeof def, "empty"); break;
        case SC_F_INCLUDE: snprintf(def, sizeof def, "none"); break;
        case SC_F_TECHLIST: snprintf(def, sizeof def, "all (joint_research)"); break;
        default: snprintf(def, sizeof def, "-"); break;
        }
    }
    if (f->flags & SC_REQ) {
        snprintf(req, sizeof req, "yes");
    } else if (f->req_kinds) {
        char k[288];
        kinds_text(f->req_kinds, k, sizeof k);
        snprintf(req, sizeof req, "for %s", k);
    } else {
        snprintf(req, sizeof req, "no");
    }
    char applies[320] = "";
    if (f->kinds) {
        char k[288];
        kinds_text(f->kinds, k, sizeof k);
        snprintf(applies, sizeof applies, " Only for %s.", k);
    }
    snprintf(buf, n, "| `%s` | %s | %s | %s | %s | %s | %s.%s |", f->key, type_name(f), f->unit, def, range, req,
             f->doc, applies);
}

typedef void (*row_fn)(const char *section, const char *row, void *ctx);

static void walk_schema(const sc_schema *sch, const char *section, row_fn fn, void *ctx)
{
    char row[2048];
    fn(section, NULL, ctx);
    for (int i = 0; i < sch->n_fields; i++) {
        doc_row(&sch->fields[i], row, sizeof row);
        fn(section, row, ctx);
    }
    for (int i = 0; i < sch->n_fields; i++) {
        const sc_field *f = &sch->fields[i];
        if (f->type != SC_F_SUB && f->type != SC_F_LIST)
            continue;
        char sub[128];
        if (!strcmp(section, "top level"))
            snprintf(sub, sizeof sub, "%s%s", f->key, f->type == SC_F_LIST ? "[]" : "");
        else
            snprintf(sub, sizeof sub, "%s.%s%s", section, f->key, f->type == SC_F_LIST ? "[]" : "");
        walk_schema(f->sub, sub, fn, ctx);
    }
}

/* The table of event types (heading `events[].type`), from TR_EVENT_KINDS
 * and the schema: each type, what it does, and the keys that apply to it
 * with their defaults. */
#define KINDS_SECTION "events[].type"

static void kind_keys(const sc_schema *ev, int k, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < ev->n_fields && o < n; i++) {
        const sc_field *f = &ev->fields[i];
        if (!f->kinds || !(f->kinds & (1u << k)))
            continue;
        char def[64];
        if (f->req_kinds & (1u << k))
            snprintf(def, sizeof def, "required");
        else if (f->type == SC_F_TECHLIST)
            snprintf(def, sizeof def, "all");
        else if (f->type == SC_F_REFLIST)
            snprintf(def, sizeof def, "none");
        else if (f->type == SC_F_BOOL)
            snprintf(def, sizeof def, f->def != 0 ? "true" : "false");
        else
            snprintf(def, sizeof def, "%.10g", f->def);
        o += (size_t)snprintf(buf + o, n - o, "%s`%s` (%s)", o ? ", " : "", f->key, def);
    }
}

static const sc_schema *event_schema(void)
{
    const sc_field *f = sc_find_field(&sc_schema_scenario, "events");
    assert_non_null(f);
    return f->sub;
}

static void walk_kinds(row_fn fn, void *ctx)
{
    char row[2048], keys[1024];
    fn(KINDS_SECTION, NULL, ctx);
    for (int k = 0; k < TR_EV_KIND_COUNT; k++) {
        kind_keys(event_schema(), k, keys, sizeof keys);
        snprintf(row, sizeof row, "| `%s` | %s | %s |", sc_kind_names[k], sc_kind_docs[k], keys);
        fn(KINDS_SECTION, row, ctx);
    }
}

static void print_row(const char *section, const char *row, void *ctx)
{
    (void)ctx;
    if (!row && !strcmp(section, KINDS_SECTION))
        printf("\n#### `%s`\n\n| type | what it does | its keys (default) |\n|---|---|---|\n", section);
    else if (!row)
        printf("\n#### `%s`\n\n| key | type | unit | default | range | required | meaning |\n"
               "|---|---|---|---|---|---|---|\n",
               section);
    else
        printf("%s\n", row);
}

static void check_row(const char *section, const char *row, void *ctx)
{
    const char *docs = ctx;
    char head[160];
    if (!row) {
        snprintf(head, sizeof head, "#### `%s`\n", section);
        if (!strstr(docs, head))
            fprintf(stderr, "docs/SCENARIO.md lacks the section: %s", head);
        assert_non_null(strstr(docs, head));
        return;
    }
    if (!strstr(docs, row))
        fprintf(stderr, "docs/SCENARIO.md lacks the row (in %s):\n%s\n", section, row);
    assert_non_null(strstr(docs, row));
}

static void test_docs_agree(void **state)
{
    (void)state;
    char *path = source_path("docs/SCENARIO.md");
    FILE *f = fopen(path, "rb");
    if (!f)
        fprintf(stderr, "cannot open %s\n", path);
    assert_non_null(f);
    char *docs = malloc(1 << 20);
    assert_non_null(docs);
    size_t n = fread(docs, 1, (1 << 20) - 1, f);
    docs[n] = 0;
    fclose(f);
    walk_schema(&sc_schema_scenario, "top level", check_row, docs);
    walk_kinds(check_row, docs);
    free(docs);
    free(path);
}

int main(void)
{
    if (getenv("TR_PRINT_SCHEMA_DOCS")) {
        walk_schema(&sc_schema_scenario, "top level", print_row, NULL);
        walk_kinds(print_row, NULL);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_defaults),
        cmocka_unit_test(test_event_technologies),
        cmocka_unit_test(test_path_at),
        cmocka_unit_test(test_includes_and_merge),
        cmocka_unit_test(test_includes_tmp),
        cmocka_unit_test(test_strength_category_layers),
        cmocka_unit_test(test_includes_once),
        cmocka_unit_test(test_non_regular),
        cmocka_unit_test(test_read_callback),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_overrides_good),
        cmocka_unit_test(test_overrides_bad),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_diag_print_order),
        cmocka_unit_test(test_flatten),
        cmocka_unit_test(test_canonical_text),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_event_kinds),
        cmocka_unit_test(test_docs_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
