/* test_results.c — the results database and its CSV export.
 *
 * Runs a shortened default scenario through tr_sim_run with hooks that write
 * to the database, then reads the file back with sqlite3 and checks it
 * against the reports. Files are created in the working directory (the build
 * tree under ctest), all named test_results_*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "io/csv.h"
#include "techrace/results.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"

#define N_YEARS 5

/* ---- helpers ----------------------------------------------------------- */

static void remove_db(const char *path)
{
    char buf[512];
    remove(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    remove(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    remove(buf);
    snprintf(buf, sizeof buf, "%s-journal", path);
    remove(buf);
}

static const char *csv_names[] = {
    "run.csv", "country_year.csv", "country_tech_year.csv",
    "tracker.csv", "tracker_top10.csv", "trade.csv", "events_applied.csv",
    "countries.csv", "technologies.csv",
};
#define N_CSV_NAMES (sizeof csv_names / sizeof csv_names[0])

static void remove_csv_dir(const char *dir)
{
    char buf[512];
    for (size_t i = 0; i < N_CSV_NAMES; i++) {
        snprintf(buf, sizeof buf, "%s/%s", dir, csv_names[i]);
        remove(buf);
        snprintf(buf, sizeof buf, "%s/%s.tmp", dir, csv_names[i]);
        remove(buf);
    }
    rmdir(dir);
}

static int diag_has(const tr_diag *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->msgs[i].text && strstr(d->msgs[i].text, needle))
            return 1;
    return 0;
}

static int diag_names_file(const tr_diag *d, const char *file)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->msgs[i].file && strcmp(d->msgs[i].file, file) == 0)
            return 1;
    return 0;
}

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* First column of the first row as text into buf ("" for NULL). */
static const char *q_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(buf, n, "%s", t ? (const char *)t : "");
    sqlite3_finalize(st);
    return buf;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* Every double field of the report structs, in the column order of
 * docs/RESULTS.md. Written out here independently of src/io/results.c; the
 * size checks below make a field added to sim.h but not here fail to build. */
typedef struct field {
    const char *name;
    size_t off;
} field;

static const field cy_fields[] = {
#define CY(f) {#f, offsetof(tr_country_year, f)}
    CY(gdp), CY(rd_intensity), CY(gerd), CY(gov_funding), CY(central_funding),
    CY(local_funding), CY(business_funding), CY(other_funding), CY(basic), CY(applied),
    CY(experimental), CY(public_research), CY(megaproject), CY(researchers),
    CY(diaspora), CY(outbound), CY(returnees), CY(inbound_foreign),
    CY(talent_quality), CY(papers), CY(hi_papers), CY(world_rd_share),
    CY(production), CY(exports), CY(consumption), CY(jobs), CY(firm_rd), CY(firm_rd_grants),
    CY(subsidies_central), CY(subsidies_local), CY(fund_invested), CY(fund_return),
    CY(bailouts), CY(firms), CY(smes), CY(little_giants), CY(entries), CY(exits),
#undef CY
};
#define N_CY (sizeof cy_fields / sizeof cy_fields[0])

static const field ct_fields[] = {
#define CT(f) {#f, offsetof(tr_ct_year, f)}
    CT(budget), CT(papers), CT(hi_papers), CT(knowledge), CT(hi_share),
    CT(production), CT(exports), CT(consumption), CT(imports), CT(buyer_price), CT(world_share), CT(unit_share),
    CT(self_sufficiency),
    CT(jobs), CT(capacity), CT(utilization), CT(price_cost), CT(unit_cost),
    CT(loss_share), CT(profit), CT(subsidies), CT(subsidy_per_unit), CT(commercialization_gap),
    CT(firms), CT(entries), CT(exits), CT(local_backers),
#undef CT
};
#define N_CT (sizeof ct_fields / sizeof ct_fields[0])

/* tr_country_year: these doubles and the int techs_led; tr_ct_year: doubles only. */
_Static_assert((sizeof(tr_country_year) - sizeof(int)) / sizeof(double) ==
                   sizeof cy_fields / sizeof cy_fields[0],
               "cy_fields must list every double field of tr_country_year");
_Static_assert(sizeof(tr_ct_year) == sizeof(double) * (sizeof ct_fields / sizeof ct_fields[0]),
               "ct_fields must list every field of tr_ct_year");

static double field_of(const void *row, const field *f)
{
    double v;
    memcpy(&v, (const char *)row + f->off, sizeof v);
    return v;
}

/* Column i of the current row equals v bit for bit (NaN is stored as NULL). */
static void check_real(sqlite3_stmt *st, int i, double v, const char *name, int year)
{
    if (isnan(v)) {
        if (sqlite3_column_type(st, i) != SQLITE_NULL)
            fail_msg("%d %s: NaN not stored as NULL", year, name);
    } else if (sqlite3_column_type(st, i) == SQLITE_NULL || sqlite3_column_double(st, i) != v) {
        fail_msg("%d %s: stored %.17g, reported %.17g", year, name,
                 sqlite3_column_double(st, i), v);
    }
}

/* "SELECT f1, f2, ... [, tail] FROM table WHERE where" into buf. */
static const char *select_fields(char *buf, size_t n, const field *f, size_t nf,
                                 const char *tail, const char *table, const char *where)
{
    size_t at = (size_t)snprintf(buf, n, "SELECT ");
    for (size_t i = 0; i < nf; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? ", " : "", f[i].name);
    at += (size_t)snprintf(buf + at, n - at, "%s%s FROM %s WHERE %s", tail ? ", " : "",
                           tail ? tail : "", table, where);
    assert_true(at < n);
    return buf;
}

