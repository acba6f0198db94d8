/* sc_util.c — small helpers shared by the stages of the loader: describing
 * nodes in messages, schema lookups, typed reads of scalars (booleans,
 * years), id lookups, and telling which nodes a --set override wrote. */
#include "scenario/sc_internal.h"

#include <stdio.h>
#include <string.h>

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

void sc_type_error(sc_ctx *c, const sc_node *v, const char *what, const char *key)
{
    const char *d = describe(v);
    if (d)
        sc_error(c, v, "expected %s for '%s', got %s", what, sc_clip(c, key), d);
    else
        sc_error(c, v, "expected %s for '%s', got '%s'", what, sc_clip(c, key), sc_clip(c, v->str));
}

const char *sc_id_of_item(const sc_node *item)
{
    const sc_node *id = sc_map_get(item, "id");
    if (!id || id->kind != SC_SCALAR || sc_is_null(id))
        return NULL;
    return id->str;
}

const sc_field *sc_find_field(const sc_schema *sch, const char *key)
{
    for (int i = 0; i < sch->n_fields; i++)
        if (!strcmp(sch->fields[i].key, key))
            return &sch->fields[i];
    return NULL;
}

/* The keys of a schema as did-you-mean candidates; their number. */
static int field_keys(const sc_schema *sch, const char **cands, int max)
{
    int n = 0;
    for (int i = 0; i < sch->n_fields && n < max; i++)
        cands[n++] = sch->fields[i].key;
    return n;
}

void sc_unknown_key(sc_ctx *c, const sc_node *at, const char *key, const sc_schema *sch)
{
    const char *cands[64];
    const char *s = sc_suggest(key, cands, field_keys(sch, cands, 64));
    if (s)
        sc_error(c, at, "unknown key '%s' in %s (did you mean '%s'?)", sc_clip(c, key), sch->name, sc_clip(c, s));
    else
        sc_error(c, at, "unknown key '%s' in %s", sc_clip(c, key), sch->name);
}

int sc_misspelled_key(const sc_node *map, const sc_schema *sch, const char *key)
{
    const char *cands[64];
    int n = field_keys(sch, cands, 64);
    for (int i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->str;
        const char *s = sc_find_field(sch, k) ? NULL : sc_suggest(k, cands, n);
        if (s && !strcmp(s, key))
            return 1;
    }
    return 0;
}

/* did-you-mean over the ids of a reference kind (technology lookups also
 * offer category ids when cats is set). */

const char *sc_fmt_num(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.10g", v);
    return buf;
}


int sc_get_bool(sc_ctx *c, const char *key, const sc_node *v)
{
    const char *t = v->kind == SC_SCALAR && !v->quoted ? v->str : NULL;
    if (t && (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE")))
        return 1;
    if (t && (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE")))
        return 0;
    if (v->kind == SC_SCALAR && v->quoted)
        sc_error(c, v, "expected true or false for '%s', got the string \"%s\"", sc_clip(c, key), sc_clip(c, v->str));
    else
        sc_type_error(c, v, "true or false", key);
    return -1;
}

/* Whether a node was written by a --set override (or lies in a mapping that
 * one created). */
int sc_from_set(const sc_ctx *c, const sc_node *n)
{
    return n && c->set_file && n->file == c->set_file;
}

/* The node written by an override within a value: the value itself, or for a
 * mapping (a time path, say) the first key or value that an override set;
 * NULL when none. */
const sc_node *sc_set_part(const sc_ctx *c, const sc_node *n)
{
    if (!n)
        return NULL;
    if (sc_from_set(c, n))
        return n;
    if (n->kind == SC_MAP)
        for (int i = 0; i < n->n; i++) {
            if (sc_from_set(c, n->vals[i]))
                return n->vals[i];
            if (sc_from_set(c, n->keys[i]))
                return n->keys[i];
        }
    return NULL;
}

/* A year: a number, or a quarter "2006Q2" = 2006.25. */
int sc_parse_year(const sc_node *v, double *out)
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


int sc_ref_lookup(sc_ctx *c, int ref, const char *id)
{
    return sc_idmap_get(c->ids[ref], id);
}


const sc_node *sc_node_or(const sc_node *map, const char *key)
{
    const sc_node *n = sc_map_get(map, key);
    return n ? n : map;
}
