/* expdb.c — the experiment database (see expdb.h and docs/RESULTS.md). */
#include "exp/expdb.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "exp/fields.h"
#include "techrace/analysis.h"
#include "techrace/results.h"
#include "techrace/version.h"
#include "util/arena.h"

/* 'TREX': told apart from results databases and foreign files before
 * anything is written. */
#define EXP_APPLICATION_ID TR_EXPERIMENT_APPLICATION_ID /* techrace/results.h */
#define EXP_SCHEMA_VERSION 3

/* ---- fields ---- */

#define CY_FIELD(f, u, c, dsc) {#f, u, c, dsc, offsetof(tr_country_year, f)},
#define CT_FIELD(f, u, c, dsc) {#f, u, c, dsc, offsetof(tr_ct_year, f)},
static const tr_field cy_fields[] = {TR_CY_FIELDS(CY_FIELD)};
static const tr_field ct_fields[] = {TR_CT_FIELDS(CT_FIELD)};
#undef CY_FIELD
#undef CT_FIELD
#define N_CY ((int)(sizeof cy_fields / sizeof cy_fields[0]))
#define N_CT ((int)(sizeof ct_fields / sizeof ct_fields[0]))

/* Country-level headline metrics derived from the country-technology rows
 * (weights: production, firms, purchases), after techs_led in each
 * country_year row. */
static const struct derived {
    const char *name, *unit, *description;
} derived[] = {
    {"sales_share", "share", "share of world sales of the technologies' products"},
    {"capacity_use", "share", "capacity utilization, production-weighted over technologies"},
    {"price_cost", "ratio", "price over unit cost, production-weighted over technologies"},
    {"loss_share", "share", "share of its firms making losses (all technologies)"},
    {"self_sufficiency", "share", "share of its purchases supplied by its own firms, purchase-weighted"},
    {"profit_margin", "share", "its firms' profits over their sales (all technologies)"},
};
#define N_DER ((int)(sizeof derived / sizeof derived[0]))

_Static_assert((sizeof(tr_country_year) - sizeof(int)) / sizeof(double) == sizeof cy_fields / sizeof cy_fields[0],
               "TR_CY_FIELDS must list every double field of tr_country_year");
_Static_assert(sizeof(tr_ct_year) == sizeof(double) * (sizeof ct_fields / sizeof ct_fields[0]),
               "TR_CT_FIELDS must list every field of tr_ct_year");

/* metric_id of the metrics table: country-year fields and techs_led, then
 * country-technology fields, then tracker columns (1-based, as inserted). */
#define METRIC_CY 1
#define METRIC_CT (METRIC_CY + N_CY + 1 + N_DER)
#define METRIC_TRK (METRIC_CT + N_CT)

static const char *const trk_cols[EXP_TRK_COLS] = {"leader", "second", "leader_share",
                                                   "second_share", "lead_ratio", "risk"};

static double get_field(const void *row, size_t off)
{
    double v;
    memcpy(&v, (const char *)row + off, sizeof v);
    return v;
}

void exp_dims_init(exp_dims *d, const tr_scenario *s, tr_keep keep)
{
    d->nc = s->n_countries;
    d->nk = s->n_tech;
    d->ny = s->end_year - s->start_year + 1;
    d->start_year = s->start_year;
    d->keep = keep;
    d->n_cy = N_CY + 1 + N_DER;
    d->n_ctc = 0;
    for (int i = 0; i < N_CT; i++)
        d->n_ctc += ct_fields[i].compact;
    d->n_ct = N_CT;
    d->max_events = 2 * s->n_events + 2;
}

int expdb_metric_aggregated(const char *name, const char *level, tr_keep keep)
{
    if (strcmp(level, "country") == 0) {
        for (int f = 0; f < N_CY; f++)
            if (strcmp(name, cy_fields[f].name) == 0)
                return 1;
        for (int f = 0; f < N_DER; f++)
            if (strcmp(name, derived[f].name) == 0)
                return 1;
        return strcmp(name, "techs_led") == 0;
    }
    if (strcmp(level, "country_tech") == 0) {
        for (int f = 0; f < N_CT; f++)
            if (strcmp(name, ct_fields[f].name) == 0)
                return ct_fields[f].compact || keep == TR_KEEP_ALL;
        return 0;
    }
    if (strcmp(level, "tech") == 0) /* the tracker's aggregated columns */
        return !strcmp(name, "leader_share") || !strcmp(name, "second_share") || !strcmp(name, "lead_ratio");
    return 0;
}

const char *tr_keep_name(tr_keep k)
{
    switch (k) {
    case TR_KEEP_ALL: return "all";
    case TR_KEEP_AGGREGATES: return "aggregates";
    default: return "compact";
    }
}

