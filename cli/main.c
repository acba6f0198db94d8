/* main.c — the techrace program: dispatch to subcommands (cli/cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "techrace/techrace.h"
#include <stdlib.h>

static void usage(FILE *out)
{
    fputs("usage: techrace <command> [options]\n"
          "\n"
          "Agent-based simulator of national innovation systems in a technology race.\n"
          "\n"
          "commands:\n"
          "  run [SCENARIO]             run a scenario (default: the embedded US-China 2000-2035 scenario)\n"
          "  ensemble [SCENARIO] --runs N --out EXP.db\n"
          "                             N runs with independent random streams, on threads\n"
          "  compare A [B] --out CMP.db  two scenarios under common random numbers: which\n"
          "                             differences are larger than seed noise\n"
          "  sweep [SCENARIO] --param PATH=LO:HI:N... --out EXP.db\n"
          "                             a full grid (or --lhs N, a Latin hypercube) over parameters\n"
          "  sensitivity [SCENARIO] --method morris|sobol --param ... --metric ... --out EXP.db\n"
          "                             which parameters move an output most (global sensitivity)\n"
          "  scenario check FILE...     check scenario files and report every error\n"
          "  scenario show [default|FILE]  print the embedded default scenario, or a resolved file\n"
          "  scenario diff A B          show how two scenarios differ (exit 1 when they do)\n"
          "\n"
          "options:\n"
          "  -h, --help                 show this help (also after any command)\n"
          "  --version                  show the version\n"
          "\n"
          "Every command takes `--opt VALUE` or `--opt=VALUE`, `--` ends the options, and\n"
          "`techrace COMMAND --help` describes it.\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure (including a failed write to standard output),\n"
          "             2 bad input (usage, scenario file, --set override, an unusable --out/--csv);\n"
          "             `scenario diff` exits 1 when the scenarios differ, like diff(1)\n"
          "documentation: README.md, docs/SCENARIO.md, docs/RESULTS.md, docs/EXPERIMENTS.md, docs/ODD.md\n",
          out);
}

/* Started by mpirun/srun? Then experiments spread their runs over the ranks. */
static int under_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return 1;
    }
    return 0;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    int mpi = argc >= 2 &&
              (!strcmp(argv[1], "ensemble") || !strcmp(argv[1], "compare") || !strcmp(argv[1], "sweep") ||
               !strcmp(argv[1], "sensitivity")) &&
              under_mpi() &&
              tr_mpi_available();
    if (mpi && tr_mpi_init(&argc, &argv) != TR_OK) {
        fputs("techrace: cannot start MPI\n", stderr);
        return EXIT_RUNTIME;
    }
    int rc = dispatch(argc, argv);
    if (mpi)
        tr_mpi_finalize();
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return cli_close_stdout("techrace") ? EXIT_RUNTIME : EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("techrace %s\n", tr_version());
        return cli_close_stdout("techrace") ? EXIT_RUNTIME : EXIT_OK;
    }
    int rc;
    char prog[64];
    if (!strcmp(cmd, "run")) {
        rc = cmd_run(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "compare")) {
        rc = cmd_compare(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "sweep")) {
        rc = cmd_sweep(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "sensitivity")) {
        rc = cmd_sensitivity(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "ensemble")) {
        rc = cmd_ensemble(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "scenario")) {
        rc = cmd_scenario(argc - 1, argv + 1);
    } else {
        fprintf(stderr, "techrace: unknown command '%s'\nTry 'techrace --help'.\n", cmd);
        return EXIT_INPUT;
    }
    /* Every command's output: a write error (a full disk, a closed pipe,
     * > /dev/full) is an error of the command. */
    snprintf(prog, sizeof prog, "techrace %s", cmd);
    if (cli_close_stdout(prog) && rc == EXIT_OK)
        rc = EXIT_RUNTIME;
    return rc;
}
