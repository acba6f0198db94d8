/* results.c — the results database (see include/techrace/results.h and
 * docs/RESULTS.md for the schema).
 *
 * One sqlite3 connection per tr_results, every insert statement prepared once
 * at open and reused. Each write (the run's header, one year, the run's end)
 * is one BEGIN IMMEDIATE .. COMMIT transaction, so the file always holds whole
 * years. Events are buffered in memory and written inside the transaction of
 * the year they were applied in (or at tr_results_end_run), for the same
 * reason. The library never prints: every problem goes to the tr_diag. */
#include "techrace/results.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "io/csv.h"
#include "techrace/version.h"
#include "util/arena.h"

/* ---- schema ------------------------------------------------------------ */

/* A REAL column: one double field of a report struct. */
typedef struct real_column {
    const char *name;
    size_t off;
} real_column;

/* The REAL columns of country_year, in order: one per double field of
 * tr_country_year (techs_led, an int, is written separately, last). */
static const real_column cy_fields[] = {
#define CY(f) {#f, offsetof(tr_country_year, f)}
    CY(gdp), CY(rd_intensity), CY(gerd), CY(gov_funding), CY(central_funding),
    CY(local_funding), CY(business_funding), CY(other_funding), CY(basic), CY(applied),
    CY(experimental), CY(public_research), CY(megaproject), CY(researchers),
    CY(diaspora), CY(outbound), CY(returnees), CY(inbound_foreign),
    CY(talent_quality), CY(papers), CY(hi_papers), CY(world_rd_share),
    /* firms and markets */
    CY(production), CY(exports), CY(consumption), CY(jobs), CY(firm_rd), CY(firm_rd_grants),
    CY(subsidies_central), CY(subsidies_local), CY(fund_invested), CY(fund_return),
    CY(bailouts), CY(firms), CY(smes), CY(little_giants), CY(entries), CY(exits),
#undef CY
};
#define N_CY_FIELDS (sizeof cy_fields / sizeof cy_fields[0])

/* The REAL columns of country_tech_year, in order: one per field of
 * tr_ct_year (all doubles). */
static const real_column ct_fields[] = {
#define CT(f) {#f, offsetof(tr_ct_year, f)}
    CT(budget), CT(papers), CT(hi_papers), CT(knowledge), CT(hi_share),
    /* firms and markets */
    CT(production), CT(exports), CT(consumption), CT(imports), CT(buyer_price), CT(world_share), CT(unit_share), CT(self_sufficiency),
    CT(jobs), CT(capacity), CT(utilization), CT(price_cost), CT(unit_cost),
    CT(loss_share), CT(profit), CT(subsidies), CT(subsidy_per_unit), CT(commercialization_gap),
    CT(firms), CT(entries), CT(exits), CT(local_backers),
#undef CT
};
#define N_CT_FIELDS (sizeof ct_fields / sizeof ct_fields[0])

/* A field added to sim.h but not to these tables fails to compile. */
_Static_assert((sizeof(tr_country_year) - sizeof(int)) / sizeof(double) ==
                   sizeof cy_fields / sizeof cy_fields[0],
               "cy_fields must list every double field of tr_country_year");
_Static_assert(sizeof(tr_ct_year) == sizeof(double) * (sizeof ct_fields / sizeof ct_fields[0]),
               "ct_fields must list every field of tr_ct_year");

static double field_value(const void *row, const real_column *f)
{
    double v;
    memcpy(&v, (const char *)row + f->off, sizeof v);
    return v;
}

static const char schema_sql[] =
    "CREATE TABLE meta(\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL);\n"
    "CREATE TABLE runs(\n"
    "  run_id INTEGER PRIMARY KEY,\n"
    "  status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed')),\n"
    "  program_version TEXT NOT NULL,\n"
    "  scenario_name TEXT,\n"
    "  scenario_source TEXT,\n"
    "  scenario_hash TEXT,\n"
    "  scenario_text TEXT,\n"
    "  seed INTEGER NOT NULL,\n"
    "  run_index INTEGER NOT NULL,\n"
    "  overrides TEXT NOT NULL,\n"
    "  start_year INTEGER NOT NULL,\n"
    "  end_year INTEGER NOT NULL,\n"
    "  steps_per_year INTEGER NOT NULL,\n"
    "  started_at TEXT NOT NULL,\n"
    "  finished_at TEXT,\n"
    "  last_year INTEGER);\n"
    "CREATE TABLE countries(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  id TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  alliance TEXT,\n"
    "  PRIMARY KEY (run_id, idx),\n"
    "  UNIQUE (run_id, id));\n"
    "CREATE TABLE technologies(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  id TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  category TEXT,\n"
    "  PRIMARY KEY (run_id, idx),\n"
    "  UNIQUE (run_id, id));\n"
    "CREATE TABLE institutions(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  name TEXT,\n"
    "  country TEXT NOT NULL,\n"
    "  size REAL,\n"
    "  PRIMARY KEY (run_id, idx),\n"
    "  FOREIGN KEY (run_id, country) REFERENCES countries(run_id, id) ON DELETE CASCADE);\n"
    "CREATE TABLE country_year(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  country TEXT NOT NULL,\n"
    "%s" /* the REAL columns */
    "  techs_led INTEGER,\n"
    "  PRIMARY KEY (run_id, year, country),\n"
    "  FOREIGN KEY (run_id, country) REFERENCES countries(run_id, id) ON DELETE CASCADE);\n"
    "CREATE TABLE country_tech_year(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  country TEXT NOT NULL,\n"
    "  tech TEXT NOT NULL,\n"
    "%s" /* the REAL columns */
    "  PRIMARY KEY (run_id, year, country, tech),\n"
    "  FOREIGN KEY (run_id, country) REFERENCES countries(run_id, id) ON DELETE CASCADE,\n"
    "  FOREIGN KEY (run_id, tech) REFERENCES technologies(run_id, id) ON DELETE CASCADE);\n"
    "CREATE INDEX country_tech_year_by_tech ON country_tech_year(run_id, tech, year);\n"
    "CREATE TABLE trade(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  exporter TEXT NOT NULL,\n"
    "  importer TEXT NOT NULL,\n"
    "  tech TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  value_buyer REAL,\n"
    "  units REAL,\n"
    "  PRIMARY KEY (run_id, year, exporter, importer, tech),\n"
    "  FOREIGN KEY (run_id, exporter) REFERENCES countries(run_id, id) ON DELETE CASCADE,\n"
    "  FOREIGN KEY (run_id, importer) REFERENCES countries(run_id, id) ON DELETE CASCADE,\n"
    "  FOREIGN KEY (run_id, tech) REFERENCES technologies(run_id, id) ON DELETE CASCADE) WITHOUT ROWID;\n"
    "CREATE TABLE tracker(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  tech TEXT NOT NULL,\n"
    "  leader TEXT,\n"
    "  second TEXT,\n"
    "  leader_share REAL,\n"
    "  second_share REAL,\n"
    "  lead_ratio REAL,\n"
    "  leader_top10 INTEGER,\n"
    "  risk TEXT NOT NULL CHECK (risk IN ('low','medium','high')),\n"
    "  PRIMARY KEY (run_id, year, tech),\n"
    "  FOREIGN KEY (run_id, tech) REFERENCES technologies(run_id, id) ON DELETE CASCADE);\n"
    "CREATE TABLE tracker_top10(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  year INTEGER NOT NULL,\n"
    "  tech TEXT NOT NULL,\n"
    "  rank INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 10),\n"
    "  institution TEXT,\n"
    "  institution_idx INTEGER NOT NULL,\n"
    "  country TEXT NOT NULL,\n"
    "  hi_papers_window REAL,\n"
    "  PRIMARY KEY (run_id, year, tech, rank),\n"
    "  FOREIGN KEY (run_id, tech) REFERENCES technologies(run_id, id) ON DELETE CASCADE);\n"
    "CREATE TABLE events_applied(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  step INTEGER NOT NULL,\n"
    "  year REAL NOT NULL,\n"
    "  event_id TEXT NOT NULL,\n"
    "  type TEXT,\n"
    "  actor TEXT,\n"
    "  action TEXT NOT NULL CHECK (action IN ('start','end')),\n"
    "  PRIMARY KEY (run_id, seq));\n"
    "CREATE INDEX events_applied_by_year ON events_applied(run_id, year);\n";

