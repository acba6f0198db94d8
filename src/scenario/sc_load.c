/* sc_load.c — tr_scenario_load: read YAML, resolve `include:`, merge, apply
 * `--set` overrides, convert through the schema tables (sc_schema.c) into a
 * tr_scenario, and check everything, collecting every error with its
 * file:line:col. Allocation failures anywhere longjmp to one cleanup point. */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include "scenario/sc_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char tr_default_scenario_yaml[];
extern const size_t tr_default_scenario_yaml_len;

#define K(k) (1u << (k))

/* The YAML name of each event kind: the one table (sc_internal.h). */
const char *const sc_kind_names[TR_EV_KIND_COUNT] = {
    "rd_funding", "megaproject", "priority_list", "talent_programme", "visa_restriction", "joint_research",
    "subsidy", "self_sufficiency_target", "tariff", "buy_domestic", "investment_screening",
};

static const char *const ref_names[] = {"item", "category", "technology", "country"};

/* ---- small helpers ----------------------------------------------------- */

static const char *describe(const sc_node *n)
{
    if (n->kind == SC_MAP)
        return "a mapping";
    if (n->kind == SC_SEQ)
        return "a list";
    if (sc_is_null(n))
        return "nothing";
    return NULL; /* a scalar: the caller quotes it */
}

static void type_error(sc_ctx *c, const sc_node *v, const char *what, const char *key)
{
    const char *d = describe(v);
    if (d)
        sc_error(c, v, "expected %s for '%s', got %s", what, key, d);
    else
        sc_error(c, v, "expected %s for '%s', got '%s'", what, key, v->str);
}

static const char *id_of_item(const sc_node *item)
{
    const sc_node *id = sc_map_get(item, "id");
    if (!id || id->kind != SC_SCALAR || sc_is_null(id))
        return NULL;
    return id->str;
}

static const sc_field *find_field(const sc_schema *sch, const char *key)
{
    for (int i = 0; i < sch->n_fields; i++)
        if (!strcmp(sch->fields[i].key, key))
            return &sch->fields[i];
    return NULL;
}

static void unknown_key(sc_ctx *c, const sc_node *at, const char *key, const sc_schema *sch)
{
    const char *cands[64];
    int n = 0;
    for (int i = 0; i < sch->n_fields && n < 64; i++)
        cands[n++] = sch->fields[i].key;
    const char *s = sc_suggest(key, cands, n);
    if (s)
        sc_error(c, at, "unknown key '%s' in %s (did you mean '%s'?)", key, sch->name, s);
    else
        sc_error(c, at, "unknown key '%s' in %s", key, sch->name);
}

/* did-you-mean over the ids of a reference kind (technology lookups also
 * offer category ids when cats is set). */
static const char *suggest_id(sc_ctx *c, const char *word, int ref, int cats)
{
    const tr_scenario *s = c->s;
    int n = 0, cap = 0;
    if (ref == SC_REF_CATEGORY || cats)
        cap += s->n_categories;
    if (ref == SC_REF_TECH)
        cap += s->n_tech;
    if (ref == SC_REF_COUNTRY)
        cap += s->n_countries;
    if (cap <= 0)
        return NULL;
    const char **cands = sc_alloc(c, (size_t)cap * sizeof *cands);
    if (ref == SC_REF_CATEGORY || cats)
        for (int i = 0; i < s->n_categories; i++)
            cands[n++] = s->categories[i].id;
    if (ref == SC_REF_TECH)
        for (int i = 0; i < s->n_tech; i++)
            cands[n++] = s->techs[i].id;
    if (ref == SC_REF_COUNTRY)
        for (int i = 0; i < s->n_countries; i++)
            cands[n++] = s->countries[i].id;
    return sc_suggest_id(word, cands, n);
}

/* Report a reference to an unknown id, unless the list that defines such ids
 * failed to convert (the list's own error says everything). */
static void unknown_ref(sc_ctx *c, const sc_node *at, int ref, int cats, const char *word)
{
    if (c->poisoned[ref] || (cats && c->poisoned[SC_REF_CATEGORY])) {
        c->nerr++; /* keep the load failing, even though nothing is printed */
        return;
    }
    const char *s = suggest_id(c, word, ref, cats);
    const char *what = cats ? "technology or category" : ref_names[ref];
    if (s)
        sc_error(c, at, "unknown %s '%s' (did you mean '%s'?)", what, word, s);
    else
        sc_error(c, at, "unknown %s '%s'", what, word);
}

static const char *fmt_num(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.10g", v);
    return buf;
}

/* "between 0 and 1", "> 0 and <= 1e+06" */
static void range_text(const sc_field *f, char *buf, size_t n)
{
    char a[32], b[32];
    fmt_num(a, sizeof a, f->min);
    fmt_num(b, sizeof b, f->max);
    if (!(f->flags & (SC_MIN_EXCL | SC_MAX_EXCL)))
        snprintf(buf, n, "between %s and %s", a, b);
    else
        snprintf(buf, n, "%s %s and %s %s", (f->flags & SC_MIN_EXCL) ? ">" : ">=", a,
                 (f->flags & SC_MAX_EXCL) ? "<" : "<=", b);
}

static int in_range(const sc_field *f, double v)
{
    int lo = (f->flags & SC_MIN_EXCL) ? v > f->min : v >= f->min;
    int hi = (f->flags & SC_MAX_EXCL) ? v < f->max : v <= f->max;
    return lo && hi; /* false for NaN */
}

static int check_range(sc_ctx *c, const sc_field *f, const sc_node *v, double d)
{
    if (in_range(f, d))
        return 1;
    char r[96];
    range_text(f, r, sizeof r);
    sc_error(c, v, "'%s' must be %s, got %s", f->key, r, v->str);
    return 0;
}

static int get_number(sc_ctx *c, const char *key, const sc_node *v, double *out)
{
    if (v->kind != SC_SCALAR || sc_is_null(v)) {
        type_error(c, v, "a number", key);
        return 0;
    }
    if (v->quoted) {
        sc_error(c, v, "expected a number for '%s', got the string \"%s\"", key, v->str);
        return 0;
    }
    if (!sc_parse_number(v->str, out)) {
        type_error(c, v, "a number", key);
        return 0;
    }
    return 1;
}

static int get_number_quiet(const sc_node *v, double *out)
{
    return v->kind == SC_SCALAR && !v->quoted && sc_parse_number(v->str, out);
}

