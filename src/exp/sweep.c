/* sweep.c — sweeps (full grids, Latin hypercubes) and global sensitivity
 * (Morris, Sobol) over scenario parameters. Each point of the design is the
 * base scenario with one override per parameter ("path=v", "path*=v" or
 * "path+=v"), loaded by the worker that runs it; every point is an ensemble
 * of the same runs (common random numbers across points). The design comes
 * from analysis.h, and so do the indices: the path that the analytic tests
 * check (tests/unit/test_analysis.c) is the path the model goes through. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "exp/expdb.h"
#include "exp/runner.h"
#include "techrace/analysis.h"
#include "techrace/experiment.h"
#include "util/arena.h"

int tr_param_parse(const char *text, tr_param *out, tr_diag *diag)
{
    memset(out, 0, sizeof *out);
    const char *eq = text ? strchr(text, '=') : NULL;
    if (!eq || eq == text) {
        tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0,
                    "expected path=LO:HI[:N] (or path*=..., path+=...), got '%s'", text ? text : "");
        return -1;
    }
    const char *kend = eq;
    out->op = '=';
    if (eq[-1] == '*' || eq[-1] == '+') {
        out->op = eq[-1];
        kend--;
    }
    size_t kl = (size_t)(kend - text);
    if (kl == 0 || kl >= sizeof out->path) {
        tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0, "the key path of '%.60s' is empty or too long", text);
        return -1;
    }
    memcpy(out->path, text, kl);
    out->path[kl] = 0;
    char *end = NULL;
    const char *v = eq + 1;
    out->lo = strtod(v, &end);
    if (end == v || *end != ':')
        goto bad;
    v = end + 1;
    out->hi = strtod(v, &end);
    if (end == v || (*end && *end != ':'))
        goto bad;
    if (*end == ':') {
        v = end + 1;
        long n = strtol(v, &end, 10);
        if (end == v || *end || n < 1 || n > 100000)
            goto bad;
        out->levels = (int)n;
    }
    if (!isfinite(out->lo) || !isfinite(out->hi) || out->hi < out->lo)
        goto bad;
    return 0;
bad:
    tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0,
                "expected path=LO:HI[:N] with numbers LO <= HI and a whole N >= 1, got '%.200s'", text);
    return -1;
}

/* What the points are made of. */
typedef struct sweep {
    const tr_sweep_spec *sp;
    const tr_experiment_options *o;
    uint32_t n_points;
    size_t d;
    double *x;       /* [n_points][d] unit-cube coordinates */
    char **labels;   /* [n_points] the parameters' overrides */
} sweep;

static double param_value(const tr_param *p, double x)
{
    return p->lo + x * (p->hi - p->lo);
}

static void format_override(char *buf, size_t n, const tr_param *p, double v)
{
    const char *op = p->op == '*' ? "*=" : p->op == '+' ? "+=" : "=";
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%s%s%.*g", p->path, op, prec, v);
        const char *num = buf + strlen(p->path) + strlen(op);
        if (strtod(num, NULL) == v)
            return;
    }
}

/* The base scenario of a sweep: its file, or the embedded default. */
static void base_source(const tr_sweep_spec *sp, tr_scenario_source *src)
{
    memset(src, 0, sizeof *src);
    if (sp->scenario_path && strcmp(sp->scenario_path, "default") != 0) {
        src->path = sp->scenario_path;
    } else {
        src->text = tr_scenario_default_text();
        src->text_name = "default";
    }
}

