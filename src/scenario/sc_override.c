/* sc_override.c — `--set key.path=value` overrides, applied to the merged
 * tree before conversion: the path is walked through the schema (items of
 * lists by id), the value parsed as YAML and positioned in the override text
 * for messages. */
#include "scenario/sc_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- overrides --------------------------------------------------------- */

static void map_set(sc_ctx *c, sc_node *map, sc_node *key, sc_node *val, int sorted_years, int layered)
{
    if (layered) /* a strength key set by an override is above everything written before */
        key->layer = sc_next_layer(map);
    int i = sc_map_find(map, key->str);
    if (i >= 0) {
        if (layered)
            map->keys[i] = key;
        map->vals[i] = val;
        return;
    }
    sc_map_add(c, map, key, val);
    double y, yi;
    if (!sorted_years || !sc_parse_year(key, &y))
        return;
    /* keep the points of a time path in order */
    int pos = map->n - 1;
    while (pos > 0 && sc_parse_year(map->keys[pos - 1], &yi) && yi > y) {
        map->keys[pos] = map->keys[pos - 1];
        map->vals[pos] = map->vals[pos - 1];
        pos--;
    }
    map->keys[pos] = key;
    map->vals[pos] = val;
}

/* The shortest text that reads back as v. */
static void format_number(char *buf, size_t n, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* A new scalar holding v, positioned at `at`. */
static sc_node *number_node(sc_ctx *c, const sc_node *at, double v)
{
    char num[40];
    format_number(num, sizeof num, v);
    return sc_new_scalar(c, at->file, at->line, at->col, sc_strdup(c, &c->tmp, num), 0);
}

/* old_val scaled (op '*') or shifted (op '+') by x, as a new scalar;
 * rounded to a whole number for an integer key. */
static sc_node *apply_op(sc_ctx *c, const sc_node *at, const sc_node *old_val, char op, double x, int whole)
{
    char *end = NULL;
    double v = old_val->kind == SC_SCALAR && !old_val->quoted ? strtod(old_val->str, &end) : NAN;
    if (!end || end == old_val->str || *end || !isfinite(v)) {
        sc_error(c, at, "cannot %s a value that is not a number ('%s')", op == '*' ? "scale" : "shift",
                 old_val->kind == SC_SCALAR ? sc_clip(c, old_val->str) : "a mapping");
        return NULL;
    }
    double r = op == '*' ? v * x : v + x;
    return number_node(c, at, whole ? round(r) : r);
}

/* key*=F or key+=D on a category of a strength mapping that does not list
 * the category itself: scales or shifts the value of each of its
 * technologies (the one listed, else map_def), written as technology keys
 * above everything before. Returns 1 when seg is a category with
 * technologies (done, or an error reported), 0 otherwise. */
static int scale_category(sc_ctx *c, const sc_node *root, sc_node *map, const char *seg, const sc_node *at, char op,
                          double operand, double map_def)
{
    const sc_node *techs = sc_map_get(root, "technologies");
    if (!techs || techs->kind != SC_SEQ)
        return 0;
    int found = 0;
    for (int i = 0; i < techs->n; i++) {
        const sc_node *t = techs->vals[i];
        const sc_node *cat = t && t->kind == SC_MAP ? sc_map_get(t, "category") : NULL;
        const sc_node *id = t && t->kind == SC_MAP ? sc_map_get(t, "id") : NULL;
        if (!cat || cat->kind != SC_SCALAR || !id || id->kind != SC_SCALAR || strcmp(cat->str, seg) != 0)
            continue;
        found = 1;
        sc_node *old_val = sc_map_get(map, id->str);
        if (!old_val) {
            old_val = number_node(c, at, map_def);
        } else if (old_val->kind != SC_SCALAR) {
            sc_error(c, at, "'%s' has no value here to scale or shift", sc_clip(c, id->str));
            return 1;
        }
        sc_node *val = apply_op(c, at, old_val, op, operand, 0);
        if (!val)
            return 1;
        sc_node *key = sc_new_scalar(c, at->file, at->line, at->col, sc_strdup(c, &c->tmp, id->str), 0);
        map_set(c, map, key, val, 0, 1);
    }
    return found;
}

void sc_apply_override(sc_ctx *c, sc_node *root, int idx)
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
    /* key*=F scales a number or every point of a time path, key+=D shifts it */
    char op = eq > txt && (eq[-1] == '*' || eq[-1] == '+') ? eq[-1] : 0;
    const char *kend = op ? eq - 1 : eq; /* end of the key path */
    if (kend == txt) {
        sc_error(c, &at, "missing key path before '%s'", op == '*' ? "*=" : op == '+' ? "+=" : "=");
        return;
    }
    double operand = 0;
    if (op) {
        char *end = NULL;
        operand = strtod(eq + 1, &end);
        at.col = (int)(eq - txt) + 2;
        if (!eq[1] || *end || !isfinite(operand)) {
            sc_error(c, &at, "'%s' wants a number after it, got '%s'", op == '*' ? "*=" : "+=", sc_clip(c, eq + 1));
            return;
        }
        at.col = 1;
    }
    /* the value, positioned inside the override text */
    int vcol = (int)(eq - txt) + 2;
    sc_node *val;
    if (op) {
        val = NULL; /* computed from the current value below */
    } else if (!eq[1]) {
        val = sc_new_scalar(c, file, line, vcol, "", 0);
    } else {
        int damaged;
        c->pos_line = line;
        c->pos_col_off = vcol - 1;
        size_t vlen = strlen(eq + 1);
        c->pos_len = vlen > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)vlen;
        val = sc_parse(c, eq + 1, strlen(eq + 1), file, &damaged);
        c->pos_line = 0;
        c->pos_col_off = 0;
        if (!val || damaged)
            return;
    }

    const sc_schema *sch = &sc_schema_scenario;
    sc_node *cur = root;
    int free_map = 0, path_map = 0, strength_map = 0;
    double map_def = 0; /* a strength mapping's value for a technology it does not list */
    const char *p = txt;
    while (p < kend) {
        const char *end = p;
        while (end < kend && *end != '.')
            end++;
        int last = end == kend;
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
        if (!last && p == kend) {
            at.col = (int)(p - txt) + 1;
            sc_error(c, &at, "empty key in path");
            return;
        }
        sc_node *key = sc_new_scalar(c, file, line, at.col, seg, 0);

        if (free_map) {
            if (!last) {
                sc_error(c, &at, "'%s' has no keys below it", sc_clip(c, seg));
                return;
            }
            if (op) {
                sc_node *old_val = sc_map_get(cur, seg);
                if (!old_val && strength_map && scale_category(c, root, cur, seg, &at, op, operand, map_def))
                    return;
                if (!old_val || old_val->kind != SC_SCALAR) {
                    sc_error(c, &at, "'%s' has no value here to scale or shift", sc_clip(c, seg));
                    return;
                }
                val = apply_op(c, &at, old_val, op, operand, 0);
                if (!val)
                    return;
            }
            map_set(c, cur, key, val, path_map, strength_map);
            return;
        }
        const sc_field *f = sc_find_field(sch, seg);
        if (!f) {
            sc_unknown_key(c, &at, seg, sch);
            return;
        }
        if (f->type == SC_F_INCLUDE) {
            sc_error(c, &at, "'include' cannot be set with --set");
            return;
        }
        if (last && op) {
            if (f->type != SC_F_NUM && f->type != SC_F_INT && f->type != SC_F_PATH) {
                sc_error(c, &at, "'%s' is not a number or a time path: it cannot be scaled or shifted",
                         sc_clip(c, seg));
                return;
            }
            sc_node *old_val = sc_map_get(cur, seg);
            if (!old_val) /* not in the file: the default */
                old_val = number_node(c, &at, f->def);
            if (old_val->kind == SC_MAP && f->type == SC_F_PATH) {
                sc_node *np = sc_new_node(c, SC_MAP, file, line, at.col);
                for (int i = 0; i < old_val->n; i++) {
                    sc_node *v = apply_op(c, &at, old_val->vals[i], op, operand, 0);
                    if (!v)
                        return;
                    sc_map_add(c, np, old_val->keys[i], v);
                }
                val = np;
            } else {
                val = apply_op(c, &at, old_val, op, operand, f->type == SC_F_INT);
                if (!val)
                    return;
            }
            map_set(c, cur, key, val, 0, 0);
            return;
        }
        if (last) {
            map_set(c, cur, key, val, 0, 0);
            return;
        }
        sc_node *child = sc_map_get(cur, seg);
        switch (f->type) {
        case SC_F_SUB:
            if (!child) {
                child = sc_new_node(c, SC_MAP, file, line, at.col);
                sc_map_add(c, cur, key, child);
            } else if (child->kind != SC_MAP) {
                sc_error(c, &at, "cannot set keys below '%s': it is not a mapping", sc_clip(c, seg));
                return;
            }
            cur = child;
            sch = f->sub;
            break;
        case SC_F_LIST: {
            if (child && child->kind != SC_SEQ && !sc_is_null(child)) {
                sc_error(c, &at, "cannot set items of '%s': it is not a list", sc_clip(c, seg));
                return;
            }
            /* the next segment selects an item by id */
            const char *q = p;
            const char *qe = q;
            while (qe < kend && *qe != '.')
                qe++;
            size_t il = (size_t)(qe - q);
            char *id = sc_alloc(c, il + 1);
            memcpy(id, q, il);
            id[il] = 0;
            at.col = (int)(q - txt) + 1;
            if (qe == kend) {
                sc_error(c, &at, "cannot replace a whole %s with --set; set its keys one by one "
                         "(e.g. %.*s.%s.name=...)", f->sub->name, (int)(q - txt - 1), txt, sc_clip(c, id));
                return;
            }
            sc_node *item = NULL;
            int n = child && child->kind == SC_SEQ ? child->n : 0;
            const char **ids = sc_alloc(c, (size_t)(n + 1) * sizeof *ids);
            for (int i = 0; i < n; i++) {
                ids[i] = child->vals[i]->kind == SC_MAP ? sc_id_of_item(child->vals[i]) : NULL;
                if (ids[i] && !strcmp(ids[i], id) && !item)
                    item = child->vals[i];
            }
            if (!item) {
                const char *sug = sc_suggest_id(id, ids, n);
                if (sug)
                    sc_error(c, &at, "no %s with id '%s' (did you mean '%s'?)", f->sub->name, sc_clip(c, id), sc_clip(c, sug));
                else
                    sc_error(c, &at, "no %s with id '%s'", f->sub->name, sc_clip(c, id));
                return;
            }
            cur = item;
            sch = f->sub;
            p = qe + 1;
            if (p >= kend) {
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
                sc_error(c, &at, "cannot set keys below '%s': it is not a mapping here; set it whole", sc_clip(c, seg));
                return;
            }
            cur = child;
            free_map = 1;
            path_map = f->type == SC_F_PATH;
            strength_map = f->type == SC_F_STRENGTH;
            map_def = f->def;
            break;
        default:
            sc_error(c, &at, "'%s' is a single value and has no keys below it", sc_clip(c, seg));
            return;
        }
    }
}