/* ---- the handle -------------------------------------------------------- */

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_INS_RUN,
    ST_INS_COUNTRY,
    ST_INS_TECH,
    ST_INS_INST,
    ST_INS_CY,
    ST_INS_CTY,
    ST_INS_TRADE,
    ST_INS_TRACKER,
    ST_INS_TOP10,
    ST_INS_EVENT,
    ST_NEXT_SEQ,
    ST_SET_LAST_YEAR,
    ST_END_RUN,
    ST_COUNT
};

typedef struct pending_event {
    int64_t run_id;
    int step;
    double year;
    int starting;
    char id[TR_ID_MAX];
    char type[32];
    char actor[TR_ID_MAX];
} pending_event;

struct tr_results {
    sqlite3 *db;
    char *path;
    /* Every allocation of this file and of csv.c comes from here; SQLite's
     * own allocations (the connection, statements, its page cache) stay
     * SQLite's: it has one process-global allocator (sqlite3_config), which
     * a library cannot take over. */
    const tr_allocator *alloc;
    sqlite3_stmt *st[ST_COUNT];
    pending_event *ev;
    size_t n_ev, cap_ev;
};

static const char *file_of(const tr_results *r)
{
    return r && r->path ? r->path : NULL;
}

/* An sqlite error: "what: sqlite3_errmsg" on the database's file. */
static int db_fail(tr_results *r, tr_diag *diag, const char *what)
{
    const char *msg = r->db ? sqlite3_errmsg(r->db) : "out of memory";
    tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "%s: %s", what, msg);
    return TR_ERR_DB;
}

/* A failed query_text/query_int: out of memory (ours or SQLite's) or a
 * database error. */
static int rc_fail(tr_results *r, tr_diag *diag, const char *what, int rc)
{
    if (rc == SQLITE_NOMEM) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "%s: out of memory", what);
        return TR_ERR_NOMEM;
    }
    return db_fail(r, diag, what);
}

static int step_done(tr_results *r, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    (void)r;
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc;
}

static int begin(tr_results *r, tr_diag *diag)
{
    if (step_done(r, r->st[ST_BEGIN]))
        return db_fail(r, diag, "cannot start a transaction");
    return 0;
}

static int commit(tr_results *r, tr_diag *diag)
{
    if (step_done(r, r->st[ST_COMMIT])) {
        int status = db_fail(r, diag, "cannot commit");
        if (!sqlite3_get_autocommit(r->db))
            step_done(r, r->st[ST_ROLLBACK]);
        return status;
    }
    return 0;
}

static void rollback(tr_results *r)
{
    if (!sqlite3_get_autocommit(r->db))
        step_done(r, r->st[ST_ROLLBACK]);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* "" binds as NULL (no value). */
static int bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
    return bind_text(st, i, s && *s ? s : NULL);
}

static void utc_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

/* ---- open / close ------------------------------------------------------ */

static int exec_sql(tr_results *r, const char *sql, tr_diag *diag, const char *what)
{
    char *err = NULL;
    if (sqlite3_exec(r->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "%s: %s", what,
                    err ? err : sqlite3_errmsg(r->db));
        sqlite3_free(err);
        return TR_ERR_DB;
    }
    return 0;
}

/* One-off query returning the first column of the first row as text (or
 * NULL when there is no row); *rc gets the sqlite status. */
static char *query_text(tr_results *r, const char *sql, int *rc)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    *rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return NULL;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (t) {
            size_t n = strlen((const char *)t) + 1;
            out = tr_mem_alloc(r->alloc, n);
            if (out)
                memcpy(out, t, n);
        }
        *rc = t && !out ? SQLITE_NOMEM : SQLITE_OK;
    } else {
        *rc = s == SQLITE_DONE ? SQLITE_OK : s;
    }
    sqlite3_finalize(st);
    return out;
}