/* true or false (YAML 1.2 core spellings); reports and returns -1 otherwise. */
static int get_bool(sc_ctx *c, const char *key, const sc_node *v)
{
    const char *t = v->kind == SC_SCALAR && !v->quoted ? v->str : NULL;
    if (t && (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE")))
        return 1;
    if (t && (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE")))
        return 0;
    if (v->kind == SC_SCALAR && v->quoted)
        sc_error(c, v, "expected true or false for '%s', got the string \"%s\"", key, v->str);
    else
        type_error(c, v, "true or false", key);
    return -1;
}

/* Whether a node was written by a --set override (or lies in a mapping that
 * one created). */
static int from_set(const sc_ctx *c, const sc_node *n)
{
    return n && c->set_file && n->file == c->set_file;
}

/* The node written by an override within a value: the value itself, or for a
 * mapping (a time path, say) the first key or value that an override set;
 * NULL when none. */
static const sc_node *set_part(const sc_ctx *c, const sc_node *n)
{
    if (!n)
        return NULL;
    if (from_set(c, n))
        return n;
    if (n->kind == SC_MAP)
        for (int i = 0; i < n->n; i++) {
            if (from_set(c, n->vals[i]))
                return n->vals[i];
            if (from_set(c, n->keys[i]))
                return n->keys[i];
        }
    return NULL;
}

/* A year: a number, or a quarter "2006Q2" = 2006.25. */
static int parse_year(const sc_node *v, double *out)
{
    if (v->kind != SC_SCALAR)
        return 0;
    const char *s = v->str;
    if (!v->quoted && sc_parse_number(s, out))
        return 1;
    if (strlen(s) == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4') {
        for (int i = 0; i < 4; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        *out = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') + (s[5] - '1') * 0.25;
        return 1;
    }
    return 0;
}

static int get_scalar_text(sc_ctx *c, const sc_field *f, const sc_node *v, const char *what)
{
    if (v->kind != SC_SCALAR || sc_is_null(v)) {
        type_error(c, v, what, f->key);
        return 0;
    }
    return 1;
}

static int valid_id(sc_ctx *c, const sc_node *v, const char *key)
{
    const char *s = v->str;
    size_t n = strlen(s);
    if (n == 0) {
        sc_error(c, v, "'%s' must not be empty", key);
        return 0;
    }
    if (n >= TR_ID_MAX) {
        sc_error(c, v, "'%s' is too long: '%s' (at most %d characters)", key, s, TR_ID_MAX - 1);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-')) {
            sc_error(c, v, "invalid %s '%s': use only letters, digits, '_' and '-'", key, s);
            return 0;
        }
    }
    if (!strcmp(s, "all")) {
        sc_error(c, v, "'all' is reserved and cannot be used as an id");
        return 0;
    }
    return 1;
}

static int ref_lookup(sc_ctx *c, int ref, const char *id)
{
    return sc_idmap_get(c->ids[ref], id);
}

/* ---- reading files ----------------------------------------------------- */

static char *read_file(sc_ctx *c, const char *path, size_t *len, int *err)
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
            char *p = realloc(c->buf, cap);
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
    free(c->buf);
    c->buf = NULL;
    return res;
}

/* ---- merging ----------------------------------------------------------- */

static int is_idseq(const sc_node *n)
{
    if (n->kind != SC_SEQ || n->n == 0)
        return 0;
    for (int i = 0; i < n->n; i++)
        if (n->vals[i]->kind != SC_MAP || !id_of_item(n->vals[i]))
            return 0;
    return 1;
}

static sc_node *merge(sc_ctx *c, sc_node *base, sc_node *over, const sc_schema *sch);

/* The schema of the values below a key of a mapping with schema sch (NULL
 * when unknown); *replace is set for values that replace rather than merge
 * (time paths: the points written are the points used). */
static const sc_schema *child_schema(const sc_schema *sch, const char *key, int *replace)
{
    *replace = 0;
    const sc_field *f = sch ? find_field(sch, key) : NULL;
    if (!f)
        return NULL;
    if (f->type == SC_F_PATH)
        *replace = 1;
    return f->type == SC_F_SUB || f->type == SC_F_LIST ? f->sub : NULL;
}

static sc_node *merge_idseq(sc_ctx *c, sc_node *base, sc_node *over, const sc_schema *sch)
{
    sc_node *res;
    if (base && base->kind == SC_SEQ && (base->n == 0 || is_idseq(base)))
        res = base;
    else
        res = sc_new_node(c, SC_SEQ, over->file, over->line, over->col);
    sc_idmap *have = sc_idmap_new(c, (size_t)(res->n + over->n));
    for (int i = 0; i < res->n; i++)
        sc_idmap_put(c, have, id_of_item(res->vals[i]), i);
    sc_idmap *seen = sc_idmap_new(c, (size_t)over->n);
    int removed = 0;
    for (int i = 0; i < over->n; i++) {
        sc_node *item = over->vals[i];
        const char *id = id_of_item(item);
        int first = sc_idmap_get(seen, id);
        if (first >= 0) {
            sc_error(c, sc_map_get(item, "id"), "duplicate id '%s'", id);
            sc_note(c, sc_map_get(over->vals[first], "id"), "'%s' first defined here", id);
            continue;
        }
        sc_idmap_put(c, seen, id, i);
        int rm = 0, ri = sc_map_find(item, "remove");
        if (ri >= 0) {
            const sc_node *rv = item->vals[ri];
            rm = get_bool(c, "remove", rv) == 1;
            sc_map_remove(item, ri);
            if (rm) {
                int k = sc_idmap_get(have, id);
                if (k < 0) {
                    const char **ids = sc_alloc(c, (size_t)(res->n + 1) * sizeof *ids);
                    int nids = 0;
                    for (int j = 0; j < res->n; j++)
                        if (res->vals[j])
                            ids[nids++] = id_of_item(res->vals[j]);
                    const char *sug = sc_suggest_id(id, ids, nids);
                    if (sug)
                        sc_error(c, rv, "cannot remove '%s': no item with this id comes before it "
                                 "(did you mean '%s'?)", id, sug);
                    else
                        sc_error(c, rv, "cannot remove '%s': no item with this id comes before it", id);
                } else {
                    res->vals[k] = NULL;
                    sc_idmap_put(c, have, id, -1);
                    removed = 1;
                }
                continue;
            }
        }
        int k = sc_idmap_get(have, id);
        if (k >= 0) {
            res->vals[k] = merge(c, res->vals[k], item, sch);
        } else {
            sc_seq_add(c, res, merge(c, NULL, item, sch));
            sc_idmap_put(c, have, id, res->n - 1);
        }
    }
    if (removed) {
        int j = 0;
        for (int i = 0; i < res->n; i++)
            if (res->vals[i])
                res->vals[j++] = res->vals[i];
        res->n = j;
    }
    return res;
}

/* Merge `over` on top of `base` (which may be NULL); may reuse both. sch is
 * the schema of the mapping `over` is (or of the items of the list it is). */
static sc_node *merge(sc_ctx *c, sc_node *base, sc_node *over, const sc_schema *sch)
{
    if (over->kind == SC_MAP) {
        sc_node *m = base;
        if (!base || base->kind != SC_MAP)
            m = sc_new_node(c, SC_MAP, over->file, over->line, over->col);
        for (int i = 0; i < over->n; i++) {
            int replace;
            const sc_schema *sub = child_schema(sch, over->keys[i]->str, &replace);
            int j = sc_map_find(m, over->keys[i]->str);
            sc_node *v = over->vals[i];
            if (j >= 0)
                m->vals[j] = replace ? v : merge(c, m->vals[j], v, sub);
            else
                sc_map_add(c, m, over->keys[i], replace ? v : merge(c, NULL, v, sub));
        }
        return m;
    }
    if (is_idseq(over))
        return merge_idseq(c, base, over, sch);
    return over;
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

static const char *identity(sc_ctx *c, const char *path)
{
    char *rp = realpath(path, NULL);
    if (!rp)
        return sc_strdup(c, &c->tmp, path);
    c->buf = rp;
    const char *r = sc_strdup(c, &c->tmp, rp);
    c->buf = NULL;
    free(rp);
    return r;
}

static sc_node *load_tree(sc_ctx *c, const char *name, const char *ident, const char *text, size_t len,
                          int *bad);

static void process_include(sc_ctx *c, const sc_node *e, const char *from, sc_node **base, int *bad)
{
    if (e->kind != SC_SCALAR || sc_is_null(e) || !*e->str) {
        type_error(c, e, "a file name", "include");
        *bad = 1;
        return;
    }
    int is_default = !strcmp(e->str, "default");
    const char *name = is_default ? "default" : join_path(c, from, e->str);
    const char *ident = is_default ? "default" : identity(c, name);
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
        text = read_file(c, name, &len, &err);
        if (!text) {
            sc_error(c, e, "cannot read included file '%s': %s", name, strerror(err));
            *bad = 1;
            return;
        }
    }
    sc_node *sub = load_tree(c, name, ident, text, len, bad);
    if (sub)
        *base = merge(c, *base, sub, &sc_schema_scenario);
}

/* Parse one file and everything it includes; returns the merged tree. */
static sc_node *load_tree(sc_ctx *c, const char *name, const char *ident, const char *text, size_t len,
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
            type_error(c, inc, "a file name or a list of file names", "include");
            *bad = 1;
        }
    }
    c->inc_depth--;
    return merge(c, base, root, &sc_schema_scenario);
}

/* ---- overrides --------------------------------------------------------- */

static void map_set(sc_ctx *c, sc_node *map, sc_node *key, sc_node *val, int sorted_years)
{
    int i = sc_map_find(map, key->str);
    if (i >= 0) {
        map->vals[i] = val;
        return;
    }
    sc_map_add(c, map, key, val);
    double y, yi;
    if (!sorted_years || !parse_year(key, &y))
        return;
    /* keep the points of a time path in order */
    int pos = map->n - 1;
    while (pos > 0 && parse_year(map->keys[pos - 1], &yi) && yi > y) {
        map->keys[pos] = map->keys[pos - 1];
        map->vals[pos] = map->vals[pos - 1];
        pos--;
    }
    map->keys[pos] = key;
    map->vals[pos] = val;
}

static void apply_override(sc_ctx *c, sc_node *root, int idx)
{
    const char *txt = c->overrides[idx];
    const char *file = c->set_file;
    int line = idx + 1;
    sc_node at = {0};
    at.file = file;
    at.line = line;
    at.col = 1;
    const char *eq = strchr(txt, '=');
    if (!eq) {
        sc_error(c, &at, "expected key.path=value");
        return;
    }
    if (eq == txt) {
        sc_error(c, &at, "missing key path before '='");
        return;
    }
    /* the value, positioned inside the override text */
    int vcol = (int)(eq - txt) + 2;
    sc_node *val;
    if (!eq[1]) {
        val = sc_new_scalar(c, file, line, vcol, "", 0);
    } else {
        int damaged;
        c->pos_line = line;
        c->pos_col_off = vcol - 1;
        size_t vlen = strlen(eq + 1);
        c->pos_len = vlen > 100000 ? 100000 : (int)vlen;
        val = sc_parse(c, eq + 1, strlen(eq + 1), file, &damaged);
        c->pos_line = 0;
        c->pos_col_off = 0;
        if (!val || damaged)
            return;
    }

    const sc_schema *sch = &sc_schema_scenario;
    sc_node *cur = root;
    int free_map = 0, path_map = 0;
    const char *p = txt;
    while (p < eq) {
        const char *end = p;
        while (end < eq && *end != '.')
            end++;
        int last = end == eq;
        at.col = (int)(p - txt) + 1;
        size_t sl = (size_t)(end - p);
        if (sl == 0) {
            sc_error(c, &at, "empty key in path");
            return;
        }
        char *seg = sc_alloc(c, sl + 1);
        memcpy(seg, p, sl);
        seg[sl] = 0;
        p = last ? end : end + 1;
        if (!last && p == eq) {
            at.col = (int)(p - txt) + 1;
            sc_error(c, &at, "empty key in path");
            return;
        }
        sc_node *key = sc_new_scalar(c, file, line, at.col, seg, 0);

        if (free_map) {
            if (!last) {
                sc_error(c, &at, "'%s' has no keys below it", seg);
                return;
            }
            map_set(c, cur, key, val, path_map);
            return;
        }
        const sc_field *f = find_field(sch, seg);
        if (!f) {
            unknown_key(c, &at, seg, sch);
            return;
        }
        if (f->type == SC_F_INCLUDE) {
            sc_error(c, &at, "'include' cannot be set with --set");
            return;
        }
        if (last) {
            map_set(c, cur, key, val, 0);
            return;
        }
        sc_node *child = sc_map_get(cur, seg);
        switch (f->type) {
        case SC_F_SUB:
            if (!child) {
                child = sc_new_node(c, SC_MAP, file, line, at.col);
                sc_map_add(c, cur, key, child);
            } else if (child->kind != SC_MAP) {
                sc_error(c, &at, "cannot set keys below '%s': it is not a mapping", seg);
                return;
            }
            cur = child;
            sch = f->sub;
            break;
        case SC_F_LIST: {
            if (child && child->kind != SC_SEQ && !sc_is_null(child)) {
                sc_error(c, &at, "cannot set items of '%s': it is not a list", seg);
                return;
            }
            /* the next segment selects an item by id */
            const char *q = p;
            const char *qe = q;
            while (qe < eq && *qe != '.')
                qe++;
            size_t il = (size_t)(qe - q);
            char *id = sc_alloc(c, il + 1);
            memcpy(id, q, il);
            id[il] = 0;
            at.col = (int)(q - txt) + 1;
            if (qe == eq) {
                sc_error(c, &at, "cannot replace a whole %s with --set; set its keys one by one "
                         "(e.g. %.*s.%s.name=...)", f->sub->name, (int)(q - txt - 1), txt, id);
                return;
            }
            sc_node *item = NULL;
            int n = child && child->kind == SC_SEQ ? child->n : 0;
            const char **ids = sc_alloc(c, (size_t)(n + 1) * sizeof *ids);
            for (int i = 0; i < n; i++) {
                ids[i] = child->vals[i]->kind == SC_MAP ? id_of_item(child->vals[i]) : NULL;
                if (ids[i] && !strcmp(ids[i], id) && !item)
                    item = child->vals[i];
            }
            if (!item) {
                const char *sug = sc_suggest_id(id, ids, n);
                if (sug)
                    sc_error(c, &at, "no %s with id '%s' (did you mean '%s'?)", f->sub->name, id, sug);
                else
                    sc_error(c, &at, "no %s with id '%s'", f->sub->name, id);
                return;
            }
            cur = item;
            sch = f->sub;
            p = qe + 1;
            if (p >= eq) {
                at.col = (int)(p - txt) + 1;
                sc_error(c, &at, "empty key in path");
                return;
            }
            break;
        }
        case SC_F_STRENGTH:
        case SC_F_SPILL:
        case SC_F_PATH:
            if (!child) {
                child = sc_new_node(c, SC_MAP, file, line, at.col);
                sc_map_add(c, cur, key, child);
            } else if (child->kind != SC_MAP) {
                sc_error(c, &at, "cannot set keys below '%s': it is not a mapping here; set it whole", seg);
                return;
            }
            cur = child;
            free_map = 1;
            path_map = f->type == SC_F_PATH;
            break;
        default:
            sc_error(c, &at, "'%s' is a single value and has no keys below it", seg);
            return;
        }
    }
}

/* ---- conversion -------------------------------------------------------- */

static void convert_map(sc_ctx *c, const sc_schema *sch, char *obj, const sc_node *map);

static void const_path(sc_ctx *c, tr_path *p, double v)
{
    p->n = 1;
    p->year = sc_out_alloc(c, sizeof(double));
    p->value = sc_out_alloc(c, sizeof(double));
    p->year[0] = c->s->start_year;
    p->value[0] = v;
}

static void set_defaults(sc_ctx *c, const sc_schema *sch, char *obj)
{
    for (int i = 0; i < sch->n_fields; i++) {
        const sc_field *f = &sch->fields[i];
        char *p = obj + f->off;
        switch (f->type) {
        case SC_F_STR:
            *(char **)(void *)p = sc_strdup(c, c->out, "");
            break;
        case SC_F_INT:
        case SC_F_BOOL:
            *(int *)(void *)p = (int)f->def;
            break;
        case SC_F_U64:
            *(uint64_t *)(void *)p = (uint64_t)f->def;
            break;
        case SC_F_NUM:
            *(double *)(void *)p = f->def;
            break;
        case SC_F_YEAR:
            *(double *)(void *)p = (f->flags & SC_DEF_INF) ? INFINITY : f->def;
            break;
        case SC_F_PATH:
            const_path(c, (tr_path *)(void *)p, f->def);
            break;
        case SC_F_REF:
            *(int *)(void *)p = -1;
            break;
        case SC_F_STRENGTH: {
            double *d = NULL;
            if (c->s->n_tech > 0) {
                d = sc_out_alloc(c, (size_t)c->s->n_tech * sizeof *d);
                for (int t = 0; t < c->s->n_tech; t++)
                    d[t] = f->def;
            }
            *(double **)(void *)p = d;
            break;
        }
        case SC_F_SUB:
            set_defaults(c, f->sub, p);
            break;
        default:
            break; /* zeroed: ids, labels, lists */
        }
    }
}

static void convert_path(sc_ctx *c, const sc_field *f, tr_path *out, const sc_node *v)
{
    double d;
    if (v->kind == SC_SCALAR) {
        if (get_number(c, f->key, v, &d) && check_range(c, f, v, d)) {
            const_path(c, out, d);
        }
        return;
    }
    if (v->kind != SC_MAP) {
        type_error(c, v, "a number or a mapping year -> value", f->key);
        return;
    }
    if (v->n == 0) {
        sc_error(c, v, "'%s' needs at least one year: value point", f->key);
        return;
    }
    if (v->n > 1000) {
        sc_error(c, v, "'%s' has %d points; at most 1000 are allowed", f->key, v->n);
        return;
    }
    tr_path p;
    p.n = v->n;
    p.year = sc_out_alloc(c, (size_t)v->n * sizeof(double));
    p.value = sc_out_alloc(c, (size_t)v->n * sizeof(double));
    int ok = 1;
    for (int i = 0; i < v->n; i++) {
        const sc_node *k = v->keys[i];
        double y;
        if (!parse_year(k, &y)) {
            sc_error(c, k, "expected a year as key of '%s', got '%s'", f->key, k->str);
            ok = 0;
            continue;
        }
        if (!(y >= 1900 && y <= 2200)) {
            sc_error(c, k, "year %s in '%s' is out of range (1900 to 2200)", k->str, f->key);
            ok = 0;
            continue;
        }
        if (i > 0 && ok && !(y > p.year[i - 1])) {
            sc_error(c, k, "years in '%s' must be strictly increasing: %s comes after %s", f->key, k->str,
                     v->keys[i - 1]->str);
            ok = 0;
            continue;
        }
        p.year[i] = y;
        if (!get_number(c, f->key, v->vals[i], &d) || !check_range(c, f, v->vals[i], d)) {
            ok = 0;
            continue;
        }
        p.value[i] = d;
    }
    if (ok)
        *out = p;
}

/* Resolve a technology-list entry into marks; returns 0 if unknown. */
static int mark_techs(sc_ctx *c, const sc_node *e, char *mark)
{
    const tr_scenario *s = c->s;
    if (e->kind != SC_SCALAR || sc_is_null(e)) {
        type_error(c, e, "a technology or category id", "technologies");
        return 0;
    }
    if (!strcmp(e->str, "all")) {
        memset(mark, 1, (size_t)s->n_tech);
        return 1;
    }
    int t = ref_lookup(c, SC_REF_TECH, e->str);
    if (t >= 0 && t < s->n_tech) {
        mark[t] = 1;
        return 1;
    }
    int k = ref_lookup(c, SC_REF_CATEGORY, e->str);
    if (k >= 0) {
        for (int i = 0; i < s->n_tech; i++)
            if (s->techs[i].category == k)
                mark[i] = 1;
        return 1;
    }
    unknown_ref(c, e, SC_REF_TECH, 1, e->str);
    return 0;
}

static void convert_list(sc_ctx *c, const sc_field *f, char *obj, const sc_node *v)
{
    const sc_schema *sub = f->sub;
    if (v->kind != SC_SEQ) {
        type_error(c, v, "a list", f->key);
        c->poisoned[f->ref] = 1;
        return;
    }
    if (v->n < (int)f->min) {
        sc_error(c, v, "'%s' must not be empty", f->key);
        c->poisoned[f->ref] = 1;
        return;
    }
    if (v->n > (int)f->max) {
        sc_error(c, v, "'%s' has %d items; at most %.0f are allowed", f->key, v->n, f->max);
        c->poisoned[f->ref] = 1;
        return;
    }
    /* register ids first, so that items can refer to later items */
    if (f->ref) {
        c->ids[f->ref] = sc_idmap_new(c, (size_t)v->n);
        for (int i = 0; i < v->n; i++) {
            const char *id = v->vals[i]->kind == SC_MAP ? id_of_item(v->vals[i]) : NULL;
            if (id && sc_idmap_get(c->ids[f->ref], id) < 0)
                sc_idmap_put(c, c->ids[f->ref], id, i);
        }
    }
    char *arr = v->n ? sc_out_alloc(c, (size_t)v->n * sub->size) : NULL;
    *(char **)(void *)(obj + f->off) = arr;
    *(int *)(void *)(obj + f->off_n) = v->n;
    sc_idmap *seen = sc_idmap_new(c, (size_t)v->n);
    int seen_idx = -1;
    for (int i = 0; i < sub->n_fields; i++)
        if (sub->fields[i].type == SC_F_ID)
            seen_idx = i;
    for (int i = 0; i < v->n; i++) {
        const sc_node *item = v->vals[i];
        char *o = arr + (size_t)i * sub->size;
        set_defaults(c, sub, o);
        if (item->kind != SC_MAP) {
            sc_error(c, item, "expected a mapping for each item of '%s', got %s", f->key,
                     item->kind == SC_SEQ ? "a list" : "a single value");
            continue;
        }
        convert_map(c, sub, o, item);
        if (seen_idx >= 0) {
            const char *id = o + sub->fields[seen_idx].off;
            if (!*id)
                continue;
            int first = sc_idmap_get(seen, id);
            if (first >= 0) {
                sc_error(c, sc_map_get(item, "id"), "duplicate id '%s' in '%s'", id, f->key);
                sc_note(c, sc_map_get(v->vals[first], "id"), "'%s' first defined here", id);
            } else {
                sc_idmap_put(c, seen, sc_strdup(c, &c->tmp, id), i);
            }
        }
    }
}

static void convert_field(sc_ctx *c, const sc_field *f, char *obj, const sc_node *v)
{
    char *p = obj + f->off;
    double d;
    switch (f->type) {
    case SC_F_STR:
        if (v->kind != SC_SCALAR) {
            type_error(c, v, "a string", f->key);
            return;
        }
        *(char **)(void *)p = sc_strdup(c, c->out, sc_is_null(v) ? "" : v->str);
        return;
    case SC_F_ID:
        if (get_scalar_text(c, f, v, "an id") && valid_id(c, v, f->key))
            snprintf(p, TR_ID_MAX, "%s", v->str);
        return;
    case SC_F_LABEL:
        if (v->kind != SC_SCALAR) {
            type_error(c, v, "a string", f->key);
            return;
        }
        if (strlen(v->str) >= TR_ID_MAX) {
            sc_error(c, v, "'%s' is too long (at most %d bytes)", f->key, TR_ID_MAX - 1);
            return;
        }
        snprintf(p, TR_ID_MAX, "%s", sc_is_null(v) ? "" : v->str);
        return;
    case SC_F_INT:
        if (!get_number(c, f->key, v, &d) || !check_range(c, f, v, d))
            return;
        if (d != floor(d)) {
            sc_error(c, v, "expected a whole number for '%s', got %s", f->key, v->str);
            return;
        }
        *(int *)(void *)p = (int)d;
        return;
    case SC_F_BOOL: {
        int b = get_bool(c, f->key, v);
        if (b >= 0)
            *(int *)(void *)p = b;
        return;
    }
    case SC_F_U64: {
        if (!get_number(c, f->key, v, &d))
            return;
        const char *s = v->str;
        if (*s == '+')
            s++;
        int digits = *s != 0;
        for (const char *q = s; *q; q++)
            if (*q < '0' || *q > '9')
                digits = 0;
        errno = 0;
        unsigned long long u = digits ? strtoull(s, NULL, 10) : 0;
        if (!digits || errno == ERANGE) {
            sc_error(c, v, "'%s' must be a whole number between 0 and 18446744073709551615, got %s", f->key,
                     v->str);
            return;
        }
        *(uint64_t *)(void *)p = (uint64_t)u;
        return;
    }
    case SC_F_NUM:
        if (get_number(c, f->key, v, &d) && check_range(c, f, v, d))
            *(double *)(void *)p = d;
        return;
    case SC_F_YEAR:
        if (!parse_year(v, &d)) {
            if (v->kind == SC_SCALAR && !sc_is_null(v))
                sc_error(c, v, "expected a year (2006, 2006.5) or a quarter (\"2006Q2\") for '%s', got '%s'",
                         f->key, v->str);
            else
                type_error(c, v, "a year", f->key);
            return;
        }
        if (!(d >= f->min && d <= f->max)) {
            sc_error(c, v, "'%s' must be a year between %.0f and %.0f, got %s", f->key, f->min, f->max, v->str);
            return;
        }
        *(double *)(void *)p = d;
        return;
    case SC_F_PATH:
        convert_path(c, f, (tr_path *)(void *)p, v);
        return;
    case SC_F_REF: {
        if (!get_scalar_text(c, f, v, "an id"))
            return;
        int i = ref_lookup(c, f->ref, v->str);
        if (i < 0)
            unknown_ref(c, v, f->ref, 0, v->str);
        else
            *(int *)(void *)p = i;
        return;
    }
    case SC_F_REFLIST:
    case SC_F_TECHLIST: {
        const sc_node *const *items = &v;
        int n = 1;
        if (v->kind == SC_SEQ) {
            items = (const sc_node *const *)v->vals;
            n = v->n;
        } else if (v->kind != SC_SCALAR || sc_is_null(v)) {
            type_error(c, v, "a list of ids", f->key);
            return;
        }
        if (n < 1) {
            sc_error(c, v, "'%s' must not be empty", f->key);
            return;
        }
        if (n > (int)f->max) {
            sc_error(c, v, "'%s' has %d items; at most %.0f are allowed", f->key, n, f->max);
            return;
        }
        int total = f->type == SC_F_TECHLIST ? c->s->n_tech : c->s->n_countries;
        if (total <= 0)
            return;
        char *mark = sc_alloc(c, (size_t)total);
        int ok = 1;
        for (int i = 0; i < n; i++) {
            const sc_node *e = items[i];
            if (f->type == SC_F_TECHLIST) {
                ok &= mark_techs(c, e, mark);
                continue;
            }
            if (e->kind != SC_SCALAR || sc_is_null(e)) {
                type_error(c, e, "a country id", f->key);
                ok = 0;
                continue;
            }
            int k = ref_lookup(c, SC_REF_COUNTRY, e->str);
            if (k < 0 || k >= total) {
                unknown_ref(c, e, SC_REF_COUNTRY, 0, e->str);
                ok = 0;
                continue;
            }
            mark[k] = 1;
        }
        if (!ok)
            return;
        int cnt = 0;
        for (int i = 0; i < total; i++)
            cnt += mark[i];
        int *arr = sc_out_alloc(c, (size_t)(cnt ? cnt : 1) * sizeof *arr);
        cnt = 0;
        for (int i = 0; i < total; i++)
            if (mark[i])
                arr[cnt++] = i;
        *(int **)(void *)p = arr;
        *(int *)(void *)(obj + f->off_n) = cnt;
        return;
    }
    case SC_F_STRENGTH: {
        if (v->kind != SC_MAP) {
            type_error(c, v, "a mapping id -> value", f->key);
            return;
        }
        double *arr = *(double **)(void *)p;
        const tr_scenario *s = c->s;
        /* categories first, then technologies override */
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < v->n; i++) {
                const sc_node *k = v->keys[i];
                int t = ref_lookup(c, SC_REF_TECH, k->str);
                int cat = t < 0 ? ref_lookup(c, SC_REF_CATEGORY, k->str) : -1;
                if (pass == 0) {
                    if (t < 0 && cat < 0)
                        unknown_ref(c, k, SC_REF_TECH, 1, k->str);
                    else if (get_number(c, f->key, v->vals[i], &d))
                        check_range(c, f, v->vals[i], d);
                }
                if (!arr || !get_number_quiet(v->vals[i], &d) || !in_range(f, d))
                    continue;
                if (pass == 0 && cat >= 0) {
                    for (int j = 0; j < s->n_tech; j++)
                        if (s->techs[j].category == cat)
                            arr[j] = d;
                } else if (pass == 1 && t >= 0 && t < s->n_tech) {
                    arr[t] = d;
                }
            }
        }
        return;
    }
    case SC_F_SPILL: {
        if (v->kind != SC_MAP) {
            type_error(c, v, "a mapping technology id -> weight", f->key);
            return;
        }
        tr_link *links = v->n ? sc_out_alloc(c, (size_t)v->n * sizeof *links) : NULL;
        int n = 0;
        const char *self = ((const tr_technology *)(const void *)obj)->id;
        for (int i = 0; i < v->n; i++) {
            const sc_node *k = v->keys[i];
            int t = ref_lookup(c, SC_REF_TECH, k->str);
            if (t < 0) {
                unknown_ref(c, k, SC_REF_TECH, 0, k->str);
                continue;
            }
            if (*self && !strcmp(self, k->str)) {
                sc_error(c, k, "a technology cannot spill over to itself ('%s')", k->str);
                continue;
            }
            if (!get_number(c, f->key, v->vals[i], &d) || !check_range(c, f, v->vals[i], d))
                continue;
            links[n].to = t;
            links[n].weight = d;
            n++;
        }
        *(tr_link **)(void *)p = links;
        *(int *)(void *)(obj + f->off_n) = n;
        return;
    }
    case SC_F_SUB:
        if (v->kind != SC_MAP) {
            type_error(c, v, "a mapping", f->key);
            return;
        }
        convert_map(c, f->sub, p, v);
        return;
    case SC_F_LIST:
        convert_list(c, f, obj, v);
        return;
    case SC_F_KIND:
    case SC_F_INCLUDE:
        return;
    }
}