/* Point p: the base source with the base overrides, then one per parameter. */
static int sweep_load(void *ctx, uint32_t p, tr_scenario **out, tr_diag *diag)
{
    const sweep *w = ctx;
    const tr_sweep_spec *sp = w->sp;
    int n = sp->n_overrides + sp->n_params;
    const char **ov = tr_mem_calloc(w->o->alloc, (size_t)n + 1, sizeof *ov);
    char *buf = tr_mem_calloc(w->o->alloc, (size_t)sp->n_params + 1, 320);
    if (!ov || !buf) {
        tr_mem_free(w->o->alloc, ov);
        tr_mem_free(w->o->alloc, buf);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    for (int i = 0; i < sp->n_overrides; i++)
        ov[i] = sp->overrides[i];
    for (int j = 0; j < sp->n_params; j++) {
        char *b = buf + (size_t)j * 320;
        format_override(b, 320, &sp->params[j], param_value(&sp->params[j], w->x[(size_t)p * w->d + (size_t)j]));
        ov[sp->n_overrides + j] = b;
    }
    tr_scenario_source src;
    base_source(sp, &src);
    src.overrides = ov;
    src.n_overrides = n;
    src.alloc = w->o->alloc;
    int rc = tr_scenario_load(out, &src, diag);
    tr_mem_free(w->o->alloc, ov);
    tr_mem_free(w->o->alloc, buf);
    return rc;
}

/* ---- metrics of sensitivity ---- */

typedef struct metric_ref {
    char name[64], country[TR_ID_MAX], tech[TR_ID_MAX];
    int year; /* 0: the last */
} metric_ref;

static int parse_metric(const char *text, metric_ref *m, tr_diag *diag)
{
    memset(m, 0, sizeof *m);
    const char *at = strchr(text, '@');
    size_t len = at ? (size_t)(at - text) : strlen(text);
    char head[160];
    if (len >= sizeof head)
        goto bad;
    memcpy(head, text, len);
    head[len] = 0;
    if (at) {
        char *end;
        long y = strtol(at + 1, &end, 10);
        if (end == at + 1 || *end || y < 1900 || y > 2200)
            goto bad;
        m->year = (int)y;
    }
    char *c1 = strchr(head, ':');
    if (!c1)
        goto bad;
    *c1 = 0;
    char *c2 = strchr(c1 + 1, ':');
    if (c2)
        *c2 = 0;
    if (!*head || strlen(head) >= sizeof m->name || strlen(c1 + 1) >= sizeof m->country ||
        (c2 && strlen(c2 + 1) >= sizeof m->tech))
        goto bad;
    strcpy(m->name, head);
    strcpy(m->country, c1 + 1);
    if (c2)
        strcpy(m->tech, c2 + 1);
    if (!*m->country && !*m->tech)
        goto bad;
    return 0;
bad:
    tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0,
                "expected NAME:COUNTRY[@YEAR], NAME:COUNTRY:TECH[@YEAR] or NAME::TECH[@YEAR], got '%.200s'", text);
    return -1;
}

static const char *metric_level(const metric_ref *m)
{
    return !*m->tech ? "country" : !*m->country ? "tech" : "country_tech";
}

/* Check every metric against the scenario (ids, year) and the metrics the
 * experiment keeps aggregates of. */
static int check_metrics(const tr_sweep_spec *sp, const tr_scenario *s, tr_keep keep, metric_ref *refs,
                         tr_diag *diag)
{
    int bad = 0;
    for (int i = 0; i < sp->n_metrics; i++) {
        metric_ref *m = &refs[i];
        if (parse_metric(sp->metrics[i], m, diag)) {
            bad = 1;
            continue;
        }
        if (!m->year)
            m->year = s->end_year;
        if (m->year < s->start_year || m->year > s->end_year) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0, "'%s': %d is outside the calendar %d-%d", sp->metrics[i],
                        m->year, s->start_year, s->end_year);
            bad = 1;
        }
        if (*m->country && tr_scenario_find_country(s, m->country) < 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0, "'%s': no country '%s'", sp->metrics[i], m->country);
            bad = 1;
        }
        if (*m->tech && tr_scenario_find_tech(s, m->tech) < 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0, "'%s': no technology '%s'", sp->metrics[i], m->tech);
            bad = 1;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(refs[j].name, m->name) && !strcmp(refs[j].country, m->country) &&
                !strcmp(refs[j].tech, m->tech) && refs[j].year == m->year) {
                tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0, "'%s' is the same output as '%s'", sp->metrics[i],
                            sp->metrics[j]);
                bad = 1;
            }
        if (!expdb_metric_aggregated(m->name, metric_level(m), keep)) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--metric", 0, 0,
                        "'%s': no %s-level metric '%s' with aggregates (docs/EXPERIMENTS.md, \"What is kept per "
                        "run\", lists them; country-technology metrics not kept compact need --keep all)",
                        sp->metrics[i], metric_level(m), m->name);
            bad = 1;
        }
    }
    return bad ? TR_ERR_INPUT : TR_OK;
}

/* ---- after the runs: the design table and the indices ---- */

typedef struct finish_ctx {
    sweep *w;
    metric_ref *refs;
} finish_ctx;

