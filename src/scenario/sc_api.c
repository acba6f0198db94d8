/* sc_api.c — the small public functions of the scenario layer: time paths,
 * lookups, the calendar, the embedded default, destruction and flattening. */
#include "scenario/sc_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

extern const char tr_default_scenario_yaml[];
extern const size_t tr_default_scenario_yaml_len;

double tr_path_at(const tr_path *p, double year)
{
    if (!p || p->n <= 0 || !p->year || !p->value)
        return 0.0;
    int n = p->n;
    if (!(year > p->year[0]))
        return p->value[0];
    if (year >= p->year[n - 1])
        return p->value[n - 1];
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (p->year[mid] <= year)
            lo = mid;
        else
            hi = mid;
    }
    double t = (year - p->year[lo]) / (p->year[hi] - p->year[lo]);
    return p->value[lo] + t * (p->value[hi] - p->value[lo]);
}

void tr_scenario_destroy(tr_scenario *s)
{
    if (!s)
        return;
    sc_owner *own = (sc_owner *)(void *)s;
    const tr_allocator *alloc = own->alloc;
    tr_arena_free(&own->arena);
    tr_mem_free(alloc, own);
}

const char *tr_scenario_default_text(void)
{
    return tr_default_scenario_yaml;
}

int tr_scenario_load_default(tr_scenario **out, const char *const *overrides, int n_overrides, tr_diag *diag)
{
    tr_scenario_source src = {0};
    src.text = tr_default_scenario_yaml;
    src.text_name = "default";
    src.overrides = overrides;
    src.n_overrides = n_overrides;
    return tr_scenario_load(out, &src, diag);
}

int tr_scenario_find_country(const tr_scenario *s, const char *id)
{
    if (!s || !id)
        return -1;
    for (int i = 0; i < s->n_countries; i++)
        if (!strcmp(s->countries[i].id, id))
            return i;
    return -1;
}

int tr_scenario_find_tech(const tr_scenario *s, const char *id)
{
    if (!s || !id)
        return -1;
    for (int i = 0; i < s->n_tech; i++)
        if (!strcmp(s->techs[i].id, id))
            return i;
    return -1;
}

const char *tr_event_kind_name(tr_event_kind k)
{
    if ((int)k < 0 || k >= TR_EV_KIND_COUNT)
        return "unknown";
    return sc_kind_names[k];
}

int tr_scenario_n_steps(const tr_scenario *s)
{
    return (s->end_year - s->start_year + 1) * s->steps_per_year;
}

double tr_scenario_step_year(const tr_scenario *s, int step)
{
    return s->start_year + (double)step / s->steps_per_year;
}

/* ---- flatten ----------------------------------------------------------- */

typedef struct sbuf {
    const tr_allocator *alloc;
    char *p;
    size_t n, cap;
    int failed;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->failed = 1;
            return;
        }
        if (b->p && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap <= b->n + (size_t)k)
            cap *= 2;
        char *p = tr_mem_alloc(b->alloc, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        if (b->p)
            memcpy(p, b->p, b->n + 1);
        else
            p[0] = 0;
        tr_mem_free(b->alloc, b->p);
        b->p = p;
        b->cap = cap;
    }
}

static void sb_str(sbuf *b, const char *s)
{
    sb_printf(b, "\"");
    for (const unsigned char *q = (const unsigned char *)(s ? s : ""); *q; q++) {
        if (*q == '"' || *q == '\\')
            sb_printf(b, "\\%c", *q);
        else if (*q == '\n')
            sb_printf(b, "\\n");
        else if (*q == '\t')
            sb_printf(b, "\\t");
        else if (*q < 0x20 || *q == 0x7f)
            sb_printf(b, "\\x%02X", *q);
        else
            sb_printf(b, "%c", *q);
    }
    sb_printf(b, "\"");
}

static const char *ref_id(const tr_scenario *s, int ref, int i)
{
    if (i < 0)
        return "?";
    if (ref == SC_REF_CATEGORY && i < s->n_categories)
        return s->categories[i].id;
    if (ref == SC_REF_TECH && i < s->n_tech)
        return s->techs[i].id;
    if (ref == SC_REF_COUNTRY && i < s->n_countries)
        return s->countries[i].id;
    return "?";
}

