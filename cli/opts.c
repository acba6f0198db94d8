/* opts.c — the shared option parser over getopt_long (see opts.h). */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_OPTS 32

void cli_parser_init(cli_parser *p, const char *prog, int argc, char **argv, const cli_opt *opts)
{
    memset(p, 0, sizeof *p);
    p->prog = prog;
    p->argc = argc;
    p->argv = argv;
    p->opts = opts;
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    return EXIT_INPUT;
}

int cli_next(cli_parser *p, const char **arg)
{
    struct option lo[MAX_OPTS + 2];
    char so[2 * MAX_OPTS + 5];
    size_t ns = 0, nl = 0;
    so[ns++] = '-'; /* operands in order, as CLI_OPERAND, whatever POSIXLY_CORRECT says */
    so[ns++] = ':'; /* report a missing value as ':' */
    for (const cli_opt *o = p->opts; o && o->name && nl < MAX_OPTS; o++) {
        lo[nl].name = o->name;
        lo[nl].has_arg = o->has_arg ? required_argument : no_argument;
        lo[nl].flag = NULL;
        lo[nl].val = o->id;
        nl++;
        if (o->short_name) {
            so[ns++] = (char)o->short_name;
            if (o->has_arg)
                so[ns++] = ':';
        }
    }
    lo[nl++] = (struct option){"help", no_argument, NULL, CLI_HELP};
    lo[nl] = (struct option){NULL, 0, NULL, 0};
    so[ns++] = 'h';
    so[ns] = '\0';

    if (!p->started) {
        optind = 0; /* glibc: start afresh (commands may parse more than once) */
        p->started = 1;
    }
    opterr = 0;
    *arg = NULL;
    int c = getopt_long(p->argc, p->argv, so, lo, NULL);
    if (c == -1)
        return CLI_END;
    if (c == 1) {
        *arg = optarg;
        return CLI_OPERAND;
    }
    const char *bad = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
    if (c == '?') {
        if (optopt && !(bad[0] == '-' && bad[1] == '-'))
        {
            cli_usage_error(p->prog, "unknown option '-%c'", optopt);
            return CLI_ERROR;
        }
        /* A long option that does not exist, or was given a value it does not take. */
        const char *eq = strchr(bad, '=');
        for (size_t i = 0; i + 1 < nl && eq; i++)
            if (lo[i].has_arg == no_argument && strlen(lo[i].name) == (size_t)(eq - bad - 2) &&
                !strncmp(bad + 2, lo[i].name, (size_t)(eq - bad - 2))) {
                cli_usage_error(p->prog, "option '--%s' takes no value", lo[i].name);
                return CLI_ERROR;
            }
        cli_usage_error(p->prog, "unknown option '%.*s'", eq ? (int)(eq - bad) : (int)strlen(bad), bad);
        return CLI_ERROR;
    }
    if (c == ':') {
        for (const cli_opt *o = p->opts; o && o->name; o++)
            if (optopt == o->id) {
                cli_usage_error(p->prog, "option '--%s' needs a value", o->name);
                return CLI_ERROR;
            }
        cli_usage_error(p->prog, "option '%s' needs a value", bad);
        return CLI_ERROR;
    }
    for (const cli_opt *o = p->opts; o && o->name; o++)
        if (o->short_name && c == o->short_name) {
            c = o->id;
            break;
        }
    *arg = optarg;
    return c;
}

int cli_operand_index(const cli_parser *p)
{
    (void)p;
    return optind;
}

/* The first write error on stdout, remembered when it happens (a later
 * flush may no longer know why the data was lost). */
static int stdout_errno;

void cli_rest_operands(const cli_parser *p, const char **ops, int cap, int *n)
{
    for (int i = cli_operand_index(p); i < p->argc; i++) {
        if (*n < cap)
            ops[*n] = p->argv[i];
        ++*n;
    }
}