static int sql_ok(sqlite3 *db, int r, tr_diag *diag, const char *what)
{
    if (r == SQLITE_OK || r == SQLITE_DONE || r == SQLITE_ROW)
        return TR_OK;
    tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "%s: %s", what, sqlite3_errmsg(db));
    return TR_ERR_DB;
}

static int write_design(sqlite3 *db, const sweep *w, tr_diag *diag)
{
    const tr_sweep_spec *sp = w->sp;
    int rc = sql_ok(db,
                    sqlite3_exec(db,
                                 "CREATE TABLE IF NOT EXISTS design(point INTEGER NOT NULL, param INTEGER NOT NULL,"
                                 " path TEXT NOT NULL, op TEXT NOT NULL, x REAL NOT NULL, value REAL NOT NULL,"
                                 " PRIMARY KEY(point, param)) WITHOUT ROWID; DELETE FROM design;",
                                 NULL, NULL, NULL),
                    diag, "writing the design");
    sqlite3_stmt *st = NULL;
    if (rc == TR_OK)
        rc = sql_ok(db, sqlite3_prepare_v2(db, "INSERT INTO design VALUES(?, ?, ?, ?, ?, ?)", -1, &st, NULL), diag,
                    "writing the design");
    for (uint32_t p = 0; rc == TR_OK && p < w->n_points; p++)
        for (int j = 0; rc == TR_OK && j < sp->n_params; j++) {
            const tr_param *pr = &sp->params[j];
            char op[3] = {pr->op, pr->op == '=' ? 0 : '=', 0};
            double x = w->x[(size_t)p * w->d + (size_t)j];
            sqlite3_bind_int64(st, 1, p);
            sqlite3_bind_int(st, 2, j);
            sqlite3_bind_text(st, 3, pr->path, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, op, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(st, 5, x);
            sqlite3_bind_double(st, 6, param_value(pr, x));
            rc = sql_ok(db, sqlite3_step(st), diag, "writing the design");
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    return rc;
}

/* Output of every point: the mean over runs of metric m. */
static int point_outputs(sqlite3 *db, const sweep *w, const metric_ref *m, double *y, tr_diag *diag)
{
    sqlite3_stmt *st = NULL;
    int rc = sql_ok(db,
                    sqlite3_prepare_v2(db,
                                       "SELECT mean FROM aggregates_named WHERE point = ?1 AND metric = ?2 AND"
                                       " level = ?3 AND year = ?4 AND country IS ?5 AND tech IS ?6",
                                       -1, &st, NULL),
                    diag, "reading aggregates");
    for (uint32_t p = 0; rc == TR_OK && p < w->n_points; p++) {
        sqlite3_bind_int64(st, 1, p);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, metric_level(m), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, m->year);
        if (*m->country)
            sqlite3_bind_text(st, 5, m->country, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 5);
        if (*m->tech)
            sqlite3_bind_text(st, 6, m->tech, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 6);
        int r = sqlite3_step(st);
        y[p] = r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_double(st, 0) : NAN;
        rc = sql_ok(db, r, diag, "reading aggregates");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static void bind_or_null(sqlite3_stmt *st, int i, double v, int have)
{
    if (have && isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int write_sensitivity(sqlite3 *db, const sweep *w, const metric_ref *refs, tr_diag *diag)
{
    const tr_sweep_spec *sp = w->sp;
    const tr_allocator *A = w->o->alloc;
    const size_t d = w->d;
    const int morris = sp->design == TR_DESIGN_MORRIS;
    const size_t nb = sp->n_boot ? sp->n_boot : 1000;
    const double conf = sp->conf > 0 ? sp->conf : 0.95;
    double *y = tr_mem_calloc(A, w->n_points, sizeof *y);
    tr_morris_index *mi = tr_mem_calloc(A, d, sizeof *mi);
    tr_sobol_index *si = tr_mem_calloc(A, d, sizeof *si);
    if (!y || !mi || !si) {
        tr_mem_free(A, y), tr_mem_free(A, mi), tr_mem_free(A, si);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    int rc = sql_ok(db,
                    sqlite3_exec(db,
                                 "CREATE TABLE IF NOT EXISTS sensitivity(method TEXT NOT NULL, metric TEXT NOT NULL,"
                                 " param INTEGER NOT NULL, path TEXT NOT NULL, n_points INTEGER NOT NULL,"
                                 " mu REAL, mu_star REAL, mu_star_lo REAL, mu_star_hi REAL, sigma REAL,"
                                 " s1 REAL, s1_lo REAL, s1_hi REAL, st REAL, st_lo REAL, st_hi REAL,"
                                 " PRIMARY KEY(metric, param)) WITHOUT ROWID; DELETE FROM sensitivity;",
                                 NULL, NULL, NULL),
                    diag, "writing sensitivity indices");
    sqlite3_stmt *st = NULL;
    if (rc == TR_OK)
        rc = sql_ok(db,
                    sqlite3_prepare_v2(db,
                                       "INSERT INTO sensitivity VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       -1, &st, NULL),
                    diag, "writing sensitivity indices");
    for (int i = 0; rc == TR_OK && i < sp->n_metrics; i++) {
        rc = point_outputs(db, w, &refs[i], y, diag);
        if (rc != TR_OK)
            break;
        if (morris)
            rc = tr_morris_analyze(d, sp->n, w->x, y, nb, conf, w->o->seed, A, mi);
        else
            rc = tr_sobol_analyze(d, sp->n, y, nb, conf, w->o->seed, A, si);
        if (rc != TR_OK) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "sensitivity analysis of '%s' failed: %s", sp->metrics[i],
                        tr_strerror(rc));
            break;
        }
        for (size_t j = 0; rc == TR_OK && j < d; j++) {
            sqlite3_bind_text(st, 1, morris ? "morris" : "sobol", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, sp->metrics[i], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 3, (int)j);
            sqlite3_bind_text(st, 4, sp->params[j].path, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 5, w->n_points);
            bind_or_null(st, 6, mi[j].mu, morris);
            bind_or_null(st, 7, mi[j].mu_star, morris);
            bind_or_null(st, 8, mi[j].mu_star_lo, morris);
            bind_or_null(st, 9, mi[j].mu_star_hi, morris);
            bind_or_null(st, 10, mi[j].sigma, morris);
            bind_or_null(st, 11, si[j].s1, !morris);
            bind_or_null(st, 12, si[j].s1_lo, !morris);
            bind_or_null(st, 13, si[j].s1_hi, !morris);
            bind_or_null(st, 14, si[j].st, !morris);
            bind_or_null(st, 15, si[j].st_lo, !morris);
            bind_or_null(st, 16, si[j].st_hi, !morris);
            rc = sql_ok(db, sqlite3_step(st), diag, "writing sensitivity indices");
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    tr_mem_free(A, y), tr_mem_free(A, mi), tr_mem_free(A, si);
    return rc;
}

static int sweep_finish(void *ctx, exp_db *db, tr_diag *diag)
{
    finish_ctx *f = ctx;
    sqlite3 *h = expdb_handle(db);
    int rc = sql_ok(h, sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), diag, "writing the design");
    if (rc == TR_OK)
        rc = write_design(h, f->w, diag);
    if (rc == TR_OK && f->w->sp->n_metrics &&
        (f->w->sp->design == TR_DESIGN_MORRIS || f->w->sp->design == TR_DESIGN_SOBOL))
        rc = write_sensitivity(h, f->w, f->refs, diag);
    if (rc == TR_OK)
        rc = sql_ok(h, sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), diag, "writing the design");
    if (rc != TR_OK)
        sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- the design ---- */

static int build_design(sweep *w, tr_diag *diag)
{
    const tr_sweep_spec *sp = w->sp;
    const tr_allocator *A = w->o->alloc;
    size_t d = (size_t)sp->n_params, n = 0;
    int p = sp->morris_levels ? sp->morris_levels : 4;
    int rc = TR_OK;
    switch (sp->design) {
    case TR_DESIGN_GRID: {
        int *lv = tr_mem_calloc(A, d, sizeof *lv);
        if (!lv)
            return TR_ERR_NOMEM;
        for (size_t j = 0; j < d; j++) {
            lv[j] = sp->params[j].levels;
            if (lv[j] < 1) {
                tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0,
                            "a full grid needs the number of values of '%s': path=LO:HI:N", sp->params[j].path);
                rc = TR_ERR_INPUT;
            }
        }
        if (rc == TR_OK && (tr_design_grid(d, lv, NULL, &n) != TR_OK || n > 1000000)) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0, "the grid has too many points (at most 1,000,000)");
            rc = TR_ERR_INPUT;
        }
        if (rc == TR_OK) {
            w->x = tr_mem_calloc(A, n * d, sizeof *w->x);
            rc = !w->x ? TR_ERR_NOMEM : tr_design_grid(d, lv, w->x, &n);
        }
        tr_mem_free(A, lv);
        break;
    }
    case TR_DESIGN_LHS:
        n = sp->n;
        break;
    case TR_DESIGN_MORRIS:
        if (p < 2 || p % 2) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "Morris levels must be even and at least 2 (got %d)", p);
            return TR_ERR_INPUT;
        }
        n = (size_t)sp->n * (d + 1);
        break;
    case TR_DESIGN_SOBOL:
        n = (size_t)sp->n * (d + 2);
        break;
    }
    if (rc != TR_OK)
        return rc;
    if (sp->design != TR_DESIGN_GRID) {
        if (sp->n < (sp->design == TR_DESIGN_SOBOL ? 2u : 1u) || n > 1000000) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                        "the design needs a size of at least %d and at most 1,000,000 points (got %u, %zu points)",
                        sp->design == TR_DESIGN_SOBOL ? 2 : 1, sp->n, n);
            return TR_ERR_INPUT;
        }
        w->x = tr_mem_calloc(A, n * d, sizeof *w->x);
        if (!w->x)
            return TR_ERR_NOMEM;
        rc = sp->design == TR_DESIGN_LHS      ? tr_design_lhs(n, d, w->o->seed, w->x)
             : sp->design == TR_DESIGN_MORRIS ? tr_morris_sample(d, sp->n, p, w->o->seed, w->x)
                                              : tr_sobol_sample(d, sp->n, w->o->seed, w->x);
    }
    w->n_points = (uint32_t)n;
    w->d = d;
    return rc;
}

