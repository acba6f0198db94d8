#!/bin/sh
# test_scenario_cli.sh TECHRACE — end-to-end checks of `techrace scenario`:
# exit statuses, messages, `show` of the embedded default byte for byte, and
# `diff` output.
set -u
bin=$1
src=${TR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
good=$src/tests/scenarios/good
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# expect_status WANT COMMAND... — run, keep stdout/stderr in $tmp/out, $tmp/err
expect_status() {
    want=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exit $got (wanted $want): $*"
        sed 's/^/    err: /' "$tmp/err" | head -n 5
    fi
}

contains() { # FILE TEXT
    grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

# help and usage
expect_status 0 "$bin" scenario --help
contains "$tmp/out" "usage: techrace scenario check"
expect_status 0 "$bin" scenario check --help
contains "$tmp/out" "techrace scenario diff A B"
expect_status 0 "$bin" scenario show -h
expect_status 0 "$bin" scenario diff --help
expect_status 2 "$bin" scenario
contains "$tmp/err" "usage:"
expect_status 2 "$bin" scenario frobnicate
contains "$tmp/err" "unknown command 'frobnicate'"
expect_status 2 "$bin" scenario check --frobnicate "$good/base.yaml"
contains "$tmp/err" "unknown option '--frobnicate'"
expect_status 2 "$bin" scenario check
expect_status 2 "$bin" scenario check --set
expect_status 2 "$bin" scenario diff default
expect_status 2 "$bin" scenario show default default

# the same option forms everywhere, whatever POSIXLY_CORRECT says
expect_status 0 env POSIXLY_CORRECT=1 "$bin" scenario show default --set seed=99
contains "$tmp/out" "seed: 99"
expect_status 2 "$bin" scenario check -- --set
contains "$tmp/err" "--set: error: cannot read file"
expect_status 2 "$bin" scenario check --set
contains "$tmp/err" "techrace scenario check: option '--set' needs a value"
contains "$tmp/err" "Try 'techrace scenario check --help'."

# check
expect_status 0 "$bin" scenario check "$good/base.yaml" "$good/override.yaml" default
contains "$tmp/out" "$good/base.yaml: ok (3 countries, 3 technologies, 3 events)"
contains "$tmp/out" "$good/override.yaml: ok (3 countries, 3 technologies, 3 events)"
contains "$tmp/out" "default: ok ("
expect_status 0 "$bin" scenario check --set countries.CN.rd_intensity=0.03 --set=seed=5 "$good/base.yaml"
expect_status 2 "$bin" scenario check "$good/base.yaml" "$tmp/absent.yaml"
contains "$tmp/out" "base.yaml: ok"
contains "$tmp/err" "$tmp/absent.yaml: error: cannot read file: No such file or directory"
expect_status 2 "$bin" scenario check --set countries.CN.rd_intensty=0.03 "$good/base.yaml"
contains "$tmp/err" "--set:1:14: error: unknown key 'rd_intensty' in country (did you mean 'rd_intensity'?) [--set countries.CN.rd_intensty=0.03]"

# show
expect_status 0 "$bin" scenario show
cmp -s "$tmp/out" "$src/scenarios/default.yaml" || fail "scenario show differs from scenarios/default.yaml"
expect_status 0 "$bin" scenario show default
cmp -s "$tmp/out" "$src/scenarios/default.yaml" || fail "scenario show default differs from scenarios/default.yaml"
expect_status 0 "$bin" scenario show "$good/override.yaml"
cp "$tmp/out" "$tmp/resolved.yaml"
contains "$tmp/resolved.yaml" 'name: "Test override"'
grep -q 'include' "$tmp/resolved.yaml" && fail "resolved text still has include"
expect_status 0 "$bin" scenario check "$tmp/resolved.yaml"
expect_status 0 "$bin" scenario diff "$good/override.yaml" "$tmp/resolved.yaml"
[ -s "$tmp/out" ] && fail "diff of a file and its resolved text is not empty"
expect_status 0 "$bin" scenario show default --set seed=99
contains "$tmp/out" "seed: 99"
expect_status 2 "$bin" scenario show "$tmp/absent.yaml"

# diff
expect_status 0 "$bin" scenario diff default default
[ -s "$tmp/out" ] && fail "diff default default is not empty"
expect_status 1 "$bin" scenario diff "$good/base.yaml" "$good/override.yaml"
contains "$tmp/out" "- events.mlp2006.budget = 5.5"
contains "$tmp/out" "+ events.mlp2006.budget = 8"
contains "$tmp/out" "- countries.JP.name = \"Japan\""
contains "$tmp/out" "+ countries.KR.name = \"Korea\""
expect_status 1 "$bin" scenario diff default default --set seed=123456789
[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "diff --set seed: expected 2 lines"
contains "$tmp/out" "+ seed = 123456789"
expect_status 1 "$bin" scenario diff "$good/base.yaml" "$good/base.yaml" --set parameters.research.hi_base=0.2
printf '%s\n' "- parameters.research.hi_base = 0.11" "+ parameters.research.hi_base = 0.2" >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" || fail "diff --set hi_base output"
expect_status 2 "$bin" scenario diff "$good/base.yaml" "$tmp/absent.yaml"

# a FIFO (as the file or as an include) is refused at once, never read
mkfifo "$tmp/fifo" || fail "mkfifo"
printf 'include: [fifo]\n' >"$tmp/inc-fifo.yaml"
expect_status 2 timeout 20 "$bin" scenario check "$tmp/fifo"
contains "$tmp/err" "fifo: error: cannot read file: not a regular file (a FIFO)"
expect_status 2 timeout 20 "$bin" scenario check "$tmp/inc-fifo.yaml"
contains "$tmp/err" "inc-fifo.yaml:1:11: error: cannot read included file '$tmp/fifo': not a regular file (a FIFO)"

# --set KEY*=F scales a number or every point of a time path, KEY+=D shifts it
expect_status 0 "$bin" scenario show default --set seed=1 --set 'countries.US.gdp+=100' --set 'countries.US.firms.count*=2' \
    --set 'parameters.firms.little_giant_rd*=2' --set 'countries.CN.rd_intensity.2000*=2'
contains "$tmp/out" "gdp: {2000: 15638, 2005: 17717"
contains "$tmp/out" "firms: {count: 3000,"
contains "$tmp/out" "little_giant_rd: 0.06,"
contains "$tmp/out" "rd_intensity: {2000: 0.0178,"
expect_status 0 "$bin" scenario show default --set seed=1 --set 'parameters.talent.attrition*=1'
expect_status 0 "$bin" scenario show default --set seed=1 --set 'countries.US.firms.count*=1.3333'
contains "$tmp/out" "firms: {count: 2000,"
expect_status 2 "$bin" scenario show default --set 'countries.US.name*=2'
contains "$tmp/err" "'name' is not a number or a time path: it cannot be scaled or shifted"
expect_status 2 "$bin" scenario show default --set 'countries.US.gdp*=x'
contains "$tmp/err" "--set:1:19: error: '*=' wants a number after it, got 'x'"

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "ok: scenario CLI"