int cli_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    int n = vprintf(fmt, ap);
    va_end(ap);
    if (n < 0 && !stdout_errno)
        stdout_errno = errno ? errno : EIO;
    return n;
}

int cli_puts(const char *s)
{
    errno = 0;
    int n = fputs(s, stdout);
    if (n == EOF && !stdout_errno)
        stdout_errno = errno ? errno : EIO;
    return n;
}

int cli_close_stdout(const char *prog)
{
    int err = 0, had_error = ferror(stdout);
    /* A failed write kept its data: flushing again tells why it failed. */
    clearerr(stdout);
    errno = 0;
    if (fflush(stdout) != 0)
        err = errno ? errno : EIO;
    else if (had_error)
        err = stdout_errno ? stdout_errno : EIO;
    if (err == EIO && stdout_errno)
        err = stdout_errno;
    errno = 0;
    if (fclose(stdout) != 0 && !err)
        err = errno ? errno : EIO;
    if (err) {
        fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(err));
        return 1;
    }
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (!s || !(*s >= '0' && *s <= '9'))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    case '\0': break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
    if (*end || v == 0 || (shift && v > (SIZE_MAX >> shift)))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

static double mono_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void cli_progress_init(cli_progress *p, int quiet)
{
    p->tty = !quiet && isatty(2);
    p->shown = 0;
    p->computed = 0;
    p->t0 = mono_seconds();
}

double cli_progress_seconds(const cli_progress *p)
{
    return mono_seconds() - p->t0;
}

void cli_progress_update(void *ctx, uint32_t done, uint32_t total)
{
    cli_progress *p = ctx;
    p->computed++;
    if (!p->tty)
        return;
    double el = cli_progress_seconds(p), rate = el > 0 ? p->computed / el : 0;
    double left = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\r  %u/%u runs  %.1f runs/s  %.0f s left   ", done, total, rate, left);
    p->shown = 1;
}