static int build_labels(sweep *w)
{
    const tr_sweep_spec *sp = w->sp;
    const tr_allocator *A = w->o->alloc;
    w->labels = tr_mem_calloc(A, w->n_points, sizeof *w->labels);
    if (!w->labels)
        return TR_ERR_NOMEM;
    size_t each = (size_t)sp->n_params * 321 + 1;
    for (uint32_t p = 0; p < w->n_points; p++) {
        char *l = tr_mem_alloc(A, each);
        if (!l)
            return TR_ERR_NOMEM;
        l[0] = 0;
        for (int j = 0; j < sp->n_params; j++) {
            char b[320];
            format_override(b, sizeof b, &sp->params[j], param_value(&sp->params[j], w->x[(size_t)p * w->d + (size_t)j]));
            if (j)
                strcat(l, " ");
            strcat(l, b);
        }
        w->labels[p] = l;
    }
    return TR_OK;
}

/* The base scenario with the base overrides and `extra`; loaded only to see
 * whether it loads (its errors go to diag). */
static int probe_load(const tr_sweep_spec *sp, const tr_experiment_options *o, const char *extra, tr_diag *diag)
{
    const char **ov = tr_mem_calloc(o->alloc, (size_t)sp->n_overrides + 2, sizeof *ov);
    if (!ov)
        return TR_ERR_NOMEM;
    for (int i = 0; i < sp->n_overrides; i++)
        ov[i] = sp->overrides[i];
    ov[sp->n_overrides] = extra;
    tr_scenario_source src;
    base_source(sp, &src);
    src.overrides = ov;
    src.n_overrides = sp->n_overrides + 1;
    src.alloc = o->alloc;
    tr_scenario *s = NULL;
    int rc = tr_scenario_load(&s, &src, diag);
    tr_scenario_destroy(s);
    tr_mem_free(o->alloc, ov);
    return rc;
}

