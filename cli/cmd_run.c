/* cmd_run.c — `techrace run`: load a scenario, run it, store the results and
 * print a readable summary. */
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "techrace/techrace.h"

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int isatty_stderr(void)
{
    return isatty(2);
}

static void usage(FILE *out)
{
    fputs("usage: techrace run [SCENARIO] [options]\n"
          "\n"
          "Run a scenario (default: the embedded US-China 2000-2035 scenario) and print a summary.\n"
          "\n"
          "options:\n"
          "  --seed N        random seed (default: the scenario's `seed`)\n"
          "  --run N         run index, a second key of the random streams (default 0)\n"
          "  --out FILE      write results to the SQLite database FILE (a new run is added\n"
          "                  if FILE already holds runs; see docs/RESULTS.md)\n"
          "  --csv DIR       also export this run's tables as CSV files into DIR\n"
          "  --set K=V       override a scenario value, e.g. --set countries.CN.rd_intensity=0.03\n"
          "                  (repeatable; typed and checked like the file)\n"
          "  --quiet         print nothing but errors\n"
          "  -h, --help      show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure (e.g. cannot write results, interrupted),\n"
          "             2 bad input (usage, scenario file, override)\n",
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
    tr_results *db;
    int64_t run_id;
    tr_diag *diag;
    int db_failed;
    int quiet;
} summary;

static int on_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    summary *sm = ctx;
    const tr_scenario *s = sm->s;
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
    if (sm->db && tr_results_write_year(sm->db, sm->run_id, sim, rep, sm->diag) != TR_OK) {
        sm->db_failed = 1;
        return TR_ERR_DB;
    }
    if (!sm->quiet && isatty_stderr())
        fprintf(stderr, "\r  year %d", rep->year);
    return 0;
}

static int on_event(void *ctx, const tr_sim *sim, const tr_event_applied *ev)
{
    summary *sm = ctx;
    if (sm->db && tr_results_write_event(sm->db, sm->run_id, sim, ev, sm->diag) != TR_OK) {
        sm->db_failed = 1;
        return TR_ERR_DB;
    }
    return 0;
}

static const char *cid(const tr_scenario *s, int c)
{
    return c >= 0 && c < s->n_countries ? s->countries[c].id : "-";
}