/* The default scenario cut to N_YEARS years. */
static tr_scenario *short_scenario(void)
{
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    if (tr_scenario_load_default(&s, NULL, 0, &d) != TR_OK) {
        tr_diag_print(&d, stderr);
        fail_msg("cannot load the default scenario");
    }
    char ov[64];
    snprintf(ov, sizeof ov, "calendar.end=%d", s->start_year + N_YEARS - 1);
    tr_scenario_destroy(s);
    s = NULL;
    const char *const ovs[] = {ov};
    if (tr_scenario_load_default(&s, ovs, 1, &d) != TR_OK) {
        tr_diag_print(&d, stderr);
        fail_msg("cannot load the shortened default scenario");
    }
    tr_diag_free(&d);
    assert_int_equal(s->end_year - s->start_year + 1, N_YEARS);
    return s;
}

/* ---- a run through the hooks ------------------------------------------- */

typedef struct run_ctx {
    tr_results *db;
    int64_t run_id;
    tr_diag *diag;
    const char *path;     /* db file, for read-back checks (NULL = none) */
    int stop_after;       /* stop after this many years (0 = never) */
    int exit_after;       /* _exit(0) after this many years (0 = never) */
    int misuse;           /* in the first year, also try bad writes */
    int years;
    long top10_rows;
    int events;
    int write_failed;
} run_ctx;