/* Every parameter names a numeric key of the base scenario, once: an unknown
 * key, or one that is not a number or a time path, is an error here, before
 * anything runs; an ignored :N is a warning. A parameter is tried as the user
 * wrote it (PATH=LO, PATH*=1, PATH+=0: the note on an error shows that
 * override); PATH=LO would also set a text key such as a name, so a `=`
 * parameter is then tried as PATH*=1 too, which only a number or a time path
 * accepts. */
static int check_params(const tr_sweep_spec *sp, const tr_experiment_options *o, tr_diag *diag)
{
    int rc = TR_OK;
    for (int j = 0; j < sp->n_params; j++) {
        const tr_param *p = &sp->params[j];
        for (int i = 0; i < j; i++)
            if (strcmp(sp->params[i].path, p->path) == 0) {
                tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0, "'%s' is given twice", p->path);
                rc = TR_ERR_INPUT;
            }
        if (p->levels && sp->design != TR_DESIGN_GRID)
            tr_diag_add(diag, TR_DIAG_WARNING, "--param", 0, 0,
                        "'%s': the number of values (:%d) is ignored by this design (%s)", p->path, p->levels,
                        sp->design == TR_DESIGN_LHS ? "a Latin hypercube" : "sensitivity");
        char probe[300];
        if (p->op == '=')
            format_override(probe, sizeof probe, p, p->lo);
        else
            snprintf(probe, sizeof probe, "%s%s", p->path, p->op == '*' ? "*=1" : "+=0");
        size_t errors = diag->errors;
        int lrc = probe_load(sp, o, probe, diag);
        if (lrc != TR_OK) {
            if (diag->errors > errors)
                tr_diag_add(diag, TR_DIAG_NOTE, "--param", 0, 0,
                            "the error above is about --param %d ('%s'), tried as --set %s on the base scenario",
                            j + 1, p->path, probe);
            rc = lrc;
            continue;
        }
        if (p->op != '=')
            continue;
        tr_diag quiet; /* its message would name an override the user did not write */
        tr_diag_init(&quiet);
        snprintf(probe, sizeof probe, "%s*=1", p->path);
        lrc = probe_load(sp, o, probe, &quiet);
        tr_diag_free(&quiet);
        if (lrc == TR_ERR_NOMEM)
            return lrc;
        if (lrc != TR_OK) {
            tr_diag_add(diag, TR_DIAG_ERROR, "--param", 0, 0,
                        "'%s' (--param %d) is not a number or a time path, which is all a sweep can vary", p->path,
                        j + 1);
            rc = TR_ERR_INPUT;
        }
    }
    return rc;
}

