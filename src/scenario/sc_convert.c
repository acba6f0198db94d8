/* sc_convert.c — conversion of the resolved tree to a tr_scenario through
 * the schema tables (sc_schema.c): defaults, types, ranges, references by id;
 * every problem is reported with its file:line:col. Cross-field checks are
 * called through the schema (sc_check.c). */
#include "scenario/sc_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K(k) (1u << (k))

static const char *const ref_names[] = {"item", "category", "technology", "country"};

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
        sc_error(c, at, "unknown %s '%s' (did you mean '%s'?)", what, sc_clip(c, word), sc_clip(c, s));
    else
        sc_error(c, at, "unknown %s '%s'", what, sc_clip(c, word));
}

/* "between 0 and 1", "> 0 and <= 1e+06" */
static void range_text(const sc_field *f, char *buf, size_t n)
{
    char a[32], b[32];
    sc_fmt_num(a, sizeof a, f->min);
    sc_fmt_num(b, sizeof b, f->max);
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
    sc_error(c, v, "'%s' must be %s, got %s", f->key, r, sc_clip(c, v->str));
    return 0;
}

static int get_number(sc_ctx *c, const char *key, const sc_node *v, double *out)
{
    if (v->kind != SC_SCALAR || sc_is_null(v)) {
        sc_type_error(c, v, "a number", key);
        return 0;
    }
    if (v->quoted) {
        sc_error(c, v, "expected a number for '%s', got the string \"%s\"", key, sc_clip(c, v->str));
        return 0;
    }
    if (!sc_parse_number(v->str, out)) {
        sc_type_error(c, v, "a number", key);
        return 0;
    }
    return 1;
}

static int get_number_quiet(const sc_node *v, double *out)
{
    return v->kind == SC_SCALAR && !v->quoted && sc_parse_number(v->str, out);
}

/* true or false (YAML 1.2 core spellings); reports and returns -1 otherwise. */
static int get_scalar_text(sc_ctx *c, const sc_field *f, const sc_node *v, const char *what)
{
    if (v->kind != SC_SCALAR || sc_is_null(v)) {
        sc_type_error(c, v, what, f->key);
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
        sc_error(c, v, "'%s' is too long: '%s' (at most %d characters)", key, sc_clip(c, s), TR_ID_MAX - 1);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-')) {
            sc_error(c, v, "invalid %s '%s': use only letters, digits, '_' and '-'", key, sc_clip(c, s));
            return 0;
        }
    }
    if (!strcmp(s, "all")) {
        sc_error(c, v, "'all' is reserved and cannot be used as an id");
        return 0;
    }
    return 1;
}

/* ---- conversion -------------------------------------------------------- */


static void const_path(sc_ctx *c, tr_path *p, double v)
{
    p->n = 1;
    p->year = sc_out_alloc(c, sizeof(double));
    p->value = sc_out_alloc(c, sizeof(double));
    p->year[0] = c->s->start_year;
    p->value[0] = v;
}

void sc_set_defaults(sc_ctx *c, const sc_schema *sch, char *obj)
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
            sc_set_defaults(c, f->sub, p);
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
        sc_type_error(c, v, "a number or a mapping year -> value", f->key);
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
        if (!sc_parse_year(k, &y)) {
            if (k->quoted) /* "2000": a string, not the year it spells */
                sc_error(c, k, "expected a year as key of '%s', got the string \"%s\"", f->key, sc_clip(c, k->str));
            else
                sc_error(c, k, "expected a year as key of '%s', got '%s'", f->key, sc_clip(c, k->str));
            ok = 0;
            continue;
        }
        if (!(y >= 1900 && y <= 2200)) {
            sc_error(c, k, "year %s in '%s' is out of range (1900 to 2200)", sc_clip(c, k->str), f->key);
            ok = 0;
            continue;
        }
        if (i > 0 && ok && !(y > p.year[i - 1])) {
            sc_error(c, k, "years in '%s' must be strictly increasing: %s comes after %s", f->key, sc_clip(c, k->str),
                     sc_clip(c, v->keys[i - 1]->str));
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
        sc_type_error(c, e, "a technology or category id", "technologies");
        return 0;
    }
    if (!strcmp(e->str, "all")) {
        memset(mark, 1, (size_t)s->n_tech);
        return 1;
    }
    int t = sc_ref_lookup(c, SC_REF_TECH, e->str);
    if (t >= 0 && t < s->n_tech) {
        mark[t] = 1;
        return 1;
    }
    int k = sc_ref_lookup(c, SC_REF_CATEGORY, e->str);
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
        sc_type_error(c, v, "a list", f->key);
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
            const char *id = v->vals[i]->kind == SC_MAP ? sc_id_of_item(v->vals[i]) : NULL;
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
        sc_set_defaults(c, sub, o);
        if (item->kind != SC_MAP) {
            sc_error(c, item, "expected a mapping for each item of '%s', got %s", f->key,
                     item->kind == SC_SEQ ? "a list" : "a single value");
            continue;
        }
        sc_convert_map(c, sub, o, item);
        if (seen_idx >= 0) {
            const char *id = o + sub->fields[seen_idx].off;
            if (!*id)
                continue;
            int first = sc_idmap_get(seen, id);
            if (first >= 0) {
                sc_error(c, sc_map_get(item, "id"), "duplicate id '%s' in '%s'", sc_clip(c, id), f->key);
                sc_note(c, sc_map_get(v->vals[first], "id"), "'%s' first defined here", sc_clip(c, id));
            } else {
                sc_idmap_put(c, seen, sc_strdup(c, &c->tmp, id), i);
            }
        }
    }
}