/* Check that what was just committed equals the report, bit for bit. */
static void check_year_in_db(const run_ctx *cx, const tr_sim *sim, const tr_year_report *rep)
{
    const tr_scenario *s = tr_sim_scenario(sim);
    sqlite3 *db = raw_open(cx->path);
    sqlite3_stmt *st = NULL;
    char sqlbuf[2048];
    const char *sql = select_fields(sqlbuf, sizeof sqlbuf, cy_fields, N_CY, "techs_led",
                                    "country_year", "run_id = ? AND year = ? AND country = ?");
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int c = 0; c < rep->n_countries; c++) {
        const tr_country_year *y = &rep->country[c];
        sqlite3_bind_int64(st, 1, cx->run_id);
        sqlite3_bind_int(st, 2, rep->year);
        sqlite3_bind_text(st, 3, s->countries[c].id, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        for (size_t f = 0; f < N_CY; f++)
            check_real(st, (int)f, field_of(y, &cy_fields[f]), cy_fields[f].name, rep->year);
        assert_int_equal(sqlite3_column_int(st, (int)N_CY), y->techs_led);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);

    sql = select_fields(sqlbuf, sizeof sqlbuf, ct_fields, N_CT, NULL, "country_tech_year",
                        "run_id = ? AND year = ? AND country = ? AND tech = ?");
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int c = 0; c < rep->n_countries; c++) {
        for (int k = 0; k < rep->n_tech; k++) {
            const tr_ct_year *ct = &rep->ct[c * rep->n_tech + k];
            sqlite3_bind_int64(st, 1, cx->run_id);
            sqlite3_bind_int(st, 2, rep->year);
            sqlite3_bind_text(st, 3, s->countries[c].id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, s->techs[k].id, -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            for (size_t f = 0; f < N_CT; f++)
                check_real(st, (int)f, field_of(ct, &ct_fields[f]), ct_fields[f].name,
                           rep->year);
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);

    static const char *risk[] = {"low", "medium", "high"};
    sql = "SELECT leader, second, leader_share, second_share, lead_ratio, leader_top10, risk "
          "FROM tracker WHERE run_id = ? AND year = ? AND tech = ?";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int k = 0; k < rep->n_tech; k++) {
        const tr_tracker_row *t = &rep->tracker[k];
        sqlite3_bind_int64(st, 1, cx->run_id);
        sqlite3_bind_int(st, 2, rep->year);
        sqlite3_bind_text(st, 3, s->techs[k].id, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        const char *leader = (const char *)sqlite3_column_text(st, 0);
        if (t->leader >= 0)
            assert_string_equal(leader, s->countries[t->leader].id);
        else
            assert_null(leader);
        const char *second = (const char *)sqlite3_column_text(st, 1);
        if (t->second >= 0)
            assert_string_equal(second, s->countries[t->second].id);
        else
            assert_null(second);
        assert_true(sqlite3_column_double(st, 2) == t->leader_share);
        assert_true(sqlite3_column_double(st, 3) == t->second_share);
        assert_true(sqlite3_column_double(st, 4) == t->lead_ratio);
        assert_int_equal(sqlite3_column_int(st, 5), t->leader_top10);
        assert_string_equal((const char *)sqlite3_column_text(st, 6), risk[t->risk]);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);

    sql = "SELECT institution, institution_idx, country, hi_papers_window FROM tracker_top10 "
          "WHERE run_id = ? AND year = ? AND tech = ? AND rank = ?";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int k = 0; k < rep->n_tech; k++) {
        for (int r = 0; r < 10 && rep->tracker[k].top10[r] >= 0; r++) {
            int inst = rep->tracker[k].top10[r];
            sqlite3_bind_int64(st, 1, cx->run_id);
            sqlite3_bind_int(st, 2, rep->year);
            sqlite3_bind_text(st, 3, s->techs[k].id, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, r + 1);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_string_equal((const char *)sqlite3_column_text(st, 0),
                                tr_sim_inst_name(sim, inst));
            assert_int_equal(sqlite3_column_int(st, 1), inst);
            assert_string_equal((const char *)sqlite3_column_text(st, 2),
                                s->countries[tr_sim_inst_country(sim, inst)].id);
            assert_true(sqlite3_column_double(st, 3) == tr_sim_inst_hi_window(sim, inst, k));
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);

    char q[128];
    snprintf(q, sizeof q, "SELECT last_year FROM runs WHERE run_id = %lld", (long long)cx->run_id);
    assert_int_equal(q_int(db, q), rep->year);
    sqlite3_close(db);
}

static int on_year(void *ctx, const tr_sim *sim, const tr_year_report *rep)
{
    run_ctx *cx = ctx;
    if (tr_results_write_year(cx->db, cx->run_id, sim, rep, cx->diag) != TR_OK) {
        cx->write_failed = 1;
        return TR_ERR_DB;
    }
    cx->years++;
    if (cx->misuse && cx->years == 1) {
        /* The same year again violates the primary key: an error, and the
         * failed transaction leaves nothing behind. A wrong run id too. */
        tr_diag d2;
        tr_diag_init(&d2);
        assert_int_equal(tr_results_write_year(cx->db, cx->run_id, sim, rep, &d2), TR_ERR_DB);
        assert_true(diag_has(&d2, "UNIQUE"));
        assert_int_equal(tr_results_write_year(cx->db, cx->run_id + 100, sim, rep, &d2),
                         TR_ERR_INPUT);
        assert_true(diag_has(&d2, "no run"));
        tr_diag_free(&d2);
    }
    for (int k = 0; k < rep->n_tech; k++)
        for (int r = 0; r < 10 && rep->tracker[k].top10[r] >= 0; r++)
            cx->top10_rows++;
    if (cx->path)
        check_year_in_db(cx, sim, rep);
    if (cx->exit_after && cx->years == cx->exit_after)
        _exit(0); /* as if killed: no end_run, no close */
    if (cx->stop_after && cx->years == cx->stop_after)
        return 1;
    return 0;
}

static int on_event(void *ctx, const tr_sim *sim, const tr_event_applied *ev)
{
    run_ctx *cx = ctx;
    if (tr_results_write_event(cx->db, cx->run_id, sim, ev, cx->diag) != TR_OK) {
        cx->write_failed = 1;
        return TR_ERR_DB;
    }
    cx->events++;
    return 0;
}

/* Run s (seed) into the open database; returns tr_sim_run's status. */
static int run_into(tr_results *db, const tr_scenario *s, uint64_t seed, run_ctx *cx,
                    tr_diag *d)
{
    tr_sim *sim = NULL;
    assert_int_equal(tr_sim_create(&sim, s, seed, 0, d), TR_OK);
    cx->db = db;
    cx->diag = d;
    assert_int_equal(tr_results_begin_run(db, s, sim, seed, &cx->run_id, d), TR_OK);
    assert_true(cx->run_id > 0);
    tr_sim_hooks hooks = {on_year, on_event, cx, NULL};
    int rc = tr_sim_run(sim, &hooks);
    tr_sim_destroy(sim);
    return rc;
}

/* ---- opening ----------------------------------------------------------- */

static void test_open_missing_directory(void **state)
{
    (void)state;
    const char *path = "test_results_no_such_dir/sub/results.db";
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = (tr_results *)&d; /* must be reset to NULL */
    int rc = tr_results_open(&r, path, &d);
    assert_int_equal(rc, TR_ERR_IO);
    assert_null(r);
    assert_true(d.errors > 0);
    assert_true(diag_names_file(&d, path));
    assert_true(diag_has(&d, "cannot open the results database"));
    tr_diag_free(&d);

    tr_diag_init(&d);
    assert_int_equal(tr_results_open(&r, "", &d), TR_ERR_INPUT);
    assert_true(d.errors > 0);
    tr_diag_free(&d);
}

static void test_open_not_a_database(void **state)
{
    (void)state;
    const char *path = "test_results_not_a_db.db";
    remove_db(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is a text file, not an SQLite database\n", f);
    fclose(f);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_ERR_INPUT);
    assert_null(r);
    assert_true(diag_names_file(&d, path));
    assert_true(diag_has(&d, "not a database"));
    tr_diag_free(&d);
    remove_db(path);
}

static void test_open_other_sqlite_database(void **state)
{
    (void)state;
    const char *path = "test_results_other.db";
    remove_db(path);
    sqlite3 *db = raw_open(path);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_ERR_INPUT);
    assert_null(r);
    assert_true(diag_has(&d, "not a techrace results database"));
    tr_diag_free(&d);
    remove_db(path);
}

