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
check "unwritable --out -> 1"   status_is 1 "$TR" run --quiet --out "$T/no/such/dir/r.db"
touch "$T/afile"
check "--csv on a file -> 2"    status_is 2 "$TR" run --quiet --csv "$T/afile"
check "--csv message"           grep -q "not a directory" "$T/err"
check "--csv missing parent -> 2" status_is 2 "$TR" run --quiet --csv "$T/no/such"
check "negative seed -> 2"      status_is 2 "$TR" run --seed " -1"
check "--run recorded" sh -c "'$TR' run --quiet --run 3 --out '$T/ri.db' && [ \"\$(sqlite3 '$T/ri.db' 'select run_index from runs')\" = 3 ]"

# The default run: summary equals the golden file (regenerate with
# tests/cli/update_golden.sh after a deliberate model or scenario change).
check "default run"             status_is 0 "$TR" run
check "summary matches golden"  cmp -s "$T/out" "$GOLD/run_default.txt"
[ "$fail" -eq 0 ] || diff "$GOLD/run_default.txt" "$T/out" | head -40

# Determinism: the same seed gives byte-identical CSV, another seed does not.
check "run A"  status_is 0 "$TR" run --quiet --seed 42 --out "$T/a.db" --csv "$T/a"
check "run B"  status_is 0 "$TR" run --quiet --seed 42 --out "$T/b.db" --csv "$T/b"
check "run C"  status_is 0 "$TR" run --quiet --seed 43 --csv "$T/c"
for f in country_year country_tech_year tracker tracker_top10 events_applied run; do
    check "csv $f exists"            test -s "$T/a/$f.csv"
    check "csv $f same seed same"    cmp -s "$T/a/$f.csv" "$T/b/$f.csv"
done
check "other seed differs" sh -c "! cmp -s '$T/a/tracker_top10.csv' '$T/c/tracker_top10.csv'"
check "run complete in db" sh -c "[ \"\$(sqlite3 '$T/a.db' \"select status from runs\")\" = complete ]"
check "36 years in db" sh -c "[ \"\$(sqlite3 '$T/a.db' \"select count(distinct year) from country_year\")\" = 36 ]"

# A second run into the same database is added, not overwritten.
check "append run" status_is 0 "$TR" run --quiet --seed 42 --out "$T/a.db"
check "two runs in db" sh -c "[ \"\$(sqlite3 '$T/a.db' \"select count(*) from runs\")\" = 2 ]"

# Interrupted: a long run stopped by SIGINT exits 1 and leaves a valid
# database whose run is marked interrupted and holds complete years only.
"$TR" run --quiet --out "$T/int.db" --set calendar.end=2200 --set calendar.steps_per_year=52 \
    >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ $i -lt 100 ]; do
    n=$(sqlite3 "$T/int.db" "select count(*) from country_year" 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.1; i=$((i + 1))
done
kill -INT $pid
wait $pid; rc=$?
check "interrupted exit 1" test "$rc" -eq 1
check "interrupted message" grep -q "interrupted" "$T/err"
check "db integrity ok" sh -c "[ \"\$(sqlite3 '$T/int.db' 'pragma integrity_check')\" = ok ]"
check "run marked interrupted" sh -c "[ \"\$(sqlite3 '$T/int.db' \"select status from runs\")\" = interrupted ]"
check "complete years only" sh -c "[ \"\$(sqlite3 '$T/int.db' \"select count(*) % 8 from country_year\")\" = 0 ]"

[ "$fail" -eq 0 ] && echo "all run tests passed"
exit "$fail"