/* Drop from strength mapping v each technology key that a category key
 * of a later layer covers, and put what remains in one layer. */
static void collapse_layers(sc_ctx *c, sc_node *v)
{
    int n = 0;
    for (int i = 0; i < v->n; i++) {
        const int t = sc_ref_lookup(c, SC_REF_TECH, v->keys[i]->str);
        int covered = 0;
        for (int j = 0; t >= 0 && t < c->s->n_tech && j < v->n && !covered; j++)
            covered = v->keys[j]->layer > v->keys[i]->layer &&
                      sc_ref_lookup(c, SC_REF_CATEGORY, v->keys[j]->str) == c->s->techs[t].category &&
                      sc_ref_lookup(c, SC_REF_TECH, v->keys[j]->str) < 0;
        if (covered)
            continue;
        v->keys[n] = v->keys[i];
        v->vals[n] = v->vals[i];
        n++;
    }
    v->n = n;
    for (int i = 0; i < n; i++)
        v->keys[i]->layer = 0;
}

static void convert_field(sc_ctx *c, const sc_field *f, char *obj, const sc_node *v)
{
    char *p = obj + f->off;
    double d;
    switch (f->type) {
    case SC_F_STR:
        if (v->kind != SC_SCALAR) {
            sc_type_error(c, v, "a string", f->key);
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
            sc_type_error(c, v, "a string", f->key);
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
            sc_error(c, v, "expected a whole number for '%s', got %s", f->key, sc_clip(c, v->str));
            return;
        }
        *(int *)(void *)p = (int)d;
        return;
    case SC_F_BOOL: {
        int b = sc_get_bool(c, f->key, v);
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
                     sc_clip(c, v->str));
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
        if (!sc_parse_year(v, &d)) {
            if (v->kind == SC_SCALAR && v->quoted) /* "2006": a string, not the year it spells */
                sc_error(c, v,
                         "expected a year (2006, 2006.5) or a quarter (\"2006Q2\") for '%s', got the string \"%s\"",
                         f->key, sc_clip(c, v->str));
            else if (v->kind == SC_SCALAR && !sc_is_null(v))
                sc_error(c, v, "expected a year (2006, 2006.5) or a quarter (\"2006Q2\") for '%s', got '%s'",
                         f->key, sc_clip(c, v->str));
            else
                sc_type_error(c, v, "a year", f->key);
            return;
        }
        if (!(d >= f->min && d <= f->max)) {
            sc_error(c, v, "'%s' must be a year between %.0f and %.0f, got %s", f->key, f->min, f->max, sc_clip(c, v->str));
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
        int i = sc_ref_lookup(c, f->ref, v->str);
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
            sc_type_error(c, v, "a list of ids", f->key);
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
                sc_type_error(c, e, "a country id", f->key);
                ok = 0;
                continue;
            }
            int k = sc_ref_lookup(c, SC_REF_COUNTRY, e->str);
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
            sc_type_error(c, v, "a mapping id -> value", f->key);
            return;
        }
        double *arr = *(double **)(void *)p;
        const tr_scenario *s = c->s;
        for (int i = 0; i < v->n; i++) { /* every key once: known, a number, in range */
            const sc_node *k = v->keys[i];
            if (sc_ref_lookup(c, SC_REF_TECH, k->str) < 0 && sc_ref_lookup(c, SC_REF_CATEGORY, k->str) < 0)
                unknown_ref(c, k, SC_REF_TECH, 1, k->str);
            else if (get_number(c, f->key, v->vals[i], &d))
                check_range(c, f, v->vals[i], d);
        }
        /* Layers (the file lowest in the include chain first, --set last;
         * sc_merge.c): a category written in a later layer replaces the
         * technology keys of that category written in earlier ones, so
         * those are dropped from the tree (which the resolved text is
         * emitted from: it must read back to the same values); then, in
         * what remains, categories first and technologies override. */
        collapse_layers(c, (sc_node *)v);
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < v->n; i++) {
                const sc_node *k = v->keys[i];
                if (!arr || !get_number_quiet(v->vals[i], &d) || !in_range(f, d))
                    continue;
                int t = sc_ref_lookup(c, SC_REF_TECH, k->str);
                int cat = t < 0 ? sc_ref_lookup(c, SC_REF_CATEGORY, k->str) : -1;
                if (pass == 0 && cat >= 0) {
                    for (int j = 0; j < s->n_tech; j++)
                        if (s->techs[j].category == cat)
                            arr[j] = d;
                } else if (pass == 1 && t >= 0 && t < s->n_tech) {
                    arr[t] = d;
                }
            }
        return;
    }
    case SC_F_SPILL: {
        if (v->kind != SC_MAP) {
            sc_type_error(c, v, "a mapping technology id -> weight", f->key);
            return;
        }
        tr_link *links = v->n ? sc_out_alloc(c, (size_t)v->n * sizeof *links) : NULL;
        int n = 0;
        double sum = 0;
        const char *self = ((const tr_technology *)(const void *)obj)->id;
        for (int i = 0; i < v->n; i++) {
            const sc_node *k = v->keys[i];
            int t = sc_ref_lookup(c, SC_REF_TECH, k->str);
            if (t < 0) {
                unknown_ref(c, k, SC_REF_TECH, 0, k->str);
                continue;
            }
            if (*self && !strcmp(self, k->str)) {
                if (!strcmp(f->key, "inputs"))
                    sc_error(c, k, "a technology cannot be its own input ('%s')", sc_clip(c, k->str));
                else
                    sc_error(c, k, "a technology cannot spill over to itself ('%s')", sc_clip(c, k->str));
                continue;
            }
            if (!get_number(c, f->key, v->vals[i], &d) || !check_range(c, f, v->vals[i], d))
                continue;
            links[n].to = t;
            links[n].weight = d;
            sum += d;
            n++;
        }
        /* input shares are parts of one unit cost: together at most the field's maximum */
        if (!strcmp(f->key, "inputs") && sum > f->max * (1 + 1e-12)) {
            /* blame a share written by the file that changed the mapping (the
             * last value from another file than the mapping's: an overlay
             * that only changes a share keeps the base file's key), else the
             * mapping */
            const sc_node *at = v;
            for (int i = 0; i < v->n; i++)
                if (strcmp(v->vals[i]->file, v->file))
                    at = v->vals[i];
            sc_error(c, at, "the input shares of '%s' sum to %g: at most %g of a unit cost can be bought inputs",
                     sc_clip(c, self), sum, f->max);
        }
        *(tr_link **)(void *)p = links;
        *(int *)(void *)(obj + f->off_n) = n;
        return;
    }
    case SC_F_SUB:
        if (v->kind != SC_MAP) {
            sc_type_error(c, v, "a mapping", f->key);
            return;
        }
        sc_convert_map(c, f->sub, p, v);
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
    const char *id = sc_id_of_item(map);
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
        sc_type_error(c, v, "an event type", f->key);
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
    if (s) {
        sc_error(c, v, "unknown event type '%s' (did you mean '%s'?)", sc_clip(c, v->str), sc_clip(c, s));
        return;
    }
    /* every kind, from the one table: "a, b, ... or z" */
    char list[512];
    size_t o = 0;
    list[0] = 0;
    for (int k = 0; k < TR_EV_KIND_COUNT && o < sizeof list; k++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k == 0 ? "" : k == TR_EV_KIND_COUNT - 1 ? " or " : ", ",
                              sc_kind_names[k]);
    sc_error(c, v, "unknown event type '%s' (expected %s)", sc_clip(c, v->str), list);
}

