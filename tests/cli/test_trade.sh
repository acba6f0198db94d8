#!/bin/sh
# test_trade.sh TECHRACE — the trade table of the results database and
# trade.csv: a short default run; per year, country and technology the
# country_tech_year accounts equal the sums of the trade table
# (production and exports over importers, consumption and imports over
# exporters), and trade.csv holds the table.
set -eu
bin="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sq() { sqlite3 -init /dev/null -batch "$@"; }
"$bin" run default --set calendar.end=2004 --quiet --out "$tmp/r.db" --csv "$tmp/csv"
n=$(sq "$tmp/r.db" "select count(*) from trade")
[ "$n" -gt 0 ] || { echo "FAIL no trade rows"; exit 1; }
# relative mismatches above 1e-9
bad=$(sq "$tmp/r.db" "
with e as (select year, exporter c, tech, sum(value) prod, sum(case when exporter <> importer then value else 0 end) ex
           from trade group by year, exporter, tech),
     i as (select year, importer c, tech, sum(value) cons, sum(case when exporter <> importer then value else 0 end) im
           from trade group by year, importer, tech)
select count(*) from country_tech_year x
left join e on e.year = x.year and e.c = x.country and e.tech = x.tech
left join i on i.year = x.year and i.c = x.country and i.tech = x.tech
where abs(x.production - ifnull(e.prod, 0)) > 1e-9 * (1 + x.production)
   or abs(x.exports - ifnull(e.ex, 0)) > 1e-9 * (1 + x.exports)
   or abs(x.consumption - ifnull(i.cons, 0)) > 1e-9 * (1 + x.consumption)
   or abs(x.imports - ifnull(i.im, 0)) > 1e-9 * (1 + x.imports)")
[ "$bad" -eq 0 ] || { echo "FAIL $bad country x technology rows differ from the trade table"; exit 1; }
echo "ok   accounts equal the trade table ($n rows)"
# buyer prices: home sales at producer prices, imports at or above them
bad=$(sq "$tmp/r.db" "select count(*) from trade where (exporter = importer and abs(value_buyer - value) > 1e-12 * (1 + value))
                      or (exporter <> importer and value_buyer < value)")
[ "$bad" -eq 0 ] || { echo "FAIL $bad rows with wrong buyer values"; exit 1; }
echo "ok   buyer values"
head -1 "$tmp/csv/trade.csv" | grep -qx 'year,exporter,importer,tech,value,value_buyer,units' ||
    { echo "FAIL trade.csv header"; exit 1; }
[ "$(($(wc -l < "$tmp/csv/trade.csv") - 1))" -eq "$n" ] || { echo "FAIL trade.csv rows"; exit 1; }
echo "ok   trade.csv"
echo "trade: ok"
