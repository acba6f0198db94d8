/* csv.c — the CSV writer of the results export (see csv.h). */
#include "io/csv.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tr_csv_mkdir(const char *dir, tr_diag *diag)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return 0;
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "cannot write CSV files: not a directory");
        return TR_ERR_IO;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "cannot create the CSV directory: %s",
                    strerror(errno));
        return TR_ERR_IO;
    }
    return 0;
}

static char *join(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

int tr_csv_open(tr_csv *c, const char *dir, const char *name, tr_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->first = 1;
    c->path = join(dir, name, "");
    c->tmp = join(dir, name, ".tmp");
    if (!c->path || !c->tmp) {
        free(c->path);
        free(c->tmp);
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    c->f = fopen(c->tmp, "wb");
    if (!c->f) {
        tr_diag_add(diag, TR_DIAG_ERROR, c->tmp, 0, 0, "cannot write: %s", strerror(errno));
        free(c->path);
        free(c->tmp);
        memset(c, 0, sizeof *c);
        return TR_ERR_IO;
    }
    return 0;
}

static void sep(tr_csv *c)
{
    if (!c->first && putc(',', c->f) == EOF)
        c->failed = 1;
    c->first = 0;
}

static void raw(tr_csv *c, const char *s)
{
    if (fputs(s, c->f) == EOF)
        c->failed = 1;
}

void tr_csv_text(tr_csv *c, const char *s)
{
    sep(c);
    if (!s)
        return;
    size_t n = strlen(s);
    int quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
    if (!quote && strpbrk(s, ",\"\r\n"))
        quote = 1;
    if (!quote) {
        raw(c, s);
        return;
    }
    if (putc('"', c->f) == EOF)
        c->failed = 1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && putc('"', c->f) == EOF)
            c->failed = 1;
        if (putc(*p, c->f) == EOF)
            c->failed = 1;
    }
    if (putc('"', c->f) == EOF)
        c->failed = 1;
}

void tr_csv_null(tr_csv *c)
{
    sep(c);
}

void tr_csv_i64(tr_csv *c, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    sep(c);
    raw(c, buf);
}

void tr_csv_u64(tr_csv *c, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    sep(c);
    raw(c, buf);
}

void tr_csv_double(tr_csv *c, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.10g", v);
    /* The library never sets the locale, but a host program may have. */
    const struct lconv *lc = localeconv();
    char dp = lc && lc->decimal_point && lc->decimal_point[0] ? lc->decimal_point[0] : '.';
    if (dp != '.') {
        char *p = strchr(buf, dp);
        if (p)
            *p = '.';
    }
    sep(c);
    raw(c, buf);
}

void tr_csv_end_row(tr_csv *c)
{
    if (putc('\n', c->f) == EOF)
        c->failed = 1;
    c->first = 1;
}

static void release(tr_csv *c)
{
    free(c->path);
    free(c->tmp);
    memset(c, 0, sizeof *c);
}

void tr_csv_abort(tr_csv *c)
{
    if (c->f)
        fclose(c->f);
    if (c->tmp)
        remove(c->tmp);
    release(c);
}

int tr_csv_close(tr_csv *c, tr_diag *diag)
{
    int err = 0;
    errno = 0;
    if (c->failed || ferror(c->f))
        err = EIO;
    else if (fflush(c->f) != 0)
        err = errno ? errno : EIO;
    if (!err && fsync(fileno(c->f)) != 0)
        err = errno;
    if (fclose(c->f) != 0 && !err)
        err = errno ? errno : EIO;
    c->f = NULL;
    if (err) {
        tr_diag_add(diag, TR_DIAG_ERROR, c->tmp, 0, 0, "cannot write: %s", strerror(err));
        remove(c->tmp);
        release(c);
        return TR_ERR_IO;
    }
    if (rename(c->tmp, c->path) != 0) {
        tr_diag_add(diag, TR_DIAG_ERROR, c->path, 0, 0, "cannot rename %s into place: %s",
                    c->tmp, strerror(errno));
        remove(c->tmp);
        release(c);
        return TR_ERR_IO;
    }
    release(c);
    return 0;
}
