#!/bin/sh
# update_golden.sh — regenerate the golden outputs of tests/cli after a
# deliberate change of the model or the default scenario. Review the diff!
# Usage: tests/cli/update_golden.sh [path/to/techrace]
set -eu
TR="$(cd "$(dirname "${1:-build/techrace}")" && pwd)/$(basename "${1:-build/techrace}")"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="$ROOT/tests/cli/golden"
"$TR" run >"$DIR/run_default.txt"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$ROOT"
for s in 1 2 3; do
    "$TR" run --seed "$s" --quiet --csv "$tmp/def-$s"
    "$TR" run scenarios/no-local-subsidy.yaml --seed "$s" --quiet --csv "$tmp/nls-$s"
done
(cd "$tmp" && find . -type f | sort | xargs sha256sum) >"$DIR/export.sha256"
git -C "$ROOT" --no-pager diff --stat -- tests/cli/golden 2>/dev/null || true