/* Lists and mappings: an explicit null for an optional one means its default. */
static int is_container(sc_ftype t)
{
    return t == SC_F_LIST || t == SC_F_SUB || t == SC_F_REFLIST || t == SC_F_TECHLIST || t == SC_F_STRENGTH ||
           t == SC_F_SPILL;
}
void sc_convert_map(sc_ctx *c, const sc_schema *sch, char *obj, const sc_node *map)
{
    int saved_kind = c->kind;
    int has_kind = 0;
    const sc_node *kind_node = NULL;
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
        kind_node = v;
    }
    /* keys in document order: unknown or not applicable */
    for (int i = 0; i < map->n; i++) {
        const sc_node *k = map->keys[i];
        const sc_field *f = sc_find_field(sch, k->str);
        if (!f) {
            sc_unknown_key(c, k, k->str, sch);
        } else if (has_kind && f->kinds && c->kind >= 0 && !(f->kinds & K(c->kind))) {
            sc_error(c, k, "key '%s' does not apply to events of type '%s'", sc_clip(c, k->str), sc_kind_names[c->kind]);
            /* the type came from another file or an override: say where */
            if (kind_node && (!kind_node->file || !k->file || strcmp(kind_node->file, k->file) != 0)) {
                sc_note(c, kind_node, "the event's type is set to '%s' here", sc_kind_names[c->kind]);
                kind_node = NULL; /* once per event */
            }
        }
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
                if (!sc_misspelled_key(map, sch, f->key)) /* else the unknown key's error names it */
                    sc_error(c, map, "missing required key '%s' in %s", f->key,
                             item_label(sch, map, label, sizeof label));
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
                const char *id = sc_id_of_item(map);
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
