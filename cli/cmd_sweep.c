/* cmd_sweep.c — `techrace sweep` (full grids, Latin hypercubes) and
 * `techrace sensitivity` (Morris, Sobol) over scenario parameters: the
 * library runs the design (tr_sweep_run); this file parses and prints. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "opts.h"
#include "techrace/techrace.h"

static volatile sig_atomic_t sw_interrupted = 0;

static void sweep_usage(FILE *out)
{
    fputs("usage: techrace sweep [SCENARIO] --param PATH=LO:HI:N... --out EXP.db [options]\n"
          "       techrace sweep [SCENARIO] --lhs N --param PATH=LO:HI... --out EXP.db [options]\n"
          "\n"
          "Run the scenario at every point of a full grid (each --param with N values from LO to HI)\n"
          "or of a Latin hypercube of N points (--lhs: each parameter's range cut in N strata, each hit\n"
          "once). PATH is any numeric scenario key, as --set takes it: PATH=v sets it, PATH*=v scales it\n"
          "(a time path point by point), PATH+=v shifts it. Every point is an ensemble of --runs runs\n"
          "with the same seeds. The database (docs/EXPERIMENTS.md) has the table design and each\n"
          "point's aggregates.\n"
          "\n"
          "options:\n"
          "  --param SPEC     a parameter (repeatable): PATH=LO:HI[:N], PATH*=LO:HI[:N], PATH+=LO:HI[:N]\n"
          "  --lhs N          a Latin hypercube of N points instead of the full grid\n"
          "  --runs R         runs per point (default 1)\n"
          "  --metric M       an output to print per point (repeatable): NAME:COUNTRY[@YEAR],\n"
          "                   NAME:COUNTRY:TECH[@YEAR] or NAME::TECH[@YEAR] (default: techs_led and\n"
          "                   sales_share of US and CN in the last year)\n"
          "  --out FILE       experiment database to write (required; never silently overwritten)\n"
          "  --threads T      worker threads (default: the number of online processors)\n"
          "  --seed S         random seed (default: the scenario's `seed`)\n"
          "  --set K=V        override a value at every point (repeatable)\n"
          "  --keep WHAT      per-run data kept: compact (default), all, aggregates\n"
          "  --resume, --force, --quiet, --max-memory SIZE   as for `techrace ensemble`\n"
          "  -h, --help       show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure or interrupted (finished runs are kept: --resume),\n"
          "             2 bad input\n",
          out);
}

static void sens_usage(FILE *out)
{
    fputs("usage: techrace sensitivity [SCENARIO] --method morris|sobol --param PATH=LO:HI...\n"
          "                            --metric NAME:COUNTRY[:TECH][@YEAR]... --out EXP.db [options]\n"
          "\n"
          "Global sensitivity of outputs to parameters over their ranges. Morris: elementary effects\n"
          "(mu, mu* with a bootstrap interval, sigma) from R trajectories of d + 1 points; Sobol:\n"
          "first-order and total indices (Saltelli design, Saltelli 2010 and Jansen estimators) with\n"
          "bootstrap intervals from N (d + 2) points. A point's output is its mean over --runs runs.\n"
          "Parameters are ranked by mu* (Morris) or the total index (Sobol); the database has the\n"
          "tables sensitivity and design (docs/EXPERIMENTS.md).\n"
          "\n"
          "options:\n"
          "  --method M       morris or sobol (required)\n"
          "  --param SPEC     a parameter (repeatable): PATH=LO:HI, PATH*=LO:HI or PATH+=LO:HI\n"
          "  --metric M       an output (repeatable, at least one): NAME:COUNTRY[@YEAR],\n"
          "                   NAME:COUNTRY:TECH[@YEAR] or NAME::TECH[@YEAR] (YEAR: the last by default)\n"
          "  --trajectories R  Morris trajectories (default 10)\n"
          "  --levels P       Morris grid levels, even (default 4)\n"
          "  --samples N      Sobol base samples (default 64)\n"
          "  --boot B         bootstrap resamples (default 1000)\n"
          "  --runs R         runs per point (default 1)\n"
          "  --out FILE, --threads T, --seed S, --set K=V, --keep WHAT, --resume, --force, --quiet,\n"
          "  --max-memory SIZE   as for `techrace sweep`\n"
          "  -h, --help       show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure or interrupted (finished runs are kept: --resume),\n"
          "             2 bad input\n",
          out);
}

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    if (!s || !(*s >= '0' && *s <= '9'))
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static const char *const default_metrics[] = {"techs_led:US", "techs_led:CN", "sales_share:US", "sales_share:CN"};

static void print_sweep(sqlite3 *db, const char *const *metrics, int nm, uint32_t runs)
{
    sqlite3_stmt *pt = NULL, *ag = NULL;
    if (sqlite3_prepare_v2(db, "SELECT point, label FROM points ORDER BY point", -1, &pt, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT mean, q05, q95 FROM aggregates_named WHERE point = ?1 AND metric = ?2 AND"
                           " level = ?3 AND year = ?4 AND country IS ?5 AND tech IS ?6",
                           -1, &ag, NULL) != SQLITE_OK) {
        sqlite3_finalize(pt);
        return;
    }
    int end_year = 0;
    sqlite3_stmt *me = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'end_year'", -1, &me, NULL) == SQLITE_OK &&
        sqlite3_step(me) == SQLITE_ROW)
        end_year = sqlite3_column_int(me, 0);
    sqlite3_finalize(me);
    if (runs > 1)
        cli_out("Each output: the mean over %u runs [5%% and 95%% quantiles]; shares are fractions.\n", runs);
    else
        cli_out("Each output: one run (--runs R for a band); shares are fractions.\n");
    cli_out("%-6s", "point");
    for (int i = 0; i < nm; i++)
        cli_out(" %22.22s", metrics[i]);
    cli_out("  parameters\n");
    int shown = 0, total = 0;
    while (sqlite3_step(pt) == SQLITE_ROW) {
        total++;
        if (shown >= 60)
            continue;
        shown++;
        int p = sqlite3_column_int(pt, 0);
        cli_out("%-6d", p);
        for (int i = 0; i < nm; i++) {
            char name[160] = "", country[160] = "", tech[160] = "";
            int year = end_year;
            const char *m = metrics[i], *at = strchr(m, '@');
            size_t len = at ? (size_t)(at - m) : strlen(m);
            char head[160];
            snprintf(head, sizeof head, "%.*s", (int)len, m);
            if (at)
                year = atoi(at + 1);
            char *c1 = strchr(head, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c1)
                *c1 = 0;
            if (c2)
                *c2 = 0;
            snprintf(name, sizeof name, "%s", head);
            if (c1)
                snprintf(country, sizeof country, "%s", c1 + 1);
            if (c2)
                snprintf(tech, sizeof tech, "%s", c2 + 1);
            const char *level = !*tech ? "country" : !*country ? "tech" : "country_tech";
            sqlite3_bind_int(ag, 1, p);
            sqlite3_bind_text(ag, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ag, 3, level, -1, SQLITE_STATIC);
            sqlite3_bind_int(ag, 4, year);
            if (*country)
                sqlite3_bind_text(ag, 5, country, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(ag, 5);
            if (*tech)
                sqlite3_bind_text(ag, 6, tech, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(ag, 6);
            char cell[64] = "-";
            if (sqlite3_step(ag) == SQLITE_ROW && sqlite3_column_type(ag, 0) != SQLITE_NULL) {
                if (runs > 1)
                    snprintf(cell, sizeof cell, "%.4g [%.3g, %.3g]", sqlite3_column_double(ag, 0),
                             sqlite3_column_double(ag, 1), sqlite3_column_double(ag, 2));
                else
                    snprintf(cell, sizeof cell, "%.4g", sqlite3_column_double(ag, 0));
            }
            sqlite3_reset(ag);
            cli_out(" %22s", cell);
        }
        cli_out("  %s\n", (const char *)sqlite3_column_text(pt, 1));
    }
    if (total > shown)
        cli_out("... and %d more points (tables points, design and aggregates_named)\n", total - shown);
    sqlite3_finalize(pt);
    sqlite3_finalize(ag);
}

static void print_sensitivity(sqlite3 *db, int morris, const char *const *metrics, int nm)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           morris ? "SELECT path, mu_star, mu_star_lo, mu_star_hi, mu, sigma, n_points FROM sensitivity"
                                    " WHERE metric = ? ORDER BY mu_star DESC, param"
                                  : "SELECT path, st, st_lo, st_hi, s1, s1_lo, s1_hi, n_points FROM sensitivity"
                                    " WHERE metric = ? ORDER BY st DESC, param",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    for (int mi = 0; mi < nm; mi++) { /* in the order given */
        const char *metric = metrics[mi];
        cli_out("\n%s\n", metric);
        if (morris)
            cli_out("  %-44s %10s %23s %10s %10s\n", "parameter", "mu*", "95% interval", "mu", "sigma");
        else
            cli_out("  %-44s %8s %19s %8s %19s\n", "parameter", "total", "95% interval", "first", "95% interval");
        sqlite3_bind_text(st, 1, metric, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW) {
            double v[6];
            for (int i = 0; i < 6; i++)
                v[i] = sqlite3_column_type(st, i + 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i + 1);
            const char *path = (const char *)sqlite3_column_text(st, 0);
            if (morris)
                cli_out("  %-44.44s %10.4g   [%9.4g, %9.4g] %10.4g %10.4g\n", path, v[0], v[1], v[2], v[3], v[4]);
            else
                cli_out("  %-44.44s %8.3f   [%6.3f, %6.3f] %8.3f   [%6.3f, %6.3f]\n", path, v[0], v[1], v[2], v[3],
                        v[4], v[5]);
        }
        sqlite3_reset(st);
    }
    if (morris)
        cli_out("\nmu*: mean absolute elementary effect: change of the output per unit of the parameter's range\n"
                "(Morris steps of p/(2(p-1)) of the range); sigma large against mu*: non-linear or interacting.\n");
    else
        cli_out("\ntotal: share of the output's variance due to the parameter with all its interactions; first:\n"
                "alone. Intervals: bootstrap over the design's rows.\n");
    sqlite3_finalize(st);
}

