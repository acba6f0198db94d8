/* sc_check.c — checks across fields of one converted object (calendar,
 * country shares, tracker thresholds, events), called through the schema
 * after the object's fields are converted. Where an override changed one of
 * the fields involved, the message points at the override. */
#include "scenario/sc_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- cross-field checks (called through the schema) -------------------- */

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
        int k = sc_ref_lookup(c, SC_REF_CATEGORY, s->techs[i].id);
        if (k >= 0)
            sc_error(c, sc_node_or(techs->vals[i], "id"), "technology id '%s' is also a category id",
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
        if (sc_from_set(c, start) && !sc_from_set(c, end))
            sc_error(c, start, "calendar start %d is after its end %d", s->start_year, s->end_year);
        else
            sc_error(c, sc_node_or(map, "end"), "calendar end %d is before its start %d", s->end_year,
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
                const sc_node *at = sc_set_part(c, an);
                if (!at)
                    at = sc_set_part(c, bn);
                if (!at)
                    at = an ? an : sc_node_or(map, "basic_share");
                if (p->n == 1 && (pass ? b : a)->n == 1)
                    sc_error(c, at, "basic_share + applied_share = %s exceeds 1", sc_fmt_num(ss, sizeof ss, sum));
                else
                    sc_error(c, at, "basic_share + applied_share = %s exceeds 1 in %s",
                             sc_fmt_num(ss, sizeof ss, sum), sc_fmt_num(ys, sizeof ys, y));
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
        if (sc_from_set(c, hr) && !sc_from_set(c, mr))
            sc_error(c, hr, "high_ratio %g must not be below medium_ratio %g", t->high_ratio, t->medium_ratio);
        else
            sc_error(c, sc_node_or(map, "medium_ratio"), "medium_ratio %g must not exceed high_ratio %g",
                     t->medium_ratio, t->high_ratio);
    }
    if (t->medium_top10 > t->high_top10) {
        if (sc_from_set(c, ht) && !sc_from_set(c, mt))
            sc_error(c, ht, "high_top10 %d must not be below medium_top10 %d", t->high_top10, t->medium_top10);
        else
            sc_error(c, sc_node_or(map, "medium_top10"), "medium_top10 %d must not exceed high_top10 %d",
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
        if (sc_from_set(c, sn) && !sc_from_set(c, en))
            sc_error(c, sn, "event starts (%s) after or when it ends (%s)", sc_fmt_num(b, sizeof b, e->start),
                     sc_fmt_num(a, sizeof a, e->end));
        else
            sc_error(c, sc_node_or(map, "end"), "event ends (%s) before or when it starts (%s)",
                     sc_fmt_num(a, sizeof a, e->end), sc_fmt_num(b, sizeof b, e->start));
    }
    if (e->kind == TR_EV_SELF_SUFFICIENCY && e->start >= 1900 && e->by <= e->start) {
        const sc_node *bn = sc_map_get(map, "by");
        /* Without `by` the year is the schema's default: say so, or the
         * message names a value the user never wrote. */
        if (bn)
            sc_error(c, bn, "a self-sufficiency target must be for a year after the event starts: 'by' is %s, "
                     "'start' %s", sc_fmt_num(a, sizeof a, e->by), sc_fmt_num(b, sizeof b, e->start));
        else
            sc_error(c, map, "a self-sufficiency target must be for a year after the event starts: 'by' is not "
                     "given and defaults to %s, 'start' is %s: set 'by' to a later year",
                     sc_fmt_num(a, sizeof a, e->by), sc_fmt_num(b, sizeof b, e->start));
    }
    if (e->actor >= 0)
        for (int i = 0; i < e->n_countries; i++)
            if (e->countries[i] == e->actor) {
                const sc_node *an = sc_map_get(map, "actor"), *cn = sc_map_get(map, "countries");
                sc_error(c, sc_from_set(c, an) && !sc_set_part(c, cn) ? an : sc_node_or(map, "countries"),
                         "the actor '%s' cannot also be one of the event's countries", s->countries[e->actor].id);
            }
}
