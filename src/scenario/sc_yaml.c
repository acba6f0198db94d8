/* sc_yaml.c — the YAML node tree: parsing with positions (libyaml event API),
 * canonical emission, diagnostics helpers, numbers, did-you-mean, id maps. */
#include "scenario/sc_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory ------------------------------------------------------------ */

void sc_oom(sc_ctx *c)
{
    longjmp(c->oom, 1);
}

void *sc_alloc(sc_ctx *c, size_t size)
{
    void *p = tr_arena_alloc(&c->tmp, size);
    if (!p)
        sc_oom(c);
    return p;
}

void *sc_out_alloc(sc_ctx *c, size_t size)
{
    void *p = tr_arena_alloc(c->out, size);
    if (!p)
        sc_oom(c);
    return p;
}

char *sc_strdup(sc_ctx *c, tr_arena *a, const char *s)
{
    char *p = tr_arena_strdup(a, s ? s : "");
    if (!p)
        sc_oom(c);
    return p;
}

/* ---- diagnostics ------------------------------------------------------- */

static void vreport(sc_ctx *c, tr_diag_level level, const sc_node *at, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    const char *file = at ? at->file : NULL;
    int line = at ? at->line : 0, col = at ? at->col : 0;
    if (at && c->set_file && at->file == c->set_file && line >= 1 && line <= c->n_overrides) {
        size_t n = strlen(buf);
        const char *opt = c->override_options && c->override_options[line - 1] ? c->override_options[line - 1]
                                                                                : "--set";
        snprintf(buf + n, sizeof buf - n, " [%s %s]", opt, sc_clip(c, c->overrides[line - 1]));
    }
    if (level == TR_DIAG_ERROR)
        c->nerr++;
    tr_diag_add(c->diag, level, file, line, col, "%s", buf);
}

/* A value as messages show it: long ones cut to SC_CLIP_KEEP bytes + "…" and
 * their length. */
const char *sc_clip(sc_ctx *c, const char *s)
{
    size_t n = strlen(s);
    if (n <= SC_CLIP_MAX)
        return s;
    size_t k = SC_CLIP_KEEP;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--; /* not inside a UTF-8 character */
    size_t cap = k + 64;
    char *p = sc_alloc(c, cap);
    snprintf(p, cap, "%.*s\u2026 (%zu bytes)", (int)k, s, n);
    return p;
}

void sc_error(sc_ctx *c, const sc_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, TR_DIAG_ERROR, at, fmt, ap);
    va_end(ap);
}

void sc_note(sc_ctx *c, const sc_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, TR_DIAG_NOTE, at, fmt, ap);
    va_end(ap);
}

/* ---- nodes ------------------------------------------------------------- */