/* A growing string; on allocation failure it stays failed (p == NULL). */
typedef struct sbuf {
    const tr_allocator *alloc;
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    if (b->oom)
        return;
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = tr_mem_realloc(b->alloc, b->p, cap);
        if (!p) {
            const tr_allocator *a = b->alloc;
            tr_mem_free(a, b->p);
            memset(b, 0, sizeof *b);
            b->alloc = a;
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

/* before NAME after, for each column. */
static void sb_columns(sbuf *b, const real_column *f, size_t n, const char *before,
                       const char *after)
{
    for (size_t i = 0; i < n; i++) {
        sb_add(b, before);
        sb_add(b, f[i].name);
        sb_add(b, after);
    }
}

/* "INSERT INTO table(keys, REAL columns[, tail]) VALUES (?, ...)" with
 * n_keys key columns (given comma-separated in keys) and tail (or NULL). */
static char *insert_sql(const tr_allocator *alloc, const char *table, const char *keys, int n_keys,
                        const real_column *f, size_t n, const char *tail)
{
    sbuf b = {alloc, NULL, 0, 0, 0};
    sb_add(&b, "INSERT INTO ");
    sb_add(&b, table);
    sb_add(&b, "(");
    sb_add(&b, keys);
    sb_columns(&b, f, n, ", ", "");
    if (tail) {
        sb_add(&b, ", ");
        sb_add(&b, tail);
    }
    sb_add(&b, ") VALUES (?");
    size_t params = (size_t)n_keys + n + (tail ? 1 : 0);
    for (size_t i = 1; i < params; i++)
        sb_add(&b, ", ?");
    sb_add(&b, ")");
    return b.p;
}

static int create_schema(tr_results *r, tr_diag *diag)
{
    sbuf cy = {r->alloc, NULL, 0, 0, 0}, ct = {r->alloc, NULL, 0, 0, 0};
    sb_columns(&cy, cy_fields, N_CY_FIELDS, "  ", " REAL,\n");
    sb_columns(&ct, ct_fields, N_CT_FIELDS, "  ", " REAL,\n");
    size_t n = sizeof schema_sql + cy.len + ct.len + 1;
    char *sql = cy.p && ct.p ? tr_mem_alloc(r->alloc, n) : NULL;
    if (!sql) {
        tr_mem_free(r->alloc, cy.p);
        tr_mem_free(r->alloc, ct.p);
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    snprintf(sql, n, schema_sql, cy.p, ct.p);
    tr_mem_free(r->alloc, cy.p);
    tr_mem_free(r->alloc, ct.p);
    int status = exec_sql(r, sql, diag, "cannot create the results schema");
    tr_mem_free(r->alloc, sql);
    if (status)
        return status;
    char meta[256];
    snprintf(meta, sizeof meta,
             "INSERT INTO meta(key, value) VALUES ('schema_version', '%d'), "
             "('created_by', 'techrace %s'); PRAGMA application_id = %ld;",
             TR_RESULTS_SCHEMA_VERSION, tr_version(), (long)TR_RESULTS_APPLICATION_ID);
    return exec_sql(r, meta, diag, "cannot write the results schema version");
}

/* Create the schema in an empty database, or check an existing one. */
static int check_schema(tr_results *r, tr_diag *diag)
{
    if (exec_sql(r, "BEGIN IMMEDIATE", diag, "cannot open the results database"))
        return TR_ERR_DB;
    int rc, status = 0;
    char *has_meta = query_text(
        r, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'", &rc);
    if (rc != SQLITE_OK) {
        status = rc_fail(r, diag, "cannot read the results database", rc);
    } else if (has_meta) {
        char *ver = query_text(r, "SELECT value FROM meta WHERE key = 'schema_version'", &rc);
        char want[16];
        snprintf(want, sizeof want, "%d", TR_RESULTS_SCHEMA_VERSION);
        if (rc != SQLITE_OK) {
            status = rc_fail(r, diag, "cannot read the results schema version", rc);
        } else if (!ver) {
            tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                        "not a techrace results database (its meta table has no "
                        "schema_version)");
            status = TR_ERR_INPUT;
        } else if (strcmp(ver, want) != 0) {
            tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                        "results database has schema version %s, but this techrace "
                        "(%s) reads and writes schema version %d; write to a new file",
                        ver, tr_version(), TR_RESULTS_SCHEMA_VERSION);
            status = TR_ERR_INPUT;
        }
        tr_mem_free(r->alloc, ver);
    } else {
        char *other = query_text(
            r, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1", &rc);
        if (rc != SQLITE_OK) {
            status = rc_fail(r, diag, "cannot read the results database", rc);
        } else if (other) {
            tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                        "not a techrace results database (it already holds '%s' and no "
                        "meta table)", other);
            status = TR_ERR_INPUT;
        } else {
            status = create_schema(r, diag);
        }
        tr_mem_free(r->alloc, other);
    }
    tr_mem_free(r->alloc, has_meta);
    if (status) {
        if (!sqlite3_get_autocommit(r->db))
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return status;
    }
    return exec_sql(r, "COMMIT", diag, "cannot write the results schema");
}

static int prepare_all(tr_results *r, tr_diag *diag)
{
    /* country_year: run_id, year, country, the REAL fields, techs_led;
     * country_tech_year: run_id, year, country, tech, the REAL fields. */
    char *cy = insert_sql(r->alloc, "country_year", "run_id, year, country", 3, cy_fields, N_CY_FIELDS,
                          "techs_led");
    char *cty = insert_sql(r->alloc, "country_tech_year", "run_id, year, country, tech", 4, ct_fields,
                           N_CT_FIELDS, NULL);
    if (!cy || !cty) {
        tr_mem_free(r->alloc, cy);
        tr_mem_free(r->alloc, cty);
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }

    const char *sql[ST_COUNT] = {
        [ST_BEGIN] = "BEGIN IMMEDIATE",
        [ST_COMMIT] = "COMMIT",
        [ST_ROLLBACK] = "ROLLBACK",
        [ST_INS_RUN] =
            "INSERT INTO runs(status, program_version, scenario_name, scenario_source, "
            "scenario_hash, scenario_text, seed, overrides, start_year, end_year, "
            "steps_per_year, started_at, run_index) VALUES ('running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [ST_INS_COUNTRY] =
            "INSERT INTO countries(run_id, idx, id, name, alliance) VALUES (?, ?, ?, ?, ?)",
        [ST_INS_TECH] =
            "INSERT INTO technologies(run_id, idx, id, name, category) VALUES (?, ?, ?, ?, ?)",
        [ST_INS_INST] =
            "INSERT INTO institutions(run_id, idx, name, country, size) VALUES (?, ?, ?, ?, ?)",
        [ST_INS_CY] = cy,
        [ST_INS_CTY] = cty,
        [ST_INS_TRADE] =
            "INSERT INTO trade(run_id, year, exporter, importer, tech, value, value_buyer, units) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [ST_INS_TRACKER] =
            "INSERT INTO tracker(run_id, year, tech, leader, second, leader_share, "
            "second_share, lead_ratio, leader_top10, risk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [ST_INS_TOP10] =
            "INSERT INTO tracker_top10(run_id, year, tech, rank, institution, institution_idx, "
            "country, hi_papers_window) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [ST_INS_EVENT] =
            "INSERT INTO events_applied(run_id, seq, step, year, event_id, type, actor, action) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [ST_NEXT_SEQ] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM events_applied WHERE run_id = ?",
        [ST_SET_LAST_YEAR] = "UPDATE runs SET last_year = ? WHERE run_id = ?",
        [ST_END_RUN] = "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?",
    };
    int status = 0;
    for (int i = 0; i < ST_COUNT && !status; i++)
        if (sqlite3_prepare_v3(r->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) !=
            SQLITE_OK)
            status = db_fail(r, diag, "cannot prepare a results statement");
    tr_mem_free(r->alloc, cy);
    tr_mem_free(r->alloc, cty);
    return status;
}

void tr_results_close(tr_results *r)
{
    if (!r)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(r->st[i]);
    if (r->db) {
        if (!sqlite3_get_autocommit(r->db))
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(r->db);
    }
    const tr_allocator *a = r->alloc;
    tr_mem_free(a, r->ev);
    tr_mem_free(a, r->path);
    tr_mem_free(a, r);
}

/* Say why a database file cannot be written before SQLite is asked: SQLite
 * reports a file it cannot create as "unable to open database file" and its
 * saved errno is that of its last attempt (often a read-only retry: ENOENT),
 * not the reason. Paths SQLite interprets itself (":memory:", URIs) pass. */
int tr_results_check_path(const char *path, const tr_allocator *alloc, tr_diag *diag)
{
    if (!path || !*path) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "no results database file given");
        return TR_ERR_INPUT;
    }
    if (!strcmp(path, ":memory:") || !strncmp(path, "file:", 5))
        return 0;
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    int err = errno;
    if (err == ENOENT) {
        /* A new file: its directory must exist and be writable. */
        const char *slash = strrchr(path, '/');
        char *dir = slash ? tr_mem_alloc(alloc, (size_t)(slash - path) + 2) : NULL;
        if (slash && !dir) {
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "out of memory");
            return TR_ERR_NOMEM;
        }
        if (dir) {
            size_t n = slash == path ? 1 : (size_t)(slash - path);
            memcpy(dir, path, n);
            dir[n] = '\0';
        }
        int ok = access(dir ? dir : ".", W_OK | X_OK) == 0;
        err = errno;
        tr_mem_free(alloc, dir);
        if (ok)
            return 0;
    }
    tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "cannot open the results database: %s",
                strerror(err));
    return TR_ERR_IO;
}

