/* fuzz_util.h — shared by the fuzz targets: a small complete scenario to
 * start from, the round-trip check (load -> resolved text -> load: same text,
 * hash and settings), and a file reader that refuses every file (so that a
 * target never reads the file system). Each target is one .c file (plus this
 * header) for libFuzzer, or linked with fuzz/replay.c for ctest. */
#ifndef TR_FUZZ_UTIL_H
#define TR_FUZZ_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techrace/techrace.h"

static const char fuzz_base_yaml[] =
    "name: \"Fuzz base\"\n"
    "seed: 7\n"
    "calendar: {start: 2000, end: 2002, steps_per_year: 2}\n"
    "categories:\n"
    "  - {id: ict, name: \"ICT\"}\n"
    "  - {id: energy, name: Energy}\n"
    "technologies:\n"
    "  - {id: T01, name: Chips, category: ict, maturity: 0.6, spillovers: {T02: 0.1}}\n"
    "  - {id: T02, name: AI, category: ict}\n"
    "  - {id: T03, name: Batteries, category: energy}\n"
    "countries:\n"
    "  - id: US\n"
    "    name: \"United States\"\n"
    "    gdp: {2000: 10000, 2010: 15000}\n"
    "    rd_intensity: 0.027\n"
    "    strength: {ict: 1.5, T02: 2.0}\n"
    "  - {id: CN, name: China, gdp: {2000: 3700, 2023: 34000}, rd_intensity: {2000: 0.009, 2023: 0.0264}}\n"
    "research_institutions:\n"
    "  - {id: CAS, country: CN, size: 40, strength: {energy: 2}}\n"
    "parameters:\n"
    "  research: {hi_base: 0.11}\n"
    "  tracker: {window_years: 3}\n"
    "events:\n"
    "  - {id: mlp, type: megaproject, actor: CN, start: 2001, end: 2002, technologies: [T01, energy], budget: 5}\n"
    "  - {id: visa, type: visa_restriction, actor: US, start: \"2001Q2\", countries: [CN]}\n"
    "  - {id: sub, type: subsidy, actor: CN, start: 2000, technologies: all, per_output: 0.1, local: true}\n";

static int fuzz_no_files(void *ctx, const char *path, const char **text, size_t *len)
{
    (void)ctx;
    (void)path;
    (void)text;
    (void)len;
    return ENOENT;
}

static void fuzz_fail(const char *what, const tr_scenario *s)
{
    fprintf(stderr, "fuzz: %s\n", what);
    if (s)
        fprintf(stderr, "resolved text:\n%s\n", s->resolved_text);
    abort();
}

/* A failed load must say why. */
static void fuzz_check_failure(int rc, const tr_diag *d)
{
    if (rc != TR_OK && d->errors == 0)
        fuzz_fail("input rejected without a diagnostic", NULL);
    if (rc != TR_OK && rc != TR_ERR_INPUT && rc != TR_ERR_IO)
        fuzz_fail("unexpected status", NULL);
}

/* s loaded: its resolved text must load to the same text, hash and
 * settings (read_file: how the reload reads files; it has no includes). */
static void fuzz_check_roundtrip(const tr_scenario *s)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *r = NULL;
    tr_scenario_source src = {0};
    src.text = s->resolved_text;
    src.text_name = "resolved";
    src.read_file = fuzz_no_files;
    int rc = tr_scenario_load(&r, &src, &d);
    if (rc != TR_OK) {
        tr_diag_print(&d, stderr);
        fuzz_fail("the resolved text does not load", s);
    }
    if (strcmp(s->resolved_text, r->resolved_text)) {
        fprintf(stderr, "second resolved text:\n%s\n", r->resolved_text);
        fuzz_fail("the resolved text is not a fixed point", s);
    }
    if (strcmp(s->hash, r->hash))
        fuzz_fail("the hash changed", s);
    char *a = tr_scenario_flatten(s), *b = tr_scenario_flatten(r);
    if (!a || !b)
        fuzz_fail("flatten failed", s);
    if (strcmp(a, b)) {
        fprintf(stderr, "flattened:\n%s\n---\n%s\n", a, b);
        fuzz_fail("the resolved text loads to another scenario", s);
    }
    free(a);
    free(b);
    tr_scenario_destroy(r);
    tr_diag_free(&d);
}

#endif