sc_node *sc_new_node(sc_ctx *c, sc_nkind kind, const char *file, int line, int col)
{
    sc_node *n = sc_alloc(c, sizeof *n);
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

sc_node *sc_new_scalar(sc_ctx *c, const char *file, int line, int col, const char *s, int quoted)
{
    sc_node *n = sc_new_node(c, SC_SCALAR, file, line, col);
    n->str = sc_strdup(c, &c->tmp, s);
    n->quoted = quoted;
    return n;
}

static void grow(sc_ctx *c, sc_node *n, int with_keys)
{
    if (n->n < n->cap)
        return;
    int cap = n->cap ? n->cap * 2 : 4;
    sc_node **v = sc_alloc(c, (size_t)cap * sizeof *v);
    if (n->n)
        memcpy(v, n->vals, (size_t)n->n * sizeof *v);
    n->vals = v;
    if (with_keys) {
        sc_node **k = sc_alloc(c, (size_t)cap * sizeof *k);
        if (n->n)
            memcpy(k, n->keys, (size_t)n->n * sizeof *k);
        n->keys = k;
    }
    n->cap = cap;
}

void sc_map_add(sc_ctx *c, sc_node *map, sc_node *key, sc_node *val)
{
    grow(c, map, 1);
    map->keys[map->n] = key;
    map->vals[map->n] = val;
    map->n++;
}

void sc_seq_add(sc_ctx *c, sc_node *seq, sc_node *item)
{
    grow(c, seq, 0);
    seq->vals[seq->n++] = item;
}

int sc_map_find(const sc_node *map, const char *key)
{
    if (!map || map->kind != SC_MAP)
        return -1;
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return i;
    return -1;
}

sc_node *sc_map_get(const sc_node *map, const char *key)
{
    int i = sc_map_find(map, key);
    return i < 0 ? NULL : map->vals[i];
}

void sc_map_remove(sc_node *map, int i)
{
    for (int j = i + 1; j < map->n; j++) {
        map->keys[j - 1] = map->keys[j];
        map->vals[j - 1] = map->vals[j];
    }
    map->n--;
}

int sc_is_null(const sc_node *n)
{
    if (n->kind != SC_SCALAR || n->quoted)
        return 0;
    const char *s = n->str;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* ---- parsing ----------------------------------------------------------- */

static void mark_pos(const sc_ctx *c, yaml_mark_t m, int *line, int *col)
{
    if (c->pos_line > 0) {
        /* an override value is one line: a mark beyond it is at its end */
        *line = c->pos_line;
        if (m.line == 0 && m.column <= (size_t)c->pos_len)
            *col = (int)m.column + 1 + c->pos_col_off;
        else
            *col = c->pos_len + 1 + c->pos_col_off;
    } else {
        *line = m.line + 1 > (size_t)INT32_MAX ? INT32_MAX : (int)m.line + 1;
        *col = m.column + 1 > (size_t)INT32_MAX ? INT32_MAX : (int)m.column + 1;
    }
}

static void error_at_mark(sc_ctx *c, const char *file, yaml_mark_t m, const char *fmt, const char *a,
                          const char *b)
{
    sc_node at = {0};
    at.file = file;
    mark_pos(c, m, &at.line, &at.col);
    sc_error(c, &at, fmt, a, b);
}

typedef struct frame {
    sc_node *node;
    sc_node *key;     /* pending key of a mapping */
    int have_key;     /* a key was read (maybe bad) and awaits its value */
    int bad_key;      /* the pending key is not a scalar or a duplicate: drop the pair */
    int too_many;     /* the mapping has too many keys (reported once) */
} frame;

/* Add a finished node to the frame on top of the stack. */
static void attach(sc_ctx *c, frame *f, sc_node *n)
{
    sc_node *parent = f->node;
    if (parent->kind == SC_SEQ) {
        sc_seq_add(c, parent, n);
        return;
    }
    if (!f->have_key) {
        f->have_key = 1;
        f->bad_key = 0;
        f->key = n;
        if (n->kind != SC_SCALAR) {
            sc_error(c, n, "mapping keys must be plain words or numbers, not %s",
                     n->kind == SC_MAP ? "mappings" : "lists");
            f->bad_key = 1;
            return;
        }
        int i = sc_map_find(parent, n->str);
        if (i >= 0) {
            sc_error(c, n, "duplicate key '%s'", n->str);
            sc_note(c, parent->keys[i], "'%s' first given here", n->str);
            f->bad_key = 1;
        } else if (parent->n >= SC_MAX_MAP_KEYS) {
            if (!f->too_many)
                sc_error(c, n, "too many keys in one mapping (at most %d)", SC_MAX_MAP_KEYS);
            f->too_many = 1;
            f->bad_key = 1;
        }
        return;
    }
    f->have_key = 0;
    if (!f->bad_key)
        sc_map_add(c, parent, f->key, n);
}

sc_node *sc_parse(sc_ctx *c, const char *text, size_t len, const char *file, int *damaged)
{
    yaml_parser_t *pp = &c->parser;
    yaml_event_t *ev = &c->event;
    frame stack[SC_MAX_DEPTH + 1];
    int sp = 0, docs = 0, failed = 0, done = 0;
    sc_node *root = NULL;

    *damaged = 0;
    /* libyaml allocates its own buffers with malloc: the source's allocator
     * cannot reach them (a failure there is still a clean TR_ERR_NOMEM) */
    if (!yaml_parser_initialize(pp))
        sc_oom(c);
    c->parser_live = 1;
    yaml_parser_set_input_string(pp, (const unsigned char *)text, len);

    while (!done && !failed) {
        if (!yaml_parser_parse(pp, ev)) {
            if (pp->error == YAML_MEMORY_ERROR) {
                sc_oom(c);
            } else if (pp->error == YAML_READER_ERROR) {
                /* The reader reports a byte offset; turn it into line:col. */
                yaml_mark_t m = {0, 0, 0};
                size_t off = pp->problem_offset < len ? pp->problem_offset : len;
                for (size_t i = 0; i < off; i++) {
                    if (text[i] == '\n') {
                        m.line++;
                        m.column = 0;
                    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                        m.column++;
                    }
                }
                char what[64];
                if (pp->problem_value >= 0)
                    snprintf(what, sizeof what, " (byte 0x%02X)", (unsigned)pp->problem_value & 0xFFu);
                else
                    what[0] = 0;
                error_at_mark(c, file, m, "not valid YAML text: %s%s",
                              pp->problem ? pp->problem : "unreadable input", what);
            } else {
                char ctxbuf[256];
                if (pp->context)
                    snprintf(ctxbuf, sizeof ctxbuf, " (%s)", pp->context);
                else
                    ctxbuf[0] = 0;
                error_at_mark(c, file, pp->problem_mark, "YAML syntax error: %s%s",
                              pp->problem ? pp->problem : "malformed input", ctxbuf);
            }
            failed = 1;
            break;
        }
        c->event_live = 1;
        int line, col;
        mark_pos(c, ev->start_mark, &line, &col);
        switch (ev->type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                error_at_mark(c, file, ev->start_mark, "%s%s",
                              "a scenario holds one YAML document; found a second one", "");
                failed = 1;
            }
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT: {
            sc_node *n;
            if (ev->type == YAML_ALIAS_EVENT) {
                error_at_mark(c, file, ev->start_mark, "YAML aliases are not supported (*%s)",
                              (const char *)ev->data.alias.anchor, "");
                *damaged = 1;
                n = sc_new_scalar(c, file, line, col, "", 0);
            } else {
                const char *v = (const char *)ev->data.scalar.value;
                if (memchr(v, 0, ev->data.scalar.length)) {
                    error_at_mark(c, file, ev->start_mark, "%s%s", "text contains a NUL character", "");
                    *damaged = 1;
                }
                n = sc_new_scalar(c, file, line, col, v,
                                  ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
            }
            if (sp == 0)
                root = n;
            else
                attach(c, &stack[sp - 1], n);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (sp >= SC_MAX_DEPTH) {
                char lim[16];
                snprintf(lim, sizeof lim, "%d", SC_MAX_DEPTH);
                error_at_mark(c, file, ev->start_mark, "nesting deeper than %s levels%s", lim, "");
                failed = 1;
                break;
            }
            sc_node *n = sc_new_node(c, ev->type == YAML_MAPPING_START_EVENT ? SC_MAP : SC_SEQ,
                                     file, line, col);
            if (sp == 0)
                root = n;
            else
                attach(c, &stack[sp - 1], n);
            stack[sp].node = n;
            stack[sp].key = NULL;
            stack[sp].have_key = 0;
            stack[sp].bad_key = 0;
            stack[sp].too_many = 0;
            sp++;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (sp > 0)
                sp--;
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(ev);
        c->event_live = 0;
    }
    yaml_parser_delete(pp);
    c->parser_live = 0;
    if (failed)
        return NULL;
    if (!root)
        root = sc_new_node(c, SC_MAP, file, c->pos_line > 0 ? c->pos_line : 1, 1 + c->pos_col_off);
    return root;
}

/* ---- emission ---------------------------------------------------------- */

typedef struct outbuf {
    const tr_allocator *alloc;
    char *p;
    size_t n, cap;
    int failed;
} outbuf;

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
    outbuf *o = data;
    if (o->n + size + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + size + 1)
            cap *= 2;
        char *p = tr_mem_realloc(o->alloc, o->p, cap);
        if (!p) {
            o->failed = 1;
            return 0;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, buffer, size);
    o->n += size;
    o->p[o->n] = 0;
    return 1;
}

static int is_leaf(const sc_node *n)
{
    for (int i = 0; i < n->n; i++)
        if (n->vals[i]->kind != SC_SCALAR)
            return 0;
    return 1;
}

/* Whether libyaml writes s as a plain scalar, in a flow collection (flow)
 * or in block context: yaml_emitter_analyze_scalar of libyaml 0.2 (emitter.c)
 * with unicode output, restated so that the choice is ours (sc_emit). */
static int is_break_at(const unsigned char *p)
{
    return p[0] == '\r' || p[0] == '\n' || (p[0] == 0xC2 && p[1] == 0x85) ||
           (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9));
}

static int is_blankz_at(const unsigned char *p)
{
    return p[0] == ' ' || p[0] == '\t' || is_break_at(p) || p[0] == 0;
}

static int is_printable_at(const unsigned char *p)
{
    return p[0] == 0x0A || (p[0] >= 0x20 && p[0] <= 0x7E) || (p[0] == 0xC2 && p[1] >= 0xA0) ||
           (p[0] > 0xC2 && p[0] < 0xED) || (p[0] == 0xED && p[1] < 0xA0) || p[0] == 0xEE ||
           (p[0] == 0xEF && !(p[1] == 0xBB && p[2] == 0xBF) && !(p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)));
}

static size_t width_at(const unsigned char *p)
{
    return (p[0] & 0x80) == 0 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
}

static int plain_allowed(const char *str, int flow)
{
    const unsigned char *s = (const unsigned char *)str, *p = s, *end = s + strlen(str);
    if (p == end)
        return !flow;
    int block_ind = 0, flow_ind = 0, special = 0, breaks = 0;
    int lead_space = 0, lead_break = 0, trail_space = 0, trail_break = 0, break_space = 0, space_break = 0;
    int prev_space = 0, prev_break = 0, preceded_ws = 1, followed_ws;
    if ((end - s >= 3 && s[0] == '-' && s[1] == '-' && s[2] == '-') ||
        (end - s >= 3 && s[0] == '.' && s[1] == '.' && s[2] == '.'))
        block_ind = flow_ind = 1;
    size_t w = width_at(p);
    if (w == 0 || w > (size_t)(end - p))
        return 0; /* not UTF-8: never plain (libyaml refuses it anyway) */
    followed_ws = is_blankz_at(p + w);
    while (p < end) {
        int ch = p[0];
        if (p == s) {
            if (ch == '#' || ch == ',' || ch == '[' || ch == ']' || ch == '{' || ch == '}' || ch == '&' ||
                ch == '*' || ch == '!' || ch == '|' || ch == '>' || ch == '\'' || ch == '"' || ch == '%' ||
                ch == '@' || ch == '`')
                flow_ind = block_ind = 1;
            if (ch == '?' || ch == ':') {
                flow_ind = 1;
                if (followed_ws)
                    block_ind = 1;
            }
            if (ch == '-' && followed_ws)
                flow_ind = block_ind = 1;
        } else {
            if (ch == ',' || ch == '?' || ch == '[' || ch == ']' || ch == '{' || ch == '}')
                flow_ind = 1;
            if (ch == ':') {
                flow_ind = 1;
                if (followed_ws)
                    block_ind = 1;
            }
            if (ch == '#' && preceded_ws)
                flow_ind = block_ind = 1;
        }
        if (!is_printable_at(p))
            special = 1;
        if (is_break_at(p))
            breaks = 1;
        w = width_at(p);
        if (w == 0 || w > (size_t)(end - p))
            return 0;
        if (ch == ' ') {
            if (p == s)
                lead_space = 1;
            if (p + w == end)
                trail_space = 1;
            if (prev_break)
                break_space = 1;
            prev_space = 1;
            prev_break = 0;
        } else if (is_break_at(p)) {
            if (p == s)
                lead_break = 1;
            if (p + w == end)
                trail_break = 1;
            if (prev_space)
                space_break = 1;
            prev_space = 0;
            prev_break = 1;
        } else {
            prev_space = prev_break = 0;
        }
        preceded_ws = is_blankz_at(p);
        p += w;
        if (p < end) {
            size_t w2 = width_at(p);
            if (w2 == 0 || w2 > (size_t)(end - p))
                return 0;
            followed_ws = is_blankz_at(p + w2);
        }
    }
    if (lead_space || lead_break || trail_space || trail_break || break_space || space_break || special ||
        breaks)
        return 0;
    return flow ? !flow_ind : !block_ind;
}

/* One style per value, so that the resolved text is a fixed point of load
 * and emit (and its hash stable): a scalar written quoted is written
 * double-quoted; one written plain stays plain where libyaml can write it so
 * in this place, else it is double-quoted (never `! '...'`, a tagged form
 * that would read back as a quoted string and be written differently the
 * next time). An empty plain value inside a flow collection, or as a key, is
 * written `~`, which reads back the same (an empty value, null). Tags are
 * never written: quoted_implicit is set for every scalar. */
static int emit_node(yaml_emitter_t *e, const sc_node *n, int flow, int key)
{
    yaml_event_t ev;
    if (n->kind == SC_SCALAR) {
        int plain = !n->quoted;
        const char *str = n->str;
        if (plain && !*str && (flow || key))
            str = "~";
        else if (plain && !plain_allowed(str, flow))
            plain = 0;
        if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)str, (int)strlen(str), 1, 1,
                                          plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE))
            return 0;
        return yaml_emitter_emit(e, &ev);
    }
    int leaf = is_leaf(n) && n->n > 0;
    if (n->kind == SC_MAP) {
        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                 leaf ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(e, &ev))
            return 0;
        for (int i = 0; i < n->n; i++)
            if (!emit_node(e, n->keys[i], leaf, 1) || !emit_node(e, n->vals[i], leaf, 0))
                return 0;
        return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    }
    if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                              leaf ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
        !yaml_emitter_emit(e, &ev))
        return 0;
    for (int i = 0; i < n->n; i++)
        if (!emit_node(e, n->vals[i], leaf, 0))
            return 0;
    return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
}

