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

static void ens_on_signal(int sig)
{
    (void)sig;
    ens_interrupted = 1;
}

static void ens_usage(FILE *out)
{
    fputs("usage: techrace ensemble [SCENARIO] --runs N --out EXP.db [options]\n"
          "\n"
          "Run the scenario N times with independent random streams (run index 0..N-1 in every\n"
          "stream's key) on T threads, and store every run and per-metric aggregates (mean, sd,\n"
          "5/50/95% quantiles) in the experiment database EXP.db (docs/RESULTS.md, \"Experiment\n"
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
          "  --force          replace FILE if it exists\n"
          CLI_MAX_MEMORY_HELP
          "  --quiet          print nothing but errors\n"
          "  -h, --help       show this help\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure or interrupted (finished runs are kept: --resume),\n"
          "             2 bad input\n",
          out);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cmd_ensemble(int argc, char **argv)
{
    enum { O_RUNS = 256, O_OUT, O_THREADS, O_SEED, O_SET, O_KEEP, O_RESUME, O_FORCE, O_MAXMEM };
    static const cli_opt opts[] = {
        {"runs", 0, 1, O_RUNS}, {"out", 0, 1, O_OUT},     {"threads", 0, 1, O_THREADS}, {"seed", 0, 1, O_SEED},
        {"set", 0, 1, O_SET},   {"keep", 0, 1, O_KEEP},   {"resume", 0, 0, O_RESUME},  {"force", 0, 0, O_FORCE},
        {"quiet", 'q', 0, 'q'}, {"max-memory", 0, 1, O_MAXMEM}, {NULL, 0, 0, 0}};
    const char *prog = "techrace ensemble";
    tr_experiment_options eo = TR_EXPERIMENT_OPTIONS_INIT;
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    eo.threads = np > 0 ? (int)np : 1;
    uint64_t runs = 0, seed = 0, thr = 0;
    int have_seed = 0, quiet = 0;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    const char *ops[2] = {NULL, NULL};
    int n_sets = 0, n_ops = 0;
    if (!sets) {
        fputs("techrace ensemble: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, opts);
    const char *val;
    int c, bad = 0;
    while (!bad && (c = cli_next(&p, &val)) != CLI_END) {
        switch (c) {
        case CLI_OPERAND:
            if (n_ops < 2)
                ops[n_ops] = val;
            n_ops++;
            break;
        case CLI_HELP: ens_usage(stdout); free(sets); return EXIT_OK;
        case O_RUNS:
            if (parse_u64(val, &runs) || runs < 1 || runs > UINT32_MAX)
                bad = cli_usage_error(prog, "--runs wants a whole number from 1, not '%s'", val);
            break;
        case O_OUT: eo.out = val; break;
        case O_THREADS:
            if (parse_u64(val, &thr) || thr < 1 || thr > 1024)
                bad = cli_usage_error(prog, "--threads wants a whole number from 1 to 1024, not '%s'", val);
            eo.threads = (int)thr;
            break;
        case O_SEED:
            if (parse_u64(val, &seed))
                bad = cli_usage_error(prog, "--seed wants a whole number, not '%s'", val);
            have_seed = 1;
            break;
        case O_SET:
            if (!strchr(val, '='))
                bad = cli_usage_error(prog, "--set needs KEY=VALUE, got '%s'", val);
            sets[n_sets++] = val;
            break;
        case O_KEEP:
            if (tr_keep_parse(val, &eo.keep))
                bad = cli_usage_error(prog, "--keep is one of compact, all, aggregates, not '%s'", val);
            break;
        case O_MAXMEM:
            if (cli_parse_size(val, &eo.max_bytes))
                bad = cli_usage_error(prog, "--max-memory needs a size such as 16G or 512M, got '%s'", val);
            break;
        case O_RESUME: eo.resume = 1; break;
        case O_FORCE: eo.force = 1; break;
        case 'q': quiet = 1; break;
        default: bad = EXIT_INPUT;
        }
    }
    for (int i = cli_operand_index(&p); !bad && i < argc; i++) { /* after `--` */
        if (n_ops < 2)
            ops[n_ops] = argv[i];
        n_ops++;
    }
    if (!bad && n_ops > 1)
        bad = cli_usage_error(prog, "one scenario at most, got '%s' and '%s'", ops[0], ops[1]);
    if (!bad && (!runs || !eo.out || !*eo.out))
        bad = cli_usage_error(prog, "--runs N and --out FILE are required");
    if (bad) {
        free(sets);
        return EXIT_INPUT;
    }
    const char *path = ops[0] && strcmp(ops[0], "default") != 0 ? ops[0] : NULL;
    eo.runs = (uint32_t)runs;

    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc;
    if (path) {
        tr_scenario_source src = {0};
        src.path = path;
        src.overrides = sets;
        src.n_overrides = n_sets;
        rc = tr_scenario_load(&s, &src, &d);
    } else {
        rc = tr_scenario_load_default(&s, sets, n_sets, &d);
    }
    if (rc != TR_OK) {
        tr_diag_print(&d, stderr);
        tr_diag_free(&d);
        free(sets);
        return rc == TR_ERR_INPUT ? EXIT_INPUT : EXIT_RUNTIME;
    }
    eo.seed = have_seed ? seed : s->seed;

    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ens_on_signal;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction *olds[] = {&old_int, &old_term, &old_hup};
    for (int i = 0; i < 3; i++) {
        sigaction(sigs[i], NULL, olds[i]);
        if (olds[i]->sa_handler != SIG_IGN) /* `trap '' INT` stays in force */
            sigaction(sigs[i], &sa, NULL);
    }
    cli_progress pr;
    cli_progress_init(&pr, quiet);
    if (tr_mpi_rank() != 0)
        quiet = 1; /* rank 0 reports for all */
    eo.interrupt = &ens_interrupted;
    eo.progress = cli_progress_update;
    eo.ctx = &pr;
    if (!quiet && tr_mpi_size() > 1)
        fprintf(stderr, "%s: %u runs, seed %" PRIu64 ", %d MPI ranks (rank 0 writes) -> %s\n", s->name, eo.runs,
                eo.seed, tr_mpi_size(), eo.out);
    else if (!quiet)
        fprintf(stderr, "%s: %u runs, seed %" PRIu64 ", %d threads -> %s\n", s->name, eo.runs, eo.seed, eo.threads,
                eo.out);
    rc = tr_ensemble_run(s, &eo, &d);
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], olds[i], NULL);
    cli_progress_end(&pr);
    tr_diag_print(&d, stderr);
    int status = EXIT_OK;
    if (rc == TR_ERR_INTERRUPTED) {
        fprintf(stderr, "techrace ensemble: interrupted; finished runs are kept in %s (continue with --resume)\n",
                eo.out);
        status = EXIT_RUNTIME;
    } else if (rc == TR_ERR_INPUT) {
        status = EXIT_INPUT;
    } else if (rc != TR_OK) {
        fprintf(stderr, "techrace ensemble: %s\n", tr_strerror(rc));
        status = EXIT_RUNTIME;
    } else if (!quiet) {
        printf("%u runs in %.1f s: %s (aggregates: table aggregates_named)\n", eo.runs, cli_progress_seconds(&pr), eo.out);
    }
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    free(sets);
    return status;
}
