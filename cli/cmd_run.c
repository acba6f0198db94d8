/* cmd_run.c — `techrace run`: parse the arguments, run the scenario into
 * results with tr_run (include/techrace/run.h), print a readable summary. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "techrace/techrace.h"

static volatile sig_atomic_t interrupted = 0;

static int isatty_stderr(void)
{
    return isatty(2);
}

static void usage(FILE *out)
{
    fputs("usage: techrace run [SCENARIO] [options]\n"
          "\n"
          "Run a scenario (a file, or `default`: the embedded US-China scenario) and print a summary.\n"
          "\n"
          "options:\n"
          "  --seed N        random seed (default: the scenario's `seed`)\n"
          "  --run N         run index, a second key of the random streams (default 0)\n"
          "  --out FILE      write results to the SQLite database FILE (a new run is added\n"
          "                  if FILE already holds runs; see docs/RESULTS.md)\n"
          "  --csv DIR       also export this run's tables as CSV files into DIR, replacing\n"
          "                  the set there as a whole (DIR may hold only a CSV export)\n"
          "  --set K=V       override a scenario value, e.g. --set countries.CN.rd_intensity=0.03\n"
          "                  (repeatable; typed and checked like the file)\n"
          CLI_MAX_MEMORY_HELP
          "  -q, --quiet     print nothing but errors\n"
          "  -h, --help      show this help\n"
          "Options take their value as `--out FILE` or `--out=FILE`; `--` ends the options.\n"
          "Both outputs are checked before the run; nothing is created for a bad scenario.\n"
          "Ctrl-C, TERM or HUP stop the run at the next step: the complete years stay in\n"
          "FILE, marked interrupted.\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure (e.g. cannot write results, interrupted),\n"
          "             2 bad input (usage, scenario file, override, an --out or --csv that\n"
          "             cannot be written)\n",
          out);
}

/* What the summary needs, collected year by year. */
typedef struct summary {
    const tr_scenario *s;
    int n_years;
    int *led;          /* [year * nc + c] technologies led */
    double *rd;        /* [year * nc + c] R&D intensity */
    double *prod;      /* [year * nc + c] sales of its firms, US$ bn */
    double *util;      /* [year * nc + c] capacity utilization, output-weighted */
    double *firms;     /* [year * 3 * nc + 3c + j] firms, SMEs, little giants */
    double *subs;      /* [year * nc + c] subsidies to firms, US$ bn */
    int *leader;       /* [year * nk + k] */
    int *second;       /* [year * nk + k] */
    double *lshare;    /* [year * nk + k] */
    double *sshare;    /* [year * nk + k] */
    unsigned char *risk; /* [year * nk + k] */
    int quiet;
    int printed;       /* the summary was printed */
} summary;

static void summary_free(summary *sm)
{
    free(sm->led);
    free(sm->rd);
    free(sm->prod);
    free(sm->util);
    free(sm->subs);
    free(sm->firms);
    free(sm->leader);
    free(sm->second);
    free(sm->lshare);
    free(sm->sshare);
    free(sm->risk);
}

static int on_start(void *ctx, const tr_sim *sim, tr_diag *diag)
{
    summary *sm = ctx;
    const tr_scenario *s = tr_sim_scenario(sim);
    if (diag->count > 0 && !sm->quiet) { /* warnings from creating the run */
        tr_diag_print(diag, stderr);
        tr_diag_free(diag);
        tr_diag_init(diag);
    }
    sm->s = s;
    sm->n_years = s->end_year - s->start_year + 1;
    size_t ny = (size_t)sm->n_years, nc = (size_t)s->n_countries, nk = (size_t)s->n_tech;
    sm->led = calloc(ny * nc, sizeof *sm->led);
    sm->rd = calloc(ny * nc, sizeof *sm->rd);
    sm->prod = calloc(ny * nc, sizeof *sm->prod);
    sm->util = calloc(ny * nc, sizeof *sm->util);
    sm->subs = calloc(ny * nc, sizeof *sm->subs);
    sm->firms = calloc(ny * 3 * nc, sizeof *sm->firms);
    sm->leader = calloc(ny * nk, sizeof *sm->leader);
    sm->second = calloc(ny * nk, sizeof *sm->second);
    sm->lshare = calloc(ny * nk, sizeof *sm->lshare);
    sm->sshare = calloc(ny * nk, sizeof *sm->sshare);
    sm->risk = calloc(ny * nk, sizeof *sm->risk);
    if (!sm->led || !sm->rd || !sm->prod || !sm->util || !sm->subs || !sm->firms || !sm->leader ||
        !sm->second || !sm->lshare || !sm->sshare || !sm->risk) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory for the summary");
        return TR_ERR_NOMEM;
    }
    return 0;
}