static void test_schema_created(void **state)
{
    (void)state;
    const char *path = "test_results_schema.db";
    remove_db(path);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    assert_non_null(r);
    assert_int_equal(d.errors, 0);

    /* While open: WAL mode, as another connection sees it. */
    sqlite3 *db = raw_open(path);
    char buf[256];
    assert_string_equal(q_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    char want[16];
    snprintf(want, sizeof want, "%d", TR_RESULTS_SCHEMA_VERSION);
    assert_string_equal(
        q_text(db, "SELECT value FROM meta WHERE key = 'schema_version'", buf, sizeof buf), want);
    q_text(db, "SELECT value FROM meta WHERE key = 'created_by'", buf, sizeof buf);
    assert_true(strncmp(buf, "techrace ", 9) == 0);
    static const char *tables[] = {
        "runs", "countries", "technologies", "institutions", "country_year",
        "country_tech_year", "tracker", "tracker_top10", "events_applied",
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char q[160];
        snprintf(q, sizeof q, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'",
                 tables[i]);
        assert_int_equal(q_int(db, q), 1);
    }
    /* One REAL column per double of tr_country_year, plus techs_led. */
    assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_table_info('country_year') "
                               "WHERE type = 'REAL'"),
                     (sizeof(tr_country_year) - sizeof(double)) / sizeof(double));
    assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_table_info('country_year') "
                               "WHERE name = 'techs_led'"), 1);
    sqlite3_close(db);
    tr_results_close(r);

    /* Reopening an existing database works and keeps it. */
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_results_close(r);
    assert_int_equal(d.errors, 0);
    tr_diag_free(&d);
    remove_db(path);
}

/* Column names and types of a table, in order, must be: the given keys
 * (not REAL), then one REAL column per field, then tail (INTEGER) if any. */
static void check_columns(sqlite3 *db, const char *table, int n_keys, const field *f, size_t nf,
                          const char *tail)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT name, type FROM pragma_table_info('%s') ORDER BY cid", table);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    for (int i = 0; i < n_keys; i++)
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    for (size_t i = 0; i < nf; i++) {
        if (sqlite3_step(st) != SQLITE_ROW)
            fail_msg("%s: no column for field %s", table, f[i].name);
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(name, f[i].name) != 0 || strcmp(type, "REAL") != 0)
            fail_msg("%s: column %d is %s %s, want %s REAL", table, n_keys + (int)i, name, type,
                     f[i].name);
    }
    if (tail) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), tail);
        assert_string_equal((const char *)sqlite3_column_text(st, 1), "INTEGER");
    }
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* Every REAL column is one of the fields (none left over). */
    snprintf(q, sizeof q, "SELECT count(*) FROM pragma_table_info('%s') WHERE type = 'REAL'",
             table);
    assert_int_equal(q_int(db, q), (int64_t)nf);
}

/* Every double field of tr_country_year and tr_ct_year is a REAL column of
 * its table, by name and in struct order; the test's field lists cover the
 * structs (checked at compile time) and name distinct fields. */
static void test_every_field_a_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CY; i++)
        for (size_t j = i + 1; j < N_CY; j++)
            assert_true(cy_fields[i].off != cy_fields[j].off);
    for (size_t i = 0; i < N_CT; i++)
        for (size_t j = i + 1; j < N_CT; j++)
            assert_true(ct_fields[i].off != ct_fields[j].off);
    assert_int_equal(N_CT * sizeof(double), sizeof(tr_ct_year));

    const char *path = "test_results_columns.db";
    remove_db(path);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    sqlite3 *db = raw_open(path);
    check_columns(db, "country_year", 3, cy_fields, N_CY, "techs_led");
    check_columns(db, "country_tech_year", 4, ct_fields, N_CT, NULL);
    sqlite3_close(db);
    tr_results_close(r);
    assert_int_equal(d.errors, 0);
    tr_diag_free(&d);
    remove_db(path);
}

static void test_schema_version_mismatch(void **state)
{
    (void)state;
    const char *path = "test_results_version.db";
    remove_db(path);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_results_close(r);
    sqlite3 *db = raw_open(path);
    assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_ERR_INPUT);
    assert_null(r);
    assert_true(diag_names_file(&d, path));
    assert_true(diag_has(&d, "schema version 999"));
    tr_diag_free(&d);
    remove_db(path);
}

/* ---- runs -------------------------------------------------------------- */

static void test_full_run(void **state)
{
    (void)state;
    const char *path = "test_results_full.db";
    remove_db(path);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    run_ctx cx = {0};
    cx.path = path;
    assert_int_equal(run_into(r, s, 42, &cx, &d), TR_OK);
    assert_false(cx.write_failed);
    assert_int_equal(cx.years, N_YEARS);
    assert_int_equal(tr_results_end_run(r, cx.run_id, "complete", &d), TR_OK);
    if (d.errors)
        tr_diag_print(&d, stderr);
    assert_int_equal(d.errors, 0);

    sqlite3 *db = raw_open(path);
    char q[256], buf[256];
    long nc = s->n_countries, nk = s->n_tech;
#define COUNT(table)                                                                    \
    (snprintf(q, sizeof q, "SELECT count(*) FROM " table " WHERE run_id = %lld",      \
              (long long)cx.run_id),                                                   \
     q_int(db, q))
    assert_int_equal(COUNT("countries"), nc);
    assert_int_equal(COUNT("technologies"), nk);
    assert_true(COUNT("institutions") > 0);
    assert_int_equal(COUNT("country_year"), N_YEARS * nc);
    assert_int_equal(COUNT("country_tech_year"), N_YEARS * nc * nk);
    assert_int_equal(COUNT("tracker"), N_YEARS * nk);
    assert_int_equal(COUNT("tracker_top10"), cx.top10_rows);
    assert_int_equal(COUNT("events_applied"), cx.events);
#undef COUNT
    snprintf(q, sizeof q, "SELECT count(DISTINCT year) FROM country_year WHERE run_id = %lld",
             (long long)cx.run_id);
    assert_int_equal(q_int(db, q), N_YEARS);
    snprintf(q, sizeof q, "SELECT status FROM runs WHERE run_id = %lld", (long long)cx.run_id);
    assert_string_equal(q_text(db, q, buf, sizeof buf), "complete");
    snprintf(q, sizeof q, "SELECT last_year FROM runs WHERE run_id = %lld", (long long)cx.run_id);
    assert_int_equal(q_int(db, q), s->end_year);
    snprintf(q, sizeof q, "SELECT seed FROM runs WHERE run_id = %lld", (long long)cx.run_id);
    assert_int_equal(q_int(db, q), 42);
    snprintf(q, sizeof q, "SELECT scenario_hash FROM runs WHERE run_id = %lld",
             (long long)cx.run_id);
    assert_string_equal(q_text(db, q, buf, sizeof buf), s->hash);
    snprintf(q, sizeof q,
             "SELECT finished_at IS NOT NULL AND started_at <= finished_at FROM runs "
             "WHERE run_id = %lld", (long long)cx.run_id);
    assert_int_equal(q_int(db, q), 1);
    /* Institutions carry their country ids. */
    snprintf(q, sizeof q,
             "SELECT count(*) FROM institutions i LEFT JOIN countries c ON c.run_id = i.run_id "
             "AND c.id = i.country WHERE i.run_id = %lld AND c.id IS NULL",
             (long long)cx.run_id);
    assert_int_equal(q_int(db, q), 0);
    assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(db);

    tr_results_close(r);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove_db(path);
}