char *sc_emit(sc_ctx *c, const sc_node *root)
{
    yaml_emitter_t *em = &c->emitter;
    yaml_event_t ev;
    outbuf o = {0};
    o.alloc = c->alloc;
    if (!yaml_emitter_initialize(em))
        sc_oom(c);
    c->emitter_live = 1;
    yaml_emitter_set_output(em, write_cb, &o);
    yaml_emitter_set_unicode(em, 1);
    yaml_emitter_set_width(em, -1);
    yaml_emitter_set_indent(em, 2);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(em, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) && yaml_emitter_emit(em, &ev) &&
             emit_node(em, root, 0, 0) && yaml_document_end_event_initialize(&ev, 1) &&
             yaml_emitter_emit(em, &ev) && yaml_stream_end_event_initialize(&ev) &&
             yaml_emitter_emit(em, &ev) && yaml_emitter_flush(em);
    yaml_emitter_delete(em);
    c->emitter_live = 0;
    char *res = NULL;
    if (ok && !o.failed) {
        c->buf = o.p;   /* released by the caller's cleanup if the copy fails */
        res = sc_strdup(c, &c->tmp, o.p ? o.p : "");
        c->buf = NULL;
    }
    tr_mem_free(c->alloc, o.p);
    return res;
}

/* ---- numbers ----------------------------------------------------------- */

