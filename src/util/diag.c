/* diag.c — the diagnostics list (see include/techrace/diag.h). */
#include "techrace/diag.h"

#include "util/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tr_diag_init(tr_diag *d)
{
    memset(d, 0, sizeof *d);
}

void tr_diag_free(tr_diag *d)
{
    if (!d)
        return;
    const tr_allocator *a = d->alloc;
    for (size_t i = 0; i < d->count; i++) {
        tr_mem_free(a, d->msgs[i].file);
        tr_mem_free(a, d->msgs[i].text);
    }
    tr_mem_free(a, d->msgs);
    memset(d, 0, sizeof *d);
    d->alloc = a;
}


void tr_diag_vadd(tr_diag *d, tr_diag_level level, const char *file, int line,
                  int col, const char *fmt, va_list ap)
{
    if (!d)
        return;
    size_t max = d->max_errors ? d->max_errors : 100;
    if (level == TR_DIAG_ERROR) {
        d->errors++;
        if (d->errors > max)
            return;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        tr_diag_msg *m = tr_mem_realloc(d->alloc, d->msgs, cap * sizeof *m);
        if (!m) {
            d->dropped++;
            return;
        }
        d->msgs = m;
        d->cap = cap;
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    tr_diag_msg *m = &d->msgs[d->count];
    m->level = level;
    m->file = file ? tr_mem_strdup(d->alloc, file) : NULL;
    m->line = line;
    m->col = col;
    m->text = tr_mem_strdup(d->alloc, buf);
    if (!m->text || (file && !m->file)) {
        tr_mem_free(d->alloc, m->file);
        tr_mem_free(d->alloc, m->text);
        d->dropped++;
        return;
    }
    d->count++;
}

void tr_diag_add(tr_diag *d, tr_diag_level level, const char *file, int line,
                 int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tr_diag_vadd(d, level, file, line, col, fmt, ap);
    va_end(ap);
}

static const char *level_name(tr_diag_level l)
{
    switch (l) {
    case TR_DIAG_ERROR: return "error";
    case TR_DIAG_WARNING: return "warning";
    default: return "note";
    }
}

static void print_msg(const tr_diag_msg *m, FILE *out)
{
    if (m->file && m->line > 0)
        fprintf(out, "%s:%d:%d: %s: %s\n", m->file, m->line, m->col > 0 ? m->col : 1, level_name(m->level), m->text);
    else if (m->file)
        fprintf(out, "%s: %s: %s\n", m->file, level_name(m->level), m->text);
    else
        fprintf(out, "techrace: %s: %s\n", level_name(m->level), m->text);
}

/* A message and the notes that follow it, and where it points: the rank of
 * its file among the files named (first named first; none last), its line
 * and column (none last), its place in the list. */
typedef struct diag_group {
    size_t first, n, file_rank, order;
    int line, col;
} diag_group;

static int group_cmp(const void *pa, const void *pb)
{
    const diag_group *a = pa, *b = pb;
    if (a->file_rank != b->file_rank)
        return a->file_rank < b->file_rank ? -1 : 1;
    unsigned la = a->line > 0 ? (unsigned)a->line : ~0u, lb = b->line > 0 ? (unsigned)b->line : ~0u;
    if (la != lb)
        return la < lb ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

void tr_diag_print(const tr_diag *d, FILE *out)
{
    /* In the order of the files' text (checks run in passes, each finding
     * what it finds in its own order), each note after its message. */
    diag_group *g = d->count ? malloc(d->count * sizeof *g) : NULL;
    size_t ng = 0;
    for (size_t i = 0; g && i < d->count; i++) {
        const tr_diag_msg *m = &d->msgs[i];
        if (m->level == TR_DIAG_NOTE && ng > 0) {
            g[ng - 1].n++;
            continue;
        }
        size_t rank = d->count; /* no file: after every file */
        if (m->file)
            for (size_t j = 0; j < ng; j++) {
                const tr_diag_msg *h = &d->msgs[g[j].first];
                if (h->file && !strcmp(h->file, m->file)) {
                    rank = g[j].file_rank;
                    break;
                }
            }
        if (m->file && rank == d->count)
            rank = i;
        g[ng++] = (diag_group){i, 1, rank, i, m->line, m->col};
    }
    if (g) {
        qsort(g, ng, sizeof *g, group_cmp);
        for (size_t j = 0; j < ng; j++)
            for (size_t i = g[j].first; i < g[j].first + g[j].n; i++)
                print_msg(&d->msgs[i], out);
        free(g);
    } else {
        for (size_t i = 0; i < d->count; i++) /* out of memory: as collected */
            print_msg(&d->msgs[i], out);
    }
    size_t max = d->max_errors ? d->max_errors : 100;
    if (d->errors > max)
        fprintf(out, "techrace: note: %zu more errors not shown\n", d->errors - max);
    if (d->dropped)
        fprintf(out, "techrace: note: %zu messages lost: out of memory\n", d->dropped);
}

const char *tr_strerror(int status)
{
    switch (status) {
    case TR_OK: return "ok";
    case TR_ERR_INPUT: return "bad input";
    case TR_ERR_IO: return "input/output error";
    case TR_ERR_NOMEM: return "out of memory";
    case TR_ERR_DB: return "results database error";
    case TR_ERR_INTERRUPTED: return "interrupted";
    case TR_ERR_INTERNAL: return "internal error";
    default: return "unknown error";
    }
}
