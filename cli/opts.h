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
#include <stdio.h>

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
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_update(void *ctx, uint32_t done, uint32_t total); /* ctx: a cli_progress */
void cli_progress_end(cli_progress *p);  /* ends the progress line */
double cli_progress_seconds(const cli_progress *p);

/* Flush and close standard output; on a write error print
 * "PROG: cannot write to standard output: REASON" and return 1. */
int cli_close_stdout(const char *prog);

#endif
