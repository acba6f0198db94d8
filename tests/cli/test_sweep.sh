#!/bin/sh
# test_sweep.sh TECHRACE — sweep designs have the right size and coverage (a
# full grid every combination once; a Latin hypercube each stratum once per
# parameter); sensitivity through the model finds a parameter without effect
# inert and higher US R&D raising the technologies the US leads; bad input
# is refused before anything runs.
set -eu
bin="$1"
. "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
short="--set calendar.end=2004"

"$bin" sweep $short --param 'countries.US.rd_intensity*=0.8:1.2:3' --param 'countries.CN.gdp+=0:100:2' \
    --out grid.db --quiet
[ "$(sq grid.db "select count(*) from points")" = 6 ] || fail "grid 3x2 has 6 points"
[ "$(sq grid.db "select count(distinct value) from design where param = 0")" = 3 ] || fail "3 values of param 0"
[ "$(sq grid.db "select count(*) from (select distinct a.value, b.value from design a join design b
      on a.point = b.point and a.param = 0 and b.param = 1)")" = 6 ] || fail "every combination once"
[ "$(sq grid.db "select min(value) || ' ' || max(value) from design where param = 0")" = "0.8 1.2" ] ||
    fail "grid spans LO..HI"
[ "$(sq grid.db "select count(*) from runs")" = 6 ] || fail "one run per point"
# the point's scenario carries its overrides
sq grid.db "select overrides from points where point = 5" | grep -q "countries.US.rd_intensity\*=1.2" ||
    fail "point 5's overrides"

"$bin" sweep $short --lhs 7 --param 'countries.US.rd_intensity*=0.5:1.5' --param 'parameters.firms.markup=0.5:0.8' \
    --runs 2 --out lhs.db --quiet
[ "$(sq lhs.db "select count(*) from points")" = 7 ] || fail "LHS of 7 points"
for j in 0 1; do
    [ "$(sq lhs.db "select count(distinct cast(x * 7 as int)) from design where param = $j")" = 7 ] ||
        fail "LHS: every stratum of parameter $j hit once"
done
[ "$(sq lhs.db "select count(*) from runs")" = 14 ] || fail "2 runs per point"
[ "$(sq lhs.db "select min(value) >= 0.5 and max(value) <= 0.8 from design where param = 1")" = 1 ] ||
    fail "LHS values inside the range"

"$bin" sensitivity $short --method morris --trajectories 3 --param 'countries.US.rd_intensity*=0.7:1.3' \
    --param 'parameters.firms.markup*=0.8:1.2' --metric techs_led:US --metric sales_share:CN --out morris.db > morris.txt
[ "$(sq morris.db "select count(*) from points")" = 9 ] || fail "Morris: 3 trajectories of 3 points"
[ "$(sq morris.db "select count(*) from sensitivity")" = 4 ] || fail "2 metrics x 2 parameters"
# markups do not change research: no effect on technologies led
[ "$(sq morris.db "select mu_star from sensitivity where metric = 'techs_led:US' and param = 1")" = 0.0 ] ||
    fail "markup should not move techs_led"
[ "$(sq morris.db "select mu > 0 from sensitivity where metric = 'techs_led:US' and param = 0")" = 1 ] ||
    fail "higher US R&D should raise the technologies the US leads"
grep -q "countries.US.rd_intensity" morris.txt || fail "table lacks the parameter"

"$bin" sensitivity $short --method sobol --samples 4 --boot 50 --param 'countries.US.rd_intensity*=0.7:1.3' \
    --param 'parameters.firms.markup*=0.8:1.2' --metric techs_led:US --out sobol.db --quiet
[ "$(sq sobol.db "select count(*) from points")" = 16 ] || fail "Sobol: 4 x (2 + 2) points"
[ "$(sq sobol.db "select count(*) from sensitivity where st is not null")" = 2 ] || fail "Sobol indices written"

# bad input, refused before anything runs
if "$bin" sweep --param 'countries.US.rd_intensity=0.1:0.2' --out bad1.db 2>err.txt; then fail "grid without N"; fi
grep -q "needs the number of values" err.txt || fail "grid message: $(cat err.txt)"
if "$bin" sweep --param 'nonsense' --out bad2.db 2>/dev/null; then fail "malformed --param"; fi
if "$bin" sweep --param 'countries.US.nokey=1:2:2' --out bad3.db 2>err.txt; then fail "unknown key"; fi
grep -q "nokey" err.txt || fail "unknown key message"
if "$bin" sensitivity --method morris --param 'countries.US.rd_intensity*=1:2' --metric nosuch:US --out bad4.db 2>err.txt; then
    fail "unknown metric"
fi
grep -q "nosuch" err.txt || fail "unknown metric message"
if "$bin" sensitivity --param 'countries.US.rd_intensity*=1:2' --metric techs_led:US --out bad5.db 2>/dev/null; then
    fail "missing --method"
fi
if "$bin" sensitivity --method morris --param 'countries.US.rd_intensity*=1:2' --metric techs_led:US \
    --metric techs_led:US@2035 --out bad6.db 2>err.txt; then fail "the same output twice accepted"; fi
grep -q "same output" err.txt || fail "duplicate metric message: $(cat err.txt)"
for f in bad1.db bad2.db bad3.db bad4.db bad5.db bad6.db; do [ ! -e "$f" ] || fail "$f created on bad input"; done
echo "sweep: ok"