void cli_progress_end(cli_progress *p)
{
    if (p->tty && p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* ---- signals ---- */

static volatile sig_atomic_t *signal_flag;

static void on_stop_signal(int sig)
{
    (void)sig;
    if (signal_flag)
        *signal_flag = 1;
}

static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

void cli_signals_catch(cli_signals *s, volatile sig_atomic_t *flag)
{
    signal_flag = flag;
    *flag = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    for (int i = 0; i < 3; i++) {
        s->caught[i] = 0;
        if (sigaction(stop_signals[i], NULL, &s->old[i]) != 0 || s->old[i].sa_handler == SIG_IGN)
            continue;
        if (sigaction(stop_signals[i], &sa, NULL) == 0)
            s->caught[i] = 1;
    }
}

void cli_signals_restore(cli_signals *s)
{
    for (int i = 0; i < 3; i++)
        if (s->caught[i])
            sigaction(stop_signals[i], &s->old[i], NULL);
}

/* ---- experiment options ---- */

static int parse_count(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !(*s >= '0' && *s <= '9'))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

void cli_exp_init(cli_exp *x, uint32_t default_runs, uint32_t min_runs, const char **sets)
{
    static const tr_experiment_options init = TR_EXPERIMENT_OPTIONS_INIT;
    memset(x, 0, sizeof *x);
    x->eo = init;
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    x->eo.threads = np > 0 && np <= 1024 ? (int)np : 1;
    x->eo.runs = default_runs;
    x->min_runs = min_runs;
    x->sets = sets;
}

int cli_exp_option(cli_exp *x, const char *prog, int id, const char *val)
{
    unsigned long long v;
    if (id >= CLI_EXP_RUNS && id <= CLI_EXP_MAXMEM)
        x->given |= 1u << (id - CLI_EXP_RUNS);
    switch (id) {
    case CLI_EXP_RUNS:
        if (parse_count(val, x->min_runs, UINT32_MAX, &v))
            return cli_usage_error(prog, "--runs wants a whole number from %u, not '%s'", x->min_runs, val);
        x->eo.runs = (uint32_t)v;
        return 1;
    case CLI_EXP_OUT:
        if (!*val)
            return cli_usage_error(prog, "--out needs a file name");
        x->eo.out = val;
        return 1;
    case CLI_EXP_THREADS:
        if (parse_count(val, 1, 1024, &v))
            return cli_usage_error(prog, "--threads wants a whole number from 1 to 1024, not '%s'", val);
        x->eo.threads = (int)v;
        return 1;
    case CLI_EXP_SEED:
        if (parse_count(val, 0, UINT64_MAX, &v))
            return cli_usage_error(prog, "--seed wants a whole number, not '%s'", val);
        x->seed = v;
        x->have_seed = 1;
        return 1;
    case CLI_EXP_SET:
        if (!strchr(val, '='))
            return cli_usage_error(prog, "--set needs KEY=VALUE, got '%s'", val);
        x->sets[x->n_sets++] = val;
        return 1;
    case CLI_EXP_KEEP:
        if (tr_keep_parse(val, &x->eo.keep))
            return cli_usage_error(prog, "--keep is one of compact, all, aggregates, not '%s'", val);
        return 1;
    case CLI_EXP_RESUME: x->eo.resume = 1; return 1;
    case CLI_EXP_FORCE: x->eo.force = 1; return 1;
    case CLI_EXP_MAXMEM:
        if (cli_parse_size(val, &x->eo.max_bytes))
            return cli_usage_error(prog, "--max-memory needs a size such as 16G or 512M, got '%s'", val);
        return 1;
    case 'q': x->quiet = 1; return 1;
    default: return 0;
    }
}

int cli_exp_check(const cli_exp *x, const char *prog)
{
    if (!x->eo.out)
        return cli_usage_error(prog, "--out FILE is required");
    return 0;
}

int cli_load_scenario(const char *path, const char *const *sets, const char *const *set_options, int n_sets,
                      tr_scenario **out, tr_diag *d)
{
    tr_scenario_source src;
    memset(&src, 0, sizeof src);
    if (!path || strcmp(path, "default") == 0) {
        src.text = tr_scenario_default_text();
        src.text_name = "default";
    } else {
        src.path = path;
    }
    src.overrides = sets;
    src.n_overrides = n_sets;
    src.override_options = set_options;
    return tr_scenario_load(out, &src, d);
}

int cli_load_status(int rc)
{
    return rc == TR_ERR_NOMEM || rc == TR_ERR_INTERNAL ? EXIT_RUNTIME : EXIT_INPUT;
}

int cli_exp_status(const char *prog, int rc, const char *out)
{
    switch (rc) {
    case TR_OK:
        return EXIT_OK;
    case TR_ERR_INPUT:
        return EXIT_INPUT;
    case TR_ERR_INTERRUPTED:
        fprintf(stderr, "%s: interrupted; finished runs are kept in %s (continue with --resume)\n", prog, out);
        return EXIT_RUNTIME;
    default:
        fprintf(stderr, "%s: %s\n", prog, tr_strerror(rc));
        return EXIT_RUNTIME;
    }
}

void cli_diag_print(const tr_diag *d)
{
    if (tr_mpi_rank() == 0)
        tr_diag_print(d, stderr);
}

void cli_scenario_title(const tr_scenario *s, char *buf, size_t n)
{
    const char *name = s->name && *s->name ? s->name : (s->source_name ? s->source_name : "scenario");
    size_t len = strlen(name);
    const char *r = len >= 10 ? name + len - 9 : NULL; /* " YYYY-YYYY" */
    int y1, y2;
    char tail;
    if (r && r[-1] == ' ' && r[4] == '-' && sscanf(r, "%4d-%4d%c", &y1, &y2, &tail) == 2 &&
        (y1 != s->start_year || y2 != s->end_year))
        snprintf(buf, n, "%.*s%d-%d", (int)(r - name), name, s->start_year, s->end_year);
    else
        snprintf(buf, n, "%s", name);
}
