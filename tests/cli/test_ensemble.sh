#!/bin/sh
# test_ensemble.sh TECHRACE — ensembles: the database does not depend on the
# thread count; run r is the single run with --run r; an existing file is
# never overwritten silently; a SIGKILLed ensemble resumes to the same
# database as an uninterrupted one; a mismatched resume is refused; keep
# modes store what they say.
set -eu
bin="$1"
. "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
short="--set calendar.end=2004"

"$bin" ensemble --runs 5 --threads 1 $short --out t1.db --quiet
"$bin" ensemble --runs 5 --threads 2 $short --out t2.db --quiet
"$bin" ensemble --runs 5 --threads 3 $short --out t3.db --quiet
sq t1.db .dump > t1.sql
sq t2.db .dump > t2.sql
sq t3.db .dump > t3.sql
cmp -s t1.sql t2.sql || { diff t1.sql t2.sql | head -20; fail "threads 1 and 2 differ"; }
cmp -s t1.sql t3.sql || { diff t1.sql t3.sql | head -20; fail "threads 1 and 3 differ"; }
[ "$(sq t1.db "select count(*) from runs where status='complete'")" = 5 ] || fail "5 complete runs"
[ "$(sq t1.db "select value from meta where key='status'")" = complete ] || fail "status complete"
n=$(sq t1.db "select n from aggregates_named where metric='gdp' and level='country' and country='US' and year=2004")
[ "$n" = 5 ] || fail "aggregate over 5 runs, got '$n'"
# runs differ (independent streams) and aggregates summarise them
sd=$(sq t1.db "select sd > 0 from aggregates_named where metric='production' and level='country' and country='CN' and year=2004")
[ "$sd" = 1 ] || fail "runs should differ: sd of CN production is 0"

# run 2 of the ensemble is `techrace run --run 2`
"$bin" run $short --run 2 --quiet --out single.db
a=$(sq t1.db "select printf('%.17g', production) from country_year where run=2 and year=2004 and country=1")
b=$(sq single.db "select printf('%.17g', cy.production) from country_year cy join countries c on c.run_id=cy.run_id and c.country=cy.country where cy.year=2004 and c.id='CN'" 2>/dev/null ||
    sq single.db "select printf('%.17g', production) from country_year where year=2004 and country='CN'")
[ "$a" = "$b" ] || fail "ensemble run 2 ($a) differs from run --run 2 ($b)"

# an existing file is refused, and left as it was
cp t1.db keep.db
if "$bin" ensemble --runs 5 $short --out t1.db --quiet 2>err.txt; then fail "overwrote an existing file"; fi
grep -q -- "--resume" err.txt || fail "message should mention --resume: $(cat err.txt)"
cmp -s t1.db keep.db || fail "refused file changed"
"$bin" ensemble --runs 5 --threads 2 $short --out t1.db --force --quiet
sq t1.db .dump | cmp -s - t1.sql || fail "--force result differs"

# resume after SIGKILL equals an uninterrupted ensemble
"$bin" ensemble --runs 40 --threads 1 $short --out full.db --quiet
"$bin" ensemble --runs 40 --threads 1 $short --out part.db --quiet &
kill_when_runs part.db 3 $!
done_before=$(sq part.db "select count(*) from runs")
[ "$done_before" -lt 40 ] || echo "note: the ensemble finished before it could be killed"
"$bin" ensemble --runs 40 --threads 2 $short --out part.db --resume --quiet
sq part.db .dump > part.sql
sq full.db .dump > full.sql
cmp -s part.sql full.sql || { diff part.sql full.sql | head; fail "resumed ensemble differs"; }

# TERM (like Ctrl-C) stops cleanly: exit 1, status interrupted, finished runs kept, resumable
"$bin" ensemble --runs 40 --threads 1 $short --out term.db --quiet 2>term.err &
pid=$!
wait_runs term.db 2
kill -TERM $pid 2>/dev/null || true
st=0; wait $pid || st=$?
if [ "$(sq term.db "select count(*) from runs")" -lt 40 ]; then
    [ "$st" = 1 ] || fail "interrupted ensemble should exit 1, got $st"
    [ "$(sq term.db "select value from meta where key='status'")" = interrupted ] || fail "status interrupted"
    grep -q -- "--resume" term.err || fail "the message should say how to resume"
fi
"$bin" ensemble --runs 40 --threads 2 $short --out term.db --resume --quiet
sq term.db .dump | cmp -s - full.sql || fail "ensemble resumed after TERM differs"