int tr_keep_parse(const char *name, tr_keep *out)
{
    static const tr_keep all[] = {TR_KEEP_COMPACT, TR_KEEP_ALL, TR_KEEP_AGGREGATES};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (name && strcmp(name, tr_keep_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

/* ---- points ---- */

int exp_point_get(const exp_header *h, uint32_t p, const tr_scenario **s, tr_scenario **owned, tr_diag *diag)
{
    *owned = NULL;
    *s = NULL;
    if (p >= h->n_points)
        return TR_ERR_INTERNAL;
    if (h->points) {
        *s = h->points[p];
        return TR_OK;
    }
    int rc = h->load(h->load_ctx, p, owned, diag);
    *s = *owned;
    return rc;
}

void exp_point_put(tr_scenario *owned)
{
    tr_scenario_destroy(owned);
}

/* All points must have the same countries, technologies and calendar, so
 * their tables line up. */
static int same_dims(const exp_header *h, uint32_t p, const tr_scenario *a, const tr_scenario *b, tr_diag *diag)
{
    int same = a->n_countries == b->n_countries && a->n_tech == b->n_tech && a->start_year == b->start_year &&
               a->end_year == b->end_year;
    for (int c = 0; same && c < a->n_countries; c++)
        same = strcmp(a->countries[c].id, b->countries[c].id) == 0;
    for (int k = 0; same && k < a->n_tech; k++)
        same = strcmp(a->techs[k].id, b->techs[k].id) == 0;
    if (!same)
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    "%s: scenario %u (%s) has other countries, technologies or calendar than the first: the "
                    "points of one experiment must line up",
                    h->kind, p, h->labels ? h->labels[p] : b->name);
    return same ? TR_OK : TR_ERR_INPUT;
}

/* ---- run data ---- */

int exp_run_data_init(exp_run_data *r, const exp_dims *d, const tr_allocator *alloc)
{
    memset(r, 0, sizeof *r);
    r->d = d;
    r->alloc = alloc;
    size_t ny = (size_t)d->ny, nc = (size_t)d->nc, nk = (size_t)d->nk;
    r->cy = tr_mem_calloc(alloc, ny * nc * (size_t)d->n_cy, sizeof *r->cy);
    r->ctc = tr_mem_calloc(alloc, ny * nc * nk * (size_t)d->n_ctc, sizeof *r->ctc);
    r->trk = tr_mem_calloc(alloc, ny * nk * EXP_TRK_COLS, sizeof *r->trk);
    if (d->keep == TR_KEEP_ALL) {
        r->ct = tr_mem_calloc(alloc, ny * nc * nk * (size_t)d->n_ct, sizeof *r->ct);
        r->top = tr_mem_calloc(alloc, ny * nk * 10, sizeof *r->top);
        r->events = tr_mem_calloc(alloc, (size_t)d->max_events, sizeof *r->events);
    }
    if (!r->cy || !r->ctc || !r->trk || (d->keep == TR_KEEP_ALL && (!r->ct || !r->top || !r->events))) {
        exp_run_data_free(r);
        return TR_ERR_NOMEM;
    }
    return TR_OK;
}

void exp_run_data_clear(exp_run_data *r)
{
    const exp_dims *d = r->d;
    size_t ny = (size_t)d->ny, nc = (size_t)d->nc, nk = (size_t)d->nk;
    memset(r->cy, 0, sizeof *r->cy * ny * nc * (size_t)d->n_cy);
    memset(r->ctc, 0, sizeof *r->ctc * ny * nc * nk * (size_t)d->n_ctc);
    memset(r->trk, 0, sizeof *r->trk * ny * nk * EXP_TRK_COLS);
    if (r->ct)
        memset(r->ct, 0, sizeof *r->ct * ny * nc * nk * (size_t)d->n_ct);
    if (r->top)
        memset(r->top, 0, sizeof *r->top * ny * nk * 10);
    r->n_events = 0;
}

void exp_run_data_put_event(exp_run_data *r, const tr_sim *sim, const tr_event_applied *ev)
{
    if (!r->events || r->n_events >= r->d->max_events)
        return;
    exp_event *e = &r->events[r->n_events++];
    const tr_scenario *s = tr_sim_scenario(sim);
    e->step = ev->step;
    e->starting = ev->starting;
    e->year = ev->year;
    snprintf(e->id, sizeof e->id, "%s", ev->event >= 0 && ev->event < s->n_events ? s->events[ev->event].id : "?");
}

void exp_run_data_put_year(exp_run_data *r, const tr_sim *sim, const tr_year_report *rep)
{
    const exp_dims *d = r->d;
    int y = rep->year - d->start_year;
    if (y < 0 || y >= d->ny)
        return;
    const size_t nc = (size_t)d->nc, nk = (size_t)d->nk, yy = (size_t)y;
    for (size_t c = 0; c < nc; c++) {
        double *row = r->cy + (yy * nc + c) * (size_t)d->n_cy;
        for (int f = 0; f < N_CY; f++)
            row[f] = get_field(&rep->country[c], cy_fields[f].off);
        row[N_CY] = rep->country[c].techs_led;
    }
    double world = 0;
    for (size_t c = 0; c < nc; c++)
        world += rep->country[c].production;
    for (size_t c = 0; c < nc; c++) {
        double *der = r->cy + (yy * nc + c) * (size_t)d->n_cy + N_CY + 1;
        double wp = 0, wu = 0, wpc = 0, nf = 0, nl = 0, wb = 0, ws = 0, pr = 0, sales = 0;
        for (size_t k = 0; k < nk; k++) {
            const tr_ct_year *ct = &rep->ct[c * nk + k];
            if (ct->production > 0 && !isnan(ct->utilization) && !isnan(ct->price_cost)) {
                wp += ct->production;
                wu += ct->production * ct->utilization;
                wpc += ct->production * ct->price_cost;
            }
            if (ct->firms > 0 && !isnan(ct->loss_share)) {
                nf += ct->firms;
                nl += ct->firms * ct->loss_share;
            }
            sales += ct->production;
            pr += ct->profit;
            if (ct->consumption > 0 && !isnan(ct->self_sufficiency)) {
                wb += ct->consumption;
                ws += ct->consumption * ct->self_sufficiency;
            }
        }
        der[0] = world > 0 ? rep->country[c].production / world : NAN;
        der[1] = wp > 0 ? wu / wp : NAN;
        der[2] = wp > 0 ? wpc / wp : NAN;
        der[3] = nf > 0 ? nl / nf : NAN;
        der[4] = wb > 0 ? ws / wb : NAN;
        der[5] = sales > 0 ? pr / sales : NAN;
    }
    int m = 0;
    for (int f = 0; f < N_CT; f++) {
        if (!ct_fields[f].compact)
            continue;
        float *blk = r->ctc + (yy * (size_t)d->n_ctc + (size_t)m) * nc * nk;
        for (size_t i = 0; i < nc * nk; i++)
            blk[i] = (float)get_field(&rep->ct[i], ct_fields[f].off);
        m++;
    }
    if (r->ct)
        for (size_t i = 0; i < nc * nk; i++)
            for (int f = 0; f < N_CT; f++)
                r->ct[(yy * nc * nk + i) * (size_t)d->n_ct + (size_t)f] = get_field(&rep->ct[i], ct_fields[f].off);
    for (size_t k = 0; r->top && k < nk; k++)
        for (int i = 0; i < 10; i++) {
            exp_top10 *e = &r->top[(yy * nk + k) * 10 + (size_t)i];
            int inst = rep->tracker[k].top10[i];
            e->inst = inst;
            e->country = inst >= 0 ? tr_sim_inst_country(sim, inst) : -1;
            e->hi_papers = inst >= 0 ? tr_sim_inst_hi_window(sim, inst, (int)k) : 0;
            snprintf(e->name, sizeof e->name, "%s", inst >= 0 ? tr_sim_inst_name(sim, inst) : "");
        }
    for (size_t k = 0; k < nk; k++) {
        const tr_tracker_row *t = &rep->tracker[k];
        double *row = r->trk + (yy * nk + k) * EXP_TRK_COLS;
        row[0] = t->leader;
        row[1] = t->second;
        row[2] = t->leader_share;
        row[3] = t->second_share;
        row[4] = t->lead_ratio;
        row[5] = (double)t->risk;
    }
}

void exp_run_data_free(exp_run_data *r)
{
    tr_mem_free(r->alloc, r->cy);
    tr_mem_free(r->alloc, r->ctc);
    tr_mem_free(r->alloc, r->ct);
    tr_mem_free(r->alloc, r->trk);
    tr_mem_free(r->alloc, r->top);
    tr_mem_free(r->alloc, r->events);
    r->top = NULL;
    r->events = NULL;
    r->cy = r->ct = r->trk = NULL;
    r->ctc = NULL;
}

/* ---- the database ---- */

enum { ST_CY, ST_TRK, ST_CTC, ST_CT, ST_RUN, ST_DONE, ST_TOP, ST_EV, N_ST };

struct exp_db {
    sqlite3 *db;
    const tr_allocator *alloc;
    const exp_header *h;
    exp_dims dims;
    sqlite3_stmt *st[N_ST];
    char *path;
    char *hashes;  /* the points' scenario hashes, comma-separated: what resume compares */
    int lock_fd;               /* the database file, flock'ed: one writer */
    int was_complete;          /* resumed an experiment that had completed: nothing to redo */
    const tr_scenario *first;  /* point 0, while the database is opened */
    tr_scenario *first_owned;
};

static int db_fail(exp_db *x, tr_diag *diag, const char *what)
{
    int ext = sqlite3_extended_errcode(x->db), sys = sqlite3_system_errno(x->db);
    if ((ext & 0xff) == SQLITE_FULL)
        tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0, "%s: No space left on device", what);
    else if (sys)
        tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0, "%s: %s (%s)", what, sqlite3_errmsg(x->db), strerror(sys));
    else
        tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0, "%s: %s", what, sqlite3_errmsg(x->db));
    return (ext & 0xff) == SQLITE_NOMEM ? TR_ERR_NOMEM : TR_ERR_DB;
}

