#!/bin/sh
# calibration.sh — the numbers behind docs/CALIBRATION.md: runs the default
# scenario for seeds 1..N and prints the simulated side of each target
# (mean, min, max over seeds). Until `techrace validate` exists, this is how
# the calibration table is refreshed. Needs sqlite3.
# Usage: tools/calibration.sh [path/to/techrace] [N]
TR="${1:-build/techrace}"
N="${2:-20}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
q() { sqlite3 -separator ' ' "$T/r.db" "$1"; }
i=1
while [ "$i" -le "$N" ]; do
    rm -f "$T"/r.db*
    "$TR" run --quiet --seed "$i" --out "$T/r.db" || exit 1
    q "select
      (select techs_led from country_year where year=2005 and country='US'),
      (select techs_led from country_year where year=2005 and country='CN'),
      (select techs_led from country_year where year=2023 and country='CN'),
      (select techs_led from country_year where year=2023 and country='US'),
      (select count(*) from tracker where year=2023 and leader<>'CN' and second<>'CN'),
      (select count(*) from tracker where year=2023 and not (leader in ('US','CN') or second in ('US','CN'))),
      (select count(*) from tracker where year=2023 and (leader not in ('US','CN') or second not in ('US','CN','IN','KR'))),
      (select 100*leader_share from tracker where year=2023 and tech='T43'),
      (select 100*second_share from tracker where year=2023 and tech='T43')" >>"$T/all"
    i=$((i + 1))
done
# Budgets and talent flows draw no random numbers: the last seed's run gives them exactly.
q "select 'CN R&D intensity 2023 (%)', round(100*rd_intensity,2) from country_year where year=2023 and country='CN'
   union all select 'US R&D intensity 2022 (%)', round(100*rd_intensity,2) from country_year where year=2022 and country='US'
   union all select 'CN GERD growth 2000-2015 (%/yr, PPP)', round(100*(pow((select gerd from country_year where year=2015 and country='CN')/(select gerd from country_year where year=2000 and country='CN'), 1.0/15)-1),1)
   union all select 'CN share of world GERD 2019 (%)', round(100*world_rd_share,1) from country_year where year=2019 and country='CN'
   union all select 'US share of world GERD 2019 (%)', round(100*world_rd_share,1) from country_year where year=2019 and country='US'
   union all select 'US business-funded share 2019 (%)', round(100*business_funding/gerd,1) from country_year where year=2019 and country='US'
   union all select 'CN government-funded share 2019 (%)', round(100*gov_funding/gerd,1) from country_year where year=2019 and country='CN'
   union all select 'CN local share of state R&D funding 2023 (%)', round(100*local_funding/gov_funding,1) from country_year where year=2023 and country='CN'
   union all select 'CN returnees/departures '||year, round(returnees/outbound,2) from country_year where country='CN' and year in (2000,2010,2019,2020,2021,2023)" 2>/dev/null | sed 's/^/  /'
echo "  over seeds 1..$N (mean [min, max]):"
awk -v n="$N" 'BEGIN{split("US leads 2005|CN leads 2005|CN leads 2023|US leads 2023|techs where CN is neither 1st nor 2nd 2023|techs with neither US nor CN in top two 2023|techs with a top-two country other than US, CN, IN, KR 2023|batteries CN share 2023 (%)|batteries US share 2023 (%)", L, "|")}
  {for(i=1;i<=NF;i++){s[i]+=$i; if(NR==1||$i<mn[i])mn[i]=$i; if(NR==1||$i>mx[i])mx[i]=$i}}
  END{for(i=1;i<=9;i++) printf "  %-58s %6.1f [%g, %g]\n", L[i], s[i]/NR, mn[i], mx[i]}' "$T/all"
