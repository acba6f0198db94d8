/* cmd_ensemble.c — `techrace ensemble`: N runs of a scenario on threads into
 * an experiment database, with progress on a terminal, and a table of the
 * headline metrics' ensemble bands at the end. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "techrace/techrace.h"

static volatile sig_atomic_t ens_interrupted = 0;

static void ens_usage(FILE *out)
{
    fputs("usage: techrace ensemble [SCENARIO] --runs N --out EXP.db [options]\n"
          "\n"
          "Run the scenario N times with independent random streams (run index 0..N-1 in every\n"
          "stream's key) on T threads, and store every run and per-metric aggregates (mean, sd,\n"
          "5/50/95% quantiles) in the experiment database EXP.db (docs/EXPERIMENTS.md, \"Experiment\n"
          "databases\"). The database does not depend on T.\n"
          "\n"
          "options:\n"
          "  --runs N         number of runs (required)\n"
          "  --out FILE       experiment database to write (required; never silently overwritten)\n"
          "  --threads T      worker threads (default: the number of online processors)\n"
          "  --seed S         random seed (default: the scenario's `seed`)\n"
          "  --set K=V        override a scenario value (repeatable)\n"
          "  --keep WHAT      per-run data kept: compact (default), all, aggregates\n"
          "  --resume         continue an interrupted ensemble in FILE (same scenario, seed and options)\n"
          "  --force          replace FILE if it is an experiment database (or an empty file)\n"
          CLI_MAX_MEMORY_HELP
          "  --quiet          print nothing but errors\n"
          "  -h, --help       show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure or interrupted (finished runs are kept: --resume),\n"
          "             2 bad input\n",
          out);
}


int cmd_ensemble(int argc, char **argv)
{
    static const cli_opt opts[] = {CLI_EXP_OPTIONS, {NULL, 0, 0, 0}};
    const char *prog = "techrace ensemble";
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (!sets) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return EXIT_RUNTIME;
    }
    cli_exp x;
    cli_exp_init(&x, 0, 1, sets);
    const char *ops[2] = {NULL, NULL};
    int n_ops = 0, c, bad = 0;
    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, opts);
    const char *val;
    while (!bad && (c = cli_next(&p, &val)) != CLI_END) {
        if (c == CLI_OPERAND) {
            if (n_ops < 2)
                ops[n_ops] = val;
            n_ops++;
        } else if (c == CLI_HELP) {
            ens_usage(stdout);
            free(sets);
            return EXIT_OK;
        } else {
            int h = cli_exp_option(&x, prog, c, val);
            bad = h == 1 ? 0 : h ? h : EXIT_INPUT;
        }
    }
    if (!bad) /* the operands after `--` */
        cli_rest_operands(&p, ops, 2, &n_ops);
    if (!bad && n_ops > 1)
        bad = cli_usage_error(prog, "one scenario at most, got '%s' and '%s'", ops[0], ops[1]);
    if (!bad && !x.eo.runs)
        bad = cli_usage_error(prog, "--runs N is required");
    if (!bad)
        bad = cli_exp_check(&x, prog);
    if (bad) {
        free(sets);
        return EXIT_INPUT;
    }

    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = cli_load_scenario(ops[0], sets, NULL, x.n_sets, &s, &d);
    if (rc != TR_OK) {
        cli_diag_print(&d);
        tr_diag_free(&d);
        free(sets);
        return cli_load_status(rc);
    }
    tr_experiment_options *eo = &x.eo;
    eo->seed = x.have_seed ? x.seed : s->seed;
    if (tr_mpi_rank() != 0)
        x.quiet = 1; /* rank 0 reports for all */
    cli_signals sig;
    cli_signals_catch(&sig, &ens_interrupted);
    cli_progress pr;
    cli_progress_init(&pr, x.quiet);
    eo->interrupt = &ens_interrupted;
    eo->progress = cli_progress_update;
    eo->ctx = &pr;
    char title[512];
    cli_scenario_title(s, title, sizeof title);
    if (!x.quiet && tr_mpi_size() > 1)
        fprintf(stderr, "%s: %u runs, seed %" PRIu64 ", %d MPI ranks (rank 0 writes) -> %s\n", title, eo->runs,
                eo->seed, tr_mpi_size(), eo->out);
    else if (!x.quiet)
        fprintf(stderr, "%s: %u runs, seed %" PRIu64 ", %d threads -> %s\n", title, eo->runs, eo->seed,
                eo->threads, eo->out);
    rc = tr_ensemble_run(s, eo, &d);
    cli_signals_restore(&sig);
    cli_progress_end(&pr);
    cli_diag_print(&d);
    int status = cli_exp_status(prog, rc, eo->out);
    if (rc == TR_OK && !x.quiet)
        cli_out("%u runs (%u computed now) in %.1f s: %s (aggregates: table aggregates_named)\n", eo->runs,
                pr.computed, cli_progress_seconds(&pr), eo->out);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    free(sets);
    return status;
}