static void print_summary(const summary *sm, uint64_t seed, FILE *out)
{
    const tr_scenario *s = sm->s;
    const int nc = s->n_countries, nk = s->n_tech;
    int want[4] = {2005, 2015, 2023, s->end_year};
    int years[4], ny = 0;
    for (int j = 0; j < 4; j++) {
        int y = want[j];
        if (y < s->start_year || y > s->end_year)
            continue;
        if (ny > 0 && years[ny - 1] == y)
            continue;
        years[ny++] = y;
    }
    if (ny == 0)
        years[ny++] = s->end_year;

    fprintf(out, "%s\n", s->name && *s->name ? s->name : (s->source_name ? s->source_name : "scenario"));
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
        fprintf(out, "\nShare of world sales of the technologies' products (%%); in %d: capacity use (%%, output-weighted),\n"
                     "subsidies to firms (US$ bn), firms, small specialised firms (SMEs) and little giants\n",
                years[ny - 1]);
        fprintf(out, "  %-28s", "country");
        for (int j = 0; j < ny; j++)
            fprintf(out, " %6d", years[j]);
        fprintf(out, "   %6s %9s %9s %8s %8s\n", "use %", "subsidy", "firms", "SMEs", "giants");
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
            fprintf(out, " %9.1f %9.0f %8.0f %8.0f\n", sm->subs[yl * nc + c], sm->firms[(yl * nc + c) * 3],
                    sm->firms[(yl * nc + c) * 3 + 1], sm->firms[(yl * nc + c) * 3 + 2]);
        }
        double world = 0;
        for (int c = 0; c < nc; c++)
            world += sm->prod[yl * nc + c];
        fprintf(out, "  world sales %d: US$ %.0f bn\n", years[ny - 1], world);
    }

    int rule_shown = 0;
    for (int j = 0; j < ny; j++) {
        if (j < ny - 1 && years[j] != 2023)
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
         * lead ratios: at most 10 lines a year; the rest is in the tracker table. */
        int shown = 0, printed_done[1024] = {0};
        for (int level = TR_RISK_HIGH; level >= TR_RISK_MEDIUM; level--) {
            for (;;) {
                int k = -1;
                double best = -1;
                for (int t = 0; t < nk && t < 1024; t++) {
                    double r = sm->sshare[y * nk + t] > 0 ? sm->lshare[y * nk + t] / sm->sshare[y * nk + t] : 1e300;
                    if (sm->risk[y * nk + t] == level && !printed_done[t] && r > best) {
                        best = r;
                        k = t;
                    }
                }
                if (k < 0 || (level == TR_RISK_MEDIUM && shown >= 10))
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
    }
}

int cmd_run(int argc, char **argv)
{
    const char *scenario_path = NULL, *out_path = NULL, *csv_dir = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int n_sets = 0, quiet = 0, have_seed = 0;
    uint64_t seed = 0;
    uint32_t run = 0;
    int status = EXIT_OK;
    if (!sets)
        return EXIT_RUNTIME;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
#define OPT(name)                                                                    \
    (!strcmp(a, name) ? (i + 1 < argc ? (val = argv[++i], 1) : (val = NULL, 1))     \
                      : (!strncmp(a, name "=", strlen(name) + 1) ? (val = a + strlen(name) + 1, 1) : 0))
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(sets);
            return EXIT_OK;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (OPT("--seed")) {
            char *end;
            errno = 0;
            if (!val || !*val || !(*val >= '0' && *val <= '9') || (seed = strtoull(val, &end, 10), errno) ||
                *end) {
                fprintf(stderr, "techrace run: --seed needs a non-negative integer, got '%s'\n", val ? val : "");
                free(sets);
                return EXIT_INPUT;
            }
            have_seed = 1;
        } else if (OPT("--run")) {
            char *end;
            errno = 0;
            unsigned long r = val ? strtoul(val, &end, 10) : 0;
            if (!val || !(*val >= '0' && *val <= '9') || errno || *end || r > 0xffffffffUL) {
                fprintf(stderr, "techrace run: --run needs an integer 0..4294967295, got '%s'\n", val ? val : "");
                free(sets);
                return EXIT_INPUT;
            }
            run = (uint32_t)r;
        } else if (OPT("--out")) {
            if (!val || !*val) {
                fprintf(stderr, "techrace run: --out needs a file name\n");
                free(sets);
                return EXIT_INPUT;
            }
            out_path = val;
        } else if (OPT("--csv")) {
            if (!val || !*val) {
                fprintf(stderr, "techrace run: --csv needs a directory\n");
                free(sets);
                return EXIT_INPUT;
            }
            csv_dir = val;
        } else if (OPT("--set")) {
            if (!val || !strchr(val, '=')) {
                fprintf(stderr, "techrace run: --set needs KEY=VALUE, got '%s'\n", val ? val : "");
                free(sets);
                return EXIT_INPUT;
            }
            sets[n_sets++] = val;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "techrace run: unknown option '%s'\n\n", a);
            usage(stderr);
            free(sets);
            return EXIT_INPUT;
        } else if (!scenario_path) {
            scenario_path = a;
        } else {
            fprintf(stderr, "techrace run: more than one scenario given ('%s', '%s')\n", scenario_path, a);
            free(sets);
            return EXIT_INPUT;
        }
#undef OPT
    }

    /* A CSV directory that cannot be used is bad input: say so before the run. */
    if (csv_dir) {
        struct stat st;
        if (stat(csv_dir, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                fprintf(stderr, "techrace run: --csv %s: exists and is not a directory\n", csv_dir);
                free(sets);
                return EXIT_INPUT;
            }
        } else if (mkdir(csv_dir, 0777) != 0) {
            fprintf(stderr, "techrace run: --csv %s: cannot create the directory: %s\n", csv_dir, strerror(errno));
            free(sets);
            return EXIT_INPUT;
        }
    }

    tr_diag diag;
    tr_diag_init(&diag);
    tr_scenario *s = NULL;
    tr_sim *sim = NULL;
    tr_results *db = NULL;
    summary sm;
    memset(&sm, 0, sizeof sm);
    int64_t run_id = 0;

    int rc;
    if (!scenario_path || !strcmp(scenario_path, "default")) {
        rc = tr_scenario_load_default(&s, sets, n_sets, &diag);
    } else {
        tr_scenario_source src = {.path = scenario_path, .overrides = sets, .n_overrides = n_sets};
        rc = tr_scenario_load(&s, &src, &diag);
    }
    if (rc != TR_OK) {
        tr_diag_print(&diag, stderr);
        status = rc == TR_ERR_NOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        goto done;
    }
    if (!have_seed)
        seed = s->seed;

    rc = tr_sim_create(&sim, s, seed, run, &diag);
    if (rc != TR_OK) {
        tr_diag_print(&diag, stderr);
        status = rc == TR_ERR_INPUT ? EXIT_INPUT : EXIT_RUNTIME;
        goto done;
    }
    if (diag.count > 0 && !quiet) /* warnings from creating the run */
        tr_diag_print(&diag, stderr);
    tr_diag_free(&diag);
    tr_diag_init(&diag);
    if (out_path || csv_dir) {
        rc = tr_results_open(&db, out_path ? out_path : ":memory:", &diag);
        if (rc == TR_OK)
            rc = tr_results_begin_run(db, s, sim, seed, &run_id, &diag);
        if (rc != TR_OK) {
            tr_diag_print(&diag, stderr);
            status = EXIT_RUNTIME;
            goto done;
        }
    }

    sm.s = s;
    sm.n_years = s->end_year - s->start_year + 1;
    size_t ny = (size_t)sm.n_years;
    sm.led = calloc(ny * (size_t)s->n_countries, sizeof *sm.led);
    sm.rd = calloc(ny * (size_t)s->n_countries, sizeof *sm.rd);
    sm.prod = calloc(ny * (size_t)s->n_countries, sizeof *sm.prod);
    sm.util = calloc(ny * (size_t)s->n_countries, sizeof *sm.util);
    sm.subs = calloc(ny * (size_t)s->n_countries, sizeof *sm.subs);
    sm.firms = calloc(ny * 3 * (size_t)s->n_countries, sizeof *sm.firms);
    sm.leader = calloc(ny * (size_t)s->n_tech, sizeof *sm.leader);
    sm.second = calloc(ny * (size_t)s->n_tech, sizeof *sm.second);
    sm.lshare = calloc(ny * (size_t)s->n_tech, sizeof *sm.lshare);
    sm.sshare = calloc(ny * (size_t)s->n_tech, sizeof *sm.sshare);
    sm.risk = calloc(ny * (size_t)s->n_tech, sizeof *sm.risk);
    if (!sm.led || !sm.rd || !sm.prod || !sm.util || !sm.subs || !sm.firms || !sm.leader || !sm.second || !sm.lshare || !sm.sshare || !sm.risk) {
        fprintf(stderr, "techrace run: out of memory\n");
        status = EXIT_RUNTIME;
        goto done;
    }
    sm.db = db;
    sm.run_id = run_id;
    sm.diag = &diag;
    sm.quiet = quiet;

    /* Ctrl-C or a TERM during the run stops it cleanly at the next step;
     * before and after the run the default action applies. */
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    tr_sim_hooks hooks = {on_year, on_event, &sm, &interrupted};
    rc = tr_sim_run(sim, &hooks);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (!quiet && isatty_stderr())
        fputs("\r              \r", stderr);
    if (rc != TR_OK) {
        const char *st = rc == TR_ERR_INTERRUPTED ? "interrupted" : "failed";
        if (db && !sm.db_failed)
            tr_results_end_run(db, run_id, st, &diag);
        tr_diag_print(&diag, stderr);
        if (rc == TR_ERR_INTERRUPTED && out_path)
            fprintf(stderr, "techrace run: interrupted at step %d; the complete years are kept in %s (run %" PRId64
                    ", marked interrupted)%s\n", tr_sim_current_step(sim), out_path, run_id,
                    csv_dir ? "; no CSV files were written" : "");
        else if (rc == TR_ERR_INTERRUPTED)
            fprintf(stderr, "techrace run: interrupted at step %d; nothing was written (use --out to keep "
                    "partial results)\n", tr_sim_current_step(sim));
        else
            fprintf(stderr, "techrace run: %s\n", tr_strerror(rc));
        status = EXIT_RUNTIME;
        goto done;
    }
    if (db) {
        rc = tr_results_end_run(db, run_id, "complete", &diag);
        if (rc == TR_OK && csv_dir)
            rc = tr_results_export_csv(db, run_id, csv_dir, &diag);
        if (rc != TR_OK) {
            tr_diag_print(&diag, stderr);
            status = EXIT_RUNTIME;
            goto done;
        }
    }
    if (!quiet) {
        print_summary(&sm, seed, stdout);
        if (out_path || csv_dir) {
            putchar('\n');
            if (out_path)
                printf("Results: %s (run %" PRId64 ")\n", out_path, run_id);
            if (csv_dir)
                printf("CSV: %s/\n", csv_dir);
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "techrace run: cannot write the summary to standard output\n");
        status = EXIT_RUNTIME;
    }

done:
    free(sm.led);
    free(sm.rd);
    free(sm.prod);
    free(sm.util);
    free(sm.subs);
    free(sm.firms);
    free(sm.leader);
    free(sm.second);
    free(sm.lshare);
    free(sm.sshare);
    free(sm.risk);
    tr_results_close(db);
    tr_sim_destroy(sim);
    tr_scenario_destroy(s);
    tr_diag_free(&diag);
    free(sets);
    return status;
}