static const char *item_label(const sc_schema *sch, const sc_node *map, char *buf, size_t n)
{
    const char *id = id_of_item(map);
    if (id)
        snprintf(buf, n, "%s '%s'", sch->name, id);
    else
        snprintf(buf, n, "%s", sch->name);
    return buf;
}

static void convert_kind(sc_ctx *c, const sc_field *f, char *obj, const sc_node *v)
{
    c->kind = -1;
    if (v->kind != SC_SCALAR || sc_is_null(v)) {
        type_error(c, v, "an event type", f->key);
        return;
    }
    for (int k = 0; k < TR_EV_KIND_COUNT; k++) {
        if (!strcmp(v->str, sc_kind_names[k])) {
            *(tr_event_kind *)(void *)(obj + f->off) = (tr_event_kind)k;
            c->kind = k;
            return;
        }
    }
    const char *s = sc_suggest(v->str, sc_kind_names, TR_EV_KIND_COUNT);
    if (s)
        sc_error(c, v, "unknown event type '%s' (did you mean '%s'?)", v->str, s);
    else
        sc_error(c, v, "unknown event type '%s' (expected rd_funding, megaproject, priority_list, "
                 "talent_programme, visa_restriction or joint_research)", v->str);
}

/* Lists and mappings: an explicit null for an optional one means its default. */
static int is_container(sc_ftype t)
{
    return t == SC_F_LIST || t == SC_F_SUB || t == SC_F_REFLIST || t == SC_F_TECHLIST || t == SC_F_STRENGTH ||
           t == SC_F_SPILL;
}