static void test_interrupted_run(void **state)
{
    (void)state;
    const char *path = "test_results_interrupted.db";
    remove_db(path);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    run_ctx cx = {0};
    cx.stop_after = 3;
    cx.misuse = 1;
    assert_int_equal(run_into(r, s, 7, &cx, &d), 1);
    assert_int_equal(tr_results_end_run(r, cx.run_id, "interrupted", &d), TR_OK);
    tr_results_close(r);
    assert_int_equal(d.errors, 0);

    sqlite3 *db = raw_open(path);
    char buf[64];
    assert_string_equal(q_text(db, "SELECT status FROM runs", buf, sizeof buf), "interrupted");
    assert_int_equal(q_int(db, "SELECT last_year FROM runs"), s->start_year + 2);
    assert_int_equal(q_int(db, "SELECT count(DISTINCT year) FROM country_year"), 3);
    assert_int_equal(q_int(db, "SELECT max(year) FROM tracker"), s->start_year + 2);
    assert_int_equal(q_int(db, "SELECT count(*) FROM country_tech_year"),
                     3L * s->n_countries * s->n_tech);
    sqlite3_close(db);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove_db(path);
}

/* A process killed between years leaves a valid database with whole years
 * and status 'running'. */
static void test_killed_run(void **state)
{
    (void)state;
    const char *path = "test_results_killed.db";
    remove_db(path);
    tr_scenario *s = short_scenario();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        tr_diag d;
        tr_diag_init(&d);
        tr_results *r = NULL;
        if (tr_results_open(&r, path, &d) != TR_OK)
            _exit(3);
        run_ctx cx = {0};
        cx.exit_after = 3;
        tr_sim *sim = NULL;
        if (tr_sim_create(&sim, s, 9, 0, &d) != TR_OK)
            _exit(4);
        cx.db = r;
        cx.diag = &d;
        if (tr_results_begin_run(r, s, sim, 9, &cx.run_id, &d) != TR_OK)
            _exit(5);
        tr_sim_hooks hooks = {on_year, on_event, &cx, NULL};
        tr_sim_run(sim, &hooks);
        _exit(6); /* not reached: on_year exits after 3 years */
    }
    int wst = 0;
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFEXITED(wst));
    assert_int_equal(WEXITSTATUS(wst), 0);

    /* The library opens it again (recovering the WAL) and can add a run. */
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_results_close(r);
    tr_diag_free(&d);

    sqlite3 *db = raw_open(path);
    char buf[64];
    assert_string_equal(q_text(db, "PRAGMA integrity_check", buf, sizeof buf), "ok");
    assert_string_equal(q_text(db, "SELECT status FROM runs", buf, sizeof buf), "running");
    assert_int_equal(q_int(db, "SELECT last_year FROM runs"), s->start_year + 2);
    assert_int_equal(q_int(db, "SELECT count(DISTINCT year) FROM country_year"), 3);
    assert_int_equal(q_int(db, "SELECT count(*) FROM country_year"), 3L * s->n_countries);
    assert_int_equal(q_int(db, "SELECT count(*) FROM events_applied WHERE year >= "
                               "(SELECT last_year + 1 FROM runs)"), 0);
    sqlite3_close(db);
    tr_scenario_destroy(s);
    remove_db(path);
}

static void test_end_run_errors(void **state)
{
    (void)state;
    const char *path = "test_results_end.db";
    remove_db(path);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    assert_int_equal(tr_results_end_run(r, 1, "running", &d), TR_ERR_INPUT);
    assert_int_equal(tr_results_end_run(r, 1, NULL, &d), TR_ERR_INPUT);
    assert_int_equal(tr_results_end_run(r, 12345, "complete", &d), TR_ERR_INPUT);
    assert_true(diag_has(&d, "no run 12345"));
    tr_diag_free(&d);
    tr_diag_init(&d);
    assert_int_equal(tr_results_export_csv(r, 12345, "test_results_csv_none", &d), TR_ERR_INPUT);
    assert_true(diag_has(&d, "no run 12345"));
    tr_results_close(r);
    tr_diag_free(&d);
    remove_db(path);
}

/* ---- CSV export -------------------------------------------------------- */

