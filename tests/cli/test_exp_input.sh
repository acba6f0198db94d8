#!/bin/sh
# test_exp_input.sh TECHRACE — the experiment commands (ensemble, compare,
# sweep, sensitivity) and bad input: --force replaces only an experiment
# database or an empty file, and refuses anything else (exit 2, the file's
# bytes unchanged); a missing scenario file is bad input (exit 2) as it is for
# `run`; a --param error names the override actually tried; the metrics kept
# compactly are the ones docs/EXPERIMENTS.md lists.
set -eu
bin="$1"
src="${TR_SOURCE_DIR:?}"
. "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
short="--set calendar.end=2002"
param="--param parameters.firms.markup*=0.9:1.1:2"

# each experiment command, with its own arguments after it
exp_cmd() { # COMMAND OUT
    case $1 in
    ensemble) "$bin" ensemble $short --runs 2 --out "$2" --force --quiet ;;
    compare) "$bin" compare default $short --runs 2 --out "$2" --force --quiet ;;
    sweep) "$bin" sweep $short $param --runs 2 --out "$2" --force --quiet ;;
    sensitivity) "$bin" sensitivity $short --method morris --trajectories 2 $param --metric gdp:US --runs 2 \
                     --out "$2" --force --quiet ;;
    esac
}

# files --force must not replace: another program's database, one with another
# application id, a run's results database, a scenario, a short text file
sq foreign.db "create table x(a); insert into x values(1)"
sq other_app.db "pragma application_id = 7; create table x(a)"
"$bin" run $short --out results.db --quiet
printf 'name: "keep me"\n' > important.yaml
printf 'x\n' > short.db
for f in foreign.db other_app.db results.db important.yaml short.db; do cp "$f" "$f.orig"; done
for c in ensemble compare sweep sensitivity; do
    for f in foreign.db other_app.db results.db important.yaml short.db; do
        st=0; exp_cmd $c "$f" 2>err.txt || st=$?
        [ "$st" = 2 ] || fail "$c --force on $f: exit $st, expected 2: $(cat err.txt)"
        grep -q "left unchanged" err.txt || fail "$c --force on $f: message: $(cat err.txt)"
        cmp -s "$f" "$f.orig" || fail "$c --force changed $f"
        for x in -wal -shm -journal; do [ ! -e "$f$x" ] || fail "$c --force left $f$x"; done
    done
done
exp_cmd ensemble results.db 2>err.txt || true
grep -q "results database" err.txt || fail "the message should say what the file is: $(cat err.txt)"

# what --force may replace: an experiment database (of any kind) and an empty file
: > empty.db
exp_cmd ensemble empty.db || fail "--force on an empty file"
[ "$(sq empty.db "select value from meta where key='kind'")" = ensemble ] || fail "empty file not replaced"
exp_cmd sweep empty.db || fail "--force on an ensemble database"
[ "$(sq empty.db "select value from meta where key='kind'")" = sweep ] || fail "ensemble not replaced"
exp_cmd compare empty.db || fail "--force on a sweep database"
[ "$(sq empty.db "select value from meta where key='kind'")" = compare ] || fail "sweep not replaced"
# ... also one whose writer was killed (its application id is then in the -wal file only)
"$bin" ensemble --set calendar.end=2004 --runs 200 --threads 1 --out killed.db --quiet &
kill_when_runs killed.db 1 $!
exp_cmd ensemble killed.db || fail "--force on a killed experiment database"
[ "$(sq killed.db "select count(*) from runs")" = 2 ] || fail "killed experiment not replaced"

# a missing scenario file is bad input, as for `run`
st=0; "$bin" run nothere.yaml $short --quiet 2>/dev/null || st=$?
[ "$st" = 2 ] || fail "run nothere.yaml: exit $st"
for args in "ensemble nothere.yaml --runs 2" "compare default nothere.yaml --runs 2" \
    "compare nothere.yaml --runs 2" "sweep nothere.yaml $param" "sweep nothere.yaml --seed 3 $param" \
    "sensitivity nothere.yaml --method morris $param --metric gdp:US" \
    "sensitivity nothere.yaml --seed 3 --method morris $param --metric gdp:US"; do
    st=0; "$bin" $args --out missing.db 2>err.txt || st=$?
    [ "$st" = 2 ] || fail "$args: exit $st, expected 2"
    grep -q "nothere.yaml" err.txt || fail "$args: message: $(cat err.txt)"
    [ ! -e missing.db ] || fail "$args created its --out"
done

# a --param error names the override tried, with the operator the user wrote
st=0; "$bin" sweep --param 'countries.CN.name=1:2:2' --out p.db 2>err.txt || st=$?
[ "$st" = 2 ] || fail "sweeping a name: exit $st"
grep -q "'countries.CN.name' (--param 1) is not a number or a time path" err.txt || fail "name: $(cat err.txt)"
! grep -q 'name\*=' err.txt || fail "the message names an override not written: $(cat err.txt)"
"$bin" sweep --param 'countries.CN.nokey=1:2:2' --out p.db 2>err.txt && fail "unknown key accepted"
grep -q "tried as --set countries.CN.nokey=1 " err.txt || fail "unknown key, '=': $(cat err.txt)"
"$bin" sweep --param 'countries.CN.nokey+=1:2:2' --out p.db 2>err.txt && fail "unknown key accepted"
grep -q "tried as --set countries.CN.nokey+=0 " err.txt || fail "unknown key, '+=': $(cat err.txt)"
[ ! -e p.db ] || fail "p.db created on bad input"

# the compact country-technology metrics are those docs/EXPERIMENTS.md lists
"$bin" ensemble $short --runs 2 --out m.db --quiet
doc="$src/docs/EXPERIMENTS.md"
compact=$(sq m.db "select metric from metrics where level = 'country_tech' and kept = 'compact'")
n=0
for m in $compact; do
    grep -q "\`$m\`" "$doc" || fail "docs/EXPERIMENTS.md does not list the compact metric $m"
    n=$((n + 1))
done
grep -q "The $n country-technology metrics kept compactly" "$doc" || fail "docs/EXPERIMENTS.md: not $n compact metrics"
st=0; "$bin" sweep $short $param --metric consumption:US:T01 --runs 2 --out c.db 2>err.txt || st=$?
[ "$st" = 2 ] || fail "a metric not kept compact: exit $st"
grep -q "What is kept per run" err.txt || fail "metric message: $(cat err.txt)"
grep -q '^### What is kept per run' "$doc" || fail "docs/EXPERIMENTS.md lacks the section the message names"
echo "experiment input: ok"