int sc_parse_number(const char *s, double *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF") || !strcmp(p, "inf") ||
        !strcmp(p, "Inf") || !strcmp(p, "INF") || !strcmp(p, "infinity") || !strcmp(p, "Infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    if (p == s && (!strcmp(p, ".nan") || !strcmp(p, ".NaN") || !strcmp(p, ".NAN") ||
                   !strcmp(p, "nan") || !strcmp(p, "NaN") || !strcmp(p, "NAN"))) {
        *out = NAN;
        return 1;
    }
    /* [digits][.digits][(e|E)[+-]digits], at least one digit before the exponent */
    const char *q = p;
    int digits = 0;
    while (*q >= '0' && *q <= '9') {
        q++;
        digits++;
    }
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') {
            q++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return 0;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q)
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

/* ---- did you mean ------------------------------------------------------ */

int sc_levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca += 'a' - 'A';
            if (cb >= 'A' && cb <= 'Z')
                cb += 'a' - 'A';
            int sub = prev + (ca != cb);
            int del = row[j] + 1, ins = row[j - 1] + 1;
            int best = sub < del ? sub : del;
            if (ins < best)
                best = ins;
            prev = row[j];
            row[j] = best;
        }
    }
    return row[lb];
}

const char *sc_suggest(const char *word, const char *const *cands, int n)
{
    const char *best = NULL;
    int bd = 1000;
    for (int i = 0; i < n; i++) {
        if (!cands[i] || !*cands[i])
            continue;
        int d = sc_levenshtein(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    int len = (int)strlen(word);
    int limit = len / 3 > 2 ? len / 3 : 2;
    if (best && bd <= limit && bd < len)
        return best;
    return NULL;
}

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* Whether hay contains needle, ignoring ASCII case. */
static int ci_contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] && lower((unsigned char)hay[i]) == lower((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return 1;
    }
    return nl == 0;
}

const char *sc_suggest_id(const char *word, const char *const *cands, int n)
{
    const char *best = sc_suggest(word, cands, n);
    if (best)
        return best;
    size_t wl = strlen(word), bd = (size_t)-1;
    for (int i = 0; i < n; i++) {
        const char *cand = cands[i];
        if (!cand)
            continue;
        size_t cl = strlen(cand);
        if ((cl < wl ? cl : wl) < 3)
            continue;
        int hit = cl >= wl ? ci_contains(cand, word) : ci_contains(word, cand);
        size_t d = cl >= wl ? cl - wl : wl - cl;
        if (hit && d < bd) {
            bd = d;
            best = cand;
        }
    }
    return best;
}

/* ---- id maps ----------------------------------------------------------- */

/* FNV-1a, 64 bits: map keys here, the resolved text's hash in sc_load.c. */
uint64_t sc_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static void idmap_init(sc_ctx *c, sc_idmap *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->key = sc_alloc(c, cap * sizeof *m->key);
    m->val = sc_alloc(c, cap * sizeof *m->val);
}

sc_idmap *sc_idmap_new(sc_ctx *c, size_t hint)
{
    sc_idmap *m = sc_alloc(c, sizeof *m);
    size_t cap = 16;
    while (cap < hint * 2)
        cap *= 2;
    idmap_init(c, m, cap);
    return m;
}

int sc_idmap_get(const sc_idmap *m, const char *key)
{
    if (!m)
        return -1;
    size_t i = (size_t)sc_hash_str(key) & (m->cap - 1);
    while (m->key[i]) {
        if (!strcmp(m->key[i], key))
            return m->val[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void sc_idmap_put(sc_ctx *c, sc_idmap *m, const char *key, int val)
{
    if ((m->n + 1) * 2 > m->cap) {
        sc_idmap old = *m;
        idmap_init(c, m, old.cap * 2);
        for (size_t i = 0; i < old.cap; i++)
            if (old.key[i])
                sc_idmap_put(c, m, old.key[i], old.val[i]);
    }
    size_t i = (size_t)sc_hash_str(key) & (m->cap - 1);
    while (m->key[i]) {
        if (!strcmp(m->key[i], key)) {
            m->val[i] = val;
            return;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->key[i] = key;
    m->val[i] = val;
    m->n++;
}