static void compare_dirs(const char *a, const char *b)
{
    char pa[256], pb[256];
    for (size_t i = 0; i < N_CSV_NAMES; i++) {
        snprintf(pa, sizeof pa, "%s/%s", a, csv_names[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, csv_names[i]);
        size_t la = 0, lb = 0;
        char *ca = read_file(pa, &la), *cb = read_file(pb, &lb);
        if (!ca || !cb)
            fail_msg("missing %s or %s", pa, pb);
        if (la != lb || memcmp(ca, cb, la) != 0)
            fail_msg("%s and %s differ", pa, pb);
        free(ca);
        free(cb);
        snprintf(pa, sizeof pa, "%s/%s.tmp", a, csv_names[i]);
        struct stat sb;
        assert_true(stat(pa, &sb) != 0); /* no temporary left behind */
    }
}

/* "keys,f1,...,fn[,tail]\n" into buf. */
static void csv_header(char *buf, size_t n, const char *keys, const field *f, size_t nf,
                       const char *tail)
{
    size_t at = (size_t)snprintf(buf, n, "%s", keys);
    for (size_t i = 0; i < nf; i++)
        at += (size_t)snprintf(buf + at, n - at, ",%s", f[i].name);
    at += (size_t)snprintf(buf + at, n - at, "%s%s\n", tail ? "," : "", tail ? tail : "");
    assert_true(at < n);
}

static void test_csv_export(void **state)
{
    (void)state;
    const char *path = "test_results_csv.db";
    const char *dir1 = "test_results_csv1", *dir2 = "test_results_csv2", *dir3 = "test_results_csv3";
    remove_db(path);
    remove_csv_dir(dir1);
    remove_csv_dir(dir2);
    remove_csv_dir(dir3);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    run_ctx a = {0}, b = {0};
    assert_int_equal(run_into(r, s, 3, &a, &d), TR_OK);
    assert_int_equal(tr_results_end_run(r, a.run_id, "complete", &d), TR_OK);
    /* The same run again, as a second run of the same file. */
    assert_int_equal(run_into(r, s, 3, &b, &d), TR_OK);
    assert_int_equal(tr_results_end_run(r, b.run_id, "complete", &d), TR_OK);
    assert_true(b.run_id != a.run_id);

    assert_int_equal(tr_results_export_csv(r, a.run_id, dir1, &d), TR_OK);
    assert_int_equal(tr_results_export_csv(r, a.run_id, dir2, &d), TR_OK);
    assert_int_equal(tr_results_export_csv(r, b.run_id, dir3, &d), TR_OK);
    /* Exporting over existing files replaces them. */
    assert_int_equal(tr_results_export_csv(r, a.run_id, dir1, &d), TR_OK);
    if (d.errors)
        tr_diag_print(&d, stderr);
    assert_int_equal(d.errors, 0);
    compare_dirs(dir1, dir2);
    compare_dirs(dir1, dir3);

    /* Headers and row counts. */
    char p[256];
    size_t len = 0;
    snprintf(p, sizeof p, "%s/country_year.csv", dir1);
    char *text = read_file(p, &len);
    assert_non_null(text);
    char header[2048];
    csv_header(header, sizeof header, "year,country", cy_fields, N_CY, "techs_led");
    assert_true(strncmp(text, header, strlen(header)) == 0);
    long lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 1 + N_YEARS * s->n_countries);
    free(text);
    snprintf(p, sizeof p, "%s/country_tech_year.csv", dir1);
    text = read_file(p, &len);
    assert_non_null(text);
    csv_header(header, sizeof header, "year,country,tech", ct_fields, N_CT, NULL);
    assert_true(strncmp(text, header, strlen(header)) == 0);
    lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    assert_int_equal(lines, 1 + N_YEARS * s->n_countries * s->n_tech);
    free(text);
    snprintf(p, sizeof p, "%s/tracker.csv", dir1);
    text = read_file(p, &len);
    assert_non_null(text);
    assert_true(strncmp(text, "year,tech,leader,second,leader_share,second_share,lead_ratio,"
                              "leader_top10,risk\n", 79) == 0);
    free(text);
    snprintf(p, sizeof p, "%s/run.csv", dir1);
    text = read_file(p, &len);
    assert_non_null(text);
    assert_true(strncmp(text, "program_version,scenario_name,", 30) == 0);
    assert_null(strstr(text, "started_at"));
    free(text);

    tr_results_close(r);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove_csv_dir(dir1);
    remove_csv_dir(dir2);
    remove_csv_dir(dir3);
    remove_db(path);
}

static void test_csv_bad_directory(void **state)
{
    (void)state;
    const char *path = "test_results_csvbad.db";
    const char *file = "test_results_csvbad_file";
    remove_db(path);
    remove(file);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    run_ctx a = {0};
    a.stop_after = 1;
    assert_int_equal(run_into(r, s, 1, &a, &d), 1);
    assert_int_equal(tr_results_end_run(r, a.run_id, "interrupted", &d), TR_OK);
    assert_int_equal(d.errors, 0);

    /* Two levels missing: only one is created. */
    assert_int_equal(tr_results_export_csv(r, a.run_id, "test_results_csv_missing/sub", &d),
                     TR_ERR_IO);
    assert_true(diag_names_file(&d, "test_results_csv_missing/sub"));
    tr_diag_free(&d);
    tr_diag_init(&d);
    /* A file where the directory should be. */
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(tr_results_export_csv(r, a.run_id, file, &d), TR_ERR_IO);
    assert_true(diag_has(&d, "not a directory"));
    tr_results_close(r);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove(file);
    remove_db(path);
}