static int64_t query_int(tr_results *r, const char *sql, int *rc)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    *rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        v = (int64_t)sqlite3_column_int64(st, 0);
        *rc = SQLITE_OK;
    } else {
        *rc = s == SQLITE_DONE ? SQLITE_OK : s;
    }
    sqlite3_finalize(st);
    return v;
}

/* Before anything writes to the file (journal_mode = WAL rewrites its
 * header): refuse a database that is not empty and not ours. Ours carries
 * TR_RESULTS_APPLICATION_ID, or (files written before it was set) no
 * application id and a meta table with a schema_version. Only reads. */
static int check_not_foreign(tr_results *r, tr_diag *diag)
{
    int rc;
    int64_t app = query_int(r, "PRAGMA application_id", &rc);
    if ((rc & 0xff) == SQLITE_NOTADB) { /* bad input, like a foreign database */
        db_fail(r, diag, "not a techrace results database");
        return TR_ERR_INPUT;
    }
    if (rc != SQLITE_OK)
        return rc_fail(r, diag, "cannot open the results database", rc);
    int64_t objects = query_int(r, "SELECT count(*) FROM sqlite_master", &rc);
    if (rc != SQLITE_OK)
        return rc_fail(r, diag, "cannot open the results database", rc);
    if (app == TR_RESULTS_APPLICATION_ID)
        return 0;
    if ((app & 0xffffffffLL) == TR_EXPERIMENT_APPLICATION_ID) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "an experiment database (ensemble, compare, sweep or sensitivity), not a run's results "
                    "database: give `run --out` another file; nothing was changed");
        return TR_ERR_INPUT;
    }
    if (app != 0) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "not a techrace results database (application_id 0x%08llx); nothing was "
                    "changed", (unsigned long long)app & 0xffffffffULL);
        return TR_ERR_INPUT;
    }
    if (objects == 0)
        return 0; /* new or empty: the schema is created under a lock later */
    int64_t meta = query_int(r,
                             "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                             "name = 'meta'",
                             &rc);
    if (rc != SQLITE_OK)
        return rc_fail(r, diag, "cannot open the results database", rc);
    if (meta == 1) {
        query_int(r, "SELECT count(*) FROM meta WHERE key = 'schema_version'", &rc);
        if (rc == SQLITE_OK)
            return 0; /* its version is checked by check_schema */
    }
    char *other = query_text(
        r, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 1",
        &rc);
    if (rc == SQLITE_NOMEM)
        return rc_fail(r, diag, "cannot open the results database", rc);
    tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                "not a techrace results database (it already holds '%s' and no meta table); "
                "nothing was changed",
                other ? other : "?");
    tr_mem_free(r->alloc, other);
    return TR_ERR_INPUT;
}

/* The database file and SQLite's companions of it. */
static void remove_db_files(const char *path)
{
    char buf[4096];
    static const char *const suffix[] = {"-wal", "-shm", "-journal"};
    for (int i = 0; i < 3; i++)
        if (snprintf(buf, sizeof buf, "%s%s", path, suffix[i]) < (int)sizeof buf)
            unlink(buf);
    unlink(path);
}

int tr_results_open(tr_results **out, const char *path, tr_diag *diag)
{
    tr_results_options opts = TR_RESULTS_OPTIONS_INIT;
    return tr_results_open_opts(out, path, &opts, diag);
}