# one writer per file: while an ensemble writes, --force and --resume on the same file are refused
"$bin" ensemble --runs 40 --threads 1 $short --out busy.db --quiet &
pid=$!
i=0
while [ ! -s busy.db ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
st=0; "$bin" ensemble --runs 3 $short --out busy.db --force --quiet 2>err.txt || st=$?
st2=0; "$bin" ensemble --runs 40 $short --out busy.db --resume --quiet 2>err2.txt || st2=$?
wait $pid
[ "$st" = 2 ] && grep -q "in use" err.txt || fail "--force on a file being written: exit $st, $(cat err.txt)"
[ "$st2" = 2 ] && grep -q "in use" err2.txt || fail "--resume on a file being written: exit $st2, $(cat err2.txt)"
sq busy.db .dump | cmp -s - full.sql || fail "the first ensemble's database was damaged"
# a finished experiment is one file (no -wal, -shm left)
[ ! -e busy.db-wal ] && [ ! -e busy.db-shm ] || fail "-wal/-shm left beside a finished database"
# an unusable --out: the real reason, exit 2, nothing created
st=0; "$bin" ensemble --runs 2 $short --out nodir/x.db --quiet 2>err.txt || st=$?
[ "$st" = 2 ] && grep -q "No such file or directory" err.txt || fail "missing folder: exit $st, $(cat err.txt)"

# a resume with another seed is refused
if "$bin" ensemble --runs 40 --seed 9 $short --out part.db --resume --quiet 2>err.txt; then fail "mismatched resume accepted"; fi
grep -q "seed" err.txt || fail "mismatch message should name the seed: $(cat err.txt)"

# a foreign database is refused for resume and left as it was
sq foreign.db "create table x(a); insert into x values(1);"
cp foreign.db foreign0.db
if "$bin" ensemble --runs 2 $short --out foreign.db --resume --quiet 2>err.txt; then fail "resumed into a foreign db"; fi
cmp -s foreign.db foreign0.db || fail "foreign database changed"

# keep modes
"$bin" ensemble --runs 3 $short --keep aggregates --out agg.db --quiet
"$bin" ensemble --runs 3 $short --keep all --out all.db --quiet
"$bin" ensemble --runs 3 $short --out cmp.db --quiet
[ "$(sq agg.db "select count(*) from country_year") $(sq agg.db "select count(*) from ct_compact")" = "0 0" ] ||
    fail "--keep aggregates keeps per-run rows"
before=$(sq agg.db "select count(*), sum(n) from aggregates")
"$bin" ensemble --runs 3 $short --keep aggregates --out agg.db --resume --quiet
[ "$(sq agg.db "select count(*), sum(n) from aggregates")" = "$before" ] || fail "resuming a complete ensemble lost its aggregates"
[ "$(sq agg.db "select value from meta where key = 'status'")" = complete ] || fail "status after a no-op resume"
[ "$(sq all.db "select count(*) from country_tech_year")" -gt 0 ] || fail "--keep all has no country_tech_year rows"
[ "$(sq all.db "select count(*) from events_applied")" -gt 0 ] || fail "--keep all has no events"
# its top-10 lists are those of the single run
"$bin" run $short --run 1 --quiet --out single1.db
a=$(sq all.db "select year, rank, institution, hi_papers from tracker_top10 where run = 1 and tech = 5 order by year, rank")
b=$(sq single1.db "select year, rank, institution, hi_papers_window from tracker_top10 where tech = 'T06' order by year, rank")
[ -n "$a" ] && [ "$a" = "$b" ] || fail "--keep all top-10 lists differ from the single run's"
q="select metric, year, country, tech, n, mean, sd, q05, q50, q95 from aggregates_named where level='country' order by 1,2,3,4"
[ "$(sq agg.db "$q")" = "$(sq cmp.db "$q")" ] || fail "aggregates differ between keep modes"

# bad options
if "$bin" ensemble --runs 0 --out x.db 2>/dev/null; then fail "--runs 0 accepted"; fi
if "$bin" ensemble --runs 2 2>/dev/null; then fail "missing --out accepted"; fi
if "$bin" ensemble --runs 2 --out x.db --bogus 2>/dev/null; then fail "unknown option accepted"; fi
[ ! -e x.db ] || fail "x.db created on bad input"
echo "ensemble: ok"
