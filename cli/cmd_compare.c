/* cmd_compare.c — `techrace compare A B`: two scenarios run with common
 * random numbers, and a table of the headline metrics saying which
 * differences are distinguishable from seed noise. */
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

static volatile sig_atomic_t cmp_interrupted = 0;

static void cmp_usage(FILE *out)
{
    fputs("usage: techrace compare A [B] --out CMP.db [options]\n"
          "       techrace compare A.db B.db --out CMP.db    (two finished ensembles, same seed and runs)\n"
          "\n"
          "Run scenario A and scenario B (files, or `default` for the embedded scenario; B defaults to A)\n"
          "with common random numbers: run r of both arms has the same seed and run index. For every\n"
          "metric, year and country the database gets the mean of each arm, the mean paired difference\n"
          "B - A with its 95% interval, and whether the interval excludes 0 (docs/EXPERIMENTS.md,\n"
          "table comparisons). A table of the headline metrics is printed.\n"
          "\n"
          "options:\n"
          "  --out FILE       experiment database to write (required; never silently overwritten)\n"
          "  --runs N         runs per arm (default 20, at least 2)\n"
          "  --threads T      worker threads (default: the number of online processors)\n"
          "  --seed S         random seed (default: scenario A's `seed`)\n"
          "  --set K=V        override a value in both arms (repeatable)\n"
          "  --set-a K=V      override a value in arm A only (repeatable)\n"
          "  --set-b K=V      override a value in arm B only (repeatable)\n"
          "  --metric NAME    country metric to print (repeatable; default: techs_led, sales_share,\n"
          "                   self_sufficiency, capacity_use, price_cost, loss_share, profit_margin;\n"
          "                   any metric of the table metrics with level 'country')\n"
          "  --year Y         year to print (repeatable; default 2023 when in the calendar, and the last)\n"
          "  --keep WHAT      per-run data kept: compact (default), all, aggregates\n"
          "  --resume         continue an interrupted comparison in FILE\n"
          "  --force          replace FILE if it is an experiment database (or an empty file)\n"
          CLI_MAX_MEMORY_HELP
          "  --quiet          print nothing but errors\n"
          "  -h, --help       show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure or interrupted (finished runs are kept: --resume),\n"
          "             2 bad input\n",
          out);
}


static const char *const headline[] = {"techs_led", "sales_share", "self_sufficiency",
                                       "capacity_use", "price_cost", "loss_share", "profit_margin"};

/* Print one metric's block for the chosen years. */
static int print_metric(sqlite3 *db, const char *metric, const int *years, int ny, int n_countries)
{
    sqlite3_stmt *meta = NULL, *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT unit, description FROM metrics WHERE level = 'country' AND metric = ?", -1,
                           &meta, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(meta, 1, metric, -1, SQLITE_STATIC);
    if (sqlite3_step(meta) != SQLITE_ROW) {
        fprintf(stderr, "techrace compare: no country metric '%s' (see the table metrics)\n", metric);
        sqlite3_finalize(meta);
        return -2;
    }
    const char *unit = (const char *)sqlite3_column_text(meta, 0);
    int pct = unit && strcmp(unit, "share") == 0;
    printf("\n%s — %s (%s%s)\n", metric, (const char *)sqlite3_column_text(meta, 1), pct ? "%" : unit,
           pct ? "" : "");
    printf("  %-8s", "country");
    for (int y = 0; y < ny; y++)
        printf(" | %-4d %9s %9s %9s  %-21s", years[y], "A", "B", "B-A", "95% interval");
    printf("\n");
    if (sqlite3_prepare_v2(db,
                           "SELECT mean_a, mean_b, diff, lo, hi, distinguishable FROM comparisons_named"
                           " WHERE metric = ?1 AND level = 'country' AND year = ?2 AND country = ?3",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(meta);
        return -1;
    }
    sqlite3_stmt *cs = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, ranked FROM countries ORDER BY country", -1, &cs, NULL) != SQLITE_OK) {
        sqlite3_finalize(meta);
        sqlite3_finalize(st);
        return -1;
    }
    (void)n_countries;
    while (sqlite3_step(cs) == SQLITE_ROW) {
        const char *cid = (const char *)sqlite3_column_text(cs, 0);
        /* blocs (EU, rest of world) are reported but never ranked as leaders */
        int unranked = !sqlite3_column_int(cs, 1) && strcmp(metric, "techs_led") == 0;
        printf("  %-8s", cid);
        for (int y = 0; y < ny; y++) {
            sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, years[y]);
            sqlite3_bind_text(st, 3, cid, -1, SQLITE_TRANSIENT);
            if (unranked) {
                printf(" | %4s %9s %9s %9s  %-21s", "", "-", "-", "-", "(not ranked)");
            } else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
                double f = pct ? 100 : 1;
                double v[5];
                for (int i = 0; i < 5; i++)
                    v[i] = sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : f * sqlite3_column_double(st, i);
                char ci[32];
                if (isnan(v[3]))
                    snprintf(ci, sizeof ci, "%s", "-");
                else
                    snprintf(ci, sizeof ci, "[%.3g, %.3g]", v[3], v[4]);
                printf(" | %4s %9.3g %9.3g %9.3g%s %-21s", "", v[0], v[1], v[2],
                       sqlite3_column_int(st, 5) ? "*" : " ", ci);
            } else {
                printf(" | %4s %9s %9s %9s  %-21s", "", "-", "-", "-", "");
            }
            sqlite3_reset(st);
        }
        printf("\n");
    }
    sqlite3_finalize(cs);
    sqlite3_finalize(st);
    sqlite3_finalize(meta);
    return rc;
}