int tr_results_open_opts(tr_results **out, const char *path, const tr_results_options *opts,
                         tr_diag *diag)
{
    if (!out)
        return TR_ERR_INPUT;
    *out = NULL;
    if (!path || !*path) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "no results database file given");
        return TR_ERR_INPUT;
    }
    const tr_allocator *alloc = opts ? opts->alloc : NULL;
    tr_results *r = tr_mem_calloc(alloc, 1, sizeof *r);
    if (r) {
        r->alloc = alloc;
        r->path = tr_mem_strdup(alloc, path);
    }
    if (!r || !r->path) {
        tr_mem_free(alloc, r);
        tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    int status = tr_results_check_path(path, alloc, diag);
    if (status) {
        tr_results_close(r);
        return status;
    }
    /* A file this open creates is removed again if the open fails. */
    struct stat sb;
    int created = strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0 &&
                  lstat(path, &sb) != 0 && errno == ENOENT;

    int rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        int sys = r->db ? sqlite3_system_errno(r->db) : 0;
        const char *msg = r->db ? sqlite3_errmsg(r->db) : "out of memory";
        if (sys)
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0,
                        "cannot open the results database: %s (%s)", msg, strerror(sys));
        else
            tr_diag_add(diag, TR_DIAG_ERROR, path, 0, 0, "cannot open the results database: %s",
                        msg);
        tr_results_close(r);
        if (created)
            remove_db_files(path);
        return (rc & 0xff) == SQLITE_CANTOPEN ? TR_ERR_IO : rc == SQLITE_NOMEM ? TR_ERR_NOMEM : TR_ERR_DB;
    }
    sqlite3_extended_result_codes(r->db, 1);
    int busy = opts && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : 10000;
    sqlite3_busy_timeout(r->db, busy);

    /* The first statement that reads the file: a file that is not a
     * database fails here, and a foreign database is refused untouched. */
    status = check_not_foreign(r, diag);
    /* In-memory databases answer "memory" to journal_mode. */
    if (!status &&
        (exec_sql(r, "PRAGMA journal_mode = WAL", diag, "cannot open the results database") ||
         exec_sql(r, "PRAGMA synchronous = NORMAL", diag, "cannot open the results database") ||
         exec_sql(r, "PRAGMA foreign_keys = ON", diag, "cannot open the results database")))
        status = TR_ERR_DB;
    if (!status)
        status = check_schema(r, diag);
    if (!status)
        status = prepare_all(r, diag);
    if (status) {
        tr_results_close(r);
        if (created)
            remove_db_files(path);
        return status;
    }
    *out = r;
    return 0;
}

/* ---- writing ----------------------------------------------------------- */

static const char *country_id(const tr_scenario *s, int c)
{
    return c >= 0 && c < s->n_countries ? s->countries[c].id : NULL;
}

static const char *tech_id(const tr_scenario *s, int k)
{
    return k >= 0 && k < s->n_tech ? s->techs[k].id : NULL;
}

int tr_results_begin_run(tr_results *r, const tr_scenario *s, const tr_sim *sim,
                         uint64_t seed, int64_t *run_id, tr_diag *diag)
{
    if (!r || !s || !sim || !run_id) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "tr_results_begin_run: missing argument");
        return TR_ERR_INPUT;
    }
    *run_id = 0;

    /* Overrides, one per line. */
    size_t olen = 1;
    for (int i = 0; i < s->n_overrides; i++)
        olen += strlen(s->overrides[i] ? s->overrides[i] : "") + 1;
    char *ov = tr_mem_alloc(r->alloc, olen);
    if (!ov) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "out of memory");
        return TR_ERR_NOMEM;
    }
    size_t at = 0;
    for (int i = 0; i < s->n_overrides; i++) {
        const char *o = s->overrides[i] ? s->overrides[i] : "";
        size_t n = strlen(o);
        memcpy(ov + at, o, n);
        at += n;
        if (i + 1 < s->n_overrides)
            ov[at++] = '\n';
    }
    ov[at] = '\0';

    int status = begin(r, diag);
    if (status) {
        tr_mem_free(r->alloc, ov);
        return status;
    }
    char now[32];
    utc_now(now);
    sqlite3_stmt *st = r->st[ST_INS_RUN];
    bind_text(st, 1, tr_version());
    bind_text(st, 2, s->name);
    bind_text(st, 3, s->source_name);
    bind_text(st, 4, s->hash);
    bind_text(st, 5, s->resolved_text);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)seed); /* two's complement */
    bind_text(st, 7, ov);
    sqlite3_bind_int(st, 8, s->start_year);
    sqlite3_bind_int(st, 9, s->end_year);
    sqlite3_bind_int(st, 10, s->steps_per_year);
    bind_text(st, 11, now);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)tr_sim_run_index(sim));
    if (step_done(r, st)) {
        status = db_fail(r, diag, "cannot write the run");
        goto fail;
    }
    int64_t id = (int64_t)sqlite3_last_insert_rowid(r->db);

    st = r->st[ST_INS_COUNTRY];
    for (int c = 0; c < s->n_countries; c++) {
        const tr_country *co = &s->countries[c];
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, c);
        bind_text(st, 3, co->id);
        bind_text(st, 4, co->name);
        bind_opt_text(st, 5, co->alliance);
        if (step_done(r, st)) {
            status = db_fail(r, diag, "cannot write the run's countries");
            goto fail;
        }
    }
    st = r->st[ST_INS_TECH];
    for (int k = 0; k < s->n_tech; k++) {
        const tr_technology *t = &s->techs[k];
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, k);
        bind_text(st, 3, t->id);
        bind_text(st, 4, t->name);
        bind_text(st, 5, t->category >= 0 && t->category < s->n_categories
                             ? s->categories[t->category].id
                             : NULL);
        if (step_done(r, st)) {
            status = db_fail(r, diag, "cannot write the run's technologies");
            goto fail;
        }
    }
    st = r->st[ST_INS_INST];
    int n_inst = tr_sim_n_institutions(sim);
    for (int i = 0; i < n_inst; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, i);
        bind_text(st, 3, tr_sim_inst_name(sim, i));
        bind_text(st, 4, country_id(s, tr_sim_inst_country(sim, i)));
        sqlite3_bind_double(st, 5, tr_sim_inst_size(sim, i));
        if (step_done(r, st)) {
            status = db_fail(r, diag, "cannot write the run's institutions");
            goto fail;
        }
    }
    status = commit(r, diag);
    if (!status)
        *run_id = id;
    tr_mem_free(r->alloc, ov);
    return status;
