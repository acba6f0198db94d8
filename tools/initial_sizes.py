#!/usr/bin/env python3
"""initial_sizes.py — the firm `size` of every bloc in scenarios/default.yaml,
from data: each bloc's share of world sales in the model's start year equals
its share of world value added of high-technology manufacturing in 2002
(pharmaceuticals C21, computer/electronic/optical products C26, air and
spacecraft C303; NSF/NCSES Science & Engineering Indicators 2024, table
SKTI-2, data/industry/value_added_by_industry_sei2024_2002.csv). Taiwan is not
in that table: its value added of high R&D-intensive industries in 2002 (SEI
2020 table 1977, data/industry/high_rd_value_added_2002.csv, mostly
electronics) stands in; the rest of the world is the world less the seven.

An initial condition, not a fit to a later outcome: the start year's shares
are data, and everything after them is the model's. A bloc's start-year share
depends on its sizes through capacity (and a little on prices), so the sizes
are found by a fixed-point iteration on one-year runs:
    size_c <- size_c x target_c / share_c.
Usage: tools/initial_sizes.py [path/to/techrace]   (prints the sizes)
"""
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCS = ["US", "CN", "EU", "JP", "KR", "TW", "IN", "ROW"]


def targets():
    va = {}
    with open(os.path.join(ROOT, "data/industry/value_added_by_industry_sei2024_2002.csv")) as f:
        for r in csv.DictReader(f):
            if r["industry"].split("_")[0] in ("C21", "C26", "C303"):
                b = "EU" if r["country_or_bloc"] == "EU27" else r["country_or_bloc"]
                va[b] = va.get(b, 0.0) + float(r["value"])
    with open(os.path.join(ROOT, "data/industry/high_rd_value_added_2002.csv")) as f:
        for r in csv.DictReader(f):
            if r["bloc"] == "TW":
                va["TW"] = float(r["value_added_musd"])
    world = va["WORLD"]
    va["ROW"] = world - sum(va[b] for b in BLOCS if b != "ROW")
    return {b: va[b] / world for b in BLOCS}


def current_sizes(bin_):
    out = subprocess.run([bin_, "scenario", "show"], capture_output=True, text=True, check=True).stdout
    import yaml  # python3-yaml (Makefile DEPS)
    s = yaml.safe_load(out)
    return {c["id"]: float(c["firms"]["size"]) for c in s["countries"]}


def shares(bin_, sizes, tmp):
    db = os.path.join(tmp, "s.db")
    for p in (db, db + "-wal", db + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    cmd = [bin_, "run", "--quiet", "--seed", "1", "--out", db, "--set", "calendar.end=2000"]
    for b, v in sizes.items():
        cmd += ["--set", "countries.%s.firms.size=%.6g" % (b, v)]
    subprocess.run(cmd, check=True)
    con = sqlite3.connect(db)
    rows = dict(con.execute("select country, production from country_year where year = 2000"))
    con.close()
    tot = sum(rows.values())
    return {b: rows[b] / tot for b in BLOCS}


def main():
    bin_ = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "techrace")
    tgt = targets()
    sizes = current_sizes(bin_)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(12):
            sh = shares(bin_, sizes, tmp)
            sizes = {b: sizes[b] * tgt[b] / sh[b] for b in BLOCS}
        sh = shares(bin_, sizes, tmp)
    print("bloc  target  model   size")
    for b in BLOCS:
        print("%-4s  %5.1f%%  %5.1f%%  %.3g" % (b, 100 * tgt[b], 100 * sh[b], sizes[b]))


if __name__ == "__main__":
    main()