static int exec(exp_db *x, const char *sql, tr_diag *diag)
{
    if (sqlite3_exec(x->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(x, diag, "writing the experiment database");
    return TR_OK;
}

/* Growable text for generated SQL. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    const tr_allocator *alloc;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t len = strlen(s);
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = tr_mem_realloc(b->alloc, b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len + 1);
    b->n += len;
}

static char *build_schema(const exp_dims *d, const tr_allocator *alloc)
{
    sbuf b = {NULL, 0, 0, alloc, 0};
    sb_add(&b, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
               "CREATE TABLE countries(country INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL,"
               " ranked INTEGER NOT NULL);\n"
               "CREATE TABLE technologies(tech INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL,"
               " category TEXT NOT NULL);\n"
               "CREATE TABLE metrics(metric_id INTEGER PRIMARY KEY, metric TEXT NOT NULL, level TEXT NOT NULL,"
               " unit TEXT NOT NULL, kept TEXT NOT NULL, description TEXT NOT NULL, UNIQUE(level, metric));\n"
               "CREATE TABLE points(point INTEGER PRIMARY KEY, label TEXT NOT NULL, scenario_name TEXT NOT NULL,"
               " scenario_hash TEXT NOT NULL, overrides TEXT NOT NULL, scenario_text TEXT NOT NULL);\n"
               "CREATE TABLE runs(point INTEGER NOT NULL, run INTEGER NOT NULL, status TEXT NOT NULL,"
               " PRIMARY KEY(point, run)) WITHOUT ROWID;\n"
               "CREATE TABLE country_year(point INTEGER NOT NULL, run INTEGER NOT NULL, year INTEGER NOT NULL,"
               " country INTEGER NOT NULL");
    for (int f = 0; f < N_CY; f++) {
        sb_add(&b, ", ");
        sb_add(&b, cy_fields[f].name);
        sb_add(&b, " REAL");
    }
    sb_add(&b, ", techs_led INTEGER");
    for (int f = 0; f < N_DER; f++) {
        sb_add(&b, ", ");
        sb_add(&b, derived[f].name);
        sb_add(&b, " REAL");
    }
    sb_add(&b, ", PRIMARY KEY(point, run, year, country)) WITHOUT ROWID;\n"
               "CREATE TABLE tracker(point INTEGER NOT NULL, run INTEGER NOT NULL, year INTEGER NOT NULL,"
               " tech INTEGER NOT NULL, leader INTEGER, second INTEGER, leader_share REAL, second_share REAL,"
               " lead_ratio REAL, risk INTEGER, PRIMARY KEY(point, run, year, tech)) WITHOUT ROWID;\n"
               "CREATE TABLE ct_compact(point INTEGER NOT NULL, run INTEGER NOT NULL, year INTEGER NOT NULL,"
               " data BLOB NOT NULL, PRIMARY KEY(point, run, year)) WITHOUT ROWID;\n");
    if (d->keep == TR_KEEP_ALL) {
        sb_add(&b, "CREATE TABLE country_tech_year(point INTEGER NOT NULL, run INTEGER NOT NULL,"
                   " year INTEGER NOT NULL, country INTEGER NOT NULL, tech INTEGER NOT NULL");
        for (int f = 0; f < N_CT; f++) {
            sb_add(&b, ", ");
            sb_add(&b, ct_fields[f].name);
            sb_add(&b, " REAL");
        }
        sb_add(&b, ", PRIMARY KEY(point, run, year, country, tech)) WITHOUT ROWID;\n"
                   "CREATE TABLE tracker_top10(point INTEGER NOT NULL, run INTEGER NOT NULL, year INTEGER NOT NULL,"
                   " tech INTEGER NOT NULL, rank INTEGER NOT NULL, institution TEXT NOT NULL,"
                   " country INTEGER NOT NULL, hi_papers REAL, PRIMARY KEY(point, run, year, tech, rank))"
                   " WITHOUT ROWID;\n"
                   "CREATE TABLE events_applied(point INTEGER NOT NULL, run INTEGER NOT NULL, seq INTEGER NOT NULL,"
                   " step INTEGER NOT NULL, year REAL NOT NULL, event TEXT NOT NULL, starting INTEGER NOT NULL,"
                   " PRIMARY KEY(point, run, seq)) WITHOUT ROWID;\n");
    }
    sb_add(&b, "CREATE TABLE aggregates(point INTEGER NOT NULL, metric_id INTEGER NOT NULL,"
               " year INTEGER NOT NULL, country INTEGER NOT NULL, tech INTEGER NOT NULL, n INTEGER NOT NULL,"
               " mean REAL, sd REAL, q05 REAL, q50 REAL, q95 REAL,"
               " PRIMARY KEY(point, metric_id, year, country, tech)) WITHOUT ROWID;\n"
               "CREATE VIEW aggregates_named AS SELECT a.point, m.metric, m.level, a.year, c.id AS country,"
               " t.id AS tech, a.n, a.mean, a.sd, a.q05, a.q50, a.q95 FROM aggregates a"
               " JOIN metrics m ON m.metric_id = a.metric_id"
               " LEFT JOIN countries c ON c.country = a.country LEFT JOIN technologies t ON t.tech = a.tech;\n");
    if (b.oom) {
        tr_mem_free(alloc, b.p);
        return NULL;
    }
    return b.p;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

static int put_meta(exp_db *x, const char *key, const char *value, tr_diag *diag)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(x->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK)
        return db_fail(x, diag, "writing the experiment database");
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    int rc = sqlite3_step(st) == SQLITE_DONE ? TR_OK : db_fail(x, diag, "writing the experiment database");
    sqlite3_finalize(st);
    return rc;
}

/* The header as meta rows: what resume compares. */
static void header_values(const exp_header *h, char seed[24], char runs[16])
{
    snprintf(seed, 24, "%" PRIu64, h->seed);
    snprintf(runs, 16, "%u", h->runs);
}

/* Insert n rows with one prepared statement; bind fills row i. */
static int insert_rows(exp_db *x, const char *sql, int n, void (*bind)(sqlite3_stmt *st, int i, const void *ctx),
                       const void *ctx, tr_diag *diag)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(x, diag, "writing the experiment database");
    int rc = TR_OK;
    for (int i = 0; i < n && rc == TR_OK; i++) {
        bind(st, i, ctx);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(x, diag, "writing the experiment database");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static void bind_country(sqlite3_stmt *st, int c, const void *ctx)
{
    const tr_scenario *s = ctx;
    sqlite3_bind_int(st, 1, c);
    bind_text(st, 2, s->countries[c].id);
    bind_text(st, 3, s->countries[c].name);
    sqlite3_bind_int(st, 4, s->countries[c].ranked != 0);
}

static void bind_tech(sqlite3_stmt *st, int k, const void *ctx)
{
    const tr_scenario *s = ctx;
    sqlite3_bind_int(st, 1, k);
    bind_text(st, 2, s->techs[k].id);
    bind_text(st, 3, s->techs[k].name);
    bind_text(st, 4, s->categories[s->techs[k].category].id);
}

/* Row i of the metrics table, in metric_id order (METRIC_CY, METRIC_CT, METRIC_TRK). */
static void bind_metric(sqlite3_stmt *st, int i, const void *ctx)
{
    static const char *const tdesc[EXP_TRK_COLS] = {
        "leading country", "runner-up", "leader's share of high-impact papers",
        "runner-up's share", "leader_share / second_share", "monopoly risk 0 low, 1 medium, 2 high"};
    static const char *const tunit[EXP_TRK_COLS] = {"country", "country", "share", "share", "ratio", "level"};
    (void)ctx;
    const char *name, *level, *unit, *kept = "compact", *desc;
    if (i < N_CY + 1 + N_DER) {
        const struct derived *dv = i > N_CY ? &derived[i - N_CY - 1] : NULL;
        level = "country";
        name = i < N_CY ? cy_fields[i].name : dv ? dv->name : "techs_led";
        unit = i < N_CY ? cy_fields[i].unit : dv ? dv->unit : "technologies";
        desc = i < N_CY ? cy_fields[i].description : dv ? dv->description : "technologies led in the tracker";
    } else if (i < N_CY + 1 + N_DER + N_CT) {
        const tr_field *f = &ct_fields[i - (N_CY + 1 + N_DER)];
        level = "country_tech";
        name = f->name;
        unit = f->unit;
        kept = f->compact ? "compact" : "all";
        desc = f->description;
    } else {
        int t = i - (N_CY + 1 + N_DER + N_CT);
        level = "tech";
        name = trk_cols[t];
        unit = tunit[t];
        desc = tdesc[t];
    }
    bind_text(st, 1, name);
    bind_text(st, 2, level);
    bind_text(st, 3, unit);
    bind_text(st, 4, kept);
    bind_text(st, 5, desc);
}

static int write_header(exp_db *x, tr_diag *diag)
{
    const exp_header *h = x->h;
    const tr_scenario *s = x->first;
    char seed[24], runs[16], num[32], npts[16];
    header_values(h, seed, runs);
    int rc = TR_OK;
    snprintf(num, sizeof num, "%d", EXP_SCHEMA_VERSION);
    snprintf(npts, sizeof npts, "%u", h->n_points);
    const char *kv[][2] = {{"schema_version", num},
                           {"kind", h->kind},
                           {"program_version", tr_version()},
                           {"scenario_name", s->name},
                           {"scenario_hashes", x->hashes},
                           {"points", npts},
                           {"seed", seed},
                           {"runs", runs},
                           {"keep", tr_keep_name(h->keep)},
                           {"status", "running"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && rc == TR_OK; i++)
        rc = put_meta(x, kv[i][0], kv[i][1], diag);
    char yr[16];
    snprintf(yr, sizeof yr, "%d", s->start_year);
    if (rc == TR_OK)
        rc = put_meta(x, "start_year", yr, diag);
    snprintf(yr, sizeof yr, "%d", s->end_year);
    if (rc == TR_OK)
        rc = put_meta(x, "end_year", yr, diag);
    sqlite3_stmt *st = NULL;
    if (rc == TR_OK && sqlite3_prepare_v2(x->db, "INSERT INTO points VALUES(?, ?, ?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
        for (uint32_t p = 0; p < h->n_points && rc == TR_OK; p++) {
            const tr_scenario *ps = NULL;
            tr_scenario *owned = NULL;
            if (p == 0)
                ps = x->first;
            else if ((rc = exp_point_get(h, p, &ps, &owned, diag)) != TR_OK)
                break;
            sbuf ov = {NULL, 0, 0, x->alloc, 0};
            sb_add(&ov, "");
            for (int i = 0; i < ps->n_overrides; i++) {
                if (i)
                    sb_add(&ov, " ");
                sb_add(&ov, ps->overrides[i]);
            }
            sqlite3_bind_int64(st, 1, p);
            bind_text(st, 2, h->labels ? h->labels[p] : "");
            bind_text(st, 3, ps->name);
            bind_text(st, 4, ps->hash);
            bind_text(st, 5, ov.oom ? "" : ov.p);
            bind_text(st, 6, ps->resolved_text);
            if (ov.oom || sqlite3_step(st) != SQLITE_DONE)
                rc = ov.oom ? TR_ERR_NOMEM : db_fail(x, diag, "writing the experiment database");
            sqlite3_reset(st);
            tr_mem_free(x->alloc, ov.p);
            exp_point_put(owned);
        }
    } else if (rc == TR_OK)
        rc = db_fail(x, diag, "writing the experiment database");
    sqlite3_finalize(st);
    st = NULL;
    if (rc == TR_OK)
        rc = insert_rows(x, "INSERT INTO countries VALUES(?, ?, ?, ?)", s->n_countries, bind_country, s, diag);
    if (rc == TR_OK)
        rc = insert_rows(x, "INSERT INTO technologies VALUES(?, ?, ?, ?)", s->n_tech, bind_tech, s, diag);
    if (rc == TR_OK)
        rc = insert_rows(x, "INSERT INTO metrics(metric, level, unit, kept, description) VALUES(?, ?, ?, ?, ?)",
                         N_CY + 1 + N_DER + N_CT + EXP_TRK_COLS, bind_metric, NULL, diag);
    sqlite3_finalize(st);
    return rc;
}

static char *meta_value(sqlite3 *db, const char *key, const tr_allocator *A);

/* Resume: the file must hold an experiment of the same kind, scenario,
 * seed, size and options. */
static int check_header(exp_db *x, tr_diag *diag)
{
    const exp_header *h = x->h;
    char seed[24], runs[16], num[16];
    header_values(h, seed, runs);
    snprintf(num, sizeof num, "%d", EXP_SCHEMA_VERSION);
    const char *want[][2] = {{"schema_version", num}, {"kind", h->kind}, {"scenario_hashes", x->hashes},
                             {"seed", seed},          {"runs", runs},    {"keep", tr_keep_name(h->keep)}};
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(x->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK) {
        tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0, "cannot resume: not an experiment database of techrace");
        return TR_ERR_INPUT;
    }
    int bad = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bind_text(st, 1, want[i][0]);
        const char *have = NULL;
        if (sqlite3_step(st) == SQLITE_ROW)
            have = (const char *)sqlite3_column_text(st, 0);
        if (!have || strcmp(have, want[i][1]) != 0) {
            if (strcmp(want[i][0], "scenario_hashes") == 0)
                tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0,
                            "cannot resume: the scenario is not the one the database was made with (its resolved "
                            "text differs: another file, other --set or --param values, or an edited file)");
            else
                tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0,
                            "cannot resume: the database was made with %s '%s', this command has '%s'", want[i][0],
                            have ? have : "(none)", want[i][1]);
            bad = 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return bad ? TR_ERR_INPUT : TR_OK;
}

/* A file that cannot be opened: the reason, and bad input (exit 2) when it is
 * the user's to fix (permissions, missing folder, read-only file system). */
static int file_error(const char *path, const char *what, tr_diag *diag)
{
    int e = errno;
    tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "%s: %s", what, strerror(e));
    return e == EACCES || e == EPERM || e == ENOENT || e == ENOTDIR || e == EROFS || e == ELOOP || e == EISDIR
               ? TR_ERR_INPUT
               : TR_ERR_IO;
}

/* What --force may replace: an experiment database of techrace (its
 * application id) or an empty file. Anything else (another program's
 * database, a run's results database, a scenario) is someone's data: refused
 * and left as it was. fd is the open, locked file. The id is read from the
 * file's header; only when a -wal file lies beside it (a killed experiment
 * has its id there) through SQLite, read-only: SQLite would otherwise leave
 * -wal and -shm files beside a WAL database it only read. */
static int check_replaceable(const char *path, int fd, tr_diag *diag)
{
    struct stat sb;
    if (fstat(fd, &sb) == 0 && sb.st_size == 0)
        return TR_OK;
    unsigned char head[100];
    int is_db = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head && !memcmp(head, "SQLite format 3", 16);
    uint32_t app = is_db ? (uint32_t)head[68] << 24 | (uint32_t)head[69] << 16 | (uint32_t)head[70] << 8 | head[71] : 0;
    char wal[4096];
    if (is_db && app != EXP_APPLICATION_ID && (size_t)snprintf(wal, sizeof wal, "%s-wal", path) < sizeof wal &&
        access(wal, F_OK) == 0) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            app = (uint32_t)sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    if (is_db && app == EXP_APPLICATION_ID)
        return TR_OK;
    char what[96];
    if (is_db && app == TR_RESULTS_APPLICATION_ID)
        snprintf(what, sizeof what, "a run's results database (techrace run --out), not an experiment database");
    else if (is_db && app)
        snprintf(what, sizeof what, "another program's SQLite database (application_id 0x%08x)", (unsigned)app);
    else if (is_db)
        snprintf(what, sizeof what, "another program's SQLite database");
    else
        snprintf(what, sizeof what, "not an SQLite database");
    tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                "is %s: --force replaces only an experiment database of techrace or an empty file; choose "
                "another --out (the file was left unchanged)",
                what);
    return TR_ERR_INPUT;
}

static int remove_db_files(const char *path, tr_diag *diag)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char buf[4096];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, sfx[i]) >= sizeof buf) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "path too long");
            return TR_ERR_INPUT;
        }
        if (unlink(buf) != 0 && errno != ENOENT) {
            tr_diag_add(diag, TR_DIAG_ERROR, buf, 0, 0, "cannot replace it: %s", strerror(errno));
            return TR_ERR_IO;
        }
    }
    return TR_OK;
}

