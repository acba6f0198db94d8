#!/bin/sh
# test_compare.sh TECHRACE — compare under common random numbers: a scenario
# against itself differs in nothing; removing China's local subsidies
# (scenarios/no-local-subsidy.yaml) has a known large effect: fewer Chinese
# entrants and higher Chinese capacity use by 2020, found with the right sign
# and distinguishable from noise (its lower loss share is checked by
# test_levers.sh).
set -eu
bin="$1"
src="${TR_SOURCE_DIR:?}"
. "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
short="--set calendar.end=2020"

"$bin" compare default default $short --runs 4 --out self.db --quiet
[ "$(sq self.db "select count(*) from comparisons")" -gt 1000 ] || fail "comparisons table is empty"
[ "$(sq self.db "select count(*) from comparisons where distinguishable")" = 0 ] ||
    fail "a scenario compared with itself has distinguishable differences"
[ "$(sq self.db "select count(*) from comparisons where diff != 0")" = 0 ] || fail "self-comparison diff != 0"

"$bin" compare default "$src/scenarios/no-local-subsidy.yaml" $short --runs 4 --year 2020 --out nls.db > table.txt
row() { sq nls.db "select $1 from comparisons_named where metric='$2' and level='country' and country='CN' and year=2020"; }
[ "$(row 'diff < 0 and distinguishable' entries)" = 1 ] || fail "no local subsidy: CN entries should fall: $(row 'diff, lo, hi' entries)"
[ "$(row 'diff > 0 and distinguishable' capacity_use)" = 1 ] || fail "no local subsidy: CN capacity use should rise: $(row 'diff, lo, hi' capacity_use)"
grep -q "loss_share" table.txt || fail "table lacks loss_share"
grep -q '\*' table.txt || fail "table marks no distinguishable difference"
# the arms are points 0 and 1, labelled
[ "$(sq nls.db "select count(*) from points")" = 2 ] || fail "two points"
# B defaults to A; --set-b makes the second arm
"$bin" compare default $short --set-b countries.US.rd_intensity=0.05 --runs 3 --year 2020 --out rd.db --quiet
[ "$(sq rd.db "select diff > 0 and distinguishable from comparisons_named where metric='gerd' and level='country' and country='US' and year=2020")" = 1 ] ||
    fail "higher US R&D intensity should raise US GERD"
# two finished ensembles with the same seed and runs compare to the same table as a direct comparison
"$bin" ensemble default $short --runs 4 --out ea.db --quiet
"$bin" ensemble "$src/scenarios/no-local-subsidy.yaml" $short --runs 4 --out eb.db --quiet
"$bin" compare ea.db eb.db --out eab.db --quiet
q="select metric_id, year, country, tech, n, mean_a, mean_b, diff, se, lo, hi, distinguishable from comparisons order by 1, 2, 3, 4"
[ "$(sq eab.db "$q")" = "$(sq nls.db "$q")" ] || fail "comparison of two ensemble databases differs from the direct one"
# the shortest command lines print the whole headline table (no --metric, no --quiet)
"$bin" compare ea.db eb.db --out=eab2.db > table2.txt || fail "compare of two databases without --quiet failed"
grep -q "profit_margin" table2.txt || fail "table of two databases lacks profit_margin"
"$bin" ensemble default $short --runs 3 --out ec.db --quiet
if "$bin" compare ea.db ec.db --out bad.db --quiet 2>err.txt; then fail "unpaired databases accepted"; fi
grep -q "do not pair" err.txt || fail "unpaired message: $(cat err.txt)"

# the output may not be an input, nor A and B one file; options that do not apply are refused
cp ea.db keep.db
if "$bin" compare ea.db eb.db --out ea.db --force --quiet 2>err.txt; then fail "out == input accepted"; fi
grep -q "one of the ensembles" err.txt || fail "out == input message: $(cat err.txt)"
cmp -s ea.db keep.db || fail "the input was changed"
if "$bin" compare ea.db ./ea.db --out x2.db --quiet 2>err.txt; then fail "same database twice accepted"; fi
grep -q "same database" err.txt || fail "same-database message: $(cat err.txt)"
if "$bin" compare ea.db eb.db --runs 7 --out x3.db --quiet 2>err.txt; then fail "--runs with databases accepted"; fi
if "$bin" compare default ea.db --out x4.db --quiet 2>err.txt; then fail "a scenario and a database accepted"; fi
grep -q "both be scenarios" err.txt || fail "mixed message: $(cat err.txt)"
for f in x2.db x3.db x4.db; do [ ! -e "$f" ] || fail "$f created on bad input"; done

# bad input
if "$bin" compare default --runs 1 --out x.db 2>/dev/null; then fail "--runs 1 accepted"; fi
if "$bin" compare --out x.db 2>/dev/null; then fail "missing scenario accepted"; fi
if "$bin" compare default default --out y.db --metric nonsense $short --runs 2 2>err.txt; then fail "unknown metric accepted"; fi
grep -q "nonsense" err.txt || fail "unknown metric not named"
[ ! -e y.db ] || fail "an unknown metric should be refused before anything runs"
echo "compare: ok"
