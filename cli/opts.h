/* opts.h — the one option parser of every techrace command (getopt_long):
 * `--out=F` and `--out F` alike, `-h`/`--help`, `--` ends the options,
 * options and operands in any order, and the same messages everywhere:
 *   techrace run: unknown option '--x'
 *   Try 'techrace run --help'.
 * (exit status 2). */
#ifndef TR_CLI_OPTS_H
#define TR_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "techrace/experiment.h"

typedef struct cli_opt {
    const char *name;  /* long name without "--" */
    int short_name;    /* a letter, or 0 */
    int has_arg;       /* 1: takes a value */
    int id;            /* returned by cli_next (> 0, not a letter's code when short_name is 0) */
} cli_opt;

enum { CLI_END = -1, CLI_ERROR = -2, CLI_OPERAND = 1, CLI_HELP = 'h' };

typedef struct cli_parser {
    const char *prog;  /* "techrace run", for messages */
    int argc;
    char **argv;       /* argv[0] is the command's name */
    const cli_opt *opts; /* ends with a {NULL} entry; -h/--help is added */
    int started;
} cli_parser;

void cli_parser_init(cli_parser *p, const char *prog, int argc, char **argv, const cli_opt *opts);
/* Next option: its id (CLI_HELP for -h/--help) with *arg its value (or
 * NULL); CLI_OPERAND with *arg an operand, in order (options and operands
 * may be mixed); CLI_END when none is left (the operands after `--` are
 * then argv[cli_operand_index(p) .. argc-1]); CLI_ERROR after printing the
 * message to stderr (exit with EXIT_INPUT). */
int cli_next(cli_parser *p, const char **arg);
int cli_operand_index(const cli_parser *p);
/* After CLI_END: append the operands that followed `--` to ops (room for
 * cap; *n counts them all, also those beyond cap). */
void cli_rest_operands(const cli_parser *p, const char **ops, int cap, int *n);
/* "PROG: MESSAGE\nTry 'PROG --help'.\n" on stderr; returns EXIT_INPUT. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* printf / fputs to stdout that remember why a write failed. */
int cli_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_puts(const char *s);

/* A size such as 16G, 512M, 1024K or 2000000 (bytes; K/M/G/T are powers
 * of 1024, an optional trailing "iB" or "B"); 0 on success. */
int cli_parse_size(const char *s, size_t *out);
#define CLI_MAX_MEMORY_HELP \
    "  --max-memory SIZE  refuse a run whose estimated memory is above SIZE (e.g. 16G;\n" \
    "                  default 8G): the estimate comes from the scenario's sizes, before\n" \
    "                  anything is allocated\n"

/* Progress of a long command on stderr when it is a terminal (runs done,
 * rate, time left); silent otherwise. */
typedef struct cli_progress {
    int tty;
    int shown;
    double t0;
    uint32_t computed;  /* runs committed by this command (a resume does fewer than all) */
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_update(void *ctx, uint32_t done, uint32_t total); /* ctx: a cli_progress */
void cli_progress_end(cli_progress *p);  /* ends the progress line */
double cli_progress_seconds(const cli_progress *p);

/* INT, TERM and HUP set *flag while caught (a signal ignored when the
 * command started stays ignored, e.g. `trap '' INT`); restore puts the
 * previous dispositions back. One set at a time. */
typedef struct cli_signals {
    struct sigaction old[3];
    int caught[3];
} cli_signals;
void cli_signals_catch(cli_signals *s, volatile sig_atomic_t *flag);
void cli_signals_restore(cli_signals *s);

/* The options every experiment command (ensemble, compare, sweep,
 * sensitivity) takes, parsed alike: put CLI_EXP_OPTIONS in the option table
 * and pass what cli_next returns to cli_exp_option. */
enum { CLI_EXP_RUNS = 200, CLI_EXP_OUT, CLI_EXP_THREADS, CLI_EXP_SEED, CLI_EXP_SET, CLI_EXP_KEEP, CLI_EXP_RESUME,
       CLI_EXP_FORCE, CLI_EXP_MAXMEM };
#define CLI_EXP_OPTIONS                                                                                      \
    {"runs", 0, 1, CLI_EXP_RUNS}, {"out", 0, 1, CLI_EXP_OUT}, {"threads", 0, 1, CLI_EXP_THREADS},             \
        {"seed", 0, 1, CLI_EXP_SEED}, {"set", 0, 1, CLI_EXP_SET}, {"keep", 0, 1, CLI_EXP_KEEP},                \
        {"resume", 0, 0, CLI_EXP_RESUME}, {"force", 0, 0, CLI_EXP_FORCE}, {"max-memory", 0, 1, CLI_EXP_MAXMEM}, \
        {"quiet", 'q', 0, 'q'}
typedef struct cli_exp {
    tr_experiment_options eo;
    uint32_t min_runs;
    int have_seed, quiet;
    uint64_t seed;
    const char **sets;  /* the --set values, in order */
    int n_sets;
    unsigned given;     /* bit (id - CLI_EXP_RUNS) set for each option given */
} cli_exp;
/* Defaults: threads = online processors, runs = default_runs. sets needs
 * room for argc entries. */
void cli_exp_init(cli_exp *x, uint32_t default_runs, uint32_t min_runs, const char **sets);
/* 1: id was an experiment option and is recorded; 0: not one;
 * EXIT_INPUT: a bad value (message printed). */
int cli_exp_option(cli_exp *x, const char *prog, int id, const char *val);
/* After parsing: --out is required. EXIT_INPUT (message printed) or 0. */
int cli_exp_check(const cli_exp *x, const char *prog);

/* The scenario's name; a name ending in its calendar ("... 2000-2035")
 * shows the calendar actually run when --set changed it. */
void cli_scenario_title(const tr_scenario *s, char *buf, size_t n);

/* Print diagnostics on stderr; under MPI only rank 0 does (every rank loads
 * the same scenario and would repeat the same messages). */
void cli_diag_print(const tr_diag *d);

/* Load a scenario file, or the embedded default (path NULL or "default"),
 * with overrides. */
/* set_options (may be NULL): the option that gave each of sets, as errors name it ("--set-b"). */
int cli_load_scenario(const char *path, const char *const *sets, const char *const *set_options, int n_sets,
                      tr_scenario **out, tr_diag *d);
/* The exit status of a scenario that did not load: bad input (2), as for
 * `run` and `scenario check`, whether a value was wrong or the file cannot be
 * read (a missing file is the user's to fix); 1 only for running out of
 * memory or an internal error. */
int cli_load_status(int rc);
/* The exit status of an experiment's return code, with a message for an
 * interruption (how to resume) or a failure. */
int cli_exp_status(const char *prog, int rc, const char *out);

/* Flush and close standard output; on a write error print
 * "PROG: cannot write to standard output: REASON" and return 1. */
int cli_close_stdout(const char *prog);

#endif
