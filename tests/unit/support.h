/* support.h — helpers the model's unit tests share: load a scenario from
 * text (optionally followed by more YAML) with --set style overrides, and
 * create a run, failing the test with the loader's messages on error.
 * Header-only (static inline), included after <cmocka.h>. */
#ifndef TR_TEST_SUPPORT_H
#define TR_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techrace/techrace.h"

/* TEXT followed by EXTRA (NULL: none), named NAME in messages. */
static inline tr_scenario *tu_load(const char *text, const char *extra, const char *name, const char *const *sets,
                                   int n_sets)
{
    size_t n = strlen(text) + (extra ? strlen(extra) : 0) + 1;
    char *buf = malloc(n);
    assert_non_null(buf);
    snprintf(buf, n, "%s%s", text, extra ? extra : "");
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {.text = buf, .text_name = name, .overrides = sets, .n_overrides = n_sets};
    int rc = tr_scenario_load(&s, &src, &d);
    if (rc != TR_OK)
        tr_diag_print(&d, stderr);
    assert_int_equal(rc, TR_OK);
    tr_diag_free(&d);
    free(buf);
    return s;
}

static inline tr_sim *tu_make_sim(const tr_scenario *s, uint64_t seed)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_sim *sim = NULL;
    int rc = tr_sim_create(&sim, s, seed, 0, &d);
    if (rc != TR_OK)
        tr_diag_print(&d, stderr);
    assert_int_equal(rc, TR_OK);
    tr_diag_free(&d);
    return sim;
}

/* Run S with seed SEED to the end, calling ON_YEAR(CTX, ...) at each year's
 * report. */
static inline void tu_run(const tr_scenario *s, uint64_t seed,
                          int (*on_year)(void *, const tr_sim *, const tr_year_report *), void *ctx)
{
    tr_sim *sim = tu_make_sim(s, seed);
    tr_sim_hooks h = {on_year, NULL, ctx, NULL};
    assert_int_equal(tr_sim_run(sim, &h), TR_OK);
    tr_sim_destroy(sim);
}

#endif