/* A seed above INT64_MAX is stored as its two's complement and exported
 * unsigned. */
static void test_big_seed(void **state)
{
    (void)state;
    const char *path = "test_results_seed.db";
    const char *dir = "test_results_seed_csv";
    remove_db(path);
    remove_csv_dir(dir);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_sim *sim = NULL;
    assert_int_equal(tr_sim_create(&sim, s, UINT64_MAX, 0, &d), TR_OK);
    int64_t id = 0;
    assert_int_equal(tr_results_begin_run(r, s, sim, UINT64_MAX, &id, &d), TR_OK);
    assert_int_equal(tr_results_end_run(r, id, "failed", &d), TR_OK);
    assert_int_equal(tr_results_export_csv(r, id, dir, &d), TR_OK);
    tr_sim_destroy(sim);
    tr_results_close(r);
    assert_int_equal(d.errors, 0);

    sqlite3 *db = raw_open(path);
    assert_int_equal(q_int(db, "SELECT seed FROM runs"), -1);
    char buf[64];
    assert_string_equal(q_text(db, "SELECT status FROM runs", buf, sizeof buf), "failed");
    assert_true(q_int(db, "SELECT last_year IS NULL FROM runs"));
    sqlite3_close(db);
    char p[256];
    size_t len = 0;
    snprintf(p, sizeof p, "%s/run.csv", dir);
    char *text = read_file(p, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, ",18446744073709551615,"));
    free(text);
    /* No year written: the year tables are header-only. */
    snprintf(p, sizeof p, "%s/country_year.csv", dir);
    text = read_file(p, &len);
    assert_non_null(text);
    assert_non_null(strchr(text, '\n'));
    assert_true(strchr(text, '\n') == text + len - 1);
    free(text);

    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove_csv_dir(dir);
    remove_db(path);
}


/* ---- fixes: foreign files, write errors, links ------------------------- */

static char *slurp(const char *path, size_t *len)
{
    return read_file(path, len);
}

/* A foreign SQLite database (here in WAL mode, and in rollback mode) is
 * refused and its bytes are left as they were. */
