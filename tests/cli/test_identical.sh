#!/bin/sh
# test_identical.sh TECHRACE — seeds 1, 2 and 3 of the default scenario and of
# scenarios/no-local-subsidy.yaml, exported to CSV, are byte-identical to the
# checksums in golden/export.sha256. A change of the model's behaviour must
# update them on purpose (tests/cli/update_golden.sh), in its own commit.
set -eu
bin="$1"
src="${TR_SOURCE_DIR:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
cd "$src" # run.csv records the scenario path as given: keep it relative
for s in 1 2 3; do
    "$bin" run --seed "$s" --quiet --csv "$tmp/def-$s"
    "$bin" run scenarios/no-local-subsidy.yaml --seed "$s" --quiet --csv "$tmp/nls-$s"
done
cd "$tmp"
if ! sha256sum --quiet -c "$src/tests/cli/golden/export.sha256"; then
    echo "CSV exports differ from tests/cli/golden/export.sha256"
    exit 1
fi
n=$(find . -type f | wc -l)
want=$(wc -l < "$src/tests/cli/golden/export.sha256")
[ "$n" -eq "$want" ] || { echo "expected $want exported files, found $n"; exit 1; }
echo "identical: $n files"
