/* sc_include.c — reading files and resolving `include:`: each file is read
 * (regular files only, bounded in size), parsed into a node tree, and the
 * files it includes are loaded first and merged under it (sc_merge.c). */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include "scenario/sc_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char tr_default_scenario_yaml[];
extern const size_t tr_default_scenario_yaml_len;

/* ---- reading files ----------------------------------------------------- */

char *sc_read_file(sc_ctx *c, const char *path, size_t *len, int *err)
{
    *err = 0;
    c->fp = fopen(path, "rb");
    if (!c->fp) {
        *err = errno ? errno : EIO;
        return NULL;
    }
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            char *p = tr_mem_realloc(c->alloc, c->buf, cap);
            if (!p)
                sc_oom(c);
            c->buf = p;
        }
        size_t got = fread(c->buf + n, 1, cap - n - 1, c->fp);
        n += got;
        if (got == 0)
            break;
        if (n > (size_t)SC_MAX_FILE_BYTES) {
            *err = EFBIG;
            break;
        }
    }
    if (!*err && ferror(c->fp))
        *err = errno ? errno : EIO;
    fclose(c->fp);
    c->fp = NULL;
    char *res = NULL;
    if (!*err) {
        res = sc_alloc(c, n + 1);
        if (n)
            memcpy(res, c->buf, n);
        res[n] = 0;
        *len = n;
    }
    tr_mem_free(c->alloc, c->buf);
    c->buf = NULL;
    return res;
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

const char *sc_identity(sc_ctx *c, const char *path)
{
    char rp[PATH_MAX]; /* not realpath(path, NULL): that would malloc */
    if (!realpath(path, rp))
        return sc_strdup(c, &c->tmp, path);
    return sc_strdup(c, &c->tmp, rp);
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
    const char *ident = is_default ? "default" : sc_identity(c, name);
    for (int k = 0; k < c->inc_depth; k++) {
        if (strcmp(c->inc_ident[k], ident))
            continue;
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
    if (c->inc_depth >= SC_MAX_INCLUDE_DEPTH) {
        sc_error(c, e, "includes nested more than %d deep", SC_MAX_INCLUDE_DEPTH);
        *bad = 1;
        return;
    }
    const char *text;
    size_t len;
    if (is_default) {
        text = tr_default_scenario_yaml;
        len = tr_default_scenario_yaml_len;
    } else {
        int err;
        text = sc_read_file(c, name, &len, &err);
        if (!text) {
            sc_error(c, e, "cannot read included file '%s': %s", name, strerror(err));
            *bad = 1;
            return;
        }
    }
    sc_node *sub = sc_load_tree(c, name, ident, text, len, bad);
    if (sub)
        *base = sc_merge(c, *base, sub, &sc_schema_scenario);
}

/* Parse one file and everything it includes; returns the merged tree. */
sc_node *sc_load_tree(sc_ctx *c, const char *name, const char *ident, const char *text, size_t len,
                          int *bad)
{
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
