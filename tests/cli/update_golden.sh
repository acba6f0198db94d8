#!/bin/sh
# update_golden.sh — regenerate the golden outputs of tests/cli after a
# deliberate change of the model or the default scenario. Review the diff!
# Usage: tests/cli/update_golden.sh [path/to/techrace]
TR="${1:-build/techrace}"
DIR="$(dirname "$0")/golden"
"$TR" run >"$DIR/run_default.txt" || exit 1
git --no-pager diff --stat -- "$DIR" 2>/dev/null