static void convert_map(sc_ctx *c, const sc_schema *sch, char *obj, const sc_node *map)
{
    int saved_kind = c->kind;
    int has_kind = 0;
    char label[96];
    c->kind = -1;
    for (int i = 0; i < sch->n_fields; i++) {
        const sc_field *f = &sch->fields[i];
        if (f->type != SC_F_KIND)
            continue;
        has_kind = 1;
        const sc_node *v = sc_map_get(map, f->key);
        if (v)
            convert_kind(c, f, obj, v);
    }
    /* keys in document order: unknown or not applicable */
    for (int i = 0; i < map->n; i++) {
        const sc_node *k = map->keys[i];
        const sc_field *f = find_field(sch, k->str);
        if (!f)
            unknown_key(c, k, k->str, sch);
        else if (has_kind && f->kinds && c->kind >= 0 && !(f->kinds & K(c->kind)))
            sc_error(c, k, "key '%s' does not apply to events of type '%s'", k->str, sc_kind_names[c->kind]);
    }
    /* fields in schema order */
    for (int i = 0; i < sch->n_fields; i++) {
        const sc_field *f = &sch->fields[i];
        if (f->type == SC_F_KIND || f->type == SC_F_INCLUDE)
            continue;
        int applies = !f->kinds || c->kind < 0 || (f->kinds & K(c->kind));
        const sc_node *v = sc_map_get(map, f->key);
        if (v && sc_is_null(v) && is_container(f->type) && !(f->flags & SC_REQ) &&
            !(c->kind >= 0 && (f->req_kinds & K(c->kind))))
            v = NULL; /* `key:` or `key: ~` for an optional list or mapping: its default */
        if (!v) {
            if (f->type == SC_F_LIST && (f->flags & SC_REQ))
                c->poisoned[f->ref] = 1;
            if (f->flags & SC_REQ) {
                sc_error(c, map, "missing required key '%s' in %s", f->key, item_label(sch, map, label, sizeof label));
            } else if (c->kind >= 0 && (f->req_kinds & K(c->kind))) {
                sc_error(c, map, "missing key '%s' in %s (required for events of type '%s')", f->key,
                         item_label(sch, map, label, sizeof label), sc_kind_names[c->kind]);
            } else if ((f->flags & SC_DEF_ALL) && applies && c->kind >= 0) {
                /* technologies of a joint_research: default all */
                if (f->type == SC_F_TECHLIST && c->s->n_tech > 0) {
                    int *arr = sc_out_alloc(c, (size_t)c->s->n_tech * sizeof *arr);
                    for (int t = 0; t < c->s->n_tech; t++)
                        arr[t] = t;
                    *(int **)(void *)(obj + f->off) = arr;
                    *(int *)(void *)(obj + f->off_n) = c->s->n_tech;
                }
            } else if (f->flags & SC_DEF_ID) {
                const char *id = id_of_item(map);
                *(char **)(void *)(obj + f->off) = sc_strdup(c, c->out, id ? id : "");
            }
            continue;
        }
        if (!applies)
            continue;
        convert_field(c, f, obj, v);
    }
    if (sch->check)
        sch->check(c, obj, map);
    c->kind = saved_kind;
}