static int prepare_all(exp_db *x, tr_diag *diag)
{
    const exp_dims *d = &x->dims;
    sbuf b = {NULL, 0, 0, x->alloc, 0};
    sb_add(&b, "INSERT INTO country_year VALUES(?, ?, ?, ?");
    for (int f = 0; f < d->n_cy; f++)
        sb_add(&b, ", ?");
    sb_add(&b, ")");
    char *cy_sql = b.p;
    sbuf c = {NULL, 0, 0, x->alloc, 0};
    sb_add(&c, "INSERT INTO country_tech_year VALUES(?, ?, ?, ?, ?");
    for (int f = 0; f < d->n_ct; f++)
        sb_add(&c, ", ?");
    sb_add(&c, ")");
    int rc = TR_OK;
    if (b.oom || c.oom) {
        rc = TR_ERR_NOMEM;
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
    }
    const char *sql[N_ST] = {cy_sql,
                             "INSERT INTO tracker VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             "INSERT INTO ct_compact VALUES(?, ?, ?, ?)",
                             d->keep == TR_KEEP_ALL ? c.p : NULL,
                             "INSERT OR REPLACE INTO runs(point, run, status) VALUES(?, ?, 'complete')",
                             "SELECT 1 FROM runs WHERE point = ? AND run = ? AND status = 'complete'",
                             d->keep == TR_KEEP_ALL ? "INSERT INTO tracker_top10 VALUES(?, ?, ?, ?, ?, ?, ?, ?)" : NULL,
                             d->keep == TR_KEEP_ALL ? "INSERT INTO events_applied VALUES(?, ?, ?, ?, ?, ?, ?)" : NULL};
    for (int i = 0; i < N_ST && rc == TR_OK; i++)
        if (sql[i] && sqlite3_prepare_v3(x->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &x->st[i], NULL) != SQLITE_OK)
            rc = db_fail(x, diag, "preparing the experiment database");
    tr_mem_free(x->alloc, b.p);
    tr_mem_free(x->alloc, c.p);
    return rc;
}

static void db_free(exp_db *x)
{
    exp_point_put(x->first_owned);
    for (int i = 0; i < N_ST; i++)
        sqlite3_finalize(x->st[i]);
    sqlite3_close(x->db);
    if (x->lock_fd >= 0)
        close(x->lock_fd); /* releases the flock */
    tr_mem_free(x->alloc, x->path);
    tr_mem_free(x->alloc, x->hashes);
    tr_mem_free(x->alloc, x);
}

struct sqlite3 *expdb_handle(exp_db *x)
{
    return x->db;
}

int expdb_was_complete(const exp_db *x)
{
    return x->was_complete;
}