static void test_foreign_db_unchanged(void **state)
{
    (void)state;
    const char *path = "test_results_foreign.db";
    for (int wal = 0; wal < 2; wal++) {
        remove_db(path);
        sqlite3 *db = raw_open(path);
        assert_int_equal(sqlite3_exec(db, wal ? "PRAGMA journal_mode=WAL; PRAGMA application_id=7; CREATE TABLE t(x)"
                                              : "PRAGMA journal_mode=DELETE; CREATE TABLE t(x); INSERT INTO t VALUES (1)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        size_t n0 = 0, n1 = 0;
        char *before = slurp(path, &n0);
        assert_non_null(before);
        tr_diag d;
        tr_diag_init(&d);
        tr_results *r = NULL;
        assert_int_equal(tr_results_open(&r, path, &d), TR_ERR_INPUT);
        assert_null(r);
        assert_true(diag_has(&d, "not a techrace results database"));
        char *after = slurp(path, &n1);
        assert_non_null(after);
        assert_int_equal(n0, n1);
        assert_memory_equal(before, after, n0);
        free(before);
        free(after);
        tr_diag_free(&d);
    }
    remove_db(path);
}

/* New databases carry the application id. */
static void test_application_id(void **state)
{
    (void)state;
    const char *path = "test_results_appid.db";
    remove_db(path);
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_results_close(r);
    sqlite3 *db = raw_open(path);
    assert_int_equal(q_int(db, "PRAGMA application_id"), TR_RESULTS_APPLICATION_ID);
    sqlite3_close(db);
    /* and open again */
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    tr_results_close(r);
    tr_diag_free(&d);
    remove_db(path);
}

/* A full disk is reported as such (not "Input/output error"). */
static void test_csv_enospc(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "wb");
    if (!f) {
        skip();
        return;
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_csv c;
    assert_int_equal(tr_csv_attach(&c, f, "full.csv", NULL, &d), TR_OK);
    for (int i = 0; i < 10000; i++) {
        tr_csv_text(&c, "some text");
        tr_csv_double(&c, 1.5);
        tr_csv_end_row(&c);
    }
    assert_int_equal(tr_csv_close(&c, &d), TR_ERR_IO);
    assert_true(diag_has(&d, "No space left on device"));
    tr_diag_free(&d);
    /* A short file fails only at the flush. */
    f = fopen("/dev/full", "wb");
    assert_non_null(f);
    tr_diag_init(&d);
    assert_int_equal(tr_csv_attach(&c, f, "full.csv", NULL, &d), TR_OK);
    tr_csv_text(&c, "x");
    tr_csv_end_row(&c);
    assert_int_equal(tr_csv_close(&c, &d), TR_ERR_IO);
    assert_true(diag_has(&d, "No space left on device"));
    tr_diag_free(&d);
}

/* Links planted in an existing CSV directory are never followed, and a
 * directory holding other files is refused untouched. */
static void test_csv_links_and_foreign_files(void **state)
{
    (void)state;
    const char *path = "test_results_links.db", *dir = "test_results_links_csv";
    const char *precious = "test_results_precious.txt";
    remove_db(path);
    remove_csv_dir(dir);
    remove(precious);
    FILE *f = fopen(precious, "w");
    assert_non_null(f);
    fputs("precious\n", f);
    fclose(f);
    tr_scenario *s = short_scenario();
    tr_diag d;
    tr_diag_init(&d);
    tr_results *r = NULL;
    assert_int_equal(tr_results_open(&r, path, &d), TR_OK);
    run_ctx a = {0};
    assert_int_equal(run_into(r, s, 3, &a, &d), TR_OK);
    assert_int_equal(tr_results_end_run(r, a.run_id, "complete", &d), TR_OK);
    assert_int_equal(mkdir(dir, 0777), 0);
    char link[256], target[256];
    snprintf(target, sizeof target, "../%s", precious);
    snprintf(link, sizeof link, "%s/tracker.csv.tmp", dir);
    assert_int_equal(symlink(target, link), 0);
    snprintf(link, sizeof link, "%s/run.csv", dir);
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(tr_results_export_csv(r, a.run_id, dir, &d), TR_OK);
    size_t n = 0;
    char *text = read_file(precious, &n);
    assert_non_null(text);
    assert_string_equal(text, "precious\n");
    free(text);
    struct stat sb;
    snprintf(link, sizeof link, "%s/run.csv", dir);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    snprintf(link, sizeof link, "%s/tracker.csv.tmp", dir);
    assert_true(lstat(link, &sb) != 0);
    snprintf(link, sizeof link, "%s/countries.csv", dir);
    assert_int_equal(stat(link, &sb), 0);

    /* Another file there: refused, nothing changed. */
    snprintf(link, sizeof link, "%s/notes.txt", dir);
    f = fopen(link, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(tr_results_export_csv(r, a.run_id, dir, &d), TR_ERR_IO);
    assert_true(diag_has(&d, "not part of a CSV export"));
    assert_int_equal(tr_results_check_csv_dir(dir, NULL, &d), TR_ERR_IO);
    remove(link);
    tr_results_close(r);
    tr_diag_free(&d);
    tr_scenario_destroy(s);
    remove_csv_dir(dir);
    remove(precious);
    remove_db(path);
}


/* The set is swapped in whole, by RENAME_EXCHANGE or by the fallback
 * (rename aside, rename in), and an error midway leaves the old set. */
static void write_set(const char *dir, const char *text, int no_exchange, int fail_second)
{
    static const char *const names[] = {"a.csv", "b.csv"};
    tr_diag d;
    tr_diag_init(&d);
    tr_csv_set set;
    assert_int_equal(tr_csv_set_begin(&set, dir, names, 2, NULL, &d), TR_OK);
    set.no_exchange = no_exchange;
    for (int i = 0; i < 2; i++) {
        tr_csv c;
        assert_int_equal(tr_csv_open(&c, &set, i, &d), TR_OK);
        tr_csv_text(&c, text);
        tr_csv_end_row(&c);
        if (i == 1 && fail_second) {
            tr_csv_abort(&c);
            tr_csv_set_abort(&set);
            tr_diag_free(&d);
            return;
        }
        assert_int_equal(tr_csv_close(&c, &d), TR_OK);
    }
    assert_int_equal(tr_csv_set_commit(&set, &d), TR_OK);
    assert_int_equal(d.errors, 0);
    tr_diag_free(&d);
}

static void expect_set(const char *dir, const char *text)
{
    char p[256], want[64];
    snprintf(want, sizeof want, "%s\n", text);
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, i ? "b.csv" : "a.csv");
        size_t n = 0;
        char *got = read_file(p, &n);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(got);
    }
}

static int siblings(const char *prefix)
{
    DIR *d = opendir(".");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void test_csv_set_swap(void **state)
{
    (void)state;
    const char *dir = "test_results_set";
    for (int no_exchange = 0; no_exchange < 2; no_exchange++) {
        char p[256];
        snprintf(p, sizeof p, "%s/a.csv", dir);
        remove(p);
        snprintf(p, sizeof p, "%s/b.csv", dir);
        remove(p);
        rmdir(dir);
        write_set(dir, "one", no_exchange, 0);   /* new directory */
        expect_set(dir, "one");
        write_set(dir, "two", no_exchange, 0);   /* replaced */
        expect_set(dir, "two");
        write_set(dir, "three", no_exchange, 1); /* fails midway: old set stays */
        expect_set(dir, "two");
        assert_int_equal(siblings(".test_results_set."), 0);
    }
    char p[256];
    snprintf(p, sizeof p, "%s/a.csv", dir);
    remove(p);
    snprintf(p, sizeof p, "%s/b.csv", dir);
    remove(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing_directory),
        cmocka_unit_test(test_open_not_a_database),
        cmocka_unit_test(test_open_other_sqlite_database),
        cmocka_unit_test(test_schema_created),
        cmocka_unit_test(test_every_field_a_column),
        cmocka_unit_test(test_schema_version_mismatch),
        cmocka_unit_test(test_end_run_errors),
        cmocka_unit_test(test_full_run),
        cmocka_unit_test(test_interrupted_run),
        cmocka_unit_test(test_killed_run),
        cmocka_unit_test(test_csv_export),
        cmocka_unit_test(test_csv_bad_directory),
        cmocka_unit_test(test_big_seed),
        cmocka_unit_test(test_foreign_db_unchanged),
        cmocka_unit_test(test_application_id),
        cmocka_unit_test(test_csv_enospc),
        cmocka_unit_test(test_csv_links_and_foreign_files),
        cmocka_unit_test(test_csv_set_swap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