static int on_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    summary *sm = ctx;
    const tr_scenario *s = sm->s;
    (void)sim;
    int y = rep->year - s->start_year;
    if (y >= 0 && y < sm->n_years) {
        for (int c = 0; c < rep->n_countries; c++) {
            sm->led[y * rep->n_countries + c] = rep->country[c].techs_led;
            sm->rd[y * rep->n_countries + c] = rep->country[c].rd_intensity;
            const tr_country_year *cy = &rep->country[c];
            sm->prod[y * rep->n_countries + c] = cy->production;
            sm->subs[y * rep->n_countries + c] = cy->subsidies_central + cy->subsidies_local;
            sm->firms[(y * rep->n_countries + c) * 3 + 0] = cy->firms;
            sm->firms[(y * rep->n_countries + c) * 3 + 1] = cy->smes;
            sm->firms[(y * rep->n_countries + c) * 3 + 2] = cy->little_giants;
            double wu = 0, w = 0;
            for (int k = 0; k < rep->n_tech; k++) {
                const tr_ct_year *ct = &rep->ct[c * rep->n_tech + k];
                if (ct->production > 0 && !isnan(ct->utilization)) {
                    wu += ct->production * ct->utilization;
                    w += ct->production;
                }
            }
            sm->util[y * rep->n_countries + c] = w > 0 ? wu / w : NAN;
        }
        for (int k = 0; k < rep->n_tech; k++) {
            const tr_tracker_row *t = &rep->tracker[k];
            sm->leader[y * rep->n_tech + k] = t->leader;
            sm->second[y * rep->n_tech + k] = t->second;
            sm->lshare[y * rep->n_tech + k] = t->leader_share;
            sm->sshare[y * rep->n_tech + k] = t->second_share;
            sm->risk[y * rep->n_tech + k] = (unsigned char)t->risk;
        }
    }
    if (!sm->quiet && isatty_stderr())
        fprintf(stderr, "\r  year %d", rep->year);
    return 0;
}

static const char *cid(const tr_scenario *s, int c)
{
    return c >= 0 && c < s->n_countries ? s->countries[c].id : "-";
}

static void print_title(FILE *out, const tr_scenario *s)
{
    char title[512];
    cli_scenario_title(s, title, sizeof title);
    fprintf(out, "%s\n", title);
}

/* The summary's columns: 2005 and 2015 (ten years apart, early in the
 * race), 2023 (the year of the ASPI Critical Technology Tracker's 2023
 * edition, the default scenario's calibration year) and the last year. */
static const int summary_years[] = {2005, 2015, 2023};
#define SUMMARY_RISK_YEAR 2023 /* monopoly risks are listed for this year and the last */
#define SUMMARY_MAX_MEDIUM 10  /* medium-risk lines per year; the rest is in the tracker table */