/* ---- cross-field checks (called through the schema) -------------------- */

static const sc_node *node_or(const sc_node *map, const char *key)
{
    const sc_node *n = sc_map_get(map, key);
    return n ? n : map;
}

void sc_check_scenario(sc_ctx *c, void *obj, const sc_node *map)
{
    tr_scenario *s = obj;
    /* a category id and a technology id may not coincide: lists of
     * technologies accept both */
    const sc_node *techs = sc_map_get(map, "technologies");
    if (!techs || techs->kind != SC_SEQ || techs->n != s->n_tech)
        return;
    for (int i = 0; i < s->n_tech; i++) {
        if (!*s->techs[i].id)
            continue;
        int k = ref_lookup(c, SC_REF_CATEGORY, s->techs[i].id);
        if (k >= 0)
            sc_error(c, node_or(techs->vals[i], "id"), "technology id '%s' is also a category id",
                     s->techs[i].id);
    }
}

void sc_check_calendar(sc_ctx *c, void *obj, const sc_node *map)
{
    tr_scenario *s = obj;
    c->calendar_ok = 0;
    if (s->start_year < 1900 || s->end_year < 1900)
        return;
    if (s->end_year < s->start_year) {
        /* blame the value an override changed, when one did */
        const sc_node *start = sc_map_get(map, "start"), *end = sc_map_get(map, "end");
        if (from_set(c, start) && !from_set(c, end))
            sc_error(c, start, "calendar start %d is after its end %d", s->start_year, s->end_year);
        else
            sc_error(c, node_or(map, "end"), "calendar end %d is before its start %d", s->end_year,
                     s->start_year);
        return;
    }
    c->calendar_ok = 1;
}

