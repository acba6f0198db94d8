/* test_sim.c — run options: the memory estimate against what a run holds,
 * refusal of a run too large for its limit before anything is allocated,
 * every allocation of a run through the given allocator, a clean
 * TR_ERR_NOMEM without leaks whichever allocation fails, and no allocation
 * in the step loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "techrace/techrace.h"

#include "model/state.h"

/* An allocator that counts live blocks (over the default one). */
typedef struct counting {
    tr_allocator base;
    long live;
    long calls;
} counting;

static void *cnt_alloc(void *ctx, size_t size)
{
    counting *c = ctx;
    void *p = malloc(size);
    c->calls++;
    if (p)
        c->live++;
    return p;
}

static void *cnt_realloc(void *ctx, void *ptr, size_t size)
{
    counting *c = ctx;
    void *p = realloc(ptr, size);
    c->calls++;
    if (p && !ptr)
        c->live++;
    return p;
}

static void cnt_free(void *ctx, void *ptr)
{
    counting *c = ctx;
    if (ptr)
        c->live--;
    free(ptr);
}

static void counting_init(counting *c)
{
    c->base.alloc = cnt_alloc;
    c->base.realloc = cnt_realloc;
    c->base.free = cnt_free;
    c->base.ctx = c;
    c->live = 0;
    c->calls = 0;
}

static tr_scenario *load_default(const char *const *ov, int n)
{
    tr_diag diag;
    tr_diag_init(&diag);
    tr_scenario *s = NULL;
    int rc = tr_scenario_load_default(&s, ov, n, &diag);
    tr_diag_free(&diag);
    assert_int_equal(rc, TR_OK);
    return s;
}

static void test_estimate_matches_default(void **state)
{
    (void)state;
    tr_scenario *s = load_default(NULL, 0);
    size_t est = tr_sim_memory_estimate(s);
    tr_diag diag;
    tr_diag_init(&diag);
    tr_sim *sim = NULL;
    assert_int_equal(tr_sim_create(&sim, s, 1, 0, &diag), TR_OK);
    size_t held = sim_bytes_held(sim);
    double ratio = (double)est / (double)held;
    printf("estimate %zu bytes, held %zu bytes (ratio %.3f)\n", est, held, ratio);
    assert_true(ratio > 1 / 1.5 && ratio < 1.5);
    tr_sim_destroy(sim);
    tr_diag_free(&diag);
    tr_scenario_destroy(s);
}

/* 1000 countries x 1000 technologies, generated as YAML text. */
static char *huge_yaml(void)
{
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    assert_non_null(t);
#define PUT(...)                                                         \
    do {                                                                 \
        int w = snprintf(t + n, cap - n, __VA_ARGS__);                   \
        assert_true(w > 0 && (size_t)w < cap - n);                       \
        n += (size_t)w;                                                  \
    } while (0)
    PUT("name: huge\ncalendar: {start: 2000, end: 2001, steps_per_year: 4}\n");
    PUT("categories:\n  - {id: a, name: A}\ntechnologies:\n");
    for (int k = 0; k < 1000; k++)
        PUT("  - {id: T%d, name: T%d, category: a}\n", k, k);
    PUT("countries:\n");
    for (int c = 0; c < 1000; c++)
        PUT("  - {id: C%d, name: C%d, gdp: 100, rd_intensity: 0.02, researchers: 10, researcher_cost: 200, "
            "institutions: {count: 1}}\n", c, c);
#undef PUT
    return t;
}