static void print_summary(const summary *sm, uint64_t seed, FILE *out)
{
    const tr_scenario *s = sm->s;
    const int nc = s->n_countries, nk = s->n_tech;
    enum { N_SUMMARY = sizeof summary_years / sizeof summary_years[0] + 1 };
    int years[N_SUMMARY], ny = 0;
    for (int j = 0; j < N_SUMMARY; j++) {
        int y = j < N_SUMMARY - 1 ? summary_years[j] : s->end_year;
        if (y < s->start_year || y > s->end_year)
            continue;
        if (ny > 0 && years[ny - 1] == y)
            continue;
        years[ny++] = y;
    }
    if (ny == 0)
        years[ny++] = s->end_year;

    print_title(out, s);
    fprintf(out, "%d-%d, %d steps a year, seed %" PRIu64 "\n\n", s->start_year, s->end_year,
            s->steps_per_year, seed);
    fprintf(out, "Technologies led (of %d; share of high-impact papers, %d-year window)\n", nk,
            s->params.tracker.window_years);
    fprintf(out, "  %-28s", "country");
    for (int j = 0; j < ny; j++)
        fprintf(out, " %6d", years[j]);
    fprintf(out, "   R&D %% GDP");
    for (int j = 0; j < ny; j++)
        fprintf(out, " %6d", years[j]);
    fputc('\n', out);
    for (int c = 0; c < nc; c++) {
        const tr_country *C = &s->countries[c];
        char label[64];
        snprintf(label, sizeof label, "%s %s%s", C->id, C->name ? C->name : "", C->ranked ? "" : " *");
        fprintf(out, "  %-28.28s", label);
        for (int j = 0; j < ny; j++) {
            int y = years[j] - s->start_year;
            if (C->ranked)
                fprintf(out, " %6d", sm->led[y * nc + c]);
            else
                fprintf(out, " %6s", "-");
        }
        fprintf(out, "   %9s", "");
        for (int j = 0; j < ny; j++)
            fprintf(out, " %6.2f", 100.0 * sm->rd[(years[j] - s->start_year) * nc + c]);
        fputc('\n', out);
    }
    int any_unranked = 0;
    for (int c = 0; c < nc; c++)
        any_unranked |= !s->countries[c].ranked;
    if (any_unranked)
        fprintf(out, "  * aggregate bloc: reported, not ranked\n");

    /* Industry: only when the scenario has firms. */
    double any = 0;
    for (int j = 0; j < ny; j++)
        for (int c = 0; c < nc; c++)
            any += sm->prod[(years[j] - s->start_year) * nc + c];
    if (any > 0) {
        int yl = years[ny - 1] - s->start_year;
        /* "Little giants" is a designation (China's MIIT programme): a
         * column only when some country runs the programme
         * (firms.little_giants), and "-" for the countries that do not. */
        int giants = 0;
        for (int c = 0; c < nc; c++)
            giants |= s->countries[c].firms.little_giants;
        fprintf(out, "\nShare of world sales of the technologies' products (%%); in %d: capacity use (%%, output-weighted),\n"
                     "subsidies to firms (US$ bn), firms, small specialised firms (SMEs)%s\n",
                years[ny - 1], giants ? " and little giants" : "");
        fprintf(out, "  %-28s", "country");
        for (int j = 0; j < ny; j++)
            fprintf(out, " %6d", years[j]);
        fprintf(out, "   %6s %9s %9s %8s", "use %", "subsidy", "firms", "SMEs");
        fprintf(out, giants ? " %8s\n" : "\n", "giants");
        for (int c = 0; c < nc; c++) {
            const tr_country *C = &s->countries[c];
            char label[64];
            snprintf(label, sizeof label, "%s %s", C->id, C->name ? C->name : "");
            fprintf(out, "  %-28.28s", label);
            for (int j = 0; j < ny; j++) {
                int y = years[j] - s->start_year;
                double world = 0;
                for (int d = 0; d < nc; d++)
                    world += sm->prod[y * nc + d];
                fprintf(out, " %6.1f", world > 0 ? 100 * sm->prod[y * nc + c] / world : 0.0);
            }
            double u = sm->util[yl * nc + c];
            if (isnan(u))
                fprintf(out, "   %6s", "-");
            else
                fprintf(out, "   %6.0f", 100 * u);
            fprintf(out, " %9.1f %9.0f %8.0f", sm->subs[yl * nc + c], sm->firms[(yl * nc + c) * 3],
                    sm->firms[(yl * nc + c) * 3 + 1]);
            if (giants && C->firms.little_giants)
                fprintf(out, " %8.0f", sm->firms[(yl * nc + c) * 3 + 2]);
            else if (giants)
                fprintf(out, " %8s", "-");
            fputc('\n', out);
        }
        double world = 0;
        for (int c = 0; c < nc; c++)
            world += sm->prod[yl * nc + c];
        fprintf(out, "  world sales %d: US$ %.0f bn\n", years[ny - 1], world);
    }

    int rule_shown = 0;
    for (int j = 0; j < ny; j++) {
        if (j < ny - 1 && years[j] != SUMMARY_RISK_YEAR)
            continue;
        int y = years[j] - s->start_year;
        int nh = 0, nm = 0;
        for (int k = 0; k < nk; k++) {
            nh += sm->risk[y * nk + k] == TR_RISK_HIGH;
            nm += sm->risk[y * nk + k] == TR_RISK_MEDIUM;
        }
        if (!rule_shown) {
            fprintf(out, "\nMonopoly risk: high = leader's share >= %gx the runner-up's and >= %d of the top 10\n"
                    "institutions; medium = >= %gx and >= %d. Largest leads first.\n",
                    s->params.tracker.high_ratio, s->params.tracker.high_top10, s->params.tracker.medium_ratio,
                    s->params.tracker.medium_top10);
            rule_shown = 1;
        }
        fprintf(out, "\nMonopoly risk in %d: %d high, %d medium\n", years[j], nh, nm);
        /* All high-risk technologies, then the medium ones with the largest
         * lead ratios: at most SUMMARY_MAX_MEDIUM of those a year. */
        int shown = 0;
        unsigned char *printed_done = calloc((size_t)nk, 1);
        if (!printed_done)
            return;
        for (int level = TR_RISK_HIGH; level >= TR_RISK_MEDIUM; level--) {
            for (;;) {
                int k = -1;
                double best = -1;
                for (int t = 0; t < nk; t++) {
                    double r = sm->sshare[y * nk + t] > 0 ? sm->lshare[y * nk + t] / sm->sshare[y * nk + t] : 1e300;
                    if (sm->risk[y * nk + t] == level && !printed_done[t] && r > best) {
                        best = r;
                        k = t;
                    }
                }
                if (k < 0 || (level == TR_RISK_MEDIUM && shown >= SUMMARY_MAX_MEDIUM))
                    break;
                printed_done[k] = 1;
                shown++;
                int l = sm->leader[y * nk + k], sc = sm->second[y * nk + k];
                fprintf(out, "  %-6s %-44.44s %-3s %5.1f%%", level == TR_RISK_HIGH ? "high" : "medium",
                        s->techs[k].name, cid(s, l), 100 * sm->lshare[y * nk + k]);
                if (sc >= 0)
                    fprintf(out, "  vs %-3s %5.1f%%\n", cid(s, sc), 100 * sm->sshare[y * nk + k]);
                else
                    fputs("  (no runner-up)\n", out);
            }
        }
        if (nh + nm > shown)
            fprintf(out, "  ... and %d more medium (table `tracker` of the results)\n", nh + nm - shown);
        free(printed_done);
    }
}