/* The table of the metrics asked for, or of the headline metrics when none (nm == 0). */
static int print_table(const char *path, const char *la, const char *lb, const char *const *metrics, int nm,
                       const int *years, int ny, int nc, uint32_t runs)
{
    if (nm == 0) {
        metrics = headline;
        nm = (int)(sizeof headline / sizeof headline[0]);
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "techrace compare: cannot read %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    printf("A: %s\nB: %s\n%u runs per arm with common random numbers; B-A is the mean paired difference.\n"
           "* the 95%% interval excludes 0: the difference is distinguishable from seed noise.\n",
           la, lb, runs);
    int rc = 0;
    for (int i = 0; i < nm && rc == 0; i++)
        rc = print_metric(db, metrics[i], years, ny, nc);
    sqlite3_close(db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "techrace compare: writing the table: %s\n", strerror(errno));
        return -1;
    }
    return rc;
}

/* An SQLite file (its 16-byte header), not a scenario. */
static int is_sqlite(const char *path)
{
    FILE *f = fopen(path, "rb");
    char head[16];
    int yes = f && fread(head, 1, sizeof head, f) == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
    if (f)
        fclose(f);
    return yes;
}

static int compare_databases(const char *pa, const char *pb, tr_experiment_options *eo, const char **metrics, int nm,
                             int *years, int ny, int quiet)
{
    tr_diag d;
    tr_diag_init(&d);
    int rc = tr_compare_databases(pa, pb, eo, &d);
    cli_diag_print(&d);
    tr_diag_free(&d);
    int status = rc == TR_OK ? EXIT_OK : rc == TR_ERR_INPUT ? EXIT_INPUT : EXIT_RUNTIME;
    if (rc == TR_OK && !quiet) {
        sqlite3 *db = NULL;
        int start = 0, end = 0, nc = 0;
        uint32_t runs = 0;
        if (sqlite3_open_v2(eo->out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v2(db,
                                   "SELECT (SELECT value FROM meta WHERE key='start_year'),"
                                   " (SELECT value FROM meta WHERE key='end_year'),"
                                   " (SELECT value FROM meta WHERE key='runs'), (SELECT count(*) FROM countries)",
                                   -1, &st, NULL) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW) {
                start = sqlite3_column_int(st, 0);
                end = sqlite3_column_int(st, 1);
                runs = (uint32_t)sqlite3_column_int64(st, 2);
                nc = sqlite3_column_int(st, 3);
            }
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
        if (!ny) {
            if (start <= 2023 && end > 2023)
                years[ny++] = 2023;
            years[ny++] = end;
        }
        int prc = print_table(eo->out, pa, pb, metrics, nm, years, ny, nc, runs);
        status = prc == -2 ? EXIT_INPUT : prc ? EXIT_RUNTIME : EXIT_OK;
    }
    free(metrics);
    free(years);
    return status;
}

int cmd_compare(int argc, char **argv)
{
    enum { O_SETA = 300, O_SETB, O_METRIC, O_YEAR };
    static const cli_opt opts[] = {CLI_EXP_OPTIONS,          {"set-a", 0, 1, O_SETA}, {"set-b", 0, 1, O_SETB},
                                   {"metric", 0, 1, O_METRIC}, {"year", 0, 1, O_YEAR},  {NULL, 0, 0, 0}};
    const char *prog = "techrace compare";
    size_t cap = (size_t)argc + 1;
    const char **sa = calloc(cap, sizeof *sa), **sb = calloc(cap, sizeof *sb), **metrics = calloc(cap, sizeof *metrics);
    const char **oa = calloc(cap, sizeof *oa), **ob = calloc(cap, sizeof *ob); /* the option giving each */
    const char **unused = calloc(cap, sizeof *unused);
    int *years = calloc(cap, sizeof *years);
    const char *ops[3] = {NULL, NULL, NULL};
    int na = 0, nb = 0, nm = 0, ny = 0, n_ops = 0, bad = 0, c;
    if (!sa || !sb || !oa || !ob || !metrics || !years || !unused) {
        fprintf(stderr, "%s: out of memory\n", prog);
        free(sa), free(sb), free(oa), free(ob), free(metrics), free(years), free(unused);
        return EXIT_RUNTIME;
    }
    cli_exp x;
    cli_exp_init(&x, 20, 2, unused);
    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, opts);
    const char *val;
    while (!bad && (c = cli_next(&p, &val)) != CLI_END) {
        switch (c) {
        case CLI_OPERAND:
            if (n_ops < 3)
                ops[n_ops] = val;
            n_ops++;
            break;
        case CLI_EXP_SET: /* both arms */
        case O_SETA:
        case O_SETB:
        {
            const char *opt = c == O_SETA ? "--set-a" : c == O_SETB ? "--set-b" : "--set";
            if (!strchr(val, '=')) {
                bad = cli_usage_error(prog, "%s needs KEY=VALUE, got '%s'", opt, val);
                break;
            }
            if (c != O_SETB)
                oa[na] = opt, sa[na++] = val;
            if (c != O_SETA)
                ob[nb] = opt, sb[nb++] = val;
            break;
        }
        case O_METRIC: metrics[nm++] = val; break;
        case O_YEAR: {
            char *end = NULL;
            errno = 0;
            long v = strtol(val, &end, 10);
            if (errno || *end || !*val || v < 1900 || v > 2200)
                bad = cli_usage_error(prog, "--year wants a calendar year, not '%s'", val);
            years[ny++] = (int)v;
            break;
        }
        case CLI_HELP:
            cmp_usage(stdout);
            free(sa), free(sb), free(oa), free(ob), free(metrics), free(years), free(unused);
            return EXIT_OK;
        default: {
            int h = cli_exp_option(&x, prog, c, val);
            bad = h == 1 ? 0 : h ? h : EXIT_INPUT;
        }
        }
    }
    if (!bad) /* the operands after `--` */
        cli_rest_operands(&p, ops, 3, &n_ops);
    const char *pa = ops[0], *pb = ops[1];
    if (!bad && n_ops > 2)
        bad = cli_usage_error(prog, "two scenarios at most, got '%s' too", ops[2]);
    if (!bad && !pa)
        bad = cli_usage_error(prog, "scenario A is required (a file, or `default`)");
    if (!bad)
        bad = cli_exp_check(&x, prog);
    free(unused);
    if (bad) {
        free(sa), free(sb), free(oa), free(ob), free(metrics), free(years);
        return EXIT_INPUT;
    }
    tr_experiment_options *eo = &x.eo;
    if (!pb)
        pb = pa;
    for (int i = 0; i < nm; i++)
        if (!tr_metric_exists(metrics[i], "country", TR_KEEP_COMPACT)) {
            int st = cli_usage_error(prog, "no country metric '%s' (docs/EXPERIMENTS.md; the table metrics of "
                                           "an experiment database lists them)", metrics[i]);
            free(sa), free(sb), free(oa), free(ob), free(metrics), free(years);
            return st;
        }
    int da = is_sqlite(pa), db = is_sqlite(pb);
    if (da || db) {
        /* two finished ensembles: pair their runs */
        static const char *const not_here[] = {"--runs", "--out", "--threads", "--seed", "--set", "--keep",
                                               "--resume", "--force", "--max-memory"};
        const char *why = NULL;
        if (!da || !db || !ops[1])
            why = "A and B must both be scenarios, or two ensemble databases (`techrace compare a.db b.db --out c.db`)";
        for (int i = 0; !why && i < (int)(sizeof not_here / sizeof not_here[0]); i++)
            if ((x.given >> i) & 1u && i != 1 && i != 7) /* --out and --force apply */
                why = not_here[i];
        if (!why && (na || nb))
            why = "--set";
        free(sa), free(sb), free(oa), free(ob);
        if (why) {
            free(metrics), free(years);
            if (why[0] == '-')
                return cli_usage_error(prog, "%s does not apply to two ensemble databases: their runs are what they "
                                             "hold", why);
            return cli_usage_error(prog, "%s", why);
        }
        return compare_databases(pa, pb, eo, metrics, nm, years, ny, x.quiet);
    }

    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *A = NULL, *B = NULL;
    int rc = cli_load_scenario(pa, sa, oa, na, &A, &d);
    int rcb = cli_load_scenario(pb, sb, ob, nb, &B, &d);
    if (rc != TR_OK || rcb != TR_OK) {
        cli_diag_print(&d);
        tr_diag_free(&d);
        tr_scenario_destroy(A);
        tr_scenario_destroy(B);
        free(sa), free(sb), free(oa), free(ob), free(metrics), free(years);
        /* one of them failed: 1 when either ran out of memory, else 2 */
        return cli_load_status(rc) == EXIT_RUNTIME ? EXIT_RUNTIME : cli_load_status(rcb);
    }
    eo->seed = x.have_seed ? x.seed : A->seed;
    /* Labels: the file and the arm's own overrides. */
    char la[512], lb[512];
    snprintf(la, sizeof la, "%s", pa);
    snprintf(lb, sizeof lb, "%s", pb);
    for (int i = 0; i < na; i++)
        if (strlen(la) + strlen(sa[i]) + 8 < sizeof la)
            strcat(strcat(la, " --set "), sa[i]);
    for (int i = 0; i < nb; i++)
        if (strlen(lb) + strlen(sb[i]) + 8 < sizeof lb)
            strcat(strcat(lb, " --set "), sb[i]);
    if (!ny) {
        if (A->start_year <= 2023 && A->end_year > 2023)
            years[ny++] = 2023;
        years[ny++] = A->end_year;
    }
    int status = EXIT_OK;
    for (int i = 0; i < ny; i++)
        if (years[i] < A->start_year || years[i] > A->end_year) {
            status = cli_usage_error(prog, "--year %d is outside the calendar %d-%d", years[i], A->start_year,
                                     A->end_year);
            break;
        }
    if (status == EXIT_OK) {
        if (tr_mpi_rank() != 0)
            x.quiet = 1; /* rank 0 reports for all */
        cli_signals sig;
        cli_signals_catch(&sig, &cmp_interrupted);
        cli_progress pr;
        cli_progress_init(&pr, x.quiet);
        eo->progress = cli_progress_update;
        eo->ctx = &pr;
        eo->interrupt = &cmp_interrupted;
        if (!x.quiet && tr_mpi_size() > 1)
            fprintf(stderr, "compare: %u runs per arm, seed %" PRIu64 ", %d MPI ranks (rank 0 writes) -> %s\n",
                    eo->runs, eo->seed, tr_mpi_size(), eo->out);
        else if (!x.quiet)
            fprintf(stderr, "compare: %u runs per arm, seed %" PRIu64 ", %d threads -> %s\n", eo->runs, eo->seed,
                    eo->threads, eo->out);
        rc = tr_compare_run(A, B, la, lb, eo, &d);
        cli_signals_restore(&sig);
        cli_progress_end(&pr);
        cli_diag_print(&d);
        status = cli_exp_status(prog, rc, eo->out);
        if (rc == TR_OK && !x.quiet) {
            int prc = print_table(eo->out, la, lb, metrics, nm, years, ny, A->n_countries, eo->runs);
            status = prc == -2 ? EXIT_INPUT : prc ? EXIT_RUNTIME : EXIT_OK;
        }
    }
    tr_diag_free(&d);
    tr_scenario_destroy(A);
    tr_scenario_destroy(B);
    free(sa), free(sb), free(oa), free(ob), free(metrics), free(years);
    return status;
}
