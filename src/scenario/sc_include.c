/* sc_include.c — reading files and resolving `include:`: each file is read
 * (regular files only, bounded in size, or through the source's read_file
 * callback), parsed into a node tree, and the files it includes are loaded
 * first and merged under it (sc_merge.c). Each file (by device and inode, or
 * by normalized path through a callback; `default` by name) is included once
 * per resolution, and all the text read is bounded by SC_MAX_TOTAL_BYTES. */
#include "scenario/sc_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const char tr_default_scenario_yaml[];
extern const size_t tr_default_scenario_yaml_len;

/* ---- reading files ----------------------------------------------------- */

static void set_why(char *why, size_t n, const char *fmt, const char *arg)
{
    snprintf(why, n, fmt, arg);
}

/* A path with "." and empty segments dropped and "x/.." folded: the identity
 * of a file read through a read_file callback (there is no inode). */
static const char *normal_path(sc_ctx *c, const char *path)
{
    size_t n = strlen(path);
    char *out = sc_alloc(c, n + 2);
    size_t o = 0;
    int abs = path[0] == '/';
    if (abs)
        out[o++] = '/';
    size_t base = o; /* ".." never folds above this */
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t sl = (size_t)(e - p);
        if (sl == 0 || (sl == 1 && p[0] == '.')) {
            /* nothing */
        } else if (sl == 2 && p[0] == '.' && p[1] == '.' && o > base &&
                   !(o - base >= 2 && out[o - 1] == '.' && out[o - 2] == '.' &&
                     (o - base == 2 || out[o - 3] == '/'))) {
            while (o > base && out[o - 1] != '/')
                o--;
            if (o > base)
                o--; /* the '/' before the dropped segment */
        } else {
            if (o > base)
                out[o++] = '/';
            memcpy(out + o, p, sl);
            o += sl;
        }
        p = e;
    }
    out[o] = 0;
    return out;
}

/* Open a file for reading and identify it: a regular file only (a FIFO, a
 * device or a directory would block or mean nothing), opened without
 * blocking, without becoming a controlling terminal and closed on exec. The
 * descriptor is kept in c->fd (closed by the cleanup should an allocation
 * fail). Through a read_file callback the file is only named here (its
 * normalized path is its identity) and read by read_opened. Returns 1, or 0
 * with the reason in why. */
static int open_file(sc_ctx *c, const char *path, const char **ident, char *why, size_t nwhy)
{
    if (c->read_cb) {
        *ident = c->cb_path = normal_path(c, path);
        return 1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        set_why(why, nwhy, "%s", strerror(errno ? errno : EIO));
        return 0;
    }
    c->fd = fd;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_why(why, nwhy, "%s", strerror(errno ? errno : EIO));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        set_why(why, nwhy, "not a regular file (%s)",
                S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
                : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : S_ISSOCK(st.st_mode) ? "a socket"
                : "not a plain file");
        goto fail;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        set_why(why, nwhy, "%s", strerror(errno ? errno : EIO));
        goto fail;
    }
    char id[64];
    snprintf(id, sizeof id, "inode %llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    *ident = sc_strdup(c, &c->tmp, id);
    return 1;
fail:
    close(fd);
    c->fd = -1;
    return 0;
}

static void close_file(sc_ctx *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->cb_path = NULL;
}

/* Read the file open_file opened, at most limit bytes (more is an error:
 * *too_big is set). Returns the text (NUL-terminated, in the tmp arena or the
 * callback's memory) or NULL with the reason in why; closes the file. */
static const char *read_opened(sc_ctx *c, size_t limit, size_t *len, int *too_big, char *why, size_t nwhy)
{
    *too_big = 0;
    if (c->read_cb) {
        const char *text = NULL;
        size_t n = 0;
        int err = c->read_cb(c->read_ctx, c->cb_path, &text, &n);
        close_file(c);
        if (err || !text) {
            set_why(why, nwhy, "%s", strerror(err ? err : EIO));
            return NULL;
        }
        if (n > limit) {
            *too_big = 1;
            return NULL;
        }
        char *res = sc_alloc(c, n + 1); /* NUL-terminated, and ours */
        if (n)
            memcpy(res, text, n);
        res[n] = 0;
        *len = n;
        return res;
    }
    size_t cap = 0, n = 0;
    const char *res = NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            char *p = tr_mem_realloc(c->alloc, c->buf, cap);
            if (!p)
                sc_oom(c);
            c->buf = p;
        }
        ssize_t got = read(c->fd, c->buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            set_why(why, nwhy, "%s", strerror(errno ? errno : EIO));
            goto done;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > limit) {
            *too_big = 1;
            goto done;
        }
    }
    char *copy = sc_alloc(c, n + 1);
    if (n)
        memcpy(copy, c->buf, n);
    copy[n] = 0;
    *len = n;
    res = copy;
done:
    close_file(c);
    tr_mem_free(c->alloc, c->buf);
    c->buf = NULL;
    return res;
}

/* What is left of the budget of included text (SC_MAX_TOTAL_BYTES), bounded
 * by the limit of one file. */
static size_t budget(const sc_ctx *c)
{
    size_t left = c->total_bytes < (size_t)SC_MAX_TOTAL_BYTES ? (size_t)SC_MAX_TOTAL_BYTES - c->total_bytes : 0;
    return left < (size_t)SC_MAX_FILE_BYTES ? left : (size_t)SC_MAX_FILE_BYTES;
}