void sc_check_country(sc_ctx *c, void *obj, const sc_node *map)
{
    tr_country *k = obj;
    const tr_path *b = &k->basic_share, *a = &k->applied_share;
    for (int pass = 0; pass < 2; pass++) {
        const tr_path *p = pass ? a : b;
        for (int i = 0; i < p->n; i++) {
            double y = p->year[i];
            double sum = tr_path_at(b, y) + tr_path_at(a, y);
            if (sum > 1 + 1e-9) {
                char ys[32], ss[32];
                const sc_node *bn = sc_map_get(map, "basic_share"), *an = sc_map_get(map, "applied_share");
                /* blame an override when one of the two came from --set */
                const sc_node *at = set_part(c, an);
                if (!at)
                    at = set_part(c, bn);
                if (!at)
                    at = an ? an : node_or(map, "basic_share");
                if (p->n == 1 && (pass ? b : a)->n == 1)
                    sc_error(c, at, "basic_share + applied_share = %s exceeds 1", fmt_num(ss, sizeof ss, sum));
                else
                    sc_error(c, at, "basic_share + applied_share = %s exceeds 1 in %s",
                             fmt_num(ss, sizeof ss, sum), fmt_num(ys, sizeof ys, y));
                return;
            }
        }
    }
}

void sc_check_tracker(sc_ctx *c, void *obj, const sc_node *map)
{
    tr_params_tracker *t = obj;
    const sc_node *mr = sc_map_get(map, "medium_ratio"), *hr = sc_map_get(map, "high_ratio");
    const sc_node *mt = sc_map_get(map, "medium_top10"), *ht = sc_map_get(map, "high_top10");
    /* blame the value an override changed, when one did */
    if (t->medium_ratio > t->high_ratio) {
        if (from_set(c, hr) && !from_set(c, mr))
            sc_error(c, hr, "high_ratio %g must not be below medium_ratio %g", t->high_ratio, t->medium_ratio);
        else
            sc_error(c, node_or(map, "medium_ratio"), "medium_ratio %g must not exceed high_ratio %g",
                     t->medium_ratio, t->high_ratio);
    }
    if (t->medium_top10 > t->high_top10) {
        if (from_set(c, ht) && !from_set(c, mt))
            sc_error(c, ht, "high_top10 %d must not be below medium_top10 %d", t->high_top10, t->medium_top10);
        else
            sc_error(c, node_or(map, "medium_top10"), "medium_top10 %d must not exceed high_top10 %d",
                     t->medium_top10, t->high_top10);
    }
}