fail:
    rollback(r);
    tr_mem_free(r->alloc, ov);
    return status;
}

static const char *risk_name(tr_risk k)
{
    switch (k) {
    case TR_RISK_HIGH: return "high";
    case TR_RISK_MEDIUM: return "medium";
    default: return "low";
    }
}

/* Write the buffered events of run_id (inside the caller's transaction).
 * They stay buffered until that transaction commits (drop_events). */
static int flush_events(tr_results *r, int64_t run_id, tr_diag *diag)
{
    int64_t seq = 0;
    for (size_t i = 0; i < r->n_ev; i++) {
        const pending_event *e = &r->ev[i];
        if (e->run_id != run_id)
            continue;
        if (seq == 0) {
            sqlite3_stmt *q = r->st[ST_NEXT_SEQ];
            sqlite3_bind_int64(q, 1, run_id);
            if (sqlite3_step(q) == SQLITE_ROW)
                seq = (int64_t)sqlite3_column_int64(q, 0);
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
            if (seq <= 0)
                return db_fail(r, diag, "cannot number the run's events");
        }
        sqlite3_stmt *st = r->st[ST_INS_EVENT];
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, seq);
        sqlite3_bind_int(st, 3, e->step);
        sqlite3_bind_double(st, 4, e->year);
        bind_text(st, 5, e->id);
        bind_opt_text(st, 6, e->type);
        bind_opt_text(st, 7, e->actor);
        bind_text(st, 8, e->starting ? "start" : "end");
        if (step_done(r, st))
            return db_fail(r, diag, "cannot write an applied event");
        seq++;
    }
    return 0;
}

/* Forget the buffered events of run_id once they are committed. */
static void drop_events(tr_results *r, int64_t run_id)
{
    size_t keep = 0;
    for (size_t i = 0; i < r->n_ev; i++)
        if (r->ev[i].run_id != run_id)
            r->ev[keep++] = r->ev[i];
    r->n_ev = keep;
}

static int set_last_year(tr_results *r, int64_t run_id, int year, tr_diag *diag)
{
    sqlite3_stmt *st = r->st[ST_SET_LAST_YEAR];
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int64(st, 2, run_id);
    if (step_done(r, st))
        return db_fail(r, diag, "cannot update the run");
    if (sqlite3_changes(r->db) != 1) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "no run %lld in the results database",
                    (long long)run_id);
        return TR_ERR_INPUT;
    }
    return 0;
}

/* End a transaction that writes a year or ends a run: the events held for
 * it go in with it, and the whole transaction commits or rolls back. */
static int finish_with_events(tr_results *r, int64_t run_id, tr_diag *diag)
{
    int status = flush_events(r, run_id, diag);
    if (!status)
        status = commit(r, diag);
    if (status) {
        rollback(r);
        return status;
    }
    drop_events(r, run_id);
    return TR_OK;
}

int tr_results_write_year(tr_results *r, int64_t run_id, const tr_sim *sim,
                          const tr_year_report *rep, tr_diag *diag)
{
    if (!r || !sim || !rep) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "tr_results_write_year: missing argument");
        return TR_ERR_INPUT;
    }
    const tr_scenario *s = tr_sim_scenario(sim);
    if (!s || rep->n_countries != s->n_countries || rep->n_tech != s->n_tech) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "year %d: report does not match the run's scenario", rep->year);
        return TR_ERR_INPUT;
    }
    int status = begin(r, diag);
    if (status)
        return status;
    int nc = rep->n_countries, nk = rep->n_tech;
    char what[96];

    /* First, so that a wrong run_id is reported as such. */
    status = set_last_year(r, run_id, rep->year, diag);
    if (status)
        goto fail;

    sqlite3_stmt *st = r->st[ST_INS_CY];
    for (int c = 0; c < nc; c++) {
        const tr_country_year *cy = &rep->country[c];
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int(st, 2, rep->year);
        bind_text(st, 3, country_id(s, c));
        int col = 4;
        for (size_t f = 0; f < N_CY_FIELDS; f++)
            sqlite3_bind_double(st, col++, field_value(cy, &cy_fields[f])); /* NaN -> NULL */
        sqlite3_bind_int(st, col, cy->techs_led);
        if (step_done(r, st)) {
            snprintf(what, sizeof what, "cannot write country_year for %d", rep->year);
            status = db_fail(r, diag, what);
            goto fail;
        }
    }
    st = r->st[ST_INS_CTY];
    for (int c = 0; c < nc; c++) {
        for (int k = 0; k < nk; k++) {
            const tr_ct_year *ct = &rep->ct[(size_t)c * (size_t)nk + (size_t)k];
            sqlite3_bind_int64(st, 1, run_id);
            sqlite3_bind_int(st, 2, rep->year);
            bind_text(st, 3, country_id(s, c));
            bind_text(st, 4, tech_id(s, k));
            int col = 5;
            for (size_t f = 0; f < N_CT_FIELDS; f++)
                sqlite3_bind_double(st, col++, field_value(ct, &ct_fields[f]));
            if (step_done(r, st)) {
                snprintf(what, sizeof what, "cannot write country_tech_year for %d", rep->year);
                status = db_fail(r, diag, what);
                goto fail;
            }
        }
    }
    /* Bilateral trade: the pairs that traded this year (domestic sales are
     * the rows with exporter = importer). */
    if (rep->trade_value && rep->trade_value_buyer && rep->trade_units) {
        st = r->st[ST_INS_TRADE];
        for (int c = 0; c < nc; c++)
            for (int m = 0; m < nc; m++)
                for (int k = 0; k < nk; k++) {
                    size_t b = ((size_t)c * (size_t)nc + (size_t)m) * (size_t)nk + (size_t)k;
                    if (!(rep->trade_units[b] > 0) && !(rep->trade_value[b] > 0))
                        continue;
                    sqlite3_bind_int64(st, 1, run_id);
                    sqlite3_bind_int(st, 2, rep->year);
                    bind_text(st, 3, country_id(s, c));
                    bind_text(st, 4, country_id(s, m));
                    bind_text(st, 5, tech_id(s, k));
                    sqlite3_bind_double(st, 6, rep->trade_value[b]);
                    sqlite3_bind_double(st, 7, rep->trade_value_buyer[b]);
                    sqlite3_bind_double(st, 8, rep->trade_units[b]);
                    if (step_done(r, st)) {
                        snprintf(what, sizeof what, "cannot write trade for %d", rep->year);
                        status = db_fail(r, diag, what);
                        goto fail;
                    }
                }
    }
    int n_inst = tr_sim_n_institutions(sim);
    for (int k = 0; k < nk; k++) {
        const tr_tracker_row *tr = &rep->tracker[k];
        st = r->st[ST_INS_TRACKER];
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int(st, 2, rep->year);
        bind_text(st, 3, tech_id(s, k));
        bind_text(st, 4, country_id(s, tr->leader));
        bind_text(st, 5, country_id(s, tr->second));
        sqlite3_bind_double(st, 6, tr->leader_share);
        sqlite3_bind_double(st, 7, tr->second_share);
        sqlite3_bind_double(st, 8, tr->lead_ratio);
        sqlite3_bind_int(st, 9, tr->leader_top10);
        bind_text(st, 10, risk_name(tr->risk));
        if (step_done(r, st)) {
            snprintf(what, sizeof what, "cannot write tracker for %d", rep->year);
            status = db_fail(r, diag, what);
            goto fail;
        }
        st = r->st[ST_INS_TOP10];
        for (int rank = 0; rank < 10; rank++) {
            int inst = tr->top10[rank];
            if (inst < 0 || inst >= n_inst)
                break;
            sqlite3_bind_int64(st, 1, run_id);
            sqlite3_bind_int(st, 2, rep->year);
            bind_text(st, 3, tech_id(s, k));
            sqlite3_bind_int(st, 4, rank + 1);
            bind_text(st, 5, tr_sim_inst_name(sim, inst));
            sqlite3_bind_int(st, 6, inst);
            bind_text(st, 7, country_id(s, tr_sim_inst_country(sim, inst)));
            sqlite3_bind_double(st, 8, tr_sim_inst_hi_window(sim, inst, k));
            if (step_done(r, st)) {
                snprintf(what, sizeof what, "cannot write tracker_top10 for %d", rep->year);
                status = db_fail(r, diag, what);
                goto fail;
            }
        }
    }
    return finish_with_events(r, run_id, diag);