const char *sc_read_file(sc_ctx *c, const char *path, const char **ident, size_t *len, char *why, size_t nwhy)
{
    if (!open_file(c, path, ident, why, nwhy))
        return NULL;
    int too_big;
    const char *text = read_opened(c, budget(c), len, &too_big, why, nwhy);
    if (too_big)
        snprintf(why, nwhy, "larger than %ld MiB", SC_MAX_FILE_BYTES / (1024 * 1024));
    if (text)
        c->total_bytes += *len;
    return text;
}

/* ---- includes ---------------------------------------------------------- */

static const char *join_path(sc_ctx *c, const char *from, const char *rel)
{
    const char *slash = from ? strrchr(from, '/') : NULL;
    if (rel[0] == '/' || !slash)
        return sc_strdup(c, &c->tmp, rel);
    size_t dl = (size_t)(slash - from) + 1, rl = strlen(rel);
    char *p = sc_alloc(c, dl + rl + 1);
    memcpy(p, from, dl);
    memcpy(p + dl, rel, rl + 1);
    return p;
}

static void process_include(sc_ctx *c, const sc_node *e, const char *from, sc_node **base, int *bad)
{
    if (e->kind != SC_SCALAR || sc_is_null(e) || !*e->str) {
        sc_type_error(c, e, "a file name", "include");
        *bad = 1;
        return;
    }
    int is_default = !strcmp(e->str, "default");
    const char *name = is_default ? "default" : join_path(c, from, e->str);
    const char *ident = "default";
    char why[160];
    if (!is_default && !open_file(c, name, &ident, why, sizeof why)) {
        sc_error(c, e, "cannot read included file '%s': %s", sc_clip(c, name), why);
        *bad = 1;
        return;
    }
    for (int k = 0; k < c->inc_depth; k++) {
        if (strcmp(c->inc_ident[k], ident))
            continue;
        close_file(c);
        char msg[768];
        size_t m = 0;
        msg[0] = 0;
        for (int j = k; j < c->inc_depth && m < sizeof msg; j++)
            m += (size_t)snprintf(msg + m, sizeof msg - m, "%s -> ", c->inc_name[j]);
        if (m < sizeof msg)
            snprintf(msg + m, sizeof msg - m, "%s", name);
        sc_error(c, e, "include cycle: %s", msg);
        *bad = 1;
        return;
    }
    /* each file once per resolution: a later include of one already
     * included (through any path) adds nothing */
    if (sc_idmap_get(c->included, ident) >= 0) {
        close_file(c);
        return;
    }
    if (c->inc_depth >= SC_MAX_INCLUDE_DEPTH) {
        close_file(c);
        sc_error(c, e, "includes nested more than %d deep", SC_MAX_INCLUDE_DEPTH);
        *bad = 1;
        return;
    }
    const char *text;
    size_t len;
    if (is_default) {
        text = tr_default_scenario_yaml;
        len = tr_default_scenario_yaml_len;
        if (len > budget(c))
            text = NULL;
    } else {
        int too_big;
        why[0] = 0;
        text = read_opened(c, budget(c), &len, &too_big, why, sizeof why);
        if (!text && !too_big) {
            sc_error(c, e, "cannot read included file '%s': %s", sc_clip(c, name), why);
            *bad = 1;
            return;
        }
    }
    if (!text) {
        if (c->total_bytes < (size_t)SC_MAX_TOTAL_BYTES && !is_default &&
            (size_t)SC_MAX_FILE_BYTES <= (size_t)SC_MAX_TOTAL_BYTES - c->total_bytes)
            sc_error(c, e, "cannot read included file '%s': larger than %ld MiB", sc_clip(c, name),
                     SC_MAX_FILE_BYTES / (1024 * 1024));
        else
            sc_error(c, e, "including '%s' exceeds the limit of %ld MiB of scenario text in all (this file "
                     "and everything it includes)", sc_clip(c, name), SC_MAX_TOTAL_BYTES / (1024 * 1024));
        *bad = 1;
        return;
    }
    c->total_bytes += len;
    sc_node *sub = sc_load_tree(c, name, ident, text, len, bad);
    if (sub)
        *base = sc_merge(c, *base, sub, &sc_schema_scenario);
}

/* Parse one file and everything it includes; returns the merged tree. */
sc_node *sc_load_tree(sc_ctx *c, const char *name, const char *ident, const char *text, size_t len,
                          int *bad)
{
    /* once read, a file counts as included even if it turns out bad: its
     * errors are reported once */
    if (!c->included)
        c->included = sc_idmap_new(c, 16);
    sc_idmap_put(c, c->included, ident, 1);
    int damaged;
    sc_node *root = sc_parse(c, text, len, name, &damaged);
    if (!root) {
        *bad = 1;
        return NULL;
    }
    if (damaged)
        *bad = 1;
    if (root->kind != SC_MAP) {
        sc_error(c, root, "a scenario file must be a mapping of keys (name:, calendar:, ...), got %s",
                 root->kind == SC_SEQ ? "a list" : "a single value");
        *bad = 1;
        return NULL;
    }
    c->inc_ident[c->inc_depth] = ident;
    c->inc_name[c->inc_depth] = name;
    c->inc_depth++;
    sc_node *base = NULL;
    int ii = sc_map_find(root, "include");
    if (ii >= 0) {
        sc_node *inc = root->vals[ii];
        sc_map_remove(root, ii);
        if (inc->kind == SC_SEQ) {
            for (int i = 0; i < inc->n; i++)
                process_include(c, inc->vals[i], name, &base, bad);
        } else if (inc->kind == SC_SCALAR) {
            process_include(c, inc, name, &base, bad);
        } else {
            sc_type_error(c, inc, "a file name or a list of file names", "include");
            *bad = 1;
        }
    }
    c->inc_depth--;
    return sc_merge(c, base, root, &sc_schema_scenario);
}
