/* csv.c — the CSV writer of the results export and the atomic replacement
 * of a CSV directory (see csv.h). */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE, where glibc has them */
#include "io/csv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"

/* ---- paths ------------------------------------------------------------- */

static char *join(const tr_allocator *a, const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = tr_mem_alloc(a, n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

/* dir without trailing slashes, and its parent ("." when none). */
static int split_dir(const tr_allocator *a, const char *dir, char **clean, char **parent,
                     const char **base)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    *clean = tr_mem_alloc(a, n + 1);
    if (!*clean)
        return TR_ERR_NOMEM;
    memcpy(*clean, dir, n);
    (*clean)[n] = '\0';
    char *slash = strrchr(*clean, '/');
    *base = slash ? slash + 1 : *clean;
    size_t pn = slash ? (slash == *clean ? 1 : (size_t)(slash - *clean)) : 1;
    *parent = tr_mem_alloc(a, pn + 1);
    if (!*parent) {
        tr_mem_free(a, *clean);
        *clean = NULL;
        return TR_ERR_NOMEM;
    }
    if (slash)
        memcpy(*parent, *clean, pn);
    else
        (*parent)[0] = '.';
    (*parent)[pn] = '\0';
    return 0;
}

/* Is name one of names, or one of them + ".tmp" (left by older versions)? */
static int known_name(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (!strncmp(name, names[i], l) && (!name[l] || !strcmp(name + l, ".tmp")))
            return 1;
    }
    return 0;
}

/* An existing directory may be replaced only when it holds nothing else. */
static int only_known(const char *dir, const char *const *names, int n, tr_diag *diag)
{
    DIR *d = opendir(dir);
    if (!d) {
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "cannot read the CSV directory: %s",
                    strerror(errno));
        return TR_ERR_IO;
    }
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!known_name(e->d_name, names, n)) {
            tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0,
                        "cannot write CSV files: the directory holds '%s', which is not part "
                        "of a CSV export (the set is replaced as a whole; give a new or empty "
                        "directory)",
                        e->d_name);
            status = TR_ERR_IO;
            break;
        }
    }
    closedir(d);
    return status;
}

static int check_split(const char *clean, const char *parent, const char *base,
                       const char *const *names, int n, tr_diag *diag)
{
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || !strcmp(clean, "/")) {
        tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0,
                    "cannot write CSV files: give the directory by its name, not '%s'",
                    *base ? base : clean);
        return TR_ERR_IO;
    }
    struct stat sb;
    if (lstat(clean, &sb) == 0) {
        if (S_ISLNK(sb.st_mode)) {
            tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0,
                        "cannot write CSV files: is a symbolic link (give the directory it "
                        "points to)");
            return TR_ERR_IO;
        }
        if (!S_ISDIR(sb.st_mode)) {
            tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0, "cannot write CSV files: not a directory");
            return TR_ERR_IO;
        }
        if (access(clean, R_OK | W_OK | X_OK) != 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0, "cannot write CSV files: %s",
                        strerror(errno));
            return TR_ERR_IO;
        }
        int status = only_known(clean, names, n, diag);
        if (status)
            return status;
    } else if (errno != ENOENT) {
        tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0, "cannot write CSV files: %s", strerror(errno));
        return TR_ERR_IO;
    }
    /* The new set is made next to it and renamed: the parent must take it. */
    if (access(parent, W_OK | X_OK) != 0) {
        tr_diag_add(diag, TR_DIAG_ERROR, clean, 0, 0, "cannot create the CSV directory: %s",
                    strerror(errno));
        return TR_ERR_IO;
    }
    return 0;
}