int expdb_open(exp_db **out, const char *path, const exp_header *h, int force, int resume,
               const tr_allocator *alloc, tr_diag *diag)
{
    *out = NULL;
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "not a regular file: refusing to write an experiment there");
        return TR_ERR_INPUT;
    }
    if (exists && !force && !resume) {
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                    "exists: use --resume to continue the experiment it holds, or --force to replace it");
        return TR_ERR_INPUT;
    }
    /* One writer per file: an flock(2) on the database file itself (SQLite's
     * own locks are fcntl locks, which flock does not touch), held until the
     * experiment is closed. Opening it also gives the real reason when the
     * file cannot be written. */
    int lock = -1;
    if (exists) {
        lock = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (lock < 0)
            return file_error(path, "cannot open", diag);
        if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
            close(lock);
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                        "is in use by another techrace process writing an experiment: wait for it, or choose "
                        "another --out");
            return TR_ERR_INPUT;
        }
        if (force) {
            int rc = check_replaceable(path, lock, diag);
            if (rc == TR_OK)
                rc = remove_db_files(path, diag);
            close(lock);
            lock = -1;
            if (rc != TR_OK)
                return rc;
            exists = 0;
        }
    }
    if (!exists) {
        lock = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (lock < 0 && errno == EEXIST) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "was just created by another process: choose another --out");
            return TR_ERR_INPUT;
        }
        if (lock < 0)
            return file_error(path, "cannot create", diag);
        if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
            close(lock);
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "is in use by another process: choose another --out");
            return TR_ERR_INPUT;
        }
    }
    exp_db *x = tr_mem_calloc(alloc, 1, sizeof *x);
    if (!x || !(x->path = tr_mem_strdup(alloc, path))) {
        tr_mem_free(alloc, x);
        close(lock);
        if (!exists)
            remove_db_files(path, NULL);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    x->lock_fd = lock;
    x->alloc = alloc;
    x->h = h;
    /* Every point once: the same dimensions, and the hashes resume compares. */
    int prc = exp_point_get(h, 0, &x->first, &x->first_owned, diag);
    if (prc == TR_OK) {
        exp_dims_init(&x->dims, x->first, h->keep);
        sbuf hs = {NULL, 0, 0, alloc, 0};
        sb_add(&hs, x->first->hash);
        for (uint32_t p = 1; p < h->n_points && prc == TR_OK; p++) {
            const tr_scenario *ps = NULL;
            tr_scenario *owned = NULL;
            prc = exp_point_get(h, p, &ps, &owned, diag);
            if (prc == TR_OK)
                prc = same_dims(h, p, x->first, ps, diag);
            if (prc == TR_OK) {
                sb_add(&hs, ",");
                sb_add(&hs, ps->hash);
            }
            exp_point_put(owned);
        }
        if (prc == TR_OK && hs.oom) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
            prc = TR_ERR_NOMEM;
        }
        x->hashes = hs.p;
    }
    if (prc != TR_OK) {
        db_free(x);
        if (!exists)
            remove_db_files(path, NULL); /* nothing was written: leave no file */
        return prc;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | (exists ? 0 : SQLITE_OPEN_CREATE);
    int rc = TR_OK;
    if (sqlite3_open_v2(path, &x->db, flags, NULL) != SQLITE_OK) {
        int sys = x->db ? sqlite3_system_errno(x->db) : 0;
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "cannot open: %s",
                    sys ? strerror(sys) : x->db ? sqlite3_errmsg(x->db) : "out of memory");
        db_free(x);
        if (!exists)
            remove_db_files(path, NULL);
        return TR_ERR_IO;
    }
    sqlite3_busy_timeout(x->db, 5000);
    if (exists) {
        /* Read-only checks first: a foreign file is left as it was. */
        sqlite3_stmt *st = NULL;
        int app = -1;
        if (sqlite3_prepare_v2(x->db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            app = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (app != EXP_APPLICATION_ID) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                        "cannot resume: not an experiment database of techrace (left unchanged)");
            db_free(x);
            return TR_ERR_INPUT;
        }
        rc = check_header(x, diag);
        if (rc == TR_OK) {
            char *was = meta_value(x->db, "status", alloc);
            x->was_complete = was && strcmp(was, "complete") == 0;
            tr_mem_free(alloc, was);
        }
        if (rc == TR_OK)
            rc = exec(x, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", diag);
        if (rc == TR_OK)
            rc = put_meta(x, "status", "running", diag);
    } else {
        char *schema = build_schema(&x->dims, alloc);
        char pragmas[160];
        snprintf(pragmas, sizeof pragmas,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA application_id=%d;"
                 " PRAGMA user_version=%d;",
                 EXP_APPLICATION_ID, EXP_SCHEMA_VERSION);
        if (!schema) {
            tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
            rc = TR_ERR_NOMEM;
        }
        if (rc == TR_OK)
            rc = exec(x, pragmas, diag);
        if (rc == TR_OK)
            rc = exec(x, "BEGIN IMMEDIATE", diag);
        if (rc == TR_OK)
            rc = exec(x, schema, diag);
        if (rc == TR_OK)
            rc = write_header(x, diag);
        if (rc == TR_OK)
            rc = exec(x, "COMMIT", diag);
        if (rc != TR_OK)
            sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
        tr_mem_free(alloc, schema);
    }
    if (rc == TR_OK)
        rc = prepare_all(x, diag);
    exp_point_put(x->first_owned);
    x->first = NULL;
    x->first_owned = NULL;
    if (rc != TR_OK) {
        db_free(x);
        if (!exists)
            remove_db_files(path, NULL); /* a half-made file is no database */
        return rc;
    }
    *out = x;
    return TR_OK;
}

int expdb_run_done(exp_db *x, uint32_t point, uint32_t run, int *done, tr_diag *diag)
{
    sqlite3_stmt *st = x->st[ST_DONE];
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, point);
    sqlite3_bind_int64(st, 2, run);
    int r = sqlite3_step(st);
    *done = r == SQLITE_ROW;
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return db_fail(x, diag, "reading the experiment database");
    return TR_OK;
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v) || isinf(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static int step_reset(sqlite3_stmt *st)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r == SQLITE_DONE;
}