void sc_check_event(sc_ctx *c, void *obj, const sc_node *map)
{
    tr_event *e = obj;
    const tr_scenario *s = c->s;
    char a[32], b[32];
    /* Events may lie partly or wholly outside the calendar (so that a run can
     * shorten the calendar with --set calendar.end=...): one that started
     * before it is in force from the first step, one that starts after it
     * never takes effect. */
    if (e->start >= 1900 && isfinite(e->end) && e->end <= e->start) {
        const sc_node *sn = sc_map_get(map, "start"), *en = sc_map_get(map, "end");
        /* blame the value an override changed, when one did */
        if (from_set(c, sn) && !from_set(c, en))
            sc_error(c, sn, "event starts (%s) after or when it ends (%s)", fmt_num(b, sizeof b, e->start),
                     fmt_num(a, sizeof a, e->end));
        else
            sc_error(c, node_or(map, "end"), "event ends (%s) before or when it starts (%s)",
                     fmt_num(a, sizeof a, e->end), fmt_num(b, sizeof b, e->start));
    }
    if (e->kind == TR_EV_SELF_SUFFICIENCY && e->start >= 1900 && e->by <= e->start) {
        const sc_node *bn = sc_map_get(map, "by");
        sc_error(c, bn ? bn : map, "a self-sufficiency target must be for a year after the event starts: 'by' is %s, "
                 "'start' %s", fmt_num(a, sizeof a, e->by), fmt_num(b, sizeof b, e->start));
    }
    if (e->actor >= 0)
        for (int i = 0; i < e->n_countries; i++)
            if (e->countries[i] == e->actor) {
                const sc_node *an = sc_map_get(map, "actor"), *cn = sc_map_get(map, "countries");
                sc_error(c, from_set(c, an) && !set_part(c, cn) ? an : node_or(map, "countries"),
                         "the actor '%s' cannot also be one of the event's countries", s->countries[e->actor].id);
            }
}