static void flat_map(sbuf *b, const tr_scenario *s, const sc_schema *sch, const char *obj, const char *prefix)
{
    int kind = -1;
    for (int i = 0; i < sch->n_fields; i++)
        if (sch->fields[i].type == SC_F_KIND)
            kind = (int)*(const tr_event_kind *)(const void *)(obj + sch->fields[i].off);
    for (int i = 0; i < sch->n_fields; i++) {
        const sc_field *f = &sch->fields[i];
        const char *p = obj + f->off;
        if (f->type == SC_F_INCLUDE || f->type == SC_F_ID)
            continue;
        if (f->kinds && kind >= 0 && !(f->kinds & (1u << kind)))
            continue;
        switch (f->type) {
        case SC_F_STR:
            sb_printf(b, "%s%s = ", prefix, f->key);
            sb_str(b, *(char *const *)(const void *)p);
            sb_printf(b, "\n");
            break;
        case SC_F_LABEL:
            sb_printf(b, "%s%s = ", prefix, f->key);
            sb_str(b, p);
            sb_printf(b, "\n");
            break;
        case SC_F_INT:
            sb_printf(b, "%s%s = %d\n", prefix, f->key, *(const int *)(const void *)p);
            break;
        case SC_F_BOOL:
            sb_printf(b, "%s%s = %s\n", prefix, f->key, *(const int *)(const void *)p ? "true" : "false");
            break;
        case SC_F_U64:
            sb_printf(b, "%s%s = %llu\n", prefix, f->key,
                      (unsigned long long)*(const uint64_t *)(const void *)p);
            break;
        case SC_F_NUM:
            sb_printf(b, "%s%s = %.10g\n", prefix, f->key, *(const double *)(const void *)p);
            break;
        case SC_F_YEAR: {
            double y = *(const double *)(const void *)p;
            if (isinf(y))
                sb_printf(b, "%s%s = never\n", prefix, f->key);
            else
                sb_printf(b, "%s%s = %.10g\n", prefix, f->key, y);
            break;
        }
        case SC_F_KIND:
            sb_printf(b, "%s%s = %s\n", prefix, f->key, tr_event_kind_name((tr_event_kind)kind));
            break;
        case SC_F_PATH: {
            const tr_path *t = (const tr_path *)(const void *)p;
            if (t->n == 1) {
                sb_printf(b, "%s%s = %.10g\n", prefix, f->key, t->value[0]);
                break;
            }
            sb_printf(b, "%s%s = {", prefix, f->key);
            for (int j = 0; j < t->n; j++)
                sb_printf(b, "%s%.10g: %.10g", j ? ", " : "", t->year[j], t->value[j]);
            sb_printf(b, "}\n");
            break;
        }
        case SC_F_REF:
            sb_printf(b, "%s%s = %s\n", prefix, f->key, ref_id(s, f->ref, *(const int *)(const void *)p));
            break;
        case SC_F_REFLIST:
        case SC_F_TECHLIST: {
            int n = *(const int *)(const void *)(obj + f->off_n);
            const int *arr = *(int *const *)(const void *)p;
            sb_printf(b, "%s%s = [", prefix, f->key);
            for (int j = 0; j < n; j++)
                sb_printf(b, "%s%s", j ? ", " : "", ref_id(s, f->ref, arr[j]));
            sb_printf(b, "]\n");
            break;
        }
        case SC_F_STRENGTH: {
            const double *arr = *(double *const *)(const void *)p;
            for (int t = 0; arr && t < s->n_tech; t++)
                sb_printf(b, "%s%s.%s = %.10g\n", prefix, f->key, s->techs[t].id, arr[t]);
            break;
        }
        case SC_F_SPILL: {
            int n = *(const int *)(const void *)(obj + f->off_n);
            const tr_link *l = *(tr_link *const *)(const void *)p;
            sb_printf(b, "%s%s = {", prefix, f->key);
            for (int j = 0; j < n; j++)
                sb_printf(b, "%s%s: %.10g", j ? ", " : "", ref_id(s, SC_REF_TECH, l[j].to), l[j].weight);
            sb_printf(b, "}\n");
            break;
        }
        case SC_F_SUB: {
            char pre[512];
            snprintf(pre, sizeof pre, "%s%s.", prefix, f->key);
            flat_map(b, s, f->sub, p, pre);
            break;
        }
        case SC_F_LIST: {
            int n = *(const int *)(const void *)(obj + f->off_n);
            const char *arr = *(char *const *)(const void *)p;
            size_t idoff = 0;
            for (int j = 0; j < f->sub->n_fields; j++)
                if (f->sub->fields[j].type == SC_F_ID)
                    idoff = f->sub->fields[j].off;
            for (int j = 0; j < n; j++) {
                const char *item = arr + (size_t)j * f->sub->size;
                char pre[512];
                snprintf(pre, sizeof pre, "%s%s.%s.", prefix, f->key, item + idoff);
                flat_map(b, s, f->sub, item, pre);
            }
            break;
        }
        default:
            break;
        }
    }
}

char *tr_scenario_flatten(const tr_scenario *s)
{
    if (!s)
        return NULL;
    sbuf b = {0};
    b.alloc = ((const sc_owner *)(const void *)s)->alloc;
    sb_printf(&b, "%s", "");
    flat_map(&b, s, &sc_schema_scenario, (const char *)s, "");
    if (b.failed) {
        tr_mem_free(b.alloc, b.p);
        return NULL;
    }
    return b.p;
}

void tr_scenario_free_text(const tr_scenario *s, char *text)
{
    tr_mem_free(s ? ((const sc_owner *)(const void *)s)->alloc : NULL, text);
}