/* float32 little-endian, whatever the machine. */
static void put_f32(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

static float get_f32(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

int expdb_write_run(exp_db *x, uint32_t point, uint32_t run, const exp_run_data *r, int years, tr_diag *diag)
{
    const exp_dims *d = &x->dims;
    const size_t nc = (size_t)d->nc, nk = (size_t)d->nk;
    size_t blob_n = (size_t)d->n_ctc * nc * nk * 4;
    unsigned char *blob = tr_mem_alloc(x->alloc, blob_n);
    if (!blob) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    int rc = exec(x, "BEGIN IMMEDIATE", diag);
    int ok = rc == TR_OK;
    for (int y = 0; ok && y < years && y < d->ny; y++) {
        const size_t yy = (size_t)y;
        int year = d->start_year + y;
        for (size_t c = 0; ok && c < nc; c++) {
            sqlite3_stmt *st = x->st[ST_CY];
            const double *row = r->cy + (yy * nc + c) * (size_t)d->n_cy;
            sqlite3_bind_int64(st, 1, point);
            sqlite3_bind_int64(st, 2, run);
            sqlite3_bind_int(st, 3, year);
            sqlite3_bind_int(st, 4, (int)c);
            for (int f = 0; f < d->n_cy; f++)
                if (f == N_CY)
                    sqlite3_bind_int(st, 5 + f, (int)row[f]);
                else
                    bind_real(st, 5 + f, row[f]);
            ok = step_reset(st);
        }
        for (size_t k = 0; ok && k < nk; k++) {
            sqlite3_stmt *st = x->st[ST_TRK];
            const double *row = r->trk + (yy * nk + k) * EXP_TRK_COLS;
            sqlite3_bind_int64(st, 1, point);
            sqlite3_bind_int64(st, 2, run);
            sqlite3_bind_int(st, 3, year);
            sqlite3_bind_int(st, 4, (int)k);
            for (int i = 0; i < 2; i++)
                if (row[i] >= 0)
                    sqlite3_bind_int(st, 5 + i, (int)row[i]);
                else
                    sqlite3_bind_null(st, 5 + i);
            for (int i = 2; i < 5; i++)
                bind_real(st, 5 + i, row[i]);
            sqlite3_bind_int(st, 10, (int)row[5]);
            ok = step_reset(st);
        }
        if (ok) {
            const float *src = r->ctc + yy * (size_t)d->n_ctc * nc * nk;
            for (size_t i = 0; i < (size_t)d->n_ctc * nc * nk; i++)
                put_f32(blob + 4 * i, src[i]);
            sqlite3_stmt *st = x->st[ST_CTC];
            sqlite3_bind_int64(st, 1, point);
            sqlite3_bind_int64(st, 2, run);
            sqlite3_bind_int(st, 3, year);
            sqlite3_bind_blob(st, 4, blob, (int)blob_n, SQLITE_STATIC);
            ok = step_reset(st);
        }
        for (size_t i = 0; ok && r->ct && i < nc * nk; i++) {
            sqlite3_stmt *st = x->st[ST_CT];
            const double *row = r->ct + (yy * nc * nk + i) * (size_t)d->n_ct;
            sqlite3_bind_int64(st, 1, point);
            sqlite3_bind_int64(st, 2, run);
            sqlite3_bind_int(st, 3, year);
            sqlite3_bind_int(st, 4, (int)(i / nk));
            sqlite3_bind_int(st, 5, (int)(i % nk));
            for (int f = 0; f < d->n_ct; f++)
                bind_real(st, 6 + f, row[f]);
            ok = step_reset(st);
        }
    }
    for (int y = 0; ok && r->top && y < years && y < d->ny; y++)
        for (size_t k = 0; ok && k < nk; k++)
            for (int i = 0; ok && i < 10; i++) {
                const exp_top10 *e = &r->top[((size_t)y * nk + k) * 10 + (size_t)i];
                if (e->inst < 0)
                    break;
                sqlite3_stmt *st = x->st[ST_TOP];
                sqlite3_bind_int64(st, 1, point);
                sqlite3_bind_int64(st, 2, run);
                sqlite3_bind_int(st, 3, d->start_year + y);
                sqlite3_bind_int(st, 4, (int)k);
                sqlite3_bind_int(st, 5, i + 1);
                sqlite3_bind_text(st, 6, e->name, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 7, e->country);
                bind_real(st, 8, e->hi_papers);
                ok = step_reset(st);
            }
    for (int i = 0; ok && r->events && i < r->n_events; i++) {
        const exp_event *e = &r->events[i];
        sqlite3_stmt *st = x->st[ST_EV];
        sqlite3_bind_int64(st, 1, point);
        sqlite3_bind_int64(st, 2, run);
        sqlite3_bind_int(st, 3, i);
        sqlite3_bind_int(st, 4, e->step);
        sqlite3_bind_double(st, 5, e->year);
        sqlite3_bind_text(st, 6, e->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, e->starting);
        ok = step_reset(st);
    }
    if (ok) {
        sqlite3_bind_int64(x->st[ST_RUN], 1, point);
        sqlite3_bind_int64(x->st[ST_RUN], 2, run);
        ok = step_reset(x->st[ST_RUN]);
    }
    tr_mem_free(x->alloc, blob);
    if (rc == TR_OK && !ok)
        rc = db_fail(x, diag, "writing a run to the experiment database");
    if (rc == TR_OK)
        rc = exec(x, "COMMIT", diag);
    if (rc != TR_OK)
        sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- aggregates ---- */

typedef struct agg_ctx {
    exp_db *x;
    sqlite3_stmt *ins;
    double *scratch;
    tr_diag *diag;
} agg_ctx;

static int put_aggregate(agg_ctx *a, int point, int metric, int year, int country, int tech, const double *v,
                         size_t n)
{
    tr_summary s;
    if (tr_summarize(v, n, a->scratch, NULL, &s) != TR_OK)
        return TR_ERR_INTERNAL;
    sqlite3_stmt *st = a->ins;
    sqlite3_bind_int(st, 1, point);
    sqlite3_bind_int(st, 2, metric);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_int(st, 4, country); /* -1: not per country (the view shows NULL) */
    sqlite3_bind_int(st, 5, tech);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)s.n);
    bind_real(st, 7, s.mean);
    bind_real(st, 8, s.sd);
    bind_real(st, 9, s.q05);
    bind_real(st, 10, s.q50);
    bind_real(st, 11, s.q95);
    return step_reset(st) ? TR_OK : db_fail(a->x, a->diag, "writing aggregates");
}

static double col_value(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Rows ordered by the group keys, then run. Keys: point, year, then the
 * country and/or technology columns (country_col / tech_col give their
 * position, -1 when absent); the n_vals columns after the keys are
 * metrics with ids first_id, first_id + 1, ... One aggregate per metric
 * and group. */
static int aggregate_rows(agg_ctx *a, const char *sql, int n_keys, int country_col, int tech_col, int n_vals,
                          int first_id, size_t runs, double *vals)
{
    exp_db *x = a->x;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(x, a->diag, "reading runs for aggregates");
    int key[4] = {-1, -1, -1, -1}, have = 0, rc = TR_OK, r;
    size_t n = 0;
    for (;;) {
        r = sqlite3_step(st);
        int k[4] = {-1, -1, -1, -1};
        if (r == SQLITE_ROW)
            for (int i = 0; i < n_keys; i++)
                k[i] = sqlite3_column_int(st, i);
        if (have && (r != SQLITE_ROW || memcmp(k, key, sizeof k) != 0)) {
            int country = country_col >= 0 ? key[country_col] : -1;
            int tech = tech_col >= 0 ? key[tech_col] : -1;
            for (int m = 0; m < n_vals && rc == TR_OK; m++)
                rc = put_aggregate(a, key[0], first_id + m, key[1], country, tech, vals + (size_t)m * runs, n);
            n = 0;
        }
        if (r != SQLITE_ROW || rc != TR_OK)
            break;
        memcpy(key, k, sizeof key);
        have = 1;
        if (n < runs) {
            for (int m = 0; m < n_vals; m++)
                vals[(size_t)m * runs + n] = col_value(st, n_keys + m);
            n++;
        }
    }
    if (rc == TR_OK && r != SQLITE_DONE)
        rc = db_fail(x, a->diag, "reading runs for aggregates");
    sqlite3_finalize(st);
    return rc;
}

/* metric_id of each compact country-technology metric, in blob order. */
static int compact_ids(int *cid)
{
    int m = 0;
    for (int f = 0; f < N_CT; f++)
        if (ct_fields[f].compact)
            cid[m++] = METRIC_CT + f;
    return m;
}

/* The compact blobs of one point and year, in run order, decoded into dst
 * ([run][metric][cell], at most `runs`); *n gets how many. st is
 * "SELECT data FROM ct_compact WHERE point = ? AND year = ? ORDER BY run". */
static int read_compact_year(exp_db *x, sqlite3_stmt *st, uint32_t point, int year, size_t runs, float *dst,
                             size_t *n, tr_diag *diag)
{
    const size_t vals = (size_t)x->dims.n_ctc * (size_t)x->dims.nc * (size_t)x->dims.nk;
    int rc = TR_OK, r;
    *n = 0;
    sqlite3_bind_int64(st, 1, point);
    sqlite3_bind_int(st, 2, year);
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < runs) {
        const unsigned char *blob = sqlite3_column_blob(st, 0);
        if (!blob || (size_t)sqlite3_column_bytes(st, 0) != vals * 4) {
            tr_diag_add(diag, TR_DIAG_ERROR, x->path, 0, 0, "a compact row has the wrong size");
            rc = TR_ERR_DB;
            break;
        }
        for (size_t i = 0; i < vals; i++)
            dst[*n * vals + i] = get_f32(blob + 4 * i);
        ++*n;
    }
    if (rc == TR_OK && r != SQLITE_DONE && r != SQLITE_ROW)
        rc = db_fail(x, diag, "reading the compact runs");
    sqlite3_reset(st);
    return rc;
}

/* Compact country-technology metrics: one year of one point's runs at a
 * time, decoded from the float32 blobs. */
static int aggregate_compact(agg_ctx *a, const exp_dims *d, size_t runs, double *vals, float *year_blk)
{
    exp_db *x = a->x;
    const size_t nc = (size_t)d->nc, nk = (size_t)d->nk, cells = nc * nk, nctc = (size_t)d->n_ctc;
    int cid[64];
    compact_ids(cid);
    sqlite3_stmt *st = NULL;
    int rc = TR_OK;
    if (sqlite3_prepare_v2(x->db, "SELECT data FROM ct_compact WHERE point = ? AND year = ? ORDER BY run", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(x, a->diag, "reading runs for aggregates");
    for (uint32_t p = 0; rc == TR_OK && p < x->h->n_points; p++)
        for (int y = 0; rc == TR_OK && y < d->ny; y++) {
            size_t n = 0;
            rc = read_compact_year(x, st, p, d->start_year + y, runs, year_blk, &n, a->diag);
            for (size_t c = 0; rc == TR_OK && c < nc; c++)
                for (size_t k = 0; rc == TR_OK && k < nk; k++)
                    for (size_t mm = 0; rc == TR_OK && mm < nctc; mm++) {
                        for (size_t j = 0; j < n; j++)
                            vals[j] = year_blk[(j * nctc + mm) * cells + c * nk + k];
                        rc = put_aggregate(a, (int)p, cid[mm], d->start_year + y, (int)c, (int)k, vals, n);
                    }
        }
    sqlite3_finalize(st);
    return rc;
}

int expdb_write_aggregates(exp_db *x, tr_diag *diag)
{
    const exp_dims *d = &x->dims;
    const size_t runs = x->h->runs, cells = (size_t)d->nc * (size_t)d->nk, nctc = (size_t)d->n_ctc;
    size_t nv = (size_t)(d->n_cy > d->n_ct ? d->n_cy : d->n_ct);
    if (nv < EXP_TRK_COLS)
        nv = EXP_TRK_COLS;
    agg_ctx a = {x, NULL, NULL, diag};
    double *vals = tr_mem_calloc(x->alloc, nv * runs, sizeof *vals);
    a.scratch = tr_mem_calloc(x->alloc, runs, sizeof *a.scratch);
    /* compact: one year of a point's blobs, [run][metric][cell] */
    float *year_blk = d->keep == TR_KEEP_ALL ? NULL : tr_mem_calloc(x->alloc, runs * nctc * cells, sizeof *year_blk);
    sbuf sql = {NULL, 0, 0, x->alloc, 0};
    int rc = TR_OK;
    if (!vals || !a.scratch || (d->keep != TR_KEEP_ALL && !year_blk)) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory computing aggregates");
        rc = TR_ERR_NOMEM;
        goto out;
    }
    rc = exec(x, "BEGIN IMMEDIATE; DELETE FROM aggregates;", diag);
    if (rc == TR_OK && sqlite3_prepare_v2(x->db, "INSERT INTO aggregates VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
                                          &a.ins, NULL) != SQLITE_OK)
        rc = db_fail(x, diag, "writing aggregates");
    if (rc == TR_OK) { /* country-year */
        sb_add(&sql, "SELECT point, year, country");
        for (int f = 0; f < N_CY; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, cy_fields[f].name);
        }
        sb_add(&sql, ", techs_led");
        for (int f = 0; f < N_DER; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, derived[f].name);
        }
        sb_add(&sql, " FROM country_year ORDER BY point, year, country, run");
        rc = sql.oom ? TR_ERR_NOMEM : aggregate_rows(&a, sql.p, 3, 2, -1, d->n_cy, METRIC_CY, runs, vals);
    }
    if (rc == TR_OK) /* tracker */
        rc = aggregate_rows(&a,
                            "SELECT point, year, tech, leader_share, second_share, lead_ratio FROM tracker"
                            " ORDER BY point, year, tech, run",
                            3, -1, 2, 3, METRIC_TRK + 2, runs, vals);
    if (rc == TR_OK && d->keep == TR_KEEP_ALL) { /* every country-technology metric */
        sql.n = 0;
        sb_add(&sql, "SELECT point, year, country, tech");
        for (int f = 0; f < N_CT; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, ct_fields[f].name);
        }
        sb_add(&sql, " FROM country_tech_year ORDER BY point, year, country, tech, run");
        rc = sql.oom ? TR_ERR_NOMEM : aggregate_rows(&a, sql.p, 4, 2, 3, N_CT, METRIC_CT, runs, vals);
    } else if (rc == TR_OK) {
        rc = aggregate_compact(&a, d, runs, vals, year_blk);
    }
    if (rc == TR_OK)
        rc = exec(x, "COMMIT", diag);
    if (rc != TR_OK)
        sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(a.ins);
    tr_mem_free(x->alloc, sql.p);
    tr_mem_free(x->alloc, vals);
    tr_mem_free(x->alloc, a.scratch);
    tr_mem_free(x->alloc, year_blk);
    return rc;
}