/* ---- the whole load ---------------------------------------------------- */


static int load_impl(sc_ctx *c, const tr_scenario_source *src)
{
    const char *name, *ident, *text;
    size_t len;
    if (src->path) {
        int err;
        name = src->path;
        text = read_file(c, name, &len, &err);
        if (!text) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, name, 0, 0, "cannot read file: %s", strerror(err));
            c->nerr++;
            return TR_ERR_IO;
        }
        ident = identity(c, name);
    } else if (src->text) {
        name = src->text_name ? src->text_name : "<text>";
        text = src->text;
        len = strlen(text);
        ident = src->text == tr_default_scenario_yaml ? "default" : "<text>";
    } else {
        tr_diag_add(c->diag, TR_DIAG_ERROR, NULL, 0, 0, "no scenario file or text given");
        c->nerr++;
        return TR_ERR_INPUT;
    }
    name = sc_strdup(c, &c->tmp, name);

    int bad = 0;
    sc_node *root = load_tree(c, name, ident, text, len, &bad);
    if (!root || bad)
        return TR_ERR_INPUT;

    for (int i = 0; i < c->n_overrides; i++) {
        if (!c->overrides[i]) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, "--set", i + 1, 1, "missing override text");
            c->nerr++;
            continue;
        }
        apply_override(c, root, i);
    }

    sc_owner *own = tr_xcalloc(1, sizeof *own);
    if (!own)
        sc_oom(c);
    tr_arena_init(&own->arena, NULL);
    c->owner = own;
    c->out = &own->arena;
    tr_scenario *s = &own->s;
    c->s = s;
    c->kind = -1;
    set_defaults(c, &sc_schema_scenario, (char *)s);
    convert_map(c, &sc_schema_scenario, (char *)s, root);
    if (c->nerr)
        return TR_ERR_INPUT;

    char *resolved = sc_emit(c, root);
    if (!resolved)
        sc_oom(c);
    s->resolved_text = sc_strdup(c, c->out, resolved);
    snprintf(s->hash, sizeof s->hash, "%016" PRIx64, sc_hash_str(resolved));
    s->source_name = sc_strdup(c, c->out, src->path ? src->path : name);
    s->n_overrides = c->n_overrides;
    if (c->n_overrides > 0) {
        s->overrides = sc_out_alloc(c, (size_t)c->n_overrides * sizeof *s->overrides);
        for (int i = 0; i < c->n_overrides; i++)
            s->overrides[i] = sc_strdup(c, c->out, c->overrides[i]);
    }
    return TR_OK;
}

static int load_guarded(sc_ctx *c, const tr_scenario_source *src)
{
    if (setjmp(c->oom))
        return TR_ERR_NOMEM;
    return load_impl(c, src);
}

int tr_scenario_load(tr_scenario **out, const tr_scenario_source *src, tr_diag *diag)
{
    tr_diag local;
    tr_diag_init(&local);
    if (out)
        *out = NULL;
    sc_ctx *c = calloc(1, sizeof *c);
    if (!c || !out || !src) {
        free(c);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, c ? "no scenario given" : "out of memory");
        return c ? TR_ERR_INPUT : TR_ERR_NOMEM;
    }
    c->diag = diag ? diag : &local;
    tr_arena_init(&c->tmp, NULL);
    c->overrides = src->n_overrides > 0 ? src->overrides : NULL;
    c->n_overrides = c->overrides ? src->n_overrides : 0;
    c->set_file = "--set";
    int rc = load_guarded(c, src);
    if (c->event_live)
        yaml_event_delete(&c->event);
    if (c->parser_live)
        yaml_parser_delete(&c->parser);
    if (c->emitter_live)
        yaml_emitter_delete(&c->emitter);
    if (c->fp)
        fclose(c->fp);
    free(c->buf);
    tr_arena_free(&c->tmp);
    if (rc == TR_ERR_NOMEM)
        tr_diag_add(c->diag, TR_DIAG_ERROR, src->path ? src->path : src->text_name, 0, 0,
                    "out of memory while loading the scenario");
    if (rc == TR_OK) {
        *out = &c->owner->s;
    } else if (c->owner) {
        tr_arena_free(&c->owner->arena);
        free(c->owner);
    }
    free(c);
    tr_diag_free(&local);
    return rc;
}
