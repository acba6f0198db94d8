/* bench_firms.c — `make bench`: firm-step throughput at 10k, 100k and 1M firms.
 *
 * Builds a synthetic scenario (4 countries, 16 technologies, a few research
 * institutions, local governments and guidance funds) with N firms, runs it
 * (smaller populations for more simulated years, so each measurement lasts
 * long enough to time), and prints firm-steps per second and the time per
 * firm-step relative to the 10k case: for a cost linear in the number of
 * firms the ratios stay near 1. Measured side by side in one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "techrace/techrace.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *scenario_text(long firms, int years)
{
    size_t cap = 16384;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    int n = snprintf(t, cap,
                     "name: bench\ncalendar: {start: 2000, end: %d, steps_per_year: 4}\n"
                     "categories: [{id: a, name: A}]\ntechnologies:\n",
                     2000 + years - 1);
    for (int k = 0; k < 16; k++)
        n += snprintf(t + n, cap - (size_t)n,
                      "  - {id: T%02d, name: Tech %d, category: a, market_size: %d, learning_rate: 0.15}\n", k, k,
                      50 + 10 * k);
    n += snprintf(t + n, cap - (size_t)n, "countries:\n");
    const char *ids[4] = {"AA", "BB", "CC", "DD"};
    for (int c = 0; c < 4; c++)
        n += snprintf(t + n, cap - (size_t)n,
                      "  - {id: %s, name: %s, gdp: %d, rd_intensity: 0.02, researchers: 100, institutions: {count: 5},\n"
                      "     firms: {count: %ld, max_factor: 1.2}, local_governments: {count: 10},\n"
                      "     local_budget: 5, guidance_fund: 1}\n",
                      ids[c], ids[c], 1000 * (c + 1), firms / 4);
    return t;
}

static int measure(long firms, int years, double *secs, double *firm_steps)
{
    char *text = scenario_text(firms, years);
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_sim *sim = NULL;
    tr_scenario_source src = {.text = text, .text_name = "bench"};
    int rc = text ? tr_scenario_load(&s, &src, &d) : TR_ERR_NOMEM;
    if (rc == TR_OK)
        rc = tr_sim_create(&sim, s, 1, 0, &d);
    if (rc != TR_OK) {
        tr_diag_print(&d, stderr);
        free(text);
        return 1;
    }
    double t0 = now();
    rc = tr_sim_run(sim, NULL);
    double t1 = now();
    *secs = t1 - t0;
    *firm_steps = (double)firms * tr_sim_current_step(sim);
    tr_sim_destroy(sim);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(text);
    return rc != TR_OK;
}

int main(int argc, char **argv)
{
    long sizes[3] = {10000, 100000, 1000000};
    int years[3] = {40, 8, 2};
    int n = argc > 1 && !strcmp(argv[1], "--quick") ? 2 : 3;
    double per[3] = {0};
    printf("firm-step throughput (quarterly steps; 10k firms for 40 years, 100k for 8, 1M for 2)\n");
    for (int i = 0; i < n; i++) {
        double secs, fs;
        if (measure(sizes[i], years[i], &secs, &fs))
            return 1;
        per[i] = secs / fs;
        printf("  %8ld firms  %8.3f s  %12.0f firm-steps/s  time per firm-step vs 10k: %.2f\n", sizes[i], secs,
               fs / secs, per[i] / per[0]);
    }
    return 0;
}
