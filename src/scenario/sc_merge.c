/* sc_merge.c — merging node trees: an included file under the one that
 * includes it. Mappings merge key by key, lists of items with ids merge item
 * by item (`remove: true` drops one), time paths and other values replace. */
#include "scenario/sc_internal.h"

#include <string.h>

/* ---- merging ----------------------------------------------------------- */

static int is_idseq(const sc_node *n)
{
    if (n->kind != SC_SEQ || n->n == 0)
        return 0;
    for (int i = 0; i < n->n; i++)
        if (n->vals[i]->kind != SC_MAP || !sc_id_of_item(n->vals[i]))
            return 0;
    return 1;
}


/* The schema of the values below a key of a mapping with schema sch (NULL
 * when unknown); *replace is set for values that replace rather than merge
 * (time paths: the points written are the points used). */
static const sc_schema *child_schema(const sc_schema *sch, const char *key, int *replace)
{
    *replace = 0;
    const sc_field *f = sch ? sc_find_field(sch, key) : NULL;
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
        sc_idmap_put(c, have, sc_id_of_item(res->vals[i]), i);
    sc_idmap *seen = sc_idmap_new(c, (size_t)over->n);
    int removed = 0;
    for (int i = 0; i < over->n; i++) {
        sc_node *item = over->vals[i];
        const char *id = sc_id_of_item(item);
        int first = sc_idmap_get(seen, id);
        if (first >= 0) {
            sc_error(c, sc_map_get(item, "id"), "duplicate id '%s'", sc_clip(c, id));
            sc_note(c, sc_map_get(over->vals[first], "id"), "'%s' first defined here", sc_clip(c, id));
            continue;
        }
        sc_idmap_put(c, seen, id, i);
        int rm = 0, ri = sc_map_find(item, "remove");
        if (ri >= 0) {
            const sc_node *rv = item->vals[ri];
            rm = sc_get_bool(c, "remove", rv) == 1;
            sc_map_remove(item, ri);
            if (rm) {
                int k = sc_idmap_get(have, id);
                if (k < 0) {
                    const char **ids = sc_alloc(c, (size_t)(res->n + 1) * sizeof *ids);
                    int nids = 0;
                    for (int j = 0; j < res->n; j++)
                        if (res->vals[j])
                            ids[nids++] = sc_id_of_item(res->vals[j]);
                    const char *sug = sc_suggest_id(id, ids, nids);
                    if (sug)
                        sc_error(c, rv, "cannot remove '%s': no item with this id comes before it "
                                 "(did you mean '%s'?)", sc_clip(c, id), sc_clip(c, sug));
                    else
                        sc_error(c, rv, "cannot remove '%s': no item with this id comes before it", sc_clip(c, id));
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
            res->vals[k] = sc_merge(c, res->vals[k], item, sch);
        } else {
            sc_seq_add(c, res, sc_merge(c, NULL, item, sch));
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

/* The layer above every key of strength mapping m (0 for none). */
int sc_next_layer(const sc_node *m)
{
    int top = -1;
    for (int i = 0; m && m->kind == SC_MAP && i < m->n; i++)
        top = m->keys[i]->layer > top ? m->keys[i]->layer : top;
    return top + 1;
}

/* A strength mapping `over` on top of `base`: key by key, each of over's
 * keys (replacing base's key node too) one layer above all of base's, so
 * that conversion applies a category written later after the technology
 * keys written before (sc_convert.c). */
static sc_node *merge_layered(sc_ctx *c, sc_node *base, sc_node *over)
{
    if (!base || base->kind != SC_MAP || over->kind != SC_MAP)
        return over;
    const int layer = sc_next_layer(base);
    for (int i = 0; i < over->n; i++) {
        sc_node *k = over->keys[i];
        k->layer = layer;
        int j = sc_map_find(base, k->str);
        if (j >= 0) {
            base->keys[j] = k;
            base->vals[j] = over->vals[i];
        } else {
            sc_map_add(c, base, k, over->vals[i]);
        }
    }
    return base;
}

/* Merge `over` on top of `base` (which may be NULL); may reuse both. sch is
 * the schema of the mapping `over` is (or of the items of the list it is). */
sc_node *sc_merge(sc_ctx *c, sc_node *base, sc_node *over, const sc_schema *sch)
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
            const sc_field *f = sch ? sc_find_field(sch, over->keys[i]->str) : NULL;
            if (j >= 0 && f && f->type == SC_F_STRENGTH)
                m->vals[j] = merge_layered(c, m->vals[j], v);
            else if (j >= 0)
                m->vals[j] = replace ? v : sc_merge(c, m->vals[j], v, sub);
            else
                sc_map_add(c, m, over->keys[i], replace ? v : sc_merge(c, NULL, v, sub));
        }
        return m;
    }
    if (is_idseq(over))
        return merge_idseq(c, base, over, sch);
    return over;
}