int tr_csv_check_dir(const char *dir, const char *const *names, int n_names,
                     const tr_allocator *alloc, tr_diag *diag)
{
    char *clean = NULL, *parent = NULL;
    const char *base = NULL;
    if (split_dir(alloc, dir, &clean, &parent, &base)) {
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    int status = check_split(clean, parent, base, names, n_names, diag);
    tr_mem_free(alloc, clean);
    tr_mem_free(alloc, parent);
    return status;
}

/* ---- the set ----------------------------------------------------------- */

static void release_set(tr_csv_set *set)
{
    const tr_allocator *a = set->alloc;
    tr_mem_free(a, set->dir);
    tr_mem_free(a, set->parent);
    tr_mem_free(a, set->tmpdir);
    memset(set, 0, sizeof *set);
    set->alloc = a;
}

/* A new name "PARENT/.BASE.TAG.XXXXXX" that does not exist yet; with mk,
 * created as a directory (mode 0777 less the umask, like mkdir(1)). */
static char *unique_sibling(tr_csv_set *set, const char *tag, int mk, int *err)
{
    const char *slash = strrchr(set->dir, '/');
    const char *base = slash ? slash + 1 : set->dir;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
                 (uint64_t)(uintptr_t)set;
    size_t n = strlen(set->parent) + strlen(base) + strlen(tag) + 16;
    char *p = tr_mem_alloc(set->alloc, n);
    if (!p) {
        *err = ENOMEM;
        return NULL;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        snprintf(p, n, "%s/.%s.%s%06x", set->parent, base, tag, (unsigned)(x >> 40) & 0xffffffu);
        if (mk) {
            if (mkdir(p, 0777) == 0)
                return p;
            if (errno != EEXIST) {
                *err = errno;
                tr_mem_free(set->alloc, p);
                return NULL;
            }
        } else {
            struct stat sb;
            if (lstat(p, &sb) != 0 && errno == ENOENT)
                return p;
        }
    }
    *err = EEXIST;
    tr_mem_free(set->alloc, p);
    return NULL;
}

int tr_csv_set_begin(tr_csv_set *set, const char *dir, const char *const *names, int n_names,
                     const tr_allocator *alloc, tr_diag *diag)
{
    memset(set, 0, sizeof *set);
    set->alloc = alloc;
    if (n_names > TR_CSV_SET_MAX) {
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "too many CSV files in a set");
        return TR_ERR_INTERNAL;
    }
    set->names = names;
    set->n_names = n_names;
    const char *base = NULL;
    if (split_dir(alloc, dir, &set->dir, &set->parent, &base)) {
        tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    int status = check_split(set->dir, set->parent, base, names, n_names, diag);
    if (status) {
        release_set(set);
        return status;
    }
    int err = 0;
    set->tmpdir = unique_sibling(set, "", 1, &err);
    if (!set->tmpdir) {
        if (err == ENOMEM)
            tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "out of memory");
        else
            tr_diag_add(diag, TR_DIAG_ERROR, dir, 0, 0, "cannot create the CSV directory: %s",
                        strerror(err));
        release_set(set);
        return err == ENOMEM ? TR_ERR_NOMEM : TR_ERR_IO;
    }
    return 0;
}

/* Remove the set's files (and .tmp leftovers) from dir, then dir. */
static int remove_set_dir(const tr_csv_set *set, const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (known_name(e->d_name, set->names, set->n_names)) {
                /* No allocation here: cleaning up must work when memory is short. */
                char p[4096];
                if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
                    unlink(p);
            }
        closedir(d);
    }
    return rmdir(dir);
}

void tr_csv_set_abort(tr_csv_set *set)
{
    if (!set || !set->tmpdir) {
        if (set)
            release_set(set);
        return;
    }
    remove_set_dir(set, set->tmpdir);
    release_set(set);
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

static int exchange(const char *a, const char *b)
{
#if defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

int tr_csv_set_commit(tr_csv_set *set, tr_diag *diag)
{
    if (sync_dir(set->tmpdir) != 0) {
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "cannot write CSV files: %s",
                    strerror(errno));
        tr_csv_set_abort(set);
        return TR_ERR_IO;
    }
    /* A new name: one rename. */
    if (rename(set->tmpdir, set->dir) == 0)
        goto done;
    if (errno != EEXIST && errno != ENOTEMPTY) {
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "cannot move the CSV files into place: %s",
                    strerror(errno));
        tr_csv_set_abort(set);
        return TR_ERR_IO;
    }
    /* An existing set: what is there must still be only ours. */
    const char *slash = strrchr(set->dir, '/');
    int status = check_split(set->dir, set->parent, slash ? slash + 1 : set->dir, set->names,
                             set->n_names, diag);
    if (status) {
        tr_csv_set_abort(set);
        return status;
    }
    errno = ENOSYS;
    if (!set->no_exchange && exchange(set->tmpdir, set->dir) == 0) {
        /* tmpdir now holds the old set. */
        if (remove_set_dir(set, set->tmpdir) != 0)
            tr_diag_add(diag, TR_DIAG_WARNING, set->tmpdir, 0, 0,
                        "the previous CSV files of %s are left here: %s", set->dir,
                        strerror(errno));
        goto done;
    }
    if (!set->no_exchange && errno != ENOSYS && errno != EINVAL && errno != ENOTSUP) {
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "cannot move the CSV files into place: %s",
                    strerror(errno));
        tr_csv_set_abort(set);
        return TR_ERR_IO;
    }
    /* No RENAME_EXCHANGE: move the old set aside, the new one in. */
    int err = 0;
    char *old = unique_sibling(set, "old.", 0, &err);
    if (!old || rename(set->dir, old) != 0) {
        if (old)
            err = errno;
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "cannot move the old CSV files aside: %s",
                    strerror(err));
        tr_mem_free(set->alloc, old);
        tr_csv_set_abort(set);
        return err == ENOMEM ? TR_ERR_NOMEM : TR_ERR_IO;
    }
    if (rename(set->tmpdir, set->dir) != 0) {
        err = errno;
        rename(old, set->dir); /* put the old set back */
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "cannot move the CSV files into place: %s",
                    strerror(err));
        tr_mem_free(set->alloc, old);
        tr_csv_set_abort(set);
        return TR_ERR_IO;
    }
    if (remove_set_dir(set, old) != 0)
        tr_diag_add(diag, TR_DIAG_WARNING, old, 0, 0, "the previous CSV files of %s are left here: %s",
                    set->dir, strerror(errno));
    tr_mem_free(set->alloc, old);