int tr_sweep_run(const tr_sweep_spec *sp, const tr_experiment_options *o, tr_diag *diag)
{
    if (!sp || !o || sp->n_params < 1 || !sp->params || sp->n_params > 1000) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "sweep: at least one --param (and at most 1000) is needed");
        return TR_ERR_INPUT;
    }
    const int sens = sp->design == TR_DESIGN_MORRIS || sp->design == TR_DESIGN_SOBOL;
    if (sens && sp->n_metrics < 1) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "sensitivity: at least one --metric is needed");
        return TR_ERR_INPUT;
    }
    sweep w;
    memset(&w, 0, sizeof w);
    w.sp = sp;
    w.o = o;
    metric_ref *refs = NULL;
    int rc = check_params(sp, o, diag);
    if (rc == TR_OK)
        rc = build_design(&w, diag);
    if (rc == TR_OK)
        rc = build_labels(&w);
    /* The first point, to check the metrics (and that the parameters load) before anything runs. */
    if (rc == TR_OK && sp->n_metrics) {
        refs = tr_mem_calloc(o->alloc, (size_t)sp->n_metrics, sizeof *refs);
        tr_scenario *s0 = NULL;
        if (!refs)
            rc = TR_ERR_NOMEM;
        if (rc == TR_OK)
            rc = sweep_load(&w, 0, &s0, diag);
        if (rc == TR_OK)
            rc = check_metrics(sp, s0, o->keep, refs, diag);
        tr_scenario_destroy(s0);
    }
    if (rc == TR_ERR_NOMEM)
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory building the design");
    if (rc == TR_OK) {
        finish_ctx f = {&w, refs};
        exp_job j = {{sens ? "sensitivity" : "sweep", NULL, (const char *const *)w.labels, w.n_points, o->seed,
                      o->runs, o->keep, sweep_load, &w},
                     o->threads, o->out, o->force, o->resume, o->alloc, o->max_bytes, o->interrupt, o->progress,
                     o->ctx, sweep_finish, &f};
        rc = exp_run_job(&j, diag);
    }
    if (w.labels)
        for (uint32_t p = 0; p < w.n_points; p++)
            tr_mem_free(o->alloc, w.labels[p]);
    tr_mem_free(o->alloc, w.labels);
    tr_mem_free(o->alloc, w.x);
    tr_mem_free(o->alloc, refs);
    return rc;
}