fail:
    rollback(r);
    return status;
}

int tr_results_write_event(tr_results *r, int64_t run_id, const tr_sim *sim,
                           const tr_event_applied *ev, tr_diag *diag)
{
    if (!r || !sim || !ev) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "tr_results_write_event: missing argument");
        return TR_ERR_INPUT;
    }
    const tr_scenario *s = tr_sim_scenario(sim);
    if (!s || ev->event < 0 || ev->event >= s->n_events) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "applied event %d is not in the scenario",
                    ev->event);
        return TR_ERR_INPUT;
    }
    if (r->n_ev == r->cap_ev) {
        size_t cap = r->cap_ev ? r->cap_ev * 2 : 16;
        pending_event *p = tr_mem_realloc(r->alloc, r->ev, cap * sizeof *p);
        if (!p) {
            tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "out of memory");
            return TR_ERR_NOMEM;
        }
        r->ev = p;
        r->cap_ev = cap;
    }
    const tr_event *e = &s->events[ev->event];
    pending_event *p = &r->ev[r->n_ev++];
    memset(p, 0, sizeof *p);
    p->run_id = run_id;
    p->step = ev->step;
    p->year = ev->year;
    p->starting = ev->starting ? 1 : 0;
    snprintf(p->id, sizeof p->id, "%s", e->id);
    const char *type = tr_event_kind_name(e->kind);
    snprintf(p->type, sizeof p->type, "%s", type ? type : "");
    const char *actor = country_id(s, e->actor);
    snprintf(p->actor, sizeof p->actor, "%s", actor ? actor : "");
    return 0;
}

int tr_results_end_run(tr_results *r, int64_t run_id, const char *status_text,
                       tr_diag *diag)
{
    if (!r || !status_text ||
        (strcmp(status_text, "complete") != 0 && strcmp(status_text, "interrupted") != 0 &&
         strcmp(status_text, "failed") != 0)) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "tr_results_end_run: status must be complete, interrupted or failed, not "
                    "'%s'", status_text ? status_text : "(null)");
        return TR_ERR_INPUT;
    }
    int status = begin(r, diag);
    if (status)
        return status;
    char now[32];
    utc_now(now);
    sqlite3_stmt *st = r->st[ST_END_RUN];
    bind_text(st, 1, status_text);
    bind_text(st, 2, now);
    sqlite3_bind_int64(st, 3, run_id);
    if (step_done(r, st)) {
        status = db_fail(r, diag, "cannot update the run");
        goto fail;
    }
    if (sqlite3_changes(r->db) != 1) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "no run %lld in the results database",
                    (long long)run_id);
        status = TR_ERR_INPUT;
        goto fail;
    }
    return finish_with_events(r, run_id, diag);
fail:
    rollback(r);
    return status;
}

/* ---- CSV export -------------------------------------------------------- */

static const struct {
    const char *file;
    const char *sql; /* ?1 = run_id */
} csv_tables[] = {
    {"run.csv",
     "SELECT program_version, scenario_name, scenario_source, scenario_hash, seed, run_index, overrides, "
     "start_year, end_year, steps_per_year, status, last_year FROM runs WHERE run_id = ?1"},
    {"country_year.csv", NULL /* built from cy_fields */},
    {"country_tech_year.csv", NULL /* built from ct_fields */},
    {"tracker.csv",
     "SELECT x.year, x.tech, x.leader, x.second, x.leader_share, x.second_share, x.lead_ratio, "
     "x.leader_top10, x.risk FROM tracker x "
     "JOIN technologies t ON t.run_id = x.run_id AND t.id = x.tech "
     "WHERE x.run_id = ?1 ORDER BY x.year, t.idx"},
    {"tracker_top10.csv",
     "SELECT x.year, x.tech, x.rank, x.institution, x.institution_idx, x.country, "
     "x.hi_papers_window FROM tracker_top10 x "
     "JOIN technologies t ON t.run_id = x.run_id AND t.id = x.tech "
     "WHERE x.run_id = ?1 ORDER BY x.year, t.idx, x.rank"},
    {"trade.csv",
     "SELECT x.year, x.exporter, x.importer, x.tech, x.value, x.value_buyer, x.units FROM trade x "
     "JOIN countries e ON e.run_id = x.run_id AND e.id = x.exporter "
     "JOIN countries i ON i.run_id = x.run_id AND i.id = x.importer "
     "JOIN technologies t ON t.run_id = x.run_id AND t.id = x.tech "
     "WHERE x.run_id = ?1 ORDER BY x.year, e.idx, i.idx, t.idx"},
    {"events_applied.csv",
     "SELECT seq, step, year, event_id, type, actor, action FROM events_applied "
     "WHERE run_id = ?1 ORDER BY seq"},
    {"countries.csv",
     "SELECT idx, id, name, alliance FROM countries WHERE run_id = ?1 ORDER BY idx"},
    {"technologies.csv",
     "SELECT idx, id, name, category FROM technologies WHERE run_id = ?1 ORDER BY idx"},
};
#define N_CSV (sizeof csv_tables / sizeof csv_tables[0])