done:
    sync_dir(set->parent);
    tr_mem_free(set->alloc, set->tmpdir);
    set->tmpdir = NULL;
    release_set(set);
    return 0;
}

/* ---- one file ---------------------------------------------------------- */

int tr_csv_open(tr_csv *c, tr_csv_set *set, int index, tr_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->first = 1;
    c->set = set;
    c->alloc = set->alloc;
    c->index = index;
    c->path = join(set->alloc, set->tmpdir, set->names[index], "");
    if (!c->path) {
        tr_diag_add(diag, TR_DIAG_ERROR, set->dir, 0, 0, "out of memory");
        memset(c, 0, sizeof *c);
        return TR_ERR_NOMEM;
    }
    /* In a directory this process just made; still, never follow a link
     * nor reuse a file someone put there. */
    int fd = open(c->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0)
        set->written[index] = 1;
    c->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!c->f) {
        tr_diag_add(diag, TR_DIAG_ERROR, c->path, 0, 0, "cannot write: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        tr_mem_free(set->alloc, c->path);
        memset(c, 0, sizeof *c);
        return TR_ERR_IO;
    }
    return 0;
}

int tr_csv_attach(tr_csv *c, FILE *f, const char *name, const tr_allocator *alloc, tr_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->first = 1;
    c->alloc = alloc;
    c->index = -1;
    c->path = tr_mem_strdup(alloc, name);
    if (!c->path) {
        tr_diag_add(diag, TR_DIAG_ERROR, name, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    c->f = f;
    return 0;
}

static void failed(tr_csv *c)
{
    if (!c->err)
        c->err = errno ? errno : EIO;
}

static void put(tr_csv *c, int ch)
{
    if (putc(ch, c->f) == EOF)
        failed(c);
}

static void sep(tr_csv *c)
{
    if (!c->first)
        put(c, ',');
    c->first = 0;
}

static void raw(tr_csv *c, const char *s)
{
    if (fputs(s, c->f) == EOF)
        failed(c);
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
    put(c, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(c, '"');
        put(c, *p);
    }
    put(c, '"');
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
    put(c, '\n');
    c->first = 1;
}

static void release(tr_csv *c)
{
    tr_mem_free(c->alloc, c->path);
    memset(c, 0, sizeof *c);
}

void tr_csv_abort(tr_csv *c)
{
    if (c->f)
        fclose(c->f);
    release(c);
}

int tr_csv_close(tr_csv *c, tr_diag *diag)
{
    int err = c->err;
    errno = 0;
    if (!err && fflush(c->f) != 0)
        err = errno ? errno : EIO;
    if (!err && ferror(c->f))
        err = EIO;
    if (!err && fsync(fileno(c->f)) != 0 && errno != EINVAL && errno != EROFS)
        err = errno; /* EINVAL: a stream that cannot be synced (a pipe, /dev/full) */
    errno = 0;
    if (fclose(c->f) != 0 && !err)
        err = errno ? errno : EIO;
    c->f = NULL;
    if (err) {
        tr_diag_add(diag, TR_DIAG_ERROR, c->path, 0, 0, "cannot write: %s", strerror(err));
        release(c);
        return TR_ERR_IO;
    }
    release(c);
    return 0;
}