static int sweep_main(int argc, char **argv, int sensitivity)
{
    enum { O_PARAM = 300, O_LHS, O_METRIC, O_METHOD, O_TRAJ, O_LEVELS, O_SAMPLES, O_BOOT };
    static const cli_opt sweep_opts[] = {CLI_EXP_OPTIONS, {"param", 0, 1, O_PARAM}, {"lhs", 0, 1, O_LHS},
                                         {"metric", 0, 1, O_METRIC}, {NULL, 0, 0, 0}};
    static const cli_opt sens_opts[] = {CLI_EXP_OPTIONS,          {"param", 0, 1, O_PARAM},
                                        {"metric", 0, 1, O_METRIC}, {"method", 0, 1, O_METHOD},
                                        {"trajectories", 0, 1, O_TRAJ}, {"levels", 0, 1, O_LEVELS},
                                        {"samples", 0, 1, O_SAMPLES}, {"boot", 0, 1, O_BOOT},
                                        {NULL, 0, 0, 0}};
    const char *prog = sensitivity ? "techrace sensitivity" : "techrace sweep";
    tr_sweep_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.design = sensitivity ? TR_DESIGN_MORRIS : TR_DESIGN_GRID;
    size_t cap = (size_t)argc + 1;
    tr_param *params = calloc(cap, sizeof *params);
    const char **sets = calloc(cap, sizeof *sets), **metrics = calloc(cap, sizeof *metrics);
    const char *ops[2] = {NULL, NULL};
    int n_params = 0, nm = 0, n_ops = 0, have_method = 0, bad = 0, c;
    unsigned long traj = 10, samples = 64, levels = 4, boot = 1000, lhs = 0;
    tr_diag d;
    tr_diag_init(&d);
    if (!params || !sets || !metrics) {
        fprintf(stderr, "%s: out of memory\n", prog);
        free(params), free(sets), free(metrics);
        return EXIT_RUNTIME;
    }
    cli_exp x;
    cli_exp_init(&x, 1, 1, sets);
    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, sensitivity ? sens_opts : sweep_opts);
    const char *val;
    while (!bad && (c = cli_next(&p, &val)) != CLI_END) {
        switch (c) {
        case CLI_OPERAND:
            if (n_ops < 2)
                ops[n_ops] = val;
            n_ops++;
            break;
        case CLI_HELP:
            (sensitivity ? sens_usage : sweep_usage)(stdout);
            free(params), free(sets), free(metrics);
            return EXIT_OK;
        case O_PARAM:
            if (tr_param_parse(val, &params[n_params], &d)) {
                cli_diag_print(&d);
                bad = EXIT_INPUT;
            }
            n_params++;
            break;
        case O_LHS:
            if (parse_uint(val, 1, 1000000, &lhs))
                bad = cli_usage_error(prog, "--lhs wants a number of points from 1 to 1000000, not '%s'", val);
            break;
        case O_METRIC: metrics[nm++] = val; break;
        case O_METHOD:
            if (!strcmp(val, "morris"))
                sp.design = TR_DESIGN_MORRIS;
            else if (!strcmp(val, "sobol"))
                sp.design = TR_DESIGN_SOBOL;
            else
                bad = cli_usage_error(prog, "--method is morris or sobol, not '%s'", val);
            have_method = 1;
            break;
        case O_TRAJ:
            if (parse_uint(val, 1, 100000, &traj))
                bad = cli_usage_error(prog, "--trajectories wants a whole number from 1, not '%s'", val);
            break;
        case O_LEVELS:
            if (parse_uint(val, 2, 1000, &levels) || levels % 2)
                bad = cli_usage_error(prog, "--levels wants an even number from 2, not '%s'", val);
            break;
        case O_SAMPLES:
            if (parse_uint(val, 2, 1000000, &samples))
                bad = cli_usage_error(prog, "--samples wants a whole number from 2, not '%s'", val);
            break;
        case O_BOOT:
            if (parse_uint(val, 10, 1000000, &boot))
                bad = cli_usage_error(prog, "--boot wants a whole number from 10, not '%s'", val);
            break;
        default: {
            int h = cli_exp_option(&x, prog, c, val);
            bad = h == 1 ? 0 : h ? h : EXIT_INPUT;
        }
        }
    }
    if (!bad) /* the operands after `--` */
        cli_rest_operands(&p, ops, 2, &n_ops);
    if (!bad && n_ops > 1)
        bad = cli_usage_error(prog, "one scenario at most, got '%s' and '%s'", ops[0], ops[1]);
    if (!bad && !n_params)
        bad = cli_usage_error(prog, "at least one --param is needed");
    if (!bad)
        bad = cli_exp_check(&x, prog);
    if (!bad && sensitivity && !have_method)
        bad = cli_usage_error(prog, "--method morris or --method sobol is required");
    if (!bad && sensitivity && !nm)
        bad = cli_usage_error(prog, "at least one --metric is needed");
    if (bad) {
        tr_diag_free(&d);
        free(params), free(sets), free(metrics);
        return EXIT_INPUT;
    }
    if (!sensitivity && lhs) {
        sp.design = TR_DESIGN_LHS;
        sp.n = (uint32_t)lhs;
    } else if (sp.design == TR_DESIGN_MORRIS) {
        sp.n = (uint32_t)traj;
        sp.morris_levels = (int)levels;
    } else if (sp.design == TR_DESIGN_SOBOL) {
        sp.n = (uint32_t)samples;
    }
    if (!sensitivity && !nm)
        for (size_t i = 0; i < sizeof default_metrics / sizeof default_metrics[0]; i++)
            metrics[nm++] = default_metrics[i];
    sp.scenario_path = ops[0];
    sp.overrides = sets;
    sp.n_overrides = x.n_sets;
    sp.params = params;
    sp.n_params = n_params;
    sp.metrics = metrics;
    sp.n_metrics = nm;
    sp.n_boot = (uint32_t)boot;
    tr_experiment_options *eo = &x.eo;

    /* The seed: --seed, else the base scenario's. The base scenario is loaded
     * either way, so that one that cannot be read is bad input (2) here. */
    tr_scenario *s0 = NULL;
    int lrc = cli_load_scenario(ops[0], sets, NULL, x.n_sets, &s0, &d);
    if (lrc != TR_OK) {
        cli_diag_print(&d);
        tr_diag_free(&d);
        free(params), free(sets), free(metrics);
        return cli_load_status(lrc);
    }
    eo->seed = x.have_seed ? x.seed : s0->seed;
    tr_scenario_destroy(s0);
    if (tr_mpi_rank() != 0)
        x.quiet = 1; /* rank 0 reports for all */
    cli_signals sig;
    cli_signals_catch(&sig, &sw_interrupted);
    cli_progress pr;
    cli_progress_init(&pr, x.quiet);
    eo->progress = cli_progress_update;
    eo->ctx = &pr;
    eo->interrupt = &sw_interrupted;
    int rc = tr_sweep_run(&sp, eo, &d);
    cli_signals_restore(&sig);
    cli_progress_end(&pr);
    cli_diag_print(&d);
    int status = cli_exp_status(prog, rc, eo->out);
    if (rc == TR_OK && !x.quiet) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(eo->out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
            if (sensitivity)
                print_sensitivity(db, sp.design == TR_DESIGN_MORRIS, metrics, nm);
            else
                print_sweep(db, metrics, nm, eo->runs);
        }
        sqlite3_close(db);
    }
    tr_diag_free(&d);
    free(params), free(sets), free(metrics);
    return status;
}

int cmd_sweep(int argc, char **argv)
{
    return sweep_main(argc, argv, 0);
}

int cmd_sensitivity(int argc, char **argv)
{
    return sweep_main(argc, argv, 1);
}
