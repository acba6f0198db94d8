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
    p->t0 = mono_seconds();
}

double cli_progress_seconds(const cli_progress *p)
{
    return mono_seconds() - p->t0;
}

void cli_progress_update(void *ctx, uint32_t done, uint32_t total)
{
    cli_progress *p = ctx;
    if (!p->tty)
        return;
    double el = cli_progress_seconds(p), rate = el > 0 ? done / el : 0;
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
