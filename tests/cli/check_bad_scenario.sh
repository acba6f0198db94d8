#!/bin/sh
# check_bad_scenario.sh TECHRACE FILE.yaml — check that a malformed scenario is
# rejected the way FILE.expect says.
#
# Runs `TECHRACE scenario check [ARGS] NAME.yaml` in the file's directory, so
# that messages carry the name as given. Passes when the exit status is 2 (bad
# input, not a crash: any status >= 128 is a signal), the first error line on
# stderr is exactly the first expectation line, and every further expectation
# line appears as a whole line on stderr.
#
# FILE.expect: lines starting with '#' are comments, except a first line
# `# args: ...` whose words are passed to `scenario check` before the file
# (e.g. `# args: --set countries.XX.gdp=1`). Every other non-empty line is an
# expected line of output.
set -u
bin=$1
yaml=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
dir=$(dirname "$yaml")
name=$(basename "$yaml")
expect=$dir/${name%.yaml}.expect
cd "$dir" || exit 1
expect=${name%.yaml}.expect
if [ ! -f "$expect" ]; then
    echo "FAIL: $expect is missing"
    exit 1
fi

args=$(sed -n '1s/^# args: //p' "$expect")
err=$(mktemp) || exit 1
out=$(mktemp) || exit 1
trap 'rm -f "$err" "$out"' EXIT
set -f
# shellcheck disable=SC2086 # word splitting of args is intended
"$bin" scenario check $args "$name" >"$out" 2>"$err"
status=$?
set +f

fail=0
if [ "$status" -ge 128 ]; then
    echo "FAIL: $name: techrace crashed (status $status)"
    fail=1
elif [ "$status" -ne 2 ]; then
    echo "FAIL: $name: exit status $status, expected 2"
    fail=1
fi

first_expected=$(grep -v '^#' "$expect" | grep -v '^$' | head -n 1)
first_error=$(grep ': error: ' "$err" | head -n 1)
if [ "$first_expected" != "$first_error" ]; then
    echo "FAIL: $name: first error differs"
    echo "  expected: $first_expected"
    echo "  got:      $first_error"
    fail=1
fi
grep -v '^#' "$expect" | grep -v '^$' | while IFS= read -r line; do
    if ! grep -qxF -- "$line" "$err"; then
        echo "FAIL: $name: missing line: $line"
        echo x >>"$out.missing"
    fi
done
if [ -f "$out.missing" ]; then
    rm -f "$out.missing"
    fail=1
fi

if [ "$fail" -ne 0 ]; then
    echo "--- stderr of: techrace scenario check $args $name"
    cat "$err"
    exit 1
fi
echo "ok: $name"
exit 0