static void test_refuses_too_large(void **state)
{
    (void)state;
    char *text = huge_yaml();
    tr_diag diag;
    tr_diag_init(&diag);
    tr_scenario *s = NULL;
    tr_scenario_source src = {.text = text, .text_name = "huge"};
    int rc = tr_scenario_load(&s, &src, &diag);
    if (rc != TR_OK)
        for (size_t i = 0; i < diag.count && i < 5; i++)
            fprintf(stderr, "%s\n", diag.msgs[i].text);
    assert_int_equal(rc, TR_OK);
    assert_int_equal(s->n_countries, 1000);
    assert_int_equal(s->n_tech, 1000);
    size_t est = tr_sim_memory_estimate(s);
    assert_true(est > TR_SIM_DEFAULT_MAX_BYTES);

    counting c;
    counting_init(&c);
    tr_sim_options o = TR_SIM_OPTIONS_INIT;
    o.alloc = &c.base;
    tr_sim *sim = (tr_sim *)&c; /* must be reset to NULL */
    tr_diag_free(&diag);
    tr_diag_init(&diag);
    rc = tr_sim_create_opts(&sim, s, &o, &diag);
    assert_int_equal(rc, TR_ERR_INPUT);
    assert_null(sim);
    assert_int_equal(c.calls, 0); /* refused before allocating anything */
    assert_true(diag.count >= 1);
    const char *msg = diag.msgs[diag.count - 1].text;
    printf("%s\n", msg);
    assert_non_null(strstr(msg, "GiB"));
    assert_non_null(strstr(msg, "limit"));

    /* A limit below the default scenario's estimate refuses it too. */
    tr_scenario *d = load_default(NULL, 0);
    o.max_bytes = tr_sim_memory_estimate(d) - 1;
    assert_int_equal(tr_sim_create_opts(&sim, d, &o, &diag), TR_ERR_INPUT);
    o.max_bytes = tr_sim_memory_estimate(d);
    assert_int_equal(tr_sim_create_opts(&sim, d, &o, &diag), TR_OK);
    tr_sim_destroy(sim);
    assert_int_equal(c.live, 0);

    tr_scenario_destroy(d);
    tr_diag_free(&diag);
    tr_scenario_destroy(s);
    free(text);
}

/* Create and run; returns the first error, TR_OK when both succeed. */
static int create_and_run(const tr_scenario *s, const tr_allocator *a, long *after_create)
{
    tr_diag diag;
    tr_diag_init(&diag);
    tr_sim_options o = TR_SIM_OPTIONS_INIT;
    o.seed = 3;
    o.alloc = a;
    tr_sim *sim = NULL;
    int rc = tr_sim_create_opts(&sim, s, &o, &diag);
    if (rc == TR_OK) {
        assert_non_null(sim);
        if (after_create)
            *after_create = ((const tr_fault_allocator *)a)->count;
        rc = tr_sim_run(sim, NULL);
        tr_sim_destroy(sim);
    } else {
        assert_null(sim);
        assert_true(diag.errors >= 1);
    }
    tr_diag_free(&diag);
    return rc;
}

static void test_every_allocation_failure(void **state)
{
    (void)state;
    const char *ov[] = {"calendar.end=2002"};
    tr_scenario *s = load_default(ov, 1);

    counting c;
    counting_init(&c);
    tr_fault_allocator f;
    tr_fault_allocator_init(&f, &c.base, -1);
    long after_create = -1;
    assert_int_equal(create_and_run(s, &f.base, &after_create), TR_OK);
    const long total = f.count;
    assert_true(total > 0);
    printf("a short run makes %ld allocations\n", total);
    assert_int_equal(c.live, 0);
    /* Steps allocate nothing: every allocation happened in tr_sim_create. */
    assert_int_equal(after_create, total);

    for (long n = 0; n <= total; n++) {
        tr_fault_allocator_init(&f, &c.base, n);
        int rc = create_and_run(s, &f.base, NULL);
        if (n < total) {
            assert_int_equal(rc, TR_ERR_NOMEM);
            assert_true(f.failed);
        } else {
            assert_int_equal(rc, TR_OK);
        }
        assert_int_equal(c.live, 0);
    }
    tr_scenario_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_matches_default),
        cmocka_unit_test(test_refuses_too_large),
        cmocka_unit_test(test_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