/* ---- comparisons (points 0 and 1, paired by run) ---- */

typedef struct cmp_ctx {
    exp_db *x;
    sqlite3_stmt *ins;
    double alpha;
    tr_diag *diag;
} cmp_ctx;

static int put_comparison(cmp_ctx *c, int metric, int year, int country, int tech, const double *a, const double *b,
                          size_t n)
{
    tr_paired_diff d;
    if (tr_compare_paired(a, b, n, c->alpha, &d) != TR_OK)
        return TR_ERR_INTERNAL;
    sqlite3_stmt *st = c->ins;
    sqlite3_bind_int(st, 1, metric);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, country);
    sqlite3_bind_int(st, 4, tech);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)d.n);
    bind_real(st, 6, d.mean_a);
    bind_real(st, 7, d.mean_b);
    bind_real(st, 8, d.diff);
    bind_real(st, 9, d.se);
    bind_real(st, 10, d.lo);
    bind_real(st, 11, d.hi);
    sqlite3_bind_int(st, 12, d.distinguishable);
    return step_reset(st) ? TR_OK : db_fail(c->x, c->diag, "writing comparisons");
}

/* sql selects keys (year, then country and/or tech) and n_vals metrics for
 * one point (bound as ?1), ordered by the keys then run: both points are
 * read in lockstep, so rows pair by run. */
static int compare_rows(cmp_ctx *c, const char *sql, int n_keys, int country_col, int tech_col, int n_vals,
                        int first_id, size_t runs, double *va, double *vb)
{
    exp_db *x = c->x;
    sqlite3_stmt *sa = NULL, *sb = NULL;
    if (sqlite3_prepare_v2(x->db, sql, -1, &sa, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(x->db, sql, -1, &sb, NULL) != SQLITE_OK) {
        sqlite3_finalize(sa);
        return db_fail(x, c->diag, "reading runs for comparisons");
    }
    sqlite3_bind_int(sa, 1, 0);
    sqlite3_bind_int(sb, 1, 1);
    int key[3] = {-1, -1, -1}, have = 0, rc = TR_OK, ra, rb;
    size_t n = 0;
    for (;;) {
        ra = sqlite3_step(sa);
        rb = sqlite3_step(sb);
        if (ra != rb) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, x->path, 0, 0, "the two arms hold different runs");
            rc = TR_ERR_DB;
            break;
        }
        int k[3] = {-1, -1, -1};
        if (ra == SQLITE_ROW)
            for (int i = 0; i < n_keys; i++)
                k[i] = sqlite3_column_int(sa, i);
        if (have && (ra != SQLITE_ROW || memcmp(k, key, sizeof k) != 0)) {
            int country = country_col >= 0 ? key[country_col] : -1;
            int tech = tech_col >= 0 ? key[tech_col] : -1;
            for (int m = 0; m < n_vals && rc == TR_OK; m++)
                rc = put_comparison(c, first_id + m, key[0], country, tech, va + (size_t)m * runs,
                                    vb + (size_t)m * runs, n);
            n = 0;
        }
        if (ra != SQLITE_ROW || rc != TR_OK)
            break;
        memcpy(key, k, sizeof key);
        have = 1;
        if (n < runs) {
            for (int m = 0; m < n_vals; m++) {
                va[(size_t)m * runs + n] = col_value(sa, n_keys + m);
                vb[(size_t)m * runs + n] = col_value(sb, n_keys + m);
            }
            n++;
        }
    }
    if (rc == TR_OK && ra != SQLITE_DONE)
        rc = db_fail(x, c->diag, "reading runs for comparisons");
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    return rc;
}

static int compare_compact(cmp_ctx *c, const exp_dims *d, size_t runs, double *va, double *vb, float *blk)
{
    exp_db *x = c->x;
    const size_t nk = (size_t)d->nk, cells = (size_t)d->nc * nk, nctc = (size_t)d->n_ctc;
    int cid[64];
    compact_ids(cid);
    sqlite3_stmt *st = NULL;
    int rc = TR_OK;
    if (sqlite3_prepare_v2(x->db, "SELECT data FROM ct_compact WHERE point = ? AND year = ? ORDER BY run", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(x, c->diag, "reading runs for comparisons");
    for (int y = 0; rc == TR_OK && y < d->ny; y++) {
        size_t n[2] = {0, 0};
        for (uint32_t p = 0; p < 2 && rc == TR_OK; p++)
            rc = read_compact_year(x, st, p, d->start_year + y, runs, blk + (size_t)p * runs * nctc * cells, &n[p],
                                   c->diag);
        if (rc == TR_OK && n[0] != n[1]) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, x->path, 0, 0, "the two arms hold different runs");
            rc = TR_ERR_DB;
        }
        for (size_t ci = 0; rc == TR_OK && ci < cells; ci++)
            for (size_t mm = 0; rc == TR_OK && mm < nctc; mm++) {
                for (size_t j = 0; j < n[0]; j++) {
                    va[j] = blk[(j * nctc + mm) * cells + ci];
                    vb[j] = blk[((runs + j) * nctc + mm) * cells + ci];
                }
                rc = put_comparison(c, cid[mm], d->start_year + y, (int)(ci / nk), (int)(ci % nk), va, vb, n[0]);
            }
    }
    sqlite3_finalize(st);
    return rc;
}

int expdb_write_comparison(exp_db *x, double alpha, tr_diag *diag)
{
    const exp_dims *d = &x->dims;
    if (x->h->n_points != 2) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "a comparison needs exactly two arms");
        return TR_ERR_INTERNAL;
    }
    const size_t runs = x->h->runs, cells = (size_t)d->nc * (size_t)d->nk, nctc = (size_t)d->n_ctc;
    size_t nv = (size_t)(d->n_cy > d->n_ct ? d->n_cy : d->n_ct);
    cmp_ctx c = {x, NULL, alpha, diag};
    double *va = tr_mem_calloc(x->alloc, nv * runs, sizeof *va);
    double *vb = tr_mem_calloc(x->alloc, nv * runs, sizeof *vb);
    float *blk = d->keep == TR_KEEP_ALL ? NULL : tr_mem_calloc(x->alloc, 2 * runs * nctc * cells, sizeof *blk);
    sbuf sql = {NULL, 0, 0, x->alloc, 0};
    int rc = TR_OK;
    if (!va || !vb || (d->keep != TR_KEEP_ALL && !blk)) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "out of memory computing comparisons");
        rc = TR_ERR_NOMEM;
        goto out;
    }
    rc = exec(x,
              "BEGIN IMMEDIATE;"
              "CREATE TABLE IF NOT EXISTS comparisons(metric_id INTEGER NOT NULL, year INTEGER NOT NULL,"
              " country INTEGER NOT NULL, tech INTEGER NOT NULL, n INTEGER NOT NULL, mean_a REAL, mean_b REAL,"
              " diff REAL, se REAL, lo REAL, hi REAL, distinguishable INTEGER NOT NULL,"
              " PRIMARY KEY(metric_id, year, country, tech)) WITHOUT ROWID;"
              "CREATE VIEW IF NOT EXISTS comparisons_named AS SELECT m.metric, m.level, p.year, c.id AS country,"
              " t.id AS tech, p.n, p.mean_a, p.mean_b, p.diff, p.se, p.lo, p.hi, p.distinguishable"
              " FROM comparisons p JOIN metrics m ON m.metric_id = p.metric_id"
              " LEFT JOIN countries c ON c.country = p.country LEFT JOIN technologies t ON t.tech = p.tech;"
              "DELETE FROM comparisons;",
              diag);
    if (rc == TR_OK && sqlite3_prepare_v2(x->db, "INSERT INTO comparisons VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                          -1, &c.ins, NULL) != SQLITE_OK)
        rc = db_fail(x, diag, "writing comparisons");
    if (rc == TR_OK) {
        sb_add(&sql, "SELECT year, country");
        for (int f = 0; f < N_CY; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, cy_fields[f].name);
        }
        sb_add(&sql, ", techs_led");
        for (int f = 0; f < N_DER; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, derived[f].name);
        }
        sb_add(&sql, " FROM country_year WHERE point = ?1 ORDER BY year, country, run");
        rc = sql.oom ? TR_ERR_NOMEM : compare_rows(&c, sql.p, 2, 1, -1, d->n_cy, METRIC_CY, runs, va, vb);
    }
    if (rc == TR_OK)
        rc = compare_rows(&c,
                          "SELECT year, tech, leader_share, second_share, lead_ratio FROM tracker WHERE point = ?1"
                          " ORDER BY year, tech, run",
                          2, -1, 1, 3, METRIC_TRK + 2, runs, va, vb);
    if (rc == TR_OK && d->keep == TR_KEEP_ALL) {
        sql.n = 0;
        sb_add(&sql, "SELECT year, country, tech");
        for (int f = 0; f < N_CT; f++) {
            sb_add(&sql, ", ");
            sb_add(&sql, ct_fields[f].name);
        }
        sb_add(&sql, " FROM country_tech_year WHERE point = ?1 ORDER BY year, country, tech, run");
        rc = sql.oom ? TR_ERR_NOMEM : compare_rows(&c, sql.p, 3, 1, 2, N_CT, METRIC_CT, runs, va, vb);
    } else if (rc == TR_OK) {
        rc = compare_compact(&c, d, runs, va, vb, blk);
    }
    if (rc == TR_OK)
        rc = exec(x, "COMMIT", diag);
    if (rc != TR_OK)
        sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(c.ins);
    tr_mem_free(x->alloc, sql.p);
    tr_mem_free(x->alloc, va);
    tr_mem_free(x->alloc, vb);
    tr_mem_free(x->alloc, blk);
    return rc;
}