static void on_end(void *ctx, const tr_sim *sim, const tr_run_result *res)
{
    summary *sm = ctx;
    (void)sim;
    if (!sm->quiet && isatty_stderr() && res->stage >= TR_RUN_STEPS)
        fputs("\r              \r", stderr);
    if (res->status == TR_OK && !sm->quiet && sm->s) {
        print_summary(sm, res->seed, stdout);
        sm->printed = 1;
    }
}

/* A decimal number into *v, at most max. */
static int parse_u64(const char *val, uint64_t max, uint64_t *v)
{
    if (!val || !(*val >= '0' && *val <= '9'))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(val, &end, 10);
    if (errno || *end || x > max)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

/* Catch sig for the run unless it was ignored when techrace started (e.g.
 * `trap '' INT` in the parent shell, nohup): then it stays ignored. */

enum { OPT_SEED = 256, OPT_RUN, OPT_OUT, OPT_CSV, OPT_SET, OPT_MAXMEM };

int cmd_run(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {"seed", 0, 1, OPT_SEED}, {"run", 0, 1, OPT_RUN}, {"out", 0, 1, OPT_OUT},
        {"csv", 0, 1, OPT_CSV},   {"set", 0, 1, OPT_SET}, {"quiet", 'q', 0, 'q'},
        {"max-memory", 0, 1, OPT_MAXMEM},
        {NULL, 0, 0, 0},
    };
    const char *prog = "techrace run";
    tr_run_options ro = TR_RUN_OPTIONS_INIT;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int n_sets = 0, quiet = 0;
    if (!sets)
        return EXIT_RUNTIME;

    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, opts);
    const char *val;
    const char *scen[2] = {NULL, NULL};
    int n_scen = 0;
    int c;
    while ((c = cli_next(&p, &val)) != CLI_END) {
        uint64_t v;
        switch (c) {
        case CLI_OPERAND:
            if (n_scen < 2)
                scen[n_scen] = val;
            n_scen++;
            break;
        case CLI_HELP:
            usage(stdout);
            free(sets);
            return EXIT_OK;
        case 'q':
            quiet = 1;
            break;
        case OPT_SEED:
            if (parse_u64(val, UINT64_MAX, &v)) {
                free(sets);
                return cli_usage_error(prog, "--seed needs a non-negative integer, got '%s'", val);
            }
            ro.use_seed = 1;
            ro.seed = v;
            break;
        case OPT_RUN:
            if (parse_u64(val, 0xffffffffULL, &v)) {
                free(sets);
                return cli_usage_error(prog, "--run needs an integer 0..4294967295, got '%s'", val);
            }
            ro.run_index = (uint32_t)v;
            break;
        case OPT_OUT:
            if (!*val) {
                free(sets);
                return cli_usage_error(prog, "--out needs a file name");
            }
            ro.db_path = val;
            break;
        case OPT_CSV:
            if (!*val) {
                free(sets);
                return cli_usage_error(prog, "--csv needs a directory");
            }
            ro.csv_dir = val;
            break;
        case OPT_MAXMEM:
            if (cli_parse_size(val, &ro.max_bytes)) {
                free(sets);
                return cli_usage_error(prog, "--max-memory needs a size such as 16G or 512M, got '%s'", val);
            }
            break;
        case OPT_SET:
            if (!strchr(val, '=')) {
                free(sets);
                return cli_usage_error(prog, "--set needs KEY=VALUE, got '%s'", val);
            }
            sets[n_sets++] = val;
            break;
        default:
            free(sets);
            return EXIT_INPUT;
        }
    }
    cli_rest_operands(&p, scen, 2, &n_scen); /* after `--` */
    if (n_scen > 1) {
        free(sets);
        return cli_usage_error(prog, "more than one scenario given ('%s', '%s')", scen[0], scen[1]);
    }
    ro.scenario_path = scen[0];
    ro.overrides = sets;
    ro.n_overrides = n_sets;

    summary sm;
    memset(&sm, 0, sizeof sm);
    sm.quiet = quiet;
    ro.hooks.on_start = on_start;
    ro.hooks.on_year = on_year;
    ro.hooks.on_end = on_end;
    ro.hooks.ctx = &sm;
    ro.interrupt = &interrupted;

    /* Ctrl-C, TERM or HUP during the run (and the export after it) stop it
     * cleanly at the next step; the previous dispositions come back after. */
    cli_signals sig;
    cli_signals_catch(&sig, &interrupted);

    tr_diag diag;
    tr_diag_init(&diag);
    tr_run_result res;
    int rc = tr_run(&ro, &res, &diag);

    cli_signals_restore(&sig);

    int status = EXIT_OK;
    if (rc != TR_OK) {
        tr_diag_print(&diag, stderr);
        switch (res.stage) {
        case TR_RUN_LOAD:
            status = rc == TR_ERR_NOMEM ? EXIT_RUNTIME : EXIT_INPUT;
            break;
        case TR_RUN_OUTPUTS:
            status = rc == TR_ERR_NOMEM ? EXIT_RUNTIME : EXIT_INPUT;
            break;
        case TR_RUN_CREATE:
        case TR_RUN_OPEN: /* a foreign database given to --out is bad input */
            status = rc == TR_ERR_INPUT ? EXIT_INPUT : EXIT_RUNTIME;
            break;
        default:
            status = EXIT_RUNTIME;
            break;
        }
        if (rc == TR_ERR_INTERRUPTED && ro.db_path && res.db_status)
            fprintf(stderr, "%s: interrupted at step %d; the complete years are kept in %s (run %" PRId64
                    ", marked interrupted)%s\n", prog, res.steps, ro.db_path, res.run_id,
                    ro.csv_dir ? "; no CSV files were written" : "");
        else if (rc == TR_ERR_INTERRUPTED)
            fprintf(stderr, "%s: interrupted at step %d; nothing was written%s\n", prog, res.steps,
                    ro.db_path ? "" : " (use --out to keep partial results)");
        else if (res.stage == TR_RUN_STEPS)
            fprintf(stderr, "%s: %s\n", prog, tr_strerror(rc));
    } else if (!quiet) {
        if (ro.db_path || ro.csv_dir) {
            putchar('\n');
            if (ro.db_path)
                printf("Results: %s (run %" PRId64 ")\n", ro.db_path, res.run_id);
            if (ro.csv_dir)
                printf("CSV: %s/\n", ro.csv_dir);
        }
    }
    if (rc == TR_OK && !quiet && diag.count > 0) /* warnings (e.g. an old set left aside) */
        tr_diag_print(&diag, stderr);
    summary_free(&sm);
    tr_diag_free(&diag);
    free(sets);
    return status;
}