static const char *const csv_names[] = {
    "run.csv", "country_year.csv", "country_tech_year.csv", "tracker.csv",
    "tracker_top10.csv", "trade.csv", "events_applied.csv", "countries.csv", "technologies.csv",
};
_Static_assert(sizeof csv_names / sizeof csv_names[0] == N_CSV,
               "csv_names must name every file of csv_tables");

int tr_results_check_csv_dir(const char *dir, const tr_allocator *alloc, tr_diag *diag)
{
    if (!dir || !*dir) {
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, "no CSV directory given");
        return TR_ERR_INPUT;
    }
    return tr_csv_check_dir(dir, csv_names, (int)N_CSV, alloc, diag);
}

/* The SELECT of country_year.csv or country_tech_year.csv: the table's
 * columns in schema order, without run_id. */
static char *year_table_sql(const tr_allocator *alloc, const char *file)
{
    sbuf b = {alloc, NULL, 0, 0, 0};
    if (strcmp(file, "country_year.csv") == 0) {
        sb_add(&b, "SELECT x.year, x.country");
        sb_columns(&b, cy_fields, N_CY_FIELDS, ", x.", "");
        sb_add(&b, ", x.techs_led FROM country_year x "
                   "JOIN countries c ON c.run_id = x.run_id AND c.id = x.country "
                   "WHERE x.run_id = ?1 ORDER BY x.year, c.idx");
    } else {
        sb_add(&b, "SELECT x.year, x.country, x.tech");
        sb_columns(&b, ct_fields, N_CT_FIELDS, ", x.", "");
        sb_add(&b, " FROM country_tech_year x "
                   "JOIN countries c ON c.run_id = x.run_id AND c.id = x.country "
                   "JOIN technologies t ON t.run_id = x.run_id AND t.id = x.tech "
                   "WHERE x.run_id = ?1 ORDER BY x.year, c.idx, t.idx");
    }
    return b.p;
}

static int export_one(tr_results *r, int64_t run_id, tr_csv_set *set, int index,
                      const char *sql, tr_diag *diag)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r, diag, "cannot read the results for CSV export");
    sqlite3_bind_int64(st, 1, run_id);

    tr_csv csv;
    int status = tr_csv_open(&csv, set, index, diag);
    if (status) {
        sqlite3_finalize(st);
        return status;
    }
    int ncol = sqlite3_column_count(st);
    for (int i = 0; i < ncol; i++)
        tr_csv_text(&csv, sqlite3_column_name(st, i));
    tr_csv_end_row(&csv);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncol; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL:
                tr_csv_null(&csv);
                break;
            case SQLITE_INTEGER: {
                int64_t v = (int64_t)sqlite3_column_int64(st, i);
                if (strcmp(sqlite3_column_name(st, i), "seed") == 0)
                    tr_csv_u64(&csv, (uint64_t)v); /* stored as two's complement */
                else
                    tr_csv_i64(&csv, v);
                break;
            }
            case SQLITE_FLOAT:
                tr_csv_double(&csv, sqlite3_column_double(st, i));
                break;
            default:
                tr_csv_text(&csv, (const char *)sqlite3_column_text(st, i));
                break;
            }
        }
        tr_csv_end_row(&csv);
    }
    if (rc != SQLITE_DONE) {
        status = db_fail(r, diag, "cannot read the results for CSV export");
        tr_csv_abort(&csv);
    } else {
        status = tr_csv_close(&csv, diag);
    }
    sqlite3_finalize(st);
    return status;
}

int tr_results_export_csv(tr_results *r, int64_t run_id, const char *dir, tr_diag *diag)
{
    if (!r || !dir || !*dir) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0,
                    "tr_results_export_csv: no directory given");
        return TR_ERR_INPUT;
    }
    char q[96];
    snprintf(q, sizeof q, "SELECT 1 FROM runs WHERE run_id = %lld", (long long)run_id);
    int rc;
    char *found = query_text(r, q, &rc);
    if (rc != SQLITE_OK) {
        tr_mem_free(r->alloc, found);
        return rc_fail(r, diag, "cannot read the runs table", rc);
    }
    if (!found) {
        tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "no run %lld in the results database",
                    (long long)run_id);
        return TR_ERR_INPUT;
    }
    tr_mem_free(r->alloc, found);

    tr_csv_set set;
    int status = tr_csv_set_begin(&set, dir, csv_names, (int)N_CSV, r->alloc, diag);
    if (status)
        return status;
    /* Read all the tables from one snapshot. */
    if (exec_sql(r, "BEGIN", diag, "cannot read the results for CSV export")) {
        tr_csv_set_abort(&set);
        return TR_ERR_DB;
    }
    for (size_t i = 0; i < N_CSV && !status; i++) {
        char *built = NULL;
        const char *sql = csv_tables[i].sql;
        if (!sql) {
            built = year_table_sql(r->alloc, csv_tables[i].file);
            if (!built) {
                tr_diag_add(diag, TR_DIAG_ERROR, file_of(r), 0, 0, "out of memory");
                status = TR_ERR_NOMEM;
                break;
            }
            sql = built;
        }
        status = export_one(r, run_id, &set, (int)i, sql, diag);
        tr_mem_free(r->alloc, built);
    }
    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    if (status) {
        tr_csv_set_abort(&set);
        return status;
    }
    return tr_csv_set_commit(&set, diag);
}
