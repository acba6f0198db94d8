#!/bin/sh
# test_run.sh — end-to-end tests of `techrace run` as a user runs it:
# help and exit codes, the default run's summary against its golden file,
# results database and CSV export, determinism across runs and seeds, and
# an interrupted run leaving a valid database marked 'interrupted'.
# Usage: test_run.sh path/to/techrace   (TR_SOURCE_DIR = repository root)
set -u
TR="$1"
SRC="${TR_SOURCE_DIR:-$(dirname "$0")/../..}"
GOLD="$SRC/tests/cli/golden"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
# A user's ~/.sqliterc (e.g. `.headers on`) must not change what sqlite3 prints.
sq() { sqlite3 -init /dev/null "$@" 2>/dev/null; }
check() { # check NAME CONDITION-COMMAND...
    name="$1"; shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
status_is() { # status_is EXPECTED CMD...
    want="$1"; shift
    "$@" >"$T/out" 2>"$T/err"; got=$?
    [ "$got" -eq "$want" ] || { echo "  expected exit $want, got $got: $*"; cat "$T/err"; return 1; }
}

check "help exits 0"            status_is 0 "$TR" run --help
check "help names --seed"       grep -q -- "--seed N" "$T/out"
check "top-level help"          status_is 0 "$TR" --help
check "unknown option -> 2"     status_is 2 "$TR" run --frobnicate
check "bad seed -> 2"           status_is 2 "$TR" run --seed abc
check "missing file -> 2"       status_is 2 "$TR" run "$T/nope.yaml"
check "missing file message"    grep -q "nope.yaml" "$T/err"
check "bad --set -> 2"          status_is 2 "$TR" run --set countries.XX.gdp=1
check "unwritable --out -> 2"   status_is 2 "$TR" run --quiet --out "$T/no/such/dir/r.db"
check "--out message names reason" grep -q "No such file or directory" "$T/err"
check "unknown option message"  sh -c "'$TR' run --x 2>&1 | grep -qx \"techrace run: unknown option '--x'\""
check "unknown option hint"     sh -c "'$TR' run --x 2>&1 | grep -qx \"Try 'techrace run --help'.\""
check "scenario same message"   sh -c "'$TR' scenario check --x default 2>&1 | grep -qx \"techrace scenario check: unknown option '--x'\""
check "missing value -> 2"      status_is 2 "$TR" run --out
check "-- ends options"         status_is 2 "$TR" run -- --seed
check "-- message"              grep -q -- "--seed" "$T/err"
check "--opt=V form"            status_is 0 "$TR" run --quiet --seed=7 --set=calendar.end=2002 --out="$T/eq.db"
check "--opt=V recorded"        sh -c "[ \"\$(sqlite3 -init /dev/null '$T/eq.db' 'select seed from runs')\" = 7 ]"
# Outputs are checked before the run, and a bad scenario creates nothing.
check "bad scenario, no csv dir" status_is 2 "$TR" run --quiet --set countries.XX.gdp=1 --csv "$T/never" --out "$T/never.db"
check "csv dir not created"     test ! -e "$T/never"
check "db not created"          test ! -e "$T/never.db"
mkdir "$T/foreign-csv" && echo keep >"$T/foreign-csv/notes.txt"
check "--csv over foreign files -> 2" status_is 2 "$TR" run --quiet --csv "$T/foreign-csv"
check "foreign files kept"      test -s "$T/foreign-csv/notes.txt"
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$T/ro" && chmod 555 "$T/ro"
    check "--csv unwritable -> 2"  status_is 2 "$TR" run --quiet --csv "$T/ro/csv"
    check "--out unwritable reason" sh -c "'$TR' run --quiet --out '$T/ro/r.db' 2>&1 | grep -q 'Permission denied'"
fi
# A foreign SQLite database is refused and left byte for byte as it was.
sq "$T/foreign.db" "create table t(x); insert into t values (1);"
cp "$T/foreign.db" "$T/foreign.orig"
check "foreign db -> 2"         status_is 2 "$TR" run --quiet --set calendar.end=2001 --out "$T/foreign.db"
check "foreign db message"      grep -q "not a techrace results database" "$T/err"
check "foreign db unchanged"    cmp -s "$T/foreign.db" "$T/foreign.orig"
# An experiment database is named as such, and refused as bad input.
"$TR" ensemble --runs 1 --threads 1 --quiet --set calendar.end=2001 --out "$T/exp.db" 2>/dev/null
cp "$T/exp.db" "$T/exp.orig"
check "experiment db -> 2"      status_is 2 "$TR" run --quiet --set calendar.end=2001 --out "$T/exp.db"
check "experiment db message"   grep -q "an experiment database" "$T/err"
check "experiment db unchanged" cmp -s "$T/exp.db" "$T/exp.orig"
# Write errors on standard output are errors.
check "show > /dev/full -> 1"   sh -c "'$TR' scenario show >/dev/full 2>'$T/full'; [ \$? -eq 1 ]"
check "show /dev/full message"  grep -q "No space left on device" "$T/full"
check "diff > /dev/full message" sh -c "'$TR' scenario diff default default --set seed=5 >/dev/full 2>'$T/full'; [ \$? -eq 1 ] && grep -q 'cannot write' '$T/full'"
check "run > /dev/full -> 1"    sh -c "'$TR' run --set calendar.end=2001 >/dev/full 2>/dev/null; [ \$? -eq 1 ]"
touch "$T/afile"
check "--out under a file -> 2" status_is 2 "$TR" run --quiet --out "$T/afile/r.db"
check "--out real reason"       grep -q "Not a directory" "$T/err"
check "--csv on a file -> 2"    status_is 2 "$TR" run --quiet --csv "$T/afile"
check "--csv message"           grep -q "not a directory" "$T/err"
check "--csv missing parent -> 2" status_is 2 "$TR" run --quiet --csv "$T/no/such"
check "negative seed -> 2"      status_is 2 "$TR" run --seed " -1"
check "--run recorded" sh -c "'$TR' run --quiet --run 3 --out '$T/ri.db' && [ \"\$(sqlite3 -init /dev/null '$T/ri.db' 'select run_index from runs')\" = 3 ]"

# The default run: summary equals the golden file (regenerate with
# tests/cli/update_golden.sh after a deliberate model or scenario change).
check "default run"             status_is 0 "$TR" run
check "summary matches golden"  cmp -s "$T/out" "$GOLD/run_default.txt"
[ "$fail" -eq 0 ] || diff "$GOLD/run_default.txt" "$T/out" | head -40

# The title follows an overridden calendar; no country runs a little-giant programme, no column.
check "title follows calendar" sh -c "'$TR' run --set calendar.end=2005 | head -n 1 | grep -qx 'US-China technology race 2000-2005'"
check "no giants without a programme" sh -c "! '$TR' run --set calendar.end=2006 --set countries.CN.firms.little_giants=0 | grep -q giants"

# Determinism: the same seed gives byte-identical CSV, another seed does not.
check "run A"  status_is 0 "$TR" run --quiet --seed 42 --out "$T/a.db" --csv "$T/a"
check "run B"  status_is 0 "$TR" run --quiet --seed 42 --out "$T/b.db" --csv "$T/b"
check "run C"  status_is 0 "$TR" run --quiet --seed 43 --csv "$T/c"
for f in country_year country_tech_year tracker tracker_top10 events_applied run countries technologies; do
    check "csv $f exists"            test -s "$T/a/$f.csv"
    check "csv $f same seed same"    cmp -s "$T/a/$f.csv" "$T/b/$f.csv"
done
check "other seed differs" sh -c "! cmp -s '$T/a/tracker_top10.csv' '$T/c/tracker_top10.csv'"
check "run complete in db" sh -c "[ \"\$(sqlite3 -init /dev/null '$T/a.db' \"select status from runs\")\" = complete ]"
check "36 years in db" sh -c "[ \"\$(sqlite3 -init /dev/null '$T/a.db' \"select count(distinct year) from country_year\")\" = 36 ]"

# A second run into the same database is added, not overwritten.
check "append run" status_is 0 "$TR" run --quiet --seed 42 --out "$T/a.db"
check "two runs in db" sh -c "[ \"\$(sqlite3 -init /dev/null '$T/a.db' \"select count(*) from runs\")\" = 2 ]"

# A CSV set is replaced whole, and a planted link is not followed.
echo precious >"$T/precious"
ln -s "$T/precious" "$T/a/tracker.csv.tmp"
check "re-export over a set" status_is 0 "$TR" run --quiet --seed 42 --csv "$T/a"
check "link not followed"    sh -c "[ \"\$(cat '$T/precious')\" = precious ]"
check "same set again"       cmp -s "$T/a/tracker.csv" "$T/b/tracker.csv"
check "no stray files"       sh -c "[ -z \"\$(ls -A '$T' | grep '^\\.a\\.')\" ] && [ ! -e '$T/a/tracker.csv.tmp' ]"

# Interrupted: a long run stopped by a signal exits 1 and leaves a valid
# database whose run is marked interrupted and holds complete years only.
# A command started with & by a non-interactive shell has SIGINT ignored,
# and techrace keeps it ignored (as it does after `trap '' INT`): INT does
# nothing, TERM and HUP stop the run.
interrupt_test() { # interrupt_test NAME SIGNAL
    db="$T/int-$1.db"
    "$TR" run --quiet --out "$db" --set calendar.end=2200 --set calendar.steps_per_year=52 \
        >"$T/out" 2>"$T/err" &
    pid=$!
    i=0
    while [ $i -lt 100 ]; do
        n=$(sq "$db" "select count(*) from country_year" || echo 0)
        [ "${n:-0}" -gt 0 ] && break
        sleep 0.1; i=$((i + 1))
    done
    kill -INT $pid
    sleep 0.3
    check "$1: ignored INT stays ignored" kill -0 $pid
    kill -"$2" $pid
    wait $pid; rc=$?
    check "$1: interrupted exit 1" test "$rc" -eq 1
    check "$1: interrupted message" grep -q "interrupted" "$T/err"
    check "$1: db integrity ok" sh -c "[ \"\$(sqlite3 -init /dev/null '$db' 'pragma integrity_check')\" = ok ]"
    check "$1: run marked interrupted" sh -c "[ \"\$(sqlite3 -init /dev/null '$db' \"select status from runs\")\" = interrupted ]"
    check "$1: complete years only" sh -c "[ \"\$(sqlite3 -init /dev/null '$db' \"select count(*) % 8 from country_year\")\" = 0 ]"
}
interrupt_test term TERM
interrupt_test hup HUP

[ "$fail" -eq 0 ] && echo "all run tests passed"
exit "$fail"
