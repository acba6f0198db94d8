#!/usr/bin/env python3
"""initial_conditions.py - derive the default scenario's initial-condition inputs from data/.

Prints, per bloc, the values that scenarios/default.yaml carries (docs/DATA.md, "Initial conditions from data"):

  strength        research field strengths: the bloc's activity index in 2000 in the SEI field(s) each technology is
                  mapped to (data/research/tech_field_map.csv), AI = (bloc's share of its articles in those fields) /
                  (world's share of its articles in them); from data/research/pubs_by_field_sei2022_1996_2000.csv.
  critical_share  share of the bloc's 2000 articles in the "critical" fields: those mapped to at least
                  CRITICAL_MIN_TECHS of the 64 technologies.
  industry_strength  the bloc's specialisation in 2002 in the ISIC industry each technology is mapped to:
                  (bloc's share of its value added in that industry) / (world's share), shares of the sum of the
                  table's industries; from data/industry/value_added_by_industry_sei2024_2002.csv. No data = 1.
                  Where data/industry/start_production_shares.csv gives the bloc's share of world production of the
                  technology itself around the start (an industry such as C26 mixes chips with assembly), that
                  replaces the industry's: (share of world production) / (bloc's share of the table's value added).
  firms.cost      producers' cost level = 1 - LABOUR * (1 - wage) - LOCAL * (1 - price), wage = compensation per worker
                  at market exchange rates (PWT labsh x cgdpo x pl_gdpo / emp; a bloc's countries weighted by output,
                  cgdpo, as the price level is) and price = GDP price level (pl_gdpo), both relative to the US; from
                  data/macro/pwt101_labour_prices.csv.

Usage: python3 tools/initial_conditions.py [--year 2000]   (run from the repository root)
"""
import argparse
import collections
import csv
import json
import sys

BLOCS = ["US", "CN", "EU", "JP", "KR", "TW", "IN", "ROW"]
SEI_BLOC = {"EU": "EU27"}  # scenario id -> SEI bloc name
EU27 = set("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP "
           "SWE".split())
ISO = {"USA": "US", "CHN": "CN", "JPN": "JP", "KOR": "KR", "TWN": "TW", "IND": "IN"}
CRITICAL_MIN_TECHS = 3      # a field serving one or two technologies is mostly about other things
LABOUR, LOCAL = 0.25, 0.25  # cost shares of labour and of other local inputs (assumption; traded inputs the rest)
COST_YEARS = [2000, 2005, 2010, 2015, 2019]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2000, help="publication year of the field mix (1996-2000)")
    ap.add_argument("--json", action="store_true", help="print the values as JSON")
    a = ap.parse_args()

    techs = read("data/research/tech_field_map.csv")
    cats = {r["id"]: r["category"] for r in read("data/critical_technologies.csv")}
    pubs = collections.defaultdict(float)
    for r in read("data/research/pubs_by_field_sei2022_1996_2000.csv"):
        if int(r["year"]) == a.year:
            pubs[(r["country_or_bloc"], r["field"])] = float(r["value"])
    uses = collections.Counter(f for t in techs for f in t["sei_fields"].split(";"))
    critical = sorted(f for f, n in uses.items() if n >= CRITICAL_MIN_TECHS)

    def ai(bloc, fields):
        b = SEI_BLOC.get(bloc, bloc)
        own = sum(pubs[(b, f)] for f in fields) / pubs[(b, "all_fields")]
        world = sum(pubs[("WORLD", f)] for f in fields) / pubs[("WORLD", "all_fields")]
        return own / world

    va = collections.defaultdict(float)
    for r in read("data/industry/value_added_by_industry_sei2024_2002.csv"):
        if r["industry"] not in ("all_industries", "KTI_manufacturing_industries", "M72_scientific_RD"):
            va[(r["country_or_bloc"], r["industry"])] = float(r["value"])
    inds = sorted({i for (_, i) in va})
    direct = read("data/industry/start_production_shares.csv")
    for i in inds:  # ROW = world minus the listed economies (Taiwan is not listed, so it is inside ROW here)
        va[("ROW", i)] = va[("WORLD", i)] - sum(va[(b, i)] for b in ("US", "CN", "EU27", "JP", "KR", "IN"))

    def rca(bloc, ind):
        b = SEI_BLOC.get(bloc, bloc)
        if not ind or sum(va[(b, i)] for i in inds) <= 0:
            return None
        return (va[(b, ind)] / sum(va[(b, i)] for i in inds)) / (va[("WORLD", ind)] / sum(va[("WORLD", i)] for i in inds))

    wage = collections.defaultdict(float)
    nom = collections.defaultdict(float)
    ppp = collections.defaultdict(float)
    for r in read("data/macro/pwt101_labour_prices.csv"):
        try:
            g, p, l, e = (float(r[k]) for k in ("cgdpo", "pl_gdpo", "labsh", "emp"))
        except ValueError:
            continue
        c, y = r["country_iso3"], int(r["year"])
        b = ISO.get(c, "EU" if c in EU27 else "ROW")
        if e <= 0:
            continue  # no workers reported: no wage to weigh (and its output left out of every sum)
        wage[(b, y)] += g * (g * p * l / e)  # compensation per worker, weighted by output (as the price level)
        nom[(b, y)] += g * p
        ppp[(b, y)] += g

    result = {}
    for bloc in BLOCS:
        b = SEI_BLOC.get(bloc, bloc)
        r = result[bloc] = {}
        r["critical_share"] = sum(pubs[(b, f)] for f in critical) / pubs[(b, "all_fields")]
        r["strength"] = {t["tech"]: ai(bloc, t["sei_fields"].split(";")) for t in techs}
        ind = {t["tech"]: rca(bloc, t["isic_industry"]) for t in techs}
        size = sum(va[(b, i)] for i in inds) / sum(va[("WORLD", i)] for i in inds)
        for row in direct:
            if row["bloc"] == bloc and size > 0:
                ind[row["tech"]] = float(row["share_of_world_production"]) / size
        r["industry_strength"] = {t: v for t, v in ind.items() if v is not None}
        r["cost"] = {}
        for y in COST_YEARS:
            w = (wage[(bloc, y)] / ppp[(bloc, y)]) / (wage[("US", y)] / ppp[("US", y)])
            p = (nom[(bloc, y)] / ppp[(bloc, y)]) / (nom[("US", y)] / ppp[("US", y)])
            r["cost"][y] = (1 - LABOUR * (1 - w) - LOCAL * (1 - p), w, p)
    if a.json:
        json.dump(result, sys.stdout, indent=1)
        return
    print(f"# field mix year {a.year}; critical fields (mapped to >= {CRITICAL_MIN_TECHS} technologies): "
          + ", ".join(critical))
    for bloc, r in result.items():
        print(f"{bloc}:")
        print(f"  critical_share: {r['critical_share']:.2f}")
        print("  strength: {" + ", ".join(f"{t}: {v:.2f}" for t, v in r["strength"].items()) + "}")
        if r["industry_strength"]:
            print("  industry_strength: {" + ", ".join(f"{t}: {v:.2f}" for t, v in r["industry_strength"].items()) + "}")
        else:
            print("  industry_strength: no data (1 for every technology)")
        print("  cost: {" + ", ".join(f"{y}: {c:.2f}" for y, (c, _, _) in r["cost"].items()) + "}   # wage, price: "
              + "; ".join(f"{y}: {w:.3f}, {p:.3f}" for y, (_, w, p) in r["cost"].items()))

if __name__ == "__main__":
    main()