int expdb_close(exp_db *x, const char *status, tr_diag *diag)
{
    if (!x)
        return TR_OK;
    int rc = TR_OK;
    for (int i = 0; i < N_ST; i++) {
        sqlite3_finalize(x->st[i]);
        x->st[i] = NULL;
    }
    /* With --keep aggregates, the runs' rows go once the experiment is
     * complete (the runs table stays: a resume finds nothing to do). */
    if (x->h->keep == TR_KEEP_AGGREGATES && strcmp(status, "complete") == 0) {
        rc = exec(x, "BEGIN IMMEDIATE; DELETE FROM country_year; DELETE FROM tracker; DELETE FROM ct_compact;"
                     " COMMIT;",
                  diag);
        if (rc != TR_OK)
            sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
        if (rc == TR_OK)
            rc = exec(x, "VACUUM", diag);
    }
    /* The status last: "complete" only when everything above held. */
    int src = put_meta(x, "status", rc == TR_OK ? status : "failed", diag);
    if (rc == TR_OK)
        rc = src;
    /* Leave one file: back to a rollback journal (no -wal, -shm beside it for
     * readers to find); a resume switches to WAL again. */
    if (rc == TR_OK)
        rc = exec(x, "PRAGMA journal_mode=DELETE", diag);
    db_free(x);
    return rc;
}

/* ---- a comparison of two ensemble databases ---- */

typedef struct ens_info {
    char *kind, *seed, *runs, *keep, *status, *text;
} ens_info;

static char *meta_value(sqlite3 *db, const char *key, const tr_allocator *A)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = tr_mem_strdup(A, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return v;
}

static void ens_info_free(ens_info *e, const tr_allocator *A)
{
    tr_mem_free(A, e->kind), tr_mem_free(A, e->seed), tr_mem_free(A, e->runs);
    tr_mem_free(A, e->keep), tr_mem_free(A, e->status), tr_mem_free(A, e->text);
}

static int read_ensemble(const char *path, ens_info *e, const tr_allocator *A, tr_diag *diag)
{
    memset(e, 0, sizeof *e);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "cannot open: %s", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return TR_ERR_IO;
    }
    sqlite3_stmt *st = NULL;
    int app = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        app = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int rc = TR_OK;
    if (app != EXP_APPLICATION_ID) {
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "not an experiment database of techrace");
        rc = TR_ERR_INPUT;
    } else {
        e->kind = meta_value(db, "kind", A);
        e->seed = meta_value(db, "seed", A);
        e->runs = meta_value(db, "runs", A);
        e->keep = meta_value(db, "keep", A);
        e->status = meta_value(db, "status", A);
        if (sqlite3_prepare_v2(db, "SELECT scenario_text FROM points WHERE point = 0", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            e->text = tr_mem_strdup(A, (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (!e->kind || !e->seed || !e->runs || !e->keep || !e->status || !e->text) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "incomplete experiment database (meta or points missing)");
            rc = TR_ERR_INPUT;
        } else if (strcmp(e->kind, "ensemble") != 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "holds a %s, not an ensemble", e->kind);
            rc = TR_ERR_INPUT;
        } else if (strcmp(e->status, "complete") != 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "the ensemble is %s: finish it first (--resume)", e->status);
            rc = TR_ERR_INPUT;
        } else if (strcmp(e->keep, "aggregates") == 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                        "keeps only aggregates (--keep aggregates): a paired comparison needs the runs");
            rc = TR_ERR_INPUT;
        }
    }
    sqlite3_close(db);
    return rc;
}

/* Copy point 0 of the attached database `from` into the main database as `point`. */
static int copy_point(exp_db *x, const char *from, int point, tr_diag *diag)
{
    static const char *const tables[] = {"runs",          "country_year",  "tracker",       "ct_compact",
                                         "country_tech_year", "tracker_top10", "events_applied"};
    char sql[512];
    int rc = TR_OK;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0] && rc == TR_OK; i++) {
        if (i >= 4 && x->dims.keep != TR_KEEP_ALL)
            break;
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TABLE tr_copy AS SELECT * FROM %s.%s WHERE point = 0; UPDATE tr_copy SET point = %d;"
                 " INSERT INTO main.%s SELECT * FROM tr_copy; DROP TABLE tr_copy;",
                 from, tables[i], point, tables[i]);
        rc = exec(x, sql, diag);
    }
    return rc;
}

/* The same file, whatever its names. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int expdb_compare_databases(const char *a_path, const char *b_path, const char *out, int force, double alpha,
                            const tr_allocator *A, tr_diag *diag)
{
    if (same_file(a_path, b_path)) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    "%s and %s are the same database: a comparison needs two different ensembles", a_path, b_path);
        return TR_ERR_INPUT;
    }
    if (same_file(out, a_path) || same_file(out, b_path)) {
        tr_diag_add(diag, TR_DIAG_ERROR, out, 0, 0, "is one of the ensembles compared: choose another --out");
        return TR_ERR_INPUT;
    }
    ens_info ea, eb;
    int rc = read_ensemble(a_path, &ea, A, diag);
    int rcb = read_ensemble(b_path, &eb, A, diag);
    if (rc == TR_OK)
        rc = rcb;
    if (rc == TR_OK && (strcmp(ea.seed, eb.seed) || strcmp(ea.runs, eb.runs) || strcmp(ea.keep, eb.keep))) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0,
                    "%s (seed %s, %s runs, keep %s) and %s (seed %s, %s runs, keep %s) were not made with the same "
                    "seed, runs and keep: their runs do not pair",
                    a_path, ea.seed, ea.runs, ea.keep, b_path, eb.seed, eb.runs, eb.keep);
        rc = TR_ERR_INPUT;
    }
    tr_scenario *sa = NULL, *sb = NULL;
    if (rc == TR_OK) {
        tr_scenario_source src;
        memset(&src, 0, sizeof src);
        src.text = ea.text;
        src.text_name = a_path;
        src.alloc = A;
        rc = tr_scenario_load(&sa, &src, diag);
        src.text = eb.text;
        src.text_name = b_path;
        if (rc == TR_OK)
            rc = tr_scenario_load(&sb, &src, diag);
    }
    exp_db *x = NULL;
    exp_header h;
    const tr_scenario *pts[2] = {sa, sb};
    const char *labels[2] = {a_path, b_path};
    if (rc == TR_OK) {
        tr_keep keep = TR_KEEP_COMPACT;
        tr_keep_parse(ea.keep, &keep);
        memset(&h, 0, sizeof h);
        h.kind = "compare";
        h.points = pts;
        h.labels = labels;
        h.n_points = 2;
        h.seed = strtoull(ea.seed, NULL, 10);
        h.runs = (uint32_t)strtoul(ea.runs, NULL, 10);
        h.keep = keep;
        rc = expdb_open(&x, out, &h, force, 0, A, diag);
    }
    if (rc == TR_OK) {
        sqlite3_stmt *st = NULL;
        const char *paths[2] = {a_path, b_path}, *names[2] = {"tr_arm_a", "tr_arm_b"};
        for (int i = 0; i < 2 && rc == TR_OK; i++) {
            char sql[64];
            snprintf(sql, sizeof sql, "ATTACH DATABASE ? AS %s", names[i]);
            if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK)
                rc = db_fail(x, diag, "attaching an arm");
            else {
                sqlite3_bind_text(st, 1, paths[i], -1, SQLITE_STATIC);
                if (sqlite3_step(st) != SQLITE_DONE)
                    rc = db_fail(x, diag, "attaching an arm");
            }
            sqlite3_finalize(st);
            st = NULL;
        }
        if (rc == TR_OK)
            rc = exec(x, "BEGIN IMMEDIATE", diag);
        if (rc == TR_OK)
            rc = copy_point(x, "tr_arm_a", 0, diag);
        if (rc == TR_OK)
            rc = copy_point(x, "tr_arm_b", 1, diag);
        if (rc == TR_OK)
            rc = exec(x, "COMMIT", diag);
        if (rc != TR_OK)
            sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(x->db, "DETACH DATABASE tr_arm_a; DETACH DATABASE tr_arm_b;", NULL, NULL, NULL);
        if (rc == TR_OK)
            rc = expdb_write_aggregates(x, diag);
        if (rc == TR_OK)
            rc = expdb_write_comparison(x, alpha, diag);
        int crc = expdb_close(x, rc == TR_OK ? "complete" : "failed", diag);
        if (rc == TR_OK)
            rc = crc;
    }
    tr_scenario_destroy(sa);
    tr_scenario_destroy(sb);
    ens_info_free(&ea, A);
    ens_info_free(&eb, A);
    return rc;
}
